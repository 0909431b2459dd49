// The pairing module inside the loaded plugin: proposals from the store's cohort, HR's controls
// (accept, lock, forbid, re-run), incremental placement of a newcomer and bad configuration.
#include <mentoring/fake_host.hpp>
#include <mentoring/loader.hpp>
#include <mentoring/schema.hpp>
#include <mentoring/store/org_store.hpp>
#include <mentoring/store/pair_repository.hpp>

#include "scripted_host_system.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
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
    if (!participant_choice.is_null()) programme["participant_choice"] = participant_choice;
    if (!first_contact_by.empty())
      programme["pair_sessions"]["first_contact_by"] = first_contact_by;
    if (mentor_capacity > 0) programme["mentor"]["capacity"] = mentor_capacity;
    return {{"id", "acme"},
            {"name", "Acme"},
            {"modules", modules},
            {"policy", json::object()},
            {"programmes", json::array({programme})},
            {"adapters", json::array()}};
  }

  json command(const std::string& name, const json& input) { return command_as({}, name, input); }

  // The command as a participant the host authenticated (abi.h call_as): a
  // mentee or mentor acting for themself.
  json as_participant(const std::string& role, const std::string& person, const std::string& name,
                      const json& input) {
    return command_as(
        {{"organisation", "acme"}, {"role", role}, {"person_id", person}, {"name", person}}, name,
        input);
  }

  json command_as(const json& caller, const std::string& name, const json& input) {
    ModuleInstance plugin(ModuleLibrary::load(MENTORING_PLUGIN_PATH), host.host(), config().dump());
    json out = json::parse(caller.is_null() ? plugin.call(name, input.dump())
                                            : plugin.call_as(caller.dump(), name, input.dump()));
    if (name.rfind("pairing_", 0) == 0) {
      std::string schema = "commands/pairing-" + name.substr(8) + ".output";
      std::replace(schema.begin(), schema.end(), '_', '-');
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
    for (const char* p : {"P1", "P2"}) command("accept", {{"person_id", p}});
    for (const char* m : {"M1", "M2", "M3"}) {
      command("nominate", {{"person_id", m}, {"role", "mentor"}});
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
  json matching;                 // the programme's "matching" section, when a test sets one
  json participant_choice;       // the programme's "participant_choice", when a test sets one
  std::string first_contact_by;  // pair_sessions.first_contact_by, when a test sets one
  int mentor_capacity = 0;       // mentor.capacity, when a test sets one
  json modules = {{"enrolment", true}, {"training", true}, {"pairing", true}};
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
  json accepted = command("pairing_accept", {{"pair_id", p1["pair_id"]}});
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
    command("pairing_accept", {{"pair_id", accepted["pair_id"]}});
    FAIL();
  } catch (const CallError& e) {
    EXPECT_NE(std::string(e.what()).find("expected a proposal"), std::string::npos) << e.what();
  }
}

TEST_F(PairingModule, LockForbidAndRerunAroundTheLockedPair) {
  everyone_waits_for_a_pair();
  run();
  auto by_mentee = proposal_by_mentee();
  command("pairing_lock", {{"pair_id", by_mentee["P1"]["pair_id"]}});
  // HR forbids P2 with M1: P2's only eligible mentor. P2 is left unmatched, with the reason.
  json forbidden = command("pairing_forbid", {{"mentee_id", "P2"}, {"mentor_id", "M1"}});
  EXPECT_EQ(forbidden["discarded"].size(), 1u) << forbidden.dump(2);
  json listing = proposals();
  ASSERT_EQ(listing["unmatched"].size(), 1u) << listing.dump(2);
  EXPECT_EQ(listing["unmatched"][0]["person_id"], "P2");
  EXPECT_EQ(listing["unmatched"][0]["reason"], "no_eligible_mentor");
  const std::string why = listing["unmatched"][0]["explanation"];
  EXPECT_NE(why.find("no shared language"), std::string::npos) << why;
  EXPECT_NE(why.find("forbidden by HR"), std::string::npos) << why;
  // Re-run: the locked pair stays exactly as it was.
  json rerun = command("pairing_rerun", json::object());
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
  json a1 = command("pairing_accept", {{"pair_id", first["P1"]["pair_id"]}});
  json a2 = command("pairing_accept", {{"pair_id", first["P2"]["pair_id"]}});
  // M1 is now full (capacity 2). A newcomer with a maternity leave from Nursing would prefer M1.
  hr.people.push_back(person("P4", "Nursing"));
  hr.leave.push_back(leave("L4", "P4", "maternity", "2027-04-01", "2027-10-01"));
  hr.version = 2;
  run();
  command("accept", {{"person_id", "P4"}});
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
  // HR cannot accept for the pair, nor a participant of another pair.
  EXPECT_THROW(command("pairing_accept", {{"pair_id", p1["pair_id"]}}), CallError);
  try {
    as_participant("mentee", "P2", "pairing_accept", {{"pair_id", p1["pair_id"]}});
    ADD_FAILURE() << "P2 accepted P1's proposal";
  } catch (const CallError& e) {
    EXPECT_EQ(e.status(), MENTORING_ERR_NOT_FOUND) << e.what();
  }
  json half = as_participant("mentee", "P1", "pairing_accept", {{"pair_id", p1["pair_id"]}});
  EXPECT_EQ(half["state"], "proposed");
  EXPECT_EQ(half["waiting_for"], json::array({"M1"}));
  EXPECT_EQ(state_of("P1"), "awaiting_pair");
  json both = as_participant("mentor", "M1", "pairing_accept", {{"pair_id", p1["pair_id"]}});
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
  command("pairing_forbid", {{"mentee_id", "P1"}, {"mentor_id", "M2"}});
  const json listing = proposals();
  ASSERT_EQ(listing["unmatched"].size(), 1u) << listing.dump(2);
  const std::string why = listing["unmatched"][0]["explanation"];
  EXPECT_NE(why.find("in the same management chain x1"), std::string::npos) << why;
  EXPECT_NE(why.find("same organisational unit x1"), std::string::npos) << why;
  EXPECT_NE(why.find("forbidden by HR x1"), std::string::npos) << why;
}

// Issue 13: a pairing pass that cannot run is a failure of the pass (the host reports the module
// `failed` and exits 9), never an "error" tucked into a summary that says "ran".
TEST_F(PairingModule, BadMatchingInputFailsThePassWithTheReasonNeverHidden) {
  // A criterion the people records do not carry: an explained failure, nothing proposed.
  matching = {{"weights", {{"seniority_gap", 2}}}};
  everyone_waits_for_a_pair();
  std::string failure;
  try {
    const json pairing = run()["modules"]["pairing"];
    // With the host's module-failure reporting, the run completes and names the failed pass.
    EXPECT_EQ(pairing.value("status", ""), "failed") << pairing.dump(2);
    failure = pairing.value("error", "");
  } catch (const CallError& e) {
    failure = e.what();  // without it, the pass's exception fails the run call itself
  }
  EXPECT_NE(failure.find("cannot pair return-to-work"), std::string::npos) << failure;
  EXPECT_NE(failure.find("seniority"), std::string::npos) << failure;
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
  for (const char* p : {"P1", "P2"}) command("accept", {{"person_id", p}});
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
    command("pair", {{"mentee_id", "E0001"}, {"mentor_id", "E0101"}});
  });
  EXPECT_NE(why.find("/mentor_id: M1 is in the management chain of P1"), std::string::npos) << why;
  why = error_of([&] { command("pair", {{"mentee_id", "P1"}, {"mentor_id", "M3"}}); });
  EXPECT_NE(why.find("/mentor_id: M3 is in the management chain of P1"), std::string::npos) << why;
}

