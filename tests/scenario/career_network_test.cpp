// Reference programme C (examples/programmes/career-network.json) for a year
// and a little more at Guildnet, a professional network: voluntary, not linked
// to leave, more than five years of experience on both sides; the mentee asks
// for a mentor, the mentor declines with a reason and the mentee goes back to
// the pool without him; the mentee receives the mentor's contact and makes
// first contact; at least two meetings, monthly by default; a pair that stops
// meeting is reminded and flagged; a mentor leaves; the mentorship is
// extended and tracked until its new end. Training and return-to-work are
// switched off for the organisation.
//
// Tests named *_Enrol, *_Pairing, *_Sessions, *_Policy wait for that helper's
// branch of issue 13 (see README.md); the others hold today.
#include "scenario_people.hpp"

#include <set>

namespace {

using namespace scenario;

constexpr const char* kC = "career-network";
constexpr const char* kOrg = "guildnet";
constexpr const char* kQuestion = "How do I move from engineering into product leadership?";

struct YearC : ReplayedYear {
  std::int64_t ada_pair = 0, eve_pair = 0, eve_second_pair = 0;
  std::string ada_mentor, ada_proposed_after_decline, eve_second_mentor;
};

void session(YearC& y, std::int64_t pair, const std::string& day) {
  y.record_session(pair, day, "mentee", "what we talked about on " + day);
}

void replay(YearC& y) {
  Scenario& s = y.s;
  s.hr.add_person(person("ada", "Ada Asks", kOrg, std::nullopt, "2010-09-01"));
  s.hr.add_person(person("ben", "Ben Junior", kOrg, std::nullopt, "2024-06-01"));
  s.hr.add_person(person("eve", "Eve Quiet", kOrg, std::nullopt, "2015-03-01"));
  s.hr.add_person(person("cleo", "Cleo Mentor", kOrg, std::nullopt, "2012-01-01"));
  s.hr.add_person(person("dan", "Dan Busy", kOrg, std::nullopt, "2008-01-01"));
  s.hr.add_person(person("fay", "Fay Leaves", kOrg, std::nullopt, "2011-01-01"));
  s.hr.add_person(person("gwen", "Gwen Joins Later", kOrg, std::nullopt, "2009-01-01"));

  s.start(kOrg,
          {{"enrolment", true},
           {"training", false},
           {"pairing", true},
           {"supervision", true},
           {"evaluation", true},
           {"return_to_work", false}},
          {kC}, "2027-01-04");
  for (const char* mentor : {"cleo", "dan", "fay"}) {
    y.answers[std::string("nominate mentor ") + mentor] =
        s.try_command("nominate", {{"programme", kC}, {"person_id", mentor}, {"role", "mentor"}});
  }
  for (const char* mentee : {"ada", "eve", "ben"}) {
    y.answers[std::string("nominate mentee ") + mentee] =
        s.try_command("nominate", {{"programme", kC}, {"person_id", mentee}, {"role", "mentee"}});
  }
  y.answers["nominate mentor ben"] =
      s.try_command("nominate", {{"programme", kC}, {"person_id", "ben"}, {"role", "mentor"}});
  y.answers["pair eve"] =
      s.try_command("pair", {{"programme", kC}, {"mentee_id", "eve"}, {"mentor_id", "fay"}});
  y.eve_pair = pair_of(s, kC, "eve", "accepted");
  // Ada states her mentoring question and asks for Dan; Dan declines with a reason; Ada goes
  // back to the pool without him, asks for the mentor proposed next, who says yes.
  y.answers["ada wishes"] =
      s.try_command("pairing_wishes",
                    {{"programme", kC}, {"person_id", "ada"}, {"mentoring_question", kQuestion}});
  y.answers["ada requests dan"] = s.try_command(
      "pairing_request", {{"programme", kC}, {"mentee_id", "ada"}, {"mentor_id", "dan"}});
  y.answers["kit day refused"] =
      s.try_command("kit_day_record", {{"person_id", "ada"}, {"date", "2027-01-04"}});
  y.answers["training_blocked refused"] = s.try_command("training_blocked", json::object());

  s.advance_to("2027-01-05");
  y.answers["dan declines"] = s.try_command("pairing_mentor_answer",
                                            {{"pair_id", pair_id_in(y.answers["ada requests dan"])},
                                             {"answer", "decline"},
                                             {"reason", "no room this year"}});
  s.advance_to("2027-01-06");
  pair_of(s, kC, "ada", "proposed", &y.ada_proposed_after_decline);
  y.seen["proposals 2027-01-06"] = pairs_listed(s, kC);
  if (!y.ada_proposed_after_decline.empty()) {
    const Answer asked = s.try_command(
        "pairing_request",
        {{"programme", kC}, {"mentee_id", "ada"}, {"mentor_id", y.ada_proposed_after_decline}});
    y.answers["ada requests again"] = asked;
    y.answers["mentor accepts ada"] = s.try_command(
        "pairing_mentor_answer", {{"pair_id", pair_id_in(asked)}, {"answer", "accept"}});
  }
  y.ada_pair = pair_of(s, kC, "ada", "accepted", &y.ada_mentor);
  if (y.ada_pair == 0) {  // keep the year going on a branch without participant choice
    y.ada_pair = accept_standing_proposal(s, kC, "ada", "hr", &y.ada_mentor);
  }

  session(y, y.ada_pair, "2027-01-14");  // the mentee's first contact, within 14 days
  session(y, y.eve_pair, "2027-01-25");  // eleven days late
  session(y, y.ada_pair, "2027-02-11");
  session(y, y.eve_pair, "2027-02-22");
  session(y, y.ada_pair, "2027-03-11");
  s.advance_to("2027-03-12");
  y.seen["ada sessions hr"] = s.command("session_list", {{"pair_id", y.ada_pair}});
  y.seen["ada sessions mentee"] =
      s.command_as_member("mentee", "session_list", {{"pair_id", y.ada_pair}});
  session(y, y.eve_pair, "2027-03-22");
  session(y, y.eve_pair, "2027-04-19");
  // Ada and Cleo skip April (due 2027-04-08) and meet again in May.
  session(y, y.ada_pair, "2027-05-06");
  session(y, y.eve_pair, "2027-05-17");
  s.advance_to("2027-05-20");
  s.hr.person("fay")["end_date"] = "2027-06-30";
  s.hr.changed();
  y.answers["nominate mentor gwen"] =
      s.try_command("nominate", {{"programme", kC}, {"person_id", "gwen"}, {"role", "mentor"}});
  session(y, y.ada_pair, "2027-06-03");
  session(y, y.eve_pair, "2027-06-14");
  session(y, y.ada_pair, "2027-07-01");
  s.advance_to("2027-07-02");
  y.eve_second_pair = accept_standing_proposal(s, kC, "eve", "hr", &y.eve_second_mentor);
  for (const char* day :
       {"2027-07-29", "2027-08-26", "2027-09-23", "2027-10-21", "2027-11-18", "2027-12-16"}) {
    session(y, y.ada_pair, day);
  }
  s.advance_to("2027-12-16");
  y.answers["extend ada"] = s.try_command("extend", {{"person_id", "ada"}, {"months", 3}});
  // No session after 2027-12-16: the one due 2028-01-13 falls inside the extension.
  s.advance_to("2028-04-15");
  y.seen["ada history"] = s.command("history", {{"person_id", "ada"}});
  y.seen["waiting"] = s.command("waiting", {{"programme", kC}});
}

class CareerNetworkYear : public YearSuite<YearC, replay> {};

}  // namespace

