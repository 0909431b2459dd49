// The host's HTTP service (mentoring.http/1) on libcurl.
//
//   HttpClient http(secrets, logger);
//   std::string response = http.perform(R"({"method":"GET","url":"https://..."})");
//   // ->
//   {"status":200,"headers":{"content-type":"..."},"body":"...","attempts":1,"request_id":"http#7"}
//
// What it does for every adapter, so adapters need not:
//  - keeps connections alive between requests (a pool of curl handles, one per
//    concurrent caller);
//  - connect, per-attempt (the whole transfer), stall and total timeouts, and a
//    body size limit ("max_body_bytes", 64 MiB by default) enforced as the body
//    arrives (HttpLimitError); TLS verification always on, with
//    an optional CA bundle per request ("ca_bundle");
//  - retries connection failures and 5xx with exponential backoff and full
//    jitter, and 429/503 after the server's Retry-After (capped); POST/PATCH
//    only when the server certainly did nothing, unless marked idempotent;
//  - a per-adapter rate budget ("rate_limit": {"key", "per_second", "burst"});
//  - cancel(): aborts transfers and waits in progress, fails new requests
//    until resume();
//  - a request id ("http#7") in every log line, and credentials (Authorization
//    headers, basic-auth userinfo, token query parameters, known secrets)
//    redacted from every log line and error.
// The request JSON is described in http_request.hpp. [thread-safe]
#pragma once

#include "rate_budget.hpp"

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace spdlog {
class logger;
}

namespace mentoring::host {

class Secrets;

// A transport failure after every allowed attempt: DNS, connect, TLS, timeout,
// cancellation. The message names the request id, method and redacted URL.
class HttpError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The answer broke a limit (limit http.max_body_bytes, http.max_header_bytes):
// the message names the limit and its value. Not retried: the same request
// would break it again.
class HttpLimitError : public HttpError {
 public:
  using HttpError::HttpError;
};

class HttpClient {
 public:
  HttpClient(Secrets& secrets, std::shared_ptr<spdlog::logger> logger);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Request and response JSON as documented above. Throws HttpError on a
  // transport failure, std::invalid_argument on a malformed request. An HTTP
  // error status (4xx, 5xx after retries) is an answer, not an exception.
  // allow_tls_off: whether the caller may ask for "tls_verify": false (the
  // runtime: when an adapter of the organisation is set so); otherwise such a
  // request is refused (std::invalid_argument).
  std::string perform(const std::string& request_json, bool allow_tls_off = false);

  // The same, with the body apart from the JSON head ({"status", "headers",
  // "attempts", "request_id"}): mentoring.http/2 hands it over as raw bytes,
  // so a large page is never escaped into a JSON string and back.
  struct SplitAnswer {
    std::string head_json;
    std::string body;
  };
  SplitAnswer perform_split(const std::string& request_json, bool allow_tls_off = false);

  // Aborts every transfer and wait in progress; requests fail with HttpError
  // ("cancelled") until resume().
  void cancel();
  void resume();

 private:
  struct Attempt;
  void* acquire_handle();
  void release_handle(void* handle);
  Attempt attempt_once(void* handle, const struct HttpRequest& request, long timeout_ms);
  // Sleeps unless cancelled first; false when cancelled.
  bool wait(std::chrono::milliseconds duration);

  Secrets& secrets_;
  std::shared_ptr<spdlog::logger> logger_;
  RateBudget budget_;
  std::atomic<bool> cancelled_{false};
  std::atomic<unsigned> next_id_{1};
  std::mutex mutex_;  // guards idle_handles_, random_ and the cancel wake-up
  std::condition_variable wake_;
  std::vector<void*> idle_handles_;  // reused: each keeps its connections alive
  std::mt19937 random_;
};

}  // namespace mentoring::host
