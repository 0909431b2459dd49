#include <mentoring/store/store_session.hpp>

#include <mentoring/private_files.hpp>

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <mentoring/store/migrations.hpp>

namespace mentoring::store {

namespace {

std::filesystem::path database_path(const std::filesystem::path& directory,
                                    const std::string& organisation) {
  if (organisation.empty() || organisation.find('/') != std::string::npos ||
      organisation.find("..") != std::string::npos) {
    throw std::invalid_argument("store: invalid organisation id \"" + organisation + "\"");
  }
  files::create_private_directories(directory);
  return directory / (organisation + ".sqlite");
}

// The busy timeout is set before anything touches the file, so even switching
// a new database to WAL waits out another process doing the same.
// The database, its -wal and -shm are its owner's only, whatever the umask:
// an empty file made 0600 is a new database to SQLite, and SQLite gives the
// -wal and -shm it creates the database file's mode. A file an older version
// left wider is narrowed (the host reports that for its state folder).
void make_database_private(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, files::kPrivateFile);
  if (fd >= 0) ::close(fd);
  for (const char* suffix : {"", "-wal", "-shm", "-journal"})
    files::make_private(path.string() + suffix);
}

SQLite::Database open_database(const std::filesystem::path& path) {
  make_database_private(path);
  // Two connections opening a new database at once can meet a lock SQLite
  // answers BUSY at once, without waiting (switching to WAL, or a read lock
  // that would have to grow into a write lock: waiting could deadlock). Every
  // step below is idempotent and each migration its own transaction, so the
  // whole opening is tried again, for about the busy timeout.
  constexpr int kPauseMs = 50;
  for (int attempt = 0;; ++attempt) {
    try {
      SQLite::Database db(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE,
                          StoreSession::kBusyTimeoutMs);
      db.exec("PRAGMA journal_mode = WAL");
      db.exec("PRAGMA foreign_keys = ON");
      db.exec("PRAGMA synchronous = NORMAL");
      // 64 MiB of page cache: an organisation's people and leave indexes stay in
      // memory during a large sync instead of being re-read page by page.
      db.exec("PRAGMA cache_size = -65536");
      migrate(db);
      return db;
    } catch (const SQLite::Exception& e) {
      const bool busy = (e.getErrorCode() & 0xff) == SQLITE_BUSY;
      if (busy && attempt < StoreSession::kBusyTimeoutMs / kPauseMs) {
        std::this_thread::sleep_for(std::chrono::milliseconds(kPauseMs));
        continue;
      }
      throw StoreError(path, "opening and migrating it", e);
    }
  }
}

// A statement ready to run again. reset() would throw the error its last run ended with (a
// constraint the previous call broke, already reported to that caller) instead of the
// next caller's own: the reset happens all the same, so that code is not this call's.
void reuse(SQLite::Statement& statement) {
  statement.tryReset();
  statement.clearBindings();
}

}  // namespace

StoreError::StoreError(const std::filesystem::path& database, const std::string& during,
                       const SQLite::Exception& e)
    : std::runtime_error("store error on " + database.string() + " while " + during + ": " +
                         e.what() + " (SQLite code " + std::to_string(e.getErrorCode()) + ")"),
      code_(e.getErrorCode()) {}

StoreSession::StoreSession(const std::filesystem::path& directory, const std::string& organisation)
    : path_(database_path(directory, organisation)), db_(open_database(path_)) {
  // Every write this connection makes to what the passes read counts (store_revision.hpp).
  try {
    counting_ = &StoreRevision::count_writes(db_);
  } catch (const SQLite::Exception& e) {
    throw StoreError(path_, "creating the store revision's triggers", e);
  }
}

SQLite::Statement& StoreSession::prepared(const char* sql) {
  auto& known = by_address_[sql];
  if (known == nullptr) {
    known = &prepared_dynamic(sql);
  } else {
    reuse(*known);
  }
  return *known;
}

SQLite::Statement& StoreSession::prepared_dynamic(const std::string& sql) {
  auto found = statements_.find(sql);
  if (found == statements_.end()) {
    // Compiled before it is kept: SQL that does not compile leaves no empty slot behind.
    auto statement = std::make_unique<SQLite::Statement>(db_, sql);
    return *statements_.emplace(sql, std::move(statement)).first->second;
  }
  reuse(*found->second);
  return *found->second;
}

void StoreSession::reset_statements() noexcept {
  for (auto& [sql, statement] : statements_) {
    try {
      statement->reset();
    } catch (const SQLite::Exception&) {
      // reset() reports the statement's last error again; it is reset all the same.
    }
  }
}

void StoreSession::pause_revision_counting() {
  StoreRevision::pause_counting(db_, *counting_);
}

void StoreSession::resume_revision_counting() {
  StoreRevision::resume_counting(db_, *counting_);
}

}  // namespace mentoring::store
