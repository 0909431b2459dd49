#include "fake_moodle.hpp"

#include "demo_data.hpp"

#include <chrono>
#include <fstream>

namespace mentoring::fakes {

using nlohmann::json;

namespace {

json moodle_exception(const std::string& exception, const std::string& code,
                      const std::string& message) {
  return {{"exception", exception}, {"errorcode", code}, {"message", message}};
}

long long unix_of_date(const std::string& ymd) {
  using namespace std::chrono;
  year_month_day day{year{std::stoi(ymd.substr(0, 4))},
                     month{static_cast<unsigned>(std::stoi(ymd.substr(5, 2)))},
                     std::chrono::day{static_cast<unsigned>(std::stoi(ymd.substr(8, 2)))}};
  return duration_cast<seconds>(sys_days{day}.time_since_epoch()).count() + 10 * 3600;
}

}  // namespace

const std::map<std::string, long long>& FakeMoodle::course_ids() {
  static const std::map<std::string, long long> ids = {
      {"MENTOR-101", 12}, {"RTW-PAIR-01", 13},     {"FIRE-SAFETY", 20},
      {"GDPR-2026", 21},  {"MANUAL-HANDLING", 22}, {"MENTOR-SUPERVISION", 30}};
  return ids;
}

FakeMoodle::FakeMoodle(const std::string& data_folder, std::string token, int port)
    : token_(std::move(token)), server_(port) {
  DemoData data = DemoData::load(data_folder);
  long long next_id = 2;  // Moodle's user 1 is the guest user
  for (const auto& p : data.people) {
    users_.push_back({next_id++, p.id, "u" + p.id, p.email, p.first_name, p.last_name});
  }
  std::ifstream training(data_folder + "/training.csv");
  std::string line;
  std::getline(training, line);
  while (std::getline(training, line)) {
    // Employee ID,Course Code,Course Title,Completed,Expires (no quoted commas before "Completed")
    std::vector<std::string> cells;
    std::string cell;
    bool quoted = false;
    for (char c : line) {
      if (c == '"')
        quoted = !quoted;
      else if (c == ',' && !quoted) {
        cells.push_back(cell);
        cell.clear();
      } else if (c != '\r')
        cell.push_back(c);
    }
    cells.push_back(cell);
    if (cells.size() < 4 || !course_ids().contains(cells[1])) continue;
    auto key = std::pair{cells[0], course_ids().at(cells[1])};
    completed_[key] = std::max(completed_[key], unix_of_date(cells[3]));
  }

  server_.http().set_pre_routing_handler(
      [this](const httplib::Request& req, httplib::Response& res) {
        if (faults_.apply(req, res)) return httplib::Server::HandlerResponse::Handled;
        return httplib::Server::HandlerResponse::Unhandled;
      });
  auto handler = [this](const httplib::Request& req, httplib::Response& res) {
    json answer;
    if (req.get_param_value("moodlewsrestformat") != "json") {
      res.set_content("<?xml version=\"1.0\"?><RESPONSE/>", "application/xml");
      return;
    }
    if (req.get_param_value("wstoken") != token_) {
      answer =
          moodle_exception("moodle_exception", "invalidtoken", "Invalid token - token not found");
    } else {
      answer = call(req.get_param_value("wsfunction"), req);
    }
    res.set_content(answer.dump(), "application/json");
  };
  server_.http().Post("/webservice/rest/server.php", handler);
  server_.http().Get("/webservice/rest/server.php", handler);
  server_.start();
}

json FakeMoodle::call(const std::string& function, const httplib::Request& req) {
  static const std::vector<std::string> functions = {"core_webservice_get_site_info",
                                                     "core_enrol_get_enrolled_users",
                                                     "core_completion_get_course_completion_status",
                                                     "core_user_get_users_by_field",
                                                     "enrol_manual_enrol_users",
                                                     "core_calendar_create_calendar_events",
                                                     "core_group_get_course_groups",
                                                     "core_group_create_groups",
                                                     "core_group_add_group_members",
                                                     "core_group_delete_group_members"};
  {
    std::lock_guard lock(mutex_);
    if (disabled_.contains(function) ||
        std::find(functions.begin(), functions.end(), function) == functions.end()) {
      return moodle_exception("webservice_access_exception", "accessexception",
                              "Access control exception");
    }
  }
  auto param = [&](const std::string& name) { return req.get_param_value(name); };
  if (function == "core_webservice_get_site_info") {
    json list = json::array();
    std::lock_guard lock(mutex_);
    for (const auto& f : functions) {
      if (!disabled_.contains(f)) list.push_back({{"name", f}, {"version", "2024042200"}});
    }
    return {{"sitename", "Northwind Learning"},
            {"username", "wsuser"},
            {"userid", 2},
            {"functions", list}};
  }
  if (function == "core_enrol_get_enrolled_users") {
    long long course = std::stoll(param("courseid").empty() ? "0" : param("courseid"));
    bool known = false;
    for (const auto& [code, id] : course_ids()) known = known || id == course;
    if (!known)
      return moodle_exception("dml_missing_record_exception", "invalidrecord",
                              "Can't find data record in database table course.");
    long long from = 0, number = 0;
    for (int i = 0; i < 2; ++i) {
      std::string name = param("options[" + std::to_string(i) + "][name]");
      std::string value = param("options[" + std::to_string(i) + "][value]");
      if (name == "limitfrom") from = std::stoll(value);
      if (name == "limitnumber") number = std::stoll(value);
    }
    json out = json::array();
    for (long long i = from;
         i < static_cast<long long>(users_.size()) && (number == 0 || i < from + number); ++i) {
      const User& u = users_[i];
      out.push_back(
          {{"id", u.id},
           {"username", u.username},
           {"firstname", u.firstname},
           {"lastname", u.lastname},
           {"fullname", u.firstname + " " + u.lastname},
           {"email", u.email},
           {"idnumber", u.idnumber},
           {"roles", json::array({{{"roleid", 5}, {"name", ""}, {"shortname", "student"}}})}});
    }
    return out;
  }
  if (function == "core_completion_get_course_completion_status") {
    long long course = std::stoll(param("courseid")), user_id = std::stoll(param("userid"));
    if (user_id < 2 || user_id - 2 >= static_cast<long long>(users_.size())) {
      return moodle_exception("moodle_exception", "invaliduser", "Invalid user");
    }
    const User& u = users_[user_id - 2];
    {
      std::lock_guard lock(mutex_);
      if (corrupt_.contains(user_id))
        return {{"completionstatus", {{"completed", "yes"}}}, {"warnings", json::array()}};
    }
    auto it = completed_.find({u.idnumber, course});
    bool done = it != completed_.end();
    json criterion = {{"type", 4},
                      {"title", "Activity completion"},
                      {"status", done ? "Yes" : "No"},
                      {"complete", done},
                      {"timecompleted", done ? json(it->second) : json(nullptr)},
                      {"details",
                       {{"type", "Activity completion"},
                        {"criteria", "Mentor training day"},
                        {"requirement", "Marking yourself complete"},
                        {"status", ""}}}};
    return {{"completionstatus",
             {{"completed", done}, {"aggregation", 1}, {"completions", json::array({criterion})}}},
            {"warnings", json::array()}};
  }
  if (function == "core_user_get_users_by_field") {
    std::string field = param("field"), value = param("values[0]");
    json out = json::array();
    for (const auto& u : users_) {
      bool match = (field == "idnumber" && u.idnumber == value) ||
                   (field == "email" && u.email == value) ||
                   (field == "username" && u.username == value) ||
                   (field == "id" && std::to_string(u.id) == value);
      if (match)
        out.push_back(
            {{"id", u.id}, {"idnumber", u.idnumber}, {"email", u.email}, {"username", u.username}});
    }
    return out;
  }
  if (function == "enrol_manual_enrol_users") {
    std::lock_guard lock(mutex_);
    enrolments_.push_back({{"roleid", param("enrolments[0][roleid]")},
                           {"userid", param("enrolments[0][userid]")},
                           {"courseid", param("enrolments[0][courseid]")}});
    return nullptr;  // Moodle answers null on success
  }
  if (function.rfind("core_group_", 0) == 0) return group_call(function, req);
  // core_calendar_create_calendar_events
  std::lock_guard lock(mutex_);
  json event = {{"id", 100 + events_.size()},
                {"name", param("events[0][name]")},
                {"description", param("events[0][description]")},
                {"eventtype", param("events[0][eventtype]")},
                {"timestart", std::stoll(param("events[0][timestart]"))},
                {"timeduration", std::stoll(param("events[0][timeduration]").empty()
                                                ? "0"
                                                : param("events[0][timeduration]"))}};
  events_.push_back(event);
  return {{"events", json::array({event})}, {"warnings", json::array()}};
}

// Groups, as group/externallib.php answers: course and group looked up with
// MUST_EXIST (dml_missing_record_exception "invalidrecord"), only enrolled
// users may be members, a name or idnumber taken in the course is refused.
json FakeMoodle::group_call(const std::string& function, const httplib::Request& req) {
  auto param = [&](const std::string& name) { return req.get_param_value(name); };
  auto number = [&](const std::string& name) {
    std::string text = param(name);
    return text.empty() ? 0LL : std::stoll(text);
  };
  auto missing = [](const std::string& table) {
    return moodle_exception("dml_missing_record_exception", "invalidrecord",
                            "Can't find data record in database table " + table + ".");
  };
  auto invalid = [](const std::string& why) {
    return moodle_exception("invalid_parameter_exception", "invalidparameter",
                            "Invalid parameter value detected (" + why + ")");
  };
  auto known_course = [](long long id) {
    for (const auto& [code, course] : course_ids())
      if (course == id) return true;
    return false;
  };
  std::lock_guard lock(mutex_);
  if (function == "core_group_get_course_groups") {
    long long course = number("courseid");
    if (!known_course(course)) return missing("course");
    json out = json::array();
    for (const auto& g : groups_) {
      if (g.courseid != course) continue;
      out.push_back({{"id", g.id},
                     {"courseid", g.courseid},
                     {"name", g.name},
                     {"description", g.description},
                     {"descriptionformat", 1},
                     {"enrolmentkey", ""},
                     {"idnumber", g.idnumber}});
    }
    return out;
  }
  if (function == "core_group_create_groups") {
    Group g{static_cast<long long>(500 + groups_.size()),
            number("groups[0][courseid]"),
            param("groups[0][name]"),
            param("groups[0][description]"),
            param("groups[0][idnumber]"),
            {}};
    if (!known_course(g.courseid)) return missing("course");
    if (g.name.empty()) return invalid("Invalid group name");
    for (const auto& other : groups_) {
      if (other.courseid != g.courseid) continue;
      if (other.name == g.name)
        return invalid("Group with the same name already exists in the course");
      if (!g.idnumber.empty() && other.idnumber == g.idnumber)
        return moodle_exception("moodle_exception", "idnumbertaken", "ID number is already used");
    }
    groups_.push_back(g);
    ++groups_created_;
    return json::array({{{"id", g.id},
                         {"courseid", g.courseid},
                         {"name", g.name},
                         {"description", g.description},
                         {"descriptionformat", 1},
                         {"enrolmentkey", ""},
                         {"idnumber", g.idnumber}}});
  }
  // core_group_add_group_members / core_group_delete_group_members
  long long group_id = number("members[0][groupid]"), user_id = number("members[0][userid]");
  Group* group = nullptr;
  for (auto& g : groups_)
    if (g.id == group_id) group = &g;
  if (!group) return missing("groups");
  if (user_id < 2 || user_id - 2 >= static_cast<long long>(users_.size())) return missing("user");
  if (function == "core_group_add_group_members") {
    bool enrolled = false;
    for (const auto& e : enrolments_) {
      enrolled |= e["userid"] == std::to_string(user_id) &&
                  e["courseid"] == std::to_string(group->courseid);
    }
    if (!enrolled) return invalid("Only enrolled users may be members of groups");
    group->members.insert(user_id);
  } else {
    group->members.erase(user_id);  // removing a non-member is not an error
  }
  return nullptr;  // both answer null
}

std::vector<json> FakeMoodle::groups() const {
  std::lock_guard lock(mutex_);
  std::vector<json> out;
  for (const auto& g : groups_) {
    out.push_back({{"id", g.id},
                   {"courseid", g.courseid},
                   {"name", g.name},
                   {"description", g.description},
                   {"idnumber", g.idnumber},
                   {"members", g.members}});
  }
  return out;
}

std::size_t FakeMoodle::groups_created() const {
  std::lock_guard lock(mutex_);
  return groups_created_;
}

long long FakeMoodle::user_id_of(const std::string& idnumber) const {
  for (const auto& u : users_)
    if (u.idnumber == idnumber) return u.id;
  return 0;
}

std::size_t FakeMoodle::completions_of(const std::string& course_code) const {
  long long course = course_ids().at(course_code);
  std::size_t n = 0;
  for (const auto& [key, when] : completed_) n += key.second == course;
  return n;
}

void FakeMoodle::disable_function(const std::string& function) {
  std::lock_guard lock(mutex_);
  disabled_.insert(function);
}

void FakeMoodle::corrupt_completion(long long user_id) {
  std::lock_guard lock(mutex_);
  corrupt_.insert(user_id);
}

std::vector<json> FakeMoodle::enrolments() const {
  std::lock_guard lock(mutex_);
  return enrolments_;
}

std::vector<json> FakeMoodle::events() const {
  std::lock_guard lock(mutex_);
  return events_;
}

}  // namespace mentoring::fakes
