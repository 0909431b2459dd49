#include "retry_policy.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>

namespace mentoring::host {

bool is_throttled(long status) {
  return status == 429 || status == 503;
}

bool is_server_failure(long status) {
  return status >= 500 && status <= 599 && status != 503 && status != 501;
}

std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int attempt,
                                        std::mt19937& random) {
  long ceiling = policy.base_delay_ms;
  for (int i = 1; i < attempt && ceiling < policy.max_delay_ms; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, policy.max_delay_ms);
  if (ceiling <= 0) return std::chrono::milliseconds(0);
  std::uniform_int_distribution<long> pick(0, ceiling);
  return std::chrono::milliseconds(pick(random));
}

std::optional<std::chrono::milliseconds> parse_retry_after(const std::string& value,
                                                           long long now_unix_s) {
  std::string text = value;
  text.erase(0, text.find_first_not_of(" \t"));
  text.erase(text.find_last_not_of(" \t\r\n") + 1);
  if (text.empty()) return std::nullopt;
  if (std::all_of(text.begin(), text.end(),
                  [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    if (text.size() > 9) return std::chrono::hours(24 * 365);  // absurd; the cap applies
    return std::chrono::seconds(std::stoll(text));
  }
  std::tm when{};
  char month[4] = {};
  char weekday[4] = {};
  int day = 0, year = 0, hour = 0, minute = 0, second = 0;
  // IMF-fixdate, the form RFC 9110 requires senders to use.
  if (std::sscanf(text.c_str(), "%3s, %d %3s %d %d:%d:%d GMT", weekday, &day, month, &year, &hour,
                  &minute, &second) != 7) {
    return std::nullopt;
  }
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int month_index = -1;
  for (int i = 0; i < 12; ++i) {
    if (std::string(months[i]) == month) month_index = i;
  }
  if (month_index < 0) return std::nullopt;
  // Fields outside a real date (eg year 2099999999) are unreadable: computed
  // as given, the wait would overflow (found by tests/fuzz/retry_after).
  if (year < 1900 || year > 9999 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 ||
      minute > 59 || second < 0 || second > 60) {
    return std::nullopt;
  }
  when.tm_year = year - 1900;
  when.tm_mon = month_index;
  when.tm_mday = day;
  when.tm_hour = hour;
  when.tm_min = minute;
  when.tm_sec = second;
  long long at = static_cast<long long>(timegm(&when));
  return std::chrono::seconds(std::max(0LL, at - now_unix_s));
}

}  // namespace mentoring::host
