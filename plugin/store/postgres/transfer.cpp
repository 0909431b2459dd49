#include <mentoring/store/postgres/transfer.hpp>

#include <mentoring/private_files.hpp>
#include <mentoring/store/migrations.hpp>
#include <mentoring/store/postgres/migrations.hpp>
#include <mentoring/store/postgres/org_transaction.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <sqlite3.h>
#include <unistd.h>
#include <pqxx/pqxx>

#include <algorithm>
#include <bit>
#include <charconv>
#include <map>
#include <memory>
#include <set>
#include <string_view>
#include <system_error>

namespace mentoring::store::postgres {

namespace fs = std::filesystem;

namespace {

// ---------------------------------------------------------------- the tables, from SQLite's

enum class ColumnType { integer, real, text, blob };

struct Column {
  std::string name;
  ColumnType type;
};

struct Table {
  std::string name;
  std::vector<Column> columns;
  std::vector<std::size_t> key;  // positions in columns, in the primary key's order
  bool derived = false;          // kept by triggers on both sides: verified, not copied
  bool upsert = false;           // the destination may hold the row already: written over it
};

// Kept by each backend's own triggers from person.indirect_manager_ids (SQLite's migration 8,
// PostgreSQL's 5): copying it would insert every link twice.
const std::set<std::string> kDerivedTables = {"person_manager"};
// Seeded by SQLite's migration 22 and created by PostgreSQL's counting trigger at the first
// write of the import: written last, over that row, so it ends as the source's.
const char* const kRevisionTable = "store_revision";

ColumnType column_type(const std::string& table, const std::string& column,
                       const std::string& declared) {
  if (declared == "INTEGER") return ColumnType::integer;
  if (declared == "REAL") return ColumnType::real;
  if (declared == "TEXT") return ColumnType::text;
  if (declared == "BLOB") return ColumnType::blob;
  // The schema test maps the same four; a migration with another type fails there first.
  throw std::logic_error("store transfer: " + table + "." + column + " has SQLite type \"" +
                         declared + "\", expected INTEGER, REAL, TEXT or BLOB");
}

std::vector<Table> read_reference_tables() {
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  store::migrate(db);
  std::vector<Table> tables;
  SQLite::Statement list(db,
                         "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE "
                         "'sqlite\\_%' ESCAPE '\\' AND name <> 'schema_version' ORDER BY name");
  while (list.executeStep()) tables.push_back({list.getColumn(0).getString(), {}, {}});
  for (auto& table : tables) {
    SQLite::Statement info(db, "SELECT name, type, pk FROM pragma_table_info(?) ORDER BY cid");
    info.bind(1, table.name);
    std::map<int, std::size_t> key;  // position in the primary key: column
    while (info.executeStep()) {
      const std::string name = info.getColumn(0).getString();
      if (int pk = info.getColumn(2).getInt(); pk > 0) key[pk] = table.columns.size();
      table.columns.push_back({name, column_type(table.name, name, info.getColumn(1).getString())});
    }
    for (const auto& [position, column] : key) table.key.push_back(column);
    if (table.key.empty())  // no primary key: every column orders the rows
      for (std::size_t i = 0; i < table.columns.size(); ++i) table.key.push_back(i);
    table.derived = kDerivedTables.contains(table.name);
    table.upsert = table.name == kRevisionTable;
  }
  std::stable_partition(tables.begin(), tables.end(),
                        [](const Table& t) { return t.name != kRevisionTable; });
  return tables;
}

const std::vector<Table>& reference_tables() {
  static const std::vector<Table> tables = read_reference_tables();
  return tables;
}

std::string quoted(const std::string& name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string column_list(const Table& table) {
  std::string out;
  for (const auto& column : table.columns) out += (out.empty() ? "" : ", ") + quoted(column.name);
  return out;
}

// "ON CONFLICT (key) DO UPDATE SET c = excluded.c, ...", keys prefixed (PostgreSQL's org_id).
std::string upsert_clause(const Table& table, const std::string& key_prefix) {
  std::string key = key_prefix, set;
  for (std::size_t i : table.key) key += (key.empty() ? "" : ", ") + quoted(table.columns[i].name);
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    if (std::find(table.key.begin(), table.key.end(), i) != table.key.end()) continue;
    const std::string name = quoted(table.columns[i].name);
    set += (set.empty() ? "" : ", ") + name + " = excluded." + name;
  }
  return " ON CONFLICT (" + key + ") DO " + (set.empty() ? "NOTHING" : "UPDATE SET " + set);
}

// ---------------------------------------------------------------- values and their encoding

struct Value {
  enum Kind : char { null = 'N', integer = 'I', real = 'R', text = 'T', blob = 'B' };
  Kind kind = null;
  std::int64_t integer_value = 0;
  double real_value = 0;
  std::string bytes;  // text or blob
};
using Row = std::vector<Value>;

void append_be64(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
}

// The canonical encoding: the kind's tag, then a fixed 8 bytes or a length and the bytes.
// Every value has one encoding and a row's columns are fixed, so rows never run together.
void append_encoding(std::string& out, const Value& value) {
  out += static_cast<char>(value.kind);
  switch (value.kind) {
    case Value::null:
      break;
    case Value::integer:
      append_be64(out, static_cast<std::uint64_t>(value.integer_value));
      break;
    case Value::real:
      append_be64(out, std::bit_cast<std::uint64_t>(value.real_value));
      break;
    case Value::text:
    case Value::blob:
      append_be64(out, value.bytes.size());
      out += value.bytes;
      break;
  }
}

std::string shown(const Value& value) {
  switch (value.kind) {
    case Value::null:
      return "NULL";
    case Value::integer:
      return std::to_string(value.integer_value);
    case Value::real:
      return std::to_string(value.real_value);
    case Value::text:
      return "'" + value.bytes.substr(0, 60) + (value.bytes.size() > 60 ? "...'" : "'");
    case Value::blob:
      return "a blob of " + std::to_string(value.bytes.size()) + " bytes";
  }
  return "?";
}

// The row's primary key as a message shows it: "(id = 'P1')".
std::string key_of(const Table& table, const Row& row) {
  std::string out;
  for (std::size_t i : table.key) {
    if (i >= row.size()) break;
    out += (out.empty() ? "" : ", ") + table.columns[i].name + " = " + shown(row[i]);
  }
  return "(" + out + ")";
}

std::string lower_hex(std::string_view bytes) {
  static const char* const kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 0xf];
  }
  return out;
}

