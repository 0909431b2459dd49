// The pair's sessions during the mentee's leave and until the enrolment's own
// end: domain rules only (no plugin loaded).
#include <mentoring/supervision/pair_sessions.hpp>

#include <gtest/gtest.h>

using namespace mentoring::supervision;
using namespace mentoring::domain;

namespace {

Date day(const char* text) {
  return parse_date(text).value();
}

Leave leave(const char* start, const char* expected_end,
            LeaveStatus status = LeaveStatus::approved) {
  Leave l;
  l.id = "L1", l.person_id = "E1", l.type = LeaveType::maternity;
  l.start = day(start), l.expected_end = day(expected_end), l.status = status;
  return l;
}

// Paired 4 Jan 2027, every 4 weeks, sessions on 4 Jan and 1 Feb; on leave
// 15 Feb - 30 Nov 2027 (back on 1 Dec).
PairFacts on_leave_pair() {
  return {day("2027-01-04"),
          4,
          {day("2027-01-04"), day("2027-02-01")},
          day("2028-06-30"),
          leave_pauses({leave("2027-02-15", "2027-11-30")})};
}

}  // namespace

TEST(LeavePauses, OnlyApprovedLeavePausesAndItEndsOnTheReturnDate) {
  auto pauses = leave_pauses({leave("2027-02-15", "2027-11-30"),
                              leave("2028-03-01", "2028-04-30", LeaveStatus::cancelled),
                              leave("2028-05-01", "2028-05-31", LeaveStatus::requested)});
  ASSERT_EQ(pauses.size(), 1u);
  EXPECT_EQ(pauses[0], (Period{day("2027-02-15"), day("2027-12-01")}));
  Leave back_early = leave("2027-02-15", "2027-11-30");
  back_early.actual_end = day("2027-09-30");
  EXPECT_EQ(leave_pauses({back_early})[0].until, day("2027-10-01"));
}

TEST(DaysWithin, CountsOnlyTheDaysOfTheSpanThatFallInAPeriod) {
  std::vector<Period> away = {{day("2027-02-15"), day("2027-03-01")},
                              {day("2027-06-01"), day("2027-06-11")}};
  EXPECT_EQ(days_within(away, day("2027-01-01"), day("2027-12-31")), 14 + 10);
  EXPECT_EQ(days_within(away, day("2027-02-20"), day("2027-06-05")), 9 + 4);  // both clipped
  EXPECT_EQ(days_within(away, day("2027-03-01"), day("2027-06-01")), 0);      // until is open
  EXPECT_EQ(days_within({}, day("2027-01-01"), day("2027-12-31")), 0);
}

TEST(DueAfter, ASessionThatWouldFallInTheLeaveIsDueACadenceAfterTheReturn) {
  std::vector<Period> pauses{{day("2027-02-15"), day("2027-12-01")}};
  EXPECT_EQ(due_after(day("2027-02-01"), 28, pauses), day("2027-12-29"));
  // Held during the leave (informal contact): still a cadence after the return.
  EXPECT_EQ(due_after(day("2027-06-01"), 28, pauses), day("2027-12-29"));
}

TEST(DueAfter, ASessionDueBeforeTheLeaveStartsStaysDue) {
  std::vector<Period> pauses{{day("2027-03-01"), day("2027-12-01")}};
  EXPECT_EQ(due_after(day("2027-01-04"), 28, pauses), day("2027-02-01"));
  // A leave over before the anchor changes nothing.
  EXPECT_EQ(due_after(day("2027-12-10"), 28, pauses), day("2028-01-07"));
}

TEST(PairSessionReport, NothingIsOverdueWhileTheMenteeIsOnLeave) {
  PairSessionRules rules;
  auto report = pair_session_report(rules, on_leave_pair(), day("2027-06-01"));
  EXPECT_EQ(report.status, SessionStatus::paused_for_leave);
  EXPECT_TRUE(report.paused);
  EXPECT_FALSE(report.overdue);
  EXPECT_EQ(report.resumes_on, day("2027-12-01"));
  EXPECT_EQ(report.next_due, day("2027-12-29"));
  EXPECT_FALSE(report.first_contact_missing);
}

