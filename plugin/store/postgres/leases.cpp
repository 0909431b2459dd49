#include <mentoring/store/postgres/leases.hpp>
#include <mentoring/store/postgres/org_transaction.hpp>

#include <pqxx/pqxx>

#include <algorithm>
#include <iterator>

namespace mentoring::store::postgres {

namespace {

// Times cross the wire as microseconds since the epoch: exact, and no time zone.
const char* const kMicros = "(extract(epoch FROM expires_at) * 1000000)::bigint";

DbTime micros(const pqxx::field& field) {
  return DbTime(std::chrono::microseconds(field.as<std::int64_t>()));
}

Lease lease_from(const pqxx::row& row) {
  // org_id, holder, token, expires_at (micros)
  return Lease{row[0].as<std::string>(),
               row[1].is_null() ? std::string() : row[1].as<std::string>(),
               row[2].as<std::int64_t>(), micros(row[3])};
}

}  // namespace

LeaseStore::LeaseStore(Connection& connection, std::string holder, std::chrono::milliseconds period)
    : connection_(connection), holder_(std::move(holder)), period_(period) {
  if (holder_.empty() || holder_.size() > kMaximumHolderBytes)
    throw std::invalid_argument("lease holder id: expected 1 to " +
                                std::to_string(kMaximumHolderBytes) + " bytes, found " +
                                std::to_string(holder_.size()));
  if (period_ < kMinimumPeriod || period_ > kMaximumPeriod)
    throw std::invalid_argument("lease period: expected " + std::to_string(kMinimumPeriod.count()) +
                                " ms to 24 h, found " + std::to_string(period_.count()) + " ms");
}

std::optional<Lease> LeaseStore::acquire(const std::string& org_id) {
  try {
    pqxx::work txn(connection_.pq());
    // A new organisation's row is inserted with token 1; an existing one is taken over
    // only when free or expired. A concurrent acquirer waits on the row (or the key) and
    // then re-checks the condition against what the first one committed.
    auto result = txn.exec_params(std::string(R"sql(
INSERT INTO org_lease AS l (org_id, holder, token, acquired_at, expires_at)
VALUES ($1, $2, 1, clock_timestamp(), clock_timestamp() + $3 * interval '1 millisecond')
ON CONFLICT (org_id) DO UPDATE
  SET holder = excluded.holder, token = l.token + 1, acquired_at = clock_timestamp(),
      expires_at = clock_timestamp() + $3 * interval '1 millisecond'
  WHERE l.holder IS NULL OR l.expires_at <= clock_timestamp()
RETURNING org_id, holder, token, )sql") +
                                      kMicros,
                                  checked_org_id(org_id), holder_,
                                  static_cast<std::int64_t>(period_.count()));
    txn.commit();
    if (result.empty()) return std::nullopt;
    return lease_from(result[0]);
  } catch (const std::invalid_argument&) {
    throw;
  } catch (const std::exception& e) {
    throw connection_.error("acquiring the lease of organisation \"" + org_id + "\" for " + holder_,
                            e);
  }
}

std::optional<Lease> LeaseStore::renew(const Lease& lease) {
  try {
    pqxx::work txn(connection_.pq());
    auto result = txn.exec_params(std::string(R"sql(
UPDATE org_lease SET expires_at = clock_timestamp() + $4 * interval '1 millisecond'
WHERE org_id = $1 AND holder = $2 AND token = $3 AND expires_at > clock_timestamp()
RETURNING org_id, holder, token, )sql") +
                                      kMicros,
                                  lease.org_id, holder_, lease.token,
                                  static_cast<std::int64_t>(period_.count()));
    txn.commit();
    if (result.empty()) return std::nullopt;
    return lease_from(result[0]);
  } catch (const std::exception& e) {
    throw connection_.error(
        "renewing the lease of organisation \"" + lease.org_id + "\" for " + holder_, e);
  }
}

bool LeaseStore::release(const Lease& lease) {
  try {
    pqxx::work txn(connection_.pq());
    // The row stays (holder NULL): the next holder's token continues from this one.
    auto result = txn.exec_params(R"sql(
UPDATE org_lease SET holder = NULL, expires_at = clock_timestamp()
WHERE org_id = $1 AND holder = $2 AND token = $3 AND expires_at > clock_timestamp()
RETURNING org_id)sql",
                                  lease.org_id, holder_, lease.token);
    txn.commit();
    return !result.empty();
  } catch (const std::exception& e) {
    throw connection_.error(
        "releasing the lease of organisation \"" + lease.org_id + "\" for " + holder_, e);
  }
}

