#include "orangehrm_adapter/orangehrm_adapter.hpp"

#include "token_source.hpp"

#include <mentoring/schema.hpp>
#include <rest_common/adapter_config.hpp>
#include <rest_common/check.hpp>
#include <rest_common/mapping.hpp>
#include <rest_common/pagination.hpp>
#include <rest_common/pull_page.hpp>

#include <algorithm>
#include <chrono>

namespace mentoring::adapters::orangehrm {

using nlohmann::json;
using rest::Failure;
using rest::PullPage;
using rest::RestError;

namespace {

constexpr const char* kAdapter = "orangehrm";
constexpr const char* kEmployeesPath = "/api/v2/pim/employees";
// Contact details live under the singular "employee" (orangehrmPimPlugin routes.yaml).
constexpr const char* kContactDetailsPath = "/api/v2/pim/employee";
constexpr const char* kLeaveRequestsPath = "/api/v2/leave/employees/leave-requests";
// Every leave status by id; the leave-request list's default is Pending Approval only.
constexpr const char* kEveryLeaveStatus =
    "&statuses%5B%5D=-1&statuses%5B%5D=0&statuses%5B%5D=1&statuses%5B%5D=2&statuses%5B%5D=3";
// A request's single days, each with its own status (LeaveAPI, orangehrmLeavePlugin).
constexpr const char* kLeaveRequestDaysPath = "/api/v2/leave/leave-requests";

// The record a mapper is on. Its problems quarantine it under its id (once
// known), so the rest of the page is taken and a full read does not count the
// employee absent; the problems of the page itself go to page.add_problem.
struct OnRecord {
  PullPage& page;
  std::optional<std::string> id;
  const json& item;  // as OrangeHRM listed it: the quarantine's excerpt
  void problem(rest::RecordProblem problem) { page.quarantine(std::move(problem), id, item); }
};

// OrangeHRM's leave statuses (entity Leave): a request is a run of days, each
// with its own status, summed up per status in "leaveBreakdown".
enum LeaveStatus {
  rejected = -1,
  cancelled = 0,
  pending_approval = 1,
  scheduled = 2,
  taken = 3,
  weekend = 4,
  holiday = 5
};

std::optional<int> status_from_name(const std::string& name) {
  std::string s = rest::lower_trimmed(name);
  if (s == "rejected") return rejected;
  if (s == "cancelled" || s == "canceled") return cancelled;
  if (s == "pending approval") return pending_approval;
  if (s == "scheduled") return scheduled;
  if (s == "taken") return taken;
  if (s == "weekend") return weekend;
  if (s == "holiday") return holiday;
  return std::nullopt;
}

// One status for the whole request. Days still scheduled or taken mean the
// leave stands even when some days were cancelled; weekends and holidays say
// nothing about the request.
std::optional<std::string> request_status(const std::vector<int>& day_statuses) {
  auto has = [&](int s) {
    return std::find(day_statuses.begin(), day_statuses.end(), s) != day_statuses.end();
  };
  if (has(scheduled) || has(taken)) return "approved";
  if (has(pending_approval)) return "requested";
  if (has(cancelled)) return "cancelled";
  if (has(rejected)) return "denied";
  return std::nullopt;
}

// Ids arrive as numbers (empNumber, leave request id) or numeric strings.
// A number only when whole and not negative: 1.5, -3 and a number past 64
// bits (read as a fraction) are no id, never a rounded or wrapped one.
std::optional<std::string> as_id(const json& value) {
  if (value.is_number_unsigned()) return std::to_string(value.get<unsigned long long>());
  if (value.is_string() && !value.get<std::string>().empty()) return value.get<std::string>();
  return std::nullopt;
}

// YYYY-MM-DD and a day that exists (2023-02-29 does not).
bool is_calendar_date(const json& value) {
  if (!value.is_string()) return false;
  return rest::is_date(value.get_ref<const std::string&>());
}

json text_or_null(const json& object, const char* key) {
  if (!object.is_object() || !object.contains(key)) return nullptr;
  const json& value = object[key];
  return value.is_string() && !value.get<std::string>().empty() ? value : json(nullptr);
}

// OrangeHRM's own error body: {"error": {"status": "422", "message": "Invalid Parameter", ...}},
// or league/oauth2-server's {"error": "access_denied", "message": "..."} on the API's bearer check.
std::string their_message(const rest::Response& response) {
  json body = json::parse(response.body, nullptr, false);
  if (!body.is_object()) return "";
  if (body.contains("error") && body["error"].is_object())
    return body["error"].value("message", std::string());
  if (body.contains("message") && body["message"].is_string())
    return body["message"].get<std::string>();
  return "";
}

}  // namespace

struct OrangeHrmAdapter::State {
  Services services;
  std::string organisation, name, system;
  json settings;
  std::unique_ptr<rest::RestClient> api;
  std::unique_ptr<TokenSource> tokens;
  rest::LeaveTypeMap leave_types;

  std::string today() const { return rest::date_from_unix(services.now_unix_ms() / 1000); }

