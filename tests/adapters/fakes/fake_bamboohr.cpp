#include "fake_bamboohr.hpp"

#include <rest_common/crypto.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

namespace mentoring::fakes {

using nlohmann::json;

namespace {

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, separator)) {
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

void answer_json(httplib::Response& response, const json& body, int status = 200) {
  response.status = status;
  response.set_content(body.dump(), "application/json");
}

// An error as BambooHR gives it: the status, X-BambooHR-Error-Message, a JSON body.
void answer_error(httplib::Response& response, int status, const std::string& message) {
  response.set_header("X-BambooHR-Error-Message", message);
  answer_json(response, {{"error", {{"code", status}, {"message", message}}}}, status);
}

// One CSV line, RFC 4180 quoting (no line breaks inside values).
std::vector<std::string> csv_cells(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      out.back().push_back('"');
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      out.emplace_back();
    } else if (c != '\r') {
      out.back().push_back(c);
    }
  }
  return out;
}

}  // namespace

FakeBambooHr::FakeBambooHr(DemoData data, std::string api_key, int port, IdStyle ids)
    : data_(std::move(data)),
      expected_authorization_("Basic " + adapters::rest::base64_encode(api_key + ":x")),
      expected_bearer_("Bearer " + api_key),
      id_style_(ids),
      server_(port) {
  for (auto& p : data_.people) {
    p.id = id(p.id);
    if (!p.manager_id.empty()) p.manager_id = id(p.manager_id);
  }
  for (auto& l : data_.leave) {
    l.id = id(l.id);
    l.person_id = id(l.person_id);
  }
  for (std::size_t i = 0; i < data_.people.size(); ++i) {
    index_of_[data_.people[i].id] = i;
    if (data_.people[i].termination_date.empty()) active_.push_back(i);
  }
  auto& http = server_.http();
  http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (req.path.rfind("/__fake/", 0) == 0) return httplib::Server::HandlerResponse::Unhandled;
    // A body is read after this handler: requests with one are judged in their route.
    if (req.method != "POST" && judged(req, res)) return httplib::Server::HandlerResponse::Handled;
    if (faults_.apply(req, res)) return httplib::Server::HandlerResponse::Handled;
    if (!authorised(req, res)) return httplib::Server::HandlerResponse::Handled;
    if (forbidden(req, res)) return httplib::Server::HandlerResponse::Handled;
    return httplib::Server::HandlerResponse::Unhandled;
  });
  http.set_post_routing_handler(&FaultPlan::finish);
  add_employee_routes();
  add_report_route();

  http.Get(
      "/api/v1/time_off/requests", [this](const httplib::Request& req, httplib::Response& res) {
        if (!req.has_param("start") || !req.has_param("end")) {
          answer_json(res, {{"error", {{"code", 400}, {"message", "start and end are required"}}}},
                      400);
          res.set_header("X-BambooHR-Error-Message", "start and end are required");
          return;
        }
        std::string start = req.get_param_value("start"), end = req.get_param_value("end");
        if (start.size() != 10 || end.size() != 10) {
          answer_error(res, 400, "start and end must be dates YYYY-MM-DD");
          return;
        }
        // Overlap: a request is listed when any of its days falls in [start, end].
        std::vector<DemoLeave> leave_now;
        {
          std::lock_guard lock(mutex_);  // update_leave() may change them meanwhile
          leave_now = data_.leave;
        }
        std::string body = "[";
        bool first = true;
        for (const auto& leave : leave_now) {
          if (leave.start > end || leave.end < start) continue;
          if (!first) body.push_back(',');
          first = false;
          body += leave_json(leave).dump();
        }
        body.push_back(']');
        res.set_content(body, "application/json");
      });
  add_routes();
  add_admin_routes();
  server_.start();
}

FakeBambooHr::~FakeBambooHr() {
  faults_.stop_streams();  // an endless body would hold the server's stop
}

void FakeBambooHr::add_admin_routes() {
  auto& http = server_.http();
  http.Get("/__fake/counts",
           [this](const httplib::Request&, httplib::Response& res) { answer_json(res, counts()); });
  http.Post("/__fake/leave", [this](const httplib::Request& req, httplib::Response& res) {
    json change = json::parse(req.body, nullptr, false);
    std::string id = change.is_object() ? change.value("id", std::string()) : std::string();
    try {
      if (id.empty()) throw std::invalid_argument("expected {\"id\": \"<request id>\", ...}");
      answer_json(res, update_leave(id, change));
    } catch (const std::exception& e) {
      answer_json(res, {{"error", e.what()}}, 400);
    }
  });
  faults_.serve_admin(http);
}

