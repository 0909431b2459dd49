// Issue 13's enrolment corrections through the loaded plugin: re-invitation
// rounds, a decline that is final, a leave that no longer fits, the mentee
// experience rule, training switched off, and commands about things that do
// not exist.
#include <mentoring/fake_host.hpp>
#include <mentoring/loader.hpp>
#include <mentoring/schema.hpp>
#include <mentoring/store/org_store.hpp>

#include "hr_records.hpp"
#include "scripted_host_system.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>

using json = nlohmann::json;
using namespace mentoring::host;

namespace {

json programme(const std::string& id) {
  return mentoring::schema::parse_file(std::string(PROGRAMMES_DIR) + "/" + id + ".json");
}

json person(const std::string& id, const std::string& start_date = "2010-01-01") {
  return {{"id", id}, {"name", "Person " + id}, {"start_date", start_date}};
}
using mentoring::test_support::leave;

class EnrolmentCorrections : public ::testing::Test {
 protected:
  void SetUp() override {
    host.set_today("2026-12-01");
    host.set_organisation("acme");
    hr.people = json::array({person("P1"), person("P2")});
    // Both start within programme A's window (3 to 6 months ahead) for weeks to come.
    hr.leave = json::array({leave("L1", "P1", "2027-05-20", "2027-11-19"),
                            leave("L2", "P2", "2027-05-25", "2027-11-24")});
    host.add_adapter(
        "hr", {"read_people", "read_leave", "read_course_completions", "write_actions"},
        [this](const std::string& c, const std::string& i) { return hr.handle(c, i); });
    programmes = json::array({programme("return-to-work")});
  }
  json config() {
    return {{"id", "acme"},
            {"name", "Acme"},
            {"modules", modules},
            {"policy", {{"programme_manager_email", "pm@acme.example"}}},
            {"programmes", programmes},
            {"adapters", json::array()}};
  }
  json run_on(const std::string& day) {
    host.set_today(day);
    return command("run", json::object());
  }
  json command(const std::string& name, const json& input) {
    ModuleInstance plugin(ModuleLibrary::load(MENTORING_PLUGIN_PATH), host.host(), config().dump());
    return json::parse(plugin.call(name, input.dump()));
  }
  // On 2026-12-01, P1 (invited) consents and HR pairs her with M1, a trained
  // mentor with leave of her own: the `pair` answer.
  json pair_p1_with_a_trained_mentor() {
    hr.people.push_back(person("M1"));
    hr.leave.push_back(leave("LM", "M1", "2023-01-01", "2023-09-30"));
    hr.completions = json::array(
        {{{"person_id", "M1"}, {"course_id", "MENTOR-101"}, {"completed_at", "2026-06-01"}},
         {{"person_id", "P1"}, {"course_id", "RTW-PAIR-01"}, {"completed_at", "2026-11-01"}}});
    run_on("2026-12-01");
    command("accept", {{"person_id", "P1"}});
    command("nominate", {{"person_id", "M1"}, {"role", "mentor"}});
    return command("pair", {{"mentee_id", "P1"}, {"mentor_id", "M1"}});
  }
  // The person's last enrolment of that role (by history).
  std::string state_of(const std::string& person, const std::string& role = "mentee") {
    std::string state = "(none)";
    const json history = command("history", {{"person_id", person}});
    for (const auto& t : history["transitions"]) {
      if (t["role"] == role) state = t["to"];
    }
    return state;
  }
  std::vector<json> pushed(const std::string& type, const std::string& person) {
    std::vector<json> out;
    for (const auto& a : hr.pushed) {
      if (a["type"] == type && a["person_id"] == person) out.push_back(a);
    }
    return out;
  }

  mentoring::testing::FakeHost host;
  mentoring::testing::ScriptedHostSystem hr;
  json modules = {{"enrolment", true}, {"training", true}};
  json programmes;
};

}  // namespace