// A pair that was fine becomes one the rule forbids when the mentor turns into the indirect
// manager of the mentee's manager: the run puts it to the programme manager.
TEST_F(PairingModule, AMentorWhoBecomesAManagersIndirectManagerIsFlaggedByTheRecheck) {
  everyone_waits_for_a_pair();
  command("pair", {{"mentee_id", "P1"}, {"mentor_id", "M2"}});
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

  json accepted = command("accept", {{"person_id", "E0001"}});
  EXPECT_EQ(accepted["enrolment"]["person_id"], "P1") << accepted.dump(2);
  EXPECT_EQ(accepted["enrolment"]["employee_number"], "E0001");

  std::string unknown = error_of([&] { command("history", {{"person_id", "E9999"}}); });
  EXPECT_NE(unknown.find("history: /person_id: found \"E9999\""), std::string::npos) << unknown;
  std::string ambiguous = error_of([&] {
    command("nominate", {{"person_id", "M1"}, {"role", "mentor"}});
  });
  EXPECT_NE(ambiguous.find("/person_id: found \"M1\""), std::string::npos) << ambiguous;
  EXPECT_NE(ambiguous.find("the employee number of person P2"), std::string::npos) << ambiguous;
  std::string mentor_field = error_of([&] {
    command("pair", {{"mentee_id", "P1"}, {"mentor_id", "nobody"}});
  });
  EXPECT_NE(mentor_field.find("/mentor_id: found \"nobody\""), std::string::npos) << mentor_field;
}

