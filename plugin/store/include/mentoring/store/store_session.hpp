// mentoring/store/store_session.hpp — one organisation's connection and its one statement
// cache, which every repository of that organisation borrows (issue 17).
//
//   mentoring::store::StoreSession session(storage_dir, "northwind");  // opens + migrates
//   mentoring::store::SqlitePeopleRepository people(session);
//   mentoring::store::SqliteCursorRepository cursors(session);
//   SQLite::Transaction txn(session.database());  // spans every repository of the session
//   people.upsert(person);
//   cursors.set_cursor("hr-export", "people", next_cursor);
//   txn.commit();
//
// The file is <directory>/<organisation>.sqlite, in WAL mode with foreign keys on;
// migrations (migrations.hpp) run on open, each in its own transaction, then the
// connection's store revision counting starts (store_revision.hpp). A failure to open or
// migrate throws StoreError. Not thread-safe: one session per thread.
#pragma once

#include <mentoring/store/store_revision.hpp>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <unordered_map>

namespace mentoring::store {

// The database itself failed (busy or locked past the busy timeout, I/O error,
// disk full, read-only, corrupt): never a verdict on the host's data. Names the
// file, what was being done and SQLite's own words, eg
// "store error on state/northwind/northwind.sqlite while syncing hr-export leave:
//  database is locked (SQLite code 5)".
class StoreError : public std::runtime_error {
 public:
  StoreError(const std::filesystem::path& database, const std::string& during,
             const SQLite::Exception& e);
  int sqlite_code() const noexcept { return code_; }

 private:
  int code_;
};

class StoreSession {
 public:
  // SQLite waits this long for another connection's write to end before it answers busy.
  static constexpr int kBusyTimeoutMs = 5000;

  // Throws std::invalid_argument for an organisation id that is empty or names another folder.
  StoreSession(const std::filesystem::path& directory, const std::string& organisation);
  StoreSession(const StoreSession&) = delete;
  StoreSession& operator=(const StoreSession&) = delete;

  SQLite::Database& database() noexcept { return db_; }
  const std::filesystem::path& path() const noexcept { return path_; }

  // The statement for this SQL, compiled once per session and reset (bindings cleared) for
  // reuse: the sync path runs the same few statements a million times. Looked up by the
  // text's address first, so `sql` must outlive the session (a literal or a static); two
  // addresses of the same text share one statement. A statement is the caller's until the
  // next prepared() of the same SQL: a repository never nests a query inside its own rows.
  SQLite::Statement& prepared(const char* sql);
  // The same cache by text alone, for SQL composed at run time (a list of states).
  SQLite::Statement& prepared_dynamic(const std::string& sql);
  // How many distinct statements the cache holds (what the repository tests check sharing by).
  std::size_t cached_statements() const noexcept { return statements_.size(); }

  // Resets every cached statement. A statement left stepped part-way keeps a read
  // transaction open, and with it a snapshot of the database: a host that keeps the
  // session open between calls (mentoring-host serve) calls this after each call, so the
  // next one sees what other processes wrote meanwhile.
  void reset_statements() noexcept;

  // A bulk write's transaction (a sync's pages): counted in the store's revision once, now,
  // and this connection's revision triggers dropped until resume_revision_counting, which
  // must come before the transaction commits (StoreRevision::pause_counting).
  void pause_revision_counting();
  void resume_revision_counting();

 private:
  std::filesystem::path path_;
  SQLite::Database db_;
  std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> statements_;  // after db_
  std::unordered_map<const char*, SQLite::Statement*> by_address_;
  StoreRevision::Counting* counting_ = nullptr;  // owned by db_
};

}  // namespace mentoring::store
