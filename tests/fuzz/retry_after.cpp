// The host's Retry-After reading (sdk/host/retry_policy.cpp): delta seconds or
// an HTTP date, as a server sends it in a 429 or 503.
// Input: the header value.
// Properties: never negative; a delta of seconds is read as written; any value
// (a huge number, a date in year 99999, garbage) is read or refused without
// overflow (UBSan watches the arithmetic).
#include "fuzz_support.hpp"

#include "retry_policy.hpp"

#include <algorithm>
#include <cctype>

using mentoring::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string value(mentoring::fuzz::as_text(data, size));
  // Now: 2026-12-01T00:00:00Z, as the demo pins it.
  constexpr long long kNow = 1796083200;
  const auto wait = mentoring::host::parse_retry_after(value, kNow);
  if (wait) require(wait->count() >= 0, "a wait is never negative", value);

  std::string trimmed = value;
  trimmed.erase(0, trimmed.find_first_not_of(" \t"));
  trimmed.erase(trimmed.find_last_not_of(" \t\r\n") + 1);
  const bool digits = !trimmed.empty() && trimmed.size() <= 9 &&
                      std::all_of(trimmed.begin(), trimmed.end(), [](char c) {
                        return std::isdigit(static_cast<unsigned char>(c));
                      });
  if (digits) {
    require(wait.has_value() && wait->count() == std::stoll(trimmed) * 1000,
            "delta seconds are read as written", value);
  }
  return 0;
}
