// Keeping-in-touch days as rules: which leave a day belongs to, the count per
// leave, the warnings before and past the limit.
#include <mentoring/return_to_work/kit_days.hpp>

#include <gtest/gtest.h>

using namespace mentoring::domain;
using namespace mentoring::return_to_work;

namespace {

Date d(const char* text) {
  return parse_date(text).value();
}

Leave leave(const std::string& id, LeaveType type, const char* start, const char* end,
            LeaveStatus status = LeaveStatus::approved, const std::string& person = "P1") {
  Leave l;
  l.id = id, l.person_id = person, l.type = type, l.start = d(start), l.expected_end = d(end);
  l.status = status;
  return l;
}

KeepingInTouchRules statutory() {
  KeepingInTouchRules rules;
  rules.limits = {
      {LeaveType::maternity, 10}, {LeaveType::adoption, 10}, {LeaveType::shared_parental, 20}};
  rules.warn_when_remaining = 2;
  return rules;
}

std::vector<Date> days_from(const char* first, int n) {
  std::vector<Date> out;
  for (int i = 0; i < n; ++i) out.push_back(d(first) + std::chrono::days{i});
  return out;
}

}  // namespace

TEST(KitDays, ADayIsCountedAgainstTheLeaveThatCoversIt) {
  std::vector<Leave> leaves = {leave("L0", LeaveType::maternity, "2025-01-01", "2025-09-30"),
                               leave("L1", LeaveType::maternity, "2027-03-01", "2027-11-30")};
  auto choice = choose_leave(leaves, "P1", std::nullopt, d("2027-05-03"));
  ASSERT_NE(choice.leave, nullptr);
  EXPECT_EQ(choice.leave->id, "L1");
}

TEST(KitDays, TheLastDayOfLeaveCountsAndTheFirstDayBackDoesNot) {
  Leave l = leave("L1", LeaveType::maternity, "2027-03-01", "2027-11-30");
  EXPECT_TRUE(covers(l, d("2027-03-01")));
  EXPECT_TRUE(covers(l, d("2027-11-30")));
  EXPECT_FALSE(covers(l, d("2027-12-01")));
  EXPECT_FALSE(covers(l, d("2027-02-28")));
  l.actual_end = d("2027-10-31");  // came back early: the return moves
  EXPECT_FALSE(covers(l, d("2027-11-01")));
}

TEST(KitDays, ADayOutsideEveryLeaveIsRefusedNamingTheDate) {
  std::vector<Leave> leaves = {leave("L1", LeaveType::maternity, "2027-03-01", "2027-11-30")};
  auto choice = choose_leave(leaves, "P1", std::nullopt, d("2027-12-01"));
  EXPECT_EQ(choice.leave, nullptr);
  ASSERT_TRUE(choice.refusal);
  EXPECT_EQ(*choice.refusal, KitRefusal::no_leave_on_day);
  EXPECT_EQ(field_of(*choice.refusal), "/date");
}

TEST(KitDays, ANamedLeaveMustBeThePersonsTakenLeaveCoveringTheDay) {
  std::vector<Leave> leaves = {
      leave("L1", LeaveType::maternity, "2027-03-01", "2027-11-30"),
      leave("L2", LeaveType::maternity, "2027-03-01", "2027-11-30", LeaveStatus::approved, "P2"),
      leave("L3", LeaveType::maternity, "2027-03-01", "2027-11-30", LeaveStatus::cancelled)};
  EXPECT_EQ(choose_leave(leaves, "P1", "L9", d("2027-05-03")).refusal, KitRefusal::leave_not_found);
  EXPECT_EQ(choose_leave(leaves, "P1", "L2", d("2027-05-03")).refusal,
            KitRefusal::leave_of_someone_else);
  EXPECT_EQ(choose_leave(leaves, "P1", "L3", d("2027-05-03")).refusal, KitRefusal::leave_not_taken);
  auto outside = choose_leave(leaves, "P1", "L1", d("2028-01-10"));
  EXPECT_EQ(outside.refusal, KitRefusal::day_outside_leave);
  EXPECT_EQ(field_of(*outside.refusal), "/date");
  EXPECT_EQ(field_of(KitRefusal::leave_not_taken), "/leave_id");
  EXPECT_EQ(choose_leave(leaves, "P1", "L1", d("2027-05-03")).leave, &leaves[0]);
}

TEST(KitDays, ACancelledLeaveCoversNoDay) {
  std::vector<Leave> leaves = {
      leave("L1", LeaveType::maternity, "2027-03-01", "2027-11-30", LeaveStatus::cancelled)};
  EXPECT_EQ(choose_leave(leaves, "P1", std::nullopt, d("2027-05-03")).refusal,
            KitRefusal::no_leave_on_day);
}

TEST(KitDays, ALeaveTypeWithoutKitDaysIsRefusedNamingTheLeave) {
  Leave l = leave("L1", LeaveType::paternity, "2027-03-01", "2027-03-14");
  auto outcome = record_kit_day(statutory(), l, {}, d("2027-03-05"));
  ASSERT_TRUE(outcome.refusal);
  EXPECT_EQ(*outcome.refusal, KitRefusal::no_kit_days_for_type);
  EXPECT_EQ(field_of(*outcome.refusal), "/leave_id");
  EXPECT_FALSE(outcome.prompt_mentor);
}

TEST(KitDays, MaternityAllowsTenAndSharedParentalTwenty) {
  Leave maternity = leave("L1", LeaveType::maternity, "2027-03-01", "2027-11-30");
  Leave shared = leave("L2", LeaveType::shared_parental, "2027-03-01", "2027-11-30");
  EXPECT_EQ(count_kit_days(statutory(), maternity, 0).limit, 10);
  EXPECT_EQ(count_kit_days(statutory(), shared, 0).limit, 20);
  EXPECT_EQ(count_kit_days(statutory(), shared, 10).remaining, 10);
  EXPECT_TRUE(count_kit_days(statutory(), shared, 10).warnings.empty());
}

