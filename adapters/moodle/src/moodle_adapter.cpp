#include "moodle_adapter/moodle_adapter.hpp"

#include <mentoring/schema.hpp>
#include <rest_common/adapter_config.hpp>
#include <rest_common/check.hpp>
#include <rest_common/mapping.hpp>
#include <rest_common/pagination.hpp>
#include <rest_common/pull_page.hpp>

#include <fcntl.h>
#include <unistd.h>
#include <chrono>
#include <fstream>
#include <mutex>
#include <set>

namespace mentoring::adapters::moodle {

using nlohmann::json;
using rest::Failure;
using rest::PullPage;
using rest::RestError;

namespace {

constexpr const char* kAdapter = "moodle";
using Params = std::vector<std::pair<std::string, std::string>>;

std::optional<std::string> as_text(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer()) return std::to_string(value.get<long long>());
  return std::nullopt;
}

// ISO date or date-time -> unix seconds (UTC), for calendar events.
std::optional<long long> unix_of(const std::string& text) {
  if (text.size() < 10 || !rest::is_date(text.substr(0, 10))) return std::nullopt;
  int hour = 9, minute = 0;  // a date alone: 09:00 UTC, the start of a working day
  if (text.size() >= 16 && text[10] == 'T') {
    hour = std::stoi(text.substr(11, 2));
    minute = std::stoi(text.substr(14, 2));
  }
  using namespace std::chrono;
  year_month_day ymd{year{std::stoi(text.substr(0, 4))},
                     month{static_cast<unsigned>(std::stoi(text.substr(5, 2)))},
                     day{static_cast<unsigned>(std::stoi(text.substr(8, 2)))}};
  return duration_cast<seconds>(sys_days{ymd}.time_since_epoch()).count() + hour * 3600LL +
         minute * 60LL;
}

}  // namespace

struct MoodleAdapter::State {
  Services services;
  std::string organisation, name, system;
  json settings;
  std::unique_ptr<rest::RestClient> api;
  std::string token_secret = "MOODLE_TOKEN";
  std::optional<std::string> token;
  std::string person_id_field = "idnumber";
  std::mutex pushed_mutex;
  // Calendar events already created, by idempotency key. Moodle has no
  // idempotency keys of its own, so they are kept in the organisation's
  // storage folder: a restart does not create the same event twice.
  std::set<std::string> pushed_keys;
  std::string pushed_keys_file;  // "" without a storage folder: memory only

