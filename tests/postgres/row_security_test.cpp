// Row-level security on the organisations' data: a transaction opened for one organisation
// (OrgTransaction) sees and writes only that organisation's rows, one without the setting
// nothing; the application role is neither superuser nor owner. Also the triggers that
// stand in for SQLite's (person_manager, the store revision), run as that role.
#include "test_database.hpp"

#include <mentoring/store/postgres/leases.hpp>
#include <mentoring/store/postgres/migrations.hpp>
#include <mentoring/store/postgres/org_transaction.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <memory>
#include <string>

namespace mentoring::store::postgres {
namespace {

using ::testing::HasSubstr;
using testing::HostRole;
using testing::TestDatabase;

long long count(pqxx::transaction_base& txn, const std::string& sql) {
  return txn.exec1(sql)[0].as<long long>();
}

// The server's words for what `write` throws; "(no error)" when it does not throw. (libpqxx
// 6.4 leaves sqlstate() empty for some of its exception classes, the message is always
// there.)
template <typename Write>
std::string error_of(Write write) {
  try {
    write();
  } catch (const pqxx::sql_error& e) {
    return e.what();
  }
  return "(no error)";
}

const char* const kPolicyViolation = "violates row-level security policy";

// One database and host role for the suite; each test has organisations of its own
// ("<test>-A", "<test>-B"), which is what row-level security is for.
class RowSecurity : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = std::make_unique<TestDatabase>("RowSecurity");
    role_ = std::make_unique<HostRole>(*db_);
    host_ = std::make_unique<Connection>(role_->url(), "test host");
  }
  static void TearDownTestSuite() {
    host_.reset();
    role_.reset();
    db_.reset();
  }
  void SetUp() override {
    // Both organisations have a person "p1" (ids are per organisation), B also "p2".
    for (const auto& [org, ids] : {std::pair{a_, std::vector<std::string>{"p1"}},
                                   std::pair{b_, std::vector<std::string>{"p1", "p2"}}}) {
      OrgTransaction txn(*host_, org);
      for (const auto& id : ids)
        txn.txn().exec_params("INSERT INTO person (org_id, id, name) VALUES ($1, $2, $3)", org, id,
                              org + " " + id);
      txn.commit();
    }
  }
  // Counted as the superuser (no row-level security), over this test's organisations.
  long long admin_count(const std::string& sql_where) {
    pqxx::read_transaction admin(role_->admin().pq());
    return admin
        .exec_params1("SELECT count(*) FROM person WHERE org_id IN ($1, $2) AND " + sql_where, a_,
                      b_)[0]
        .as<long long>();
  }
  static inline std::unique_ptr<TestDatabase> db_;
  static inline std::unique_ptr<HostRole> role_;
  static inline std::unique_ptr<Connection> host_;
  const std::string test_ = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  const std::string a_ = test_ + "-A", b_ = test_ + "-B";
};

TEST_F(RowSecurity, AnOrganisationSeesOnlyItsOwnRows) {
  OrgTransaction a(*host_, a_);
  EXPECT_EQ(count(a.txn(), "SELECT count(*) FROM person"), 1);
  EXPECT_EQ(a.txn().exec1("SELECT name FROM person")[0].as<std::string>(), a_ + " p1");
  EXPECT_EQ(a.txn().exec_params1("SELECT count(*) FROM person WHERE org_id = $1", b_)[0].as<int>(),
            0);
  EXPECT_EQ(admin_count("true"), 3);
}

TEST_F(RowSecurity, AnOrganisationCannotUpdateOrDeleteAnothersRows) {
  {
    OrgTransaction a(*host_, a_);
    EXPECT_EQ(a.txn()
                  .exec_params("UPDATE person SET name = 'taken' WHERE org_id = $1", b_)
                  .affected_rows(),
              0u);
    EXPECT_EQ(a.txn().exec("UPDATE person SET name = 'renamed'").affected_rows(), 1u);
    EXPECT_EQ(a.txn().exec("DELETE FROM person WHERE id = 'p2'").affected_rows(), 0u);
    a.commit();
  }
  {
    OrgTransaction a(*host_, a_);
    EXPECT_EQ(a.txn().exec("DELETE FROM person").affected_rows(), 1u);
    a.commit();
  }
  EXPECT_EQ(admin_count("name LIKE '%-B p_'"), 2);
  EXPECT_EQ(admin_count("true"), 2);
}

TEST_F(RowSecurity, AnOrganisationCannotWriteARowWithAnothersId) {
  {
    OrgTransaction a(*host_, a_);
    EXPECT_THAT(error_of([&] {
                  a.txn().exec_params(
                      "INSERT INTO person (org_id, id, name) VALUES ($1, 'p9', 'x')", b_);
                }),
                HasSubstr(kPolicyViolation));
  }
  {
    OrgTransaction a(*host_, a_);
    EXPECT_THAT(
        error_of([&] { a.txn().exec_params("UPDATE person SET org_id = $1 WHERE id = 'p1'", b_); }),
        HasSubstr(kPolicyViolation));
  }
  EXPECT_EQ(admin_count("org_id = '" + b_ + "'"), 2);
  EXPECT_EQ(admin_count("org_id = '" + a_ + "'"), 1);
}

