#include "fake_orangehrm.hpp"

#include <algorithm>
#include <chrono>

namespace mentoring::fakes {

using nlohmann::json;

namespace {

constexpr const char* kPrefix = "/web/index.php";

void answer_json(httplib::Response& response, const json& body, int status = 200) {
  response.status = status;
  response.set_content(body.dump(), "application/json");
}

void oauth_error(httplib::Response& response, int status, const std::string& code,
                 const std::string& text, const std::string& hint = "") {
  json body = {{"error", code}, {"error_description", text}};
  if (!hint.empty()) body["hint"] = hint;
  body["message"] = text;
  answer_json(response, body, status);
}

// OrangeHRM's API errors: the status is a string for 422 and 404 (the
// validation and record-not-found exceptions), a number for 401 and 403.
void api_error(httplib::Response& response, int status, const std::string& message) {
  json error = {
      {"status", status == 401 || status == 403 ? json(status) : json(std::to_string(status))},
      {"message", message}};
  answer_json(response, {{"error", error}}, status);
}

void invalid_parameter(httplib::Response& response, const std::string& key) {
  answer_json(response,
              {{"error",
                {{"status", "422"},
                 {"message", "Invalid Parameter"},
                 {"data", {{"invalidParamKeys", json::array({key})}}}}}},
              422);
}

// limit and offset as OrangeHRM validates them: non-negative integers.
bool paging(const httplib::Request& request, httplib::Response& response, std::size_t& limit,
            std::size_t& offset) {
  for (const char* key : {"limit", "offset"}) {
    if (!request.has_param(key)) continue;
    const std::string value = request.get_param_value(key);
    if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos) {
      invalid_parameter(response, key);
      return false;
    }
  }
  limit = request.has_param("limit") ? std::stoul(request.get_param_value("limit")) : 50;
  offset = request.has_param("offset") ? std::stoul(request.get_param_value("offset")) : 0;
  return true;
}

std::chrono::year_month_day ymd(const std::string& date) {
  using namespace std::chrono;
  if (date.size() != 10) return {};
  return year{std::stoi(date.substr(0, 4))} / month{unsigned(std::stoi(date.substr(5, 2)))} /
         day{unsigned(std::stoi(date.substr(8, 2)))};
}

bool valid_date(const std::string& date) {
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
    if (date[i] < '0' || date[i] > '9') return false;
  return ymd(date).ok();
}

std::string iso(std::chrono::sys_days day) {
  std::chrono::year_month_day d{day};
  char text[32];  // room for any int year: GCC checks the widest at -O3
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", int(d.year()), unsigned(d.month()),
                unsigned(d.day()));
  return text;
}

// A leave request's working days (OrangeHRM counts no weekend day).
std::vector<std::string> weekdays(const std::string& from, const std::string& to) {
  using namespace std::chrono;
  std::vector<std::string> out;
  if (!valid_date(from) || !valid_date(to)) return out;
  for (sys_days d{ymd(from)}; d <= sys_days{ymd(to)}; d += days{1}) {
    weekday w{d};
    if (w != Saturday && w != Sunday) out.push_back(iso(d));
  }
  return out;
}

const char* status_name(int status) {
  switch (status) {
    case -1:
      return "Rejected";
    case 0:
      return "Cancelled";
    case 1:
      return "Pending Approval";
    case 2:
      return "Scheduled";
    case 3:
      return "Taken";
    case 4:
      return "Weekend";
    default:
      return "Holiday";
  }
}

json actions_for(int status, bool own) {
  auto action = [](const char* a, const char* n) { return json{{"action", a}, {"name", n}}; };
  if (status == 1 && !own)
    return json::array(
        {action("APPROVE", "Approve"), action("CANCEL", "Cancel"), action("REJECT", "Reject")});
  if (status == 1 || status == 2 || (status == 3 && !own))
    return json::array({action("CANCEL", "Cancel")});
  return json::array();
}

std::int64_t steady_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace

int FakeOrangeHrm::status_of(const DemoLeave& leave) {
  if (leave.status == "requested") return 1;
  if (leave.status == "canceled" || leave.status == "cancelled") return 0;
  if (leave.status == "denied" || leave.status == "rejected") return -1;
  if (leave.status == "taken") return 3;
  if (leave.status == "scheduled") return 2;
  return leave.end < "2026-01-01" ? 3 : 2;  // approved: taken once over, else scheduled
}

