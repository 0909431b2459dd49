#include "file_adapter/source_table.hpp"
#include "file_adapter/text.hpp"

#include "file_adapter/csv.hpp"

#include <mentoring/schema.hpp>

#include <algorithm>

namespace mentoring::adapters::file {

namespace {

using nlohmann::json;

json cell_from_text(std::string_view text) {
  auto trimmed = trim(text);
  return trimmed.empty() ? json(nullptr) : json(std::string(trimmed));
}

std::string hex_byte(unsigned char byte) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  return std::string("0x") + kDigits[byte >> 4] + kDigits[byte & 0xf];
}

// Every offset where the text stops being UTF-8, at most `limit` of them.
std::vector<std::size_t> invalid_utf8_offsets(std::string_view bytes, std::size_t limit) {
  std::vector<std::size_t> offsets;
  std::size_t start = 0;
  while (start < bytes.size() && offsets.size() < limit) {
    std::size_t bad = 0;
    if (schema::is_valid_utf8(bytes.substr(start), &bad)) break;
    offsets.push_back(start + bad);
    start += bad + 1;
  }
  return offsets;
}

bool is_blank(std::string_view bytes) {
  return trim(bytes.substr(bytes.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0)).empty();
}

}  // namespace

std::optional<std::size_t> SourceTable::column_index(std::string_view name) const {
  auto it = std::find(columns.begin(), columns.end(), name);
  if (it == columns.end()) return std::nullopt;
  return static_cast<std::size_t>(it - columns.begin());
}

SourceTable read_csv_table(std::string_view bytes, const std::string& source, char delimiter,
                           const std::vector<std::string>& expected_columns) {
  SourceTable table;
  table.source = source;
  auto file_problem = [&](std::string found, std::string expected) {
    table.problems.push_back(
        {source, std::nullopt, std::nullopt, "", std::move(found), std::move(expected), false});
  };
  if (is_blank(bytes)) {
    file_problem("an empty file", "a header row with columns " + join_quoted(expected_columns));
    return table;
  }

  CsvText csv = parse_csv(bytes, delimiter);
  const auto record_at = [&](std::size_t offset) -> const CsvRecord* {
    auto it = std::upper_bound(csv.records.begin(), csv.records.end(), offset,
                               [](std::size_t o, const CsvRecord& r) { return o < r.offset; });
    return it == csv.records.begin() ? nullptr : &*(it - 1);
  };
  std::vector<std::string> header;
  if (!csv.records.empty()) {
    for (const auto& name : csv.records[0].fields) header.emplace_back(trim(name));
  }

  // Text that is not UTF-8 cannot become JSON; say where, and read no further.
  auto bad_offsets = invalid_utf8_offsets(bytes, 100);
  for (std::size_t offset : bad_offsets) {
    const CsvRecord* record = record_at(offset);
    SourceProblem p{source, std::nullopt, std::nullopt, "", "", "", false};
    if (record) {
      p.row = record->row;
      auto field =
          std::upper_bound(record->field_offsets.begin(), record->field_offsets.end(), offset);
      auto index = static_cast<std::size_t>(field - record->field_offsets.begin()) - 1;
      if (record->row > 1 && index < header.size() && schema::is_valid_utf8(header[index])) {
        p.field = header[index];
      }
    }
    p.found = "invalid UTF-8 (byte " + hex_byte(static_cast<unsigned char>(bytes[offset])) +
              " at byte offset " + std::to_string(offset) + ")";
    p.expected = "UTF-8 text (export the file as \"CSV UTF-8\")";
    table.problems.push_back(std::move(p));
  }
  if (!bad_offsets.empty()) return table;

  for (const auto& error : csv.errors) {
    table.problems.push_back({source, error.row, std::nullopt, "",
                              error.message + " at byte offset " + std::to_string(error.offset),
                              "well-formed CSV (RFC 4180: a value in quotes ends with a quote; a "
                              "quote inside it is doubled)",
                              false});
  }

  table.columns = header;
  for (std::size_t i = 1; i < csv.records.size(); ++i) {
    const CsvRecord& record = csv.records[i];
    if (record.blank()) continue;  // an empty line is an empty spreadsheet row
    if (record.fields.size() != header.size()) {
      table.problems.push_back(
          {source, record.row, std::nullopt, "",
           std::to_string(record.fields.size()) +
               (record.fields.size() == 1 ? " field" : " fields"),
           std::to_string(header.size()) +
               " fields, one per header column (a value holding the delimiter must be quoted)",
           false});
      continue;
    }
    SourceRow row;
    row.number = record.row;
    for (const auto& field : record.fields) row.cells.push_back(cell_from_text(field));
    table.rows.push_back(std::move(row));
  }
  return table;
}

SourceTable read_json_table(std::string_view bytes, const std::string& source,
                            const std::string& records_pointer) {
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

  for (const auto& record : *records) {
    if (!record.is_object()) continue;
    for (const auto& [key, _] : record.items()) {
      if (!table.column_index(key)) table.columns.push_back(key);
    }
  }
  for (std::size_t i = 0; i < records->size(); ++i) {
    const json& record = (*records)[i];
    if (!record.is_object()) {
      table.problems.push_back({source, i + 1, std::nullopt, "", schema::describe(record),
                                "an object (one record)", true});
      continue;
    }
    SourceRow row;
    row.number = i + 1;
    for (const auto& column : table.columns) {
      auto it = record.find(column);
      if (it == record.end() || it->is_null()) {
        row.cells.emplace_back(nullptr);
      } else if (it->is_string()) {
        row.cells.push_back(cell_from_text(it->get_ref<const std::string&>()));
      } else {
        row.cells.push_back(*it);
      }
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

}  // namespace mentoring::adapters::file
