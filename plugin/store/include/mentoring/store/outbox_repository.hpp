// mentoring/store/outbox_repository.hpp — write-back actions waiting to reach the host
// (issue 17: a repository per concept).
//
//   SqliteOutboxRepository outbox(session);
//   SQLite::Transaction txn(session.database());
//   ...the state change the action reports, through the other repositories of the session...
//   outbox.enqueue(key.text, "invite", action.dump(), now);  // committed with the change
//   txn.commit();
//
// An action is enqueued in the same transaction as the state change it reports, keyed by
// its idempotency key (enqueueing the same key twice keeps one). Delivery marks it done; a
// crash between delivery and marking makes the next run deliver it again with the same
// key, which the adapter recognises.
//
// States (derived from the columns, migration 9): pending (not delivered, dead nor
// dropped; due when its next attempt is unset or past), delivered, dead (a dead letter: no
// more attempts until HR retries it), dropped (by HR, with a reason; kept, never
// delivered). The repository only stores: when to retry and when an action is dead is
// decided by domain::after_failure, and the caller hands the outcome in (FailedAttempt).
// A delivered action never changes state again, whoever writes afterwards.
#pragma once

#include <mentoring/store/store_session.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mentoring::store {

struct OutboxEntry {
  std::int64_t id = 0;  // the order of enqueueing, within the organisation
  std::string idempotency_key;
  std::string type;     // eg "invite"
  std::string payload;  // the whole action, as JSON text
  int attempts = 0;
  std::string target;  // the adapter of the last attempt ("" before any)
  // "" where not (yet) so; times are ISO 8601 UTC, as the caller gave them.
  std::string last_error, created_at, last_attempt_at, next_attempt_at, delivered_at, dead_at,
      dropped_at, dropped_reason;
};

enum class OutboxState { pending, delivered, dead, dropped };
const char* to_string(OutboxState state);
OutboxState state_of(const OutboxEntry& entry);

// One failed attempt, as domain::after_failure decided its consequence.
struct FailedAttempt {
  std::string idempotency_key;
  std::string target;
  std::string error;  // the host's (adapter's) own words
  int attempts = 0;   // counting this one
  std::string at;
  bool dead = false;
  std::string next_attempt_at;  // when not dead
};

struct OutboxCounts {
  std::int64_t pending = 0;   // not delivered, dead nor dropped
  std::int64_t retrying = 0;  // pending after at least one failed attempt
  std::int64_t delivered = 0, dead = 0, dropped = 0;
};

// The steps of a path into an action's JSON payload, as forget_delivered takes it: "$"
// then ".key" and "[index]" steps, eg "$.payload.attendees[0].link.token" gives
// {"payload", "attendees", "0", "link", "token"}. Keys are plain (no quotes, dots or
// brackets). Anything else is a std::invalid_argument naming the path, the byte where it
// went wrong and what was expected there.
std::vector<std::string> json_path_steps(std::string_view path);

// What the sync, the delivery and the module passes see. Every call joins the caller's
// transaction (StoreSession's on SQLite, OrgSession's on PostgreSQL); none begins one.
class OutboxRepository {
 public:
  virtual ~OutboxRepository() = default;

  // False when an action with this key was already enqueued (then nothing is stored).
  virtual bool enqueue(const std::string& idempotency_key, const std::string& type,
                       const std::string& payload, const std::string& created_at) = 0;
  // Whether an action with this key was ever enqueued (delivered or not).
  virtual bool contains(const std::string& idempotency_key) = 0;
  virtual std::optional<OutboxEntry> find(const std::string& idempotency_key) = 0;
  // Pending entries with an id above after_id whose next attempt is due at `now` (ISO 8601
  // UTC), oldest first: what a delivery pushes, page by page.
  virtual std::vector<OutboxEntry> due_after(std::int64_t after_id, const std::string& now,
                                             int limit) = 0;
  // Entries in one state with an id above after_id, oldest first.
  virtual std::vector<OutboxEntry> list(OutboxState state, std::int64_t after_id, int limit) = 0;
  virtual std::int64_t count(OutboxState state) = 0;
  virtual OutboxCounts counts() = 0;

  // The host has it: delivered at `at` by `target` ("" keeps the last attempt's), counted
  // as an attempt, its last error and next attempt cleared. False when it was delivered
  // already (nothing changes) or no action has this key.
  virtual bool mark_delivered(const std::string& idempotency_key, const std::string& at,
                              const std::string& target) = 0;
  // Stores the attempt's count, target, error and time, and either its next attempt or
  // that it is dead from `at`. False when the action was delivered meanwhile (it stays so)
  // or no action has this key.
  virtual bool record_failure(const FailedAttempt& attempt) = 0;
  // HR's retry: a dead or waiting action pending again with no attempts, due now (its last
  // error kept). False for a delivered or dropped action, which stays so.
  virtual bool reset_attempts(const std::string& idempotency_key) = 0;
  // HR's drop: kept, marked dropped with the reason, never delivered. False for a
  // delivered or already dropped action, which stays so.
  virtual bool mark_dropped(const std::string& idempotency_key, const std::string& reason,
                            const std::string& at) = 0;

  // Secrets live in the outbox only until the host has them: removes json_path (eg
  // "$.payload.token", "$.payload.link.token"; json_path_steps) from every delivered or
  // dropped action whose key starts with key_prefix ("" for every action) and has it.
  // Answers how many. The rest of the payload stays (the same JSON value; its text may be
  // re-formatted). A malformed path is std::invalid_argument, before any write.
  virtual int forget_delivered(const std::string& json_path, const std::string& key_prefix) = 0;
};

// The outbox table of the session's SQLite database. forget_delivered also checkpoints the
// write-ahead log (truncating it), so no older page there keeps the secret; the
// connection's secure_delete zeroes the freed cells (PrivacyStore::overwrite_deleted).
class SqliteOutboxRepository final : public OutboxRepository {
 public:
  explicit SqliteOutboxRepository(StoreSession& session) : session_(session) {}

  bool enqueue(const std::string& idempotency_key, const std::string& type,
               const std::string& payload, const std::string& created_at) override;
  bool contains(const std::string& idempotency_key) override;
  std::optional<OutboxEntry> find(const std::string& idempotency_key) override;
  std::vector<OutboxEntry> due_after(std::int64_t after_id, const std::string& now,
                                     int limit) override;
  std::vector<OutboxEntry> list(OutboxState state, std::int64_t after_id, int limit) override;
  std::int64_t count(OutboxState state) override;
  OutboxCounts counts() override;
  bool mark_delivered(const std::string& idempotency_key, const std::string& at,
                      const std::string& target) override;
  bool record_failure(const FailedAttempt& attempt) override;
  bool reset_attempts(const std::string& idempotency_key) override;
  bool mark_dropped(const std::string& idempotency_key, const std::string& reason,
                    const std::string& at) override;
  int forget_delivered(const std::string& json_path, const std::string& key_prefix) override;

 private:
  StoreSession& session_;
};

}  // namespace mentoring::store
