// file_adapter/csv.hpp — an RFC 4180 CSV reader that keeps the row numbers a
// person sees in a spreadsheet.
//
//   CsvText csv = parse_csv(text);   // csv.records[0] is the header, row 1
//
// Quoted fields may hold the delimiter, doubled quotes ("") and line breaks;
// records end with CRLF, LF or CR; a leading UTF-8 byte order mark is skipped.
// Bytes are passed through unchanged (UTF-8 is checked by the caller).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mentoring::adapters::file {

struct CsvRecord {
  std::size_t row = 0;     // 1-based; a record spanning several lines is one row
  std::size_t offset = 0;  // byte offset of its first byte in the text
  std::size_t end = 0;     // byte offset just past it (its line end included)
  // Each field's text: a view of the parsed text, or of `unquoted` when the
  // field held doubled quotes or text after its closing quote (valid while
  // the text and this record are: moving the record keeps them).
  std::vector<std::string_view> fields;
  std::vector<std::size_t> field_offsets;  // byte offset where each field starts
  std::vector<std::string> unquoted;       // the fields that are not a run of the text
  bool first_field_empty = false;          // even when the field was not kept
  // True for an empty line: a spreadsheet shows it as an empty row.
  bool blank() const { return fields.size() == 1 && first_field_empty; }
};

struct CsvSyntaxError {
  std::size_t row = 0;
  std::size_t offset = 0;
  std::string message;  // eg "unterminated quoted field"
  // True when nothing after it can be split into rows (a quote never closed
  // swallows the rest of the text); false when only its own row is unreadable.
  bool ends_reading = false;
};

struct CsvText {
  std::vector<CsvRecord> records;  // blank lines included, so row numbers match
  std::vector<CsvSyntaxError> errors;
};

// A part of a bigger file can be parsed alone: its rows numbered on from
// `first_row`, no byte order mark looked for, at most `max_records` records.
struct CsvParseOptions {
  char delimiter = ',';
  std::size_t first_row = 1;
  bool skip_byte_order_mark = true;
  std::size_t max_records = static_cast<std::size_t>(-1);
  // Only the fields marked here are copied (the others are left empty, still
  // counted): reading a few columns of a wide export copies only those.
  // Rows before keep_all_before_row (a header) keep every field.
  const std::vector<char>* keep = nullptr;
  std::size_t keep_all_before_row = 0;
};

CsvText parse_csv(std::string_view text, const CsvParseOptions& options);
inline CsvText parse_csv(std::string_view text, char delimiter = ',') {
  return parse_csv(text, CsvParseOptions{delimiter});
}

}  // namespace mentoring::adapters::file
