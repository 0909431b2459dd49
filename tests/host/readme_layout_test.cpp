// The README's layout ("Configure a real organisation"): the file adapter for
// HR listed first, Moodle second, routing "*" to the file adapter. Moodle
// enrolments go to Moodle and nothing else; a Moodle that refuses them (wrong
// token) leaves them pending with Moodle's own words, never in the outbox file.
// mentoring-host run as a user runs it, against the loopback Moodle fake.
#include "demo_copy.hpp"
#include "fake_moodle.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

using mentoring::test::read_file;
using mentoring::test::run_host;
using mentoring::test::write_file;

constexpr const char* kToken = "moodle-token-readme";

class ReadmeLayout : public mentoring::test::DemoCopy {
 protected:
  void SetUp() override {
    DemoCopy::SetUp();
    moodle = std::make_unique<mentoring::fakes::FakeMoodle>(
        (root / "examples" / "demo" / "data" / "northwind").string(), kToken);
    // Nobody is enrolled in a course until the plugin enrols them: an enrolment
    // Moodle already has is acknowledged as a duplicate without a write.
    moodle->limit_implicit_students(0);
    // Northwind's own config (its HR exports through the file adapter, with
    // its outbox), then Moodle, then routing: as the README shows it.
    const fs::path orgs = root / "examples" / "demo" / "orgs";
    json org = json::parse(read_file(orgs / "northwind.json"));
    org["adapters"][0]["settings"]["outbox"] = {{"path", "../state/northwind/outbox.jsonl"}};
    json courses = {{"MENTOR-101", 12}, {"RTW-PAIR-01", 13}};
    json settings = {{"base_url", moodle->base_url()},
                     {"rate_limit", {{"per_second", 1000}, {"burst", 1000}}},
                     {"course_completions", {{"courses", courses}}}};
    org["adapters"].push_back({{"name", "lms"}, {"module", "moodle"}, {"settings", settings}});
    org["routing"] = {{"*", org["adapters"][0]["name"]}};
    write_file(orgs / "northwind.json", org.dump(2));
    json host = json::parse(read_file(config));
    host["organisations"] = json::array({"orgs/northwind.json"});
    write_file(config, host.dump(2));
    outbox = state / "northwind" / "outbox.jsonl";
  }
  // One cycle with Moodle's token as the host's secret (the host process
  // inherits it).
  json run(const std::string& token, int* exit_code = nullptr) {
    ::setenv("MENTORING_SECRET_MOODLE_TOKEN", token.c_str(), 1);
    auto result = host("run --json");
    ::unsetenv("MENTORING_SECRET_MOODLE_TOKEN");
    if (exit_code) *exit_code = result.exit_code;
    auto begin = result.output.find('{');
    EXPECT_NE(begin, std::string::npos) << result.output;
    json summary = json::parse(result.output.substr(begin));
    EXPECT_EQ(summary["organisations"].size(), 1u) << result.output;
    return summary["organisations"][0];
  }
  // Two mentors who lack MENTOR-101: the next run enrols them in it (Moodle's kind).
  void nominate_mentors() {
    for (const char* person : {"E1299", "E1134"}) {
      auto result = host(std::string("command --org northwind nominate --input "
                                     "'{\"programme\":\"return-to-work\",\"person_id\":\"") +
                         person + "\",\"role\":\"mentor\"}'");
      ASSERT_EQ(result.exit_code, 0) << result.output;
    }
  }
  // Kinds of the actions in the outbox file.
  std::multiset<std::string> outbox_kinds() {
    std::multiset<std::string> kinds;
    std::ifstream in(outbox);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) kinds.insert(json::parse(line)["type"].get<std::string>());
    }
    return kinds;
  }
  std::unique_ptr<mentoring::fakes::FakeMoodle> moodle;
  fs::path outbox;
};

}  // namespace

