// The return_to_work module's runner: loads leaves, people, enrolments, pairs
// and the stored steps and days, calls plugin/return_to_work, stores the
// state and the actions it causes in one transaction, answers HR's commands.
#include "return_runner.hpp"

#include <mentoring/enrolment/lifecycle.hpp>
#include <mentoring/return_to_work/kit_days.hpp>
#include <mentoring/return_to_work/return_steps.hpp>
#include <mentoring/store/outbox_repository.hpp>
#include <mentoring/store/return_repository.hpp>
#include <mentoring/store/return_store.hpp>

#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <map>
#include <set>

namespace mentoring::shell {

using json = nlohmann::json;
using namespace mentoring::domain;
namespace rtw = mentoring::return_to_work;

namespace {

Error invalid(std::string_view command, const std::string& pointer, const std::string& found,
              std::string_view expected) {
  return Error(MENTORING_ERR_INVALID_INPUT, std::string(command) + ": " + pointer + ": found " +
                                                found + "; expected " + std::string(expected));
}

std::string quoted(const std::string& text) {
  return "\"" + text + "\"";
}

// {"person_id", "name", "email"} as the HR system knows the person (only the id when unknown).
json contact(RunContext& c, const std::string& person_id) {
  auto people = c.store.people({person_id});
  auto p = people.find(person_id);
  if (p == people.end()) return {{"person_id", person_id}};
  return {{"person_id", person_id},
          {"name", p->second.name},
          {"email", p->second.email ? json(*p->second.email) : json(nullptr)}};
}

std::string name_of(RunContext& c, const std::string& person_id) {
  auto people = c.store.people({person_id});
  auto p = people.find(person_id);
  return p != people.end() && !p->second.name.empty() ? p->second.name : person_id;
}

json programme_manager(const RunContext& c) {
  return {{"role", "programme_manager"},
          {"email", c.policy.programme_manager_email ? json(*c.policy.programme_manager_email)
                                                     : json(nullptr)}};
}

json line_manager(RunContext& c, const std::string& person_id) {
  json to = contact(c, person_id);
  to["role"] = "line_manager";
  if (!to.contains("email")) to["email"] = nullptr;
  return to;
}

// --- stored steps <-> the domain's records ------------------------------------------

rtw::StepRecord record_of(const store::ReturnRepository::Step& s) {
  rtw::StepRecord r;
  r.step_id = s.step_id;
  r.due_on = s.due_on;
  r.line_manager_id = s.line_manager_id;
  auto status = rtw::parse_step_status(s.status);
  if (!status) {
    throw std::runtime_error("store: return_step " + s.programme_id + "/" + s.leave_id + "/" +
                             s.step_id + " has an unknown status \"" + s.status + "\"");
  }
  r.status = *status;
  r.missed_flagged_for = s.missed_flagged_for;
  r.done_on = s.done_on;
  r.round = s.round;
  return r;
}

store::ReturnRepository::Step row_of(const std::string& programme_id, const Leave& leave,
                                     const rtw::StepRecord& r, std::optional<std::string> done_by) {
  store::ReturnRepository::Step s;
  s.programme_id = programme_id;
  s.leave_id = leave.id;
  s.step_id = r.step_id;
  s.person_id = leave.person_id;
  s.line_manager_id = r.line_manager_id;
  s.due_on = r.due_on;
  s.status = std::string(rtw::to_string(r.status));
  s.round = r.round;
  s.missed_flagged_for = r.missed_flagged_for;
  s.done_on = r.done_on;
  s.done_by = std::move(done_by);
  return s;
}

// --- return steps: one run --------------------------------------------------------------

struct StepCounts {
  int sent = 0, moved = 0, withdrawn = 0, no_line_manager = 0, missed_flagged = 0;
};

json step_about(const Programme& programme, const Leave& leave, const rtw::StepEffect& e) {
  return {{"programme", programme.id},
          {"person_id", leave.person_id},
          {"leave_id", leave.id},
          {"step", e.step_id},
          {"due_on", format_date(e.due_on)},
          {"return_on", format_date(enrolment::return_date(leave))},
          {"cause", rtw::to_string(e.cause)}};
}

// A task already queued and not yet delivered is dropped instead of being
// followed by a notice about it: the line manager never saw it.
bool drop_if_undelivered(RunContext& c, store::OutboxRepository& outbox, const std::string& key,
                         const std::string& reason) {
  auto entry = outbox.find(key);
  if (!entry || store::state_of(*entry) != store::OutboxState::pending) return false;
  outbox.mark_dropped(key, reason, c.now);
  return true;
}

void apply(RunContext& c, store::OutboxRepository& outbox, const Programme& programme,
           const Leave& leave, const rtw::StepEffect& e, StepCounts& counts) {
  const std::string mentee = name_of(c, leave.person_id);
  const std::string due = format_date(e.due_on);
  const std::string back = format_date(enrolment::return_date(leave));
  const std::string step_name = e.step ? e.step->name : e.step_id;
  const auto key = rtw::step_key(c.organisation, programme.id, leave.id, e);
  json about = step_about(programme, leave, e);
  switch (e.kind) {
    case rtw::StepEffectKind::send_task:
    case rtw::StepEffectKind::supersede_task: {
      std::string text = step_name + " for " + mentee + ", who returns from leave on " + back +
                         ": due by " + due + ".";
      if (e.step && !e.step->description.empty()) text += " " + e.step->description;
      if (e.kind == rtw::StepEffectKind::supersede_task) {
        rtw::StepEffect previous = e;
        previous.round = e.round - 1;
        const auto old_key = rtw::step_key(c.organisation, programme.id, leave.id, previous);
        about["supersedes"] = old_key.text;
        text += " This replaces the task sent before";
        if (e.previous_due_on) text += " (due " + format_date(*e.previous_due_on) + ")";
        text += ": " + std::string(rtw::describe(e.cause)) + ".";
        drop_if_undelivered(c, outbox, old_key.text, "superseded by " + key.text);
        ++counts.moved;
      } else {
        ++counts.sent;
      }
      json payload = {{"to", line_manager(c, *e.line_manager_id)},
                      {"subject", step_name + ": " + mentee + " returns on " + back},
                      {"text", text},
                      {"about", about}};
      enqueue_action(c, outbox, key, leave.person_id, programme.id, payload);
      break;
    }
    case rtw::StepEffectKind::withdraw_task: {
      rtw::StepEffect sent = e;
      sent.kind = rtw::StepEffectKind::send_task;
      const auto task_key = rtw::step_key(c.organisation, programme.id, leave.id, sent);
      ++counts.withdrawn;
      if (drop_if_undelivered(c, outbox, task_key.text,
                              "withdrawn: " + std::string(rtw::describe(e.cause)))) {
        break;
      }
      if (!e.line_manager_id) break;
      json payload = {{"to", contact(c, *e.line_manager_id)},
                      {"subject", "No longer needed: " + step_name + " for " + mentee},
                      {"text", "The task \"" + step_name + "\" for " + mentee + " (due " + due +
                                   ") is withdrawn: " + std::string(rtw::describe(e.cause)) + "."}};
      enqueue_action(c, outbox, key, leave.person_id, programme.id, payload);
      break;
    }
    case rtw::StepEffectKind::tell_no_line_manager: {
      json payload = {{"to", programme_manager(c)},
                      {"subject", "No line manager for a return-to-work step"},
                      {"text", "The HR system names no line manager for " + mentee + " (" +
                                   leave.person_id + "), so nobody was sent \"" + step_name +
                                   "\", due by " + due + " before the return on " + back +
                                   ". Set the manager in the HR system, or arrange the step and "
                                   "mark it done (return_step_done)."},
                      {"about", about}};
      counts.no_line_manager +=
          enqueue_action(c, outbox, key, leave.person_id, programme.id, payload);
      break;
    }
    case rtw::StepEffectKind::flag_missed: {
      about["days_overdue"] = e.days_overdue;
      if (e.line_manager_id) about["line_manager_id"] = *e.line_manager_id;
      json payload = {
          {"to", programme_manager(c)},
          {"subject", "A return-to-work step is overdue"},
          {"text", "\"" + step_name + "\" for " + mentee + " (" + leave.person_id +
                       ") was due by " + due + " and is " + std::to_string(e.days_overdue) +
                       " days overdue; nobody marked it done. The line manager" +
                       (e.line_manager_id ? " (" + *e.line_manager_id + ")" : std::string()) +
                       " had the task."},
          {"about", about}};
      counts.missed_flagged +=
          enqueue_action(c, outbox, key, leave.person_id, programme.id, payload);
      break;
    }
  }
}

json run_programme_steps(RunContext& c, store::ReturnRepository& returns,
                         store::OutboxRepository& outbox, const Programme& programme) {
  // Each leave's mentee enrolment: one whose steps apply if there is one, else the latest.
  std::map<std::string, EnrolmentState> state_of_leave;
  for (const auto& e : c.store.enrolments(programme.id)) {
    if (e.role != Role::mentee || !e.leave_id) continue;
    auto [it, inserted] = state_of_leave.emplace(*e.leave_id, e.state);
    if (!inserted && rtw::participation_of(it->second) != rtw::Participation::taking_part) {
      it->second = e.state;  // enrolments come oldest first
    }
  }
  // The leaves to look at: those of mentees taking part, and those with steps stored.
  std::set<std::string> leave_ids;
  for (const auto& [leave_id, state] : state_of_leave) {
    if (rtw::participation_of(state) == rtw::Participation::taking_part) leave_ids.insert(leave_id);
  }
  for (const auto& leave_id : returns.leaves_with_steps(programme.id)) leave_ids.insert(leave_id);
  StepCounts counts;
  int overdue = 0;
  for (const auto& leave_id : leave_ids) {
    auto leave = c.store.leave(leave_id);
    if (!leave) continue;  // never stored: nothing can be anchored on it
    auto people = c.store.people({leave->person_id});
    auto person = people.find(leave->person_id);
    const Person* mentee = person != people.end() ? &person->second : nullptr;
    std::optional<EnrolmentState> state;
    if (auto s = state_of_leave.find(leave_id); s != state_of_leave.end()) state = s->second;
    const auto part = rtw::participation(state, mentee, c.today);
    if (part == rtw::Participation::finished) continue;
    std::optional<std::string> manager = mentee ? mentee->manager_id : std::nullopt;
    std::vector<rtw::StepRecord> stored;
    std::map<std::string, std::optional<std::string>> done_by;
    for (const auto& s : returns.steps_of_leave(programme.id, leave_id)) {
      stored.push_back(record_of(s));
      done_by[s.step_id] = s.done_by;
    }
    auto plan = rtw::plan_return_steps(
        programme, {*leave, manager, part == rtw::Participation::taking_part}, stored, c.today);
    for (const auto& record : plan.steps) {
      returns.save_step(row_of(programme.id, *leave, record, done_by[record.step_id]), c.now);
      overdue += rtw::view_of(record, c.today).overdue;
    }
    for (const auto& effect : plan.effects) apply(c, outbox, programme, *leave, effect, counts);
  }
  return {{"tasks_sent", counts.sent},
          {"tasks_moved", counts.moved},
          {"tasks_withdrawn", counts.withdrawn},
          {"no_line_manager", counts.no_line_manager},
          {"missed_flagged", counts.missed_flagged},
          {"overdue", overdue}};
}

// --- keeping-in-touch days -----------------------------------------------------------------

json warnings_json(const std::vector<rtw::KitWarning>& warnings) {
  json out = json::array();
  for (auto w : warnings)
    out.push_back({{"reason", rtw::to_string(w)}, {"words", rtw::describe(w)}});
  return out;
}

json count_json(const Leave& leave, const Programme* programme, const rtw::KitCount& count) {
  return {{"leave_id", leave.id},
          {"leave_type", to_string(leave.type)},
          {"leave_start", format_date(leave.start)},
          {"return_on", format_date(enrolment::return_date(leave))},
          {"programme", programme ? json(programme->id) : json(nullptr)},
          {"used", count.used},
          {"limit", count.limit ? json(*count.limit) : json(nullptr)},
          {"remaining", count.remaining},
          {"over_limit", count.over},
          {"warnings", warnings_json(count.warnings)}};
}

// The mentor of the person's accepted pair, preferring the programme whose rules count the leave.
std::optional<Pair> accepted_pair_of(RunContext& c, const std::string& mentee,
                                     const Programme* preferred) {
  std::optional<Pair> found;
  for (const auto& p : c.store.pairs()) {
    if (p.state != PairState::accepted || p.mentee_id != mentee) continue;
    if (!found || (preferred && p.programme_id == preferred->id)) found = p;
  }
  return found;
}

std::string limit_words(const rtw::KitCount& count) {
  return std::to_string(count.used) + " of " + std::to_string(count.limit.value_or(0));
}

// What recording one keeping-in-touch day did. The same for a day HR records
// (kit_day_record) and one the HR system reports (the run's pass): one domain
// judgement, one row in kit_day, the same prompt and warnings.
struct RecordedDay {
  std::optional<rtw::KitRefusal> refusal;
  std::optional<Leave> leave;  // the leave the day was judged against, when one was chosen
  const Programme* programme = nullptr;
  rtw::KitOutcome outcome;
  json prompted = nullptr;  // the mentor prompted, or null
};

// The leaves a day may belong to: the person's, and the one named when it is someone else's.
std::vector<Leave> leaves_for(RunContext& c, const std::string& person,
                              const std::optional<std::string>& leave_id) {
  std::vector<Leave> leaves = c.store.leaves_of(person);
  if (leave_id && std::none_of(leaves.begin(), leaves.end(),
                               [&](const Leave& l) { return l.id == *leave_id; })) {
    if (auto other = c.store.leave(*leave_id)) leaves.push_back(*other);
  }
  return leaves;
}

// Judges and, unless refused, records `day` with what it causes (in the
// caller's transaction). Nothing is written when it is refused.
RecordedDay record_day(RunContext& c, store::ReturnStore& returns, store::OutboxRepository& outbox,
                       const std::string& person, const std::optional<std::string>& leave_id,
                       Date day, const std::optional<std::string>& note,
                       const std::string& recorded_by) {
  RecordedDay done;
  const std::vector<Leave> leaves = leaves_for(c, person, leave_id);
  auto choice = rtw::choose_leave(leaves, person, leave_id, day);
  if (choice.refusal) {
    done.refusal = choice.refusal;
    return done;
  }
  done.leave = *choice.leave;
  const Leave& leave = *done.leave;
  done.programme = rtw::rules_programme(c.programmes, c.store.enrolments_of(person), leave);
  if (!done.programme) {
    done.refusal = rtw::KitRefusal::no_kit_days_for_type;  // no programme allows any
    return done;
  }
  const Programme& programme = *done.programme;
  std::vector<Date> recorded;
  for (const auto& d : returns.kit_days_of_leave(leave.id)) recorded.push_back(d.on);
  done.outcome = rtw::record_kit_day(programme.keeping_in_touch, leave, recorded, day);
  if (done.outcome.refusal) {
    done.refusal = done.outcome.refusal;
    return done;
  }
  const auto& outcome = done.outcome;
  const std::string date_text = format_date(day);
  store::ReturnStore::KitDay row;
  row.leave_id = leave.id;
  row.person_id = person;
  row.on = day;
  row.note = note;
  row.recorded_by = recorded_by;
  row.over_limit = outcome.over_limit;
  row.recorded_at = c.now;
  returns.insert_kit_day(row);
  const std::string name = name_of(c, person);
  if (outcome.prompt_mentor) {
    if (auto pair = accepted_pair_of(c, person, &programme)) {
      json payload = {
          {"to", contact(c, pair->mentor_id)},
          {"subject", "Your mentee had a keeping-in-touch day"},
          {"text", name + " worked a keeping-in-touch day on " + date_text +
                       " during their leave. A good moment for a touchpoint: ask how it went and "
                       "what they would like to plan for their return."}};
      enqueue_action(c, outbox,
                     rtw::kit_day_key(c.organisation, leave.id, day, rtw::KitAudience::mentor),
                     person, pair->programme_id, payload);
      done.prompted = pair->mentor_id;
    }
  }
  if (!outcome.warnings.empty()) {
    std::string words;
    for (auto w : outcome.warnings)
      words += (words.empty() ? "" : "; ") + std::string(rtw::describe(w));
    const std::string count = limit_words(outcome.after);
    json to_person = {{"to", contact(c, person)},
                      {"subject", "Your keeping-in-touch days"},
                      {"text", "You have worked " + count +
                                   " keeping-in-touch days allowed for "
                                   "this leave (" +
                                   std::string(to_string(leave.type)) + "): " + words +
                                   ". Please talk to HR before agreeing another."}};
    enqueue_action(c, outbox,
                   rtw::kit_day_key(c.organisation, leave.id, day, rtw::KitAudience::person),
                   person, programme.id, to_person);
    json to_hr = {{"to", programme_manager(c)},
                  {"subject", outcome.over_limit ? "Keeping-in-touch days over the limit"
                                                 : "Keeping-in-touch days running out"},
                  {"text", name + " (" + person + ") has worked " + count +
                               " keeping-in-touch days of leave " + leave.id + " (" +
                               std::string(to_string(leave.type)) + "): " + words + "."},
                  {"about",
                   {{"person_id", person},
                    {"leave_id", leave.id},
                    {"date", date_text},
                    {"used", outcome.after.used},
                    {"limit", *outcome.after.limit},
                    {"warnings", warnings_json(outcome.warnings)}}}};
    enqueue_action(c, outbox, rtw::kit_day_key(c.organisation, leave.id, day, rtw::KitAudience::hr),
                   person, programme.id, to_hr);
  }
  return done;
}

// The domain's words for a refusal, with the leave judged against when there was one.
std::string refusal_words(rtw::KitRefusal refusal, const std::optional<Leave>& leave) {
  std::string why(rtw::describe(refusal));
  if (leave) {
    why += " (leave " + leave->id + ": " + std::string(to_string(leave->type)) + ", " +
           format_date(leave->start) + " to " + format_date(enrolment::return_date(*leave)) +
           " exclusive, " + std::string(to_string(leave->status)) + ")";
  }
  return why;
}

json kit_day_record(RunContext& c, const json& in) {
  const char* cmd = "kit_day_record";
  require_valid_input(cmd, "kit_day_record", in);
  const std::string person = in["person_id"];
  if (!c.store.has_person(person)) {
    throw invalid(cmd, "/person_id", quoted(person), "a person the HR system knows");
  }
  const std::string date_text = in["date"];
  auto day = parse_date(date_text);
  if (!day) throw invalid(cmd, "/date", quoted(date_text), "a calendar date (YYYY-MM-DD)");
  std::optional<std::string> leave_id;
  if (in.contains("leave_id")) leave_id = in["leave_id"].get<std::string>();
  if (c.programmes.empty())
    throw Error(MENTORING_ERR_INVALID_INPUT, std::string(cmd) + ": no programme");
  std::optional<std::string> note;
  if (in.contains("note")) note = in["note"].get<std::string>();

  store::ReturnStore returns(c.store.database());
  Transaction txn(c.store.database());
  store::SqliteOutboxRepository outbox(c.store.session());
  auto done = record_day(c, returns, outbox, person, leave_id, *day, note,
                         domain::recorded_by_label(c.caller));
  if (done.refusal) {
    std::string field(rtw::field_of(*done.refusal));
    std::string found = field == "/date" ? quoted(date_text) : quoted(leave_id.value_or(""));
    // A leave named in the refusal only once the domain judged the day against it.
    const bool judged = done.outcome.refusal.has_value();
    throw Error(MENTORING_ERR_INVALID_INPUT,
                std::string(cmd) + ": " + field + ": found " + found + " for " + person +
                    "; refused (" + std::string(rtw::to_string(*done.refusal)) +
                    "): " + refusal_words(*done.refusal, judged ? done.leave : std::nullopt));
  }
  txn.commit();
  const Leave& leave = *done.leave;
  return {{"ok", true},
          {"person_id", person},
          {"employee_number", employee_number_of(c, person)},
          {"date", date_text},
          {"leave_id", leave.id},
          {"over_limit", done.outcome.over_limit},
          {"count", count_json(leave, done.programme, done.outcome.after)},
          {"mentor_prompted", done.prompted},
          {"warnings", warnings_json(done.outcome.warnings)}};
}

// The days the HR system reported (the sync's keeping_in_touch_days stream),
// judged like HR's own: counted, warned, the mentor prompted. The same day
// already recorded (by HR, or by another record) counts once. A day the domain
// refuses stays reported, with its reason, in every run until the HR system
// corrects it or the leave it needs arrives.
constexpr std::size_t kMaxRefusedListed = 100;

json run_reported_kit_days(RunContext& c, store::ReturnStore& returns,
                           store::OutboxRepository& outbox) {
  int recorded = 0, duplicates = 0, prompted = 0, warned = 0, refused = 0;
  json refused_days = json::array();
  for (const auto& r : returns.reported_kit_days_to_judge()) {
    auto done = record_day(c, returns, outbox, r.person_id, r.leave_id, r.on, r.note,
                           store::ReturnStore::reported_by(r.adapter, r.record_id));
    const std::optional<std::string> judged =
        done.leave ? std::optional(done.leave->id) : std::nullopt;
    if (done.refusal == rtw::KitRefusal::already_recorded) {
      returns.set_report_outcome(r.adapter, r.record_id, "duplicate", std::nullopt, judged, c.now);
      ++duplicates;
      continue;
    }
    if (done.refusal) {
      returns.set_report_outcome(r.adapter, r.record_id, "refused",
                                 std::string(rtw::to_string(*done.refusal)), judged, c.now);
      ++refused;
      if (refused_days.size() < kMaxRefusedListed) {
        const std::string field(rtw::field_of(*done.refusal));
        const std::string date_text = format_date(r.on);
        const std::string found =
            field == "/date" ? quoted(date_text) : quoted(r.leave_id.value_or(""));
        const bool judged_against = done.outcome.refusal.has_value();
        const std::string words =
            refusal_words(*done.refusal, judged_against ? done.leave : std::nullopt);
        refused_days.push_back(
            {{"adapter", r.adapter},
             {"record_id", r.record_id},
             {"person_id", r.person_id},
             {"leave_id", r.leave_id ? json(*r.leave_id) : json(nullptr)},
             {"date", date_text},
             {"field", field},
             {"reason", rtw::to_string(*done.refusal)},
             {"words", words},
             {"message", r.adapter + " keeping_in_touch_days record " + r.record_id + ": " + field +
                             ": found " + found + " for " + r.person_id + "; refused (" +
                             std::string(rtw::to_string(*done.refusal)) + "): " + words}});
      }
      continue;
    }
    returns.set_report_outcome(r.adapter, r.record_id, "recorded", std::nullopt, judged, c.now);
    ++recorded;
    if (!done.prompted.is_null()) ++prompted;
    if (!done.outcome.warnings.empty()) ++warned;
  }
  json out = {{"recorded", recorded}, {"duplicates", duplicates}, {"mentors_prompted", prompted},
              {"warned", warned},     {"refused", refused},       {"refused_days", refused_days}};
  if (static_cast<std::size_t>(refused) > refused_days.size()) {
    out["refused_not_listed"] = refused - static_cast<int>(refused_days.size());
  }
  return out;
}

json kit_days(RunContext& c, const json& in) {
  const char* cmd = "kit_days";
  require_valid_input(cmd, "kit_days", in);
  if (in.contains("programme")) programme_for(c, cmd, in);  // names /programme when unknown
  store::ReturnStore returns(c.store.database());
  std::vector<Leave> leaves;
  if (in.contains("person_id")) {
    const std::string person = in["person_id"];
    if (!c.store.has_person(person)) {
      throw invalid(cmd, "/person_id", quoted(person), "a person the HR system knows");
    }
    leaves = c.store.leaves_of(person);
  } else {
    for (const auto& [leave_id, person] : returns.leaves_with_kit_days()) {
      if (auto leave = c.store.leave(leave_id)) leaves.push_back(*leave);
    }
  }
  json rows = json::array();
  for (const auto& leave : leaves) {
    auto days = returns.kit_days_of_leave(leave.id);
    const Programme* programme =
        rtw::rules_programme(c.programmes, c.store.enrolments_of(leave.person_id), leave);
    if (in.contains("programme") && (!programme || programme->id != in["programme"])) continue;
    const KeepingInTouchRules rules =
        programme ? programme->keeping_in_touch : KeepingInTouchRules{};
    // A leave without days and without an allowance has nothing to show.
    if (days.empty() && (!rtw::limit_for(rules, leave.type) || !rtw::is_taken(leave))) continue;
    json row = count_json(leave, programme,
                          rtw::count_kit_days(rules, leave, static_cast<int>(days.size())));
    row["person_id"] = leave.person_id;
    row["employee_number"] = employee_number_of(c, leave.person_id);
    row["days"] = json::array();
    for (const auto& d : days) {
      row["days"].push_back({{"date", format_date(d.on)},
                             {"note", d.note ? json(*d.note) : json(nullptr)},
                             {"recorded_by", d.recorded_by},
                             {"over_limit", d.over_limit}});
    }
    rows.push_back(row);
  }
  return {{"leaves", rows}};
}

// --- return steps: HR's commands -----------------------------------------------------

json step_row(RunContext& c, const store::ReturnRepository::Step& s) {
  auto record = record_of(s);
  auto view = rtw::view_of(record, c.today);
  std::string step_name = s.step_id;
  for (const auto& p : c.programmes) {
    if (p.id != s.programme_id) continue;
    for (const auto& step : p.return_steps) {
      if (step.id == s.step_id) step_name = step.name;
    }
  }
  return {{"programme", s.programme_id},
          {"person_id", s.person_id},
          {"employee_number", employee_number_of(c, s.person_id)},
          {"person_name", name_of(c, s.person_id)},
          {"leave_id", s.leave_id},
          {"step", s.step_id},
          {"name", step_name},
          {"due_on", format_date(s.due_on)},
          {"status", s.status},
          {"overdue", view.overdue},
          {"days_overdue", view.days_overdue},
          {"line_manager", s.line_manager_id ? contact(c, *s.line_manager_id) : json(nullptr)},
          {"done_on", s.done_on ? json(format_date(*s.done_on)) : json(nullptr)},
          {"done_by", s.done_by ? json(*s.done_by) : json(nullptr)}};
}

json return_steps(RunContext& c, const json& in) {
  const char* cmd = "return_steps";
  require_valid_input(cmd, "return_steps", in);
  std::string programme_id;
  if (in.contains("programme")) programme_id = programme_for(c, cmd, in).id;
  const bool overdue_only = in.value("overdue_only", false);
  store::SqliteReturnRepository returns(c.store.session());
  auto steps = in.contains("person_id") ? returns.steps_of_person(in["person_id"])
                                        : returns.steps(programme_id);
  json rows = json::array();
  for (const auto& s : steps) {
    if (!programme_id.empty() && s.programme_id != programme_id) continue;
    json row = step_row(c, s);
    if (overdue_only && !row["overdue"].get<bool>()) continue;
    rows.push_back(std::move(row));
  }
  return {{"steps", rows}};
}

json return_step_done(RunContext& c, const json& in) {
  const char* cmd = "return_step_done";
  require_valid_input(cmd, "return_step_done", in);
  const std::string person = in["person_id"];
  const std::string step = in["step"];
  store::SqliteReturnRepository returns(c.store.session());
  std::vector<store::ReturnRepository::Step> candidates, open;
  std::string planned;
  for (const auto& s : returns.steps_of_person(person)) {
    planned += (planned.empty() ? "" : ", ") + s.step_id + " (" + s.programme_id + ", leave " +
               s.leave_id + ")";
    if (s.step_id != step) continue;
    if (in.contains("programme") && s.programme_id != in["programme"]) continue;
    if (in.contains("leave_id") && s.leave_id != in["leave_id"]) continue;
    candidates.push_back(s);
    if (s.status == "sent" || s.status == "no_line_manager") open.push_back(s);
  }
  if (candidates.empty()) {
    throw invalid(
        cmd, "/step", quoted(step) + " for " + person,
        "a return step planned for " + person + " (the programme's return_steps, " +
            "for a leave of an enrolled mentee); planned: " + (planned.empty() ? "none" : planned));
  }
  const auto& chosen_from = open.empty() ? candidates : open;
  if (chosen_from.size() > 1) {
    throw invalid(cmd, "/leave_id",
                  "(missing) with " + std::to_string(chosen_from.size()) + " open steps " +
                      quoted(step) + " for " + person,
                  "the leave (or /programme) the step belongs to");
  }
  auto row = chosen_from.front();
  auto record = record_of(row);
  const bool was_overdue = rtw::view_of(record, c.today).overdue;
  if (auto refusal = rtw::mark_done(record, c.today)) {
    throw invalid(cmd, "/step", quoted(step) + " for " + person + " (leave " + row.leave_id + ")",
                  std::string("a step that is open; refused (") +
                      std::string(rtw::to_string(*refusal)) +
                      "): " + std::string(rtw::describe(*refusal)));
  }
  Transaction txn(c.store.database());
  row.status = std::string(rtw::to_string(record.status));
  row.done_on = record.done_on;
  row.done_by = domain::recorded_by_label(c.caller);
  returns.save_step(row, c.now);
  txn.commit();
  return {{"ok", true},
          {"programme", row.programme_id},
          {"person_id", person},
          {"leave_id", row.leave_id},
          {"step", step},
          {"status", "done"},
          {"done_on", format_date(c.today)},
          {"due_on", format_date(row.due_on)},
          {"was_overdue", was_overdue}};
}

}  // namespace

json run_return_to_work(RunContext& c) {
  json summary = {{"enabled", true}, {"status", "ran"}, {"programmes", json::object()}};
  store::ReturnStore returns(c.store.database());
  store::SqliteReturnRepository steps(c.store.session());
  if (!c.programmes.empty()) {
    Transaction txn(c.store.database());
    store::SqliteOutboxRepository outbox(c.store.session());
    summary["keeping_in_touch_days"] = run_reported_kit_days(c, returns, outbox);
    txn.commit();
  }
  for (const auto& programme : c.programmes) {
    if (programme.return_steps.empty()) continue;
    Transaction txn(c.store.database());
    store::SqliteOutboxRepository outbox(c.store.session());
    summary["programmes"][programme.id] = run_programme_steps(c, steps, outbox, programme);
    txn.commit();
  }
  return summary;
}

std::optional<json> return_to_work_command(RunContext& c, std::string_view command,
                                           const json& input) {
  if (command == "kit_day_record") return kit_day_record(c, input);
  if (command == "kit_days") return kit_days(c, input);
  if (command == "return_steps") return return_steps(c, input);
  if (command == "return_step_done") return return_step_done(c, input);
  return std::nullopt;
}

std::vector<overview::ReturnStepFacts> return_step_facts(RunContext& c,
                                                         const std::string& programme_id) {
  std::vector<overview::ReturnStepFacts> out;
  if (!c.policy.modules.return_to_work) return out;
  for (const auto& s : store::SqliteReturnRepository(c.store.session()).steps(programme_id))
    out.push_back({s.person_id, record_of(s)});
  return out;
}

std::vector<std::string> return_to_work_command_names() {
  return {"kit_day_record", "kit_days", "return_steps", "return_step_done"};
}

}  // namespace mentoring::shell
