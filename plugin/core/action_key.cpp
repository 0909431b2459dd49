#include <mentoring/domain/action_key.hpp>

#include <algorithm>
#include <array>
#include <stdexcept>

namespace mentoring::domain {

namespace {

struct KindName {
  ActionKind kind;
  std::string_view name;
};
constexpr std::array<KindName, 8> kKinds = {{
    {ActionKind::invite, "invite"},
    {ActionKind::withdraw_invitation, "withdraw_invitation"},
    {ActionKind::reminder, "reminder"},
    {ActionKind::enrol_in_course, "enrol_in_course"},
    {ActionKind::calendar_event, "calendar_event"},
    {ActionKind::task, "task"},
    {ActionKind::notify, "notify"},
    {ActionKind::group_membership, "group_membership"},
}};

struct TopicRule {
  ActionTopic topic;
  std::string_view prefix;
  bool names_organisation;  // false: the first part carries it (a calendar uid)
  std::array<std::optional<ActionKind>, 2> kinds;
};
// The prefixes are in stored databases: never change one (see the header).
constexpr std::array<TopicRule, 24> kTopics = {{
    {ActionTopic::invitation, "invite", true, {ActionKind::invite, {}}},
    {ActionTopic::mentor_invitation, "invite-mentor", true, {ActionKind::invite, {}}},
    {ActionTopic::withdrawal, "withdraw", true, {ActionKind::withdraw_invitation, {}}},
    {ActionTopic::invitation_reminder, "remind", true, {ActionKind::reminder, {}}},
    {ActionTopic::touchpoint, "touchpoint", true, {ActionKind::calendar_event, {}}},
    {ActionTopic::calendar, "calendar", false, {ActionKind::calendar_event, {}}},
    {ActionTopic::pair_ended, "pair-ended", true, {ActionKind::notify, {}}},
    {ActionTopic::leave_change, "leave-change", true, {ActionKind::notify, {}}},
    {ActionTopic::decision, "decide", true, {ActionKind::task, {}}},
    {ActionTopic::completed, "completed", true, {ActionKind::notify, {}}},
    {ActionTopic::management_chain, "chain", true, {ActionKind::task, {}}},
    {ActionTopic::paired, "paired", true, {ActionKind::notify, {}}},
    {ActionTopic::training, "training", true, {ActionKind::enrol_in_course, ActionKind::reminder}},
    {ActionTopic::supervision_missed, "supervision-missed", true, {ActionKind::task, {}}},
    {ActionTopic::group_membership, "group", true, {ActionKind::group_membership, {}}},
    {ActionTopic::kickoff_note, "kickoff-note", true, {ActionKind::notify, {}}},
    {ActionTopic::pair_first_contact, "pair-first-contact", true, {ActionKind::task, {}}},
    {ActionTopic::pair_overdue, "pair-overdue", true, {ActionKind::reminder, ActionKind::task}},
    {ActionTopic::evaluation_survey, "evaluation-survey", true, {ActionKind::notify, {}}},
    {ActionTopic::kit_day, "kit-day", true, {ActionKind::notify, ActionKind::task}},
    {ActionTopic::return_step, "return-step", true, {ActionKind::task, ActionKind::notify}},
    {ActionTopic::circle_overdue, "circle-overdue", true, {ActionKind::reminder, ActionKind::task}},
    {ActionTopic::pair_request, "pair-request", true, {ActionKind::notify, {}}},
    {ActionTopic::pair_request_answer, "pair-request-answer", true, {ActionKind::notify, {}}},
}};

const TopicRule& rule_of(ActionTopic topic) {
  for (const auto& rule : kTopics) {
    if (rule.topic == topic) return rule;
  }
  throw std::invalid_argument("action_key: unknown topic " +
                              std::to_string(static_cast<int>(topic)));
}

}  // namespace

std::string_view to_string(ActionKind kind) {
  for (const auto& k : kKinds) {
    if (k.kind == kind) return k.name;
  }
  return "?";
}

std::optional<ActionKind> parse_action_kind(std::string_view text) {
  for (const auto& k : kKinds) {
    if (k.name == text) return k.kind;
  }
  return std::nullopt;
}

const std::vector<ActionKind>& all_action_kinds() {
  static const std::vector<ActionKind> kinds = [] {
    std::vector<ActionKind> out;
    for (const auto& k : kKinds) out.push_back(k.kind);
    return out;
  }();
  return kinds;
}

std::string_view key_prefix(ActionTopic topic) {
  return rule_of(topic).prefix;
}

ActionKey action_key(ActionKind kind, ActionTopic topic, std::string_view organisation,
                     std::span<const std::string_view> parts) {
  const TopicRule& rule = rule_of(topic);
  if (std::find(rule.kinds.begin(), rule.kinds.end(), std::optional(kind)) == rule.kinds.end()) {
    throw std::invalid_argument("action_key: a " + std::string(to_string(kind)) +
                                " is never keyed under \"" + std::string(rule.prefix) +
                                "/\" (a bug in the caller)");
  }
  std::string text(rule.prefix);
  if (rule.names_organisation) {
    if (organisation.empty()) {
      throw std::invalid_argument("action_key: \"" + std::string(rule.prefix) +
                                  "/\" keys need the organisation");
    }
    text += "/";
    text += organisation;
  }
  for (std::string_view part : parts) {
    text += "/";
    text += part;
  }
  return {kind, std::move(text)};
}

}  // namespace mentoring::domain
