#include "file_adapter/export_reader.hpp"

#include "file_adapter/csv.hpp"
#include "file_adapter/json_stream.hpp"
#include "file_adapter/text.hpp"

#include <mentoring/schema.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <system_error>
#include <tuple>
#include <unordered_set>

namespace mentoring::adapters::file {

namespace {

// The rows (numbers) whose id hash another row shares, in order: the
// candidates for an id several rows use, confirmed by reading their ids again.
// Takes the (id hash, row) pairs of a survey and frees them.
std::vector<std::size_t> rows_sharing_a_hash(
    std::vector<std::pair<std::uint64_t, std::size_t>> ids) {
  std::sort(ids.begin(), ids.end());
  std::vector<std::size_t> candidates;
  for (std::size_t i = 0; i < ids.size();) {
    std::size_t j = i + 1;
    while (j < ids.size() && ids[j].first == ids[i].first) ++j;
    if (j - i > 1) {
      for (std::size_t k = i; k < j; ++k) candidates.push_back(ids[k].second);
    }
    i = j;
  }
  std::sort(candidates.begin(), candidates.end());
  return candidates;
}

std::atomic<std::size_t> export_reads{0};

// Bytes read at a time by the survey.
constexpr std::size_t kSurveyChunk = 1024 * 1024;
constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

FileIdentity identity_of(const struct stat& info) {
  return {static_cast<unsigned long long>(info.st_size),
          static_cast<long long>(info.st_mtim.tv_sec) * 1000000000LL + info.st_mtim.tv_nsec,
          static_cast<unsigned long long>(info.st_ino),
          static_cast<long long>(info.st_ctim.tv_sec) * 1000000000LL + info.st_ctim.tv_nsec};
}

std::string hex_of(const unsigned char* bytes, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 0xf];
  }
  return out;
}

std::string hex_of(XXH128_hash_t hash) {
  XXH128_canonical_t canonical;
  XXH128_canonicalFromHash(&canonical, hash);
  return hex_of(canonical.digest, sizeof canonical.digest);
}

const std::string kCsvExpected =
    "well-formed CSV (RFC 4180: a value in quotes ends with a quote; a quote inside it is "
    "doubled)";

SourceProblem file_problem(const StreamSettings& stream, std::optional<std::size_t> row,
                           std::string found, std::string expected) {
  return {
      stream.source_name(),         row, std::nullopt, "", std::move(found), std::move(expected),
      stream.format == Format::json};
}

SourceProblem row_too_long(const StreamSettings& stream, std::size_t row,
                           unsigned long long offset) {
  return file_problem(stream, row,
                      "a row of more than " + std::to_string(kMaxPageBytes) +
                          " bytes starting at byte offset " + std::to_string(offset) +
                          " (or a quoted field that is never closed)",
                      "rows of at most " + std::to_string(kMaxPageBytes) +
                          " bytes (limit page_bytes), in well-formed CSV");
}

// Feeds every complete CSV record of the file, from `offset` on, to
// `on_record`, reading a chunk at a time and carrying an unfinished record over
// to the next chunk. `on_bytes` sees every byte read. Returns false (with
// `problem` set) when a record cannot be finished: a quote never closed, or a
// record longer than kMaxPageBytes.
struct ScanPosition {
  unsigned long long offset = 0;
  std::size_t row = 1;
};
using OnRecord = std::function<bool(const CsvRecord&, std::string_view text,
                                    const std::vector<const CsvSyntaxError*>& errors,
                                    unsigned long long base_offset)>;

