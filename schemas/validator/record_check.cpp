// The record schemas (person, leave, course-completion), checked by hand.
//
// Every record of every sync is checked; going through valijson's generic
// visitor per record dominated a large sync. These checks implement exactly the
// rules of schemas/{person,leave,course-completion}.schema.json, and
// tests/schemas/record_check_test.cpp holds them to the same verdicts and
// pointers as validate().
#include <mentoring/schema.hpp>

#include <algorithm>
#include <array>

namespace mentoring::schema {

using json = nlohmann::json;

namespace {

enum class Kind {
  text,
  nonempty_text,
  text_or_null,
  date,
  date_or_null,
  text_list,
  object,
  leave_type,
  leave_status
};

struct Field {
  std::string_view name;
  Kind kind;
  bool required;
};

constexpr std::array<Field, 10> kPerson{{
    {"id", Kind::nonempty_text, true},
    {"name", Kind::nonempty_text, true},
    {"email", Kind::text_or_null, false},
    {"manager_id", Kind::text_or_null, false},
    {"department", Kind::text_or_null, false},
    {"location", Kind::text_or_null, false},
    {"start_date", Kind::date_or_null, false},
    {"end_date", Kind::date_or_null, false},
    {"languages", Kind::text_list, false},
    {"attributes", Kind::object, false},
}};

constexpr std::array<Field, 8> kLeave{{
    {"id", Kind::nonempty_text, true},
    {"person_id", Kind::nonempty_text, true},
    {"type", Kind::leave_type, true},
    {"start", Kind::date, true},
    {"expected_end", Kind::date, true},
    {"actual_end", Kind::date_or_null, false},
    {"status", Kind::leave_status, true},
    {"last_changed", Kind::text_or_null, false},
}};

constexpr std::array<Field, 4> kCompletion{{
    {"person_id", Kind::nonempty_text, true},
    {"course_id", Kind::nonempty_text, true},
    {"completed_at", Kind::date, true},
    {"expires_at", Kind::date_or_null, false},
}};

constexpr std::array<std::string_view, 10> kLeaveTypes{"maternity",
                                                       "paternity",
                                                       "adoption",
                                                       "shared_parental",
                                                       "carers",
                                                       "fostering",
                                                       "secondment",
                                                       "overseas_assignment",
                                                       "long_term_sickness",
                                                       "other"};
constexpr std::array<std::string_view, 4> kLeaveStatuses{"requested", "approved", "cancelled",
                                                         "denied"};

// The schemas' date pattern: ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ (calendar validity is the codec's).
bool looks_like_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

template <std::size_t N>
std::string one_of(const std::array<std::string_view, N>& values) {
  std::string out = "one of: ";
  for (std::size_t i = 0; i < N; ++i) out += (i ? ", \"" : "\"") + std::string(values[i]) + "\"";
  return out;
}

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& values, const std::string& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

// What is wrong with the value, or "" when it fits the kind.
std::string expectation_failed(Kind kind, const json& v) {
  switch (kind) {
    case Kind::text:
      return v.is_string() ? "" : "string";
    case Kind::nonempty_text:
      return v.is_string() && !v.get_ref<const std::string&>().empty() ? "" : "a non-empty string";
    case Kind::text_or_null:
      return v.is_string() || v.is_null() ? "" : "string or null";
    case Kind::date:
      return v.is_string() && looks_like_date(v.get_ref<const std::string&>())
                 ? ""
                 : "a calendar date, YYYY-MM-DD";
    case Kind::date_or_null:
      return v.is_null() || (v.is_string() && looks_like_date(v.get_ref<const std::string&>()))
                 ? ""
                 : "a calendar date, YYYY-MM-DD, or null";
    case Kind::text_list:
      return v.is_array() ? "" : "array of strings";  // items: checked one by one below
    case Kind::object:
      return v.is_object() ? "" : "object";
    case Kind::leave_type:
      return v.is_string() && contains(kLeaveTypes, v.get_ref<const std::string&>())
                 ? ""
                 : one_of(kLeaveTypes);
    case Kind::leave_status:
      return v.is_string() && contains(kLeaveStatuses, v.get_ref<const std::string&>())
                 ? ""
                 : one_of(kLeaveStatuses);
  }
  return "";
}

template <std::size_t N>
int index_of(const std::array<Field, N>& fields, const std::string& key) {
  for (std::size_t i = 0; i < N; ++i) {
    if (fields[i].name.size() == key.size() && fields[i].name == key) return static_cast<int>(i);
  }
  return -1;
}

// One pass over the record's members, then one over the fields: this runs for
// every record of every sync.
template <std::size_t N>
std::vector<schema::Problem> check(const std::array<Field, N>& fields, const json& record,
                                   const std::string& source) {
  std::vector<schema::Problem> problems;
  if (!record.is_object()) {
    problems.push_back({source, "", schema::describe(record), "object"});
    return problems;
  }
  std::array<const json*, N> present{};
  for (const auto& [key, value] : record.items()) {
    int i = index_of(fields, key);
    if (i >= 0) {
      present[static_cast<std::size_t>(i)] = &value;
      continue;
    }
    std::string allowed;
    for (const auto& f : fields) allowed += (allowed.empty() ? "" : ", ") + std::string(f.name);
    problems.push_back({source, "/" + key, "unknown field \"" + key + "\"", "one of: " + allowed});
  }
  for (std::size_t i = 0; i < N; ++i) {
    const Field& f = fields[i];
    const json* value = present[i];
    if (value == nullptr) {
      if (f.required) {
        problems.push_back({source, "/" + std::string(f.name), "(missing)",
                            "required field \"" + std::string(f.name) + "\""});
      }
      continue;
    }
    std::string expected = expectation_failed(f.kind, *value);
    if (!expected.empty()) {
      problems.push_back({source, "/" + std::string(f.name), schema::describe(*value), expected});
    } else if (f.kind == Kind::text_list) {
      for (std::size_t k = 0; k < value->size(); ++k) {
        if (!(*value)[k].is_string()) {
          problems.push_back({source, "/" + std::string(f.name) + "/" + std::to_string(k),
                              schema::describe((*value)[k]), "string"});
        }
      }
    }
  }
  return problems;
}

}  // namespace

std::vector<Problem> validate_record(std::string_view schema_name, const json& record,
                                     const std::string& source) {
  if (schema_name == "person") return check(kPerson, record, source);
  if (schema_name == "leave") return check(kLeave, record, source);
  if (schema_name == "course-completion") return check(kCompletion, record, source);
  return validate(schema_name, record, source);
}

}  // namespace mentoring::schema
