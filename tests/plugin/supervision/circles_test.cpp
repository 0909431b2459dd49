// Group mentoring circles: one series per mentor, a mentee on leave excused.
#include <mentoring/domain/programme_shape.hpp>
#include <mentoring/supervision/circles.hpp>

#include <gtest/gtest.h>

using namespace mentoring::supervision;
using namespace mentoring::domain;

namespace {

Date day(const char* text) {
  return parse_date(text).value();
}

// MENTOR1 with three mentees paired on 4 Jan 2027, to the end of 2027; the
// last meeting on 18 January with everyone there.
CircleFacts circle() {
  CircleFacts facts;
  facts.mentor_id = "MENTOR1";
  facts.every_weeks = 4;
  for (int i = 1; i <= 3; ++i) {
    facts.members.push_back(
        {i, "MENTEE" + std::to_string(i), day("2027-01-04"), day("2027-12-31"), {}});
  }
  facts.meetings.push_back({day("2027-01-18"), {"MENTEE1", "MENTEE2", "MENTEE3"}});
  return facts;
}

}  // namespace

TEST(CircleSeries, PausesOnlyWhileEveryMenteeIsAway) {
  CircleFacts facts = circle();
  facts.members[0].away = {{day("2027-02-01"), day("2027-07-01")}};
  facts.members[1].away = {{day("2027-03-01"), day("2027-08-01")}};
  EXPECT_TRUE(circle_series(facts).paused.empty());  // MENTEE3 is still there
  facts.members[2].away = {{day("2027-01-25"), day("2027-06-01")}};
  EXPECT_EQ(circle_series(facts).paused,
            (std::vector<Period>{{day("2027-03-01"), day("2027-06-01")}}));
}

TEST(CircleSeries, RunsFromTheFirstPairingToTheLastMembersEnd) {
  CircleFacts facts = circle();
  facts.members[1].paired_on = day("2027-03-01");
  facts.members[2].ends_on = day("2028-02-29");
  auto series = circle_series(facts);
  EXPECT_EQ(series.paired_on, day("2027-01-04"));
  EXPECT_EQ(series.ends_on, day("2028-02-29"));
  EXPECT_EQ(series.held, std::vector<Date>{day("2027-01-18")});
}

TEST(CirclePlan, RemindsTheMentorAndTheMenteesNotOnLeave) {
  CircleFacts facts = circle();
  facts.members[1].away = {{day("2027-01-25"), day("2027-09-01")}};
  PairSessionRules rules;
  rules.remind_after_days = 1;
  auto plan = plan_circle(rules, facts, {}, day("2027-02-16"));  // due 15 February
  ASSERT_TRUE(plan.series.reminder);
  EXPECT_EQ(plan.series.reminder->due_on, day("2027-02-15"));
  EXPECT_EQ(plan.reminded, (std::vector<std::string>{"MENTOR1", "MENTEE1", "MENTEE3"}));
}

TEST(CirclePlan, InvitesOnlyTheMenteesExpectedOnThePlaceholdersDay) {
  CircleFacts facts = circle();
  facts.members[0].away = {{day("2027-02-10"), day("2027-05-01")}};
  facts.members[2].ends_on = day("2027-02-01");
  auto plan = plan_circle(PairSessionRules{}, facts, {}, day("2027-01-20"));
  ASSERT_TRUE(plan.series.placeholder);
  EXPECT_EQ(plan.series.placeholder->on, day("2027-02-15"));
  EXPECT_EQ(plan.invited, (std::vector<std::string>{"MENTOR1", "MENTEE2"}));
}

TEST(CirclePlan, AMenteeOnLeaveMissesNothingWhileTheOthersMeet) {
  CircleFacts facts = circle();
  facts.members[1].away = {{day("2027-01-25"), day("2027-09-01")}};
  facts.meetings.push_back({day("2027-02-15"), {"MENTEE1", "MENTEE3"}});
  facts.meetings.push_back({day("2027-03-15"), {"MENTEE1"}});
  auto plan = plan_circle(PairSessionRules{}, facts, {}, day("2027-04-01"));
  ASSERT_EQ(plan.members.size(), 3u);
  EXPECT_EQ(plan.members[0].attended, 3);
  EXPECT_EQ(plan.members[0].missed, 0);
  EXPECT_EQ(plan.members[1].attended, 1);
  EXPECT_EQ(plan.members[1].missed, 0);  // 21 days in the circle before the leave
  EXPECT_TRUE(plan.members[1].on_leave);
  EXPECT_EQ(plan.members[1].back_on, day("2027-09-01"));
  EXPECT_EQ(plan.members[2].attended, 2);
  EXPECT_EQ(plan.members[2].missed, 1);  // 87 days: three intervals
}

TEST(CirclePlan, AMenteeWhoMetNobodyInTheWindowIsFlaggedByPair) {
  CircleFacts facts = circle();
  facts.meetings = {{day("2027-01-10"), {"MENTEE1", "MENTEE2"}}};
  PairSessionRules rules;
  rules.first_contact_within_days = 14;
  auto plan = plan_circle(rules, facts, {}, day("2027-01-19"));
  ASSERT_EQ(plan.first_contact_flags.size(), 1u);
  EXPECT_EQ(plan.first_contact_flags[0].first, 3);
  EXPECT_EQ(plan.first_contact_flags[0].second.reason, ManagerFlagReason::no_first_contact);
  EXPECT_FALSE(plan.series.first_contact_flag);  // judged per mentee, not for the series
}

TEST(CircleAttendance, RecordsEveryExpectedMenteeAndNobodyOnLeave) {
  CircleFacts facts = circle();
  facts.members[2].away = {{day("2027-02-01"), day("2027-06-01")}};
  auto attendance = circle_attendance(facts.members, day("2027-02-15"), {"MENTEE1"});
  EXPECT_EQ(attendance,
            (std::vector<std::pair<std::string, bool>>{{"MENTEE1", true}, {"MENTEE2", false}}));
}

TEST(EffectiveMentorCapacity, IsTheCircleSizeInACircleProgrammeAndMentorCapacityOtherwise) {
  Programme programme;
  programme.mentor.capacity = 2;
  programme.circle_max_mentees = 5;
  EXPECT_EQ(effective_mentor_capacity(programme), 2);
  programme.shape = PairingShape::circles;
  EXPECT_EQ(effective_mentor_capacity(programme), 5);
}