// ------------------------------------------------------------------ issue 13

namespace {

// The notifications pushed to one person whose key starts with `prefix` ("paired/", ...).
std::vector<json> pushed_to(const mentoring::testing::ScriptedHostSystem& hr,
                            const std::string& person, const std::string& prefix) {
  std::vector<json> out;
  for (const auto& a : hr.pushed) {
    if (a["type"] == "notify" && a["person_id"] == person &&
        a["idempotency_key"].get<std::string>().rfind(prefix, 0) == 0)
      out.push_back(a);
  }
  return out;
}

}  // namespace

// Forbidding a running pair used to be stored, after which every pairing pass failed on "existing
// pair ... is also forbidden", hidden in the summary. It is refused, naming the pair and how to
// end it; later passes stay clean.
TEST_F(PairingModule, ForbiddingARunningPairIsRefusedWithTheWayToEndIt) {
  everyone_waits_for_a_pair();
  const json paired = command("pair", {{"mentee_id", "P1"}, {"mentor_id", "M2"}});
  const std::string why = error_of([&] {
    command("pairing_forbid", {{"mentee_id", "P1"}, {"mentor_id", "M2"}});
  });
  EXPECT_NE(
      why.find("pair " + std::to_string(paired["pair_id"].get<int>()) + " (mentee P1, mentor M2)"),
      std::string::npos)
      << why;
  EXPECT_NE(why.find("withdraw"), std::string::npos) << why;
  const json pairing = run()["modules"]["pairing"];
  EXPECT_EQ(pairing["status"], "ran") << pairing.dump(2);
  EXPECT_FALSE(pairing["programmes"]["return-to-work"].contains("error")) << pairing.dump(2);
  EXPECT_EQ(state_of("P1"), "paired");
}

// A database written before the refusal may hold a forbid of a running pair: the pass keeps the
// pair, tells HR how to end it, and runs (it used to fail on every run from then on).
TEST_F(PairingModule, AForbidOfARunningPairFromAnOlderVersionNoLongerBreaksThePass) {
  everyone_waits_for_a_pair();
  command("pair", {{"mentee_id", "P1"}, {"mentor_id", "M2"}});
  {
    mentoring::store::OrgStore store(host.storage_directory(), "acme");
    store.pair_repository().forbid("return-to-work",
                                   {"P1", "M2", "hr-anna", "2026-12-01T09:00:00Z"});
  }
  const json pairing = run()["modules"]["pairing"];
  EXPECT_EQ(pairing["status"], "ran") << pairing.dump(2);
  const json& pass = pairing["programmes"]["return-to-work"];
  EXPECT_FALSE(pass.contains("error")) << pass.dump(2);
  EXPECT_NE(pass["notes"].dump().find("runs although HR forbade it"), std::string::npos)
      << pass.dump(2);
  EXPECT_EQ(state_of("P1"), "paired");
  command("pairing_unforbid", {{"mentee_id", "P1"}, {"mentor_id", "M2"}});
  EXPECT_EQ(
      run()["modules"]["pairing"]["programmes"]["return-to-work"]["notes"].dump().find("forbade"),
      std::string::npos);
}

TEST_F(PairingModule, UnforbidLiftsTheForbidAndPlacesTheMenteeAgain) {
  everyone_waits_for_a_pair();
  run();
  command("pairing_forbid", {{"mentee_id", "P2"}, {"mentor_id", "M1"}});
  EXPECT_EQ(proposal_by_mentee().count("P2"), 0u);  // M1 was P2's only eligible mentor
  const json lifted = command("pairing_unforbid", {{"mentee_id", "P2"}, {"mentor_id", "M1"}});
  ASSERT_EQ(lifted["proposed"].size(), 1u) << lifted.dump(2);
  EXPECT_EQ(lifted["proposed"][0]["mentee_id"], "P2");
  EXPECT_EQ(lifted["proposed"][0]["mentor_id"], "M1");
  // Nothing to lift: named.
  const std::string why = error_of([&] {
    command("pairing_unforbid", {{"mentee_id", "P2"}, {"mentor_id", "M1"}});
  });
  EXPECT_NE(why.find("/mentor_id: found \"M1\"; expected a mentor HR forbade for mentee P2"),
            std::string::npos)
      << why;
}

