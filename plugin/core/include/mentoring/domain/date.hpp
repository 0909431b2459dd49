// mentoring/domain/date.hpp — calendar dates for schedules and eligibility.
//
//   Date start = parse_date("2027-03-01").value();
//   Date window_end = add_months(today, 6);        // clamps 31 Aug + 6 months to 28/29 Feb
//   std::string text = format_date(start);         // "2027-03-01"
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mentoring::domain {

using Date = std::chrono::sys_days;

// Strict YYYY-MM-DD; nullopt for anything else, including 2027-02-30.
std::optional<Date> parse_date(std::string_view text);
std::string format_date(Date date);

// The same day of the month, months later (or earlier when negative); the last
// day of the month when that day does not exist.
Date add_months(Date date, int months);

// The UTC calendar day of a unix time in milliseconds.
Date date_from_unix_ms(std::int64_t unix_ms);

// Days from a to b (b - a).
inline int days_between(Date a, Date b) {
  return static_cast<int>((b - a).count());
}

}  // namespace mentoring::domain
