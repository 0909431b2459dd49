// What the rows headers both backends decode through (enrolment_rows.hpp, leave_rows.hpp)
// have in common. Private to plugin/store (and its postgres/ folder).
#pragma once

#include <mentoring/domain/date.hpp>

#include <optional>
#include <stdexcept>
#include <string>

namespace mentoring::store::rows {

// A date column the store writes with format_date: anything else is a damaged database,
// named by `whose` ("leave L1") and the column.
inline std::optional<domain::Date> stored_date(const std::optional<std::string>& text,
                                               const std::string& whose, const char* column) {
  if (!text) return std::nullopt;
  auto parsed = domain::parse_date(*text);
  if (!parsed)
    throw std::runtime_error("store: " + whose + " has " + column + " \"" + text->substr(0, 40) +
                             "\"; expected a date YYYY-MM-DD");
  return parsed;
}

}  // namespace mentoring::store::rows
