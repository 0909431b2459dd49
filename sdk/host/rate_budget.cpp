#include "rate_budget.hpp"

#include <algorithm>
#include <cmath>

namespace mentoring::host {

std::chrono::milliseconds RateBudget::reserve(const RateLimit& limit, Clock::time_point now) {
  if (limit.per_second <= 0) return std::chrono::milliseconds(0);
  std::lock_guard lock(mutex_);
  auto [it, fresh] = buckets_.try_emplace(limit.key);
  Bucket& bucket = it->second;
  if (fresh) {
    bucket.tokens = limit.burst;
    bucket.updated = now;
  }
  double elapsed_s = std::chrono::duration<double>(now - bucket.updated).count();
  if (elapsed_s > 0) {
    bucket.tokens = std::min(limit.burst, bucket.tokens + elapsed_s * limit.per_second);
    bucket.updated = now;
  }
  // Taking the token now (possibly going negative) queues callers fairly:
  // each later caller waits for the tokens the earlier ones borrowed.
  bucket.tokens -= 1;
  if (bucket.tokens >= 0) return std::chrono::milliseconds(0);
  double wait_s = -bucket.tokens / limit.per_second;
  return std::chrono::milliseconds(static_cast<long long>(std::ceil(wait_s * 1000)));
}

}  // namespace mentoring::host
