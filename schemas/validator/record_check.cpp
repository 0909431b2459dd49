// The record schemas (person, leave, course-completion), checked by hand.
//
// Every record of every sync is checked; going through valijson's generic
// visitor per record dominated a large sync. These checks implement exactly the
// rules of schemas/{person,leave,course-completion}.schema.json, and
// tests/schemas/record_check_test.cpp holds them to the same verdicts and
// pointers as validate().
#include "json_text.hpp"

#include <mentoring/json_page.hpp>
#include <mentoring/record_writer.hpp>
#include <mentoring/schema.hpp>

#include <algorithm>
#include <array>
#include <concepts>
#include <cstdint>
#include <cstring>
#include <span>

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

// The schemas' limits (maxLength in characters, maxItems, maxProperties):
// nothing from a host is stored unbounded.
constexpr std::size_t kIdLength = 256;          // ids, employee numbers
constexpr std::size_t kNameLength = 1000;       // a person's name
constexpr std::size_t kEmailLength = 320;       // an address (RFC 5321: 64 + @ + 255)
constexpr std::size_t kTextLength = 500;        // department, location
constexpr std::size_t kShortLength = 100;       // a language, a time stamp
constexpr std::size_t kListItems = 100;         // indirect_manager_ids, languages
constexpr std::size_t kAttributes = 100;        // members of attributes
constexpr std::size_t kAttributeLength = 2000;  // a text value in attributes

struct Field {
  std::string_view name;
  Kind kind;
  bool required;
  // Text (of a list: each item): at most this many characters, 0 = no limit
  // (dates and enums have their own shape); and no control characters
  // (U+0000 to U+001F, U+007F: the schemas' pattern ^[^\u0000-\u001f\u007f]*$).
  std::size_t max_length = 0;
  bool plain = false;
  std::size_t max_items = 0;  // lists; attributes: members
};

constexpr std::array<Field, 12> kPerson{{
    {"id", Kind::nonempty_text, true, kIdLength, true},
    {"name", Kind::nonempty_text, true, kNameLength, true},
    {"email", Kind::text_or_null, false, kEmailLength, true},
    {"manager_id", Kind::text_or_null, false, kIdLength, true},
    {"department", Kind::text_or_null, false, kTextLength, true},
    {"location", Kind::text_or_null, false, kTextLength, true},
    {"start_date", Kind::date_or_null, false},
    {"end_date", Kind::date_or_null, false},
    {"employee_number", Kind::text_or_null, false, kIdLength, true},
    {"indirect_manager_ids", Kind::text_list, false, kIdLength, true, kListItems},
    {"languages", Kind::text_list, false, kShortLength, true, kListItems},
    {"attributes", Kind::object, false, kAttributeLength, false, kAttributes},
}};

constexpr std::array<Field, 8> kLeave{{
    {"id", Kind::nonempty_text, true, kIdLength, true},
    {"person_id", Kind::nonempty_text, true, kIdLength, true},
    {"type", Kind::leave_type, true},
    {"start", Kind::date, true},
    {"expected_end", Kind::date, true},
    {"actual_end", Kind::date_or_null, false},
    {"status", Kind::leave_status, true},
    {"last_changed", Kind::text_or_null, false, kShortLength, true},
}};

constexpr std::array<Field, 4> kCompletion{{
    {"person_id", Kind::nonempty_text, true, kIdLength, true},
    {"course_id", Kind::nonempty_text, true, kIdLength, true},
    {"completed_at", Kind::date, true},
    {"expires_at", Kind::date_or_null, false},
}};

// For naming a limit: the field list tells which schema it is.
std::string schema_of(std::size_t fields_count) {
  return fields_count == kPerson.size()  ? "person"
         : fields_count == kLeave.size() ? "leave"
                                         : "course-completion";
}

// The limit's name for a message: a text, or a function building it (the
// checks run for every record of every sync: the name is built only when a
// limit is broken).
inline std::string limit_name_of(std::string_view name) {
  return std::string(name);
}
template <std::invocable Build>
std::string limit_name_of(const Build& build) {
  return build();
}

