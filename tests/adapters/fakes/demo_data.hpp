// The demo organisation's people and leave, as the fakes serve them: read from
// examples/demo/data/<org>/*.csv, or generated at any size for benchmarks.
#pragma once

#include <string>
#include <vector>

namespace mentoring::fakes {

struct DemoPerson {
  std::string id, first_name, last_name, email, manager_id, department, location;
  std::string hire_date, termination_date;  // YYYY-MM-DD or ""
};

struct DemoLeave {
  std::string id, person_id, type, start, end;  // dates YYYY-MM-DD
  std::string status;                           // approved, requested, denied, canceled
  std::string last_changed;                     // ISO 8601
};

struct DemoData {
  std::vector<DemoPerson> people;
  std::vector<DemoLeave> leave;

  // examples/demo/data/<organisation>/{people,leave}.csv; throws std::runtime_error.
  static DemoData load(const std::string& folder);
  // people_count people in a management tree, leave_count leave requests
  // spread over 2019..2026 with the demo's leave types and statuses.
  static DemoData generate(std::size_t people_count, std::size_t leave_count);
};

// The demo's leave type names -> the normalised types (Annual Leave: ignored).
std::string demo_leave_types_json();

}  // namespace mentoring::fakes
