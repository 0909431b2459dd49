// The PostgreSQL domain schema against the SQLite store's: the same tables, columns (in
// order, with their types, NOT NULL and defaults), keys, uniqueness, indexes and foreign
// keys, each with org_id leading, so the two cannot drift apart silently.
#include "test_database.hpp"

#include <mentoring/store/migrations.hpp>
#include <mentoring/store/postgres/migrations.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <algorithm>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace mentoring::store::postgres {
namespace {

using ::testing::IsEmpty;
using testing::TestDatabase;

// Tables of one backend only, and why.
const std::map<std::string, std::string> kSqliteOnly = {
    {"schema_version",
     "each backend's own migration record (PostgreSQL has its own, per database)"},
};
const std::map<std::string, std::string> kPostgresOnly = {
    {"schema_version", "the PostgreSQL migrations' record"},
    {"org_lease", "which host runs which organisation: about all organisations"},
    {"cycle_log", "the cycles committed under a lease: about all organisations"},
    {"lease_host", "the hosts alive: about all organisations"},
};

// One column as both backends describe it: name, type (SQLite's declared type mapped to
// the PostgreSQL type migration 4 uses), NOT NULL (a primary key's columns are NOT NULL in
// PostgreSQL; SQLite lets a non-integer key be NULL unless declared, so both count as not
// null here) and default (as written, without PostgreSQL's ::text).
std::string column(const std::string& name, const std::string& type, bool not_null,
                   const std::string& default_value) {
  return name + " " + type + (not_null ? " not null" : "") +
         (default_value.empty() ? "" : " default " + default_value);
}

std::string postgres_type_of(const std::string& sqlite_type) {
  static const std::map<std::string, std::string> kTypes = {
      {"TEXT", "text"}, {"INTEGER", "bigint"}, {"REAL", "double precision"}, {"BLOB", "bytea"}};
  auto found = kTypes.find(sqlite_type);
  return found == kTypes.end() ? "unmapped SQLite type " + sqlite_type : found->second;
}

std::string joined(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& part : parts) out += (out.empty() ? "" : ",") + part;
  return out;
}

struct Schema {
  std::map<std::string, std::vector<std::string>> columns;  // table: columns in order
  std::set<std::string> indexes;       // "table(columns) unique|index[ partial]", keys included
  std::set<std::string> foreign_keys;  // "table(columns) -> table(columns)"
  std::vector<std::string> problems;   // PostgreSQL only: org_id missing from where it leads
};

Schema sqlite_schema() {
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  store::migrate(db);
  Schema schema;
  std::vector<std::string> tables;
  SQLite::Statement list(db,
                         "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE "
                         "'sqlite\\_%' ESCAPE '\\' ORDER BY name");
  while (list.executeStep()) tables.push_back(list.getColumn(0).getString());
  for (const auto& table : tables) {
    if (kSqliteOnly.contains(table)) continue;
    auto& columns = schema.columns[table];
    std::map<int, std::string> key;  // position in the primary key: column
    SQLite::Statement info(db,
                           "SELECT name, type, \"notnull\", dflt_value, pk FROM "
                           "pragma_table_info(?)");
    info.bind(1, table);
    while (info.executeStep()) {
      std::string name = info.getColumn(0).getString();
      int pk = info.getColumn(4).getInt();
      columns.push_back(column(name, postgres_type_of(info.getColumn(1).getString()),
                               info.getColumn(2).getInt() != 0 || pk > 0,
                               info.getColumn(3).isNull() ? "" : info.getColumn(3).getString()));
      if (pk > 0) key[pk] = name;
    }
    std::vector<std::string> key_columns;
    for (const auto& [position, name] : key) key_columns.push_back(name);
    schema.indexes.insert(table + "(" + joined(key_columns) + ") unique");
    SQLite::Statement indexes(
        db, "SELECT name, \"unique\", partial FROM pragma_index_list(?) WHERE origin <> 'pk'");
    indexes.bind(1, table);
    while (indexes.executeStep()) {
      std::vector<std::string> index_columns;
      SQLite::Statement info_of(db, "SELECT name FROM pragma_index_info(?) ORDER BY seqno");
      info_of.bind(1, indexes.getColumn(0).getString());
      while (info_of.executeStep()) index_columns.push_back(info_of.getColumn(0).getString());
      schema.indexes.insert(table + "(" + joined(index_columns) + ")" +
                            (indexes.getColumn(1).getInt() ? " unique" : " index") +
                            (indexes.getColumn(2).getInt() ? " partial" : ""));
    }
    std::map<int, std::pair<std::vector<std::string>, std::vector<std::string>>> keys;
    std::map<int, std::string> referenced;
    SQLite::Statement foreign(db,
                              "SELECT id, \"table\", \"from\", \"to\" FROM "
                              "pragma_foreign_key_list(?) ORDER BY id, seq");
    foreign.bind(1, table);
    while (foreign.executeStep()) {
      int id = foreign.getColumn(0).getInt();
      referenced[id] = foreign.getColumn(1).getString();
      keys[id].first.push_back(foreign.getColumn(2).getString());
      keys[id].second.push_back(foreign.getColumn(3).getString());
    }
    for (const auto& [id, from_to] : keys)
      schema.foreign_keys.insert(table + "(" + joined(from_to.first) + ") -> " + referenced[id] +
                                 "(" + joined(from_to.second) + ")");
  }
  return schema;
}