// What is wrong with a text against the field's limits, as {found, expected},
// or nullopt. `limit_name` eg "person.name", or a function answering it.
template <class LimitName>
std::optional<std::pair<std::string, std::string>> text_limit_problem(std::string_view text,
                                                                      std::size_t max_length,
                                                                      bool plain,
                                                                      const LimitName& limit_name) {
  if (plain) {
    std::size_t characters = 0;
    for (unsigned char c : text) {
      if ((c & 0xC0) != 0x80) ++characters;
      if (c < 0x20 || c == 0x7F) {
        static constexpr char kHex[] = "0123456789ABCDEF";
        std::string code = "U+00";
        code.push_back(kHex[c >> 4]);
        code.push_back(kHex[c & 15]);
        return std::pair{"text with the control character " + code + " at character " +
                             std::to_string(characters),
                         "text without control characters (U+0000 to U+001F, U+007F)"};
      }
    }
  }
  if (max_length == 0 || text.size() <= max_length) return std::nullopt;
  std::size_t characters = 0;
  for (unsigned char c : text) characters += (c & 0xC0) != 0x80;
  if (characters <= max_length) return std::nullopt;
  return std::pair{"a text of " + std::to_string(characters) + " characters",
                   "at most " + std::to_string(max_length) + " characters (limit " +
                       limit_name_of(limit_name) + ".maxLength = " + std::to_string(max_length) +
                       ")"};
}

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
bool looks_like_date(std::string_view s) {
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
bool contains(const std::array<std::string_view, N>& values, std::string_view value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

// The checks below run over a DOM (nlohmann::json) or a page (JsonValue);
// these are the only places that tell them apart.
std::string_view text_of(const json& v) {
  return v.get_ref<const std::string&>();
}
std::string_view text_of(const JsonValue& v) {
  return v.string();
}
std::string describe_value(const json& v) {
  return schema::describe(v);
}
std::string describe_value(const JsonValue& v) {
  return schema::describe(v.to_json());
}

// A member found in a record: a pointer into the DOM, or the page's handle.
const json* hold(const json& v) {
  return &v;
}
JsonValue hold(const JsonValue& v) {
  return v;
}
bool is_held(const json* v) {
  return v != nullptr;
}
bool is_held(const JsonValue& v) {
  return !v.is_missing();
}
const json& held(const json* v) {
  return *v;
}
const JsonValue& held(const JsonValue& v) {
  return v;
}
const json& elements_of(const json& v) {
  return v;
}
JsonValue::Range elements_of(const JsonValue& v) {
  return v.elements();
}

// A record given as flat members (record_writer.hpp), and each value in it, as
// the checks below see a value: the record itself, a member's value, or an
// item of a list of texts.
class FlatValue {
 public:
  enum class Kind : std::uint8_t { missing, record, null, text, texts, dom };
  FlatValue() = default;
  static FlatValue record(std::span<const RecordMember> members) {
    FlatValue v;
    v.kind_ = Kind::record;
    v.members_ = members;
    return v;
  }
  static FlatValue text(std::string_view text) {
    FlatValue v;
    v.kind_ = Kind::text;
    v.text_ = text;
    return v;
  }
  static FlatValue dom(const json& value) {
    FlatValue v;
    v.kind_ = Kind::dom;
    v.dom_ = &value;
    return v;
  }
  static FlatValue of(const FieldValue& field) {
    switch (field.type) {
      case FieldValue::Type::null:
        break;
      case FieldValue::Type::text:
        return text(field.text);
      case FieldValue::Type::texts: {
        FlatValue v;
        v.kind_ = Kind::texts;
        v.texts_ = field.texts;
        return v;
      }
      case FieldValue::Type::json:
        return dom(*field.json);
    }
    FlatValue v;
    v.kind_ = Kind::null;
    return v;
  }

  Kind kind() const { return kind_; }
  bool is_object() const {
    return kind_ == Kind::record || (kind_ == Kind::dom && dom_->is_object());
  }
  bool is_string() const {
    return kind_ == Kind::text || (kind_ == Kind::dom && dom_->is_string());
  }
  bool is_null() const { return kind_ == Kind::null || (kind_ == Kind::dom && dom_->is_null()); }
  bool is_array() const { return kind_ == Kind::texts || (kind_ == Kind::dom && dom_->is_array()); }
  std::size_t size() const {
    switch (kind_) {
      case Kind::record:
        return members_.size();
      case Kind::texts:
        return texts_->size();
      case Kind::dom:
        return dom_->size();
      default:
        return 0;
    }
  }
  std::string_view string() const {
    return kind_ == Kind::text ? text_ : std::string_view(dom_->get_ref<const std::string&>());
  }
  std::span<const RecordMember> members() const { return members_; }
  const std::vector<std::string>& texts() const { return *texts_; }
  const json& dom() const { return *dom_; }
  json to_json() const {
    switch (kind_) {
      case Kind::missing:
        return "(missing)";
      case Kind::record:
        return schema::to_json(members_);
      case Kind::null:
        return nullptr;
      case Kind::text:
        return std::string(text_);
      case Kind::texts:
        return *texts_;
      case Kind::dom:
        return *dom_;
    }
    return nullptr;
  }

 private:
  Kind kind_ = Kind::missing;
  std::string_view text_;
  std::span<const RecordMember> members_;
  const std::vector<std::string>* texts_ = nullptr;
  const json* dom_ = nullptr;
};

std::string_view text_of(const FlatValue& v) {
  return v.string();
}
std::string describe_value(const FlatValue& v) {
  return schema::describe(v.to_json());
}
FlatValue hold(const FlatValue& v) {
  return v;
}
bool is_held(const FlatValue& v) {
  return v.kind() != FlatValue::Kind::missing;
}
const FlatValue& held(const FlatValue& v) {
  return v;
}
std::vector<FlatValue> elements_of(const FlatValue& v) {
  std::vector<FlatValue> items;
  if (v.kind() == FlatValue::Kind::texts) {
    for (const auto& item : v.texts()) items.push_back(FlatValue::text(item));
  } else if (v.kind() == FlatValue::Kind::dom && v.dom().is_array()) {
    for (const auto& item : v.dom()) items.push_back(FlatValue::dom(item));
  }
  return items;
}
template <class F>
void for_each_member(const FlatValue& object, F&& visit) {
  if (object.kind() == FlatValue::Kind::record) {
    for (const auto& member : object.members()) visit(member.name, FlatValue::of(member.value));
  } else if (object.kind() == FlatValue::Kind::dom && object.dom().is_object()) {
    for (const auto& [key, value] : object.dom().items())
      visit(std::string_view(key), FlatValue::dom(value));
  }
}

template <class F>
void for_each_member(const json& object, F&& visit) {
  for (const auto& [key, value] : object.items()) visit(std::string_view(key), value);
}
template <class F>
void for_each_member(const JsonValue& object, F&& visit) {
  object.for_each_member(visit);
}

// What is wrong with the value, or "" when it fits the kind.
template <class Value>
std::string expectation_failed(Kind kind, const Value& v) {
  switch (kind) {
    case Kind::text:
      return v.is_string() ? "" : "string";
    case Kind::nonempty_text:
      return v.is_string() && !text_of(v).empty() ? "" : "a non-empty string";
    case Kind::text_or_null:
      return v.is_string() || v.is_null() ? "" : "string or null";
    case Kind::date:
      return v.is_string() && looks_like_date(text_of(v)) ? "" : "a calendar date, YYYY-MM-DD";
    case Kind::date_or_null:
      return v.is_null() || (v.is_string() && looks_like_date(text_of(v)))
                 ? ""
                 : "a calendar date, YYYY-MM-DD, or null";
    case Kind::text_list:
      return v.is_array() ? "" : "array of strings";  // items: checked one by one below
    case Kind::object:
      return v.is_object() ? "" : "object";
    case Kind::leave_type:
      return v.is_string() && contains(kLeaveTypes, text_of(v)) ? "" : one_of(kLeaveTypes);
    case Kind::leave_status:
      return v.is_string() && contains(kLeaveStatuses, text_of(v)) ? "" : one_of(kLeaveStatuses);
  }
  return "";
}

// A key as one JSON pointer token (RFC 6901: "~" -> "~0", "/" -> "~1"), as
// validate() names it (found by tests/fuzz/sync_records).
std::string pointer_token(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

template <std::size_t N>
int index_of(const std::array<Field, N>& fields, std::string_view key) {
  for (std::size_t i = 0; i < N; ++i) {
    if (fields[i].name.size() == key.size() && fields[i].name == key) return static_cast<int>(i);
  }
  return -1;
}

// One pass over the record's members, then one over the fields: this runs for
// every record of every sync.
template <std::size_t N, class Value>
std::vector<schema::Problem> check(const std::array<Field, N>& fields, const Value& record,
                                   const std::string& source) {
  std::vector<schema::Problem> problems;
  if (!record.is_object()) {
    problems.push_back({source, "", describe_value(record), "object"});
    return problems;
  }
  std::array<decltype(hold(record)), N> present{};
  for_each_member(record, [&](std::string_view key, const Value& value) {
    int i = index_of(fields, key);
    if (i >= 0) {
      present[static_cast<std::size_t>(i)] = hold(value);  // the last one, as a DOM keeps
      return;
    }
    std::string allowed;
    for (const auto& f : fields) allowed += (allowed.empty() ? "" : ", ") + std::string(f.name);
    std::string name(key);
    problems.push_back({source, "/" + pointer_token(name), "unknown field \"" + name + "\"",
                        "one of: " + allowed});
  });
  for (std::size_t i = 0; i < N; ++i) {
    const Field& f = fields[i];
    if (!is_held(present[i])) {
      if (f.required) {
        problems.push_back({source, "/" + std::string(f.name), "(missing)",
                            "required field \"" + std::string(f.name) + "\""});
      }
      continue;
    }
    const Value& value = held(present[i]);
    std::string expected = expectation_failed(f.kind, value);
    // Built only for a message: this runs for every field of every record.
    auto pointer = [&] { return "/" + std::string(f.name); };
    auto limit_name = [&] { return schema_of(N) + "." + std::string(f.name); };
    auto item_limit_name = [&] { return limit_name() + "[]"; };
    if (!expected.empty()) {
      problems.push_back({source, pointer(), describe_value(value), expected});
    } else if (f.kind == Kind::text_list) {
      if (value.size() > f.max_items) {
        problems.push_back({source, pointer(), std::to_string(value.size()) + " items",
                            "at most " + std::to_string(f.max_items) + " (limit " + limit_name() +
                                ".maxItems = " + std::to_string(f.max_items) + ")"});
      }
      std::size_t k = 0;
      for (const auto& item : elements_of(value)) {
        auto at = [&] { return pointer() + "/" + std::to_string(k); };
        if (!item.is_string()) {
          problems.push_back({source, at(), describe_value(item), "string"});
        } else if (auto p =
                       text_limit_problem(text_of(item), f.max_length, f.plain, item_limit_name)) {
          problems.push_back({source, at(), p->first, p->second});
        }
        ++k;
      }
    } else if (f.kind == Kind::object) {
      if (value.size() > f.max_items) {
        problems.push_back({source, pointer(), std::to_string(value.size()) + " members",
                            "at most " + std::to_string(f.max_items) + " (limit " + limit_name() +
                                ".maxProperties = " + std::to_string(f.max_items) + ")"});
      }
      for_each_member(value, [&](std::string_view key, const Value& member) {
        if (!member.is_string()) return;
        if (auto p = text_limit_problem(text_of(member), f.max_length, false, item_limit_name))
          problems.push_back({source, pointer() + "/" + std::string(key), p->first, p->second});
      });
    } else if (value.is_string()) {
      if (auto p = text_limit_problem(text_of(value), f.max_length, f.plain, limit_name))
        problems.push_back({source, pointer(), p->first, p->second});
    }
  }
  return problems;
}

// ------------------------------------------------------ typed records

// expectation_failed()'s verdict for a string (or null: value == nullptr),
// without making a json of it: this runs for every field of a large sync.
bool text_fits(Kind kind, const std::string* value) {
  switch (kind) {
    case Kind::text:
      return value != nullptr;
    case Kind::nonempty_text:
      return value != nullptr && !value->empty();
    case Kind::text_or_null:
      return true;
    case Kind::date:
      return value != nullptr && looks_like_date(*value);
    case Kind::date_or_null:
      return value == nullptr || looks_like_date(*value);
    case Kind::leave_type:
      return value != nullptr && contains(kLeaveTypes, *value);
    case Kind::leave_status:
      return value != nullptr && contains(kLeaveStatuses, *value);
    case Kind::text_list:
    case Kind::object:
      return false;  // not text fields
  }
  return false;
}

const std::string* or_null(const std::optional<std::string>& value) {
  return value ? &*value : nullptr;
}

template <std::size_t N>
void check_text_fields(const std::array<Field, N>& fields,
                       const std::array<const std::string*, N>& values, std::size_t count,
                       const std::string& source, std::vector<Problem>& problems) {
  for (std::size_t i = 0; i < count; ++i) {
    const std::string* value = values[i];
    // Built only for a message: this runs for every field of every record.
    auto pointer = [&] { return "/" + std::string(fields[i].name); };
    if (!text_fits(fields[i].kind, value)) {
      json as_json = value ? json(*value) : json(nullptr);
      problems.push_back({source, pointer(), schema::describe(as_json),
                          expectation_failed(fields[i].kind, as_json)});
    } else if (value && !is_valid_utf8(*value)) {
      problems.push_back({source, pointer(), "text that is not UTF-8", "UTF-8 text"});
    } else if (value) {
      auto limit_name = [&] { return schema_of(N) + "." + std::string(fields[i].name); };
      if (auto p = text_limit_problem(*value, fields[i].max_length, fields[i].plain, limit_name))
        problems.push_back({source, pointer(), p->first, p->second});
    }
  }
}

}  // namespace

std::vector<Problem> check(const PersonRecord& r, const std::string& source) {
  std::vector<Problem> problems;
  check_text_fields(kPerson,
                    {&r.id, &r.name, or_null(r.email), or_null(r.manager_id), or_null(r.department),
                     or_null(r.location), or_null(r.start_date), or_null(r.end_date),
                     or_null(r.employee_number), nullptr, nullptr, nullptr},
                    9, source, problems);
  auto check_list = [&](const Field& field, const std::vector<std::string>& items) {
    auto pointer = [&] { return "/" + std::string(field.name); };
    auto limit_name = [&] { return "person." + std::string(field.name); };
    auto item_limit_name = [&] { return limit_name() + "[]"; };
    if (items.size() > field.max_items) {
      problems.push_back({source, pointer(), std::to_string(items.size()) + " items",
                          "at most " + std::to_string(field.max_items) + " (limit " + limit_name() +
                              ".maxItems = " + std::to_string(field.max_items) + ")"});
    }
    for (std::size_t k = 0; k < items.size(); ++k) {
      auto at = [&] { return pointer() + "/" + std::to_string(k); };
      if (!is_valid_utf8(items[k])) {
        problems.push_back({source, at(), "text that is not UTF-8", "UTF-8 text"});
      } else if (auto p =
                     text_limit_problem(items[k], field.max_length, field.plain, item_limit_name)) {
        problems.push_back({source, at(), p->first, p->second});
      }
    }
  };
  check_list(kPerson[9], r.indirect_manager_ids);
  check_list(kPerson[10], r.languages);
  if (!r.attributes.is_null() && !r.attributes.is_object()) {
    problems.push_back({source, "/attributes", schema::describe(r.attributes), "object"});
  } else if (!r.attributes.is_null()) {
    const Field& field = kPerson[11];
    if (r.attributes.size() > field.max_items) {
      problems.push_back({source, "/attributes", std::to_string(r.attributes.size()) + " members",
                          "at most " + std::to_string(field.max_items) +
                              " (limit person.attributes.maxProperties = " +
                              std::to_string(field.max_items) + ")"});
    }
    for (const auto& [key, member] : r.attributes.items()) {
      if (!member.is_string()) continue;
      if (auto p = text_limit_problem(member.get_ref<const std::string&>(), field.max_length, false,
                                      "person.attributes[]"))
        problems.push_back({source, "/attributes/" + key, p->first, p->second});
    }
  }
  return problems;
}

std::vector<Problem> check(const LeaveRecord& r, const std::string& source) {
  std::vector<Problem> problems;
  check_text_fields(kLeave,
                    {&r.id, &r.person_id, &r.type, &r.start, &r.expected_end, or_null(r.actual_end),
                     &r.status, or_null(r.last_changed)},
                    8, source, problems);
  return problems;
}

json to_json(const PersonRecord& r) {
  auto text = [](const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); };
  json out = {{"id", r.id},
              {"name", r.name},
              {"email", text(r.email)},
              {"manager_id", text(r.manager_id)},
              {"department", text(r.department)},
              {"location", text(r.location)},
              {"start_date", text(r.start_date)},
              {"end_date", text(r.end_date)}};
  if (r.employee_number) out["employee_number"] = *r.employee_number;
  if (!r.indirect_manager_ids.empty()) out["indirect_manager_ids"] = r.indirect_manager_ids;
  if (!r.languages.empty()) out["languages"] = r.languages;
  if (!r.attributes.is_null()) out["attributes"] = r.attributes;
  return out;
}

json to_json(const LeaveRecord& r) {
  auto text = [](const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); };
  return {{"id", r.id},
          {"person_id", r.person_id},
          {"type", r.type},
          {"start", r.start},
          {"expected_end", r.expected_end},
          {"actual_end", text(r.actual_end)},
          {"status", r.status},
          {"last_changed", text(r.last_changed)}};
}

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t run = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    // Eight plain bytes at a time (most text has nothing to escape).
    while (text.size() - i >= 8) {
      std::uint64_t word;
      std::memcpy(&word, text.data() + i, 8);
      if (json_text::needs_escape(word)) break;
      i += 8;
    }
    if (i >= text.size()) break;
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
    }
  }
  out.append(text.data() + run, text.size() - run);
  out.push_back('"');
}