  void load_pushed_keys() {
    if (pushed_keys_file.empty()) return;
    std::ifstream in(pushed_keys_file);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) pushed_keys.insert(line);
    }
  }

  // Appends and flushes to disk before the push is answered "done".
  void remember_pushed(const std::string& key) {
    pushed_keys.insert(key);
    if (pushed_keys_file.empty()) return;
    int fd = ::open(pushed_keys_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) {
      if (services.warn)
        services.warn(system + ": cannot record delivered key in " + pushed_keys_file);
      return;
    }
    std::string line = key + "\n";
    bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    ::fsync(fd);
    ::close(fd);
    if (!written && services.warn) services.warn(system + ": short write to " + pushed_keys_file);
  }

  // One web service function; Moodle's own error format becomes a RestError.
  json ws(const std::string& function, const Params& params, const std::string& what) {
    if (!token) {
      throw RestError(Failure::unauthenticated,
                      system + ": no web service token: the host has no secret named " +
                          token_secret + " (set MENTORING_SECRET_" + token_secret +
                          " or add it to the secrets file)");
    }
    Params all = {{"wstoken", *token}, {"wsfunction", function}, {"moodlewsrestformat", "json"}};
    all.insert(all.end(), params.begin(), params.end());
    std::string label = function + " (" + what + ")";
    rest::Response response =
        api->send("POST", "/webservice/rest/server.php", rest::form_encode(all),
                  {{"Content-Type", "application/x-www-form-urlencoded"}}, label);
    if (response.status < 200 || response.status > 299) throw api->error_for(response, label);
    json body = api->parse_body(response, label);
    if (body.is_object() && body.contains("exception")) throw moodle_error(body, function);
    return body;
  }

  RestError moodle_error(const json& body, const std::string& function) const {
    std::string code = body.value("errorcode", std::string());
    std::string message = body.value("message", std::string());
    std::string where =
        system + ": " + function + ": Moodle error \"" + code + "\" (" + message + ")";
    if (code == "invalidtoken" || code == "invalidlogin") {
      return RestError(
          Failure::unauthenticated,
          where +
              " — the web service token (the credentials) was refused (wrong, expired or its user "
              "suspended): "
              "create a token under Site administration > Server > Web services > Manage tokens "
              "and store it in the host secret " +
              token_secret);
    }
    if (code == "accessexception" || code == "servicenotavailable" ||
        code == "webservicesnotenabled") {
      return RestError(
          Failure::forbidden,
          where + " — the function " + function +
              " is not enabled for this token's service (or web services / the REST protocol are "
              "off): "
              "add it under Site administration > Server > Web services > External services");
    }
    if (code == "nopermissions" || code == "requireloginerror" ||
        body.value("exception", std::string()).find("required_capability") != std::string::npos) {
      return RestError(Failure::forbidden,
                       where + " — the token's user lacks a capability for " + function +
                           ": give the web service user's role that capability");
    }
    return RestError(Failure::bad_request, where);
  }

  // ------------------------------------------------------------- completions
  rest::PullAnswer pull_completions(const json& cursor_in) {
    if (!settings.contains("course_completions")) return PullPage::unconfigured();
    const json& cc = settings["course_completions"];
    json cursor = rest::decode_cursor(cursor_in, kAdapter);
    std::vector<std::pair<std::string, long long>> courses;
    for (const auto& [ours, theirs] : cc["courses"].items())
      courses.emplace_back(ours, theirs.get<long long>());
    std::size_t course_index = cursor.value("course", 0);
    long long offset = cursor.value("offset", 0LL);
    long long page_size = cc.value("page_size", 100);
    PullPage page(cursor_in);
    if (course_index >= courses.size())
      return page.answer(rest::encode_cursor(json::object()), false);
    const auto& [our_course, moodle_course] = courses[course_index];
    std::string course_text = std::to_string(moodle_course);
    std::string source = system + " core_enrol_get_enrolled_users course " + course_text;
    json users = ws("core_enrol_get_enrolled_users",
                    {{"courseid", course_text},
                     {"options[0][name]", "limitfrom"},
                     {"options[0][value]", std::to_string(offset)},
                     {"options[1][name]", "limitnumber"},
                     {"options[1][value]", std::to_string(page_size)}},
                    "course " + course_text + " from " + std::to_string(offset));
    if (!users.is_array()) {
      page.add_problem(
          {source, std::nullopt, std::nullopt, "", schema::describe(users), "an array of users"});
      return page.answer("", false);
    }
    json valid_days = cc.value("valid_for_days", json::object());
    long long row = 0;
    for (const auto& user : users) {
      ++row;
      auto user_id = user.is_object() ? as_text(user.value("id", json())) : std::nullopt;
      if (!user_id) {
        page.add_problem(
            {source, row, "id", "/person_id",
             schema::describe(user.is_object() ? user.value("id", json("(missing)")) : user),
             "a Moodle user id"});
        continue;
      }
      auto person = as_text(user.value(person_id_field, json()));
      if (!person || person->empty()) {
        page.skip();  // not one of the organisation's people (eg an admin or guest)
        continue;
      }
      std::string status_source = system + " core_completion_get_course_completion_status course " +
                                  course_text + " user " + *user_id;
      json status;
      try {
        status = ws("core_completion_get_course_completion_status",
                    {{"courseid", course_text}, {"userid", *user_id}},
                    "course " + course_text + " user " + *user_id);
      } catch (const RestError& e) {
        if (std::string(e.what()).find("\"nocriteriaset\"") != std::string::npos) {
          page.add_problem({status_source, std::nullopt, std::nullopt, "", "no completion criteria",
                            "course " + course_text + " (" + our_course +
                                ") to have course completion enabled with criteria"});
          break;
        }
        throw;
      }
      const json& completion =
          status.is_object() ? status.value("completionstatus", json()) : json();
      if (!completion.is_object() || !completion.contains("completed") ||
          !completion["completed"].is_boolean()) {
        page.add_problem({status_source, row, "completionstatus.completed", "/completed_at",
                          schema::describe(status),
                          "{\"completionstatus\": {\"completed\": true|false, ...}}"});
        continue;
      }
      if (!completion["completed"].get<bool>()) continue;
      long long completed_at = 0;
      for (const auto& c : completion.value("completions", json::array())) {
        if (c.is_object() && c.value("timecompleted", json()).is_number_integer()) {
          completed_at = std::max(completed_at, c["timecompleted"].get<long long>());
        }
      }
      if (completed_at <= 0) {
        page.add_problem({status_source, row, "completions[].timecompleted", "/completed_at",
                          "no completion time",
                          "a timecompleted (unix seconds) on a completed criterion"});
        continue;
      }
      json record = {{"person_id", *person},
                     {"course_id", our_course},
                     {"completed_at", rest::date_from_unix(completed_at)},
                     {"expires_at", nullptr}};
      if (valid_days.contains(our_course)) {
        record["expires_at"] =
            rest::add_days(record["completed_at"], valid_days[our_course].get<int>());
      }
      page.add_record(std::move(record), "course-completion", source, row, status_source);
    }
    bool course_done = static_cast<long long>(users.size()) < page_size;
    json next = course_done ? json{{"course", course_index + 1}, {"offset", 0}}
                            : json{{"course", course_index}, {"offset", offset + page_size}};
    bool more = !course_done || course_index + 1 < courses.size();
    if (!more) next = json{{"course", 0}, {"offset", 0}};
    return page.answer(rest::encode_cursor(next), more);
  }

  // -------------------------------------------------------------------- push
  std::string moodle_user_id(const std::string& person_id) {
    json users =
        ws("core_user_get_users_by_field", {{"field", person_id_field}, {"values[0]", person_id}},
           "user with " + person_id_field + " " + person_id);
    if (!users.is_array() || users.empty() || !users[0].is_object()) {
      throw RestError(
          Failure::not_found,
          system + ": no Moodle user has " + person_id_field + " \"" + person_id +
              "\" — set it on the user's profile (or change person_id_field in settings)");
    }
    auto id = as_text(users[0].value("id", json()));
    if (!id)
      throw RestError(Failure::bad_response,
                      system + ": core_user_get_users_by_field: a user without \"id\"");
    return *id;
  }

  // The group whose idnumber is our group key, or nullopt. The idnumber (not
  // the name) is what a restart finds, so a group is never created twice.
  std::optional<std::string> find_group(const std::string& course, const std::string& group_key,
                                        const std::string& group_name) {
    json groups =
        ws("core_group_get_course_groups", {{"courseid", course}}, "groups of course " + course);
    if (!groups.is_array()) {
      throw RestError(Failure::bad_response, system + ": core_group_get_course_groups: found " +
                                                 schema::describe(groups) +
                                                 "; expected an array of groups");
    }
    for (const auto& g : groups) {
      if (!g.is_object()) continue;
      if (g.value("idnumber", json()) == group_key) {
        if (auto id = as_text(g.value("id", json()))) return id;
      }
      if (g.value("name", json()) == group_name) {
        throw RestError(Failure::bad_request,
                        system + ": course " + course + " has a group named \"" + group_name +
                            "\" with ID number " + schema::describe(g.value("idnumber", json())) +
                            "; expected ID number \"" + group_key +
                            "\" — set it on the group (Moodle refuses a second group of that "
                            "name)");
      }
    }
    return std::nullopt;
  }

  // group_membership: the person in (member: true) or out of (false) the
  // group of the supervision course whose idnumber is payload.group.key.
  json push_group_membership(
      const json& action, const std::string& person,
      const std::function<json(const std::string&, const std::string&)>& result) {
    const std::string key = action["idempotency_key"];
    if (!settings.contains("supervision_groups")) {
      return result("not_handled", "not configured (no \"supervision_groups\" in settings)");
    }
    const json& payload = action["payload"];
    // What was found at object[field], for a message.
    auto found = [](const json& object, const char* field) {
      return object.is_object() && object.contains(field) ? schema::describe(object[field])
                                                          : std::string("(missing)");
    };
    // A non-empty string of at most `max` bytes, or nullopt.
    auto text_at = [](const json& value, std::size_t max) -> std::optional<std::string> {
      if (!value.is_string() || value.get<std::string>().empty() ||
          value.get<std::string>().size() > max)
        return std::nullopt;
      return value.get<std::string>();
    };
    json group = payload.value("group", json());
    auto group_key = text_at(group.is_object() ? group.value("key", json()) : json(), 100);
    if (!group_key) {
      return result("failed", "/payload/group/key: found " + found(group, "key") +
                                  "; expected a group key of 1 to 100 characters (Moodle's "
                                  "group ID number)");
    }
    auto group_name = text_at(group.is_object() ? group.value("name", json()) : json(), 254);
    if (!group_name) {
      return result("failed", "/payload/group/name: found " + found(group, "name") +
                                  "; expected a group name of 1 to 254 characters");
    }
    if (!payload.value("member", json()).is_boolean()) {
      return result("failed", "/payload/member: found " + found(payload, "member") +
                                  "; expected true (add) or false (remove)");
    }
    std::string who = payload.value("person_id", json()).is_string()
                          ? payload["person_id"].get<std::string>()
                          : person;
    if (who.empty()) {
      return result("failed", "/payload/person_id: found " + found(payload, "person_id") +
                                  "; expected the person id of the mentor");
    }
    bool member = payload["member"].get<bool>();
    {
      std::lock_guard lock(pushed_mutex);
      if (pushed_keys.contains(key))
        return result("duplicate", "group membership already carried out");
    }
    const json& sg = settings["supervision_groups"];
    std::string course = std::to_string(sg["course"].get<long long>());
    std::string user = moodle_user_id(who);
    auto group_id = find_group(course, *group_key, *group_name);
    std::string message;
    if (member) {
      std::string role = std::to_string(
          sg.value("role_id", settings.value("enrolment", json::object()).value("role_id", 5)));
      // Only enrolled users may be members of groups; enrolling twice changes nothing.
      ws("enrol_manual_enrol_users",
         {{"enrolments[0][roleid]", role},
          {"enrolments[0][userid]", user},
          {"enrolments[0][courseid]", course}},
         "enrol " + who + " in supervision course " + course);
      if (!group_id) {
        json created = ws("core_group_create_groups",
                          {{"groups[0][courseid]", course},
                           {"groups[0][name]", *group_name},
                           {"groups[0][description]",
                            "Mentor supervision group (created by the mentoring plugin)."},
                           {"groups[0][idnumber]", *group_key}},
                          "create group " + *group_key);
        group_id = created.is_array() && !created.empty() && created[0].is_object()
                       ? as_text(created[0].value("id", json()))
                       : std::nullopt;
        if (!group_id) {
          throw RestError(Failure::bad_response, system + ": core_group_create_groups: found " +
                                                     schema::describe(created) +
                                                     "; expected [{\"id\": ...}]");
        }
      }
      ws("core_group_add_group_members",
         {{"members[0][groupid]", *group_id}, {"members[0][userid]", user}},
         "add " + who + " to group " + *group_key);
      message = "added Moodle user " + user + " (" + who + ") to group " + *group_id + " (" +
                *group_key + ")";
    } else if (group_id) {
      ws("core_group_delete_group_members",
         {{"members[0][groupid]", *group_id}, {"members[0][userid]", user}},
         "remove " + who + " from group " + *group_key);
      message = "removed Moodle user " + user + " (" + who + ") from group " + *group_id + " (" +
                *group_key + ")";
    } else {
      message = "no group " + *group_key + " in course " + course + ": nothing to remove";
    }
    std::lock_guard lock(pushed_mutex);
    remember_pushed(key);
    return result("done", message);
  }

  json push_one(const json& action) {
    std::string key = action.value("idempotency_key", std::string());
    auto result = [&](const std::string& status, const std::string& message) {
      return json{{"idempotency_key", key}, {"status", status}, {"message", message}};
    };
    auto problems = schema::validate("action", action, "action " + key);
    if (!problems.empty()) return result("failed", problems.front().message());
    if (action["organisation"] != organisation) {
      return result("failed", "action is for organisation \"" +
                                  action["organisation"].get<std::string>() +
                                  "\"; this adapter serves \"" + organisation + "\"");
    }
    std::string type = action["type"];
    const json& payload = action["payload"];
    std::string person =
        action.value("person_id", json()).is_string() ? action["person_id"].get<std::string>() : "";
    try {
      if (type == "group_membership") return push_group_membership(action, person, result);
      if (type == "enrol_in_course") {
        std::string course = payload.value("course_id", std::string());
        json courses =
            settings.value("course_completions", json::object()).value("courses", json::object());
        if (!courses.contains(course)) {
          return result(
              "failed",
              "/payload/course_id: found \"" + course +
                  "\"; expected a course listed in settings (course_completions.courses)");
        }
        std::string user = moodle_user_id(person);
        std::string role =
            std::to_string(settings.value("enrolment", json::object()).value("role_id", 5));
        // Enrolling someone already enrolled changes nothing, so a repeat is harmless.
        ws("enrol_manual_enrol_users",
           {{"enrolments[0][roleid]", role},
            {"enrolments[0][userid]", user},
            {"enrolments[0][courseid]", std::to_string(courses[course].get<long long>())}},
           "enrol " + person + " in " + course);
        return result("done", "enrolled Moodle user " + user + " in course " + course);
      }
      if (type == "calendar_event") {
        {
          std::lock_guard lock(pushed_mutex);
          if (pushed_keys.contains(key))
            return result("duplicate", "calendar event already created");
        }
        std::string when = payload.value("date", payload.value("start", std::string()));
        auto start = unix_of(when);
        if (!start)
          return result("failed",
                        "/payload/date: found \"" + when + "\"; expected a date YYYY-MM-DD");
        std::string user = moodle_user_id(person);
        (void)user;  // user events belong to the token's user; the attendee is named in the
                     // description
        std::string title =
            payload.value("summary", payload.value("subject", std::string("Mentoring session")));
        int minutes = settings.value("calendar", json::object()).value("duration_minutes", 60);
        json created = ws("core_calendar_create_calendar_events",
                          {{"events[0][name]", title},
                           {"events[0][description]", "For " + person + " (" + key + ")"},
                           {"events[0][format]", "1"},
                           {"events[0][eventtype]", "user"},
                           {"events[0][timestart]", std::to_string(*start)},
                           {"events[0][timeduration]", std::to_string(minutes * 60)}},
                          "calendar event " + key);
        std::lock_guard lock(pushed_mutex);
        remember_pushed(key);
        return result("done", "calendar event created (" +
                                  std::to_string(created.value("events", json::array()).size()) +
                                  ")");
      }
    } catch (const RestError& e) {
      return result("failed", e.what());
    }
    return result("failed", "/type: found \"" + type +
                                "\"; this adapter carries out enrol_in_course, calendar_event and "
                                "group_membership");
  }

  // -------------------------------------------------------------------- check
  json check() {
    std::vector<rest::CapabilityCheck> checks;
    // core_webservice_get_site_info answers for any valid token and lists the enabled functions.
    json info;
    std::optional<RestError> failure;
    try {
      info = ws("core_webservice_get_site_info", {}, "check");
    } catch (const RestError& e) {
      failure = e;
    }
    std::set<std::string> functions;
    json enabled = info.is_object() ? info.value("functions", json::array()) : json::array();
    for (const auto& f : enabled) {
      if (f.is_object()) functions.insert(f.value("name", std::string()));
    }
    auto capability = [&](const std::string& name, bool configured, const std::string& section,
                          std::vector<std::string> needed) {
      if (!configured) {
        checks.push_back(rest::CapabilityCheck::not_configured(
            name, "not configured (no \"" + section + "\" in settings)"));
        return;
      }
      if (failure) {
        checks.push_back(rest::CapabilityCheck::failed(name, *failure));
        return;
      }
      std::string missing;
      for (const auto& f : needed) {
        if (!functions.contains(f)) missing += (missing.empty() ? "" : ", ") + f;
      }
      if (!missing.empty()) {
        checks.push_back({name, true, true, true, false,
                          system + ": the token's service lacks " + missing +
                              " — add them under Site administration > Server > Web services > "
                              "External services"});
        return;
      }
      checks.push_back(rest::CapabilityCheck::passed(
          name, system + ": " +
                    (info.is_object() ? info.value("sitename", std::string("site"))
                                      : std::string("site")) +
                    " answers; functions enabled"));
    };
    bool completions = settings.contains("course_completions");
    capability("read_course_completions", completions, "course_completions",
               {"core_enrol_get_enrolled_users", "core_completion_get_course_completion_status"});
    capability("enrol_in_course", completions, "course_completions",
               {"core_user_get_users_by_field", "enrol_manual_enrol_users"});
    capability("manage_groups", settings.contains("supervision_groups"), "supervision_groups",
               {"core_user_get_users_by_field", "enrol_manual_enrol_users",
                "core_group_get_course_groups", "core_group_create_groups",
                "core_group_add_group_members", "core_group_delete_group_members"});
    capability("create_calendar_event", true, "calendar",
               {"core_user_get_users_by_field", "core_calendar_create_calendar_events"});
    return rest::check_answer(checks);
  }
};

