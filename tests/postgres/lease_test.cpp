// Organisation leases against a real PostgreSQL: hosts (separate processes) contending
// for organisations, renewal, takeover after a host is killed, and the fencing token
// refusing a stale holder's cycle.
#include "test_database.hpp"

#include <mentoring/store/postgres/leases.hpp>
#include <mentoring/store/postgres/migrations.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <atomic>
#include <map>
#include <optional>
#include <sstream>
#include <thread>

namespace mentoring::store::postgres {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using testing::Processes;
using testing::TestDatabase;

const std::vector<std::string> kOrgs = {"org-00", "org-01", "org-02", "org-03", "org-04",
                                        "org-05", "org-06", "org-07", "org-08", "org-09"};

// A database migrated, with a table standing for a cycle's own writes.
void prepare(const TestDatabase& db) {
  Connection connection(db.url(), "test");
  migrate(connection);
  pqxx::work txn(connection.pq());
  txn.exec(
      "CREATE TABLE work_done (org_id text NOT NULL, holder text NOT NULL, token bigint NOT NULL)");
  txn.commit();
}

// One cycle: its writes and its cycle_log row commit together, or neither.
bool run_cycle(Connection& connection, const Lease& lease, std::string* refusal = nullptr) {
  pqxx::work txn(connection.pq());
  DbTime started = database_now(txn);
  txn.exec_params("INSERT INTO work_done VALUES ($1, $2, $3)", lease.org_id, lease.holder,
                  lease.token);
  try {
    record_cycle(txn, lease, started);
  } catch (const LeaseLost& e) {
    if (refusal) *refusal = e.what();
    return false;  // txn's destructor rolls the writes back
  }
  txn.commit();
  return true;
}

std::int64_t count(Connection& connection, const std::string& sql) {
  pqxx::read_transaction txn(connection.pq());
  return txn.exec1(sql)[0].as<std::int64_t>();
}

// From the database's own log: no two holders' cycles of one organisation overlap, and
// every cycle's work row is there (and only those).
void expect_cycle_log_consistent(Connection& connection) {
  pqxx::read_transaction txn(connection.pq());
  auto rows = txn.exec(
      "SELECT org_id, holder, token, started_at, finished_at FROM cycle_log ORDER BY org_id, "
      "started_at, id");
  for (std::size_t i = 1; i < rows.size(); ++i) {
    if (rows[i][0].as<std::string>() != rows[i - 1][0].as<std::string>()) continue;
    if (rows[i][2].as<std::int64_t>() == rows[i - 1][2].as<std::int64_t>()) continue;
    EXPECT_GE(rows[i][2].as<std::int64_t>(), rows[i - 1][2].as<std::int64_t>());
    auto ordered = txn.exec_params1("SELECT $1::timestamptz <= $2::timestamptz",
                                    rows[i - 1][4].c_str(), rows[i][3].c_str());
    EXPECT_TRUE(ordered[0].as<bool>())
        << rows[i][0].c_str() << ": the cycle of " << rows[i - 1][1].c_str() << " ended after "
        << rows[i][1].c_str() << "'s began";
  }
  EXPECT_EQ(txn.exec1("SELECT count(*) FROM cycle_log")[0].as<std::int64_t>(),
            txn.exec1("SELECT count(*) FROM work_done")[0].as<std::int64_t>());
  EXPECT_EQ(
      txn.exec1("SELECT count(*) FROM work_done w WHERE NOT EXISTS (SELECT 1 FROM cycle_log c "
                "WHERE c.org_id = w.org_id AND c.holder = w.holder AND c.token = w.token)")[0]
          .as<std::int64_t>(),
      0);
}

// A host: acquires what is free, renews what it holds and runs a cycle on each, every
// `tick`, for `duration`. Reports "org token" per lease held at the end; exit 3 when a
// renewal failed (a lease lost while its holder was alive and renewing).
int host_loop(const std::string& url, const std::string& holder, std::chrono::milliseconds period,
              std::chrono::milliseconds duration, std::chrono::milliseconds tick,
              std::size_t first_org, std::string& out) {
  Connection connection(url, "test");
  LeaseStore leases(connection, holder, period);
  std::map<std::string, Lease> held;
  int code = 0;
  auto until = std::chrono::steady_clock::now() + duration;
  while (std::chrono::steady_clock::now() < until) {
    for (std::size_t i = 0; i < kOrgs.size(); ++i) {
      const std::string& org = kOrgs[(first_org + i) % kOrgs.size()];
      if (auto it = held.find(org); it != held.end()) {
        auto renewed = leases.renew(it->second);
        if (!renewed) {
          out += "lost " + org + "\n";
          held.erase(it);
          code = 3;
          continue;
        }
        it->second = *renewed;
        if (!run_cycle(connection, it->second)) {
          out += "cycle refused " + org + "\n";
          code = 3;
        }
      } else if (auto lease = leases.acquire(org)) {
        held[org] = *lease;
      }
    }
    std::this_thread::sleep_for(tick);
  }
  for (const auto& [org, lease] : held) out += org + " " + std::to_string(lease.token) + "\n";
  return code;
}

std::map<std::string, std::pair<std::string, std::int64_t>> holders_in(Connection& connection) {
  std::map<std::string, std::pair<std::string, std::int64_t>> out;
  pqxx::read_transaction txn(connection.pq());
  for (const auto& row : txn.exec("SELECT org_id, holder, token FROM org_lease WHERE holder IS NOT "
                                  "NULL AND expires_at > clock_timestamp()"))
    out[row[0].as<std::string>()] = {row[1].as<std::string>(), row[2].as<std::int64_t>()};
  return out;
}

DbTime acquired_at(Connection& connection, const std::string& org_id) {
  pqxx::read_transaction txn(connection.pq());
  return DbTime(std::chrono::microseconds(
      txn.exec_params1("SELECT (extract(epoch FROM acquired_at) * 1000000)::bigint FROM org_lease "
                       "WHERE org_id = $1",
                       org_id)[0]
          .as<std::int64_t>()));
}

TEST(PostgresLeases, AcquireRenewReleaseAndTheTokenGrowsAtEveryTakeover) {
  TestDatabase db;
  prepare(db);
  Connection a_connection(db.url(), "test"), b_connection(db.url(), "test");
  LeaseStore a(a_connection, "host-a", 2s), b(b_connection, "host-b", 2s);

  auto lease = a.acquire("northwind");
  ASSERT_TRUE(lease);
  EXPECT_EQ(lease->token, 1);
  EXPECT_EQ(lease->holder, "host-a");
  EXPECT_FALSE(b.acquire("northwind"));
  EXPECT_FALSE(a.acquire("northwind"));  // held: renew, not acquire

  std::this_thread::sleep_for(20ms);
  auto renewed = a.renew(*lease);
  ASSERT_TRUE(renewed);
  EXPECT_EQ(renewed->token, 1);
  EXPECT_GT(renewed->expires_at, lease->expires_at);
  ASSERT_EQ(a.held().size(), 1u);
  EXPECT_TRUE(b.held().empty());

  EXPECT_TRUE(a.release(*renewed));
  EXPECT_FALSE(a.release(*renewed));
  EXPECT_TRUE(a.held().empty());
  auto taken = b.acquire("northwind");
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->token, 2);
  EXPECT_FALSE(a.renew(*renewed));  // the old token is dead
  EXPECT_FALSE(a.release(*renewed));
  ASSERT_EQ(b.all().size(), 1u);
  EXPECT_EQ(b.all()[0].holder, "host-b");

