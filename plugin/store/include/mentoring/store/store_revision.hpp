// The store's revision (migration 22): a number that every write transaction changing a
// table the module passes may read increases, whichever process or command writes it, and
// the last run whose module passes completed as a fixpoint (they wrote nothing). A run that
// finds the revision, the day and the configuration as that run left them can skip the
// passes: they would read exactly what that run's passes read, and those wrote nothing.
//
// How every write is counted: each connection the store opens (OrgStore's constructor)
// gets TEMPORARY triggers AFTER INSERT, UPDATE and DELETE on every table of the database
// except store_revision itself, schema_version (migrations change the schema version,
// part of the fingerprint) and sync_cursor (where an adapter's read got to; the passes
// never read it). A trigger fires its body once per transaction: its WHEN clause compares
// the connection's current transaction (an application-defined SQL function, a number new
// after every commit and rollback, random per connection) with store_revision.txn, which
// the body sets. A savepoint rolled back takes the body's update with it, so the next
// write of the transaction counts again. A bulk sync thus pays one function call per row
// and one row update per transaction, not a write per row.
//
// A bulk write (a sync's pages, thousands of rows per transaction) pauses the counting:
// pause_counting, inside the write transaction, counts that transaction at once (the same
// once-per-transaction update) and drops this connection's triggers, so the rest of its rows
// run no trigger at all; resume_counting creates them again before the commit. Both are DDL
// on the connection's own temp schema, part of the transaction: a rollback (whole, or to a
// savepoint taken before the pause) brings the triggers back together with taking the count
// away. A commit while paused is refused by the commit hook (SQLite turns it into a
// rollback), so no transaction can commit with writes its count does not cover.
#pragma once

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>

namespace mentoring::store {

// The last run whose passes completed without writing anything.
struct PassesFixpoint {
  std::string today;        // YYYY-MM-DD
  std::string fingerprint;  // of the configuration the passes ran with
  std::int64_t revision = 0;
  std::string finished_at;  // ISO 8601 UTC
};

// What the plugin's skip of the module passes reads and records (issue 17: a repository per
// concept); StoreRevision below is SQLite's, postgres/revision_repository.hpp PostgreSQL's.
class RevisionRepository {
 public:
  virtual ~RevisionRepository() = default;
  // The organisation's revision: 0 before its first counted write.
  virtual std::int64_t current() = 0;
  virtual std::optional<PassesFixpoint> last_fixpoint() = 0;
  // Records the run's passes, in a write transaction of its own (never inside the caller's:
  // std::logic_error on PostgreSQL, SQLite's error on SQLite): a fixpoint when they
  // completed and the revision is still `before_passes` (nothing, ours or another
  // process's, was written since the passes began); otherwise the last fixpoint is forgotten.
  virtual void record_passes(bool completed, std::int64_t before_passes, const std::string& today,
                             const std::string& fingerprint, const std::string& finished_at) = 0;
};

// The SQLite store's revision: the store_revision row, and each connection's counting.
class StoreRevision final : public RevisionRepository {
 public:
  explicit StoreRevision(SQLite::Database& db) : db_(db) {}

  // One connection's counting: its transaction number, whether paused, its triggers' SQL.
  struct Counting;
  // Creates this connection's counting function and temporary triggers (after migrate).
  // The connection owns what it answers (freed when it closes).
  static Counting& count_writes(SQLite::Database& db);
  // Inside a write transaction: counts it now and drops the connection's triggers until
  // resume_counting (which the transaction must reach before it commits). No-op when paused.
  static void pause_counting(SQLite::Database& db, Counting& counting);
  static void resume_counting(SQLite::Database& db, Counting& counting);

  std::int64_t current() override;
  std::optional<PassesFixpoint> last_fixpoint() override;
  void record_passes(bool completed, std::int64_t before_passes, const std::string& today,
                     const std::string& fingerprint, const std::string& finished_at) override;

 private:
  SQLite::Database& db_;
};

}  // namespace mentoring::store
