// mentoring/store/quarantine_store.hpp — host records that failed their checks.
//
// A record the sync cannot store waits here with its reason instead of holding
// back the rest of its page: one row per adapter, stream and record (its id, or
// a hash of its text when it has none). The same record sent again replaces its
// row when still bad and is released when it passes. Everything kept is
// bounded: reason texts and the record's excerpt are capped, and each adapter's
// stream keeps at most kMaxPerStream rows after each page (the oldest seen go first).
//
//   QuarantineStore quarantine(store.database());   // in the sync's transaction
//   quarantine.hold({.adapter = "hr", .stream = "leave", .record_id = "L7", ...});
//   if (passed) quarantine.release("hr", "leave", "L7");
#pragma once

#include <SQLiteCpp/Database.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace mentoring::store {

struct QuarantinedRecord {
  std::string adapter;
  std::string stream;  // people | leave | course_completions | keeping_in_touch_days
  std::optional<std::string> record_id;  // as the host sent it; none when it had none
  std::string reason;                    // a value (the sync's QuarantineReason), never a sentence
  std::string pointer;                   // JSON pointer into the record, eg "/person_id"
  std::string found;                     // what was there
  std::string expected;                  // what the check expected
  std::string message;                   // all of it in words, for people
  std::string excerpt;                   // the record's text as the host sent it
  std::optional<std::string> full_read;  // people: the full read the record came in
  // The record's JSON text, kept only when its reason can pass later without
  // the host sending it again (the sync retries it); never when over kMaxRaw.
  std::optional<std::string> raw;
  std::string first_seen, last_seen;  // YYYY-MM-DD
  std::int64_t times_seen = 1;
};

class QuarantineStore {
 public:
  static constexpr std::size_t kMaxField = 300;     // pointer, found, expected, id
  static constexpr std::size_t kMaxMessage = 1000;  // bytes, cut at a character
  static constexpr std::size_t kMaxExcerpt = 2000;
  static constexpr std::int64_t kMaxPerStream = 10000;
  // A raw record over this is not kept (a cut JSON text cannot be retried):
  // it waits to be sent again, as before issue 16.
  static constexpr std::size_t kMaxRaw = 64 * 1024;

  explicit QuarantineStore(SQLite::Database& db) : db_(db) {}

  // The row key of a record: its id, or for a record without one a hash of its
  // whole text (so the same bad record sent again replaces its row).
  static std::string key_of(const std::optional<std::string>& record_id, std::string_view text);

  // Holds a record (caps applied; first_seen and times_seen carried over from
  // the row it replaces). full_text: the record's whole text, for the key of
  // one without an id.
  void hold(const QuarantinedRecord& record, std::string_view full_text);
  // Drops the rows of one adapter's stream seen longest ago beyond
  // kMaxPerStream (the sync calls it after each page); answers how many.
  std::int64_t trim(const std::string& adapter, const std::string& stream);
  // The record passed: answers whether it was held.
  bool release(const std::string& adapter, const std::string& stream, const std::string& key);
  // Records kept for a retry (raw held), seen longest ago first, at most limit.
  struct Retry {
    std::string key;
    std::string raw;
  };
  std::vector<Retry> retryable(const std::string& adapter, const std::string& stream,
                               std::int64_t limit = kMaxPerStream);
  // A retried record failed again: its reason and words now, last_seen moved,
  // times_seen kept (the host did not send it again). raw: kept, or dropped
  // when the new reason cannot pass later. Answers whether it was held.
  bool still_held(const std::string& key, const QuarantinedRecord& record);
  // The keys held for one adapter's stream (a run checks membership in memory).
  std::unordered_set<std::string> keys(const std::string& adapter, const std::string& stream);

  // Newest seen first; "" for every adapter / stream.
  std::vector<QuarantinedRecord> list(const std::string& adapter = "",
                                      const std::string& stream = "", int limit = 100);
  std::int64_t count(const std::string& adapter = "", const std::string& stream = "");

  // People held from the full read read_id: their ids, and how many had none.
  struct HeldInRead {
    std::vector<std::string> ids;
    std::int64_t without_id = 0;
  };
  HeldInRead held_in_read(const std::string& adapter, const std::string& read_id);
  // After a complete full read: people held from earlier reads that this one
  // did not list are no longer in the host's records; answers how many left.
  std::int64_t release_unlisted(const std::string& adapter, const std::string& read_id);

 private:
  SQLite::Database& db_;
};

// Cuts text to at most max_bytes, at a UTF-8 character boundary, marking the cut.
std::string capped(std::string_view text, std::size_t max_bytes);

}  // namespace mentoring::store