TEST_F(ReadmeLayout, MoodleEnrolmentsGoToMoodleOnlyAndTheOutboxGetsWhatRoutingGivesIt) {
  run(kToken);  // invitations
  nominate_mentors();
  json org = run(kToken);
  ASSERT_EQ(org["modules"]["training"]["enrol_in_course"], 2) << org["modules"].dump(2);
  const json& actions = org["actions"];
  EXPECT_EQ(actions["failed"], 0) << actions.dump(2);
  EXPECT_EQ(actions["pending"], 0) << actions.dump(2);
  ASSERT_FALSE(moodle->enrolments().empty()) << "no enrolment reached Moodle: " << actions.dump(2);
  const auto kinds = outbox_kinds();
  EXPECT_GT(kinds.count("invite"), 0u);
  for (const char* moodles : {"enrol_in_course", "calendar_event", "group_membership"})
    EXPECT_EQ(kinds.count(moodles), 0u) << moodles << " actions went to the outbox file";
  // Every delivered action went to its route: Moodle's kinds to Moodle, the rest to the file.
  auto delivered =
      host("command --org northwind actions --input '{\"state\":\"delivered\",\"limit\":1000}'");
  ASSERT_EQ(delivered.exit_code, 0) << delivered.output;
  json listed = json::parse(delivered.output.substr(delivered.output.find('{')));
  EXPECT_EQ(listed["total"].get<std::size_t>(), listed["actions"].size());
  std::size_t to_file = 0;
  for (const auto& a : listed["actions"]) {
    const std::string kind = a["kind"];
    const bool moodles =
        kind == "enrol_in_course" || kind == "calendar_event" || kind == "group_membership";
    EXPECT_EQ(a["target"], moodles ? "lms" : "hr-export") << a.dump();
    to_file += !moodles;
  }
  EXPECT_EQ(to_file, kinds.size());
  EXPECT_EQ(listed["actions"].size() - to_file, 2u);  // the two enrolments, to Moodle

  // check prints the routing table: one row per kind.
  auto check = host("check");
  EXPECT_NE(check.output.find("enrol_in_course"), std::string::npos) << check.output;
  EXPECT_NE(check.output.find("-> lms (declared"), std::string::npos) << check.output;
  EXPECT_NE(check.output.find("-> hr-export (default"), std::string::npos) << check.output;
}

TEST_F(ReadmeLayout, AMoodleThatRefusesLeavesEnrolmentsPendingAndNeverInTheOutbox) {
  run("wrong-token");  // invitations (to the outbox file)
  nominate_mentors();
  int exit_code = 0;
  json org = run("wrong-token", &exit_code);
  EXPECT_NE(exit_code, 0);
  const json& actions = org["actions"];
  const std::size_t enrolments = org["modules"]["training"]["enrol_in_course"].get<std::size_t>();
  ASSERT_GT(enrolments, 0u) << org["modules"].dump(2);
  EXPECT_EQ(actions["failed"].get<std::size_t>(), enrolments) << actions.dump(2);
  EXPECT_EQ(actions["pending"].get<std::size_t>(), enrolments);
  EXPECT_EQ(actions["retrying"].get<std::size_t>(), enrolments);
  EXPECT_TRUE(moodle->enrolments().empty());
  EXPECT_EQ(outbox_kinds().count("enrol_in_course"), 0u);
  EXPECT_GT(outbox_kinds().count("invite"), 0u);
  // Moodle's own words are kept with each action.
  auto pending = host("command --org northwind actions --input '{\"state\":\"pending\"}'");
  ASSERT_EQ(pending.exit_code, 0) << pending.output;
  json listed = json::parse(pending.output.substr(pending.output.find('{')));
  ASSERT_FALSE(listed["actions"].empty());
  for (const auto& a : listed["actions"]) {
    EXPECT_EQ(a["kind"], "enrol_in_course");
    EXPECT_EQ(a["target"], "lms");
    EXPECT_EQ(a["attempts"], 1);
    EXPECT_NE(a["last_error"].get<std::string>().find("token"), std::string::npos)
        << a["last_error"];
  }
  // Still refused on the next day's run (the backoff has run out): tried again, never delivered.
  json host_config = json::parse(read_file(config));
  host_config["today"] = "2026-12-02";
  write_file(config, host_config.dump(2));
  json again = run("wrong-token");
  EXPECT_GE(again["actions"]["failed"].get<std::size_t>(), enrolments) << again["actions"].dump(2);
  EXPECT_TRUE(moodle->enrolments().empty());
  EXPECT_EQ(outbox_kinds().count("enrol_in_course"), 0u);
}
