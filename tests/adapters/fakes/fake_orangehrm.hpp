// A loopback fake of OrangeHRM 5.7's REST API v2 (API 2.7.0), under
// OrangeHRM's front controller (base_url() ends in /web/index.php). It answers
// like the real system recorded in ../shared/hosts/orangehrm/recorded (held to
// those recordings by tests/adapters/orangehrm/recorded_contract_test.cpp):
//   POST /oauth2/token  grant_type=authorization_code|refresh_token (the only
//        grants OrangeHRM 5 enables; allow_grants() adds client_credentials or
//        password for tests that want them), client_id, client_secret
//        -> {"token_type":"Bearer","expires_in":N,"access_token","refresh_token"}.
//        Refresh tokens rotate: each use revokes the old one; a used or revoked
//        one is refused 401 {"error":"invalid_request",..} (league/oauth2-server
//        8), one it cannot read 500 {"error":"server_error",..} (as recorded);
//        a grant not enabled 400 unsupported_grant_type.
//   GET /api/v2/pim/employees[?model=default|detailed][&includeEmployees=][&limit=&offset=]
//        detailed items carry supervisors[] ordered by empNumber, without method
//   GET /api/v2/pim/employees/{n}   /supervisors   /subordinates   /job-details
//   GET /api/v2/pim/employees/{n}/terminations/{id}
//   GET /api/v2/pim/employee/{n}/contact-details   (singular "employee", as routed)
//   GET
//   /api/v2/leave/employees/leave-requests?fromDate=&toDate=&statuses[]=&includeEmployees=&limit=&offset=
//        only Pending Approval unless statuses[] are named; "model" is refused 422
//   GET /api/v2/leave/employees/leave-requests/{id}[?model=detailed]
//   GET /api/v2/leave/leave-requests/{id}/leaves   (single days, each with its status)
//   GET /api/v2/leave/leave-requests   (the token user's own requests)
//   GET /api/v2/leave/leave-types[/{id}], /leave-period, /leave-entitlements,
//   /leave-balance/leave-type/{id} GET /api/v2/admin/users   (403 to an ESS user)
// API errors: {"error":{"status":"422","message":"Invalid
// Parameter","data":{"invalidParamKeys":[..]}}} (status a string for 422 and 404, a number for 401
// and 403); a missing employee is 422, a missing leave request or type 404; an unknown route 404
// with an empty text/html body. Faults via faults() (also POST /__fake/faults); GET
// /__fake/counts answers the requests seen (OrangeHRM receives no write-backs).
// Employee i of the demo data has empNumber i + 1 and employeeId = its demo id;
// its demo manager is its Direct supervisor; joinedDate = its hire date; a
// leaver's terminationId = termination_id_of(empNumber), dated with its
// termination date. A leave request's days are its weekdays.
#pragma once

#include "demo_data.hpp"
#include "fault_plan.hpp"
#include "loopback_server.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace mentoring::fakes {

class FakeOrangeHrm {
 public:
  FakeOrangeHrm(DemoData data, std::string client_id, std::string client_secret, int port = 0);
  ~FakeOrangeHrm();

  // http://127.0.0.1:<port>/web/index.php
  std::string base_url() const { return server_.base_url() + "/web/index.php"; }
  int port() const { return server_.port(); }
  FaultPlan& faults() { return faults_; }

