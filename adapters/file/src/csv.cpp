#include "file_adapter/csv.hpp"

namespace mentoring::adapters::file {

namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

bool ends_record(char c) {
  return c == '\n' || c == '\r';
}

// Where an unquoted field that starts at `pos` ends: the delimiter, a line end or the text's end.
std::size_t field_end(std::string_view text, std::size_t pos, char delimiter) {
  const char* data = text.data();
  const std::size_t end = text.size();
  while (pos < end) {
    const char c = data[pos];
    if (c == delimiter || c == '\n' || c == '\r') break;
    ++pos;
  }
  return pos;
}

}  // namespace

CsvText parse_csv(std::string_view text, const CsvParseOptions& options) {
  CsvText out;
  const char delimiter = options.delimiter;
  std::size_t pos =
      options.skip_byte_order_mark && text.substr(0, kByteOrderMark.size()) == kByteOrderMark
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
          // Whole runs up to the next quote at once.
          std::size_t quote = text.find('"', pos);
          if (quote == std::string_view::npos) quote = end;
          field.append(text.data() + pos, quote - pos);
          pos = quote;
          if (pos == end) break;
          if (pos + 1 < end && text[pos + 1] == '"') {
            field += '"';
            pos += 2;
            continue;
          }
          ++pos;
          closed = true;
          break;
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
        const std::size_t from = pos;
        pos = field_end(text, pos, delimiter);
        field.assign(text.data() + from, pos - from);
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