namespace {

void append_member(std::string& out, std::string_view name, const std::string& value) {
  out.push_back('"');
  out.append(name);
  out += "\":";
  append_json_string(out, value);
}

void append_member(std::string& out, std::string_view name,
                   const std::optional<std::string>& value) {
  if (value) return append_member(out, name, *value);
  out.push_back('"');
  out.append(name);
  out += "\":null";
}

}  // namespace

void append_json(std::string& out, const PersonRecord& r) {
  out.push_back('{');
  append_member(out, "id", r.id);
  out.push_back(',');
  append_member(out, "name", r.name);
  out.push_back(',');
  append_member(out, "email", r.email);
  out.push_back(',');
  append_member(out, "manager_id", r.manager_id);
  out.push_back(',');
  append_member(out, "department", r.department);
  out.push_back(',');
  append_member(out, "location", r.location);
  out.push_back(',');
  append_member(out, "start_date", r.start_date);
  out.push_back(',');
  append_member(out, "end_date", r.end_date);
  if (r.employee_number) {
    out.push_back(',');
    append_member(out, "employee_number", r.employee_number);
  }
  auto append_list = [&](std::string_view name, const std::vector<std::string>& items) {
    if (items.empty()) return;
    out += ",\"";
    out.append(name);
    out += "\":[";
    for (std::size_t k = 0; k < items.size(); ++k) {
      if (k) out.push_back(',');
      append_json_string(out, items[k]);
    }
    out.push_back(']');
  };
  append_list("indirect_manager_ids", r.indirect_manager_ids);
  append_list("languages", r.languages);
  if (!r.attributes.is_null()) {
    out += ",\"attributes\":";
    out += r.attributes.dump();
  }
  out.push_back('}');
}