// `keep`: the fields to copy (see CsvParseOptions); when it is given empty,
// the first record (the header, copied whole) is read alone so the caller can
// fill it in before the rows are read.
std::optional<SourceProblem> scan_csv(const ExportFile& file, const StreamSettings& stream,
                                      ScanPosition start,
                                      const std::function<void(std::string_view)>& on_bytes,
                                      const OnRecord& on_record,
                                      const std::vector<char>* keep = nullptr) {
  std::string carry;
  unsigned long long carry_offset = start.offset;
  unsigned long long read_offset = start.offset;
  std::size_t row = start.row;
  std::vector<const CsvSyntaxError*> errors;
  bool eof = false;
  bool read_more = true;
  for (;;) {
    if (read_more) {
      const std::size_t before = carry.size();
      file.append_at(read_offset, kSurveyChunk, carry);
      const std::size_t got = carry.size() - before;
      eof = got < kSurveyChunk;
      read_offset += got;
      if (on_bytes) on_bytes(std::string_view(carry).substr(before));
    }
    const bool header_alone = keep && keep->empty();
    CsvParseOptions options{stream.delimiter, row, carry_offset == 0, header_alone ? 1 : SIZE_MAX};
    options.keep = keep;
    options.keep_all_before_row = start.row + 1;
    CsvText csv = parse_csv(carry, options);
    std::size_t used = 0;  // bytes of complete records
    auto next_error = csv.errors.begin();
    for (const CsvRecord& record : csv.records) {
      const bool unfinished =
          !eof && (record.end >= carry.size() ||
                   std::any_of(csv.errors.begin(), csv.errors.end(), [&](const CsvSyntaxError& e) {
                     return e.ends_reading && e.row == record.row;
                   }));
      if (unfinished) break;
      errors.clear();
      for (; next_error != csv.errors.end() && next_error->row <= record.row; ++next_error) {
        if (next_error->row != record.row) continue;
        if (next_error->ends_reading) {
          return file_problem(stream, record.row,
                              next_error->message + " at byte offset " +
                                  std::to_string(carry_offset + next_error->offset),
                              kCsvExpected);
        }
        errors.push_back(&*next_error);
      }
      if (!on_record(record, carry, errors, carry_offset)) return std::nullopt;
      used = record.end;
      row = record.row + 1;
    }
    // The header read alone: the rows after it are in the carry already.
    read_more = !(header_alone && used > 0);
    if (eof && read_more) return std::nullopt;
    carry.erase(0, used);
    carry_offset += used;
    if (carry.size() > kMaxPageBytes) return row_too_long(stream, row, carry_offset);
  }
}

// The id a CSV record gives its row for the duplicate test, as the mapping
// would key it (trimmed text, readable, under its column); nullopt for none.
struct IdColumns {
  std::optional<std::size_t> id_position;    // in the header
  std::optional<std::size_t> type_position;  // leave: rows of an ignored type have no id
};

std::optional<std::string_view> id_of(const CsvRecord& record, const SourceTable& header,
                                      const IdColumns& columns, const StreamSettings& stream) {
  if (!columns.id_position) return std::nullopt;
  const std::size_t position = *columns.id_position;
  if (record.blank() || position >= record.fields.size()) return std::nullopt;
  if (record.fields.size() != header.header.size() && position != 0) return std::nullopt;
  if (columns.type_position) {
    if (*columns.type_position >= record.fields.size()) return std::nullopt;
    const std::string type(trim(record.fields[*columns.type_position]));
    const auto* ours = find_host_value(stream.leave_types, type);
    if (ours && !*ours) return std::nullopt;  // skipped
  }
  std::string_view id = trim(record.fields[position]);
  if (!schema::is_usable_id(id)) return std::nullopt;
  return id;
}

IdColumns id_columns(const SourceTable& header, const StreamSettings& stream) {
  IdColumns columns;
  // Completions have no id of their own: the same course twice is a retake.
  if (stream.stream == Stream::course_completions) return columns;
  auto position = [&](const char* field) -> std::optional<std::size_t> {
    auto it = stream.fields.find(field);
    if (it == stream.fields.end()) return std::nullopt;
    auto index = header.column_index(it->second);
    if (!index) return std::nullopt;
    return header.header_positions[*index];
  };
  columns.id_position = position("id");
  if (stream.stream == Stream::leave) columns.type_position = position("type");
  return columns;
}

// A changes-only read: rows the base version's snapshot holds with the same
// key and text become blank lines, which the table leaves out (their row
// numbers stay those of the file).
void leave_out_unchanged(CsvText& csv, std::size_t complete, std::string_view bytes,
                         const Survey& survey, const StreamSettings& stream,
                         const RowSnapshot& base) {
  const IdColumns columns = id_columns(survey.header, stream);
  for (std::size_t i = 0; i < complete; ++i) {
    CsvRecord& record = csv.records[i];
    if (record.blank()) continue;
    const std::string_view text = bytes.substr(record.offset, record.end - record.offset);
    const std::uint64_t row = row_hash(text);
    bool same = false;
    if (auto id = id_of(record, survey.header, columns, stream)) {
      same = base.unchanged(key_hash(*id), row);
    } else if (stream.stream == Stream::course_completions) {
      same = base.unchanged(row, row);
    }
    if (!same) continue;
    record.fields.assign(1, std::string());
    record.first_field_empty = true;
  }
}

