// Training's part of the plugin shell: required courses per role, gaps turned
// into LMS enrolments and reminders, and HR's view of who is blocked.
#include "session_runners.hpp"

#include <mentoring/schema.hpp>
#include <mentoring/store/outbox_repository.hpp>
#include <mentoring/training/training.hpp>

#include <SQLiteCpp/Transaction.h>

#include <array>
#include <map>
#include <set>

namespace mentoring::shell {

using json = nlohmann::json;
using namespace mentoring::domain;

// --- shared helpers (declared in session_runners.hpp) --------------------------------

namespace {

training::TrainingRules rules_for(const RunContext& c, const Programme& programme, Role role) {
  auto rules = training::rules_for(programme, role);
  json section = programme_section(c, programme.id, "training");
  if (section.contains("deadline_days")) rules.deadline_days = section["deadline_days"].get<int>();
  rules.renew_before_days = section.value("renew_before_days", 30);
  rules.reminder_days_before = section.value("reminder_days_before", std::vector<int>{7});
  return rules;
}

struct Trainee {
  Enrolment enrolment;
  training::TrainingStatus status;
  training::TrainingRules rules;
};

// Completions read so far in this pass or command, by person (each person's through the
// course_completion primary key, once): only the people the pass looks at, never every row.
class Completions {
 public:
  explicit Completions(store::OrgStore& store) : store_(store) {}
  const std::vector<CourseCompletion>& of(const std::string& person_id) {
    auto it = by_person_.find(person_id);
    if (it == by_person_.end())
      it = by_person_.emplace(person_id, store_.completions_of(person_id)).first;
    return it->second;
  }

