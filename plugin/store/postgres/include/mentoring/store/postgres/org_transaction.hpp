// One organisation's transaction on the shared store: row-level security lets it see and
// write only that organisation's rows.
#pragma once

#include <mentoring/store/postgres/connection.hpp>

#include <pqxx/transaction>

#include <cstddef>
#include <string>
#include <string_view>

namespace mentoring::store::postgres {

// Opens a transaction and sets mentoring.org_id for it alone (set_config(..., true), the
// same as SET LOCAL), which every domain table's policy org_isolation compares with org_id
// (migration 7). The setting ends with the transaction, so a pooled connection never
// carries one organisation into the next. Only effective for a role subject to RLS: one
// that is neither superuser nor BYPASSRLS (the host logs in as a member of mentoring_app).
// The organisation id itself when it is 1 to OrgTransaction::kMaximumOrgIdBytes bytes (the
// org_ref domain's bound); otherwise std::invalid_argument naming the id (its first 40
// bytes), what was expected and what was found. Every entry point of this library that takes
// an organisation checks it so, before the server does.
std::string checked_org_id(std::string org_id);

class OrgTransaction {
 public:
  // Throws std::invalid_argument for an id outside 1 to kMaximumOrgIdBytes bytes, and
  // PostgresError (naming the server and the organisation) when the server refuses.
  OrgTransaction(Connection& connection, std::string org_id);
  OrgTransaction(const OrgTransaction&) = delete;
  OrgTransaction& operator=(const OrgTransaction&) = delete;

  pqxx::work& txn() { return txn_; }
  const std::string& org_id() const { return org_id_; }
  // Throws PostgresError naming the organisation; without commit() the destructor rolls
  // back.
  void commit();

  static constexpr std::size_t kMaximumOrgIdBytes = 128;  // the org_ref domain's bound

 private:
  Connection& connection_;
  std::string org_id_;
  pqxx::work txn_;
};

}  // namespace mentoring::store::postgres
