// Reference programme A (examples/programmes/return-to-work.json) for a year
// and a little more at Northdale, a small organisation: invitations three to
// six months before leave of at least 90 days; answers yes, no and none;
// leave cancelled, shortened, moved ten months and approved late; mentors
// trained, training later and lapsing; a pair meeting before leave, resting
// during it and meeting again after the return; a mentee leaving the
// organisation; the line manager's return meeting; KIT days; surveys; pay it
// forward. The year is replayed once (SetUpTestSuite, one run per day); each
// TEST checks one promise against what people received and HR's answers.
//
// Tests named *_Enrol, *_Pairing, *_Sessions, *_Return, *_Policy wait for
// that helper's branch of issue 13 (see README.md); the others hold today.
#include "scenario_people.hpp"

#include <set>

namespace {

using namespace scenario;

constexpr const char* kA = "return-to-work";
constexpr const char* kOrg = "northdale";

struct YearA : ReplayedYear {
  std::int64_t erin_pair = 0, xan_pair = 0, yara_pair = 0, zed_pair = 0;
  std::string erin_mentor, xan_mentor, yara_mentor;
  std::string mei_state_after_nomination;
};

void session(YearA& y, std::int64_t pair, const std::string& day) {
  y.record_session(pair, day, "mentee", "private notes of " + day);
}

void replay(YearA& y) {
  Scenario& s = y.s;
  s.hr.add_person(person("hana", "Hana Head", kOrg, std::nullopt));
  s.hr.add_person(person("lars", "Lars Line", kOrg, "hana"));
  for (const auto& [id, name] : std::vector<std::pair<std::string, std::string>>{
           {"mona", "Mona Mentor"}, {"malik", "Malik Mentor"}, {"mei", "Mei Mentor"}}) {
    s.hr.add_person(person(id, name, kOrg, "hana"));
  }
  for (const auto& [id, name] :
       std::vector<std::pair<std::string, std::string>>{{"erin", "Erin Early"},
                                                        {"tom", "Tom Silent"},
                                                        {"sara", "Sara Declines"},
                                                        {"una", "Una Cancels"},
                                                        {"vic", "Vic Shortens"},
                                                        {"wen", "Wen Moves"},
                                                        {"xan", "Xan Leaves"},
                                                        {"yara", "Yara Later"},
                                                        {"zed", "Zed Forbidden"}}) {
    s.hr.add_person(person(id, name, kOrg, "lars"));
  }
  // Mentors' own leave, within the last five years.
  s.hr.add_leave(leave("LMO", "mona", "maternity", "2023-03-01", "2023-11-30"));
  s.hr.add_leave(leave("LMA", "malik", "paternity", "2024-05-01", "2024-07-31"));
  s.hr.add_leave(leave("LME", "mei", "adoption", "2025-01-06", "2025-07-04"));
  s.hr.add_completion(completion("mona", "MENTOR-101", "2026-10-01", "2029-10-01"));
  s.hr.add_completion(completion("malik", "MENTOR-101", "2024-04-02", "2027-04-01"));
  // Mentees' leave, as HR has it on the first day.
  s.hr.add_leave(leave("LER", "erin", "maternity", "2027-06-07", "2027-12-05"));
  s.hr.add_leave(leave("LTO", "tom", "adoption", "2027-05-03", "2027-10-31"));
  s.hr.add_leave(leave("LSA", "sara", "carers", "2027-06-01", "2027-09-30"));
  s.hr.add_leave(leave("LUN", "una", "maternity", "2027-05-10", "2027-11-10"));
  s.hr.add_leave(leave("LVI", "vic", "paternity", "2027-06-14", "2027-09-30"));
  s.hr.add_leave(leave("LWE", "wen", "fostering", "2027-05-17", "2027-11-30"));
  s.hr.add_leave(leave("LXA", "xan", "paternity", "2027-07-05", "2027-10-10", "requested"));
  s.hr.add_leave(leave("LYA", "yara", "maternity", "2027-08-02", "2028-01-30"));
  s.hr.add_leave(leave("LZE", "zed", "paternity", "2027-07-12", "2027-10-31"));

  s.start(kOrg,
          {{"enrolment", true},
           {"training", true},
           {"pairing", true},
           {"supervision", true},
           {"evaluation", true},
           {"return_to_work", true}},
          {kA}, "2027-01-04");
  y.seen["eligible 2027-01-04"] = s.command("eligible", {{"programme", kA}});
  y.seen["invitations 2027-01-04"] = s.command("invitations", {{"programme", kA}});
  for (const char* mentor : {"mona", "malik", "mei"}) {
    y.answers[std::string("nominate ") + mentor] =
        s.try_command("nominate", {{"programme", kA}, {"person_id", mentor}, {"role", "mentor"}});
  }
  y.mei_state_after_nomination = s.state_of("mei", kA, "mentor");

  s.advance_to("2027-01-06");
  y.answers["sara declines"] =
      s.try_command("decline", {{"person_id", "sara"}, {"reason", "not for me"}});
  s.advance_to("2027-01-07");
  y.answers["erin accepts"] =
      s.try_command("accept", {{"person_id", "erin"}, {"goal", "keep my research group going"}});
  y.seen["invitations 2027-01-07"] = s.command("invitations", {{"programme", kA}});
  y.seen["waiting 2027-01-07"] = s.command("waiting", {{"programme", kA}});

  s.advance_to("2027-01-08");
  y.erin_pair = accept_standing_proposal(s, kA, "erin", "hr-anna", &y.erin_mentor,
                                         &y.answers["erin proposal accepted"]);

  s.advance_to("2027-01-12");
  edit_leave(s, "LWE", {{"start", "2028-03-13"}, {"expected_end", "2028-09-29"}});  // ten months
  s.advance_to("2027-01-13");
  edit_leave(s, "LVI", {{"expected_end", "2027-07-11"}});  // 28 days, under the minimum of 90
  // Zed (invited yesterday) says yes and HR pairs him with Mona at once.
  y.answers["zed accepts"] = s.try_command("accept", {{"person_id", "zed"}});
  y.answers["pair zed"] =
      s.try_command("pair", {{"programme", kA}, {"mentee_id", "zed"}, {"mentor_id", "mona"}});
  y.zed_pair = pair_of(s, kA, "zed", "accepted");
  s.advance_to("2027-01-14");
  s.hr.add_completion(completion("erin", "RTW-PAIR-01", "2027-01-14"));
  s.advance_to("2027-01-15");
  y.seen["invitations 2027-01-15"] = s.command("invitations", {{"programme", kA}});
  y.seen["eligible 2027-01-15"] = s.command("eligible", {{"programme", kA}});
  y.seen["erin state 2027-01-15"] = s.state_of("erin", kA);

  s.advance_to("2027-01-20");
  edit_leave(s, "LUN", {{"status", "cancelled"}});
  session(y, y.erin_pair, "2027-01-20");

  s.advance_to("2027-02-05");
  y.answers["yara accepts"] = s.try_command("accept", {{"person_id", "yara"}});
  s.advance_to("2027-02-10");
  s.hr.add_completion(completion("mei", "MENTOR-101", "2027-02-10", "2030-02-10"));
  s.advance_to("2027-02-15");
  edit_leave(s, "LXA", {{"status", "approved"}});
  session(y, y.erin_pair, "2027-02-16");
  s.advance_to("2027-02-18");
  y.answers["xan accepts"] = s.try_command("accept", {{"person_id", "xan"}});
  s.advance_to("2027-02-22");
  y.xan_pair = accept_standing_proposal(s, kA, "xan", "hr-anna", &y.xan_mentor,
                                        &y.answers["xan proposal accepted"]);
  s.advance_to("2027-02-25");
  s.hr.add_completion(completion("xan", "RTW-PAIR-01", "2027-02-25"));

  // HR forbids the running pair of Zed and Mona, and Yara with Malik (lifted two days later).
  s.advance_to("2027-03-01");
  y.answers["forbid running pair"] = s.try_command(
      "pairing_forbid", {{"programme", kA}, {"mentee_id", "zed"}, {"mentor_id", "mona"}});
  y.seen["pairs after forbid"] = pairs_listed(s, kA);
  y.answers["forbid yara with malik"] = s.try_command(
      "pairing_forbid", {{"programme", kA}, {"mentee_id", "yara"}, {"mentor_id", "malik"}});
  s.advance_to("2027-03-03");
  y.answers["unforbid"] = s.try_command(
      "pairing_unforbid", {{"programme", kA}, {"mentee_id", "yara"}, {"mentor_id", "malik"}});
  session(y, y.erin_pair, "2027-03-16");
  // Malik's training lapsed on 2027-04-01: HR tries him by hand, then Mei, over
  // the standing proposal for Yara.
  s.advance_to("2027-04-05");
  y.seen["yara proposal before manual pair"] = pairs_listed(s, kA);
  y.answers["pair yara with lapsed malik"] =
      s.try_command("pair", {{"programme", kA}, {"mentee_id", "yara"}, {"mentor_id", "malik"}});
  y.answers["pair yara with mei over a proposal"] =
      s.try_command("pair", {{"programme", kA}, {"mentee_id", "yara"}, {"mentor_id", "mei"}});
  y.yara_pair = pair_of(s, kA, "yara", "accepted", &y.yara_mentor);
  if (y.yara_pair == 0) {  // keep the year going on a branch without the manual pair's fix
    y.yara_pair = accept_standing_proposal(s, kA, "yara", "hr-anna", &y.yara_mentor);
  }
  s.advance_to("2027-04-07");
  s.hr.add_completion(completion("yara", "RTW-PAIR-01", "2027-04-07"));
  session(y, y.erin_pair, "2027-04-13");
  session(y, y.yara_pair, "2027-04-20");
  session(y, y.erin_pair, "2027-05-11");
  session(y, y.yara_pair, "2027-05-18");
  s.advance_to("2027-05-20");
  s.hr.person("xan")["end_date"] = "2027-05-31";  // HR records the leaver ahead
  s.hr.changed();
  session(y, y.erin_pair, "2027-06-01");
  s.advance_to("2027-06-06");
  y.seen["erin sessions before leave"] = s.command("session_list", {{"pair_id", y.erin_pair}});

  // Erin on leave from 2027-06-07; one keeping-in-touch day in August.
  session(y, y.yara_pair, "2027-06-15");
  session(y, y.yara_pair, "2027-07-13");
  s.advance_to("2027-08-10");
  y.answers["kit day erin"] =
      s.try_command("kit_day_record", {{"person_id", "erin"}, {"date", "2027-08-10"}});
  s.advance_to("2027-12-10");  // back since 2027-12-06
  y.seen["erin sessions after return"] = s.command("session_list", {{"pair_id", y.erin_pair}});
  session(y, y.erin_pair, "2028-01-25");
  session(y, y.yara_pair, "2028-02-20");
  session(y, y.erin_pair, "2028-02-22");
  session(y, y.yara_pair, "2028-03-19");
  session(y, y.erin_pair, "2028-03-21");
  session(y, y.yara_pair, "2028-04-16");
  session(y, y.yara_pair, "2028-05-14");
  s.advance_to("2028-06-10");  // pay it forward falls due on 2028-06-06
  y.seen["erin history"] = s.command("history", {{"person_id", "erin"}});
  y.seen["waiting 2028-06-10"] = s.command("waiting", {{"programme", kA}});
  y.answers["evaluation report"] = s.try_command("evaluation_report", {{"programme", kA}});
}

std::vector<Received> invites(const std::vector<Received>& list) {
  return of_type(list, "invite");
}

class ReturnToWorkYear : public YearSuite<YearA, replay> {};

}  // namespace

