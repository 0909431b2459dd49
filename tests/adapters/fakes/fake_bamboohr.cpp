#include "fake_bamboohr.hpp"

#include <rest_common/crypto.hpp>

#include <algorithm>
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

}  // namespace

FakeBambooHr::FakeBambooHr(DemoData data, std::string api_key, int port)
    : data_(std::move(data)),
      expected_authorization_("Basic " + adapters::rest::base64_encode(api_key + ":x")),
      server_(port) {
  for (std::size_t i = 0; i < data_.people.size(); ++i) {
    index_of_[data_.people[i].id] = i;
    if (data_.people[i].termination_date.empty()) active_.push_back(i);
  }
  auto& http = server_.http();
  http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (faults_.apply(req, res)) return httplib::Server::HandlerResponse::Handled;
    if (!authorised(req, res)) return httplib::Server::HandlerResponse::Handled;
    return httplib::Server::HandlerResponse::Unhandled;
  });

  http.Get("/api/v1/employees", [this](const httplib::Request& req, httplib::Response& res) {
    std::size_t limit = 250;
    if (req.has_param("page[limit]")) limit = std::stoul(req.get_param_value("page[limit]"));
    if (limit < 1 || limit > 2500) {
      answer_json(
          res, {{"error", {{"code", "BadPage"}, {"message", "page[limit] must be 1..2500"}}}}, 400);
      return;
    }
    std::vector<std::string> fields = split(req.get_param_value("fields"), ',');
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
    json items = json::array();
    std::size_t to = std::min(selection.size(), from + limit);
    for (std::size_t i = from; i < to; ++i) {
      json item = employee_json(selection[i]);
      if (!fields.empty()) {
        json picked = {{"employeeId", item["employeeId"]}};
        for (const auto& field : fields) {
          if (item.contains(field)) picked[field] = item[field];
        }
        item = std::move(picked);
      }
      items.push_back(std::move(item));
    }
    json next = to < selection.size() ? json("pos-" + std::to_string(to)) : json(nullptr);
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

  http.Get(
      "/api/v1/time_off/requests", [this](const httplib::Request& req, httplib::Response& res) {
        if (!req.has_param("start") || !req.has_param("end")) {
          answer_json(res, {{"error", {{"code", 400}, {"message", "start and end are required"}}}},
                      400);
          res.set_header("X-BambooHR-Error-Message", "start and end are required");
          return;
        }
        std::string start = req.get_param_value("start"), end = req.get_param_value("end");
        // Overlap: a request is listed when any of its days falls in [start, end].
        std::string body = "[";
        bool first = true;
        for (std::size_t i = 0; i < data_.leave.size(); ++i) {
          const auto& leave = data_.leave[i];
          if (leave.start > end || leave.end < start) continue;
          if (!first) body.push_back(',');
          first = false;
          body += leave_json(i).dump();
        }
        body.push_back(']');
        res.set_content(body, "application/json");
      });
  server_.start();
}

bool FakeBambooHr::authorised(const httplib::Request& request, httplib::Response& response) const {
  if (request.get_header_value("Authorization") == expected_authorization_) return true;
  response.status = 401;
  response.set_header("X-BambooHR-Error-Message", "Invalid API key");
  response.set_content("", "text/plain");
  return false;
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

json FakeBambooHr::leave_json(std::size_t index) const {
  const DemoLeave& l = data_.leave[index];
  json item = {
      {"id", l.id},
      {"employeeId", l.person_id},
      {"name", "Employee " + l.person_id},
      {"start", l.start},
      {"end", l.end},
      {"created", l.last_changed.substr(0, 10)},
      {"status",
       {{"lastChanged", l.last_changed}, {"lastChangedByUserId", "1"}, {"status", l.status}}},
      {"type", {{"id", "1"}, {"name", l.type}, {"icon", "time-off-calendar"}}},
      {"amount", {{"unit", "days"}, {"amount", "10"}}},
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
