// mentoring/store/migrations.hpp — the versioned schema of an organisation's database.
//
// Each migration has a version and SQL; migrate() applies every one the
// database has not recorded (also below its highest version: branches number
// migrations in parallel), in ascending order, each in its own transaction
// together with its row in schema_version, so a crash leaves the database at
// whole versions.
#pragma once

#include <SQLiteCpp/Database.h>

#include <string_view>
#include <vector>

namespace mentoring::store {

struct Migration {
  int version;
  std::string_view description;
  std::string_view sql;
};

const std::vector<Migration>& migrations();

// Applies missing migrations; answers the resulting version. Throws
// std::runtime_error when the database is newer than this code.
int migrate(SQLite::Database& db);
// The same with another list (ascending versions), for tests of the runner.
int migrate(SQLite::Database& db, const std::vector<Migration>& list);

// The highest version applied; 0 for an empty database.
int current_version(SQLite::Database& db);

}  // namespace mentoring::store
