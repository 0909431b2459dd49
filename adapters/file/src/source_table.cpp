#include "file_adapter/source_table.hpp"
#include "file_adapter/text.hpp"

#include "file_adapter/csv.hpp"

#include <mentoring/schema.hpp>

#include <algorithm>
#include <unordered_set>

namespace mentoring::adapters::file {

namespace {

using nlohmann::json;

// Bytes of a row's text kept for the quarantine (the plugin keeps at most 2000).
constexpr std::size_t kMaxExcerpt = 500;

json cell_from_text(std::string_view text) {
  auto trimmed = trim(text);
  return trimmed.empty() ? json(nullptr) : json(std::string(trimmed));
}

bool is_inside(std::string_view part, std::string_view whole) {
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

std::string hex_byte(unsigned char byte) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  return std::string("0x") + kDigits[byte >> 4] + kDigits[byte & 0xf];
}

// The first offset in `record_text` where each field stops being UTF-8 (one per
// field, in order), as offsets into the whole text.
std::vector<std::size_t> invalid_utf8_offsets(std::string_view record_text,
                                              const CsvRecord& record) {
  std::vector<std::size_t> offsets;
  std::size_t start = 0;
  std::size_t last_field = static_cast<std::size_t>(-1);
  while (start < record_text.size()) {
    std::size_t bad = 0;
    if (schema::is_valid_utf8(record_text.substr(start), &bad)) break;
    const std::size_t offset = record.offset + start + bad;
    auto field = std::upper_bound(record.field_offsets.begin(), record.field_offsets.end(), offset);
    auto index = static_cast<std::size_t>(field - record.field_offsets.begin()) - 1;
    if (index != last_field) offsets.push_back(offset);
    last_field = index;
    start += bad + 1;
  }
  return offsets;
}

bool is_blank(std::string_view bytes) {
  return trim(bytes.substr(bytes.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0)).empty();
}

}  // namespace

std::string excerpt_of(std::string_view text, std::size_t max_bytes) {
  std::string out;
  while (!text.empty()) {
    std::size_t bad = 0;
    if (schema::is_valid_utf8(text, &bad)) {
      out.append(text);
      break;
    }
    out.append(text.substr(0, bad));
    out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
    text.remove_prefix(bad + 1);
  }
  if (out.size() <= max_bytes) return out;
  std::size_t cut = max_bytes > 3 ? max_bytes - 3 : 0;
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
  out.resize(cut);
  return out + "...";
}

std::optional<std::size_t> SourceTable::column_index(std::string_view name) const {
  auto it = std::find(columns.begin(), columns.end(), name);
  if (it == columns.end()) return std::nullopt;
  return static_cast<std::size_t>(it - columns.begin());
}

namespace {

const std::string kUtf8Expected = "UTF-8 text (export the file as \"CSV UTF-8\")";
const std::string kCsvExpected =
    "well-formed CSV (RFC 4180: a value in quotes ends with a quote; a quote inside it is "
    "doubled)";

std::string_view text_of(std::string_view text, const CsvRecord& record) {
  return text.substr(record.offset, record.end - record.offset);
}

// Text that is not UTF-8 cannot become JSON, eg "invalid UTF-8 (byte 0xE9 at byte offset 12)".
std::string invalid_utf8(std::string_view text, std::size_t offset, std::size_t base_offset) {
  return "invalid UTF-8 (byte " + hex_byte(static_cast<unsigned char>(text[offset])) +
         " at byte offset " + std::to_string(base_offset + offset) + ")";
}

}  // namespace

SourceTable read_csv_header(const CsvRecord& record, std::string_view text,
                            const std::string& source, char delimiter,
                            const std::vector<std::string>& wanted_columns) {
  SourceTable table;
  table.source = source;
  table.delimiter = delimiter;
  // In the header no column can be trusted when a byte is not UTF-8.
  for (std::size_t offset : invalid_utf8_offsets(text_of(text, record), record)) {
    table.problems.push_back(
        {source, 1, std::nullopt, "", invalid_utf8(text, offset, 0), kUtf8Expected, false});
  }
  if (!table.problems.empty()) return table;
  for (const auto& name : record.fields) table.header.emplace_back(trim(name));
  const auto& header = table.header;
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (table.names.size() < SourceTable::kListedNames) {
      table.names.push_back(header[i]);
    } else {
      ++table.names_unlisted;
    }
    // The first column of a name, as a DOM keeps (column_index finds the first).
    if (std::find(wanted_columns.begin(), wanted_columns.end(), header[i]) !=
            wanted_columns.end() &&
        !table.column_index(header[i])) {
      table.columns.push_back(header[i]);
      table.header_positions.push_back(i);
    }
  }
  return table;
}

