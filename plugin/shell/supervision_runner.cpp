// Supervision's part of the plugin shell: mentors' group supervision, the
// kick-off, the pairs' own sessions and the circles', with calendar invites
// for each. Glue only: it loads records, calls plugin/supervision (which
// decides what is due, paused, reminded, flagged), stores and serialises.
// Session notes are private to the pair (circle): only session_list
// (circle_list) with a mentee or mentor caller ever reads them back.
#include "link_runner.hpp"
#include "session_runners.hpp"

#include <mentoring/calendar/ics.hpp>
#include <mentoring/schema.hpp>
#include <mentoring/store/calendar_repository.hpp>
#include <mentoring/store/outbox_repository.hpp>
#include <mentoring/store/sessions_repository.hpp>
#include <mentoring/supervision/circles.hpp>
#include <mentoring/supervision/groups.hpp>
#include <mentoring/supervision/kickoff.hpp>
#include <mentoring/supervision/pair_sessions.hpp>

#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <map>
#include <set>

namespace mentoring::shell {

using json = nlohmann::json;
using namespace mentoring::domain;

namespace {

// "HH:MM" -> minutes since midnight (the schemas check the pattern).
int minutes_of(const std::string& hh_mm) {
  return std::stoi(hh_mm.substr(0, 2)) * 60 + std::stoi(hh_mm.substr(3, 2));
}

std::string hh_mm(int minutes) {
  std::string out = std::to_string(minutes / 60 % 24) + ":" + std::to_string(minutes % 60);
  if (minutes / 60 % 24 < 10) out.insert(0, "0");
  if (minutes % 60 < 10) out.insert(out.size() - 1, "0");
  return out;
}

std::string timezone_of(const RunContext& c) {
  return c.policy.timezone;
}

std::optional<std::string> manager_email(const RunContext& c) {
  return c.policy.programme_manager_email;
}

supervision::SupervisionRules supervision_rules(const RunContext& c, const std::string& programme) {
  json s = programme_section(c, programme, "supervision");
  supervision::SupervisionRules rules;
  rules.every_weeks = s.value("every_weeks", rules.every_weeks);
  rules.for_months = s.value("for_months", rules.for_months);
  rules.group_size = s.value("group_size", rules.group_size);
  rules.missed_in_a_row = s.value("missed_in_a_row", rules.missed_in_a_row);
  rules.start_minutes = minutes_of(s.value("start_time", hh_mm(rules.start_minutes)));
  rules.duration_minutes = s.value("duration_minutes", rules.duration_minutes);
  return rules;
}

supervision::PairSessionRules pair_rules(const RunContext& c, const std::string& programme) {
  json s = programme_section(c, programme, "pair_sessions");
  supervision::PairSessionRules rules;
  rules.every_weeks = s.value("every_weeks", rules.every_weeks);
  rules.min_meetings = s.value("min_meetings", rules.min_meetings);
  rules.first_contact_by = s.value("first_contact_by", rules.first_contact_by);
  rules.first_contact_within_days =
      s.value("first_contact_within_days", rules.first_contact_within_days);
  rules.remind_after_days = s.value("remind_after_days", rules.remind_after_days);
  rules.escalate_after_days = s.value("escalate_after_days", rules.escalate_after_days);
  rules.start_minutes = minutes_of(s.value("start_time", hh_mm(rules.start_minutes)));
  rules.duration_minutes = s.value("duration_minutes", rules.duration_minutes);
  return rules;
}

json person_json(const std::map<std::string, Person>& people, const std::string& id) {
  auto p = people.find(id);
  return {{"person_id", id},
          {"name", p != people.end() ? p->second.name : id},
          {"email", p != people.end() && p->second.email ? json(*p->second.email) : json(nullptr)}};
}

std::vector<calendar::Attendee> attendees_of(const std::map<std::string, Person>& people,
                                             const std::vector<std::string>& ids) {
  std::vector<calendar::Attendee> out;
  for (const auto& id : ids) {
    auto p = people.find(id);
    out.push_back({id, p != people.end() ? p->second.name : id,
                   p != people.end() ? p->second.email : std::nullopt});
  }
  return out;
}

// Sends an invite, an update (same UID, SEQUENCE + 1) or a cancellation, and
// only when what attendees would see changed. Answers whether an action was enqueued.
bool publish(RunContext& c, store::OutboxRepository& outbox, calendar::CalendarEvent event,
             const std::string& programme_id, const std::string& kind,
             const std::map<std::string, json>& links = {}) {
  std::string fingerprint = format_date(event.start.date) + "|" + hh_mm(event.start.minutes) + "|" +
                            std::to_string(event.duration_minutes) + "|" + event.timezone + "|" +
                            event.location.value_or("") + "|" + event.summary;
  for (const auto& a : event.attendees) fingerprint += "|" + a.person_id;
  store::SqliteCalendarRepository calendar(c.store.session());
  auto previous = calendar.sent(event.uid);
  if (event.cancelled) {
    if (!previous || previous->cancelled) return false;
  } else if (previous && !previous->cancelled && previous->fingerprint == fingerprint) {
    return false;
  }
  event.sequence = previous ? previous->sequence + 1 : 0;
  std::string ics = calendar::to_ics(event, c.now);
  calendar.save_sent({event.uid, event.sequence, fingerprint, event.cancelled}, c.now);
  auto key = action_key(ActionKind::calendar_event, ActionTopic::calendar, c.organisation,
                        {event.uid, std::to_string(event.sequence)});
  json attendees = json::array();
  for (const auto& a : event.attendees) {
    attendees.push_back({{"person_id", a.person_id},
                         {"name", a.name},
                         {"email", a.email ? json(*a.email) : json(nullptr)}});
    // Each member's own link: the e-mail to them carries theirs, never another's.
    if (auto link = links.find(a.person_id); link != links.end() && !event.cancelled)
      attendees.back()["link"] = link->second;
  }
  json payload = {
      {"uid", event.uid},
      {"sequence", event.sequence},
      {"method", event.cancelled ? "CANCEL" : "REQUEST"},
      {"kind", kind},
      {"summary", event.summary},
      {"description", event.description},
      {"date", format_date(event.start.date)},
      {"start_time", hh_mm(event.start.minutes)},
      {"duration_minutes", event.duration_minutes},
      {"timezone", event.timezone},
      {"location", event.location ? json(*event.location) : json(nullptr)},
      {"organizer_email", event.organizer_email ? json(*event.organizer_email) : json(nullptr)},
      {"attendees", attendees},
      {"ics", ics}};
  // A link acts as the one person it names, so the event itself carries one only
  // when it has one attendee (a touchpoint); a pair's event carries each
  // member's in attendees[], never one member's for every reader of the event.
  if (event.attendees.size() == 1 && !event.cancelled) {
    if (auto link = links.find(event.attendees.front().person_id); link != links.end())
      payload["link"] = link->second;
  }
  enqueue_action(c, outbox, key, std::nullopt, programme_id, payload);
  return true;
}

// A task for the programme manager; the reason travels as a value in `about`.
json manager_task(const RunContext& c, supervision::ManagerFlagReason reason,
                  const std::string& text, json about) {
  auto email = manager_email(c);
  about["reason"] = supervision::to_string(reason);
  return {{"to", {{"role", "programme_manager"}, {"email", email ? json(*email) : json(nullptr)}}},
          {"subject", supervision::describe(reason)},
          {"text", text},
          {"about", std::move(about)}};
}

// --- group supervision ---------------------------------------------------------------

// Flags each run of missed sessions once (the outbox key names the session that completed it).
int flag_missed_streaks(RunContext& c, store::SessionsRepository& sessions,
                        store::OutboxRepository& outbox, const std::string& programme_id) {
  auto rules = supervision_rules(c, programme_id);
  std::map<std::int64_t, store::SessionsRepository::SupervisionSession> by_id;
  for (const auto& s : sessions.supervision_sessions(programme_id)) by_id[s.id] = s;
  std::map<std::string, std::vector<supervision::AttendanceMark>> marks;
  for (const auto& a : sessions.supervision_attendance(programme_id)) {
    const auto& s = by_id.at(a.session_id);
    marks[a.person_id].push_back({s.number, s.on, a.attended});
  }
  int flagged = 0;
  for (const auto& flag : supervision::missed_supervision_flags(marks, rules)) {
    auto key =
        action_key(ActionKind::task, ActionTopic::supervision_missed, c.organisation,
                   {programme_id, flag.person_id, "s" + std::to_string(flag.session_number)});
    json payload =
        manager_task(c, flag.reason,
                     "Mentor " + flag.person_id + " missed " + std::to_string(flag.in_a_row) +
                         " supervision sessions in a row (the last: session " +
                         std::to_string(flag.session_number) + ").",
                     {{"person_id", flag.person_id}, {"session_number", flag.session_number}});
    flagged += enqueue_action(c, outbox, key, flag.person_id, programme_id, payload);
  }
  return flagged;
}

ActionKey membership_key(const RunContext& c, const std::string& programme_id, int group,
                         const std::string& person, std::string_view in_or_out) {
  return action_key(ActionKind::group_membership, ActionTopic::group_membership, c.organisation,
                    {programme_id, std::to_string(group), person, in_or_out});
}

// Group membership on the host (eg a Moodle group in a "mentor supervision"
// course), as supervision::membership_changes decides. The keys are stable,
// so a re-run enqueues nothing twice. Gap: a mentor who leaves and later
// re-joins is not added again (the "in" key is spent).
int publish_group_memberships(RunContext& c, store::OutboxRepository& outbox,
                              const Programme& programme,
                              const std::vector<supervision::SupervisionGroup>& groups) {
  std::set<std::pair<int, std::string>> announced;
  for (const auto& g : groups) {
    for (const auto& m : g.members) {
      if (outbox.contains(membership_key(c, programme.id, g.number, m.person_id, "in").text))
        announced.insert({g.number, m.person_id});
    }
  }
  auto left = supervision::mentors_who_left(c.store.enrolments(programme.id));
  int enqueued = 0;
  for (const auto& change : supervision::membership_changes(groups, left, announced)) {
    json group = {
        {"key",
         "supervision/" + c.organisation + "/" + programme.id + "/" + std::to_string(change.group)},
        {"name", programme.name + ": mentor supervision, group " + std::to_string(change.group)}};
    auto key = membership_key(c, programme.id, change.group, change.person_id,
                              change.member ? "in" : "out");
    json payload = {{"programme_id", programme.id},
                    {"group", group},
                    {"person_id", change.person_id},
                    {"member", change.member}};
    enqueued += enqueue_action(c, outbox, key, change.person_id, programme.id, payload);
  }
  return enqueued;
}

json run_groups(RunContext& c, store::SessionsRepository& sessions, store::OutboxRepository& outbox,
                const Programme& programme, const std::vector<Pair>& pairs) {
  auto rules = supervision_rules(c, programme.id);
  auto firsts = supervision::first_pairings(pairs);
  auto stored = sessions.supervision_groups(programme.id);
  std::vector<supervision::SupervisionGroup> groups;
  std::map<int, std::int64_t> group_ids;
  for (const auto& g : stored) {
    supervision::SupervisionGroup group{g.number, g.starts_on, {}};
    for (const auto& [person, on] : g.members) group.members.push_back({person, on});
    groups.push_back(std::move(group));
    group_ids[g.number] = g.id;
  }
  auto plan = supervision::plan_supervision(std::move(groups), firsts, rules, c.today);
  for (const auto& g : plan.groups) {
    if (!group_ids.count(g.number)) {
      group_ids[g.number] = sessions.add_supervision_group(programme.id, g.number, g.starts_on);
    }
  }
  for (const auto& [number, person] : plan.placed) {
    sessions.add_supervision_member(group_ids.at(number), programme.id, person, firsts.at(person));
  }
  int memberships = publish_group_memberships(c, outbox, programme, plan.groups);

  std::set<std::string> everyone;
  for (const auto& g : plan.groups) {
    for (const auto& m : g.members) everyone.insert(m.person_id);
  }
  auto people = c.store.people(everyone);
  int invites = 0;
  for (const auto& meeting : plan.meetings) {
    sessions.upsert_supervision_session(group_ids.at(meeting.group), meeting.number, meeting.on);
    if (!meeting.to_send) continue;  // no invites for the past
    calendar::CalendarEvent event;
    event.uid = calendar::event_uid(
        c.organisation, programme.id, "supervision",
        "g" + std::to_string(meeting.group) + "-s" + std::to_string(meeting.number));
    event.summary = programme.name + ": mentor supervision, group " +
                    std::to_string(meeting.group) + ", session " + std::to_string(meeting.number);
    event.description = "Group supervision and support for mentors.";
    event.start = {meeting.on, rules.start_minutes};
    event.duration_minutes = rules.duration_minutes;
    event.timezone = timezone_of(c);
    event.organizer_email = manager_email(c);
    event.attendees = attendees_of(people, meeting.expected);
    event.cancelled = meeting.cancelled;
    invites += publish(c, outbox, event, programme.id, "supervision");
  }
  int flagged = flag_missed_streaks(c, sessions, outbox, programme.id);
  json placed_json = json::array();
  for (const auto& [number, person] : plan.placed)
    placed_json.push_back({{"group", number}, {"person_id", person}});
  return {{"groups", plan.groups.size()},     {"placed", placed_json},
          {"sessions", plan.meetings.size()}, {"invites", invites},
          {"missed_flags", flagged},          {"group_memberships", memberships}};
}

// --- kick-off notes and the pairs' own sessions ---------------------------------------

int hand_over_kickoff_notes(RunContext& c, store::SessionsRepository& sessions,
                            store::OutboxRepository& outbox, const Programme& programme,
                            const std::vector<Pair>& pairs) {
  std::map<std::string, std::string> notes;  // mentor -> note
  for (const auto& note : sessions.kickoff_notes(programme.id)) notes[note.mentor_id] = note.note;
  std::set<std::string> mentors;
  for (const auto& [mentor, text] : notes) mentors.insert(mentor);
  int handed = 0;
  for (const auto& h : supervision::kickoff_note_handovers(mentors, pairs)) {
    auto key = action_key(ActionKind::notify, ActionTopic::kickoff_note, c.organisation,
                          {programme.id, h.mentor_id, h.mentee_id});
    json payload = {{"to", {{"person_id", h.mentee_id}}},
                    {"from", {{"person_id", h.mentor_id}}},
                    {"subject", "A note from your mentor"},
                    {"text", notes.at(h.mentor_id)}};
    handed += enqueue_action(c, outbox, key, h.mentee_id, programme.id, payload);
  }
  return handed;
}

// When the mentee's tracking ends and when they are away: the mentee
// enrolment's own end (enrol keeps it right) and their approved leave.
struct MenteeFacts {
  Date ends_on{};
  std::vector<supervision::Period> away;
};

MenteeFacts mentee_facts(RunContext& c, const Programme& programme, const Pair& pair,
                         Date paired_on) {
  auto enrolment = c.store.enrolment(pair.mentee_enrolment_id);
  if (!enrolment) {
    throw Error(MENTORING_ERR_INTERNAL, "pair " + std::to_string(pair.id) + ": mentee enrolment " +
                                            std::to_string(pair.mentee_enrolment_id) +
                                            " is not in the store");
  }
  return {supervision::tracking_end(programme, *enrolment, paired_on),
          supervision::leave_pauses(c.store.leaves_of(pair.mentee_id))};
}

struct PairView {
  supervision::PairFacts facts;
  supervision::PairSessionReport report;
};

supervision::PairFacts pair_facts(RunContext& c, store::SessionsRepository& sessions,
                                  const Programme& programme, const Pair& pair) {
  auto rules = pair_rules(c, programme.id);
  supervision::PairFacts facts;
  facts.paired_on = pair.accepted_on.value_or(c.today);
  facts.every_weeks = sessions.pair_cadence(pair.id).value_or(rules.every_weeks);
  facts.held = sessions.pair_session_dates(pair.id);
  auto mentee = mentee_facts(c, programme, pair, facts.paired_on);
  facts.ends_on = mentee.ends_on;
  facts.paused = std::move(mentee.away);
  if (auto moved = sessions.pair_next_meeting(pair.id))
    facts.agreed_next = supervision::AgreedMeeting{moved->number, moved->on, moved->start_minutes};
  return facts;
}

PairView pair_view(RunContext& c, store::SessionsRepository& sessions, const Programme& programme,
                   const Pair& pair) {
  PairView view{pair_facts(c, sessions, programme, pair), {}};
  view.report = supervision::pair_session_report(pair_rules(c, programme.id), view.facts, c.today);
  return view;
}

json reminder_payload(const json& to, const std::string& due, json extra) {
  json payload = {{"to", to},
                  {"subject", "Time for your next mentoring session"},
                  {"text", "Your next session was due on " + due +
                               ". Please agree a date with each other and record it."},
                  {"due_on", due}};
  payload.update(extra);
  return payload;
}

struct PairCounts {
  int reminders = 0, flags = 0, first_contact_flags = 0, invites = 0, paused = 0;
  json to_json() const {
    return {{"reminders", reminders},
            {"manager_flags", flags},
            {"first_contact_flags", first_contact_flags},
            {"invites", invites},
            {"paused_for_leave", paused}};
  }
};

int flag_first_contact(RunContext& c, store::OutboxRepository& outbox, const Programme& programme,
                       const Pair& pair, const supervision::PairSessionRules& rules,
                       const supervision::ManagerFlag& flag) {
  auto key = action_key(ActionKind::task, ActionTopic::pair_first_contact, c.organisation,
                        {programme.id, std::to_string(pair.id)});
  json payload = manager_task(
      c, flag.reason,
      "Nothing was recorded within " + std::to_string(rules.first_contact_within_days) +
          " days of pairing (by " + format_date(flag.due_on) + "); the " + rules.first_contact_by +
          " was to make first contact.",
      {{"pair_id", pair.id}, {"mentee_id", pair.mentee_id}, {"mentor_id", pair.mentor_id}});
  return enqueue_action(c, outbox, key, pair.mentee_id, programme.id, payload);
}

// The calendar placeholder of the pair's next session; moves (same UID,
// SEQUENCE + 1) when the pair agrees a new cadence, moves the meeting
// (session_move) or the mentee's leave moves it. Answers the UID when a new
// version was enqueued.
std::optional<std::string> publish_pair_placeholder(RunContext& c, store::OutboxRepository& outbox,
                                                    const Programme& programme, const Pair& pair,
                                                    const supervision::PairFacts& facts,
                                                    const supervision::PairSessionPlan& plan,
                                                    const std::map<std::string, Person>& people) {
  if (!plan.placeholder) return std::nullopt;
  auto rules = pair_rules(c, programme.id);
  calendar::CalendarEvent event;
  event.uid =
      calendar::event_uid(c.organisation, programme.id, "pair-session",
                          std::to_string(pair.id) + "-" + std::to_string(plan.placeholder->number));
  event.summary = programme.name + ": mentoring session";
  event.description = "Your next mentoring session (every " + std::to_string(facts.every_weeks) +
                      " weeks). Move it to suit you both.";
  event.start = {plan.placeholder->on, plan.placeholder->start_minutes};
  event.duration_minutes = rules.duration_minutes;
  event.timezone = timezone_of(c);
  event.attendees = attendees_of(people, {pair.mentee_id, pair.mentor_id});
  if (!publish(c, outbox, event, programme.id, "pair_session",
               {{pair.mentee_id, pair_link(c, pair, pair.mentee_id)},
                {pair.mentor_id, pair_link(c, pair, pair.mentor_id)}}))
    return std::nullopt;
  return event.uid;
}

void run_one_pair(RunContext& c, store::SessionsRepository& sessions,
                  store::OutboxRepository& outbox, const Programme& programme, const Pair& pair,
                  const std::map<std::string, Person>& people, PairCounts& counts) {
  auto rules = pair_rules(c, programme.id);
  auto facts = pair_facts(c, sessions, programme, pair);
  auto due = supervision::pair_session_report(rules, facts, c.today).next_due;
  auto state = sessions.pair_escalation(pair.id, due);
  auto plan =
      supervision::plan_pair_sessions(rules, facts, {state.reminded_on, state.flagged_on}, c.today);
  const std::string pair_key = std::to_string(pair.id);
  const std::string due_text = format_date(plan.report.next_due);
  counts.paused += plan.report.paused;
  if (plan.first_contact_flag) {
    counts.first_contact_flags +=
        flag_first_contact(c, outbox, programme, pair, rules, *plan.first_contact_flag);
  }
  if (plan.reminder) {
    for (const auto& person : {pair.mentee_id, pair.mentor_id}) {
      auto key = action_key(ActionKind::reminder, ActionTopic::pair_overdue, c.organisation,
                            {programme.id, pair_key, due_text, "remind", person});
      counts.reminders += enqueue_action(
          c, outbox, key, person, programme.id,
          reminder_payload(person_json(people, person), due_text,
                           {{"pair_id", pair.id}, {"link", pair_link(c, pair, person)}}));
    }
    sessions.mark_pair_reminded(pair.id, plan.reminder->due_on, c.today);
  }
  if (plan.overdue_flag) {
    const auto& flag = *plan.overdue_flag;
    auto key = action_key(ActionKind::task, ActionTopic::pair_overdue, c.organisation,
                          {programme.id, pair_key, due_text, "flag"});
    json payload = manager_task(
        c, flag.reason,
        "The session due on " + due_text + " is " + std::to_string(flag.days_overdue) +
            " days overdue, and the pair was reminded on " + format_date(*flag.reminded_on) + ".",
        {{"pair_id", pair.id},
         {"mentee_id", pair.mentee_id},
         {"mentor_id", pair.mentor_id},
         {"due_on", due_text},
         {"held", plan.report.held},
         {"missed", plan.report.missed}});
    counts.flags += enqueue_action(c, outbox, key, pair.mentee_id, programme.id, payload);
    sessions.mark_pair_flagged(pair.id, flag.due_on, c.today);
  }
  counts.invites +=
      publish_pair_placeholder(c, outbox, programme, pair, facts, plan, people).has_value();
}

// --- circles: one series per mentor -------------------------------------------------

bool is_circle(const Programme& programme) {
  return programme.shape == PairingShape::circles;
}

// The circle of one mentor: every mentee ever paired with them in the programme.
// A mentee whose pair ended (withdrawn, completed) stays a member until that
// day, so the circle keeps their attendance and HR still sees a circle that ended.
supervision::CircleFacts circle_facts(RunContext& c, store::SessionsRepository& sessions,
                                      const Programme& programme, const std::string& mentor_id,
                                      const std::vector<Pair>& pairs) {
  supervision::CircleFacts facts;
  facts.mentor_id = mentor_id;
  facts.every_weeks = sessions.circle_cadence(programme.id, mentor_id)
                          .value_or(pair_rules(c, programme.id).every_weeks);
  for (const auto& pair : pairs) {
    const bool ended = pair.state == PairState::ended && pair.ended_on;
    if (pair.mentor_id != mentor_id || !pair.accepted_on ||
        (pair.state != PairState::accepted && !ended))
      continue;
    auto mentee = mentee_facts(c, programme, pair, *pair.accepted_on);
    Date ends_on = ended ? std::min(mentee.ends_on, *pair.ended_on) : mentee.ends_on;
    facts.members.push_back(
        {pair.id, pair.mentee_id, *pair.accepted_on, ends_on, std::move(mentee.away)});
  }
  for (const auto& s : sessions.circle_sessions(programme.id, mentor_id)) {
    supervision::CircleMeeting meeting{s.held_on, {}};
    for (const auto& [mentee, attended] : s.attendance) {
      if (attended) meeting.attended.push_back(mentee);
    }
    facts.meetings.push_back(std::move(meeting));
  }
  return facts;
}

supervision::CirclePlan plan_circle(RunContext& c, store::SessionsRepository& sessions,
                                    const Programme& programme,
                                    const supervision::CircleFacts& facts) {
  auto rules = pair_rules(c, programme.id);
  auto series = supervision::circle_series(facts);
  auto due = supervision::pair_session_report(rules, series, c.today).next_due;
  auto state = sessions.circle_escalation(programme.id, facts.mentor_id, due);
  return supervision::plan_circle(rules, facts, {state.reminded_on, state.flagged_on}, c.today);
}

void run_one_circle(RunContext& c, store::SessionsRepository& sessions,
                    store::OutboxRepository& outbox, const Programme& programme,
                    const std::string& mentor_id, const std::vector<Pair>& pairs,
                    const std::map<std::string, Person>& people, PairCounts& counts) {
  auto rules = pair_rules(c, programme.id);
  auto facts = circle_facts(c, sessions, programme, mentor_id, pairs);
  if (facts.members.empty()) return;
  auto plan = plan_circle(c, sessions, programme, facts);
  const auto& report = plan.series.report;
  const std::string due_text = format_date(report.next_due);
  counts.paused += report.paused;
  for (const auto& [pair_id, flag] : plan.first_contact_flags) {
    for (const auto& pair : pairs) {
      if (pair.id == pair_id)
        counts.first_contact_flags += flag_first_contact(c, outbox, programme, pair, rules, flag);
    }
  }
  json circle = {{"programme_id", programme.id}, {"mentor_id", mentor_id}};
  if (plan.series.reminder) {
    for (const auto& person : plan.reminded) {
      auto key = action_key(ActionKind::reminder, ActionTopic::circle_overdue, c.organisation,
                            {programme.id, mentor_id, due_text, "remind", person});
      json payload =
          reminder_payload(person_json(people, person), due_text,
                           {{"programme", {{"id", programme.id}, {"name", programme.name}}},
                            {"role", person == mentor_id ? "mentor" : "mentee"}});
      payload["text"] = "Your circle's next meeting was due on " + due_text +
                        ". Please agree a date together and record it.";
      counts.reminders += enqueue_action(c, outbox, key, person, programme.id, payload);
    }
    sessions.mark_circle_reminded(programme.id, mentor_id, plan.series.reminder->due_on, c.today);
  }
  if (plan.series.overdue_flag) {
    const auto& flag = *plan.series.overdue_flag;
    auto key = action_key(ActionKind::task, ActionTopic::circle_overdue, c.organisation,
                          {programme.id, mentor_id, due_text, "flag"});
    json about = circle;
    about["due_on"] = due_text;
    about["held"] = report.held;
    about["missed"] = report.missed;
    json payload = manager_task(c, flag.reason,
                                "The mentoring circle of " + mentor_id + ": the meeting due on " +
                                    due_text + " is " + std::to_string(flag.days_overdue) +
                                    " days overdue, and the circle was reminded on " +
                                    format_date(*flag.reminded_on) + ".",
                                about);
    payload["subject"] = "A mentoring circle's meeting is overdue";  // not a pair's
    counts.flags += enqueue_action(c, outbox, key, mentor_id, programme.id, payload);
    sessions.mark_circle_flagged(programme.id, mentor_id, flag.due_on, c.today);
  }
  if (plan.series.placeholder) {
    // One event for the whole circle; a member on leave that day is left out.
    calendar::CalendarEvent event;
    event.uid =
        calendar::event_uid(c.organisation, programme.id, "circle-session",
                            mentor_id + "-" + std::to_string(plan.series.placeholder->number));
    event.summary = programme.name + ": mentoring circle";
    event.description = "Your circle's next meeting (every " + std::to_string(facts.every_weeks) +
                        " weeks). Move it to suit you all.";
    event.start = {plan.series.placeholder->on, rules.start_minutes};
    event.duration_minutes = rules.duration_minutes;
    event.timezone = timezone_of(c);
    event.attendees = attendees_of(people, plan.invited);
    counts.invites += publish(c, outbox, event, programme.id, "circle_session");
  }
}

json run_pairs(RunContext& c, store::SessionsRepository& sessions, store::OutboxRepository& outbox,
               const Programme& programme, const std::vector<Pair>& pairs) {
  std::set<std::string> ids, mentors;
  for (const auto& p : pairs) {
    ids.insert(p.mentee_id);
    ids.insert(p.mentor_id);
    if (p.state == PairState::accepted && p.accepted_on) mentors.insert(p.mentor_id);
  }
  auto people = c.store.people(ids);
  PairCounts counts;
  if (is_circle(programme)) {
    for (const auto& mentor : mentors) {
      run_one_circle(c, sessions, outbox, programme, mentor, pairs, people, counts);
    }
  } else {
    for (const auto& pair : pairs) {
      if (pair.state != PairState::accepted || !pair.accepted_on) continue;
      run_one_pair(c, sessions, outbox, programme, pair, people, counts);
    }
  }
  json out = counts.to_json();
  if (is_circle(programme)) out["circles"] = mentors.size();
  return out;
}

// --- commands ----------------------------------------------------------------------------

std::optional<Pair> find_pair(RunContext& c, std::int64_t id) {
  for (const auto& p : c.store.pairs()) {
    if (p.id == id) return p;
  }
  return std::nullopt;
}

const Programme& programme_named(RunContext& c, const std::string& id) {
  for (const auto& p : c.programmes) {
    if (p.id == id) return p;
  }
  throw Error(MENTORING_ERR_FAILED, "pair belongs to unknown programme " + id);
}

Pair accepted_pair(RunContext& c, std::string_view command, const json& input) {
  auto id = input.at("pair_id").get<std::int64_t>();
  auto pair = find_pair(c, id);
  if (!pair) throw invalid_input(command, "/pair_id", std::to_string(id), "the id of a pair");
  if (pair->state != PairState::accepted || !pair->accepted_on) {
    throw invalid_input(command, "/pair_id",
                        std::to_string(id) + " (" + std::string(to_string(pair->state)) + ")",
                        "an accepted pair");
  }
  return *pair;
}

// A pair's own series is not kept in a circle programme: the circle's is.
void refuse_circle_pair(RunContext& c, std::string_view command, const Pair& pair,
                        std::string_view instead) {
  const Programme& programme = programme_named(c, pair.programme_id);
  if (!is_circle(programme)) return;
  throw invalid_input(command, "/pair_id",
                      std::to_string(pair.id) + " (in " + programme.id +
                          ", a circle programme: its mentees meet with mentor " + pair.mentor_id +
                          " as one circle)",
                      "a pair of a pairs programme; for a circle use " + std::string(instead));
}

json kickoff_schedule(RunContext& c, const json& in) {
  const char* cmd = "kickoff_schedule";
  require_valid_input(cmd, "supervision-kickoff_schedule", in);
  const Programme& programme = programme_for(c, cmd, in);
  store::SqliteSessionsRepository sessions(c.store.session());
  json section = programme_section(c, programme.id, "kickoff");
  auto previous = sessions.kickoff(programme.id);
  store::SessionsRepository::Kickoff k;
  k.programme_id = programme.id;
  bool cancel = in.value("cancelled", false);
  if (cancel) {
    if (!previous)
      throw invalid_input(cmd, "/cancelled", "true",
                          "a kick-off to cancel; none is scheduled for " + programme.id);
    k = *previous;
    k.cancelled = true;
  } else {
    if (!in.contains("date")) throw invalid_input(cmd, "/date", "(missing)", "a date (YYYY-MM-DD)");
    auto on = parse_date(in["date"].get<std::string>());
    if (!on) throw invalid_input(cmd, "/date", schema::describe(in["date"]), "a date (YYYY-MM-DD)");
    k.on = *on;
    k.start_minutes =
        minutes_of(in.value("start_time", section.value("start_time", std::string("10:00"))));
    k.duration_minutes = in.value("duration_minutes", section.value("duration_minutes", 120));
    if (in.contains("location")) k.location = in["location"].get<std::string>();
  }
  // Everyone who said yes to the programme is invited.
  std::vector<std::string> invited =
      supervision::kickoff_invitees(c.store.enrolments(programme.id));
  // A kick-off nobody is invited to is not a meeting (and its calendar event
  // would have no attendee): say so rather than fail on the action's schema.
  if (invited.empty() && !cancel) {
    throw invalid_input(cmd, "/date", schema::describe(in["date"]),
                        "a kick-off once someone has said yes to " + programme.id +
                            "; nobody has yet, so there is nobody to invite");
  }
  auto people = c.store.people({invited.begin(), invited.end()});
  calendar::CalendarEvent event;
  event.uid = calendar::event_uid(c.organisation, programme.id, "kickoff", programme.id);
  event.summary = programme.name + ": kick-off";
  event.description = "The programme's kick-off for mentors and mentees.";
  event.location = k.location;
  event.start = {k.on, k.start_minutes};
  event.duration_minutes = k.duration_minutes;
  event.timezone = timezone_of(c);
  event.organizer_email = manager_email(c);
  event.attendees = attendees_of(people, invited);
  event.cancelled = k.cancelled;

  store::SqliteOutboxRepository outbox(c.store.session());
  Transaction txn(c.store.database());
  sessions.save_kickoff(k, c.now);
  bool sent = publish(c, outbox, event, programme.id, "kickoff");
  txn.commit();
  auto saved = store::SqliteCalendarRepository(c.store.session()).sent(event.uid);
  return {{"programme", programme.id},
          {"date", format_date(k.on)},
          {"start_time", hh_mm(k.start_minutes)},
          {"cancelled", k.cancelled},
          {"uid", event.uid},
          {"sequence", saved ? saved->sequence : 0},
          {"invite_sent", sent},
          {"invited", invited.size()}};
}

json kickoff_attendance(RunContext& c, const json& in) {
  const char* cmd = "kickoff_attendance";
  require_valid_input(cmd, "supervision-kickoff_attendance", in);
  const Programme& programme = programme_for(c, cmd, in);
  store::SqliteSessionsRepository sessions(c.store.session());
  if (!sessions.kickoff(programme.id)) {
    throw invalid_input(cmd, "/programme", "\"" + programme.id + "\"",
                        "a programme with a kick-off scheduled (kickoff_schedule)");
  }
  std::string person = in.at("person_id").get<std::string>();
  if (!c.store.has_person(person))
    throw invalid_input(cmd, "/person_id", "\"" + person + "\"", "the id of a known person");
  std::string status = in.at("status").get<std::string>();
  sessions.set_kickoff_attendance(programme.id, person, status, c.now);
  return {{"programme", programme.id}, {"person_id", person}, {"status", status}};
}

json kickoff_note(RunContext& c, const json& in) {
  const char* cmd = "kickoff_note";
  require_valid_input(cmd, "supervision-kickoff_note", in);
  const Programme& programme = programme_for(c, cmd, in);
  std::string mentor = in.at("mentor_id").get<std::string>();
  if (!supervision::is_open_mentor(c.store.enrolments(programme.id), mentor)) {
    throw invalid_input(cmd, "/mentor_id", "\"" + mentor + "\"",
                        "a mentor enrolled in " + programme.id);
  }
  store::SqliteSessionsRepository sessions(c.store.session());
  store::SqliteOutboxRepository outbox(c.store.session());
  Transaction txn(c.store.database());
  sessions.save_kickoff_note({programme.id, mentor, in.at("note").get<std::string>()}, c.now);
  // A mentor who cannot attend usually says so too.
  if (sessions.kickoff(programme.id))
    sessions.set_kickoff_attendance(programme.id, mentor, "not_attending", c.now);
  int handed = hand_over_kickoff_notes(c, sessions, outbox, programme, c.store.pairs(programme.id));
  txn.commit();
  return {{"programme", programme.id}, {"mentor_id", mentor}, {"handed_to_mentee", handed > 0}};
}

json supervision_attendance(RunContext& c, const json& in) {
  const char* cmd = "supervision_attendance";
  require_valid_input(cmd, "supervision-attendance", in);
  store::SqliteSessionsRepository sessions(c.store.session());
  auto id = in.at("session_id").get<std::int64_t>();
  auto session = sessions.supervision_session(id);
  if (!session)
    throw invalid_input(cmd, "/session_id", std::to_string(id), "the id of a supervision session");
  std::string person = in.at("person_id").get<std::string>();
  if (!sessions.is_supervision_member(session->group_id, person)) {
    throw invalid_input(cmd, "/person_id", "\"" + person + "\"",
                        "a member of supervision group " + std::to_string(session->group_number));
  }
  if (session->on > c.today) {
    throw invalid_input(cmd, "/session_id",
                        std::to_string(id) + " (on " + format_date(session->on) + ")",
                        "a session on or before today (" + format_date(c.today) + ")");
  }
  bool attended = in.at("attended").get<bool>();
  store::SqliteOutboxRepository outbox(c.store.session());
  Transaction txn(c.store.database());
  sessions.record_supervision_attendance(id, person, attended, c.now);
  int flagged = flag_missed_streaks(c, sessions, outbox, session->programme_id);
  txn.commit();
  return {
      {"session_id", id}, {"person_id", person}, {"attended", attended}, {"flagged", flagged > 0}};
}

// Who recorded a meeting, as the store keeps it: the pair's mentee or mentor.
// Only the pair records its meetings (the store's recorded_by_role is mentee
// or mentor); HR or admin get a clear refusal, not a row in someone's name.
std::string recorder_role(const RunContext& c, std::string_view cmd) {
  if (c.caller.is_participant()) return std::string(domain::to_string(c.caller.role));
  throw invalid_input(cmd, "(caller)",
                      std::string(domain::to_string(c.caller.role)) + " " + c.caller.name,
                      "the pair's mentee or mentor (their own token): a meeting is recorded by "
                      "those who held it");
}

json session_cadence(RunContext& c, const json& in) {
  const char* cmd = "session_cadence";
  require_valid_input(cmd, "supervision-session_cadence", in);
  Pair pair = accepted_pair(c, cmd, in);
  refuse_circle_pair(c, cmd, pair, "circle_cadence (mentor_id, every_weeks)");
  int weeks = in.at("every_weeks").get<int>();
  store::SqliteSessionsRepository sessions(c.store.session());
  sessions.set_pair_cadence(pair.id, weeks, c.now);
  auto view = pair_view(c, sessions, programme_named(c, pair.programme_id), pair);
  return {{"pair_id", pair.id},
          {"every_weeks", weeks},
          {"next_due", format_date(view.report.next_due)}};
}

// A meeting's /held_on: a date, not after today and not before `first_day`
// (what `first_day_is` names, for the message).
Date held_between(const RunContext& c, std::string_view cmd, const json& in, Date first_day,
                  const std::string& first_day_is) {
  auto held_on = parse_date(in.at("held_on").get<std::string>());
  if (!held_on)
    throw invalid_input(cmd, "/held_on", schema::describe(in["held_on"]), "a date (YYYY-MM-DD)");
  if (*held_on > c.today) {
    throw invalid_input(cmd, "/held_on", format_date(*held_on),
                        "a date on or before today (" + format_date(c.today) + ")");
  }
  if (*held_on < first_day) {
    throw invalid_input(cmd, "/held_on", format_date(*held_on),
                        "a date on or after " + first_day_is + " (" + format_date(first_day) + ")");
  }
  return *held_on;
}

json session_record(RunContext& c, const json& in) {
  const char* cmd = "session_record";
  require_valid_input(cmd, "supervision-session_record", in);
  Pair pair = accepted_pair(c, cmd, in);
  refuse_circle_pair(c, cmd, pair, "circle_record (mentor_id, attended)");
  Date held_on = held_between(c, cmd, in, *pair.accepted_on, "the pairing");
  std::optional<std::string> notes;
  if (in.contains("notes")) notes = in["notes"].get<std::string>();
  store::SqliteSessionsRepository sessions(c.store.session());
  auto id = sessions.record_pair_session(pair.id, held_on, notes, recorder_role(c, cmd), c.now);
  auto view = pair_view(c, sessions, programme_named(c, pair.programme_id), pair);
  return {{"pair_id", pair.id},
          {"session_id", id},
          {"held", view.report.held},
          {"next_due", format_date(view.report.next_due)}};
}

// The pair's next meeting moved to an agreed day (and time): by a member of
// the pair, or HR / admin for them. The calendar placeholder goes out again
// under the same UID with a higher SEQUENCE, in the same transaction.
json session_move(RunContext& c, const json& in) {
  const char* cmd = "session_move";
  require_valid_input(cmd, "supervision-session_move", in);
  Pair pair = accepted_pair(c, cmd, in);
  refuse_circle_pair(c, cmd, pair, "circle_cadence (mentor_id, every_weeks)");
  auto to = parse_date(in.at("date").get<std::string>());
  if (!to) throw invalid_input(cmd, "/date", schema::describe(in["date"]), "a date (YYYY-MM-DD)");
  std::optional<int> start;
  if (in.contains("start_time")) start = minutes_of(in["start_time"].get<std::string>());
  const Programme& programme = programme_named(c, pair.programme_id);
  store::SqliteSessionsRepository sessions(c.store.session());
  store::SqliteOutboxRepository outbox(c.store.session());
  auto facts = pair_facts(c, sessions, programme, pair);
  auto decision = supervision::move_next_session(facts, *to, start, c.today);
  if (decision.refusal) {
    std::string expected = std::string(supervision::describe(*decision.refusal)) + " (" +
                           std::string(supervision::to_string(*decision.refusal)) + ")";
    if (*decision.refusal == supervision::MoveRefusal::in_the_past)
      expected = "a date on or after today (" + format_date(c.today) + ")";
    if (*decision.refusal == supervision::MoveRefusal::after_the_end && facts.ends_on)
      expected =
          "a date on or before the mentorship's planned end (" + format_date(*facts.ends_on) + ")";
    throw invalid_input(cmd, "/date", format_date(*to), expected);
  }
  Transaction txn(c.store.database());                     // a savepoint when link_act runs it
  const std::string by(domain::to_string(c.caller.role));  // a role, never a person
  sessions.set_pair_next_meeting(
      pair.id, {decision.agreed.number, decision.agreed.on, decision.agreed.start_minutes, by},
      c.now);
  facts.agreed_next = decision.agreed;
  auto rules = pair_rules(c, programme.id);
  auto due = supervision::pair_session_report(rules, facts, c.today).next_due;
  auto state = sessions.pair_escalation(pair.id, due);
  auto plan =
      supervision::plan_pair_sessions(rules, facts, {state.reminded_on, state.flagged_on}, c.today);
  auto people = c.store.people({pair.mentee_id, pair.mentor_id});
  auto uid = publish_pair_placeholder(c, outbox, programme, pair, facts, plan, people);
  txn.commit();
  json calendar_event = nullptr;
  if (uid) {
    auto event = store::SqliteCalendarRepository(c.store.session()).sent(*uid);
    calendar_event = {{"uid", *uid}, {"sequence", event ? event->sequence : 0}};
  }
  const int minutes = plan.placeholder ? plan.placeholder->start_minutes : rules.start_minutes;
  return {
      {"pair_id", pair.id},
      {"number", decision.agreed.number},
      {"next_meeting", {{"date", format_date(decision.agreed.on)}, {"start_time", hh_mm(minutes)}}},
      {"status", supervision::to_string(plan.report.status)},
      {"calendar_event", calendar_event}};
}

// HR's view of the group supervision schedule: every session with its group,
// date, members and who attended (supervision_attendance needs the ids).
json supervision_sessions(RunContext& c, const json& in) {
  const char* cmd = "supervision_sessions";
  require_valid_input(cmd, "supervision-sessions", in);
  const Programme& programme = programme_for(c, cmd, in);
  store::SqliteSessionsRepository sessions(c.store.session());
  std::map<std::int64_t, std::vector<std::string>> members;
  const auto stored_groups = sessions.supervision_groups(programme.id);
  std::set<std::string> ids;
  for (const auto& g : stored_groups) {
    for (const auto& [person, first_paired] : g.members) {
      members[g.id].push_back(person);
      ids.insert(person);
    }
  }
  // The groups with their members' names: the sessions below name people by id only.
  const auto people = c.store.people(ids);
  json groups = json::array();
  for (const auto& g : stored_groups) {
    json group_members = json::array();
    for (const auto& [person, first_paired] : g.members) {
      auto p = people.find(person);
      group_members.push_back({{"person_id", person},
                               {"name", p != people.end() ? json(p->second.name) : json(nullptr)},
                               {"first_paired_on", format_date(first_paired)}});
    }
    groups.push_back(
        {{"group", g.number}, {"starts_on", format_date(g.starts_on)}, {"members", group_members}});
  }
  std::map<std::int64_t, std::pair<json, json>> attendance;  // attended, missed
  for (const auto& a : sessions.supervision_attendance(programme.id)) {
    auto& [attended, missed] =
        attendance.try_emplace(a.session_id, json::array(), json::array()).first->second;
    (a.attended ? attended : missed).push_back(a.person_id);
  }
  json list = json::array();
  for (const auto& session : sessions.supervision_sessions(programme.id)) {
    json entry = {{"session_id", session.id},
                  {"group", session.group_number},
                  {"number", session.number},
                  {"on", format_date(session.on)},
                  {"members", members[session.group_id]},
                  {"attended", json::array()},
                  {"missed", json::array()}};
    if (auto it = attendance.find(session.id); it != attendance.end()) {
      entry["attended"] = it->second.first;
      entry["missed"] = it->second.second;
    }
    list.push_back(std::move(entry));
  }
  return {{"programme", programme.id}, {"groups", groups}, {"sessions", list}};
}

// What HR (and the pair) may see about a series: metadata only.
void add_report(json& out, const supervision::PairSessionReport& report) {
  out["status"] = supervision::to_string(report.status);
  out["status_words"] = supervision::describe(report.status);
  out["overdue"] = report.overdue;
  out["next_due"] = format_date(report.next_due);
  if (report.resumes_on) out["resumes_on"] = format_date(*report.resumes_on);
}

// The circle of a mentor in a circle programme, or a clear error naming the field.
supervision::CircleFacts circle_of(RunContext& c, store::SessionsRepository& sessions,
                                   std::string_view command, const Programme& programme,
                                   const std::string& mentor_id) {
  if (!is_circle(programme)) {
    throw invalid_input(command, "/programme", "\"" + programme.id + "\" (shape pairs)",
                        "a circle programme (shape circles); pairs record with session_record");
  }
  auto facts = circle_facts(c, sessions, programme, mentor_id, c.store.pairs(programme.id));
  if (facts.members.empty()) {
    throw invalid_input(command, "/mentor_id", "\"" + mentor_id + "\"",
                        "a mentor with an accepted circle in " + programme.id);
  }
  return facts;
}

json circle_json(RunContext& c, store::SessionsRepository& sessions, const Programme& programme,
                 const supervision::CircleFacts& facts, bool member_caller) {
  auto plan = plan_circle(c, sessions, programme, facts);
  json meetings = json::array();
  for (const auto& s : sessions.circle_sessions(programme.id, facts.mentor_id)) {
    json attended = json::array(), absent = json::array();
    for (const auto& [mentee, there] : s.attendance) (there ? attended : absent).push_back(mentee);
    json entry = {{"session_id", s.id},
                  {"held_on", format_date(s.held_on)},
                  {"recorded_by_role", s.recorded_by_role},
                  {"attended", attended},
                  {"absent", absent}};
    if (member_caller && s.notes) entry["notes"] = *s.notes;
    meetings.push_back(std::move(entry));
  }
  json members = json::array();
  for (const auto& m : plan.members) {
    json row = {{"pair_id", m.pair_id},
                {"mentee_id", m.mentee_id},
                {"attended", m.attended},
                {"missed", m.missed},
                {"min_meetings_met", m.min_meetings_met},
                {"on_leave", m.on_leave},
                {"ended", m.ended},
                {"first_contact_missing", m.first_contact_missing}};
    if (m.back_on) row["back_on"] = format_date(*m.back_on);
    members.push_back(std::move(row));
  }
  json out = {{"programme", programme.id},
              {"mentor_id", facts.mentor_id},
              {"every_weeks", facts.every_weeks},
              {"held", plan.series.report.held},
              {"missed", plan.series.report.missed},
              {"sessions", meetings},
              {"members", members}};
  add_report(out, plan.series.report);
  return out;
}

// A circle's meeting: who came; every other mentee expected that day is
// recorded absent (a mentee on leave is neither).
json circle_record(RunContext& c, const json& in) {
  const char* cmd = "circle_record";
  require_valid_input(cmd, "supervision-circle_record", in);
  const Programme& programme = programme_for(c, cmd, in);
  store::SqliteSessionsRepository sessions(c.store.session());
  const std::string mentor = in.at("mentor_id").get<std::string>();
  auto facts = circle_of(c, sessions, cmd, programme, mentor);
  Date first_pairing = supervision::circle_series(facts).paired_on;  // the earliest member's
  Date held_on = held_between(c, cmd, in, first_pairing, "the circle's first pairing");
  std::vector<std::string> attended;
  const json& list = in.at("attended");
  for (std::size_t i = 0; i < list.size(); ++i) {
    std::string mentee = list[i].get<std::string>();
    bool member = std::any_of(facts.members.begin(), facts.members.end(), [&](const auto& m) {
      return m.mentee_id == mentee && held_on >= m.paired_on && held_on <= m.ends_on;
    });
    if (!member) {
      throw invalid_input(
          cmd, "/attended/" + std::to_string(i), "\"" + mentee + "\"",
          "a mentee of " + mentor + "'s circle in " + programme.id + " on " + format_date(held_on));
    }
    attended.push_back(mentee);
  }
  std::optional<std::string> notes;
  if (in.contains("notes")) notes = in["notes"].get<std::string>();
  auto attendance = supervision::circle_attendance(facts.members, held_on, attended);
  Transaction txn(c.store.database());
  auto id = sessions.record_circle_session(programme.id, mentor, held_on, notes,
                                           recorder_role(c, cmd), attendance, c.now);
  txn.commit();
  auto after = circle_of(c, sessions, cmd, programme, mentor);
  json out = circle_json(c, sessions, programme, after, false);
  return {{"programme", programme.id},
          {"mentor_id", mentor},
          {"session_id", id},
          {"held", out["held"]},
          {"next_due", out["next_due"]}};
}

// The cadence a circle agreed: one for the mentor and all their mentees.
json circle_cadence(RunContext& c, const json& in) {
  const char* cmd = "circle_cadence";
  require_valid_input(cmd, "supervision-circle_cadence", in);
  const Programme& programme = programme_for(c, cmd, in);
  store::SqliteSessionsRepository sessions(c.store.session());
  const std::string mentor = in.at("mentor_id").get<std::string>();
  circle_of(c, sessions, cmd, programme, mentor);  // refuses a mentor without a circle
  int weeks = in.at("every_weeks").get<int>();
  sessions.set_circle_cadence(programme.id, mentor, weeks, c.now);
  auto facts = circle_of(c, sessions, cmd, programme, mentor);
  auto plan = plan_circle(c, sessions, programme, facts);
  return {{"programme", programme.id},
          {"mentor_id", mentor},
          {"every_weeks", weeks},
          {"next_due", format_date(plan.series.report.next_due)}};
}

json circle_list(RunContext& c, const json& in) {
  const char* cmd = "circle_list";
  require_valid_input(cmd, "supervision-circle_list", in);
  const Programme& programme = programme_for(c, cmd, in);
  store::SqliteSessionsRepository sessions(c.store.session());
  auto facts = circle_of(c, sessions, cmd, programme, in.at("mentor_id").get<std::string>());
  // Notes belong to the circle: only its members read them (the permission
  // check let a participant this far only for their own circle); HR and admin
  // get metadata, never content.
  bool member = facts.mentor_id == c.caller.person_id;
  for (const auto& m : facts.members) member |= m.mentee_id == c.caller.person_id;
  return circle_json(c, sessions, programme, facts, c.caller.is_participant() && member);
}

json session_list(RunContext& c, const json& in) {
  const char* cmd = "session_list";
  require_valid_input(cmd, "supervision-session_list", in);
  auto id = in.at("pair_id").get<std::int64_t>();
  auto pair = find_pair(c, id);
  if (!pair) throw invalid_input(cmd, "/pair_id", std::to_string(id), "the id of a pair");
  refuse_circle_pair(c, cmd, *pair, "circle_list (mentor_id)");
  // Notes belong to the pair: only its mentee and mentor read them; HR and
  // admin get metadata (held / missed / overdue), never content.
  const bool pair_member = c.caller.is_participant() && (c.caller.person_id == pair->mentee_id ||
                                                         c.caller.person_id == pair->mentor_id);
  store::SqliteSessionsRepository sessions(c.store.session());
  json list = json::array();
  for (const auto& s : sessions.pair_sessions(id)) {
    json entry = {{"session_id", s.id},
                  {"held_on", format_date(s.held_on)},
                  {"recorded_by_role", s.recorded_by_role}};
    if (pair_member && s.notes) entry["notes"] = *s.notes;
    list.push_back(std::move(entry));
  }
  json out = {{"pair_id", id}, {"sessions", list}};
  if (pair->accepted_on) {
    auto view = pair_view(c, sessions, programme_named(c, pair->programme_id), *pair);
    out["every_weeks"] = view.facts.every_weeks;
    out["held"] = view.report.held;
    out["missed"] = view.report.missed;
    out["min_meetings_met"] = view.report.min_meetings_met;
    out["first_contact_missing"] = view.report.first_contact_missing;
    if (view.facts.ends_on) out["tracked_until"] = format_date(*view.facts.ends_on);
    add_report(out, view.report);
    // The pair's own page shows when they meet next: the agreed time, else the programme's.
    const bool agreed_time = view.report.next_agreed && view.facts.agreed_next->start_minutes;
    out["next_start_time"] = hh_mm(agreed_time ? *view.facts.agreed_next->start_minutes
                                               : pair_rules(c, pair->programme_id).start_minutes);
    out["next_agreed"] = view.report.next_agreed;
  }
  return out;
}

}  // namespace

json run_supervision(RunContext& c) {
  store::SqliteSessionsRepository sessions(c.store.session());
  store::SqliteOutboxRepository outbox(c.store.session());
  json programmes = json::object();
  for (const auto& programme : c.programmes) {
    Transaction txn(c.store.database());
    auto pairs = c.store.pairs(programme.id);
    json summary = run_groups(c, sessions, outbox, programme, pairs);
    summary["kickoff_notes_handed"] =
        hand_over_kickoff_notes(c, sessions, outbox, programme, pairs);
    summary["pair_sessions"] = run_pairs(c, sessions, outbox, programme, pairs);
    txn.commit();
    programmes[programme.id] = std::move(summary);
  }
  return {{"enabled", true}, {"status", "ran"}, {"programmes", programmes}};
}

std::map<std::int64_t, overview::PairSessions> pair_sessions_of(RunContext& c,
                                                                const Programme& programme) {
  store::SqliteSessionsRepository sessions(c.store.session());
  std::map<std::int64_t, overview::PairSessions> out;
  const auto pairs = c.store.pairs(programme.id);
  if (is_circle(programme)) {
    std::set<std::string> mentors;
    for (const auto& p : pairs) {
      if (p.accepted_on && p.state != PairState::proposed) mentors.insert(p.mentor_id);
    }
    for (const auto& mentor : mentors) {
      auto facts = circle_facts(c, sessions, programme, mentor, pairs);
      if (facts.members.empty()) continue;
      auto plan = plan_circle(c, sessions, programme, facts);
      for (const auto& m : plan.members) {
        out[m.pair_id] = {plan.series.report, facts.every_weeks, m.missed, std::nullopt};
      }
    }
    return out;
  }
  for (const auto& pair : pairs) {
    if (pair.state == PairState::proposed || !pair.accepted_on) continue;
    auto view = pair_view(c, sessions, programme, pair);
    std::optional<int> start;
    if (view.report.next_agreed) start = view.facts.agreed_next->start_minutes;
    out[pair.id] = {view.report, view.facts.every_weeks, view.report.missed, start};
  }
  return out;
}

std::optional<json> supervision_command(RunContext& c, std::string_view command,
                                        const json& input) {
  if (command == "kickoff_schedule") return kickoff_schedule(c, input);
  if (command == "kickoff_attendance") return kickoff_attendance(c, input);
  if (command == "kickoff_note") return kickoff_note(c, input);
  if (command == "supervision_attendance") return supervision_attendance(c, input);
  if (command == "supervision_sessions") return supervision_sessions(c, input);
  if (command == "session_cadence") return session_cadence(c, input);
  if (command == "session_record") return session_record(c, input);
  if (command == "session_list") return session_list(c, input);
  if (command == "session_move") return session_move(c, input);
  if (command == "circle_record") return circle_record(c, input);
  if (command == "circle_list") return circle_list(c, input);
  if (command == "circle_cadence") return circle_cadence(c, input);
  return std::nullopt;
}

std::vector<std::string> supervision_command_names() {
  return {"kickoff_schedule",       "kickoff_attendance", "kickoff_note",   "supervision_sessions",
          "supervision_attendance", "session_cadence",    "session_record", "session_list",
          "circle_record",          "circle_list",        "circle_cadence", "session_move"};
}

}  // namespace mentoring::shell
