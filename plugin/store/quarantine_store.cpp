#include <mentoring/store/quarantine_store.hpp>

#include "columns.hpp"

#include <SQLiteCpp/Statement.h>

#include <cstdio>

namespace mentoring::store {

using columns::bind_optional;
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

std::string QuarantineStore::key_of(const std::optional<std::string>& record_id,
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

void QuarantineStore::hold(const QuarantinedRecord& r, std::string_view full_text) {
  std::string key = key_of(r.record_id, full_text);
  SQLite::Statement s(
      db_,
      "INSERT INTO sync_quarantine(adapter, stream, record_key, record_id, reason, pointer, "
      "found, expected, message, excerpt, full_read, first_seen, last_seen, raw) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
      "ON CONFLICT(adapter, stream, record_key) DO UPDATE SET record_id=excluded.record_id, "
      "reason=excluded.reason, pointer=excluded.pointer, found=excluded.found, "
      "expected=excluded.expected, message=excluded.message, excerpt=excluded.excerpt, "
      "full_read=excluded.full_read, last_seen=excluded.last_seen, raw=excluded.raw, "
      "times_seen=times_seen + 1");
  s.bind(1, r.adapter);
  s.bind(2, r.stream);
  s.bind(3, key);
  bind_optional(s, 4, r.record_id ? std::optional(capped(*r.record_id, kMaxField)) : std::nullopt);
  s.bind(5, capped(r.reason, kMaxField));
  s.bind(6, capped(r.pointer, kMaxField));
  s.bind(7, capped(r.found, kMaxField));
  s.bind(8, capped(r.expected, kMaxField));
  s.bind(9, capped(r.message, kMaxMessage));
  s.bind(10, capped(r.excerpt, kMaxExcerpt));
  bind_optional(s, 11, r.full_read);
  s.bind(12, r.first_seen.empty() ? r.last_seen : r.first_seen);
  s.bind(13, r.last_seen);
  bind_optional(s, 14, r.raw && r.raw->size() <= kMaxRaw ? r.raw : std::nullopt);
  s.exec();
}

std::vector<QuarantineStore::Retry> QuarantineStore::retryable(const std::string& adapter,
                                                               const std::string& stream,
                                                               std::int64_t limit) {
  SQLite::Statement s(db_,
                      "SELECT record_key, raw FROM sync_quarantine WHERE adapter = ? AND "
                      "stream = ? AND raw IS NOT NULL ORDER BY last_seen, rowid LIMIT ?");
  s.bind(1, adapter);
  s.bind(2, stream);
  s.bind(3, limit);
  std::vector<Retry> out;
  while (s.executeStep()) out.push_back({s.getColumn(0).getString(), s.getColumn(1).getString()});
  return out;
}

bool QuarantineStore::still_held(const std::string& key, const QuarantinedRecord& r) {
  SQLite::Statement s(
      db_,
      "UPDATE sync_quarantine SET reason = ?, pointer = ?, found = ?, expected = ?, message = ?, "
      "last_seen = ?, raw = ? WHERE adapter = ? AND stream = ? AND record_key = ?");
  s.bind(1, capped(r.reason, kMaxField));
  s.bind(2, capped(r.pointer, kMaxField));
  s.bind(3, capped(r.found, kMaxField));
  s.bind(4, capped(r.expected, kMaxField));
  s.bind(5, capped(r.message, kMaxMessage));
  s.bind(6, r.last_seen);
  bind_optional(s, 7, r.raw && r.raw->size() <= kMaxRaw ? r.raw : std::nullopt);
  s.bind(8, r.adapter);
  s.bind(9, r.stream);
  s.bind(10, key);
  return s.exec() > 0;
}

std::int64_t QuarantineStore::trim(const std::string& adapter, const std::string& stream) {
  std::int64_t over = count(adapter, stream) - kMaxPerStream;
  if (over <= 0) return 0;
  SQLite::Statement drop(db_,
                         "DELETE FROM sync_quarantine WHERE rowid IN (SELECT rowid FROM "
                         "sync_quarantine WHERE adapter = ? AND stream = ? "
                         "ORDER BY last_seen, rowid LIMIT ?)");
  drop.bind(1, adapter);
  drop.bind(2, stream);
  drop.bind(3, over);
  return drop.exec();
}

bool QuarantineStore::release(const std::string& adapter, const std::string& stream,
                              const std::string& key) {
  SQLite::Statement s(
      db_, "DELETE FROM sync_quarantine WHERE adapter = ? AND stream = ? AND record_key = ?");
  s.bind(1, adapter);
  s.bind(2, stream);
  s.bind(3, key);
  return s.exec() > 0;
}

std::unordered_set<std::string> QuarantineStore::keys(const std::string& adapter,
                                                      const std::string& stream) {
  SQLite::Statement s(db_,
                      "SELECT record_key FROM sync_quarantine WHERE adapter = ? AND stream = ?");
  s.bind(1, adapter);
  s.bind(2, stream);
  std::unordered_set<std::string> out;
  while (s.executeStep()) out.insert(s.getColumn(0).getString());
  return out;
}

std::vector<QuarantinedRecord> QuarantineStore::list(const std::string& adapter,
                                                     const std::string& stream, int limit) {
  SQLite::Statement s(
      db_,
      "SELECT adapter, stream, record_id, reason, pointer, found, expected, message, excerpt, "
      "full_read, first_seen, last_seen, times_seen FROM sync_quarantine "
      "WHERE (?1 = '' OR adapter = ?1) AND (?2 = '' OR stream = ?2) "
      "ORDER BY last_seen DESC, adapter, stream, record_key LIMIT ?3");
  s.bind(1, adapter);
  s.bind(2, stream);
  s.bind(3, limit);
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

std::int64_t QuarantineStore::count(const std::string& adapter, const std::string& stream) {
  SQLite::Statement s(db_,
                      "SELECT COUNT(*) FROM sync_quarantine WHERE (?1 = '' OR adapter = ?1) "
                      "AND (?2 = '' OR stream = ?2)");
  s.bind(1, adapter);
  s.bind(2, stream);
  s.executeStep();
  return s.getColumn(0).getInt64();
}

QuarantineStore::HeldInRead QuarantineStore::held_in_read(const std::string& adapter,
                                                          const std::string& read_id) {
  SQLite::Statement s(db_,
                      "SELECT record_id FROM sync_quarantine WHERE adapter = ? AND "
                      "stream = 'people' AND full_read = ?");
  s.bind(1, adapter);
  s.bind(2, read_id);
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

std::int64_t QuarantineStore::release_unlisted(const std::string& adapter,
                                               const std::string& read_id) {
  SQLite::Statement s(db_,
                      "DELETE FROM sync_quarantine WHERE adapter = ? AND stream = 'people' AND "
                      "full_read IS NOT NULL AND full_read <> ?");
  s.bind(1, adapter);
  s.bind(2, read_id);
  return s.exec();
}

}  // namespace mentoring::store