SourceRow read_csv_row(const SourceTable& table, const CsvRecord& record, std::string_view text,
                       const std::vector<const CsvSyntaxError*>& errors, std::size_t base_offset) {
  const auto& header = table.header;
  const std::string& source = table.source;
  SourceRow row;
  row.number = record.row;
  row.text = text_of(text, record);
  auto row_problem = [&](std::optional<std::string> field, std::string found,
                         std::string expected) {
    row.problems.push_back(
        {source, record.row, std::move(field), "", std::move(found), std::move(expected), false});
  };
  const bool valid_utf8 = schema::is_valid_utf8(row.text);
  if (!valid_utf8) {
    for (std::size_t offset : invalid_utf8_offsets(row.text, record)) {
      auto field =
          std::upper_bound(record.field_offsets.begin(), record.field_offsets.end(), offset);
      auto index = static_cast<std::size_t>(field - record.field_offsets.begin()) - 1;
      std::optional<std::string> column;
      if (record.fields.size() == header.size() && index < header.size()) column = header[index];
      row_problem(column, invalid_utf8(text, offset, base_offset), kUtf8Expected);
    }
  }
  for (const CsvSyntaxError* error : errors) {
    row_problem(std::nullopt,
                error->message + " at byte offset " + std::to_string(base_offset + error->offset),
                kCsvExpected);
  }
  if (record.fields.size() != header.size()) {
    row.cells_aligned = false;
    row_problem(
        std::nullopt,
        std::to_string(record.fields.size()) + (record.fields.size() == 1 ? " field" : " fields"),
        std::to_string(header.size()) +
            " fields, one per header column (a value holding the delimiter must be "
            "quoted)");
  }
  row.cells.reserve(table.header_positions.size());
  // Fields the parser had to join (doubled quotes) live in the parsed record:
  // the row keeps its own copy of those (room made first, so views stay put).
  std::size_t joined = 0;
  for (std::size_t f : table.header_positions) {
    if (f < record.fields.size() && !record.fields[f].empty() && !is_inside(record.fields[f], text))
      ++joined;
  }
  row.own_text.reserve(joined);
  for (std::size_t f : table.header_positions) {
    // A field of a row that is UTF-8 is too (unquoting only drops ASCII quotes).
    const bool readable =
        f < record.fields.size() && (valid_utf8 || schema::is_valid_utf8(record.fields[f]));
    if (!readable) {
      row.cells.push_back(SourceCell::of_text({}));
      continue;
    }
    std::string_view field = trim(record.fields[f]);
    if (!field.empty() && !is_inside(field, text)) field = row.own_text.emplace_back(field);
    row.cells.push_back(SourceCell::of_text(field));
  }
  if (!row.problems.empty()) {
    std::string_view excerpt = row.text;
    while (!excerpt.empty() && (excerpt.back() == '\n' || excerpt.back() == '\r'))
      excerpt.remove_suffix(1);
    row.excerpt = excerpt_of(excerpt, kMaxExcerpt);
  }
  return row;
}

void add_csv_rows(SourceTable& table, const CsvText& csv, std::string_view text, std::size_t first,
                  std::size_t count, std::size_t base_offset) {
  // A quote never closed is the file's problem (the caller's); other syntax
  // errors spoil only their own row.
  auto next_error = csv.errors.begin();
  std::vector<const CsvSyntaxError*> errors;
  const std::size_t last = std::min(csv.records.size(), first + count);
  table.rows.reserve(table.rows.size() + (last > first ? last - first : 0));
  for (std::size_t i = first; i < last; ++i) {
    const CsvRecord& record = csv.records[i];
    errors.clear();
    for (; next_error != csv.errors.end() && next_error->row <= record.row; ++next_error) {
      if (next_error->row == record.row && !next_error->ends_reading)
        errors.push_back(&*next_error);
    }
    if (record.blank()) continue;  // an empty line is an empty spreadsheet row
    table.rows.push_back(read_csv_row(table, record, text, errors, base_offset));
  }
}