  EXPECT_THROW(LeaseStore(a_connection, "", 2s), std::invalid_argument);
  EXPECT_THROW(LeaseStore(a_connection, "h", 10ms), std::invalid_argument);
  EXPECT_THROW(a.acquire(std::string(200, 'x')), std::invalid_argument);
}

void contend(int hosts) {
  TestDatabase db;
  prepare(db);
  Processes processes;
  for (int i = 0; i < hosts; ++i)
    processes.spawn([&, i](std::string& out) {
      // Each host starts at another organisation, so they race for the same rows.
      return host_loop(db.url(), "host-" + std::to_string(i), 1500ms, 2500ms, 100ms,
                       static_cast<std::size_t>(i) * 7, out);
    });
  auto results = processes.wait_all();

  Connection connection(db.url(), "test");
  auto in_database = holders_in(connection);
  std::map<std::string, std::string> believed;  // org -> the host that believes it holds it
  for (int i = 0; i < hosts; ++i) {
    const auto& result = results[static_cast<std::size_t>(i)];
    EXPECT_EQ(result.exit_code, 0) << "host-" << i << ":\n" << result.report;
    std::istringstream lines(result.report);
    std::string org;
    std::int64_t token = 0;
    while (lines >> org >> token) {
      EXPECT_TRUE(believed.emplace(org, "host-" + std::to_string(i)).second)
          << org << " held by two hosts: " << believed[org] << " and host-" << i;
      EXPECT_EQ(token, 1) << org << ": renewal keeps the first token";
      EXPECT_EQ(in_database[org], std::make_pair("host-" + std::to_string(i), token));
    }
  }
  EXPECT_EQ(believed.size(), kOrgs.size());
  EXPECT_EQ(in_database.size(), kOrgs.size());
  // Every organisation ran its cycles, under one holder and token for the whole run.
  EXPECT_EQ(count(connection, "SELECT count(DISTINCT org_id) FROM cycle_log"), 10);
  EXPECT_EQ(count(connection, "SELECT count(DISTINCT (org_id, holder, token)) FROM cycle_log"), 10);
  expect_cycle_log_consistent(connection);
}

