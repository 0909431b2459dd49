// file_adapter/export_reader.hpp — reads an export in pages without ever
// holding it whole: a survey pass first (content hash, structure, ids used by
// several rows), then one bounded window of rows per page from a byte offset.
#pragma once

#include "file_adapter/record_mapping.hpp"
#include "file_adapter/row_snapshot.hpp"
#include "file_adapter/settings.hpp"
#include "file_adapter/source_problem.hpp"
#include "file_adapter/source_table.hpp"

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mentoring::adapters::file {

// What stat says of a file: equal identities mean "not touched" (the cheap
// unchanged test); size, mtime and inode also key the survey cache.
struct FileIdentity {
  unsigned long long size = 0;
  long long mtime_ns = 0;
  unsigned long long inode = 0;
  long long ctime_ns = 0;
  bool operator==(const FileIdentity&) const = default;
  bool same_survey_key(const FileIdentity& other) const {
    return size == other.size && mtime_ns == other.mtime_ns && inode == other.inode;
  }
};

// An export opened for reading: a regular file no bigger than max_file_bytes.
class ExportFile {
 public:
  // Opened without blocking and looked at before a byte is read, so a FIFO, a
  // device or a folder is refused at once; nullopt with `why` set otherwise.
  static std::optional<ExportFile> open(const std::filesystem::path& path, long long max_file_bytes,
                                        std::string& why);
  ExportFile(ExportFile&& other) noexcept : fd_(other.fd_), opened_(other.opened_) {
    other.fd_ = -1;
  }
  ExportFile& operator=(ExportFile&&) = delete;
  ExportFile(const ExportFile&) = delete;
  ~ExportFile();

  // The identity when it was opened, and now (a file replaced or written meanwhile differs).
  const FileIdentity& identity() const { return opened_; }
  FileIdentity identity_now() const;
  // Up to `size` bytes from `offset` (fewer at the end). Throws std::system_error.
  std::string read_at(unsigned long long offset, std::size_t size) const;
  // The same, appended to `to` (a buffer reused from read to read keeps its
  // memory: no allocation, and no fresh pages to fault in, per read).
  void append_at(unsigned long long offset, std::size_t size, std::string& to) const;

  // How many times any export's bytes were read since the process started
  // (tests: an unchanged export answered from its stat reads nothing).
  static std::size_t reads_so_far();

 private:
  ExportFile(int fd, FileIdentity identity) : fd_(fd), opened_(identity) {}
  int fd_ = -1;
  FileIdentity opened_;
};

// XXH3-128 of bytes, 32 lowercase hex digits; XXH3-64 as 16 for short texts.
std::string xxh3_128_hex(std::string_view bytes);
std::string xxh3_64_hex(std::string_view bytes);

// The XXH3-128 of the whole file, read a chunk at a time (what Survey::content_hash holds).
std::string content_hash(const ExportFile& file);

// The first pass over an export, with memory bounded whatever its size.
struct Survey {
  FileIdentity identity;
  std::string content_hash;  // XXH3-128 hex of every byte
  // Problems with the export as a whole: nothing of it may be ingested.
  std::vector<SourceProblem> problems;
  bool paged = false;                  // CSV: pages are read from offsets; JSON: one page
  SourceTable header;                  // CSV: the header's columns, no rows
  unsigned long long data_offset = 0;  // where the first row after the header starts
  std::size_t first_row = 2;
  std::size_t rows = 0;             // rows that are not blank
  std::size_t unreadable_rows = 0;  // rows pull will quarantine unread
  RowsOfId duplicate_ids;           // ids several rows use -> those rows
};

// snapshot: filled with the export's rows (CSV only) for a row snapshot.
Survey survey_export(const ExportFile& file, const StreamSettings& stream,
                     RowSnapshotWriter* snapshot = nullptr);

// One page of a paged (CSV) export.
struct Page {
  std::unique_ptr<std::string> bytes;  // the window the rows' text views point into
  SourceTable table;                   // header from the survey, this page's rows
  unsigned long long next_offset = 0;
  std::size_t next_row = 0;
  bool last = false;
  std::vector<SourceProblem> problems;  // the file as a whole (a row over the byte bound)
};

// Rows from `offset` (where row `row` starts): at most max_rows of them and
// at most kMaxPageBytes of text.
// unchanged_in: a changes-only read's base snapshot; rows it holds unchanged
// are left out of the page (CSV only).
// buffer: memory for the page's bytes (a previous page's, taken back from
// Page::bytes once that page is done with), or null for new memory.
Page read_page(const ExportFile& file, const Survey& survey, const StreamSettings& stream,
               unsigned long long offset, std::size_t row, std::size_t max_rows,
               const RowSnapshot* unchanged_in = nullptr,
               std::unique_ptr<std::string> buffer = nullptr);

}  // namespace mentoring::adapters::file
