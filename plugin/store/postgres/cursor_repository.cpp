#include <mentoring/store/postgres/cursor_repository.hpp>

#include <pqxx/pqxx>

namespace mentoring::store::postgres {

PostgresCursorRepository::PostgresCursorRepository(OrgSession& session) : session_(session) {
  session_.prepare("cursor.get",
                   "SELECT cursor FROM sync_cursor WHERE org_id = $1 AND adapter = $2 AND "
                   "stream = $3");
  session_.prepare("cursor.set",
                   "INSERT INTO sync_cursor(org_id, adapter, stream, cursor) VALUES ($1,$2,$3,$4) "
                   "ON CONFLICT (org_id, adapter, stream) DO UPDATE SET cursor = excluded.cursor");
}

std::optional<std::string> PostgresCursorRepository::cursor(const std::string& adapter,
                                                            const std::string& stream) {
  return session_.run("reading a sync cursor", [&](pqxx::work& txn) -> std::optional<std::string> {
    auto result = txn.exec_prepared("cursor.get", session_.org_id(), adapter, stream);
    if (result.empty()) return std::nullopt;
    return result[0][0].as<std::string>();
  });
}

void PostgresCursorRepository::set_cursor(const std::string& adapter, const std::string& stream,
                                          const std::string& cursor) {
  session_.run("writing a sync cursor", [&](pqxx::work& txn) {
    txn.exec_prepared("cursor.set", session_.org_id(), adapter, stream, cursor);
  });
}

}  // namespace mentoring::store::postgres