TEST(PostgresLeases, TwoHostProcessesContendForTenOrganisationsEachHasOneHolder) {
  contend(2);
}
TEST(PostgresLeases, ThreeHostProcessesContendForTenOrganisationsEachHasOneHolder) {
  contend(3);
}

TEST(PostgresLeases, AKilledHostsOrganisationsAreTakenOverWithinTheLeasePeriodWithALargerToken) {
  TestDatabase db;
  prepare(db);
  constexpr auto kPeriod = 1000ms;
  Connection connection(db.url(), "test");

  Processes first;
  pid_t victim = first.spawn([&](std::string& out) {
    return host_loop(db.url(), "host-victim", kPeriod, 60s, 50ms, 0, out);
  });
  first.open_gate();
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (holders_in(connection).size() < kOrgs.size() &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);
  ASSERT_EQ(holders_in(connection).size(), kOrgs.size());
  std::this_thread::sleep_for(300ms);  // a few renewals and cycles
  ::kill(victim, SIGKILL);
  auto victim_result = first.wait_all();
  EXPECT_EQ(victim_result[0].exit_code, -SIGKILL);

  std::vector<Lease> stale;
  DbTime killed_at;
  {
    LeaseStore reader(connection, "reader", kPeriod);
    stale = reader.all();
    pqxx::read_transaction txn(connection.pq());
    killed_at = database_now(txn);
  }
  ASSERT_EQ(stale.size(), kOrgs.size());
  for (const auto& lease : stale) EXPECT_EQ(lease.holder, "host-victim");

  // Two survivors poll every 50 ms, as serve's lease loop would.
  Processes survivors;
  for (int i = 0; i < 2; ++i)
    survivors.spawn([&, i](std::string& out) {
      return host_loop(db.url(), "host-" + std::to_string(i), kPeriod, 2000ms, 50ms,
                       static_cast<std::size_t>(i) * 5, out);
    });
  auto results = survivors.wait_all();
  for (const auto& result : results) EXPECT_EQ(result.exit_code, 0) << result.report;

  auto now = holders_in(connection);
  ASSERT_EQ(now.size(), kOrgs.size());
  for (const auto& lease : stale) {
    SCOPED_TRACE(lease.org_id);
    auto [holder, token] = now[lease.org_id];
    EXPECT_TRUE(holder == "host-0" || holder == "host-1") << holder;
    EXPECT_EQ(token, lease.token + 1);
    DbTime taken_at = acquired_at(connection, lease.org_id);
    EXPECT_GE(taken_at, lease.expires_at) << "taken over before the lease expired";
    EXPECT_LE(taken_at - killed_at, kPeriod + 300ms) << "not taken over within the lease period";
    // The dead host's lease, were it to come back, commits nothing.
    std::string refusal;
    EXPECT_FALSE(run_cycle(connection, lease, &refusal));
    EXPECT_THAT(refusal, HasSubstr("held by " + holder + " under token " + std::to_string(token)));
  }
  expect_cycle_log_consistent(connection);
}

