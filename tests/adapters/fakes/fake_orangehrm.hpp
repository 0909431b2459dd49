// A loopback fake of OrangeHRM 5's REST API v2, as the adapter uses it, under
// OrangeHRM's front controller (base_url() ends in /web/index.php):
//   POST /oauth2/token  grant_type=client_credentials|password|refresh_token, client_id,
//        client_secret[, refresh_token | username, password]
//        -> {"token_type":"Bearer","expires_in":N,"access_token":"..","refresh_token":".."}
//        refresh tokens rotate: each use revokes the old one. OAuth errors as
//        league/oauth2-server writes them:
//        {"error":"invalid_client","error_description","message"}.
//   GET /api/v2/pim/employees?model=detailed&includeEmployees=&limit=&offset=
//   GET /api/v2/pim/employee/{empNumber}/contact-details   (singular "employee", as routed)
//   GET /api/v2/pim/employees/{empNumber}/job-details
//        -> {"data":{"empNumber","joinedDate",..,"employeeTerminationRecord":{"id","date"}}}
//   GET /api/v2/pim/employees/{empNumber}/terminations/{id}
//        -> {"data":{"id","note","date","terminationReason":{"id","name"}},"meta":{"empNumber"}}
//        an empNumber it does not have: 422 "Invalid Parameter"; a termination
//        id it does not have: 404 "Record Not Found" (as OrangeHRM answers).
//   GET
//   /api/v2/leave/employees/leave-requests?fromDate=&toDate=&statuses[]=&includeEmployees=&limit=&offset=
//        -> {"data":[...], "meta":{"total":N}, "rels":[]}
// API errors: {"error":{"status":"422","message":"Invalid Parameter"}}; a bad
// bearer token: 401 {"error":"access_denied",...}. Faults via faults().
// Employee i of the demo data has empNumber i + 1 and employeeId = its demo id;
// joinedDate = its hire date; a leaver's terminationId = termination_id_of(empNumber),
// dated with its termination date.
#pragma once

#include "demo_data.hpp"
#include "fault_plan.hpp"
#include "loopback_server.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <mutex>
#include <set>
#include <string>

namespace mentoring::fakes {

class FakeOrangeHrm {
 public:
  FakeOrangeHrm(DemoData data, std::string client_id, std::string client_secret, int port = 0);

  // http://127.0.0.1:<port>/web/index.php
  std::string base_url() const { return server_.base_url() + "/web/index.php"; }
  int port() const { return server_.port(); }
  FaultPlan& faults() { return faults_; }

  // A refresh token the grant refresh_token accepts once (as after an
  // authorization-code sign-in).
  std::string issue_refresh_token();
  // Lifetime of access tokens issued from now on.
  void set_token_lifetime_s(int seconds);
  // Revokes every access token issued so far (the API answers 401 to them).
  void revoke_access_tokens();
  // Allows only these grants (default: all three).
  void allow_grants(std::set<std::string> grants);
  int token_requests() const;
  // The user the grant password accepts (default "api" / "api-password").
  void set_api_user(std::string username, std::string password);
  // Leave requests answer 403, as for an API user whose role may not see them.
  void forbid_leave();
  // Job details answer 403: a user who may list employees but not their jobs.
  void forbid_job_details();

  // Replaces one key of one employee's / leave request's JSON.
  void corrupt_employee(int emp_number, const std::string& field, nlohmann::json value);
  void corrupt_leave(int request_id, const std::string& field, nlohmann::json value);
  // Replaces one key of one employee's job details / termination record.
  void corrupt_job_details(int emp_number, const std::string& field, nlohmann::json value);
  void corrupt_termination(int emp_number, const std::string& field, nlohmann::json value);
  // Deletes a leaver's termination record: the list still names it, the
  // termination endpoint answers 404.
  void delete_termination(int emp_number);
  static int termination_id_of(int emp_number) { return 900 + emp_number; }

  // Requests answered so far, per endpoint (per-employee ones are costly).
  int job_details_requests() const;
  int termination_requests() const;
  int contact_details_requests() const;

  // Removes the first current employee, as if deleted in OrangeHRM.
  void remove_first_employee();
  std::size_t current_employees() const { return current_.size(); }
  const DemoData& data() const { return data_; }
  // The OrangeHRM leave status a demo request is served with (-1..3).
  static int status_of(const DemoLeave& leave);

 private:
  void token(const httplib::Request& request, httplib::Response& response);
  bool bearer_ok(const httplib::Request& request, httplib::Response& response) const;
  nlohmann::json employee_json(std::size_t index) const;
  nlohmann::json leave_json(std::size_t index) const;
  // nullptr when the path's empNumber is not an employee (answered 422).
  const DemoPerson* employee_at(const httplib::Request& request, httplib::Response& response) const;

  DemoData data_;
  std::string client_id_, client_secret_;
  std::vector<std::size_t> current_;          // indexes of current employees
  std::map<std::string, int> emp_number_of_;  // demo id -> empNumber
  mutable std::mutex mutex_;                  // guards everything below
  std::set<std::string> access_tokens_, refresh_tokens_, grants_;
  int token_lifetime_s_ = 3600;
  int next_token_ = 1;
  int token_requests_ = 0;
  std::string api_user_ = "api", api_password_ = "api-password";
  bool leave_forbidden_ = false, job_details_forbidden_ = false;
  std::map<int, nlohmann::json> employee_overrides_, leave_overrides_;
  std::map<int, nlohmann::json> job_details_overrides_, termination_overrides_;
  std::set<int> deleted_terminations_;  // by empNumber
  int job_details_requests_ = 0, termination_requests_ = 0, contact_details_requests_ = 0;
  FaultPlan faults_;
  LoopbackServer server_;  // last: stops before the data it serves goes away
};

}  // namespace mentoring::fakes
