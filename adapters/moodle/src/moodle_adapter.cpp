#include "moodle_adapter/moodle_adapter.hpp"

#include <mentoring/schema.hpp>
#include <rest_common/adapter_config.hpp>
#include <rest_common/check.hpp>
#include <rest_common/crypto.hpp>
#include <rest_common/mapping.hpp>
#include <rest_common/pagination.hpp>
#include <rest_common/pull_page.hpp>

#include <libical/ical.h>

#include <fcntl.h>
#include <unistd.h>
#include <cctype>
#include <fstream>
#include <map>
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

// A number only when whole and not negative (ids): 1.5, -3 and a number past
// 64 bits (read as a fraction) are nothing, never a rounded or wrapped id.
std::optional<std::string> as_text(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_unsigned()) return std::to_string(value.get<unsigned long long>());
  return std::nullopt;
}

// A local date and time in a time zone (IANA name, eg "Europe/London";
// "UTC" or "" for UTC) -> unix seconds, through libical's zone data.
std::optional<long long> unix_at(const std::string& date, int minutes, const std::string& tzid) {
  if (!rest::is_date(date) || minutes < 0 || minutes >= 24 * 60) return std::nullopt;
  icaltimezone* zone = tzid.empty() || tzid == "UTC"
                           ? icaltimezone_get_utc_timezone()
                           : icaltimezone_get_builtin_timezone(tzid.c_str());
  if (!zone) return std::nullopt;
  icaltimetype t = icaltime_null_time();
  t.year = std::stoi(date.substr(0, 4));
  t.month = std::stoi(date.substr(5, 2));
  t.day = std::stoi(date.substr(8, 2));
  t.hour = minutes / 60;
  t.minute = minutes % 60;
  t.is_date = 0;
  t.zone = zone;
  return static_cast<long long>(icaltime_as_timet_with_zone(t, zone));
}

// "HH:MM" -> minutes after midnight.
std::optional<int> minutes_of(const std::string& text) {
  if (text.size() != 5 || text[2] != ':' || !std::isdigit(static_cast<unsigned char>(text[0])) ||
      !std::isdigit(static_cast<unsigned char>(text[1])) ||
      !std::isdigit(static_cast<unsigned char>(text[3])) ||
      !std::isdigit(static_cast<unsigned char>(text[4])))
    return std::nullopt;
  int h = std::stoi(text.substr(0, 2)), m = std::stoi(text.substr(3, 2));
  if (h > 23 || m > 59) return std::nullopt;
  return h * 60 + m;
}