FakeOrangeHrm::~FakeOrangeHrm() {
  faults_.stop_streams();  // an endless body would hold the server's stop
}

FakeOrangeHrm::FakeOrangeHrm(DemoData data, std::string client_id, std::string client_secret,
                             int port)
    : data_(std::move(data)),
      client_id_(std::move(client_id)),
      client_secret_(std::move(client_secret)),
      grants_{"authorization_code", "refresh_token"},
      clock_(steady_ms),
      server_(port) {
  for (std::size_t i = 0; i < data_.people.size(); ++i) {
    emp_number_of_[data_.people[i].id] = static_cast<int>(i + 1);
    if (data_.people[i].termination_date.empty()) current_.push_back(i);
  }
  std::set<std::string> types;
  for (const auto& l : data_.leave) types.insert(l.type);
  leave_types_.assign(types.begin(), types.end());

  auto& http = server_.http();
  http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (faults_.apply(req, res)) return httplib::Server::HandlerResponse::Handled;
    return httplib::Server::HandlerResponse::Unhandled;
  });
  http.set_post_routing_handler(&FaultPlan::finish);
  // OrangeHRM receives no write-backs: its counts are the requests and faults.
  http.Get("/__fake/counts", [this](const httplib::Request&, httplib::Response& res) {
    nlohmann::json counts = {{"host", "orangehrm"},
                             {"requests", faults_.requests_seen()},
                             {"faults_applied", faults_.faults_applied()},
                             {"write_backs_received", 0}};
    res.set_content(counts.dump(), "application/json");
  });
  faults_.serve_admin(http);
  // An unknown route (or a method a route does not take): 404 with an empty
  // HTML body, as OrangeHRM's front controller answers.
  http.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.status == 404 && res.body.empty()) res.set_content("", "text/html; charset=UTF-8");
  });

  const std::string api = std::string(kPrefix) + "/api/v2";
  http.Post(std::string(kPrefix) + "/oauth2/token",
            [this](const httplib::Request& req, httplib::Response& res) { token(req, res); });

  http.Get(api + "/pim/employees", [this](const httplib::Request& req, httplib::Response& res) {
    if (!bearer_ok(req, res)) return;
    {
      std::lock_guard lock(mutex_);
      last_employee_query_.clear();
      for (const auto& [k, v] : req.params) last_employee_query_ += k + "=" + v + "&";
    }
    std::size_t limit = 0, offset = 0;
    if (!paging(req, res, limit, offset)) return;
    std::string model = req.has_param("model") ? req.get_param_value("model") : "default";
    if (model != "default" && model != "detailed") return invalid_parameter(res, "model");
    std::string include =
        req.has_param("includeEmployees") ? req.get_param_value("includeEmployees") : "onlyCurrent";
    std::vector<std::size_t> selection;
    if (include == "onlyCurrent") {
      std::lock_guard lock(mutex_);
      selection = current_;
    } else if (include == "currentAndPast" || include == "onlyPast") {
      for (std::size_t i = 0; i < data_.people.size(); ++i) {
        if (include == "onlyPast" && data_.people[i].termination_date.empty()) continue;
        selection.push_back(i);
      }
    } else {
      return invalid_parameter(res, "includeEmployees");
    }
    if (req.has_param("sortField")) {
      std::string field = req.get_param_value("sortField");
      bool descending = req.get_param_value("sortOrder") == "DESC";
      auto key = [&](std::size_t i) -> std::string {
        const DemoPerson& p = data_.people[i];
        if (field == "employee.firstName") return p.first_name;
        if (field == "employee.lastName") return p.last_name;
        return p.id;
      };
      if (field != "employee.firstName" && field != "employee.lastName" &&
          field != "employee.employeeId")
        return invalid_parameter(res, "sortField");
      std::stable_sort(selection.begin(), selection.end(), [&](std::size_t a, std::size_t b) {
        return descending ? key(b) < key(a) : key(a) < key(b);
      });
    }
    // limit=0 lists everyone, as OrangeHRM does.
    std::size_t to = limit == 0 ? selection.size() : std::min(selection.size(), offset + limit);
    json items = json::array();
    for (std::size_t i = offset; i < to; ++i) {
      json item = employee_json(selection[i]);
      if (model == "default") {
        for (const char* key : {"jobTitle", "subunit", "empStatus", "supervisors"}) item.erase(key);
      }
      items.push_back(std::move(item));
    }
    answer_json(res, {{"data", std::move(items)},
                      {"meta", {{"total", selection.size()}}},
                      {"rels", json::array()}});
  });

  http.Get(api + R"(/pim/employees/(\d+))",
           [this](const httplib::Request& req, httplib::Response& res) {
             if (!bearer_ok(req, res) || !employee_at(req, res)) return;
             answer_json(res, {{"data", employee_summary(std::stoi(req.matches[1]))},
                               {"meta", json::array()},
                               {"rels", json::array()}});
           });

  auto relations = [this](bool supervisors) {
    return [this, supervisors](const httplib::Request& req, httplib::Response& res) {
      if (!bearer_ok(req, res)) return;
      if (supervisors) {
        std::lock_guard lock(mutex_);
        ++supervisor_requests_;
      }
      if (!employee_at(req, res)) return;
      int number = std::stoi(req.matches[1]);
      // Every (employee, supervisor, method) the fake knows.
      std::vector<std::tuple<int, int, std::string>> links;
      for (std::size_t i = 0; i < data_.people.size(); ++i) {
        auto m = emp_number_of_.find(data_.people[i].manager_id);
        if (m != emp_number_of_.end()) links.emplace_back(int(i + 1), m->second, "Direct");
      }
      {
        std::lock_guard lock(mutex_);
        for (const auto& [emp, extra] : extra_supervisors_)
          for (const auto& [sup, method] : extra) links.emplace_back(emp, sup, method);
      }
      json items = json::array();
      for (const auto& [emp, sup, method] : links) {
        int other = supervisors ? sup : emp;
        if ((supervisors ? emp : sup) != number) continue;
        json person = employee_summary(other);
        person.erase("employeeId");
        json entry = {{supervisors ? "supervisor" : "subordinate",
                       {{"empNumber", other},
                        {"firstName", person["firstName"]},
                        {"lastName", person["lastName"]},
                        {"middleName", ""},
                        {"terminationId", person["terminationId"]}}},
                      {"reportingMethod", {{"id", method == "Direct" ? 1 : 2}, {"name", method}}}};
        items.push_back(std::move(entry));
      }
      answer_json(res, {{"data", items},
                        {"meta", {{"empNumber", number}, {"total", items.size()}}},
                        {"rels", json::array()}});
    };
  };
  http.Get(api + R"(/pim/employees/(\d+)/supervisors)", relations(true));
  http.Get(api + R"(/pim/employees/(\d+)/subordinates)", relations(false));

  http.Get(api + R"(/pim/employee/(\d+)/contact-details)",
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

  http.Get(api + R"(/pim/employees/(\d+)/job-details)",
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

  http.Get(api + R"(/pim/employees/(\d+)/terminations/(\d+))",
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

  http.Get(api + "/leave/employees/leave-requests",
           [this](const httplib::Request& req, httplib::Response& res) {
             if (!bearer_ok(req, res)) return;
             if (std::lock_guard lock(mutex_); leave_forbidden_) {
               api_error(res, 403, "Unauthorized");
               return;
             }
             leave_list(req, res, false);
           });
  http.Get(api + "/leave/leave-requests",
           [this](const httplib::Request& req, httplib::Response& res) {
             if (!bearer_ok(req, res)) return;
             leave_list(req, res, true);
           });

  http.Get(api + R"(/leave/employees/leave-requests/(\d+))",
           [this](const httplib::Request& req, httplib::Response& res) {
             if (!bearer_ok(req, res)) return;
             std::size_t id = std::stoul(req.matches[1]);
             if (id < 1 || id > data_.leave.size()) return api_error(res, 404, "Record Not Found");
             std::string model = req.has_param("model") ? req.get_param_value("model") : "default";
             if (model != "default" && model != "detailed") return invalid_parameter(res, "model");
             json data = leave_detailed(id - 1, false);
             if (model == "default") {
               data = {{"id", data["id"]},
                       {"leaveType", data["leaveType"]},
                       {"dateApplied", data_.leave[id - 1].start}};
             }
             answer_json(res, {{"data", data}, {"meta", json::array()}, {"rels", json::array()}});
           });

  http.Get(api + R"(/leave/leave-requests/(\d+)/leaves)", [this](const httplib::Request& req,
                                                                 httplib::Response& res) {
    if (!bearer_ok(req, res)) return;
    {
      std::lock_guard lock(mutex_);
      ++leave_day_requests_;
    }
    std::size_t id = std::stoul(req.matches[1]);
    if (id < 1 || id > data_.leave.size()) return api_error(res, 404, "Record Not Found");
    std::size_t limit = 0, offset = 0;
    if (!paging(req, res, limit, offset)) return;
    const DemoLeave& l = data_.leave[id - 1];
    json request = leave_detailed(id - 1, false);
    auto days = days_of(static_cast<int>(id));
    std::size_t end = limit == 0 ? days.size() : std::min(days.size(), offset + limit);
    json items = json::array();
    for (std::size_t i = offset; i < end; ++i) {
      const auto& [date, status] = days[i];
      items.push_back(
          {{"id", static_cast<int>(id * 1000 + i + 1)},
           {"dates",
            {{"fromDate", date},
             {"toDate", nullptr},
             {"durationType", {{"id", 0}, {"type", "full_day"}}},
             {"startTime", nullptr},
             {"endTime", nullptr}}},
           {"lengthHours", 8},
           {"leaveBalance", request["leaveBalances"][0]},
           {"leaveStatus", {{"id", status}, {"name", status_name(status)}, {"lengthDays", 1}}},
           {"allowedActions", actions_for(status, false)},
           {"leaveType", request["leaveType"]},
           {"lastComment", nullptr}});
    }
    answer_json(res, {{"data", items},
                      {"meta",
                       {{"total", days.size()},
                        {"employee", request["employee"]},
                        {"startDate", l.start},
                        {"endDate", l.end}}},
                      {"rels", json::array()}});
  });

  http.Get(api + "/leave/leave-types", [this](const httplib::Request& req, httplib::Response& res) {
    if (!bearer_ok(req, res)) return;
    std::size_t limit = 0, offset = 0;
    if (!paging(req, res, limit, offset)) return;
    json items = json::array();
    for (const auto& name : leave_types_) items.push_back(leave_type_json(name, true));
    answer_json(
        res,
        {{"data", items}, {"meta", {{"total", leave_types_.size()}}}, {"rels", json::array()}});
  });
  http.Get(api + R"(/leave/leave-types/(\d+))",
           [this](const httplib::Request& req, httplib::Response& res) {
             if (!bearer_ok(req, res)) return;
             std::size_t id = std::stoul(req.matches[1]);
             if (id < 1 || id > leave_types_.size()) return api_error(res, 404, "Record Not Found");
             answer_json(res, {{"data", leave_type_json(leave_types_[id - 1], true)},
                               {"meta", json::array()},
                               {"rels", json::array()}});
           });
  http.Get(api + "/leave/leave-period", [this](const httplib::Request& req,
                                               httplib::Response& res) {
    if (!bearer_ok(req, res)) return;
    answer_json(
        res, {{"data", {{"startMonth", 1}, {"startDay", 1}, {"createdAt", "2026-01-01"}}},
              {"meta",
               {{"leavePeriodDefined", true},
                {"currentLeavePeriod", {{"startDate", "2026-01-01"}, {"endDate", "2026-12-31"}}}}},
              {"rels", json::array()}});
  });
  http.Get(api + "/leave/leave-entitlements", [this](const httplib::Request& req,
                                                     httplib::Response& res) {
    if (!bearer_ok(req, res)) return;
    int number = 0;
    try {
      number = std::stoi(req.get_param_value("empNumber"));
    } catch (const std::exception&) {
    }
    if (number < 1 || number > static_cast<int>(data_.people.size()))
      return invalid_parameter(res, "empNumber");
    std::string from = req.has_param("fromDate") ? req.get_param_value("fromDate") : "2026-01-01";
    std::string to = req.has_param("toDate") ? req.get_param_value("toDate") : "2026-12-31";
    json items = json::array();
    int sum = 0;
    for (std::size_t t = 0; t < leave_types_.size(); ++t) {
      items.push_back({{"id", number * 100 + static_cast<int>(t)},
                       {"employee", employee_summary(number)},
                       {"entitlement", 20},
                       {"daysUsed", 0},
                       {"leaveType", leave_type_json(leave_types_[t], false)},
                       {"fromDate", from.substr(0, 4) + "-01-01"},
                       {"toDate", from.substr(0, 4) + "-12-31"},
                       {"creditedDate", from},
                       {"entitlementType", {{"id", 1}, {"name", "Added"}}},
                       {"deleted", false},
                       {"deletable", true}});
      sum += 20;
    }
    answer_json(res, {{"data", items},
                      {"meta",
                       {{"total", items.size()},
                        {"sum", sum},
                        {"fromDate", from},
                        {"toDate", to},
                        {"empNumber", number}}},
                      {"rels", json::array()}});
  });
  http.Get(api + R"(/leave/leave-balance/leave-type/(\d+))",
           [this](const httplib::Request& req, httplib::Response& res) {
             if (!bearer_ok(req, res)) return;
             std::size_t type = std::stoul(req.matches[1]);
             if (type < 1 || type > leave_types_.size())
               return invalid_parameter(res, "leaveTypeId");
             int number = 0;
             try {
               number = std::stoi(req.get_param_value("empNumber"));
             } catch (const std::exception&) {
             }
             if (number < 1 || number > static_cast<int>(data_.people.size()))
               return invalid_parameter(res, "empNumber");
             answer_json(res, {{"data",
                                {{"balance",
                                  {{"entitled", 20},
                                   {"used", 0},
                                   {"scheduled", 0},
                                   {"pending", 0},
                                   {"taken", 0},
                                   {"balance", 20},
                                   {"asAtDate", "2026-01-01"},
                                   {"endDate", "2026-12-31"}}}}},
                               {"meta",
                                {{"employee", employee_summary(number)},
                                 {"leaveType", leave_type_json(leave_types_[type - 1], true)}}},
                               {"rels", json::array()}});
           });
  http.Get(api + "/admin/users", [this](const httplib::Request& req, httplib::Response& res) {
    if (!bearer_ok(req, res)) return;
    if (ess_user(req) != 0) return api_error(res, 403, "Unauthorized");
    answer_json(res, {{"data", json::array({{{"id", 1},
                                             {"userName", api_user_},
                                             {"deleted", false},
                                             {"status", true},
                                             {"employee", employee_summary(1)},
                                             {"userRole", {{"id", 1}, {"name", "Admin"}}}}})},
                      {"meta", {{"total", 1}}},
                      {"rels", json::array()}});
  });
  server_.start();
}

void FakeOrangeHrm::leave_list(const httplib::Request& req, httplib::Response& res, bool own) {
  {
    std::lock_guard lock(mutex_);
    if (!own) {
      last_leave_query_.clear();
      for (const auto& [k, v] : req.params) last_leave_query_ += k + "=" + v + "&";
    }
  }
  // This list always answers the detailed shape and takes no model parameter.
  if (req.has_param("model")) return invalid_parameter(res, "model");
  std::size_t limit = 0, offset = 0;
  if (!paging(req, res, limit, offset)) return;
  bool from_given = req.has_param("fromDate"), to_given = req.has_param("toDate");
  if (from_given != to_given) return invalid_parameter(res, from_given ? "toDate" : "fromDate");
  std::string from = from_given ? req.get_param_value("fromDate") : "0000-00-00";
  std::string to = to_given ? req.get_param_value("toDate") : "9999-99-99";
  if (from_given && !valid_date(from)) return invalid_parameter(res, "fromDate");
  if (to_given && !valid_date(to)) return invalid_parameter(res, "toDate");
  if (from > to) return invalid_parameter(res, "fromDate");
  std::set<int> statuses;
  for (std::size_t i = 0; i < req.get_param_value_count("statuses[]"); ++i) {
    std::string value = req.get_param_value("statuses[]", i);
    int status = 99;
    try {
      status = std::stoi(value);
    } catch (const std::exception&) {
    }
    if (status < -1 || status > 3) return invalid_parameter(res, "statuses");
    statuses.insert(status);
  }
  if (statuses.empty()) statuses.insert(1);  // OrangeHRM's default: Pending Approval only
  std::string include =
      req.has_param("includeEmployees") ? req.get_param_value("includeEmployees") : "onlyCurrent";
  if (include != "onlyCurrent" && include != "currentAndPast" && include != "onlyPast")
    return invalid_parameter(res, "includeEmployees");
  int only_emp = 0;
  if (req.has_param("empNumber")) {
    try {
      only_emp = std::stoi(req.get_param_value("empNumber"));
    } catch (const std::exception&) {
    }
    if (only_emp < 1 || only_emp > static_cast<int>(data_.people.size()))
      return invalid_parameter(res, "empNumber");
  }
  int self = own ? ess_user(req) : 0;
  if (own && self == 0) self = 1;  // the admin API user is employee 1
  std::vector<std::size_t> selection;
  for (std::size_t i = 0; i < data_.leave.size(); ++i) {
    const DemoLeave& l = data_.leave[i];
    if (l.start > to || l.end < from) continue;
    // A request is listed when any of its days has a status asked for.
    bool wanted = false;
    for (const auto& day : days_of(static_cast<int>(i + 1)))
      wanted |= statuses.contains(day.second);
    if (!wanted) continue;
    auto number = emp_number_of_.find(l.person_id);
    if (number == emp_number_of_.end()) continue;
    if (only_emp && number->second != only_emp) continue;
    if (own && number->second != self) continue;
    bool current = data_.people[number->second - 1].termination_date.empty();
    if (!own && include == "onlyCurrent" && !current) continue;
    if (!own && include == "onlyPast" && current) continue;
    selection.push_back(i);
  }
  std::size_t end = limit == 0 ? selection.size() : std::min(selection.size(), offset + limit);
  json items = json::array();
  for (std::size_t i = offset; i < end; ++i) items.push_back(leave_json(selection[i]));
  if (own)
    for (auto& item : items)
      item["allowedActions"] = actions_for(item["leaveBreakdown"][0]["id"], true);
  json meta = {{"total", selection.size()}};
  if (own) meta = {{"empNumber", self}, {"total", selection.size()}};
  answer_json(res, {{"data", std::move(items)}, {"meta", meta}, {"rels", json::array()}});
}

void FakeOrangeHrm::token(const httplib::Request& req, httplib::Response& res) {
  std::lock_guard lock(mutex_);
  ++token_requests_;
  std::string grant = req.get_param_value("grant_type");
  if (!grants_.contains(grant)) {
    oauth_error(res, 400, "unsupported_grant_type",
                "The authorization grant type is not supported by the authorization server.",
                "Check that all required parameters have been provided");
    return;
  }
  if (req.get_param_value("client_id") != client_id_ ||
      req.get_param_value("client_secret") != client_secret_) {
    oauth_error(res, 401, "invalid_client", "Client authentication failed");
    return;
  }
  json answer = {{"token_type", "Bearer"}, {"expires_in", token_lifetime_s_}};
  if (grant == "refresh_token" || grant == "authorization_code") {
    if (grant == "refresh_token") {
      std::string presented = req.get_param_value("refresh_token");
      auto used = refresh_tokens_.find(presented);
      if (used == refresh_tokens_.end()) {
        if (presented.rfind("rt-", 0) == 0) {
          // league/oauth2-server 8 (OrangeHRM 5): a token it knows but that
          // was revoked, rotated away or expired.
          oauth_error(res, 401, "invalid_request", "The refresh token is invalid.",
                      "Token has been revoked");
        } else {
          // One it cannot decrypt: OrangeHRM 5.7 fails with 500 (recorded).
          oauth_error(res, 500, "server_error",
                      "The authorization server encountered an unexpected condition which "
                      "prevented it from fulfilling the request: An unexpected error has occurred");
        }
        return;
      }
      refresh_tokens_.erase(used);  // rotated: the old one is revoked
      used_refresh_tokens_.insert(presented);
    } else {
      auto code = authorization_codes_.find(req.get_param_value("code"));
      if (code == authorization_codes_.end()) {
        oauth_error(res, 400, "invalid_grant",
                    "The provided authorization grant (e.g., authorization code, resource owner "
                    "credentials) or refresh token is invalid, expired, revoked, does not match "
                    "the redirection URI used in the authorization request, or was issued to "
                    "another client.");
        return;
      }
      authorization_codes_.erase(code);
    }
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
  access_tokens_[access] = clock_() + std::int64_t(token_lifetime_s_) * 1000;
  answer["access_token"] = access;
  // refresh_token after access_token, as league/oauth2-server orders them.
  if (answer.contains("refresh_token")) {
    json rt = answer["refresh_token"];
    answer.erase("refresh_token");
    answer["refresh_token"] = rt;
  }
  answer_json(res, answer);
}

bool FakeOrangeHrm::bearer_ok(const httplib::Request& request, httplib::Response& response) const {
  std::string header = request.get_header_value("Authorization");
  std::lock_guard lock(mutex_);
  std::string token = header.rfind("Bearer ", 0) == 0 ? header.substr(7) : "";
  if (auto it = access_tokens_.find(token); it != access_tokens_.end() && clock_() < it->second)
    return true;
  ++unauthorised_;
  // As recorded: no token at all reads as an expired session.
  api_error(response, 401,
            token.empty() ? "Session expired"
                          : "Unexpected error occurred while evaluating the `Bearer` token");
  return false;
}

int FakeOrangeHrm::ess_user(const httplib::Request& request) const {
  std::string header = request.get_header_value("Authorization");
  std::lock_guard lock(mutex_);
  auto it = ess_tokens_.find(header.rfind("Bearer ", 0) == 0 ? header.substr(7) : "");
  return it == ess_tokens_.end() ? 0 : it->second;
}

std::string FakeOrangeHrm::issue_refresh_token() {
  std::lock_guard lock(mutex_);
  std::string token = "rt-" + std::to_string(next_token_++);
  refresh_tokens_.insert(token);
  return token;
}

std::string FakeOrangeHrm::issue_authorization_code() {
  std::lock_guard lock(mutex_);
  std::string code = "code-" + std::to_string(next_token_++);
  authorization_codes_.insert(code);
  return code;
}

std::string FakeOrangeHrm::issue_ess_access_token(int emp_number) {
  std::lock_guard lock(mutex_);
  std::string token = "at-ess-" + std::to_string(next_token_++);
  access_tokens_[token] = clock_() + std::int64_t(token_lifetime_s_) * 1000;
  ess_tokens_[token] = emp_number;
  return token;
}

void FakeOrangeHrm::set_clock(std::function<std::int64_t()> now_ms) {
  std::lock_guard lock(mutex_);
  clock_ = std::move(now_ms);
}

int FakeOrangeHrm::unauthorised_answers() const {
  std::lock_guard lock(mutex_);
  return unauthorised_;
}

void FakeOrangeHrm::add_supervisor(int emp_number, int supervisor_emp_number,
                                   const std::string& method) {
  std::lock_guard lock(mutex_);
  extra_supervisors_[emp_number].emplace_back(supervisor_emp_number, method);
}

void FakeOrangeHrm::cancel_days(int request_id, const std::set<std::string>& days) {
  std::lock_guard lock(mutex_);
  cancelled_days_[request_id].insert(days.begin(), days.end());
}

int FakeOrangeHrm::supervisor_requests() const {
  std::lock_guard lock(mutex_);
  return supervisor_requests_;
}

int FakeOrangeHrm::leave_day_requests() const {
  std::lock_guard lock(mutex_);
  return leave_day_requests_;
}

std::string FakeOrangeHrm::last_leave_list_query() const {
  std::lock_guard lock(mutex_);
  return last_leave_query_;
}

std::string FakeOrangeHrm::last_employee_list_query() const {
  std::lock_guard lock(mutex_);
  return last_employee_query_;
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

json FakeOrangeHrm::employee_summary(int number) const {
  const DemoPerson& p = data_.people[number - 1];
  return {{"empNumber", number},
          {"lastName", p.last_name},
          {"firstName", p.first_name},
          {"middleName", ""},
          {"employeeId", p.id},
          {"terminationId",
           p.termination_date.empty() ? json(nullptr) : json(termination_id_of(number))}};
}

json FakeOrangeHrm::employee_json(std::size_t index) const {
  const DemoPerson& p = data_.people[index];
  int number = static_cast<int>(index + 1);
  // Every supervisor, ordered by empNumber and without the reporting method:
  // the list does not say which one is the line manager.
  std::set<int> supervisor_numbers;
  if (auto manager = emp_number_of_.find(p.manager_id); manager != emp_number_of_.end())
    supervisor_numbers.insert(manager->second);
  {
    std::lock_guard lock(mutex_);
    if (auto extra = extra_supervisors_.find(number); extra != extra_supervisors_.end())
      for (const auto& [sup, method] : extra->second) supervisor_numbers.insert(sup);
  }
  json supervisors = json::array();
  for (int sup : supervisor_numbers) {
    const DemoPerson& m = data_.people[sup - 1];
    supervisors.push_back({{"empNumber", sup},
                           {"lastName", m.last_name},
                           {"firstName", m.first_name},
                           {"middleName", ""}});
  }
  json item = employee_summary(number);
  item["jobTitle"] = {{"id", 1}, {"title", "Staff"}, {"isDeleted", false}};
  item["subunit"] = {{"id", 1}, {"name", p.department}};
  item["empStatus"] = {{"id", 1}, {"name", "Full-Time Permanent"}};
  item["supervisors"] = supervisors;
  std::lock_guard lock(mutex_);
  auto it = employee_overrides_.find(number);
  if (it != employee_overrides_.end()) item.update(it->second);
  return item;
}

int FakeOrangeHrm::leave_type_id(const std::string& name) const {
  auto it = std::lower_bound(leave_types_.begin(), leave_types_.end(), name);
  return static_cast<int>(it - leave_types_.begin()) + 1;
}

json FakeOrangeHrm::leave_type_json(const std::string& name, bool situational) const {
  json type = {{"id", leave_type_id(name)}, {"name", name}, {"deleted", false}};
  if (situational) type["situational"] = false;
  return type;
}

std::vector<std::pair<std::string, int>> FakeOrangeHrm::days_of(int request_id) const {
  const DemoLeave& l = data_.leave[request_id - 1];
  int status = status_of(l);
  std::vector<std::pair<std::string, int>> days;
  std::vector<std::string> dates = weekdays(l.start, l.end);
  if (dates.empty()) dates.push_back(l.start);  // a request on a weekend day still is one
  std::lock_guard lock(mutex_);
  auto cancelled = cancelled_days_.find(request_id);
  for (const auto& d : dates) {
    bool off = cancelled != cancelled_days_.end() && cancelled->second.contains(d);
    days.emplace_back(d, off ? 0 : status);
  }
  return days;
}

json FakeOrangeHrm::leave_detailed(std::size_t index, bool own) const {
  const DemoLeave& l = data_.leave[index];
  int id = static_cast<int>(index + 1);
  auto days = days_of(id);
  std::map<int, int> per_status;
  for (const auto& day : days) ++per_status[day.second];
  json breakdown = json::array();
  int lead_status = days.front().second;
  for (const auto& [status, count] : per_status)
    breakdown.push_back({{"id", status}, {"name", status_name(status)}, {"lengthDays", count}});
  // The breakdown leads with the request's own status (the one most days have).
  int most = 0;
  for (const auto& [status, count] : per_status)
    if (count > most) most = count, lead_status = status;
  std::stable_partition(breakdown.begin(), breakdown.end(),
                        [&](const json& b) { return b["id"] == lead_status; });
  bool single_day = l.start == l.end;
  int number = emp_number_of_.at(l.person_id);
  int pending = per_status.contains(1) ? per_status.at(1) : 0;
  int scheduled = per_status.contains(2) ? per_status.at(2) : 0;
  int taken = per_status.contains(3) ? per_status.at(3) : 0;
  std::string year = l.start.substr(0, 4);
  return {{"id", id},
          {"dates",
           {{"fromDate", l.start},
            {"toDate", single_day ? json(nullptr) : json(l.end)},
            {"durationType", single_day ? json{{"id", 0}, {"type", "full_day"}}
                                        : json{{"id", nullptr}, {"type", nullptr}}},
            {"startTime", nullptr},
            {"endTime", nullptr}}},
          {"noOfDays", static_cast<int>(days.size())},
          {"leaveBalances",
           json::array({{{"period", {{"startDate", year + "-01-01"}, {"endDate", year + "-12-31"}}},
                         {"balance",
                          {{"entitled", 20},
                           {"used", pending + scheduled + taken},
                           {"scheduled", scheduled},
                           {"pending", pending},
                           {"taken", taken},
                           {"balance", 20 - pending - scheduled - taken},
                           {"asAtDate", l.start},
                           {"endDate", year + "-12-31"}}}}})},
          {"multiPeriod", false},
          {"leaveBreakdown", breakdown},
          {"allowedActions", actions_for(lead_status, own)},
          {"hasMultipleStatus", per_status.size() > 1},
          {"employee", employee_summary(number)},
          {"leaveType", leave_type_json(l.type, false)},
          {"lastComment", {{"id", id}, {"comment", l.type}, {"date", l.start}, {"time", "09:00"}}}};
}

json FakeOrangeHrm::leave_json(std::size_t index) const {
  json item = leave_detailed(index, false);
  std::lock_guard lock(mutex_);
  auto it = leave_overrides_.find(static_cast<int>(index + 1));
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
  bool hidden = false;
  {
    std::lock_guard lock(mutex_);
    hidden = hidden_employees_.contains(static_cast<int>(number));
  }
  if (number < 1 || number > data_.people.size() || hidden) {
    invalid_parameter(res, "empNumber");  // the empNumber rule (IN_ACCESSIBLE_EMP_NUMBERS)
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

void FakeOrangeHrm::hide_employee(int emp_number) {
  std::lock_guard lock(mutex_);
  hidden_employees_.insert(emp_number);
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
