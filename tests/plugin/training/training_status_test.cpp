// Training tracking as pure functions, driven by the day passed in.
#include <mentoring/training/training.hpp>

#include <gtest/gtest.h>

using namespace mentoring::training;
using mentoring::domain::CourseCompletion;
using mentoring::domain::Date;
using mentoring::domain::parse_date;

namespace {

Date day(const char* text) {
  return parse_date(text).value();
}

TrainingRules mentor_rules() {
  TrainingRules rules;
  rules.required_courses = {"MT-1", "SAFE-2"};
  rules.valid_for_months = 24;
  rules.deadline_days = 60;
  return rules;
}

CourseCompletion done(const char* course, const char* on,
                      std::optional<const char*> expires = std::nullopt) {
  CourseCompletion c{"E7", course, day(on), std::nullopt};
  if (expires) c.expires_at = day(*expires);
  return c;
}

bool has_step(const std::vector<TrainingStep>& steps, const std::string& key) {
  for (const auto& s : steps) {
    if (s.key == key) return true;
  }
  return false;
}

}  // namespace

TEST(TrainingStatus, CompleteWhenEveryRequiredCourseIsDoneAndValid) {
  auto status =
      training_status(mentor_rules(), {done("MT-1", "2026-05-01"), done("SAFE-2", "2026-06-01")},
                      day("2026-12-01"));
  EXPECT_TRUE(status.complete());
  EXPECT_TRUE(status.gaps().empty());
  EXPECT_EQ(status.courses[0].valid_until, day("2028-05-01"));
}

TEST(TrainingStatus, AMissingCourseBlocksAndIsNamed) {
  auto status = training_status(mentor_rules(), {done("MT-1", "2026-05-01")}, day("2026-12-01"));
  EXPECT_FALSE(status.complete());
  ASSERT_EQ(status.gaps().size(), 1u);
  EXPECT_EQ(status.gaps()[0]->course_id, "SAFE-2");
  EXPECT_EQ(status.gaps()[0]->state, CourseState::missing);
}

TEST(TrainingStatus, ExpiresByValidityMonthsOrByTheLmsExpiryDate) {
  auto rules = mentor_rules();
  std::vector<CourseCompletion> completions = {done("MT-1", "2024-11-01"),
                                               done("SAFE-2", "2026-01-01", "2026-11-30")};
  auto before = training_status(rules, completions, day("2026-10-15"));
  EXPECT_EQ(before.courses[0].state, CourseState::expiring);  // lapses 2026-11-01, 17 days out
  EXPECT_EQ(before.courses[1].state, CourseState::complete);  // lapses 2026-11-30, 46 days out
  EXPECT_TRUE(before.complete());

  auto after = training_status(rules, completions, day("2026-12-01"));
  EXPECT_EQ(after.courses[0].state, CourseState::expired);
  EXPECT_EQ(after.courses[1].state, CourseState::expired);  // the LMS expiry wins
  EXPECT_FALSE(after.complete());
  EXPECT_FALSE(training_complete(rules, completions, day("2026-12-01")));
}

TEST(TrainingStatus, CompleteButExpiringOnlyWhileEveryCourseStillCounts) {
  auto rules = mentor_rules();
  auto valid = training_status(rules, {done("MT-1", "2026-05-01"), done("SAFE-2", "2026-06-01")},
                               day("2026-12-01"));
  EXPECT_FALSE(valid.complete_but_expiring());  // nothing lapses within 30 days
  auto lapsing = training_status(rules, {done("MT-1", "2024-11-01"), done("SAFE-2", "2026-06-01")},
                                 day("2026-10-15"));
  EXPECT_TRUE(lapsing.complete_but_expiring());  // MT-1 lapses 2026-11-01
  auto blocked = training_status(rules, {done("MT-1", "2024-11-01")}, day("2026-10-15"));
  EXPECT_FALSE(blocked.complete_but_expiring());  // SAFE-2 missing: blocked, not expiring
}

TEST(ExpectedToTrain, FromConsentUntilTheMentoringEnds) {
  using mentoring::domain::EnrolmentState;
  for (auto state :
       {EnrolmentState::consented, EnrolmentState::awaiting_training, EnrolmentState::awaiting_pair,
        EnrolmentState::paired, EnrolmentState::active}) {
    EXPECT_TRUE(expected_to_train(state)) << to_string(state);
  }
  for (auto state :
       {EnrolmentState::eligible, EnrolmentState::invited, EnrolmentState::declined,
        EnrolmentState::expired, EnrolmentState::withdrawn, EnrolmentState::completed}) {
    EXPECT_FALSE(expected_to_train(state)) << to_string(state);
  }
}

TEST(TrainingStatus, ARenewalRestoresAssignabilityWhateverOrderTheLmsSentThemIn) {
  auto rules = mentor_rules();
  std::vector<CourseCompletion> completions = {
      done("MT-1", "2026-11-20"), done("MT-1", "2024-01-01"), done("SAFE-2", "2026-01-01")};
  auto status = training_status(rules, completions, day("2026-12-01"));
  EXPECT_EQ(status.courses[0].state, CourseState::complete);
  EXPECT_EQ(status.courses[0].completed_at, day("2026-11-20"));
  EXPECT_TRUE(status.complete());
}

