#include "file_adapter/record_mapping.hpp"
#include "file_adapter/csv.hpp"
#include "file_adapter/text.hpp"

#include <mentoring/record_writer.hpp>
#include <mentoring/schema.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <deque>
#include <map>
#include <span>
#include <stdexcept>

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

// One record being built, member by member, without a DOM: its members
// (sorted by name before they are written, as a DOM orders them) and the
// texts they point at that no cell holds (dates, numbers as text, lists).
// Reused row after row, so a page allocates nothing per record.
class RecordBuilder {
 public:
  void clear() {
    count_ = 0;
    owned_used_ = 0;
    lists_used_ = 0;
  }
  // Adds a member (the mappings below set each name once).
  void set(std::string_view name, schema::FieldValue value) {
    if (count_ == members_.size()) throw std::logic_error("a record with too many members");
    members_[count_++] = {name, value};
  }
  void set_text(std::string_view name, std::optional<std::string_view> text) {
    set(name, text ? schema::FieldValue::of(*text) : schema::FieldValue::null_value());
  }
  // A copy of text that lives until clear() (a deque: earlier copies never move).
  std::string_view own(std::string_view text) {
    if (owned_used_ == owned_.size()) owned_.emplace_back();
    std::string& slot = owned_[owned_used_++];
    slot.assign(text);
    return slot;
  }
  std::vector<std::string>& new_list() {
    if (lists_used_ == lists_.size()) lists_.emplace_back();
    auto& list = lists_[lists_used_++];
    list.clear();
    return list;
  }
  json& attributes() { return attributes_; }
  std::span<const schema::RecordMember> members() const { return {members_.data(), count_}; }
  std::span<const schema::RecordMember> sorted() {
    std::sort(members_.begin(), members_.begin() + static_cast<std::ptrdiff_t>(count_),
              [](const schema::RecordMember& a, const schema::RecordMember& b) {
                return a.name < b.name;
              });
    return members();
  }

 private:
  std::array<schema::RecordMember, 16> members_{};
  std::size_t count_ = 0;
  std::deque<std::string> owned_;
  std::size_t owned_used_ = 0;
  std::deque<std::vector<std::string>> lists_;
  std::size_t lists_used_ = 0;
  json attributes_;
};

using ColumnOfField = std::map<std::string, std::size_t, std::less<>>;

// Reads the cells of one row through the settings' field mapping and records
// what does not fit as problems of that row.
class RowReader {
 public:
  RowReader(const SourceTable& table, const StreamSettings& settings,
            const ColumnOfField& column_of_field, const SourceRow& row,
            std::vector<SourceProblem>& problems, RecordBuilder& record)
      : table_(table),
        settings_(settings),
        column_of_field_(column_of_field),
        row_(row),
        problems_(problems),
        problems_before_(problems.size()),
        record_(record) {}

  bool mapped(std::string_view field) const { return column_of(field) != nullptr; }
  bool has_problems() const { return problems_.size() > problems_before_; }
  std::size_t row_number() const { return row_.number; }
  RecordBuilder& record() { return record_; }

  void report(std::string_view field, std::string found, std::string expected) {
    std::optional<std::string> column;
    if (auto it = settings_.fields.find(std::string(field)); it != settings_.fields.end())
      column = it->second;
    problems_.push_back({table_.source, row_.number, column, "/" + std::string(field),
                         std::move(found), std::move(expected), table_.json_source});
  }

  // The cell's text; nullopt when empty. Numbers are written as exported;
  // an id only from a whole number, not negative, that fits 64 bits (a JSON
  // reader keeps 18446744073709551616 or 1.5 only as a rounded fraction):
  // anything else would be a different, rounded or truncated id. The text
  // lives as long as the row, or until the record is cleared.
  std::optional<std::string_view> text(std::string_view field) {
    const SourceCell& source = row_.cells[*column_of(field)];
    if (source.csv) {
      if (source.text.empty()) return std::nullopt;
      return source.text;
    }
    const json& cell = source.value;
    if (cell.is_null()) return std::nullopt;
    if (cell.is_string()) return std::string_view(cell.get_ref<const std::string&>());
    if (is_id_field(field) && cell.is_number()) {
      if (cell.is_number_unsigned()) return record_.own(cell.dump());
      report(field, schema::describe(cell),
             "an id: text, or a whole number from 0 to 18446744073709551615");
      return std::nullopt;
    }
    if (cell.is_number()) return record_.own(cell.dump());
    report(field, schema::describe(cell), "text or a number");
    return std::nullopt;
  }

