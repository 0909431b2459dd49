#include <mentoring/enrolment/plan.hpp>

#include <gtest/gtest.h>

using namespace mentoring::domain;
using mentoring::enrolment::ineligibility;
using mentoring::enrolment::plan;

namespace {

const Date kToday = *parse_date("2026-12-01");

// Programme A of the product brief: 3-6 months ahead, at least 90 days.
Programme programme_a() {
  Programme p;
  p.id = "return-to-work";
  p.name = "Return to work";
  p.mentee.leave_types = {LeaveType::maternity, LeaveType::paternity, LeaveType::adoption,
                          LeaveType::carers, LeaveType::fostering};
  p.mentee.invite_from_months_before = 6;
  p.mentee.invite_until_months_before = 3;
  p.mentee.min_leave_days = 90;
  p.invitation_expiry_days = 21;
  return p;
}

Leave leave(const std::string& id, const std::string& person, const std::string& start,
            int length_days, LeaveStatus status = LeaveStatus::approved,
            LeaveType type = LeaveType::maternity) {
  Leave l;
  l.id = id;
  l.person_id = person;
  l.type = type;
  l.start = *parse_date(start);
  l.expected_end = l.start + std::chrono::days{length_days - 1};
  l.status = status;
  return l;
}

std::map<std::string, Person> people(std::initializer_list<const char*> ids) {
  std::map<std::string, Person> out;
  for (const char* id : ids) {
    Person p;
    p.id = id;
    p.name = std::string("Name ") + id;
    out[id] = p;
  }
  return out;
}

}  // namespace

TEST(Eligibility, LeaveStartingExactlyThreeMonthsAheadIsInTheWindow) {
  EXPECT_EQ(ineligibility(programme_a(), leave("L", "P", "2027-03-01", 120), kToday), "");
  EXPECT_NE(ineligibility(programme_a(), leave("L", "P", "2027-02-28", 120), kToday), "");
}

TEST(Eligibility, LeaveStartingExactlySixMonthsAheadIsInTheWindow) {
  EXPECT_EQ(ineligibility(programme_a(), leave("L", "P", "2027-06-01", 120), kToday), "");
  EXPECT_NE(ineligibility(programme_a(), leave("L", "P", "2027-06-02", 120), kToday), "");
}

TEST(Eligibility, NinetyDaysQualifiesEightyNineDoesNot) {
  EXPECT_EQ(ineligibility(programme_a(), leave("L", "P", "2027-04-01", 90), kToday), "");
  std::string why = ineligibility(programme_a(), leave("L", "P", "2027-04-01", 89), kToday);
  EXPECT_NE(why.find("89 days"), std::string::npos) << why;
}

TEST(Eligibility, OnlyApprovedLeaveOfACoveredTypeCounts) {
  EXPECT_NE(ineligibility(programme_a(), leave("L", "P", "2027-04-01", 120, LeaveStatus::requested),
                          kToday),
            "");
  EXPECT_NE(
      ineligibility(
          programme_a(),
          leave("L", "P", "2027-04-01", 120, LeaveStatus::approved, LeaveType::secondment), kToday),
      "");
}

TEST(Plan, InvitesEachEligiblePersonOnceForTheirEarliestLeave) {
  auto result = plan(programme_a(), people({"P1", "P2"}),
                     {leave("L2", "P1", "2027-05-01", 120), leave("L1", "P1", "2027-03-10", 120),
                      leave("L3", "P2", "2027-01-10", 120)},
                     {}, kToday);
  ASSERT_EQ(result.invitations.size(), 1u);
  EXPECT_EQ(result.invitations[0].person_id, "P1");
  EXPECT_EQ(result.invitations[0].leave_id, "L1");
  EXPECT_EQ(format_date(result.invitations[0].respond_by), "2026-12-22");
  EXPECT_NE(result.invitations[0].cause.find("leave L1"), std::string::npos);
}

TEST(Plan, AnOpenEnrolmentMeansNoSecondInvitation) {
  Enrolment open =
      Enrolment::make("P1", "return-to-work", Role::mentee, EnrolmentState::invited, "L1", 7);
  auto result =
      plan(programme_a(), people({"P1"}), {leave("L1", "P1", "2027-03-10", 120)}, {open}, kToday);
  EXPECT_TRUE(result.invitations.empty());
}

TEST(Plan, AfterAWithdrawalANewApprovedLeaveIsInvitedAgain) {
  Enrolment closed =
      Enrolment::make("P1", "return-to-work", Role::mentee, EnrolmentState::withdrawn, "L1", 7);
  auto result = plan(programme_a(), people({"P1"}),
                     {leave("L1", "P1", "2027-03-10", 120, LeaveStatus::cancelled),
                      leave("L9", "P1", "2027-04-20", 120)},
                     {closed}, kToday);
  ASSERT_EQ(result.invitations.size(), 1u);
  EXPECT_EQ(result.invitations[0].leave_id, "L9");
}

TEST(Plan, APersonWhoLeftIsNotInvited) {
  auto staff = people({"P1"});
  staff["P1"].end_date = *parse_date("2026-11-30");
  auto result = plan(programme_a(), staff, {leave("L1", "P1", "2027-03-10", 120)}, {}, kToday);
  EXPECT_TRUE(result.invitations.empty());
}

TEST(Plan, AFullCohortPutsTheRestOnTheWaitingListInLeaveOrder) {
  Programme a = programme_a();
  a.cohort_capacity = 2;
  auto result = plan(a, people({"P1", "P2", "P3"}),
                     {leave("L3", "P3", "2027-05-01", 120), leave("L1", "P1", "2027-03-10", 120),
                      leave("L2", "P2", "2027-04-01", 120)},
                     {}, kToday);
  ASSERT_EQ(result.invitations.size(), 3u);
  EXPECT_FALSE(result.invitations[0].waitlisted);
  EXPECT_FALSE(result.invitations[1].waitlisted);
  EXPECT_TRUE(result.invitations[2].waitlisted);
  EXPECT_EQ(result.invitations[2].person_id, "P3");
  EXPECT_NE(result.invitations[2].cause.find("cohort is full"), std::string::npos);
}

TEST(Plan, AFreedPlaceInvitesTheFirstOnTheWaitingList) {
  Programme a = programme_a();
  a.cohort_capacity = 1;
  std::vector<Enrolment> enrolments = {
      Enrolment::make("P1", "return-to-work", Role::mentee, EnrolmentState::declined, "L1", 1),
      Enrolment::make("P2", "return-to-work", Role::mentee, EnrolmentState::eligible, "L2", 2),
      Enrolment::make("P3", "return-to-work", Role::mentee, EnrolmentState::eligible, "L3", 3)};
  auto result = plan(a, people({"P1", "P2", "P3"}),
                     {leave("L2", "P2", "2027-04-01", 120), leave("L3", "P3", "2027-03-20", 120)},
                     enrolments, kToday);
  ASSERT_EQ(result.promotions.size(), 1u);
  EXPECT_EQ(result.promotions[0].person_id, "P3");  // the earlier leave
  EXPECT_TRUE(result.invitations.empty());
}

TEST(Plan, NotLeaveLinkedProgrammeInvitesNobody) {
  Programme c = programme_a();
  c.mentee.leave_types.clear();
  auto result = plan(c, people({"P1"}), {leave("L1", "P1", "2027-03-10", 120)}, {}, kToday);
  EXPECT_TRUE(result.invitations.empty());
}