// M2 completed MENTOR-101 on 2023-12-15 (valid 36 months): trained when volunteering, lapsed on
// 2026-12-20. The `pair` command refused nothing of this before.
TEST_F(PairingModule, ThePairCommandRefusesAMentorWhoseTrainingLapsed) {
  hr.completions[1]["completed_at"] = "2023-12-15";
  everyone_waits_for_a_pair();
  host.set_today("2026-12-20");
  const std::string why = error_of([&] {
    command("pair", {{"mentee_id", "P1"}, {"mentor_id", "M2"}});
  });
  EXPECT_NE(why.find("/mentor_id: M2's mentor training is missing or has lapsed"),
            std::string::npos)
      << why;
  EXPECT_EQ(state_of("P1"), "awaiting_pair");
}

// The error names the field the caller filled in, not a field the command has not got.
TEST_F(PairingModule, ThePairCommandNamesTheMenteeFieldWhenTheMenteeHasNoOpenEnrolment) {
  everyone_waits_for_a_pair();
  const std::string why = error_of([&] {
    command("pair", {{"mentee_id", "M2"}, {"mentor_id", "M1"}});
  });
  EXPECT_NE(why.find("/mentee_id: found \"M2\"; expected a person with an open mentee"),
            std::string::npos)
      << why;
}

// Training switched off for the organisation: no course is required, by hand or by the engine.
TEST_F(PairingModule, WithTrainingSwitchedOffALapsedCourseStopsNobody) {
  hr.completions[1]["completed_at"] = "2023-12-15";
  everyone_waits_for_a_pair();
  host.set_today("2026-12-20");
  modules["training"] = false;
  // The engine: M1 forbidden and M3 P1's manager, so M2 (lapsed) is P1's only mentor.
  command("pairing_forbid", {{"mentee_id", "P1"}, {"mentor_id", "M1"}});
  EXPECT_EQ(proposal_by_mentee()["P1"]["mentor_id"], "M2") << proposals().dump(2);
  // By hand too.
  const json paired = command("pair", {{"mentee_id", "P1"}, {"mentor_id", "M2"}});
  // No mentee course is required either, so mentoring begins at once.
  EXPECT_EQ(paired["mentee"]["state"], "active");
  // Training on again: the engine leaves the lapsed mentor out, with the reason.
  modules["training"] = true;
  command("pairing_forbid", {{"mentee_id", "P2"}, {"mentor_id", "M1"}});
  const json listing = proposals();
  ASSERT_EQ(listing["unmatched"].size(), 1u) << listing.dump(2);
  EXPECT_NE(listing["unmatched"][0]["explanation"].get<std::string>().find(
                "mentor training not complete"),
            std::string::npos)
      << listing.dump(2);
}

// A manual pair for a mentee with a standing proposal failed with "UNIQUE constraint failed:
// pair.mentee_enrolment_id" (exit 1). It replaces the proposal, recorded as replaced; a pair
// with the proposed mentor takes the proposal over, scores and all.
TEST_F(PairingModule, AManualPairReplacesTheMenteesStandingProposal) {
  everyone_waits_for_a_pair();
  run();
  auto before = proposal_by_mentee();
  ASSERT_EQ(before["P1"]["mentor_id"], "M1");
  ASSERT_EQ(before["P2"]["mentor_id"], "M1");
  const json p1 = command("pair", {{"mentee_id", "P1"}, {"mentor_id", "M2"}});
  EXPECT_EQ(p1["mentee"]["state"], "paired");
  ASSERT_TRUE(p1.contains("replaced_proposal")) << p1.dump(2);
  EXPECT_EQ(p1["replaced_proposal"]["pair_id"], before["P1"]["pair_id"]);
  EXPECT_EQ(p1["replaced_proposal"]["mentor_id"], "M1");
  const json p2 = command("pair", {{"mentee_id", "P2"}, {"mentor_id", "M1"}});
  EXPECT_EQ(p2["pair_id"], before["P2"]["pair_id"]);
  EXPECT_FALSE(p2.contains("replaced_proposal"));
  auto after = proposal_by_mentee();
  EXPECT_EQ(after["P1"]["mentor_id"], "M2");
  EXPECT_EQ(after["P1"]["state"], "accepted");
  EXPECT_EQ(after["P2"]["state"], "accepted");
  EXPECT_EQ(after["P2"]["score"], before["P2"]["score"]);
  const json history = command("history", {{"person_id", "P1"}});  // the pair, with its cause
  EXPECT_NE(history.dump().find("paired with mentor M2"), std::string::npos) << history.dump(2);
  EXPECT_EQ(run()["modules"]["pairing"]["status"], "ran");
}