// A Moodle error answer ({"exception","errorcode","message"}), its errorcode kept as a value.
struct MoodleError : RestError {
  MoodleError(const RestError& named, std::string errorcode)
      : RestError(named.failure(), named.what()), code(std::move(errorcode)) {}
  std::string code;
};

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
  std::mutex calendar_mutex;
  // Calendar events already created, by idempotency key. Moodle has no
  // idempotency keys of its own, so they are kept in the organisation's
  // storage folder: a restart does not create the same event twice.
  std::set<std::string> pushed_keys;
  std::string pushed_keys_file;  // "" without a storage folder: memory only

  // The Moodle event behind each of our calendar uids, so a moved session
  // replaces it and a cancelled one removes it. Appended (and fsynced) as
  // JSON lines to moodle-<name>.calendar-events; the last line of a uid wins.
  // stale: events replaced or cancelled whose deletion is not yet confirmed.
  // creating: the sequence being created in group creating_group, written
  // before core_calendar_create_calendar_events, so a run interrupted before
  // Moodle's answer was recorded looks for that event instead of making another.
  struct EventState {
    long long sequence = 0;
    std::optional<long long> event_id;
    std::vector<long long> stale;
    std::optional<long long> creating;
    std::string creating_group;
  };
  static EventState recorded(long long sequence, std::optional<long long> event_id,
                             std::vector<long long> stale) {
    EventState state;
    state.sequence = sequence;
    state.event_id = event_id;
    state.stale = std::move(stale);
    return state;
  }
  std::map<std::string, EventState> calendar_events;
  std::string calendar_events_file;  // "" without a storage folder: memory only

  void load_calendar_events() {
    if (calendar_events_file.empty()) return;
    std::ifstream in(calendar_events_file);
    std::size_t lines = 0;
    for (std::string line; std::getline(in, line); ++lines) {
      json row = json::parse(line, nullptr, false);
      if (!row.is_object() || !row.value("uid", json()).is_string()) continue;  // a torn last line
      EventState state;
      if (row.value("sequence", json()).is_number_integer())
        state.sequence = row["sequence"].get<long long>();
      if (row.value("event_id", json()).is_number_integer())
        state.event_id = row["event_id"].get<long long>();
      if (row.value("creating", json()).is_number_integer()) {
        state.creating = row["creating"].get<long long>();
        state.creating_group = as_text(row.value("group", json())).value_or("");
      }
      for (const auto& id : row.value("stale", json::array()))
        if (id.is_number_integer()) state.stale.push_back(id.get<long long>());
      calendar_events[row["uid"].get<std::string>()] = state;
    }
    in.close();
    // The file only grows; rewritten (a new file renamed over it, so a crash
    // leaves the old or the new) once it is mostly superseded lines.
    if (lines > 2 * calendar_events.size() + 64) {
      std::string fresh = calendar_events_file + ".new", text;
      for (const auto& [uid, state] : calendar_events) text += row_of(uid, state).dump() + "\n";
      int fd = ::open(fresh.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
      bool written = fd >= 0 &&
                     ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                     ::fsync(fd) == 0;
      if (fd >= 0) ::close(fd);
      if (!written || ::rename(fresh.c_str(), calendar_events_file.c_str()) != 0) {
        ::unlink(fresh.c_str());
        if (services.warn) services.warn(system + ": cannot compact " + calendar_events_file);
      }
    }
  }

  static json row_of(const std::string& uid, const EventState& state) {
    json row = {{"uid", uid},
                {"sequence", state.sequence},
                {"event_id", state.event_id ? json(*state.event_id) : json(nullptr)},
                {"stale", state.stale}};
    if (state.creating) {
      row["creating"] = *state.creating;
      row["group"] = state.creating_group;
    }
    return row;
  }

  void remember_event(const std::string& uid, const EventState& state) {
    calendar_events[uid] = state;
    append_line(calendar_events_file, row_of(uid, state).dump());
  }

  void append_line(const std::string& file, const std::string& text) {
    if (file.empty()) return;
    int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) {
      if (services.warn) services.warn(system + ": cannot write " + file);
      return;
    }
    std::string line = text + "\n";
    bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    ::fsync(fd);
    ::close(fd);
    if (!written && services.warn) services.warn(system + ": short write to " + file);
  }

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
    append_line(pushed_keys_file, key);
  }

  // One web service function; Moodle's own error format becomes a RestError.
  // setting: the settings entry that supplied the ids in params (eg
  // "supervision_groups.course"), named when Moodle cannot find the record.
  json ws(const std::string& function, const Params& params, const std::string& what,
          const std::string& setting = "") {
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
    if (body.is_object() && body.contains("exception") && body.contains("errorcode")) {
      throw MoodleError(moodle_error(body, function, what, setting),
                        body.value("errorcode", std::string()));
    }
    return body;
  }

  // The capabilities the token's user needs for a function (README.md).
  static std::string capabilities_for(const std::string& function) {
    if (function == "core_enrol_get_enrolled_users")
      return "moodle/course:viewparticipants and moodle/user:viewdetails in the course";
    if (function == "core_completion_get_course_completion_status")
      return "report/completion:view in the course";
    if (function == "core_user_get_users_by_field")
      return "moodle/user:viewdetails and moodle/user:viewalldetails (system)";
    if (function == "enrol_manual_enrol_users")
      return "enrol/manual:enrol in the course and moodle/role:assign for the role";
    if (function.rfind("core_group_", 0) == 0) return "moodle/course:managegroups in the course";
    if (function.rfind("core_calendar_", 0) == 0)
      return "moodle/calendar:manageentries in the course";
    return "the capabilities listed for it in the adapter's README";
  }

  RestError moodle_error(const json& body, const std::string& function, const std::string& what,
                         const std::string& setting) const {
    std::string code = body.value("errorcode", std::string());
    std::string message = body.value("message", std::string());
    std::string exception = body.value("exception", std::string());
    std::string where = system + ": " + function + " (" + what + "): Moodle error \"" + code +
                        "\" (" + message + ")";
    const std::string external_services =
        "Site administration > Server > Web services > External services";
    if (code == "invalidtoken" || code == "invalidlogin") {
      return RestError(
          Failure::unauthenticated,
          where +
              " — the web service token (the credentials) was refused (wrong, expired, or its "
              "user suspended): create a token under Site administration > Server > "
              "Web services > Manage tokens and store it in the host secret " +
              token_secret + " (settings: token_secret)");
    }
    if (code == "accessexception" || code == "servicenotavailable" ||
        code == "webservicesnotenabled") {
      return RestError(Failure::forbidden,
                       where + " — the function " + function +
                           " is not in the token's service (or web services / the REST protocol "
                           "are off): add it to the service's functions under " +
                           external_services);
    }
    if (code == "invalidrecord" && message.find("table external_functions") != std::string::npos) {
      return RestError(Failure::bad_request, where + " — this Moodle does not know the function " +
                                                 function +
                                                 " (the adapter needs Moodle 4.1 or later)");
    }
    if (code == "invalidrecord" && message.find("table course.") != std::string::npos) {
      return RestError(Failure::bad_request,
                       where + " — no such course in Moodle: fix the course id in settings" +
                           (setting.empty() ? std::string() : " (" + setting + ")"));
    }
    if (code == "invalidrecord" || code == "invaliduser") {
      return RestError(Failure::not_found,
                       where + " — Moodle has no such record" +
                           (setting.empty() ? std::string() : " (from settings: " + setting + ")"));
    }
    if (code == "errorcoursecontextnotvalid" || code == "requireloginerror") {
      return RestError(Failure::forbidden,
                       where + " — the token's user may not enter the course" +
                           (setting.empty() ? std::string() : " (settings: " + setting + ")") +
                           ": give the web service user a role there (or at system level) with " +
                           capabilities_for(function));
    }
    if (code == "nopermissions" || exception.find("required_capability") != std::string::npos) {
      return RestError(Failure::forbidden, where + " — the token's user lacks a capability for " +
                                               function + ": give its role " +
                                               capabilities_for(function));
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
                    "course " + course_text + " from " + std::to_string(offset),
                    "course_completions.courses." + our_course);
    if (!users.is_array()) {
      page.add_problem(
          {source, std::nullopt, std::nullopt, "", schema::describe(users), "an array of users"});
      return page.answer("", false);
    }
    // Moodle leaves out the fields the token's user may not see (recording
    // W21): a page where no other user has person_id_field can mean "hidden",
    // not "nobody here is one of ours".
    std::size_t others = 0, with_person_id = 0;
    auto self = users.empty() ? std::nullopt : as_text(site().value("userid", json()));
    for (const auto& user : users) {
      if (!user.is_object() || as_text(user.value("id", json())) == self) continue;
      ++others;
      with_person_id += user.contains(person_id_field);
    }
    if (others > 0 && with_person_id == 0) {
      if (auto why = why_person_ids_are_hidden()) {
        page.add_problem(
            {source, std::nullopt, person_id_field, "/person_id",
             "no " + person_id_field + " on any of " + std::to_string(others) + " users: " + *why,
             "each user's " + person_id_field +
                 " — give the web service user's role moodle/user:viewalldetails "
                 "(or a site administrator's token)"});
        return page.answer("", false);
      }
    }
    json valid_days = cc.value("valid_for_days", json::object());
    long long row = 0;
    for (const auto& user : users) {
      ++row;
      auto user_id = user.is_object() ? as_text(user.value("id", json())) : std::nullopt;
      // A problem of one user's completion quarantines it (keyed, like the
      // plugin keys completions, "<person>/<course>" once the person is
      // known); the other users of the page are taken.
      if (!user_id) {
        page.quarantine(
            {source, row, "id", "/person_id",
             schema::describe(user.is_object() ? user.value("id", json("(missing)")) : user),
             "a Moodle user id"},
            std::nullopt, user);
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
                    "course " + course_text + " user " + *user_id,
                    "course_completions.courses." + our_course);
      } catch (const MoodleError& e) {
        // A user Moodle does not track in this course (a teacher, or not a
        // student any more): their answer is "no completion", not a failure
        // of everyone else's.
        if (e.code == "usernotenroled") {
          page.skip();
          continue;
        }
        if (e.code == "nocriteriaset") {
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
        page.quarantine(
            {status_source, row, "completionstatus.completed", "/completed_at",
             schema::describe(status), "{\"completionstatus\": {\"completed\": true|false, ...}}"},
            *person + "/" + our_course, status);
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
        page.quarantine(
            {status_source, row, "completions[].timecompleted", "/completed_at",
             "no completion time", "a timecompleted (unix seconds) on a completed criterion"},
            *person + "/" + our_course, status);
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
  // core_webservice_get_site_info, asked once per instance: the token's user
  // and the functions of its service.
  std::optional<json> site_info;
  const json& site() {
    if (!site_info) {
      json info = ws("core_webservice_get_site_info", {}, "the token's user and service");
      if (!info.is_object()) {
        throw RestError(Failure::bad_response, system + ": core_webservice_get_site_info: found " +
                                                   schema::describe(info) + "; expected an object");
      }
      site_info = std::move(info);
    }
    return *site_info;
  }

  // The Moodle course where users are looked up to tell whether the token
  // sees other users' person_id_field, or nullopt.
  std::optional<std::pair<std::string, std::string>> probe_course() const {
    if (auto c = calendar_course()) return c;
    if (settings.contains("supervision_groups"))
      return std::pair{std::to_string(settings["supervision_groups"]["course"].get<long long>()),
                       std::string("supervision_groups.course")};
    if (settings.contains("course_completions")) {
      for (const auto& [ours, theirs] : settings["course_completions"]["courses"].items())
        return std::pair{std::to_string(theirs.get<long long>()),
                         "course_completions.courses." + ours};
    }
    return std::nullopt;
  }

  // Moodle answers core_user_get_users_by_field with [] both when no user
  // has the value and when the token's user may not see that field of other
  // users. nullopt: it sees them (a site administrator, or another user's
  // field came back in a configured course); otherwise why not.
  std::optional<std::string> person_ids_hidden_because;
  bool visibility_probed = false;
  std::optional<std::string> why_person_ids_are_hidden() {
    if (visibility_probed) return person_ids_hidden_because;
    const json& info = site();
    std::string who =
        "the token's user \"" + as_text(info.value("username", json())).value_or("?") + "\"";
    std::optional<std::string> why;
    if (info.value("userissiteadmin", json()) != true) {
      auto course = probe_course();
      if (!course) {
        why = who +
              " is not a site administrator, and no course is configured to check what "
              "it sees";
      } else {
        try {
          json users = ws("core_enrol_get_enrolled_users",
                          {{"courseid", course->first},
                           {"options[0][name]", "limitnumber"},
                           {"options[0][value]", "50"}},
                          "can the token see " + person_id_field + "s", course->second);
          auto self = as_text(info.value("userid", json()));
          bool seen = false;
          for (const auto& u : users.is_array() ? users : json::array()) {
            if (u.is_object() && as_text(u.value("id", json())) != self &&
                u.contains(person_id_field))
              seen = true;
          }
          if (!seen) {
            why = who + " is not a site administrator and sees no other user's " + person_id_field +
                  " in course " + course->first + " (" + course->second + ")";
          }
        } catch (const MoodleError& e) {  // refused by Moodle; a network failure propagates
          why = who + " is not a site administrator and may not list course " + course->first +
                " (" + course->second + "): " + e.what();
        }
      }
    }
    person_ids_hidden_because = why;
    visibility_probed = true;
    return why;
  }

  // Several people's Moodle users, asked 50 at a time; nullopt for a person
  // no user has. An empty answer the token's user cannot vouch for fails as
  // in moodle_user_id.
  std::vector<std::pair<std::string, std::optional<std::string>>> moodle_user_ids(
      const std::vector<std::string>& people) {
    std::vector<std::pair<std::string, std::optional<std::string>>> out;
    for (std::size_t from = 0; from < people.size(); from += 50) {
      Params ask = {{"field", person_id_field}};
      std::size_t to = std::min(people.size(), from + 50);
      for (std::size_t i = from; i < to; ++i)
        ask.emplace_back("values[" + std::to_string(i - from) + "]", people[i]);
      json users = ws("core_user_get_users_by_field", ask,
                      std::to_string(to - from) + " users by " + person_id_field);
      if (!users.is_array()) {
        throw RestError(Failure::bad_response, system + ": core_user_get_users_by_field: found " +
                                                   schema::describe(users) +
                                                   "; expected an array of users");
      }
      std::map<std::string, std::string> found;
      for (const auto& u : users) {
        auto key = u.is_object() ? as_text(u.value(person_id_field, json())) : std::nullopt;
        auto id = u.is_object() ? as_text(u.value("id", json())) : std::nullopt;
        if (key && id) found.emplace(*key, *id);
      }
      for (std::size_t i = from; i < to; ++i) {
        auto it = found.find(people[i]);
        if (it != found.end()) {
          out.emplace_back(people[i], it->second);
          continue;
        }
        try {  // asked alone: found after all, no such user, or why it cannot be told
          out.emplace_back(people[i], moodle_user_id(people[i]));
        } catch (const RestError& e) {
          if (e.failure() != Failure::not_found) throw;
          out.emplace_back(people[i], std::nullopt);
        }
      }
    }
    return out;
  }

  std::string moodle_user_id(const std::string& person_id) {
    json users =
        ws("core_user_get_users_by_field", {{"field", person_id_field}, {"values[0]", person_id}},
           "user with " + person_id_field + " " + person_id);
    if (!users.is_array()) {
      throw RestError(Failure::bad_response, system + ": core_user_get_users_by_field: found " +
                                                 schema::describe(users) +
                                                 "; expected an array of users");
    }
    if (users.empty() || !users[0].is_object()) {
      if (auto why = why_person_ids_are_hidden()) {
        throw RestError(
            Failure::forbidden,
            system + ": core_user_get_users_by_field found no user with " + person_id_field +
                " \"" + person_id + "\", but that proves nothing: " + *why +
                ", and Moodle answers [] for users it hides — give the web service user's role "
                "moodle/user:viewdetails and moodle/user:viewalldetails at system level (or use a "
                "site administrator's token)");
      }
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
    json groups = ws("core_group_get_course_groups", {{"courseid", course}},
                     "groups of course " + course, "supervision_groups.course");
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
         "enrol " + who + " in supervision course " + course, "supervision_groups.course");
      if (!group_id) {
        json created = ws("core_group_create_groups",
                          {{"groups[0][courseid]", course},
                           {"groups[0][name]", *group_name},
                           {"groups[0][description]",
                            "Mentor supervision group (created by the mentoring plugin)."},
                           {"groups[0][idnumber]", *group_key}},
                          "create group " + *group_key, "supervision_groups.course");
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
         "add " + who + " to group " + *group_key, "supervision_groups.course");
      message = "added Moodle user " + user + " (" + who + ") to group " + *group_id + " (" +
                *group_key + ")";
    } else if (group_id) {
      ws("core_group_delete_group_members",
         {{"members[0][groupid]", *group_id}, {"members[0][userid]", user}},
         "remove " + who + " from group " + *group_key, "supervision_groups.course");
      message = "removed Moodle user " + user + " (" + who + ") from group " + *group_id + " (" +
                *group_key + ")";
    } else {
      message = "no group " + *group_key + " in course " + course + ": nothing to remove";
    }
    std::lock_guard lock(pushed_mutex);
    remember_pushed(key);
    return result("done", message);
  }

  // Whether the user is enrolled in the course (core_enrol_get_users_courses:
  // the user's courses). Asked before enrolling, so a delivery repeated after
  // a crash is answered "duplicate" without writing.
  bool is_enrolled(const std::string& user, const std::string& course, const std::string& setting) {
    json courses = ws("core_enrol_get_users_courses", {{"userid", user}},
                      "courses of Moodle user " + user, setting);
    if (!courses.is_array()) {
      throw RestError(Failure::bad_response, system + ": core_enrol_get_users_courses: found " +
                                                 schema::describe(courses) +
                                                 "; expected an array of courses");
    }
    for (const auto& c : courses) {
      if (c.is_object() && as_text(c.value("id", json())) == course) return true;
    }
    return false;
  }

  // ---------------------------------------------------------------- calendar
  // Calendar events are group events of one course: Moodle's web services
  // create only events of the token's own user (eventtype "user", seen by
  // nobody else), course events (seen by everyone in the course) or group
  // events (seen by the group's members); so each session's attendees are a
  // group of that course, and the event is theirs.
  std::optional<std::pair<std::string, std::string>> calendar_course() const {
    json cal = settings.value("calendar", json::object());
    if (cal.contains("course"))
      return std::pair{std::to_string(cal["course"].get<long long>()),
                       std::string("calendar.course")};
    if (settings.contains("supervision_groups"))
      return std::pair{std::to_string(settings["supervision_groups"]["course"].get<long long>()),
                       std::string("supervision_groups.course")};
    return std::nullopt;
  }

  // The group of the course whose members are exactly these users: one that
  // exists (eg a supervision group), else ours for them (ID number
  // "attendees/<hash of the course and users>", so a restart finds it).
  // Attendees are enrolled first: Moodle lets only enrolled users into groups.
  std::string attendee_group(const std::string& course, const std::string& setting,
                             std::vector<std::string> users, const std::string& summary) {
    std::sort(users.begin(), users.end());
    users.erase(std::unique(users.begin(), users.end()), users.end());
    std::string joined;
    for (const auto& u : users) joined += u + ",";
    std::string hash = rest::hmac_sha256_hex("moodle-calendar-attendees", course + ":" + joined);
    std::string idnumber = "attendees/" + hash.substr(0, 32);
    json groups = ws("core_group_get_course_groups", {{"courseid", course}},
                     "groups of course " + course, setting);
    if (!groups.is_array()) {
      throw RestError(Failure::bad_response, system + ": core_group_get_course_groups: found " +
                                                 schema::describe(groups) +
                                                 "; expected an array of groups");
    }
    std::optional<std::string> ours;
    Params ask;
    for (const auto& g : groups) {
      auto id = g.is_object() ? as_text(g.value("id", json())) : std::nullopt;
      if (!id) continue;
      if (g.value("idnumber", json()) == idnumber) ours = id;
      ask.emplace_back("groupids[" + std::to_string(ask.size()) + "]", *id);
    }
    if (!ours && !ask.empty()) {
      json members = ws("core_group_get_group_members", ask,
                        "members of the groups of course " + course, setting);
      for (const auto& m : members.is_array() ? members : json::array()) {
        if (!m.is_object()) continue;
        std::vector<std::string> ids;
        for (const auto& u : m.value("userids", json::array()))
          if (auto t = as_text(u)) ids.push_back(*t);
        std::sort(ids.begin(), ids.end());
        if (ids == users) {
          if (auto id = as_text(m.value("groupid", json()))) return *id;
        }
      }
    }
    json cal = settings.value("calendar", json::object());
    long long role = cal.value(
        "role_id",
        settings.value("supervision_groups", json::object())
            .value("role_id", settings.value("enrolment", json::object()).value("role_id", 5LL)));
    Params enrol, add;
    for (std::size_t i = 0; i < users.size(); ++i) {
      std::string at = "[" + std::to_string(i) + "]";
      enrol.emplace_back("enrolments" + at + "[roleid]", std::to_string(role));
      enrol.emplace_back("enrolments" + at + "[userid]", users[i]);
      enrol.emplace_back("enrolments" + at + "[courseid]", course);
    }
    // Enrolling someone already enrolled changes nothing.
    ws("enrol_manual_enrol_users", enrol, "enrol the attendees of " + summary, setting);
    if (!ours) {
      json created = ws("core_group_create_groups",
                        {{"groups[0][courseid]", course},
                         {"groups[0][name]",
                          "Mentoring: " + summary.substr(0, 200) + " (" + hash.substr(0, 8) + ")"},
                         {"groups[0][description]",
                          "The attendees of a mentoring session (created by the mentoring "
                          "plugin)."},
                         {"groups[0][idnumber]", idnumber}},
                        "group for the attendees of " + summary, setting);
      ours = created.is_array() && !created.empty() && created[0].is_object()
                 ? as_text(created[0].value("id", json()))
                 : std::nullopt;
      if (!ours) {
        throw RestError(Failure::bad_response, system + ": core_group_create_groups: found " +
                                                   schema::describe(created) +
                                                   "; expected [{\"id\": ...}]");
      }
    }
    for (std::size_t i = 0; i < users.size(); ++i) {
      std::string at = "[" + std::to_string(i) + "]";
      add.emplace_back("members" + at + "[groupid]", *ours);
      add.emplace_back("members" + at + "[userid]", users[i]);
    }
    ws("core_group_add_group_members", add, "the attendees of " + summary, setting);
    return *ours;
  }

  // Deletes the events a uid replaced or cancelled; one already gone counts as deleted.
  void delete_stale(const std::string& uid, EventState state, const std::string& setting) {
    if (state.stale.empty()) return;
    for (long long id : state.stale) {
      try {
        ws("core_calendar_delete_calendar_events",
           {{"events[0][eventid]", std::to_string(id)}, {"events[0][repeat]", "0"}},
           "event " + std::to_string(id) + " of " + uid, setting);
      } catch (const MoodleError& e) {
        if (e.code != "invalidrecord") throw;
      }
    }
    state.stale.clear();
    remember_event(uid, state);
  }

  static std::string event_marker(const std::string& uid, long long sequence) {
    return "(mentoring plugin event " + uid + ", version " + std::to_string(sequence) + ")";
  }

  // The event an interrupted run may have created (its description carries
  // the marker), or nullopt: not there, or Moodle would not say (then a
  // warning, and the caller creates it).
  std::optional<long long> find_created(const std::string& uid, long long sequence,
                                        const std::string& group, const std::string& setting) {
    std::string marker = event_marker(uid, sequence);
    try {
      json found = ws("core_calendar_get_calendar_events",
                      {{"events[groupids][0]", group},
                       {"options[userevents]", "0"},
                       {"options[siteevents]", "0"}},
                      "events of group " + group + " after an interrupted run", setting);
      json events = found.is_object() ? found.value("events", json()) : json();
      for (const auto& e : events.is_array() ? events : json::array()) {
        if (!e.is_object() || !e.value("description", json()).is_string()) continue;
        if (e["description"].get<std::string>().find(marker) == std::string::npos) continue;
        if (e.value("id", json()).is_number_integer()) return e["id"].get<long long>();
      }
      json warnings = found.is_object() ? found.value("warnings", json()) : json();
      if (warnings.is_array() && !warnings.empty() && services.warn) {
        services.warn(system + ": " + uid +
                      ": cannot look for an event an interrupted run may "
                      "have created (Moodle warned " +
                      warnings.dump() + "); creating it");
      }
    } catch (const MoodleError& e) {
      if (services.warn) {
        services.warn(system + ": " + uid +
                      ": cannot look for an event an interrupted run may "
                      "have created (" +
                      e.what() + "); creating it");
      }
    }
    return std::nullopt;
  }

  // calendar_event: created, moved (sequence + 1: the old Moodle event is
  // replaced) or cancelled (method CANCEL: deleted), keyed by payload.uid.
  json push_calendar_event(
      const json& action, const std::string& person,
      const std::function<json(const std::string&, const std::string&)>& result) {
    const json& payload = action["payload"];
    const std::string key = action["idempotency_key"];
    auto course = calendar_course();
    if (!course) {
      return result("not_handled",
                    "not configured (no \"calendar\": {\"course\": ...} or "
                    "\"supervision_groups\" in settings: the Moodle course whose group events "
                    "the attendees see)");
    }
    auto found = [](const json& object, const char* name) {
      return object.is_object() && object.contains(name) ? schema::describe(object[name])
                                                         : std::string("(missing)");
    };
    std::string uid =
        payload.value("uid", json()).is_string() ? payload["uid"].get<std::string>() : key;
    if (uid.empty()) uid = key;
    long long sequence = payload.value("sequence", json()).is_number_integer()
                             ? payload["sequence"].get<long long>()
                             : 0;
    bool cancel = payload.value("method", json()) == "CANCEL";
    {
      std::lock_guard lock(pushed_mutex);  // keys of events created by earlier versions
      if (pushed_keys.contains(key)) return result("duplicate", "calendar event already created");
    }
    std::lock_guard lock(calendar_mutex);
    EventState state;
    bool known = calendar_events.contains(uid);
    if (known) state = calendar_events[uid];
    long long latest = state.creating ? std::max(state.sequence, *state.creating) : state.sequence;
    if (known && latest > sequence) {
      return result("duplicate", "a later version (sequence " + std::to_string(latest) + ") of " +
                                     uid + " is already in Moodle");
    }
    if (known && !state.creating && state.sequence == sequence) {
      if (state.stale.empty()) {
        return result("duplicate", state.event_id
                                       ? "calendar event already in Moodle (event " +
                                             std::to_string(*state.event_id) + ")"
                                       : std::string("calendar event already cancelled"));
      }
      delete_stale(uid, state, course->second);  // finish what a crash interrupted
      return result("done", "removed the Moodle event(s) " + uid + " replaced");
    }
    // A run interrupted between Moodle's answer and our record: adopt the
    // event it made (same version) or remove it (superseded).
    std::optional<long long> adopted;
    if (state.creating) {
      if (auto made = find_created(uid, *state.creating, state.creating_group, course->second)) {
        if (*state.creating == sequence && !cancel)
          adopted = made;
        else
          state.stale.push_back(*made);
      }
      state.creating.reset();
      state.creating_group.clear();
    }
    if (cancel) {
      EventState next = recorded(sequence, std::nullopt, state.stale);
      if (state.event_id) next.stale.push_back(*state.event_id);
      remember_event(uid, next);
      delete_stale(uid, next, course->second);
      return result("done", state.event_id ? "deleted Moodle event " +
                                                 std::to_string(*state.event_id) + " (cancelled)"
                                           : "no Moodle event for " + uid + ": nothing to cancel");
    }
    std::string date =
        payload.value("date", json()).is_string() ? payload["date"].get<std::string>() : "";
    if (!rest::is_date(date)) {
      return result("failed",
                    "/payload/date: found " + found(payload, "date") + "; expected YYYY-MM-DD");
    }
    // An all-day event (start_time null, a touchpoint's due date): Moodle has
    // no all-day events, so it starts the working day.
    std::optional<int> minutes = 9 * 60;
    if (payload.contains("start_time") && !payload["start_time"].is_null()) {
      minutes = payload["start_time"].is_string()
                    ? minutes_of(payload["start_time"].get<std::string>())
                    : std::nullopt;
      if (!minutes) {
        return result("failed", "/payload/start_time: found " + found(payload, "start_time") +
                                    "; expected HH:MM");
      }
    }
    std::string timezone = payload.value("timezone", json()).is_string()
                               ? payload["timezone"].get<std::string>()
                               : "UTC";
    auto start = unix_at(date, *minutes, timezone);
    if (!start) {
      return result("failed", "/payload/timezone: found " + found(payload, "timezone") +
                                  "; expected a time zone name such as Europe/London");
    }
    long long duration =
        payload.value("duration_minutes", json()).is_number_integer()
            ? payload["duration_minutes"].get<long long>()
            : settings.value("calendar", json::object()).value("duration_minutes", 60LL);
    std::string summary = payload.value("summary", json()).is_string() &&
                                  !payload["summary"].get<std::string>().empty()
                              ? payload["summary"].get<std::string>()
                              : std::string("Mentoring session");
    // Moodle's events have a name and a description only: the place goes into
    // the description, and our marker after it (find_created looks for it).
    std::string description = payload.value("description", json()).is_string()
                                  ? payload["description"].get<std::string>()
                                  : std::string();
    if (description.empty()) description = summary;
    if (payload.value("location", json()).is_string() &&
        !payload["location"].get<std::string>().empty())
      description += "\nWhere: " + payload["location"].get<std::string>();
    std::vector<std::string> attendees;
    for (const auto& a : payload.value("attendees", json::array())) {
      if (a.is_object() && a.value("person_id", json()).is_string() &&
          !a["person_id"].get<std::string>().empty())
        attendees.push_back(a["person_id"].get<std::string>());
    }
    if (attendees.empty() && !person.empty()) attendees.push_back(person);
    if (attendees.empty()) {
      return result("failed", "/payload/attendees: found " + found(payload, "attendees") +
                                  "; expected at least one attendee with a person_id");
    }
    if (adopted) {
      EventState next = recorded(sequence, *adopted, state.stale);
      if (state.event_id) next.stale.push_back(*state.event_id);
      remember_event(uid, next);
      delete_stale(uid, next, course->second);
      return result("done", "Moodle event " + std::to_string(*adopted) +
                                " (created by an interrupted run) recorded for " + uid);
    }
    std::vector<std::string> users, missing;
    for (const auto& [who, user] : moodle_user_ids(attendees)) {
      if (user)
        users.push_back(*user);
      else
        missing.push_back(who);
    }
    std::string not_invited;
    for (const auto& m : missing) not_invited += (not_invited.empty() ? "" : ", ") + m;
    if (users.empty()) {
      return result("failed", "no attendee of " + uid + " is a Moodle user (no user has " +
                                  person_id_field + " " + not_invited + ")");
    }
    std::string group = attendee_group(course->first, course->second, users, summary);
    EventState creating = state;
    creating.creating = sequence;
    creating.creating_group = group;
    remember_event(uid, creating);
    json created = ws("core_calendar_create_calendar_events",
                      {{"events[0][name]", summary},
                       {"events[0][description]", description + " " + event_marker(uid, sequence)},
                       {"events[0][format]", "1"},
                       {"events[0][courseid]", course->first},
                       {"events[0][groupid]", group},
                       {"events[0][eventtype]", "group"},
                       {"events[0][timestart]", std::to_string(*start)},
                       {"events[0][timeduration]", std::to_string(duration * 60)},
                       {"events[0][sequence]", std::to_string(sequence + 1)}},
                      "event " + uid, course->second);
    json events = created.is_object() ? created.value("events", json()) : json();
    auto event_id = events.is_array() && !events.empty() && events[0].is_object()
                        ? events[0].value("id", json())
                        : json();
    if (!event_id.is_number_integer()) {
      json warnings = created.is_object() ? created.value("warnings", json()) : json();
      if (warnings.is_array() && !warnings.empty()) {
        throw RestError(Failure::forbidden,
                        system + ": core_calendar_create_calendar_events (event " + uid +
                            "): Moodle created no event and warned " + warnings.dump() +
                            " — give the web service user's role moodle/calendar:manageentries in "
                            "course " +
                            course->first + " (" + course->second + ")");
      }
      throw RestError(Failure::bad_response,
                      system + ": core_calendar_create_calendar_events: found " +
                          schema::describe(created) +
                          "; expected {\"events\": [{\"id\": ...}], \"warnings\": []}");
    }
    EventState next = recorded(sequence, event_id.get<long long>(), state.stale);
    if (state.event_id) next.stale.push_back(*state.event_id);
    remember_event(uid, next);
    delete_stale(uid, next, course->second);
    std::string message = "Moodle group event " + std::to_string(*next.event_id) + " in course " +
                          course->first + " for group " + group + " (" +
                          std::to_string(users.size()) + " attendees)";
    if (state.event_id) message += ", replacing event " + std::to_string(*state.event_id);
    if (!missing.empty()) {
      message += "; not invited, no Moodle user has " + person_id_field + ": " + not_invited;
      if (services.warn) services.warn(system + ": " + uid + ": " + message);
    }
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
        std::string moodle_course = std::to_string(courses[course].get<long long>());
        std::string setting = "course_completions.courses." + course;
        // Moodle keeps no idempotency keys: an enrolment already there is the
        // acknowledgement, and nothing is written again (not even its role).
        if (is_enrolled(user, moodle_course, setting)) {
          return result("duplicate", "Moodle user " + user + " (" + person +
                                         ") is already enrolled in course " + moodle_course + " (" +
                                         course + ")");
        }
        std::string role =
            std::to_string(settings.value("enrolment", json::object()).value("role_id", 5));
        ws("enrol_manual_enrol_users",
           {{"enrolments[0][roleid]", role},
            {"enrolments[0][userid]", user},
            {"enrolments[0][courseid]", moodle_course}},
           "enrol " + person + " in " + course, setting);
        return result("done", "enrolled Moodle user " + user + " in course " + moodle_course +
                                  " (" + course + ")");
      }
      if (type == "calendar_event") return push_calendar_event(action, person, result);
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
    // What the token may see is asked afresh: roles may have changed since.
    site_info.reset();
    visibility_probed = false;
    if (!failure && info.is_object()) site_info = info;
    std::set<std::string> functions;
    json enabled = info.is_object() ? info.value("functions", json::array()) : json::array();
    for (const auto& f : enabled) {
      if (f.is_object()) functions.insert(f.value("name", std::string()));
    }
    auto capability = [&](const std::string& name, bool configured, const std::string& section,
                          std::vector<std::string> needed,
                          const std::function<void()>& probe = {}) {
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
      // The configured courses exist and the token's user may work in them
      // (the error names the setting holding a wrong course id).
      if (probe) {
        try {
          probe();
        } catch (const RestError& e) {
          checks.push_back(rest::CapabilityCheck::failed(name, e));
          return;
        }
      }
      bool looks_up_people =
          std::find(needed.begin(), needed.end(), "core_user_get_users_by_field") != needed.end();
      if (looks_up_people) {
        std::optional<std::string> hidden;
        try {
          hidden = why_person_ids_are_hidden();
        } catch (const RestError& e) {
          hidden = e.what();
        }
        if (hidden) {
          checks.push_back({name, true, true, true, false,
                            system + ": " + *hidden +
                                " — Moodle would answer [] for every person looked up: "
                                "give the web service user's role moodle/user:viewdetails and "
                                "moodle/user:viewalldetails at system level (or use a site "
                                "administrator's token)"});
          return;
        }
      }
      checks.push_back(rest::CapabilityCheck::passed(
          name, system + ": " +
                    (info.is_object() ? info.value("sitename", std::string("site"))
                                      : std::string("site")) +
                    " answers; functions enabled"));
    };
    bool completions = settings.contains("course_completions");
    auto completion_courses = [&] {
      for (const auto& [ours, theirs] : settings["course_completions"]["courses"].items()) {
        std::string course = std::to_string(theirs.get<long long>());
        ws("core_enrol_get_enrolled_users",
           {{"courseid", course}, {"options[0][name]", "limitnumber"}, {"options[0][value]", "1"}},
           "check course " + course, "course_completions.courses." + ours);
      }
    };
    auto groups_of = [&](const std::optional<std::pair<std::string, std::string>>& course) {
      return [this, course] {
        if (course)
          ws("core_group_get_course_groups", {{"courseid", course->first}},
             "check course " + course->first, course->second);
      };
    };
    std::optional<std::pair<std::string, std::string>> supervision_course;
    if (settings.contains("supervision_groups"))
      supervision_course =
          std::pair{std::to_string(settings["supervision_groups"]["course"].get<long long>()),
                    std::string("supervision_groups.course")};
    capability("read_course_completions", completions, "course_completions",
               {"core_enrol_get_enrolled_users", "core_completion_get_course_completion_status"},
               completion_courses);
    capability("enrol_in_course", completions, "course_completions",
               {"core_user_get_users_by_field", "core_enrol_get_users_courses",
                "enrol_manual_enrol_users"});
    capability("manage_groups", settings.contains("supervision_groups"), "supervision_groups",
               {"core_user_get_users_by_field", "enrol_manual_enrol_users",
                "core_group_get_course_groups", "core_group_create_groups",
                "core_group_add_group_members", "core_group_delete_group_members"},
               groups_of(supervision_course));
    capability(
        "create_calendar_event", calendar_course().has_value(),
        "calendar.course\" or \"supervision_groups",
        {"core_user_get_users_by_field", "enrol_manual_enrol_users", "core_group_get_course_groups",
         "core_group_get_group_members", "core_group_create_groups", "core_group_add_group_members",
         "core_calendar_create_calendar_events", "core_calendar_get_calendar_events",
         "core_calendar_delete_calendar_events"},
        groups_of(calendar_course()));
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
  rest::apply_http_settings(endpoint, s.settings);
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
  if (!storage.empty()) {
    s.pushed_keys_file = storage + "/moodle-" + s.name + ".calendar-keys";
    s.calendar_events_file = storage + "/moodle-" + s.name + ".calendar-events";
  }
  s.load_pushed_keys();
  s.load_calendar_events();
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
