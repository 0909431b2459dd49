// A programme's budget: fee x participants per cohort (the year mentoring began).
#include <mentoring/evaluation/budget.hpp>

#include <gtest/gtest.h>

using namespace mentoring::evaluation;
using mentoring::domain::Enrolment;
using mentoring::domain::EnrolmentState;
using mentoring::domain::Fee;
using mentoring::domain::parse_date;
using mentoring::domain::Role;

namespace {

Enrolment mentee(const std::string& person, EnrolmentState state, const char* started_on) {
  Enrolment e = Enrolment::make(person, "return-to-work", Role::mentee, state);
  if (started_on) e.started_on = parse_date(started_on).value();
  return e;
}

}  // namespace

TEST(Budget, EachCohortIsItsParticipantsTimesTheFee) {
  const std::vector<Enrolment> enrolments = {
      mentee("P1", EnrolmentState::active, "2027-02-01"),
      mentee("P2", EnrolmentState::completed, "2027-12-31"),
      mentee("P3", EnrolmentState::extended, "2028-01-01"),
      mentee("P4", EnrolmentState::withdrawn, "2028-06-15"),  // the place was taken
  };
  const Budget b = budget(Fee{1200, "GBP"}, enrolments);
  ASSERT_EQ(b.cohorts.size(), 2u);
  EXPECT_EQ(b.cohorts[0].year, 2027);
  EXPECT_EQ(b.cohorts[0].participants, 2u);
  EXPECT_DOUBLE_EQ(b.cohorts[0].amount, 2400);
  EXPECT_EQ(b.cohorts[1].year, 2028);
  EXPECT_EQ(b.cohorts[1].participants, 2u);
  EXPECT_DOUBLE_EQ(b.cohorts[1].amount, 2400);
  EXPECT_EQ(b.participants, 4u);
  EXPECT_DOUBLE_EQ(b.total, 4800);
  EXPECT_EQ(b.fee.currency, "GBP");
}

TEST(Budget, OnlyMenteesWhoseMentoringBeganAreParticipants) {
  std::vector<Enrolment> enrolments = {
      mentee("P1", EnrolmentState::invited, nullptr),
      mentee("P2", EnrolmentState::consented, nullptr),
      mentee("P3", EnrolmentState::awaiting_pair, nullptr),
      mentee("P4", EnrolmentState::paired, nullptr),     // paired, not yet begun
      mentee("P5", EnrolmentState::withdrawn, nullptr),  // withdrew before it began
      mentee("P6", EnrolmentState::declined, nullptr),
  };
  Enrolment mentor = Enrolment::make("M1", "return-to-work", Role::mentor, EnrolmentState::active);
  mentor.started_on = parse_date("2027-03-01").value();
  enrolments.push_back(mentor);
  EXPECT_FALSE(cohort_of(mentor));
  const Budget b = budget(Fee{950, "EUR"}, enrolments);
  EXPECT_TRUE(b.cohorts.empty());
  EXPECT_EQ(b.participants, 0u);
  EXPECT_DOUBLE_EQ(b.total, 0);

  enrolments.push_back(mentee("P7", EnrolmentState::active, "2027-05-05"));
  EXPECT_EQ(cohort_of(enrolments.back()), 2027);
  EXPECT_EQ(budget(Fee{950, "EUR"}, enrolments).participants, 1u);
}

TEST(Budget, AmountsAreRoundedToTheCent) {
  std::vector<Enrolment> enrolments;
  for (int i = 0; i < 3; ++i)
    enrolments.push_back(mentee("P" + std::to_string(i), EnrolmentState::active, "2027-01-10"));
  const Budget b = budget(Fee{0.1, "GBP"}, enrolments);
  ASSERT_EQ(b.cohorts.size(), 1u);
  EXPECT_DOUBLE_EQ(b.cohorts[0].amount, 0.3);
  EXPECT_DOUBLE_EQ(b.total, 0.3);
}
