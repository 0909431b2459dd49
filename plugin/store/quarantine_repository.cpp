#include <mentoring/store/quarantine_repository.hpp>

#include "columns.hpp"

#include <SQLiteCpp/VariadicBind.h>

#include <cstdio>

namespace mentoring::store {

using columns::optional_text;

std::string capped(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  static constexpr std::string_view kCut = "\u2026";  // "…": the reader sees it was cut
  if (max_bytes < kCut.size()) return {};
  std::size_t end = max_bytes - kCut.size();
  // Never inside a character: back up over UTF-8 continuation bytes.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end)) + std::string(kCut);
}

std::string QuarantineRepository::key_of(const std::optional<std::string>& record_id,
                                         std::string_view text) {
  if (record_id) return capped(*record_id, kMaxField);
  // FNV-1a: stable across builds and runs, unlike std::hash.
  std::uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  char out[40];
  std::snprintf(out, sizeof out, "(no id) %016llx", static_cast<unsigned long long>(hash));
  return out;
}

namespace {

// The record as every backend keeps it: the bounds of the header applied once, here.
QuarantinedRecord kept(const QuarantinedRecord& r) {
  using Q = QuarantineRepository;
  QuarantinedRecord out;
  out.adapter = r.adapter;
  out.stream = r.stream;
  if (r.record_id) out.record_id = capped(*r.record_id, Q::kMaxField);
  out.reason = capped(r.reason, Q::kMaxField);
  out.pointer = capped(r.pointer, Q::kMaxField);
  out.found = capped(r.found, Q::kMaxField);
  out.expected = capped(r.expected, Q::kMaxField);
  out.message = capped(r.message, Q::kMaxMessage);
  out.excerpt = capped(r.excerpt, Q::kMaxExcerpt);
  out.full_read = r.full_read;
  if (r.raw && r.raw->size() <= Q::kMaxRaw) out.raw = r.raw;
  out.first_seen = r.first_seen.empty() ? r.last_seen : r.first_seen;
  out.last_seen = r.last_seen;
  out.times_seen = r.times_seen;
  return out;
}

const char* or_null(const std::optional<std::string>& text) {
  return text ? text->c_str() : nullptr;  // SQLite::bind binds a null const char* as NULL
}

}  // namespace

void QuarantineRepository::hold(const QuarantinedRecord& record, std::string_view full_text) {
  hold_kept(key_of(record.record_id, full_text), kept(record));
}

bool QuarantineRepository::still_held(const std::string& key, const QuarantinedRecord& record) {
  return update_kept(key, kept(record));
}

void SqliteQuarantineRepository::hold_kept(const std::string& key, const QuarantinedRecord& r) {
  SQLite::Statement& s = session_.prepared(
      "INSERT INTO sync_quarantine(adapter, stream, record_key, record_id, reason, pointer, "
      "found, expected, message, excerpt, full_read, first_seen, last_seen, raw) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
      "ON CONFLICT(adapter, stream, record_key) DO UPDATE SET record_id=excluded.record_id, "
      "reason=excluded.reason, pointer=excluded.pointer, found=excluded.found, "
      "expected=excluded.expected, message=excluded.message, excerpt=excluded.excerpt, "
      "full_read=excluded.full_read, last_seen=excluded.last_seen, raw=excluded.raw, "
      "times_seen=times_seen + 1");
  SQLite::bind(s, r.adapter, r.stream, key, or_null(r.record_id), r.reason, r.pointer, r.found,
               r.expected, r.message, r.excerpt, or_null(r.full_read), r.first_seen, r.last_seen,
               or_null(r.raw));
  s.exec();
}

bool SqliteQuarantineRepository::update_kept(const std::string& key, const QuarantinedRecord& r) {
  SQLite::Statement& s = session_.prepared(
      "UPDATE sync_quarantine SET reason = ?, pointer = ?, found = ?, expected = ?, message = ?, "
      "last_seen = ?, raw = ? WHERE adapter = ? AND stream = ? AND record_key = ?");
  SQLite::bind(s, r.reason, r.pointer, r.found, r.expected, r.message, r.last_seen, or_null(r.raw),
               r.adapter, r.stream, key);
  return s.exec() > 0;
}

std::vector<QuarantineRepository::Retry> SqliteQuarantineRepository::retryable(
    const std::string& adapter, const std::string& stream, std::int64_t limit) {
  SQLite::Statement& s = session_.prepared(
      "SELECT record_key, raw FROM sync_quarantine WHERE adapter = ? AND stream = ? AND "
      "raw IS NOT NULL ORDER BY last_seen, first_seen, record_key LIMIT ?");
  SQLite::bind(s, adapter, stream, limit);
  std::vector<Retry> out;
  while (s.executeStep()) out.push_back({s.getColumn(0).getString(), s.getColumn(1).getString()});
  return out;
}

std::int64_t SqliteQuarantineRepository::trim(const std::string& adapter,
                                              const std::string& stream) {
  const std::int64_t over = count(adapter, stream) - kMaxPerStream;
  if (over <= 0) return 0;
  SQLite::Statement& drop = session_.prepared(
      "DELETE FROM sync_quarantine WHERE adapter = ?1 AND stream = ?2 AND record_key IN "
      "(SELECT record_key FROM sync_quarantine WHERE adapter = ?1 AND stream = ?2 "
      "ORDER BY last_seen, first_seen, record_key LIMIT ?3)");
  SQLite::bind(drop, adapter, stream, over);
  return drop.exec();
}

bool SqliteQuarantineRepository::release(const std::string& adapter, const std::string& stream,
                                         const std::string& key) {
  SQLite::Statement& s = session_.prepared(
      "DELETE FROM sync_quarantine WHERE adapter = ? AND stream = ? AND record_key = ?");
  SQLite::bind(s, adapter, stream, key);
  return s.exec() > 0;
}

std::unordered_set<std::string> SqliteQuarantineRepository::keys(const std::string& adapter,
                                                                 const std::string& stream) {
  SQLite::Statement& s =
      session_.prepared("SELECT record_key FROM sync_quarantine WHERE adapter = ? AND stream = ?");
  SQLite::bind(s, adapter, stream);
  std::unordered_set<std::string> out;
  while (s.executeStep()) out.insert(s.getColumn(0).getString());
  return out;
}

std::vector<QuarantinedRecord> SqliteQuarantineRepository::list(const std::string& adapter,
                                                                const std::string& stream,
                                                                std::int64_t limit) {
  SQLite::Statement& s = session_.prepared(
      "SELECT adapter, stream, record_id, reason, pointer, found, expected, message, excerpt, "
      "full_read, first_seen, last_seen, times_seen FROM sync_quarantine "
      "WHERE (?1 = '' OR adapter = ?1) AND (?2 = '' OR stream = ?2) "
      "ORDER BY last_seen DESC, adapter, stream, record_key LIMIT ?3");
  SQLite::bind(s, adapter, stream, limit);
  std::vector<QuarantinedRecord> out;
  while (s.executeStep()) {
    QuarantinedRecord r;
    r.adapter = s.getColumn(0).getString();
    r.stream = s.getColumn(1).getString();
    r.record_id = optional_text(s.getColumn(2));
    r.reason = s.getColumn(3).getString();
    r.pointer = s.getColumn(4).getString();
    r.found = s.getColumn(5).getString();
    r.expected = s.getColumn(6).getString();
    r.message = s.getColumn(7).getString();
    r.excerpt = s.getColumn(8).getString();
    r.full_read = optional_text(s.getColumn(9));
    r.first_seen = s.getColumn(10).getString();
    r.last_seen = s.getColumn(11).getString();
    r.times_seen = s.getColumn(12).getInt64();
    out.push_back(std::move(r));
  }
  return out;
}

std::int64_t SqliteQuarantineRepository::count(const std::string& adapter,
                                               const std::string& stream) {
  SQLite::Statement& s = session_.prepared(
      "SELECT COUNT(*) FROM sync_quarantine WHERE (?1 = '' OR adapter = ?1) "
      "AND (?2 = '' OR stream = ?2)");
  SQLite::bind(s, adapter, stream);
  s.executeStep();
  return s.getColumn(0).getInt64();
}

QuarantineRepository::HeldInRead SqliteQuarantineRepository::held_in_read(
    const std::string& adapter, const std::string& read_id) {
  SQLite::Statement& s = session_.prepared(
      "SELECT record_id FROM sync_quarantine WHERE adapter = ? AND stream = 'people' AND "
      "full_read = ? ORDER BY record_key");
  SQLite::bind(s, adapter, read_id);
  HeldInRead out;
  while (s.executeStep()) {
    if (s.getColumn(0).isNull()) {
      ++out.without_id;
    } else {
      out.ids.push_back(s.getColumn(0).getString());
    }
  }
  return out;
}

std::int64_t SqliteQuarantineRepository::release_unlisted(const std::string& adapter,
                                                          const std::string& read_id) {
  SQLite::Statement& s = session_.prepared(
      "DELETE FROM sync_quarantine WHERE adapter = ? AND stream = 'people' AND "
      "full_read IS NOT NULL AND full_read <> ?");
  SQLite::bind(s, adapter, read_id);
  return s.exec();
}

}  // namespace mentoring::store
