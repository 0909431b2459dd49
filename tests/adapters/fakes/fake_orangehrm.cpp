#include "fake_orangehrm.hpp"

#include <algorithm>

namespace mentoring::fakes {

using nlohmann::json;

namespace {

constexpr const char* kPrefix = "/web/index.php";

void answer_json(httplib::Response& response, const json& body, int status = 200) {
  response.status = status;
  response.set_content(body.dump(), "application/json");
}

void oauth_error(httplib::Response& response, int status, const std::string& code,
                 const std::string& text) {
  answer_json(response, {{"error", code}, {"error_description", text}, {"message", text}}, status);
}

void api_error(httplib::Response& response, int status, const std::string& message) {
  answer_json(response, {{"error", {{"status", std::to_string(status)}, {"message", message}}}},
              status);
}

// limit and offset as OrangeHRM validates them: non-negative integers.
bool paging(const httplib::Request& request, httplib::Response& response, std::size_t& limit,
            std::size_t& offset) {
  try {
    limit = request.has_param("limit") ? std::stoul(request.get_param_value("limit")) : 50;
    offset = request.has_param("offset") ? std::stoul(request.get_param_value("offset")) : 0;
    return true;
  } catch (const std::exception&) {
    api_error(response, 422, "Invalid Parameter");
    return false;
  }
}

}  // namespace

int FakeOrangeHrm::status_of(const DemoLeave& leave) {
  if (leave.status == "requested") return 1;
  if (leave.status == "canceled" || leave.status == "cancelled") return 0;
  if (leave.status == "denied") return -1;
  return leave.end < "2026-01-01" ? 3 : 2;  // approved: taken once over, else scheduled
}

FakeOrangeHrm::FakeOrangeHrm(DemoData data, std::string client_id, std::string client_secret,
                             int port)
    : data_(std::move(data)),
      client_id_(std::move(client_id)),
      client_secret_(std::move(client_secret)),
      grants_{"client_credentials", "password", "refresh_token"},
      server_(port) {
  for (std::size_t i = 0; i < data_.people.size(); ++i) {
    emp_number_of_[data_.people[i].id] = static_cast<int>(i + 1);
    if (data_.people[i].termination_date.empty()) current_.push_back(i);
  }
  auto& http = server_.http();
  http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (faults_.apply(req, res)) return httplib::Server::HandlerResponse::Handled;
    return httplib::Server::HandlerResponse::Unhandled;
  });

  http.Post(std::string(kPrefix) + "/oauth2/token",
            [this](const httplib::Request& req, httplib::Response& res) { token(req, res); });

  http.Get(std::string(kPrefix) + "/api/v2/pim/employees", [this](const httplib::Request& req,
                                                                  httplib::Response& res) {
    if (!bearer_ok(req, res)) return;
    std::size_t limit = 0, offset = 0;
    if (!paging(req, res, limit, offset)) return;
    std::string include =
        req.has_param("includeEmployees") ? req.get_param_value("includeEmployees") : "onlyCurrent";
    std::vector<std::size_t> selection;
    if (include == "onlyCurrent") {
      selection = current_;
    } else if (include == "currentAndPast") {
      for (std::size_t i = 0; i < data_.people.size(); ++i) selection.push_back(i);
    } else {
      api_error(res, 422, "Invalid Parameter");
      return;
    }
    // limit=0 lists everyone, as OrangeHRM does.
    std::size_t to = limit == 0 ? selection.size() : std::min(selection.size(), offset + limit);
    json items = json::array();
    for (std::size_t i = offset; i < to; ++i) items.push_back(employee_json(selection[i]));
    answer_json(res, {{"data", std::move(items)},
                      {"meta", {{"total", selection.size()}}},
                      {"rels", json::array()}});
  });

  http.Get(std::string(kPrefix) + R"(/api/v2/pim/employee/(\d+)/contact-details)",
           [this](const httplib::Request& req, httplib::Response& res) {
             if (!bearer_ok(req, res)) return;
             {
               std::lock_guard lock(mutex_);
               ++contact_details_requests_;
             }
             const DemoPerson* person = employee_at(req, res);
             if (!person) return;
             const DemoPerson& p = *person;
             std::size_t number = std::stoul(req.matches[1]);
             answer_json(res, {{"data",
                                {{"empNumber", number},
                                 {"workEmail", p.email.empty() ? json(nullptr) : json(p.email)},
                                 {"otherEmail", nullptr},
                                 {"workTelephone", nullptr}}},
                               {"meta", {{"empNumber", number}}},
                               {"rels", json::array()}});
           });

  http.Get(std::string(kPrefix) + R"(/api/v2/pim/employees/(\d+)/job-details)",
           [this](const httplib::Request& req, httplib::Response& res) {
             if (!bearer_ok(req, res)) return;
             {
               std::lock_guard lock(mutex_);
               ++job_details_requests_;
               if (job_details_forbidden_) {
                 api_error(res, 403, "Unauthorized");
                 return;
               }
             }
             const DemoPerson* p = employee_at(req, res);
             if (!p) return;
             int number = std::stoi(req.matches[1]);
             json termination = {{"id", nullptr}, {"date", nullptr}};
             std::lock_guard lock(mutex_);
             if (!p->termination_date.empty() && !deleted_terminations_.contains(number))
               termination = {{"id", termination_id_of(number)}, {"date", p->termination_date}};
             json data = {{"empNumber", number},
                          {"joinedDate", p->hire_date.empty() ? json(nullptr) : json(p->hire_date)},
                          {"jobTitle", {{"id", 1}, {"title", "Staff"}, {"isDeleted", false}}},
                          {"jobSpecificationAttachment", {{"id", nullptr}, {"filename", nullptr}}},
                          {"empStatus", {{"id", 1}, {"name", "Full-Time Permanent"}}},
                          {"jobCategory", {{"id", nullptr}, {"name", nullptr}}},
                          {"subunit", {{"id", 1}, {"name", p->department}, {"unitId", nullptr}}},
                          {"location", {{"id", 1}, {"name", p->location}}},
                          {"employeeTerminationRecord", termination}};
             if (auto it = job_details_overrides_.find(number); it != job_details_overrides_.end())
               data.update(it->second);
             answer_json(res, {{"data", data}, {"meta", json::array()}, {"rels", json::array()}});
           });

  http.Get(std::string(kPrefix) + R"(/api/v2/pim/employees/(\d+)/terminations/(\d+))",
           [this](const httplib::Request& req, httplib::Response& res) {
             if (!bearer_ok(req, res)) return;
             {
               std::lock_guard lock(mutex_);
               ++termination_requests_;
             }
             if (!employee_at(req, res)) return;  // 422, as the empNumber rule answers
             // OrangeHRM looks the record up by its id alone.
             long id = std::stol(req.matches[2]);
             long owner = id - termination_id_of(0);
             std::lock_guard lock(mutex_);
             if (owner < 1 || owner > static_cast<long>(data_.people.size()) ||
                 data_.people[owner - 1].termination_date.empty() ||
                 deleted_terminations_.contains(static_cast<int>(owner))) {
               api_error(res, 404, "Record Not Found");
               return;
             }
             json data = {{"id", id},
                          {"note", nullptr},
                          {"date", data_.people[owner - 1].termination_date},
                          {"terminationReason", {{"id", 1}, {"name", "Resigned"}}}};
             if (auto it = termination_overrides_.find(static_cast<int>(owner));
                 it != termination_overrides_.end())
               data.update(it->second);
             answer_json(res, {{"data", data},
                               {"meta", {{"empNumber", std::stoi(req.matches[1])}}},
                               {"rels", json::array()}});
           });

  http.Get(std::string(kPrefix) + "/api/v2/leave/employees/leave-requests",
           [this](const httplib::Request& req, httplib::Response& res) {
             if (!bearer_ok(req, res)) return;
             if (std::lock_guard lock(mutex_); leave_forbidden_) {
               api_error(res, 403, "Unauthorized");
               return;
             }
             std::size_t limit = 0, offset = 0;
             if (!paging(req, res, limit, offset)) return;
             bool from_given = req.has_param("fromDate"), to_given = req.has_param("toDate");
             if (from_given != to_given) {
               api_error(res, 422, "Invalid Parameter");  // OrangeHRM wants both or neither
               return;
             }
             std::string from = from_given ? req.get_param_value("fromDate") : "0000-00-00";
             std::string to = to_given ? req.get_param_value("toDate") : "9999-99-99";
             std::set<int> statuses;
             for (std::size_t i = 0; i < req.get_param_value_count("statuses[]"); ++i) {
               statuses.insert(std::stoi(req.get_param_value("statuses[]", i)));
             }
             if (statuses.empty())
               statuses.insert(1);  // OrangeHRM's default: Pending Approval only
             std::string include = req.has_param("includeEmployees")
                                       ? req.get_param_value("includeEmployees")
                                       : "onlyCurrent";
             std::vector<std::size_t> selection;
             for (std::size_t i = 0; i < data_.leave.size(); ++i) {
               const DemoLeave& l = data_.leave[i];
               if (l.start > to || l.end < from || !statuses.contains(status_of(l))) continue;
               auto number = emp_number_of_.find(l.person_id);
               if (number == emp_number_of_.end()) continue;
               bool current = data_.people[number->second - 1].termination_date.empty();
               if (include == "onlyCurrent" && !current) continue;
               if (include == "onlyPast" && current) continue;
               selection.push_back(i);
             }
             std::size_t end =
                 limit == 0 ? selection.size() : std::min(selection.size(), offset + limit);
             json items = json::array();
             for (std::size_t i = offset; i < end; ++i) items.push_back(leave_json(selection[i]));
             answer_json(res, {{"data", std::move(items)},
                               {"meta", {{"total", selection.size()}}},
                               {"rels", json::array()}});
           });
  server_.start();
}