  static bool is_id_field(std::string_view field) {
    return field == "id" || field == "person_id" || field == "manager_id" ||
           field == "employee_number" || field == "course_id" || field == "leave_id";
  }

  std::optional<std::string_view> required_text(std::string_view field) {
    auto value = text(field);
    if (!value && !has_problem_for(field)) {
      report(field, table_.json_source ? "no value" : "an empty cell",
             "a value (" + std::string(field) + " is required)");
    }
    return value;
  }

  // Nullopt (null) when the field is not mapped or the cell is empty.
  std::optional<std::string_view> optional_text(std::string_view field) {
    if (!mapped(field)) return std::nullopt;
    return text(field);
  }

  std::optional<std::string_view> date(std::string_view field, bool required) {
    auto value = required ? required_text(field) : mapped(field) ? text(field) : std::nullopt;
    if (!value) return std::nullopt;
    ParsedDate parsed = parse_date(*value, settings_.date_format);
    if (!parsed.iso) {
      report(field, json(std::string(*value)).dump(), parsed.expected);
      return std::nullopt;
    }
    return record_.own(*parsed.iso);
  }

  // The field as a list: split on the list separator, or a JSON array of strings.
  const std::vector<std::string>& list(std::string_view field) {
    const json& cell = row_.cells[*column_of(field)].value;
    std::vector<std::string>& items = record_.new_list();
    if (cell.is_array()) {
      for (const auto& item : cell) {
        if (!item.is_string()) {
          report(field, schema::describe(cell), "a list of texts");
          return items;
        }
        if (auto t = trim(item.get_ref<const std::string&>()); !t.empty()) items.emplace_back(t);
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

  json raw_cell(std::size_t column) const { return row_.cells[column].to_json(); }

 private:
  bool has_problem_for(std::string_view field) const {
    for (std::size_t i = problems_before_; i < problems_.size(); ++i) {
      const std::string& pointer = problems_[i].pointer;
      if (pointer.size() == field.size() + 1 && pointer[0] == '/' &&
          std::string_view(pointer).substr(1) == field)
        return true;
    }
    return false;
  }

  // The field's column; nullptr when not mapped. The mappings ask for one
  // field a few times in a row (mapped, then its text): the last answer is kept.
  const std::size_t* column_of(std::string_view field) const {
    if (field.data() == last_field_.data() && field.size() == last_field_.size())
      return last_column_;
    auto it = column_of_field_.find(field);
    last_field_ = field;
    last_column_ = it == column_of_field_.end() ? nullptr : &it->second;
    return last_column_;
  }

  const SourceTable& table_;
  const StreamSettings& settings_;
  const ColumnOfField& column_of_field_;
  mutable std::string_view last_field_;
  mutable const std::size_t* last_column_ = nullptr;
  const SourceRow& row_;
  std::vector<SourceProblem>& problems_;
  std::size_t problems_before_;
  RecordBuilder& record_;
};

void map_person(RowReader& r, const StreamSettings& settings, const SourceTable& table) {
  RecordBuilder& person = r.record();
  if (auto id = r.required_text("id")) person.set("id", schema::FieldValue::of(*id));
  if (auto name = r.required_text("name")) person.set("name", schema::FieldValue::of(*name));
  for (const char* field : {"email", "manager_id", "employee_number", "department", "location"}) {
    if (r.mapped(field)) person.set_text(field, r.optional_text(field));
  }
  for (const char* field : {"start_date", "end_date"}) {
    if (!r.mapped(field)) continue;
    person.set_text(field, r.date(field, false));
  }
  if (r.mapped("indirect_manager_ids"))
    person.set("indirect_manager_ids", schema::FieldValue::of(r.list("indirect_manager_ids")));
  if (r.mapped("languages")) person.set("languages", schema::FieldValue::of(r.list("languages")));
  if (!settings.attributes.empty()) {
    json& attributes = person.attributes();
    attributes = json::object();
    for (const auto& column : settings.attributes) {
      attributes[column] = r.raw_cell(*table.column_index(column));
    }
    person.set("attributes", schema::FieldValue::of(attributes));
  }
}

// False: a row of a leave type the settings ignore.
bool map_leave(RowReader& r, const StreamSettings& settings) {
  RecordBuilder& leave = r.record();
  if (auto type = r.required_text("type")) {
    if (const auto* ours = find_host_value(settings.leave_types, std::string(*type))) {
      if (!*ours) return false;
      leave.set("type", schema::FieldValue::of(**ours));
    } else {
      std::vector<std::string> known;
      for (const auto& [name, _] : settings.leave_types) known.push_back(name);
      r.report("type", json(std::string(*type)).dump(),
               "a leave type listed in settings.leave.leave_types: " + join_quoted(known));
    }
  }
  if (auto id = r.required_text("id")) leave.set("id", schema::FieldValue::of(*id));
  if (auto person = r.required_text("person_id"))
    leave.set("person_id", schema::FieldValue::of(*person));
  if (auto status = r.required_text("status")) {
    const auto& statuses = settings.statuses.empty() ? default_statuses() : settings.statuses;
    if (const auto* ours = find_host_value(statuses, std::string(*status))) {
      leave.set("status", schema::FieldValue::of(*ours));
    } else {
      std::vector<std::string> known;
      for (const auto& [name, _] : statuses) known.push_back(name);
      r.report(
          "status", json(std::string(*status)).dump(),
          "a status listed in settings.leave.statuses: " + join_quoted(known) +
              (settings.statuses.empty() ? " (any case; set \"statuses\" to map others)" : ""));
    }
  }
  auto start = r.date("start", true);
  auto expected_end = r.date("expected_end", true);
  if (start) leave.set("start", schema::FieldValue::of(*start));
  if (expected_end) leave.set("expected_end", schema::FieldValue::of(*expected_end));
  if (start && expected_end && *expected_end < *start) {
    r.report("expected_end",
             "expected_end " + std::string(*expected_end) + " before start " + std::string(*start),
             "an expected end on or after the start date");
  }
  if (r.mapped("actual_end")) {
    auto actual_end = r.date("actual_end", false);
    leave.set_text("actual_end", actual_end);
    if (start && actual_end && *actual_end < *start) {
      r.report("actual_end",
               "actual_end " + std::string(*actual_end) + " before start " + std::string(*start),
               "an actual end on or after the start date");
    }
  }
  if (r.mapped("last_changed")) leave.set_text("last_changed", r.optional_text("last_changed"));
  return true;
}

void map_completion(RowReader& r) {
  RecordBuilder& completion = r.record();
  if (auto person = r.required_text("person_id"))
    completion.set("person_id", schema::FieldValue::of(*person));
  if (auto course = r.required_text("course_id"))
    completion.set("course_id", schema::FieldValue::of(*course));
  auto completed = r.date("completed_at", true);
  if (completed) completion.set("completed_at", schema::FieldValue::of(*completed));
  if (r.mapped("expires_at")) {
    auto expires = r.date("expires_at", false);
    completion.set_text("expires_at", expires);
    if (completed && expires && *expires < *completed) {
      r.report(
          "expires_at",
          "expires_at " + std::string(*expires) + " before completed_at " + std::string(*completed),
          "an expiry on or after the completion date");
    }
  }
}

// A keeping-in-touch day: which leave it belongs to is the plugin's to judge
// (leave_id, when the export names it, else the person's leave covering the day).
void map_kit_day(RowReader& r) {
  RecordBuilder& day = r.record();
  if (auto id = r.required_text("id")) day.set("id", schema::FieldValue::of(*id));
  if (auto person = r.required_text("person_id"))
    day.set("person_id", schema::FieldValue::of(*person));
  if (auto date = r.date("date", true)) day.set("date", schema::FieldValue::of(*date));
  if (r.mapped("leave_id")) day.set_text("leave_id", r.optional_text("leave_id"));
  if (r.mapped("note")) day.set_text("note", r.optional_text("note"));
}

// The first token of a JSON pointer, eg "start_date" of "/start_date".
std::string first_token(const std::string& pointer) {
  if (pointer.size() < 2) return {};
  return pointer.substr(1, pointer.find('/', 1) - 1);
}

// The id of a row that could not be read, from its cells when they are surely
// under their columns (with a wrong number of fields only the first one is).
std::optional<std::string> unreadable_row_id(const SourceTable& table, const SourceRow& row,
                                             const ColumnOfField& column_of_field) {
  auto cell = [&](const char* field) -> std::optional<std::string> {
    auto it = column_of_field.find(field);
    if (it == column_of_field.end() || it->second >= row.cells.size()) return std::nullopt;
    if (!row.cells_aligned &&
        (it->second >= table.header_positions.size() || table.header_positions[it->second] != 0))
      return std::nullopt;
    const json value = row.cells[it->second].to_json();
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
    cells[table.columns[i]] = row.cells[i].to_json();
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

std::vector<nlohmann::json> MappedRecords::records() const {
  std::vector<json> out;
  if (record_count == 0) return out;
  for (auto& record : json::parse("[" + records_json + "]")) out.push_back(std::move(record));
  return out;
}

MappedRecords map_records(const SourceTable& table, const StreamSettings& settings,
                          const RowsOfId* rows_of_id_in_file, std::string records_memory) {
  MappedRecords out;
  out.records_json = std::move(records_memory);
  out.records_json.clear();

  // Every mapped column must exist; otherwise each row would repeat the same complaint.
  out.problems = missing_columns(table, settings);
  if (!out.problems.empty()) return out;
  ColumnOfField column_of_field;
  for (const auto& [field, column] : settings.fields) {
    if (auto index = table.column_index(column)) column_of_field[field] = *index;
  }

  // Rows that map (written to out.records_json at once), then one pass for
  // ids used by more than one row.
  struct Mapped {
    const SourceRow* row;
    std::size_t begin, end;  // its text in out.records_json
    std::optional<std::string> id;
  };
  std::vector<Mapped> mapped;
  mapped.reserve(table.rows.size());
  out.records_json.reserve(table.rows.size() * 192);
  // This table's ids, when it is the whole export (without the survey's).
  std::map<std::string, std::vector<std::size_t>> rows_of_id;
  // Completions have no id of their own: the same course twice is a retake.
  const bool unique_ids = settings.stream != Stream::course_completions;
  const bool local_ids = unique_ids && rows_of_id_in_file == nullptr;
  auto hold = [&](const SourceRow& row, std::optional<std::string> id,
                  std::vector<SourceProblem> problems, std::string excerpt) {
    if (id && local_ids) rows_of_id[*id].push_back(row.number);
    out.quarantined.push_back({std::move(id), std::move(problems), std::move(excerpt)});
  };
  const std::string_view schema_name = record_schema(settings.stream);
  static const std::string kNoSource;  // only the problems' pointer and words are kept
  RecordBuilder record;
  std::vector<SourceProblem> row_problems;
  for (const auto& row : table.rows) {
    if (!row.problems.empty()) {
      hold(row, unreadable_row_id(table, row, column_of_field), row.problems, row.excerpt);
      continue;
    }
    row_problems.clear();
    record.clear();
    RowReader reader(table, settings, column_of_field, row, row_problems, record);
    switch (settings.stream) {
      case Stream::people:
        map_person(reader, settings, table);
        break;
      case Stream::leave:
        if (!map_leave(reader, settings)) {
          ++out.skipped;
          continue;
        }
        break;
      case Stream::course_completions:
        map_completion(reader);
        break;
      case Stream::keeping_in_touch_days:
        map_kit_day(reader);
        break;
    }
    auto id = schema::record_key(record.members());
    if (!reader.has_problems()) {
      // The published schema is the contract with the plugin: never emit a record it refuses.
      for (const auto& p : schema::validate_members(schema_name, record.members(), kNoSource)) {
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
      row_problems = {};
      continue;
    }
    if (id && local_ids) rows_of_id[*id].push_back(row.number);
    if (!out.records_json.empty()) out.records_json.push_back(',');
    const std::size_t begin = out.records_json.size();
    schema::append_json(out.records_json, record.sorted());
    mapped.push_back({&row, begin, out.records_json.size(), std::move(id)});
  }

  static const std::vector<std::size_t> kNoRows;
  std::vector<bool> kept(mapped.size(), true);
  bool all_kept = true;
  for (std::size_t k = 0; k < mapped.size(); ++k) {
    const Mapped& m = mapped[k];
    const std::vector<std::size_t>* rows = nullptr;
    if (m.id && unique_ids && rows_of_id_in_file) {
      // The whole export's ids (a page holds only part of it).
      auto it = rows_of_id_in_file->find(*m.id);
      rows = it == rows_of_id_in_file->end() ? &kNoRows : &it->second;
    } else if (m.id && unique_ids) {
      rows = &rows_of_id[*m.id];
    }
    if (!rows || rows->size() < 2) continue;
    kept[k] = false;
    all_kept = false;
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
  out.record_count = mapped.size();
  if (!all_kept) {
    // Rows held for their id leave the records.
    std::string kept_json;
    out.record_count = 0;
    for (std::size_t k = 0; k < mapped.size(); ++k) {
      if (!kept[k]) continue;
      if (!kept_json.empty()) kept_json.push_back(',');
      kept_json.append(out.records_json, mapped[k].begin, mapped[k].end - mapped[k].begin);
      ++out.record_count;
    }
    out.records_json = std::move(kept_json);
  }
  std::sort(out.quarantined.begin(), out.quarantined.end(),
            [](const QuarantinedRow& a, const QuarantinedRow& b) {
              return a.problems.front().row < b.problems.front().row;
            });
  return out;
}

}  // namespace mentoring::adapters::file