Survey survey_csv(const ExportFile& file, const StreamSettings& stream,
                  RowSnapshotWriter* snapshot) {
  Survey survey;
  survey.identity = file.identity();
  survey.paged = true;
  const std::vector<std::string> wanted = mapped_columns(stream);

  XXH3_state_t* state = XXH3_createState();
  if (state == nullptr) throw std::bad_alloc();
  struct FreeState {
    XXH3_state_t* state;
    ~FreeState() { XXH3_freeState(state); }
  } free_state{state};
  XXH3_128bits_reset(state);
  bool blank = true;  // only white space (and a byte order mark) so far
  bool at_start = true;
  auto on_bytes = [&](std::string_view bytes) {
    XXH3_128bits_update(state, bytes.data(), bytes.size());
    if (at_start && bytes.substr(0, kByteOrderMark.size()) == kByteOrderMark)
      bytes.remove_prefix(kByteOrderMark.size());
    at_start = false;
    if (blank && !trim(bytes).empty()) blank = false;
  };

  bool header_read = false;
  IdColumns columns;
  std::vector<char> keep;  // filled in once the header is read
  // Ids as 64-bit hashes with their rows: 16 bytes a row, whatever the ids' length.
  std::vector<std::pair<std::uint64_t, std::size_t>> ids;
  constexpr std::size_t kRowsForAnEstimate = 1000;
  std::size_t id_bytes = 0;  // of the first rows' ids
  auto on_record = [&](const CsvRecord& record, std::string_view text,
                       const std::vector<const CsvSyntaxError*>& errors,
                       unsigned long long base_offset) {
    if (!header_read) {
      header_read = true;
      survey.header = read_csv_header(record, text, stream.source_name(), stream.delimiter, wanted);
      for (const CsvSyntaxError* error : errors) {
        survey.header.problems.push_back(file_problem(
            stream, 1, error->message + " at byte offset " + std::to_string(error->offset),
            kCsvExpected));
      }
      if (survey.header.problems.empty()) {
        survey.header.problems = missing_columns(survey.header, stream);
      }
      survey.problems = survey.header.problems;
      survey.data_offset = base_offset + record.end;
      survey.first_row = record.row + 1;
      columns = id_columns(survey.header, stream);
      // Of the rows, only the id and (leave) type cells are copied.
      keep.assign(std::max<std::size_t>(survey.header.header.size(), 1), 0);
      if (columns.id_position) keep[*columns.id_position] = 1;
      if (columns.type_position) keep[*columns.type_position] = 1;
      // A refused header: only the hash (and whether the file is blank) is still wanted.
      return survey.problems.empty();
    }
    if (record.blank()) return true;
    ++survey.rows;
    if (survey.rows == kRowsForAnEstimate) {
      // Room for the whole file's rows, estimated from its first ones (10%
      // more), so the per-row vectors do not grow by doubling.
      const unsigned long long sample = base_offset + record.end - survey.data_offset;
      const auto estimate = static_cast<std::size_t>(
          1.1 * static_cast<double>(survey.identity.size) * kRowsForAnEstimate /
              static_cast<double>(std::max<unsigned long long>(sample, 1)) +
          1024);
      if (columns.id_position) ids.reserve(estimate);
      if (snapshot) snapshot->reserve(estimate, estimate * (2 + id_bytes / kRowsForAnEstimate));
    }
    const std::string_view row_text = text.substr(record.offset, record.end - record.offset);
    const bool unreadable = !errors.empty() ||
                            record.fields.size() != survey.header.header.size() ||
                            !schema::is_valid_utf8(row_text);
    if (unreadable) ++survey.unreadable_rows;
    auto id = id_of(record, survey.header, columns, stream);
    if (id) ids.emplace_back(XXH3_64bits(id->data(), id->size()), record.row);
    if (id && survey.rows < kRowsForAnEstimate) id_bytes += id->size();
    // The row snapshot (row_snapshot.hpp): a row with problems is always sent.
    if (snapshot) {
      if (id) {
        unreadable ? snapshot->add_unsendable(*id) : snapshot->add(*id, row_text);
      } else if (stream.stream == Stream::course_completions && !unreadable) {
        snapshot->add_without_id(row_text);
      }
    }
    return true;
  };
  bool stopped = false;  // the header refused the file: scanning stopped
  auto problem = scan_csv(
      file, stream, {0, 1}, on_bytes,
      [&](const CsvRecord& record, std::string_view text,
          const std::vector<const CsvSyntaxError*>& errors, unsigned long long base_offset) {
        stopped = !on_record(record, text, errors, base_offset);
        return !stopped;
      },
      &keep);
  if (problem) survey.problems.push_back(*problem);
  if (stopped || problem) {
    // Scanning stopped early: the hash (a refused file is refused again until
    // its bytes change) and whether it is blank need every byte.
    XXH3_128bits_reset(state);
    blank = true;
    at_start = true;
    for (unsigned long long hashed = 0;;) {
      std::string chunk = file.read_at(hashed, kSurveyChunk);
      on_bytes(chunk);
      hashed += chunk.size();
      if (chunk.size() < kSurveyChunk) break;
    }
  }
  survey.content_hash = hex_of(XXH3_128bits_digest(state));
  if (blank) {
    survey.problems = {file_problem(stream, std::nullopt, "an empty file",
                                    "a header row with columns " + join_quoted(wanted))};
  }
  if (!survey.problems.empty()) return survey;

  // Ids used by more than one row: equal hashes are candidates, confirmed by
  // reading those rows' ids again (only when there are any).
  std::vector<std::size_t> candidates = rows_sharing_a_hash(std::move(ids));
  if (candidates.empty()) return survey;
  RowsOfId rows_of_id;
  scan_csv(
      file, stream, {survey.data_offset, survey.first_row}, nullptr,
      [&](const CsvRecord& record, std::string_view, const std::vector<const CsvSyntaxError*>&,
          unsigned long long) {
        if (std::binary_search(candidates.begin(), candidates.end(), record.row)) {
          if (auto id = id_of(record, survey.header, columns, stream))
            rows_of_id[std::string(*id)].push_back(record.row);
        }
        return true;
      },
      &keep);
  for (auto& [id, rows] : rows_of_id) {
    if (rows.size() > 1) survey.duplicate_ids.emplace(id, std::move(rows));
  }
  return survey;
}