void append_json(std::string& out, const LeaveRecord& r) {
  out.push_back('{');
  append_member(out, "id", r.id);
  out.push_back(',');
  append_member(out, "person_id", r.person_id);
  out.push_back(',');
  append_member(out, "type", r.type);
  out.push_back(',');
  append_member(out, "start", r.start);
  out.push_back(',');
  append_member(out, "expected_end", r.expected_end);
  out.push_back(',');
  append_member(out, "actual_end", r.actual_end);
  out.push_back(',');
  append_member(out, "status", r.status);
  out.push_back(',');
  append_member(out, "last_changed", r.last_changed);
  out.push_back('}');
}

std::vector<Problem> validate_members(std::string_view schema_name,
                                      std::span<const RecordMember> record,
                                      const std::string& source) {
  const FlatValue value = FlatValue::record(record);
  if (schema_name == "person") return check(kPerson, value, source);
  if (schema_name == "leave") return check(kLeave, value, source);
  if (schema_name == "course-completion") return check(kCompletion, value, source);
  return validate(schema_name, to_json(record), source);
}

json to_json(std::span<const RecordMember> record) {
  json out = json::object();
  for (const auto& member : record)
    out[std::string(member.name)] = FlatValue::of(member.value).to_json();
  return out;
}

void append_json(std::string& out, std::span<const RecordMember> record) {
  out.push_back('{');
  bool first = true;
  for (const auto& member : record) {
    if (!first) out.push_back(',');
    first = false;
    append_json_string(out, member.name);
    out.push_back(':');
    const FieldValue& value = member.value;
    switch (value.type) {
      case FieldValue::Type::null:
        out += "null";
        break;
      case FieldValue::Type::text:
        append_json_string(out, value.text);
        break;
      case FieldValue::Type::texts:
        out.push_back('[');
        for (std::size_t k = 0; k < value.texts->size(); ++k) {
          if (k) out.push_back(',');
          append_json_string(out, (*value.texts)[k]);
        }
        out.push_back(']');
        break;
      case FieldValue::Type::json:
        out += value.json->dump();
        break;
    }
  }
  out.push_back('}');
}

