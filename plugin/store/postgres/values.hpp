// How the PostgreSQL store's tables hold values, in one place for every repository here:
// the same as SQLite's (../columns.hpp): dates as YYYY-MM-DD text, absent values as NULL.
// Private to plugin/store/postgres.
//
// libpqxx 6.4 takes no std::optional as a statement parameter: an absent value is passed
// as a null `const char*` (nullable), which it sends as SQL NULL.
#pragma once

#include <mentoring/domain/date.hpp>

#include <pqxx/field>
#include <pqxx/result>
#include <pqxx/row>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace mentoring::store::postgres::values {

// The parameter for an optional text: its characters, or NULL. Valid while `value` lives.
inline const char* nullable(const std::optional<std::string>& value) {
  return value ? value->c_str() : nullptr;
}

inline std::optional<std::string> optional_date_text(const std::optional<domain::Date>& date) {
  if (!date) return std::nullopt;
  return domain::format_date(*date);
}

inline std::optional<std::string> optional_text(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return field.as<std::string>();
}

// The store only ever writes format_date(): anything else is a damaged row.
inline domain::Date required_date(const pqxx::field& field) {
  auto text = field.as<std::string>();
  auto date = domain::parse_date(text);
  if (!date) throw std::runtime_error("store: malformed date \"" + text + "\"");
  return *date;
}

inline std::optional<domain::Date> optional_date(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return required_date(field);
}

// The row adaptor the rows headers shared with SQLite decode through
// (../enrolment_rows.hpp, ../leave_rows.hpp), over a libpqxx row.
struct PostgresRow {
  const pqxx::row& row;
  std::int64_t integer(int i) const { return row[i].as<std::int64_t>(); }
  std::string text(int i) const { return row[i].as<std::string>(); }
  std::optional<std::string> optional_text(int i) const {
    if (row[i].is_null()) return std::nullopt;
    return row[i].as<std::string>();
  }
};

// Every row of a result, decoded by `decode`.
template <class Decode>
auto all_rows(const pqxx::result& result, Decode decode) {
  std::vector<decltype(decode(PostgresRow{result[0]}))> out;
  out.reserve(result.size());
  for (const auto& row : result) out.push_back(decode(PostgresRow{row}));
  return out;
}

}  // namespace mentoring::store::postgres::values
