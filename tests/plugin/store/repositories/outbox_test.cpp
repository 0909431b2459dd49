// The outbox repository (issue 17) on every backend: write-backs keyed by idempotency key,
// pending until the host acknowledges them, failures as domain::after_failure decides them,
// dead letters, HR's drops and retries, secrets forgotten once delivered, and the caller's
// transaction taking enqueued actions with it.
#include "backend.hpp"

#include <mentoring/domain/delivery.hpp>
#include <mentoring/store/outbox_repository.hpp>
#include <mentoring/store/postgres/outbox_repository.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

using namespace mentoring::store;
using mentoring::store::testing::Backend;
using mentoring::store::testing::RepositoryTest;
using nlohmann::json;
namespace domain = mentoring::domain;

namespace {

using Keys = std::vector<std::string>;

const std::string kCreated = "2026-12-01T12:00:00Z";
const std::chrono::sys_seconds kCreatedTime =
    std::chrono::sys_days{std::chrono::year{2026} / 12 / 1} + std::chrono::hours(12);

std::unique_ptr<OutboxRepository> outbox_of(Backend& backend) {
  return backend
      .make<OutboxRepository, SqliteOutboxRepository, postgres::PostgresOutboxRepository>();
}

class OutboxRepositories : public RepositoryTest {
 protected:
  std::unique_ptr<OutboxRepository> outbox_owned = outbox_of(*backend);
  OutboxRepository& outbox = *outbox_owned;

  void enqueue(const Keys& keys, const std::string& payload = R"({"person_id":"P1"})") {
    for (const auto& key : keys) ASSERT_TRUE(outbox.enqueue(key, "invite", payload, kCreated));
  }
  Keys due_at(const std::string& now, std::int64_t after_id = 0, int limit = 100) {
    Keys keys;
    for (const auto& e : outbox.due_after(after_id, now, limit)) keys.push_back(e.idempotency_key);
    return keys;
  }
  Keys listed(OutboxState state) {
    Keys keys;
    for (const auto& e : outbox.list(state, 0, 100)) keys.push_back(e.idempotency_key);
    return keys;
  }
  OutboxState state(const std::string& key) {
    auto entry = outbox.find(key);
    if (!entry) throw std::runtime_error("no outbox action " + key);
    return state_of(*entry);
  }
  // The failure as the delivery records it: the domain decides what follows.
  FailedAttempt failure(const std::string& key, const domain::RetryPolicy& policy,
                        std::chrono::sys_seconds now) {
    const auto before = outbox.find(key)->attempts;
    const auto outcome = domain::after_failure(before, policy, now);
    FailedAttempt attempt{key,
                          "lms",
                          "Invalid token - token not found",
                          outcome.attempts,
                          domain::format_time(now),
                          outcome.dead,
                          ""};
    if (!outcome.dead) attempt.next_attempt_at = domain::format_time(outcome.next_attempt_at);
    return attempt;
  }
  json payload_of(const std::string& key) { return json::parse(outbox.find(key)->payload); }
};

}  // namespace

TEST_P(OutboxRepositories, AnActionIsEnqueuedOncePerKey) {
  EXPECT_TRUE(outbox.enqueue("invite/acme/rtw/P1/L1", "invite", R"({"n":1})", kCreated));
  EXPECT_FALSE(outbox.enqueue("invite/acme/rtw/P1/L1", "notify", R"({"n":2})", "2027-01-01"));
  EXPECT_TRUE(outbox.enqueue("invite/acme/rtw/P1/L2", "invite", R"({"n":3})", kCreated));

  auto first = outbox.find("invite/acme/rtw/P1/L1");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->type, "invite") << "the second enqueue stored nothing";
  EXPECT_EQ(first->payload, R"({"n":1})");
  EXPECT_EQ(first->created_at, kCreated);
  EXPECT_EQ(first->attempts, 0);
  EXPECT_EQ(first->target, "");
  EXPECT_EQ(state_of(*first), OutboxState::pending);
  EXPECT_LT(first->id, outbox.find("invite/acme/rtw/P1/L2")->id) << "ids in enqueueing order";
  EXPECT_EQ(outbox.count(OutboxState::pending), 2);
  EXPECT_TRUE(outbox.contains("invite/acme/rtw/P1/L1"));
  EXPECT_FALSE(outbox.contains("invite/acme/rtw/P1/L3"));
  EXPECT_FALSE(outbox.find("invite/acme/rtw/P1/L3"));
}