// --- what holds on main today ----------------------------------------------------------

TEST_F(ReturnToWorkYear, TheYearIsReplayedToItsEnd) {
  expect_replayed_to_its_end();
}

TEST_F(ReturnToWorkYear, FirstDayInvitesEveryoneInTheWindowAndListsTheRestAsUpcoming) {
  EXPECT_EQ(ids_in(y.seen["invitations 2027-01-04"]["invitations"]),
            (std::set<std::string>{"erin", "tom", "sara", "una", "vic", "wen"}));
  const json& eligible = y.seen["eligible 2027-01-04"];
  EXPECT_TRUE(eligible["waiting_for_a_place"].empty());  // ten places, six invited
  std::set<std::string> upcoming = ids_in(eligible["upcoming"]);
  EXPECT_TRUE(upcoming.count("xan")) << "requested leave, not approved yet";
  EXPECT_TRUE(upcoming.count("yara")) << "leave after the six-month window";
  for (const char* who : {"erin", "tom", "sara", "una", "vic", "wen"}) {
    auto got = invites(s.received_between(who, "2027-01-04", "2027-01-04"));
    ASSERT_EQ(got.size(), 1u) << who << describe(s.received(who));
    EXPECT_EQ(got[0].action["payload"]["respond_by"], "2027-01-25") << who;  // 21 days
  }
  EXPECT_TRUE(invites(s.received_between("yara", "2027-01-04", "2027-02-01")).empty());
}

