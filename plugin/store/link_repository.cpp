#include <mentoring/store/link_repository.hpp>

#include "columns.hpp"

#include <SQLiteCpp/VariadicBind.h>

namespace mentoring::store {

std::string SqliteLinkRepository::key() {
  SQLite::Statement& s = session_.prepared("SELECT secret FROM link_key WHERE id = 1");
  if (!s.executeStep()) return {};
  const auto column = s.getColumn(0);
  return std::string(static_cast<const char*>(column.getBlob()),
                     static_cast<std::size_t>(column.getBytes()));
}

std::string SqliteLinkRepository::key_or_create(const std::string& new_key,
                                                const std::string& now) {
  SQLite::Statement& s = session_.prepared(
      "INSERT INTO link_key(id, secret, created_at) VALUES (1, ?, ?) ON CONFLICT(id) DO NOTHING");
  s.bind(1, new_key.data(), static_cast<int>(new_key.size()));  // a BLOB: every byte kept
  s.bind(2, now);
  s.exec();
  return key();
}

std::optional<LinkRepository::Spent> SqliteLinkRepository::spent(const std::string& nonce) {
  SQLite::Statement& s =
      session_.prepared("SELECT purpose, outcome, spent_on FROM link_spent WHERE nonce = ?");
  SQLite::bind(s, nonce);
  if (!s.executeStep()) return std::nullopt;
  return Spent{s.getColumn(0).getString(), s.getColumn(1).getString(),
               columns::optional_text(s.getColumn(2))};
}

bool SqliteLinkRepository::spend(const std::string& nonce, const std::string& purpose,
                                 const std::string& outcome, const std::optional<std::string>& on) {
  SQLite::Statement& s = session_.prepared(
      "INSERT INTO link_spent(nonce, purpose, outcome, spent_on) VALUES (?, ?, ?, ?) "
      "ON CONFLICT(nonce) DO NOTHING");
  SQLite::bind(s, nonce, purpose, outcome);
  columns::bind_optional(s, 4, on);
  return s.exec() == 1;
}

}  // namespace mentoring::store