  // GET with a bearer token; a 401 means the token was revoked or expired
  // early, so one fresh token is tried before giving up.
  rest::Response get_response(const std::string& path, const std::string& what) {
    for (int attempt = 0;; ++attempt) {
      api->set_header("Authorization", "Bearer " + tokens->access_token());
      rest::Response response = api->send("GET", path, "", {}, what);
      if (response.status == 401 && attempt == 0) {
        tokens->invalidate();
        continue;
      }
      return response;
    }
  }

  json get(const std::string& path, const std::string& what) {
    rest::Response response = get_response(path, what);
    if (response.status >= 200 && response.status <= 299) return api->parse_body(response, what);
    throw error_for(response, what);
  }

  RestError error_for(const rest::Response& response, const std::string& what) const {
    std::string said = their_message(response);
    std::string where = system + ": " + what + ": HTTP " + std::to_string(response.status);
    if (!said.empty()) said = " (OrangeHRM: \"" + said + "\")";
    if (response.status == 401) {
      return RestError(
          Failure::unauthenticated,
          where + ", a fresh access token was refused too" + said +
              " — the credentials work for the token endpoint but not the API: check that the "
              "OAuth client is enabled in Admin > Configuration > OAuth Clients");
    }
    if (response.status == 403) {
      return RestError(Failure::forbidden,
                       where + ", this API user may not do this" + said +
                           " — give the user behind the OAuth client the Admin role, or a "
                           "role that sees PIM and Leave for everyone");
    }
    if (response.status == 404) {
      return RestError(Failure::not_found,
                       where + ", not found" + said +
                           " — check base_url: it ends in OrangeHRM's front controller, eg "
                           "https://hr.example.com/web/index.php");
    }
    if (response.status == 422 || response.status == 400) {
      return RestError(Failure::bad_request, where + ", the request was refused" + said);
    }
    return api->error_for(response, what);
  }

  // Checks the {"data": [...], "meta": {"total": N}} envelope of a list.
  bool list_envelope(const json& body, const std::string& source, PullPage& page,
                     std::optional<long long>& total) const {
    if (!body.is_object() || !body.contains("data") || !body["data"].is_array()) {
      page.add_problem({source, std::nullopt, "data", "", schema::describe(body),
                        "an object with a \"data\" array (OrangeHRM API v2 list)"});
      return false;
    }
    const json meta = body.value("meta", json::object());
    if (meta.is_object() && meta.contains("total") && meta["total"].is_number_integer()) {
      total = meta["total"].get<long long>();
    }
    return true;
  }

  // ------------------------------------------------------------------ people
  void map_person(const json& item, long long row, const std::string& source, bool work_emails,
                  bool job_details, OnRecord& record) {
    auto problem = [&](const std::string& field, const std::string& pointer, const json& found,
                       const std::string& expected) {
      record.problem({source, row, field, pointer, schema::describe(found), expected});
    };
    if (!item.is_object()) {
      record.problem({source, row, std::nullopt, "", schema::describe(item), "an employee object"});
      return;
    }
    auto get = [&](const char* key) { return item.contains(key) ? item[key] : json("(missing)"); };
    // Each record is judged on its own: a problem of another row does not stop this one.
    const std::size_t problems_before = record.page.quarantined_problem_count();
    auto id = as_id(item.value("empNumber", json()));
    if (!id) {
      problem("empNumber", "/id", get("empNumber"), "the employee number");
      return;
    }
    record.id = *id;
    std::string full;
    bool bad = false;
    for (const char* key : {"firstName", "lastName"}) {
      const json value = item.value(key, json());
      if (value.is_null()) continue;
      if (!value.is_string()) {
        problem(key, "/name", value, "a string or null");
        bad = true;
        continue;
      }
      std::string part = value.get<std::string>();
      if (!part.empty()) full += (full.empty() ? "" : " ") + part;
    }
    if (!bad && full.empty())
      problem("firstName", "/name", get("firstName"), "a first or last name");
    // supervisors[] of the list is unordered and carries no reporting method:
    // it only tells whether to ask /supervisors, which does.
    bool has_supervisors = false;
    const json supervisors = item.value("supervisors", json::array());
    if (!supervisors.is_array()) {
      problem("supervisors", "/manager_id", supervisors, "an array of supervisors");
    } else {
      for (std::size_t i = 0; i < supervisors.size(); ++i) {
        if (!supervisors[i].is_object() || !as_id(supervisors[i].value("empNumber", json()))) {
          problem("supervisors[" + std::to_string(i) + "].empNumber", "/manager_id", supervisors[i],
                  "a supervisor with an empNumber");
          continue;
        }
        has_supervisors = true;
      }
    }
    if (record.page.quarantined_problem_count() > problems_before) return;
    json attributes = json::object();
    const json employee_id = text_or_null(item, "employeeId");
    if (!employee_id.is_null()) attributes["employee_id"] = employee_id;
    if (auto job = text_or_null(item.value("jobTitle", json()), "title"); !job.is_null())
      attributes["job_title"] = job;
    if (auto status = text_or_null(item.value("empStatus", json()), "name"); !status.is_null()) {
      attributes["employment_status"] = status;
    }
    const json termination_id = item.value("terminationId", json());
    std::optional<std::string> termination;
    if (!termination_id.is_null()) {
      attributes["terminated"] = true;
      termination = as_id(termination_id);
      if (!termination) {
        problem("terminationId", "/end_date", termination_id,
                "the id of the employee's termination record, or null");
        return;
      }
    }
    std::string who = "employee " + *id;
    if (employee_id.is_string()) who += " (employeeId \"" + employee_id.get<std::string>() + "\")";
    // source is "<system> GET /api/v2/pim/employees (offset N)"; the system is named once.
    who += ", record " + std::to_string(row) + " of " +
           (source.rfind(system + " ", 0) == 0 ? source.substr(system.size() + 1) : source);
    json manager = nullptr;
    json indirect = json::array();
    if (has_supervisors && !line_managers(*id, who, record, manager, indirect)) return;
    json start_date = nullptr, end_date = nullptr;
    if (job_details) {
      if (!employment_dates(*id, termination, who, record, start_date, end_date)) return;
    }
    json person = {{"id", *id},
                   {"name", full},
                   {"email", work_emails ? work_email(*id) : json(nullptr)},
                   {"manager_id", manager},
                   {"department", text_or_null(item.value("subunit", json()), "name")},
                   {"location", nullptr},
                   {"start_date", start_date},
                   {"end_date", end_date},
                   // HR staff know people by their employee id (E0042), not the empNumber.
                   {"employee_number", employee_id},
                   {"indirect_manager_ids", indirect}};
    if (!attributes.empty()) person["attributes"] = attributes;
    record.page.add_record(std::move(person), "person", source, row,
                           source + " record " + std::to_string(row));
  }

