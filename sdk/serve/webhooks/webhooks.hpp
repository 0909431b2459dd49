// BambooHR webhooks, checked before anything in them is believed: the
// signature (HMAC-SHA256 under the webhook's private key, compared in constant
// time), the timestamp's window and a cache of signatures already accepted, so
// a captured delivery sent again is refused. Pure: no server, no secrets
// store, no clock of its own; the serve route passes all of them in.
//
// How the route `POST /v1/orgs/{org}/webhooks/{adapter}` uses it:
//
//   // once per process, shared by every organisation (thread-safe):
//   static webhooks::ReplayCache seen;
//   // the adapter's settings name the secret and the window (the BambooHR
//   // adapter's own settings: "webhook_key_secret", default
//   // BAMBOOHR_WEBHOOK_KEY; "webhook_tolerance_s", default 300):
//   std::string key = secrets.get(settings.value("webhook_key_secret", "BAMBOOHR_WEBHOOK_KEY"));
//   auto checked = webhooks::verify_bamboohr(
//       request.body, header_or_null("X-BambooHR-Signature"),
//       header_or_null("X-BambooHR-Timestamp"), key, clock.now(), seen,
//       std::chrono::seconds(settings.value("webhook_tolerance_s", 300)));
//   if (!checked) -> 401 {"error": "webhook refused: " + checked.words()}
//   auto payload = webhooks::parse_bamboohr_payload(request.body);
//   if (payload.verdict == PayloadVerdict::malformed) -> 400 {"error": payload.words()}
//   else -> 202, and schedule a sync of the organisation soon (payload.employee_ids
//           says whom it is about; an empty list, eg company.updated, still
//           asks for nothing more than the next scheduled cycle).
//
// Never log the key, the signature or the body (the body names people); log
// the verdict's words, the organisation and the adapter. No secret appears in
// any words this file produces.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace mentoring::serve::webhooks {

using Clock = std::chrono::system_clock;

// The replay window BambooHR's timestamp must fall in, either side of now.
inline constexpr std::chrono::seconds default_window{300};

enum class Verdict {
  ok,
  missing_header,       // X-BambooHR-Signature or X-BambooHR-Timestamp absent or empty
  malformed_timestamp,  // not Unix seconds nor an ISO 8601 UTC time
  stale_timestamp,      // older than the window
  future_timestamp,     // further ahead than the window
  bad_signature,        // not 64 hex digits, or not the HMAC of body + timestamp
  replayed,             // the same signed delivery already accepted inside the window
};

// A stable name for logs and metrics labels, eg "bad_signature".
std::string_view verdict_name(Verdict verdict);

struct Verification {
  Verdict verdict = Verdict::ok;
  std::string detail;  // what was found and what was expected; never the key or a signature
  explicit operator bool() const { return verdict == Verdict::ok; }
  // "bad_signature: ..." for a response or a log line.
  std::string words() const;
};

// Signatures of deliveries accepted inside the window, so each is accepted
// once. Bounded: at capacity the entry with the oldest timestamp is dropped
// (a replay of it would still need a timestamp inside the window; with the
// default capacity that takes more than 300 deliveries a second for five
// minutes). Entries whose timestamp left the window are dropped first: the
// timestamp check refuses those deliveries anyway. Thread-safe.
class ReplayCache {
 public:
  explicit ReplayCache(std::size_t capacity = 100'000);

  // True when `signature` was not seen before (now remembered until its
  // timestamp leaves the window); false when it was.
  bool first_time(std::string_view signature, Clock::time_point timestamp, Clock::time_point now,
                  std::chrono::seconds window);
  std::size_t size() const;
  std::size_t capacity() const { return capacity_; }

 private:
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_set<std::string> seen_;
  std::multimap<Clock::time_point, std::string> by_timestamp_;  // oldest first
};

// Reads X-BambooHR-Timestamp: whole Unix seconds ("1739892600"), or ISO 8601
// UTC ("2025-02-18T15:30:00Z"); nullopt for anything else (a real date only).
std::optional<Clock::time_point> parse_timestamp(std::string_view text);

// Checks one delivery, in this order: both headers present; the timestamp
// readable and within `window` of `now`; the signature 64 hex digits (either
// case) equal, in constant time, to hex(HMAC-SHA256(private_key, raw_body +
// timestamp)); then not seen before. Only a delivery that passes everything
// enters `seen`, so forged requests cannot fill the cache. An empty
// `private_key` refuses everything (bad_signature: no key configured).
Verification verify_bamboohr(std::string_view raw_body, std::optional<std::string_view> signature,
                             std::optional<std::string_view> timestamp,
                             std::string_view private_key, Clock::time_point now, ReplayCache& seen,
                             std::chrono::seconds window = default_window);

// ---------------------------------------------------------------- payload

enum class PayloadVerdict {
  employees,    // names at least one employee: sync them (employee_ids)
  no_employee,  // a well-formed event about no employee (company.updated, ...)
  malformed,    // not JSON, not an object, an id of the wrong type or size
};
std::string_view payload_verdict_name(PayloadVerdict verdict);

struct Payload {
  PayloadVerdict verdict = PayloadVerdict::malformed;
  std::string event;                      // "employee.updated", or "" for the legacy shape
  std::vector<std::string> employee_ids;  // distinct, in order of appearance, at most max_ids
  bool truncated = false;                 // more ids than max_ids were named
  std::string detail;                     // for malformed: where and what was found
  std::string words() const;
};

inline constexpr std::size_t default_max_employee_ids = 1000;
inline constexpr std::size_t max_employee_id_length = 256;

// Reads a verified body. BambooHR's event webhooks (its OpenAPI description:
// EmployeeCreated/Updated/DeletedWebhookPayload) send
//   {"type": "employee.updated", "timestamp": "...", "data": {"companyId": "1", "employeeId":
//   "100", ...}}
// and the legacy field webhooks (employee_with_fields.*)
//   {"employees": [{"id": "100", "action": "Updated", ...}, ...]}.
// An id is a non-empty string of at most 256 characters without control
// characters, or a whole non-negative number. Never throws.
Payload parse_bamboohr_payload(std::string_view raw_body,
                               std::size_t max_ids = default_max_employee_ids);

}  // namespace mentoring::serve::webhooks
