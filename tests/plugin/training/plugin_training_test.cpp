// Training tracking through the loaded plugin: LMS completions arrive, the
// clock moves, and gaps become LMS enrolments and reminders.
#include "plugin_fixture.hpp"

using namespace sessions_test;
using mentoring::domain::EnrolmentState;

namespace {
json completion(const char* person, const char* course, const char* on) {
  return {{"person_id", person}, {"course_id", course}, {"completed_at", on}};
}
}  // namespace

TEST_F(SessionsPlugin, AMentorIsBlockedUntilTrainedThenLapsesAndIsRenewed) {
  seed_pair("MENTEE1", "MENTOR1", "2027-01-04T09:00:00Z", EnrolmentState::awaiting_training);
  json summary = run();
  EXPECT_EQ(summary["modules"]["training"]["blocked"], 1) << summary.dump(2);
  auto enrol = pushed("enrol_in_course");
  ASSERT_EQ(enrol.size(), 1u);
  EXPECT_EQ(enrol[0]["person_id"], "MENTOR1");
  EXPECT_EQ(enrol[0]["payload"]["course_id"], "MT-1");
  json blocked = call("training_blocked", json::object());
  ASSERT_EQ(blocked["blocked"].size(), 1u);
  EXPECT_EQ(blocked["blocked"][0]["missing"], json::array({"MT-1"}));

  // Completed: no longer blocked, and ready for the lifecycle to move on.
  at("2027-01-20");
  lms.completions = json::array({completion("MENTOR1", "MT-1", "2027-01-18")});
  lms.version = 2;
  summary = run();
  EXPECT_EQ(summary["modules"]["training"]["complete"], 1);
  ASSERT_EQ(summary["modules"]["training"]["ready_for_pairing"].size(), 1u);
  EXPECT_TRUE(call("training_blocked", json::object())["blocked"].empty());
  json rates = call("training_rates", {{"programme", "rtw"}});
  EXPECT_EQ(rates["rates"][0]["complete"], 1);

  // 30 days before it lapses (12 months): re-enrolment, before it lapses.
  at("2027-12-20");
  run();
  EXPECT_EQ(pushed("enrol_in_course", "training/acme/rtw/MENTOR1/mentor/enrol/MT-1/renew/").size(),
            1u);

  // Lapsed: blocked again, with the lapse date.
  at("2028-01-19");
  run();
  blocked = call("training_blocked", json::object());
  ASSERT_EQ(blocked["blocked"].size(), 1u);
  EXPECT_EQ(blocked["blocked"][0]["expired"][0]["lapsed_on"], "2028-01-18");

  // Renewed.
  lms.completions.push_back(completion("MENTOR1", "MT-1", "2028-01-19"));
  lms.version = 3;
  run();
  EXPECT_TRUE(call("training_blocked", json::object())["blocked"].empty());
}

TEST_F(SessionsPlugin, TrainingRemindersComeBeforeTheDeadlineOnce) {
  seed_pair("MENTEE1", "MENTOR1", "2027-01-04T09:00:00Z", EnrolmentState::awaiting_training);
  at("2027-01-28");  // deadline 30 days after the enrolment: 2027-02-03; reminder 7 days before
  run();
  lms.version = 2;
  run();
  EXPECT_EQ(pushed("reminder", "training/").size(), 1u);
}

// A completion stored while the host's clock was ahead (the sync refuses one dated after
// today) is reported by the pass, naming its day, once the clock is right again.
TEST_F(SessionsPlugin, ACompletionDatedAfterTodayIsReportedAsAProblem) {
  seed_pair("MENTEE1", "MENTOR1", "2027-01-04T09:00:00Z", EnrolmentState::awaiting_training);
  at("2027-01-20");
  lms.completions = json::array({completion("MENTOR1", "MT-1", "2027-01-18")});
  lms.version = 2;
  json summary = run();
  EXPECT_TRUE(summary["modules"]["training"]["problems"].empty()) << summary.dump(2);

  at("2027-01-10");
  summary = run();
  const json& problems = summary["modules"]["training"]["problems"];
  ASSERT_EQ(problems.size(), 1u) << summary.dump(2);
  EXPECT_NE(problems[0].dump().find("2027-01-18"), std::string::npos) << problems[0].dump(2);
}

TEST_F(SessionsPlugin, AnUnknownProgrammeIsNamedByPointer) {
  try {
    call("training_rates", {{"programme", "nope"}});
    FAIL();
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("/programme: found \"nope\""), std::string::npos)
        << e.what();
  }
}