class Sha256 {
 public:
  Sha256() : context_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
    if (!context_ || EVP_DigestInit_ex(context_.get(), EVP_sha256(), nullptr) != 1)
      throw std::runtime_error("store transfer: OpenSSL could not start a SHA-256");
  }
  void update(const std::string& bytes) {
    EVP_DigestUpdate(context_.get(), bytes.data(), bytes.size());
  }
  std::string hex() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_DigestFinal_ex(context_.get(), digest, &size);
    return lower_hex(std::string_view(reinterpret_cast<const char*>(digest), size));
  }

 private:
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context_;
};

// ---------------------------------------------------------------- the two sides

// One organisation's rows on one backend, inside the transfer's transaction.
class Side {
 public:
  virtual ~Side() = default;
  // Every row of `table`, in primary-key order (text byte for byte, NULLs first).
  virtual void for_each_row(const Table& table, const std::function<void(const Row&)>& visit) = 0;
  virtual void insert(const Table& table, const std::vector<Row>& rows) = 0;
  virtual std::size_t rows_per_insert(const Table& table) const = 0;
  virtual void execute(const std::string& sql) = 0;
  // For messages: "the SQLite file x.sqlite", "PostgreSQL (app@db:5432/mentoring)".
  virtual std::string name() const = 0;
};

