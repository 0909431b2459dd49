// file_adapter/row_snapshot.hpp — what each row of one export version was,
// compactly, so the next version's read sends only the rows that changed
// (issue 16: rows compared by key and content hash).
//
// A snapshot belongs to one stream and one export version (its content hash)
// read with one set of settings (a hash of them): per row, the hash of its key
// (the record's id), the hash of its raw text and the id itself, sorted by key
// hash. Rows the adapter cannot send as they are (problems, an id several rows
// use, hashes that collide) are kept as "present, never unchanged": always
// sent, and never reported removed while the export still holds them. Rows
// without an id are not in it at all (they are always sent).
//
//   RowSnapshotWriter next;                           // during the read's survey
//   next.add(id, row_text);  next.add_unsendable(id);
//   next.write(dir, {"people", content_hash, settings_hash});
//   auto before = RowSnapshot::load(dir, {"people", old_hash, settings_hash});
//   if (before && before->unchanged(key_hash(id), row_hash(text))) ... skip the row
//   auto gone = before->removed_in(*RowSnapshot::load(dir, version), from, 1000);
//
// Files: <dir>/<stream>.<content hash>.rows, written to a temporary file and
// renamed (mode 0600); about 24 bytes a row plus its id. Loading checks the
// header, a checksum and the order, and answers nothing for a file that is
// missing, damaged or for other settings (the read is then a full one).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mentoring::adapters::file {

// XXH3-64 of a record's key text (its id) and of a row's raw text.
std::uint64_t key_hash(std::string_view key);
std::uint64_t row_hash(std::string_view row_text);

// Which export a snapshot describes.
struct SnapshotVersion {
  std::string stream;               // people | leave | course_completions | keeping_in_touch_days
  std::string content_hash;         // the export's content hash, lowercase hex (up to 64 digits)
  std::uint64_t settings_hash = 0;  // the stream's settings the rows were mapped with
};

// <dir>/<stream>.<content hash>.rows; throws std::invalid_argument for a
// stream or hash that could name another path.
std::filesystem::path snapshot_path(const std::filesystem::path& dir,
                                    const SnapshotVersion& version);

class RowSnapshot {
 public:
  // The snapshot of exactly this version (settings included), or nullopt when
  // there is none or it cannot be trusted (damaged, cut, another format).
  static std::optional<RowSnapshot> load(const std::filesystem::path& dir,
                                         const SnapshotVersion& version);

  // The row with this key had this raw text in the version: it need not be
  // sent again. False for a key not in it, or kept as unsendable.
  bool unchanged(std::uint64_t key, std::uint64_t row) const;
  // The version held a row with this key (sent or not).
  bool contains(std::uint64_t key) const;

  // Ids of rows this version held and `newer` does not hold at all, in key
  // hash order, from entry `from` on, at most `limit`; `next` is where the
  // next call starts (size() when done). Unsendable rows are never "removed"
  // while the newer version still holds their key.
  std::vector<std::string> removed_in(const RowSnapshot& newer, std::size_t from, std::size_t limit,
                                      std::size_t& next) const;

  std::size_t size() const { return entries_.size(); }
  const SnapshotVersion& version() const { return version_; }

  struct Entry {
    std::uint64_t key = 0;
    std::uint64_t row = 0;
    std::uint64_t id_ref = 0;  // (offset into ids << 1) | unsendable; id length in ids_
  };

 private:
  friend class RowSnapshotWriter;
  const Entry* find(std::uint64_t key) const;
  std::string id_at(std::size_t index) const;

  SnapshotVersion version_;
  std::vector<Entry> entries_;  // sorted by key, each key once
  std::string ids_;             // each id: 2-byte little-endian length, then its bytes
};

// Collects one version's rows (in any order, memory about 40 bytes a row) and
// writes its snapshot.
class RowSnapshotWriter {
 public:
  // A row the adapter sends as it is: its id and raw text (the bytes of the
  // export it was read from). An id over 65535 bytes is kept as unsendable.
  void add(std::string_view id, std::string_view row_text);
  // A row of a stream without ids (course completions: the same course twice
  // is a retake): its text is its key. unchanged(row_hash(text),
  // row_hash(text)) finds it; never reported removed (it has no id to name).
  void add_without_id(std::string_view row_text);
  // A row the version holds that must always be sent (a problem, an id
  // several rows use): present, never unchanged.
  void add_unsendable(std::string_view id);
  std::size_t rows() const { return entries_.size(); }
  // Room for about `rows` rows and `id_bytes` of ids, so the vectors do not
  // grow by doubling (a growth holds the old and the new copy at once: at a
  // million rows that was the peak of a first run).
  void reserve(std::size_t rows, std::size_t id_bytes);

  // Sorts, makes every key that came twice unsendable, and writes the file
  // atomically (temporary file, fsync, rename; mode 0600). Answers the
  // snapshot written. Throws std::system_error when the file cannot be written.
  RowSnapshot write(const std::filesystem::path& dir, const SnapshotVersion& version);

 private:
  void push(std::string_view id, std::uint64_t row, bool unsendable);
  std::vector<RowSnapshot::Entry> entries_;
  std::string ids_;
};

// The folder of one adapter instance's snapshots under the organisation's
// storage folder: <storage>/file-snapshots/<instance>, the instance's name
// when it is a plain word ([A-Za-z0-9_-], at most 64), else its XXH3-64 in hex.
std::filesystem::path snapshot_directory(const std::filesystem::path& storage,
                                         std::string_view instance);

// The snapshots a read uses, loaded once per adapter instance (the pages of a
// read come in one run): at most two (a changes-only read's base and new
// version), so memory stays about 35 bytes a row of each.
class SnapshotCache {
 public:
  explicit SnapshotCache(std::filesystem::path dir) : dir_(std::move(dir)) {}
  // nullptr when there is none for this version (or it cannot be trusted).
  // Shared: a snapshot in use stays valid while the cache drops it.
  std::shared_ptr<const RowSnapshot> get(const SnapshotVersion& version);
  // A snapshot just written, kept for the read's pages.
  std::shared_ptr<const RowSnapshot> put(RowSnapshot snapshot);
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  std::vector<std::shared_ptr<const RowSnapshot>> loaded_;  // most recently used last
};

// Deletes the stream's snapshots in dir except keep's (once a read of keep's
// version came back complete, older versions are never the base of a read
// again). Answers how many were deleted; errors are ignored (a stale file
// costs only disk).
std::size_t remove_other_snapshots(const std::filesystem::path& dir, const SnapshotVersion& keep);

}  // namespace mentoring::adapters::file
