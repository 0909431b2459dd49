// Faults a fake host injects into its next answers, so tests can prove how an
// adapter reacts to throttling, outages and HTML error pages. [thread-safe]
#pragma once

#include <httplib.h>

#include <atomic>
#include <mutex>
#include <string>

namespace mentoring::fakes {

class FaultPlan {
 public:
  // The next `count` requests are answered 429 with Retry-After (seconds).
  void throttle_next(int count, int retry_after_s = 1);
  // The next `count` requests are answered with `status` and an HTML page
  // (200 = a login page or proxy page where JSON was expected).
  void html_next(int count, int status = 200);
  // The next `count` requests are answered 500 with a JSON error body.
  void fail_next(int count);

  // Applies a pending fault; true when it answered the request.
  bool apply(const httplib::Request& request, httplib::Response& response);
  int requests_seen() const { return seen_; }

 private:
  std::mutex mutex_;
  int throttle_ = 0, retry_after_s_ = 1, html_ = 0, html_status_ = 200, fail_ = 0;
  std::atomic<int> seen_{0};
};

}  // namespace mentoring::fakes