TEST(TrainingStatus, WithoutValidityACompletionNeverLapses) {
  TrainingRules rules;
  rules.required_courses = {"MT-1"};
  EXPECT_TRUE(training_complete(rules, {done("MT-1", "2001-01-01")}, day("2030-01-01")));
}

TEST(TrainingStatus, ACompletionDatedInTheFutureDoesNotCount) {
  TrainingRules rules;
  rules.required_courses = {"MT-1"};
  EXPECT_FALSE(training_complete(rules, {done("MT-1", "2026-12-02")}, day("2026-12-01")));
}

TEST(CheckCompletion, NamesTheRecordAndTheField) {
  auto unknown_person =
      check_completion(done("MT-1", "2026-01-01"), false, {"MT-1"}, day("2026-12-01"));
  ASSERT_TRUE(unknown_person);
  EXPECT_NE(unknown_person->find("course completion E7/MT-1: /person_id"), std::string::npos);

  auto unknown_course =
      check_completion(done("XX-9", "2026-01-01"), true, {"MT-1"}, day("2026-12-01"));
  ASSERT_TRUE(unknown_course);
  EXPECT_NE(unknown_course->find("/course_id: found \"XX-9\""), std::string::npos);

  auto future = check_completion(done("MT-1", "2027-01-01"), true, {"MT-1"}, day("2026-12-01"));
  ASSERT_TRUE(future);
  EXPECT_NE(future->find("/completed_at: found 2027-01-01"), std::string::npos);

  EXPECT_FALSE(check_completion(done("MT-1", "2026-01-01"), true, {"MT-1"}, day("2026-12-01")));
  EXPECT_FALSE(check_completion(done("ANY", "2026-01-01"), true, {}, day("2026-12-01")));
}

TEST(PlanTraining, GapsGiveEnrolmentsWithStableKeys) {
  auto rules = mentor_rules();
  auto status = training_status(rules, {}, day("2026-12-01"));
  auto steps = plan_training(rules, {"E7", day("2026-11-01")}, status, day("2026-12-01"));
  EXPECT_TRUE(has_step(steps, "enrol/MT-1/missing"));
  EXPECT_TRUE(has_step(steps, "enrol/SAFE-2/missing"));
  EXPECT_EQ(steps.size(), 2u);  // the deadline (2026-12-31) is not near yet
  EXPECT_EQ(steps[0].due_by, day("2026-12-31"));
  // Planning again the next day gives the same keys.
  auto again = plan_training(rules, {"E7", day("2026-11-01")},
                             training_status(rules, {}, day("2026-12-02")), day("2026-12-02"));
  EXPECT_TRUE(has_step(again, "enrol/MT-1/missing"));
}

TEST(PlanTraining, RemindsBeforeTheDeadlineThenWhenOverdue) {
  auto rules = mentor_rules();
  rules.reminder_days_before = {14, 3};
  Trainee trainee{"E7", day("2026-11-01")};  // due 2026-12-31
  auto near = plan_training(rules, trainee, training_status(rules, {}, day("2026-12-20")),
                            day("2026-12-20"));
  EXPECT_TRUE(has_step(near, "remind/2026-12-31/14"));
  // A run after a pause sends only the nearest reminder.
  auto late = plan_training(rules, trainee, training_status(rules, {}, day("2026-12-30")),
                            day("2026-12-30"));
  EXPECT_TRUE(has_step(late, "remind/2026-12-31/3"));
  EXPECT_FALSE(has_step(late, "remind/2026-12-31/14"));
  auto overdue = plan_training(rules, trainee, training_status(rules, {}, day("2027-01-05")),
                               day("2027-01-05"));
  EXPECT_TRUE(has_step(overdue, "remind/2026-12-31/overdue"));
}

TEST(PlanTraining, ExpiringCompletionIsRenewedBeforeItLapsesAndExpiredIsReEnrolled) {
  auto rules = mentor_rules();
  std::vector<CourseCompletion> completions = {done("MT-1", "2024-12-20"),
                                               done("SAFE-2", "2026-01-01")};
  auto expiring =
      plan_training(rules, {"E7", std::nullopt},
                    training_status(rules, completions, day("2026-12-01")), day("2026-12-01"));
  EXPECT_TRUE(has_step(expiring, "enrol/MT-1/renew/2026-12-20"));
  EXPECT_TRUE(has_step(expiring, "remind/MT-1/renew/2026-12-20"));

  auto expired =
      plan_training(rules, {"E7", std::nullopt},
                    training_status(rules, completions, day("2026-12-21")), day("2026-12-21"));
  EXPECT_TRUE(has_step(expired, "enrol/MT-1/expired/2026-12-20"));

  completions.push_back(done("MT-1", "2026-12-22"));
  auto renewed =
      plan_training(rules, {"E7", std::nullopt},
                    training_status(rules, completions, day("2026-12-23")), day("2026-12-23"));
  EXPECT_TRUE(renewed.empty());
}