TEST_P(OutboxRepositories, DueActionsArePagedInEnqueueingOrder) {
  enqueue({"k1", "k2", "k3", "k4"});
  EXPECT_EQ(due_at(kCreated, 0, 2), (Keys{"k1", "k2"}));
  const auto second = outbox.find("k2")->id;
  EXPECT_EQ(due_at(kCreated, second, 2), (Keys{"k3", "k4"}));
  EXPECT_EQ(due_at(kCreated, outbox.find("k4")->id, 2), Keys{});
  auto page = outbox.list(OutboxState::pending, second, 1);
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].idempotency_key, "k3");
}

TEST_P(OutboxRepositories, AnActionIsDeliveredOnlyWhenAcknowledged) {
  enqueue({"k1", "k2"});
  EXPECT_EQ(listed(OutboxState::delivered), Keys{});
  EXPECT_EQ(due_at(kCreated), (Keys{"k1", "k2"})) << "read for delivery: still pending";

  EXPECT_TRUE(outbox.mark_delivered("k1", "2026-12-01T12:05:00Z", "lms"));
  auto k1 = outbox.find("k1");
  EXPECT_EQ(state_of(*k1), OutboxState::delivered);
  EXPECT_EQ(k1->delivered_at, "2026-12-01T12:05:00Z");
  EXPECT_EQ(k1->last_attempt_at, "2026-12-01T12:05:00Z");
  EXPECT_EQ(k1->attempts, 1);
  EXPECT_EQ(k1->target, "lms");
  EXPECT_EQ(state("k2"), OutboxState::pending);
  EXPECT_EQ(due_at("2030-01-01T00:00:00Z"), Keys{"k2"});
  EXPECT_EQ(listed(OutboxState::delivered), Keys{"k1"});

  EXPECT_FALSE(outbox.mark_delivered("k1", "2026-12-01T13:00:00Z", "other"))
      << "a second acknowledgement changes nothing";
  EXPECT_EQ(outbox.find("k1")->delivered_at, "2026-12-01T12:05:00Z");
  EXPECT_EQ(outbox.find("k1")->target, "lms");
  EXPECT_FALSE(outbox.mark_delivered("unknown", "2026-12-01T13:00:00Z", "lms"));

  auto counts = outbox.counts();
  EXPECT_EQ(counts.pending, 1);
  EXPECT_EQ(counts.delivered, 1);
  EXPECT_EQ(counts.retrying + counts.dead + counts.dropped, 0);
}

TEST_P(OutboxRepositories, AFailureIsRecordedWithItsNextAttempt) {
  enqueue({"k1", "k2", "k3"});
  const domain::RetryPolicy policy;  // 15 minutes, then doubling
  ASSERT_TRUE(outbox.record_failure(failure("k1", policy, kCreatedTime)));

  EXPECT_EQ(due_at("2026-12-01T12:14:59Z"), (Keys{"k2", "k3"}));
  EXPECT_EQ(due_at("2026-12-01T12:15:00Z"), (Keys{"k1", "k2", "k3"}));
  auto k1 = outbox.find("k1");
  EXPECT_EQ(k1->attempts, 1);
  EXPECT_EQ(k1->target, "lms");
  EXPECT_EQ(k1->last_error, "Invalid token - token not found");
  EXPECT_EQ(k1->last_attempt_at, kCreated);
  EXPECT_EQ(k1->next_attempt_at, "2026-12-01T12:15:00Z");
  EXPECT_EQ(state_of(*k1), OutboxState::pending);
  auto counts = outbox.counts();
  EXPECT_EQ(counts.pending, 3);
  EXPECT_EQ(counts.retrying, 1);

  // Delivered at the next attempt: the error and the next attempt go.
  ASSERT_TRUE(outbox.mark_delivered("k1", "2026-12-01T12:15:00Z", ""));
  k1 = outbox.find("k1");
  EXPECT_EQ(k1->attempts, 2);
  EXPECT_EQ(k1->last_error, "");
  EXPECT_EQ(k1->next_attempt_at, "");
  EXPECT_EQ(k1->target, "lms") << "an acknowledgement without a target keeps the last one";
  EXPECT_EQ(outbox.counts().retrying, 0);
}