json FakeBambooHr::counts() const {
  std::lock_guard lock(mutex_);
  json tables = json::object();
  for (const auto& [alias, table] : tables_) {
    json by_key = json::object();
    std::size_t rows = 0;
    for (const auto& [employee, list] : table.rows) {
      for (const auto& row : list) {
        ++rows;
        if (!table.key_field.empty() && row.contains(table.key_field) &&
            row[table.key_field].is_string()) {
          std::string key = row[table.key_field];
          by_key[key] = by_key.value(key, 0) + 1;
        }
      }
    }
    tables[alias] = {{"rows", rows}, {"key_field", table.key_field}, {"by_key", by_key}};
  }
  return {{"host", "bamboohr"},
          {"requests", faults_.requests_seen()},
          {"faults_applied", faults_.faults_applied()},
          {"write_backs_received", table_posts_received_},
          {"rows_added", table_posts_},
          {"tables", tables},
          {"leave_updates", leave_updates_}};
}

json FakeBambooHr::update_leave(const std::string& request_id, const json& change) {
  std::lock_guard lock(mutex_);
  std::string wanted = id(request_id);
  auto it = std::find_if(data_.leave.begin(), data_.leave.end(),
                         [&](const DemoLeave& l) { return l.id == wanted; });
  if (it == data_.leave.end()) throw std::invalid_argument("no time-off request " + request_id);
  for (const auto& [key, value] : change.items()) {
    if (key == "id") continue;
    if (!value.is_string()) throw std::invalid_argument(key + " must be a string");
    std::string text = value;
    if (key == "start")
      it->start = text;
    else if (key == "end")
      it->end = text;
    else if (key == "status")
      it->status = text;
    else if (key == "type")
      it->type = text;
    else if (key == "last_changed")
      it->last_changed = text;
    else
      throw std::invalid_argument("unknown key " + key +
                                  "; expected start, end, status, type, last_changed");
  }
  if (!change.contains("last_changed")) {
    // BambooHR dates a change (status.lastChanged is a day): each change here
    // is a day later than any before, so the plugin can order them.
    std::string latest = "2026-12-01";
    for (const auto& l : data_.leave) latest = std::max(latest, l.last_changed.substr(0, 10));
    using namespace std::chrono;
    year_month_day day{year{std::stoi(latest.substr(0, 4))},
                       month{static_cast<unsigned>(std::stoi(latest.substr(5, 2)))},
                       std::chrono::day{static_cast<unsigned>(std::stoi(latest.substr(8, 2)))}};
    year_month_day next{sys_days{day} + days{1}};
    char text[32];
    std::snprintf(text, sizeof text, "%04d-%02u-%02uT00:00:00Z", static_cast<int>(next.year()),
                  static_cast<unsigned>(next.month()), static_cast<unsigned>(next.day()));
    it->last_changed = text;
  }
  ++leave_updates_;
  return {{"id", it->id},
          {"person_id", it->person_id},
          {"type", it->type},
          {"start", it->start},
          {"end", it->end},
          {"status", it->status},
          {"last_changed", it->last_changed}};
}

void FakeBambooHr::repeat_cursor(bool repeat) {
  std::lock_guard lock(mutex_);
  repeat_cursor_ = repeat;
}