  // A refresh token the grant refresh_token accepts once (as after an
  // authorization-code sign-in).
  std::string issue_refresh_token();
  // An authorization code the grant authorization_code accepts once.
  std::string issue_authorization_code();
  // An access token of an ESS user (employee empNumber, no admin role).
  std::string issue_ess_access_token(int emp_number);
  // The clock access tokens expire by (milliseconds; default: the steady clock).
  void set_clock(std::function<std::int64_t()> now_ms);
  // API requests refused 401 so far (a missing, revoked or expired token).
  int unauthorised_answers() const;
  // Another supervisor of an employee, with its reporting method ("Indirect").
  void add_supervisor(int emp_number, int supervisor_emp_number, const std::string& method);
  // Cancels single days (YYYY-MM-DD) of a leave request; the request keeps its dates.
  void cancel_days(int request_id, const std::set<std::string>& days);
  // Requests answered so far by /supervisors and /leave-requests/{id}/leaves.
  int supervisor_requests() const;
  int leave_day_requests() const;
  // The query string of the last leave-request and employee list requests.
  std::string last_leave_list_query() const;
  std::string last_employee_list_query() const;
  // Lifetime of access tokens issued from now on.
  void set_token_lifetime_s(int seconds);
  // Revokes every access token issued so far (the API answers 401 to them).
  void revoke_access_tokens();
  // Allows only these grants (default: authorization_code and refresh_token).
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

  // The list still shows the employee, but its own resources (supervisors, job
  // details, ...) answer 422, as for one the API user may no longer access.
  void hide_employee(int emp_number);

  // Removes the first current employee, as if deleted in OrangeHRM.
  void remove_first_employee();
  std::size_t current_employees() const { return current_.size(); }
  const DemoData& data() const { return data_; }
  // The OrangeHRM leave status a demo request is served with (-1..3).
  static int status_of(const DemoLeave& leave);
  // The days of request id (1-based), each with its status (-1..3).
  std::vector<std::pair<std::string, int>> days_of(int request_id) const;

 private:
  void token(const httplib::Request& request, httplib::Response& response);
  bool bearer_ok(const httplib::Request& request, httplib::Response& response) const;
  nlohmann::json employee_json(std::size_t index) const;
  nlohmann::json leave_json(std::size_t index) const;
  // nullptr when the path's empNumber is not an employee (answered 422).
  const DemoPerson* employee_at(const httplib::Request& request, httplib::Response& response) const;

  nlohmann::json employee_summary(int emp_number) const;
  nlohmann::json leave_detailed(std::size_t index, bool own) const;
  nlohmann::json leave_type_json(const std::string& name, bool situational) const;
  int leave_type_id(const std::string& name) const;
  void leave_list(const httplib::Request& request, httplib::Response& response, bool own);
  // The empNumber of the token's ESS user, 0 for the admin API user.
  int ess_user(const httplib::Request& request) const;

  DemoData data_;
  std::string client_id_, client_secret_;
  std::vector<std::size_t> current_;                   // indexes of current employees
  std::map<std::string, int> emp_number_of_;           // demo id -> empNumber
  mutable std::mutex mutex_;                           // guards everything below
  std::map<std::string, std::int64_t> access_tokens_;  // token -> expiry (clock_ ms)
  std::map<std::string, int> ess_tokens_;              // token -> empNumber
  std::set<std::string> refresh_tokens_, used_refresh_tokens_, authorization_codes_, grants_;
  std::function<std::int64_t()> clock_;
  std::map<int, std::vector<std::pair<int, std::string>>> extra_supervisors_;
  std::map<int, std::set<std::string>> cancelled_days_;
  std::vector<std::string> leave_types_;  // sorted names; id = position + 1
  mutable int unauthorised_ = 0;          // counted by the const bearer check
  int supervisor_requests_ = 0, leave_day_requests_ = 0;
  std::string last_leave_query_, last_employee_query_;
  int token_lifetime_s_ = 3600;
  int next_token_ = 1;
  int token_requests_ = 0;
  std::string api_user_ = "api", api_password_ = "api-password";
  bool leave_forbidden_ = false, job_details_forbidden_ = false;
  std::map<int, nlohmann::json> employee_overrides_, leave_overrides_;
  std::map<int, nlohmann::json> job_details_overrides_, termination_overrides_;
  std::set<int> deleted_terminations_;  // by empNumber
  std::set<int> hidden_employees_;
  int job_details_requests_ = 0, termination_requests_ = 0, contact_details_requests_ = 0;
  FaultPlan faults_;
  LoopbackServer server_;  // last: stops before the data it serves goes away
};

}  // namespace mentoring::fakes