TEST_P(OutboxRepositories, AnActionIsDeadAfterItsLastAttemptUntilHrRetriesIt) {
  enqueue({"k1", "k2"});
  domain::RetryPolicy policy;
  policy.max_attempts = 3;
  auto now = kCreatedTime;
  for (int attempt = 1; attempt <= 3; ++attempt) {
    auto failed = failure("k1", policy, now);
    EXPECT_EQ(failed.dead, attempt == 3);
    ASSERT_TRUE(outbox.record_failure(failed));
    now += std::chrono::hours(25);  // past any wait
  }
  auto k1 = outbox.find("k1");
  EXPECT_EQ(state_of(*k1), OutboxState::dead);
  EXPECT_EQ(k1->attempts, 3);
  EXPECT_FALSE(k1->dead_at.empty());
  EXPECT_EQ(k1->next_attempt_at, "");
  EXPECT_EQ(due_at("2030-01-01T00:00:00Z"), Keys{"k2"}) << "a dead letter is never due";
  EXPECT_EQ(listed(OutboxState::dead), Keys{"k1"});
  EXPECT_EQ(outbox.count(OutboxState::dead), 1);
  EXPECT_EQ(outbox.counts().dead, 1);
  EXPECT_EQ(outbox.count(OutboxState::pending), 1);

  // HR's retry: pending again, no attempts, due now; the last error kept.
  EXPECT_TRUE(outbox.reset_attempts("k1"));
  k1 = outbox.find("k1");
  EXPECT_EQ(state_of(*k1), OutboxState::pending);
  EXPECT_EQ(k1->attempts, 0);
  EXPECT_EQ(k1->last_error, "Invalid token - token not found");
  EXPECT_EQ(due_at(kCreated), (Keys{"k1", "k2"}));
  EXPECT_EQ(outbox.count(OutboxState::dead), 0);
}

TEST_P(OutboxRepositories, ADroppedActionIsKeptAndNeverDelivered) {
  enqueue({"k1", "k2"});
  EXPECT_TRUE(outbox.mark_dropped("k1", "asked not to", "2026-12-01T13:00:00Z"));
  auto k1 = outbox.find("k1");
  EXPECT_EQ(state_of(*k1), OutboxState::dropped);
  EXPECT_EQ(k1->dropped_reason, "asked not to");
  EXPECT_EQ(k1->dropped_at, "2026-12-01T13:00:00Z");
  EXPECT_EQ(due_at("2030-01-01T00:00:00Z"), Keys{"k2"});
  EXPECT_EQ(listed(OutboxState::dropped), Keys{"k1"});
  EXPECT_EQ(outbox.counts().dropped, 1);

  EXPECT_FALSE(outbox.mark_dropped("k1", "again", "2026-12-01T14:00:00Z"));
  EXPECT_EQ(outbox.find("k1")->dropped_reason, "asked not to");
  EXPECT_FALSE(outbox.reset_attempts("k1")) << "a dropped action stays dropped";
  EXPECT_EQ(state("k1"), OutboxState::dropped);
  EXPECT_TRUE(outbox.contains("k1"));
  EXPECT_FALSE(outbox.enqueue("k1", "invite", "{}", kCreated)) << "its key stays taken";
}

TEST_P(OutboxRepositories, ADeliveredActionNeverChangesStateAgain) {
  enqueue({"k1"});
  const domain::RetryPolicy policy;
  auto late_failure = failure("k1", policy, kCreatedTime);  // read before the delivery
  late_failure.dead = true;
  ASSERT_TRUE(outbox.mark_delivered("k1", kCreated, "lms"));

  EXPECT_FALSE(outbox.record_failure(late_failure));
  EXPECT_FALSE(outbox.mark_dropped("k1", "too late", "2026-12-01T13:00:00Z"));
  EXPECT_FALSE(outbox.reset_attempts("k1"));
  auto k1 = outbox.find("k1");
  EXPECT_EQ(state_of(*k1), OutboxState::delivered);
  EXPECT_EQ(k1->last_error, "");
  EXPECT_EQ(k1->dead_at, "");
  EXPECT_EQ(k1->dropped_at, "");
  EXPECT_EQ(k1->attempts, 1);
}