  // One employee's resource (job details, a termination): the body's "data"
  // object, or nullopt after adding a problem. 404 and 422 are about this
  // record (OrangeHRM answers 422 for an employee it no longer has or this
  // user may not see, 404 for a record id it does not know), so they
  // quarantine the employee; anything else (401, 403, 5xx, unreachable) throws.
  std::optional<json> employee_resource(const std::string& path, const std::string& what,
                                        const std::string& source, const std::string& field,
                                        const std::string& pointer, const std::string& expected,
                                        OnRecord& record) {
    rest::Response response = get_response(path, what);
    if (response.status == 404 || response.status == 422) {
      std::string said = their_message(response);
      record.problem({source, std::nullopt, field, pointer,
                      "HTTP " + std::to_string(response.status) +
                          (said.empty() ? "" : " (OrangeHRM: \"" + said + "\")"),
                      expected});
      return std::nullopt;
    }
    if (response.status < 200 || response.status > 299) throw error_for(response, what);
    json body = api->parse_body(response, what);
    if (!body.is_object() || !body.contains("data") || !body["data"].is_object()) {
      record.problem({source, std::nullopt, "data", pointer, schema::describe(body),
                      "an object with a \"data\" object (OrangeHRM API v2 resource)"});
      return std::nullopt;
    }
    return body["data"];
  }

