// The pairing module inside the loaded plugin: proposals from the store's cohort, HR's controls
// (accept, lock, forbid, re-run), incremental placement of a newcomer and bad configuration.
#include <mentoring/fake_host.hpp>
#include <mentoring/loader.hpp>
#include <mentoring/schema.hpp>

#include "scripted_host_system.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <functional>
#include <map>

using json = nlohmann::json;
using namespace mentoring::host;

namespace {

json programme_a() {
  return mentoring::schema::parse_file(std::string(PROGRAMMES_DIR) + "/return-to-work.json");
}

json person(const std::string& id, const std::string& department, json languages = json::array()) {
  json p = {{"id", id},
            {"name", "Person " + id},
            {"start_date", "2012-01-01"},
            {"department", department}};
  if (!languages.empty()) p["languages"] = languages;
  return p;
}

json leave(const std::string& id, const std::string& person, const std::string& type,
           const std::string& start, const std::string& end) {
  return {{"id", id},       {"person_id", person}, {"type", type},
          {"start", start}, {"expected_end", end}, {"status", "approved"}};
}

// Mentees P1 (maternity, Nursing), P2 (carers, Radiology, German only); mentors M1 (maternity,
// Nursing, no language recorded), M2 (carers, English only), M3 (P1's manager, maternity,
// English only).
class PairingModule : public ::testing::Test {
 protected:
  void SetUp() override {
    host.set_today("2026-12-01");
    host.set_organisation("acme");
    hr.people = json::array({person("P1", "Nursing"), person("P2", "Radiology", {"de"}),
                             person("M1", "Nursing"), person("M2", "Radiology", {"en"}),
                             person("M3", "Nursing", {"en"})});
    hr.people[0]["manager_id"] = "M3";
    hr.leave = json::array({leave("L1", "P1", "maternity", "2027-03-15", "2027-09-14"),
                            leave("L2", "P2", "carers", "2027-04-01", "2027-09-30"),
                            leave("LM1", "M1", "maternity", "2023-01-01", "2023-09-30"),
                            leave("LM2", "M2", "carers", "2023-02-01", "2023-09-30"),
                            leave("LM3", "M3", "maternity", "2022-03-01", "2022-11-30")});
    for (const char* m : {"M1", "M2", "M3"}) {
      hr.completions.push_back(
          {{"person_id", m}, {"course_id", "MENTOR-101"}, {"completed_at", "2026-06-01"}});
    }
    host.add_adapter(
        "hr", {"read_people", "read_leave", "read_course_completions", "write_actions"},
        [this](const std::string& c, const std::string& i) { return hr.handle(c, i); });
  }

  json config() {
    json programme = programme_a();
    if (!matching.is_null()) programme["matching"] = matching;
    return {{"id", "acme"},
            {"name", "Acme"},
            {"modules", {{"enrolment", true}, {"training", true}, {"pairing", true}}},
            {"policy", json::object()},
            {"programmes", json::array({programme})},
            {"adapters", json::array()}};
  }

  json command(const std::string& name, const json& input) {
    ModuleInstance plugin(ModuleLibrary::load(MENTORING_PLUGIN_PATH), host.host(), config().dump());
    json out = json::parse(plugin.call(name, input.dump()));
    if (name.rfind("pairing_", 0) == 0) {
      std::string schema = "commands/pairing-" + name.substr(8) + ".output";
      auto problems = mentoring::schema::validate(schema, out, name);
      EXPECT_TRUE(problems.empty()) << problems.front().message() << "\n" << out.dump(2);
    }
    return out;
  }
  json run() { return command("run", json::object()); }

  std::string state_of(const std::string& person, const std::string& role = "mentee") {
    std::string state = "(none)";
    const json history = command("history", {{"person_id", person}});
    for (const auto& t : history["transitions"]) {
      if (t["role"] == role) state = t["to"];
    }
    return state;
  }

  // Everyone consents: the mentees to their invitations, the mentors as volunteers.
  void everyone_waits_for_a_pair() {
    json first = run();
    ASSERT_EQ(first["quarantined"], 0) << first["sync"].dump(2);
    for (const char* p : {"P1", "P2"})
      command("accept", {{"person_id", p}, {"recorded_by", "hr-anna"}});
    for (const char* m : {"M1", "M2", "M3"}) {
      command("nominate", {{"person_id", m}, {"role", "mentor"}, {"recorded_by", m}});
    }
    ASSERT_EQ(state_of("P1"), "awaiting_pair");
    ASSERT_EQ(state_of("M3", "mentor"), "awaiting_pair");
  }

