// The plugin loaded as the host loads it, with a fake host and a scripted adapter.
#include <mentoring/fake_host.hpp>
#include <mentoring/loader.hpp>
#include <mentoring/schema.hpp>

#include "hr_records.hpp"
#include "scripted_host_system.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

using json = nlohmann::json;
using namespace mentoring::host;

namespace {

json programme_a() {
  return mentoring::schema::parse_file(std::string(PROGRAMMES_DIR) + "/return-to-work.json");
}

using ScriptedHr = mentoring::testing::ScriptedHostSystem;

json person(const std::string& id) {
  return {{"id", id}, {"name", "Person " + id}};
}
using mentoring::test_support::leave;

class PluginModule : public ::testing::Test {
 protected:
  void SetUp() override {
    host.set_today("2026-12-01");
    host.set_organisation("acme");
    hr.people = json::array({person("P1"), person("P2"), person("P3")});
    hr.leave = json::array({leave("L1", "P1", "2027-03-15", "2027-09-14"),
                            leave("L2", "P2", "2027-01-15", "2027-07-14"),    // too soon
                            leave("L3", "P3", "2027-04-01", "2027-05-15")});  // too short
    host.add_adapter(
        "hr", {"read_people", "read_leave", "read_course_completions", "write_actions"},
        [this](const std::string& c, const std::string& i) { return hr.handle(c, i); });
  }
  json config() {
    return {{"id", "acme"},
            {"name", "Acme"},
            {"modules", {{"enrolment", true}, {"training", true}, {"evaluation", true}}},
            {"policy", policy},
            {"programmes", json::array({programme_a()})},
            {"routing", routing},
            {"adapters", json::array()}};
  }
  json run() { return command("run", json::object()); }
  json command(const std::string& name, const json& input) {
    ModuleInstance plugin(ModuleLibrary::load(MENTORING_PLUGIN_PATH), host.host(), config().dump());
    return json::parse(plugin.call(name, input.dump()));
  }
  std::string state_of(const std::string& person, const std::string& role = "mentee") {
    std::string state = "(none)";
    const json history = command("history", {{"person_id", person}});
    for (const auto& t : history["transitions"]) {
      if (t["role"] == role) state = t["to"];
    }
    return state;
  }

  mentoring::testing::FakeHost host;
  ScriptedHr hr;
  json policy = json::object();
  json routing = json::object();
};

}  // namespace

TEST(PluginLoad, TheModuleLoadsAndDescribesItself) {
  auto library = ModuleLibrary::load(MENTORING_PLUGIN_PATH);
  EXPECT_EQ(library->name(), "mentoring");
  EXPECT_EQ(library->kind(), MENTORING_KIND_PLUGIN);
}

TEST_F(PluginModule, InvitesOnlyTheEligibleLeaveAndWritesItBack) {
  json summary = run();
  const json& invited = summary["modules"]["enrolment"]["invited"];
  ASSERT_EQ(invited.size(), 1u) << summary.dump(2);
  EXPECT_EQ(invited[0]["person_id"], "P1");
  ASSERT_EQ(hr.pushed.size(), 1u);
  EXPECT_EQ(hr.pushed[0]["type"], "invite");
  EXPECT_EQ(hr.pushed[0]["idempotency_key"], "invite/acme/return-to-work/P1/L1");
  EXPECT_TRUE(mentoring::schema::validate("action", hr.pushed[0], "pushed").empty());
  EXPECT_EQ(summary["actions"]["delivered"], 1);
  // Evaluation ran, with nobody paired yet: no survey is due.
  EXPECT_EQ(summary["modules"]["evaluation"]["status"], "ran");
  EXPECT_EQ(summary["modules"]["evaluation"]["issued"], 0);
}

TEST_F(PluginModule, RunningTwiceCreatesNothingTwice) {
  run();
  hr.version = 2;  // the host sends everything again
  json second = run();
  EXPECT_EQ(second["modules"]["enrolment"]["invited"].size(), 0u);
  EXPECT_EQ(second["totals"]["open_invitations"], 1);
  EXPECT_EQ(hr.pushed.size(), 1u);
}

