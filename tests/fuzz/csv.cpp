// The file adapter's CSV reader (adapters/file/src/csv.cpp): parse_csv.
// Input: one byte choosing the delimiter, then the CSV text.
// Properties: rows are numbered 1, 2, ... with offsets inside the text and in
// order; a text read without syntax errors, written back with every field
// quoted, reads back to the same fields (nothing lost, nothing invented).
#include "fuzz_support.hpp"

#include <file_adapter/csv.hpp>

using mentoring::adapters::file::CsvText;
using mentoring::adapters::file::parse_csv;
using mentoring::fuzz::require;

namespace {

std::string quoted_csv(const CsvText& csv, char delimiter) {
  std::string out;
  for (std::size_t r = 0; r < csv.records.size(); ++r) {
    if (r > 0) out += '\n';
    const auto& fields = csv.records[r].fields;
    for (std::size_t f = 0; f < fields.size(); ++f) {
      if (f > 0) out += delimiter;
      out += '"';
      for (char c : fields[f]) {
        if (c == '"') out += '"';
        out += c;
      }
      out += '"';
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  static constexpr char kDelimiters[] = {',', ';', '\t', '|'};
  const char delimiter = kDelimiters[data[0] % 4];
  const std::string_view text = mentoring::fuzz::as_text(data + 1, size - 1);

  CsvText csv = parse_csv(text, delimiter);
  std::size_t previous_offset = 0;
  for (std::size_t i = 0; i < csv.records.size(); ++i) {
    const auto& record = csv.records[i];
    require(record.row == i + 1, "rows are numbered 1, 2, ...");
    require(record.offset < text.size(), "a row starts inside the text");
    require(i == 0 || record.offset > previous_offset, "rows are in text order");
    previous_offset = record.offset;
    require(!record.fields.empty(), "a row has at least one field");
    require(record.fields.size() == record.field_offsets.size(), "one offset per field");
    for (std::size_t f = 0; f < record.field_offsets.size(); ++f) {
      require(record.field_offsets[f] >= record.offset && record.field_offsets[f] <= text.size(),
              "a field starts inside its row's text");
      require(f == 0 || record.field_offsets[f] > record.field_offsets[f - 1],
              "fields are in text order");
      require(record.fields[f].size() <= text.size(), "a field is no longer than the text");
    }
  }
  for (const auto& error : csv.errors) {
    require(error.row >= 1 && error.row <= csv.records.size() + 1, "an error names a row read");
    require(error.offset <= text.size(), "an error's offset is inside the text");
    require(!error.message.empty(), "an error says what is wrong");
  }
  if (csv.errors.empty()) {
    const std::string written = quoted_csv(csv, delimiter);
    CsvText again = parse_csv(written, delimiter);
    require(again.errors.empty(), "quoted CSV reads without errors", written);
    require(again.records.size() == csv.records.size(), "quoted CSV keeps the row count", written);
    for (std::size_t i = 0; i < csv.records.size(); ++i)
      require(again.records[i].fields == csv.records[i].fields, "quoted CSV keeps every field",
              written);
  }
  return 0;
}
