// What becomes of an action its target refused (domain::after_failure).
#include <mentoring/domain/delivery.hpp>

#include <gtest/gtest.h>

using namespace mentoring::domain;
using namespace std::chrono;

namespace {
const sys_seconds kNoon = sys_days{year{2026} / 12 / 1} + hours{12};
}

TEST(Retry, TheWaitDoublesFromRetryAfterAndNeverExceedsADay) {
  RetryPolicy policy;  // 15 minutes, 6 attempts
  EXPECT_EQ(wait_after(1, policy), minutes{15});
  EXPECT_EQ(wait_after(2, policy), minutes{30});
  EXPECT_EQ(wait_after(3, policy), minutes{60});
  EXPECT_EQ(wait_after(5, policy), minutes{240});
  EXPECT_EQ(wait_after(8, policy), minutes{1440});   // 15 * 128 = 1920: capped
  EXPECT_EQ(wait_after(60, policy), minutes{1440});  // no overflow
  policy.retry_after = minutes{600};
  EXPECT_EQ(wait_after(2, policy), minutes{1200});
  EXPECT_EQ(wait_after(3, policy), minutes{1440});
}

TEST(Retry, AFailureBeforeMaxAttemptsIsRetriedAfterTheWait) {
  RetryPolicy policy;
  auto first = after_failure(0, policy, kNoon);
  EXPECT_EQ(first.attempts, 1);
  EXPECT_FALSE(first.dead);
  EXPECT_EQ(format_time(first.next_attempt_at), "2026-12-01T12:15:00Z");
  auto fifth = after_failure(4, policy, kNoon);
  EXPECT_EQ(fifth.attempts, 5);
  EXPECT_FALSE(fifth.dead);
  EXPECT_EQ(format_time(fifth.next_attempt_at), "2026-12-01T16:00:00Z");
}

TEST(Retry, TheMaxAttemptsthFailureMakesADeadLetter) {
  RetryPolicy policy;
  policy.max_attempts = 3;
  EXPECT_FALSE(after_failure(1, policy, kNoon).dead);
  auto third = after_failure(2, policy, kNoon);
  EXPECT_TRUE(third.dead);
  EXPECT_EQ(third.attempts, 3);
  policy.max_attempts = 1;
  EXPECT_TRUE(after_failure(0, policy, kNoon).dead);
}

TEST(Retry, TimesAreIsoUtcAndOrderAsText) {
  EXPECT_EQ(format_time(kNoon), "2026-12-01T12:00:00Z");
  EXPECT_LT(format_time(kNoon + minutes{15}), format_time(kNoon + hours{24}));
}