TEST_F(ReturnToWorkYear, InvitationRemindersOnDaysSevenAndFourteenOnlyWhileUnanswered) {
  auto tom = of_type(s.received_between("tom", "2027-01-04", "2027-01-25"), "reminder");
  ASSERT_EQ(tom.size(), 2u) << describe(tom);
  EXPECT_EQ(tom[0].day, "2027-01-11");
  EXPECT_EQ(tom[1].day, "2027-01-18");
  auto una = of_type(s.received_between("una", "2027-01-04", "2027-01-25"), "reminder");
  EXPECT_EQ(una.size(), 2u) << describe(una);
  // Erin said yes on day 3: no reminder about the invitation.
  for (const auto& r : of_type(s.received("erin"), "reminder")) {
    EXPECT_EQ(r.action["payload"].value("pair_id", std::int64_t{0}) != 0 ||
                  r.action["payload"].contains("course_id"),
              true)
        << "an invitation reminder after consent:" << describe({r});
  }
}

TEST_F(ReturnToWorkYear, ACancelledLeaveWithdrawsTheOpenInvitationNextDay) {
  auto got = of_type(s.received("una"), "withdraw_invitation");
  ASSERT_EQ(got.size(), 1u) << describe(s.received("una"));
  EXPECT_EQ(got[0].day, "2027-01-21");
  EXPECT_EQ(s.state_of("una", kA), "withdrawn");
  EXPECT_TRUE(of_type(s.received_between("una", "2027-01-22", "2028-06-10"), "reminder").empty());
}

