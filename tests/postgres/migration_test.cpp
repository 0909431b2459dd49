// PostgreSQL migrations: applied once per database, also when several processes start
// together.
#include "test_database.hpp"

#include <mentoring/store/postgres/migrations.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <pqxx/pqxx>

namespace mentoring::store::postgres {
namespace {

using testing::Processes;
using testing::TestDatabase;

std::vector<int> all_versions() {
  std::vector<int> versions;
  for (const auto& m : migrations()) versions.push_back(m.version);
  return versions;
}

TEST(PostgresMigrations, VersionsAscendAndAreUnique) {
  ASSERT_FALSE(migrations().empty());
  for (std::size_t i = 1; i < migrations().size(); ++i)
    EXPECT_LT(migrations()[i - 1].version, migrations()[i].version);
}

TEST(PostgresMigrations, AFreshDatabaseGetsEveryVersionOnceAndASecondRunNothing) {
  TestDatabase db;
  Connection connection(db.url(), "test");
  EXPECT_TRUE(applied_versions(connection).empty());
  EXPECT_EQ(migrate(connection), all_versions());
  EXPECT_EQ(applied_versions(connection), all_versions());
  EXPECT_TRUE(migrate(connection).empty());
  pqxx::read_transaction txn(connection.pq());
  EXPECT_TRUE(txn.exec1("SELECT to_regclass('org_lease') IS NOT NULL")[0].as<bool>());
  EXPECT_TRUE(txn.exec1("SELECT to_regclass('cycle_log') IS NOT NULL")[0].as<bool>());
}

TEST(PostgresMigrations, AMissingVersionIsAppliedAndTheOthersKept) {
  TestDatabase db;
  Connection connection(db.url(), "test");
  migrate(connection);
  {
    pqxx::work txn(connection.pq());
    txn.exec("DROP TABLE cycle_log");
    txn.exec("DELETE FROM schema_version WHERE version = 2");
    txn.exec("INSERT INTO org_lease VALUES ('kept', 'h', 7, now(), now())");
    txn.commit();
  }
  EXPECT_EQ(migrate(connection), std::vector<int>{2});
  pqxx::read_transaction txn(connection.pq());
  EXPECT_EQ(txn.exec1("SELECT token FROM org_lease WHERE org_id = 'kept'")[0].as<int>(), 7);
}

TEST(PostgresMigrations, AFailingMigrationLeavesNothingOfTheRunAndNamesTheVersion) {
  TestDatabase db;
  Connection connection(db.url(), "test");
  {
    // Version 2's table already there (as another tool might have left it): version 2
    // fails, and version 1, applied in the same run, is rolled back with it.
    pqxx::work txn(connection.pq());
    txn.exec("CREATE TABLE cycle_log (x int)");
    txn.commit();
  }
  try {
    migrate(connection);
    FAIL() << "expected a PostgresError";
  } catch (const PostgresError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("migration 2 (nothing of this run applied) failed"));
    EXPECT_THAT(e.what(), ::testing::HasSubstr("already exists"));
    EXPECT_THAT(e.what(), ::testing::HasSubstr("/" + db.name()));
  }
  EXPECT_TRUE(applied_versions(connection).empty());
  pqxx::read_transaction txn(connection.pq());
  EXPECT_FALSE(txn.exec1("SELECT to_regclass('org_lease') IS NOT NULL")[0].as<bool>());
}

TEST(PostgresMigrations, FourProcessesStartingTogetherApplyEachVersionOnce) {
  TestDatabase db;
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    if (round > 0) {
      Connection connection(db.url(), "test");
      pqxx::work txn(connection.pq());
      // Everything the migrations made (the role mentoring_app is the cluster's and stays).
      txn.exec("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
      txn.commit();
    }
    Processes processes;
    for (int i = 0; i < 4; ++i)
      processes.spawn([&](std::string& out) {
        Connection connection(db.url(), "test");
        for (int version : migrate(connection)) out += std::to_string(version) + " ";
        return 0;
      });
    auto results = processes.wait_all();
    std::string expected;
    for (int version : all_versions()) expected += std::to_string(version) + " ";
    int appliers = 0;
    for (const auto& result : results) {
      EXPECT_EQ(result.exit_code, 0) << result.report;
      if (result.report.empty()) continue;
      ++appliers;
      EXPECT_EQ(result.report, expected);
    }
    EXPECT_EQ(appliers, 1);
    Connection connection(db.url(), "test");
    EXPECT_EQ(applied_versions(connection), all_versions());
  }
}

}  // namespace
}  // namespace mentoring::store::postgres
