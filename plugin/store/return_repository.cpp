#include <mentoring/store/return_repository.hpp>

#include "columns.hpp"

#include <SQLiteCpp/VariadicBind.h>

namespace mentoring::store {

using namespace columns;
using domain::format_date;

namespace {

// Columns: programme_id, leave_id, step_id, person_id, line_manager_id, due_on, status,
// round, missed_flagged_for, done_on, done_by.
std::vector<ReturnRepository::Step> read_steps(SQLite::Statement& q) {
  std::vector<ReturnRepository::Step> out;
  while (q.executeStep()) {
    ReturnRepository::Step s;
    s.programme_id = q.getColumn(0).getString();
    s.leave_id = q.getColumn(1).getString();
    s.step_id = q.getColumn(2).getString();
    s.person_id = q.getColumn(3).getString();
    s.line_manager_id = optional_text(q.getColumn(4));
    s.due_on = required_date(q.getColumn(5));
    s.status = q.getColumn(6).getString();
    s.round = q.getColumn(7).getInt();
    s.missed_flagged_for = optional_date(q.getColumn(8));
    s.done_on = optional_date(q.getColumn(9));
    s.done_by = optional_text(q.getColumn(10));
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

void SqliteReturnRepository::save_step(const Step& step, const std::string& at) {
  SQLite::Statement& s = session_.prepared(
      "INSERT INTO return_step(programme_id, leave_id, step_id, person_id, line_manager_id, "
      "due_on, status, round, missed_flagged_for, done_on, done_by, updated_at) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?) "
      "ON CONFLICT(programme_id, leave_id, step_id) DO UPDATE SET "
      "person_id=excluded.person_id, line_manager_id=excluded.line_manager_id, "
      "due_on=excluded.due_on, status=excluded.status, round=excluded.round, "
      "missed_flagged_for=excluded.missed_flagged_for, done_on=excluded.done_on, "
      "done_by=excluded.done_by, updated_at=excluded.updated_at");
  SQLite::bind(s, step.programme_id, step.leave_id, step.step_id, step.person_id);
  bind_optional(s, 5, step.line_manager_id);
  s.bind(6, format_date(step.due_on));
  s.bind(7, step.status);
  s.bind(8, step.round);
  bind_optional(s, 9, step.missed_flagged_for);
  bind_optional(s, 10, step.done_on);
  bind_optional(s, 11, step.done_by);
  s.bind(12, at);
  s.exec();
}

std::vector<ReturnRepository::Step> SqliteReturnRepository::steps_of_leave(
    const std::string& programme_id, const std::string& leave_id) {
  SQLite::Statement& q = session_.prepared(
      "SELECT programme_id, leave_id, step_id, person_id, line_manager_id, due_on, status, "
      "round, missed_flagged_for, done_on, done_by FROM return_step "
      "WHERE programme_id = ? AND leave_id = ? ORDER BY step_id");
  SQLite::bind(q, programme_id, leave_id);
  return read_steps(q);
}

std::vector<ReturnRepository::Step> SqliteReturnRepository::steps_of_person(
    const std::string& person_id) {
  SQLite::Statement& q = session_.prepared(
      "SELECT programme_id, leave_id, step_id, person_id, line_manager_id, due_on, status, "
      "round, missed_flagged_for, done_on, done_by FROM return_step "
      "WHERE person_id = ? ORDER BY programme_id, due_on, step_id");
  SQLite::bind(q, person_id);
  return read_steps(q);
}

std::vector<ReturnRepository::Step> SqliteReturnRepository::steps(const std::string& programme_id) {
  SQLite::Statement& q = session_.prepared(
      "SELECT programme_id, leave_id, step_id, person_id, line_manager_id, due_on, status, "
      "round, missed_flagged_for, done_on, done_by FROM return_step "
      "WHERE ?1 = '' OR programme_id = ?1 ORDER BY due_on, person_id, step_id");
  SQLite::bind(q, programme_id);
  return read_steps(q);
}

std::vector<std::string> SqliteReturnRepository::leaves_with_steps(
    const std::string& programme_id) {
  SQLite::Statement& q = session_.prepared(
      "SELECT DISTINCT leave_id FROM return_step WHERE programme_id = ? ORDER BY leave_id");
  SQLite::bind(q, programme_id);
  std::vector<std::string> out;
  while (q.executeStep()) out.push_back(q.getColumn(0).getString());
  return out;
}

}  // namespace mentoring::store