TEST_F(ReturnToWorkYear, VolunteerMentorsAreReadyWhenTrainedAndWaitForTrainingOtherwise) {
  ASSERT_TRUE(y.answers["nominate mona"].ok) << y.answers["nominate mona"].message;
  EXPECT_EQ(y.answers["nominate mona"].output["enrolment"]["state"], "awaiting_pair");
  EXPECT_EQ(y.mei_state_after_nomination, "awaiting_training");
  // Mei was sent to MENTOR-101 and became assignable the day after her completion.
  auto course = of_type(s.received_between("mei", "2027-01-04", "2027-01-05"), "enrol_in_course");
  ASSERT_FALSE(course.empty()) << describe(s.received("mei"));
  EXPECT_EQ(course[0].action["payload"]["course_id"], "MENTOR-101");
  EXPECT_NE(y.s.run_of("2027-02-11").dump().find("\"to\":\"awaiting_pair\""), std::string::npos);
}

TEST_F(ReturnToWorkYear, WaitingListsWhoSaidYesAndWhatTheyWaitFor) {
  std::map<std::string, std::string> waiting;  // person/role -> state
  for (const auto& r : y.seen["waiting 2027-01-07"]["waiting"]) {
    waiting[r["person_id"].get<std::string>() + "/" + r["role"].get<std::string>()] = r["state"];
    EXPECT_EQ(r.dump().find("research group"), std::string::npos) << "the goal is the pair's";
  }
  EXPECT_EQ(waiting, (std::map<std::string, std::string>{{"erin/mentee", "awaiting_pair"},
                                                         {"mona/mentor", "awaiting_pair"},
                                                         {"malik/mentor", "awaiting_pair"},
                                                         {"mei/mentor", "awaiting_training"}}));
  // At the end Erin (completed), Tom (expired) and Sara (declined) wait for nothing.
  for (const auto& r : y.seen["waiting 2028-06-10"]["waiting"]) {
    for (const char* who : {"erin", "tom", "sara"}) EXPECT_NE(r["person_id"], who) << r.dump();
  }
}

TEST_F(ReturnToWorkYear, ThePairIsProposedAndAcceptedAndBothAreToldWithTheOthersContact) {
  ASSERT_TRUE(y.answers["erin accepts"].ok) << y.answers["erin accepts"].message;
  EXPECT_EQ(y.answers["erin accepts"].output["enrolment"]["state"], "awaiting_pair");
  ASSERT_NE(y.erin_pair, 0) << "no accepted pair for erin";
  EXPECT_EQ(y.erin_mentor, "mona") << "same kind of leave lived through";
  auto told = mentioning(of_type(s.received("erin"), "notify"), "you have been paired");
  ASSERT_EQ(told.size(), 1u) << describe(s.received("erin"));
  EXPECT_EQ(told[0].day, "2027-01-09");
  EXPECT_EQ(told[0].action["payload"]["mentor"]["email"], "mona@northdale.example");
  int mona_told = 0;
  for (const auto& r : mentioning(of_type(s.received("mona"), "notify"), "you have been paired")) {
    mona_told += r.action["payload"]["mentee"]["person_id"] == "erin" && r.day == "2027-01-09";
  }
  EXPECT_EQ(mona_told, 1) << describe(s.received("mona"));
  // Phase one: the mentee's pairing induction is booked from her consent.
  auto course = of_type(s.received_between("erin", "2027-01-07", "2027-01-09"), "enrol_in_course");
  ASSERT_EQ(course.size(), 1u) << describe(s.received("erin"));
  EXPECT_EQ(course[0].action["payload"]["course_id"], "RTW-PAIR-01");
  EXPECT_EQ(y.seen["erin state 2027-01-15"], "active/before_leave");
}

