// Per-adapter request budgets (token buckets), so one adapter cannot exceed
// what its host system allows, nor starve another organisation's adapter.
// [thread-safe]
#pragma once

#include "http_request.hpp"

#include <chrono>
#include <map>
#include <mutex>
#include <string>

namespace mentoring::host {

class RateBudget {
 public:
  using Clock = std::chrono::steady_clock;

  // Takes one request from the key's budget and returns how long the caller
  // must wait before sending it (zero when the budget has room). The budget's
  // rate and burst follow the latest request's values.
  std::chrono::milliseconds reserve(const RateLimit& limit, Clock::time_point now = Clock::now());

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point updated;
  };
  std::mutex mutex_;
  std::map<std::string, Bucket> buckets_;
};

}  // namespace mentoring::host
