// mentoring/store/quarantine_repository.hpp — host records that failed their checks
// (issue 17: a repository per concept).
//
// A record the sync cannot store waits here with its reason instead of holding
// back the rest of its page: one row per adapter, stream and record (its id, or
// a hash of its text when it has none). The same record sent again replaces its
// row when still bad and is released when it passes. Everything kept is
// bounded, on every backend: reason texts and the record's excerpt are capped
// (by this class, before any implementation sees them), and each adapter's
// stream keeps at most kMaxPerStream rows after each page (the oldest seen go first).
//
//   SqliteQuarantineRepository quarantine(org_store.session());  // in the sync's transaction
//   quarantine.hold({.adapter = "hr", .stream = "leave", .record_id = "L7", ...}, text);
//   if (passed) quarantine.release("hr", "leave", "L7");
//
// A repository never begins a transaction: its calls join the session's (a record is held
// with the page it came in). Borrows the session; not thread-safe.
#pragma once

#include <mentoring/store/store_session.hpp>

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

class QuarantineRepository {
 public:
  static constexpr std::size_t kMaxField = 300;     // reason, pointer, found, expected, id
  static constexpr std::size_t kMaxMessage = 1000;  // bytes, cut at a character
  static constexpr std::size_t kMaxExcerpt = 2000;
  static constexpr std::int64_t kMaxPerStream = 10000;
  // A raw record over this is not kept (a cut JSON text cannot be retried):
  // it waits to be sent again, as before issue 16.
  static constexpr std::size_t kMaxRaw = 64 * 1024;

  virtual ~QuarantineRepository() = default;

  // The row key of a record: its id, or for a record without one a hash of its
  // whole text (so the same bad record sent again replaces its row).
  static std::string key_of(const std::optional<std::string>& record_id, std::string_view text);

  // Holds a record (caps applied; first_seen and times_seen carried over from
  // the row it replaces, first_seen = last_seen for a new one). full_text: the
  // record's whole text, for the key of one without an id.
  void hold(const QuarantinedRecord& record, std::string_view full_text);
  // A retried record failed again: its reason and words now (capped), last_seen
  // moved, times_seen kept (the host did not send it again). raw: kept, or
  // dropped when the new reason cannot pass later. Answers whether it was held.
  bool still_held(const std::string& key, const QuarantinedRecord& record);

  // Drops the rows of one adapter's stream seen longest ago beyond
  // kMaxPerStream (the sync calls it after each page); answers how many. Rows
  // seen on the same day go in the order they were first seen, then by key.
  virtual std::int64_t trim(const std::string& adapter, const std::string& stream) = 0;
  // The record passed: answers whether it was held.
  virtual bool release(const std::string& adapter, const std::string& stream,
                       const std::string& key) = 0;
  // Records kept for a retry (raw held), seen longest ago first (in trim's
  // order), at most limit.
  struct Retry {
    std::string key;
    std::string raw;
  };
  virtual std::vector<Retry> retryable(const std::string& adapter, const std::string& stream,
                                       std::int64_t limit) = 0;
  // The keys held for one adapter's stream (a run checks membership in memory).
  virtual std::unordered_set<std::string> keys(const std::string& adapter,
                                               const std::string& stream) = 0;

  // Newest seen first (then by adapter, stream and key), at most limit; "" for every
  // adapter / stream. Without raw (what retryable is for): the list is for people.
  virtual std::vector<QuarantinedRecord> list(const std::string& adapter, const std::string& stream,
                                              std::int64_t limit) = 0;
  // How many are held; "" for every adapter / stream.
  virtual std::int64_t count(const std::string& adapter, const std::string& stream) = 0;

  // People held from the full read read_id: their ids, and how many had none.
  struct HeldInRead {
    std::vector<std::string> ids;
    std::int64_t without_id = 0;
  };
  virtual HeldInRead held_in_read(const std::string& adapter, const std::string& read_id) = 0;
  // After a complete full read: people held from earlier reads that this one
  // did not list are no longer in the host's records; answers how many left.
  virtual std::int64_t release_unlisted(const std::string& adapter, const std::string& read_id) = 0;

 protected:
  // What hold and still_held pass on: the record as kept, its texts capped, raw
  // dropped over kMaxRaw, first_seen defaulting to last_seen. The implementations store
  // these values as they are, so the bounds are the same on every backend.
  virtual void hold_kept(const std::string& key, const QuarantinedRecord& kept) = 0;
  virtual bool update_kept(const std::string& key, const QuarantinedRecord& kept) = 0;
};

// The sync_quarantine table of the session's SQLite database.
class SqliteQuarantineRepository final : public QuarantineRepository {
 public:
  explicit SqliteQuarantineRepository(StoreSession& session) : session_(session) {}

  std::int64_t trim(const std::string& adapter, const std::string& stream) override;
  bool release(const std::string& adapter, const std::string& stream,
               const std::string& key) override;
  std::vector<Retry> retryable(const std::string& adapter, const std::string& stream,
                               std::int64_t limit) override;
  std::unordered_set<std::string> keys(const std::string& adapter,
                                       const std::string& stream) override;
  std::vector<QuarantinedRecord> list(const std::string& adapter, const std::string& stream,
                                      std::int64_t limit) override;
  std::int64_t count(const std::string& adapter, const std::string& stream) override;
  HeldInRead held_in_read(const std::string& adapter, const std::string& read_id) override;
  std::int64_t release_unlisted(const std::string& adapter, const std::string& read_id) override;

 private:
  void hold_kept(const std::string& key, const QuarantinedRecord& kept) override;
  bool update_kept(const std::string& key, const QuarantinedRecord& kept) override;

  StoreSession& session_;
};

// Cuts text to at most max_bytes, at a UTF-8 character boundary, marking the cut.
std::string capped(std::string_view text, std::size_t max_bytes);

}  // namespace mentoring::store