// The PostgreSQL tables with an org_id of the domain org_ref (the organisations' data),
// with org_id taken out (where it does not lead, a problem is noted: a test reports them).
Schema postgres_schema(pqxx::transaction_base& txn) {
  Schema schema;
  for (const auto& row : txn.exec(R"sql(
SELECT c.table_name, c.column_name, c.data_type, c.is_nullable = 'NO',
       coalesce(replace(c.column_default, '::text', ''), '')
FROM information_schema.columns c
WHERE c.table_schema = current_schema()
  AND c.table_name IN (SELECT table_name FROM information_schema.columns
                       WHERE table_schema = current_schema() AND column_name = 'org_id'
                         AND domain_name = 'org_ref')
ORDER BY c.table_name, c.ordinal_position)sql")) {
    auto table = row[0].as<std::string>();
    auto name = row[1].as<std::string>();
    auto& columns = schema.columns[table];
    if (name == "org_id") {
      if (!columns.empty()) schema.problems.push_back(table + ": org_id is not its first column");
      if (!row[3].as<bool>()) schema.problems.push_back(table + ".org_id may be NULL");
      continue;
    }
    columns.push_back(
        column(name, row[2].as<std::string>(), row[3].as<bool>(), row[4].as<std::string>()));
  }
  for (const auto& row : txn.exec(R"sql(
SELECT t.relname, array_to_string(array(
         SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.n), ','),
       i.indisunique, i.indpred IS NOT NULL
FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
WHERE t.relnamespace = current_schema()::regnamespace
  AND t.relname IN (SELECT table_name FROM information_schema.columns
                    WHERE table_schema = current_schema() AND column_name = 'org_id'
                      AND domain_name = 'org_ref'))sql")) {
    auto table = row[0].as<std::string>();
    auto columns = row[1].as<std::string>();
    if (!columns.starts_with("org_id,"))
      schema.problems.push_back(table + "(" + columns + "): org_id does not lead");
    if (columns.starts_with("org_id,")) columns = columns.substr(7);
    schema.indexes.insert(table + "(" + columns + ")" + (row[2].as<bool>() ? " unique" : " index") +
                          (row[3].as<bool>() ? " partial" : ""));
  }
  for (const auto& row : txn.exec(R"sql(
SELECT t.relname,
       array_to_string(array(SELECT a.attname FROM unnest(f.conkey) WITH ORDINALITY AS k(attnum, n)
         JOIN pg_attribute a ON a.attrelid = f.conrelid AND a.attnum = k.attnum ORDER BY k.n), ','),
       r.relname,
       array_to_string(array(SELECT a.attname FROM unnest(f.confkey) WITH ORDINALITY AS k(attnum, n)
         JOIN pg_attribute a ON a.attrelid = f.confrelid AND a.attnum = k.attnum ORDER BY k.n), ','),
       f.condeferrable
FROM pg_constraint f JOIN pg_class t ON t.oid = f.conrelid JOIN pg_class r ON r.oid = f.confrelid
WHERE f.contype = 'f' AND t.relnamespace = current_schema()::regnamespace)sql")) {
    auto table = row[0].as<std::string>();
    auto from = row[1].as<std::string>();
    auto to = row[3].as<std::string>();
    if (table == "cycle_log") continue;  // refers to org_lease: about all organisations
    if (!from.starts_with("org_id,") || !to.starts_with("org_id,"))
      schema.problems.push_back(table + "(" + from + ") -> " + row[2].as<std::string>() + "(" + to +
                                "): org_id not on both sides");
    if (!row[4].as<bool>())
      schema.problems.push_back(table + "(" + from + "): foreign key not DEFERRABLE");
    if (from.starts_with("org_id,")) from = from.substr(7);
    if (to.starts_with("org_id,")) to = to.substr(7);
    schema.foreign_keys.insert(table + "(" + from + ") -> " + row[2].as<std::string>() + "(" + to +
                               ")");
  }
  return schema;
}