class SqliteSide : public Side {
 public:
  SqliteSide(SQLite::Database& db, fs::path file) : db_(db), file_(std::move(file)) {}

  void for_each_row(const Table& table, const std::function<void(const Row&)>& visit) override {
    std::string order;
    for (std::size_t i : table.key)
      order += (order.empty() ? "" : ", ") + quoted(table.columns[i].name);
    SQLite::Statement select(
        db_, "SELECT " + column_list(table) + " FROM " + quoted(table.name) + " ORDER BY " + order);
    Row row(table.columns.size());
    while (select.executeStep()) {
      for (std::size_t i = 0; i < table.columns.size(); ++i)
        row[i] = read(select, i, table.columns[i]);
      for (std::size_t i = 0; i < table.columns.size(); ++i) check_type(table, row, i);
      visit(row);
    }
  }

  void insert(const Table& table, const std::vector<Row>& rows) override {
    auto& statement = inserts_[table.name];
    if (!statement) {
      std::string marks;
      for (std::size_t i = 0; i < table.columns.size(); ++i) marks += i == 0 ? "?" : ", ?";
      statement = std::make_unique<SQLite::Statement>(
          db_, "INSERT INTO " + quoted(table.name) + " (" + column_list(table) + ") VALUES (" +
                   marks + ")" + (table.upsert ? upsert_clause(table, "") : ""));
    }
    for (const Row& row : rows) {
      statement->reset();
      statement->clearBindings();
      for (std::size_t i = 0; i < row.size(); ++i) {
        const int at = static_cast<int>(i) + 1;
        const Value& v = row[i];
        switch (v.kind) {
          case Value::null:
            statement->bind(at);
            break;
          case Value::integer:
            statement->bind(at, static_cast<int64_t>(v.integer_value));
            break;
          case Value::real:
            statement->bind(at, v.real_value);
            break;
          case Value::text:
            statement->bindNoCopy(at, v.bytes);
            break;
          case Value::blob:
            statement->bindNoCopy(at, v.bytes.data(), static_cast<int>(v.bytes.size()));
            break;
        }
      }
      statement->exec();
    }
  }
  std::size_t rows_per_insert(const Table&) const override { return 1000; }

  void execute(const std::string& sql) override { db_.exec(sql); }
  std::string name() const override { return "the SQLite file " + file_.string(); }

  // Rows that refer to a missing row (deferred foreign keys, checked before the commit so the
  // message names the table; the commit would only say "FOREIGN KEY constraint failed").
  void require_foreign_keys_whole() {
    SQLite::Statement check(db_, "PRAGMA foreign_key_check");
    if (check.executeStep()) {
      throw TransferError(name() + ": table " + check.getColumn(0).getString() +
                          " has a row that refers to a missing row of " +
                          check.getColumn(2).getString() +
                          " (the source's rows do not hold together)");
    }
  }

 private:
  static Value read(SQLite::Statement& select, std::size_t i, const Column& column) {
    const SQLite::Column value = select.getColumn(static_cast<int>(i));
    Value out;
    switch (value.getType()) {
      case SQLITE_NULL:
        break;
      case SQLITE_INTEGER:
        if (column.type == ColumnType::real) {
          out.kind = Value::real;  // REAL affinity keeps whole numbers as integers on disk
          out.real_value = static_cast<double>(value.getInt64());
        } else {
          out.kind = Value::integer;
          out.integer_value = value.getInt64();
        }
        break;
      case SQLITE_FLOAT:
        out.kind = Value::real;
        out.real_value = value.getDouble();
        break;
      case SQLITE_TEXT:
        out.kind = Value::text;
        out.bytes.assign(static_cast<const char*>(value.getBlob()),
                         static_cast<std::size_t>(value.getBytes()));
        break;
      default:  // SQLITE_BLOB
        out.kind = Value::blob;
        out.bytes.assign(static_cast<const char*>(value.getBlob()),
                         static_cast<std::size_t>(value.getBytes()));
        break;
    }
    return out;
  }

