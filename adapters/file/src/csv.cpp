#include "file_adapter/csv.hpp"

#include <algorithm>

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
  std::size_t fields_hint = 0;  // fields in the record before: most records have as many
  // A page asks for a few thousand records: room for them at once (never more
  // than one per 8 bytes of text).
  if (options.max_records != static_cast<std::size_t>(-1))
    out.records.reserve(std::min(options.max_records, text.size() / 8 + 1));

  while (pos < end && out.records.size() < options.max_records) {
    CsvRecord record;
    record.row = row;
    record.offset = pos;
    record.fields.reserve(fields_hint);
    record.field_offsets.reserve(fields_hint);
    // Fields that are not a run of the text: (field index, its text), views
    // taken once the record is whole (unquoted no longer grows then).
    std::vector<std::size_t> unquoted_at;
    for (;;) {
      std::string_view field;
      std::string joined;  // a field that is not one run of the text
      bool is_joined = false;
      // A field nobody reads is delimited but not copied (left empty).
      const std::size_t index = record.fields.size();
      const bool keep = !options.keep || row < options.keep_all_before_row ||
                        (index < options.keep->size() && (*options.keep)[index]);
      bool has_content = false;
      record.field_offsets.push_back(pos);
      if (pos < end && text[pos] == '"') {
        const std::size_t opening = pos++;
        bool closed = false;
        const std::size_t content = pos;
        while (pos < end) {
          // Whole runs up to the next quote at once.
          std::size_t quote = text.find('"', pos);
          if (quote == std::string_view::npos) quote = end;
          if (keep && is_joined) joined.append(text.data() + pos, quote - pos);
          has_content = has_content || quote > pos;
          pos = quote;
          if (pos == end) break;
          if (pos + 1 < end && text[pos + 1] == '"') {
            if (keep) {
              if (!is_joined) joined.assign(text.data() + content, pos - content);
              is_joined = true;
              joined += '"';
            }
            has_content = true;
            pos += 2;
            continue;
          }
          ++pos;
          closed = true;
          break;
        }
        // A run of the text, quotes left out: a view, no copy.
        if (keep && !is_joined) field = text.substr(content, (closed ? pos - 1 : pos) - content);
        if (!closed) {
          // Everything after the opening quote was swallowed; nothing later can be trusted.
          out.errors.push_back(
              {row, opening, "a quoted field that is never closed (a \" is missing)", true});
          if (is_joined) {
            unquoted_at.push_back(record.fields.size());
            record.unquoted.push_back(std::move(joined));
          }
          record.fields.push_back(field);
          for (std::size_t k = 0; k < unquoted_at.size(); ++k)
            record.fields[unquoted_at[k]] = record.unquoted[k];
          record.end = end;
          out.records.push_back(std::move(record));
          return out;
        }
        if (pos < end && text[pos] != delimiter && !ends_record(text[pos])) {
          out.errors.push_back({row, pos,
                                "text after the closing quote of a field (a \" inside a quoted "
                                "field must be doubled)"});
          const std::size_t from = pos;
          pos = field_end(text, pos, delimiter);
          if (keep) {
            if (!is_joined) joined.assign(field);
            is_joined = true;
            joined.append(text.data() + from, pos - from);
          }
          has_content = true;
        }
      } else {
        // Unquoted: a stray quote inside is kept as it is, as spreadsheets do.
        const std::size_t from = pos;
        pos = field_end(text, pos, delimiter);
        if (keep) field = text.substr(from, pos - from);
        has_content = pos > from;
      }
      if (index == 0) record.first_field_empty = !has_content;
      if (is_joined) {
        unquoted_at.push_back(record.fields.size());
        record.unquoted.push_back(std::move(joined));
      }
      record.fields.push_back(field);
      if (pos < end && text[pos] == delimiter) {
        ++pos;
        continue;  // a delimiter at the very end still opens an (empty) last field
      }
      if (pos < end && text[pos] == '\r') ++pos;
      if (pos < end && text[pos] == '\n') ++pos;
      break;
    }
    for (std::size_t k = 0; k < unquoted_at.size(); ++k)
      record.fields[unquoted_at[k]] = record.unquoted[k];
    record.end = pos;
    fields_hint = record.fields.size();
    out.records.push_back(std::move(record));
    ++row;
  }
  return out;
}

}  // namespace mentoring::adapters::file
