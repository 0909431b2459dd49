// A loopback fake of the BambooHR API, as the adapter uses it, answering in
// the shapes BambooHR's OpenAPI description (../shared/hosts/bamboohr) gives:
//   POST /api/v1/reports/custom?format=json {fields, filters:{lastChanged, employeeIds}}
//       -> {"title", "fields":[{id,type,name}], "employees":[{"id": "12", <field>: "text"}]}
//       (every employee, active and inactive; fields the API user may not see left out)
//   GET
//   /api/v1/employees?fields=a&fields=b&filter[status]=&filter[ids][]=&page[limit]=&page[after]=
//       (OAuth only) -> {"data":[{employeeId, firstName, lastName, preferredName, photoUrl,
//       jobTitleName, status, _restrictedFields, <asked fields>}], "meta":{...}, "_links":{...}};
//       restricted fields null and named in _restrictedFields
//   GET /api/v1/employees/{id}?fields=a,b -> {"id", <field>: value} (restricted ones left out)
//   GET /api/v1/employees/changed?since=ISO -> {"latest",
//   "employees":{"<id>":{id,action,lastChanged}}} GET /api/v1/time_off/requests?start=&end= -> [{id
//   (integer), employeeId (integer), name,
//       start, end, created, status:{lastChanged, lastChangedByUserId, status},
//       type:{id,name,icon}, amount:{unit,amount}}]
//   GET /api/v1/training/type -> {"<id>":{id,name,renewable,frequency,required,category,...}}
//   GET /api/v1/training/record/employee/{id}[?type=] -> {"<record id>":{id,employeeId,
//       completed,type,notes,instructor,credits,hours,cost}}, or [] when there are none;
//       unknown employee 404
//   GET /api/v1/meta/tables -> [{alias, fields:[{id,name,alias,type}]}]
//   GET /api/v1/employees/{id}/tables/{table} -> [{id, employeeId, <field>: value}]
//   POST /api/v1/employees/{id}/tables/{table} {<field>: value} -> 200, empty body;
//       400 with X-BambooHR-Error-Message for an unknown field or a body that is not JSON
// Auth: HTTP Basic with the API key as user name, or the same key as an OAuth
// bearer token; GET /api/v1/employees takes only the bearer token (its
// description lists only OAuth). 401 otherwise. Errors carry
// X-BambooHR-Error-Message. Faults via faults().
//
// Ids: BambooHR numbers employees and requests (the description types them
// as integers); IdStyle::numeric serves the demo's ids as numbers (E1042 ->
// 1042, NW-LR-00007 -> 7). IdStyle::demo keeps them, so the demo's hosts agree
// on who is who (mentoring-fake-hosts).
//
// judge_with(prism): every request is also sent to Prism serving BambooHR's
// description; what Prism finds wrong is kept (violations()). With
// serve_dynamic, Prism's generated answer is returned instead of the fake's.
#pragma once

#include "demo_data.hpp"
#include "fault_plan.hpp"
#include "loopback_server.hpp"
#include "prism_server.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace mentoring::fakes {

class FakeBambooHr {
 public:
  enum class IdStyle { numeric, demo };
  FakeBambooHr(DemoData data, std::string api_key, int port = 0, IdStyle ids = IdStyle::numeric);
  ~FakeBambooHr();

  // The id the fake serves for a demo id ("E1042" -> "1042" when numeric).
  std::string id(const std::string& demo_id) const;
  // Sends every request to Prism too; serve_dynamic: answer with Prism's
  // generated body instead of the fake's (only for paths starting with
  // `dynamic_under` when it is given).
  void judge_with(PrismServer& prism, bool serve_dynamic = false, std::string dynamic_under = "");
  // What Prism found wrong with the requests so far ("" lines none).
  std::vector<std::string> violations() const;
  std::size_t requests_judged() const;
  // The API user may not see this field: null in the list (and named in
  // _restrictedFields), left out of the report and of GET /employees/{id}.
  void restrict_field(const std::string& field);

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
  // key_field: the column counts() groups rows by (the write-back's key_column).
  void define_table(const std::string& alias, std::vector<std::string> fields,
                    std::string key_field);
  std::vector<nlohmann::json> table_rows(const std::string& employee_id,
                                         const std::string& table) const;
  int table_posts() const;  // row POSTs that added a row
  // The next `count` row POSTs are answered `status` with this error message.
  void refuse_table_writes(int count, int status, std::string message);
  // Requests whose path starts with `path_prefix` are answered 403.
  void forbid(const std::string& path_prefix);

  // A broken host: GET /api/v1/employees answers each page after the first
  // with the nextCursor it was asked with (the same page again, forever).
  void repeat_cursor(bool repeat = true);
  // Changes one time-off request at runtime (keys start, end: YYYY-MM-DD;
  // status: approved | requested | denied | canceled; type; last_changed);
  // answers the request as it now is. Without last_changed the change is
  // dated a day after the latest change of any request (BambooHR dates a
  // change by its day only: two changes in one day could not be ordered).
  // Throws std::invalid_argument.
  nlohmann::json update_leave(const std::string& request_id, const nlohmann::json& change);
  // What the fake received and applied, for "exactly once" assertions:
  // {"write_backs_received": row POSTs, "rows_added",
  //  "tables": {"<alias>": {"rows", "key_field", "by_key": {"<key>": rows}}},
  //  "requests", "faults_applied", "leave_updates"}.
  // Served as GET /__fake/counts; POST /__fake/leave {"id", ...} calls
  // update_leave(); POST/DELETE /__fake/faults (fault_plan.hpp).
  nlohmann::json counts() const;

 private:
  nlohmann::json employee_json(std::size_t index) const;
  nlohmann::json leave_json(const DemoLeave& leave) const;
  void add_admin_routes();
  nlohmann::json training_json(std::size_t index) const;
  bool authorised(const httplib::Request& request, httplib::Response& response) const;
  void add_employee_routes();
  // Sends the request to Prism (when judging); true when Prism's answer was served.
  bool judged(const httplib::Request& req, httplib::Response& res);
  void add_report_route();
  bool forbidden(const httplib::Request& request, httplib::Response& response) const;
  void add_routes();

  struct TrainingType {
    std::string id, code, name;
    int frequency_months = 0;  // 0: not renewable
  };
  struct Table {
    std::vector<std::string> fields;
    std::string key_field;
    std::map<std::string, std::vector<nlohmann::json>> rows;  // by employee id
  };

  DemoData data_;
  std::string expected_authorization_, expected_bearer_;
  std::vector<std::size_t> active_;  // indexes of current employees
  std::map<std::string, std::size_t> index_of_;
  mutable std::mutex mutex_;  // guards the maps below
  std::map<std::string, std::string> changed_at_;
  std::map<std::string, nlohmann::json> employee_overrides_, leave_overrides_, training_overrides_;
  std::vector<TrainingType> training_types_;
  std::vector<TrainingRecord> training_;
  std::map<std::string, Table> tables_;
  std::vector<std::string> forbidden_;
  std::set<std::string> restricted_;
  PrismServer* prism_ = nullptr;
  bool serve_dynamic_ = false;
  std::string dynamic_under_;
  std::vector<std::string> violations_;
  std::size_t judged_ = 0;
  IdStyle id_style_;
  int table_posts_ = 0, next_row_id_ = 1, refusals_ = 0, refusal_status_ = 400;
  int table_posts_received_ = 0, leave_updates_ = 0;
  bool repeat_cursor_ = false;
  std::string refusal_message_;
  FaultPlan faults_;
  LoopbackServer server_;  // last: stops before the data it serves goes away
};

}  // namespace mentoring::fakes