  json proposals() { return command("pairing_proposals", json::object())["programmes"][0]; }

  std::map<std::string, json> proposal_by_mentee() {
    std::map<std::string, json> out;
    const json listing = proposals();
    for (const auto& p : listing["proposals"]) out[p["mentee_id"]] = p;
    return out;
  }

  mentoring::testing::FakeHost host;
  mentoring::testing::ScriptedHostSystem hr;
  json matching;  // the programme's "matching" section, when a test sets one
};

TEST_F(PairingModule, ProposesTheOptimumWithExplanationsAndHonoursTheHardRules) {
  everyone_waits_for_a_pair();
  json summary = run();
  const json& pass = summary["modules"]["pairing"]["programmes"]["return-to-work"];
  ASSERT_FALSE(pass.contains("error")) << pass.dump(2);
  EXPECT_EQ(pass["proposed"].size(), 2u) << pass.dump(2);

  auto by_mentee = proposal_by_mentee();
  // P1: same leave kind and department as M1; M3 manages P1 (never). P2: German only, so M2
  // (English only) is out; M1 records no language and may take both (capacity 2).
  EXPECT_EQ(by_mentee["P1"]["mentor_id"], "M1");
  EXPECT_EQ(by_mentee["P2"]["mentor_id"], "M1");
  for (const auto& [mentee, p] : by_mentee) {
    EXPECT_EQ(p["state"], "proposed");
    double sum = 0;
    for (const auto& [criterion, value] : p["breakdown"].items()) sum += value.get<double>();
    EXPECT_DOUBLE_EQ(sum, p["score"].get<double>()) << p.dump(2);
  }
  EXPECT_DOUBLE_EQ(by_mentee["P1"]["breakdown"]["same_leave_kind"].get<double>(), 3.0);
  EXPECT_DOUBLE_EQ(by_mentee["P1"]["breakdown"]["org_proximity"].get<double>(), 1.0);
  // Nothing is decided yet: proposals only.
  EXPECT_EQ(state_of("P1"), "awaiting_pair");
  // A second run keeps the standing proposals as they are.
  json again = run()["modules"]["pairing"]["programmes"]["return-to-work"];
  EXPECT_EQ(again["proposed"].size(), 0u);
  EXPECT_EQ(again["kept"], 2);
  EXPECT_EQ(proposal_by_mentee()["P1"]["pair_id"], by_mentee["P1"]["pair_id"]);
}

TEST_F(PairingModule, AcceptingAProposalPairsBothEnrolmentsLikeThePairCommand) {
  everyone_waits_for_a_pair();
  run();
  const json p1 = proposal_by_mentee()["P1"];
  json accepted =
      command("pairing_accept", {{"pair_id", p1["pair_id"]}, {"recorded_by", "hr-anna"}});
  EXPECT_EQ(accepted["state"], "accepted");
  EXPECT_EQ(accepted["mentee"]["state"], "paired");
  EXPECT_EQ(state_of("P1"), "paired");
  auto by_mentee = proposal_by_mentee();
  EXPECT_EQ(by_mentee["P1"]["state"], "accepted");
  EXPECT_EQ(by_mentee["P1"]["pair_id"], accepted["pair_id"]);
  EXPECT_EQ(by_mentee["P1"]["score"], p1["score"]);  // the explanation follows the pair
  run();  // the write-back delivers the `pair` command's notifications
  bool notified = false;
  for (const auto& a : hr.pushed) notified |= a["type"] == "notify" && a["person_id"] == "P1";
  EXPECT_TRUE(notified);
  // Accepted once; a second acceptance is refused with the reason.
  try {
    command("pairing_accept", {{"pair_id", accepted["pair_id"]}, {"recorded_by", "hr-anna"}});
    FAIL();
  } catch (const CallError& e) {
    EXPECT_NE(std::string(e.what()).find("expected a proposal"), std::string::npos) << e.what();
  }
}

TEST_F(PairingModule, LockForbidAndRerunAroundTheLockedPair) {
  everyone_waits_for_a_pair();
  run();
  auto by_mentee = proposal_by_mentee();
  command("pairing_lock", {{"pair_id", by_mentee["P1"]["pair_id"]}, {"recorded_by", "hr-anna"}});
  // HR forbids P2 with M1: P2's only eligible mentor. P2 is left unmatched, with the reason.
  json forbidden = command("pairing_forbid",
                           {{"mentee_id", "P2"}, {"mentor_id", "M1"}, {"recorded_by", "hr-anna"}});
  EXPECT_EQ(forbidden["discarded"].size(), 1u) << forbidden.dump(2);
  json listing = proposals();
  ASSERT_EQ(listing["unmatched"].size(), 1u) << listing.dump(2);
  EXPECT_EQ(listing["unmatched"][0]["person_id"], "P2");
  EXPECT_EQ(listing["unmatched"][0]["reason"], "no_eligible_mentor");
  const std::string why = listing["unmatched"][0]["explanation"];
  EXPECT_NE(why.find("no shared language"), std::string::npos) << why;
  EXPECT_NE(why.find("forbidden by HR"), std::string::npos) << why;
  // Re-run: the locked pair stays exactly as it was.
  json rerun = command("pairing_rerun", {{"recorded_by", "hr-anna"}});
  EXPECT_EQ(rerun["programmes"]["return-to-work"]["kept"], 1);
  auto after = proposal_by_mentee();
  EXPECT_EQ(after["P1"]["pair_id"], by_mentee["P1"]["pair_id"]);
  EXPECT_TRUE(after["P1"]["locked"].get<bool>());
  EXPECT_EQ(after.count("P2"), 0u);
}

TEST_F(PairingModule, ANewcomerGetsTheBestFreeMentorWithoutReshufflingAcceptedPairs) {
  everyone_waits_for_a_pair();
  run();
  auto first = proposal_by_mentee();
  json a1 =
      command("pairing_accept", {{"pair_id", first["P1"]["pair_id"]}, {"recorded_by", "hr-anna"}});
  json a2 =
      command("pairing_accept", {{"pair_id", first["P2"]["pair_id"]}, {"recorded_by", "hr-anna"}});
  // M1 is now full (capacity 2). A newcomer with a maternity leave from Nursing would prefer M1.
  hr.people.push_back(person("P4", "Nursing"));
  hr.leave.push_back(leave("L4", "P4", "maternity", "2027-04-01", "2027-10-01"));
  hr.version = 2;
  run();
  command("accept", {{"person_id", "P4"}, {"recorded_by", "hr-anna"}});
  json pass = run()["modules"]["pairing"]["programmes"]["return-to-work"];
  ASSERT_EQ(pass["proposed"].size(), 1u) << pass.dump(2);
  EXPECT_EQ(pass["proposed"][0]["mentee_id"], "P4");
  EXPECT_EQ(pass["proposed"][0]["mentor_id"], "M3");  // same leave kind, same department, room
  auto after = proposal_by_mentee();
  EXPECT_EQ(after["P1"]["pair_id"], a1["pair_id"]);
  EXPECT_EQ(after["P2"]["pair_id"], a2["pair_id"]);
  EXPECT_EQ(after["P1"]["state"], "accepted");
}

TEST_F(PairingModule, WhereThePairAcceptsBothMembersMust) {
  matching = {{"accepted_by", "pair"}};
  everyone_waits_for_a_pair();
  run();
  const json p1 = proposal_by_mentee()["P1"];
  EXPECT_THROW(command("pairing_accept", {{"pair_id", p1["pair_id"]}, {"recorded_by", "hr-anna"}}),
               CallError);
  json half = command("pairing_accept", {{"pair_id", p1["pair_id"]}, {"recorded_by", "P1"}});
  EXPECT_EQ(half["state"], "proposed");
  EXPECT_EQ(half["waiting_for"], json::array({"M1"}));
  EXPECT_EQ(state_of("P1"), "awaiting_pair");
  json both = command("pairing_accept", {{"pair_id", p1["pair_id"]}, {"recorded_by", "M1"}});
  EXPECT_EQ(both["state"], "accepted");
  EXPECT_EQ(state_of("P1"), "paired");
}

TEST_F(PairingModule, NotTheSameDepartmentAndWeightsFromTheProgramme) {
  matching = {{"not_the_same", {"department"}},
              {"weights", {{"org_proximity", 0}, {"same_leave_kind", 5}}}};
  everyone_waits_for_a_pair();
  run();
  auto by_mentee = proposal_by_mentee();
  // M1 shares P1's department (and M3 manages P1): P1 has no eligible mentor but M2.
  EXPECT_EQ(by_mentee["P1"]["mentor_id"], "M2");
  EXPECT_DOUBLE_EQ(by_mentee["P1"]["breakdown"]["same_leave_kind"].get<double>(), 0.0);
  EXPECT_EQ(by_mentee["P2"]["mentor_id"], "M1");
  EXPECT_DOUBLE_EQ(by_mentee["P2"]["breakdown"]["org_proximity"].get<double>(), 0.0);
  // Without M2, P1 is left out and HR sees each rule that stood in the way.
  command("pairing_forbid", {{"mentee_id", "P1"}, {"mentor_id", "M2"}, {"recorded_by", "hr-anna"}});
  const json listing = proposals();
  ASSERT_EQ(listing["unmatched"].size(), 1u) << listing.dump(2);
  const std::string why = listing["unmatched"][0]["explanation"];
  EXPECT_NE(why.find("in the same management chain x1"), std::string::npos) << why;
  EXPECT_NE(why.find("same organisational unit x1"), std::string::npos) << why;
  EXPECT_NE(why.find("forbidden by HR x1"), std::string::npos) << why;
}

TEST_F(PairingModule, BadMatchingInputIsExplainedNeverACrash) {
  // A criterion the people records do not carry: an explained error, nothing proposed.
  matching = {{"weights", {{"seniority_gap", 2}}}};
  everyone_waits_for_a_pair();
  json pass = run()["modules"]["pairing"]["programmes"]["return-to-work"];
  ASSERT_TRUE(pass.contains("error")) << pass.dump(2);
  EXPECT_NE(pass["error"].get<std::string>().find("seniority"), std::string::npos);
  EXPECT_TRUE(proposals()["proposals"].empty());
  // A weight that is not a number: the configuration is refused with the pointer.
  matching = {{"weights", {{"location", "high"}}}};
  try {
    run();
    FAIL();
  } catch (const CallError& e) {
    EXPECT_EQ(e.status(), MENTORING_ERR_INVALID_INPUT);
    EXPECT_NE(std::string(e.what()).find("/matching/weights/location"), std::string::npos)
        << e.what();
  }
}

TEST_F(PairingModule, NoMentorsIsAnExplainedEmptyResult) {
  run();
  for (const char* p : {"P1", "P2"})
    command("accept", {{"person_id", p}, {"recorded_by", "hr-anna"}});
  json pass = run()["modules"]["pairing"]["programmes"]["return-to-work"];
  EXPECT_EQ(pass["proposed"].size(), 0u);
  json listing = proposals();
  ASSERT_EQ(listing["unmatched"].size(), 2u);
  EXPECT_EQ(listing["unmatched"][0]["reason"], "no_mentors_in_cohort");
}

TEST_F(PairingModule, RerunsAreDeterministic) {
  everyone_waits_for_a_pair();
  run();
  auto first = proposal_by_mentee();
  for (int i = 0; i < 2; ++i) {
    command("pairing_rerun", json::object());
    auto again = proposal_by_mentee();
    for (const char* m : {"P1", "P2"}) {
      EXPECT_EQ(again[m]["mentor_id"], first[m]["mentor_id"]);
      EXPECT_EQ(again[m]["breakdown"], first[m]["breakdown"]);
    }
  }
}

}  // namespace