 private:
  store::OrgStore& store_;
  std::map<std::string, std::vector<CourseCompletion>> by_person_;
};

// Everyone of one programme who needs training, with their status today: the enrolments in a
// state expected to train (the index on programme and state), and their own completions.
std::vector<Trainee> trainees(RunContext& c, const Programme& programme, Completions& completions) {
  std::vector<Trainee> out;
  for (const auto& e :
       c.store.enrolments_in_states(programme.id, training::states_expected_to_train())) {
    auto rules = rules_for(c, programme, e.role);
    if (rules.required_courses.empty()) continue;
    auto status = training::training_status(rules, completions.of(e.person_id), c.today);
    out.push_back({e, std::move(status), std::move(rules)});
  }
  return out;
}

json gaps_json(const training::TrainingStatus& status) {
  json missing = json::array(), expired = json::array(), expiring = json::array();
  for (const auto& course : status.courses) {
    if (course.state == training::CourseState::missing) missing.push_back(course.course_id);
    if (course.state == training::CourseState::expired) {
      expired.push_back(
          {{"course_id", course.course_id}, {"lapsed_on", format_date(*course.valid_until)}});
    }
    if (course.state == training::CourseState::expiring) {
      expiring.push_back(
          {{"course_id", course.course_id}, {"lapses_on", format_date(*course.valid_until)}});
    }
  }
  return {{"missing", missing}, {"expired", expired}, {"expiring", expiring}};
}

std::vector<const Programme*> programmes_asked(RunContext& c, std::string_view command,
                                               const json& input) {
  if (input.contains("programme")) return {&programme_for(c, command, input)};
  std::vector<const Programme*> out;
  for (const auto& p : c.programmes) out.push_back(&p);
  return out;
}

json training_blocked(RunContext& c, const json& input) {
  require_valid_input("training_blocked", "training-blocked", input);
  Completions completions(c.store);
  json blocked = json::array();
  for (const Programme* programme : programmes_asked(c, "training_blocked", input)) {
    auto list = trainees(c, *programme, completions);
    std::set<std::string> ids;
    for (const auto& t : list) ids.insert(t.enrolment.person_id);
    auto people = c.store.people(ids);
    for (const auto& t : list) {
      if (t.status.complete()) continue;
      auto person = people.find(t.enrolment.person_id);
      json entry = gaps_json(t.status);
      entry["person_id"] = t.enrolment.person_id;
      entry["name"] = person != people.end() ? person->second.name : "";
      if (person != people.end() && person->second.employee_number)
        entry["employee_number"] = *person->second.employee_number;
      entry["programme"] = programme->id;
      entry["role"] = to_string(t.enrolment.role);
      entry["state"] = to_string(t.enrolment.state);
      blocked.push_back(std::move(entry));
    }
  }
  return {{"today", format_date(c.today)}, {"blocked", blocked}};
}

// Counts only: completion rates are about training records, not evaluation
// answers, but a percentage of a handful of people says little; HR divides.
json training_rates(RunContext& c, const json& input) {
  require_valid_input("training_rates", "training-rates", input);
  Completions completions(c.store);
  json rows = json::array();
  for (const Programme* programme : programmes_asked(c, "training_rates", input)) {
    std::map<Role, std::array<int, 4>> counts;  // people, complete, expiring, blocked
    for (const auto& t : trainees(c, *programme, completions)) {
      auto& row = counts[t.enrolment.role];
      row[0]++;
      if (!t.status.complete()) {
        row[3]++;
      } else {
        row[1]++;
        if (t.status.complete_but_expiring()) row[2]++;
      }
    }
    for (const auto& [role, row] : counts) {
      rows.push_back({{"programme", programme->id},
                      {"role", to_string(role)},
                      {"people", row[0]},
                      {"complete", row[1]},
                      {"expiring", row[2]},
                      {"blocked", row[3]}});
    }
  }
  return {{"today", format_date(c.today)}, {"rates", rows}};
}

}  // namespace

std::vector<overview::TraineeFacts> trainee_facts(RunContext& c, const Programme& programme) {
  std::vector<overview::TraineeFacts> out;
  if (!c.policy.modules.training) return out;
  Completions completions(c.store);
  for (auto& t : trainees(c, programme, completions))
    out.push_back({std::move(t.enrolment), std::move(t.rules), std::move(t.status)});
  return out;
}

json run_training(RunContext& c) {
  store::SqliteOutboxRepository outbox(c.store.session());
  Completions completions(c.store);
  int enrolments_sent = 0, reminders_sent = 0, blocked = 0, complete = 0;
  json ready = json::array();
  for (const auto& programme : c.programmes) {
    auto list = trainees(c, programme, completions);
    if (list.empty()) continue;
    std::set<std::string> ids;
    for (const auto& t : list) ids.insert(t.enrolment.person_id);
    auto people = c.store.people(ids);
    Transaction txn(c.store.database());
    for (const auto& t : list) {
      const std::string& person_id = t.enrolment.person_id;
      if (t.status.complete()) {
        ++complete;
        // The enrolment lifecycle moves these on (awaiting_training -> awaiting_pair).
        if (t.enrolment.state == EnrolmentState::awaiting_training) {
          ready.push_back({{"enrolment_id", t.enrolment.id},
                           {"person_id", person_id},
                           {"programme", programme.id}});
        }
      } else {
        ++blocked;
      }
      auto since = training::training_since(t.enrolment);
      auto person = people.find(person_id);
      json to = {
          {"person_id", person_id},
          {"name", person != people.end() ? person->second.name : person_id},
          {"email", person != people.end() && person->second.email ? json(*person->second.email)
                                                                   : json(nullptr)}};
      for (const auto& step :
           training::plan_training(t.rules, {person_id, since}, t.status, c.today)) {
        bool enrol = step.kind == training::TrainingStep::Kind::enrol_in_course;
        auto key = domain::action_key(
            enrol ? domain::ActionKind::enrol_in_course : domain::ActionKind::reminder,
            domain::ActionTopic::training, c.organisation,
            {programme.id, person_id, to_string(t.enrolment.role), step.key});
        json payload = {{"to", to},
                        {"reason", step.reason},
                        {"role", to_string(t.enrolment.role)},
                        {"programme", {{"id", programme.id}, {"name", programme.name}}},
                        {"subject", enrol ? "Training for " + programme.name
                                          : "Reminder: training for " + programme.name},
                        {"text", step.text},
                        {"due_by", step.due_by ? json(format_date(*step.due_by)) : json(nullptr)}};
        if (!step.course_id.empty()) payload["course_id"] = step.course_id;
        if (enqueue_action(c, outbox, key, person_id, programme.id, payload)) {
          ++(enrol ? enrolments_sent : reminders_sent);
        }
      }
    }
    txn.commit();
  }
  json problems = json::array();
  for (const auto& future : c.store.leave_repository().completions_after(c.today)) {
    problems.push_back(*training::check_completion(future, true, {}, c.today));
  }
  return {{"enabled", true},
          {"status", "ran"},
          {"complete", complete},
          {"blocked", blocked},
          {"enrol_in_course", enrolments_sent},
          {"reminders", reminders_sent},
          {"ready_for_pairing", ready},
          {"problems", problems}};
}

std::optional<json> training_command(RunContext& c, std::string_view command, const json& input) {
  if (command == "training_blocked") return training_blocked(c, input);
  if (command == "training_rates") return training_rates(c, input);
  return std::nullopt;
}

std::vector<std::string> training_command_names() {
  return {"training_blocked", "training_rates"};
}

}  // namespace mentoring::shell
