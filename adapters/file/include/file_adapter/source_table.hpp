// file_adapter/source_table.hpp — an export (CSV or JSON) read into one shape:
// named columns and rows of cells, with the problems that stop it being read.
#pragma once

#include "file_adapter/csv.hpp"
#include "file_adapter/settings.hpp"
#include "file_adapter/source_problem.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mentoring::adapters::file {

// One cell of a row. CSV: its trimmed text, a view (empty: null) of the
// export's bytes or of its row's own copy; JSON: the value as exported
// (strings trimmed; "" and missing keys become null).
struct SourceCell {
  std::string_view text;  // CSV
  nlohmann::json value;   // JSON
  bool csv = false;
  static SourceCell of_text(std::string_view trimmed) { return {trimmed, nullptr, true}; }
  bool is_null() const { return csv ? text.empty() : value.is_null(); }
  // The cell as JSON (messages, excerpts, attributes): null, or the text.
  nlohmann::json to_json() const {
    if (!csv) return value;
    return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(std::string(text));
  }
};

struct SourceRow {
  std::size_t number = 0;  // spreadsheet row (CSV) or 1-based record number (JSON)
  // One cell per column kept (SourceTable::columns).
  std::vector<SourceCell> cells;
  // CSV: the kept cells that are not a run of the export's bytes (a field
  // with doubled quotes): the cells' views point here. Moving the row keeps them.
  std::vector<std::string> own_text;
  // Why this row cannot be read (invalid UTF-8, a wrong number of fields, a
  // record that is not an object, ...): such a row is quarantined, not mapped.
  // Its readable cells are kept (invalid UTF-8 ones are null) to name its id.
  std::vector<SourceProblem> problems;
  // False when the cells may sit under the wrong columns (a wrong number of
  // fields): then only the first cell is surely the first column's.
  bool cells_aligned = true;
  // A row with problems: its text as exported (UTF-8, capped), for the quarantine.
  std::string excerpt;
  // CSV: the row's text in the export (valid while the export's bytes are),
  // so a row that fails its mapping shows all its columns (row_excerpt).
  std::string_view text;
};

struct SourceTable {
  std::string source;  // file name for messages
  bool json_source = false;
  // The columns the settings use, as far as the export has them: only these
  // get cells, so an export with thousands of other columns or keys (each
  // record its own) costs rows x used columns, never rows x every key.
  std::vector<std::string> columns;
  // Where each kept column is in the CSV header (0: the first column).
  std::vector<std::size_t> header_positions;
  // The export's column names (CSV header) or keys (JSON), for messages: at
  // most kListedNames of them, and how many more there are.
  std::vector<std::string> names;
  std::size_t names_unlisted = 0;
  std::vector<std::string> header;  // CSV: every column name
  char delimiter = ',';             // CSV
  static constexpr std::size_t kListedNames = 50;
  std::vector<SourceRow> rows;
  // Problems with the whole export (empty file, the header, a quote never
  // closed, a JSON document that does not parse): no row of it can be trusted.
  std::vector<SourceProblem> problems;

  // Index of a column, or nullopt.
  std::optional<std::size_t> column_index(std::string_view name) const;
};

// Reads CSV text, keeping the cells of `wanted_columns` (the settings' columns;
// they also word the message for an empty file).
SourceTable read_csv_table(std::string_view bytes, const std::string& source, char delimiter,
                           const std::vector<std::string>& wanted_columns);

// The header row of a CSV export (`record`, parsed from `text`): the columns
// kept and the names for messages, or the problems that make it unreadable.
SourceTable read_csv_header(const CsvRecord& record, std::string_view text,
                            const std::string& source, char delimiter,
                            const std::vector<std::string>& wanted_columns);

// One data row of a CSV export whose header `table` holds; `errors` are the
// syntax errors of its row; `text` begins at byte `base_offset` of the file
// (for the offsets in messages).
SourceRow read_csv_row(const SourceTable& table, const CsvRecord& record, std::string_view text,
                       const std::vector<const CsvSyntaxError*>& errors, std::size_t base_offset);

// Adds rows [first, first + count) of `csv` (parsed from `text`) to `table`,
// blank lines left out, each with its own problems.
void add_csv_rows(SourceTable& table, const CsvText& csv, std::string_view text, std::size_t first,
                  std::size_t count, std::size_t base_offset);

// One record of a JSON export as a row of the table's columns (a record
// that is not an object is a row with a problem).
SourceRow read_json_row(const SourceTable& table, const nlohmann::json& record, std::size_t number);

// Reads JSON text: an array of objects, or an object holding it at
// records_pointer, keeping the values of `wanted_columns` (keys).
SourceTable read_json_table(std::string_view bytes, const std::string& source,
                            const std::string& records_pointer,
                            const std::vector<std::string>& wanted_columns);

}  // namespace mentoring::adapters::file