// --- what holds on main today ----------------------------------------------------------

TEST_F(CareerNetworkYear, TheYearIsReplayedToItsEnd) {
  expect_replayed_to_its_end();
}

TEST_F(CareerNetworkYear, VolunteersWithMoreThanFiveYearsJoinAndNoOneIsInvited) {
  for (const char* who : {"nominate mentor cleo", "nominate mentor dan", "nominate mentor fay",
                          "nominate mentee ada", "nominate mentee eve"}) {
    ASSERT_TRUE(y.answers[who].ok) << who << ": " << y.answers[who].message;
    EXPECT_EQ(y.answers[who].output["enrolment"]["state"], "awaiting_pair") << who;
  }
  const Answer& ben = y.answers["nominate mentor ben"];
  EXPECT_FALSE(ben.ok);
  EXPECT_NE(ben.message.find("fewer than 5 years"), std::string::npos) << ben.message;
  for (const char* who : {"ada", "ben", "cleo", "dan", "eve", "fay"}) {
    EXPECT_TRUE(of_type(s.received(who), "invite").empty()) << who << " was never on leave";
    EXPECT_TRUE(of_type(s.received(who), "enrol_in_course").empty()) << who;
  }
}

TEST_F(CareerNetworkYear, TheMenteeReceivesTheMentorsContactAndMakesFirstContact) {
  ASSERT_NE(y.ada_pair, 0) << "ada was never paired";
  auto told = mentioning(of_type(s.received("ada"), "notify"), "you have been paired");
  ASSERT_EQ(told.size(), 1u) << describe(s.received("ada"));
  const json& payload = told[0].action["payload"];
  EXPECT_EQ(payload["mentor"]["person_id"], y.ada_mentor);
  EXPECT_EQ(payload["mentor"]["email"], y.ada_mentor + "@guildnet.example");
  EXPECT_NE(payload["text"].get<std::string>().find("first contact"), std::string::npos)
      << "the mentee is told who makes first contact: " << payload["text"];
  EXPECT_TRUE(manager_tasks_about_pair(s, y.ada_pair, "2027-01-06", "2027-04-08").empty())
      << "first contact on day 8, monthly after: nothing for the programme manager";
}

