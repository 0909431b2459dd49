#include <mentoring/store/postgres/outbox_repository.hpp>

#include <pqxx/pqxx>

#include <array>

namespace mentoring::store::postgres {

namespace {

// A prepared statement of the connection's cache: a stable name and its SQL, which says
// org_id = $1 itself (row-level security is the safety net, not the filter).
struct Statement {
  const char* name;
  const char* sql;
};

// Runs a statement prepared by the constructor, in the session's transaction (or its own).
template <class... Args>
pqxx::result exec(OrgSession& session, const Statement& statement, const char* what,
                  const Args&... args) {
  return session.run(what, [&](pqxx::work& txn) {
    return txn.exec_prepared(statement.name, session.org_id(), args...);
  });
}

// Which rows are in each state, in OutboxState's order (as in SQLite's repository).
constexpr std::array<const char*, 4> kStateCondition = {
    "delivered_at IS NULL AND dead_at IS NULL AND dropped_at IS NULL",
    "delivered_at IS NOT NULL AND dropped_at IS NULL",
    "dead_at IS NOT NULL AND delivered_at IS NULL AND dropped_at IS NULL",
    "dropped_at IS NOT NULL",
};

std::size_t index_of(OutboxState state) {
  return static_cast<std::size_t>(state);
}

#define MENTORING_OUTBOX_COLUMNS                                          \
  "id, idempotency_key, type, payload, attempts, COALESCE(target, ''), "  \
  "COALESCE(last_error, ''), created_at, COALESCE(last_attempt_at, ''), " \
  "COALESCE(next_attempt_at, ''), COALESCE(delivered_at, ''), "           \
  "COALESCE(dead_at, ''), COALESCE(dropped_at, ''), COALESCE(dropped_reason, '')"

const Statement kEnqueue{
    "outbox.enqueue",
    "INSERT INTO outbox(org_id, idempotency_key, type, payload, created_at) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (org_id, idempotency_key) DO NOTHING RETURNING id"};
const Statement kContains{"outbox.contains",
                          "SELECT 1 FROM outbox WHERE org_id = $1 AND idempotency_key = $2"};
const Statement kFind{"outbox.find", "SELECT " MENTORING_OUTBOX_COLUMNS
                                     " FROM outbox WHERE org_id = $1 AND idempotency_key = $2"};
// Times are ISO 8601 text, compared byte by byte whatever the database's collation.
const Statement kDue{
    "outbox.due",
    "SELECT " MENTORING_OUTBOX_COLUMNS
    " FROM outbox WHERE org_id = $1 AND delivered_at IS NULL AND dead_at IS NULL "
    "AND dropped_at IS NULL AND id > $2 "
    "AND (next_attempt_at IS NULL OR next_attempt_at COLLATE \"C\" <= $3) ORDER BY id LIMIT $4"};

// One statement per state, composed once (their texts live as long as the program).
const Statement& list_statement(OutboxState state) {
  static const auto statements = [] {
    static const std::array<const char*, 4> names = {"outbox.list.pending", "outbox.list.delivered",
                                                     "outbox.list.dead", "outbox.list.dropped"};
    static std::array<std::string, 4> sql;
    std::array<Statement, 4> out{};
    for (std::size_t i = 0; i < out.size(); ++i) {
      sql[i] =
          std::string("SELECT " MENTORING_OUTBOX_COLUMNS " FROM outbox WHERE org_id = $1 AND ") +
          kStateCondition[i] + " AND id > $2 ORDER BY id LIMIT $3";
      out[i] = {names[i], sql[i].c_str()};
    }
    return out;
  }();
  return statements[index_of(state)];
}

#undef MENTORING_OUTBOX_COLUMNS

const Statement& count_statement(OutboxState state) {
  static const auto statements = [] {
    static const std::array<const char*, 4> names = {"outbox.count.pending",
                                                     "outbox.count.delivered", "outbox.count.dead",
                                                     "outbox.count.dropped"};
    static std::array<std::string, 4> sql;
    std::array<Statement, 4> out{};
    for (std::size_t i = 0; i < out.size(); ++i) {
      sql[i] =
          std::string("SELECT count(*) FROM outbox WHERE org_id = $1 AND ") + kStateCondition[i];
      out[i] = {names[i], sql[i].c_str()};
    }
    return out;
  }();
  return statements[index_of(state)];
}

const Statement& counts_statement() {
  static const std::string sql = [] {
    auto filter = [](const std::string& condition) {
      return "count(*) FILTER (WHERE " + condition + ")";
    };
    const std::string pending = kStateCondition[index_of(OutboxState::pending)];
    return "SELECT " + filter(pending) + ", " + filter(pending + " AND attempts > 0") + ", " +
           filter(kStateCondition[index_of(OutboxState::delivered)]) + ", " +
           filter(kStateCondition[index_of(OutboxState::dead)]) + ", " +
           filter(kStateCondition[index_of(OutboxState::dropped)]) +
           " FROM outbox WHERE org_id = $1";
  }();
  static const Statement statement{"outbox.counts", sql.c_str()};
  return statement;
}

// Every change but forget_delivered's is guarded by delivered_at IS NULL: a delivered action
// never changes state again (see the header for two transactions at once).
const Statement kMarkDelivered{
    "outbox.mark_delivered",
    "UPDATE outbox SET delivered_at = $2, attempts = attempts + 1, last_error = NULL, "
    "last_attempt_at = $2, next_attempt_at = NULL, target = COALESCE(NULLIF($3, ''), target) "
    "WHERE org_id = $1 AND idempotency_key = $4 AND delivered_at IS NULL"};
const Statement kRecordFailure{
    "outbox.record_failure",
    "UPDATE outbox SET attempts = $2, last_error = $3, target = $4, last_attempt_at = $5, "
    "next_attempt_at = $6, dead_at = $7 "
    "WHERE org_id = $1 AND idempotency_key = $8 AND delivered_at IS NULL"};
const Statement kResetAttempts{
    "outbox.reset_attempts",
    "UPDATE outbox SET attempts = 0, next_attempt_at = NULL, dead_at = NULL "
    "WHERE org_id = $1 AND idempotency_key = $2 AND delivered_at IS NULL AND dropped_at IS NULL"};
const Statement kMarkDropped{
    "outbox.mark_dropped",
    "UPDATE outbox SET dropped_at = $2, dropped_reason = $3, next_attempt_at = NULL "
    "WHERE org_id = $1 AND idempotency_key = $4 AND delivered_at IS NULL AND dropped_at IS NULL"};
// Only where the path holds a value other than JSON null, as SQLite's json_extract answers.
const Statement kForgetDelivered{
    "outbox.forget_delivered",
    "UPDATE outbox SET payload = (payload::jsonb #- $2::text[])::text "
    "WHERE org_id = $1 AND (delivered_at IS NOT NULL OR dropped_at IS NOT NULL) "
    "AND starts_with(idempotency_key, $3) "
    "AND jsonb_typeof(payload::jsonb #> $2::text[]) <> 'null'"};

OutboxEntry entry_from(const pqxx::row& row) {
  OutboxEntry e;
  e.id = row[0].as<std::int64_t>();
  e.idempotency_key = row[1].as<std::string>();
  e.type = row[2].as<std::string>();
  e.payload = row[3].as<std::string>();
  e.attempts = row[4].as<int>();
  e.target = row[5].as<std::string>();
  e.last_error = row[6].as<std::string>();
  e.created_at = row[7].as<std::string>();
  e.last_attempt_at = row[8].as<std::string>();
  e.next_attempt_at = row[9].as<std::string>();
  e.delivered_at = row[10].as<std::string>();
  e.dead_at = row[11].as<std::string>();
  e.dropped_at = row[12].as<std::string>();
  e.dropped_reason = row[13].as<std::string>();
  return e;
}

std::vector<OutboxEntry> entries_from(const pqxx::result& result) {
  std::vector<OutboxEntry> out;
  out.reserve(result.size());
  for (const auto& row : result) out.push_back(entry_from(row));
  return out;
}

// The steps as a PostgreSQL text[] literal, each element quoted: {"payload","token"}.
std::string text_array(const std::vector<std::string>& steps) {
  std::string out = "{";
  for (const auto& step : steps) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char ch : step) {
      if (ch == '"' || ch == '\\') out += '\\';
      out += ch;
    }
    out += '"';
  }
  return out + "}";
}

