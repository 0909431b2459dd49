#include <mentoring/store/postgres/revision_repository.hpp>

#include "values.hpp"

#include <pqxx/pqxx>

#include <stdexcept>

namespace mentoring::store::postgres {

using namespace values;

PostgresRevisionRepository::PostgresRevisionRepository(OrgSession& session) : session_(session) {
  session_.prepare("revision.current", "SELECT n FROM store_revision WHERE org_id = $1 AND id = 1");
  session_.prepare("revision.lock",
                   "SELECT n FROM store_revision WHERE org_id = $1 AND id = 1 FOR UPDATE");
  session_.prepare("revision.fixpoint",
                   "SELECT passes_today, passes_fingerprint, passes_revision, passes_finished_at "
                   "FROM store_revision WHERE org_id = $1 AND id = 1 AND passes_today IS NOT NULL "
                   "AND passes_fingerprint IS NOT NULL AND passes_revision IS NOT NULL "
                   "AND passes_finished_at IS NOT NULL");
  // store_revision is not counted (migration 7 attaches no trigger to it), so recording the
  // passes changes no revision.
  session_.prepare("revision.record_passes",
                   "INSERT INTO store_revision AS r(org_id, id, n, passes_today, "
                   "passes_fingerprint, passes_revision, passes_finished_at) "
                   "VALUES ($1, 1, 0, $2, $3, $4, $5) ON CONFLICT (org_id, id) DO UPDATE SET "
                   "passes_today = excluded.passes_today, "
                   "passes_fingerprint = excluded.passes_fingerprint, "
                   "passes_revision = excluded.passes_revision, "
                   "passes_finished_at = excluded.passes_finished_at");
}

std::int64_t PostgresRevisionRepository::current() {
  return session_.run("reading the store revision", [&](pqxx::work& txn) -> std::int64_t {
    auto result = txn.exec_prepared("revision.current", session_.org_id());
    return result.empty() ? 0 : result[0][0].as<std::int64_t>();
  });
}

std::optional<PassesFixpoint> PostgresRevisionRepository::last_fixpoint() {
  return session_.run("reading the passes' fixpoint",
                      [&](pqxx::work& txn) -> std::optional<PassesFixpoint> {
                        auto result = txn.exec_prepared("revision.fixpoint", session_.org_id());
                        if (result.empty()) return std::nullopt;
                        const auto& row = result[0];
                        return PassesFixpoint{row[0].as<std::string>(), row[1].as<std::string>(),
                                              row[2].as<std::int64_t>(), row[3].as<std::string>()};
                      });
}

void PostgresRevisionRepository::record_passes(bool completed, std::int64_t before_passes,
                                               const std::string& today,
                                               const std::string& fingerprint,
                                               const std::string& finished_at) {
  if (session_.in_transaction())
    throw std::logic_error("organisation " + session_.org_id() +
                           ": the passes are recorded in a transaction of their own");
  session_.run("recording the passes", [&](pqxx::work& txn) {
    auto locked = txn.exec_prepared("revision.lock", session_.org_id());
    const std::int64_t revision = locked.empty() ? 0 : locked[0][0].as<std::int64_t>();
    const bool fixpoint = completed && revision == before_passes;
    const std::optional<std::string> none;
    const std::string revision_text = std::to_string(before_passes);
    txn.exec_prepared("revision.record_passes", session_.org_id(),
                      nullable(fixpoint ? std::optional(today) : none),
                      nullable(fixpoint ? std::optional(fingerprint) : none),
                      nullable(fixpoint ? std::optional(revision_text) : none),
                      nullable(fixpoint ? std::optional(finished_at) : none));
  });
}

}  // namespace mentoring::store::postgres
