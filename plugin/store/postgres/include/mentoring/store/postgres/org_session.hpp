// mentoring/store/postgres/org_session.hpp — one organisation's work on the shared store:
// the PostgreSQL twin of StoreSession, which that organisation's repositories borrow
// (issue 17).
//
//   postgres::Connection connection(url, "store.url_secret");   // as the application role
//   postgres::OrgSession session(connection, "northwind");
//   postgres::PostgresPeopleRepository people(session);
//   postgres::PostgresCursorRepository cursors(session);
//   session.begin();                       // spans every repository of the session
//   people.upsert(person);
//   cursors.set_cursor("hr-export", "people", next_cursor);
//   session.commit();                      // or rollback(); the destructor rolls back
//
// Ownership: the session borrows the connection, which must outlive it; several sessions
// may share one connection one after another (never two transactions at once: libpq runs
// one at a time). Not thread-safe: one connection and its sessions per thread.
//
// The session does not migrate: the host's role (a member of mentoring_app) cannot create
// tables, so migrate() runs with the owner's connection before (migrations.hpp).
#pragma once

#include <mentoring/store/postgres/connection.hpp>
#include <mentoring/store/postgres/org_transaction.hpp>

#include <pqxx/transaction>

#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

namespace mentoring::store::postgres {

class OrgSession {
 public:
  // Throws std::invalid_argument for an organisation id outside 1 to
  // OrgTransaction::kMaximumOrgIdBytes bytes.
  OrgSession(Connection& connection, std::string org_id);
  ~OrgSession();
  OrgSession(const OrgSession&) = delete;
  OrgSession& operator=(const OrgSession&) = delete;

  const std::string& org_id() const noexcept { return org_id_; }
  Connection& connection() noexcept { return connection_; }

  // The organisation's transaction (what SQLite::Transaction on StoreSession::database() is
  // for SQLite): every repository call between begin() and commit() joins it, so a cycle's
  // page, its state changes, its actions and its cursor commit together. begin() while one
  // is open is a std::logic_error; commit() throws PostgresError naming the organisation
  // (the transaction is then gone); rollback() without one does nothing.
  void begin();
  void commit();
  void rollback() noexcept;
  bool in_transaction() const noexcept { return transaction_ != nullptr; }
  // The open transaction; std::logic_error without one.
  pqxx::work& transaction();

  // Runs f(pqxx::work&) in the open transaction or, outside one, in a transaction of its
  // own committed after f (a single call is atomic, as SQLite's autocommit makes it).
  // Errors from libpqxx come out as PostgresError naming the server, the organisation and
  // `what`; in the open transaction they leave it failed, to be rolled back.
  template <class F>
  auto run(const char* what, F&& f);

  // The session's statement cache is the connection's prepared statements: `sql` is
  // prepared under `name` once per connection (shared by every session and organisation on
  // it, since every statement takes the organisation as $1), then run with
  // txn.exec_prepared(name, org_id(), ...). Names are stable per statement ("people.upsert");
  // the same name with another SQL is a std::logic_error.
  void prepare(const char* name, const char* sql) { connection_.prepare_once(name, sql); }

 private:
  [[noreturn]] void fail(const char* what, const std::exception& e);

  Connection& connection_;
  std::string org_id_;
  std::unique_ptr<OrgTransaction> transaction_;
};

template <class F>
auto OrgSession::run(const char* what, F&& f) {
  if (transaction_ != nullptr) {
    try {
      return f(transaction_->txn());
    } catch (const PostgresError&) {
      throw;
    } catch (const pqxx::failure& e) {
      fail(what, e);
    }
  }
  OrgTransaction own(connection_, org_id_);
  try {
    if constexpr (std::is_void_v<decltype(f(own.txn()))>) {
      f(own.txn());
      own.commit();
    } else {
      auto result = f(own.txn());
      own.commit();
      return result;
    }
  } catch (const PostgresError&) {
    throw;
  } catch (const pqxx::failure& e) {
    fail(what, e);
  }
}

}  // namespace mentoring::store::postgres