std::string hash_all(const ExportFile& file) {
  XXH3_state_t* state = XXH3_createState();
  if (state == nullptr) throw std::bad_alloc();
  struct FreeState {
    XXH3_state_t* state;
    ~FreeState() { XXH3_freeState(state); }
  } free_state{state};
  XXH3_128bits_reset(state);
  for (unsigned long long offset = 0;;) {
    std::string chunk = file.read_at(offset, kSurveyChunk);
    XXH3_128bits_update(state, chunk.data(), chunk.size());
    offset += chunk.size();
    if (chunk.size() < kSurveyChunk) break;
  }
  return hex_of(XXH3_128bits_digest(state));
}

// "line:column" of byte `offset` of text that starts at line `line`, column `column`.
std::pair<std::size_t, std::size_t> advance(std::string_view text, std::size_t offset,
                                            std::size_t line, std::size_t column) {
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

// A JSON text that does not parse, as pull reports it (the place as line:column of the file).
SourceProblem json_problem(const StreamSettings& stream, const schema::ValidationError& error,
                           std::string_view text, std::size_t line, std::size_t column) {
  const auto& p = error.problems().front();
  std::string found = p.found;
  // parse() names the place as "<source>:line:column" within the text it was given.
  const std::string prefix = "element:";
  if (p.source.rfind(prefix, 0) == 0) {
    std::size_t in_line = 1, in_column = 1;
    std::sscanf(p.source.c_str() + prefix.size(), "%zu:%zu", &in_line, &in_column);
    const std::size_t at_line = line + in_line - 1;
    const std::size_t at_column = in_line == 1 ? column + in_column - 1 : in_column;
    found += " at line:column " + std::to_string(at_line) + ":" + std::to_string(at_column);
  } else if (found.rfind("invalid UTF-8 at byte ", 0) == 0) {
    const auto [at_line, at_column] = advance(text, std::stoull(found.substr(22)), line, column);
    found =
        "invalid UTF-8 at line:column " + std::to_string(at_line) + ":" + std::to_string(at_column);
  }
  return file_problem(stream, std::nullopt, std::move(found),
                      p.expected == "a JSON document" ? "a JSON array of records" : p.expected);
}

// Feeds each element of the records array from `offset` on (just after the
// '[' or after an element) to `on_element(text, record number, line, column)`,
// a chunk at a time. Returns where the array ends (past its ']'), or a problem.
struct ElementsEnd {
  std::optional<SourceProblem> problem;
  unsigned long long end = 0;
};
ElementsEnd scan_json_elements(const ExportFile& file, const StreamSettings& stream,
                               unsigned long long offset, std::size_t line, std::size_t column,
                               const std::function<bool(std::string_view, std::size_t, std::size_t,
                                                        std::size_t)>& on_element) {
  std::string carry;
  unsigned long long carry_offset = offset;
  unsigned long long read_offset = offset;
  bool after_element = false;
  std::size_t number = 1;
  for (;;) {
    std::string chunk = file.read_at(read_offset, kSurveyChunk);
    const bool eof = chunk.size() < kSurveyChunk;
    read_offset += chunk.size();
    carry += chunk;
    chunk = std::string();
    ElementScan scan = scan_elements(carry, after_element, SIZE_MAX);
    std::size_t counted = 0;  // line and column are those of carry[counted]
    for (const auto& [begin, end] : scan.spans) {
      std::tie(line, column) =
          advance(std::string_view(carry).substr(counted), begin - counted, line, column);
      counted = begin;
      if (!on_element(std::string_view(carry).substr(begin, end - begin), number++, line, column))
        return {};
      after_element = true;
    }
    if (scan.stop == ElementScan::Stop::syntax_error) {
      std::tie(line, column) =
          advance(std::string_view(carry).substr(counted), scan.error_at - counted, line, column);
      return {file_problem(stream, std::nullopt,
                           "a syntax error: " + scan.error + " at line:column " +
                               std::to_string(line) + ":" + std::to_string(column),
                           "a JSON array of records"),
              0};
    }
    if (scan.stop == ElementScan::Stop::end_of_array)
      return {std::nullopt, carry_offset + scan.consumed};
    if (eof) {
      return {file_problem(stream, std::nullopt,
                           "the end of the file inside the array of records (a ']' is missing)",
                           "a JSON array of records"),
              0};
    }
    std::tie(line, column) =
        advance(std::string_view(carry).substr(counted), scan.consumed - counted, line, column);
    carry.erase(0, scan.consumed);
    carry_offset += scan.consumed;
    if (carry.size() > kMaxPageBytes) return {row_too_long(stream, number, carry_offset), 0};
  }
}

// The id a JSON record gives itself for the duplicate test, as the mapping keys it.
std::optional<std::string> json_id_of(const nlohmann::json& record, const StreamSettings& stream) {
  if (!record.is_object() || stream.stream == Stream::course_completions) return std::nullopt;
  auto field = stream.fields.find("id");
  if (field == stream.fields.end()) return std::nullopt;
  if (stream.stream == Stream::leave) {
    auto type_key = stream.fields.find("type");
    if (type_key != stream.fields.end()) {
      auto type = record.find(type_key->second);
      if (type != record.end() && type->is_string()) {
        const std::string text(trim(type->get_ref<const std::string&>()));
        const auto* ours = find_host_value(stream.leave_types, text);
        if (ours && !*ours) return std::nullopt;  // skipped
      }
    }
  }
  auto value = record.find(field->second);
  if (value == record.end()) return std::nullopt;
  std::string id;
  if (value->is_string()) {
    id = std::string(trim(value->get_ref<const std::string&>()));
  } else if (value->is_number_unsigned()) {
    id = value->dump();
  } else {
    return std::nullopt;
  }
  if (!schema::is_usable_id(id)) return std::nullopt;
  return id;
}

// A SAX reader of one record: whether it is an object, its own keys, and the
// values of a few of them (the id's and the leave type's), without a DOM.
class RecordKeys {
 public:
  using json = nlohmann::json;
  explicit RecordKeys(std::vector<std::string> wanted) : wanted_(std::move(wanted)) {}
  void reset() {
    depth_ = 0;
    object = false;
    names.clear();
    values = json::object();
    key_ = nullptr;
  }

  bool object = false;
  std::vector<std::string> names;
  json values = json::object();

  bool null() { return value(json(nullptr)); }
  bool boolean(bool v) { return value(json(v)); }
  bool number_integer(json::number_integer_t v) { return value(json(v)); }
  bool number_unsigned(json::number_unsigned_t v) { return value(json(v)); }
  bool number_float(json::number_float_t v, const json::string_t&) { return value(json(v)); }
  bool string(json::string_t& v) { return value(json(v)); }
  bool binary(json::binary_t&) { return value(json()); }
  bool start_object(std::size_t) {
    if (depth_ == 0) object = true;
    key_ = nullptr;
    ++depth_;
    return true;
  }
  bool key(json::string_t& k) {
    if (depth_ == 1) {
      names.push_back(k);
      key_ =
          std::find(wanted_.begin(), wanted_.end(), k) != wanted_.end() ? &names.back() : nullptr;
    }
    return true;
  }
  bool end_object() {
    --depth_;
    key_ = nullptr;
    return true;
  }
  bool start_array(std::size_t) {
    ++depth_;
    key_ = nullptr;
    return true;
  }
  bool end_array() {
    --depth_;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
    return false;
  }

 private:
  bool value(json v) {
    if (depth_ == 1 && key_ != nullptr) values[*key_] = std::move(v);
    key_ = nullptr;
    return true;
  }
  std::vector<std::string> wanted_;
  std::size_t depth_ = 0;
  const std::string* key_ = nullptr;
};

Survey survey_json(const ExportFile& file, const StreamSettings& stream) {
  Survey survey;
  survey.identity = file.identity();
  survey.paged = true;
  survey.content_hash = hash_all(file);
  survey.header.source = stream.source_name();
  survey.header.json_source = true;
  const std::vector<std::string> wanted = mapped_columns(stream);
  const std::vector<std::string> tokens = pointer_tokens(stream.records_pointer);

  // The document up to its array of records (at most kMaxPageBytes of it).
  std::string prefix;
  ArrayLocation location;
  bool eof = false;
  while (!eof && prefix.size() <= kMaxPageBytes) {
    std::string chunk = file.read_at(prefix.size(), kSurveyChunk);
    eof = chunk.size() < kSurveyChunk;
    prefix += chunk;
    location = find_records_array(prefix, tokens);
    if (location.found != ArrayLocation::Found::need_more) break;
  }
  if (location.found != ArrayLocation::Found::array) {
    // No array there: the document is small enough to read whole (the words of
    // the problem are those of reading it whole), or it is refused.
    if (survey.identity.size <= kMaxPageBytes) {
      std::string whole = file.read_at(0, static_cast<std::size_t>(survey.identity.size));
      survey.problems =
          read_json_table(whole, stream.source_name(), stream.records_pointer, wanted).problems;
    }
    if (survey.problems.empty()) {
      survey.problems.push_back(file_problem(stream, std::nullopt,
                                             "no array of records at records_pointer \"" +
                                                 stream.records_pointer + "\" in the first " +
                                                 std::to_string(kMaxPageBytes) + " bytes",
                                             "an array of records there"));
    }
    return survey;
  }
  const auto [array_line, array_column] = advance(prefix, location.offset + 1, 1, 1);
  survey.data_offset = location.offset + 1;
  survey.first_row = 1;
  prefix.resize(location.offset);

  std::unordered_set<std::uint64_t> keys_seen;
  bool keys_known = false;
  std::vector<std::pair<std::uint64_t, std::size_t>> ids;
  std::vector<std::string> id_keys;  // the keys json_id_of looks at
  for (const char* field : {"id", "type"}) {
    if (auto it = stream.fields.find(field); it != stream.fields.end())
      id_keys.push_back(it->second);
  }
  RecordKeys keys(id_keys);
  auto on_element = [&](std::string_view text, std::size_t number, std::size_t line,
                        std::size_t column) {
    // Validated and read without a DOM: its keys, and its id (and type) values.
    keys.reset();
    if (!nlohmann::json::sax_parse(text.begin(), text.end(), &keys)) {
      try {
        schema::parse(text, "element");  // the words and place of the problem
      } catch (const schema::ValidationError& e) {
        survey.problems.push_back(json_problem(stream, e, text, line, column));
        return false;
      }
      survey.problems.push_back(
          file_problem(stream, number, "a record that does not parse", "a JSON array of records"));
      return false;
    }
    ++survey.rows;
    if (!keys.object) {
      ++survey.unreadable_rows;
      return true;
    }
    keys_known = true;
    std::sort(keys.names.begin(), keys.names.end());  // as a DOM lists them
    for (const auto& key : keys.names) {
      if (!keys_seen.insert(XXH3_64bits(key.data(), key.size())).second) continue;
      if (survey.header.names.size() < SourceTable::kListedNames) {
        survey.header.names.push_back(key);
      } else {
        ++survey.header.names_unlisted;
      }
      if (std::find(wanted.begin(), wanted.end(), key) != wanted.end() &&
          !survey.header.column_index(key))
        survey.header.columns.push_back(key);
    }
    if (auto id = json_id_of(keys.values, stream)) {
      ids.emplace_back(XXH3_64bits(id->data(), id->size()), number);
    }
    return true;
  };
  ElementsEnd end =
      scan_json_elements(file, stream, survey.data_offset, array_line, array_column, on_element);
  if (end.problem) survey.problems.push_back(*end.problem);
  if (!survey.problems.empty()) return survey;

  // What follows the array, checked with what precedes it: "<prefix>[]<suffix>".
  if (survey.identity.size - end.end > kMaxPageBytes || prefix.size() > kMaxPageBytes) {
    survey.problems.push_back(file_problem(
        stream, std::nullopt,
        "more than " + std::to_string(kMaxPageBytes) + " bytes around the array of records",
        "a JSON document whose array of records is most of it"));
    return survey;
  }
  std::string outside = std::move(prefix);
  outside += "[]";
  outside += file.read_at(end.end, static_cast<std::size_t>(survey.identity.size - end.end));
  try {
    schema::parse(outside, "element");
  } catch (const schema::ValidationError& e) {
    survey.problems.push_back(json_problem(stream, e, outside, 1, 1));
    return survey;
  }
  survey.problems = missing_columns(survey.header, stream, keys_known);
  if (!survey.problems.empty()) return survey;

  std::vector<std::size_t> candidates = rows_sharing_a_hash(std::move(ids));
  if (candidates.empty()) return survey;
  RowsOfId rows_of_id;
  scan_json_elements(file, stream, survey.data_offset, 1, 1,
                     [&](std::string_view text, std::size_t number, std::size_t, std::size_t) {
                       if (!std::binary_search(candidates.begin(), candidates.end(), number))
                         return true;
                       if (auto id = json_id_of(nlohmann::json::parse(text), stream))
                         rows_of_id[*id].push_back(number);
                       return true;
                     });
  for (auto& [id, rows] : rows_of_id) {
    if (rows.size() > 1) survey.duplicate_ids.emplace(id, std::move(rows));
  }
  return survey;
}

Page read_json_page(const ExportFile& file, const Survey& survey, const StreamSettings& stream,
                    unsigned long long offset, std::size_t row, std::size_t max_rows) {
  Page page;
  page.bytes = std::make_unique<std::string>();
  page.table = survey.header;
  page.next_offset = offset;
  page.next_row = row;
  const unsigned long long size = survey.identity.size;
  const unsigned long long average =
      survey.rows == 0 ? 256 : std::max<unsigned long long>(1, size / (survey.rows + 1));
  std::size_t window = static_cast<std::size_t>(std::clamp<unsigned long long>(
      average * max_rows + average * max_rows / 4 + 4096, 65536, kMaxPageBytes));
  const bool after_element = offset != survey.data_offset;
  for (;;) {
    *page.bytes = file.read_at(offset, window);
    const std::string& bytes = *page.bytes;
    const bool eof = offset + bytes.size() >= size;
    ElementScan scan = scan_elements(bytes, after_element, max_rows);
    if (scan.stop == ElementScan::Stop::syntax_error ||
        (scan.stop == ElementScan::Stop::need_more && eof)) {
      // The survey found none: the file changed since (the caller sees its identity).
      page.problems.push_back(file_problem(stream, std::nullopt, "a syntax error in the records",
                                           "a JSON array of records"));
      return page;
    }
    if (scan.stop == ElementScan::Stop::need_more && window < kMaxPageBytes) {
      window = std::min(window * 2, kMaxPageBytes);
      continue;
    }
    if (scan.spans.empty() && scan.stop == ElementScan::Stop::need_more) {
      page.problems.push_back(row_too_long(stream, row, offset));
      return page;
    }
    for (const auto& [begin, end] : scan.spans) {
      nlohmann::json record;
      try {
        record = nlohmann::json::parse(bytes.begin() + static_cast<std::ptrdiff_t>(begin),
                                       bytes.begin() + static_cast<std::ptrdiff_t>(end));
      } catch (const nlohmann::json::exception&) {
        page.problems.push_back(
            file_problem(stream, row, "a record that no longer parses", "a JSON array of records"));
        return page;
      }
      page.table.rows.push_back(read_json_row(page.table, record, row++));
    }
    page.next_offset = offset + scan.consumed;
    page.next_row = row;
    std::size_t rest = scan.consumed;
    while (rest < bytes.size() && std::isspace(static_cast<unsigned char>(bytes[rest]))) ++rest;
    page.last =
        scan.stop == ElementScan::Stop::end_of_array || (rest < bytes.size() && bytes[rest] == ']');
    return page;
  }
}

}  // namespace

