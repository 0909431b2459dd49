// The year-long scenario harness: the loaded mentoring.so, a fake host whose
// clock the test moves, and an in-memory HR system whose people, leave and
// course completions the test changes between days. Every action the plugin
// pushes is captured with the day it arrived, so a test can ask what one
// person received, and when.
//
//   class YearOfA : public scenario::ScenarioTest { ... };
//   start("northdale", {{"enrolment", true}, ...}, {"return-to-work"}, "2027-01-04");
//   hr.add_leave({{"id", "L1"}, ...});            // known from the first day
//   advance_to("2027-01-11");                      // one run per day, 01-04 .. 01-11
//   auto since = mark();
//   command("accept", {...});                      // HR's commands, today's date
//   advance_to("2027-01-12");                      // the command's actions delivered
//   received("erin", since)                        // what erin got since the mark
//
// Commands run after the day's run: their actions reach the HR system with the
// next day's run, as they would with a nightly schedule.
#pragma once

#include <mentoring/fake_host.hpp>
#include <mentoring/loader.hpp>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace scenario {

using json = nlohmann::json;

// One action as the HR system received it, with the day of the run that pushed it.
struct Received {
  std::string day;
  json action;

  const std::string& type() const { return action.at("type").get_ref<const std::string&>(); }
  // The words a person reads (subject and text), for "does it mention ...".
  std::string words() const;
};

// The people the action is addressed to: payload.to.person_id; every attendee
// of a calendar event; "programme_manager" for a task to that role; else the
// action's person_id.
std::vector<std::string> recipients(const json& action);

// An HR system in memory: records served by `pull` (whole streams, a new
// cursor after every change), actions taken by `push` and kept.
class InMemoryHr {
 public:
  void add_person(json person) { upsert(people_, std::move(person), "id"); }
  void add_leave(json leave) { upsert(leave_, std::move(leave), "id"); }
  void add_completion(json completion);
  json& person(const std::string& id) { return find(people_, id); }
  const json& people() const { return people_; }
  json& leave(const std::string& id) { return find(leave_, id); }
  // Marks a change seen by the next run's pull (every edit through person()/leave() needs it).
  void changed() { ++version_; }

  std::string handle(const std::string& command, const std::string& input);

  std::string today;               // stamped on what is pushed
  std::vector<Received> received;  // every pushed action, in order

 private:
  static void upsert(json& list, json record, const char* key);
  static json& find(json& list, const std::string& id);

  json people_ = json::array(), leave_ = json::array(), completions_ = json::array();
  int version_ = 1;
};

// A command's answer, or the plugin's refusal (status and message).
struct Answer {
  bool ok = false;
  json output;
  int status = 0;
  std::string message;
};

class Scenario {
 public:
  Scenario() = default;
  Scenario(const Scenario&) = delete;
  Scenario& operator=(const Scenario&) = delete;

  // The organisation with the given module switches and reference programmes
  // (file names in examples/programmes without ".json"); the clock at first_day.
  // `adjust` may change a programme definition before it is loaded.
  void start(const std::string& organisation, const json& modules,
             const std::vector<std::string>& programmes, const std::string& first_day,
             const std::function<void(json&)>& adjust = {});

  // Runs the daily cycle for every day after the last run, up to and including `day`.
  void advance_to(const std::string& day);
  const std::string& today() const { return today_; }
  // The run summary of a day that was run (null when it was not).
  json run_of(const std::string& day) const;

  // An HR or participant command on today's date; throws CallError when refused.
  json command(const std::string& name, const json& input);
  // The same, keeping a refusal as an answer.
  Answer try_command(const std::string& name, const json& input);
  // The command as a member of the pair (input's pair_id) or circle (input's
  // mentor_id) the input names, with that role ("mentee" or "mentor"): the
  // caller the host authenticated (abi.h call_as). Any other role ("hr",
  // "admin") calls as that role, with no person.
  json command_as_member(const std::string& role, const std::string& name, const json& input);
  Answer try_command_as_member(const std::string& role, const std::string& name, const json& input);

