#include "file_adapter/export_reader.hpp"

#include "file_adapter/csv.hpp"
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
#include <cstring>
#include <functional>
#include <system_error>
#include <unordered_set>

namespace mentoring::adapters::file {

namespace {

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

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

const std::string kCsvExpected =
    "well-formed CSV (RFC 4180: a value in quotes ends with a quote; a quote inside it is "
    "doubled)";

SourceProblem file_problem(const StreamSettings& stream, std::optional<std::size_t> row,
                           std::string found, std::string expected) {
  return {stream.source_name(),
          row,
          std::nullopt,
          "",
          std::move(found),
          std::move(expected),
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

std::optional<SourceProblem> scan_csv(const ExportFile& file, const StreamSettings& stream,
                                      ScanPosition start,
                                      const std::function<void(std::string_view)>& on_bytes,
                                      const OnRecord& on_record) {
  std::string carry;
  unsigned long long carry_offset = start.offset;
  unsigned long long read_offset = start.offset;
  std::size_t row = start.row;
  std::vector<const CsvSyntaxError*> errors;
  for (;;) {
    std::string chunk = file.read_at(read_offset, kSurveyChunk);
    const bool eof = chunk.size() < kSurveyChunk;
    read_offset += chunk.size();
    if (on_bytes) on_bytes(chunk);
    carry += chunk;
    chunk = std::string();
    CsvText csv =
        parse_csv(carry, {stream.delimiter, row, carry_offset == 0 ? true : false, SIZE_MAX});
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
    if (eof) return std::nullopt;
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
    auto it = stream.leave_types.find(type);
    if (it == stream.leave_types.end()) {
      const std::string wanted = lowercase(type);
      it = std::find_if(stream.leave_types.begin(), stream.leave_types.end(),
                        [&](const auto& entry) { return lowercase(entry.first) == wanted; });
    }
    if (it != stream.leave_types.end() && !it->second) return std::nullopt;  // skipped
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

Survey survey_csv(const ExportFile& file, const StreamSettings& stream) {
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
  // Ids as 64-bit hashes with their rows: 16 bytes a row, whatever the ids' length.
  std::vector<std::pair<std::uint64_t, std::size_t>> ids;
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
      // A refused header: only the hash (and whether the file is blank) is still wanted.
      return survey.problems.empty();
    }
    if (record.blank()) return true;
    ++survey.rows;
    if (!errors.empty() || record.fields.size() != survey.header.header.size() ||
        !schema::is_valid_utf8(text.substr(record.offset, record.end - record.offset))) {
      ++survey.unreadable_rows;
    }
    if (auto id = id_of(record, survey.header, columns, stream)) {
      ids.emplace_back(XXH3_64bits(id->data(), id->size()), record.row);
    }
    return true;
  };
  bool stopped = false;  // the header refused the file: scanning stopped
  auto problem = scan_csv(file, stream, {0, 1}, on_bytes,
                          [&](const CsvRecord& record, std::string_view text,
                              const std::vector<const CsvSyntaxError*>& errors,
                              unsigned long long base_offset) {
                            stopped = !on_record(record, text, errors, base_offset);
                            return !stopped;
                          });
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
  ids = {};
  if (candidates.empty()) return survey;
  std::sort(candidates.begin(), candidates.end());
  RowsOfId rows_of_id;
  scan_csv(file, stream, {survey.data_offset, survey.first_row}, nullptr,
           [&](const CsvRecord& record, std::string_view, const std::vector<const CsvSyntaxError*>&,
               unsigned long long) {
             if (std::binary_search(candidates.begin(), candidates.end(), record.row)) {
               if (auto id = id_of(record, survey.header, columns, stream))
                 rows_of_id[std::string(*id)].push_back(record.row);
             }
             return true;
           });
  for (auto& [id, rows] : rows_of_id) {
    if (rows.size() > 1) survey.duplicate_ids.emplace(id, std::move(rows));
  }
  return survey;
}

// JSON exports are read whole, one page (the survey hashes them in chunks).
Survey survey_json(const ExportFile& file) {
  Survey survey;
  survey.identity = file.identity();
  XXH3_state_t* state = XXH3_createState();
  if (state == nullptr) throw std::bad_alloc();
  XXH3_128bits_reset(state);
  unsigned long long offset = 0;
  for (;;) {
    std::string chunk = file.read_at(offset, kSurveyChunk);
    XXH3_128bits_update(state, chunk.data(), chunk.size());
    offset += chunk.size();
    if (chunk.size() < kSurveyChunk) break;
  }
  survey.content_hash = hex_of(XXH3_128bits_digest(state));
  XXH3_freeState(state);
  return survey;
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
  ++export_reads;
  std::string bytes(size, '\0');
  std::size_t filled = 0;
  while (filled < size) {
    ssize_t n = ::pread(fd_, bytes.data() + filled, size - filled,
                        static_cast<off_t>(offset + filled));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "reading an export");
    }
    if (n == 0) break;
    filled += static_cast<std::size_t>(n);
  }
  bytes.resize(filled);
  return bytes;
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

Survey survey_export(const ExportFile& file, const StreamSettings& stream) {
  return stream.format == Format::json ? survey_json(file) : survey_csv(file, stream);
}

Page read_page(const ExportFile& file, const Survey& survey, const StreamSettings& stream,
               unsigned long long offset, std::size_t row, std::size_t max_rows) {
  Page page;
  page.bytes = std::make_unique<std::string>();
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
    *page.bytes = file.read_at(offset, window);
    const std::string& bytes = *page.bytes;
    const bool eof = offset + bytes.size() >= size;
    CsvText csv = parse_csv(bytes, {stream.delimiter, row, false, max_rows});
    std::size_t complete = 0;
    for (const CsvRecord& record : csv.records) {
      const bool never_closed =
          std::any_of(csv.errors.begin(), csv.errors.end(), [&](const CsvSyntaxError& e) {
            return e.ends_reading && e.row == record.row;
          });
      if (never_closed && eof) {
        // The survey found none: the file changed since (the caller sees its identity).
        page.problems.push_back(file_problem(stream, record.row,
                                             "a quoted field that is never closed", kCsvExpected));
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
    add_csv_rows(page.table, csv, bytes, 0, complete, offset);
    page.next_offset = offset + last.end;
    page.next_row = last.row + 1;
    page.last = eof && last.end >= bytes.size();
    return page;
  }
}

}  // namespace mentoring::adapters::file
