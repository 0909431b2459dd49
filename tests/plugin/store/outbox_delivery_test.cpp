// The outbox's delivery states (migration 9): what is due, what is dead or
// dropped, and that a delivered action is never changed back.
#include <mentoring/store/org_store.hpp>
#include <mentoring/store/outbox_repository.hpp>

#include <gtest/gtest.h>

#include <filesystem>

#include <unistd.h>

using namespace mentoring::store;
namespace fs = std::filesystem;

namespace {

class OutboxDelivery : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() /
          ("mentoring-outbox-test-" +
           std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" +
           std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    store = std::make_unique<OrgStore>(dir, "acme");
    outbox = std::make_unique<SqliteOutboxRepository>(store->session());
    for (const char* key : {"k1", "k2", "k3"})
      outbox->enqueue(key, "invite", "{\"person_id\":\"P1\"}", "2026-12-01T12:00:00Z");
  }
  void TearDown() override {
    outbox.reset();
    store.reset();
    fs::remove_all(dir);
  }
  std::vector<std::string> due_at(const std::string& now) {
    std::vector<std::string> keys;
    for (const auto& e : outbox->due_after(0, now, 100)) keys.push_back(e.idempotency_key);
    return keys;
  }
  FailedAttempt failure(const std::string& key, int attempts, const std::string& next,
                        bool dead = false) {
    return {key,  "lms", "Invalid token - token not found", attempts, "2026-12-01T12:00:00Z",
            dead, next};
  }

  fs::path dir;
  std::unique_ptr<OrgStore> store;
  std::unique_ptr<SqliteOutboxRepository> outbox;
};

}  // namespace

TEST_F(OutboxDelivery, AFailedActionIsDueAgainOnlyFromItsNextAttempt) {
  outbox->record_failure(failure("k1", 1, "2026-12-01T12:15:00Z"));
  EXPECT_EQ(due_at("2026-12-01T12:14:59Z"), (std::vector<std::string>{"k2", "k3"}));
  EXPECT_EQ(due_at("2026-12-01T12:15:00Z"), (std::vector<std::string>{"k1", "k2", "k3"}));
  auto k1 = outbox->find("k1");
  ASSERT_TRUE(k1);
  EXPECT_EQ(k1->attempts, 1);
  EXPECT_EQ(k1->target, "lms");
  EXPECT_EQ(k1->last_error, "Invalid token - token not found");
  EXPECT_EQ(state_of(*k1), OutboxState::pending);
  auto counts = outbox->counts();
  EXPECT_EQ(counts.pending, 3);
  EXPECT_EQ(counts.retrying, 1);
}

TEST_F(OutboxDelivery, DeadAndDroppedActionsAreNeverDue) {
  outbox->record_failure(failure("k1", 6, "", true));
  outbox->mark_dropped("k2", "asked not to", "2026-12-01T13:00:00Z");
  EXPECT_EQ(due_at("2030-01-01T00:00:00Z"), std::vector<std::string>{"k3"});
  EXPECT_EQ(state_of(*outbox->find("k1")), OutboxState::dead);
  EXPECT_EQ(state_of(*outbox->find("k2")), OutboxState::dropped);
  EXPECT_EQ(outbox->count(OutboxState::dead), 1);
  EXPECT_EQ(outbox->count(OutboxState::dropped), 1);
  EXPECT_EQ(outbox->count(OutboxState::pending), 1);
  // HR's retry: pending again, no attempts, due now; the last error kept.
  outbox->reset_attempts("k1");
  auto k1 = outbox->find("k1");
  EXPECT_EQ(state_of(*k1), OutboxState::pending);
  EXPECT_EQ(k1->attempts, 0);
  EXPECT_EQ(k1->last_error, "Invalid token - token not found");
  EXPECT_EQ(due_at("2026-12-01T12:00:00Z"), (std::vector<std::string>{"k1", "k3"}));
  // A dropped action stays dropped.
  outbox->reset_attempts("k2");
  EXPECT_EQ(state_of(*outbox->find("k2")), OutboxState::dropped);
}

TEST_F(OutboxDelivery, ADeliveredActionIsNeverMarkedFailedDeadOrDroppedAfterwards) {
  outbox->mark_delivered("k1", "2026-12-01T12:00:00Z", "lms");
  outbox->record_failure(failure("k1", 6, "", true));
  outbox->mark_dropped("k1", "too late", "2026-12-01T13:00:00Z");
  auto k1 = outbox->find("k1");
  EXPECT_EQ(state_of(*k1), OutboxState::delivered);
  EXPECT_EQ(k1->last_error, "");
  EXPECT_EQ(outbox->count(OutboxState::delivered), 1);
  EXPECT_EQ(outbox->list(OutboxState::delivered, 0, 10).at(0).idempotency_key, "k1");
}
