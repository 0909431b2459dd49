// mentoring/sync/sync.hpp — pull records through the organisation's adapters into
// its store, and deliver the outbox back through them.
//
//   auto report = mentoring::sync::pull_all(host, store);
//   ... plan and enqueue actions ...
//   auto delivery = mentoring::sync::deliver(host, store, routing, retry_policy, now);
//
// Each page an adapter returns is stored in one transaction together with the
// adapter's next cursor. A record that fails its checks is quarantined with
// its reason (store::QuarantineRepository) in the same transaction, and the rest of
// the page is stored: one bad record never holds back a stream. It leaves the
// quarantine when the host sends it again and it passes. A page the adapter
// itself reports problems with stores nothing and moves no cursor (the
// adapter could not say which records are sound). An adapter that fails does
// not stop the others.
#pragma once

#include <mentoring/domain/delivery.hpp>
#include <mentoring/module.hpp>
#include <mentoring/store/org_store.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace mentoring::sync {

// Why a record was quarantined: a value, with words from describe().
enum class QuarantineReason {
  not_valid,                  // does not match its schema (schemas/<stream>.schema.json)
  ends_before_start,          // a leave's expected_end before its start
  unknown_person,             // refers to a person the HR system has not sent
  overlapping_leave,          // overlaps another approved or requested leave of the person
  unknown_course,             // a completion of a course no programme requires
  completed_in_future,        // a completion dated after today
  expires_before_completion,  // a completion expiring before it was completed
  unreadable,                 // passed the schema, but could not be converted
  adapter_refused,            // the adapter could not map it (the answer's "quarantine")
};
const char* to_string(QuarantineReason reason);
const char* describe(QuarantineReason reason);
// The words for a stored reason value; the value itself when unknown (a newer plugin's).
std::string describe_reason(std::string_view value);

struct StreamReport {
  std::string adapter;
  std::string stream;  // "people", "leave", "course_completions"
  // read (records came; the counts say what became of them) | unchanged |
  // rejected (the adapter reported the page malformed) | failed | nothing to read
  std::string status;
  int read = 0;
  int stored = 0;       // new or changed, written
  int unchanged = 0;    // the same as stored already
  int older = 0;        // a version older than the stored one: ignored
  int quarantined = 0;  // failed their checks: held in the quarantine
  int released = 0;     // left the quarantine (sent again and passed, or no longer listed)
  int skipped = 0;      // left out by the adapter's mapping
  // One entry per quarantined record (at most kMaxProblemsListed, then one
  // saying how many more) and per page or reconciliation problem.
  nlohmann::json problems = nlohmann::json::array();  // [{"message": ...}, ...]
  std::string error;                                  // when failed
  // People a complete full read no longer lists: absent from today.
  std::vector<std::string> absent;
};

struct SyncReport {
  std::vector<StreamReport> streams;
  int adapter_failures = 0;
  int rejected_pages = 0;
  int quarantined = 0;  // records quarantined by this run
};

// What one delivery did, and what the outbox holds after it (the run
// summary's "actions"; issue 12's contract).
struct DeadLetter {
  std::string idempotency_key, kind, target;
  int attempts = 0;
  std::string last_error;
};
struct DeliveryReport {
  int delivered = 0, duplicates = 0;
  int failed = 0;                 // attempts that failed in this run
  int dead_now = 0;               // of those, the ones that became dead letters
  std::int64_t pending = 0;       // not delivered, dead nor dropped
  std::int64_t retrying = 0;      // pending after a failed attempt, waiting for backoff
  std::int64_t dead_letters = 0;  // held now, from any run
  std::vector<DeadLetter> dead;   // the oldest kMaxDeadListed
  nlohmann::json errors = nlohmann::json::array();  // [{"message"}], at most 51
};
inline constexpr int kMaxDeadListed = 50;

struct SyncPolicy {
  // A complete full read may mark at most this share of the people it listed
  // before as absent (at least one always may; one that lists nobody, none).
  // More looks like a broken filter or a partial export: nobody is marked and
  // the report says why. The organisation's policy.absent_share_limit.
  double absent_share_limit = 0.2;
  // At most this many pages of one adapter's stream per run
  // (policy.sync.max_pages_per_stream): a stream with more stops there as an
  // adapter failure naming the limit; what was read is kept and the next run
  // goes on from it. An adapter that answers a cursor twice in one pull pages
  // in a loop: its stream stops at once, nothing of that page is stored.
  int max_pages_per_stream = 100000;
};

// today: completions dated after it are refused (an LMS cannot know the future).
SyncReport pull_all(const Host& host, store::OrgStore& store, domain::Date today,
                    const SyncPolicy& policy = {});
// The organisation's adapters as the host lists them, for routing.
std::vector<domain::AdapterDescription> adapters_of(const Host& host);

// Pushes every due action (pending, its next attempt not in the future) to
// its route only. done / duplicate: delivered. Anything else, including
// not_handled, no result for it, or a push that fails as a whole (each action
// of the batch): a failed attempt, retried after a backoff or dead after
// policy.max_attempts (domain::after_failure). Unrouted kinds wait, reported.
DeliveryReport deliver(const Host& host, store::OrgStore& store,
                       const domain::RoutingTable& routing, const domain::RetryPolicy& policy,
                       std::chrono::sys_seconds now);

nlohmann::json to_json(const StreamReport& report);

}  // namespace mentoring::sync