  // A value stored with another type than its column's (SQLite lets a column hold any type)
  // has no PostgreSQL twin: refused, naming it.
  void check_type(const Table& table, const Row& row, std::size_t i) const {
    static const std::map<ColumnType, std::pair<Value::Kind, const char*>> kExpected = {
        {ColumnType::integer, {Value::integer, "an INTEGER"}},
        {ColumnType::real, {Value::real, "a REAL"}},
        {ColumnType::text, {Value::text, "a TEXT"}},
        {ColumnType::blob, {Value::blob, "a BLOB"}}};
    const auto& [kind, expected] = kExpected.at(table.columns[i].type);
    if (row[i].kind == Value::null || row[i].kind == kind) return;
    throw TransferError(name() + ": table " + table.name + ", row " + key_of(table, row) +
                        ", column " + table.columns[i].name + ": found " + shown(row[i]) +
                        ", expected " + expected + " (its declared type)");
  }

  SQLite::Database& db_;
  fs::path file_;
  std::map<std::string, std::unique_ptr<SQLite::Statement>> inserts_;
};

class PostgresSide : public Side {
 public:
  PostgresSide(Connection& connection, OrgTransaction& transaction)
      : connection_(connection), txn_(transaction.txn()), org_id_(transaction.org_id()) {}

  void for_each_row(const Table& table, const std::function<void(const Row&)>& visit) override {
    std::string order;
    for (std::size_t i : table.key) {
      const Column& column = table.columns[i];
      order += (order.empty() ? "" : ", ") + quoted(column.name) +
               (column.type == ColumnType::text ? " COLLATE \"C\"" : "") + " NULLS FIRST";
    }
    const pqxx::result rows =
        txn_.exec_params("SELECT " + column_list(table) + " FROM " + quoted(table.name) +
                             " WHERE org_id = $1 ORDER BY " + order,
                         org_id_);
    Row row(table.columns.size());
    for (const auto& fields : rows) {
      for (std::size_t i = 0; i < table.columns.size(); ++i)
        row[i] = read(fields[static_cast<pqxx::row::size_type>(i)], table, i);
      visit(row);
    }
  }