MoodleAdapter::MoodleAdapter(std::string_view config_json, Services services)
    : state_(std::make_unique<State>()) {
  State& s = *state_;
  s.services = std::move(services);
  static const json schema_doc = json::parse(settings_schema_text());
  rest::AdapterConfig config = rest::parse_adapter_config(config_json, "moodle", schema_doc);
  s.organisation = config.organisation;
  s.name = config.name;
  s.settings = std::move(config.settings);
  std::string base = s.settings["base_url"];
  s.system = "Moodle (" + base + ")";
  s.token_secret = s.settings.value("token_secret", s.token_secret);
  s.person_id_field = s.settings.value("person_id_field", s.person_id_field);
  s.token = s.services.secret(s.token_secret);
  rest::Endpoint endpoint;
  endpoint.system = s.system;
  endpoint.base_url = base;
  endpoint.headers["Accept"] = "application/json";
  endpoint.timeout_ms = s.settings.value("timeout_ms", 30000L);
  if (s.settings.contains("ca_bundle"))
    endpoint.ca_bundle = s.settings["ca_bundle"].get<std::string>();
  json rate = s.settings.value("rate_limit", json{{"per_second", 50}, {"burst", 100}});
  endpoint.rate_limit = {{"key", s.organisation + "/" + s.name},
                         {"per_second", rate["per_second"]},
                         {"burst", rate.value("burst", 1.0)}};
  // Moodle's read functions are posted but change nothing: safe to retry.
  endpoint.retry = {{"idempotent", true}};
  s.api = std::make_unique<rest::RestClient>(s.services.http, endpoint, s.services.http_split);
  std::string storage = s.services.storage_directory ? s.services.storage_directory() : "";
  if (!storage.empty()) s.pushed_keys_file = storage + "/moodle-" + s.name + ".calendar-keys";
  s.load_pushed_keys();
}

MoodleAdapter::~MoodleAdapter() = default;

std::string MoodleAdapter::call(std::string_view command, std::string_view input_text) {
  State& s = *state_;
  json input = input_text.empty() ? json::object()
                                  : schema::parse(input_text, s.name + " " + std::string(command));
  if (command == "check") return s.check().dump();
  if (command == "pull") {
    return rest::pull_stream(s.name, input,
                             {{}, {}, [&](const json& c) { return s.pull_completions(c); }})
        .text;
  }
  if (command == "push") {
    if (!input.is_object() || !input.contains("actions") || !input["actions"].is_array()) {
      throw Error(MENTORING_ERR_INVALID_INPUT,
                  s.name + " push: /actions: expected an array of actions");
    }
    json results = json::array();
    for (const auto& action : input["actions"]) results.push_back(s.push_one(action));
    return json{{"results", results}}.dump();
  }
  throw Error(MENTORING_ERR_UNKNOWN_COMMAND,
              std::string(kAdapter) + " adapter: unknown command \"" + std::string(command) +
                  "\"; expected one of: check, pull, push");
}

}  // namespace mentoring::adapters::moodle