TEST(PairSessionReport, SessionsResumeFromTheReturnDate) {
  PairSessionRules rules;
  auto before_due = pair_session_report(rules, on_leave_pair(), day("2027-12-29"));
  EXPECT_EQ(before_due.status, SessionStatus::on_track);
  auto after = pair_session_report(rules, on_leave_pair(), day("2028-01-05"));
  EXPECT_EQ(after.status, SessionStatus::overdue);
  EXPECT_EQ(after.days_overdue, 7);
}

TEST(PairSessionReport, MissedSessionsLeaveTheLeaveOut) {
  PairSessionRules rules;
  // 4 Jan - 15 Feb and 1 Dec - 26 Jan: 98 days out of leave, three intervals, two held.
  auto report = pair_session_report(rules, on_leave_pair(), day("2028-01-26"));
  EXPECT_EQ(report.missed, 1);
  PairFacts no_leave = on_leave_pair();
  no_leave.paused.clear();
  EXPECT_EQ(pair_session_report(rules, no_leave, day("2028-01-26")).missed, 11);
}

TEST(PairSessionReport, TheFirstContactDeadlineMovesPastALeaveThatStartsWithinIt) {
  PairSessionRules rules;
  rules.first_contact_within_days = 14;
  PairFacts facts{
      day("2027-01-04"), 4, {}, std::nullopt, leave_pauses({leave("2027-01-10", "2027-03-31")})};
  auto report = pair_session_report(rules, facts, day("2027-04-10"));
  EXPECT_EQ(report.first_contact_due, day("2027-04-15"));
  EXPECT_FALSE(report.first_contact_missing);
  EXPECT_TRUE(pair_session_report(rules, facts, day("2027-04-16")).first_contact_missing);
}

TEST(PlanPairSessions, NoReminderNorFlagWhilePausedEvenWhenTheOldDueWasRemindedBefore) {
  PairSessionRules rules;
  rules.remind_after_days = 1;
  rules.escalate_after_days = 7;
  EscalationState reminded{day("2027-03-02"), std::nullopt};
  auto plan = plan_pair_sessions(rules, on_leave_pair(), reminded, day("2027-06-01"));
  EXPECT_FALSE(plan.reminder);
  EXPECT_FALSE(plan.overdue_flag);
  ASSERT_TRUE(plan.placeholder);  // the first session after the return
  EXPECT_EQ(plan.placeholder->on, day("2027-12-29"));
  EXPECT_EQ(plan.placeholder->number, 3);
}

TEST(PlanPairSessions, RemindsThenFlagsTheManagerWithTheReasonAsAValue) {
  PairSessionRules rules;
  rules.remind_after_days = 1;
  rules.escalate_after_days = 7;
  PairFacts facts{day("2027-01-04"), 4, {day("2027-01-04")}, std::nullopt, {}};
  auto first = plan_pair_sessions(rules, facts, {}, day("2027-02-02"));
  ASSERT_TRUE(first.reminder);
  EXPECT_EQ(first.reminder->due_on, day("2027-02-01"));
  EXPECT_FALSE(first.placeholder);  // overdue: no placeholder
  auto later =
      plan_pair_sessions(rules, facts, {day("2027-02-02"), std::nullopt}, day("2027-02-09"));
  EXPECT_FALSE(later.reminder);
  ASSERT_TRUE(later.overdue_flag);
  EXPECT_EQ(later.overdue_flag->reason, ManagerFlagReason::session_overdue);
  EXPECT_EQ(to_string(later.overdue_flag->reason), "session_overdue");
  EXPECT_EQ(later.overdue_flag->days_overdue, 8);
  EXPECT_EQ(later.overdue_flag->reminded_on, day("2027-02-02"));
}