  // One statement per batch: INSERT ... VALUES ($1, $2, ...), ($1, ...) with $1 the
  // organisation (COPY is not allowed on a table under row-level security).
  void insert(const Table& table, const std::vector<Row>& rows) override {
    if (rows.empty()) return;
    std::string sql =
        "INSERT INTO " + quoted(table.name) + " (org_id, " + column_list(table) + ") VALUES ";
    std::vector<std::string> texts;
    texts.reserve(rows.size() * table.columns.size());
    std::vector<const char*> parameters{org_id_.c_str()};
    int next = 2;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      sql += r == 0 ? "($1" : ", ($1";
      for (const Value& v : rows[r]) {
        sql += ", $" + std::to_string(next++);
        if (v.kind == Value::null) {
          texts.emplace_back();
        } else {
          texts.push_back(as_parameter(v));
        }
      }
      sql += ")";
    }
    // Pointers taken once `texts` no longer grows.
    std::size_t at = 0;
    for (const Row& row : rows)
      for (const Value& v : row) {
        parameters.push_back(v.kind == Value::null ? nullptr : texts[at].c_str());
        ++at;
      }
    if (table.upsert) sql += upsert_clause(table, "org_id");
    txn_.exec_params(sql, pqxx::prepare::make_dynamic_params(parameters));
  }
  // libpq takes at most 65535 parameters a statement.
  std::size_t rows_per_insert(const Table& table) const override {
    return std::max<std::size_t>(1, std::min<std::size_t>(500, 30000 / table.columns.size()));
  }

  void execute(const std::string& sql) override { txn_.exec(sql); }
  std::string name() const override { return "PostgreSQL (" + connection_.server() + ")"; }

  pqxx::work& txn() { return txn_; }
  const std::string& org_id() const { return org_id_; }

 private:
  Value read(const pqxx::field& field, const Table& table, std::size_t i) const {
    Value out;
    if (field.is_null()) return out;
    const char* text = field.c_str();
    const std::size_t size = field.size();
    switch (table.columns[i].type) {
      case ColumnType::integer:
        out.kind = Value::integer;
        out.integer_value = field.as<long long>();
        break;
      case ColumnType::real: {
        out.kind = Value::real;
        // PostgreSQL 12+ writes the shortest text that reads back as the same double.
        auto [end, error] = std::from_chars(text, text + size, out.real_value);
        if (error != std::errc() || end != text + size)
          throw TransferError(name() + ": table " + table.name + ", column " +
                              table.columns[i].name + ": \"" + std::string(text, size) +
                              "\" is not a number this code reads");
        break;
      }
      case ColumnType::text:
        out.kind = Value::text;
        out.bytes.assign(text, size);
        break;
      case ColumnType::blob:
        out.kind = Value::blob;
        out.bytes = pqxx::binarystring(field).str();
        break;
    }
    return out;
  }

  // A value as the text PostgreSQL reads for its column's type.
  static std::string as_parameter(const Value& v) {
    switch (v.kind) {
      case Value::integer:
        return std::to_string(v.integer_value);
      case Value::real: {
        char buffer[64];
        auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, v.real_value);
        return std::string(buffer, end);
      }
      case Value::blob:  // bytea's hex input
        return "\\x" + lower_hex(v.bytes);
      default:
        return v.bytes;
    }
  }

  Connection& connection_;
  pqxx::work& txn_;
  std::string org_id_;
};

// ---------------------------------------------------------------- copy and verification

TableChecksum checksum(Side& side, const Table& table) {
  Sha256 hash;
  TableChecksum out{table.name, 0, {}};
  std::string encoded;
  side.for_each_row(table, [&](const Row& row) {
    encoded.clear();
    for (const Value& v : row) append_encoding(encoded, v);
    hash.update(encoded);
    ++out.rows;
  });
  out.sha256 = hash.hex();
  return out;
}

Checksums checksums(Side& side) {
  Checksums out;
  Sha256 total;
  std::string encoded;
  for (const Table& table : reference_tables()) {
    TableChecksum figures = checksum(side, table);
    encoded.clear();
    append_encoding(encoded, {Value::text, 0, 0, figures.name});
    append_encoding(encoded, {Value::integer, figures.rows, 0, {}});
    append_encoding(encoded, {Value::text, 0, 0, figures.sha256});
    total.update(encoded);
    out.total_rows += figures.rows;
    out.tables.push_back(std::move(figures));
  }
  out.total_sha256 = total.hex();
  return out;
}

void copy(Side& from, Side& to, const Table& table) {
  if (table.derived) return;
  const std::size_t batch_rows = to.rows_per_insert(table);
  std::vector<Row> batch;
  from.for_each_row(table, [&](const Row& row) {
    batch.push_back(row);
    if (batch.size() == batch_rows) {
      to.insert(table, batch);
      batch.clear();
    }
  });
  to.insert(table, batch);
}

// Both sides' figures, equal, or TransferMismatch naming every table that differs.
Checksums verify(Side& source, Side& copy, const TransferOptions& options,
                 const std::string& nothing_kept) {
  if (options.before_verify)
    options.before_verify([&](const std::string& sql) { copy.execute(sql); });
  Checksums expected = checksums(source);
  Checksums found = checksums(copy);
  std::vector<std::string> tables;
  std::string differences;
  for (std::size_t i = 0; i < expected.tables.size(); ++i) {
    const TableChecksum& a = expected.tables[i];
    const TableChecksum& b = found.tables[i];
    if (a == b) continue;
    tables.push_back(a.name);
    differences += "\n  table " + a.name + ": " + std::to_string(a.rows) + " rows, sha256 " +
                   a.sha256 + " in " + source.name() + "; " + std::to_string(b.rows) +
                   " rows, sha256 " + b.sha256 + " in the copy";
  }
  if (!tables.empty()) {
    throw TransferMismatch(
        "the copy does not read back as the source (" + nothing_kept + "):" + differences, tables);
  }
  return expected;
}

