// mentoring/record_writer.hpp — person and leave records built field by field
// and written as JSON text, without a DOM: an adapter's fast path through a
// large sync.
//
//   schema::PersonRecord person{.id = "E1042", .name = "Ann Lee", .email = "ann@acme.example"};
//   auto problems = schema::check(person, "BambooHR GET /api/v1/employees record 7");
//   if (problems.empty()) schema::append_json(answer_text, person);
//
// check() applies exactly the rules validate_record() applies to to_json() of
// the same record (tests/schemas/record_writer_test.cpp holds them together),
// plus one a DOM cannot break: every string must be UTF-8.
#pragma once

#include <mentoring/schema.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mentoring::schema {

struct PersonRecord {
  std::string id, name;
  std::optional<std::string> email, manager_id, department, location, start_date, end_date;
  std::optional<std::string> employee_number;     // written only when set
  std::vector<std::string> indirect_manager_ids;  // written only when not empty
  std::vector<std::string> languages;             // written only when not empty
  nlohmann::json attributes;                      // written only when not null
};

struct LeaveRecord {
  std::string id, person_id, type, start, expected_end;
  std::optional<std::string> actual_end;
  std::string status;
  std::optional<std::string> last_changed;
};

std::vector<Problem> check(const PersonRecord& record, const std::string& source);
std::vector<Problem> check(const LeaveRecord& record, const std::string& source);

nlohmann::json to_json(const PersonRecord& record);
nlohmann::json to_json(const LeaveRecord& record);

// Appends the record as compact JSON. It must have passed check() (invalid
// UTF-8 would make the text invalid JSON).
void append_json(std::string& out, const PersonRecord& record);
void append_json(std::string& out, const LeaveRecord& record);
// A JSON string literal, quotes included, escaped as nlohmann::json::dump
// escapes it (\", \\, \b \f \n \r \t, other control characters \u00xx; UTF-8
// as it is). The text must be UTF-8.
void append_json_string(std::string& out, std::string_view utf8);

// ------------------------------------------------ records as flat members
//
// A record of any record schema built member by member, without a DOM (the
// file adapter maps millions of rows): each member a name and a value that
// points at text the caller keeps alive.
//
//   std::array<schema::RecordMember, 3> members{{{"course_id", schema::FieldValue::of("C1")},
//                                                {"person_id", schema::FieldValue::of("E1")},
//                                                {"completed_at", schema::FieldValue::of(day)}}};
//   if (schema::validate_members("course-completion", members, "row 7").empty())
//     schema::append_json(answer_text, members);
//
// validate_members gives exactly the verdicts, pointers and words of
// validate_record(to_json(members)) (it runs the same checks over the members;
// tests/schemas/record_writer_test.cpp holds them together).
struct FieldValue {
  enum class Type : std::uint8_t { null, text, texts, json };
  Type type = Type::null;
  std::string_view text;                            // Type::text
  const std::vector<std::string>* texts = nullptr;  // Type::texts: an array of strings
  const nlohmann::json* json = nullptr;             // Type::json: any other value

  static FieldValue null_value() { return {}; }
  static FieldValue of(std::string_view text) { return {Type::text, text, nullptr, nullptr}; }
  static FieldValue of(const std::string& text) { return of(std::string_view(text)); }
  static FieldValue of(const char* text) { return of(std::string_view(text)); }
  static FieldValue of(const std::vector<std::string>& texts) {
    return {Type::texts, {}, &texts, nullptr};
  }
  static FieldValue of(const nlohmann::json& value) { return {Type::json, {}, nullptr, &value}; }
};

struct RecordMember {
  std::string_view name;
  FieldValue value;
};

std::vector<Problem> validate_members(std::string_view schema_name,
                                      std::span<const RecordMember> record,
                                      const std::string& source);
nlohmann::json to_json(std::span<const RecordMember> record);
// Appends {"name":value,...} in the members' order (give them sorted by name
// to get nlohmann::json::dump's text byte for byte). Texts must be UTF-8.
void append_json(std::string& out, std::span<const RecordMember> record);
// The key the plugin gives the record (as record_key of its JSON): its "id",
// or "<person_id>/<course_id>"; nullopt when it names neither.
std::optional<std::string> record_key(std::span<const RecordMember> record);

}  // namespace mentoring::schema
