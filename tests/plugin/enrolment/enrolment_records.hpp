// Records the enrolment unit tests share (no plugin loaded).
#pragma once

#include <mentoring/domain/date.hpp>
#include <mentoring/domain/records.hpp>

#include <string>

namespace enrolment_test {

// The day the enrolment unit tests run on.
inline const mentoring::domain::Date kToday = *mentoring::domain::parse_date("2026-12-01");

// Leave L1 of person P1, maternity, from `start` to `end` (YYYY-MM-DD).
inline mentoring::domain::Leave leave(
    const std::string& start, const std::string& end,
    mentoring::domain::LeaveStatus status = mentoring::domain::LeaveStatus::approved) {
  mentoring::domain::Leave l;
  l.id = "L1";
  l.person_id = "P1";
  l.type = mentoring::domain::LeaveType::maternity;
  l.start = *mentoring::domain::parse_date(start);
  l.expected_end = *mentoring::domain::parse_date(end);
  l.status = status;
  return l;
}

}  // namespace enrolment_test
