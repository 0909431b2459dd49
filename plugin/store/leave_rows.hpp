// The leave repository's rows as domain values, for both backends: each reads the same
// columns in the same order and hands them over through a small row adaptor, so SQLite and
// PostgreSQL cannot decode a stored leave or completion differently. Private to
// plugin/store (and its postgres/ folder).
#pragma once

#include <mentoring/domain/date.hpp>
#include <mentoring/domain/records.hpp>

#include "rows.hpp"

#include <optional>
#include <stdexcept>
#include <string>

namespace mentoring::store::leave_rows {

// The columns leave() reads, in its order; each backend adds its WHERE and ORDER BY.
inline constexpr const char* kLeaveColumns =
    "SELECT id, person_id, type, start_date, expected_end, actual_end, status, last_changed "
    "FROM leave ";
// The columns completion() reads, in its order.
inline constexpr const char* kCompletionColumns =
    "SELECT person_id, course_id, completed_at, expires_at FROM course_completion ";

// A row adaptor gives, by column index from 0: `std::string text(int)` and
// `std::optional<std::string> optional_text(int)` (nullopt for NULL).

// The row of kLeaveColumns.
template <class Row>
domain::Leave leave(const Row& row) {
  domain::Leave l;
  l.id = row.text(0);
  l.person_id = row.text(1);
  const std::string whose = "leave " + l.id;
  const std::string type = row.text(2);
  const std::string status = row.text(6);
  auto parsed_type = domain::parse_leave_type(type);
  if (!parsed_type)
    throw std::runtime_error("store: " + whose + " has the unknown type \"" + type +
                             "\"; expected one of the domain's leave types");
  auto parsed_status = domain::parse_leave_status(status);
  if (!parsed_status)
    throw std::runtime_error("store: " + whose + " has the unknown status \"" + status +
                             "\"; expected one of the domain's leave statuses");
  l.type = *parsed_type;
  l.start = *rows::stored_date(row.text(3), whose, "start_date");
  l.expected_end = *rows::stored_date(row.text(4), whose, "expected_end");
  l.actual_end = rows::stored_date(row.optional_text(5), whose, "actual_end");
  l.status = *parsed_status;
  l.last_changed = row.optional_text(7);
  return l;
}

// The row of kCompletionColumns.
template <class Row>
domain::CourseCompletion completion(const Row& row) {
  domain::CourseCompletion c;
  c.person_id = row.text(0);
  c.course_id = row.text(1);
  const std::string whose = "course completion " + c.person_id + "/" + c.course_id;
  c.completed_at = *rows::stored_date(row.text(2), whose, "completed_at");
  c.expires_at = rows::stored_date(row.optional_text(3), whose, "expires_at");
  return c;
}

}  // namespace mentoring::store::leave_rows
