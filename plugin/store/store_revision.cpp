#include <mentoring/store/store_revision.hpp>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <sqlite3.h>

#include <random>
#include <stdexcept>
#include <vector>

namespace mentoring::store {

// The connection's transaction number: random at the start (so two connections never
// share one), one more after each commit and rollback; whether its triggers are paused;
// the SQL that creates them. Owned by the SQL function, freed when the connection closes
// (after its last rollback).
struct StoreRevision::Counting {
  sqlite3_int64 current = 0;
  bool paused = false;
  std::string create_triggers, drop_triggers;
};

namespace {

using Counting = StoreRevision::Counting;

void current_transaction(sqlite3_context* context, int, sqlite3_value**) {
  auto* state = static_cast<Counting*>(sqlite3_user_data(context));
  sqlite3_result_int64(context, state->current);
}

int next_after_commit(void* state) {
  auto* counting = static_cast<Counting*>(state);
  ++counting->current;
  if (!counting->paused) return 0;  // the commit goes ahead
  // Paused: the triggers are gone for this transaction, so it may not commit as it is
  // (pause_counting). The commit becomes a rollback, which brings them back.
  counting->paused = false;
  return 1;
}

void next_after_rollback(void* state) {
  auto* counting = static_cast<Counting*>(state);
  ++counting->current;
  counting->paused = false;  // the transaction's DROP TRIGGERs are rolled back with it
}

void destroy(void* state) {
  delete static_cast<Counting*>(state);
}

std::string quoted(const std::string& name) {
  std::string out = "\"";
  for (char ch : name) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return out + "\"";
}

}  // namespace

StoreRevision::Counting& StoreRevision::count_writes(SQLite::Database& db) {
  sqlite3* handle = db.getHandle();
  auto* state = new Counting;
  std::random_device random;
  state->current = static_cast<sqlite3_int64>(
      ((static_cast<std::uint64_t>(random()) << 32) ^ random()) & 0x3fffffffffffffffULL);
  // Not deterministic: its answer changes between transactions. From then on the
  // connection owns `state` (destroy runs when it closes, or at once when this fails).
  if (sqlite3_create_function_v2(handle, "mentoring_transaction", 0, SQLITE_UTF8, state,
                                 current_transaction, nullptr, nullptr, destroy) != SQLITE_OK) {
    throw std::runtime_error(std::string("store: creating mentoring_transaction(): ") +
                             sqlite3_errmsg(handle));
  }
  sqlite3_commit_hook(handle, next_after_commit, state);
  sqlite3_rollback_hook(handle, next_after_rollback, state);
  std::vector<std::string> tables;
  {
    SQLite::Statement list(db,
                           "SELECT name FROM main.sqlite_schema WHERE type = 'table' AND name NOT "
                           "LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT IN ('store_revision', "
                           "'schema_version', 'sync_cursor') AND sql NOT LIKE 'CREATE VIRTUAL%' "
                           "ORDER BY name");
    while (list.executeStep()) tables.push_back(list.getColumn(0).getString());
  }
  for (const auto& table : tables) {
    for (const char* operation : {"INSERT", "UPDATE", "DELETE"}) {
      const std::string name = quoted("store_revision_" + table + "_" + operation);
      state->create_triggers +=
          "CREATE TEMP TRIGGER IF NOT EXISTS " + name + " AFTER " + operation + " ON main." +
          quoted(table) +
          " WHEN mentoring_transaction() IS NOT (SELECT txn FROM main.store_revision WHERE id "
          "= 1) BEGIN UPDATE store_revision SET n = n + 1, txn = mentoring_transaction() "
          "WHERE id = 1; END;\n";
      state->drop_triggers += "DROP TRIGGER IF EXISTS temp." + name + ";\n";
    }
  }
  db.exec(state->create_triggers);
  return *state;
}

void StoreRevision::pause_counting(SQLite::Database& db, Counting& counting) {
  if (sqlite3_get_autocommit(db.getHandle()) != 0)
    throw std::logic_error("store: the revision's counting paused outside a transaction");
  if (counting.paused) return;
  // Counted first, then paused: from here on the transaction cannot commit without
  // resume_counting, so a failure half-way through leaves nothing uncounted.
  db.exec(
      "UPDATE store_revision SET n = n + 1, txn = mentoring_transaction() WHERE id = 1 AND txn "
      "IS NOT mentoring_transaction()");
  counting.paused = true;
  db.exec(counting.drop_triggers);
}

void StoreRevision::resume_counting(SQLite::Database& db, Counting& counting) {
  if (!counting.paused) return;
  db.exec(counting.create_triggers);
  counting.paused = false;
}

std::int64_t StoreRevision::current() {
  SQLite::Statement s(db_, "SELECT n FROM store_revision WHERE id = 1");
  if (!s.executeStep()) throw std::runtime_error("store: store_revision has no row");
  return s.getColumn(0).getInt64();
}

std::optional<PassesFixpoint> StoreRevision::last_fixpoint() {
  SQLite::Statement s(db_,
                      "SELECT passes_today, passes_fingerprint, passes_revision, "
                      "passes_finished_at FROM store_revision WHERE id = 1 AND passes_today IS "
                      "NOT NULL AND passes_fingerprint IS NOT NULL AND passes_revision IS NOT "
                      "NULL AND passes_finished_at IS NOT NULL");
  if (!s.executeStep()) return std::nullopt;
  return PassesFixpoint{s.getColumn(0).getString(), s.getColumn(1).getString(),
                        s.getColumn(2).getInt64(), s.getColumn(3).getString()};
}

void StoreRevision::record_passes(bool completed, std::int64_t before_passes,
                                  const std::string& today, const std::string& fingerprint,
                                  const std::string& finished_at) {
  // IMMEDIATE: nothing is written between reading the revision and recording it.
  SQLite::Transaction txn(db_, SQLite::TransactionBehavior::IMMEDIATE);
  const bool fixpoint = completed && current() == before_passes;
  SQLite::Statement s(db_,
                      "UPDATE store_revision SET passes_today = ?, passes_fingerprint = ?, "
                      "passes_revision = ?, passes_finished_at = ? WHERE id = 1");
  if (fixpoint) {
    s.bind(1, today);
    s.bind(2, fingerprint);
    s.bind(3, before_passes);
    s.bind(4, finished_at);
  }  // else all NULL: no fixpoint known
  s.exec();
  txn.commit();
}

}  // namespace mentoring::store