// Two hosts never handle one organisation (leases); if they ever did, the one that read an
// action as pending cannot undo the other's delivery, neither after its commit nor while
// it is under way (the second waits for the first's transaction, then finds it delivered).
TEST_P(OutboxRepositories, AnotherConnectionCannotTakeADeliveryBack) {
  enqueue({"k1", "k2"});
  auto other_host = backend->another_connection();
  auto other_outbox = outbox_of(*other_host);
  const domain::RetryPolicy policy;
  ASSERT_EQ(other_outbox->due_after(0, kCreated, 10).size(), 2u);
  auto stale = failure("k1", policy, kCreatedTime);

  ASSERT_TRUE(outbox.mark_delivered("k1", kCreated, "lms"));  // committed on its own
  EXPECT_FALSE(other_outbox->record_failure(stale));
  EXPECT_FALSE(other_outbox->reset_attempts("k1"));
  EXPECT_EQ(state("k1"), OutboxState::delivered);

  backend->begin();
  ASSERT_TRUE(outbox.mark_delivered("k2", kCreated, "lms"));
  const auto late_failure = failure("k2", policy, kCreatedTime);
  auto waiting =
      std::async(std::launch::async, [&] { return other_outbox->record_failure(late_failure); });
  EXPECT_EQ(waiting.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout)
      << "the other connection waits for the delivery's transaction";
  backend->commit();
  EXPECT_FALSE(waiting.get());
  EXPECT_EQ(state("k2"), OutboxState::delivered);
  EXPECT_EQ(other_outbox->find("k2")->last_error, "");
}

TEST_P(OutboxRepositories, ForgetDeliveredTakesTheSecretOutOfDeliveredAndDroppedActionsOnly) {
  const std::string with_token =
      R"({"kind":"notify","payload":{"person_id":"P1","token":"s3cret-token"}})";
  enqueue({"survey/delivered", "survey/dropped", "survey/pending", "other/delivered"}, with_token);
  enqueue({"survey/no-token"}, R"({"kind":"notify","payload":{"person_id":"P2"}})");
  ASSERT_TRUE(outbox.mark_delivered("survey/delivered", kCreated, "mail"));
  ASSERT_TRUE(outbox.mark_dropped("survey/dropped", "left", kCreated));
  ASSERT_TRUE(outbox.mark_delivered("other/delivered", kCreated, "mail"));
  ASSERT_TRUE(outbox.mark_delivered("survey/no-token", kCreated, "mail"));

  EXPECT_EQ(outbox.forget_delivered("$.payload.token", "survey/"), 2);
  for (const char* key : {"survey/delivered", "survey/dropped"}) {
    EXPECT_EQ(outbox.find(key)->payload.find("s3cret"), std::string::npos) << key;
    EXPECT_EQ(payload_of(key), (json{{"kind", "notify"}, {"payload", {{"person_id", "P1"}}}}))
        << key << ": the rest of the action stays";
  }
  EXPECT_EQ(payload_of("survey/pending")["payload"]["token"], "s3cret-token")
      << "the host does not have it yet";
  EXPECT_EQ(payload_of("other/delivered")["payload"]["token"], "s3cret-token") << "another prefix";
  EXPECT_EQ(outbox.forget_delivered("$.payload.token", "survey/"), 0) << "nothing left";
  EXPECT_EQ(outbox.forget_delivered("$.payload.token", ""), 1) << "every prefix";
  EXPECT_EQ(state("survey/delivered"), OutboxState::delivered);
}

TEST_P(OutboxRepositories, ForgetDeliveredFollowsArrayIndexesAndLeavesJsonNullAlone) {
  enqueue({"event"},
          R"({"payload":{"attendees":[{"link":{"token":"a"}},{"link":{"token":"b"}}]}})");
  enqueue({"nulled"}, R"({"payload":{"token":null}})");
  ASSERT_TRUE(outbox.mark_delivered("event", kCreated, "calendar"));
  ASSERT_TRUE(outbox.mark_delivered("nulled", kCreated, "calendar"));

  EXPECT_EQ(outbox.forget_delivered("$.payload.attendees[1].link.token", ""), 1);
  EXPECT_EQ(payload_of("event")["payload"]["attendees"],
            json::parse(R"([{"link":{"token":"a"}},{"link":{}}])"));
  EXPECT_EQ(outbox.forget_delivered("$.payload.attendees[5].link.token", ""), 0);
  EXPECT_EQ(outbox.forget_delivered("$.payload.token", ""), 0) << "a JSON null is no secret";
}

