#include "training.hpp"

#include <mentoring/module.hpp>
#include <mentoring/schema.hpp>
#include <rest_common/mapping.hpp>
#include <rest_common/pagination.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace mentoring::adapters::bamboohr {

using nlohmann::json;
using rest::PullPage;
using rest::RestError;

namespace {

constexpr const char* kAdapter = "bamboohr";
constexpr const char* kTypesPath = "/api/v1/training/type";

// YYYY-MM-DD plus whole months; a day past the month's end becomes its last day
// (2024-01-31 + 1 month = 2024-02-29).
std::string add_months(const std::string& date, int months) {
  using namespace std::chrono;
  year_month_day ymd{year{std::stoi(date.substr(0, 4))},
                     month{static_cast<unsigned>(std::stoi(date.substr(5, 2)))},
                     day{static_cast<unsigned>(std::stoi(date.substr(8, 2)))}};
  year_month shifted = year_month{ymd.year(), ymd.month()} + std::chrono::months{months};
  auto last = year_month_day_last{shifted.year(), month_day_last{shifted.month()}}.day();
  year_month_day out{shifted.year(), shifted.month(), std::min(ymd.day(), last)};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(out.year()),
                static_cast<unsigned>(out.month()), static_cast<unsigned>(out.day()));
  return text;
}

// BambooHR answers lists as an object keyed by id, or as an array: the items in order.
std::vector<std::pair<std::string, json>> items_of(const json& body) {
  std::vector<std::pair<std::string, json>> out;
  if (body.is_object()) {
    for (const auto& [key, item] : body.items()) out.emplace_back(key, item);
  } else if (body.is_array()) {
    for (const auto& item : body) out.emplace_back("", item);
  }
  return out;
}

}  // namespace

TrainingStream::TrainingStream(Connection connection, json settings)
    : connection_(std::move(connection)), settings_(std::move(settings)) {
  unmapped_is_problem_ = settings_.value("unmapped_types", std::string("skip")) == "problem";
  // What the schema cannot say: a course named in valid_for_days must be one
  // the types map to, or the setting would silently never apply.
  std::vector<std::string> courses;
  for (const auto& [key, course] : settings_["types"].items()) {
    if (course.is_string()) courses.push_back(course.get<std::string>());
  }
  const json valid = settings_.value("valid_for_days", json::object());
  for (const auto& [course, days] : valid.items()) {
    if (std::find(courses.begin(), courses.end(), course) == courses.end()) {
      std::string known;
      for (const auto& c : courses) known += (known.empty() ? "" : ", ") + ("\"" + c + "\"");
      throw Error(MENTORING_ERR_INVALID_INPUT,
                  connection_.settings_source() + ": /training/valid_for_days/" + course +
                      ": found a course no training type maps to; expected one of the courses in "
                      "/training/types: " +
                      (known.empty() ? "(none)" : known));
    }
  }
}

std::optional<std::vector<TrainingStream::TrainingType>> TrainingStream::fetch_types(
    PullPage& page) {
  std::string source = connection_.system + " GET " + kTypesPath;
  json body = connection_.call("GET /api/v1/training/type", [&] {
    return connection_.api->get_json(kTypesPath, "training types");
  });
  if (!body.is_object() && !body.is_array()) {
    page.add_problem({source, std::nullopt, std::nullopt, "", schema::describe(body),
                      "an object of training types keyed by id"});
    return std::nullopt;
  }
  std::vector<TrainingType> types;
  long long row = 0;
  for (const auto& [key, item] : items_of(body)) {
    ++row;
    auto id = item.is_object() ? id_text(item.value("id", json(key))) : std::nullopt;
    if (!id || id->empty()) {
      page.add_problem(
          {source, row, "id", "",
           schema::describe(item.is_object() ? item.value("id", json("(missing)")) : item),
           "a training type with an \"id\""});
      continue;
    }
    TrainingType type{
        *id,
        item.value("name", json()).is_string() ? item["name"].get<std::string>() : std::string(),
        std::nullopt};
    const json& frequency = item.value("frequency", json());
    if (item.value("renewable", false) == true && frequency.is_number_integer() &&
        frequency.get<int>() > 0) {
      type.renewal_months = frequency.get<int>();
    }
    types.push_back(std::move(type));
  }
  if (page.has_problems()) return std::nullopt;
  return types;
}

std::vector<std::string> TrainingStream::resolve(const std::vector<TrainingType>& types) {
  types_.clear();
  course_of_type_.clear();
  for (const auto& type : types) types_[type.id] = type;
  std::vector<std::string> unresolved;
  for (const auto& [key, course] : settings_["types"].items()) {
    std::optional<std::string> ours =
        course.is_string() ? std::optional(course.get<std::string>()) : std::nullopt;
    // A key is a type id, or else a type name (case and surrounding spaces ignored).
    if (types_.contains(key)) {
      course_of_type_[key] = ours;
      continue;
    }
    std::vector<std::string> named;
    for (const auto& type : types) {
      if (rest::lower_trimmed(type.name) == rest::lower_trimmed(key)) named.push_back(type.id);
    }
    if (named.empty()) {
      unresolved.push_back(key);
      continue;
    }
    // Several types of one name: each is mapped the same way.
    for (const auto& id : named) course_of_type_[id] = ours;
  }
  return unresolved;
}