void FakeOrangeHrm::token(const httplib::Request& req, httplib::Response& res) {
  std::lock_guard lock(mutex_);
  ++token_requests_;
  std::string grant = req.get_param_value("grant_type");
  if (!grants_.contains(grant)) {
    oauth_error(res, 400, "unsupported_grant_type",
                "The authorization grant type is not supported by the authorization server.");
    return;
  }
  if (req.get_param_value("client_id") != client_id_ ||
      req.get_param_value("client_secret") != client_secret_) {
    oauth_error(res, 401, "invalid_client", "Client authentication failed");
    return;
  }
  json answer = {{"token_type", "Bearer"}, {"expires_in", token_lifetime_s_}};
  if (grant == "refresh_token") {
    auto used = refresh_tokens_.find(req.get_param_value("refresh_token"));
    if (used == refresh_tokens_.end()) {
      oauth_error(res, 400, "invalid_grant", "The refresh token is invalid.");
      return;
    }
    refresh_tokens_.erase(used);  // rotated: the old one is revoked
    std::string rotated = "rt-" + std::to_string(next_token_++);
    refresh_tokens_.insert(rotated);
    answer["refresh_token"] = rotated;
  } else if (grant == "password") {
    if (req.get_param_value("username") != api_user_ ||
        req.get_param_value("password") != api_password_) {
      oauth_error(res, 400, "invalid_grant", "The user credentials were incorrect.");
      return;
    }
  }
  std::string access = "at-" + std::to_string(next_token_++);
  access_tokens_.insert(access);
  answer["access_token"] = access;
  answer_json(res, answer);
}

