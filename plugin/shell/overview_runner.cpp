// HR's programme at a glance (programme_overview): loads each programme's
// enrolments, pairs, training and return steps, asks each module for its own
// report (supervision_runner's pair_sessions_of, training_runner's
// trainee_facts, return_runner's return_step_facts), lets plugin/overview put
// them together and serialises. No rule here: what is overdue, the waiting
// list's order and a pair's status are the domain's.
#include "return_runner.hpp"
#include "session_runners.hpp"

#include <mentoring/overview/overview.hpp>
#include <mentoring/store/outbox_repository.hpp>

#include <set>

namespace mentoring::shell {

using json = nlohmann::json;
using namespace mentoring::domain;

namespace {

json date_or_null(const std::optional<Date>& day) {
  return day ? json(format_date(*day)) : json(nullptr);
}

std::string hh_mm(int minutes) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "%02d:%02d", minutes / 60 % 24, minutes % 60);
  return buffer;
}

// Invitation reminders enqueued for each open invitation (the keys the
// enrolment run uses: one per reminder day and enrolment).
std::map<std::int64_t, int> reminders_sent(RunContext& c, const Programme& programme,
                                           const std::vector<Enrolment>& enrolments) {
  store::SqliteOutboxRepository outbox(c.store.session());
  std::map<std::int64_t, int> out;
  for (const auto& e : enrolments) {
    if (e.state != EnrolmentState::invited) continue;
    for (int day : programme.reminder_days) {
      const auto key =
          action_key(ActionKind::reminder, ActionTopic::invitation_reminder, c.organisation,
                     {programme.id, e.person_id, std::to_string(e.id), std::to_string(day)});
      if (outbox.contains(key.text)) ++out[e.id];
    }
  }
  return out;
}

class Names {
 public:
  Names(RunContext& c, const std::set<std::string>& ids) : people_(c.store.people(ids)) {}
  // An erased or pseudonymised person's row holds the pseudonym as name.
  json name(const std::string& id) const {
    auto p = people_.find(id);
    return p != people_.end() ? json(p->second.name) : json(nullptr);
  }
  json person(const std::string& id) const { return {{"person_id", id}, {"name", name(id)}}; }

 private:
  std::map<std::string, Person> people_;
};

json programme_json(RunContext& c, const Programme& programme) {
  overview::ProgrammeFacts facts;
  facts.programme = &programme;
  facts.enrolments = c.store.enrolments(programme.id);
  for (const auto& e : facts.enrolments) {
    if (e.state != EnrolmentState::eligible || !e.leave_id) continue;
    if (auto leave = c.store.leave(*e.leave_id)) facts.leaves.push_back(*leave);
  }
  facts.reminders_sent = reminders_sent(c, programme, facts.enrolments);
  const auto sessions = c.policy.modules.supervision
                            ? pair_sessions_of(c, programme)
                            : std::map<std::int64_t, overview::PairSessions>{};
  for (const auto& pair : c.store.pairs(programme.id)) {
    auto found = sessions.find(pair.id);
    facts.pairs.push_back(
        {pair, found != sessions.end() ? std::optional(found->second) : std::nullopt});
  }
  facts.trainees = trainee_facts(c, programme);
  facts.return_steps = return_step_facts(c, programme.id);

  const overview::ProgrammeOverview o = overview::programme_overview(facts, c.today);

  std::set<std::string> ids;
  for (const auto& e : facts.enrolments) ids.insert(e.person_id);
  for (const auto& p : facts.pairs) ids.insert({p.pair.mentee_id, p.pair.mentor_id});
  for (const auto& item : o.overdue) ids.insert(item.person_id);
  const Names names(c, ids);

  json by_role = json::object();
  for (const auto& [role, states] : o.enrolments_by_role) by_role[role] = states;
  json invitations = json::array();
  for (const auto& i : o.open_invitations) {
    invitations.push_back({{"person_id", i.enrolment->person_id},
                           {"name", names.name(i.enrolment->person_id)},
                           {"role", to_string(i.enrolment->role)},
                           {"invited_on", format_date(i.invited_on)},
                           {"respond_by", format_date(i.respond_by)},
                           {"reminders", i.reminders},
                           {"overdue", i.overdue}});
  }
  json waiting = json::array();
  for (const auto& w : o.waiting_list) {
    waiting.push_back({{"person_id", w.enrolment->person_id},
                       {"name", names.name(w.enrolment->person_id)},
                       {"since", date_or_null(w.since)},
                       {"position", w.position}});
  }
  json pairs = json::array();
  for (const auto& p : o.pairs) {
    json row = {{"pair_id", p.pair->id},
                {"mentee", names.person(p.pair->mentee_id)},
                {"mentor", names.person(p.pair->mentor_id)},
                {"started_on", date_or_null(p.started_on)},
                {"last_meeting_on", date_or_null(p.last_meeting_on)},
                {"next_meeting_on", date_or_null(p.next_meeting_on)},
                {"next_meeting_agreed", p.next_agreed},
                {"status", overview::to_string(p.status)},
                {"status_words", overview::describe(p.status)},
                {"held", p.held},
                {"missed_meetings", p.missed_meetings}};
    if (p.next_start_minutes) row["next_meeting_start_time"] = hh_mm(*p.next_start_minutes);
    if (p.pair->ended_on) row["ended_on"] = format_date(*p.pair->ended_on);
    if (p.resumes_on) row["resumes_on"] = format_date(*p.resumes_on);
    pairs.push_back(std::move(row));
  }
  json overdue = json::array();
  for (const auto& item : o.overdue) {
    json row = {{"kind", overview::to_string(item.kind)},
                {"kind_words", overview::describe(item.kind)},
                {"person_id", item.person_id},
                {"name", names.name(item.person_id)},
                {"what", item.what},
                {"due_on", format_date(item.due_on)},
                {"days_overdue", item.days_overdue}};
    if (item.pair_id) row["pair_id"] = *item.pair_id;
    overdue.push_back(std::move(row));
  }
  return {{"id", programme.id},
          {"name", programme.name},
          {"enrolments_by_state", o.enrolments_by_state},
          {"enrolments_by_role", by_role},
          {"open_invitations", invitations},
          {"waiting_list", waiting},
          {"pairs", pairs},
          {"overdue", overdue}};
}

json programme_overview(RunContext& c, const json& in) {
  const char* cmd = "programme_overview";
  require_valid_input(cmd, "programme_overview", in);
  json programmes = json::array();
  if (in.contains("programme")) {
    programmes.push_back(programme_json(c, programme_for(c, cmd, in)));
  } else {
    for (const auto& programme : c.programmes) programmes.push_back(programme_json(c, programme));
  }
  return {{"today", format_date(c.today)}, {"programmes", programmes}};
}

}  // namespace

std::optional<json> overview_command(RunContext& c, std::string_view command, const json& input) {
  if (command == "programme_overview") return programme_overview(c, input);
  return std::nullopt;
}

std::vector<std::string> overview_command_names() {
  return {"programme_overview"};
}

}  // namespace mentoring::shell