  // The line manager is the supervisor whose reporting method is Direct;
  // the others (Indirect, or a method the organisation added) are further
  // managers in the chain. One request per employee who has supervisors.
  // Several Direct supervisors: the lowest empNumber is the line manager
  // (a stable choice), the rest go with the indirect ones.
  bool line_managers(const std::string& emp_number, const std::string& who, OnRecord& record,
                     json& manager, json& indirect) {
    const std::string path =
        std::string(kEmployeesPath) + "/" + rest::url_encode(emp_number) + "/supervisors";
    const std::string where = system + " GET " + path + " (" + who + ")";
    rest::Response response = get_response(path, "supervisors of employee " + emp_number);
    if (response.status == 404 || response.status == 422) {
      std::string said = their_message(response);
      record.problem({where, std::nullopt, "empNumber", "/manager_id",
                      "HTTP " + std::to_string(response.status) +
                          (said.empty() ? "" : " (OrangeHRM: \"" + said + "\")"),
                      "the employee's supervisors (deleted since the list was read, or not "
                      "visible to this API user?)"});
      return false;
    }
    if (response.status < 200 || response.status > 299)
      throw error_for(response, "supervisors of employee " + emp_number);
    json body = api->parse_body(response, "supervisors of employee " + emp_number);
    if (!body.is_object() || !body.contains("data") || !body["data"].is_array()) {
      record.problem({where, std::nullopt, "data", "/manager_id", schema::describe(body),
                      "an object with a \"data\" array of supervisors"});
      return false;
    }
    const json meta = body.value("meta", json::object());
    if (meta.is_object() && meta.value("total", json()).is_number_integer() &&
        meta["total"].get<long long>() > static_cast<long long>(body["data"].size())) {
      record.problem({where, std::nullopt, "meta.total", "/manager_id",
                      std::to_string(meta["total"].get<long long>()) + " supervisors, " +
                          std::to_string(body["data"].size()) + " listed",
                      "every supervisor in one answer"});
      return false;
    }
    std::vector<std::pair<long long, std::string>> direct;
    std::vector<std::string> others;
    const std::size_t problems_before = record.page.quarantined_problem_count();
    for (std::size_t i = 0; i < body["data"].size(); ++i) {
      const json& entry = body["data"][i];
      const std::string at = "data[" + std::to_string(i) + "]";
      const json supervisor = entry.is_object() ? entry.value("supervisor", json()) : json();
      auto id =
          supervisor.is_object() ? as_id(supervisor.value("empNumber", json())) : std::nullopt;
      if (!id) {
        record.problem({where, std::nullopt, at + ".supervisor.empNumber", "/manager_id",
                        schema::describe(entry), "a supervisor with an empNumber"});
        continue;
      }
      const json method = entry.value("reportingMethod", json());
      const json method_name = method.is_object() ? method.value("name", json()) : json();
      if (!method_name.is_string()) {
        record.problem({where, std::nullopt, at + ".reportingMethod.name", "/manager_id",
                        schema::describe(method), "the reporting method's name (eg \"Direct\")"});
        continue;
      }
      if (rest::lower_trimmed(method_name.get<std::string>()) == "direct") {
        long long order = 0;
        try {
          order = std::stoll(*id);
        } catch (const std::exception&) {
          order = 0;
        }
        direct.emplace_back(order, *id);
      } else {
        others.push_back(*id);
      }
    }
    if (record.page.quarantined_problem_count() > problems_before) return false;
    std::sort(direct.begin(), direct.end());
    if (!direct.empty()) manager = direct.front().second;
    for (std::size_t i = 1; i < direct.size(); ++i) indirect.push_back(direct[i].second);
    for (auto& other : others)
      if (std::find(indirect.begin(), indirect.end(), other) == indirect.end() &&
          json(other) != manager)
        indirect.push_back(other);
    return true;
  }

  // start_date from the job details' joinedDate; end_date, for an employee
  // with a termination, from the date the job details carry, else from the
  // termination record. One request per employee (two at most), only for the
  // employees of the page being read.
  bool employment_dates(const std::string& emp_number,
                        const std::optional<std::string>& termination_id, const std::string& who,
                        OnRecord& record, json& start_date, json& end_date) {
    const std::string employee_path =
        std::string(kEmployeesPath) + "/" + rest::url_encode(emp_number);
    const std::string jobs_path = employee_path + "/job-details";
    const std::string jobs_source = system + " GET " + jobs_path + " (" + who + ")";
    auto jobs = employee_resource(jobs_path, "job details of employee " + emp_number, jobs_source,
                                  "empNumber", "/start_date",
                                  "the employee's job details (deleted since the list was read, "
                                  "or not visible to this API user?)",
                                  record);
    if (!jobs) return false;
    const json joined = jobs->contains("joinedDate") ? (*jobs)["joinedDate"] : json("(missing)");
    if (!joined.is_null() && !is_calendar_date(joined)) {
      record.problem({jobs_source, std::nullopt, "joinedDate", "/start_date",
                      schema::describe(joined), "a date YYYY-MM-DD or null"});
      return false;
    }
    start_date = joined;
    if (!termination_id) return true;
    // The job details usually carry the termination's date already
    // (employeeTerminationRecord): one request less per leaver. The
    // termination record itself is read only when they do not.
    const json termination_record = jobs->value("employeeTerminationRecord", json());
    if (termination_record.is_object() && termination_record.value("date", json()).is_string()) {
      const json& date = termination_record["date"];
      if (!is_calendar_date(date)) {
        record.problem({jobs_source, std::nullopt, "employeeTerminationRecord.date", "/end_date",
                        schema::describe(date), "a date YYYY-MM-DD"});
        return false;
      }
      end_date = date;
      return true;
    }
    const std::string termination_path =
        employee_path + "/terminations/" + rest::url_encode(*termination_id);
    const std::string termination_source = system + " GET " + termination_path + " (" + who + ")";
    auto termination = employee_resource(
        termination_path, "termination " + *termination_id + " of employee " + emp_number,
        termination_source, "terminationId", "/end_date",
        "the termination record " + *termination_id +
            " the employee list refers to (terminationId); re-save the employee's termination in "
            "PIM > Employee > Job, or ask OrangeHRM's administrator why it is missing",
        record);
    if (!termination) return false;
    const json date = termination->contains("date") ? (*termination)["date"] : json("(missing)");
    if (!is_calendar_date(date)) {
      record.problem({termination_source, std::nullopt, "date", "/end_date", schema::describe(date),
                      "a date YYYY-MM-DD"});
      return false;
    }
    end_date = date;
    return true;
  }

  // The list model has no email; the contact details do (one request each).
  json work_email(const std::string& emp_number) {
    json body = get(
        std::string(kContactDetailsPath) + "/" + rest::url_encode(emp_number) + "/contact-details",
        "contact details of employee " + emp_number);
    json data = body.is_object() ? body.value("data", json()) : json();
    return text_or_null(data, "workEmail");
  }