// A host running balance() every `tick` and a cycle on each organisation it holds; exit 3
// when it lost a lease while alive or a cycle was refused.
int balancing_host(const std::string& url, const std::string& holder,
                   std::chrono::milliseconds period, std::chrono::milliseconds duration,
                   std::chrono::milliseconds tick, std::string& out) {
  Connection connection(url, "test");
  LeaseStore leases(connection, holder, period);
  std::map<std::string, Lease> held;
  int code = 0;
  auto until = std::chrono::steady_clock::now() + duration;
  while (std::chrono::steady_clock::now() < until) {
    auto round = balance(leases, kOrgs, held);
    for (const auto& org : round.lost) {
      out += "lost " + org + "\n";
      code = 3;
    }
    for (const auto& [org, lease] : held)
      if (!run_cycle(connection, lease)) {
        out += "cycle refused " + org + "\n";
        code = 3;
      }
    std::this_thread::sleep_for(tick);
  }
  return code;
}

// Polls the database until every organisation is held, by `hosts` hosts, none holding
// more than `most`; false after `timeout`.
bool spread_reached(Connection& connection, std::size_t hosts, std::size_t most,
                    std::chrono::milliseconds timeout, std::string& last_seen) {
  auto until = std::chrono::steady_clock::now() + timeout;
  do {
    std::map<std::string, std::size_t> per_host;
    auto now = holders_in(connection);
    for (const auto& [org, holder] : now) ++per_host[holder.first];
    last_seen.clear();
    std::size_t largest = 0;
    for (const auto& [host, n] : per_host) {
      last_seen += host + ":" + std::to_string(n) + " ";
      largest = std::max(largest, n);
    }
    if (now.size() == kOrgs.size() && per_host.size() == hosts && largest <= most) return true;
    std::this_thread::sleep_for(25ms);
  } while (std::chrono::steady_clock::now() < until);
  return false;
}

TEST(PostgresLeases, BalanceSpreadsTheOrganisationsOverTheHostsAliveAndAJoiningHostTakesItsShare) {
  TestDatabase db;
  prepare(db);
  constexpr auto kPeriod = 1500ms;
  Connection connection(db.url(), "test");
  Processes first_three;
  for (int i = 0; i < 3; ++i)
    first_three.spawn([&, i](std::string& out) {
      return balancing_host(db.url(), "host-" + std::to_string(i), kPeriod, 5000ms, 100ms, out);
    });
  first_three.open_gate();
  std::string seen;
  EXPECT_TRUE(spread_reached(connection, 3, 4, 3s, seen)) << "3 hosts, 10 organisations: " << seen;

  Processes fourth;
  fourth.spawn([&](std::string& out) {
    return balancing_host(db.url(), "host-3", kPeriod, 3000ms, 100ms, out);
  });
  fourth.open_gate();
  EXPECT_TRUE(spread_reached(connection, 4, 3, 3 * kPeriod, seen))
      << "4 hosts, 10 organisations: " << seen;

  for (const auto& result : first_three.wait_all()) EXPECT_EQ(result.exit_code, 0) << result.report;
  for (const auto& result : fourth.wait_all()) EXPECT_EQ(result.exit_code, 0) << result.report;
  expect_cycle_log_consistent(connection);
}