bool FakeOrangeHrm::bearer_ok(const httplib::Request& request, httplib::Response& response) const {
  std::string header = request.get_header_value("Authorization");
  std::lock_guard lock(mutex_);
  if (header.rfind("Bearer ", 0) == 0 && access_tokens_.contains(header.substr(7))) return true;
  oauth_error(response, 401, "access_denied",
              "The resource owner or authorization server denied the request.");
  return false;
}

std::string FakeOrangeHrm::issue_refresh_token() {
  std::lock_guard lock(mutex_);
  std::string token = "rt-" + std::to_string(next_token_++);
  refresh_tokens_.insert(token);
  return token;
}

void FakeOrangeHrm::set_token_lifetime_s(int seconds) {
  std::lock_guard lock(mutex_);
  token_lifetime_s_ = seconds;
}

void FakeOrangeHrm::revoke_access_tokens() {
  std::lock_guard lock(mutex_);
  access_tokens_.clear();
}

void FakeOrangeHrm::set_api_user(std::string username, std::string password) {
  std::lock_guard lock(mutex_);
  api_user_ = std::move(username);
  api_password_ = std::move(password);
}

void FakeOrangeHrm::forbid_leave() {
  std::lock_guard lock(mutex_);
  leave_forbidden_ = true;
}

void FakeOrangeHrm::forbid_job_details() {
  std::lock_guard lock(mutex_);
  job_details_forbidden_ = true;
}

void FakeOrangeHrm::allow_grants(std::set<std::string> grants) {
  std::lock_guard lock(mutex_);
  grants_ = std::move(grants);
}

int FakeOrangeHrm::token_requests() const {
  std::lock_guard lock(mutex_);
  return token_requests_;
}