// What `these` has that `those` has not: a failure names only the differences.
std::vector<std::string> only_in(const std::set<std::string>& these,
                                 const std::set<std::string>& those) {
  std::vector<std::string> out;
  std::set_difference(these.begin(), these.end(), those.begin(), those.end(),
                      std::back_inserter(out));
  return out;
}

std::set<std::string> tables_of(const Schema& schema) {
  std::set<std::string> tables;
  for (const auto& [table, columns] : schema.columns) tables.insert(table);
  return tables;
}

// One database for the suite: the tests only read the schema.
class PostgresSchema : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = std::make_unique<TestDatabase>("PostgresSchema");
    Connection connection(db_->url(), "test");
    migrate(connection);
    pqxx::read_transaction txn(connection.pq());
    postgres_ = postgres_schema(txn);
    for (const auto& row : txn.exec("SELECT tablename FROM pg_tables WHERE schemaname = "
                                    "current_schema()"))
      all_postgres_tables_.insert(row[0].as<std::string>());
    sqlite_ = sqlite_schema();
  }
  static void TearDownTestSuite() { db_.reset(); }
  static inline std::unique_ptr<TestDatabase> db_;
  static inline Schema sqlite_, postgres_;
  static inline std::set<std::string> all_postgres_tables_;
};

TEST_F(PostgresSchema, EverySqliteTableExistsWithOrgIdAndNoOtherTable) {
  ASSERT_GE(sqlite_.columns.size(), 45u) << "the SQLite store's tables were not read";
  EXPECT_THAT(only_in(tables_of(sqlite_), tables_of(postgres_)), IsEmpty()) << "not in PostgreSQL";
  EXPECT_THAT(only_in(tables_of(postgres_), tables_of(sqlite_)), IsEmpty()) << "not in SQLite";
  for (const auto& table : all_postgres_tables_) {
    if (!postgres_.columns.contains(table)) {
      EXPECT_TRUE(kPostgresOnly.contains(table))
          << table << ": a PostgreSQL table without org_id that the SQLite store does not have";
    }
  }
}

TEST_F(PostgresSchema, EveryTableHasTheSameColumnsInTheSameOrder) {
  for (const auto& [table, columns] : sqlite_.columns) {
    auto found = postgres_.columns.find(table);
    if (found == postgres_.columns.end()) continue;  // the test above names it
    EXPECT_EQ(found->second, columns) << "table " << table;
  }
}

TEST_F(PostgresSchema, OrgIdLeadsEveryTableKeyIndexAndForeignKey) {
  ASSERT_FALSE(postgres_.columns.empty());
  EXPECT_THAT(postgres_.problems, IsEmpty());
}

TEST_F(PostgresSchema, KeysUniquenessAndIndexesAreTheSameWithOrgIdLeading) {
  ASSERT_FALSE(sqlite_.indexes.empty());
  EXPECT_THAT(only_in(sqlite_.indexes, postgres_.indexes), IsEmpty()) << "not in PostgreSQL";
  EXPECT_THAT(only_in(postgres_.indexes, sqlite_.indexes), IsEmpty()) << "not in SQLite";
}

TEST_F(PostgresSchema, ForeignKeysAreTheSameWithOrgIdOnBothSides) {
  ASSERT_FALSE(sqlite_.foreign_keys.empty());
  EXPECT_THAT(only_in(sqlite_.foreign_keys, postgres_.foreign_keys), IsEmpty())
      << "not in PostgreSQL";
  EXPECT_THAT(only_in(postgres_.foreign_keys, sqlite_.foreign_keys), IsEmpty()) << "not in SQLite";
}

}  // namespace
}  // namespace mentoring::store::postgres