// The tables where the organisation has rows (by EXISTS: stops at the first).
std::vector<std::string> tables_with_rows(PostgresSide& side) {
  std::vector<std::string> found;
  for (const Table& table : reference_tables()) {
    if (side.txn()
            .exec_params1(
                "SELECT EXISTS (SELECT 1 FROM " + quoted(table.name) + " WHERE org_id = $1)",
                side.org_id())[0]
            .as<bool>())
      found.push_back(table.name);
  }
  return found;
}

std::string listed(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

// Moves each identity sequence past the organisation's highest id. The application role has
// USAGE on the sequences (nextval), not UPDATE (setval): nextval until past it, which never
// moves a sequence back whoever else takes ids meanwhile. A sequence is shared by all
// organisations, so it is usually past already and this costs one nextval per table.
void advance_identity_sequences(PostgresSide& side) {
  pqxx::work& txn = side.txn();
  const pqxx::result identities = txn.exec(
      "SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
      "WHERE c.relnamespace = current_schema()::regnamespace AND a.attidentity <> '' "
      "AND NOT a.attisdropped ORDER BY 1, 2");
  std::set<std::string> transferred;
  for (const Table& table : reference_tables()) transferred.insert(table.name);
  for (const auto& identity : identities) {
    const std::string table = identity[0].as<std::string>();
    const std::string column = identity[1].as<std::string>();
    if (!transferred.contains(table)) continue;
    const pqxx::row highest = txn.exec_params1(
        "SELECT max(" + quoted(column) + ") FROM " + quoted(table) + " WHERE org_id = $1",
        side.org_id());
    if (highest[0].is_null()) continue;
    const long long wanted = highest[0].as<long long>();
    const std::string sequence =
        txn.exec_params1("SELECT pg_get_serial_sequence($1, $2)", quoted(table), column)[0]
            .as<std::string>();
    const long long next =
        txn.exec_params1("SELECT nextval($1::regclass)", sequence)[0].as<long long>();
    if (next < wanted) {
      txn.exec_params("SELECT max(nextval($1::regclass)) FROM generate_series(1, $2)", sequence,
                      wanted - next);
    }
  }
}

void require_postgres_migrated(Connection& connection) {
  const std::vector<int> applied = applied_versions(connection);
  std::string missing;
  for (const auto& migration : migrations()) {
    if (std::find(applied.begin(), applied.end(), migration.version) == applied.end())
      missing += (missing.empty() ? "" : ", ") + std::to_string(migration.version);
  }
  if (!missing.empty()) {
    throw TransferError("PostgreSQL (" + connection.server() + ") lacks this host's migrations " +
                        missing +
                        ": migrate it as the tables' owner first (the application role cannot "
                        "create tables)");
  }
}

// An organisation's SQLite store file at this code's schema, opened read-only.
SQLite::Database open_store_file(const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec))
    throw TransferError("the SQLite file " + file.string() + " does not exist (expected an " +
                        "organisation's store, eg <state_dir>/<org>/<org>.sqlite)");
  try {
    SQLite::Database db(file.string(), SQLite::OPEN_READONLY, 5000);
    std::set<int> applied;
    if (db.tableExists("schema_version")) {
      SQLite::Statement versions(db, "SELECT version FROM schema_version");
      while (versions.executeStep()) applied.insert(versions.getColumn(0).getInt());
    }
    std::string missing;
    for (const auto& migration : store::migrations()) {
      if (!applied.erase(migration.version))
        missing += (missing.empty() ? "" : ", ") + std::to_string(migration.version);
    }
    if (!missing.empty()) {
      throw TransferError("the SQLite file " + file.string() +
                          " is not a store at this host's schema: migrations " + missing +
                          " are not applied (open it once with this host, eg mentoring-host "
                          "check, or it is not an organisation's store)");
    }
    if (!applied.empty()) {
      throw TransferError("the SQLite file " + file.string() + " has migrations newer than " +
                          "this host's (version " + std::to_string(*applied.rbegin()) +
                          "): transfer it with the newer host");
    }
    return db;
  } catch (const SQLite::Exception& e) {
    throw TransferError("the SQLite file " + file.string() +
                        " cannot be read as a store: " + e.what());
  }
}

