// Supervision's part of the plugin shell: mentors' group supervision, the
// kick-off, and the pairs' own sessions, with calendar invites for each.
// Session notes are private to the pair: only session_list with a mentee or
// mentor caller ever reads them back.
#include "session_runners.hpp"

#include <mentoring/calendar/ics.hpp>
#include <mentoring/schema.hpp>
#include <mentoring/store/outbox.hpp>
#include <mentoring/store/sessions_store.hpp>
#include <mentoring/supervision/groups.hpp>
#include <mentoring/supervision/pair_sessions.hpp>

#include <SQLiteCpp/Transaction.h>

#include <map>
#include <set>

namespace mentoring::shell {

using json = nlohmann::json;
using namespace mentoring::domain;

namespace {

constexpr const char* kDefaultTimezone = "Europe/London";

Error invalid(std::string_view command, const std::string& pointer, const std::string& found,
              const std::string& expected) {
  return Error(MENTORING_ERR_INVALID_INPUT, std::string(command) + ": " + pointer + ": found " +
                                                found + "; expected " + expected);
}

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
  return c.config.value("policy", json::object()).value("timezone", kDefaultTimezone);
}

std::optional<std::string> manager_email(const RunContext& c) {
  auto policy = c.config.value("policy", json::object());
  if (policy.contains("programme_manager_email"))
    return policy["programme_manager_email"].get<std::string>();
  return std::nullopt;
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
bool publish(RunContext& c, store::SessionsStore& sessions, store::Outbox& outbox,
             calendar::CalendarEvent event, const std::string& programme_id,
             const std::string& kind) {
  std::string fingerprint = format_date(event.start.date) + "|" + hh_mm(event.start.minutes) + "|" +
                            std::to_string(event.duration_minutes) + "|" + event.timezone + "|" +
                            event.location.value_or("") + "|" + event.summary;
  for (const auto& a : event.attendees) fingerprint += "|" + a.person_id;
  auto previous = sessions.calendar_event(event.uid);
  if (event.cancelled) {
    if (!previous || previous->cancelled) return false;
  } else if (previous && !previous->cancelled && previous->fingerprint == fingerprint) {
    return false;
  }
  event.sequence = previous ? previous->sequence + 1 : 0;
  std::string ics = calendar::to_ics(event, c.now);
  sessions.save_calendar_event({event.uid, event.sequence, fingerprint, event.cancelled}, c.now);
  auto key = action_key(ActionKind::calendar_event, ActionTopic::calendar, c.organisation,
                        {event.uid, std::to_string(event.sequence)});
  json attendees = json::array();
  for (const auto& a : event.attendees) {
    attendees.push_back({{"person_id", a.person_id},
                         {"name", a.name},
                         {"email", a.email ? json(*a.email) : json(nullptr)}});
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
  enqueue_action(c, outbox, key, std::nullopt, programme_id, payload);
  return true;
}

json manager_task(const RunContext& c, const std::string& subject, const std::string& text,
                  json about) {
  auto email = manager_email(c);
  return {{"to", {{"role", "programme_manager"}, {"email", email ? json(*email) : json(nullptr)}}},
          {"subject", subject},
          {"text", text},
          {"about", std::move(about)}};
}

// --- group supervision ---------------------------------------------------------------

// Each mentor's first accepted pairing in a programme.
std::map<std::string, Date> first_pairings(RunContext& c, const std::string& programme_id) {
  std::map<std::string, Date> out;
  for (const auto& p : c.store.pairs(programme_id)) {
    if (!p.accepted_on || p.state == PairState::proposed) continue;
    auto [it, inserted] = out.emplace(p.mentor_id, *p.accepted_on);
    if (!inserted && *p.accepted_on < it->second) it->second = *p.accepted_on;
  }
  return out;
}

// Flags each run of missed sessions once (the outbox key names the session that completed it).
int flag_missed_streaks(RunContext& c, store::SessionsStore& sessions, store::Outbox& outbox,
                        const std::string& programme_id) {
  auto rules = supervision_rules(c, programme_id);
  std::map<std::int64_t, store::SessionsStore::SupervisionSession> by_id;
  for (const auto& s : sessions.supervision_sessions(programme_id)) by_id[s.id] = s;
  std::map<std::string, std::vector<supervision::AttendanceMark>> marks;
  for (const auto& a : sessions.supervision_attendance(programme_id)) {
    const auto& s = by_id.at(a.session_id);
    marks[a.person_id].push_back({s.number, s.on, a.attended});
  }
  int flagged = 0;
  for (const auto& [person, list] : marks) {
    for (int number : supervision::missed_streaks(list, rules.missed_in_a_row)) {
      auto key = action_key(ActionKind::task, ActionTopic::supervision_missed, c.organisation,
                            {programme_id, person, "s" + std::to_string(number)});
      json payload = manager_task(
          c,
          "A mentor has missed supervision " + std::to_string(rules.missed_in_a_row) +
              " times in a row",
          "Mentor " + person + " missed " + std::to_string(rules.missed_in_a_row) +
              " supervision sessions in a row (the last: session " + std::to_string(number) + ").",
          {{"person_id", person}, {"session_number", number}});
      if (enqueue_action(c, outbox, key, person, programme_id, payload)) {
        ++flagged;
      }
    }
  }
  return flagged;
}

// Group membership on the host (eg a Moodle group in a "mentor supervision"
// course): "in" once for each member, "out" once when a member who was
// announced leaves the programme (every mentor enrolment of theirs withdrawn).
// The keys are stable, so a re-run enqueues nothing twice. Gap: a mentor who
// leaves and later re-joins is not added again (the "in" key is spent).
int publish_group_memberships(RunContext& c, store::Outbox& outbox, const Programme& programme,
                              const std::vector<supervision::SupervisionGroup>& groups) {
  std::map<std::string, bool> withdrawn;  // mentor -> every mentor enrolment withdrawn
  for (const auto& e : c.store.enrolments(programme.id)) {
    if (e.role != Role::mentor) continue;
    bool gone = e.state == EnrolmentState::withdrawn;
    auto [it, inserted] = withdrawn.emplace(e.person_id, gone);
    if (!inserted) it->second = it->second && gone;
  }
  int enqueued = 0;
  for (const auto& g : groups) {
    const std::string number = std::to_string(g.number);
    json group = {
        {"key", "supervision/" + c.organisation + "/" + programme.id + "/" + number},
        {"name", programme.name + ": mentor supervision, group " + std::to_string(g.number)}};
    for (const auto& m : g.members) {
      auto membership_key = [&](std::string_view in_or_out) {
        return action_key(ActionKind::group_membership, ActionTopic::group_membership,
                          c.organisation, {programme.id, number, m.person_id, in_or_out});
      };
      auto it = withdrawn.find(m.person_id);
      bool left = it != withdrawn.end() && it->second;
      // Never announced: nothing to undo.
      if (left && !outbox.contains(membership_key("in").text)) continue;
      auto key = membership_key(left ? "out" : "in");
      json payload = {{"programme_id", programme.id},
                      {"group", group},
                      {"person_id", m.person_id},
                      {"member", !left}};
      enqueued += enqueue_action(c, outbox, key, m.person_id, programme.id, payload);
    }
  }
  return enqueued;
}

json run_groups(RunContext& c, store::SessionsStore& sessions, store::Outbox& outbox,
                const Programme& programme) {
  auto rules = supervision_rules(c, programme.id);
  auto firsts = first_pairings(c, programme.id);
  auto stored = sessions.supervision_groups(programme.id);
  std::vector<supervision::SupervisionGroup> groups;
  std::set<std::string> grouped;
  for (const auto& g : stored) {
    supervision::SupervisionGroup group{g.number, g.starts_on, {}};
    for (const auto& [person, on] : g.members) {
      group.members.push_back({person, on});
      grouped.insert(person);
    }
    groups.push_back(std::move(group));
  }
  std::vector<supervision::GroupMember> newcomers;
  for (const auto& [person, on] : firsts) {
    if (!grouped.count(person)) newcomers.push_back({person, on});
  }
  auto placed = supervision::assign_to_groups(groups, newcomers, rules);
  std::map<int, std::int64_t> group_ids;
  for (const auto& g : stored) group_ids[g.number] = g.id;
  for (const auto& g : groups) {
    if (!group_ids.count(g.number)) {
      group_ids[g.number] = sessions.add_supervision_group(programme.id, g.number, g.starts_on);
    }
  }
  for (const auto& [number, person] : placed) {
    sessions.add_supervision_member(group_ids.at(number), programme.id, person, firsts.at(person));
  }
  int memberships = publish_group_memberships(c, outbox, programme, groups);

  std::set<std::string> everyone;
  for (const auto& g : groups) {
    for (const auto& m : g.members) everyone.insert(m.person_id);
  }
  auto people = c.store.people(everyone);
  int invites = 0, sessions_total = 0;
  const std::string timezone = timezone_of(c);
  for (const auto& g : groups) {
    auto schedule = supervision::group_schedule(g, rules);
    std::set<int> scheduled;
    for (const auto& s : schedule) {
      scheduled.insert(s.number);
      sessions.upsert_supervision_session(group_ids.at(g.number), s.number, s.on);
      ++sessions_total;
      if (s.on < c.today) continue;  // no invites for the past
      std::vector<std::string> expected;
      for (const auto& m : g.members) {
        if (supervision::expected_at(m, s.on, rules)) expected.push_back(m.person_id);
      }
      calendar::CalendarEvent event;
      event.uid =
          calendar::event_uid(c.organisation, programme.id, "supervision",
                              "g" + std::to_string(g.number) + "-s" + std::to_string(s.number));
      event.summary = programme.name + ": mentor supervision, group " + std::to_string(g.number) +
                      ", session " + std::to_string(s.number);
      event.description = "Group supervision and support for mentors.";
      event.start = {s.on, rules.start_minutes};
      event.duration_minutes = rules.duration_minutes;
      event.timezone = timezone;
      event.organizer_email = manager_email(c);
      event.attendees = attendees_of(people, expected);
      event.cancelled = expected.empty();
      invites += publish(c, sessions, outbox, event, programme.id, "supervision");
    }
  }
  int flagged = flag_missed_streaks(c, sessions, outbox, programme.id);
  json placed_json = json::array();
  for (const auto& [number, person] : placed)
    placed_json.push_back({{"group", number}, {"person_id", person}});
  return {{"groups", groups.size()}, {"placed", placed_json},   {"sessions", sessions_total},
          {"invites", invites},      {"missed_flags", flagged}, {"group_memberships", memberships}};
}

// --- kick-off notes and the pairs' own sessions ---------------------------------------

int hand_over_kickoff_notes(RunContext& c, store::SessionsStore& sessions, store::Outbox& outbox,
                            const Programme& programme, const std::vector<Pair>& pairs) {
  int handed = 0;
  for (const auto& note : sessions.kickoff_notes(programme.id)) {
    for (const auto& p : pairs) {
      if (p.mentor_id != note.mentor_id || p.state != PairState::accepted) continue;
      auto key = action_key(ActionKind::notify, ActionTopic::kickoff_note, c.organisation,
                            {programme.id, p.mentor_id, p.mentee_id});
      json payload = {{"to", {{"person_id", p.mentee_id}}},
                      {"from", {{"person_id", p.mentor_id}}},
                      {"subject", "A note from your mentor"},
                      {"text", note.note}};
      handed += enqueue_action(c, outbox, key, p.mentee_id, programme.id, payload);
    }
  }
  return handed;
}

struct PairView {
  supervision::PairSessionReport report;
  int every_weeks = 0;
};

PairView pair_view(RunContext& c, store::SessionsStore& sessions, const Programme& programme,
                   const Pair& pair) {
  auto rules = pair_rules(c, programme.id);
  supervision::PairFacts facts;
  facts.paired_on = pair.accepted_on.value_or(c.today);
  facts.every_weeks = sessions.pair_cadence(pair.id).value_or(rules.every_weeks);
  facts.held = sessions.pair_session_dates(pair.id);
  facts.ends_on = add_months(facts.paired_on, programme.duration_months);
  return {supervision::pair_session_report(rules, facts, c.today), facts.every_weeks};
}

json run_pairs(RunContext& c, store::SessionsStore& sessions, store::Outbox& outbox,
               const Programme& programme, const std::vector<Pair>& pairs) {
  auto rules = pair_rules(c, programme.id);
  int reminders = 0, flags = 0, first_contact_flags = 0, invites = 0;
  std::set<std::string> ids;
  for (const auto& p : pairs) {
    ids.insert(p.mentee_id);
    ids.insert(p.mentor_id);
  }
  auto people = c.store.people(ids);
  for (const auto& pair : pairs) {
    if (pair.state != PairState::accepted || !pair.accepted_on) continue;
    auto [report, every_weeks] = pair_view(c, sessions, programme, pair);
    const std::string pair_key = std::to_string(pair.id);
    if (report.first_contact_missing) {
      auto key = action_key(ActionKind::task, ActionTopic::pair_first_contact, c.organisation,
                            {programme.id, pair_key});
      json payload = manager_task(
          c, "No first contact in a new mentoring pair",
          "Nothing was recorded within " + std::to_string(rules.first_contact_within_days) +
              " days of pairing (by " + format_date(report.first_contact_due) + "); the " +
              rules.first_contact_by + " was to make first contact.",
          {{"pair_id", pair.id}, {"mentee_id", pair.mentee_id}, {"mentor_id", pair.mentor_id}});
      first_contact_flags += enqueue_action(c, outbox, key, pair.mentee_id, programme.id, payload);
    }
    auto state = sessions.pair_escalation(pair.id, report.next_due);
    auto step =
        supervision::next_escalation(rules, report, {state.reminded_on, state.flagged_on}, c.today);
    const std::string due = format_date(report.next_due);
    if (step == supervision::Escalation::remind_pair) {
      for (const auto& person : {pair.mentee_id, pair.mentor_id}) {
        auto key = action_key(ActionKind::reminder, ActionTopic::pair_overdue, c.organisation,
                              {programme.id, pair_key, due, "remind", person});
        json payload = {{"to", person_json(people, person)},
                        {"subject", "Time for your next mentoring session"},
                        {"text", "Your next session was due on " + due +
                                     ". Please agree a date with each other and record it."},
                        {"pair_id", pair.id},
                        {"due_on", due}};
        reminders += enqueue_action(c, outbox, key, person, programme.id, payload);
      }
      sessions.mark_pair_reminded(pair.id, report.next_due, c.today);
    } else if (step == supervision::Escalation::flag_manager) {
      auto key = action_key(ActionKind::task, ActionTopic::pair_overdue, c.organisation,
                            {programme.id, pair_key, due, "flag"});
      json payload =
          manager_task(c, "A mentoring pair's session is overdue",
                       "The session due on " + due + " is " + std::to_string(report.days_overdue) +
                           " days overdue, and the pair was reminded on " +
                           format_date(*state.reminded_on) + ".",
                       {{"pair_id", pair.id},
                        {"mentee_id", pair.mentee_id},
                        {"mentor_id", pair.mentor_id},
                        {"due_on", due},
                        {"held", report.held},
                        {"missed", report.missed}});
      flags += enqueue_action(c, outbox, key, pair.mentee_id, programme.id, payload);
      sessions.mark_pair_flagged(pair.id, report.next_due, c.today);
    }
    // A placeholder for the next session; moves (same UID, SEQUENCE + 1) when
    // the pair agrees a new cadence.
    if (!report.ended && !report.overdue) {
      calendar::CalendarEvent event;
      event.uid = calendar::event_uid(c.organisation, programme.id, "pair-session",
                                      pair_key + "-" + std::to_string(report.held + 1));
      event.summary = programme.name + ": mentoring session";
      event.description = "Your next mentoring session (every " + std::to_string(every_weeks) +
                          " weeks). Move it to suit you both.";
      event.start = {report.next_due, rules.start_minutes};
      event.duration_minutes = rules.duration_minutes;
      event.timezone = timezone_of(c);
      event.attendees = attendees_of(people, {pair.mentee_id, pair.mentor_id});
      invites += publish(c, sessions, outbox, event, programme.id, "pair_session");
    }
  }
  return {{"reminders", reminders},
          {"manager_flags", flags},
          {"first_contact_flags", first_contact_flags},
          {"invites", invites}};
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
  if (!pair) throw invalid(command, "/pair_id", std::to_string(id), "the id of a pair");
  if (pair->state != PairState::accepted || !pair->accepted_on) {
    throw invalid(command, "/pair_id",
                  std::to_string(id) + " (" + std::string(to_string(pair->state)) + ")",
                  "an accepted pair");
  }
  return *pair;
}

json kickoff_schedule(RunContext& c, const json& in) {
  const char* cmd = "kickoff_schedule";
  require_valid_input(cmd, "supervision-kickoff_schedule", in);
  const Programme& programme = programme_for(c, cmd, in);
  store::SessionsStore sessions(c.store.database());
  json section = programme_section(c, programme.id, "kickoff");
  auto previous = sessions.kickoff(programme.id);
  store::SessionsStore::Kickoff k;
  k.programme_id = programme.id;
  bool cancel = in.value("cancelled", false);
  if (cancel) {
    if (!previous)
      throw invalid(cmd, "/cancelled", "true",
                    "a kick-off to cancel; none is scheduled for " + programme.id);
    k = *previous;
    k.cancelled = true;
  } else {
    if (!in.contains("date")) throw invalid(cmd, "/date", "(missing)", "a date (YYYY-MM-DD)");
    auto on = parse_date(in["date"].get<std::string>());
    if (!on) throw invalid(cmd, "/date", schema::describe(in["date"]), "a date (YYYY-MM-DD)");
    k.on = *on;
    k.start_minutes =
        minutes_of(in.value("start_time", section.value("start_time", std::string("10:00"))));
    k.duration_minutes = in.value("duration_minutes", section.value("duration_minutes", 120));
    if (in.contains("location")) k.location = in["location"].get<std::string>();
  }
  // Everyone who said yes to the programme is invited.
  std::vector<std::string> invited;
  for (const auto& e : c.store.enrolments(programme.id)) {
    if (is_open(e.state) && e.state != EnrolmentState::invited &&
        e.state != EnrolmentState::eligible) {
      invited.push_back(e.person_id);
    }
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

  store::Outbox outbox(c.store.database());
  SQLite::Transaction txn(c.store.database());
  sessions.save_kickoff(k, c.now);
  bool sent = publish(c, sessions, outbox, event, programme.id, "kickoff");
  txn.commit();
  auto saved = sessions.calendar_event(event.uid);
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
  store::SessionsStore sessions(c.store.database());
  if (!sessions.kickoff(programme.id)) {
    throw invalid(cmd, "/programme", "\"" + programme.id + "\"",
                  "a programme with a kick-off scheduled (kickoff_schedule)");
  }
  std::string person = in.at("person_id").get<std::string>();
  if (!c.store.has_person(person))
    throw invalid(cmd, "/person_id", "\"" + person + "\"", "the id of a known person");
  std::string status = in.at("status").get<std::string>();
  sessions.set_kickoff_attendance(programme.id, person, status, c.now);
  return {{"programme", programme.id}, {"person_id", person}, {"status", status}};
}

json kickoff_note(RunContext& c, const json& in) {
  const char* cmd = "kickoff_note";
  require_valid_input(cmd, "supervision-kickoff_note", in);
  const Programme& programme = programme_for(c, cmd, in);
  std::string mentor = in.at("mentor_id").get<std::string>();
  bool is_mentor = false;
  for (const auto& e : c.store.enrolments(programme.id)) {
    is_mentor |= e.person_id == mentor && e.role == Role::mentor && is_open(e.state);
  }
  if (!is_mentor) {
    throw invalid(cmd, "/mentor_id", "\"" + mentor + "\"", "a mentor enrolled in " + programme.id);
  }
  store::SessionsStore sessions(c.store.database());
  store::Outbox outbox(c.store.database());
  SQLite::Transaction txn(c.store.database());
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
  store::SessionsStore sessions(c.store.database());
  auto id = in.at("session_id").get<std::int64_t>();
  auto session = sessions.supervision_session(id);
  if (!session)
    throw invalid(cmd, "/session_id", std::to_string(id), "the id of a supervision session");
  std::string person = in.at("person_id").get<std::string>();
  if (!sessions.is_supervision_member(session->group_id, person)) {
    throw invalid(cmd, "/person_id", "\"" + person + "\"",
                  "a member of supervision group " + std::to_string(session->group_number));
  }
  if (session->on > c.today) {
    throw invalid(cmd, "/session_id", std::to_string(id) + " (on " + format_date(session->on) + ")",
                  "a session on or before today (" + format_date(c.today) + ")");
  }
  bool attended = in.at("attended").get<bool>();
  store::Outbox outbox(c.store.database());
  SQLite::Transaction txn(c.store.database());
  sessions.record_supervision_attendance(id, person, attended, c.now);
  int flagged = flag_missed_streaks(c, sessions, outbox, session->programme_id);
  txn.commit();
  return {
      {"session_id", id}, {"person_id", person}, {"attended", attended}, {"flagged", flagged > 0}};
}

json session_cadence(RunContext& c, const json& in) {
  const char* cmd = "session_cadence";
  require_valid_input(cmd, "supervision-session_cadence", in);
  Pair pair = accepted_pair(c, cmd, in);
  int weeks = in.at("every_weeks").get<int>();
  store::SessionsStore sessions(c.store.database());
  sessions.set_pair_cadence(pair.id, weeks, c.now);
  auto view = pair_view(c, sessions, programme_named(c, pair.programme_id), pair);
  return {{"pair_id", pair.id},
          {"every_weeks", weeks},
          {"next_due", format_date(view.report.next_due)}};
}

json session_record(RunContext& c, const json& in) {
  const char* cmd = "session_record";
  require_valid_input(cmd, "supervision-session_record", in);
  Pair pair = accepted_pair(c, cmd, in);
  auto held_on = parse_date(in.at("held_on").get<std::string>());
  if (!held_on)
    throw invalid(cmd, "/held_on", schema::describe(in["held_on"]), "a date (YYYY-MM-DD)");
  if (*held_on > c.today) {
    throw invalid(cmd, "/held_on", format_date(*held_on),
                  "a date on or before today (" + format_date(c.today) + ")");
  }
  if (*held_on < *pair.accepted_on) {
    throw invalid(cmd, "/held_on", format_date(*held_on),
                  "a date on or after the pairing (" + format_date(*pair.accepted_on) + ")");
  }
  std::optional<std::string> notes;
  if (in.contains("notes")) notes = in["notes"].get<std::string>();
  store::SessionsStore sessions(c.store.database());
  auto id = sessions.record_pair_session(pair.id, *held_on, notes,
                                         in.at("recorded_by_role").get<std::string>(), c.now);
  auto view = pair_view(c, sessions, programme_named(c, pair.programme_id), pair);
  return {{"pair_id", pair.id},
          {"session_id", id},
          {"held", view.report.held},
          {"next_due", format_date(view.report.next_due)}};
}

// HR's view of the group supervision schedule: every session with its group,
// date, members and who attended (supervision_attendance needs the ids).
json supervision_sessions(RunContext& c, const json& in) {
  const char* cmd = "supervision_sessions";
  require_valid_input(cmd, "supervision-sessions", in);
  const Programme& programme = programme_for(c, cmd, in);
  store::SessionsStore sessions(c.store.database());
  std::map<std::int64_t, std::vector<std::string>> members;
  for (const auto& g : sessions.supervision_groups(programme.id)) {
    for (const auto& [person, first_paired] : g.members) members[g.id].push_back(person);
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
  return {{"programme", programme.id}, {"sessions", list}};
}

json session_list(RunContext& c, const json& in) {
  const char* cmd = "session_list";
  require_valid_input(cmd, "supervision-session_list", in);
  auto id = in.at("pair_id").get<std::int64_t>();
  auto pair = find_pair(c, id);
  if (!pair) throw invalid(cmd, "/pair_id", std::to_string(id), "the id of a pair");
  const std::string caller = in.at("caller_role").get<std::string>();
  // Notes belong to the pair: an HR caller gets metadata, never content.
  const bool pair_member = caller == "mentee" || caller == "mentor";
  store::SessionsStore sessions(c.store.database());
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
    out["every_weeks"] = view.every_weeks;
    out["held"] = view.report.held;
    out["missed"] = view.report.missed;
    out["overdue"] = view.report.overdue;
    out["next_due"] = format_date(view.report.next_due);
    out["min_meetings_met"] = view.report.min_meetings_met;
    out["first_contact_missing"] = view.report.first_contact_missing;
  }
  return out;
}

}  // namespace

json run_supervision(RunContext& c) {
  store::SessionsStore sessions(c.store.database());
  store::Outbox outbox(c.store.database());
  json programmes = json::object();
  for (const auto& programme : c.programmes) {
    SQLite::Transaction txn(c.store.database());
    auto pairs = c.store.pairs(programme.id);
    json summary = run_groups(c, sessions, outbox, programme);
    summary["kickoff_notes_handed"] =
        hand_over_kickoff_notes(c, sessions, outbox, programme, pairs);
    summary["pair_sessions"] = run_pairs(c, sessions, outbox, programme, pairs);
    txn.commit();
    programmes[programme.id] = std::move(summary);
  }
  return {{"enabled", true}, {"status", "ran"}, {"programmes", programmes}};
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
  return std::nullopt;
}

std::vector<std::string> supervision_command_names() {
  return {"kickoff_schedule",       "kickoff_attendance", "kickoff_note",   "supervision_sessions",
          "supervision_attendance", "session_cadence",    "session_record", "session_list"};
}

}  // namespace mentoring::shell