TEST_F(CareerNetworkYear, NoFirstContactWithinFourteenDaysIsFlagged) {
  ASSERT_NE(y.eve_pair, 0) << y.answers["pair eve"].message;
  auto flags = manager_tasks_about_pair(s, y.eve_pair, "2027-01-04", "2027-01-25");
  ASSERT_EQ(flags.size(), 1u) << describe(s.received("programme_manager"));
  EXPECT_EQ(flags[0].day, "2027-01-19");  // pairing + 14, the day after
  EXPECT_NE(flags[0].words().find("first contact"), std::string::npos);
}

TEST_F(CareerNetworkYear, HrSeesHowOftenThePairMeetsButNeverWhatWasSaid) {
  const json& hr = y.seen["ada sessions hr"];
  EXPECT_EQ(hr["held"], 3);
  EXPECT_EQ(hr["min_meetings_met"], true);  // at least two meetings
  EXPECT_EQ(hr["every_weeks"], 4);
  EXPECT_EQ(hr.dump().find("what we talked about"), std::string::npos);
  EXPECT_NE(y.seen["ada sessions mentee"].dump().find("what we talked about"), std::string::npos);
}

TEST_F(CareerNetworkYear, ASkippedMonthIsRemindedThenFlaggedThenQuiet) {
  auto reminders =
      session_reminders(s.received_between("ada", "2027-04-01", "2027-05-06"), y.ada_pair);
  ASSERT_EQ(reminders.size(), 1u) << describe(
      s.received_between("ada", "2027-04-01", "2027-05-06"));
  EXPECT_EQ(reminders[0].day, "2027-04-09");  // due 2027-04-08
  EXPECT_EQ(
      session_reminders(s.received_between(y.ada_mentor, "2027-04-09", "2027-04-09"), y.ada_pair)
          .size(),
      1u);
  auto flags = manager_tasks_about_pair(s, y.ada_pair, "2027-04-09", "2027-05-06");
  ASSERT_EQ(flags.size(), 1u);
  EXPECT_EQ(flags[0].day, "2027-04-23");
  EXPECT_TRUE(manager_tasks_about_pair(s, y.ada_pair, "2027-05-07", "2027-12-31").empty());
}

TEST_F(CareerNetworkYear, AMentorWhoLeavesEndsThePairAndTheMenteeIsPairedAgain) {
  auto ended =
      mentioning(s.received_between("eve", "2027-06-30", "2027-06-30"), "your pairing has ended");
  EXPECT_EQ(ended.size(), 1u) << describe(s.received("eve"));
  ASSERT_NE(y.eve_second_pair, 0);
  EXPECT_NE(y.eve_second_mentor, "fay");
}

TEST_F(CareerNetworkYear, AnonymousSurveysDuringAndAfterTheMentorship) {
  auto mid = surveys(s.received("ada"), "mid-mentee");
  ASSERT_EQ(mid.size(), 1u);
  EXPECT_EQ(mid[0].day, "2027-04-06");  // pairing + 90
  EXPECT_EQ(surveys(s.received(y.ada_mentor), "mid-mentor").size(), 1u);
  auto end = surveys(s.received("ada"), "end-mentee");
  ASSERT_EQ(end.size(), 1u);
  EXPECT_EQ(end[0].day, "2028-04-06") << "at the extended end";
}

TEST_F(CareerNetworkYear, TheMentorshipIsExtendedAndThenCompleted) {
  ASSERT_TRUE(y.answers["extend ada"].ok) << y.answers["extend ada"].message;
  EXPECT_EQ(y.answers["extend ada"].output["enrolment"]["ends_on"], "2028-04-06");
  EXPECT_EQ(s.state_of("ada", kC), "completed");
  std::vector<std::string> states;
  for (const auto& t : y.seen["ada history"]["transitions"]) {
    if (states.empty() || states.back() != t["to"]) states.push_back(t["to"]);
  }
  EXPECT_EQ(states, (std::vector<std::string>{"consented", "awaiting_pair", "paired", "active",
                                              "extended", "completed"}));
}