namespace {

std::string error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const CallError& e) {
    EXPECT_EQ(e.status(), MENTORING_ERR_INVALID_INPUT) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "expected the command to be refused";
  return "";
}

}  // namespace

// Issue 11: OrangeHRM's Indirect supervisors are managers too. P1's line manager is X; M1 is
// P1's indirect manager and M3 is X's indirect manager, so neither may mentor P1.
TEST_F(PairingModule, IndirectManagersAreNeverProposedNorAcceptedByHand) {
  hr.people[0]["manager_id"] = "X";
  hr.people[0]["indirect_manager_ids"] = {"M1"};
  hr.people[0]["employee_number"] = "E0001";
  hr.people[2]["employee_number"] = "E0101";
  hr.people[3]["employee_number"] = "E0102";
  json x = person("X", "Nursing");
  x["indirect_manager_ids"] = {"M3"};
  hr.people.push_back(x);
  everyone_waits_for_a_pair();
  json pass = run()["modules"]["pairing"]["programmes"]["return-to-work"];
  ASSERT_FALSE(pass.contains("error")) << pass.dump(2);

  auto by_mentee = proposal_by_mentee();
  ASSERT_TRUE(by_mentee.count("P1")) << proposals().dump(2);
  EXPECT_EQ(by_mentee["P1"]["mentor_id"], "M2") << by_mentee["P1"].dump(2);
  // HR sees both identifiers of the people in a proposal.
  EXPECT_EQ(by_mentee["P1"]["mentee_employee_number"], "E0001");
  EXPECT_EQ(by_mentee["P1"]["mentor_employee_number"], "E0102");

  // By hand (and by employee number) the rule holds too.
  std::string why = error_of([&] {
    command("pair", {{"mentee_id", "E0001"}, {"mentor_id", "E0101"}, {"recorded_by", "hr-anna"}});
  });
  EXPECT_NE(why.find("/mentor_id: M1 is in the management chain of P1"), std::string::npos) << why;
  why = error_of([&] {
    command("pair", {{"mentee_id", "P1"}, {"mentor_id", "M3"}, {"recorded_by", "hr-anna"}});
  });
  EXPECT_NE(why.find("/mentor_id: M3 is in the management chain of P1"), std::string::npos) << why;
}

