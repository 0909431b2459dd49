// mentoring/schema.hpp — validate JSON documents against the published schemas.
//
//   auto doc = mentoring::schema::parse(text, "orgs/northwind.json");   // throws on bad JSON/UTF-8
//   mentoring::schema::require_valid("org-config", doc, "orgs/northwind.json");
//   // -> throws ValidationError: orgs/northwind.json: /modulse: unknown field "modulse";
//   //    expected one of: id, name, modules, ... (did you mean "modules"?)
//
// Every problem names the source (a file, or a record such as "leave L42"),
// the JSON pointer, what was found and what was expected. Thread-safe: the
// compiled schemas are built once, on first use.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mentoring::schema {

class JsonValue;

struct Problem {
  std::string source;    // eg "examples/demo/orgs/northwind.json" or "people.csv row 7"
  std::string pointer;   // JSON pointer, eg "/adapters/0/settings"; "" for the whole document
  std::string found;     // what was there, shortened, eg "\"modulse\"" or "(missing)"
  std::string expected;  // eg "one of: id, name, modules"
  std::string message() const;  // "source: pointer: found ...; expected ..."
};

// Thrown by parse() and require_valid(); what() lists every problem, one per line.
class ValidationError : public std::runtime_error {
 public:
  explicit ValidationError(std::vector<Problem> problems);
  const std::vector<Problem>& problems() const noexcept { return problems_; }

 private:
  std::vector<Problem> problems_;
};

// Parses UTF-8 JSON text; throws ValidationError naming source, line and column
// on invalid UTF-8, a syntax error or an empty text.
nlohmann::json parse(std::string_view text, const std::string& source);

// Reads and parses a file; throws ValidationError when it cannot be read.
nlohmann::json parse_file(const std::string& path);

// The names of the embedded schemas: "person", "leave", "org-config", ...
std::vector<std::string> names();

// The embedded schema text for a name; throws std::out_of_range if unknown.
std::string_view text(std::string_view name);

// Validates against an embedded schema. Empty result: valid.
std::vector<Problem> validate(std::string_view schema_name, const nlohmann::json& document,
                              const std::string& source);

// Same verdicts and pointers as validate(), for the record schemas ("person",
// "leave", "course-completion") checked by hand: a sync checks millions of
// records. Other names go to validate().
std::vector<Problem> validate_record(std::string_view schema_name, const nlohmann::json& record,
                                     const std::string& source);
// The same for a record read without a DOM (mentoring/json_page.hpp).
std::vector<Problem> validate_page_record(std::string_view schema_name, const JsonValue& record,
                                          const std::string& source);

// Validates against a schema given as a document (eg an adapter's own settings schema).
std::vector<Problem> validate_against(const nlohmann::json& schema, const nlohmann::json& document,
                                      const std::string& source);

// Throws ValidationError when validate() finds any problem.
void require_valid(std::string_view schema_name, const nlohmann::json& document,
                   const std::string& source);

// Shortened JSON text of a value for messages, eg "\"2024-13-40\"" or "{...}".
std::string describe(const nlohmann::json& value);

// How the plugin keys a record of a pull answer (plugin/sync): its "id", or a
// course completion's "<person_id>/<course_id>"; nullopt when the record names
// neither as non-empty strings. Adapters give a quarantined record this key, so
// it leaves the quarantine when the record later arrives mapped. An id beyond
// the id limits (is_usable_id) names nobody: nullopt too.
std::optional<std::string> record_key(const nlohmann::json& record);

// Whether text can serve as a record's id: not empty, UTF-8, at most 256
// characters (the schemas' maxLength of ids) and no control characters. A
// record whose id is not is quarantined without an id, never under a cut one.
bool is_usable_id(std::string_view text);

// True when text is well-formed UTF-8; otherwise *bad_offset is the first bad byte.
bool is_valid_utf8(std::string_view text, std::size_t* bad_offset = nullptr);

}  // namespace mentoring::schema