TEST_F(EnrolmentCorrections, AnExpiredInvitationIsSentAgainOnceUnderANewKeyAndThenRests) {
  run_on("2026-12-01");
  ASSERT_EQ(pushed("invite", "P1").size(), 1u);
  EXPECT_EQ(pushed("invite", "P1")[0]["idempotency_key"], "invite/acme/return-to-work/P1/L1");

  // Programme A: 21 days to answer. The day after: expired, and invited again.
  json second = run_on("2026-12-23");
  auto invites = pushed("invite", "P1");
  ASSERT_EQ(invites.size(), 2u) << second.dump(2);
  EXPECT_EQ(invites[1]["idempotency_key"], "invite/acme/return-to-work/P1/L1/r2");
  EXPECT_EQ(invites[1]["payload"]["respond_by"], "2027-01-13");
  EXPECT_TRUE(mentoring::schema::validate("action", invites[1], "pushed").empty());
  EXPECT_EQ(state_of("P1"), "invited");

  // No answer again: expired for good (reinvite_after_expiry defaults to 1).
  json third = run_on("2027-01-14");
  EXPECT_EQ(pushed("invite", "P1").size(), 2u);
  EXPECT_EQ(state_of("P1"), "expired");
  json later = run_on("2027-01-21");
  EXPECT_EQ(pushed("invite", "P1").size(), 2u);
  EXPECT_EQ(state_of("P1"), "expired");
  EXPECT_EQ(later["totals"]["open_invitations"], 0);
}

TEST_F(EnrolmentCorrections, ADeclineIsFinalForThatLeaveAndHoldsNoPlace) {
  programmes[0]["cohort_capacity"] = 1;
  run_on("2026-12-01");
  ASSERT_EQ(pushed("invite", "P1").size(), 1u);
  EXPECT_TRUE(pushed("invite", "P2").empty());  // the cohort of one is full: P2 waits
  command("decline", {{"person_id", "P1"}, {"reason", "not for me"}});

  run_on("2026-12-02");
  EXPECT_EQ(state_of("P1"), "declined");
  EXPECT_EQ(pushed("invite", "P1").size(), 1u);
  ASSERT_EQ(pushed("invite", "P2").size(), 1u);  // the place went to the waiting list
  json eligible = command("eligible", {{"programme", "return-to-work"}});
  for (const auto& w : eligible["waiting_for_a_place"]) EXPECT_NE(w["person_id"], "P1");
  run_on("2026-12-09");
  EXPECT_EQ(state_of("P1"), "declined");
}

TEST_F(EnrolmentCorrections, AReInvitationWaitingForAPlaceIsSentUnderItsOwnKeyWhenOneFrees) {
  programmes[0]["cohort_capacity"] = 1;
  run_on("2026-12-01");  // P1 invited, P2 waits
  run_on("2026-12-23");  // P1 expired: the place goes to P2; P1's second round waits
  ASSERT_EQ(pushed("invite", "P2").size(), 1u);
  EXPECT_EQ(pushed("invite", "P1").size(), 1u);
  EXPECT_EQ(state_of("P1"), "eligible");
  command("decline", {{"person_id", "P2"}});
  run_on("2026-12-24");
  auto invites = pushed("invite", "P1");
  ASSERT_EQ(invites.size(), 2u);
  EXPECT_EQ(invites[1]["idempotency_key"], "invite/acme/return-to-work/P1/L1/r2");
}

TEST_F(EnrolmentCorrections, ALeaveMovedTenMonthsLaterWithdrawsTheOpenInvitation) {
  run_on("2026-12-01");
  hr.leave[0]["start"] = "2028-03-20";
  hr.leave[0]["expected_end"] = "2028-09-19";
  hr.version = 2;
  json second = run_on("2026-12-02");
  EXPECT_EQ(state_of("P1"), "withdrawn");
  auto withdrawals = pushed("withdraw_invitation", "P1");
  ASSERT_EQ(withdrawals.size(), 1u) << second.dump(2);
  EXPECT_NE(withdrawals[0]["payload"]["reason"].get<std::string>().find("invitation window"),
            std::string::npos);
  EXPECT_EQ(withdrawals[0]["payload"]["invitation_key"], "invite/acme/return-to-work/P1/L1");
  ASSERT_EQ(second["modules"]["enrolment"]["withdrawn"].size(), 1u);
  EXPECT_EQ(second["modules"]["enrolment"]["withdrawn"][0]["why"], "leave_left_the_window");

  // Its time comes: the moved leave is invited, as a new round.
  run_on("2027-09-21");
  auto invites = pushed("invite", "P1");
  ASSERT_EQ(invites.size(), 2u);
  EXPECT_EQ(invites[1]["idempotency_key"], "invite/acme/return-to-work/P1/L1/r2");
}