std::vector<Lease> LeaseStore::held() {
  try {
    pqxx::read_transaction txn(connection_.pq());
    std::vector<Lease> leases;
    for (const auto& row :
         txn.exec_params(std::string("SELECT org_id, holder, token, ") + kMicros + R"sql(
FROM org_lease WHERE holder = $1 AND expires_at > clock_timestamp() ORDER BY org_id)sql",
                         holder_))
      leases.push_back(lease_from(row));
    return leases;
  } catch (const std::exception& e) {
    throw connection_.error("listing the leases held by " + holder_, e);
  }
}

std::vector<Lease> LeaseStore::all() {
  try {
    pqxx::read_transaction txn(connection_.pq());
    std::vector<Lease> leases;
    for (const auto& row : txn.exec(std::string("SELECT org_id, holder, token, ") + kMicros +
                                    " FROM org_lease ORDER BY org_id"))
      leases.push_back(lease_from(row));
    return leases;
  } catch (const std::exception& e) {
    throw connection_.error("listing the organisations' leases", e);
  }
}

void LeaseStore::heartbeat() {
  try {
    pqxx::work txn(connection_.pq());
    txn.exec_params(R"sql(
INSERT INTO lease_host (holder, seen_until) VALUES ($1, clock_timestamp() + $2 * interval '1 millisecond')
ON CONFLICT (holder) DO UPDATE SET seen_until = excluded.seen_until)sql",
                    holder_, static_cast<std::int64_t>(period_.count()));
    txn.commit();
  } catch (const std::exception& e) {
    throw connection_.error("announcing host " + holder_, e);
  }
}

void LeaseStore::leave() {
  try {
    pqxx::work txn(connection_.pq());
    txn.exec_params("DELETE FROM lease_host WHERE holder = $1", holder_);
    txn.commit();
  } catch (const std::exception& e) {
    throw connection_.error("taking host " + holder_ + " out of the hosts alive", e);
  }
}

std::size_t LeaseStore::live_hosts() {
  try {
    pqxx::read_transaction txn(connection_.pq());
    return txn.exec1("SELECT count(*) FROM lease_host WHERE seen_until > clock_timestamp()")[0]
        .as<std::size_t>();
  } catch (const std::exception& e) {
    throw connection_.error("counting the hosts alive", e);
  }
}

BalanceRound balance(LeaseStore& leases, const std::vector<std::string>& organisations,
                     std::map<std::string, Lease>& held) {
  BalanceRound round;
  leases.heartbeat();
  for (auto it = held.begin(); it != held.end();) {
    if (auto renewed = leases.renew(it->second)) {
      it->second = *renewed;
      ++it;
    } else {
      round.lost.push_back(it->first);
      it = held.erase(it);
    }
  }
  round.live_hosts = std::max<std::size_t>(leases.live_hosts(), 1);
  round.share = (organisations.size() + round.live_hosts - 1) / round.live_hosts;
  while (held.size() > round.share) {
    auto last = std::prev(held.end());
    leases.release(last->second);
    round.released.push_back(last->first);
    held.erase(last);
  }
  for (const auto& org : organisations) {
    if (held.size() >= round.share) break;
    if (held.contains(org)) continue;
    if (auto lease = leases.acquire(org)) {
      held.emplace(org, *lease);
      round.acquired.push_back(org);
    }
  }
  return round;
}

std::int64_t record_cycle(pqxx::transaction_base& txn, const Lease& lease, DbTime started_at) {
  // FOR SHARE: a takeover or release (an UPDATE of the row) waits for this transaction;
  // under READ COMMITTED a row changed meanwhile is re-checked in its newest version.
  auto result = txn.exec_params(R"sql(
WITH current_lease AS (
  SELECT org_id FROM org_lease
  WHERE org_id = $1 AND holder = $2 AND token = $3 AND expires_at > clock_timestamp()
  FOR SHARE
)
INSERT INTO cycle_log (org_id, holder, token, started_at, finished_at)
SELECT org_id, $2, $3, to_timestamp(0) + $4 * interval '1 microsecond', clock_timestamp()
FROM current_lease
RETURNING id)sql",
                                lease.org_id, lease.holder, lease.token,
                                static_cast<std::int64_t>(started_at.time_since_epoch().count()));
  if (!result.empty()) return result[0][0].as<std::int64_t>();

  auto now = txn.exec_params(
      std::string("SELECT holder, token, expires_at <= clock_timestamp() FROM org_lease "
                  "WHERE org_id = $1"),
      lease.org_id);
  std::string found = "no lease row";
  if (!now.empty()) {
    found =
        now[0][0].is_null() ? std::string("released") : "held by " + now[0][0].as<std::string>();
    found += " under token " + now[0][1].as<std::string>();
    if (now[0][2].as<bool>()) found += ", expired";
  }
  throw LeaseLost("cycle of organisation \"" + lease.org_id + "\" by " + lease.holder +
                  " under token " + std::to_string(lease.token) +
                  " not committed: the lease is no longer this holder's (" + found + ")");
}

}  // namespace mentoring::store::postgres
