#include <mentoring/store/outbox_repository.hpp>

#include <SQLiteCpp/VariadicBind.h>
#include <sqlite3.h>

#include <array>
#include <cctype>
#include <stdexcept>

namespace mentoring::store {

namespace {

// Which rows are in each state, in OutboxState's order; the states exclude each other.
constexpr std::array<const char*, 4> kStateCondition = {
    "delivered_at IS NULL AND dead_at IS NULL AND dropped_at IS NULL",
    "delivered_at IS NOT NULL AND dropped_at IS NULL",
    "dead_at IS NOT NULL AND delivered_at IS NULL AND dropped_at IS NULL",
    "dropped_at IS NOT NULL",
};

const char* condition_of(OutboxState state) {
  return kStateCondition[static_cast<std::size_t>(state)];
}

#define MENTORING_OUTBOX_COLUMNS                                          \
  "id, idempotency_key, type, payload, attempts, COALESCE(target, ''), "  \
  "COALESCE(last_error, ''), created_at, COALESCE(last_attempt_at, ''), " \
  "COALESCE(next_attempt_at, ''), COALESCE(delivered_at, ''), "           \
  "COALESCE(dead_at, ''), COALESCE(dropped_at, ''), COALESCE(dropped_reason, '')"

constexpr const char* kFindSql =
    "SELECT " MENTORING_OUTBOX_COLUMNS " FROM outbox WHERE idempotency_key = ?";
constexpr const char* kDueSql =
    "SELECT " MENTORING_OUTBOX_COLUMNS
    " FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL AND dropped_at IS NULL "
    "AND id > ? AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY id LIMIT ?";

// The per-state statements, composed once: the session caches statements by an address
// that outlives it, which these statics do.
const char* list_sql(OutboxState state) {
  static const auto sql = [] {
    std::array<std::string, kStateCondition.size()> out;
    for (std::size_t i = 0; i < out.size(); ++i)
      out[i] = std::string("SELECT " MENTORING_OUTBOX_COLUMNS " FROM outbox WHERE ") +
               kStateCondition[i] + " AND id > ? ORDER BY id LIMIT ?";
    return out;
  }();
  return sql[static_cast<std::size_t>(state)].c_str();
}

#undef MENTORING_OUTBOX_COLUMNS

const char* count_sql(OutboxState state) {
  static const auto sql = [] {
    std::array<std::string, kStateCondition.size()> out;
    for (std::size_t i = 0; i < out.size(); ++i)
      out[i] = std::string("SELECT COUNT(*) FROM outbox WHERE ") + kStateCondition[i];
    return out;
  }();
  return sql[static_cast<std::size_t>(state)].c_str();
}

const char* counts_sql() {
  static const std::string sql =
      std::string("SELECT COALESCE(SUM(") + condition_of(OutboxState::pending) +
      "), 0), COALESCE(SUM(" + condition_of(OutboxState::pending) +
      " AND attempts > 0), 0), COALESCE(SUM(" + condition_of(OutboxState::delivered) +
      "), 0), COALESCE(SUM(" + condition_of(OutboxState::dead) + "), 0), COALESCE(SUM(" +
      condition_of(OutboxState::dropped) + "), 0) FROM outbox";
  return sql.c_str();
}

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

std::vector<OutboxEntry> entries_from(SQLite::Statement& q) {
  std::vector<OutboxEntry> out;
  while (q.executeStep()) out.push_back(entry_from(q));
  return out;
}

[[noreturn]] void bad_path(std::string_view path, std::size_t at, const char* expected) {
  throw std::invalid_argument(
      "outbox payload path \"" + std::string(path) + "\": at byte " + std::to_string(at) +
      " found " +
      (at < path.size() ? "\"" + std::string(1, path[at]) + "\"" : std::string("the end")) +
      "; expected " + expected);
}

}  // namespace

std::vector<std::string> json_path_steps(std::string_view path) {
  if (path.empty() || path[0] != '$') bad_path(path, 0, "\"$\" (the payload's root)");
  std::vector<std::string> steps;
  std::size_t i = 1;
  while (i < path.size()) {
    if (path[i] == '.') {
      const std::size_t start = ++i;
      while (i < path.size() && path[i] != '.' && path[i] != '[' && path[i] != ']' &&
             path[i] != '"')
        ++i;
      if (i == start) bad_path(path, i, "a key after \".\"");
      if (i < path.size() && (path[i] == ']' || path[i] == '"'))
        bad_path(path, i, "\".\", \"[\" or the end after a key");
      steps.emplace_back(path.substr(start, i - start));
    } else if (path[i] == '[') {
      const std::size_t start = ++i;
      while (i < path.size() && std::isdigit(static_cast<unsigned char>(path[i]))) ++i;
      if (i == start) bad_path(path, i, "an array index (digits) after \"[\"");
      if (i == path.size() || path[i] != ']') bad_path(path, i, "\"]\" after the index");
      steps.emplace_back(path.substr(start, i - start));
      ++i;
    } else {
      bad_path(path, i, "\".key\" or \"[index]\"");
    }
  }
  if (steps.empty()) bad_path(path, path.size(), "a step: the root itself is the whole action");
  return steps;
}

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

bool SqliteOutboxRepository::enqueue(const std::string& idempotency_key, const std::string& type,
                                     const std::string& payload, const std::string& created_at) {
  SQLite::Statement& s = session_.prepared(
      "INSERT INTO outbox(idempotency_key, type, payload, created_at) "
      "VALUES (?, ?, ?, ?) ON CONFLICT(idempotency_key) DO NOTHING");
  SQLite::bind(s, idempotency_key, type, payload, created_at);
  return s.exec() == 1;
}

bool SqliteOutboxRepository::contains(const std::string& idempotency_key) {
  SQLite::Statement& s = session_.prepared("SELECT 1 FROM outbox WHERE idempotency_key = ?");
  SQLite::bind(s, idempotency_key);
  return s.executeStep();
}

std::optional<OutboxEntry> SqliteOutboxRepository::find(const std::string& idempotency_key) {
  SQLite::Statement& s = session_.prepared(kFindSql);
  SQLite::bind(s, idempotency_key);
  if (!s.executeStep()) return std::nullopt;
  return entry_from(s);
}

std::vector<OutboxEntry> SqliteOutboxRepository::due_after(std::int64_t after_id,
                                                           const std::string& now, int limit) {
  SQLite::Statement& s = session_.prepared(kDueSql);
  SQLite::bind(s, after_id, now, limit);
  return entries_from(s);
}

std::vector<OutboxEntry> SqliteOutboxRepository::list(OutboxState state, std::int64_t after_id,
                                                      int limit) {
  SQLite::Statement& s = session_.prepared(list_sql(state));
  SQLite::bind(s, after_id, limit);
  return entries_from(s);
}

std::int64_t SqliteOutboxRepository::count(OutboxState state) {
  SQLite::Statement& s = session_.prepared(count_sql(state));
  s.executeStep();
  return s.getColumn(0).getInt64();
}

OutboxCounts SqliteOutboxRepository::counts() {
  SQLite::Statement& s = session_.prepared(counts_sql());
  s.executeStep();
  return {s.getColumn(0).getInt64(), s.getColumn(1).getInt64(), s.getColumn(2).getInt64(),
          s.getColumn(3).getInt64(), s.getColumn(4).getInt64()};
}

// Every change below but forget_delivered's is guarded by delivered_at IS NULL: a
// delivered action never changes state again.

bool SqliteOutboxRepository::mark_delivered(const std::string& idempotency_key,
                                            const std::string& at, const std::string& target) {
  SQLite::Statement& s = session_.prepared(
      "UPDATE outbox SET delivered_at = ?1, attempts = attempts + 1, last_error = NULL, "
      "last_attempt_at = ?1, next_attempt_at = NULL, target = COALESCE(NULLIF(?2, ''), target) "
      "WHERE idempotency_key = ?3 AND delivered_at IS NULL");
  SQLite::bind(s, at, target, idempotency_key);
  return s.exec() == 1;
}

bool SqliteOutboxRepository::record_failure(const FailedAttempt& a) {
  SQLite::Statement& s = session_.prepared(
      "UPDATE outbox SET attempts = ?, last_error = ?, target = ?, last_attempt_at = ?, "
      "next_attempt_at = ?, dead_at = ? WHERE idempotency_key = ? AND delivered_at IS NULL");
  SQLite::bind(s, a.attempts, a.error, a.target, a.at);
  if (a.dead) {
    s.bind(5);  // no next attempt
    s.bind(6, a.at);
  } else {
    s.bind(5, a.next_attempt_at);
    s.bind(6);  // not dead
  }
  s.bind(7, a.idempotency_key);
  return s.exec() == 1;
}

bool SqliteOutboxRepository::reset_attempts(const std::string& idempotency_key) {
  SQLite::Statement& s = session_.prepared(
      "UPDATE outbox SET attempts = 0, next_attempt_at = NULL, dead_at = NULL "
      "WHERE idempotency_key = ? AND delivered_at IS NULL AND dropped_at IS NULL");
  SQLite::bind(s, idempotency_key);
  return s.exec() == 1;
}

bool SqliteOutboxRepository::mark_dropped(const std::string& idempotency_key,
                                          const std::string& reason, const std::string& at) {
  SQLite::Statement& s = session_.prepared(
      "UPDATE outbox SET dropped_at = ?, dropped_reason = ?, next_attempt_at = NULL "
      "WHERE idempotency_key = ? AND delivered_at IS NULL AND dropped_at IS NULL");
  SQLite::bind(s, at, reason, idempotency_key);
  return s.exec() == 1;
}

int SqliteOutboxRepository::forget_delivered(const std::string& json_path,
                                             const std::string& key_prefix) {
  json_path_steps(json_path);  // the same paths as on PostgreSQL, refused before SQLite's words
  SQLite::Statement& s = session_.prepared(
      "UPDATE outbox SET payload = json_remove(payload, ?1) "
      "WHERE (delivered_at IS NOT NULL OR dropped_at IS NOT NULL) "
      "AND substr(idempotency_key, 1, ?2) = ?3 AND json_extract(payload, ?1) IS NOT NULL");
  SQLite::bind(s, json_path, static_cast<int>(key_prefix.size()), key_prefix);
  const int cleared = s.exec();
  // The older versions of those pages, with the secret, wait in the write-ahead log until a
  // checkpoint copies the new ones over them: now, and the log is truncated. A read left
  // part-way on the connection (the session's cached statements, or any other) would hold
  // the checkpoint back, so those are reset first (each is reset before its next use anyway).
  if (cleared > 0) {
    sqlite3* connection = session_.database().getHandle();
    for (sqlite3_stmt* st = sqlite3_next_stmt(connection, nullptr); st != nullptr;
         st = sqlite3_next_stmt(connection, st)) {
      if (sqlite3_stmt_busy(st)) sqlite3_reset(st);
    }
    session_.database().exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }
  return cleared;
}

}  // namespace mentoring::store
