// mentoring/store/postgres/transfer.hpp — one organisation moved between the SQLite store
// and the shared PostgreSQL store (issue 17: `mentoring-host store export|import`), verified
// by counts and checksums.
//
//   postgres::Connection db(url, "store.url_secret");  // a role granted mentoring_app
//   auto report = postgres::import_organisation("northwind.sqlite", "northwind", db);
//   for (const auto& table : report.tables) ... table.name, table.rows, table.sha256 ...
//   postgres::export_organisation(db, "northwind", "copy.sqlite");
//
// What is copied: every table of the SQLite store at this code's latest migration (both
// backends have the same tables and columns, PostgreSQL adding org_id first;
// tests/postgres/schema_test.cpp keeps them so), row by row and value by value, ids included.
// Not copied: each backend's schema_version, PostgreSQL's lease tables and cycle log (about
// all organisations), and `person_manager`, which triggers on both sides derive from
// `person.indirect_manager_ids` (it is verified like every table). `store_revision` is
// written last, over the row the destination made (SQLite's migration seeds it, PostgreSQL's
// counting trigger creates it at the first write), so the copy keeps the source's revision.
//
// Verification: after the copy, in the same transactions, every table is read on both sides
// in primary-key order (text compared byte for byte, as SQLite's BINARY collation does) and
// each row's canonical encoding (per column, by the SQLite declared type: a tag, then an
// 8-byte big-endian integer, an IEEE double's 8 bytes, or a length and the bytes of a text or
// blob) goes into a SHA-256 per table. Any table whose row count or checksum differs fails the
// transfer with TransferMismatch naming it, and nothing is kept: the PostgreSQL transaction
// rolls back, the new SQLite file is removed.
//
// Not thread-safe; the connection is used by one transfer at a time. The URL never appears in
// a message: errors name the server as user@host:port/database (Connection::server()).
#pragma once

#include <mentoring/store/postgres/connection.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace mentoring::store::postgres {

// The transfer cannot start or finish as asked: the SQLite file exists (export) or is not a
// store at this code's schema, the organisation has no rows to export or already has rows
// where it is imported, PostgreSQL lacks migrations, a value does not fit its column's type.
// Names the file, organisation, table or column concerned and what was expected.
class TransferError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The copy does not read back as the source: names each table whose rows or checksum differ
// (tables()), with both sides' figures. Nothing of the transfer is kept.
class TransferMismatch : public TransferError {
 public:
  TransferMismatch(const std::string& message, std::vector<std::string> tables)
      : TransferError(message), tables_(std::move(tables)) {}
  const std::vector<std::string>& tables() const noexcept { return tables_; }

 private:
  std::vector<std::string> tables_;
};

struct TableChecksum {
  std::string name;
  std::int64_t rows = 0;
  std::string sha256;  // lower-case hex of the rows' canonical encodings, in key order
  friend bool operator==(const TableChecksum&, const TableChecksum&) = default;
};

// One side's figures: every table in transfer order, and the whole (the SHA-256 of each
// table's name, row count and checksum, in that order).
struct Checksums {
  std::vector<TableChecksum> tables;
  std::int64_t total_rows = 0;
  std::string total_sha256;
};

struct TransferOptions {
  // Import only: an organisation that already has rows in PostgreSQL is refused unless this is
  // set; then its rows are deleted first, in the same transaction.
  bool replace = false;
  // For tests: runs between the copy and the verification, with a function that executes SQL
  // on the destination inside the transfer's transaction (to corrupt the copy on purpose).
  std::function<void(const std::function<void(const std::string& sql)>& execute)> before_verify;
};

// The tables transferred, in order (store_revision last), person_manager included.
std::vector<std::string> transferred_tables();

// Copies `org_id`'s rows from the SQLite store file `from` (opened read-only, in one read
// transaction, so a host writing it meanwhile does not matter) into PostgreSQL, in one
// OrgTransaction on `to` (row-level security: only that organisation's rows are seen or
// written), foreign keys deferred to the commit; then moves each identity sequence past the
// ids imported (with nextval, the only sequence right the application role has: it never
// moves a sequence back, whoever else inserts meanwhile), verifies, commits. Answers the
// verified figures (equal on both sides). Throws TransferError, TransferMismatch,
// PostgresError (naming the server and the table being written).
Checksums import_organisation(const std::filesystem::path& from, const std::string& org_id,
                              Connection& to, const TransferOptions& options = {});

// Copies `org_id`'s rows from PostgreSQL (one REPEATABLE READ OrgTransaction: one snapshot of
// every table) into a new SQLite store file `to` (made 0600 by this code's migrations, built
// under `<to>.partial` and renamed when verified and committed). Refused when `to` exists or
// the organisation has no rows. Throws as import_organisation does.
Checksums export_organisation(Connection& from, const std::string& org_id,
                              const std::filesystem::path& to, const TransferOptions& options = {});

// The figures of one side alone (what the transfer compares; for tests and checks).
Checksums checksums_of(const std::filesystem::path& sqlite_file);
Checksums checksums_of(Connection& connection, const std::string& org_id);

}  // namespace mentoring::store::postgres