TEST_F(PluginModule, CancelledLeaveWithdrawsThePendingInvitationWithACause) {
  run();
  hr.leave[0]["status"] = "cancelled";
  hr.version = 2;
  json second = run();
  ASSERT_EQ(second["modules"]["enrolment"]["withdrawn"].size(), 1u);
  EXPECT_EQ(second["totals"]["open_invitations"], 0);
  ASSERT_EQ(hr.pushed.size(), 2u);
  EXPECT_EQ(hr.pushed[1]["type"], "withdraw_invitation");

  ModuleInstance plugin(ModuleLibrary::load(MENTORING_PLUGIN_PATH), host.host(), config().dump());
  json history = json::parse(plugin.call("history", R"({"person_id":"P1"})"));
  // invited; the leave change, noticed; withdrawn because of it.
  ASSERT_EQ(history["transitions"].size(), 3u) << history.dump(2);
  for (const auto& t : history["transitions"]) EXPECT_FALSE(t["cause"].get<std::string>().empty());
  EXPECT_EQ(history["transitions"][1]["cause"], "leave L1 changed: status approved -> cancelled");
  EXPECT_EQ(history["transitions"][2]["to"], "withdrawn");
  EXPECT_NE(history["transitions"][2]["cause"].get<std::string>().find("cancelled"),
            std::string::npos);
}

TEST_F(PluginModule, AMalformedPageStoresNothingAndKeepsTheCursor) {
  run();
  hr.people.push_back(person("P4"));
  hr.leave.push_back(leave("L9", "P4", "2027-04-01", "2027-09-01"));
  hr.leave_problems = json::array({{{"message", "leave.csv row 7: unparseable date"}}});
  hr.version = 2;
  json second = run();
  EXPECT_EQ(second["rejected_pages"], 1);
  EXPECT_EQ(second["totals"]["leave"], 3);  // L9 not stored
  // Fixed on the host: the page is read again from the old cursor and stored.
  hr.leave_problems = json::array();
  json third = run();
  EXPECT_EQ(third["totals"]["leave"], 4);  // the people page moved on; the leave page is re-read
  EXPECT_EQ(third["modules"]["enrolment"]["invited"].size(), 1u);
}

TEST_F(PluginModule, ARecordForAnUnknownPersonIsQuarantinedByIdAndTheRestIsStored) {
  hr.leave.push_back(leave("L7", "GHOST", "2027-04-01", "2027-09-01"));
  hr.leave.push_back(leave("L8", "P2", "2027-04-01", "2027-03-01"));  // ends before it starts
  json summary = run();
  EXPECT_EQ(summary["quarantined"], 2);
  std::string problems = summary["sync"][1]["problems"].dump();
  EXPECT_NE(problems.find("record L7: /person_id"), std::string::npos) << problems;
  EXPECT_NE(problems.find("record L8: /expected_end"), std::string::npos) << problems;
  EXPECT_EQ(summary["totals"]["leave"], 3);
  EXPECT_EQ(summary["modules"]["enrolment"]["invited"].size(), 1u);
}

TEST_F(PluginModule, AnInvalidProgrammeIsAConfigErrorNamingThePointer) {
  json bad = config();
  bad["programmes"][0]["mentee"]["min_leave_dayz"] = 90;
  try {
    ModuleInstance plugin(ModuleLibrary::load(MENTORING_PLUGIN_PATH), host.host(), bad.dump());
    FAIL();
  } catch (const CallError& e) {
    EXPECT_EQ(e.status(), MENTORING_ERR_INVALID_INPUT);
    EXPECT_NE(std::string(e.what()).find("/mentee/min_leave_dayz"), std::string::npos) << e.what();
  }
}

TEST_F(PluginModule, OverlappingLeaveAndAForeignDateFormatAreQuarantinedByRecordAndField) {
  hr.leave.push_back(leave("L5", "P1", "2027-05-01", "2027-10-01"));  // overlaps L1
  hr.leave.push_back(leave("L6", "P2", "2027-10-01T00:00:00+02:00", "2028-01-01"));
  json summary = run();
  std::string problems = summary["sync"][1]["problems"].dump();
  EXPECT_NE(problems.find("record L5: /start"), std::string::npos) << problems;
  EXPECT_NE(problems.find("overlap"), std::string::npos) << problems;
  EXPECT_NE(problems.find("record L6: /start"), std::string::npos) << problems;
  EXPECT_EQ(summary["quarantined"], 2);
  EXPECT_EQ(summary["totals"]["leave"], 3);  // the rest of the batch went in
}