// Participant choice (programme C's rules on programme A's people): the mentee's question and
// wishes, a request for one mentor, the mentor's decline with a reason and accept.
TEST_F(PairingModule, AMenteeAsksForAMentorWhoMayDeclineWithAReason) {
  participant_choice = {{"mentee_requests_mentor", true}, {"mentor_may_decline", true}};
  hr.people[3]["email"] = "m2@acme.example";
  everyone_waits_for_a_pair();
  run();
  const std::string question = "How do I lead a ward again after a year away?";
  const json stored =
      command("pairing_wishes",
              {{"person_id", "P1"}, {"mentoring_question", question}, {"wishes", "M2, M1"}});
  EXPECT_EQ(stored["stored"], json::array({"mentoring_question", "wishes"}));
  EXPECT_EQ(stored.dump().find("lead a ward"), std::string::npos);

  const auto engine = proposal_by_mentee()["P1"];
  json asked = command("pairing_request", {{"mentee_id", "P1"}, {"mentor_id", "M2"}});
  EXPECT_EQ(asked["state"], "proposed");
  EXPECT_EQ(asked["waiting_for"], json::array({"M2"}));
  EXPECT_EQ(asked["replaced_proposal"]["pair_id"], engine["pair_id"]);
  // HR cannot answer for the mentor by accepting the proposal; a re-run keeps the request.
  const std::string hr_accept = error_of([&] {
    command("pairing_accept", {{"pair_id", asked["pair_id"]}});
  });
  EXPECT_NE(hr_accept.find("waiting for mentor M2's answer"), std::string::npos) << hr_accept;
  command("pairing_rerun", json::object());
  EXPECT_EQ(proposal_by_mentee()["P1"]["pair_id"], asked["pair_id"]);

  // The mentor is asked, with the mentee's question (theirs to read); HR's rows and the run's
  // summary never show it.
  const json summary = run();
  EXPECT_EQ(summary.dump().find("lead a ward"), std::string::npos);
  EXPECT_EQ(command("waiting", json::object()).dump().find("lead a ward"), std::string::npos);
  EXPECT_EQ(proposals().dump().find("lead a ward"), std::string::npos);
  const auto asks = pushed_to(hr, "M2", "pair-request/");
  ASSERT_EQ(asks.size(), 1u);
  EXPECT_NE(asks[0]["payload"]["text"].get<std::string>().find(question), std::string::npos)
      << asks[0].dump(2);

  // A decline needs its reason.
  EXPECT_THROW(
      command("pairing_mentor_answer", {{"pair_id", asked["pair_id"]}, {"answer", "decline"}}),
      CallError);
  const json declined = command(
      "pairing_mentor_answer",
      {{"pair_id", asked["pair_id"]}, {"answer", "decline"}, {"reason", "I am on secondment"}});
  EXPECT_EQ(declined["state"], "declined");
  // Back in the pool at once, placed with another mentor; M2 stays excluded for P1.
  ASSERT_EQ(declined["proposed"].size(), 1u) << declined.dump(2);
  EXPECT_EQ(declined["proposed"][0]["mentee_id"], "P1");
  EXPECT_EQ(declined["proposed"][0]["mentor_id"], "M1");
  EXPECT_EQ(state_of("P1"), "awaiting_pair");
  run();
  const auto told = pushed_to(hr, "P1", "pair-request-answer/");
  ASSERT_EQ(told.size(), 1u);
  EXPECT_NE(told[0]["payload"]["text"].get<std::string>().find("I am on secondment"),
            std::string::npos);
  command("pairing_forbid", {{"mentee_id", "P1"}, {"mentor_id", "M1"}});
  json listing = proposals();
  EXPECT_EQ(proposal_by_mentee().count("P1"), 0u) << listing.dump(2);  // M2 not proposed
  bool explained = false;
  for (const auto& u : listing["unmatched"])
    explained |= u["person_id"] == "P1" && u["explanation"].get<std::string>().find(
                                               "declined by the mentor x1") != std::string::npos;
  EXPECT_TRUE(explained) << listing.dump(2);
  const std::string again = error_of([&] {
    command("pairing_request", {{"mentee_id", "P1"}, {"mentor_id", "M2"}});
  });
  EXPECT_NE(again.find("/mentor_id: M2 declined P1's request"), std::string::npos) << again;
  // Nor may HR pair them by hand.
  EXPECT_THROW(command("pair", {{"mentee_id", "P1"}, {"mentor_id", "M2"}}), CallError);
}