TEST(PostgresLeases, AHostThatLeavesIsNoLongerCounted) {
  TestDatabase db;
  prepare(db);
  Connection a_connection(db.url(), "test"), b_connection(db.url(), "test");
  LeaseStore a(a_connection, "host-a", 2s), b(b_connection, "host-b", 150ms);
  EXPECT_EQ(a.live_hosts(), 0u);
  a.heartbeat();
  b.heartbeat();
  EXPECT_EQ(a.live_hosts(), 2u);
  a.leave();
  EXPECT_EQ(a.live_hosts(), 1u);
  std::this_thread::sleep_for(250ms);  // b stopped beating
  EXPECT_EQ(a.live_hosts(), 0u);
}

TEST(PostgresLeases, AnExpiredHoldersCycleIsRefusedAndItsWritesRolledBack) {
  TestDatabase db;
  prepare(db);
  Connection a_connection(db.url(), "test"), b_connection(db.url(), "test");
  LeaseStore a(a_connection, "host-a", 150ms), b(b_connection, "host-b", 5s);
  auto lease = a.acquire("northwind");
  ASSERT_TRUE(lease);
  EXPECT_TRUE(run_cycle(a_connection, *lease));
  std::this_thread::sleep_for(250ms);

  // Expired, nobody took it yet: still refused.
  std::string refusal;
  EXPECT_FALSE(run_cycle(a_connection, *lease, &refusal));
  EXPECT_THAT(
      refusal,
      HasSubstr("cycle of organisation \"northwind\" by host-a under token 1 not committed"));
  EXPECT_THAT(refusal, HasSubstr("held by host-a under token 1, expired"));
  EXPECT_FALSE(a.renew(*lease));

  auto taken = b.acquire("northwind");
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->token, 2);
  EXPECT_FALSE(run_cycle(a_connection, *lease, &refusal));
  EXPECT_THAT(refusal, HasSubstr("held by host-b under token 2)"));
  EXPECT_TRUE(run_cycle(b_connection, *taken));
  ASSERT_TRUE(b.release(*taken));
  EXPECT_FALSE(run_cycle(b_connection, *taken, &refusal));
  EXPECT_THAT(refusal, HasSubstr("released under token 2"));

  EXPECT_EQ(count(a_connection, "SELECT count(*) FROM cycle_log"), 2);
  EXPECT_EQ(count(a_connection, "SELECT count(*) FROM work_done WHERE holder = 'host-a'"), 1);
  EXPECT_EQ(count(a_connection, "SELECT count(*) FROM work_done WHERE holder = 'host-b'"), 1);
  expect_cycle_log_consistent(a_connection);
}

TEST(PostgresLeases, ATakeoverWaitsForACycleThatPassedItsCheckThenFindsItCommitted) {
  TestDatabase db;
  prepare(db);
  Connection a_connection(db.url(), "test"), b_connection(db.url(), "test");
  LeaseStore a(a_connection, "host-a", 300ms), b(b_connection, "host-b", 5s);
  auto lease = a.acquire("northwind");
  ASSERT_TRUE(lease);

  pqxx::work txn(a_connection.pq());
  DbTime started = database_now(txn);
  txn.exec_params("INSERT INTO work_done VALUES ($1, $2, $3)", lease->org_id, lease->holder,
                  lease->token);
  record_cycle(txn, *lease, started);  // passes: the lease is current

  std::atomic<bool> committed{false};
  std::atomic<bool> acquired_before_commit{false};
  std::optional<Lease> taken;
  std::thread takeover([&] {
    std::this_thread::sleep_for(400ms);  // past the expiry
    taken = b.acquire("northwind");      // waits on the row A's check locked
    acquired_before_commit = !committed;
  });
  std::this_thread::sleep_for(800ms);
  committed = true;
  txn.commit();
  takeover.join();

  EXPECT_FALSE(acquired_before_commit);
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->token, 2);
  EXPECT_EQ(count(a_connection, "SELECT count(*) FROM cycle_log"), 1);
  expect_cycle_log_consistent(a_connection);
  // The takeover began after the cycle's check ended.
  pqxx::read_transaction check(a_connection.pq());
  EXPECT_TRUE(check
                  .exec1("SELECT l.acquired_at >= c.finished_at FROM org_lease l JOIN cycle_log c "
                         "USING (org_id)")[0]
                  .as<bool>());
}

}  // namespace
}  // namespace mentoring::store::postgres
