// Moving a pair's next meeting (supervision/pair_sessions.hpp move_next_session):
// the agreed day replaces the cadence's for that one session.
#include <mentoring/supervision/pair_sessions.hpp>

#include <gtest/gtest.h>

using namespace mentoring::supervision;
using mentoring::domain::Date;

namespace {
Date day(const char* text) {
  return mentoring::domain::parse_date(text).value();
}
}  // namespace

TEST(SessionMove, TheAgreedDayIsTheNextSessionsDueDayAndItsPlaceholder) {
  PairSessionRules rules;
  rules.start_minutes = 12 * 60;
  PairFacts facts{day("2027-01-04"), 4, {day("2027-01-04")}, day("2027-12-31"), {}};
  const Date today = day("2027-01-20");
  EXPECT_EQ(pair_session_report(rules, facts, today).next_due, day("2027-02-01"));
  auto decision = move_next_session(facts, day("2027-02-10"), 15 * 60, today);
  ASSERT_FALSE(decision.refusal);
  EXPECT_EQ(decision.agreed.number, 2);  // one held: the second is next
  facts.agreed_next = decision.agreed;
  auto plan = plan_pair_sessions(rules, facts, {}, today);
  EXPECT_EQ(plan.report.next_due, day("2027-02-10"));
  EXPECT_TRUE(plan.report.next_agreed);
  ASSERT_TRUE(plan.placeholder);
  EXPECT_EQ(plan.placeholder->number, 2);
  EXPECT_EQ(plan.placeholder->on, day("2027-02-10"));
  EXPECT_EQ(plan.placeholder->start_minutes, 15 * 60);
  // Not overdue on the old day; overdue the day after the agreed one.
  EXPECT_FALSE(pair_session_report(rules, facts, day("2027-02-02")).overdue);
  EXPECT_FALSE(pair_session_report(rules, facts, day("2027-02-10")).overdue);
  EXPECT_EQ(pair_session_report(rules, facts, day("2027-02-11")).days_overdue, 1);
}

TEST(SessionMove, AnAgreementLapsesOnceASessionIsHeld) {
  PairSessionRules rules;
  PairFacts facts{day("2027-01-04"), 4, {day("2027-01-04")}, day("2027-12-31"), {}};
  facts.agreed_next =
      move_next_session(facts, day("2027-02-10"), std::nullopt, day("2027-01-20")).agreed;
  facts.held.push_back(day("2027-02-08"));  // they met earlier than agreed
  auto plan = plan_pair_sessions(rules, facts, {}, day("2027-02-09"));
  EXPECT_FALSE(plan.report.next_agreed);
  EXPECT_EQ(plan.report.next_due, day("2027-03-08"));  // the cadence from the meeting
  ASSERT_TRUE(plan.placeholder);
  EXPECT_EQ(plan.placeholder->start_minutes, rules.start_minutes);
}

TEST(SessionMove, RefusedInThePastAfterTheEndOrOnceEnded) {
  PairFacts facts{day("2027-01-04"), 4, {}, day("2027-06-30"), {}};
  const Date today = day("2027-01-20");
  EXPECT_EQ(move_next_session(facts, day("2027-01-19"), std::nullopt, today).refusal,
            MoveRefusal::in_the_past);
  EXPECT_FALSE(move_next_session(facts, today, std::nullopt, today).refusal);  // today is fine
  EXPECT_FALSE(move_next_session(facts, day("2027-06-30"), std::nullopt, today).refusal);
  EXPECT_EQ(move_next_session(facts, day("2027-07-01"), std::nullopt, today).refusal,
            MoveRefusal::after_the_end);
  EXPECT_EQ(move_next_session(facts, day("2027-08-01"), std::nullopt, day("2027-07-05")).refusal,
            MoveRefusal::ended);
  EXPECT_EQ(to_string(MoveRefusal::after_the_end), "after_the_end");
}

TEST(SessionMove, AnOverdueSessionMovedToAFutureDayIsNoLongerOverdue) {
  PairSessionRules rules;
  PairFacts facts{day("2027-01-04"), 4, {day("2027-01-04")}, day("2027-12-31"), {}};
  const Date today = day("2027-02-15");
  EXPECT_TRUE(pair_session_report(rules, facts, today).overdue);
  facts.agreed_next = move_next_session(facts, day("2027-02-20"), std::nullopt, today).agreed;
  auto plan = plan_pair_sessions(rules, facts, {}, today);
  EXPECT_FALSE(plan.report.overdue);
  EXPECT_EQ(plan.report.status, SessionStatus::on_track);
  ASSERT_TRUE(plan.placeholder);
  EXPECT_EQ(plan.placeholder->on, day("2027-02-20"));
}
