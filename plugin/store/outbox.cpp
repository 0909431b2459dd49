#include <mentoring/store/outbox.hpp>

#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

namespace mentoring::store {

bool Outbox::enqueue(const std::string& idempotency_key, const std::string& type,
                     const std::string& payload, const std::string& created_at) {
  SQLite::Statement insert(db_,
                           "INSERT INTO outbox(idempotency_key, type, payload, created_at) "
                           "VALUES (?, ?, ?, ?) ON CONFLICT(idempotency_key) DO NOTHING");
  insert.bind(1, idempotency_key);
  insert.bind(2, type);
  insert.bind(3, payload);
  insert.bind(4, created_at);
  return insert.exec() == 1;
}

bool Outbox::contains(const std::string& idempotency_key) {
  SQLite::Statement query(db_, "SELECT 1 FROM outbox WHERE idempotency_key = ?");
  query.bind(1, idempotency_key);
  return query.executeStep();
}

std::vector<OutboxEntry> Outbox::pending(int limit) {
  return pending_after(0, limit);
}

namespace {

constexpr const char* kWaiting = "delivered_at IS NULL AND dead_at IS NULL AND dropped_at IS NULL";

constexpr const char* kColumns =
    "id, idempotency_key, type, payload, attempts, COALESCE(target, ''), "
    "COALESCE(last_error, ''), created_at, COALESCE(last_attempt_at, ''), "
    "COALESCE(next_attempt_at, ''), COALESCE(delivered_at, ''), COALESCE(dead_at, ''), "
    "COALESCE(dropped_at, ''), COALESCE(dropped_reason, '')";

OutboxEntry entry_from(SQLite::Statement& q) {
  OutboxEntry e;
  e.id = q.getColumn(0).getInt64();
  e.idempotency_key = q.getColumn(1).getString();
  e.type = q.getColumn(2).getString();
  e.payload = q.getColumn(3).getString();
  e.attempts = q.getColumn(4).getInt();
  e.target = q.getColumn(5).getString();
  e.last_error = q.getColumn(6).getString();
  e.created_at = q.getColumn(7).getString();
  e.last_attempt_at = q.getColumn(8).getString();
  e.next_attempt_at = q.getColumn(9).getString();
  e.delivered_at = q.getColumn(10).getString();
  e.dead_at = q.getColumn(11).getString();
  e.dropped_at = q.getColumn(12).getString();
  e.dropped_reason = q.getColumn(13).getString();
  return e;
}

std::int64_t count_where(SQLite::Database& db, const std::string& condition) {
  SQLite::Statement query(db, "SELECT COUNT(*) FROM outbox WHERE " + condition);
  query.executeStep();
  return query.getColumn(0).getInt64();
}

}  // namespace

const char* to_string(OutboxState state) {
  switch (state) {
    case OutboxState::pending:
      return "pending";
    case OutboxState::delivered:
      return "delivered";
    case OutboxState::dead:
      return "dead";
    case OutboxState::dropped:
      return "dropped";
  }
  return "pending";
}

OutboxState state_of(const OutboxEntry& e) {
  if (!e.dropped_at.empty()) return OutboxState::dropped;
  if (!e.delivered_at.empty()) return OutboxState::delivered;
  if (!e.dead_at.empty()) return OutboxState::dead;
  return OutboxState::pending;
}

std::vector<OutboxEntry> Outbox::pending_after(std::int64_t after_id, int limit) {
  SQLite::Statement query(db_, std::string("SELECT ") + kColumns + " FROM outbox WHERE " +
                                   kWaiting + " AND id > ? ORDER BY id LIMIT ?");
  query.bind(1, after_id);
  query.bind(2, limit);
  std::vector<OutboxEntry> out;
  while (query.executeStep()) out.push_back(entry_from(query));
  return out;
}

std::vector<OutboxEntry> Outbox::due_after(std::int64_t after_id, const std::string& now,
                                           int limit) {
  SQLite::Statement query(db_, std::string("SELECT ") + kColumns + " FROM outbox WHERE " +
                                   kWaiting +
                                   " AND id > ? AND (next_attempt_at IS NULL OR "
                                   "next_attempt_at <= ?) ORDER BY id LIMIT ?");
  query.bind(1, after_id);
  query.bind(2, now);
  query.bind(3, limit);
  std::vector<OutboxEntry> out;
  while (query.executeStep()) out.push_back(entry_from(query));
  return out;
}

void Outbox::mark_delivered(const std::string& idempotency_key, const std::string& at,
                            const std::string& target) {
  SQLite::Statement update(db_,
                           "UPDATE outbox SET delivered_at = ?, attempts = attempts + 1, "
                           "last_error = NULL, last_attempt_at = ?, next_attempt_at = NULL, "
                           "target = COALESCE(NULLIF(?, ''), target) "
                           "WHERE idempotency_key = ? AND delivered_at IS NULL");
  update.bind(1, at);
  update.bind(2, at);
  update.bind(3, target);
  update.bind(4, idempotency_key);
  update.exec();
}

void Outbox::mark_failed(const std::string& idempotency_key, const std::string& error) {
  SQLite::Statement update(db_,
                           "UPDATE outbox SET attempts = attempts + 1, last_error = ? "
                           "WHERE idempotency_key = ?");
  update.bind(1, error);
  update.bind(2, idempotency_key);
  update.exec();
}

void Outbox::record_failure(const FailedAttempt& a) {
  SQLite::Statement update(
      db_,
      "UPDATE outbox SET attempts = ?, last_error = ?, target = ?, last_attempt_at = ?, "
      "next_attempt_at = ?, dead_at = ? WHERE idempotency_key = ? AND delivered_at IS NULL");
  update.bind(1, a.attempts);
  update.bind(2, a.error);
  update.bind(3, a.target);
  update.bind(4, a.at);
  if (a.dead) {
    update.bind(5);  // NULL
    update.bind(6, a.at);
  } else {
    update.bind(5, a.next_attempt_at);
    update.bind(6);
  }
  update.bind(7, a.idempotency_key);
  update.exec();
}

std::int64_t Outbox::count_pending() {
  return count_where(db_, kWaiting);
}

OutboxCounts Outbox::counts() {
  SQLite::Statement query(
      db_,
      std::string("SELECT COALESCE(SUM(") + kWaiting + "), 0), COALESCE(SUM(" + kWaiting +
          " AND attempts > 0), 0), COALESCE(SUM(delivered_at IS NOT NULL AND dropped_at IS "
          "NULL), 0), COALESCE(SUM(dead_at IS NOT NULL AND delivered_at IS NULL AND dropped_at "
          "IS NULL), 0), COALESCE(SUM(dropped_at IS NOT NULL), 0) FROM outbox");
  query.executeStep();
  return {query.getColumn(0).getInt64(), query.getColumn(1).getInt64(),
          query.getColumn(2).getInt64(), query.getColumn(3).getInt64(),
          query.getColumn(4).getInt64()};
}

std::optional<OutboxEntry> Outbox::find(const std::string& idempotency_key) {
  SQLite::Statement query(
      db_, std::string("SELECT ") + kColumns + " FROM outbox WHERE idempotency_key = ?");
  query.bind(1, idempotency_key);
  if (!query.executeStep()) return std::nullopt;
  return entry_from(query);
}

std::vector<OutboxEntry> Outbox::list(OutboxState state, std::int64_t after_id, int limit) {
  std::string condition;
  switch (state) {
    case OutboxState::pending:
      condition = kWaiting;
      break;
    case OutboxState::delivered:
      condition = "delivered_at IS NOT NULL AND dropped_at IS NULL";
      break;
    case OutboxState::dead:
      condition = "dead_at IS NOT NULL AND delivered_at IS NULL AND dropped_at IS NULL";
      break;
    case OutboxState::dropped:
      condition = "dropped_at IS NOT NULL";
      break;
  }
  SQLite::Statement query(db_, std::string("SELECT ") + kColumns + " FROM outbox WHERE " +
                                   condition + " AND id > ? ORDER BY id LIMIT ?");
  query.bind(1, after_id);
  query.bind(2, limit);
  std::vector<OutboxEntry> out;
  while (query.executeStep()) out.push_back(entry_from(query));
  return out;
}

std::int64_t Outbox::count(OutboxState state) {
  switch (state) {
    case OutboxState::pending:
      return count_where(db_, kWaiting);
    case OutboxState::delivered:
      return count_where(db_, "delivered_at IS NOT NULL AND dropped_at IS NULL");
    case OutboxState::dead:
      return count_where(db_,
                         "dead_at IS NOT NULL AND delivered_at IS NULL AND dropped_at IS NULL");
    case OutboxState::dropped:
      return count_where(db_, "dropped_at IS NOT NULL");
  }
  return 0;
}

void Outbox::reset_attempts(const std::string& idempotency_key) {
  SQLite::Statement update(db_,
                           "UPDATE outbox SET attempts = 0, next_attempt_at = NULL, "
                           "dead_at = NULL WHERE idempotency_key = ? AND delivered_at IS NULL "
                           "AND dropped_at IS NULL");
  update.bind(1, idempotency_key);
  update.exec();
}

void Outbox::mark_dropped(const std::string& idempotency_key, const std::string& reason,
                          const std::string& at) {
  SQLite::Statement update(db_,
                           "UPDATE outbox SET dropped_at = ?, dropped_reason = ?, "
                           "next_attempt_at = NULL WHERE idempotency_key = ? AND "
                           "delivered_at IS NULL AND dropped_at IS NULL");
  update.bind(1, at);
  update.bind(2, reason);
  update.bind(3, idempotency_key);
  update.exec();
}

int Outbox::forget_delivered(const std::string& json_path, const std::string& key_prefix) {
  SQLite::Statement s(db_,
                      "UPDATE outbox SET payload = json_remove(payload, ?) "
                      "WHERE (delivered_at IS NOT NULL OR dropped_at IS NOT NULL) "
                      "AND substr(idempotency_key, 1, ?) = ? "
                      "AND json_extract(payload, ?) IS NOT NULL");
  s.bind(1, json_path);
  s.bind(2, static_cast<int>(key_prefix.size()));
  s.bind(3, key_prefix);
  s.bind(4, json_path);
  const int cleared = s.exec();
  // The older versions of those pages, with the secret, wait in the write-ahead
  // log until a checkpoint copies the new ones over them: now, and the log is
  // truncated (secure_delete, set on the connection, zeroes the freed cells).
  if (cleared > 0) {
    for (sqlite3_stmt* st = sqlite3_next_stmt(db_.getHandle(), nullptr); st != nullptr;
         st = sqlite3_next_stmt(db_.getHandle(), st)) {
      if (sqlite3_stmt_busy(st))
        sqlite3_reset(st);  // cached reads left open (reset before reuse anyway)
    }
    db_.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }
  return cleared;
}

}  // namespace mentoring::store
