#include "file_adapter/row_snapshot.hpp"

#include <xxhash.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <system_error>

namespace mentoring::adapters::file {

namespace fs = std::filesystem;

// The file is this machine's cache, never moved elsewhere: entries are
// written as they lie in memory.
static_assert(std::endian::native == std::endian::little, "row snapshots assume little-endian");
static_assert(sizeof(RowSnapshot::Entry) == 24);

namespace {

constexpr char kMagic[8] = {'M', 'N', 'T', 'R', 'O', 'W', 'S', '1'};
constexpr std::uint32_t kFormat = 1;
constexpr std::size_t kMaxIdBytes = 0xFFFF;

struct Header {
  char magic[8];
  std::uint32_t format;
  std::uint32_t reserved;
  std::uint64_t settings_hash;
  std::uint64_t entries;
  std::uint64_t id_bytes;
  std::uint64_t checksum;  // XXH3-64 over the entries, then the ids
  std::uint64_t version;   // XXH3-64 of "<stream>\n<content hash>"
  std::uint64_t reserved2;
};
static_assert(sizeof(Header) == 64);

std::uint64_t version_hash(const SnapshotVersion& v) {
  const std::string text = v.stream + "\n" + v.content_hash;
  return XXH3_64bits(text.data(), text.size());
}

std::uint64_t checksum(const std::vector<RowSnapshot::Entry>& entries, const std::string& ids) {
  XXH3_state_t* state = XXH3_createState();
  if (state == nullptr) throw std::bad_alloc();
  XXH3_64bits_reset(state);
  XXH3_64bits_update(state, entries.data(), entries.size() * sizeof(RowSnapshot::Entry));
  XXH3_64bits_update(state, ids.data(), ids.size());
  const std::uint64_t out = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  return out;
}

constexpr std::uint64_t kUnsendable = 1;

bool unsendable(const RowSnapshot::Entry& e) {
  return (e.id_ref & kUnsendable) != 0;
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

[[noreturn]] void fail(const std::string& what, const fs::path& path) {
  throw std::system_error(errno, std::generic_category(), what + " " + path.string());
}

void write_all(int fd, const void* data, std::size_t size, const fs::path& path) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("row snapshot: cannot write", path);
    p += n;
    size -= static_cast<std::size_t>(n);
  }
}

bool read_all(int fd, void* data, std::size_t size) {
  char* p = static_cast<char*>(data);
  while (size > 0) {
    ssize_t n = ::read(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

bool is_name_part(std::string_view text, bool hex) {
  if (text.empty() || text.size() > 64) return false;
  return std::all_of(text.begin(), text.end(), [hex](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
           (!hex && ((c >= 'g' && c <= 'z') || c == '_'));
  });
}

}  // namespace

std::uint64_t key_hash(std::string_view key) {
  return XXH3_64bits(key.data(), key.size());
}
std::uint64_t row_hash(std::string_view row_text) {
  return XXH3_64bits(row_text.data(), row_text.size());
}

fs::path snapshot_path(const fs::path& dir, const SnapshotVersion& version) {
  if (!is_name_part(version.stream, false))
    throw std::invalid_argument("row snapshot: stream \"" + version.stream +
                                "\": expected lowercase letters and _");
  if (!is_name_part(version.content_hash, true))
    throw std::invalid_argument("row snapshot: content hash \"" + version.content_hash +
                                "\": expected lowercase hex digits");
  return dir / (version.stream + "." + version.content_hash + ".rows");
}

// --- reading

const RowSnapshot::Entry* RowSnapshot::find(std::uint64_t key) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), key,
                             [](const Entry& e, std::uint64_t k) { return e.key < k; });
  return it != entries_.end() && it->key == key ? &*it : nullptr;
}

bool RowSnapshot::unchanged(std::uint64_t key, std::uint64_t row) const {
  const Entry* e = find(key);
  return e != nullptr && !unsendable(*e) && e->row == row;
}

bool RowSnapshot::contains(std::uint64_t key) const {
  return find(key) != nullptr;
}

std::string RowSnapshot::id_at(std::size_t index) const {
  const std::size_t at = entries_[index].id_ref >> 1;
  const std::size_t length =
      static_cast<unsigned char>(ids_[at]) |
      (static_cast<std::size_t>(static_cast<unsigned char>(ids_[at + 1])) << 8);
  return ids_.substr(at + 2, length);
}

std::vector<std::string> RowSnapshot::removed_in(const RowSnapshot& newer, std::size_t from,
                                                 std::size_t limit, std::size_t& next) const {
  std::vector<std::string> out;
  std::size_t i = from;
  for (; i < entries_.size() && out.size() < limit; ++i) {
    if (newer.contains(entries_[i].key)) continue;
    if (std::string id = id_at(i); !id.empty()) out.push_back(std::move(id));
  }
  next = i;
  return out;
}