std::optional<ExportFile> ExportFile::open(const std::filesystem::path& path,
                                           long long max_file_bytes, std::string& why) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    const int error = errno;
    why = error == ENOENT || error == ENOTDIR ? "no such file"
          : error == EACCES
              ? "a file that cannot be read (permissions?)"
              : std::string("a file that cannot be opened (") + std::strerror(error) + ")";
    return std::nullopt;
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    why = std::string("a file that cannot be examined (") + std::strerror(errno) + ")";
    ::close(fd);
    return std::nullopt;
  }
  if (!S_ISREG(info.st_mode)) {
    why = S_ISDIR(info.st_mode)    ? "a folder, not a file"
          : S_ISFIFO(info.st_mode) ? "a FIFO (named pipe), not a regular file"
          : S_ISSOCK(info.st_mode) ? "a socket, not a regular file"
          : S_ISCHR(info.st_mode) || S_ISBLK(info.st_mode) ? "a device, not a regular file"
                                                           : "not a regular file";
    ::close(fd);
    return std::nullopt;
  }
  if (info.st_size > max_file_bytes) {
    why = "limit max_file_bytes = " + std::to_string(max_file_bytes) + ": found a file of " +
          std::to_string(info.st_size) +
          " bytes (raise max_file_bytes in the adapter's settings if the export is really so "
          "large)";
    ::close(fd);
    return std::nullopt;
  }
  return ExportFile(fd, identity_of(info));
}