SourceTable read_csv_table(std::string_view bytes, const std::string& source, char delimiter,
                           const std::vector<std::string>& wanted_columns) {
  if (is_blank(bytes)) {
    SourceTable table;
    table.source = source;
    table.problems.push_back({source, std::nullopt, std::nullopt, "", "an empty file",
                              "a header row with columns " + join_quoted(wanted_columns), false});
    return table;
  }
  CsvText csv = parse_csv(bytes, delimiter);
  SourceTable table =
      read_csv_header(csv.records.front(), bytes, source, delimiter, wanted_columns);
  if (!table.problems.empty()) return table;
  // A quote never closed swallows every later row: the file cannot be split
  // into rows, so no row of it may be taken (a full read would miss people).
  for (const auto& error : csv.errors) {
    if (error.ends_reading || error.row <= 1) {
      table.problems.push_back({source, error.row, std::nullopt, "",
                                error.message + " at byte offset " + std::to_string(error.offset),
                                kCsvExpected, false});
    }
  }
  add_csv_rows(table, csv, bytes, 1, csv.records.size(), 0);
  return table;
}

SourceRow read_json_row(const SourceTable& table, const json& record, std::size_t number) {
  SourceRow row;
  row.number = number;
  if (!record.is_object()) {
    row.problems.push_back({table.source, number, std::nullopt, "", schema::describe(record),
                            "an object (one record)", true});
    row.cells.assign(table.columns.size(), SourceCell{});
    row.excerpt = excerpt_of(record.dump(), kMaxExcerpt);
    return row;
  }
  for (const auto& column : table.columns) {
    auto it = record.find(column);
    if (it == record.end() || it->is_null()) {
      row.cells.emplace_back();
    } else if (it->is_string()) {
      row.cells.push_back({{}, cell_from_text(it->get_ref<const std::string&>()), false});
    } else {
      row.cells.push_back({{}, *it, false});
    }
  }
  return row;
}

SourceTable read_json_table(std::string_view bytes, const std::string& source,
                            const std::string& records_pointer,
                            const std::vector<std::string>& wanted_columns) {
  SourceTable table;
  table.source = source;
  table.json_source = true;
  auto file_problem = [&](std::string found, std::string expected) {
    table.problems.push_back(
        {source, std::nullopt, std::nullopt, "", std::move(found), std::move(expected), true});
  };

  json document;
  try {
    document = schema::parse(bytes, source);
  } catch (const schema::ValidationError& e) {
    for (const auto& p : e.problems()) {
      // parse() names the place as "source:line:column"; keep it in the problem.
      std::string where = p.source.size() > source.size() ? p.source.substr(source.size() + 1) : "";
      file_problem(where.empty() ? p.found : p.found + " at line:column " + where,
                   p.expected == "a JSON document" ? "a JSON array of records" : p.expected);
    }
    return table;
  }

  const json* records = &document;
  if (!records_pointer.empty()) {
    try {
      records = &document.at(json::json_pointer(records_pointer));
    } catch (const json::exception&) {
      file_problem("nothing at records_pointer \"" + records_pointer + "\"",
                   "an array of records there");
      return table;
    }
  }
  if (!records->is_array()) {
    file_problem(
        schema::describe(*records) +
            (records_pointer.empty() ? "" : " at \"" + records_pointer + "\""),
        records_pointer.empty()
            ? "an array of records (set records_pointer when the array is inside an object)"
            : "an array of records");
    return table;
  }

  // Every key once, for messages (a few listed); the wanted ones become columns.
  std::unordered_set<std::string_view> seen;
  for (const auto& record : *records) {
    if (!record.is_object()) continue;
    for (const auto& [key, _] : record.items()) {
      if (!seen.insert(key).second) continue;
      if (table.names.size() < SourceTable::kListedNames) {
        table.names.push_back(key);
      } else {
        ++table.names_unlisted;
      }
      if (std::find(wanted_columns.begin(), wanted_columns.end(), key) != wanted_columns.end())
        table.columns.push_back(key);
    }
  }
  for (std::size_t i = 0; i < records->size(); ++i) {
    table.rows.push_back(read_json_row(table, (*records)[i], i + 1));
  }
  return table;
}

}  // namespace mentoring::adapters::file