bool changed_one(const pqxx::result& result) {
  return result.affected_rows() == 1;
}

}  // namespace

PostgresOutboxRepository::PostgresOutboxRepository(OrgSession& session) : session_(session) {
  for (const Statement& statement :
       {kEnqueue, kContains, kFind, kDue, kMarkDelivered, kRecordFailure, kResetAttempts,
        kMarkDropped, kForgetDelivered, counts_statement()})
    session_.prepare(statement.name, statement.sql);
  for (auto state :
       {OutboxState::pending, OutboxState::delivered, OutboxState::dead, OutboxState::dropped}) {
    session_.prepare(list_statement(state).name, list_statement(state).sql);
    session_.prepare(count_statement(state).name, count_statement(state).sql);
  }
}

bool PostgresOutboxRepository::enqueue(const std::string& idempotency_key, const std::string& type,
                                       const std::string& payload, const std::string& created_at) {
  // RETURNING id: a row back means this call stored it; none, the key was there.
  return !exec(session_, kEnqueue, "enqueueing an outbox action", idempotency_key, type, payload,
               created_at)
              .empty();
}

bool PostgresOutboxRepository::contains(const std::string& idempotency_key) {
  return !exec(session_, kContains, "looking an outbox action up", idempotency_key).empty();
}

std::optional<OutboxEntry> PostgresOutboxRepository::find(const std::string& idempotency_key) {
  auto result = exec(session_, kFind, "reading an outbox action", idempotency_key);
  if (result.empty()) return std::nullopt;
  return entry_from(result[0]);
}