std::optional<RowSnapshot> RowSnapshot::load(const fs::path& dir, const SnapshotVersion& version) {
  const fs::path path = snapshot_path(dir, version);
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (fd.get() < 0) return std::nullopt;
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  const auto size = static_cast<std::uint64_t>(st.st_size);
  Header h{};
  if (size < sizeof h || !read_all(fd.get(), &h, sizeof h)) return std::nullopt;
  if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0 || h.format != kFormat ||
      h.settings_hash != version.settings_hash || h.version != version_hash(version))
    return std::nullopt;
  // The sizes the header claims must add up to the file's before anything is allocated.
  const std::uint64_t body = size - sizeof h;
  if (h.entries > body / sizeof(Entry) || h.id_bytes != body - h.entries * sizeof(Entry))
    return std::nullopt;
  RowSnapshot out;
  out.version_ = version;
  out.entries_.resize(h.entries);
  out.ids_.resize(h.id_bytes);
  if (!read_all(fd.get(), out.entries_.data(), h.entries * sizeof(Entry)) ||
      !read_all(fd.get(), out.ids_.data(), h.id_bytes))
    return std::nullopt;
  if (checksum(out.entries_, out.ids_) != h.checksum) return std::nullopt;
  for (std::size_t i = 0; i < out.entries_.size(); ++i) {
    const Entry& e = out.entries_[i];
    if (i > 0) {
      const Entry& before = out.entries_[i - 1];
      if (e.key < before.key) return std::nullopt;
      if (e.key == before.key && !(unsendable(e) && unsendable(before))) return std::nullopt;
    }
    const std::uint64_t at = e.id_ref >> 1;
    if (at + 2 > out.ids_.size()) return std::nullopt;
    const std::size_t length =
        static_cast<unsigned char>(out.ids_[at]) |
        (static_cast<std::size_t>(static_cast<unsigned char>(out.ids_[at + 1])) << 8);
    if (at + 2 + length > out.ids_.size()) return std::nullopt;
  }
  return out;
}

// --- writing

void RowSnapshotWriter::push(std::string_view id, std::uint64_t row, bool is_unsendable) {
  if (id.size() > kMaxIdBytes) {
    id = id.substr(0, kMaxIdBytes);
    is_unsendable = true;
  }
  RowSnapshot::Entry e;
  e.key = key_hash(id);
  e.row = row;
  e.id_ref = (static_cast<std::uint64_t>(ids_.size()) << 1) | (is_unsendable ? kUnsendable : 0);
  ids_.push_back(static_cast<char>(id.size() & 0xFF));
  ids_.push_back(static_cast<char>(id.size() >> 8));
  ids_.append(id);
  entries_.push_back(e);
}

void RowSnapshotWriter::reserve(std::size_t rows, std::size_t id_bytes) {
  entries_.reserve(rows);
  ids_.reserve(id_bytes);
}

void RowSnapshotWriter::add(std::string_view id, std::string_view row_text) {
  // An id cut to fit is not the row's key: it could match another row's.
  push(id, row_hash(row_text), id.size() > kMaxIdBytes);
}

void RowSnapshotWriter::add_unsendable(std::string_view id) {
  push(id, 0, true);
}

void RowSnapshotWriter::add_without_id(std::string_view row_text) {
  const std::uint64_t hash = row_hash(row_text);
  RowSnapshot::Entry e;
  e.key = hash;
  e.row = hash;
  e.id_ref = static_cast<std::uint64_t>(ids_.size()) << 1;
  ids_.append(2, '\0');  // an empty id
  entries_.push_back(e);
}