ExportFile::~ExportFile() {
  if (fd_ >= 0) ::close(fd_);
}

FileIdentity ExportFile::identity_now() const {
  struct stat info {};
  if (::fstat(fd_, &info) != 0) {
    throw std::system_error(errno, std::generic_category(), "fstat of an export");
  }
  return identity_of(info);
}

std::string ExportFile::read_at(unsigned long long offset, std::size_t size) const {
  std::string bytes;
  append_at(offset, size, bytes);
  return bytes;
}

void ExportFile::append_at(unsigned long long offset, std::size_t size, std::string& to) const {
  ++export_reads;
  const std::size_t before = to.size();
  to.resize(before + size);
  std::size_t filled = 0;
  while (filled < size) {
    ssize_t n = ::pread(fd_, to.data() + before + filled, size - filled,
                        static_cast<off_t>(offset + filled));
    if (n < 0) {
      if (errno == EINTR) continue;
      to.resize(before);
      throw std::system_error(errno, std::generic_category(), "reading an export");
    }
    if (n == 0) break;
    filled += static_cast<std::size_t>(n);
  }
  to.resize(before + filled);
}

std::string content_hash(const ExportFile& file) {
  return hash_all(file);
}

std::size_t ExportFile::reads_so_far() {
  return export_reads.load();
}