TEST_F(CareerNetworkYear, NoKeyDeliveredTwiceAndNothingForPeopleWhoLeft) {
  expect_no_year_problems();
}

// --- promises that wait for the enrolment helper ---------------------------------------

TEST_F(CareerNetworkYear, AMenteeNeedsMoreThanFiveYearsToo_Enrol) {
  const Answer& ben = y.answers["nominate mentee ben"];
  EXPECT_FALSE(ben.ok) << "ben started in 2024";
  EXPECT_EQ(ben.status, MENTORING_ERR_INVALID_INPUT);
  EXPECT_EQ(s.state_of("ben", kC), "(none)");
}

// --- promises that wait for the pairing helper (participant choice) --------------------

TEST_F(CareerNetworkYear, TheMenteeAsksForAMentorWhoIsAskedToAnswer_Pairing) {
  ASSERT_TRUE(y.answers["ada wishes"].ok) << y.answers["ada wishes"].message;
  ASSERT_TRUE(y.answers["ada requests dan"].ok) << y.answers["ada requests dan"].message;
  auto asked =
      mentioning(s.received_between("dan", "2027-01-05", "2027-01-05"), "asks you to mentor");
  ASSERT_EQ(asked.size(), 1u) << describe(s.received("dan"));
  // The asked mentor reads the question: the future pair's, nobody else's.
  EXPECT_NE(asked[0].words().find(kQuestion), std::string::npos) << asked[0].words();
}

TEST_F(CareerNetworkYear, AMentorsDeclineReturnsTheMenteeToThePoolWithoutHim_Pairing) {
  ASSERT_TRUE(y.answers["dan declines"].ok) << y.answers["dan declines"].message;
  auto told =
      mentioning(s.received_between("ada", "2027-01-06", "2027-01-06"), "no room this year");
  EXPECT_EQ(told.size(), 1u) << "the mentee hears the reason" << describe(s.received("ada"));
  EXPECT_FALSE(y.ada_proposed_after_decline.empty()) << "ada was not proposed again";
  EXPECT_NE(y.ada_proposed_after_decline, "dan");
  ASSERT_TRUE(y.answers["ada requests again"].ok) << y.answers["ada requests again"].message;
  ASSERT_TRUE(y.answers["mentor accepts ada"].ok) << y.answers["mentor accepts ada"].message;
  EXPECT_EQ(y.ada_mentor, y.ada_proposed_after_decline);
}

TEST_F(CareerNetworkYear, TheMentoringQuestionNeverReachesHr_Pairing) {
  ASSERT_TRUE(y.answers["ada wishes"].ok) << y.answers["ada wishes"].message;
  for (const char* view : {"proposals 2027-01-06", "waiting", "ada history"}) {
    EXPECT_EQ(y.seen[view].dump().find("product leadership"), std::string::npos) << view;
  }
  for (const auto& r : s.received("programme_manager")) {
    EXPECT_EQ(r.words().find("product leadership"), std::string::npos) << describe({r});
  }
}

// --- promises that wait for the sessions helper ----------------------------------------

TEST_F(CareerNetworkYear, TrackingFollowsTheExtendedEnd_Sessions) {
  auto reminders =
      session_reminders(s.received_between("ada", "2028-01-01", "2028-04-06"), y.ada_pair);
  ASSERT_EQ(reminders.size(), 1u) << "the session due 2028-01-13 falls inside the extension";
  EXPECT_EQ(reminders[0].day, "2028-01-14");
  EXPECT_TRUE(
      session_reminders(s.received_between("ada", "2028-04-07", "2028-04-15"), y.ada_pair).empty())
      << "nothing after the end";
}

// --- promises that wait for the policy helper (module switches) ------------------------

TEST_F(CareerNetworkYear, CommandsOfSwitchedOffModulesAreRefused_Policy) {
  for (const auto& [label, module] : std::map<std::string, std::string>{
           {"kit day refused", "return_to_work"}, {"training_blocked refused", "training"}}) {
    const Answer& a = y.answers[label];
    EXPECT_FALSE(a.ok) << label;
    EXPECT_EQ(a.status, MENTORING_ERR_INVALID_INPUT) << label << ": " << a.message;
    EXPECT_NE(a.message.find("switched off (modules." + module), std::string::npos)
        << label << ": " << a.message;
  }
}
