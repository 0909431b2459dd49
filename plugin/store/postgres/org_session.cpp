#include <mentoring/store/postgres/org_session.hpp>

#include <stdexcept>

namespace mentoring::store::postgres {

OrgSession::OrgSession(Connection& connection, std::string org_id)
    : connection_(connection), org_id_(checked_org_id(std::move(org_id))) {}

OrgSession::~OrgSession() {
  rollback();
}

void OrgSession::begin() {
  if (transaction_ != nullptr)
    throw std::logic_error("organisation " + org_id_ + ": a transaction is already open");
  transaction_ = std::make_unique<OrgTransaction>(connection_, org_id_);
}

void OrgSession::commit() {
  if (transaction_ == nullptr)
    throw std::logic_error("organisation " + org_id_ + ": commit without a transaction");
  auto transaction = std::move(transaction_);  // gone whether the commit succeeds or not
  transaction->commit();
}

void OrgSession::rollback() noexcept {
  // The OrgTransaction's destructor aborts what was not committed (libpqxx logs, never
  // throws, when the abort itself fails: the connection is then broken anyway).
  transaction_.reset();
}

pqxx::work& OrgSession::transaction() {
  if (transaction_ == nullptr)
    throw std::logic_error("organisation " + org_id_ + ": no transaction is open");
  return transaction_->txn();
}

void OrgSession::fail(const char* what, const std::exception& e) {
  throw connection_.error(std::string(what) + " for organisation " + org_id_, e);
}

}  // namespace mentoring::store::postgres