TEST_F(ReturnToWorkYear, TouchpointsAnchoredOnPairingLeaveAndReturnReachThePair) {
  std::map<std::string, std::set<std::string>> dates;  // summary -> dates
  for (const auto& r : of_type(s.received("erin"), "calendar_event")) {
    const json& p = r.action["payload"];
    if (p["kind"] != "touchpoint") continue;
    EXPECT_NE(p["method"], "CANCEL") << "touchpoints anchored on the leave still happen";
    std::string summary = p["summary"];
    if (auto repeat = summary.find(" ("); repeat != std::string::npos) summary.resize(repeat);
    dates[summary].insert(p["date"].get<std::string>());
    std::set<std::string> attendees = ids_in(p["attendees"]);
    EXPECT_TRUE(attendees.count("mona")) << p.dump();
  }
  const std::string name = "Return-to-work mentoring: ";
  EXPECT_TRUE(dates[name + "Introductory meeting"].count("2027-01-29"));  // pairing + 21
  EXPECT_TRUE(dates[name + "Handover and succession planning"].count("2027-05-10"));
  EXPECT_TRUE(dates[name + "Keep-in-touch check-in"].count("2027-08-06"));  // leave start + 60
  EXPECT_TRUE(dates[name + "Keep-in-touch check-in"].count("2027-09-06"));  // leave end - 90
  EXPECT_TRUE(dates[name + "First week back"].count("2027-12-13"));         // return + 7
  EXPECT_TRUE(dates[name + "End-of-programme evaluation"].count("2028-04-04"));
}

TEST_F(ReturnToWorkYear, MentorsAttendGroupSupervisionEverySixWeeks) {
  std::set<std::string> days;
  for (const auto& r : of_type(s.received("mona"), "calendar_event")) {
    if (r.action["payload"]["kind"] == "supervision") days.insert(r.action["payload"]["date"]);
  }
  ASSERT_GE(days.size(), 4u) << describe(s.received("mona"));
  std::vector<std::string> ordered(days.begin(), days.end());
  for (std::size_t i = 1; i < ordered.size(); ++i) {
    EXPECT_EQ(plus_days(ordered[i - 1], 42), ordered[i]);
  }
}

TEST_F(ReturnToWorkYear, APairThatMeetsOnTimeGivesTheProgrammeManagerNothingToDo) {
  for (const auto& [label, a] : y.answers) {
    if (label.rfind("session ", 0) != 0) continue;
    EXPECT_TRUE(a.ok) << label << ": " << a.message;
  }
  EXPECT_TRUE(manager_tasks_about_pair(s, y.erin_pair, "2027-01-08", "2027-06-06").empty())
      << describe(manager_tasks_about_pair(s, y.erin_pair, "2027-01-08", "2027-06-06"));
  EXPECT_TRUE(session_reminders(s.received_between("erin", "2027-01-08", "2027-06-06"), y.erin_pair)
                  .empty());
  const json& before = y.seen["erin sessions before leave"];
  EXPECT_EQ(before["held"], 6);
  EXPECT_EQ(before["missed"], 0);
  EXPECT_FALSE(before["sessions"].dump().find("private notes") != std::string::npos)
      << "HR sees metadata, never notes";
}

TEST_F(ReturnToWorkYear, MalikIsToldToRenewHisTrainingBeforeItLapses) {
  auto training = keyed(s.received_between("malik", "2027-03-01", "2027-04-01"), "training/");
  EXPECT_FALSE(training.empty()) << describe(s.received("malik"));
}

TEST_F(ReturnToWorkYear, AMenteeWhoLeavesTheOrganisationIsWithdrawnAndTheMentorTold) {
  ASSERT_NE(y.xan_pair, 0) << "xan was never paired";
  EXPECT_EQ(s.state_of("xan", kA), "withdrawn");
  auto ended = of_type(s.received_between(y.xan_mentor, "2027-05-31", "2027-05-31"), "notify");
  EXPECT_EQ(mentioning(ended, "your pairing has ended").size(), 1u)
      << describe(s.received(y.xan_mentor));
  EXPECT_TRUE(s.received_between("xan", "2027-06-01", "2028-06-10").empty())
      << describe(s.received_between("xan", "2027-06-01", "2028-06-10"));
}