  rest::PullAnswer pull_people(const json& cursor_in) {
    if (!settings.contains("people")) return PullPage::unconfigured();
    const json& people = settings["people"];
    json cursor = rest::decode_cursor(cursor_in, kAdapter);
    long long limit = people.value("page_size", 100);
    long long offset = cursor.value("offset", 0LL);
    std::string include = people.value("include_former", false) ? "currentAndPast" : "onlyCurrent";
    std::string path = std::string(kEmployeesPath) + "?model=detailed&includeEmployees=" + include +
                       "&limit=" + std::to_string(limit) + "&offset=" + std::to_string(offset);
    std::string source =
        system + " GET " + kEmployeesPath + " (offset " + std::to_string(offset) + ")";
    PullPage page(cursor_in);
    json body = get(path, "employees from offset " + std::to_string(offset));
    std::optional<long long> total;
    if (!list_envelope(body, source, page, total)) return page.answer("", false);
    long long row = 0;
    bool work_emails = people.value("work_emails", false);
    bool job_details = people.value("job_details", true);
    // Per-employee requests (supervisors, job details, terminations, contact
    // details) are made only for this page; a problem of one employee stops
    // only that employee's requests, the others are read all the same.
    for (const auto& item : body["data"]) {
      OnRecord record{page, std::nullopt, item};
      map_person(item, ++row, source, work_emails, job_details, record);
    }
    long long received = static_cast<long long>(body["data"].size());
    // No changed-since in OrangeHRM: every sync reads everyone again, which is
    // also a full read for the plugin's reconciliation. Offset paging shifts
    // when someone is added or removed mid-read (a person could be skipped),
    // so the read only counts as complete when the total held still throughout.
    std::string read_id = offset == 0 ? std::to_string(services.now_unix_ms())
                                      : cursor.value("read", std::string("0"));
    json first_total =
        offset == 0 ? (total ? json(*total) : json(nullptr)) : cursor.value("total", json(nullptr));
    if (rest::offset_page_is_last(offset, received, limit, total)) {
      bool steady = total && first_total == json(*total) && offset + received == *total;
      page.mark_full_read(read_id, steady);
      return page.answer(rest::encode_cursor({{"offset", 0}}), false);
    }
    page.mark_full_read(read_id, false);
    return page.answer(
        rest::encode_cursor(
            {{"offset", offset + received}, {"read", read_id}, {"total", first_total}}),
        true);
  }

  // ------------------------------------------------------------------- leave
  void map_leave(const json& item, long long row, const std::string& source, OnRecord& record) {
    auto problem = [&](const std::string& field, const std::string& pointer, const json& found,
                       const std::string& expected) {
      record.problem({source, row, field, pointer, schema::describe(found), expected});
    };
    if (!item.is_object()) {
      record.problem(
          {source, row, std::nullopt, "", schema::describe(item), "a leave request object"});
      return;
    }
    auto get = [&](const json& object, const char* key) {
      return object.is_object() && object.contains(key) ? object[key] : json("(missing)");
    };
    bool bad = false;
    auto id = as_id(item.value("id", json()));
    record.id = id;
    if (!id) {
      problem("id", "/id", get(item, "id"), "the leave request id");
      bad = true;
    }
    const json employee = item.value("employee", json());
    auto person = employee.is_object() ? as_id(employee.value("empNumber", json())) : std::nullopt;
    if (!person) {
      problem("employee.empNumber", "/person_id", get(employee, "empNumber"),
              "the employee number");
      bad = true;
    }
    const json dates = item.value("dates", json());
    json from = dates.is_object() ? dates.value("fromDate", json()) : json();
    json to = dates.is_object() ? dates.value("toDate", json()) : json();
    if (!from.is_string() || !rest::is_date(from.get<std::string>())) {
      problem("dates.fromDate", "/start", get(dates, "fromDate"), "a date YYYY-MM-DD");
      bad = true;
    }
    if (to.is_null()) to = from;  // a one-day request may carry no toDate
    if (!to.is_string() || !rest::is_date(to.get<std::string>())) {
      problem("dates.toDate", "/expected_end", get(dates, "toDate"), "a date YYYY-MM-DD or null");
      bad = true;
    }
    if (bad) return;
    const json type = item.value("leaveType", json());
    json type_name = type.is_object() ? type.value("name", json()) : json();
    if (!type_name.is_string()) {
      problem("leaveType.name", "/type", get(item, "leaveType"),
              "an object with the leave type's \"name\"");
      return;
    }
    std::string ours_type;
    switch (leave_types.map(type_name.get<std::string>(), ours_type)) {
      case rest::LeaveTypeMap::Outcome::ignored:
        record.page.skip();
        return;
      case rest::LeaveTypeMap::Outcome::unknown:
        problem("leaveType.name", "/type", type_name, leave_types.known_names());
        return;
      case rest::LeaveTypeMap::Outcome::mapped:
        break;
    }
    std::vector<int> day_statuses;
    const json breakdown = item.value("leaveBreakdown", json());
    if (breakdown.is_array()) {
      for (const auto& part : breakdown) {
        if (!part.is_object()) continue;
        if (part.contains("id") && part["id"].is_number_integer()) {
          day_statuses.push_back(part["id"].get<int>());
        } else if (part.contains("name") && part["name"].is_string()) {
          if (auto s = status_from_name(part["name"].get<std::string>()))
            day_statuses.push_back(*s);
        }
      }
    }
    auto status = request_status(day_statuses);
    if (!status) {
      problem("leaveBreakdown", "/status", get(item, "leaveBreakdown"),
              "statuses Pending Approval, Scheduled, Taken, Cancelled or Rejected");
      return;
    }
    // Single days cancelled (or rejected) inside a request leave its dates as
    // they were: the days still standing say when the leave now starts and
    // ends. Only such requests cost a request of their own.
    auto has_day = [&](int s) {
      return std::find(day_statuses.begin(), day_statuses.end(), s) != day_statuses.end();
    };
    bool standing = has_day(pending_approval) || has_day(scheduled) || has_day(taken);
    bool mixed = item.value("hasMultipleStatus", false) == true ||
                 (standing && (has_day(cancelled) || has_day(rejected)));
    if (standing && mixed && !standing_days(*id, source, row, record, from, to)) return;
    json leave = {{"id", *id},         {"person_id", *person},   {"type", ours_type},
                  {"start", from},     {"expected_end", to},     {"actual_end", nullptr},
                  {"status", *status}, {"last_changed", nullptr}};
    record.page.add_record(std::move(leave), "leave", source, row,
                           source + " record " + std::to_string(row));
  }

