#include "connection.hpp"

#include <mentoring/schema.hpp>
#include <rest_common/mapping.hpp>

#include <algorithm>
#include <cstring>
#include <numeric>

namespace mentoring::adapters::bamboohr {

using nlohmann::json;
using rest::Failure;
using rest::RestError;

namespace {

// What BambooHR's OpenAPI description (../shared/hosts/bamboohr/openapi.yaml)
// lists under `security` for each endpoint the adapter calls: whether HTTP
// Basic (an API key) is accepted, and the OAuth scopes of which any one will do.
struct EndpointSecurity {
  const char* endpoint;
  bool basic;
  const char* oauth_scopes;
};
constexpr EndpointSecurity kSecurity[] = {
    {"GET /api/v1/employees", false,
     "employee, employee:name, employee:job, employee_directory, "
     "sensitive_employee:protected_info"},
    {"GET /api/v1/employees/{id}", true, "employee, employee:job"},
    {"GET /api/v1/employees/changed", true, "public.user, public.integration"},
    {"POST /api/v1/reports/custom", true, "report"},
    {"GET /api/v1/time_off/requests", true, "time_off"},
    {"GET /api/v1/training/type", true, "training"},
    {"GET /api/v1/training/record/employee/{employeeId}", true, "training"},
    {"GET /api/v1/meta/tables", true, "field"},
    {"GET /api/v1/employees/{id}/tables/{table}", true, "employee, employee:custom_fields"},
    {"POST /api/v1/employees/{id}/tables/{table}", true,
     "employee.write, employee:custom_fields.write"},
};

const EndpointSecurity* security_of(const std::string& endpoint) {
  for (const auto& s : kSecurity) {
    if (endpoint == s.endpoint) return &s;
  }
  return nullptr;
}

}  // namespace

std::string Connection::scheme_words() const {
  return auth == AuthScheme::api_key ? "an API key (HTTP Basic)"
                                     : "an OAuth 2 access token (Bearer)";
}

bool Connection::endpoint_accepts_scheme(const std::string& endpoint) const {
  const EndpointSecurity* s = security_of(endpoint);
  return s == nullptr || auth == AuthScheme::oauth || s->basic;
}

RestError Connection::refused(const RestError& e, const std::string& endpoint) const {
  const EndpointSecurity* s = security_of(endpoint);
  std::string said = e.what();
  if (s != nullptr && !endpoint_accepts_scheme(endpoint)) {
    return RestError(Failure::unauthenticated,
                     system + ": " + endpoint + " answered HTTP 401: BambooHR's API description " +
                         "lists only OAuth 2 for this endpoint (a token with one of the scopes " +
                         s->oauth_scopes + "), and this adapter sent " + scheme_words() +
                         " — the key itself may be fine; configure \"auth\": {\"scheme\": "
                         "\"oauth\"} with a token (adapters/bamboohr/README.md)");
  }
  std::string accepts =
      s == nullptr ? ""
                   : std::string(" (it accepts ") + (s->basic ? "an API key or " : "") +
                         "an OAuth 2 token with one of the scopes " + s->oauth_scopes + ")";
  std::string fix = auth == AuthScheme::api_key
                        ? "check the API key in host secret " + credential_secret +
                              " and that the BambooHR user it belongs to is active"
                        : "the token in host secret " + credential_secret +
                              " was refused: it may have expired (renew it) or lack the scope";
  return RestError(Failure::unauthenticated, system + ": " + endpoint + " refused " +
                                                 scheme_words() + accepts + ": " + fix +
                                                 " (BambooHR answered: " + said + ")");
}

bool id_before(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

std::optional<ChangedEmployees> read_changed_employees(const Connection& connection,
                                                       const std::string& since,
                                                       const std::string& what,
                                                       rest::PullPage& page) {
  json changed = connection.call("GET /api/v1/employees/changed", [&] {
    return connection.api->get_json("/api/v1/employees/changed?since=" + rest::url_encode(since),
                                    what);
  });
  if (!changed.is_object() || !changed.contains("employees") ||
      !(changed["employees"].is_object() || changed["employees"].is_array())) {
    page.add_problem({connection.system + " GET /api/v1/employees/changed", std::nullopt,
                      "employees", "", schema::describe(changed),
                      "an object with an \"employees\" object keyed by id"});
    return std::nullopt;
  }
  ChangedEmployees out;
  for (const auto& [key, entry] : changed["employees"].items()) {
    std::string action =
        entry.is_object() ? rest::lower_trimmed(entry.value("action", std::string())) : "";
    if (action == "deleted") {
      ++out.deleted;
      continue;
    }
    auto id = entry.is_object() ? id_text(entry.value("id", json(key))) : std::optional(key);
    if (id) out.ids.push_back(*id);
  }
  std::sort(out.ids.begin(), out.ids.end(), id_before);
  out.ids.erase(std::unique(out.ids.begin(), out.ids.end()), out.ids.end());
  const json& latest = changed.value("latest", json());
  out.latest = latest.is_string() ? latest.get<std::string>() : since;
  return out;
}

EmployeeReport request_report(const Connection& connection, const std::vector<std::string>& fields,
                              const json& filters, const std::string& what) {
  const std::string endpoint = "POST /api/v1/reports/custom";
  json body = {{"title", "mentoring"}, {"fields", fields}};
  if (!filters.empty()) body["filters"] = filters;
  rest::Response response = connection.call(endpoint, [&] {
    // Content-Type exactly application/json: anything else is read as XML.
    rest::Response r =
        connection.api->send("POST", "/api/v1/reports/custom?format=json", body.dump(),
                             {{"Content-Type", "application/json"}}, what);
    if (r.status < 200 || r.status > 299) throw connection.api->error_for(r, what);
    return r;
  });
  EmployeeReport out;
  std::string source = connection.system + " " + endpoint;
  rest::Response head{response.status, response.headers, response.body.substr(0, 200),
                      response.request_id};
  try {
    out.page = std::make_unique<rest::JsonPage>(std::move(response.body));
  } catch (const rest::JsonSyntaxError& e) {
    connection.api->parse_body(head, what);  // names an HTML page (a wrong base_url)
    throw RestError(Failure::bad_response,
                    connection.system + ": " + what + ": expected JSON (" + e.what() + ")");
  }
  rest::JsonValue employees = out.page->root()["employees"];
  if (!employees.is_array()) {
    out.problems.push_back({source, std::nullopt, "employees", "",
                            schema::describe(out.page->root().to_json()),
                            "an object with an \"employees\" array"});
    return out;
  }
  std::vector<std::pair<std::string, rest::JsonValue>> rows;
  long long row = 0;
  for (rest::JsonValue item : employees.elements()) {
    ++row;
    rest::JsonValue id = item["id"];
    std::optional<std::string> text;
    if (id.is_string() && !id.string().empty()) text = std::string(id.string());
    if (auto number = id.integer(); number && *number >= 0) text = std::to_string(*number);
    if (!text) {
      out.unidentified.push_back({{source, row, "id", "/id", schema::describe(id.to_json()),
                                   "the employee id (a string or number)"},
                                  item.to_json()});
      continue;
    }
    rows.emplace_back(std::move(*text), item);
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return id_before(a.first, b.first); });
  for (auto& [id, item] : rows) {
    out.ids.push_back(std::move(id));
    out.rows.push_back(item);
  }
  return out;
}

std::vector<EmployeeStatus> list_employee_statuses(const Connection& connection,
                                                   const std::string& what,
                                                   std::optional<long long> limit) {
  std::vector<EmployeeStatus> out;
  auto status_of = [](rest::JsonValue value) -> std::optional<std::string> {
    if (value.is_string()) return std::string(value.string());
    return std::nullopt;
  };
  if (connection.auth == AuthScheme::api_key) {
    EmployeeReport report = request_report(connection, {"status"}, json::object(), what);
    if (!report.problems.empty() || !report.unidentified.empty()) {
      const rest::RecordProblem& first =
          report.problems.empty() ? report.unidentified.front().first : report.problems.front();
      throw RestError(Failure::bad_response,
                      connection.system + ": " + what + ": " + first.message());
    }
    for (std::size_t i = 0; i < report.rows.size(); ++i) {
      if (limit && static_cast<long long>(out.size()) >= *limit) break;
      out.push_back({report.ids[i], status_of(report.rows[i]["status"])});
    }
    return out;
  }
  // OAuth: the cursor-paged list; status is in its default field set.
  std::string after;
  for (;;) {
    long long page_size = limit ? std::min<long long>(*limit, 2500) : 2500;
    std::string path = "/api/v1/employees?page%5Blimit%5D=" + std::to_string(page_size);
    if (!after.empty()) path += "&page%5Bafter%5D=" + rest::url_encode(after);
    rest::JsonPage body = connection.call("GET /api/v1/employees",
                                          [&] { return connection.api->get_page(path, what); });
    rest::JsonValue data = body.root()["data"];
    if (!data.is_array()) {
      throw RestError(Failure::bad_response,
                      connection.system + ": GET /api/v1/employees (" + what +
                          "): expected an object with a \"data\" array, found " +
                          schema::describe(body.root().to_json()));
    }
    for (rest::JsonValue item : data.elements()) {
      rest::JsonValue id = item["employeeId"];
      std::optional<std::string> text;
      if (id.is_string() && !id.string().empty()) text = std::string(id.string());
      if (auto number = id.integer(); number && *number >= 0) text = std::to_string(*number);
      if (text) out.push_back({*text, status_of(item["status"])});
    }
    rest::JsonValue next = body.root()["meta"]["page"]["nextCursor"];
    if (limit && static_cast<long long>(out.size()) >= *limit) break;
    if (!next.is_string() || next.string().empty()) break;
    after = std::string(next.string());
  }
  if (limit && static_cast<long long>(out.size()) > *limit) out.resize(*limit);
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return id_before(a.id, b.id); });
  return out;
}

std::string read_mode(const nlohmann::json& cursor, const nlohmann::json& settings,
                      long long now_ms) {
  long long full_every_ms = settings.value("full_sync_every_hours", 24) * 3600LL * 1000;
  std::string mode = cursor.value("mode", std::string("full"));
  if (mode == "since" && now_ms - cursor.value("full_at_ms", 0LL) >= full_every_ms) mode = "full";
  return mode;
}

}  // namespace mentoring::adapters::bamboohr
