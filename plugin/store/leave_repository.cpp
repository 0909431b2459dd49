#include <mentoring/store/leave_repository.hpp>

#include "columns.hpp"
#include "leave_rows.hpp"
#include "leave_versions.hpp"

#include <SQLiteCpp/VariadicBind.h>

namespace mentoring::store {

using namespace mentoring::domain;
using namespace columns;
using leave_rows::kCompletionColumns;
using leave_rows::kLeaveColumns;

namespace {

// Binds a leave row's nine columns as parameters 1-9, in the order the inserts name them
// (the update numbers its parameters to match). Ids and the content key without a copy:
// the sync stores a million leaves this way, and the record outlives exec().
void bind_leave(SQLite::Statement& s, const Leave& l, const std::string& content) {
  s.bindNoCopy(1, l.id);
  s.bindNoCopy(2, l.person_id);
  s.bind(3, std::string(to_string(l.type)));
  s.bind(4, format_date(l.start));
  s.bind(5, format_date(l.expected_end));
  bind_optional(s, 6, l.actual_end);
  s.bind(7, std::string(to_string(l.status)));
  bind_optional(s, 8, l.last_changed);
  s.bindNoCopy(9, content);
}

// The insert both leave writes start from (bind_leave's order).
constexpr const char* kInsertLeave =
    "INSERT INTO leave(id, person_id, type, start_date, expected_end, actual_end, status, "
    "last_changed, content_key) VALUES (?,?,?,?,?,?,?,?,?)";

std::vector<Leave> read_leaves(SQLite::Statement& s) {
  return all_rows(s, [](const SqliteRow& row) { return leave_rows::leave(row); });
}

std::vector<CourseCompletion> read_completions(SQLite::Statement& s) {
  return all_rows(s, [](const SqliteRow& row) { return leave_rows::completion(row); });
}

std::int64_t count(SQLite::Statement& s) {
  s.executeStep();
  return s.getColumn(0).getInt64();
}

}  // namespace

UpsertOutcome SqliteLeaveRepository::upsert(const Leave& l) {
  const std::string content = leave_versions::content_key(l);
  SQLite::Statement& stored =
      session_.prepared("SELECT last_changed, content_key FROM leave WHERE id = ?");
  stored.bindNoCopy(1, l.id);
  if (!stored.executeStep()) {
    SQLite::Statement& s = session_.prepared(kInsertLeave);
    bind_leave(s, l, content);
    s.exec();
    return UpsertOutcome::stored;
  }
  const leave_versions::Stored version{optional_text(stored.getColumn(0)),
                                       stored.getColumn(1).getString()};
  stored.reset();
  switch (leave_versions::judge(l, content, version)) {
    case leave_versions::Verdict::unchanged:
      return UpsertOutcome::unchanged;
    case leave_versions::Verdict::unchanged_later_change: {
      SQLite::Statement& s = session_.prepared("UPDATE leave SET last_changed = ? WHERE id = ?");
      bind_optional(s, 1, l.last_changed);
      s.bindNoCopy(2, l.id);
      s.exec();
      return UpsertOutcome::unchanged;
    }
    case leave_versions::Verdict::older:
      return UpsertOutcome::older;
    case leave_versions::Verdict::replace:
      break;
  }
  SQLite::Statement& s = session_.prepared(
      "UPDATE leave SET person_id = ?2, type = ?3, start_date = ?4, expected_end = ?5, "
      "actual_end = ?6, status = ?7, last_changed = ?8, content_key = ?9 WHERE id = ?1");
  bind_leave(s, l, content);
  s.exec();
  return UpsertOutcome::stored;
}

bool SqliteLeaveRepository::insert_new_leave(const Leave& l) {
  // VALUES, not a SELECT with the overlap check: an INSERT that reads its own table goes
  // through a temporary table (a B-tree opened per leave).
  static const std::string sql = std::string(kInsertLeave) + " ON CONFLICT(id) DO NOTHING";
  SQLite::Statement& s = session_.prepared(sql.c_str());
  const std::string content = leave_versions::content_key(l);
  bind_leave(s, l, content);
  return s.exec() > 0;
}

std::optional<Leave> SqliteLeaveRepository::leave(const std::string& id) {
  static const std::string sql = std::string(kLeaveColumns) + "WHERE id = ?";
  SQLite::Statement& s = session_.prepared(sql.c_str());
  SQLite::bind(s, id);
  if (!s.executeStep()) return std::nullopt;
  return leave_rows::leave(SqliteRow{s});
}

std::vector<Leave> SqliteLeaveRepository::leaves_of(const std::string& person_id) {
  static const std::string sql =
      std::string(kLeaveColumns) + "WHERE person_id = ? ORDER BY start_date, id";
  SQLite::Statement& s = session_.prepared(sql.c_str());
  SQLite::bind(s, person_id);
  return read_leaves(s);
}

std::vector<Leave> SqliteLeaveRepository::leaves_for_planning(Date from) {
  static const std::string sql =
      std::string(kLeaveColumns) +
      "WHERE start_date >= ?1 OR id IN (SELECT leave_id FROM enrolment "
      "WHERE state NOT IN ('declined','expired','completed','withdrawn') "
      "AND leave_id IS NOT NULL) ORDER BY start_date, id";
  SQLite::Statement& s = session_.prepared(sql.c_str());
  SQLite::bind(s, format_date(from));
  return read_leaves(s);
}

std::vector<Leave> SqliteLeaveRepository::leaves_for_planning(Date first, Date last,
                                                              const std::string& programme_id) {
  static const std::string sql =
      std::string(kLeaveColumns) +
      "WHERE start_date BETWEEN ?1 AND ?2 OR id IN (SELECT leave_id FROM enrolment "
      "WHERE programme_id = ?3 AND role IN ('mentee','mentor') "
      "AND state NOT IN ('declined','expired','completed','withdrawn') "
      "AND leave_id IS NOT NULL) ORDER BY start_date, id";
  SQLite::Statement& s = session_.prepared(sql.c_str());
  SQLite::bind(s, format_date(first), format_date(last), programme_id);
  return read_leaves(s);
}

std::optional<std::string> SqliteLeaveRepository::overlapping_leave(const Leave& l) {
  if (l.status == LeaveStatus::cancelled || l.status == LeaveStatus::denied) return std::nullopt;
  // In start order from the index on person and start (migration 24).
  SQLite::Statement& s = session_.prepared(
      "SELECT id FROM leave WHERE person_id = ?1 AND id <> ?2 AND "
      "status IN ('approved', 'requested') AND start_date <= ?4 AND "
      "COALESCE(actual_end, expected_end) >= ?3 ORDER BY start_date LIMIT 1");
  SQLite::bind(s, l.person_id, l.id, format_date(l.start),
               format_date(l.actual_end.value_or(l.expected_end)));
  if (!s.executeStep()) return std::nullopt;
  return s.getColumn(0).getString();
}

UpsertOutcome SqliteLeaveRepository::upsert(const CourseCompletion& c) {
  SQLite::Statement& s = session_.prepared(
      "INSERT INTO course_completion(person_id, course_id, completed_at, "
      "expires_at) VALUES (?,?,?,?) ON CONFLICT(person_id, course_id, "
      "completed_at) DO UPDATE SET expires_at=excluded.expires_at "
      "WHERE expires_at IS NOT excluded.expires_at");
  SQLite::bind(s, c.person_id, c.course_id, format_date(c.completed_at));
  bind_optional(s, 4, c.expires_at);
  return s.exec() > 0 ? UpsertOutcome::stored : UpsertOutcome::unchanged;
}

std::vector<CourseCompletion> SqliteLeaveRepository::completions_of(const std::string& person_id) {
  static const std::string sql =
      std::string(kCompletionColumns) + "WHERE person_id = ? ORDER BY completed_at, course_id";
  SQLite::Statement& s = session_.prepared(sql.c_str());
  SQLite::bind(s, person_id);
  return read_completions(s);
}

std::vector<CourseCompletion> SqliteLeaveRepository::all_completions() {
  static const std::string sql =
      std::string(kCompletionColumns) + "ORDER BY person_id, course_id, completed_at";
  return read_completions(session_.prepared(sql.c_str()));
}

std::vector<CourseCompletion> SqliteLeaveRepository::completions_after(Date today) {
  // By day (migration 20): without INDEXED BY the planner reads every row in key order to
  // save sorting the few it finds.
  static const std::string sql =
      std::string(kCompletionColumns) +
      "INDEXED BY course_completion_by_completed_at "
      "WHERE completed_at > ? ORDER BY person_id, course_id, completed_at";
  SQLite::Statement& s = session_.prepared(sql.c_str());
  SQLite::bind(s, format_date(today));
  return read_completions(s);
}

// Whole-table COUNT(*), which SQLite answers from the b-tree pages: never every row.
std::int64_t SqliteLeaveRepository::count_leave() {
  return count(session_.prepared("SELECT COUNT(*) FROM leave"));
}

std::int64_t SqliteLeaveRepository::count_completions() {
  return count(session_.prepared("SELECT COUNT(*) FROM course_completion"));
}

}  // namespace mentoring::store
