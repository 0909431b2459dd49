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

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mentoring::schema {

struct PersonRecord {
  std::string id, name;
  std::optional<std::string> email, manager_id, department, location, start_date, end_date;
  std::optional<std::string> employee_number;  // written only when set
  std::vector<std::string> indirect_manager_ids;  // written only when not empty
  std::vector<std::string> languages;             // written only when not empty
  nlohmann::json attributes;           // written only when not null
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
// A JSON string literal, quotes included.
void append_json_string(std::string& out, std::string_view utf8);

}  // namespace mentoring::schema
