#include "file_adapter/record_mapping.hpp"
#include "file_adapter/csv.hpp"
#include "file_adapter/text.hpp"

#include <mentoring/schema.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <map>

namespace mentoring::adapters::file {

namespace {

using nlohmann::json;

std::string_view record_schema(Stream stream) {
  switch (stream) {
    case Stream::people:
      return "person";
    case Stream::leave:
      return "leave";
    case Stream::course_completions:
      return "course-completion";
    case Stream::keeping_in_touch_days:
      return "keeping-in-touch-day";
  }
  return "person";
}

const std::map<std::string, std::string>& default_statuses() {
  static const std::map<std::string, std::string> kDefaults = {
      {"approved", "approved"},  {"requested", "requested"}, {"cancelled", "cancelled"},
      {"canceled", "cancelled"}, {"denied", "denied"},       {"rejected", "denied"},
  };
  return kDefaults;
}

// Reads the cells of one row through the settings' field mapping and records
// what does not fit as problems of that row.
class RowReader {
 public:
  RowReader(const SourceTable& table, const StreamSettings& settings,
            const std::map<std::string, std::size_t>& column_of_field, const SourceRow& row,
            std::vector<SourceProblem>& problems)
      : table_(table),
        settings_(settings),
        column_of_field_(column_of_field),
        row_(row),
        problems_(problems),
        problems_before_(problems.size()) {}

  bool mapped(const std::string& field) const { return column_of_field_.count(field) > 0; }
  bool has_problems() const { return problems_.size() > problems_before_; }
  std::size_t row_number() const { return row_.number; }

  void report(const std::string& field, std::string found, std::string expected) {
    std::optional<std::string> column;
    if (auto it = settings_.fields.find(field); it != settings_.fields.end()) column = it->second;
    problems_.push_back({table_.source, row_.number, column, "/" + field, std::move(found),
                         std::move(expected), table_.json_source});
  }

  // The cell's text; nullopt when empty. Numbers are written as exported;
  // an id only from a whole number, not negative, that fits 64 bits (a JSON
  // reader keeps 18446744073709551616 or 1.5 only as a rounded fraction):
  // anything else would be a different, rounded or truncated id.
  std::optional<std::string> text(const std::string& field) {
    const json& cell = row_.cells[column_of_field_.at(field)];
    if (cell.is_null()) return std::nullopt;
    if (cell.is_string()) return cell.get<std::string>();
    if (is_id_field(field) && cell.is_number()) {
      if (cell.is_number_unsigned()) return cell.dump();
      report(field, schema::describe(cell),
             "an id: text, or a whole number from 0 to 18446744073709551615");
      return std::nullopt;
    }
    if (cell.is_number()) return cell.dump();
    report(field, schema::describe(cell), "text or a number");
    return std::nullopt;
  }

  static bool is_id_field(const std::string& field) {
    return field == "id" || field == "person_id" || field == "manager_id" ||
           field == "employee_number" || field == "course_id" || field == "leave_id";
  }

  std::optional<std::string> required_text(const std::string& field) {
    auto value = text(field);
    if (!value && !has_problem_for(field)) {
      report(field, table_.json_source ? "no value" : "an empty cell",
             "a value (" + field + " is required)");
    }
    return value;
  }

  // Null when the field is not mapped or the cell is empty.
  json optional_text(const std::string& field) {
    if (!mapped(field)) return nullptr;
    auto value = text(field);
    return value ? json(*value) : json(nullptr);
  }

  std::optional<std::string> date(const std::string& field, bool required) {
    auto value = required ? required_text(field) : mapped(field) ? text(field) : std::nullopt;
    if (!value) return std::nullopt;
    ParsedDate parsed = parse_date(*value, settings_.date_format);
    if (!parsed.iso) report(field, json(*value).dump(), parsed.expected);
    return parsed.iso;
  }