TEST_F(RowSecurity, WithoutTheSettingNothingIsSeenAndNothingWritten) {
  {
    pqxx::work txn(host_->pq());
    EXPECT_EQ(count(txn, "SELECT count(*) FROM person"), 0);
    EXPECT_EQ(txn.exec("UPDATE person SET name = 'x'").affected_rows(), 0u);
    EXPECT_EQ(txn.exec("DELETE FROM person").affected_rows(), 0u);
    EXPECT_THAT(error_of([&] {
                  txn.exec_params("INSERT INTO person (org_id, id, name) VALUES ($1, 'p9', 'x')",
                                  a_);
                }),
                HasSubstr(kPolicyViolation));
  }
  {
    // The setting is the transaction's: after one organisation's commit, the next
    // transaction on the same connection is back to nothing.
    OrgTransaction a(*host_, a_);
    EXPECT_EQ(count(a.txn(), "SELECT count(*) FROM person"), 1);
    a.commit();
  }
  pqxx::read_transaction txn(host_->pq());
  EXPECT_EQ(count(txn, "SELECT count(*) FROM person"), 0);
  EXPECT_EQ(count(txn, "SELECT count(*) FROM store_revision"), 0);
  EXPECT_EQ(admin_count("true"), 3);
}

TEST_F(RowSecurity, AnOrganisationIdOutOfBoundsIsRefusedBeforeTheServer) {
  EXPECT_THROW(OrgTransaction(*host_, ""), std::invalid_argument);
  EXPECT_THROW(OrgTransaction(*host_, std::string(129, 'x')), std::invalid_argument);
}

TEST_F(RowSecurity, EveryOrganisationTableForcesThePolicyAndGrantsTheApplicationRole) {
  pqxx::read_transaction txn(role_->admin().pq());
  auto tables = txn.exec(R"sql(
SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
       EXISTS (SELECT 1 FROM pg_policies p WHERE p.schemaname = current_schema()
                 AND p.tablename = c.relname AND p.policyname = 'org_isolation'
                 AND p.cmd = 'ALL' AND p.qual LIKE '%current_setting(''mentoring.org_id''%'
                 AND p.with_check LIKE '%current_setting(''mentoring.org_id''%'),
       has_table_privilege('mentoring_app', c.oid, 'SELECT, INSERT, UPDATE, DELETE')
FROM pg_class c
WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace
  AND c.relname IN (SELECT table_name FROM information_schema.columns
                    WHERE table_schema = current_schema() AND column_name = 'org_id'
                      AND domain_name = 'org_ref'))sql");
  EXPECT_GE(tables.size(), 45u);
  for (const auto& row : tables) {
    auto table = row[0].as<std::string>();
    EXPECT_TRUE(row[1].as<bool>()) << table << ": row-level security not enabled";
    EXPECT_TRUE(row[2].as<bool>()) << table << ": row-level security not forced";
    EXPECT_TRUE(row[3].as<bool>()) << table << ": no policy org_isolation on mentoring.org_id";
    EXPECT_TRUE(row[4].as<bool>()) << table << ": mentoring_app may not read and write it";
  }
}

TEST_F(RowSecurity, TheApplicationRoleIsNoSuperuserAndOwnsNothing) {
  pqxx::read_transaction txn(role_->admin().pq());
  for (const auto& role : {std::string("mentoring_app"), role_->name()}) {
    auto row = txn.exec_params1(
        "SELECT rolsuper, rolbypassrls, (SELECT count(*) FROM pg_class WHERE relowner = r.oid), "
        "(SELECT count(*) FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace "
        "AND pg_has_role(r.oid, c.relowner, 'USAGE')) FROM pg_roles r WHERE rolname = $1",
        role);
    EXPECT_FALSE(row[0].as<bool>()) << role << " is a superuser";
    EXPECT_FALSE(row[1].as<bool>()) << role << " bypasses row-level security";
    EXPECT_EQ(row[2].as<long long>(), 0) << role << " owns relations";
    EXPECT_EQ(row[3].as<long long>(), 0) << role << " acts as the owner of relations";
  }
}

