// A loopback fake of the BambooHR API, as the adapter uses it:
//   GET
//   /api/v1/employees?fields=..&filter[status]=active&filter[ids][]=..&page[limit]=..&page[after]=..
//       -> {"data":[{employeeId,...}], "meta":{"total", "page":{"limit","nextCursor"}},
//       "_links":{...}}
//   GET /api/v1/employees/changed?since=ISO -> {"latest",
//   "employees":{"<id>":{"id","action","lastChanged"}}} GET /api/v1/time_off/requests?start=&end=
//   -> [{id, employeeId, name, start, end, created,
//       status:{lastChanged, lastChangedByUserId, status}, type:{id,name,icon},
//       amount:{unit,amount}}]
// HTTP Basic with the API key as user name; 401 otherwise. Faults via faults().
#pragma once

#include "demo_data.hpp"
#include "fault_plan.hpp"
#include "loopback_server.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <mutex>
#include <string>

namespace mentoring::fakes {

class FakeBambooHr {
 public:
  FakeBambooHr(DemoData data, std::string api_key, int port = 0);

  std::string base_url() const { return server_.base_url(); }
  int port() const { return server_.port(); }
  FaultPlan& faults() { return faults_; }

  // Marks an employee changed at `when` (ISO 8601), as /employees/changed reports it.
  void touch(const std::string& employee_id, const std::string& when);
  // Replaces one key of one employee's JSON (eg {"hireDate": 42}) to make a malformed page.
  void corrupt_employee(const std::string& employee_id, const std::string& field,
                        nlohmann::json value);
  // Replaces one key of one time-off request's JSON.
  void corrupt_leave(const std::string& request_id, const std::string& field, nlohmann::json value);

  std::size_t active_people() const { return active_.size(); }
  const DemoData& data() const { return data_; }

 private:
  nlohmann::json employee_json(std::size_t index) const;
  nlohmann::json leave_json(std::size_t index) const;
  bool authorised(const httplib::Request& request, httplib::Response& response) const;

  DemoData data_;
  std::string expected_authorization_;
  std::vector<std::size_t> active_;  // indexes of current employees
  std::map<std::string, std::size_t> index_of_;
  mutable std::mutex mutex_;  // guards the maps below
  std::map<std::string, std::string> changed_at_;
  std::map<std::string, nlohmann::json> employee_overrides_, leave_overrides_;
  FaultPlan faults_;
  LoopbackServer server_;  // last: stops before the data it serves goes away
};

}  // namespace mentoring::fakes