  // The first and last day of a request still pending, scheduled or taken,
  // from its single days (GET /api/v2/leave/leave-requests/{id}/leaves, paged).
  bool standing_days(const std::string& request_id, const std::string& list_source, long long row,
                     OnRecord& record, json& first, json& last) {
    const std::string path =
        std::string(kLeaveRequestDaysPath) + "/" + rest::url_encode(request_id) + "/leaves";
    const std::string where =
        system + " GET " + path + " (leave request " + request_id + ", record " +
        std::to_string(row) + " of " +
        (list_source.rfind(system + " ", 0) == 0 ? list_source.substr(system.size() + 1)
                                                 : list_source) +
        ")";
    constexpr long long kDaysPerPage = 100;
    // A request spans at most a few years of days: stop well before anything unbounded.
    constexpr long long kMaxDayPages = 20;
    std::optional<std::string> earliest, latest;
    long long offset = 0;
    for (long long pages = 0;; ++pages) {
      if (pages == kMaxDayPages) {
        record.problem({where, std::nullopt, "meta.total", "/start",
                        "more than " + std::to_string(kMaxDayPages * kDaysPerPage) + " days",
                        "a leave request of fewer days"});
        return false;
      }
      std::string what = "single days of leave request " + request_id;
      rest::Response response = get_response(
          path + "?limit=" + std::to_string(kDaysPerPage) + "&offset=" + std::to_string(offset),
          what);
      if (response.status == 404 || response.status == 422) {
        std::string said = their_message(response);
        record.problem({where, std::nullopt, "id", "/start",
                        "HTTP " + std::to_string(response.status) +
                            (said.empty() ? "" : " (OrangeHRM: \"" + said + "\")"),
                        "the request's single days (deleted since the list was read?)"});
        return false;
      }
      if (response.status < 200 || response.status > 299) throw error_for(response, what);
      json body = api->parse_body(response, what);
      if (!body.is_object() || !body.contains("data") || !body["data"].is_array()) {
        record.problem({where, std::nullopt, "data", "/start", schema::describe(body),
                        "an object with a \"data\" array of single days"});
        return false;
      }
      const json& days = body["data"];
      for (std::size_t i = 0; i < days.size(); ++i) {
        const json& day = days[i];
        const std::string at = "data[" + std::to_string(offset + static_cast<long long>(i)) + "]";
        const json status = day.is_object() ? day.value("leaveStatus", json()) : json();
        const json status_id = status.is_object() ? status.value("id", json()) : json();
        const json date = day.is_object() && day.value("dates", json()).is_object()
                              ? day["dates"].value("fromDate", json())
                              : json();
        if (!status_id.is_number_integer()) {
          record.problem({where, std::nullopt, at + ".leaveStatus.id", "/status",
                          schema::describe(status), "the day's leave status id (-1..5)"});
          return false;
        }
        if (!is_calendar_date(date)) {
          record.problem({where, std::nullopt, at + ".dates.fromDate", "/start",
                          schema::describe(date), "a date YYYY-MM-DD"});
          return false;
        }
        int s = status_id.get<int>();
        if (s != pending_approval && s != scheduled && s != taken) continue;
        const std::string d = date.get<std::string>();
        if (!earliest || d < *earliest) earliest = d;
        if (!latest || d > *latest) latest = d;
      }
      offset += static_cast<long long>(days.size());
      const json meta = body.value("meta", json::object());
      long long total = meta.is_object() && meta.value("total", json()).is_number_integer()
                            ? meta["total"].get<long long>()
                            : offset;
      if (days.empty() || offset >= total) break;
    }
    if (!earliest) {
      record.problem({where, std::nullopt, "data", "/start", "no day pending, scheduled or taken",
                      "the days the request's leaveBreakdown says still stand"});
      return false;
    }
    first = *earliest;
    last = *latest;
    return true;
  }