std::string TrainingStream::types_listing(const std::vector<TrainingType>& types) const {
  std::string out;
  std::size_t shown = 0;
  for (const auto& type : types) {
    if (++shown > 20) {
      out += ", ... (" + std::to_string(types.size() - 20) + " more)";
      break;
    }
    out += (out.empty() ? "" : ", ") + type.id + " \"" + type.name + "\"";
  }
  return out.empty() ? "(BambooHR lists no training types)" : out;
}

void TrainingStream::load_types(PullPage& page) {
  auto types = fetch_types(page);
  if (!types) return;
  for (const auto& key : resolve(*types)) {
    page.add_problem({connection_.system + " GET " + kTypesPath, std::nullopt, std::nullopt, "",
                      "\"" + key + "\" in training.types",
                      "the id or name of a BambooHR training type: " + types_listing(*types)});
  }
  types_loaded_ = !page.has_problems();
}

void TrainingStream::map_record(const std::string& employee_id, const std::string& key,
                                const json& item, long long row, const std::string& request,
                                PullPage& page) {
  // A record with a problem is quarantined; the plugin keys completions by
  // "<person>/<course>", known once the type maps to a course.
  std::optional<std::string> completion_id;
  if (!item.is_object()) {
    page.quarantine(
        {request, row, std::nullopt, "", schema::describe(item), "a training record object"},
        std::nullopt, item);
    return;
  }
  auto record_id = id_text(item.value("id", json(key)));
  std::string source = request + " (training record " + record_id.value_or("without id") + ")";
  auto problem = [&](const std::string& field, const std::string& pointer, const json& found,
                     const std::string& expected) {
    page.quarantine({source, row, field, pointer, schema::describe(found), expected}, completion_id,
                    item);
  };
  // The type: an id (number or string), or an object with the id.
  const json& type = item.value("type", json());
  auto type_id = type.is_object() ? id_text(type.value("id", json())) : id_text(type);
  if (!type_id) {
    problem("type", "/course_id", item.contains("type") ? type : json("(missing)"),
            "the training type's id");
    return;
  }
  if (!types_.contains(*type_id)) {
    problem("type", "/course_id", type, "a training type listed by GET " + std::string(kTypesPath));
    return;
  }
  auto mapped = course_of_type_.find(*type_id);
  if (mapped == course_of_type_.end() || !mapped->second) {
    if (mapped == course_of_type_.end() && unmapped_is_problem_) {
      std::string configured;
      for (const auto& [key_text, course] : settings_["types"].items()) {
        configured += (configured.empty() ? "" : ", ") + ("\"" + key_text + "\"");
      }
      problem("type", "/course_id", json(*type_id + " \"" + types_.at(*type_id).name + "\""),
              "a training type in training.types (" + configured +
                  "), or mapped to null there to leave it out");
      return;
    }
    page.skip();  // a type the organisation does not use for mentoring
    return;
  }
  const std::string& course = *mapped->second;
  completion_id = employee_id + "/" + course;
  const json& completed = item.value("completed", json());
  if (!completed.is_string() || !rest::is_date(completed.get<std::string>())) {
    // BambooHR writes an empty date as "0000-00-00".
    problem("completed", "/completed_at",
            item.contains("completed") ? completed : json("(missing)"),
            "the completion date, YYYY-MM-DD");
    return;
  }
  const std::string date = completed.get<std::string>();
  if (date > today_) {
    problem("completed", "/completed_at", completed, "a date on or before today (" + today_ + ")");
    return;
  }
  json record = {{"person_id", employee_id},
                 {"course_id", course},
                 {"completed_at", date},
                 {"expires_at", nullptr}};
  const json valid = settings_.value("valid_for_days", json::object());
  if (valid.contains(course)) {
    record["expires_at"] = rest::add_days(date, valid[course].get<int>());
  } else if (auto months = types_.at(*type_id).renewal_months) {
    record["expires_at"] = add_months(date, *months);
  }
  page.add_record(std::move(record), "course-completion", source, row, source);
}

void TrainingStream::read_employee(const std::string& employee_id, PullPage& page) {
  std::string path = "/api/v1/training/record/employee/" + rest::url_encode(employee_id);
  std::string request = connection_.system + " GET " + path;
  json body;
  try {
    body = connection_.call("GET /api/v1/training/record/employee/{employeeId}", [&] {
      return connection_.api->get_json(path, "training records of employee " + employee_id);
    });
  } catch (const RestError& e) {
    // One employee the API user may not see, or gone since the listing: a
    // problem with this employee, not with the whole system. Quarantined
    // without an id (no course is known), the other employees are read on.
    if (e.failure() == rest::Failure::forbidden || e.failure() == rest::Failure::not_found) {
      page.quarantine({request, std::nullopt, std::nullopt, "", e.what(),
                       "the employee's training records (the API user needs access to this "
                       "employee's Training tab)"},
                      std::nullopt, json{{"employeeId", employee_id}});
      return;
    }
    throw;
  }
  if (!body.is_object() && !body.is_array()) {
    page.quarantine({request, std::nullopt, std::nullopt, "", schema::describe(body),
                     "an object of training records keyed by record id"},
                    std::nullopt, body);
    return;
  }
  long long row = 0;
  for (const auto& [key, item] : items_of(body))
    map_record(employee_id, key, item, ++row, request, page);
}

