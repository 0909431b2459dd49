// mentoring/domain/action_key.hpp — the kinds of write-back actions and the
// one builder of their idempotency keys.
//
//   ActionKey key = action_key(ActionKind::invite, ActionTopic::invitation, "northwind",
//                              {"return-to-work", "E1042", "L77"});
//   key.text;  // "invite/northwind/return-to-work/E1042/L77"
//
// A key names one effect on a host system; delivering the same key twice must
// have the effect of delivering it once. Stored databases hold keys built by
// earlier versions, and a key built differently for the same effect would send
// it again after an upgrade: so each topic keeps the prefix and layout it has
// always had (`<prefix>/<organisation>/<part>/...`; `calendar/<uid>/<sequence>`,
// whose uid carries the organisation). Change neither; add a topic instead.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mentoring::domain {

// The `type` of an action (schemas/action.schema.json); each has its payload
// schema, schemas/actions/<kind>.schema.json.
enum class ActionKind : std::uint8_t {
  invite,
  withdraw_invitation,
  reminder,
  enrol_in_course,
  calendar_event,
  task,
  notify,
  group_membership,
};
std::string_view to_string(ActionKind kind);
std::optional<ActionKind> parse_action_kind(std::string_view text);
const std::vector<ActionKind>& all_action_kinds();

// What an action is about; fixes its key prefix and the kinds it may carry.
enum class ActionTopic : std::uint8_t {
  invitation,           // invite/<org>/<programme>/<person>/<leave>
  mentor_invitation,    // invite-mentor/<org>/<programme>/<person>
  withdrawal,           // withdraw/<org>/<programme>/<person>/<leave>
  invitation_reminder,  // remind/<org>/<programme>/<person>/<enrolment>/<day>
  touchpoint,           // touchpoint/<org>/<enrolment>/<touchpoint>/<sequence>
  calendar,             // calendar/<uid>/<sequence> (the uid names the organisation)
  pair_ended,           // pair-ended/<org>/<pair>
  leave_change,         // leave-change/<org>/<pair>/<member>/<leave fingerprint>
  decision,             // decide/<org>/<programme>/<person>/<leave fingerprint>
  completed,            // completed/<org>/<enrolment>
  management_chain,     // chain/<org>/<pair>/<day>
  paired,               // paired/<org>/<pair>/<member>
  training,             // training/<org>/<programme>/<person>/<role>/<step>
  supervision_missed,   // supervision-missed/<org>/<programme>/<person>/s<session>
  group_membership,     // group/<org>/<programme>/<group>/<person>/in|out
  kickoff_note,         // kickoff-note/<org>/<programme>/<mentor>/<mentee>
  pair_first_contact,   // pair-first-contact/<org>/<programme>/<pair>
  pair_overdue,         // pair-overdue/<org>/<programme>/<pair>/<due>/remind/<person> | .../flag
  evaluation_survey,    // evaluation-survey/<org>/<programme>/<survey>/<enrolment>
  kit_day,              // kit-day/<org>/<leave>/<day>/mentor|person (notify) | .../hr (task)
  return_step,          // return-step/<org>/<programme>/<leave>/<step>/r<round>[/withdrawn|/missed]
                        // (task, notify) | .../no-line-manager/<due> (task)
  circle_overdue,       // circle-overdue/<org>/<programme>/<mentor>/<due>/remind/<person> | .../flag
  pair_request,         // pair-request/<org>/<pair> (a mentee asks a mentor)
  pair_request_answer,  // pair-request-answer/<org>/<pair>/<answer> (the mentor's, to the mentee)
};
std::string_view key_prefix(ActionTopic topic);

struct ActionKey {
  ActionKind kind;
  std::string text;
  bool operator==(const ActionKey&) const = default;
};

// The key of one action. Throws std::invalid_argument when the topic never
// carries that kind (a bug: eg a task keyed as an invitation), or when the
// organisation is empty for a topic that names it.
ActionKey action_key(ActionKind kind, ActionTopic topic, std::string_view organisation,
                     std::span<const std::string_view> parts);
// The same with the parts written in place: action_key(kind, topic, org, {"rtw", "E1"}).
inline ActionKey action_key(ActionKind kind, ActionTopic topic, std::string_view organisation,
                            std::initializer_list<std::string_view> parts) {
  return action_key(kind, topic, organisation, std::span(parts.begin(), parts.size()));
}

}  // namespace mentoring::domain