TEST_F(ReturnToWorkYear, LeaveApprovedLateIsInvitedTheNextDay) {
  auto got = invites(s.received("xan"));
  ASSERT_EQ(got.size(), 1u) << describe(s.received("xan"));
  EXPECT_EQ(got[0].day, "2027-02-16");
}

TEST_F(ReturnToWorkYear, SurveysReachBothSidesWhenDue) {
  auto mid = surveys(s.received("erin"), "mid-mentee");
  ASSERT_EQ(mid.size(), 1u);
  EXPECT_EQ(mid[0].day, "2027-04-08");  // pairing + 90
  EXPECT_EQ(surveys(s.received("mona"), "mid-mentor").size(), 1u);
  auto back = surveys(s.received("erin"), "after-return");
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].day, "2028-04-04");  // return + 120
  EXPECT_EQ(surveys(s.received("erin"), "end-mentee").size(), 1u);
  EXPECT_TRUE(surveys(s.received("xan"), "end-mentee").empty()) << "withdrawn: no survey";
}

TEST_F(ReturnToWorkYear, HistoryTellsErinsYearWithACauseForEveryStepAndNoGoal) {
  const json& history = y.seen["erin history"];
  std::vector<std::string> states;
  for (const auto& t : history["transitions"]) {
    EXPECT_FALSE(t["cause"].get<std::string>().empty());
    if (t["role"] != "mentee") continue;  // pay it forward invites her as a mentor later
    if (states.empty() || states.back() != t["to"]) states.push_back(t["to"]);
  }
  EXPECT_EQ(states, (std::vector<std::string>{"invited", "consented", "awaiting_pair", "paired",
                                              "active", "completed"}));
  EXPECT_EQ(history.dump().find("research group"), std::string::npos);
  EXPECT_EQ(s.state_of("erin", kA).substr(0, 9), "completed");
}

TEST_F(ReturnToWorkYear, PayItForwardInvitesErinAsAMentorSixMonthsAfterHerReturn) {
  auto got = of_type(s.received("erin"), "invite");
  std::vector<Received> as_mentor;
  for (const auto& r : got) {
    if (r.action["payload"]["role"] == "mentor") as_mentor.push_back(r);
  }
  ASSERT_EQ(as_mentor.size(), 1u) << describe(got);
  EXPECT_EQ(as_mentor[0].day, "2028-06-06");
}

TEST_F(ReturnToWorkYear, NoKeyDeliveredTwiceAndNothingForPeopleWhoLeft) {
  expect_no_year_problems();
}

// --- promises that wait for the enrolment helper (h13/enrol) ---------------------------

TEST_F(ReturnToWorkYear, ADeclineIsFinalForThatLeave_Enrol) {
  ASSERT_TRUE(y.answers["sara declines"].ok) << y.answers["sara declines"].message;
  EXPECT_EQ(s.state_of("sara", kA), "declined");
  EXPECT_FALSE(ids_in(y.seen["invitations 2027-01-07"]["invitations"]).count("sara"));
  auto after = s.received_between("sara", "2027-01-07", "2028-06-10");
  EXPECT_TRUE(after.empty()) << "nothing reaches sara after her no:" << describe(after);
}

TEST_F(ReturnToWorkYear, AnExpiredInvitationIsSentAgainOnceUnderANewKey_Enrol) {
  auto got = invites(s.received("tom"));
  ASSERT_EQ(got.size(), 2u) << describe(s.received("tom"));
  EXPECT_NE(got[0].action["idempotency_key"], got[1].action["idempotency_key"]);
  EXPECT_GE(got[1].day, "2027-01-26") << "re-invited after the first expired";
  EXPECT_LE(got[1].day, "2027-02-02");
  EXPECT_GT(got[1].action["payload"]["respond_by"].get<std::string>(), "2027-02-01");
  // The second round expires too: nothing more, ever.
  EXPECT_EQ(s.state_of("tom", kA), "expired");
  auto later = invites(s.received_between("tom", plus_days(got[1].day, 1), "2028-06-10"));
  EXPECT_TRUE(later.empty()) << describe(later);
}