TEST_F(EnrolmentCorrections, ALeaveCutBelowTheMinimumWithdrawsTheOpenInvitation) {
  run_on("2026-12-01");
  hr.leave[0]["expected_end"] = "2027-06-30";  // 42 days; programme A needs 90
  hr.version = 2;
  run_on("2026-12-02");
  EXPECT_EQ(state_of("P1"), "withdrawn");
  ASSERT_EQ(pushed("withdraw_invitation", "P1").size(), 1u);
  EXPECT_NE(pushed("withdraw_invitation", "P1")[0]["payload"]["reason"].get<std::string>().find(
                "fewer than the programme's minimum of 90"),
            std::string::npos);
}

TEST_F(EnrolmentCorrections, ALeaveMovedOutOfTheWindowAfterConsentIsAQuestionNotAWithdrawal) {
  run_on("2026-12-01");
  command("accept", {{"person_id", "P1"}});
  hr.leave[0]["start"] = "2028-03-20";
  hr.leave[0]["expected_end"] = "2028-09-19";
  hr.version = 2;
  json asked = run_on("2026-12-02");
  EXPECT_EQ(state_of("P1"), "awaiting_pair");
  const json& questions = asked["modules"]["enrolment"]["questions_for_programme_manager"];
  ASSERT_EQ(questions.size(), 1u) << asked.dump(2);
  EXPECT_EQ(questions[0]["reason"], "leave_no_longer_fits");
  EXPECT_FALSE(pushed("task", "P1").empty());
  // Asked once: the next run does not ask again.
  json again = run_on("2026-12-03");
  EXPECT_TRUE(again["modules"]["enrolment"]["questions_for_programme_manager"].empty());
}

TEST_F(EnrolmentCorrections, ProgrammeCTakesOnlyMenteesWithMoreThanFiveYearsExperience) {
  programmes = json::array({programme("career-network")});
  hr.people.push_back(person("NEW", "2024-09-01"));
  hr.people.push_back(person("OLD", "2015-09-01"));
  run_on("2026-12-01");
  try {
    command("nominate", {{"person_id", "NEW"}, {"role", "mentee"}});
    ADD_FAILURE() << "a mentee with two years' experience was taken into programme C";
  } catch (const CallError& e) {
    EXPECT_EQ(e.status(), MENTORING_ERR_INVALID_INPUT);
    std::string message = e.what();
    EXPECT_NE(message.find("/person_id"), std::string::npos) << message;
    EXPECT_NE(message.find("5 years"), std::string::npos) << message;
  }
  json ok = command("nominate", {{"person_id", "OLD"}, {"role", "mentee"}});
  EXPECT_EQ(ok["enrolment"]["state"], "awaiting_pair");
}

TEST_F(EnrolmentCorrections, ProgrammeBWithTrainingSwitchedOffLetsAVolunteerMentorBePaired) {
  programmes = json::array({programme("maternity-consultancy")});
  modules = {{"enrolment", true}, {"training", false}};
  json mentor = person("M1");
  hr.people.push_back(mentor);
  hr.leave.push_back(leave("LM", "M1", "2023-01-01", "2023-09-30"));
  run_on("2026-12-01");
  json nominated = command("nominate", {{"person_id", "M1"}, {"role", "mentor"}});
  EXPECT_EQ(nominated["enrolment"]["state"], "awaiting_pair");  // never awaiting_training
  run_on("2026-12-02");
  EXPECT_EQ(state_of("M1", "mentor"), "awaiting_pair");
}