TEST_F(PairingModule, AMentorAcceptsARequestAndTheMenteeMakesFirstContact) {
  participant_choice = {{"mentee_requests_mentor", true}, {"mentor_may_decline", true}};
  hr.people[2]["email"] = "m1@acme.example";
  everyone_waits_for_a_pair();
  command("pairing_wishes", {{"person_id", "P2"}, {"mentoring_question", "Part-time and senior?"}});
  // The rules of `pair` hold for a request: M3 manages P1.
  const std::string chain = error_of([&] {
    command("pairing_request", {{"mentee_id", "P1"}, {"mentor_id", "M3"}});
  });
  EXPECT_NE(chain.find("/mentor_id: M3 is in the management chain of P1"), std::string::npos)
      << chain;
  const json asked = command("pairing_request", {{"mentee_id", "P2"}, {"mentor_id", "M1"}});
  const json accepted =
      command("pairing_mentor_answer", {{"pair_id", asked["pair_id"]}, {"answer", "accept"}});
  EXPECT_EQ(accepted["state"], "accepted");
  EXPECT_EQ(accepted["mentee"]["state"], "paired");
  EXPECT_EQ(proposal_by_mentee()["P2"]["pair_id"], asked["pair_id"]);
  // Answered once.
  EXPECT_THROW(
      command("pairing_mentor_answer", {{"pair_id", asked["pair_id"]}, {"answer", "accept"}}),
      CallError);
  run();
  const auto to_mentee = pushed_to(hr, "P2", "paired/");
  const auto to_mentor = pushed_to(hr, "M1", "paired/");
  ASSERT_EQ(to_mentee.size(), 1u);
  ASSERT_EQ(to_mentor.size(), 1u);
  const std::string mentee_text = to_mentee[0]["payload"]["text"];
  EXPECT_NE(mentee_text.find("You make first contact"), std::string::npos) << mentee_text;
  EXPECT_EQ(to_mentee[0]["payload"]["mentor"]["email"], "m1@acme.example");
  const std::string mentor_text = to_mentor[0]["payload"]["text"];
  EXPECT_NE(mentor_text.find("Your mentee Person P2 will be in touch"), std::string::npos)
      << mentor_text;
  EXPECT_NE(mentor_text.find("Part-time and senior?"), std::string::npos) << mentor_text;
  EXPECT_EQ(mentee_text.find("Part-time and senior?"), std::string::npos);  // the mentor's to read
}

TEST_F(PairingModule, RequestsFollowTheProgrammesChoiceRules) {
  everyone_waits_for_a_pair();
  // Not offered: refused with the programme's field.
  const std::string off = error_of([&] {
    command("pairing_request", {{"mentee_id", "P2"}, {"mentor_id", "M1"}});
  });
  EXPECT_NE(off.find("participant_choice.mentee_requests_mentor"), std::string::npos) << off;
  // Mentors who may not decline: the request is the pair.
  participant_choice = {{"mentee_requests_mentor", true}, {"mentor_may_decline", false}};
  const json paired = command("pairing_request", {{"mentee_id", "P2"}, {"mentor_id", "M1"}});
  EXPECT_EQ(paired["state"], "accepted");
  EXPECT_EQ(state_of("P2"), "paired");
}

