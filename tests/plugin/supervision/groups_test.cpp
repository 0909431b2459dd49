// Group supervision: grouping, schedule and the missed-twice rule.
#include <mentoring/supervision/groups.hpp>

#include <gtest/gtest.h>

using namespace mentoring::supervision;
using mentoring::domain::Date;
using mentoring::domain::parse_date;

namespace {
Date day(const char* text) {
  return parse_date(text).value();
}
}  // namespace

TEST(SupervisionGroups, GroupsOfAtMostKInPairingOrderAndTheSameEveryTime) {
  SupervisionRules rules;
  rules.group_size = 3;
  std::vector<GroupMember> mentors;
  for (int i = 0; i < 7; ++i) mentors.push_back({"M" + std::to_string(7 - i), day("2027-01-04")});
  std::vector<SupervisionGroup> a, b;
  assign_to_groups(a, mentors, rules);
  std::reverse(mentors.begin(), mentors.end());
  assign_to_groups(b, mentors, rules);
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[0].members.size(), 3u);
  EXPECT_EQ(a[2].members.size(), 1u);
  for (std::size_t g = 0; g < a.size(); ++g) {
    ASSERT_EQ(a[g].members.size(), b[g].members.size());
    for (std::size_t m = 0; m < a[g].members.size(); ++m) {
      EXPECT_EQ(a[g].members[m].person_id, b[g].members[m].person_id);
    }
  }
  EXPECT_EQ(a[0].members[0].person_id, "M1");
}

TEST(SupervisionGroups, LaterMentorsJoinWithoutReshufflingAndFarLaterOnesOpenAGroup) {
  SupervisionRules rules;  // every 6 weeks, groups of 8
  std::vector<SupervisionGroup> groups;
  assign_to_groups(groups, {{"M1", day("2027-01-04")}}, rules);
  auto placed =
      assign_to_groups(groups, {{"M2", day("2027-02-01")}, {"M3", day("2027-06-01")}}, rules);
  ASSERT_EQ(placed.size(), 2u);
  EXPECT_EQ(placed[0], std::make_pair(1, std::string("M2")));
  EXPECT_EQ(placed[1], std::make_pair(2, std::string("M3")));
  EXPECT_EQ(groups[0].members[0].person_id, "M1");
}

TEST(SupervisionSchedule, EveryNWeeksForMMonthsFromTheFirstPairing) {
  SupervisionRules rules;
  rules.every_weeks = 8;
  rules.for_months = 12;
  SupervisionGroup group{1, day("2027-01-04"), {{"M1", day("2027-01-04")}}};
  auto sessions = group_schedule(group, rules);
  ASSERT_EQ(sessions.size(), 6u);  // 8, 16, ... 48 weeks; 56 weeks is past 2028-01-04
  EXPECT_EQ(sessions[0].on, day("2027-03-01"));
  EXPECT_EQ(sessions[0].number, 1);
  EXPECT_EQ(sessions[5].on, day("2027-12-06"));
  EXPECT_TRUE(expected_at(group.members[0], sessions[5].on, rules));
  EXPECT_FALSE(expected_at(group.members[0], day("2028-01-05"), rules));
}

TEST(MissedStreaks, TwoMissesInARowAreFlaggedOncePerRun) {
  std::vector<AttendanceMark> marks = {
      {1, day("2027-03-01"), true},  {2, day("2027-04-12"), false}, {4, day("2027-07-05"), false},
      {3, day("2027-05-24"), false}, {5, day("2027-08-16"), true},  {6, day("2027-09-27"), false}};
  // 2, 3, 4 missed: one flag, at 3; 6 alone is not a run of two.
  EXPECT_EQ(missed_streaks(marks, 2), std::vector<int>{3});
  marks.push_back({7, day("2027-11-08"), false});
  EXPECT_EQ(missed_streaks(marks, 2), (std::vector<int>{3, 7}));
}