json FakeOrangeHrm::employee_json(std::size_t index) const {
  const DemoPerson& p = data_.people[index];
  json supervisors = json::array();
  auto manager = emp_number_of_.find(p.manager_id);
  if (manager != emp_number_of_.end()) {
    const DemoPerson& m = data_.people[manager->second - 1];
    supervisors.push_back({{"empNumber", manager->second},
                           {"lastName", m.last_name},
                           {"firstName", m.first_name},
                           {"middleName", ""}});
  }
  int number = static_cast<int>(index + 1);
  json item = {{"empNumber", number},
               {"lastName", p.last_name},
               {"firstName", p.first_name},
               {"middleName", ""},
               {"employeeId", p.id},
               {"terminationId",
                p.termination_date.empty() ? json(nullptr) : json(termination_id_of(number))},
               {"jobTitle", {{"id", 1}, {"title", "Staff"}, {"isDeleted", false}}},
               {"subunit", {{"id", 1}, {"name", p.department}}},
               {"empStatus", {{"id", 1}, {"name", "Full-Time Permanent"}}},
               {"supervisors", supervisors}};
  std::lock_guard lock(mutex_);
  auto it = employee_overrides_.find(number);
  if (it != employee_overrides_.end()) item.update(it->second);
  return item;
}

json FakeOrangeHrm::leave_json(std::size_t index) const {
  static const std::map<int, std::string> names = {
      {-1, "Rejected"}, {0, "Cancelled"}, {1, "Pending Approval"}, {2, "Scheduled"}, {3, "Taken"}};
  const DemoLeave& l = data_.leave[index];
  int status = status_of(l);
  int number = emp_number_of_.at(l.person_id);
  const DemoPerson& p = data_.people[number - 1];
  int id = static_cast<int>(index + 1);
  json item = {
      {"id", id},
      {"dates",
       {{"fromDate", l.start},
        {"toDate", l.end},
        {"durationType", {{"id", 1}, {"type", "full_day"}}},
        {"startTime", nullptr},
        {"endTime", nullptr}}},
      {"noOfDays", 10},
      {"leaveBalances", json::array()},
      {"multiPeriod", false},
      {"leaveBreakdown", {{{"id", status}, {"name", names.at(status)}, {"lengthDays", 10}}}},
      {"allowedActions", json::array()},
      {"hasMultipleStatus", false},
      {"employee",
       {{"empNumber", number},
        {"lastName", p.last_name},
        {"firstName", p.first_name},
        {"middleName", ""},
        {"employeeId", p.id},
        {"terminationId",
         p.termination_date.empty() ? json(nullptr) : json(termination_id_of(number))}}},
      {"leaveType", {{"id", 1}, {"name", l.type}, {"deleted", false}}},
      {"lastComment", nullptr}};
  std::lock_guard lock(mutex_);
  auto it = leave_overrides_.find(id);
  if (it != leave_overrides_.end()) item.update(it->second);
  return item;
}

const DemoPerson* FakeOrangeHrm::employee_at(const httplib::Request& req,
                                             httplib::Response& res) const {
  std::size_t number = 0;
  try {
    number = std::stoul(req.matches[1]);
  } catch (const std::exception&) {
  }
  if (number < 1 || number > data_.people.size()) {
    api_error(res, 422, "Invalid Parameter");  // the empNumber rule (IN_ACCESSIBLE_EMP_NUMBERS)
    return nullptr;
  }
  return &data_.people[number - 1];
}

void FakeOrangeHrm::corrupt_job_details(int emp_number, const std::string& field, json value) {
  std::lock_guard lock(mutex_);
  job_details_overrides_[emp_number][field] = std::move(value);
}

void FakeOrangeHrm::corrupt_termination(int emp_number, const std::string& field, json value) {
  std::lock_guard lock(mutex_);
  termination_overrides_[emp_number][field] = std::move(value);
}

void FakeOrangeHrm::delete_termination(int emp_number) {
  std::lock_guard lock(mutex_);
  deleted_terminations_.insert(emp_number);
}

int FakeOrangeHrm::job_details_requests() const {
  std::lock_guard lock(mutex_);
  return job_details_requests_;
}

int FakeOrangeHrm::termination_requests() const {
  std::lock_guard lock(mutex_);
  return termination_requests_;
}

int FakeOrangeHrm::contact_details_requests() const {
  std::lock_guard lock(mutex_);
  return contact_details_requests_;
}

void FakeOrangeHrm::remove_first_employee() {
  std::lock_guard lock(mutex_);
  if (!current_.empty()) current_.erase(current_.begin());
}

void FakeOrangeHrm::corrupt_employee(int emp_number, const std::string& field, json value) {
  std::lock_guard lock(mutex_);
  employee_overrides_[emp_number][field] = std::move(value);
}

void FakeOrangeHrm::corrupt_leave(int request_id, const std::string& field, json value) {
  std::lock_guard lock(mutex_);
  leave_overrides_[request_id][field] = std::move(value);
}

}  // namespace mentoring::fakes