// The export's file until it is verified and committed, then linked to its name. Created
// exclusively (0600), so two exports to one name never share it; removed with SQLite's side
// files when it goes, so a failed export leaves nothing behind.
class PartialFile {
 public:
  explicit PartialFile(fs::path path) : path_(std::move(path)) {
    files::create_private_directories(path_.parent_path());
    const int fd =
        ::open(path_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, files::kPrivateFile);
    if (fd < 0) {
      const int error = errno;
      throw TransferError("cannot create " + path_.string() + ": " +
                          std::generic_category().message(error) +
                          (error == EEXIST ? " (another export to that name is running, or one "
                                             "was killed: remove it once none runs)"
                                           : ""));
    }
    ::close(fd);
  }
  ~PartialFile() {
    std::error_code ec;
    for (const char* suffix : {"", "-journal", "-wal", "-shm"})
      fs::remove(path_.string() + suffix, ec);
  }
  PartialFile(const PartialFile&) = delete;
  PartialFile& operator=(const PartialFile&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Every transaction on the connection REPEATABLE READ and read-only until it goes (one
// snapshot for every table of an export). SET TRANSACTION would come too late: OrgTransaction
// runs set_config first.
class SnapshotReads {
 public:
  explicit SnapshotReads(Connection& connection) : connection_(connection) {
    pqxx::nontransaction(connection_.pq())
        .exec(
            "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL REPEATABLE READ, "
            "READ ONLY");
  }
  ~SnapshotReads() {
    try {
      pqxx::nontransaction(connection_.pq())
          .exec("RESET default_transaction_isolation; RESET default_transaction_read_only");
    } catch (const std::exception&) {  // a broken connection: nothing else will use it
    }
  }

 private:
  Connection& connection_;
};

// In a transfer's catch: its own errors as they are; SQLite's named by the file, libpqxx's by
// the server (never the URL), each with the step it failed in and what was kept.
[[noreturn]] void rethrow_named(const fs::path& file, Connection& connection,
                                const std::string& doing, const std::string& step,
                                const std::string& nothing_kept) {
  try {
    throw;
  } catch (const TransferError&) {
    throw;
  } catch (const PostgresError&) {
    throw;
  } catch (const SQLite::Exception& e) {
    throw TransferError("the SQLite file " + file.string() + " while " + step + ": " + e.what() +
                        " (" + nothing_kept + ")");
  } catch (const pqxx::failure& e) {
    throw connection.error(doing + " while " + step + " (" + nothing_kept + ")", e);
  }
}

}  // namespace

std::vector<std::string> transferred_tables() {
  std::vector<std::string> names;
  for (const Table& table : reference_tables()) names.push_back(table.name);
  return names;
}

Checksums import_organisation(const fs::path& from, const std::string& org_id, Connection& to,
                              const TransferOptions& options) {
  require_postgres_migrated(to);
  SQLite::Database source_db = open_store_file(from);
  std::string step = "starting";
  try {
    SQLite::Transaction snapshot(source_db);  // one read transaction: one state of the file
    SqliteSide source(source_db, from);
    OrgTransaction transaction(to, org_id);
    PostgresSide destination(to, transaction);
    destination.execute("SET CONSTRAINTS ALL DEFERRED");
    step = "looking for the organisation's rows";
    if (auto existing = tables_with_rows(destination); !existing.empty()) {
      if (!options.replace) {
        throw TransferError("organisation " + org_id + " already has rows in " +
                            destination.name() + " (tables " + listed(existing) +
                            "): nothing imported; --replace deletes them first, in the "
                            "import's transaction");
      }
      for (const auto& table : existing) {
        step = "deleting the organisation's rows of table " + table;
        destination.txn().exec_params("DELETE FROM " + quoted(table) + " WHERE org_id = $1",
                                      org_id);
      }
    }
    for (const Table& table : reference_tables()) {
      step = "copying table " + table.name;
      copy(source, destination, table);
    }
    step = "moving the identity sequences past the imported ids";
    advance_identity_sequences(destination);
    step = "verifying the copy";
    Checksums verified = verify(source, destination, options,
                                "the PostgreSQL transaction is rolled back, nothing imported");
    step = "committing";
    transaction.commit();
    return verified;
  } catch (...) {
    rethrow_named(from, to, "importing organisation " + org_id, step, "nothing imported");
  }
}

Checksums export_organisation(Connection& from, const std::string& org_id, const fs::path& to,
                              const TransferOptions& options) {
  std::error_code ec;
  if (fs::exists(to, ec) || fs::is_symlink(to, ec))
    throw TransferError(to.string() + " exists: an export writes a new file (move it away or " +
                        "name another)");
  require_postgres_migrated(from);
  std::string step = "starting";
  try {
    Checksums verified;
    {
      SnapshotReads snapshot_reads(from);
      OrgTransaction transaction(from, org_id);
      PostgresSide source(from, transaction);
      step = "looking for the organisation's rows";
      if (tables_with_rows(source).empty())
        throw TransferError("organisation " + org_id + " has no rows in " + source.name() +
                            ": nothing to export");
      step = "creating the file";
      PartialFile partial(to.string() + ".partial");
      SQLite::Database db(partial.path().string(), SQLite::OPEN_READWRITE);
      store::migrate(db);
      db.exec("PRAGMA foreign_keys = ON");
      SqliteSide destination(db, partial.path());
      SQLite::Transaction write(db);
      db.exec("PRAGMA defer_foreign_keys = ON");
      for (const Table& table : reference_tables()) {
        step = "copying table " + table.name;
        copy(source, destination, table);
      }
      step = "verifying the copy";
      verified = verify(source, destination, options, "no file is written");
      destination.require_foreign_keys_whole();
      step = "committing";
      write.commit();
      step = "naming the file";
      if (::link(partial.path().c_str(), to.c_str()) != 0)  // never over a file made meanwhile
        throw TransferError("cannot create " + to.string() + ": " +
                            std::generic_category().message(errno) + " (no file is written)");
    }  // the connection closes, then the partial name goes
    return verified;
  } catch (...) {
    rethrow_named(to, from, "exporting organisation " + org_id, step, "no file is written");
  }
}

Checksums checksums_of(const fs::path& sqlite_file) {
  SQLite::Database db = open_store_file(sqlite_file);
  try {
    SQLite::Transaction snapshot(db);
    SqliteSide side(db, sqlite_file);
    return checksums(side);
  } catch (const SQLite::Exception& e) {
    throw TransferError("the SQLite file " + sqlite_file.string() +
                        " while reading it: " + e.what());
  }
}

Checksums checksums_of(Connection& connection, const std::string& org_id) {
  try {
    OrgTransaction transaction(connection, org_id);
    PostgresSide side(connection, transaction);
    return checksums(side);
  } catch (const pqxx::failure& e) {
    throw connection.error("reading organisation " + org_id + "'s checksums", e);
  }
}

}  // namespace mentoring::store::postgres