std::string xxh3_128_hex(std::string_view bytes) {
  return hex_of(XXH3_128bits(bytes.data(), bytes.size()));
}

std::string xxh3_64_hex(std::string_view bytes) {
  XXH64_canonical_t canonical;
  XXH64_canonicalFromHash(&canonical, XXH3_64bits(bytes.data(), bytes.size()));
  return hex_of(canonical.digest, sizeof canonical.digest);
}

Survey survey_export(const ExportFile& file, const StreamSettings& stream,
                     RowSnapshotWriter* snapshot) {
  return stream.format == Format::json ? survey_json(file, stream)
                                       : survey_csv(file, stream, snapshot);
}

Page read_page(const ExportFile& file, const Survey& survey, const StreamSettings& stream,
               unsigned long long offset, std::size_t row, std::size_t max_rows,
               const RowSnapshot* unchanged_in, std::unique_ptr<std::string> buffer) {
  if (stream.format == Format::json)
    return read_json_page(file, survey, stream, offset, row, max_rows);
  Page page;
  page.bytes = buffer ? std::move(buffer) : std::make_unique<std::string>();
  page.table = survey.header;
  page.next_offset = offset;
  page.next_row = row;
  const unsigned long long size = survey.identity.size;
  if (offset >= size) {
    page.last = true;
    return page;
  }
  // A window sized for max_rows rows of the export's average length, grown
  // (up to the byte bound) when the rows are longer.
  const unsigned long long average =
      survey.rows == 0 ? 256 : std::max<unsigned long long>(1, size / (survey.rows + 1));
  std::size_t window = static_cast<std::size_t>(std::clamp<unsigned long long>(
      average * max_rows + average * max_rows / 4 + 4096, 65536, kMaxPageBytes));
  for (;;) {
    page.bytes->clear();
    file.append_at(offset, window, *page.bytes);
    const std::string& bytes = *page.bytes;
    const bool eof = offset + bytes.size() >= size;
    // Only the columns the settings map are copied.
    std::vector<char> keep(std::max<std::size_t>(survey.header.header.size(), 1), 0);
    for (std::size_t position : survey.header.header_positions) keep[position] = 1;
    CsvParseOptions options{stream.delimiter, row, false, max_rows};
    options.keep = &keep;
    CsvText csv = parse_csv(bytes, options);
    std::size_t complete = 0;
    for (const CsvRecord& record : csv.records) {
      const bool never_closed = std::any_of(
          csv.errors.begin(), csv.errors.end(),
          [&](const CsvSyntaxError& e) { return e.ends_reading && e.row == record.row; });
      if (never_closed && eof) {
        // The survey found none: the file changed since (the caller sees its identity).
        page.problems.push_back(
            file_problem(stream, record.row, "a quoted field that is never closed", kCsvExpected));
        return page;
      }
      if (never_closed || (!eof && record.end >= bytes.size())) break;
      ++complete;
    }
    const bool enough = complete == max_rows || (eof && complete == csv.records.size());
    if (!enough && window < kMaxPageBytes && !eof) {
      window = std::min(window * 2, kMaxPageBytes);
      continue;
    }
    if (complete == 0) {
      page.problems.push_back(row_too_long(stream, row, offset));
      return page;
    }
    const CsvRecord& last = csv.records[complete - 1];
    if (unchanged_in) leave_out_unchanged(csv, complete, bytes, survey, stream, *unchanged_in);
    add_csv_rows(page.table, csv, bytes, 0, complete, offset);
    page.next_offset = offset + last.end;
    page.next_row = last.row + 1;
    page.last = eof && last.end >= bytes.size();
    return page;
  }
}

}  // namespace mentoring::adapters::file