// A pair that was fine becomes one the rule forbids when the mentor turns into the indirect
// manager of the mentee's manager: the run puts it to the programme manager.
TEST_F(PairingModule, AMentorWhoBecomesAManagersIndirectManagerIsFlaggedByTheRecheck) {
  everyone_waits_for_a_pair();
  command("pair", {{"mentee_id", "P1"}, {"mentor_id", "M2"}, {"recorded_by", "hr-anna"}});
  json quiet = run();
  EXPECT_EQ(quiet.dump().find("is now in the management chain"), std::string::npos);

  hr.people[4]["indirect_manager_ids"] = {"M2"};  // M3 manages P1; M2 now manages M3 indirectly
  ++hr.version;
  json flagged = run();
  EXPECT_NE(flagged.dump().find("mentor M2 is now in the management chain of P1"),
            std::string::npos)
      << flagged["modules"]["enrolment"].dump(2);
}

// HR commands take the id or the employee number; an unknown or ambiguous value is named.
TEST_F(PairingModule, CommandsAcceptTheEmployeeNumberAndNameWhatTheyCannotResolve) {
  hr.people[0]["employee_number"] = "E0001";
  hr.people[1]["employee_number"] = "M1";  // P2's employee number is M1's id: ambiguous
  run();
  json by_number = command("history", {{"person_id", "E0001"}});
  json by_id = command("history", {{"person_id", "P1"}});
  EXPECT_EQ(by_number, by_id);
  EXPECT_EQ(by_number["person_id"], "P1");
  EXPECT_EQ(by_number["employee_number"], "E0001");
  EXPECT_FALSE(by_number["transitions"].empty());
  auto problems = mentoring::schema::validate("commands/history.output", by_number, "history");
  EXPECT_TRUE(problems.empty()) << problems.front().message();

  json accepted = command("accept", {{"person_id", "E0001"}, {"recorded_by", "hr-anna"}});
  EXPECT_EQ(accepted["enrolment"]["person_id"], "P1") << accepted.dump(2);
  EXPECT_EQ(accepted["enrolment"]["employee_number"], "E0001");

  std::string unknown = error_of([&] { command("history", {{"person_id", "E9999"}}); });
  EXPECT_NE(unknown.find("history: /person_id: found \"E9999\""), std::string::npos) << unknown;
  std::string ambiguous = error_of([&] {
    command("nominate", {{"person_id", "M1"}, {"role", "mentor"}, {"recorded_by", "hr-anna"}});
  });
  EXPECT_NE(ambiguous.find("/person_id: found \"M1\""), std::string::npos) << ambiguous;
  EXPECT_NE(ambiguous.find("the employee number of person P2"), std::string::npos) << ambiguous;
  std::string mentor_field = error_of([&] {
    command("pair", {{"mentee_id", "P1"}, {"mentor_id", "nobody"}, {"recorded_by", "hr-anna"}});
  });
  EXPECT_NE(mentor_field.find("/mentor_id: found \"nobody\""), std::string::npos) << mentor_field;
}
