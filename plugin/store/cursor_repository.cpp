#include <mentoring/store/cursor_repository.hpp>

#include <SQLiteCpp/VariadicBind.h>

namespace mentoring::store {

std::optional<std::string> SqliteCursorRepository::cursor(const std::string& adapter,
                                                          const std::string& stream) {
  SQLite::Statement& s =
      session_.prepared("SELECT cursor FROM sync_cursor WHERE adapter = ? AND stream = ?");
  SQLite::bind(s, adapter, stream);
  if (!s.executeStep()) return std::nullopt;
  return s.getColumn(0).getString();
}

void SqliteCursorRepository::set_cursor(const std::string& adapter, const std::string& stream,
                                        const std::string& cursor) {
  SQLite::Statement& s = session_.prepared(
      "INSERT INTO sync_cursor(adapter, stream, cursor) VALUES (?,?,?) "
      "ON CONFLICT(adapter, stream) DO UPDATE SET cursor=excluded.cursor");
  SQLite::bind(s, adapter, stream, cursor);
  s.exec();
}

}  // namespace mentoring::store
