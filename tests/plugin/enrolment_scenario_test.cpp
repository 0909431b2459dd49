// A year of the demo organisation (Northwind), replayed week by week with the
// injected clock: invitations, answers, training, pairing, leave moved and
// cancelled, phases, expiry and the waiting list, checked on chosen days.
#include <mentoring/fake_host.hpp>
#include <mentoring/loader.hpp>
#include <mentoring/schema.hpp>
#include <mentoring/store/org_store.hpp>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

using json = nlohmann::json;
using namespace mentoring::host;
using mentoring::domain::add_months;
using mentoring::domain::format_date;
using mentoring::domain::parse_date;

namespace {

// The demo exports, read once through the real file adapter, then served (and
// changed) from memory.
struct DemoHr {
  json people, leave, completions;
  int version = 1;
  std::vector<json> pushed;

  void load(const mentoring_host* host) {
    json org =
        mentoring::schema::parse_file(std::string(EXAMPLES_DIR) + "/demo/orgs/northwind.json");
    json settings = org["adapters"][0]["settings"];
    settings.erase("outbox");
    json config = {{"organisation", "northwind"},
                   {"name", "hr-export"},
                   {"base_dir", std::string(EXAMPLES_DIR) + "/demo/orgs"},
                   {"settings", settings}};
    ModuleInstance file(ModuleLibrary::load(FILE_ADAPTER_PATH), host, config.dump());
    auto pull = [&](const char* stream) {
      return json::parse(
          file.call("pull", json{{"stream", stream}, {"cursor", nullptr}}.dump()))["records"];
    };
    people = pull("people");
    leave = pull("leave");
    completions = pull("course_completions");
  }

  std::string handle(const std::string& command, const std::string& input) {
    json in = json::parse(input);
    if (command == "push") {
      json results = json::array();
      for (const auto& a : in["actions"]) {
        pushed.push_back(a);
        results.push_back({{"idempotency_key", a["idempotency_key"]}, {"status", "done"}});
      }
      return json{{"results", results}}.dump();
    }
    std::string cursor = "v" + std::to_string(version);
    if (in["cursor"] == cursor)
      return json{{"records", json::array()}, {"next_cursor", cursor}, {"unchanged", true}}.dump();
    std::string stream = in["stream"];
    const json& records = stream == "people" ? people : stream == "leave" ? leave : completions;
    return json{{"records", records}, {"next_cursor", cursor}, {"more", false}}.dump();
  }

  json& leave_of(const std::string& person) {
    for (auto& l : leave) {
      if (l["person_id"] == person && l["status"] == "approved" && l["start"] >= "2027-01-01")
        return l;
    }
    throw std::runtime_error("no planned leave for " + person);
  }
};

class YearOfNorthwind : public ::testing::Test {
 protected:
  void SetUp() override {
    host.set_organisation("northwind");
    hr.load(host.host());
    host.add_adapter(
        "hr-export", {"read_people", "read_leave", "read_course_completions", "write_actions"},
        [this](const std::string& c, const std::string& i) { return hr.handle(c, i); });
    json org =
        mentoring::schema::parse_file(std::string(EXAMPLES_DIR) + "/demo/orgs/northwind.json");
    json programmes = json::array();
    for (const auto& path : org["programmes"]) {
      programmes.push_back(mentoring::schema::parse_file(std::string(EXAMPLES_DIR) + "/demo/orgs/" +
                                                         path.get<std::string>()));
    }
    json config = {{"id", "northwind"},
                   {"name", "Northwind"},
                   {"modules", {{"enrolment", true}, {"training", true}}},
                   {"policy", {{"programme_manager_email", "pm@northwind.example"}}},
                   {"programmes", programmes},
                   {"adapters", json::array()}};
    host.set_today("2026-12-01");
    plugin = std::make_unique<ModuleInstance>(ModuleLibrary::load(MENTORING_PLUGIN_PATH),
                                              host.host(), config.dump());
  }

