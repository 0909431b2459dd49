// The connection wrapper against the test cluster: errors name the server and what
// failed, never the password.
#include "test_database.hpp"

#include <mentoring/store/postgres/connection.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <pqxx/pqxx>

namespace mentoring::store::postgres {
namespace {

using testing::cluster_url;
using ::testing::HasSubstr;
using ::testing::Not;

std::string setting(const std::string& url, const std::string& keyword) {
  // with_settings writes keyword='value' pairs; reading one back keeps the test independent
  // of the fixture's URL format.
  std::string conninfo = with_settings(url, {}, "test");
  auto at = conninfo.find(keyword + "='");
  if (at == std::string::npos) return {};
  at += keyword.size() + 2;
  return conninfo.substr(at, conninfo.find('\'', at) - at);
}

std::string error_of(const std::string& url) {
  try {
    Connection connection(url, "store_url");
  } catch (const PostgresError& e) {
    return e.what();
  }
  ADD_FAILURE() << "connected, expected an error";
  return {};
}

TEST(PostgresConnection, ConnectsAndReadsTheDatabaseClock) {
  Connection connection(cluster_url(), "store_url");
  EXPECT_THAT(connection.server(), HasSubstr("@127.0.0.1:"));
  EXPECT_THAT(connection.server(), Not(HasSubstr(setting(cluster_url(), "password"))));
  pqxx::work txn(connection.pq());
  auto first = database_now(txn);
  auto second = database_now(txn);
  EXPECT_LE(first, second);  // clock_timestamp, not the transaction's start
  auto local = std::chrono::system_clock::now();
  EXPECT_LT(std::chrono::abs(local - first), std::chrono::minutes(1));
  EXPECT_EQ(txn.exec1("SHOW application_name")[0].as<std::string>(), "mentoring-host");
}

TEST(PostgresConnection, AWrongPasswordNamesServerAndUserButNotThePassword) {
  std::string url = with_settings(cluster_url(), {{"password", "not-the-Password-42"}}, "test");
  std::string message = error_of(url);
  EXPECT_THAT(message, HasSubstr("mentoring_test@127.0.0.1:" + setting(cluster_url(), "port") +
                                 "/postgres"));
  EXPECT_THAT(message, HasSubstr("password authentication failed"));
  EXPECT_THAT(message, HasSubstr("connecting (URL from secret \"store_url\")"));
  EXPECT_THAT(message, Not(HasSubstr("not-the-Password-42")));
  EXPECT_THAT(message, Not(HasSubstr(setting(cluster_url(), "password"))));
}

TEST(PostgresConnection, AClosedPortNamesHostAndPort) {
  // Port 1 on loopback: nothing listens there (and binding it needs privileges).
  std::string url = with_settings(cluster_url(), {{"port", "1"}}, "test");
  std::string message = error_of(url);
  EXPECT_THAT(message, HasSubstr("127.0.0.1:1/postgres"));
  EXPECT_THAT(message, HasSubstr("Connection refused"));
  EXPECT_THAT(message, Not(HasSubstr(setting(cluster_url(), "password"))));
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

TEST(PostgresConnection, AnUnreadableUrlIsRefusedWithoutQuotingIt) {
  // A bad percent-escape in the password: libpq's own message would quote it.
  std::string message = error_of("postgresql://app:Sekr%zzit@127.0.0.1:5432/mentoring");
  EXPECT_THAT(message, HasSubstr("secret \"store_url\" cannot be read"));
  EXPECT_THAT(message, Not(HasSubstr("Sekr")));
  EXPECT_THAT(error_of("postgresql://app:pw@127.0.0.1:5432/db?no_such_setting=Sekr1t"),
              Not(HasSubstr("Sekr1t")));
}

TEST(PostgresConnection, WithSettingsReplacesAndKeepsTheRest) {
  std::string conninfo = with_settings("postgresql://u:p%27q@127.0.0.1:5433/one?sslmode=disable",
                                       {{"dbname", "two"}}, "test");
  EXPECT_THAT(conninfo, HasSubstr("dbname='two'"));
  EXPECT_THAT(conninfo, Not(HasSubstr("'one'")));
  EXPECT_THAT(conninfo, HasSubstr("password='p\\'q'"));  // quoted for key=value
  EXPECT_THAT(conninfo, HasSubstr("port='5433'"));
  EXPECT_THAT(conninfo, HasSubstr("sslmode='disable'"));
  // ... and reads back the same.
  EXPECT_EQ(setting(conninfo, "dbname"), "two");
}

}  // namespace
}  // namespace mentoring::store::postgres
