// mentoring/store/outbox.hpp — write-back actions waiting to reach the host.
//
// An action is enqueued in the same transaction as the state change it
// reports, keyed by its idempotency key (enqueueing the same key twice keeps
// one). Delivery marks it done; a crash between delivery and marking makes the
// next run deliver it again with the same key, which the adapter recognises.
#pragma once

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <string>
#include <vector>

namespace mentoring::store {

struct OutboxEntry {
  std::int64_t id = 0;
  std::string idempotency_key;
  std::string type;     // eg "invite"
  std::string payload;  // the whole action, as JSON text
  int attempts = 0;
};

class Outbox {
 public:
  explicit Outbox(SQLite::Database& db) : db_(db) {}

  // False when an action with this key was already enqueued.
  bool enqueue(const std::string& idempotency_key, const std::string& type,
               const std::string& payload, const std::string& created_at);
  // Whether an action with this key was ever enqueued (delivered or not).
  bool contains(const std::string& idempotency_key);
  std::vector<OutboxEntry> pending(int limit = 1000);
  // Pending entries with an id above after_id, oldest first.
  std::vector<OutboxEntry> pending_after(std::int64_t after_id, int limit);
  void mark_delivered(const std::string& idempotency_key, const std::string& at);
  void mark_failed(const std::string& idempotency_key, const std::string& error);
  std::int64_t count_pending();

 private:
  SQLite::Database& db_;
};

}  // namespace mentoring::store