TEST(PlanPairSessions, NoFirstContactFlagsTheManagerWithItsReason) {
  PairSessionRules rules;
  PairFacts facts{day("2027-01-04"), 4, {}, std::nullopt, {}};
  auto plan = plan_pair_sessions(rules, facts, {}, day("2027-01-19"));
  ASSERT_TRUE(plan.first_contact_flag);
  EXPECT_EQ(plan.first_contact_flag->reason, ManagerFlagReason::no_first_contact);
  EXPECT_EQ(plan.first_contact_flag->due_on, day("2027-01-18"));
}

TEST(PlanPairSessions, NoPlaceholderBeyondTheEndOfTheMentorship) {
  PairSessionRules rules;
  PairFacts facts{day("2027-01-04"), 4, {day("2027-06-20")}, day("2027-07-01"), {}};
  auto plan = plan_pair_sessions(rules, facts, {}, day("2027-06-25"));
  EXPECT_FALSE(plan.placeholder);  // due 18 July, after the end
  EXPECT_EQ(plan.report.status, SessionStatus::on_track);
  EXPECT_EQ(plan_pair_sessions(rules, facts, {}, day("2027-07-02")).report.status,
            SessionStatus::ended);
}

TEST(TrackingEnd, FollowsTheMenteeEnrolmentsEndAndFallsBackToPairingPlusTheDuration) {
  Programme programme;
  programme.duration_months = 9;
  Enrolment mentee = Enrolment::make("E1", "rtw", Role::mentee, EnrolmentState::active);
  EXPECT_EQ(tracking_end(programme, mentee, day("2027-01-04")), day("2027-10-04"));
  mentee.ends_on = day("2028-03-31");
  EXPECT_EQ(tracking_end(programme, mentee, day("2027-01-04")), day("2028-03-31"));
}

TEST(SessionStatus, EveryStatusAndReasonHasItsWords) {
  for (auto status : {SessionStatus::on_track, SessionStatus::overdue,
                      SessionStatus::paused_for_leave, SessionStatus::ended}) {
    EXPECT_NE(to_string(status), "?");
    EXPECT_GT(describe(status).size(), 10u);
  }
  for (auto reason : {ManagerFlagReason::no_first_contact, ManagerFlagReason::session_overdue,
                      ManagerFlagReason::supervision_missed_in_a_row}) {
    EXPECT_NE(to_string(reason), "?");
    EXPECT_GT(describe(reason).size(), 10u);
  }
}

// Paired 4 Jan 2027 and never met: the first session, due 1 Feb, is overdue
// when the leave begins on 15 Feb. After the return (1 Dec) the pair is not
// "300 days overdue": the next session is due a cadence after the return, and
// that due date (escalation state is kept per due date) is reminded afresh.
TEST(PairSessionReport, ASessionOverdueWhenTheLeaveBeganIsDueACadenceAfterTheReturn) {
  PairSessionRules rules;
  rules.remind_after_days = 1;
  PairFacts never_met{day("2027-01-04"),
                      4,
                      {},
                      day("2028-06-30"),
                      leave_pauses({leave("2027-02-15", "2027-11-30")})};
  auto before = pair_session_report(rules, never_met, day("2027-02-10"));
  EXPECT_EQ(before.next_due, day("2027-02-01"));
  EXPECT_TRUE(before.overdue);
  auto during = pair_session_report(rules, never_met, day("2027-06-01"));
  EXPECT_EQ(during.next_due, day("2027-12-29"));
  EXPECT_FALSE(during.overdue);
  auto after = plan_pair_sessions(rules, never_met, {}, day("2028-01-05"));
  EXPECT_EQ(after.report.next_due, day("2027-12-29"));
  EXPECT_EQ(after.report.days_overdue, 7);
  ASSERT_TRUE(after.reminder);
  EXPECT_EQ(after.reminder->due_on, day("2027-12-29"));
}
