#include <mentoring/enrolment/lifecycle.hpp>
#include <mentoring/enrolment/rules.hpp>

#include <gtest/gtest.h>

#include "enrolment_records.hpp"

using namespace mentoring::domain;
using namespace mentoring::enrolment;
using enrolment_test::kToday;
using enrolment_test::leave;

namespace {

Programme programme_a() {
  Programme p;
  p.id = "return-to-work";
  p.name = "Return to work";
  p.mentee.leave_types = {LeaveType::maternity, LeaveType::carers};
  p.mentor.leave_types = {LeaveType::maternity, LeaveType::carers};
  p.mentor.leave_within_years = 5;
  p.mentor_courses = {"MENTOR-101"};
  p.duration_months = 9;
  p.touchpoints = {{"connect", "introduction", Anchor::pairing, 21},
                   {"connect", "handover", Anchor::leave_start, -28},
                   {"re-entry", "first week back", Anchor::return_to_work, 7}};
  return p;
}

Person person() {
  Person p;
  p.id = "P1";
  p.name = "P One";
  return p;
}

// Applies steps until the enrolment rests; answers the states it went through.
std::vector<EnrolmentState> settle(const Programme& p, Enrolment& e, Situation s, Date today) {
  std::vector<EnrolmentState> path;
  while (auto step = next_step(p, s, today)) {
    e.state = step->to;
    e.phase = step->phase;
    EXPECT_FALSE(step->cause.empty());
    path.push_back(step->to);
    if (path.size() > 10) break;
  }
  return path;
}

}  // namespace

TEST(Lifecycle, AnUnansweredInvitationExpiresAfterItsDate) {
  auto e = Enrolment::make("P1", "return-to-work", Role::mentee, EnrolmentState::invited, "L1", 1);
  e.respond_by = *parse_date("2026-12-21");
  Person p = person();
  Leave l = leave("2027-03-10", "2027-09-10");
  EXPECT_FALSE(next_step(programme_a(), {e, &p, &l}, *parse_date("2026-12-21")));
  auto step = next_step(programme_a(), {e, &p, &l}, *parse_date("2026-12-22"));
  ASSERT_TRUE(step);
  EXPECT_EQ(step->to, EnrolmentState::expired);
}

TEST(Lifecycle, CancelledLeaveWithdrawsPendingInvitation) {
  auto e = Enrolment::make("P1", "return-to-work", Role::mentee, EnrolmentState::invited, "L1", 1);
  Person p = person();
  Leave l = leave("2027-03-10", "2027-09-10", LeaveStatus::cancelled);
  auto step = next_step(programme_a(), {e, &p, &l}, kToday);
  ASSERT_TRUE(step);
  EXPECT_EQ(step->to, EnrolmentState::withdrawn);
  EXPECT_NE(step->cause.find("cancelled"), std::string::npos);
}

TEST(Lifecycle, CancelledLeaveOfAPairedMenteeAsksTheProgrammeManagerInstead) {
  auto e = Enrolment::make("P1", "return-to-work", Role::mentee, EnrolmentState::active, "L1", 1);
  Person p = person();
  Leave l = leave("2027-03-10", "2027-09-10", LeaveStatus::cancelled);
  Situation s{e, &p, &l, true, true, true};
  EXPECT_FALSE(next_step(programme_a(), s, kToday).has_value());
  Leave approved = leave("2027-03-10", "2027-09-10");
  auto change =
      leave_change(programme_a(), e, leave_fingerprint(approved), l, std::nullopt, kToday);
  ASSERT_TRUE(change && change->question);
  EXPECT_EQ(change->question->reason, QuestionReason::leave_cancelled);
  EXPECT_NE(change->question->words.find("continue"), std::string::npos);
}

TEST(Lifecycle, ConsentLeadsThroughTrainingToAPair) {
  auto e = Enrolment::make("P1", "return-to-work", Role::mentor, EnrolmentState::consented,
                           std::nullopt, 1);
  Person p = person();
  auto path = settle(programme_a(), e, {e, &p, nullptr, /*training*/ false}, kToday);
  EXPECT_EQ(path, std::vector<EnrolmentState>{EnrolmentState::awaiting_training});
  path = settle(programme_a(), e, {e, &p, nullptr, true}, kToday);
  EXPECT_EQ(path, std::vector<EnrolmentState>{EnrolmentState::awaiting_pair});
  path = settle(programme_a(), e, {e, &p, nullptr, true, true, /*pair*/ true}, kToday);
  EXPECT_EQ(path, (std::vector<EnrolmentState>{EnrolmentState::paired, EnrolmentState::active}));
}

