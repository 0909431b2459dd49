// supervision: a pair moves its next session (through its pair link): the
// day may not be in the past or after the planned end; while the move stands
// the session is not reminded and the placeholder sits on the agreed day;
// a meeting held since (a new due day) ends the move.
#include <mentoring/supervision/pair_sessions.hpp>

#include <gtest/gtest.h>

namespace {

using namespace mentoring::supervision;
using mentoring::domain::Date;
using mentoring::domain::parse_date;

Date day(const char* text) {
  return *parse_date(text);
}

PairFacts facts() {
  PairFacts f;
  f.paired_on = day("2027-01-04");
  f.every_weeks = 4;
  f.held = {day("2027-01-10")};  // next due 2027-02-07
  f.ends_on = day("2027-12-31");
  return f;
}

TEST(MoveSession, TheDayMustBeTodayOrLaterAndWithinTheMentorship) {
  PairSessionRules rules;
  const auto report = pair_session_report(rules, facts(), day("2027-02-01"));
  EXPECT_EQ(check_move(report, day("2027-02-01"), day("2027-02-01"), day("2027-12-31")),
            MoveRefusal::none);
  EXPECT_EQ(check_move(report, day("2027-01-31"), day("2027-02-01"), day("2027-12-31")),
            MoveRefusal::in_the_past);
  EXPECT_EQ(check_move(report, day("2028-01-01"), day("2027-02-01"), day("2027-12-31")),
            MoveRefusal::after_the_end);
  const auto ended = pair_session_report(rules, facts(), day("2028-02-01"));
  EXPECT_EQ(check_move(ended, day("2028-02-02"), day("2028-02-01"), day("2027-12-31")),
            MoveRefusal::nothing_due);
  EXPECT_EQ(to_string(MoveRefusal::in_the_past), "in_the_past");
  EXPECT_NE(describe(MoveRefusal::after_the_end), describe(MoveRefusal::in_the_past));
}

TEST(MoveSession, AStandingMoveHoldsOffTheReminderAndMovesThePlaceholder) {
  PairSessionRules rules;
  PairFacts f = facts();
  // Without a move: due 2027-02-07, reminded once overdue.
  auto plain = plan_pair_sessions(rules, f, {}, day("2027-02-10"));
  ASSERT_TRUE(plain.reminder);
  EXPECT_FALSE(plain.placeholder);
  // Moved to the 20th, 14:30: no reminder while that day is to come; the placeholder on it.
  const MovedSession move{day("2027-02-07"), day("2027-02-20"), 14 * 60 + 30};
  auto moved = plan_pair_sessions(rules, f, {}, day("2027-02-10"), move);
  EXPECT_FALSE(moved.reminder);
  EXPECT_FALSE(moved.overdue_flag);
  ASSERT_TRUE(moved.placeholder);
  EXPECT_EQ(moved.placeholder->on, day("2027-02-20"));
  EXPECT_EQ(moved.placeholder->start_minutes, 14 * 60 + 30);
  // The agreed day passed without a meeting: reminded as before.
  auto missed = plan_pair_sessions(rules, f, {}, day("2027-02-21"), move);
  EXPECT_TRUE(missed.reminder);
  // A meeting held since: the due day moved on, the move no longer stands.
  f.held.push_back(day("2027-02-18"));
  const auto after = pair_session_report(rules, f, day("2027-02-19"));
  EXPECT_FALSE(standing_move(move, after.next_due));
  auto next = plan_pair_sessions(rules, f, {}, day("2027-02-19"), move);
  ASSERT_TRUE(next.placeholder);
  EXPECT_EQ(next.placeholder->on, after.next_due);
  EXPECT_FALSE(next.placeholder->start_minutes);
}

}  // namespace