TEST_F(PairingModule, WhereTheMentorMakesFirstContactEachSideIsToldSo) {
  first_contact_by = "mentor";
  everyone_waits_for_a_pair();
  command("pair", {{"mentee_id", "P1"}, {"mentor_id", "M2"}});
  run();
  const auto to_mentee = pushed_to(hr, "P1", "paired/");
  const auto to_mentor = pushed_to(hr, "M2", "paired/");
  ASSERT_EQ(to_mentee.size(), 1u);
  ASSERT_EQ(to_mentor.size(), 1u);
  EXPECT_NE(to_mentee[0]["payload"]["text"].get<std::string>().find(
                "Your mentor Person M2 will be in touch"),
            std::string::npos);
  EXPECT_NE(to_mentor[0]["payload"]["text"].get<std::string>().find("You make first contact"),
            std::string::npos);
}

// A mentee's request holds the mentor's room against the engine's proposals (a request is the
// participants' choice; a proposal only a proposal), and requests never exceed a mentor's room.
TEST_F(PairingModule, ARequestHoldsTheMentorsRoomAndRequestsNeverExceedIt) {
  participant_choice = {{"mentee_requests_mentor", true}, {"mentor_may_decline", true}};
  mentor_capacity = 1;
  everyone_waits_for_a_pair();
  run();
  auto engine = proposal_by_mentee();
  ASSERT_EQ(engine["P2"]["mentor_id"], "M1");  // P2's only eligible mentor
  const json asked = command("pairing_request", {{"mentee_id", "P1"}, {"mentor_id", "M1"}});
  const json pass = run()["modules"]["pairing"]["programmes"]["return-to-work"];
  auto after = proposal_by_mentee();
  EXPECT_EQ(after["P1"]["pair_id"], asked["pair_id"]) << pass.dump(2);
  EXPECT_EQ(after.count("P2"), 0u) << pass.dump(2);
  ASSERT_EQ(pass["discarded"].size(), 1u) << pass.dump(2);
  EXPECT_EQ(pass["discarded"][0]["mentee_id"], "P2");
  EXPECT_EQ(pass["discarded"][0]["why"], "the mentor has no free capacity left");
  const std::string full = error_of([&] {
    command("pairing_request", {{"mentee_id", "P2"}, {"mentor_id", "M1"}});
  });
  EXPECT_NE(full.find("/mentor_id: M1 already mentors 0 and has 1 open request(s)"),
            std::string::npos)
      << full;
}

// HR's page shows each proposal's score per criterion in words (issue 15): the
// weight, the pair's value, the contribution and what it meant for this pair.
TEST_F(PairingModule, EachProposalIsExplainedPerCriterionInWords) {
  everyone_waits_for_a_pair();
  run();
  auto by_mentee = proposal_by_mentee();
  const json& p1 = by_mentee["P1"];
  ASSERT_TRUE(p1.contains("explanation")) << p1.dump(2);
  std::map<std::string, json> by_criterion;
  double sum = 0;
  for (const auto& e : p1["explanation"]) {
    by_criterion[e["criterion"]] = e;
    sum += e["contribution"].get<double>();
    EXPECT_DOUBLE_EQ(e["contribution"].get<double>(),
                     e["weight"].get<double>() * e["value"].get<double>())
        << e.dump();
    EXPECT_DOUBLE_EQ(e["contribution"].get<double>(),
                     p1["breakdown"][e["criterion"].get<std::string>()].get<double>());
  }
  EXPECT_DOUBLE_EQ(sum, p1["score"].get<double>());
  // Same leave kind (weight 3) and same department: full marks, said so.
  EXPECT_EQ(by_criterion["same_leave_kind"]["level"], "full");
  EXPECT_EQ(by_criterion["same_leave_kind"]["words"],
            "the mentor lived through the same kind of leave");
  EXPECT_DOUBLE_EQ(by_criterion["same_leave_kind"]["weight"].get<double>(), 3.0);
  EXPECT_EQ(by_criterion["org_proximity"]["level"], "full");
  EXPECT_EQ(by_criterion["org_proximity"]["about"], "how close they are in the organisation");
  // Criteria the programme does not weigh (seniority gap, themes: weight 0) are left out.
  EXPECT_EQ(by_criterion.count("seniority_gap"), 0u);
  EXPECT_EQ(by_criterion.count("theme_overlap"), 0u);
  // P2 shares neither leave kind nor department with M1: none, in words.
  std::map<std::string, json> p2;
  for (const auto& e : by_mentee["P2"]["explanation"]) p2[e["criterion"]] = e;
  EXPECT_EQ(p2["same_leave_kind"]["level"], "none");
  EXPECT_EQ(p2["same_leave_kind"]["words"], "the mentor's leave was of another kind");
}
