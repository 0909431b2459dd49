#include "file_adapter/settings.hpp"

#include <mentoring/module.hpp>
#include <mentoring/schema.hpp>

namespace mentoring::adapters::file {

namespace detail {
extern const std::string_view kSettingsSchemaText;
}

namespace {

using nlohmann::json;

std::filesystem::path resolve(const std::string& path, const std::filesystem::path& base_dir) {
  std::filesystem::path p(path);
  if (p.is_relative()) p = base_dir / p;
  return p.lexically_normal();
}

StreamSettings parse_stream(Stream stream, const json& section,
                            const std::filesystem::path& base_dir) {
  StreamSettings s;
  s.stream = stream;
  s.canonical = section.dump();
  s.path = resolve(section.at("path").get<std::string>(), base_dir);
  s.format = section.value("format", "csv") == "json" ? Format::json : Format::csv;
  // The schema has already limited date_format to the known names.
  s.date_format = date_format_from_name(section.value("date_format", "YYYY-MM-DD"))
                      .value_or(DateFormat::year_month_day);
  s.delimiter = section.value("delimiter", ",").front();
  s.records_pointer = section.value("records_pointer", "");
  s.list_separator = section.value("list_separator", ";");
  s.complete = section.value("complete", true);
  for (const auto& [ours, theirs] : section.at("fields").items()) {
    s.fields.emplace(ours, theirs.get<std::string>());
  }
  if (section.contains("attributes")) {
    for (const auto& column : section["attributes"])
      s.attributes.push_back(column.get<std::string>());
  }
  if (section.contains("leave_types")) {
    for (const auto& [theirs, ours] : section["leave_types"].items()) {
      s.leave_types.emplace(theirs, ours.is_null()
                                        ? std::nullopt
                                        : std::optional<std::string>(ours.get<std::string>()));
    }
  }
  if (section.contains("statuses")) {
    for (const auto& [theirs, ours] : section["statuses"].items()) {
      s.statuses.emplace(theirs, ours.get<std::string>());
    }
  }
  return s;
}

}  // namespace

std::optional<Stream> stream_from_name(std::string_view name) {
  if (name == "people") return Stream::people;
  if (name == "leave") return Stream::leave;
  if (name == "course_completions") return Stream::course_completions;
  if (name == "keeping_in_touch_days") return Stream::keeping_in_touch_days;
  return std::nullopt;
}

std::string_view name_of(Stream stream) {
  switch (stream) {
    case Stream::people:
      return "people";
    case Stream::leave:
      return "leave";
    case Stream::course_completions:
      return "course_completions";
    case Stream::keeping_in_touch_days:
      return "keeping_in_touch_days";
  }
  return "people";
}

std::string_view capability_of(Stream stream) {
  switch (stream) {
    case Stream::people:
      return "read_people";
    case Stream::leave:
      return "read_leave";
    case Stream::course_completions:
      return "read_course_completions";
    case Stream::keeping_in_touch_days:
      return "read_keeping_in_touch_days";
  }
  return "read_people";
}

const std::optional<StreamSettings>& Settings::stream(Stream which) const {
  switch (which) {
    case Stream::people:
      return people;
    case Stream::leave:
      return leave;
    case Stream::course_completions:
      return course_completions;
    case Stream::keeping_in_touch_days:
      return keeping_in_touch_days;
  }
  return people;
}

std::string_view settings_schema_text() {
  return detail::kSettingsSchemaText;
}

Settings parse_settings(const json& settings, const std::filesystem::path& base_dir,
                        const std::string& source) {
  static const json kSchema = json::parse(settings_schema_text());
  auto problems = schema::validate_against(kSchema, settings, source);

  // What the schema subset cannot say: the delimiter is one byte, not one character.
  if (problems.empty()) {
    for (const char* stream : {"people", "leave", "course_completions", "keeping_in_touch_days"}) {
      if (!settings.contains(stream) || !settings[stream].contains("delimiter")) continue;
      const auto& delimiter = settings[stream]["delimiter"].get_ref<const std::string&>();
      if (delimiter.size() != 1 || delimiter == "\"" || delimiter == "\n" || delimiter == "\r") {
        problems.push_back(
            {source, "/" + std::string(stream) + "/delimiter",
             schema::describe(settings[stream]["delimiter"]),
             "one ASCII character other than a quote or a line break, eg \",\" or \";\""});
      }
    }
  }
  if (!problems.empty()) {
    std::string message = source + " is invalid:";
    for (const auto& p : problems) message += "\n  " + p.message();
    throw Error(MENTORING_ERR_INVALID_INPUT, message);
  }

  Settings out;
  out.max_file_bytes = settings.value("max_file_bytes", out.max_file_bytes);
  out.page_rows = settings.value("page_rows", out.page_rows);
  if (settings.contains("people"))
    out.people = parse_stream(Stream::people, settings["people"], base_dir);
  if (settings.contains("leave"))
    out.leave = parse_stream(Stream::leave, settings["leave"], base_dir);
  if (settings.contains("course_completions")) {
    out.course_completions =
        parse_stream(Stream::course_completions, settings["course_completions"], base_dir);
  }
  if (settings.contains("keeping_in_touch_days")) {
    out.keeping_in_touch_days =
        parse_stream(Stream::keeping_in_touch_days, settings["keeping_in_touch_days"], base_dir);
  }
  if (settings.contains("outbox")) {
    out.outbox = resolve(settings["outbox"]["path"].get<std::string>(), base_dir);
  }
  return out;
}

}  // namespace mentoring::adapters::file