void FakeBambooHr::add_routes() {
  auto& http = server_.http();
  http.Get("/api/v1/training/type", [this](const httplib::Request&, httplib::Response& res) {
    json types = json::object();
    std::lock_guard lock(mutex_);
    for (const auto& t : training_types_) {
      types[t.id] = {{"id", std::stoi(t.id)},
                     {"name", t.name},
                     {"renewable", t.frequency_months > 0},
                     {"frequency", t.frequency_months > 0 ? json(t.frequency_months) : json()},
                     {"dueFromHireDate", nullptr},
                     {"required", false},
                     {"category", {{"id", 1}, {"name", "Workforce"}}},
                     {"linkUrl", nullptr},
                     {"description", ""},
                     {"allowEmployeesToMarkComplete", false}};
    }
    answer_json(res, types);
  });

  http.Get(R"(/api/v1/training/record/employee/([^/]+))", [this](const httplib::Request& req,
                                                                 httplib::Response& res) {
    std::string employee = req.matches[1];
    if (!index_of_.contains(employee)) {
      answer_error(res, 404, "Employee not found");
      return;
    }
    std::string type = req.get_param_value("type");
    std::vector<std::pair<std::size_t, std::string>> picked;  // index, record id
    {
      std::lock_guard lock(mutex_);
      for (std::size_t i = 0; i < training_.size(); ++i) {
        if (training_[i].employee_id == employee && (type.empty() || training_[i].type_id == type))
          picked.emplace_back(i, training_[i].id);
      }
    }
    // No records: BambooHR answers an empty array, not an empty object.
    json records = picked.empty() ? json::array() : json::object();
    for (const auto& [i, id] : picked) records[id] = training_json(i);
    answer_json(res, records);
  });

  http.Get("/api/v1/meta/tables", [this](const httplib::Request&, httplib::Response& res) {
    json tables = json::array();
    std::lock_guard lock(mutex_);
    int field_id = 5000;
    for (const auto& [alias, table] : tables_) {
      json fields = json::array();
      for (const auto& f : table.fields) {
        fields.push_back({{"id", ++field_id}, {"name", f}, {"alias", f}, {"type", "text"}});
      }
      tables.push_back({{"alias", alias}, {"fields", fields}});
    }
    answer_json(res, tables);
  });

  const char* rows_path = R"(/api/v1/employees/([^/]+)/tables/([^/]+))";
  http.Get(rows_path, [this](const httplib::Request& req, httplib::Response& res) {
    std::string employee = req.matches[1], table = req.matches[2];
    if (!index_of_.contains(employee)) return answer_error(res, 404, "Employee not found");
    std::lock_guard lock(mutex_);
    auto t = tables_.find(table);
    if (t == tables_.end()) return answer_error(res, 404, "Table not found: " + table);
    auto rows = t->second.rows.find(employee);
    answer_json(res, rows == t->second.rows.end() ? json::array() : json(rows->second));
  });

  http.Post(rows_path, [this](const httplib::Request& req, httplib::Response& res) {
    if (judged(req, res)) return;
    std::string employee = req.matches[1], table = req.matches[2];
    if (!index_of_.contains(employee)) return answer_error(res, 404, "Employee not found");
    std::lock_guard lock(mutex_);
    ++table_posts_received_;
    auto t = tables_.find(table);
    if (t == tables_.end()) return answer_error(res, 404, "Table not found: " + table);
    if (refusals_ > 0) {
      --refusals_;
      return answer_error(res, refusal_status_, refusal_message_);
    }
    if (req.get_header_value("Content-Type").rfind("application/json", 0) != 0) {
      return answer_error(res, 400, "Content-Type must be application/json");
    }
    json body = json::parse(req.body, nullptr, false);
    if (!body.is_object()) return answer_error(res, 400, "The body must be a JSON object");
    const auto& fields = t->second.fields;
    for (const auto& [field, value] : body.items()) {
      if (std::find(fields.begin(), fields.end(), field) == fields.end())
        return answer_error(res, 400, "Unknown field: " + field);
      if (!value.is_string() && !value.is_null())
        return answer_error(res, 400, "Field " + field + " must be a string");
    }
    json row = body;
    row["id"] = std::to_string(next_row_id_++);
    row["employeeId"] = employee;
    t->second.rows[employee].push_back(std::move(row));
    ++table_posts_;
    res.status = 200;
  });
}

bool FakeBambooHr::forbidden(const httplib::Request& request, httplib::Response& response) const {
  std::lock_guard lock(mutex_);
  for (const auto& prefix : forbidden_) {
    if (request.path.rfind(prefix, 0) == 0) {
      answer_error(response, 403, "You do not have access to this resource");
      return true;
    }
  }
  return false;
}