TEST_P(OutboxRepositories, AMalformedPathIsRefusedBeforeAnyWrite) {
  enqueue({"k1"}, R"({"payload":{"token":"s3cret"}})");
  ASSERT_TRUE(outbox.mark_delivered("k1", kCreated, "mail"));
  for (const char* path : {"payload.token", "$.payload..token", "$.payload[x]", "$", "$.a]"}) {
    EXPECT_THROW(outbox.forget_delivered(path, ""), std::invalid_argument) << path;
  }
  EXPECT_EQ(payload_of("k1")["payload"]["token"], "s3cret");
}

TEST_P(OutboxRepositories, ARollbackTakesEnqueuedActionsWithIt) {
  backend->begin();
  ASSERT_TRUE(outbox.enqueue("k1", "invite", "{}", kCreated));
  EXPECT_TRUE(outbox.contains("k1")) << "seen inside its transaction";
  backend->rollback();
  EXPECT_FALSE(outbox.contains("k1"));
  EXPECT_EQ(outbox.count(OutboxState::pending), 0);

  backend->begin();
  EXPECT_TRUE(outbox.enqueue("k1", "invite", "{}", kCreated)) << "the key is free again";
  backend->commit();
  EXPECT_TRUE(outbox.contains("k1"));

  backend->begin();
  ASSERT_TRUE(outbox.mark_delivered("k1", kCreated, "lms"));
  backend->rollback();
  EXPECT_EQ(state("k1"), OutboxState::pending) << "an acknowledgement rolled back is undone";
}

INSTANTIATE_FOR_EVERY_BACKEND(OutboxRepositories);

TEST(OutboxPayloadPath, NamesItsStepsOrWhereItWentWrong) {
  EXPECT_EQ(json_path_steps("$.payload.token"), (std::vector<std::string>{"payload", "token"}));
  EXPECT_EQ(json_path_steps("$.payload.attendees[12].link.token"),
            (std::vector<std::string>{"payload", "attendees", "12", "link", "token"}));
  EXPECT_EQ(json_path_steps("$[0]"), std::vector<std::string>{"0"});
  try {
    json_path_steps("$.payload..token");
    FAIL() << "an empty key was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "outbox payload path \"$.payload..token\": at byte 10 found \".\"; expected a key "
              "after \".\"");
  }
  EXPECT_THROW(json_path_steps(""), std::invalid_argument);
  EXPECT_THROW(json_path_steps("$.a[1"), std::invalid_argument);
  EXPECT_THROW(json_path_steps("$.\"quoted\""), std::invalid_argument);
}

// --- PostgreSQL: organisations sharing the outbox table ------------------------------------

namespace {

class PostgresOutboxes : public RepositoryTest {};

}  // namespace

TEST_P(PostgresOutboxes, AKeyIsUniquePerOrganisationAndEachSeesOnlyItsOwnActions) {
  postgres::OrgSession& mine = *backend->postgres();
  postgres::OrgSession theirs(mine.connection(), backend->organisation() + "-other");
  postgres::PostgresOutboxRepository my_outbox(mine);
  postgres::PostgresOutboxRepository their_outbox(theirs);

  EXPECT_TRUE(my_outbox.enqueue("invite/P1", "invite", R"({"mine":true})", kCreated));
  EXPECT_TRUE(their_outbox.enqueue("invite/P1", "invite", R"({"mine":false})", kCreated))
      << "the same key in another organisation is another action";
  EXPECT_TRUE(their_outbox.enqueue("invite/P2", "invite", "{}", kCreated));
  EXPECT_FALSE(their_outbox.enqueue("invite/P2", "invite", "{}", kCreated));
  EXPECT_NE(my_outbox.find("invite/P1")->id, their_outbox.find("invite/P1")->id);

  ASSERT_TRUE(their_outbox.mark_delivered("invite/P1", kCreated, "lms"));
  EXPECT_EQ(state_of(*my_outbox.find("invite/P1")), OutboxState::pending);
  EXPECT_EQ(my_outbox.find("invite/P1")->payload, R"({"mine":true})");
  EXPECT_EQ(my_outbox.due_after(0, kCreated, 10).size(), 1u);
  EXPECT_FALSE(my_outbox.contains("invite/P2"));
  EXPECT_EQ(my_outbox.counts().pending, 1);
  EXPECT_EQ(their_outbox.counts().pending, 1);
  EXPECT_EQ(their_outbox.counts().delivered, 1);
}

INSTANTIATE_FOR_POSTGRES(PostgresOutboxes);
