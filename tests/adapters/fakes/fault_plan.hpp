// Faults a fake host injects into its next answers, so tests can prove how an
// adapter and the host react to throttling, outages, broken bodies and bodies
// without end. [thread-safe]
//
//   fake.faults().throttle_next(2, 1);                     // 429 + Retry-After: 1, twice
//   fake.faults().add(Fault(FaultKind::status).with_status(503).times(3)
//                         .matching("/api/v1/time_off"));   // only time-off requests
//   fake.faults().add(Fault(FaultKind::huge).size(1 << 30));  // served lazily
//
// Faults wait in the order added; a request takes the first one whose `match`
// fits it (a substring of the path, or the Moodle wsfunction it calls). Each
// fake applies them before its own answer (Moodle after reading the form body,
// so `match` may name a wsfunction). The same plan is reachable over HTTP on
// every fake: POST /__fake/faults {"kind": "status", "status": 502, ...} adds
// one, DELETE /__fake/faults clears them (mentoring-fake-hosts, crash harness).
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

namespace mentoring::fakes {

enum class FaultKind {
  status,     // `status` (500, 502, 503, ...) with a JSON error body
  throttle,   // 429 with Retry-After: retry_after_s
  html,       // `status` with an HTML page (200: a sign-in or proxy page)
  delay,      // waits delay_ms, then answers normally (beyond the client's timeout)
  truncated,  // the real answer cut in half; Content-Length says the cut length
  dropped,    // the real answer's Content-Length, half the body, then the connection closes
  not_json,   // 200 application/json whose body is not JSON
  body,       // 200 application/json with `body` (eg Moodle's exception, as recorded)
  huge,       // 200, a valid JSON array of `bytes` bytes, chunked, made as it is sent
  endless,    // 200, chunked, a JSON array that never ends (until the client goes)
};

struct Fault {
  explicit Fault(FaultKind k = FaultKind::status) : kind(k) {}
  // Chained settings: Fault(FaultKind::status).with_status(503).times(-1).matching("/x").
  Fault& times(int n) {
    count = n;
    return *this;
  }
  Fault& with_status(int s) {
    status = s;
    return *this;
  }
  Fault& retry_after(int seconds) {
    retry_after_s = seconds;
    return *this;
  }
  Fault& delay(int ms) {
    delay_ms = ms;
    return *this;
  }
  Fault& size(std::size_t n) {
    bytes = n;
    return *this;
  }
  Fault& answering(nlohmann::json b) {
    body = std::move(b);
    return *this;
  }
  Fault& matching(std::string m) {
    match = std::move(m);
    return *this;
  }

  FaultKind kind = FaultKind::status;
  int count = 1;  // answers it spoils; -1: every matching answer until clear()
  int status = 500;
  int retry_after_s = 1;
  int delay_ms = 0;
  std::size_t bytes = 0;
  nlohmann::json body;
  std::string match;  // "" any request

  // {"kind": "status" | "throttle" | ..., "count", "status", "retry_after_s",
  //  "delay_ms", "bytes", "body", "match"}; throws std::invalid_argument.
  static Fault from_json(const nlohmann::json& spec);
};

class FaultPlan {
 public:
  FaultPlan() = default;
  ~FaultPlan() { stop_streams(); }
  FaultPlan(const FaultPlan&) = delete;
  FaultPlan& operator=(const FaultPlan&) = delete;

  // The next `count` requests are answered 429 with Retry-After (seconds).
  void throttle_next(int count, int retry_after_s = 1);
  // The next `count` requests are answered with `status` and an HTML page
  // (200 = a login page or proxy page where JSON was expected).
  void html_next(int count, int status = 200);
  // The next `count` requests are answered 500 with a JSON error body.
  void fail_next(int count);

  void add(Fault fault);
  void clear();
  // Ends every endless body now (the fakes call it before their server stops).
  void stop_streams();

  // Applies a pending fault; true when it answered the request. `function`:
  // what else `match` may name (Moodle's wsfunction), "" when none.
  bool apply(const httplib::Request& request, httplib::Response& response,
             const std::string& function = "");
  // Cuts the answer of a request a truncated / dropped fault took (the fakes
  // call it from their post-routing handler).
  static void finish(const httplib::Request& request, httplib::Response& response);
  // POST/DELETE /__fake/faults on `server` (call before start()).
  void serve_admin(httplib::Server& server);

  int requests_seen() const { return seen_; }
  // Answers a fault spoiled so far.
  int faults_applied() const { return applied_; }

  // The requests seen (the first 100000), in order, for timing assertions
  // (eg a retry waited as long as Retry-After asked).
  struct Seen {
    std::chrono::steady_clock::time_point at;
    std::string method, path, function;  // function: Moodle's wsfunction, else ""
    bool faulted = false;
  };
  std::vector<Seen> requests() const;

 private:
  mutable std::mutex mutex_;
  std::vector<Seen> log_;
  std::deque<Fault> pending_;
  std::atomic<int> seen_{0}, applied_{0};
  std::atomic<bool> stopping_{false};
};

}  // namespace mentoring::fakes
