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
//   GET /api/v1/training/type -> {"<id>":{id,name,renewable,frequency,required,category,...}}
//   GET /api/v1/training/record/employee/{id}[?type=] -> {"<record id>":{id,employeeId,
//       completed,type,notes,instructor,credits,hours,cost}}; unknown employee 404
//   GET /api/v1/meta/tables -> [{alias, fields:[{id,name,alias,type}]}]
//   GET /api/v1/employees/{id}/tables/{table} -> [{id, employeeId, <field>: value}]
//   POST /api/v1/employees/{id}/tables/{table} {<field>: value} -> 200, empty body;
//       400 with X-BambooHR-Error-Message for an unknown field or a body that is not JSON
// HTTP Basic with the API key as user name; 401 otherwise. Errors carry
// X-BambooHR-Error-Message. Faults via faults().
#pragma once

#include "demo_data.hpp"
#include "fault_plan.hpp"
#include "loopback_server.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <mutex>
#include <string>
#include <vector>

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

  // The Training module, seeded from a demo training.csv (Employee ID, Course
  // Code, Course Title, Completed, Expires): one training type per course code
  // (ids 101, 102, ... in code order, named by the course title, renewable
  // every N months when the demo gives an expiry), one record per row.
  void load_training(const std::string& training_csv);
  struct TrainingRecord {
    std::string id, employee_id, course_code, type_id, completed;
  };
  std::vector<TrainingRecord> training_records() const { return training_; }
  // The type id / name the fake gave a demo course code ("" when none).
  std::string training_type_id(const std::string& course_code) const;
  std::string training_type_name(const std::string& course_code) const;
  // Replaces one key of one training record's JSON (eg {"completed": ""}).
  void corrupt_training(const std::string& record_id, const std::string& field,
                        nlohmann::json value);

  // Employee tables: a table exists once defined, with its field aliases.
  void define_table(const std::string& alias, std::vector<std::string> fields);
  std::vector<nlohmann::json> table_rows(const std::string& employee_id,
                                         const std::string& table) const;
  int table_posts() const;  // row POSTs that added a row
  // The next `count` row POSTs are answered `status` with this error message.
  void refuse_table_writes(int count, int status, std::string message);
  // Requests whose path starts with `path_prefix` are answered 403.
  void forbid(const std::string& path_prefix);

 private:
  nlohmann::json employee_json(std::size_t index) const;
  nlohmann::json leave_json(std::size_t index) const;
  nlohmann::json training_json(std::size_t index) const;
  bool authorised(const httplib::Request& request, httplib::Response& response) const;
  bool forbidden(const httplib::Request& request, httplib::Response& response) const;
  void add_routes();

  struct TrainingType {
    std::string id, code, name;
    int frequency_months = 0;  // 0: not renewable
  };
  struct Table {
    std::vector<std::string> fields;
    std::map<std::string, std::vector<nlohmann::json>> rows;  // by employee id
  };

  DemoData data_;
  std::string expected_authorization_;
  std::vector<std::size_t> active_;  // indexes of current employees
  std::map<std::string, std::size_t> index_of_;
  mutable std::mutex mutex_;  // guards the maps below
  std::map<std::string, std::string> changed_at_;
  std::map<std::string, nlohmann::json> employee_overrides_, leave_overrides_, training_overrides_;
  std::vector<TrainingType> training_types_;
  std::vector<TrainingRecord> training_;
  std::map<std::string, Table> tables_;
  std::vector<std::string> forbidden_;
  int table_posts_ = 0, next_row_id_ = 1, refusals_ = 0, refusal_status_ = 400;
  std::string refusal_message_;
  FaultPlan faults_;
  LoopbackServer server_;  // last: stops before the data it serves goes away
};

}  // namespace mentoring::fakes
