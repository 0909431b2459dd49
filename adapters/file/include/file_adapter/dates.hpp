// file_adapter/dates.hpp — reads the date formats HR exports use and writes
// YYYY-MM-DD, refusing dates that do not exist (2024-02-30, month 13).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mentoring::adapters::file {

enum class DateFormat { year_month_day, day_month_year, month_day_year };

// "YYYY-MM-DD", "DD/MM/YYYY" or "MM/DD/YYYY" -> the format; nullopt otherwise.
std::optional<DateFormat> date_format_from_name(std::string_view name);
std::string_view name_of(DateFormat format);

struct ParsedDate {
  std::optional<std::string> iso;  // YYYY-MM-DD when the text is a real date
  std::string expected;            // otherwise: what was expected, in words
};

// Slash formats accept one- or two-digit day and month ("7/3/2024"); the year
// always has four digits.
ParsedDate parse_date(std::string_view text, DateFormat format);

}  // namespace mentoring::adapters::file
