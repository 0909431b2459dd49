#include <mentoring/store/postgres/migrations.hpp>

#include <pqxx/pqxx>

#include <set>

namespace mentoring::store::postgres {

// Versions: 1 organisation leases; 2 the cycle log; 3 the hosts alive (issue 17). The domain tables
// (people, leave, enrolments, ...) come with the repositories of issue 17's first item. Add new
// ones at the end, in ascending order.
const std::vector<Migration>& migrations() {
  static const std::vector<Migration> kMigrations = {
      {1,
       "organisation leases: which host runs which organisation, until when, under which fencing "
       "token",
       R"sql(
CREATE TABLE org_lease (
  org_id       text PRIMARY KEY CHECK (org_id <> '' AND length(org_id) <= 128),
  holder       text CHECK (holder IS NULL OR (holder <> '' AND length(holder) <= 200)),
  token        bigint NOT NULL CHECK (token > 0),
  acquired_at  timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL
);
CREATE INDEX org_lease_by_holder ON org_lease(holder) WHERE holder IS NOT NULL;
)sql"},
      {2, "the cycle log: each committed cycle with its organisation, holder and fencing token",
       R"sql(
CREATE TABLE cycle_log (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id       text NOT NULL REFERENCES org_lease(org_id),
  holder       text NOT NULL,
  token        bigint NOT NULL,
  started_at   timestamptz NOT NULL,
  finished_at  timestamptz NOT NULL,
  CHECK (finished_at >= started_at)
);
CREATE INDEX cycle_log_by_org ON cycle_log(org_id, started_at);
)sql"},
      {3, "the hosts alive, so that organisations spread over them", R"sql(
CREATE TABLE lease_host (
  holder      text PRIMARY KEY CHECK (holder <> '' AND length(holder) <= 200),
  seen_until  timestamptz NOT NULL
);
)sql"},
  };
  return kMigrations;
}

namespace {

const char* const kCreateVersionTable = R"sql(
CREATE TABLE IF NOT EXISTS schema_version (
  version      integer PRIMARY KEY,
  description  text NOT NULL,
  applied_at   timestamptz NOT NULL DEFAULT clock_timestamp()
))sql";

}  // namespace

std::vector<int> migrate(Connection& connection) {
  std::vector<int> applied;
  int current = 0;
  try {
    pqxx::work txn(connection.pq());
    txn.exec("SET LOCAL lock_timeout = '" + std::to_string(kMigrationLockWaitSeconds) + "s'");
    txn.exec_params("SELECT pg_advisory_xact_lock($1)", kMigrationLock);
    txn.exec(kCreateVersionTable);
    std::set<int> recorded;
    for (const auto& row : txn.exec("SELECT version FROM schema_version"))
      recorded.insert(row[0].as<int>());
    for (const auto& migration : migrations()) {
      if (recorded.contains(migration.version)) continue;
      current = migration.version;
      txn.exec(migration.sql);
      txn.exec_params("INSERT INTO schema_version (version, description) VALUES ($1, $2)",
                      migration.version, migration.description);
      applied.push_back(migration.version);
    }
    current = 0;
    txn.commit();
  } catch (const PostgresError&) {
    throw;
  } catch (const std::exception& e) {
    throw connection.error(
        current == 0 ? "migrating (waiting at most " + std::to_string(kMigrationLockWaitSeconds) +
                           " s for another host's migration, then reading schema_version)"
                     : "migration " + std::to_string(current) + " (nothing of this run applied)",
        e);
  }
  return applied;
}

std::vector<int> applied_versions(Connection& connection) {
  std::vector<int> versions;
  try {
    pqxx::read_transaction txn(connection.pq());
    if (txn.exec1("SELECT to_regclass('schema_version') IS NOT NULL")[0].as<bool>()) {
      for (const auto& row : txn.exec("SELECT version FROM schema_version ORDER BY version"))
        versions.push_back(row[0].as<int>());
    }
  } catch (const std::exception& e) {
    throw connection.error("reading schema_version", e);
  }
  return versions;
}

}  // namespace mentoring::store::postgres
