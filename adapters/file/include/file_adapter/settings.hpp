// file_adapter/settings.hpp — the adapter's settings, validated against its own
// JSON Schema (settings.schema.json, embedded at build time) and resolved into
// plain structs with absolute paths.
#pragma once

#include "file_adapter/dates.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mentoring::adapters::file {

enum class Stream { people, leave, course_completions, keeping_in_touch_days };
enum class Format { csv, json };

// "people", "leave", "course_completions", "keeping_in_touch_days" (the pull input's stream names).
std::optional<Stream> stream_from_name(std::string_view name);
std::string_view name_of(Stream stream);
// "read_people", ... (the capability a stream serves).
std::string_view capability_of(Stream stream);

struct StreamSettings {
  Stream stream = Stream::people;
  std::filesystem::path path;  // absolute
  Format format = Format::csv;
  DateFormat date_format = DateFormat::year_month_day;
  char delimiter = ',';
  std::string records_pointer;                // JSON only; "" = the document is the array
  std::map<std::string, std::string> fields;  // our field -> their column / key
  std::string list_separator = ";";
  bool complete = true;                 // people: the export lists everyone (a full read each time)
  std::vector<std::string> attributes;  // people: source columns copied to "attributes"
  // leave: their type -> ours, nullopt = ignore rows of that type.
  std::map<std::string, std::optional<std::string>> leave_types;
  // leave: their status -> ours; empty = the default, case-insensitive names.
  std::map<std::string, std::string> statuses;
  // The section as configured; part of the cursor so a changed mapping re-reads the file.
  std::string canonical;

  // The file name used in problems, eg "people.csv".
  std::string source_name() const { return path.filename().string(); }
};

// The largest export read when the settings do not say (max_file_bytes).
constexpr long long kDefaultMaxFileBytes = 512LL * 1024 * 1024;

// Rows per pull answer when the settings do not say (page_rows), and the most allowed.
constexpr std::size_t kDefaultPageRows = 10000;
constexpr std::size_t kMaxPageRows = 100000;
// Export text per pull answer, whatever page_rows says: a page ends before the
// row that would take it past this (a single longer row refuses the file).
constexpr std::size_t kMaxPageBytes = 16 * 1024 * 1024;

struct Settings {
  std::optional<StreamSettings> people, leave, course_completions, keeping_in_touch_days;
  long long max_file_bytes = kDefaultMaxFileBytes;
  std::size_t page_rows = kDefaultPageRows;
  std::optional<std::filesystem::path> outbox;  // absolute

  const std::optional<StreamSettings>& stream(Stream which) const;
};

// The embedded settings.schema.json.
std::string_view settings_schema_text();

// Validates `settings` against the schema and resolves relative paths against
// base_dir. Throws mentoring::Error(MENTORING_ERR_INVALID_INPUT) listing every
// problem with its JSON pointer, each prefixed by `source`.
Settings parse_settings(const nlohmann::json& settings, const std::filesystem::path& base_dir,
                        const std::string& source);

}  // namespace mentoring::adapters::file
