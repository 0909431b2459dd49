// mentoring/store/migrations.hpp — the versioned schema of an organisation's database.
//
// Each migration has a version and SQL; migrate() applies those above the
// database's recorded version, each in its own transaction together with its
// row in schema_version, so a crash leaves the database at a whole version.
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

// 0 for an empty database.
int current_version(SQLite::Database& db);

}  // namespace mentoring::store