  // A point in the stream of received actions.
  std::size_t mark() const { return hr.received.size(); }
  // What `person` received since `since` (everything when 0).
  std::vector<Received> received(const std::string& person, std::size_t since = 0) const;
  // ... between two days, inclusive.
  std::vector<Received> received_between(const std::string& person, const std::string& from,
                                         const std::string& to) const;

  // What should never happen in any year, one line each: an idempotency key
  // delivered twice; anything for a person after the end_date HR recorded
  // (other than taking them out of a group).
  std::vector<std::string> year_problems() const;

  // The enrolment's state in the store ("(none)" without one), "state/phase" when active.
  std::string state_of(const std::string& person, const std::string& programme,
                       const std::string& role = "mentee") const;

  InMemoryHr hr;
  mentoring::testing::FakeHost host;

 private:
  json checked_output(const std::string& name, const std::string& text);
  std::string member_of(const std::string& role, const json& input);
  std::string organisation_;
  std::string today_;
  std::unique_ptr<mentoring::host::ModuleInstance> plugin_;
  std::map<std::string, json> runs_;
};

// The pair_id of a command's answer; 0 when it was refused or has none.
inline std::int64_t pair_id_in(const Answer& a) {
  return a.ok && a.output.is_object() ? a.output.value("pair_id", std::int64_t{0}) : 0;
}

// Filters over what a person received.
std::vector<Received> of_type(const std::vector<Received>& list, const std::string& type);
std::vector<Received> mentioning(const std::vector<Received>& list, const std::string& words);
std::vector<Received> keyed(const std::vector<Received>& list, const std::string& key_part);
// Reminders of a pair's overdue session (payload.pair_id).
std::vector<Received> session_reminders(const std::vector<Received>& list, std::int64_t pair);
// Notifications carrying the survey `survey_id`.
std::vector<Received> surveys(const std::vector<Received>& list, const std::string& survey_id);
// The programme manager's tasks about a pair (payload.about.pair_id), between two days inclusive.
std::vector<Received> manager_tasks_about_pair(const Scenario& s, std::int64_t pair,
                                               const std::string& from, const std::string& to);
// The ids in a command's rows (`field` of each).
std::set<std::string> ids_in(const json& rows, const std::string& field = "person_id");
// "YYYY-MM-DD" plus days.
std::string plus_days(const std::string& day, int days);
// For failure messages: type, day and subject of each.
std::string describe(const std::vector<Received>& list);

// What a replayed year keeps: the scenario, why the replay stopped early (if
// it did) and, by label, what HR or a participant was answered and saw.
struct ReplayedYear {
  Scenario s;
  std::string replay_error;
  std::map<std::string, Answer> answers;  // by label, what HR or a participant was told
  std::map<std::string, json> seen;       // by label, HR's answers worth checking later

  // The pair's session held on `day` (the year advanced to it), recorded by
  // `role`, kept as answers["session <pair> <day>"]; nothing for pair 0.
  void record_session(std::int64_t pair, const std::string& day, const std::string& role,
                      const std::optional<std::string>& notes = std::nullopt);
};

// A suite over one year, replayed once for the suite by `Replay` (a failure in
// the replay is kept in replay_error: the tests still run on the days replayed).
//   struct YearA : ReplayedYear { ... };  void replay(YearA&);
//   class ReturnToWorkYear : public YearSuite<YearA, replay> {};
template <class Year, void (*Replay)(Year&)>
class YearSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (year_) return;
    year_ = new Year;
    try {
      Replay(*year_);
    } catch (const std::exception& e) {
      year_->replay_error = e.what();
    }
  }
  static void TearDownTestSuite() {
    delete year_;
    year_ = nullptr;
  }

  // What every year must show: replayed to its end; none of year_problems().
  void expect_replayed_to_its_end() const {
    EXPECT_EQ(y.replay_error, "") << "stopped on " << s.today();
  }
  void expect_no_year_problems() const {
    std::string all;
    for (const auto& p : s.year_problems()) all += "\n  " + p;
    EXPECT_TRUE(all.empty()) << all;
  }

  Year& y = *year_;
  Scenario& s = year_->s;

 private:
  static inline Year* year_ = nullptr;
};

}  // namespace scenario
