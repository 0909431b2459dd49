#include "file_adapter/csv.hpp"

namespace mentoring::adapters::file {

namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

bool ends_record(char c) {
  return c == '\n' || c == '\r';
}

}  // namespace

CsvText parse_csv(std::string_view text, const CsvParseOptions& options) {
  CsvText out;
  const char delimiter = options.delimiter;
  std::size_t pos = options.skip_byte_order_mark &&
                            text.substr(0, kByteOrderMark.size()) == kByteOrderMark
                        ? kByteOrderMark.size()
                        : 0;
  const std::size_t end = text.size();
  std::size_t row = options.first_row;

  while (pos < end && out.records.size() < options.max_records) {
    CsvRecord record;
    record.row = row;
    record.offset = pos;
    for (;;) {
      std::string field;
      record.field_offsets.push_back(pos);
      if (pos < end && text[pos] == '"') {
        const std::size_t opening = pos++;
        bool closed = false;
        while (pos < end) {
          char c = text[pos];
          if (c == '"') {
            if (pos + 1 < end && text[pos + 1] == '"') {
              field += '"';
              pos += 2;
              continue;
            }
            ++pos;
            closed = true;
            break;
          }
          field += c;
          ++pos;
        }
        if (!closed) {
          // Everything after the opening quote was swallowed; nothing later can be trusted.
          out.errors.push_back(
              {row, opening, "a quoted field that is never closed (a \" is missing)", true});
          record.fields.push_back(std::move(field));
          record.end = end;
          out.records.push_back(std::move(record));
          return out;
        }
        if (pos < end && text[pos] != delimiter && !ends_record(text[pos])) {
          out.errors.push_back({row, pos,
                                "text after the closing quote of a field (a \" inside a quoted "
                                "field must be doubled)"});
          while (pos < end && text[pos] != delimiter && !ends_record(text[pos]))
            field += text[pos++];
        }
      } else {
        // Unquoted: a stray quote inside is kept as it is, as spreadsheets do.
        while (pos < end && text[pos] != delimiter && !ends_record(text[pos])) field += text[pos++];
      }
      record.fields.push_back(std::move(field));
      if (pos < end && text[pos] == delimiter) {
        ++pos;
        continue;  // a delimiter at the very end still opens an (empty) last field
      }
      if (pos < end && text[pos] == '\r') ++pos;
      if (pos < end && text[pos] == '\n') ++pos;
      break;
    }
    record.end = pos;
    out.records.push_back(std::move(record));
    ++row;
  }
  return out;
}

}  // namespace mentoring::adapters::file
