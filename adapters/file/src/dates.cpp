#include "file_adapter/dates.hpp"

#include <array>
#include <charconv>

namespace mentoring::adapters::file {

namespace {

bool is_leap_year(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(int year, int month) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : kDays[static_cast<std::size_t>(month - 1)];
}

std::string_view month_name(int month) {
  static constexpr std::array<std::string_view, 12> kNames = {
      "January", "February", "March",     "April",   "May",      "June",
      "July",    "August",   "September", "October", "November", "December"};
  return kNames[static_cast<std::size_t>(month - 1)];
}

// Reads a run of min..max ASCII digits; nullopt if the text is anything else.
std::optional<int> read_number(std::string_view text, std::size_t min_digits,
                               std::size_t max_digits) {
  if (text.size() < min_digits || text.size() > max_digits) return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

// Zero-padded decimal, eg padded(7, 2) == "07".
std::string padded(int value, std::size_t width) {
  std::string digits = std::to_string(value);
  return std::string(digits.size() < width ? width - digits.size() : 0, '0') + digits;
}

// Splits "a<sep>b<sep>c" into exactly three parts.
std::optional<std::array<std::string_view, 3>> split3(std::string_view text, char separator) {
  auto first = text.find(separator);
  if (first == std::string_view::npos) return std::nullopt;
  auto second = text.find(separator, first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  if (text.find(separator, second + 1) != std::string_view::npos) return std::nullopt;
  return std::array<std::string_view, 3>{
      text.substr(0, first), text.substr(first + 1, second - first - 1), text.substr(second + 1)};
}

}  // namespace

std::optional<DateFormat> date_format_from_name(std::string_view name) {
  if (name == "YYYY-MM-DD") return DateFormat::year_month_day;
  if (name == "DD/MM/YYYY") return DateFormat::day_month_year;
  if (name == "MM/DD/YYYY") return DateFormat::month_day_year;
  return std::nullopt;
}

std::string_view name_of(DateFormat format) {
  switch (format) {
    case DateFormat::year_month_day:
      return "YYYY-MM-DD";
    case DateFormat::day_month_year:
      return "DD/MM/YYYY";
    case DateFormat::month_day_year:
      return "MM/DD/YYYY";
  }
  return "YYYY-MM-DD";
}

ParsedDate parse_date(std::string_view text, DateFormat format) {
  const std::string shape = "a date " + std::string(name_of(format));
  std::optional<int> year, month, day;
  if (format == DateFormat::year_month_day) {
    if (auto parts = split3(text, '-')) {
      year = read_number((*parts)[0], 4, 4);
      month = read_number((*parts)[1], 2, 2);
      day = read_number((*parts)[2], 2, 2);
    }
  } else if (auto parts = split3(text, '/')) {
    bool day_first = format == DateFormat::day_month_year;
    day = read_number((*parts)[day_first ? 0 : 1], 1, 2);
    month = read_number((*parts)[day_first ? 1 : 0], 1, 2);
    year = read_number((*parts)[2], 4, 4);
  }
  if (!year || !month || !day) return {std::nullopt, shape};
  if (*year < 1) return {std::nullopt, shape + " (year 0000 does not exist)"};
  if (*month < 1 || *month > 12) {
    return {std::nullopt, shape + " (there is no month " + std::to_string(*month) + ")"};
  }
  int last_day = days_in_month(*year, *month);
  if (*day < 1 || *day > last_day) {
    return {std::nullopt, shape + " (" + std::string(month_name(*month)) + " " +
                              std::to_string(*year) + " has " + std::to_string(last_day) +
                              " days)"};
  }
  std::string iso = padded(*year, 4) + "-" + padded(*month, 2) + "-" + padded(*day, 2);
  return {std::move(iso), {}};
}

}  // namespace mentoring::adapters::file
