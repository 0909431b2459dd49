#include <mentoring/store/postgres/org_transaction.hpp>

#include <pqxx/pqxx>

#include <stdexcept>

namespace mentoring::store::postgres {

std::string checked_org_id(std::string org_id) {
  if (org_id.empty() || org_id.size() > OrgTransaction::kMaximumOrgIdBytes)
    throw std::invalid_argument("organisation id \"" + org_id.substr(0, 40) + "\": expected 1 to " +
                                std::to_string(OrgTransaction::kMaximumOrgIdBytes) +
                                " bytes, found " + std::to_string(org_id.size()));
  return org_id;
}

OrgTransaction::OrgTransaction(Connection& connection, std::string org_id)
    : connection_(connection),
      org_id_(checked_org_id(std::move(org_id))),
      txn_(connection.pq(), "organisation") {
  try {
    txn_.exec_params("SELECT set_config('mentoring.org_id', $1, true)", org_id_);
  } catch (const std::exception& e) {
    throw connection_.error("opening a transaction for organisation " + org_id_, e);
  }
}

void OrgTransaction::commit() {
  try {
    txn_.commit();
  } catch (const std::exception& e) {
    throw connection_.error("committing organisation " + org_id_ + "'s transaction", e);
  }
}

}  // namespace mentoring::store::postgres
