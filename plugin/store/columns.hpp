// How the store's tables hold values, in one place for every store file:
// dates as YYYY-MM-DD text, absent values as NULL. Private to plugin/store.
#pragma once

#include <mentoring/domain/date.hpp>

#include <SQLiteCpp/Column.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace mentoring::store::columns {

inline void bind_optional(SQLite::Statement& s, int index,
                          const std::optional<std::string>& value) {
  if (value) {
    s.bind(index, *value);
  } else {
    s.bind(index);
  }
}

inline void bind_optional(SQLite::Statement& s, int index,
                          const std::optional<domain::Date>& value) {
  if (value) {
    s.bind(index, domain::format_date(*value));
  } else {
    s.bind(index);
  }
}

inline std::optional<std::string> optional_text(const SQLite::Column& column) {
  if (column.isNull()) return std::nullopt;
  return column.getString();
}

// The store only ever writes format_date(): anything else is a damaged file.
inline domain::Date required_date(const SQLite::Column& column) {
  auto date = domain::parse_date(column.getString());
  if (!date) throw std::runtime_error("store: malformed date \"" + column.getString() + "\"");
  return *date;
}

inline std::optional<domain::Date> optional_date(const SQLite::Column& column) {
  if (column.isNull()) return std::nullopt;
  return required_date(column);
}

// The row adaptor the rows headers shared with PostgreSQL decode through
// (enrolment_rows.hpp, leave_rows.hpp), over the current row of a stepped statement.
struct SqliteRow {
  SQLite::Statement& statement;
  std::int64_t integer(int i) const { return statement.getColumn(i).getInt64(); }
  std::string text(int i) const { return statement.getColumn(i).getString(); }
  std::optional<std::string> optional_text(int i) const {
    return columns::optional_text(statement.getColumn(i));
  }
};

// Every row of a bound statement, decoded by `decode`.
template <class Decode>
auto all_rows(SQLite::Statement& s, Decode decode) {
  std::vector<decltype(decode(SqliteRow{s}))> out;
  while (s.executeStep()) out.push_back(decode(SqliteRow{s}));
  return out;
}

}  // namespace mentoring::store::columns
