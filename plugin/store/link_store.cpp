#include <mentoring/store/link_store.hpp>

#include <SQLiteCpp/Statement.h>

namespace mentoring::store {

std::string LinkStore::key() {
  SQLite::Statement s(db_, "SELECT secret FROM link_key WHERE id = 1");
  if (!s.executeStep()) return {};
  const auto column = s.getColumn(0);
  return std::string(static_cast<const char*>(column.getBlob()),
                     static_cast<std::size_t>(column.getBytes()));
}

std::string LinkStore::key_or_create(const std::string& new_key, const std::string& now) {
  SQLite::Statement s(db_,
                      "INSERT INTO link_key(id, secret, created_at) VALUES (1, ?, ?) "
                      "ON CONFLICT(id) DO NOTHING");
  s.bind(1, new_key.data(), static_cast<int>(new_key.size()));
  s.bind(2, now);
  s.exec();
  return key();
}

std::optional<LinkStore::Spent> LinkStore::spent(const std::string& nonce) {
  SQLite::Statement s(db_, "SELECT purpose, outcome, spent_on FROM link_spent WHERE nonce = ?");
  s.bind(1, nonce);
  if (!s.executeStep()) return std::nullopt;
  Spent out{s.getColumn(0).getString(), s.getColumn(1).getString(), std::nullopt};
  if (!s.getColumn(2).isNull()) out.on = s.getColumn(2).getString();
  return out;
}

bool LinkStore::spend(const std::string& nonce, const std::string& purpose,
                      const std::string& outcome, const std::optional<std::string>& on) {
  SQLite::Statement s(
      db_,
      "INSERT INTO link_spent(nonce, purpose, outcome, spent_on) VALUES (?, ?, ?, ?) "
      "ON CONFLICT(nonce) DO NOTHING");
  s.bind(1, nonce);
  s.bind(2, purpose);
  s.bind(3, outcome);
  if (on)
    s.bind(4, *on);
  else
    s.bind(4);
  return s.exec() == 1;
}

}  // namespace mentoring::store