void FakeBambooHr::load_training(const std::string& training_csv) {
  std::ifstream in(training_csv);
  if (!in) throw std::runtime_error("fake BambooHR: cannot read " + training_csv);
  std::string line;
  std::getline(in, line);  // header
  std::vector<std::vector<std::string>> rows;
  std::map<std::string, std::pair<std::string, int>> courses;  // code -> (title, months)
  while (std::getline(in, line)) {
    auto cells = csv_cells(line);
    if (cells.size() < 4 || cells[0].empty()) continue;
    cells.resize(5);
    auto& course = courses[cells[1]];
    course.first = cells[2];
    const std::string &completed = cells[3], &expires = cells[4];
    if (course.second == 0 && expires.size() == 10 && completed.size() == 10) {
      course.second = (std::stoi(expires.substr(0, 4)) - std::stoi(completed.substr(0, 4))) * 12 +
                      std::stoi(expires.substr(5, 2)) - std::stoi(completed.substr(5, 2));
    }
    rows.push_back(std::move(cells));
  }
  std::lock_guard lock(mutex_);
  training_types_.clear();
  training_.clear();
  int type_id = 100;
  for (const auto& [code, course] : courses) {
    training_types_.push_back({std::to_string(++type_id), code, course.first, course.second});
  }
  for (const auto& cells : rows) {
    std::string type_id;
    for (const auto& t : training_types_) {
      if (t.code == cells[1]) type_id = t.id;
    }
    training_.push_back(
        {std::to_string(training_.size() + 1), this->id(cells[0]), cells[1], type_id, cells[3]});
  }
}

std::string FakeBambooHr::training_type_id(const std::string& course_code) const {
  std::lock_guard lock(mutex_);
  for (const auto& t : training_types_) {
    if (t.code == course_code) return t.id;
  }
  return "";
}

std::string FakeBambooHr::training_type_name(const std::string& course_code) const {
  std::lock_guard lock(mutex_);
  for (const auto& t : training_types_) {
    if (t.code == course_code) return t.name;
  }
  return "";
}

json FakeBambooHr::training_json(std::size_t index) const {
  std::lock_guard lock(mutex_);
  const TrainingRecord& r = training_[index];
  json item = {{"id", std::stoll(r.id)},
               {"employeeId", r.employee_id},
               {"completed", r.completed},
               {"type", r.type_id},  // a string in list answers
               {"notes", ""},
               {"instructor", nullptr},
               {"credits", nullptr},
               {"hours", nullptr},
               {"cost", nullptr}};
  auto it = training_overrides_.find(r.id);
  if (it != training_overrides_.end()) item.update(it->second);
  return item;
}

void FakeBambooHr::corrupt_training(const std::string& record_id, const std::string& field,
                                    json value) {
  std::lock_guard lock(mutex_);
  training_overrides_[record_id][field] = std::move(value);
}

void FakeBambooHr::define_table(const std::string& alias, std::vector<std::string> fields) {
  std::lock_guard lock(mutex_);
  tables_[alias].fields = std::move(fields);
}

void FakeBambooHr::define_table(const std::string& alias, std::vector<std::string> fields,
                                std::string key_field) {
  std::lock_guard lock(mutex_);
  tables_[alias].fields = std::move(fields);
  tables_[alias].key_field = std::move(key_field);
}

std::vector<json> FakeBambooHr::table_rows(const std::string& employee_id,
                                           const std::string& table) const {
  std::lock_guard lock(mutex_);
  auto t = tables_.find(table);
  if (t == tables_.end()) return {};
  auto rows = t->second.rows.find(employee_id);
  return rows == t->second.rows.end() ? std::vector<json>{} : rows->second;
}

int FakeBambooHr::table_posts() const {
  std::lock_guard lock(mutex_);
  return table_posts_;
}

void FakeBambooHr::refuse_table_writes(int count, int status, std::string message) {
  std::lock_guard lock(mutex_);
  refusals_ = count;
  refusal_status_ = status;
  refusal_message_ = std::move(message);
}

void FakeBambooHr::forbid(const std::string& path_prefix) {
  std::lock_guard lock(mutex_);
  forbidden_.push_back(path_prefix);
}

bool FakeBambooHr::authorised(const httplib::Request& request, httplib::Response& response) const {
  std::string given = request.get_header_value("Authorization");
  // GET /api/v1/employees lists only OAuth in BambooHR's description.
  bool oauth_only = request.method == "GET" && request.path == "/api/v1/employees";
  if (given == expected_bearer_) return true;
  if (given == expected_authorization_ && !oauth_only) return true;
  response.status = 401;
  response.set_header("X-BambooHR-Error-Message", given == expected_authorization_
                                                      ? "This endpoint requires OAuth"
                                                      : "Invalid API key");
  response.set_content("", "text/plain");
  return false;
}

