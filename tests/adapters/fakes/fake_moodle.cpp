#include "fake_moodle.hpp"

#include "demo_data.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <fstream>

namespace mentoring::fakes {

using nlohmann::json;

namespace {

// A Moodle error as the real one answers it (HTTP 200); thrown inside the fake.
struct MoodleFault {
  json body;
};

MoodleFault fault(const std::string& exception, const std::string& code,
                  const std::string& message) {
  return {json{{"exception", exception}, {"errorcode", code}, {"message", message}}};
}
MoodleFault invalid_parameter() {
  return fault("core\\exception\\invalid_parameter_exception", "invalidparameter",
               "Invalid parameter value detected");
}
MoodleFault missing_record(const std::string& table) {
  return fault("dml_missing_record_exception", "invalidrecord",
               "Can't find data record in database table " + table + ".");
}
MoodleFault require_login() {
  return fault("core\\exception\\require_login_exception", "requireloginerror",
               "Course or activity not accessible.");
}
MoodleFault course_context(long long course) {
  return fault(
      "core\\exception\\moodle_exception", "errorcoursecontextnotvalid",
      "You cannot execute functions in the course context (course id:" + std::to_string(course) +
          "). The context error message was: Course or activity not accessible.");
}
MoodleFault no_permission(const std::string& what) {
  return fault("core\\exception\\required_capability_exception", "nopermissions",
               "Sorry, but you do not currently have permissions to do that (" + what + ").");
}

long long unix_of_date(const std::string& ymd) {
  using namespace std::chrono;
  year_month_day day{year{std::stoi(ymd.substr(0, 4))},
                     month{static_cast<unsigned>(std::stoi(ymd.substr(5, 2)))},
                     std::chrono::day{static_cast<unsigned>(std::stoi(ymd.substr(8, 2)))}};
  return duration_cast<seconds>(sys_days{day}.time_since_epoch()).count() + 10 * 3600;
}

// The service's functions: those of the recorded site's service, plus
// core_group_delete_group_members (which the adapter needs for leavers).
// core_calendar_get_calendar_events and core_enrol_get_users_courses are in
// the recorded service, but no answer of them was recorded: their shapes here
// follow calendar/externallib.php and enrol/externallib.php (get_users_courses).
const std::vector<std::string>& service_functions() {
  static const std::vector<std::string> functions = {
      "core_user_get_users_by_field",
      "core_user_get_users",
      "core_course_get_courses",
      "core_enrol_get_enrolled_users",
      "enrol_manual_enrol_users",
      "core_completion_get_course_completion_status",
      "core_calendar_create_calendar_events",
      "core_group_create_groups",
      "core_group_add_group_members",
      "core_webservice_get_site_info",
      "core_course_get_courses_by_field",
      "core_completion_get_activities_completion_status",
      "core_completion_override_activity_completion_status",
      "core_group_get_course_groups",
      "core_group_get_group_members",
      "core_calendar_delete_calendar_events",
      "core_calendar_get_calendar_events",
      "core_enrol_get_users_courses",
      "core_group_delete_group_members"};
  return functions;
}

// Moodle's own functions not in the service: refused with "accessexception";
// any other name is unknown to Moodle ("invalidrecord" on external_functions).
bool moodle_knows(const std::string& function) {
  for (const char* prefix : {"core_", "enrol_", "mod_", "tool_", "gradereport_", "message_"}) {
    if (function.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

// SQL LIKE with % (case-insensitive), as core_user_get_users matches email and names.
bool like(const std::string& text, const std::string& pattern) {
  auto lower = [](std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  std::string t = lower(text), p = lower(pattern);
  std::size_t ti = 0, pi = 0, star = std::string::npos, mark = 0;
  while (ti < t.size()) {
    if (pi < p.size() && p[pi] == '%') {
      star = pi++;
      mark = ti;
    } else if (pi < p.size() && p[pi] == t[ti]) {
      ++pi;
      ++ti;
    } else if (star != std::string::npos) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '%') ++pi;
  return pi == p.size();
}

const std::map<long long, std::string>& course_names() {
  static const std::map<long long, std::string> names = {
      {12, "Mentor training"},      {13, "Return-to-work pairing"}, {20, "Fire safety"},
      {21, "Data protection 2026"}, {22, "Manual handling"},        {30, "Mentor supervision"}};
  return names;
}

constexpr long long kSiteCourse = 1;

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
  users_.push_back({kTokenUserId, "admin", "Admin", "User", "admin@example.com", "", true});
  long long next_id = 3;  // Moodle's user 1 is the guest user, 2 the administrator
  for (const auto& p : data.people) {
    users_.push_back({next_id++, "u" + p.id, p.first_name, p.last_name, p.email, p.id});
  }
  people_ = data.people.size();
  users_.push_back(
      {next_id++, "mmentor", "Maria", "Mentor", "maria.mentor@example.com", "T-MENTOR01"});
  roles_[{users_.back().id, 12}] = "editingteacher";
  users_.push_back(
      {next_id++, "wsstudent", "Web", "Student", "ws.student@example.com", "WS-STUDENT"});
  roles_[{users_.back().id, 20}] = "student";

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

  // Faults are applied once the form body is read, so they may name a wsfunction.
  server_.http().set_post_routing_handler(&FaultPlan::finish);
  auto handler = [this](const httplib::Request& req, httplib::Response& res) {
    count_write(req);  // received, whether a fault answers it or not
    if (faults_.apply(req, res, req.get_param_value("wsfunction"))) return;
    if (req.get_param_value("moodlewsrestformat") != "json") {
      res.set_content("<?xml version=\"1.0\"?><RESPONSE/>", "application/xml");
      return;
    }
    json answer;
    std::string token = req.get_param_value("wstoken");
    try {
      if (token.empty() || (token != token_ && token != limited_token())) {
        throw fault("core\\exception\\moodle_exception", "invalidtoken",
                    "Invalid token - token not found");
      }
      Caller caller{token == token_ ? user(kTokenUserId) : user(limited_user_id()),
                    token != token_};
      answer = call(req.get_param_value("wsfunction"), req, caller);
    } catch (const MoodleFault& f) {
      answer = f.body;
    }
    res.set_content(answer.dump(), "application/json");
  };
  server_.http().Post("/webservice/rest/server.php", handler);
  server_.http().Get("/webservice/rest/server.php", handler);
  server_.http().Get("/__fake/counts", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(counts().dump(), "application/json");
  });
  faults_.serve_admin(server_.http());
  server_.start();
}

FakeMoodle::~FakeMoodle() {
  faults_.stop_streams();  // an endless body would hold the server's stop
}

void FakeMoodle::count_write(const httplib::Request& req) {
  static const std::set<std::string> writes = {
      "enrol_manual_enrol_users",
      "core_calendar_create_calendar_events",
      "core_calendar_delete_calendar_events",
      "core_group_create_groups",
      "core_group_add_group_members",
      "core_group_delete_group_members",
      "core_completion_override_activity_completion_status"};
  std::string function = req.get_param_value("wsfunction");
  if (!writes.contains(function)) return;
  std::lock_guard lock(mutex_);
  ++write_calls_[function];
}

json FakeMoodle::counts() const {
  std::lock_guard lock(mutex_);
  auto person = [&](long long user_id) {
    const User* u = user(user_id);
    return u && !u->idnumber.empty() ? u->idnumber : "#" + std::to_string(user_id);
  };
  json calls = json::object();
  int received = 0;
  for (const auto& [function, n] : write_calls_) {
    calls[function] = n;
    received += n;
  }
  json enrolments = json::object();
  for (const auto& e : enrolments_) {
    std::string key =
        person(std::stoll(e["userid"].get<std::string>())) + "/" + e["courseid"].get<std::string>();
    enrolments[key] = enrolments.value(key, 0) + 1;
  }
  json members = json::object();
  for (const auto& g : groups_) {
    json people = json::array();
    for (long long m : g.members) people.push_back(person(m));
    members[g.idnumber.empty() ? "#" + std::to_string(g.id) : g.idnumber] = people;
  }
  json live = json::object();
  for (const auto& e : events_) {
    std::string marker = event_marker_of(e.value("description", std::string()));
    if (!marker.empty()) live[marker] = live.value(marker, 0) + 1;
  }
  json created = json::object();
  for (const auto& [marker, n] : events_created_by_marker_) created[marker] = n;
  return {{"host", "moodle"},
          {"requests", faults_.requests_seen()},
          {"faults_applied", faults_.faults_applied()},
          {"write_backs_received", received},
          {"write_calls", calls},
          {"enrolments", enrolments},
          {"events_created", events_created_},
          {"events_created_by_marker", created},
          {"events_live_by_marker", live},
          {"groups_created", groups_created_},
          {"group_members", members}};
}

std::string FakeMoodle::event_marker_of(const std::string& description) {
  // "(mentoring plugin event <uid>, version <n>)" -> "<uid>/<n>"
  const std::string head = "(mentoring plugin event ";
  auto at = description.rfind(head);
  if (at == std::string::npos) return "";
  auto comma = description.find(", version ", at);
  auto close = description.find(')', comma == std::string::npos ? at : comma);
  if (comma == std::string::npos || close == std::string::npos) return "";
  std::string uid = description.substr(at + head.size(), comma - at - head.size());
  std::string version = description.substr(comma + 10, close - comma - 10);
  return uid + "/" + version;
}

// ------------------------------------------------------------------ the site

const FakeMoodle::User* FakeMoodle::user(long long id) const {
  for (const auto& u : users_)
    if (u.id == id) return &u;
  return nullptr;
}

bool FakeMoodle::course_exists(long long id) const {
  return course_names().contains(id);
}

std::optional<std::string> FakeMoodle::role_in(long long user_id, long long course) const {
  auto it = roles_.find({user_id, course});
  if (it != roles_.end()) return it->second;
  const User* u = user(user_id);
  bool demo_person = u && !u->site_admin &&
                     u->id < 3 + static_cast<long long>(std::min(people_, implicit_students_));
  if (demo_person && course_exists(course) && course != 30) return "student";
  return std::nullopt;
}

std::vector<long long> FakeMoodle::courses_of(long long user_id) const {
  std::vector<long long> out;
  for (const auto& [id, name] : course_names())
    if (role_in(user_id, id)) out.push_back(id);
  return out;
}

json FakeMoodle::full_user(const User& u) const {
  json out = templates()[u.site_admin ? "admin_user" : "user"];
  out["id"] = u.id;
  out["username"] = u.username;
  out["firstname"] = u.firstname;
  out["lastname"] = u.lastname;
  out["fullname"] = u.firstname + " " + u.lastname;
  out["email"] = u.email;
  if (!u.site_admin) out["idnumber"] = u.idnumber;
  return out;
}

// What a user without capabilities sees of another user (recording E09):
// no username, no idnumber.
json FakeMoodle::reduced_user(const User& u) const {
  json out = templates()["user_reduced"];
  out["id"] = u.id;
  out["firstname"] = u.firstname;
  out["lastname"] = u.lastname;
  out["fullname"] = u.firstname + " " + u.lastname;
  out["email"] = u.email;
  return out;
}

json FakeMoodle::enrolled_user(const User& u, long long course, const Caller& caller) const {
  bool reduced = caller.limited && caller.user->id != u.id;
  json out = templates()[reduced ? "enrolled_user_reduced" : "enrolled_user"];
  out["id"] = u.id;
  out["firstname"] = u.firstname;
  out["lastname"] = u.lastname;
  out["fullname"] = u.firstname + " " + u.lastname;
  out["email"] = u.email;
  if (!reduced) {
    out["username"] = u.username;
    out["idnumber"] = u.idnumber;
  }
  std::string role = role_in(u.id, course).value_or("student");
  out["roles"] = json::array({{{"roleid", role == "student" ? 5 : 3},
                               {"name", ""},
                               {"shortname", role},
                               {"sortorder", 0}}});
  json courses = json::array();
  for (long long id : courses_of(u.id)) {
    courses.push_back(
        {{"id", id}, {"fullname", course_names().at(id)}, {"shortname", course_names().at(id)}});
  }
  out["enrolledcourses"] = courses;
  json groups = json::array();
  for (const auto& g : groups_) {
    if (g.courseid == course && g.members.contains(u.id)) {
      groups.push_back({{"id", g.id},
                        {"name", g.name},
                        {"description", g.description},
                        {"descriptionformat", 1}});
    }
  }
  if (caller.limited && caller.user->id == u.id)  // as W21: one's own record, with preferences
    out["preferences"] = templates()["admin_user"]["preferences"];
  out.erase("groups");  // Moodle leaves "groups" out for a user in none
  if (!groups.empty() && !reduced) out["groups"] = groups;
  return out;
}

json FakeMoodle::course_json(long long id) const {
  json out = templates()[id == kSiteCourse ? "site_course" : "course"];
  out["id"] = id;
  if (id != kSiteCourse) {
    std::string code;
    for (const auto& [c, i] : course_ids())
      if (i == id) code = c;
    out["shortname"] = code;
    out["idnumber"] = code;
    out["fullname"] = course_names().at(id);
    out["displayname"] = course_names().at(id);
    out["summary"] = course_names().at(id);
  }
  return out;
}

// ------------------------------------------------------------- the functions

json FakeMoodle::call(const std::string& function, const httplib::Request& req,
                      const Caller& caller) {
  const auto& functions = service_functions();
  std::lock_guard lock(mutex_);
  if (std::find(functions.begin(), functions.end(), function) == functions.end() ||
      disabled_.contains(function)) {
    if (!moodle_knows(function)) throw missing_record("external_functions");
    throw fault("webservice_access_exception", "accessexception", "Access control exception");
  }
  if (function == "core_webservice_get_site_info") {
    json info = templates()["site_info"];
    json list = json::array();
    for (const auto& f : functions) {
      if (!disabled_.contains(f)) list.push_back({{"name", f}, {"version", "2024100705.01"}});
    }
    info["functions"] = list;
    info["userid"] = caller.user->id;
    info["username"] = caller.user->username;
    info["firstname"] = caller.user->firstname;
    info["lastname"] = caller.user->lastname;
    info["fullname"] = caller.user->firstname + " " + caller.user->lastname;
    info["userissiteadmin"] = caller.user->site_admin;
    return info;
  }
  if (function.rfind("core_user_", 0) == 0) return users_call(function, req, caller);
  if (function.rfind("core_calendar_", 0) == 0) return calendar_call(function, req, caller);
  if (function.rfind("core_group_", 0) == 0) return group_call(function, req, caller);
  return course_call(function, req, caller);
}

namespace {

// An integer parameter; missing (when required) or not a number: invalidparameter.
long long int_param(const httplib::Request& req, const std::string& name,
                    std::optional<long long> fallback = std::nullopt) {
  if (!req.has_param(name)) {
    if (fallback) return *fallback;
    throw invalid_parameter();
  }
  std::string text = req.get_param_value(name);
  if (text.empty() || text.find_first_not_of("-0123456789") != std::string::npos)
    throw invalid_parameter();
  return std::stoll(text);
}

// name[0], name[1], ... (or name[0][field], ...) while present.
template <class F>
void each_index(const httplib::Request& req, const std::string& probe_format, F&& f) {
  for (int i = 0;; ++i) {
    std::string probe = probe_format;
    probe.replace(probe.find("%d"), 2, std::to_string(i));
    if (!req.has_param(probe)) break;
    f("[" + std::to_string(i) + "]");
  }
}

}  // namespace

json FakeMoodle::users_call(const std::string& function, const httplib::Request& req,
                            const Caller& caller) {
  auto visible = [&](const User& u) {
    return caller.limited && caller.user->id != u.id ? reduced_user(u) : full_user(u);
  };
  if (function == "core_user_get_users_by_field") {
    std::string field = req.get_param_value("field");
    if (field != "id" && field != "idnumber" && field != "username" && field != "email") {
      throw fault("core\\exception\\coding_exception", "codingerror",
                  "Coding error detected, it must be fixed by a programmer: invalid field "
                  "parameter");
    }
    std::vector<std::string> values;
    each_index(req, "values[%d]",
               [&](const std::string& i) { values.push_back(req.get_param_value("values" + i)); });
    json out = json::array();
    for (const auto& u : users_) {
      std::string value = field == "id"         ? std::to_string(u.id)
                          : field == "idnumber" ? u.idnumber
                          : field == "username" ? u.username
                                                : u.email;
      if (value.empty() || std::find(values.begin(), values.end(), value) == values.end()) continue;
      json details = visible(u);
      // Moodle returns a user only when the searched field is among what the
      // token's user may see of them: otherwise [] as for no match.
      if (!details.contains(field)) continue;
      out.push_back(details);
    }
    return out;
  }
  // core_user_get_users
  json warnings = json::array();
  std::vector<std::pair<std::string, std::string>> criteria;
  each_index(req, "criteria[%d][key]", [&](const std::string& i) {
    std::string key = req.get_param_value("criteria" + i + "[key]");
    std::string value = req.get_param_value("criteria" + i + "[value]");
    static const std::set<std::string> keys = {"id",       "idnumber",  "username", "email",
                                               "lastname", "firstname", "auth"};
    if (!keys.contains(key)) {
      warnings.push_back({{"item", key},
                          {"warningcode", "invalidfieldparameter"},
                          {"message", "The search key '" + key +
                                          "' is not supported, look at the web service "
                                          "documentation"}});
    } else {
      criteria.emplace_back(key, value);
    }
  });
  json found = json::array();
  for (const auto& u : users_) {
    bool match = true;
    for (const auto& [key, value] : criteria) {
      if (key == "id") match &= std::to_string(u.id) == value;
      if (key == "idnumber") match &= u.idnumber == value;
      if (key == "username") match &= u.username == value;
      if (key == "auth") match &= value == "manual";
      if (key == "email") match &= like(u.email, value);
      if (key == "lastname") match &= like(u.lastname, value);
      if (key == "firstname") match &= like(u.firstname, value);
    }
    if (!match) continue;
    json details = visible(u);
    bool all_visible = true;
    for (const auto& [key, value] : criteria) all_visible &= details.contains(key);
    if (all_visible) found.push_back(details);
  }
  return {{"users", found}, {"warnings", warnings}};
}

json FakeMoodle::course_call(const std::string& function, const httplib::Request& req,
                             const Caller& caller) {
  auto param = [&](const std::string& name) { return req.get_param_value(name); };
  auto require_course = [&](long long course) {
    if (!course_exists(course)) throw missing_record("course");
  };
  if (function == "core_course_get_courses") {
    json out = json::array();
    std::vector<long long> ids;
    each_index(req, "options[ids][%d]",
               [&](const std::string& i) { ids.push_back(int_param(req, "options[ids]" + i)); });
    if (ids.empty()) {
      out.push_back(course_json(kSiteCourse));
      for (const auto& [id, name] : course_names()) out.push_back(course_json(id));
    }
    for (long long id : ids)
      if (course_exists(id)) out.push_back(course_json(id));
    return out;
  }
  if (function == "core_course_get_courses_by_field") {
    std::string field = param("field"), value = param("value");
    json courses = json::array();
    for (const auto& [code, id] : course_ids()) {
      bool match = field.empty() || (field == "id" && std::to_string(id) == value) ||
                   ((field == "shortname" || field == "idnumber") && code == value);
      if (!match) continue;
      json c = templates()["course_by_field"];
      c["id"] = id;
      c["shortname"] = code;
      c["idnumber"] = code;
      c["fullname"] = course_names().at(id);
      c["displayname"] = course_names().at(id);
      c["summary"] = course_names().at(id);
      courses.push_back(c);
    }
    return {{"courses", courses}, {"warnings", json::array()}};
  }
  if (function == "core_enrol_get_enrolled_users") {
    long long course = int_param(req, "courseid");
    require_course(course);
    if (caller.limited && !role_in(caller.user->id, course)) throw course_context(course);
    long long from = 0, number = 0;
    std::vector<std::string> userfields;
    each_index(req, "options[%d][name]", [&](const std::string& i) {
      std::string name = param("options" + i + "[name]");
      std::string value = param("options" + i + "[value]");
      if (name == "limitfrom") from = std::stoll(value);
      if (name == "limitnumber") number = std::stoll(value);
      if (name == "userfields") {
        for (std::size_t start = 0; start <= value.size();) {
          std::size_t comma = value.find(',', start);
          if (comma == std::string::npos) comma = value.size();
          userfields.push_back(value.substr(start, comma - start));
          start = comma + 1;
        }
      }
    });
    json out = json::array();
    long long index = 0;
    for (const auto& u : users_) {
      if (!role_in(u.id, course)) continue;
      if (index++ < from) continue;
      if (number > 0 && static_cast<long long>(out.size()) >= number) break;
      json details = enrolled_user(u, course, caller);
      if (!userfields.empty()) {
        json picked = json::object();
        picked["id"] = u.id;  // always returned
        for (const auto& f : userfields)
          if (details.contains(f)) picked[f] = details[f];
        details = picked;
      }
      out.push_back(details);
    }
    return out;
  }
  if (function == "core_enrol_get_users_courses") {
    long long user_id = int_param(req, "userid");
    if (!user(user_id)) throw fault("dml_missing_record_exception", "invaliduser", "Invalid user");
    json out = json::array();
    for (long long id : courses_of(user_id)) {
      // A user without capabilities sees only the courses they share.
      if (caller.limited && caller.user->id != user_id && !role_in(caller.user->id, id)) continue;
      json c = course_json(id);
      json course = {{"id", id},
                     {"shortname", c.value("shortname", "")},
                     {"fullname", c.value("fullname", "")},
                     {"displayname", c.value("displayname", "")},
                     {"enrolledusercount", 0},
                     {"idnumber", c.value("idnumber", "")},
                     {"visible", 1},
                     {"summary", c.value("summary", "")},
                     {"summaryformat", 1},
                     {"format", "topics"},
                     {"showgrades", true},
                     {"lang", ""},
                     {"enablecompletion", true},
                     {"completionhascriteria", false},
                     {"completionusertracked", true},
                     {"category", 1},
                     {"progress", nullptr},
                     {"completed", false},
                     {"startdate", c.value("startdate", 0)},
                     {"enddate", c.value("enddate", 0)},
                     {"marker", 0},
                     {"lastaccess", nullptr},
                     {"isfavourite", false},
                     {"hidden", false},
                     {"overviewfiles", json::array()},
                     {"showactivitydates", true},
                     {"showcompletionconditions", true},
                     {"timemodified", c.value("timemodified", 0)}};
      std::size_t enrolled = 0;
      for (const auto& u : users_) enrolled += role_in(u.id, id).has_value();
      course["enrolledusercount"] = enrolled;
      out.push_back(course);
    }
    return out;
  }
  if (function == "enrol_manual_enrol_users") {
    std::vector<json> accepted;
    each_index(req, "enrolments[%d][userid]", [&](const std::string& i) {
      long long role = int_param(req, "enrolments" + i + "[roleid]");
      long long user_id = int_param(req, "enrolments" + i + "[userid]");
      long long course = int_param(req, "enrolments" + i + "[courseid]");
      require_course(course);
      if (caller.limited) {
        if (!role_in(caller.user->id, course)) throw require_login();
        throw no_permission("Enrol users");
      }
      if (!user(user_id))
        throw fault("dml_missing_record_exception", "invaliduser", "Invalid user");
      accepted.push_back({{"roleid", std::to_string(role)},
                          {"userid", std::to_string(user_id)},
                          {"courseid", std::to_string(course)}});
    });
    for (const auto& e : accepted) {
      enrolments_.push_back(e);
      long long user_id = std::stoll(e["userid"].get<std::string>());
      long long course = std::stoll(e["courseid"].get<std::string>());
      if (!role_in(user_id, course))
        roles_[{user_id, course}] = e["roleid"] == "5" ? "student" : "teacher";
    }
    return nullptr;  // Moodle answers null on success
  }
  if (function == "core_completion_get_course_completion_status" ||
      function == "core_completion_get_activities_completion_status") {
    long long course = int_param(req, "courseid"), user_id = int_param(req, "userid");
    require_course(course);
    const User* u = user(user_id);
    if (!u) throw missing_record("user");
    if (caller.limited) {
      if (!role_in(caller.user->id, course)) throw require_login();
      if (user_id != caller.user->id) throw no_permission("View course completion report");
    }
    // Only users with a graded role (students) are tracked.
    if (role_in(user_id, course) != "student")
      throw fault("core\\exception\\moodle_exception", "usernotenroled",
                  "User is not enrolled in this course");
    auto it = completed_.find({u->idnumber, course});
    bool done = it != completed_.end();
    if (function == "core_completion_get_activities_completion_status") {
      json status = templates()["activities"];
      json& s = status["statuses"][0];
      s["cmid"] = course * 10 + 1;
      s["state"] = done ? 1 : 0;
      s["timecompleted"] = done ? it->second : 0;
      s["isoverallcomplete"] = done;
      return status;
    }
    if (corrupt_.contains(user_id))
      return {{"completionstatus", {{"completed", "yes"}}}, {"warnings", json::array()}};
    json status = templates()["completion"];
    json& c = status["completionstatus"];
    c["completed"] = done;
    json& criterion = c["completions"][0];
    criterion["status"] = done ? "Yes" : "No";
    criterion["complete"] = done;
    criterion["timecompleted"] = done ? json(it->second) : json(nullptr);
    return status;
  }
  if (function == "core_completion_override_activity_completion_status") {
    long long user_id = int_param(req, "userid"), cmid = int_param(req, "cmid"),
              state = int_param(req, "newstate");
    if (!user(user_id)) throw missing_record("user");
    json out = templates()["override"];
    out["cmid"] = cmid;
    out["userid"] = user_id;
    out["state"] = state;
    out["overrideby"] = caller.user->id;
    return out;
  }
  throw missing_record("external_functions");
}

// Calendar events, as calendar/externallib.php: the event's user is always
// the token's user; an event the user may not create is a "nopermissions"
// warning (the others are still created); an unknown event type is kept as given.
json FakeMoodle::calendar_call(const std::string& function, const httplib::Request& req,
                               const Caller& caller) {
  auto param = [&](const std::string& name) { return req.get_param_value(name); };
  if (function == "core_calendar_delete_calendar_events") {
    std::vector<long long> ids;
    each_index(req, "events[%d][eventid]", [&](const std::string& i) {
      ids.push_back(int_param(req, "events" + i + "[eventid]"));
    });
    for (long long id : ids) {  // one transaction: all or none
      auto it = std::find_if(events_.begin(), events_.end(),
                             [&](const json& e) { return e["id"] == id; });
      if (it == events_.end()) throw missing_record("event");
      if (caller.limited && (*it)["userid"] != caller.user->id)
        throw fault("core\\exception\\moodle_exception", "nopermissions",
                    "Sorry, but you do not currently have permissions to do that (Delete "
                    "event).");
    }
    for (long long id : ids) {
      std::erase_if(events_, [&](const json& e) { return e["id"] == id; });
    }
    return nullptr;
  }
  if (function == "core_calendar_get_calendar_events") {
    // Events of the groups asked for (a group the user is not in: a
    // "nopermissions" warning, unless a site administrator), as
    // get_calendar_events_returns describes them.
    json found = json::array(), warnings = json::array();
    std::set<long long> groups;
    each_index(req, "events[groupids][%d]", [&](const std::string& i) {
      long long id = int_param(req, "events[groupids]" + i);
      auto g =
          std::find_if(groups_.begin(), groups_.end(), [&](const Group& x) { return x.id == id; });
      if (!caller.user->site_admin &&
          (g == groups_.end() || !g->members.contains(caller.user->id))) {
        warnings.push_back({{"item", id},
                            {"warningcode", "nopermissions"},
                            {"message", "you do not have permissions to access this group"}});
      } else {
        groups.insert(id);
      }
    });
    for (const auto& e : events_) {
      if (!groups.contains(e["groupid"].get<long long>())) continue;
      json event = e;
      event["categoryid"] = 0;
      event["repeatid"] = 0;
      found.push_back(event);
    }
    return {{"events", found}, {"warnings", warnings}};
  }
  // core_calendar_create_calendar_events
  json created = json::array(), warnings = json::array();
  each_index(req, "events[%d][name]", [&](const std::string& i) {
    std::string name = param("events" + i + "[name]");
    std::string type = req.has_param("events" + i + "[eventtype]")
                           ? param("events" + i + "[eventtype]")
                           : std::string("user");
    long long course = int_param(req, "events" + i + "[courseid]", 0);
    long long group = int_param(req, "events" + i + "[groupid]", 0);
    bool allowed = !caller.limited;
    if (type == "user") {
      course = 0;
      group = 0;
      allowed = true;  // moodle/calendar:manageownentries
    } else if (type == "course") {
      if (!course_exists(course)) throw missing_record("course");
      group = 0;
    } else if (type == "group") {
      auto g = std::find_if(groups_.begin(), groups_.end(),
                            [&](const Group& x) { return x.id == group && x.courseid == course; });
      allowed = allowed && g != groups_.end();
    }
    if (!allowed) {
      warnings.push_back({{"item", name},
                          {"warningcode", "nopermissions"},
                          {"message", "you do not have permissions to create this event"}});
      return;
    }
    json event = templates()["event"];
    event["id"] = static_cast<long long>(100 + events_created_++);
    event["name"] = name;
    event["description"] = param("events" + i + "[description]");
    event["courseid"] = course;
    event["groupid"] = group;
    event["userid"] = caller.user->id;
    event["eventtype"] = type;
    event["timestart"] = int_param(req, "events" + i + "[timestart]", 0);
    event["timeduration"] = int_param(req, "events" + i + "[timeduration]", 0);
    event["sequence"] = int_param(req, "events" + i + "[sequence]", 1);
    event["timemodified"] = 1796083200;
    std::string marker = event_marker_of(event["description"].get<std::string>());
    if (!marker.empty()) ++events_created_by_marker_[marker];
    events_.push_back(event);
    created.push_back(event);
  });
  return {{"events", created}, {"warnings", warnings}};
}

// Groups, as group/externallib.php answers: course and group looked up with
// MUST_EXIST (dml_missing_record_exception "invalidrecord"), only enrolled
// users may be members, a name or idnumber taken in the course is refused.
json FakeMoodle::group_call(const std::string& function, const httplib::Request& req,
                            const Caller& caller) {
  auto param = [&](const std::string& name) { return req.get_param_value(name); };
  auto group_json = [](const Group& g) {
    json out = templates()["group"];
    out["id"] = g.id;
    out["courseid"] = g.courseid;
    out["name"] = g.name;
    out["description"] = g.description;
    out["idnumber"] = g.idnumber;
    return out;
  };
  auto manage = [&](long long course) {
    if (!course_exists(course)) throw missing_record("course");
    if (caller.limited) {
      if (!role_in(caller.user->id, course)) throw course_context(course);
      throw no_permission("Manage groups");
    }
  };
  if (function == "core_group_get_course_groups") {
    long long course = int_param(req, "courseid");
    manage(course);
    json out = json::array();
    for (const auto& g : groups_)
      if (g.courseid == course) out.push_back(group_json(g));
    return out;
  }
  if (function == "core_group_get_group_members") {
    json out = json::array();
    each_index(req, "groupids[%d]", [&](const std::string& i) {
      long long id = int_param(req, "groupids" + i);
      auto g =
          std::find_if(groups_.begin(), groups_.end(), [&](const Group& x) { return x.id == id; });
      if (g == groups_.end()) throw missing_record("groups");
      manage(g->courseid);
      out.push_back({{"groupid", id}, {"userids", json(g->members)}});
    });
    return out;
  }
  if (function == "core_group_create_groups") {
    json out = json::array();
    std::vector<Group> made;
    each_index(req, "groups[%d][courseid]", [&](const std::string& i) {
      Group g{static_cast<long long>(500 + groups_.size() + made.size()),
              int_param(req, "groups" + i + "[courseid]"),
              param("groups" + i + "[name]"),
              param("groups" + i + "[description]"),
              param("groups" + i + "[idnumber]"),
              {}};
      manage(g.courseid);
      if (g.name.empty()) throw invalid_parameter();
      for (const auto& other : groups_) {
        if (other.courseid != g.courseid) continue;
        if (other.name == g.name) throw invalid_parameter();  // a name taken in the course
        if (!g.idnumber.empty() && other.idnumber == g.idnumber)
          throw fault("core\\exception\\moodle_exception", "idnumbertaken",
                      "ID number is already used");
      }
      made.push_back(g);
    });
    for (const auto& g : made) {
      groups_.push_back(g);
      ++groups_created_;
      out.push_back(group_json(g));
    }
    return out;
  }
  // core_group_add_group_members / core_group_delete_group_members
  std::vector<std::pair<Group*, long long>> changes;
  each_index(req, "members[%d][groupid]", [&](const std::string& i) {
    long long group_id = int_param(req, "members" + i + "[groupid]");
    long long user_id = int_param(req, "members" + i + "[userid]");
    Group* group = nullptr;
    for (auto& g : groups_)
      if (g.id == group_id) group = &g;
    if (!group) throw missing_record("groups");
    manage(group->courseid);
    if (!user(user_id)) throw missing_record("user");
    if (function == "core_group_add_group_members" && !role_in(user_id, group->courseid))
      throw invalid_parameter();  // only enrolled users may be members of groups
    changes.emplace_back(group, user_id);
  });
  for (auto& [group, user_id] : changes) {
    if (function == "core_group_add_group_members")
      group->members.insert(user_id);
    else
      group->members.erase(user_id);  // removing a non-member is not an error
  }
  return nullptr;  // both answer null
}

// ------------------------------------------------------------ for assertions

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
    if (!idnumber.empty() && u.idnumber == idnumber) return u.id;
  return 0;
}

long long FakeMoodle::limited_user_id() const {
  return user_id_of("WS-STUDENT");
}
long long FakeMoodle::teacher_id() const {
  return user_id_of("T-MENTOR01");
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

void FakeMoodle::enable_function(const std::string& function) {
  std::lock_guard lock(mutex_);
  disabled_.erase(function);
}

void FakeMoodle::corrupt_completion(long long user_id) {
  std::lock_guard lock(mutex_);
  corrupt_.insert(user_id);
}

void FakeMoodle::limit_implicit_students(std::size_t count) {
  std::lock_guard lock(mutex_);
  implicit_students_ = count;
}

void FakeMoodle::make_teacher(long long user_id, long long course) {
  std::lock_guard lock(mutex_);
  roles_[{user_id, course}] = "editingteacher";
}

std::vector<json> FakeMoodle::enrolments() const {
  std::lock_guard lock(mutex_);
  return enrolments_;
}

std::vector<json> FakeMoodle::events() const {
  std::lock_guard lock(mutex_);
  return events_;
}

std::size_t FakeMoodle::events_created() const {
  std::lock_guard lock(mutex_);
  return events_created_;
}

}  // namespace mentoring::fakes