PullResult TrainingStream::pull(const json& cursor_in) {
  connection_.require_key();
  json cursor = rest::decode_cursor(cursor_in, kAdapter);
  long long page_size = settings_.value("page_size", 50);
  long long now = connection_.now_unix_ms();
  today_ = rest::date_from_unix(now / 1000);
  PullPage page(cursor_in);

  std::string mode = read_mode(cursor, settings_, now);
  bool continuing_full = mode == "full" && cursor.value("mode", std::string()) == "full";
  // Types are read at the start of each pass, and once by each adapter instance.
  if (!types_loaded_ || (mode == "full" && !continuing_full)) {
    types_loaded_ = false;
    load_types(page);
    if (page.has_problems()) return page.answer("", false);
  }

  std::vector<std::string> ids;
  json next;
  bool more = false;
  if (mode == "full") {
    long long started = continuing_full ? cursor.value("started_ms", now) : now;
    std::string after = continuing_full ? cursor.value("after", std::string()) : "";
    // Who to read: listed once per pass (and per adapter instance), through
    // the endpoint the configured scheme may call, then walked by id.
    if (employees_started_ != started) {
      employees_.clear();
      for (auto& e : list_employee_statuses(connection_, "employees for training records")) {
        // Current employees only, unless former ones are asked for; a status
        // the API user may not see, or free text, counts as not current.
        std::string status = e.status ? rest::lower_trimmed(*e.status) : "";
        if (status == "active" || settings_.value("include_former", false))
          employees_.push_back(std::move(e.id));
      }
      employees_started_ = started;
    }
    auto from = after.empty()
                    ? employees_.begin()
                    : std::upper_bound(employees_.begin(), employees_.end(), after, id_before);
    auto to = employees_.end() - from > page_size ? from + page_size : employees_.end();
    ids.assign(from, to);
    more = to != employees_.end();
    next = more ? json{{"mode", "full"}, {"after", ids.back()}, {"started_ms", started}}
                : json{{"mode", "since"},
                       {"since", rest::iso_from_unix_ms(started)},
                       {"full_at_ms", started}};
  } else {
    // Increments: the employees changed since the last read, a page at a time.
    std::string since = cursor.value("since", std::string());
    auto changed = read_changed_employees(
        connection_, since, "employees changed since " + since + " (for training records)", page);
    if (!changed) return page.answer("", false);
    const std::vector<std::string>& all = changed->ids;  // the deleted have no training to read
    if (all.empty()) {
      return page.answer(cursor_in.is_string() ? cursor_in.get<std::string>() : "", false, true);
    }
    long long offset = std::min<long long>(cursor.value("offset", 0LL), all.size());
    long long end = std::min<long long>(offset + page_size, static_cast<long long>(all.size()));
    ids.assign(all.begin() + offset, all.begin() + end);
    more = end < static_cast<long long>(all.size());
    long long full_at = cursor.value("full_at_ms", 0LL);
    next = more
               ? json{{"mode", "since"}, {"since", since}, {"offset", end}, {"full_at_ms", full_at}}
               : json{{"mode", "since"}, {"since", changed->latest}, {"full_at_ms", full_at}};
  }
  for (const auto& id : ids) read_employee(id, page);
  return page.answer(rest::encode_cursor(next), more);
}

rest::CapabilityCheck TrainingStream::check() {
  const std::string capability = "read_course_completions";
  if (connection_.missing_key_message) {
    return {capability, true, false, false, false, *connection_.missing_key_message};
  }
  try {
    PullPage scratch(nullptr);
    auto types = fetch_types(scratch);
    if (!types) {
      return {
          capability, true,
          true,       true,
          false,      connection_.system + ": GET " + kTypesPath + " answered an unexpected shape"};
    }
    auto unresolved = resolve(*types);
    types_loaded_ = false;  // a pull reads them again
    if (!unresolved.empty()) {
      std::string keys;
      for (const auto& key : unresolved) keys += (keys.empty() ? "" : ", ") + ("\"" + key + "\"");
      return {capability,
              true,
              true,
              true,
              false,
              connection_.system + ": training.types names no BambooHR training type: " + keys +
                  "; the types are: " + types_listing(*types)};
    }
    return rest::CapabilityCheck::passed(
        capability, connection_.system + ": training types readable (" +
                        std::to_string(types->size()) + "), every configured type found");
  } catch (const RestError& e) {
    return rest::CapabilityCheck::failed(capability, e);
  }
}

}  // namespace mentoring::adapters::bamboohr
