// file_adapter/source_table.hpp — an export (CSV or JSON) read into one shape:
// named columns and rows of cells, with the problems that stop it being read.
#pragma once

#include "file_adapter/settings.hpp"
#include "file_adapter/source_problem.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mentoring::adapters::file {

struct SourceRow {
  std::size_t number = 0;  // spreadsheet row (CSV) or 1-based record number (JSON)
  // One cell per column. CSV: a trimmed string, or null when empty. JSON: the
  // value as exported (strings trimmed; "" and missing keys become null).
  std::vector<nlohmann::json> cells;
  // Why this row cannot be read (invalid UTF-8, a wrong number of fields, a
  // record that is not an object, ...): such a row is quarantined, not mapped.
  // Its readable cells are kept (invalid UTF-8 ones are null) to name its id.
  std::vector<SourceProblem> problems;
  // False when the cells may sit under the wrong columns (a wrong number of
  // fields): then only the first cell is surely the first column's.
  bool cells_aligned = true;
  // A row with problems: its text as exported (UTF-8, capped), for the quarantine.
  std::string excerpt;
};

struct SourceTable {
  std::string source;  // file name for messages
  bool json_source = false;
  std::vector<std::string> columns;  // CSV header, or every key seen in the JSON records
  std::vector<SourceRow> rows;
  // Problems with the whole export (empty file, the header, a quote never
  // closed, a JSON document that does not parse): no row of it can be trusted.
  std::vector<SourceProblem> problems;

  // Index of a column, or nullopt.
  std::optional<std::size_t> column_index(std::string_view name) const;
};

// Reads CSV text. `expected_columns` only words the message for an empty file.
SourceTable read_csv_table(std::string_view bytes, const std::string& source, char delimiter,
                           const std::vector<std::string>& expected_columns);

// Reads JSON text: an array of objects, or an object holding it at records_pointer.
SourceTable read_json_table(std::string_view bytes, const std::string& source,
                            const std::string& records_pointer);

}  // namespace mentoring::adapters::file
