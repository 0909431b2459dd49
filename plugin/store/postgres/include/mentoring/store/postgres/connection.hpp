// One connection to the shared PostgreSQL store. Its URL comes from a secret: it is
// kept inside libpq only, never logged, and no error message quotes it.
#pragma once

#include <pqxx/connection>
#include <pqxx/transaction_base>

#include <chrono>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

namespace mentoring::store::postgres {

// Names the server (user@host:port/database) and what failed, with the server's or
// libpq's words; never the password.
class PostgresError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A time read from the database's clock (microseconds since the Unix epoch): leases
// compare only such times, so hosts' clocks never matter.
using DbTime = std::chrono::sys_time<std::chrono::microseconds>;

class Connection {
 public:
  // url: a libpq connection URI (postgresql://...) or key=value string; secret_name:
  // where it came from, for messages. A connect_timeout of kDefaultConnectTimeout
  // seconds is added unless the URL sets one. Throws PostgresError.
  Connection(const std::string& url, std::string_view secret_name);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  pqxx::connection& pq() { return *connection_; }
  // "user@host:port/database", for messages and logs.
  const std::string& server() const { return server_; }
  // The error that happened while doing `what`, as a PostgresError naming the server.
  [[nodiscard]] PostgresError error(std::string_view what, const std::exception& cause) const;

  // Prepares `sql` under `name` on this connection unless it already is (libpqxx prepares
  // it on the server at its first use): the statement cache every OrgSession on this
  // connection shares. The same name with another SQL is a std::logic_error.
  void prepare_once(const std::string& name, const char* sql);
  std::size_t prepared_statements() const noexcept { return prepared_.size(); }

  static constexpr int kDefaultConnectTimeout = 10;

 private:
  std::string server_;
  std::string password_;  // only to take it out of messages
  std::unique_ptr<pqxx::connection> connection_;
  std::unordered_map<std::string, std::string> prepared_;  // name -> SQL
};

// The URL with some settings replaced or added (libpq keywords: dbname, connect_timeout,
// application_name, ...), as a key=value string. Throws PostgresError, without quoting
// the URL, when libpq cannot read it.
std::string with_settings(const std::string& url,
                          const std::map<std::string, std::string>& settings,
                          std::string_view secret_name);

// The database's clock now (clock_timestamp(), not the transaction's start).
DbTime database_now(pqxx::transaction_base& txn);

}  // namespace mentoring::store::postgres
