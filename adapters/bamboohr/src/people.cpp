#include "people.hpp"

#include <mentoring/module.hpp>
#include <mentoring/schema.hpp>
#include <rest_common/mapping.hpp>
#include <rest_common/pagination.hpp>

#include <algorithm>

namespace mentoring::adapters::bamboohr {

using nlohmann::json;
using rest::PullPage;
using rest::RestError;

namespace {

constexpr const char* kAdapter = "bamboohr";
constexpr const char* kList = "GET /api/v1/employees";
constexpr const char* kReport = "POST /api/v1/reports/custom";
constexpr const char* kOne = "GET /api/v1/employees/{id}";

// Increments ask for changes since a little before the last read: BambooHR's
// clock and ours may differ. A record read twice is stored once.
constexpr long long kOverlapMs = 5 * 60 * 1000;

// The custom report takes BambooHR's field names (GET /api/v1/employees/{id}'s
// GetEmployeeResponse lists these).
const std::map<std::string, std::string> kReportFields = {
    {"first_name", "firstName"},   {"last_name", "lastName"},      {"email", "workEmail"},
    {"manager_id", "reportsToId"}, {"department", "department"},   {"location", "location"},
    {"start_date", "hireDate"},    {"end_date", "terminationDate"}};
// GET /api/v1/employees: its default set, and `fields` only from its enum
// (EmployeeOptionalField). There is no terminationDate among them.
const std::map<std::string, std::string> kListFields = {
    {"first_name", "firstName"},   {"last_name", "lastName"},        {"email", "workEmail"},
    {"manager_id", "reportsToId"}, {"department", "departmentName"}, {"location", "locationName"},
    {"start_date", "hireDate"},    {"end_date", "terminationDate"}};
const std::vector<std::string> kListDefaultSet = {
    "employeeId", "firstName", "lastName", "preferredName", "photoUrl", "jobTitleName", "status"};
const std::vector<std::string> kListOptional = {
    "workEmail",          "homeEmail",          "bestEmail",      "middleName",
    "workPhone",          "workPhoneExtension", "mobilePhone",    "homePhone",
    "skypeUsername",      "linkedinUrl",        "facebookUrl",    "instagramUrl",
    "twitterUrl",         "pinterestUrl",       "birthDate",      "hireDate",
    "divisionName",       "divisionId",         "departmentName", "departmentId",
    "locationName",       "locationId",         "jobTitleId",     "employmentStatusName",
    "employmentStatusId", "reportsToName",      "reportsToId"};

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// An id from a number only when whole, not negative and within 64 bits (a
// fraction, -3 or 1e30 is no id: never a rounded or wrapped one).
std::optional<std::string> value_text(rest::JsonValue value) {
  if (value.is_string()) return std::string(value.string());
  if (auto number = value.integer(); number && *number >= 0) return std::to_string(*number);
  return std::nullopt;
}

// A date field without a DOM (a full read maps millions): none (null, missing,
// "", BambooHR's "0000-00-00"), a date, or something else.
enum class DateField { none, date, bad };
DateField date_field(rest::JsonValue value) {
  if (value.is_missing() || value.is_null()) return DateField::none;
  if (!value.is_string()) return DateField::bad;
  std::string_view text = value.string();
  if (text.empty() || text == "0000-00-00") return DateField::none;
  return rest::is_date(std::string(text)) ? DateField::date : DateField::bad;
}

// BambooHR writes an empty date as "0000-00-00" (or leaves it empty / null).
bool no_date(const json& value) {
  return value.is_null() || (value.is_string() && (value.get<std::string>().empty() ||
                                                   value.get<std::string>() == "0000-00-00"));
}
bool is_date(const json& value) {
  return value.is_string() && rest::is_date(value.get<std::string>());
}

}  // namespace

PeopleStream::PeopleStream(Connection connection, json settings)
    : connection_(std::move(connection)), settings_(std::move(settings)) {
  from_report_ = connection_.auth == AuthScheme::api_key;
  fields_ = from_report_ ? kReportFields : kListFields;
  id_key_ = from_report_ ? "id" : "employeeId";
  const json overrides = settings_.value("fields", json::object());  // named: items() refers to it
  for (const auto& [ours, theirs] : overrides.items()) fields_[ours] = theirs.get<std::string>();
  if (from_report_) return;
  // What GET /api/v1/employees cannot be asked for is a settings error, not
  // a field silently missing (the end date comes from GET /api/v1/employees/{id}).
  std::vector<std::string> wrong;
  for (const auto& [ours, theirs] : fields_) {
    if (ours == "end_date") continue;
    if (!contains(kListDefaultSet, theirs) && !contains(kListOptional, theirs))
      wrong.push_back("/people/fields/" + ours + ": \"" + theirs + "\"");
  }
  for (const auto& attribute : settings_.value("attributes", json::array())) {
    std::string name = attribute.get<std::string>();
    if (!contains(kListDefaultSet, name) && !contains(kListOptional, name))
      wrong.push_back("/people/attributes: \"" + name + "\"");
  }
  if (!wrong.empty()) {
    std::string listed;
    for (const auto& w : wrong) listed += (listed.empty() ? "" : "; ") + w;
    std::string allowed;
    for (const auto& f : kListOptional) allowed += (allowed.empty() ? "" : ", ") + f;
    throw Error(MENTORING_ERR_INVALID_INPUT,
                connection_.settings_source() + ": " + listed +
                    ": found a field GET /api/v1/employees (used with OAuth) does not offer; "
                    "expected one of its default set (firstName, lastName, preferredName, "
                    "jobTitleName, status) or of: " +
                    allowed);
  }
}

std::vector<std::string> PeopleStream::report_fields() const {
  std::vector<std::string> out = {"status"};
  for (const auto& [ours, theirs] : fields_) {
    if (!contains(out, theirs)) out.push_back(theirs);
  }
  for (const auto& attribute : settings_.value("attributes", json::array())) {
    if (!contains(out, attribute.get<std::string>())) out.push_back(attribute.get<std::string>());
  }
  return out;
}

std::string PeopleStream::list_query(bool include_former) const {
  // `fields` is an array in form style (repeated keys), each from the enum.
  std::vector<std::string> asked;
  auto ask = [&](const std::string& name) {
    if (!contains(kListDefaultSet, name) && !contains(asked, name)) asked.push_back(name);
  };
  for (const auto& [ours, theirs] : fields_) {
    if (ours != "end_date") ask(theirs);
  }
  for (const auto& attribute : settings_.value("attributes", json::array()))
    ask(attribute.get<std::string>());
  std::string query = "?";
  for (const auto& name : asked) query += "fields=" + name + "&";
  if (!include_former) query += "filter%5Bstatus%5D=active&";
  return query;
}

json PeopleStream::termination_of(const std::string& id, const std::string& source, long long row,
                                  const json& item, PullPage& page) {
  const std::string& field = fields_.at("end_date");
  std::string path = "/api/v1/employees/" + rest::url_encode(id) + "?fields=" + field;
  try {
    json one = connection_.call(kOne, [&] {
      return connection_.api->get_json(path, "termination date of employee " + id);
    });
    return one.is_object() && one.contains(field) ? one[field] : json();
  } catch (const RestError& e) {
    if (e.failure() != rest::Failure::forbidden && e.failure() != rest::Failure::not_found) throw;
    // This employee's date only: quarantined, the others are read on.
    page.quarantine({source, row, field, "/end_date", e.what(),
                     "the termination date of an employee BambooHR lists as Inactive (GET " + path +
                         "; the API user needs to see the Job tab's termination date)"},
                    id, item);
    return json("(unreadable)");
  }
}

void PeopleStream::map_person(rest::JsonValue item, long long row, const std::string& source,
                              bool full, PullPage& page) {
  // A problem of this employee quarantines them (with their id, so a full
  // read does not count them absent); the rest of the page is read on.
  std::size_t problems_before = page.quarantined_problem_count();
  // The record as sent, for a quarantine entry: built only then (a DOM per
  // record would cost the large sync its speed).
  auto raw = [&item] { return item.to_json(); };
  if (!item.is_object()) {
    page.quarantine({source, row, std::nullopt, "", schema::describe(raw()), "an employee object"},
                    std::nullopt, raw());
    return;
  }
  auto id = value_text(item[id_key_]);
  if (!id || id->empty()) {
    page.quarantine({source, row, id_key_, "/id", schema::describe(item[id_key_].to_json()),
                     "the employee id (string or number)"},
                    std::nullopt, raw());
    return;
  }
  std::string record_source = source + " (employee " + *id + ")";
  auto record_problem = [&](const std::string& field, const std::string& pointer, const json& found,
                            const std::string& expected) {
    page.quarantine({record_source, row, field, pointer, schema::describe(found), expected}, *id,
                    raw());
  };
  // Status first: whether this employee is current decides the rest.
  rest::JsonValue status_value = item["status"];
  std::string status;
  if (status_value.string() == "Active") {
    status = "active";  // as BambooHR writes it: no copy needed
  } else if (status_value.is_string()) {
    status = rest::lower_trimmed(std::string(status_value.string()));
  }
  if (status != "active" && status != "inactive") {
    record_problem("status", "/end_date", status_value.to_json(),
                   "\"Active\" or \"Inactive\" (without it the employee can be stored neither as "
                   "current nor as a leaver; the API user needs to see the employee's status)");
    return;
  }
  bool inactive = status == "inactive";
  if (inactive && full && !settings_.value("include_former", false)) {
    page.skip();  // a former employee, left out on purpose (people.include_former)
    return;
  }
  schema::PersonRecord person;
  person.id = *id;
  auto text_field = [&](const std::string& ours, bool is_id) -> std::optional<std::string> {
    const std::string& theirs = fields_.at(ours);
    rest::JsonValue value = item[theirs];
    // null: not set, or restricted (listed in _restrictedFields): nothing is known.
    if (value.is_missing() || value.is_null()) return std::nullopt;
    if (is_id) {
      if (auto text = value_text(value)) return text->empty() ? std::nullopt : text;
    } else if (value.is_string()) {
      if (value.string().empty()) return std::nullopt;
      return std::string(value.string());
    }
    record_problem(theirs, "/" + ours, value.to_json(),
                   is_id ? "an employee id or null" : "a string or null");
    return std::nullopt;
  };
  auto first = text_field("first_name", false), last = text_field("last_name", false);
  std::string full_name = first.value_or("") + (first && last ? " " : "") + last.value_or("");
  if (full_name.empty()) {
    record_problem(fields_.at("first_name"), "/name", item[fields_.at("first_name")].to_json(),
                   "a first or last name (the API user needs to see names)");
  }
  person.name = full_name.empty() ? "?" : std::move(full_name);
  person.email = text_field("email", false);
  person.manager_id = text_field("manager_id", true);
  person.department = text_field("department", false);
  person.location = text_field("location", false);
  {
    const std::string& theirs = fields_.at("start_date");
    switch (date_field(item[theirs])) {
      case DateField::date:
        person.start_date = std::string(item[theirs].string());
        break;
      case DateField::bad:
        record_problem(theirs, "/start_date", item[theirs].to_json(), "a date YYYY-MM-DD or null");
        break;
      case DateField::none:
        break;
    }
  }
  const std::string& end_field = fields_.at("end_date");
  json end;
  if (from_report_) {
    if (date_field(item[end_field]) != DateField::none) end = item[end_field].to_json();
  } else if (inactive) {
    end = termination_of(*id, record_source, row, raw(), page);
  }
  if (inactive) {
    if (is_date(end)) {
      person.end_date = end.get<std::string>();
    } else if (end != json("(unreadable)")) {
      record_problem(end_field, "/end_date", end,
                     "the termination date YYYY-MM-DD of an employee BambooHR lists as Inactive "
                     "(not stored as current; the API user needs to see the termination date)");
    }
  } else if (is_date(end)) {
    // Active with a termination date: leaving on that day. A past one is
    // from an earlier employment (rehired): BambooHR says Active.
    if (end.get<std::string>() >= today_) person.end_date = end.get<std::string>();
  } else if (!no_date(end)) {
    record_problem(end_field, "/end_date", end, "a date YYYY-MM-DD or null");
  }
  if (settings_.contains("attributes")) {
    json attributes = json::object();
    for (const auto& attribute : settings_["attributes"]) {
      const std::string& key = attribute.get_ref<const std::string&>();
      rest::JsonValue value = item[key];
      if (!value.is_missing() && !value.is_null()) attributes[key] = value.to_json();
    }
    if (!attributes.empty()) person.attributes = std::move(attributes);
  }
  if (page.quarantined_problem_count() != problems_before) return;
  page.add_record(person, record_source, row);
}

rest::PullAnswer PeopleStream::pull(const json& cursor_in) {
  connection_.require_key();
  long long now = connection_.now_unix_ms();
  today_ = rest::date_from_unix(now / 1000);
  json cursor = rest::decode_cursor(cursor_in, kAdapter);
  return from_report_ ? pull_report(cursor, cursor_in) : pull_list(cursor, cursor_in);
}

rest::PullAnswer PeopleStream::pull_report(const json& cursor, const json& cursor_in) {
  long long page_size = settings_.value("page_size", 250);
  long long now = connection_.now_unix_ms();
  PullPage page(cursor_in);
  std::string mode = read_mode(cursor, settings_, now);
  std::string source = connection_.system + " " + kReport;

  if (mode == "full") {
    bool continuing = cursor.value("mode", std::string()) == "full";
    long long started = continuing ? cursor.value("started_ms", now) : now;
    std::string after = continuing ? cursor.value("after", std::string()) : "";
    // The report lists everyone at once; it is read once per full read and
    // handed out a page at a time (again after a restart of the adapter).
    if (report_started_ != started || !report_.page) {
      report_ = request_report(connection_, report_fields(), json::object(), "people report");
      report_started_ = started;
      if (after.empty()) {
        for (const auto& p : report_.problems) page.add_problem(p);
        // Without an id the row is no one the plugin can name: held without
        // an id, which also keeps this full read from marking anyone absent.
        for (const auto& [p, row] : report_.unidentified) page.quarantine(p, std::nullopt, row);
      }
    }
    auto begin = after.empty()
                     ? report_.ids.begin()
                     : std::upper_bound(report_.ids.begin(), report_.ids.end(), after, id_before);
    std::size_t from = static_cast<std::size_t>(begin - report_.ids.begin());
    std::size_t to = std::min(report_.ids.size(), from + static_cast<std::size_t>(page_size));
    for (std::size_t i = from; i < to; ++i)
      map_person(report_.rows[i], static_cast<long long>(i + 1), source, true, page);
    bool last_page = to >= report_.ids.size();
    page.mark_full_read(std::to_string(started), last_page);
    if (!last_page) {
      return page.answer(
          rest::encode_cursor(
              {{"mode", "full"}, {"after", report_.ids[to - 1]}, {"started_ms", started}}),
          true);
    }
    report_ = EmployeeReport{};
    report_started_ = -1;
    return page.answer(rest::encode_cursor({{"mode", "since"},
                                            {"since", rest::iso_from_unix_ms(started - kOverlapMs)},
                                            {"full_at_ms", started}}),
                       false);
  }

  std::string since = cursor.value("since", std::string());
  EmployeeReport changed = request_report(
      connection_, report_fields(), {{"lastChanged", {{"value", since}, {"includeNull", "no"}}}},
      "people changed since " + since);
  for (const auto& p : changed.problems) page.add_problem(p);
  for (const auto& [p, row] : changed.unidentified) page.quarantine(p, std::nullopt, row);
  if (changed.rows.empty() && !page.has_problems() && changed.unidentified.empty()) {
    return page.answer(cursor_in.is_string() ? cursor_in.get<std::string>() : "", false, true);
  }
  std::string changed_source = source + " (changed since " + since + ")";
  for (std::size_t i = 0; i < changed.rows.size(); ++i)
    map_person(changed.rows[i], static_cast<long long>(i + 1), changed_source, false, page);
  return page.answer(rest::encode_cursor({{"mode", "since"},
                                          {"since", rest::iso_from_unix_ms(now - kOverlapMs)},
                                          {"full_at_ms", cursor.value("full_at_ms", 0LL)}}),
                     false);
}

rest::PullAnswer PeopleStream::pull_list(const json& cursor, const json& cursor_in) {
  long long page_size = settings_.value("page_size", 250);
  long long now = connection_.now_unix_ms();
  PullPage page(cursor_in);
  std::string mode = read_mode(cursor, settings_, now);

  if (mode == "full") {
    long long started =
        cursor.value("mode", std::string()) == "full" ? cursor.value("started_ms", now) : now;
    std::string path = "/api/v1/employees" + list_query(settings_.value("include_former", false)) +
                       "page%5Blimit%5D=" + std::to_string(page_size);
    if (cursor.value("mode", std::string()) == "full" && cursor.contains("after")) {
      path += "&page%5Bafter%5D=" + rest::url_encode(cursor["after"].get<std::string>());
    }
    std::string source = connection_.system + " " + kList;
    rest::JsonPage body =
        connection_.call(kList, [&] { return connection_.api->get_page(path, "people page"); });
    rest::JsonValue data = body.root()["data"];
    if (!data.is_array()) {
      page.add_problem({source, std::nullopt, "data", "", schema::describe(body.root().to_json()),
                        "an object with a \"data\" array of employees"});
      return page.answer("", false);
    }
    long long row = 0;
    for (rest::JsonValue item : data.elements()) map_person(item, ++row, source, true, page);
    rest::JsonValue next_after = body.root()["meta"]["page"]["nextCursor"];
    bool last_page = !next_after.is_string() || next_after.string().empty();
    page.mark_full_read(std::to_string(started), last_page);
    if (!last_page) {
      return page.answer(rest::encode_cursor({{"mode", "full"},
                                              {"after", std::string(next_after.string())},
                                              {"started_ms", started}}),
                         true);
    }
    return page.answer(rest::encode_cursor({{"mode", "since"},
                                            {"since", rest::iso_from_unix_ms(started)},
                                            {"full_at_ms", started}}),
                       false);
  }

  // Increments: what changed since the last read, fetched by id, a page at a time.
  std::string since = cursor.value("since", std::string());
  auto changed = read_changed_employees(connection_, since, "people changed since " + since, page);
  if (!changed) return page.answer("", false);
  // The deleted are gone from BambooHR; the next full read no longer lists them.
  for (long long k = 0; k < changed->deleted; ++k) page.skip();
  const std::vector<std::string>& ids = changed->ids;
  long long offset = cursor.value("offset", 0LL);
  if (ids.empty()) {
    return page.answer(cursor_in.is_string() ? cursor_in.get<std::string>() : "", false, true);
  }
  std::string filter;
  long long end = std::min<long long>(offset + page_size, static_cast<long long>(ids.size()));
  for (long long i = offset; i < end; ++i)
    filter += "filter%5Bids%5D%5B%5D=" + rest::url_encode(ids[i]) + "&";
  rest::JsonPage body = connection_.call(kList, [&] {
    return connection_.api->get_page("/api/v1/employees" + list_query(true) + filter +
                                         "page%5Blimit%5D=" + std::to_string(page_size),
                                     "changed people");
  });
  std::string by_id_source = connection_.system + " " + kList + " (changed since " + since + ")";
  rest::JsonValue data = body.root()["data"];
  if (!data.is_array()) {
    page.add_problem({by_id_source, std::nullopt, "data", "",
                      schema::describe(body.root().to_json()), "an object with a \"data\" array"});
    return page.answer("", false);
  }
  long long row = 0;
  for (rest::JsonValue item : data.elements()) map_person(item, ++row, by_id_source, false, page);
  bool more = end < static_cast<long long>(ids.size());
  json next = more ? json{{"mode", "since"},
                          {"since", since},
                          {"offset", end},
                          {"full_at_ms", cursor.value("full_at_ms", 0LL)}}
                   : json{{"mode", "since"},
                          {"since", changed->latest},
                          {"full_at_ms", cursor.value("full_at_ms", 0LL)}};
  return page.answer(rest::encode_cursor(next), more);
}

rest::CapabilityCheck PeopleStream::check() {
  const std::string capability = "read_people";
  if (connection_.missing_key_message) {
    return {capability, true, false, false, false, *connection_.missing_key_message};
  }
  try {
    if (from_report_) {
      // Changed in the last minute only: a small answer that still proves access.
      std::string recent = rest::iso_from_unix_ms(connection_.now_unix_ms() - 60000);
      EmployeeReport report = request_report(
          connection_, report_fields(),
          {{"lastChanged", {{"value", recent}, {"includeNull", "no"}}}}, "check read_people");
      if (!report.problems.empty()) {
        return {capability, true, true, true, false, report.problems.front().message()};
      }
      return rest::CapabilityCheck::passed(
          capability, connection_.system + ": employees readable through " + kReport +
                          " (API key; the report may leave out fields the API user may not see)");
    }
    connection_.call(kList, [&] {
      return connection_.api->get_json("/api/v1/employees?page%5Blimit%5D=1", "check read_people");
    });
    return rest::CapabilityCheck::passed(
        capability, connection_.system + ": employees readable through " + kList + " (OAuth)");
  } catch (const RestError& e) {
    return rest::CapabilityCheck::failed(capability, e);
  }
}

}  // namespace mentoring::adapters::bamboohr