TEST(Lifecycle, AnActiveMenteeMovesThroughThePhasesOfTheirLeave) {
  auto e = Enrolment::make("P1", "return-to-work", Role::mentee, EnrolmentState::paired, "L1", 1);
  Person p = person();
  Leave l = leave("2027-03-10", "2027-09-09");
  Situation s{e, &p, &l, true, true, true};
  settle(programme_a(), e, s, kToday);
  EXPECT_EQ(e.state, EnrolmentState::active);
  EXPECT_EQ(e.phase, Phase::before_leave);
  settle(programme_a(), e, s, *parse_date("2027-03-10"));
  EXPECT_EQ(e.phase, Phase::on_leave);
  settle(programme_a(), e, s, *parse_date("2027-09-09"));
  EXPECT_EQ(e.phase, Phase::on_leave);
  settle(programme_a(), e, s, *parse_date("2027-09-10"));
  EXPECT_EQ(e.phase, Phase::returned);
}

TEST(Lifecycle, APersonWhoLeftIsWithdrawnFromAnyOpenState) {
  for (auto state :
       {EnrolmentState::invited, EnrolmentState::awaiting_pair, EnrolmentState::active}) {
    auto e = Enrolment::make("P1", "return-to-work", Role::mentee, state, "L1", 1);
    Person p = person();
    p.end_date = *parse_date("2026-11-30");
    auto step = next_step(programme_a(), {e, &p, nullptr, true, true, true}, kToday);
    ASSERT_TRUE(step);
    EXPECT_EQ(step->to, EnrolmentState::withdrawn);
  }
}

TEST(Lifecycle, TheProgrammeCompletesAfterItsEnd) {
  auto e = Enrolment::make("P1", "return-to-work", Role::mentee, EnrolmentState::active, "L1", 1);
  e.ends_on = *parse_date("2027-12-01");
  e.phase = Phase::returned;
  Person p = person();
  Leave l = leave("2027-03-10", "2027-09-09");
  EXPECT_FALSE(next_step(programme_a(), {e, &p, &l, true, true, true}, *parse_date("2027-12-01")));
  auto step = next_step(programme_a(), {e, &p, &l, true, true, true}, *parse_date("2027-12-02"));
  ASSERT_TRUE(step);
  EXPECT_EQ(step->to, EnrolmentState::completed);
}

TEST(Schedule, TouchpointsFollowTheLeaveAndThePairing) {
  Leave l = leave("2027-03-10", "2027-09-09");
  auto plan = schedule(programme_a(), &l, *parse_date("2026-12-15"));
  ASSERT_EQ(plan.size(), 3u);
  EXPECT_EQ(format_date(plan[0].due), "2027-01-05");  // introduction: pairing + 21
  EXPECT_EQ(format_date(plan[1].due), "2027-02-10");  // handover: start - 28
  EXPECT_EQ(format_date(plan[2].due), "2027-09-17");  // first week back: return + 7
  l.expected_end = *parse_date("2027-06-09");         // shortened
  EXPECT_EQ(format_date(schedule(programme_a(), &l, *parse_date("2026-12-15"))[2].due),
            "2027-06-17");
  EXPECT_EQ(schedule(programme_a(), &l, std::nullopt).size(), 2u);  // not paired yet
}

TEST(MentorEligibility, LeaveEndingFiveYearsAgoCountsFiveYearsAndADayDoesNot) {
  Programme a = programme_a();
  Person p = person();
  // Within 5 years: ended on or after the same calendar day five years ago.
  auto with_leave_ending = [&](Date ended) {
    Leave l = leave("2021-01-01", format_date(ended));
    return mentor_ineligibility(a, p, {l}, kToday);
  };
  EXPECT_EQ(with_leave_ending(*parse_date("2021-12-01")), "");
  EXPECT_NE(with_leave_ending(*parse_date("2021-11-30")), "");
  EXPECT_NE(mentor_ineligibility(a, p, {}, kToday), "");
}

TEST(MentorEligibility, ExperienceRuleUsesTheStartDate) {
  Programme c = programme_a();
  c.mentor.leave_types.clear();
  c.mentor.leave_within_years.reset();
  c.mentor.min_experience_years = 5;
  Person p = person();
  p.start_date = *parse_date("2021-11-30");
  EXPECT_EQ(mentor_ineligibility(c, p, {}, kToday), "");
  p.start_date = *parse_date("2022-01-01");
  EXPECT_NE(mentor_ineligibility(c, p, {}, kToday), "");
}

TEST(LeaveChanges, TheChangeIsDescribedFieldByField) {
  Leave before = leave("2027-03-10", "2027-09-09");
  Leave after = before;
  after.start = *parse_date("2027-03-24");
  EXPECT_EQ(describe_leave_change(leave_fingerprint(before), after),
            "leave L1 changed: start 2027-03-10 -> 2027-03-24");
}