  rest::PullAnswer pull_leave(const json& cursor_in) {
    if (!settings.contains("leave")) return PullPage::unconfigured();
    const json& leave = settings["leave"];
    json cursor = rest::decode_cursor(cursor_in, kAdapter);
    long long limit = leave.value("page_size", 100);
    long long offset = cursor.value("offset", 0LL);
    std::string today = this->today();
    // No changed-since for leave either: every sync reads the whole window,
    // and requests keep changing until they end.
    std::string from = leave.value("from", rest::add_days(today, -730));
    std::string to = rest::add_days(today, leave.value("horizon_days", 365));
    std::string path = std::string(kLeaveRequestsPath) + "?fromDate=" + from + "&toDate=" + to +
                       kEveryLeaveStatus +
                       "&includeEmployees=currentAndPast&limit=" + std::to_string(limit) +
                       "&offset=" + std::to_string(offset);
    std::string source = system + " GET " + kLeaveRequestsPath + " (" + from + " to " + to +
                         ", offset " + std::to_string(offset) + ")";
    PullPage page(cursor_in);
    json body = get(path, "leave requests from offset " + std::to_string(offset));
    std::optional<long long> total;
    if (!list_envelope(body, source, page, total)) return page.answer("", false);
    long long row = 0;
    for (const auto& item : body["data"]) {
      OnRecord record{page, std::nullopt, item};
      map_leave(item, ++row, source, record);
    }
    long long received = static_cast<long long>(body["data"].size());
    if (rest::offset_page_is_last(offset, received, limit, total)) {
      return page.answer(rest::encode_cursor({{"offset", 0}}), false);
    }
    return page.answer(rest::encode_cursor({{"offset", offset + received}}), true);
  }