std::string FakeBambooHr::id(const std::string& demo_id) const {
  if (id_style_ == IdStyle::demo) return demo_id;
  std::string digits;
  for (char c : demo_id) {
    if (c >= '0' && c <= '9') digits.push_back(c);
  }
  digits.erase(0, std::min(digits.find_first_not_of('0'), digits.size() - 1));
  return digits.empty() ? demo_id : digits;
}

bool FakeBambooHr::judged(const httplib::Request& req, httplib::Response& res) {
  PrismServer* prism = nullptr;
  bool serve = false;
  {
    std::lock_guard lock(mutex_);
    prism = prism_;
    serve = serve_dynamic_ && req.path.rfind(dynamic_under_, 0) == 0;
  }
  if (prism == nullptr) return false;
  PrismVerdict verdict = prism->judge(req, serve);
  {
    std::lock_guard lock(mutex_);
    ++judged_;
    if (!verdict.violation.empty()) violations_.push_back(verdict.violation);
  }
  if (!serve) return false;
  res.status = verdict.status;
  for (const auto& [name, value] : verdict.headers) {
    if (name == "Content-Length" || name == "Content-Type" || name == "Connection" ||
        name == "Keep-Alive" || name == "Transfer-Encoding")
      continue;
    res.set_header(name.c_str(), value);
  }
  res.set_content(verdict.body,
                  verdict.content_type.empty() ? "application/json" : verdict.content_type.c_str());
  return true;
}

void FakeBambooHr::judge_with(PrismServer& prism, bool serve_dynamic, std::string dynamic_under) {
  std::lock_guard lock(mutex_);
  prism_ = &prism;
  serve_dynamic_ = serve_dynamic;
  dynamic_under_ = std::move(dynamic_under);
}

std::vector<std::string> FakeBambooHr::violations() const {
  std::lock_guard lock(mutex_);
  return violations_;
}

std::size_t FakeBambooHr::requests_judged() const {
  std::lock_guard lock(mutex_);
  return judged_;
}

void FakeBambooHr::restrict_field(const std::string& field) {
  std::lock_guard lock(mutex_);
  restricted_.insert(field);
}

