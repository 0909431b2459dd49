// mentoring/store/outbox.hpp — write-back actions waiting to reach the host.
//
// An action is enqueued in the same transaction as the state change it
// reports, keyed by its idempotency key (enqueueing the same key twice keeps
// one). Delivery marks it done; a crash between delivery and marking makes the
// next run deliver it again with the same key, which the adapter recognises.
//
// States (derived from the columns, migration 9): waiting (pending: not
// delivered, dead nor dropped; due when next_attempt_at is unset or past),
// delivered, dead (a dead letter: no more attempts until HR retries it),
// dropped (by HR, with a reason; kept, never delivered). The store only
// stores: when to retry and when an action is dead is decided by
// domain::after_failure.
#pragma once

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mentoring::store {

struct OutboxEntry {
  std::int64_t id = 0;
  std::string idempotency_key;
  std::string type;     // eg "invite"
  std::string payload;  // the whole action, as JSON text
  int attempts = 0;
  // Filled by find() and list() (and target/last_error by due_after()).
  std::string target;  // the adapter of the last attempt ("" before any)
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

class Outbox {
 public:
  explicit Outbox(SQLite::Database& db) : db_(db) {}

  // Secrets live in the outbox only until the host has them: removes json_path
  // (eg "$.payload.token", "$.payload.link.token") from every delivered or
  // dropped action whose key starts with key_prefix ("" for every action), and
  // checkpoints the write-ahead log so no old page keeps it. Answers how many.
  int forget_delivered(const std::string& json_path, const std::string& key_prefix = "");

  // False when an action with this key was already enqueued.
  bool enqueue(const std::string& idempotency_key, const std::string& type,
               const std::string& payload, const std::string& created_at);
  // Whether an action with this key was ever enqueued (delivered or not).
  bool contains(const std::string& idempotency_key);
  std::vector<OutboxEntry> pending(int limit = 1000);
  // Pending entries with an id above after_id, oldest first.
  std::vector<OutboxEntry> pending_after(std::int64_t after_id, int limit);
  // Pending entries with an id above after_id whose next attempt is due at
  // `now` (ISO 8601 UTC), oldest first.
  std::vector<OutboxEntry> due_after(std::int64_t after_id, const std::string& now, int limit);
  void mark_delivered(const std::string& idempotency_key, const std::string& at,
                      const std::string& target = "");
  void mark_failed(const std::string& idempotency_key, const std::string& error);
  void record_failure(const FailedAttempt& attempt);
  std::int64_t count_pending();
  OutboxCounts counts();
  std::optional<OutboxEntry> find(const std::string& idempotency_key);
  // Entries in one state with an id above after_id, oldest first.
  std::vector<OutboxEntry> list(OutboxState state, std::int64_t after_id, int limit);
  std::int64_t count(OutboxState state);
  // Back to pending with no attempts, due now (a dead or waiting action).
  void reset_attempts(const std::string& idempotency_key);
  // Kept, marked dropped with HR's reason: never delivered.
  void mark_dropped(const std::string& idempotency_key, const std::string& reason,
                    const std::string& at);

 private:
  SQLite::Database& db_;
};

}  // namespace mentoring::store
