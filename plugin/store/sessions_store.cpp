#include <mentoring/store/sessions_store.hpp>

#include "columns.hpp"

#include <SQLiteCpp/Statement.h>

#include <stdexcept>

namespace mentoring::store {

using namespace columns;

using namespace mentoring::domain;

namespace {

std::vector<CourseCompletion> read_completions(SQLite::Statement& query) {
  std::vector<CourseCompletion> out;
  while (query.executeStep()) {
    out.push_back({query.getColumn(0).getString(), query.getColumn(1).getString(),
                   required_date(query.getColumn(2)), optional_date(query.getColumn(3))});
  }
  return out;
}

}  // namespace

std::vector<CourseCompletion> SessionsStore::all_completions() {
  SQLite::Statement q(
      db_,
      "SELECT person_id, course_id, completed_at, expires_at FROM course_completion "
      "ORDER BY person_id, course_id, completed_at");
  return read_completions(q);
}

std::vector<CourseCompletion> SessionsStore::completions_after(Date today) {
  SQLite::Statement q(
      db_,
      // By date (migration 20): without INDEXED BY the planner reads every row in key
      // order to save sorting the few it finds.
      "SELECT person_id, course_id, completed_at, expires_at FROM course_completion "
      "INDEXED BY course_completion_by_completed_at "
      "WHERE completed_at > ? ORDER BY person_id, course_id");
  q.bind(1, format_date(today));
  return read_completions(q);
}

}  // namespace mentoring::store
