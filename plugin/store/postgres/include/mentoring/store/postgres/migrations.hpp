// The PostgreSQL schema's versions, applied once per database however many hosts start
// together.
#pragma once

#include <mentoring/store/postgres/connection.hpp>

#include <string>
#include <vector>

namespace mentoring::store::postgres {

struct Migration {
  int version;
  std::string description;
  std::string sql;
};

const std::vector<Migration>& migrations();

// Applies every migration the database has not recorded in schema_version, all in one
// transaction that first takes a transaction-scoped advisory lock (kMigrationLock): a
// host starting while another migrates waits (up to kMigrationLockWaitSeconds), then
// finds them applied. Returns the versions this call applied (empty when none was
// missing). Throws PostgresError naming the server and the version that failed; then
// nothing of the call is applied.
std::vector<int> migrate(Connection& connection);

// The versions schema_version holds, ascending (empty before the first migrate).
std::vector<int> applied_versions(Connection& connection);

// pg_advisory_xact_lock's key: advisory locks are per database, so one constant serves
// every database; its value is "mentoring-migr" read as bytes, unlikely to meet another
// application's.
inline constexpr long long kMigrationLock = 0x6d656e746f72696eLL;
inline constexpr int kMigrationLockWaitSeconds = 60;

}  // namespace mentoring::store::postgres