TEST_F(EnrolmentCorrections, AcknowledgingTheChangeOfAPairThatDoesNotExistIsAnError) {
  run_on("2026-12-01");
  try {
    command("acknowledge_change", {{"pair_id", 4242}});
    ADD_FAILURE() << "acknowledge_change answered ok for a pair that does not exist";
  } catch (const CallError& e) {
    EXPECT_EQ(e.status(), MENTORING_ERR_INVALID_INPUT);
    std::string message = e.what();
    EXPECT_NE(message.find("/pair_id"), std::string::npos) << message;
    EXPECT_NE(message.find("4242"), std::string::npos) << message;
  }
}

TEST_F(EnrolmentCorrections, AnActiveMenteeAlwaysHasAPlannedEndThatMovesWithTheLeave) {
  json paired = pair_p1_with_a_trained_mentor();
  ASSERT_EQ(paired["mentee"]["state"], "active");
  std::string first_end = paired["mentee"]["ends_on"];
  EXPECT_GT(first_end, "2027-11-20");  // after the return, not nine months after pairing

  hr.leave[0]["start"] = "2027-07-20";
  hr.leave[0]["expected_end"] = "2028-01-19";
  hr.version = 2;
  run_on("2026-12-02");
  // The sessions' tracking reads the enrolment's own end from the store.
  mentoring::store::OrgStore store(host.storage_directory(), "acme");
  std::optional<mentoring::domain::Date> moved_end;
  for (const auto& e : store.enrolments_of("P1")) {
    if (e.state == mentoring::domain::EnrolmentState::active) moved_end = e.ends_on;
  }
  ASSERT_TRUE(moved_end);
  // Two months later, with the return.
  EXPECT_GT(mentoring::domain::format_date(*moved_end), first_end);
  EXPECT_GT(mentoring::domain::format_date(*moved_end), "2028-01-20");
}

TEST_F(EnrolmentCorrections, AnActiveMenteeStoredWithoutAPlannedEndGetsOneOnTheNextRun) {
  json paired = pair_p1_with_a_trained_mentor();
  ASSERT_EQ(paired["mentee"]["state"], "active");
  auto active_of = [&](mentoring::store::OrgStore& store) {
    for (auto e : store.enrolments_of("P1")) {
      if (e.state == mentoring::domain::EnrolmentState::active) return e;
    }
    throw std::runtime_error("P1 is not active");
  };
  {
    // As an earlier version could leave it (an enrolment made active without an end).
    mentoring::store::OrgStore store(host.storage_directory(), "acme");
    auto e = active_of(store);
    e.ends_on.reset();
    store.update_details(e, "2026-12-01T12:00:00Z");
  }
  run_on("2026-12-02");
  mentoring::store::OrgStore store(host.storage_directory(), "acme");
  auto repaired = active_of(store).ends_on;
  ASSERT_TRUE(repaired);
  EXPECT_EQ(mentoring::domain::format_date(*repaired), paired["mentee"]["ends_on"]);
}

TEST_F(EnrolmentCorrections, UpcomingLeaveIsLaterThanTheWindowOrAwaitingApprovalNeverCancelled) {
  hr.people.push_back(person("P3"));
  hr.people.push_back(person("P4"));
  hr.people.push_back(person("P5"));
  hr.leave.push_back(leave("L3", "P3", "2027-09-01", "2028-02-28"));  // later
  hr.leave.push_back(
      leave("L4", "P4", "2027-04-01", "2027-09-30", "requested"));  // not yet approved
  hr.leave.push_back(leave("L5", "P5", "2027-04-01", "2027-09-30", "cancelled"));  // never
  run_on("2026-12-01");
  json eligible = command("eligible", {{"programme", "return-to-work"}});
  std::map<std::string, std::string> upcoming;
  for (const auto& u : eligible["upcoming"]) upcoming[u["person_id"]] = u.value("reason", "");
  EXPECT_EQ(upcoming["P3"], "starts_after_window");
  EXPECT_EQ(upcoming["P4"], "requested");
  EXPECT_FALSE(upcoming.count("P5")) << eligible.dump(2);
  EXPECT_TRUE(
      mentoring::schema::validate("commands/eligible.output", eligible, "eligible").empty());
}