// A mentor with lived experience and valid training, paired with P1; then the
// mentee's manager changes to the mentor, and later the mentor leaves.
TEST_F(PluginModule, AManagerChangeIsQuestionedAndALeaverFreesTheirMentee) {
  json mentor = person("M1");
  mentor["start_date"] = "2015-01-01";
  hr.people.push_back(mentor);
  hr.leave.push_back(leave("LM", "M1", "2023-01-01", "2023-09-30"));
  hr.completions.push_back(
      {{"person_id", "M1"}, {"course_id", "MENTOR-101"}, {"completed_at", "2026-06-01"}});
  run();
  command("accept", {{"person_id", "P1"}});
  EXPECT_EQ(state_of("P1"), "awaiting_pair");
  json nominated = command("nominate", {{"person_id", "M1"}, {"role", "mentor"}});
  EXPECT_EQ(nominated["enrolment"]["state"], "awaiting_pair");
  command("pair", {{"mentee_id", "P1"}, {"mentor_id", "M1"}});
  EXPECT_EQ(state_of("P1"), "paired");

  // The mentee now reports to the mentor: the rule is broken; HR is asked, nothing silently ends.
  hr.people[0]["manager_id"] = "M1";
  hr.version = 2;
  json asked = run();
  ASSERT_EQ(asked["modules"]["enrolment"]["questions_for_programme_manager"].size(), 1u)
      << asked.dump(2);
  EXPECT_NE(asked["modules"]["enrolment"]["questions_for_programme_manager"][0]["question"]
                .get<std::string>()
                .find("management chain"),
            std::string::npos);
  EXPECT_EQ(state_of("P1"), "paired");

  // The mentor leaves the organisation: withdrawn, the pair ends, the mentee waits for a new
  // mentor.
  hr.people.back()["end_date"] = "2026-11-30";
  hr.version = 3;
  run();
  EXPECT_EQ(state_of("M1", "mentor"), "withdrawn");
  EXPECT_EQ(state_of("P1"), "awaiting_pair");
  bool told = false;
  for (const auto& a : hr.pushed) told |= a["type"] == "notify" && a["person_id"] == "P1";
  EXPECT_TRUE(told);
}

TEST_F(PluginModule, ActionsGoOnlyToAdaptersThatCanCarryThemOut) {
  mentoring::testing::ScriptedHostSystem lms;
  host.add_adapter("lms", {"write_actions", "enrol_in_course"},
                   [&](const std::string& c, const std::string& i) { return lms.handle(c, i); });
  routing = {{"*", "hr"}};  // two writers: routing says where what nobody declares goes
  json summary = run();
  EXPECT_EQ(summary["actions"]["delivered"], 1);  // the invitation, once
  EXPECT_EQ(hr.pushed.size(), 1u);
  EXPECT_TRUE(lms.pushed.empty()) << "an LMS that only enrols in courses gets no invitations";
  EXPECT_EQ(summary["actions"]["failed"], 0);
}

TEST_F(PluginModule, APersonAFullReadNoLongerListsIsAbsentAndTheirInvitationWithdrawn) {
  hr.people_full_read = true;
  run();
  ASSERT_EQ(state_of("P1"), "invited");
  // P1 deleted in the HR system (no end date: simply gone from the next full read).
  hr.people.erase(0);
  hr.version = 2;
  json second = run();
  const json& people_sync = second["sync"][0];
  ASSERT_EQ(people_sync["stream"], "people");
  EXPECT_EQ(people_sync["absent"], json::array({"P1"})) << people_sync.dump(2);
  EXPECT_EQ(state_of("P1"), "withdrawn");
  EXPECT_EQ(second["totals"]["people"], 2);
  ModuleInstance plugin(ModuleLibrary::load(MENTORING_PLUGIN_PATH), host.host(), config().dump());
  json history = json::parse(plugin.call("history", R"({"person_id":"P1"})"));
  EXPECT_NE(
      history["transitions"].back()["cause"].get<std::string>().find("no longer in the HR records"),
      std::string::npos)
      << history.dump(2);

  // Back in a later read (restored by HR): present again, nothing re-invited by itself.
  hr.people.push_back(person("P1"));
  hr.version = 3;
  json third = run();
  EXPECT_EQ(third["totals"]["people"], 3);
  EXPECT_FALSE(third["sync"][0].contains("absent"));
}

TEST_F(PluginModule, PagesThatAreNotAFullReadNeverMakeAnyoneAbsent) {
  run();  // no full_read marker: increments or a partial export
  hr.people.erase(0);
  hr.version = 2;
  json second = run();
  EXPECT_FALSE(second["sync"][0].contains("absent"));
  EXPECT_EQ(second["totals"]["people"], 3);
  EXPECT_EQ(state_of("P1"), "invited");
}

TEST_F(PluginModule, AFullReadMissingTooManyPeopleMarksNobodyAndSaysWhy) {
  hr.people_full_read = true;
  for (int i = 10; i < 40; ++i) hr.people.push_back(person("P" + std::to_string(i)));
  run();
  // A broken filter: only the first 3 people come back.
  json everyone = hr.people;
  hr.people = json::array({everyone[0], everyone[1], everyone[2]});
  hr.version = 2;
  json second = run();
  const json& people_sync = second["sync"][0];
  EXPECT_FALSE(people_sync.contains("absent"));
  ASSERT_FALSE(people_sync["problems"].empty());
  EXPECT_NE(
      people_sync["problems"][0]["message"].get<std::string>().find("no longer lists 30 of the 33"),
      std::string::npos)
      << people_sync.dump(2);
  EXPECT_EQ(second["totals"]["people"], 33);
  EXPECT_EQ(state_of("P1"), "invited");
}