std::vector<OutboxEntry> PostgresOutboxRepository::due_after(std::int64_t after_id,
                                                             const std::string& now, int limit) {
  return entries_from(
      exec(session_, kDue, "reading the outbox's due actions", after_id, now, limit));
}

std::vector<OutboxEntry> PostgresOutboxRepository::list(OutboxState state, std::int64_t after_id,
                                                        int limit) {
  return entries_from(
      exec(session_, list_statement(state), "listing outbox actions", after_id, limit));
}

std::int64_t PostgresOutboxRepository::count(OutboxState state) {
  return exec(session_, count_statement(state), "counting outbox actions")[0][0].as<std::int64_t>();
}

OutboxCounts PostgresOutboxRepository::counts() {
  auto row = exec(session_, counts_statement(), "counting outbox actions")[0];
  return {row[0].as<std::int64_t>(), row[1].as<std::int64_t>(), row[2].as<std::int64_t>(),
          row[3].as<std::int64_t>(), row[4].as<std::int64_t>()};
}

bool PostgresOutboxRepository::mark_delivered(const std::string& idempotency_key,
                                              const std::string& at, const std::string& target) {
  return changed_one(exec(session_, kMarkDelivered, "marking an outbox action delivered", at,
                          target, idempotency_key));
}

bool PostgresOutboxRepository::record_failure(const FailedAttempt& a) {
  const char* next_attempt_at = a.dead ? nullptr : a.next_attempt_at.c_str();  // NULL when dead
  const char* dead_at = a.dead ? a.at.c_str() : nullptr;
  return changed_one(exec(session_, kRecordFailure, "recording a failed delivery", a.attempts,
                          a.error, a.target, a.at, next_attempt_at, dead_at, a.idempotency_key));
}

bool PostgresOutboxRepository::reset_attempts(const std::string& idempotency_key) {
  return changed_one(
      exec(session_, kResetAttempts, "resetting an outbox action's attempts", idempotency_key));
}

bool PostgresOutboxRepository::mark_dropped(const std::string& idempotency_key,
                                            const std::string& reason, const std::string& at) {
  return changed_one(
      exec(session_, kMarkDropped, "dropping an outbox action", at, reason, idempotency_key));
}

int PostgresOutboxRepository::forget_delivered(const std::string& json_path,
                                               const std::string& key_prefix) {
  const std::string path = text_array(json_path_steps(json_path));
  return static_cast<int>(exec(session_, kForgetDelivered,
                               "removing a secret from delivered outbox actions", path, key_prefix)
                              .affected_rows());
}

}  // namespace mentoring::store::postgres