void FakeBambooHr::add_employee_routes() {
  auto& http = server_.http();
  http.Get("/api/v1/employees", [this](const httplib::Request& req, httplib::Response& res) {
    std::size_t limit = 250;
    if (req.has_param("page[limit]")) limit = std::stoul(req.get_param_value("page[limit]"));
    if (limit < 1 || limit > 2500) {
      answer_json(
          res, {{"error", {{"code", "BadPage"}, {"message", "page[limit] must be 1..2500"}}}}, 400);
      return;
    }
    // fields: an array in form style (fields=a&fields=b); unknown names are ignored.
    std::vector<std::string> fields;
    for (std::size_t i = 0; i < req.get_param_value_count("fields"); ++i) {
      for (const auto& f : split(req.get_param_value("fields", i), ',')) fields.push_back(f);
    }
    std::vector<std::size_t> selection;
    if (req.has_param("filter[ids][]")) {
      for (std::size_t i = 0; i < req.get_param_value_count("filter[ids][]"); ++i) {
        auto it = index_of_.find(req.get_param_value("filter[ids][]", i));
        if (it != index_of_.end()) selection.push_back(it->second);
      }
    } else if (req.get_param_value("filter[status]") == "active") {
      selection = active_;
    } else {
      selection.resize(data_.people.size());
      for (std::size_t i = 0; i < selection.size(); ++i) selection[i] = i;
    }
    // The cursor is opaque to clients; here it is the position to resume at.
    std::size_t from = 0;
    if (req.has_param("page[after]")) {
      std::string after = req.get_param_value("page[after]");
      if (after.rfind("pos-", 0) != 0) {
        answer_json(res, {{"error", {{"code", "BadPage"}, {"message", "unknown cursor"}}}}, 400);
        return;
      }
      from = std::stoul(after.substr(4));
    }
    static const std::set<std::string> kDefaultSet = {"employeeId",    "firstName", "lastName",
                                                      "preferredName", "photoUrl",  "jobTitleName",
                                                      "status"};
    static const std::set<std::string> kOptional = {"workEmail",    "reportsToId", "departmentName",
                                                    "locationName", "hireDate",    "reportsToName"};
    std::set<std::string> restricted;
    {
      std::lock_guard lock(mutex_);
      restricted = restricted_;
    }
    json items = json::array();
    std::size_t to = std::min(selection.size(), from + limit);
    for (std::size_t i = from; i < to; ++i) {
      json item = employee_json(selection[i]);
      json picked = json::object();
      json hidden = json::array();
      for (const auto& [key, value] : item.items()) {
        bool asked = kDefaultSet.contains(key) ||
                     (kOptional.contains(key) &&
                      std::find(fields.begin(), fields.end(), key) != fields.end());
        if (!asked) continue;
        if (restricted.contains(key)) {
          picked[key] = nullptr;
          hidden.push_back(key);
        } else {
          picked[key] = value;
        }
      }
      picked["_restrictedFields"] = hidden;
      items.push_back(std::move(picked));
    }
    json next = to < selection.size() ? json("pos-" + std::to_string(to)) : json(nullptr);
    {
      // A broken host: every later page names the cursor it was asked with.
      std::lock_guard lock(mutex_);
      if (repeat_cursor_ && req.has_param("page[after]")) next = req.get_param_value("page[after]");
    }
    answer_json(res,
                {{"data", std::move(items)},
                 {"meta",
                  {{"total", selection.size()},
                   {"page", {{"limit", limit}, {"nextCursor", next}, {"prevCursor", nullptr}}}}},
                 {"_links", {{"self", {{"href", "/api/v1/employees"}}}}}});
  });

  http.Get(
      "/api/v1/employees/changed", [this](const httplib::Request& req, httplib::Response& res) {
        if (!req.has_param("since")) {
          answer_json(res, {{"error", {{"code", 400}, {"message", "since is required"}}}}, 400);
          return;
        }
        std::string since = req.get_param_value("since");
        json employees = json::object();
        std::string latest = since;
        std::lock_guard lock(mutex_);
        for (const auto& [id, when] : changed_at_) {
          if (when > since) {
            employees[id] = {{"id", id}, {"action", "Updated"}, {"lastChanged", when}};
            latest = std::max(latest, when);
          }
        }
        answer_json(res, {{"latest", latest}, {"employees", employees}});
      });

  http.Get(R"(/api/v1/employees/(\d+))",
           [this](const httplib::Request& req, httplib::Response& res) {
             auto it = index_of_.find(req.matches[1]);
             if (it == index_of_.end()) return answer_error(res, 404, "Employee not found");
             json item = employee_json(it->second);
             std::string asked =
                 req.has_param("fields") ? req.get_param_value("fields") : "firstName,lastName";
             json out = {{"id", item["employeeId"]}};
             std::lock_guard lock(mutex_);
             for (const auto& field : split(asked, ',')) {
               if (restricted_.contains(field)) continue;  // omitted, as the description says
               if (field == "department")
                 out[field] = item["departmentName"];
               else if (field == "location")
                 out[field] = item["locationName"];
               else if (item.contains(field))
                 out[field] = item[field];
             }
             answer_json(res, out);
           });
}

