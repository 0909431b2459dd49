// When to retry an HTTP attempt and how long to wait first.
#pragma once

#include "http_request.hpp"

#include <chrono>
#include <optional>
#include <random>
#include <string>

namespace mentoring::host {

// 429, 503: the server asked us to come back later (it did nothing).
bool is_throttled(long status);
// 500, 502, 504 and other 5xx: the server failed; retried only when idempotent.
bool is_server_failure(long status);

// Exponential backoff with full jitter: uniform in [0, min(max, base * 2^(attempt-1))].
// attempt counts from 1 (the wait before the second try).
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int attempt,
                                        std::mt19937& random);

// A Retry-After header value: delta seconds ("120") or an HTTP date
// ("Wed, 21 Oct 2015 07:28:00 GMT"), relative to now_unix_s. nullopt when
// absent or unreadable.
std::optional<std::chrono::milliseconds> parse_retry_after(const std::string& value,
                                                           long long now_unix_s);

}  // namespace mentoring::host