std::optional<std::string> record_key(std::span<const RecordMember> record) {
  auto text = [&](std::string_view key) -> std::optional<std::string_view> {
    std::optional<std::string_view> found;  // the last one, as a DOM keeps
    for (const auto& member : record) {
      if (member.name != key) continue;
      found.reset();
      if (member.value.type == FieldValue::Type::text && is_usable_id(member.value.text))
        found = member.value.text;
      else if (member.value.type == FieldValue::Type::json && member.value.json->is_string() &&
               is_usable_id(member.value.json->get_ref<const std::string&>()))
        found = member.value.json->get_ref<const std::string&>();
    }
    return found;
  };
  if (auto id = text("id")) return std::string(*id);
  auto person = text("person_id"), course = text("course_id");
  if (person && course) return std::string(*person) + "/" + std::string(*course);
  return std::nullopt;
}

std::vector<Problem> validate_record(std::string_view schema_name, const json& record,
                                     const std::string& source) {
  if (schema_name == "person") return check(kPerson, record, source);
  if (schema_name == "leave") return check(kLeave, record, source);
  if (schema_name == "course-completion") return check(kCompletion, record, source);
  return validate(schema_name, record, source);
}

std::vector<Problem> validate_page_record(std::string_view schema_name, const JsonValue& record,
                                          const std::string& source) {
  if (schema_name == "person") return check(kPerson, record, source);
  if (schema_name == "leave") return check(kLeave, record, source);
  if (schema_name == "course-completion") return check(kCompletion, record, source);
  return validate(schema_name, record.to_json(), source);
}

bool is_usable_id(std::string_view text) {
  return !text.empty() && text.size() <= 4 * kIdLength && is_valid_utf8(text) &&
         !text_limit_problem(text, kIdLength, true, "id");
}

std::optional<std::string> record_key(const json& record) {
  auto text = [&](const char* key) -> std::optional<std::string> {
    if (!record.is_object()) return std::nullopt;
    auto it = record.find(key);
    if (it == record.end() || !it->is_string() || !is_usable_id(it->get_ref<const std::string&>()))
      return std::nullopt;
    return it->get<std::string>();
  };
  if (auto id = text("id")) return id;
  auto person = text("person_id"), course = text("course_id");
  if (person && course) return *person + "/" + *course;
  return std::nullopt;
}

}  // namespace mentoring::schema