TEST_F(PluginModule, AnActionItsRouteIsNotSetUpForFailsAndWaitsForARouteThatIs) {
  hr.push_not_handled = true;
  json first = run();
  EXPECT_EQ(first["actions"]["delivered"], 0);
  EXPECT_EQ(first["actions"]["failed"], 1);  // not_handled by its route is a failed attempt
  EXPECT_EQ(first["actions"]["pending"], 1);
  ASSERT_EQ(first["actions"]["errors"].size(), 1u) << first["actions"].dump(2);
  EXPECT_NE(first["actions"]["errors"][0]["message"].get<std::string>().find(
                "hr is not set up to carry out \"invite\" actions"),
            std::string::npos)
      << first["actions"].dump(2);

  // An adapter that declares invitations takes them over once its backoff ran out.
  mentoring::testing::ScriptedHostSystem outbox;
  host.add_adapter("outbox", {"write_actions", "create_task"},
                   [&](const std::string& c, const std::string& i) { return outbox.handle(c, i); });
  host.set_today("2026-12-02");
  json second = run();
  EXPECT_EQ(second["actions"]["delivered"], 1);
  EXPECT_TRUE(second["actions"]["errors"].empty()) << second["actions"].dump(2);
  ASSERT_EQ(outbox.pushed.size(), 1u);
  EXPECT_EQ(outbox.pushed[0]["type"], "invite");
}

TEST_F(PluginModule, AFullReadListingNobodyMarksNobodyAndHrCanAllowARealMassDeletion) {
  hr.people_full_read = true;
  run();
  hr.people = json::array();  // an empty export: a broken filter far more often than the truth
  hr.version = 2;
  json second = run();
  EXPECT_FALSE(second["sync"][0].contains("absent"));
  EXPECT_EQ(second["totals"]["people"], 3);
  ASSERT_FALSE(second["sync"][0]["problems"].empty());
  EXPECT_NE(second["sync"][0]["problems"][0]["message"].get<std::string>().find(
                "policy.absent_share_limit"),
            std::string::npos);

  // HR knows two of the three really were deleted, and allows it for one sync.
  hr.people = json::array({person("P3")});
  hr.version = 3;
  EXPECT_FALSE(run()["sync"][0].contains("absent")) << "2 of 3 is over the default share";
  policy["absent_share_limit"] = 1.0;
  hr.version = 4;
  json allowed = run();
  EXPECT_EQ(allowed["sync"][0]["absent"], json::array({"P1", "P2"})) << allowed["sync"][0].dump();
  EXPECT_EQ(allowed["totals"]["people"], 1);
}

TEST_F(PluginModule, AnAnswerWithoutRecordsIsTheAdaptersFailureNotAnEmptyOrganisation) {
  hr.people_full_read = true;
  run();
  mentoring::testing::ScriptedHostSystem broken;
  host.add_adapter("hr2", {"read_people"}, [&](const std::string&, const std::string&) {
    return json{{"recods", json::array()},
                {"next_cursor", "x"},
                {"more", false},
                {"full_read", {{"id", "r1"}, {"last_page", true}}}}
        .dump();
  });
  json summary = run();
  const json* hr2 = nullptr;
  for (const auto& s : summary["sync"]) {
    if (s["adapter"] == "hr2") hr2 = &s;
  }
  ASSERT_NE(hr2, nullptr) << summary["sync"].dump(2);
  EXPECT_EQ((*hr2)["status"], "failed");
  EXPECT_NE((*hr2)["error"].get<std::string>().find("/records: found (missing); expected an array"),
            std::string::npos)
      << (*hr2)["error"];
  EXPECT_EQ(summary["totals"]["people"], 3);
}

TEST_F(PluginModule, AWriterThatFailsIsNotReportedAsNotSetUp) {
  mentoring::testing::ScriptedHostSystem reader;  // people and leave only; writes nothing
  reader.people = hr.people;
  reader.leave = hr.leave;
  host.add_adapter("broken", {"write_actions", "create_task"},
                   [](const std::string& command, const std::string&) -> std::string {
                     throw std::runtime_error(command + ": connection refused");
                   });
  hr.push_not_handled = true;
  json summary = run();
  EXPECT_EQ(summary["actions"]["pending"], 1);
  std::string errors = summary["actions"]["errors"].dump();
  EXPECT_NE(errors.find("connection refused"), std::string::npos) << errors;
  // The invitation's route is broken (it declares invite): its push failed, the
  // invitation waits for it, and nobody claims it is "not set up".
  EXPECT_EQ(errors.find("not set up"), std::string::npos) << errors;
}