TEST(KitDays, EachRecordedDayPromptsTheMentorAndCountsOnce) {
  Leave l = leave("L1", LeaveType::maternity, "2027-03-01", "2027-11-30");
  auto first = record_kit_day(statutory(), l, {}, d("2027-04-05"));
  EXPECT_FALSE(first.refusal);
  EXPECT_TRUE(first.prompt_mentor);
  EXPECT_EQ(first.after.used, 1);
  EXPECT_EQ(first.after.remaining, 9);
  EXPECT_TRUE(first.warnings.empty());
  auto again = record_kit_day(statutory(), l, {d("2027-04-05")}, d("2027-04-05"));
  EXPECT_EQ(again.refusal, KitRefusal::already_recorded);
  EXPECT_EQ(again.after.used, 1);
  EXPECT_FALSE(again.prompt_mentor);
}

TEST(KitDays, WarnsWhenTwoOrFewerRemainThenAtTheLimit) {
  Leave l = leave("L1", LeaveType::maternity, "2027-03-01", "2027-11-30");
  auto seventh = record_kit_day(statutory(), l, days_from("2027-04-01", 6), d("2027-05-01"));
  EXPECT_TRUE(seventh.warnings.empty());  // 3 remain
  auto eighth = record_kit_day(statutory(), l, days_from("2027-04-01", 7), d("2027-05-01"));
  EXPECT_EQ(eighth.warnings, std::vector<KitWarning>{KitWarning::few_remaining});
  EXPECT_EQ(eighth.after.remaining, 2);
  auto tenth = record_kit_day(statutory(), l, days_from("2027-04-01", 9), d("2027-05-01"));
  EXPECT_EQ(tenth.warnings, std::vector<KitWarning>{KitWarning::limit_reached});
  EXPECT_FALSE(tenth.over_limit);
}

TEST(KitDays, ADayBeyondTheLimitIsRecordedAsOverTheLimitWithAWarning) {
  Leave l = leave("L1", LeaveType::maternity, "2027-03-01", "2027-11-30");
  auto eleventh = record_kit_day(statutory(), l, days_from("2027-04-01", 10), d("2027-05-01"));
  EXPECT_FALSE(eleventh.refusal);  // the employer's limit: what happened is kept
  EXPECT_TRUE(eleventh.over_limit);
  EXPECT_EQ(eleventh.after.used, 11);
  EXPECT_EQ(eleventh.after.remaining, 0);
  EXPECT_EQ(eleventh.after.over, 1);
  EXPECT_EQ(eleventh.warnings, std::vector<KitWarning>{KitWarning::over_limit});
  EXPECT_TRUE(eleventh.prompt_mentor);
}

TEST(KitDays, TheWarningThresholdComesFromTheProgramme) {
  KeepingInTouchRules rules = statutory();
  rules.warn_when_remaining = 0;
  Leave l = leave("L1", LeaveType::maternity, "2027-03-01", "2027-11-30");
  EXPECT_TRUE(count_kit_days(rules, l, 9).warnings.empty());
  EXPECT_EQ(count_kit_days(rules, l, 10).warnings,
            std::vector<KitWarning>{KitWarning::limit_reached});
}

TEST(KitDays, TheLeavesOwnEnrolmentChoosesWhoseLimitsCount) {
  Programme a, b;
  a.id = "a", b.id = "b";
  b.mentee.leave_types = {LeaveType::maternity};
  Leave l = leave("L1", LeaveType::maternity, "2027-03-01", "2027-11-30");
  EXPECT_EQ(rules_programme({a, b}, {}, l)->id, "b");  // the programme for that leave type
  std::vector<Programme> programmes = {a, b};
  auto enrolment = Enrolment::make("P1", "a", Role::mentee, EnrolmentState::paired, "L1");
  EXPECT_EQ(rules_programme(programmes, {enrolment}, l)->id, "a");
  EXPECT_EQ(rules_programme({}, {}, l), nullptr);
}

TEST(KitDays, EveryReasonHasWords) {
  for (auto r :
       {KitRefusal::leave_not_found, KitRefusal::leave_of_someone_else, KitRefusal::leave_not_taken,
        KitRefusal::no_leave_on_day, KitRefusal::day_outside_leave,
        KitRefusal::no_kit_days_for_type, KitRefusal::already_recorded}) {
    EXPECT_NE(to_string(r), "?");
    EXPECT_GT(describe(r).size(), 10u);
    EXPECT_FALSE(field_of(r).empty());
  }
  for (auto w : {KitWarning::few_remaining, KitWarning::limit_reached, KitWarning::over_limit}) {
    EXPECT_NE(to_string(w), "?");
    EXPECT_GT(describe(w).size(), 10u);
  }
}

TEST(KitDays, EachAudienceOfADayHasItsOwnStableKey) {
  auto mentor = kit_day_key("nw", "L1", d("2027-05-03"), KitAudience::mentor);
  EXPECT_EQ(mentor.text, "kit-day/nw/L1/2027-05-03/mentor");
  EXPECT_EQ(mentor.kind, ActionKind::notify);
  EXPECT_EQ(kit_day_key("nw", "L1", d("2027-05-03"), KitAudience::person).text,
            "kit-day/nw/L1/2027-05-03/person");
  auto hr = kit_day_key("nw", "L1", d("2027-05-03"), KitAudience::hr);
  EXPECT_EQ(hr.text, "kit-day/nw/L1/2027-05-03/hr");
  EXPECT_EQ(hr.kind, ActionKind::task);
}