TEST_F(RowSecurity, IndirectManagersAreCopiedIntoPersonManagerByTheTriggers) {
  OrgTransaction a(*host_, a_);
  a.txn().exec_params(
      "INSERT INTO person (org_id, id, name, indirect_manager_ids) VALUES ($1, 'p2', 'x', "
      "'[\"m1\", \"m2\", \"m1\"]')",
      a_);
  EXPECT_EQ(count(a.txn(), "SELECT count(*) FROM person_manager WHERE person_id = 'p2'"), 2);
  a.txn().exec("UPDATE person SET indirect_manager_ids = '[\"m3\"]' WHERE id = 'p2'");
  EXPECT_EQ(
      a.txn()
          .exec1("SELECT string_agg(manager_id, ',') FROM person_manager WHERE person_id = 'p2'")[0]
          .as<std::string>(),
      "m3");
  a.txn().exec("UPDATE person SET indirect_manager_ids = NULL WHERE id = 'p2'");
  EXPECT_EQ(count(a.txn(), "SELECT count(*) FROM person_manager"), 0);
  EXPECT_THAT(error_of([&] {
                a.txn().exec("UPDATE person SET indirect_manager_ids = '{}' WHERE id = 'p2'");
              }),
              HasSubstr("person_indirect_manager_ids_check"));  // only an array
}

TEST_F(RowSecurity, TheStoreRevisionCountsEachWriteTransactionOncePerOrganisation) {
  auto revision = [&](const std::string& org) {
    OrgTransaction txn(*host_, org);
    auto rows = txn.txn().exec("SELECT n FROM store_revision");
    return rows.empty() ? 0LL : rows[0][0].as<long long>();
  };
  long long a0 = revision(a_), b0 = revision(b_);
  EXPECT_EQ(a0, 1);  // SetUp's transaction
  {
    OrgTransaction a(*host_, a_);
    a.txn().exec_params(
        "INSERT INTO person (org_id, id, name) VALUES ($1, 'p2', 'x'), ($1, 'p3', 'y')", a_);
    a.txn().exec("UPDATE person SET name = 'z' WHERE id = 'p1'");
    a.txn().exec_params(
        "INSERT INTO leave (org_id, id, person_id, type, start_date, expected_end, status)"
        " VALUES ($1, 'l1', 'p1', 'maternity', '2026-01-01', '2026-09-01', 'approved')",
        a_);
    a.commit();
  }
  EXPECT_EQ(revision(a_), a0 + 1);
  {
    // Nothing changed: an update of no row, a cursor (not counted, as in SQLite), a write
    // rolled back to its savepoint.
    OrgTransaction a(*host_, a_);
    a.txn().exec("UPDATE person SET name = 'none' WHERE id = 'absent'");
    a.txn().exec_params(
        "INSERT INTO sync_cursor (org_id, adapter, stream, cursor) VALUES ($1, 'hr', 'people', "
        "'7')",
        a_);
    {
      pqxx::subtransaction savepoint(a.txn());
      savepoint.exec("DELETE FROM leave");
      savepoint.abort();
    }
    a.commit();
  }
  EXPECT_EQ(revision(a_), a0 + 1);
  {
    OrgTransaction a(*host_, a_);
    a.txn().exec("DELETE FROM leave");
    a.commit();
  }
  EXPECT_EQ(revision(a_), a0 + 2);
  EXPECT_EQ(revision(b_), b0);
}

TEST_F(RowSecurity, TheHostRoleTakesALeaseAndCommitsACycleWithItsWritesOrNothing) {
  // What serve will do as the application role: a lease (org_lease and lease_host are
  // outside row-level security), then one organisation's transaction with the cycle's
  // writes fenced by record_cycle.
  LeaseStore leases(*host_, "host-1", std::chrono::seconds(30));
  auto lease = leases.acquire(a_);
  ASSERT_TRUE(lease.has_value());
  {
    OrgTransaction cycle(*host_, a_);
    DbTime started = database_now(cycle.txn());
    cycle.txn().exec_params(
        "INSERT INTO sync_cursor (org_id, adapter, stream, cursor) VALUES ($1, 'hr', 'leave', "
        "'1')",
        a_);
    EXPECT_GT(record_cycle(cycle.txn(), *lease, started), 0);
    cycle.commit();
  }
  {
    // A stale token: the cycle's writes roll back with it.
    Lease stale = *lease;
    stale.token += 1;
    OrgTransaction cycle(*host_, a_);
    DbTime started = database_now(cycle.txn());
    cycle.txn().exec_params("UPDATE sync_cursor SET cursor = '2' WHERE org_id = $1", a_);
    EXPECT_THROW(record_cycle(cycle.txn(), stale, started), LeaseLost);
  }
  OrgTransaction a(*host_, a_);
  EXPECT_EQ(a.txn().exec1("SELECT cursor FROM sync_cursor")[0].as<std::string>(), "1");
  EXPECT_EQ(
      a.txn().exec_params1("SELECT count(*) FROM cycle_log WHERE org_id = $1", a_)[0].as<int>(), 1);
}

}  // namespace
}  // namespace mentoring::store::postgres
