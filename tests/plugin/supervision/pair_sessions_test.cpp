// The pairs' own sessions: what HR sees and how an overdue session escalates.
#include <mentoring/supervision/pair_sessions.hpp>

#include <gtest/gtest.h>

using namespace mentoring::supervision;
using mentoring::domain::Date;
using mentoring::domain::parse_date;

namespace {
Date day(const char* text) {
  return parse_date(text).value();
}
}  // namespace

TEST(PairSessionReport, CountsHeldAndMissedAndKnowsWhenTheNextIsDue) {
  PairSessionRules rules;
  PairFacts facts{day("2027-01-04"), 4, {day("2027-01-10"), day("2027-02-05")}, std::nullopt, {}};
  auto report = pair_session_report(rules, facts, day("2027-04-01"));
  EXPECT_EQ(report.held, 2);
  EXPECT_TRUE(report.min_meetings_met);
  EXPECT_EQ(report.next_due, day("2027-03-05"));
  EXPECT_TRUE(report.overdue);
  EXPECT_EQ(report.days_overdue, 27);
  EXPECT_EQ(report.missed, 1);  // 12 weeks since pairing: 3 due, 2 held
  EXPECT_FALSE(report.first_contact_missing);
}

TEST(PairSessionReport, FlagsNoFirstContactWithinTheWindow) {
  PairSessionRules rules;
  rules.first_contact_within_days = 14;
  PairFacts facts{day("2027-01-04"), 4, {}, std::nullopt, {}};
  EXPECT_FALSE(pair_session_report(rules, facts, day("2027-01-18")).first_contact_missing);
  EXPECT_TRUE(pair_session_report(rules, facts, day("2027-01-19")).first_contact_missing);
  facts.held = {day("2027-01-25")};  // contact came, but late: still flagged
  EXPECT_TRUE(pair_session_report(rules, facts, day("2027-01-26")).first_contact_missing);
}

TEST(PairSessionReport, NothingIsDueAfterTheMentorshipEnded) {
  PairSessionRules rules;
  PairFacts facts{day("2027-01-04"), 4, {}, day("2027-06-30"), {}};
  auto report = pair_session_report(rules, facts, day("2027-08-01"));
  EXPECT_TRUE(report.ended);
  EXPECT_FALSE(report.overdue);
}

TEST(Escalation, ReminderFirstThenTheFlagAfterTheFurtherDelayEachOnce) {
  PairSessionRules rules;
  rules.remind_after_days = 3;
  rules.escalate_after_days = 7;
  PairFacts facts{day("2027-01-04"), 4, {}, std::nullopt, {}};  // due 2027-02-01
  EscalationState state;
  auto step = [&](const char* today) {
    return next_escalation(rules, pair_session_report(rules, facts, day(today)), state, day(today));
  };
  EXPECT_EQ(step("2027-02-01"), Escalation::none);  // due today: not overdue
  EXPECT_EQ(step("2027-02-03"), Escalation::none);  // 2 days overdue
  // Even long overdue, the first step is the reminder.
  EXPECT_EQ(step("2027-03-01"), Escalation::remind_pair);
  state.reminded_on = day("2027-02-04");
  EXPECT_EQ(step("2027-02-10"), Escalation::none);
  EXPECT_EQ(step("2027-02-11"), Escalation::flag_manager);
  state.flagged_on = day("2027-02-11");
  EXPECT_EQ(step("2027-02-20"), Escalation::none);
}