  json run_on(const std::string& day) {
    host.set_today(day);
    return json::parse(plugin->call("run", "{}"));
  }
  json command(const std::string& name, const json& input) {
    json out = json::parse(plugin->call(name, input.dump()));
    auto problems = mentoring::schema::validate("commands/" + name + ".output", out, name);
    EXPECT_TRUE(problems.empty()) << name << ": "
                                  << (problems.empty() ? "" : problems[0].message());
    return out;
  }
  std::string state_of(const std::string& person, const std::string& role = "mentee") {
    mentoring::store::OrgStore store(host.storage_directory(), "northwind");
    std::string state = "(none)";
    for (const auto& e : store.enrolments_of(person)) {
      if (std::string(to_string(e.role)) == role && e.programme_id == "return-to-work") {
        state = std::string(to_string(e.state));
        if (e.phase) state += "/" + std::string(to_string(*e.phase));
      }
    }
    return state;
  }
  std::vector<std::string> invited_on_first_day;

  mentoring::testing::FakeHost host;
  DemoHr hr;
  std::unique_ptr<ModuleInstance> plugin;
};

}  // namespace

TEST_F(YearOfNorthwind, StatesAndSchedulesFollowTheYear) {
  json first = run_on("2026-12-01");
  const json& invited = first["modules"]["enrolment"]["invited"];
  ASSERT_EQ(invited.size(), 10u);  // programme A's cohort of ten
  EXPECT_EQ(first["modules"]["enrolment"]["states"]["return-to-work"]["mentees_eligible"], 9);
  std::string mentee = invited[0]["person_id"];    // answers yes
  std::string silent = invited[1]["person_id"];    // never answers
  std::string rethinks = invited[2]["person_id"];  // says yes, then the leave is cancelled
  EXPECT_EQ(state_of(mentee), "invited");
  std::set<std::string> waiting_list;
  const json eligible = command("eligible", {{"programme", "return-to-work"}});
  for (const auto& w : eligible["waiting_for_a_place"]) {
    waiting_list.insert(w["person_id"]);
  }
  EXPECT_EQ(waiting_list.size(), 9u);

  // A second run the same day changes nothing.
  json again = run_on("2026-12-01");
  EXPECT_EQ(again["modules"]["enrolment"]["invited"].size(), 0u);
  EXPECT_EQ(again["actions"]["delivered"], 0);

  // Day 8: the first answer, recorded by HR on the mentee's behalf; reminders went out.
  run_on("2026-12-08");
  command("accept", {{"person_id", mentee}, {"goal", "keep my projects warm"}});
  EXPECT_EQ(state_of(mentee), "awaiting_pair");  // mentees need no training before pairing
  command("accept", {{"person_id", rethinks}});
  int reminders = 0;
  for (const auto& a : hr.pushed) reminders += a["type"] == "reminder" && a["person_id"] == silent;
  EXPECT_EQ(reminders, 1);

  // A volunteer mentor who has lived through such leave, with valid training.
  std::string mentor;
  for (const auto& p : hr.people) {
    std::string id = p["id"];
    try {
      json out = command("nominate",
                         {{"programme", "return-to-work"}, {"person_id", id}, {"role", "mentor"}});
      if (out["enrolment"]["state"] != "awaiting_pair") {
        command("withdraw", {{"person_id", id},
                             {"role", "mentor"},
                             {"reason", "test: looking for a trained mentor"}});
        continue;
      }
      json paired = command(
          "pair", {{"programme", "return-to-work"}, {"mentee_id", mentee}, {"mentor_id", id}});
      mentor = id;
      break;
    } catch (const CallError&) {
      // not eligible, or in the mentee's management chain: try the next person
    }
  }
  ASSERT_FALSE(mentor.empty());
  EXPECT_EQ(state_of(mentee), "paired");  // waits for the pair's own training (RTW-PAIR-01)

  // The mentee completes the pairing induction: active, before leave, with a schedule.
  hr.completions.push_back(
      {{"person_id", mentee}, {"course_id", "RTW-PAIR-01"}, {"completed_at", "2026-12-14"}});
  ++hr.version;
  json week3 = run_on("2026-12-15");
  EXPECT_EQ(state_of(mentee), "active/before_leave");
  EXPECT_GT(week3["modules"]["enrolment"]["touchpoints_scheduled"].size(), 5u);

  // Day 29: the eight unanswered invitations expired; their places went to the
  // nine on the waiting list (ten places, two taken by those who said yes).
  json week5 = run_on("2026-12-29");
  EXPECT_EQ(state_of(silent), "expired");
  EXPECT_EQ(week5["modules"]["enrolment"]["invited"].size(), 8u);
  for (const auto& inv : week5["modules"]["enrolment"]["invited"]) {
    EXPECT_TRUE(waiting_list.count(inv["person_id"])) << inv["person_id"] << " jumped the queue";
  }
  std::string cancels = week5["modules"]["enrolment"]["invited"][0]["person_id"];

  // January: one leave is cancelled (its invitation withdrawn), the mentee's leave moves by two
  // weeks.
  json& cancelled_leave = hr.leave_of(cancels);
  cancelled_leave["status"] = "cancelled";
  cancelled_leave["last_changed"] = "2027-01-04T09:00:00Z";
  json& moved = hr.leave_of(mentee);
  std::string old_start = moved["start"];
  auto new_start = *parse_date(old_start) + std::chrono::days{14};
  auto new_end = *parse_date(moved["expected_end"].get<std::string>()) + std::chrono::days{14};
  moved["start"] = format_date(new_start);
  moved["expected_end"] = format_date(new_end);
  moved["last_changed"] = "2027-01-04T09:00:00Z";
  ++hr.version;
  json january = run_on("2027-01-05");
  EXPECT_EQ(state_of(cancels), "withdrawn");
  json& rethought = hr.leave_of(rethinks);
  rethought["status"] = "cancelled";
  rethought["last_changed"] = "2027-01-11T09:00:00Z";
  ++hr.version;
  json asked = run_on("2027-01-12");
  EXPECT_EQ(state_of(rethinks), "awaiting_pair");  // not silently ended ...
  ASSERT_EQ(asked["modules"]["enrolment"]["questions_for_programme_manager"].size(),
            1u);  // ... asked
  command("decide", {{"person_id", rethinks}, {"decision", "withdraw"}});
  EXPECT_EQ(state_of(rethinks), "withdrawn");
  json changed = command("changed_pairs", {{"programme", "return-to-work"}});
  ASSERT_EQ(changed["pairs"].size(), 1u);
  EXPECT_NE(changed["pairs"][0]["change"].get<std::string>().find("start " + old_start),
            std::string::npos);
  bool told_mentor = false;
  for (const auto& a : hr.pushed)
    told_mentor |=
        a["type"] == "notify" && a["person_id"] == mentor &&
        a["payload"]["subject"].get<std::string>().find("dates moved") != std::string::npos;
  EXPECT_TRUE(told_mentor);
  bool handover_moved = false;
  for (const auto& a : hr.pushed) {
    if (a["type"] == "calendar_event" &&
        a["payload"]["summary"].get<std::string>().find("Handover") != std::string::npos &&
        a["payload"]["sequence"] == 1) {
      handover_moved = a["payload"]["date"] == format_date(new_start - std::chrono::days{28});
    }
  }
  EXPECT_TRUE(handover_moved);
  const json open_invitations = command("invitations", {{"programme", "return-to-work"}});
  for (const auto& inv : open_invitations["invitations"]) {
    EXPECT_NE(inv["person_id"], cancels);
  }

  // Weekly through the year: on leave from the (moved) start, back after it, completed at the end.
  std::string on_leave_day = format_date(new_start + std::chrono::days{3});
  std::string back_day = format_date(new_end + std::chrono::days{10});
  std::string seen_on_leave, seen_back;
  for (auto day = *parse_date("2027-01-19"); day <= *parse_date("2029-01-01");
       day += std::chrono::days{7}) {
    run_on(format_date(day));
    if (state_of(mentee).rfind("completed", 0) == 0) break;
    if (seen_on_leave.empty() && format_date(day) >= on_leave_day) seen_on_leave = state_of(mentee);
    if (seen_back.empty() && format_date(day) >= back_day) seen_back = state_of(mentee);
  }
  EXPECT_EQ(seen_on_leave, "active/on_leave");
  EXPECT_EQ(seen_back, "active/returned");
  EXPECT_EQ(state_of(mentee).substr(0, 9), "completed");

  // The whole story is in the mentee's history, every step with its cause.
  json history = command("history", {{"person_id", mentee}});
  std::vector<std::string> states;
  for (const auto& t : history["transitions"]) {
    EXPECT_FALSE(t["cause"].get<std::string>().empty());
    if (states.empty() || states.back() != t["to"]) states.push_back(t["to"]);
  }
  EXPECT_EQ(states, (std::vector<std::string>{"invited", "consented", "awaiting_pair", "paired",
                                              "active", "completed"}));
  // HR never sees the goal.
  EXPECT_EQ(history.dump().find("keep my projects warm"), std::string::npos);
}