TEST_F(ReturnToWorkYear, ALeaveCutBelowTheMinimumWithdrawsTheInvitation_Enrol) {
  auto got = of_type(s.received("vic"), "withdraw_invitation");
  ASSERT_EQ(got.size(), 1u) << describe(s.received("vic"));
  EXPECT_EQ(got[0].day, "2027-01-14");
  EXPECT_FALSE(ids_in(y.seen["invitations 2027-01-15"]["invitations"]).count("vic"));
}

TEST_F(ReturnToWorkYear, ALeaveMovedTenMonthsLaterWithdrawsNowAndInvitesWhenTheWindowOpens_Enrol) {
  auto withdrawn = of_type(s.received("wen"), "withdraw_invitation");
  ASSERT_EQ(withdrawn.size(), 1u) << describe(s.received("wen"));
  EXPECT_EQ(withdrawn[0].day, "2027-01-13");
  EXPECT_FALSE(ids_in(y.seen["invitations 2027-01-15"]["invitations"]).count("wen"));
  EXPECT_TRUE(ids_in(y.seen["eligible 2027-01-15"]["upcoming"]).count("wen"))
      << "HR sees her coming: " << y.seen["eligible 2027-01-15"].dump();
  // Invited when the window opens; she does not answer, so that invitation
  // expires and is sent once more (invitation.reinvite_after_expiry: 1), then never again.
  auto again = invites(s.received_between("wen", "2027-01-14", "2028-06-10"));
  ASSERT_EQ(again.size(), 2u) << describe(s.received("wen"));
  EXPECT_EQ(again[0].day, "2027-09-13");  // six months before 2028-03-13
  EXPECT_EQ(again[0].action["payload"]["leave"]["start"], "2028-03-13");
  EXPECT_GT(again[1].day, again[0].action["payload"]["respond_by"].get<std::string>());
  EXPECT_NE(again[0].action["idempotency_key"], again[1].action["idempotency_key"]);
}

// --- promises that wait for the pairing helper (h13/pairing) ---------------------------

TEST_F(ReturnToWorkYear, ManualPairRefusesAMentorWhoseTrainingLapsed_Pairing) {
  const Answer& a = y.answers["pair yara with lapsed malik"];
  EXPECT_FALSE(a.ok) << "malik's MENTOR-101 lapsed on 2027-04-01";
  EXPECT_EQ(a.status, MENTORING_ERR_INVALID_INPUT);
  EXPECT_NE(a.message.find("/mentor_id"), std::string::npos) << a.message;
}

TEST_F(ReturnToWorkYear, ManualPairReplacesAStandingProposal_Pairing) {
  bool had_proposal = false;
  for (const auto& p : y.seen["yara proposal before manual pair"]) {
    had_proposal |= p["mentee_id"] == "yara" && p["state"] == "proposed";
  }
  ASSERT_TRUE(had_proposal) << "the scenario needs a standing proposal for yara";
  const Answer& a = y.answers["pair yara with mei over a proposal"];
  ASSERT_TRUE(a.ok) << a.message;
  EXPECT_EQ(y.yara_mentor, "mei");
  EXPECT_EQ(mentioning(of_type(s.received("yara"), "notify"), "you have been paired").size(), 1u);
}

TEST_F(ReturnToWorkYear, ForbiddingARunningPairEndsItOrIsRefusedAndLaterPassesStillRun_Pairing) {
  ASSERT_NE(y.zed_pair, 0) << y.answers["pair zed"].message;
  const Answer& forbid = y.answers["forbid running pair"];
  if (forbid.ok) {  // ended through the normal path
    for (const auto& p : y.seen["pairs after forbid"]) {
      if (p["pair_id"] != y.zed_pair) continue;
      EXPECT_NE(p["state"], "accepted") << p.dump();
    }
    EXPECT_EQ(
        mentioning(s.received_between("zed", "2027-03-02", "2027-03-02"), "your pairing has ended")
            .size(),
        1u)
        << describe(s.received("zed"));
  } else {  // refused with a reason naming the pair and how to end it
    EXPECT_EQ(forbid.status, MENTORING_ERR_INVALID_INPUT);
    EXPECT_NE(forbid.message.find(std::to_string(y.zed_pair)), std::string::npos) << forbid.message;
    EXPECT_TRUE(forbid.message.find("withdraw") != std::string::npos ||
                forbid.message.find("pair_end") != std::string::npos)
        << forbid.message;
  }
  for (const char* day : {"2027-03-02", "2027-03-03", "2027-03-04"}) {
    const json pairing = s.run_of(day)["modules"]["pairing"];
    EXPECT_NE(pairing.value("status", ""), "failed") << day << pairing.dump();
    EXPECT_FALSE(pairing["programmes"][kA].contains("error")) << day << pairing.dump();
  }
  EXPECT_TRUE(y.answers["forbid yara with malik"].ok)
      << y.answers["forbid yara with malik"].message;
  EXPECT_TRUE(y.answers["unforbid"].ok) << y.answers["unforbid"].message;
}

