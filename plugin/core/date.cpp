#include <mentoring/domain/date.hpp>

#include <cstdio>

namespace mentoring::domain {

using namespace std::chrono;

std::optional<Date> parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  auto number = [&](std::size_t from, std::size_t length) {
    int value = 0;
    for (std::size_t i = from; i < from + length; ++i) value = value * 10 + (text[i] - '0');
    return value;
  };
  year_month_day ymd{year{number(0, 4)}, month{static_cast<unsigned>(number(5, 2))},
                     day{static_cast<unsigned>(number(8, 2))}};
  if (!ymd.ok()) return std::nullopt;
  return sys_days{ymd};
}

std::string format_date(Date date) {
  year_month_day ymd{date};
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buffer;
}

Date add_months(Date date, int months) {
  year_month_day ymd{date};
  year_month ym = year_month{ymd.year(), ymd.month()} + std::chrono::months{months};
  auto last = year_month_day_last{ym.year(), month_day_last{ym.month()}}.day();
  return sys_days{year_month_day{ym.year(), ym.month(), std::min(ymd.day(), last)}};
}

Date date_from_unix_ms(std::int64_t unix_ms) {
  return floor<days>(sys_time<milliseconds>{milliseconds{unix_ms}});
}

}  // namespace mentoring::domain