  // --------------------------------------------------------------- commands
  json check() {
    std::vector<rest::CapabilityCheck> checks;
    auto missing = tokens->missing_credentials();
    auto probe = [&](const std::string& capability, const char* section, const std::string& path) {
      if (!settings.contains(section)) {
        checks.push_back(rest::CapabilityCheck::not_configured(
            capability, "not configured (no \"" + std::string(section) + "\" in settings)"));
        return;
      }
      if (missing) {
        checks.push_back({capability, true, false, false, false, *missing});
        return;
      }
      try {
        json body = get(path, "check " + capability);
        std::string count;
        if (body.is_object() && body.contains("meta") && body["meta"].is_object() &&
            body["meta"].contains("total") && body["meta"]["total"].is_number_integer()) {
          count = ", " + std::to_string(body["meta"]["total"].get<long long>()) +
                  " visible to this API user";
        }
        // The people read also asks for each employee's job details (start
        // dates): a user who may list employees but not read those would only
        // find out at the first pull.
        if (capability == "read_people" && settings["people"].value("job_details", true) &&
            body.is_object() && body.contains("data") && body["data"].is_array() &&
            !body["data"].empty() && body["data"][0].is_object() &&
            body["data"][0].contains("empNumber")) {
          std::string emp_number = body["data"][0]["empNumber"].dump();
          if (body["data"][0]["empNumber"].is_string())
            emp_number = body["data"][0]["empNumber"].get<std::string>();
          get(std::string(kEmployeesPath) + "/" + rest::url_encode(emp_number) + "/job-details",
              "check read_people (job details, for start dates; or set people.job_details false)");
          count += "; job details readable";
        }
        checks.push_back(rest::CapabilityCheck::passed(
            capability, system + ": " + section + " readable" + count));
      } catch (const RestError& e) {
        checks.push_back(rest::CapabilityCheck::failed(capability, e));
      }
    };
    std::string today = this->today();
    // The same selection the pulls make: past employees too, and leave of
    // every status (the list's default is Pending Approval only, so a probe
    // without statuses would count only pending requests).
    probe("read_people", "people",
          std::string(kEmployeesPath) + "?includeEmployees=currentAndPast&limit=1&offset=0");
    probe("read_leave", "leave",
          std::string(kLeaveRequestsPath) + "?fromDate=" + today + "&toDate=" + today +
              kEveryLeaveStatus + "&includeEmployees=currentAndPast&limit=1&offset=0");
    return rest::check_answer(checks);
  }
};

OrangeHrmAdapter::OrangeHrmAdapter(std::string_view config_json, Services services)
    : state_(std::make_unique<State>()) {
  State& s = *state_;
  s.services = std::move(services);
  static const json schema_doc = json::parse(settings_schema_text());
  rest::AdapterConfig config = rest::parse_adapter_config(config_json, "orangehrm", schema_doc);
  s.organisation = config.organisation;
  s.name = config.name;
  s.settings = std::move(config.settings);
  std::string base_url = s.settings["base_url"];
  std::string host = base_url.substr(base_url.find("//") + 2);
  s.system = "OrangeHRM (" + host.substr(0, host.find('/')) + ")";
  if (s.settings.contains("leave"))
    s.leave_types = rest::LeaveTypeMap(s.settings["leave"]["leave_types"]);

  rest::Endpoint endpoint;
  endpoint.system = s.system;
  endpoint.base_url = base_url;
  endpoint.headers["Accept"] = "application/json";
  endpoint.timeout_ms = s.settings.value("timeout_ms", 30000L);
  rest::apply_http_settings(endpoint, s.settings);
  if (s.settings.contains("ca_bundle"))
    endpoint.ca_bundle = s.settings["ca_bundle"].get<std::string>();
  // OrangeHRM itself does not throttle; a proxy in front of it may (429/503 + Retry-After).
  json rate = s.settings.value("rate_limit", json{{"per_second", 10}, {"burst", 20}});
  endpoint.rate_limit = {{"key", s.organisation + "/" + s.name},
                         {"per_second", rate["per_second"]},
                         {"burst", rate.value("burst", 1.0)}};

  TokenSettings auth;
  auth.grant = s.settings.value("grant", std::string("refresh_token"));
  auth.client_id = s.settings["client_id"];
  auth.client_secret_name =
      s.settings.value("client_secret_secret", std::string("ORANGEHRM_CLIENT_SECRET"));
  auth.refresh_token_name =
      s.settings.value("refresh_token_secret", std::string("ORANGEHRM_REFRESH_TOKEN"));
  auth.password_name = s.settings.value("password_secret", std::string("ORANGEHRM_PASSWORD"));
  auth.client_secret = s.services.secret(auth.client_secret_name);
  if (auth.grant == "refresh_token")
    auth.refresh_token = s.services.secret(auth.refresh_token_name);
  if (auth.grant == "password") {
    auth.password = s.services.secret(auth.password_name);
    if (s.settings.contains("username")) auth.username = s.settings["username"].get<std::string>();
  }
  std::string storage = s.services.storage_directory ? s.services.storage_directory() : "";
  if (!storage.empty())
    auth.rotated_token_file = storage + "/orangehrm-" + s.name + ".refresh-token.json";
  if (auth.grant == "refresh_token" && storage.empty() && s.services.warn) {
    s.services.warn(s.system +
                    ": no storage folder: a rotated refresh token lives only until the host stops, "
                    "after which the one in " +
                    auth.refresh_token_name + " is no longer valid");
  }
  s.api = std::make_unique<rest::RestClient>(s.services.http, endpoint, s.services.http_split);
  rest::Endpoint token_endpoint = endpoint;
  token_endpoint.headers.clear();
  // Token lifetimes need a clock that moves during a run: the calendar clock
  // (now_unix_ms) is read once per run and may be pinned by config "today",
  // so it never sees a token expire. Without the host's elapsed time
  // (mentoring.clock/2) it is the fallback, and an expired token then costs
  // one refused request (answered with a fresh token, see get_response).
  std::function<std::int64_t()> clock = s.services.now_unix_ms;
  if (s.services.monotonic_ms && s.services.monotonic_ms()) {
    clock = [elapsed = s.services.monotonic_ms, calendar = s.services.now_unix_ms] {
      auto ms = elapsed();
      return ms ? *ms : calendar();
    };
  }
  s.tokens = std::make_unique<TokenSource>(rest::RestClient(s.services.http, token_endpoint),
                                           std::move(auth), std::move(clock));
}

OrangeHrmAdapter::~OrangeHrmAdapter() = default;

int OrangeHrmAdapter::tokens_requested() const {
  return state_->tokens->tokens_requested();
}

std::string OrangeHrmAdapter::call(std::string_view command, std::string_view input_text) {
  State& s = *state_;
  json input = input_text.empty() ? json::object()
                                  : schema::parse(input_text, s.name + " " + std::string(command));
  if (command == "check") return s.check().dump();
  if (command == "pull") {
    return rest::pull_stream(s.name, input,
                             {[&](const json& c) { return s.pull_people(c); },
                              [&](const json& c) { return s.pull_leave(c); },
                              {}})
        .text;
  }
  if (command == "push") {
    throw Error(MENTORING_ERR_UNAVAILABLE,
                s.name +
                    ": push: this adapter writes nothing back to OrangeHRM in this version "
                    "(capabilities: read_people, read_leave)");
  }
  throw Error(MENTORING_ERR_UNKNOWN_COMMAND,
              std::string(kAdapter) + " adapter: unknown command \"" + std::string(command) +
                  "\"; expected one of: check, pull, push");
}

}  // namespace mentoring::adapters::orangehrm
