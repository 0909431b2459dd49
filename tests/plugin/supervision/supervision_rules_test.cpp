// Group supervision and the kick-off as the module's rules over records.
#include <mentoring/supervision/groups.hpp>
#include <mentoring/supervision/kickoff.hpp>

#include <gtest/gtest.h>

using namespace mentoring::supervision;
using namespace mentoring::domain;

namespace {

Date day(const char* text) {
  return parse_date(text).value();
}

Pair pair(std::int64_t id, const char* mentee, const char* mentor, PairState state,
          std::optional<Date> accepted_on) {
  Pair p;
  p.id = id, p.programme_id = "rtw", p.mentee_id = mentee, p.mentor_id = mentor;
  p.state = state, p.accepted_on = accepted_on;
  return p;
}

}  // namespace

TEST(FirstPairings, EachMentorsEarliestAcceptedPairingAndNoProposal) {
  auto firsts = first_pairings({pair(1, "A", "M1", PairState::accepted, day("2027-02-01")),
                                pair(2, "B", "M1", PairState::ended, day("2027-01-10")),
                                pair(3, "C", "M2", PairState::proposed, std::nullopt)});
  EXPECT_EQ(firsts, (std::map<std::string, Date>{{"M1", day("2027-01-10")}}));
}

TEST(SupervisionPlan, PlacesNewMentorsAndExpectsEachOnlyWithinTheirMonths) {
  SupervisionRules rules;  // every 6 weeks for 12 months
  rules.for_months = 2;
  auto plan = plan_supervision({}, {{"M1", day("2027-01-04")}, {"M2", day("2027-02-01")}}, rules,
                               day("2027-03-01"));
  ASSERT_EQ(plan.groups.size(), 1u);
  EXPECT_EQ(plan.placed.size(), 2u);
  ASSERT_EQ(plan.meetings.size(), 2u);  // 15 Feb, 29 Mar (M1 until 4 Mar, M2 until 1 Apr)
  EXPECT_EQ(plan.meetings[0].on, day("2027-02-15"));
  EXPECT_EQ(plan.meetings[0].expected, (std::vector<std::string>{"M1", "M2"}));
  EXPECT_FALSE(plan.meetings[0].to_send);  // in the past
  EXPECT_EQ(plan.meetings[1].expected, std::vector<std::string>{"M2"});
  EXPECT_TRUE(plan.meetings[1].to_send);
  // Run again with the groups as stored: nobody is placed twice.
  auto again = plan_supervision(plan.groups, {{"M1", day("2027-01-04")}, {"M2", day("2027-02-01")}},
                                rules, day("2027-03-01"));
  EXPECT_TRUE(again.placed.empty());
}

TEST(MembershipChanges, AnAnnouncedMentorWhoLeftIsTakenOutAndOneNeverAnnouncedIsNot) {
  std::vector<SupervisionGroup> groups{
      {1,
       day("2027-01-04"),
       {{"M1", day("2027-01-04")}, {"M2", day("2027-01-05")}, {"M3", day("2027-01-05")}}}};
  auto changes = membership_changes(groups, {"M2", "M3"}, {{1, "M1"}, {1, "M2"}});
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].person_id, "M1");
  EXPECT_TRUE(changes[0].member);
  EXPECT_EQ(changes[1].person_id, "M2");
  EXPECT_FALSE(changes[1].member);
}

TEST(MentorsWhoLeft, OnlyWhenEveryMentorEnrolmentIsWithdrawn) {
  auto left =
      mentors_who_left({Enrolment::make("M1", "rtw", Role::mentor, EnrolmentState::withdrawn),
                        Enrolment::make("M1", "rtw", Role::mentor, EnrolmentState::paired),
                        Enrolment::make("M2", "rtw", Role::mentor, EnrolmentState::withdrawn),
                        Enrolment::make("E1", "rtw", Role::mentee, EnrolmentState::withdrawn)});
  EXPECT_EQ(left, std::set<std::string>{"M2"});
}

TEST(MissedSupervisionFlags, OneFlagPerRunWithItsReason) {
  SupervisionRules rules;
  rules.missed_in_a_row = 2;
  auto flags = missed_supervision_flags(
      {{"M1",
        {{1, day("2027-02-15"), false},
         {2, day("2027-03-29"), false},
         {3, day("2027-05-10"), false},
         {4, day("2027-06-21"), true}}},
       {"M2", {{1, day("2027-02-15"), false}, {2, day("2027-03-29"), true}}}},
      rules);
  ASSERT_EQ(flags.size(), 1u);
  EXPECT_EQ(flags[0].person_id, "M1");
  EXPECT_EQ(flags[0].session_number, 2);
  EXPECT_EQ(flags[0].reason, ManagerFlagReason::supervision_missed_in_a_row);
}

TEST(Kickoff, InvitesEveryoneWhoSaidYesOnce) {
  auto invited =
      kickoff_invitees({Enrolment::make("E1", "rtw", Role::mentee, EnrolmentState::consented),
                        Enrolment::make("E2", "rtw", Role::mentee, EnrolmentState::invited),
                        Enrolment::make("E3", "rtw", Role::mentee, EnrolmentState::declined),
                        Enrolment::make("M1", "rtw", Role::mentor, EnrolmentState::paired),
                        Enrolment::make("M1", "rtw", Role::mentor, EnrolmentState::active),
                        Enrolment::make("E4", "rtw", Role::mentee, EnrolmentState::eligible)});
  EXPECT_EQ(invited, (std::vector<std::string>{"E1", "M1"}));
}

TEST(Kickoff, AMentorsNoteGoesToTheMenteesOfTheirAcceptedPairsOnly) {
  auto handovers =
      kickoff_note_handovers({"M1"}, {pair(1, "A", "M1", PairState::accepted, day("2027-01-04")),
                                      pair(2, "B", "M1", PairState::proposed, std::nullopt),
                                      pair(3, "C", "M2", PairState::accepted, day("2027-01-04"))});
  ASSERT_EQ(handovers.size(), 1u);
  EXPECT_EQ(handovers[0].mentee_id, "A");
  EXPECT_TRUE(
      is_open_mentor({Enrolment::make("M1", "rtw", Role::mentor, EnrolmentState::paired)}, "M1"));
  EXPECT_FALSE(is_open_mentor(
      {Enrolment::make("M1", "rtw", Role::mentor, EnrolmentState::withdrawn)}, "M1"));
}
