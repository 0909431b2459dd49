// BambooHR's employees as person records (the "people" stream), read through
// an endpoint the configured scheme may call (BambooHR's description):
//  - API key (HTTP Basic): the custom report, POST /api/v1/reports/custom,
//    which lists active and inactive employees with status and
//    terminationDate; increments by its lastChanged filter.
//  - OAuth 2 token: GET /api/v1/employees (cursor-paged, OAuth only), asking
//    only for the optional fields its description lists; an inactive
//    employee's terminationDate (not among them) from GET /api/v1/employees/{id};
//    increments from GET /api/v1/employees/changed.
// An employee BambooHR lists as Inactive is sent with its end_date, never as
// current; one whose termination date cannot be read is a problem.
//
//   PeopleStream people(connection, settings["people"]);
//   rest::PullAnswer page = people.pull(cursor);
#pragma once

#include "connection.hpp"

#include <rest_common/check.hpp>
#include <rest_common/pull_page.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mentoring::adapters::bamboohr {

class PeopleStream {
 public:
  // settings: the "people" object, already checked by the settings schema.
  // Throws Error(MENTORING_ERR_INVALID_INPUT) for a field the endpoint in use
  // does not list.
  PeopleStream(Connection connection, nlohmann::json settings);

  rest::PullAnswer pull(const nlohmann::json& cursor);
  // read_people: one small request to the endpoint in use.
  rest::CapabilityCheck check();

 private:
  rest::PullAnswer pull_report(const nlohmann::json& cursor, const nlohmann::json& cursor_in);
  rest::PullAnswer pull_list(const nlohmann::json& cursor, const nlohmann::json& cursor_in);
  std::string list_query(bool include_former) const;
  std::vector<std::string> report_fields() const;
  // One employee of a page; `full`: part of a full read. Problems name the
  // request, the record and BambooHR's field; a record with any is
  // quarantined under its id, the rest of the page is taken.
  void map_person(rest::JsonValue item, long long row, const std::string& source, bool full,
                  rest::PullPage& page);
  // The list endpoint has no terminationDate: read it for one employee
  // (item: the employee as listed, for the quarantine's excerpt).
  nlohmann::json termination_of(const std::string& id, const std::string& source, long long row,
                                const nlohmann::json& item, rest::PullPage& page);

  Connection connection_;
  nlohmann::json settings_;
  bool from_report_ = true;                    // API key: the custom report; OAuth: the list
  std::map<std::string, std::string> fields_;  // our field -> BambooHR's
  std::string id_key_;                         // "id" (report) / "employeeId" (list)
  std::string today_;
  // The full read's report, requested once per read and paged from memory.
  long long report_started_ = -1;
  EmployeeReport report_;
};

}  // namespace mentoring::adapters::bamboohr