void FakeBambooHr::add_report_route() {
  server_.http().Post(
      "/api/v1/reports/custom", [this](const httplib::Request& req, httplib::Response& res) {
        if (judged(req, res)) return;
        std::string format = req.get_param_value("format");
        for (auto& c : format) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (format != "json") return answer_error(res, 404, "Report format not found");
        // Anything but exactly application/json is read as XML.
        if (req.get_header_value("Content-Type") != "application/json")
          return answer_error(res, 400, "Malformed XML");
        json body = json::parse(req.body, nullptr, false);
        if (!body.is_object() || !body.contains("fields") || !body["fields"].is_array())
          return answer_error(res, 400, "The report needs fields");
        json filters = body.value("filters", json::object());
        std::vector<std::size_t> selection;
        std::set<std::string> wanted_ids;
        if (filters.contains("employeeIds")) {
          for (const auto& i : filters["employeeIds"]) wanted_ids.insert(i.dump());
        }
        std::string changed_since;
        bool include_null = true;
        if (filters.contains("lastChanged")) {
          changed_since = filters["lastChanged"].value("value", std::string());
          include_null = filters["lastChanged"].value("includeNull", std::string("yes")) != "no";
        }
        std::set<std::string> restricted;
        std::map<std::string, std::string> changed_at;
        {
          std::lock_guard lock(mutex_);
          restricted = restricted_;
          changed_at = changed_at_;
        }
        for (std::size_t i = 0; i < data_.people.size(); ++i) {
          const std::string& pid = data_.people[i].id;
          if (!wanted_ids.empty() && !wanted_ids.contains(pid)) continue;
          if (filters.contains("lastChanged")) {
            auto when = changed_at.find(pid);
            if (when == changed_at.end() ? !include_null : when->second < changed_since) continue;
          }
          selection.push_back(i);
        }
        json fields = json::array();
        for (const auto& f : body["fields"]) {
          if (f.is_string()) fields.push_back({{"id", f}, {"type", "text"}, {"name", f}});
        }
        json employees = json::array();
        for (std::size_t i : selection) {
          json item = employee_json(i);
          json row = {{"id", item["employeeId"]}};
          for (const auto& f : body["fields"]) {
            if (!f.is_string()) continue;
            std::string name = f;
            if (restricted.contains(name)) continue;  // silently left out
            json value = name == "department" ? item["departmentName"]
                         : name == "location" ? item["locationName"]
                                              : item.value(name, json());
            if (!item.contains(name) && name != "department" && name != "location") continue;
            // The report's values are text: an empty one is "" ("0000-00-00" for a date).
            row[name] = value.is_null()     ? json(name == "hireDate" ? "0000-00-00" : "")
                        : value.is_string() ? value
                                            : json(value.dump());
          }
          employees.push_back(std::move(row));
        }
        answer_json(res, {{"title", body.value("title", std::string("Report"))},
                          {"fields", fields},
                          {"employees", employees}});
      });
}

json FakeBambooHr::employee_json(std::size_t index) const {
  const DemoPerson& p = data_.people[index];
  auto or_null = [](const std::string& s) { return s.empty() ? json(nullptr) : json(s); };
  json item = {{"employeeId", p.id},
               {"firstName", p.first_name},
               {"lastName", p.last_name},
               {"preferredName", nullptr},
               {"workEmail", or_null(p.email)},
               {"reportsToId", or_null(p.manager_id)},
               {"departmentName", or_null(p.department)},
               {"locationName", or_null(p.location)},
               {"hireDate", p.hire_date.empty() ? json("0000-00-00") : json(p.hire_date)},
               {"terminationDate", or_null(p.termination_date)},
               {"status", p.termination_date.empty() ? "Active" : "Inactive"},
               {"_restrictedFields", json::array()}};
  std::lock_guard lock(mutex_);
  auto it = employee_overrides_.find(p.id);
  if (it != employee_overrides_.end()) item.update(it->second);
  return item;
}

json FakeBambooHr::leave_json(const DemoLeave& l) const {
  auto number_or_text = [this](const std::string& text) {
    return id_style_ == IdStyle::numeric ? json(std::stoll(text)) : json(text);
  };
  json item = {{"id", number_or_text(l.id)},
               {"employeeId", number_or_text(l.person_id)},
               {"name", "Employee " + l.person_id},
               {"start", l.start},
               {"end", l.end},
               {"created", l.last_changed.substr(0, 10)},
               {"status",
                // A date in the company's time zone, as the description says.
                {{"lastChanged", l.last_changed.substr(0, 10)},
                 {"lastChangedByUserId", 1},
                 {"status", l.status}}},
               {"type", {{"id", 1}, {"name", l.type}, {"icon", "time-off-calendar"}}},
               {"amount", {{"unit", "days"}, {"amount", 10}}},
               {"actions",
                {{"view", true},
                 {"edit", false},
                 {"cancel", false},
                 {"approve", false},
                 {"deny", false},
                 {"bypass", false}}},
               {"notes", json::object()}};
  std::lock_guard lock(mutex_);
  auto it = leave_overrides_.find(l.id);
  if (it != leave_overrides_.end()) item.update(it->second);
  return item;
}

void FakeBambooHr::touch(const std::string& employee_id, const std::string& when) {
  std::lock_guard lock(mutex_);
  changed_at_[employee_id] = when;
}

void FakeBambooHr::corrupt_employee(const std::string& employee_id, const std::string& field,
                                    json value) {
  std::lock_guard lock(mutex_);
  employee_overrides_[employee_id][field] = std::move(value);
}

void FakeBambooHr::corrupt_leave(const std::string& request_id, const std::string& field,
                                 json value) {
  std::lock_guard lock(mutex_);
  leave_overrides_[request_id][field] = std::move(value);
}

}  // namespace mentoring::fakes