RowSnapshot RowSnapshotWriter::write(const fs::path& dir, const SnapshotVersion& version) {
  const fs::path path = snapshot_path(dir, version);
  RowSnapshot snapshot;
  snapshot.version_ = version;
  snapshot.ids_ = std::move(ids_);
  std::vector<RowSnapshot::Entry> entries = std::move(entries_);
  entries_.clear();
  ids_.clear();
  auto id_of = [&](const RowSnapshot::Entry& e) {
    const std::size_t at = e.id_ref >> 1;
    const std::size_t length =
        static_cast<unsigned char>(snapshot.ids_[at]) |
        (static_cast<std::size_t>(static_cast<unsigned char>(snapshot.ids_[at + 1])) << 8);
    return std::string_view(snapshot.ids_).substr(at + 2, length);
  };
  std::sort(entries.begin(), entries.end(),
            [&](const RowSnapshot::Entry& a, const RowSnapshot::Entry& b) {
              return a.key != b.key ? a.key < b.key : id_of(a) < id_of(b);
            });
  // A key that came more than once (an id several rows use, or two ids whose
  // hashes collide) is unsendable; the same id is kept once, different ids
  // all. In place: the entries are the writer's largest allocation.
  std::size_t kept = 0;
  for (std::size_t i = 0; i < entries.size();) {
    std::size_t end = i + 1;
    while (end < entries.size() && entries[end].key == entries[i].key) ++end;
    if (end - i == 1) {
      entries[kept++] = entries[i];
    } else {
      for (std::size_t j = i; j < end; ++j) {
        if (j > i && id_of(entries[j]) == id_of(entries[j - 1])) continue;
        RowSnapshot::Entry e = entries[j];
        e.id_ref |= kUnsendable;
        e.row = 0;
        entries[kept++] = e;
      }
    }
    i = end;
  }
  entries.resize(kept);
  snapshot.entries_ = std::move(entries);

  Header h{};
  std::memcpy(h.magic, kMagic, sizeof kMagic);
  h.format = kFormat;
  h.settings_hash = version.settings_hash;
  h.entries = snapshot.entries_.size();
  h.id_bytes = snapshot.ids_.size();
  h.checksum = checksum(snapshot.entries_, snapshot.ids_);
  h.version = version_hash(version);

  // Folders it creates are the owner's only, like the host's state folder.
  std::vector<fs::path> missing;
  for (fs::path at = dir; !at.empty() && !fs::exists(at); at = at.parent_path()) {
    missing.push_back(at);
    if (at == at.parent_path()) break;
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (::mkdir(it->c_str(), 0700) != 0 && errno != EEXIST)
      fail("row snapshot: cannot create", *it);
  }
  const fs::path temporary = path.string() + ".tmp" + std::to_string(::getpid());
  {
    Fd fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (fd.get() < 0) fail("row snapshot: cannot create", temporary);
    try {
      write_all(fd.get(), &h, sizeof h, temporary);
      write_all(fd.get(), snapshot.entries_.data(),
                snapshot.entries_.size() * sizeof(RowSnapshot::Entry), temporary);
      write_all(fd.get(), snapshot.ids_.data(), snapshot.ids_.size(), temporary);
      if (::fsync(fd.get()) != 0) fail("row snapshot: cannot sync", temporary);
      if (::close(fd.release()) != 0) fail("row snapshot: cannot close", temporary);
    } catch (...) {
      ::unlink(temporary.c_str());
      throw;
    }
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    const int error = errno;
    ::unlink(temporary.c_str());
    errno = error;
    fail("row snapshot: cannot rename to", path);
  }
  // The rename itself survives a crash only once the folder is synced.
  Fd folder(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (folder.get() >= 0) ::fsync(folder.get());
  return snapshot;
}

fs::path snapshot_directory(const fs::path& storage, std::string_view instance) {
  const bool plain = !instance.empty() && instance.size() <= 64 &&
                     std::all_of(instance.begin(), instance.end(), [](char c) {
                       return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                              (c >= '0' && c <= '9') || c == '_' || c == '-';
                     });
  if (plain) return storage / "file-snapshots" / std::string(instance);
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx",
                static_cast<unsigned long long>(XXH3_64bits(instance.data(), instance.size())));
  return storage / "file-snapshots" / hex;
}

namespace {
bool same_version(const SnapshotVersion& a, const SnapshotVersion& b) {
  return a.stream == b.stream && a.content_hash == b.content_hash &&
         a.settings_hash == b.settings_hash;
}
constexpr std::size_t kSnapshotsKept = 2;
}  // namespace

std::shared_ptr<const RowSnapshot> SnapshotCache::get(const SnapshotVersion& version) {
  for (std::size_t i = 0; i < loaded_.size(); ++i) {
    if (same_version(loaded_[i]->version(), version)) {
      std::rotate(loaded_.begin() + static_cast<std::ptrdiff_t>(i),
                  loaded_.begin() + static_cast<std::ptrdiff_t>(i) + 1, loaded_.end());
      return loaded_.back();
    }
  }
  auto snapshot = RowSnapshot::load(dir_, version);
  if (!snapshot) return nullptr;
  return put(std::move(*snapshot));
}

std::shared_ptr<const RowSnapshot> SnapshotCache::put(RowSnapshot snapshot) {
  std::erase_if(loaded_,
                [&](const auto& s) { return same_version(s->version(), snapshot.version()); });
  if (loaded_.size() >= kSnapshotsKept) loaded_.erase(loaded_.begin());
  loaded_.push_back(std::make_shared<const RowSnapshot>(std::move(snapshot)));
  return loaded_.back();
}

std::size_t remove_other_snapshots(const fs::path& dir, const SnapshotVersion& keep) {
  const std::string kept = snapshot_path(dir, keep).filename().string();
  const std::string prefix = keep.stream + ".";
  std::size_t removed = 0;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name == kept || name.rfind(prefix, 0) != 0) continue;
    // <stream>.<hex>.rows, or a temporary left by a crash (<...>.rows.tmp<pid>).
    const std::string rest = name.substr(prefix.size());
    const auto dot = rest.find('.');
    if (dot == std::string::npos || !is_name_part(rest.substr(0, dot), true)) continue;
    const std::string suffix = rest.substr(dot);
    if (suffix != ".rows" && suffix.rfind(".rows.tmp", 0) != 0) continue;
    std::error_code gone;
    if (fs::remove(it->path(), gone)) ++removed;
  }
  return removed;
}

}  // namespace mentoring::adapters::file