// --- promises that wait for the sessions helper (h13/sessions) -------------------------

TEST_F(ReturnToWorkYear, NoSessionRemindersOrOverdueTasksDuringTheMenteesLeave_Sessions) {
  for (const char* who : {"erin", "mona"}) {
    auto during =
        session_reminders(s.received_between(who, "2027-06-07", "2027-12-05"), y.erin_pair);
    EXPECT_TRUE(during.empty()) << who << describe(during);
  }
  auto tasks = manager_tasks_about_pair(s, y.erin_pair, "2027-06-07", "2027-12-05");
  EXPECT_TRUE(tasks.empty()) << describe(tasks);
}

TEST_F(ReturnToWorkYear, SessionTrackingResumesFromTheReturnAndEscalates_Sessions) {
  auto reminders =
      session_reminders(s.received_between("erin", "2027-12-06", "2028-01-24"), y.erin_pair);
  ASSERT_FALSE(reminders.empty()) << "no reminder after the return: tracking stopped";
  EXPECT_GE(reminders[0].day, "2028-01-03") << "the cadence restarts from the return date";
  auto flags = manager_tasks_about_pair(s, y.erin_pair, "2027-12-06", "2028-01-24");
  ASSERT_EQ(flags.size(), 1u) << describe(flags);
  EXPECT_GE(flags[0].day, plus_days(reminders[0].day, 14));
  // Meeting again every four weeks: nothing more for the programme manager.
  EXPECT_TRUE(manager_tasks_about_pair(s, y.erin_pair, "2028-01-26", "2028-04-04").empty());
}

TEST_F(ReturnToWorkYear, SessionListDoesNotCountTheLeaveAsMissed_Sessions) {
  const json& before = y.seen["erin sessions before leave"];
  const json& after = y.seen["erin sessions after return"];
  EXPECT_EQ(after["held"], before["held"]);
  EXPECT_EQ(after["missed"], before["missed"]) << "six months of leave counted as missed";
}

// --- promises that wait for the return-to-work helper (h13/return) ---------------------

TEST_F(ReturnToWorkYear, TheLineManagerGetsTheReturnMeetingBeforeTheReturn_Return) {
  auto tasks = of_type(s.received_between("lars", "2027-01-04", "2027-11-22"), "task");
  std::vector<Received> about_erin;
  for (const auto& r : tasks) {
    if (r.action["payload"]["to"].value("role", "") == "line_manager" &&
        r.action.dump().find("erin") != std::string::npos)
      about_erin.push_back(r);
  }
  ASSERT_EQ(about_erin.size(), 1u) << describe(s.received("lars"));
  EXPECT_NE(about_erin[0].action.dump().find("2027-11-22"), std::string::npos)
      << "due 14 days before the return on 2027-12-06";
}

TEST_F(ReturnToWorkYear, AKeepingInTouchDayPromptsTheMentor_Return) {
  ASSERT_TRUE(y.answers["kit day erin"].ok) << y.answers["kit day erin"].message;
  auto prompt = of_type(s.received_between("mona", "2027-08-11", "2027-08-11"), "notify");
  EXPECT_EQ(prompt.size(), 1u) << describe(s.received_between("mona", "2027-08-01", "2027-08-31"));
}

// --- promises that wait for the policy helper (h13/policy) -----------------------------

TEST_F(ReturnToWorkYear, TheEvaluationReportShowsTheBudget_Policy) {
  const Answer& a = y.answers["evaluation report"];
  ASSERT_TRUE(a.ok) << a.message;
  const json* budget = find_key(a.output, "budget");
  ASSERT_NE(budget, nullptr) << a.output.dump();
  EXPECT_EQ(budget->value("currency", ""), "GBP") << budget->dump();
  const json* participants = find_key(*budget, "participants");
  const json* total = find_key(*budget, "total");
  ASSERT_TRUE(participants && total) << budget->dump();
  EXPECT_GE(participants->get<double>(), 1) << "mentees whose mentoring began";
  EXPECT_DOUBLE_EQ(total->get<double>(), participants->get<double>() * 1200) << budget->dump();
}