  // The field as a list: split on the list separator, or a JSON array of strings.
  json list(const std::string& field) {
    const json& cell = row_.cells[column_of_field_.at(field)];
    json items = json::array();
    if (cell.is_array()) {
      for (const auto& item : cell) {
        if (!item.is_string()) {
          report(field, schema::describe(cell), "a list of texts");
          return items;
        }
        const std::string text = item.get<std::string>();
        if (auto t = trim(text); !t.empty()) items.emplace_back(t);
      }
      return items;
    }
    auto value = text(field);
    if (!value) return items;
    std::string_view rest = *value;
    for (;;) {
      auto cut = rest.find(settings_.list_separator);
      if (auto t = trim(rest.substr(0, cut)); !t.empty()) items.emplace_back(t);
      if (cut == std::string_view::npos) break;
      rest.remove_prefix(cut + settings_.list_separator.size());
    }
    return items;
  }

  const json& raw_cell(std::size_t column) const { return row_.cells[column]; }

 private:
  bool has_problem_for(const std::string& field) const {
    for (std::size_t i = problems_before_; i < problems_.size(); ++i) {
      if (problems_[i].pointer == "/" + field) return true;
    }
    return false;
  }

  const SourceTable& table_;
  const StreamSettings& settings_;
  const std::map<std::string, std::size_t>& column_of_field_;
  const SourceRow& row_;
  std::vector<SourceProblem>& problems_;
  std::size_t problems_before_;
};

json map_person(RowReader& r, const StreamSettings& settings, const SourceTable& table) {
  json person = json::object();
  if (auto id = r.required_text("id")) person["id"] = *id;
  if (auto name = r.required_text("name")) person["name"] = *name;
  for (const char* field : {"email", "manager_id", "employee_number", "department", "location"}) {
    if (r.mapped(field)) person[field] = r.optional_text(field);
  }
  for (const char* field : {"start_date", "end_date"}) {
    if (!r.mapped(field)) continue;
    auto date = r.date(field, false);
    person[field] = date ? json(*date) : json(nullptr);
  }
  if (r.mapped("indirect_manager_ids"))
    person["indirect_manager_ids"] = r.list("indirect_manager_ids");
  if (r.mapped("languages")) person["languages"] = r.list("languages");
  if (!settings.attributes.empty()) {
    json attributes = json::object();
    for (const auto& column : settings.attributes) {
      attributes[column] = r.raw_cell(*table.column_index(column));
    }
    person["attributes"] = std::move(attributes);
  }
  return person;
}

// nullopt: a row of a leave type the settings ignore.
std::optional<json> map_leave(RowReader& r, const StreamSettings& settings) {
  json leave = json::object();
  if (auto type = r.required_text("type")) {
    if (const auto* ours = find_host_value(settings.leave_types, *type)) {
      if (!*ours) return std::nullopt;
      leave["type"] = **ours;
    } else {
      std::vector<std::string> known;
      for (const auto& [name, _] : settings.leave_types) known.push_back(name);
      r.report("type", json(*type).dump(),
               "a leave type listed in settings.leave.leave_types: " + join_quoted(known));
    }
  }
  if (auto id = r.required_text("id")) leave["id"] = *id;
  if (auto person = r.required_text("person_id")) leave["person_id"] = *person;
  if (auto status = r.required_text("status")) {
    const auto& statuses = settings.statuses.empty() ? default_statuses() : settings.statuses;
    if (const auto* ours = find_host_value(statuses, *status)) {
      leave["status"] = *ours;
    } else {
      std::vector<std::string> known;
      for (const auto& [name, _] : statuses) known.push_back(name);
      r.report(
          "status", json(*status).dump(),
          "a status listed in settings.leave.statuses: " + join_quoted(known) +
              (settings.statuses.empty() ? " (any case; set \"statuses\" to map others)" : ""));
    }
  }
  auto start = r.date("start", true);
  auto expected_end = r.date("expected_end", true);
  if (start) leave["start"] = *start;
  if (expected_end) leave["expected_end"] = *expected_end;
  if (start && expected_end && *expected_end < *start) {
    r.report("expected_end", "expected_end " + *expected_end + " before start " + *start,
             "an expected end on or after the start date");
  }
  if (r.mapped("actual_end")) {
    auto actual_end = r.date("actual_end", false);
    leave["actual_end"] = actual_end ? json(*actual_end) : json(nullptr);
    if (start && actual_end && *actual_end < *start) {
      r.report("actual_end", "actual_end " + *actual_end + " before start " + *start,
               "an actual end on or after the start date");
    }
  }
  if (r.mapped("last_changed")) leave["last_changed"] = r.optional_text("last_changed");
  return leave;
}

json map_completion(RowReader& r) {
  json completion = json::object();
  if (auto person = r.required_text("person_id")) completion["person_id"] = *person;
  if (auto course = r.required_text("course_id")) completion["course_id"] = *course;
  auto completed = r.date("completed_at", true);
  if (completed) completion["completed_at"] = *completed;
  if (r.mapped("expires_at")) {
    auto expires = r.date("expires_at", false);
    completion["expires_at"] = expires ? json(*expires) : json(nullptr);
    if (completed && expires && *expires < *completed) {
      r.report("expires_at", "expires_at " + *expires + " before completed_at " + *completed,
               "an expiry on or after the completion date");
    }
  }
  return completion;
}

// A keeping-in-touch day: which leave it belongs to is the plugin's to judge
// (leave_id, when the export names it, else the person's leave covering the day).
json map_kit_day(RowReader& r) {
  json day = json::object();
  if (auto id = r.required_text("id")) day["id"] = *id;
  if (auto person = r.required_text("person_id")) day["person_id"] = *person;
  if (auto date = r.date("date", true)) day["date"] = *date;
  if (r.mapped("leave_id")) day["leave_id"] = r.optional_text("leave_id");
  if (r.mapped("note")) day["note"] = r.optional_text("note");
  return day;
}

// The first token of a JSON pointer, eg "start_date" of "/start_date".
std::string first_token(const std::string& pointer) {
  if (pointer.size() < 2) return {};
  return pointer.substr(1, pointer.find('/', 1) - 1);
}

// The id of a row that could not be read, from its cells when they are surely
// under their columns (with a wrong number of fields only the first one is).
std::optional<std::string> unreadable_row_id(
    const SourceTable& table, const SourceRow& row,
    const std::map<std::string, std::size_t>& column_of_field) {
  auto cell = [&](const char* field) -> std::optional<std::string> {
    auto it = column_of_field.find(field);
    if (it == column_of_field.end() || it->second >= row.cells.size()) return std::nullopt;
    if (!row.cells_aligned &&
        (it->second >= table.header_positions.size() || table.header_positions[it->second] != 0))
      return std::nullopt;
    const json& value = row.cells[it->second];
    if (value.is_string()) return value.get<std::string>();
    if (value.is_number_unsigned()) return value.dump();  // never a rounded id
    return std::nullopt;
  };
  json record = json::object();
  for (const char* field : {"id", "person_id", "course_id"}) {
    if (auto value = cell(field)) record[field] = *value;
  }
  return schema::record_key(record);
}

// What the quarantine shows of a row: its cells by column, as JSON. A CSV
// row keeps only the columns the settings use: it is read again from its text
// for all of them (only for the rows that are held).
std::string row_excerpt(const SourceTable& table, const SourceRow& row) {
  json cells = json::object();
  if (!table.json_source && !row.text.empty()) {
    CsvText csv = parse_csv(row.text, table.delimiter);
    if (!csv.records.empty()) {
      const auto& fields = csv.records.front().fields;
      for (std::size_t i = 0; i < table.header.size(); ++i) {
        auto value = i < fields.size() ? trim(fields[i]) : std::string_view();
        cells[table.header[i]] = value.empty() ? json(nullptr) : json(std::string(value));
      }
      return excerpt_of(cells.dump(-1, ' ', false, json::error_handler_t::replace), 500);
    }
  }
  for (std::size_t i = 0; i < table.columns.size() && i < row.cells.size(); ++i) {
    cells[table.columns[i]] = row.cells[i];
  }
  return excerpt_of(cells.dump(), 500);
}

}  // namespace

json QuarantinedRow::to_json() const {
  const SourceProblem& first = problems.front();
  // The first problem names the place; the others follow in words, a few at most.
  constexpr std::size_t kListed = 5;
  std::string message = first.message();
  for (std::size_t i = 1; i < problems.size() && i < kListed; ++i) {
    const SourceProblem& p = problems[i];
    message += "; also ";
    if (p.field) message += (p.json_source ? "key \"" : "column \"") + *p.field + "\": ";
    message += "found " + p.found + "; expected " + p.expected;
  }
  if (problems.size() > kListed) {
    message += "; and " + std::to_string(problems.size() - kListed) + " more";
  }
  return {{"record_id", record_id ? json(*record_id) : json(nullptr)},
          {"source", first.source},
          {"row", first.row ? json(*first.row) : json(nullptr)},
          {"field", first.field ? json(*first.field) : json(nullptr)},
          {"pointer", first.pointer},
          {"found", first.found},
          {"expected", first.expected},
          {"message", std::move(message)},
          {"excerpt", excerpt}};
}

std::vector<std::string> mapped_columns(const StreamSettings& settings) {
  std::vector<std::string> columns;
  auto add = [&](const std::string& column) {
    if (std::find(columns.begin(), columns.end(), column) == columns.end())
      columns.push_back(column);
  };
  for (const auto& [_, column] : settings.fields) add(column);
  for (const auto& column : settings.attributes) add(column);
  return columns;
}

std::vector<SourceProblem> missing_columns(const SourceTable& table, const StreamSettings& settings,
                                           std::optional<bool> keys_known) {
  std::vector<SourceProblem> problems;
  const bool header_known =
      keys_known ? *keys_known
                 : !table.json_source ||
                       std::any_of(table.rows.begin(), table.rows.end(),
                                   [](const SourceRow& row) { return row.problems.empty(); });
  if (!header_known) return problems;
  auto missing_column = [&](const std::string& column, const std::string& pointer,
                            const std::string& setting) {
    problems.push_back(
        {table.source, table.json_source ? std::nullopt : std::optional<std::size_t>(1), column,
         pointer,
         (table.json_source ? "no key \"" : "no column \"") + column + "\" (" +
             (table.names.empty()
                  ? std::string("the records have no keys")
                  : (table.json_source ? "keys: " : "the header has: ") + join_quoted(table.names) +
                        (table.names_unlisted == 0
                             ? ""
                             : " and " + std::to_string(table.names_unlisted) + " more")) +
             ")",
         (table.json_source ? "a key \"" : "a column \"") + column + "\", as " + setting + " says",
         table.json_source});
  };
  for (const auto& [field, column] : settings.fields) {
    if (!table.column_index(column)) {
      missing_column(column, "/" + field,
                     "settings." + std::string(name_of(settings.stream)) + ".fields." + field);
    }
  }
  for (const auto& column : settings.attributes) {
    if (!table.column_index(column)) {
      missing_column(column, "/attributes/" + column,
                     "settings." + std::string(name_of(settings.stream)) + ".attributes");
    }
  }
  return problems;
}

MappedRecords map_records(const SourceTable& table, const StreamSettings& settings,
                          const RowsOfId* rows_of_id_in_file) {
  MappedRecords out;

  // Every mapped column must exist; otherwise each row would repeat the same complaint.
  out.problems = missing_columns(table, settings);
  if (!out.problems.empty()) return out;
  std::map<std::string, std::size_t> column_of_field;
  for (const auto& [field, column] : settings.fields) {
    if (auto index = table.column_index(column)) column_of_field[field] = *index;
  }

  // Rows that map, then one pass for ids used by more than one row.
  struct Mapped {
    const SourceRow* row;
    json record;
    std::optional<std::string> id;
  };
  std::vector<Mapped> mapped;
  std::map<std::string, std::vector<std::size_t>> rows_of_id;
  // Completions have no id of their own: the same course twice is a retake.
  const bool unique_ids = settings.stream != Stream::course_completions;
  auto hold = [&](const SourceRow& row, std::optional<std::string> id,
                  std::vector<SourceProblem> problems, std::string excerpt) {
    if (id && unique_ids) rows_of_id[*id].push_back(row.number);
    out.quarantined.push_back({std::move(id), std::move(problems), std::move(excerpt)});
  };
  for (const auto& row : table.rows) {
    if (!row.problems.empty()) {
      hold(row, unreadable_row_id(table, row, column_of_field), row.problems, row.excerpt);
      continue;
    }
    std::vector<SourceProblem> row_problems;
    RowReader reader(table, settings, column_of_field, row, row_problems);
    json record;
    switch (settings.stream) {
      case Stream::people:
        record = map_person(reader, settings, table);
        break;
      case Stream::leave:
        if (auto leave = map_leave(reader, settings)) {
          record = std::move(*leave);
        } else {
          ++out.skipped;
          continue;
        }
        break;
      case Stream::course_completions:
        record = map_completion(reader);
        break;
      case Stream::keeping_in_touch_days:
        record = map_kit_day(reader);
        break;
    }
    auto id = schema::record_key(record);
    if (!reader.has_problems()) {
      // The published schema is the contract with the plugin: never emit a record it refuses.
      const std::string where =
          table.source + (table.json_source ? " record " : " row ") + std::to_string(row.number);
      for (const auto& p : schema::validate_record(record_schema(settings.stream), record, where)) {
        std::optional<std::string> column;
        if (auto it = settings.fields.find(first_token(p.pointer)); it != settings.fields.end()) {
          column = it->second;
        }
        row_problems.push_back(
            {table.source, row.number, column, p.pointer, p.found, p.expected, table.json_source});
      }
    }
    if (!row_problems.empty()) {
      hold(row, std::move(id), std::move(row_problems), row_excerpt(table, row));
      continue;
    }
    if (id && unique_ids) rows_of_id[*id].push_back(row.number);
    mapped.push_back({&row, std::move(record), std::move(id)});
  }

  static const std::vector<std::size_t> kNoRows;
  for (auto& m : mapped) {
    const std::vector<std::size_t>* rows = nullptr;
    if (m.id && unique_ids && rows_of_id_in_file) {
      // The whole export's ids (a page holds only part of it).
      auto it = rows_of_id_in_file->find(*m.id);
      rows = it == rows_of_id_in_file->end() ? &kNoRows : &it->second;
    } else if (m.id && unique_ids) {
      rows = &rows_of_id[*m.id];
    }
    if (!rows || rows->size() < 2) {
      out.records.push_back(std::move(m.record));
      continue;
    }
    // The other rows, a few at most: an export may repeat one id on every row.
    constexpr std::size_t kNamed = 5;
    std::string others;
    std::size_t named = 0;
    for (std::size_t number : *rows) {
      if (number == m.row->number || named == kNamed) continue;
      others += (named++ ? ", " : "") + std::to_string(number);
    }
    if (rows->size() - 1 > named) {
      others += " and " + std::to_string(rows->size() - 1 - named) + " more";
    }
    const auto column = settings.fields.find("id");
    out.quarantined.push_back(
        {m.id,
         {{table.source, m.row->number,
           column != settings.fields.end() ? std::optional(column->second) : std::nullopt, "/id",
           json(*m.id).dump(),
           "a unique id (" + *m.id + " is also used in " + (table.json_source ? "record" : "row") +
               (rows->size() > 2 ? "s " : " ") + others + ")",
           table.json_source}},
         row_excerpt(table, *m.row)});
  }
  std::sort(out.quarantined.begin(), out.quarantined.end(),
            [](const QuarantinedRow& a, const QuarantinedRow& b) {
              return a.problems.front().row < b.problems.front().row;
            });
  return out;
}

}  // namespace mentoring::adapters::file
