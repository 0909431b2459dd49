#include <mentoring/store/postgres/link_repository.hpp>

#include "values.hpp"

#include <pqxx/pqxx>

namespace mentoring::store::postgres {

PostgresLinkRepository::PostgresLinkRepository(OrgSession& session) : session_(session) {
  session_.prepare("link.key", "SELECT secret FROM link_key WHERE org_id = $1 AND id = 1");
  session_.prepare("link.create_key",
                   "INSERT INTO link_key(org_id, id, secret, created_at) VALUES ($1, 1, $2, $3) "
                   "ON CONFLICT (org_id, id) DO NOTHING");
  session_.prepare("link.spent",
                   "SELECT purpose, outcome, spent_on FROM link_spent "
                   "WHERE org_id = $1 AND nonce = $2");
  session_.prepare("link.spend",
                   "INSERT INTO link_spent(org_id, nonce, purpose, outcome, spent_on) "
                   "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (org_id, nonce) DO NOTHING");
}

namespace {

std::string read_key(pqxx::work& txn, const std::string& org_id) {
  auto result = txn.exec_prepared("link.key", org_id);
  if (result.empty()) return {};
  return pqxx::binarystring(result[0][0]).str();  // unescaped: the bytes written
}

}  // namespace

std::string PostgresLinkRepository::key() {
  return session_.run("reading the link signing key",
                      [&](pqxx::work& txn) { return read_key(txn, session_.org_id()); });
}

std::string PostgresLinkRepository::key_or_create(const std::string& new_key,
                                                  const std::string& now) {
  return session_.run("making the link signing key", [&](pqxx::work& txn) {
    // binarystring: a binary parameter, so a NUL or any other byte goes in as it is.
    txn.exec_prepared("link.create_key", session_.org_id(), pqxx::binarystring(new_key), now);
    return read_key(txn, session_.org_id());
  });
}

std::optional<LinkRepository::Spent> PostgresLinkRepository::spent(const std::string& nonce) {
  return session_.run("reading a spent link", [&](pqxx::work& txn) -> std::optional<Spent> {
    auto result = txn.exec_prepared("link.spent", session_.org_id(), nonce);
    if (result.empty()) return std::nullopt;
    return Spent{result[0][0].as<std::string>(), result[0][1].as<std::string>(),
                 values::optional_text(result[0][2])};
  });
}

bool PostgresLinkRepository::spend(const std::string& nonce, const std::string& purpose,
                                   const std::string& outcome,
                                   const std::optional<std::string>& on) {
  return session_.run("spending a link", [&](pqxx::work& txn) {
    return txn.exec_prepared("link.spend", session_.org_id(), nonce, purpose, outcome,
                             values::nullable(on))
               .affected_rows() == 1;
  });
}

}  // namespace mentoring::store::postgres
