// Organisation leases: which `serve` host runs which organisation. A lease is a row of
// org_lease (organisation, holder, fencing token, expiry by the database's clock). A host
// acquires a free or expired lease (the token grows by one at every takeover), renews it
// before it expires, and commits each cycle only while its token is still current
// (record_cycle, inside the cycle's own transaction), so a host that lost its lease,
// paused or cut off, cannot commit.
#pragma once

#include <mentoring/store/postgres/connection.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace mentoring::store::postgres {

struct Lease {
  std::string org_id;
  std::string holder;
  std::int64_t token = 0;  // fencing token: larger for every later holder
  DbTime expires_at;       // by the database's clock
};

// A cycle's commit refused: the lease was lost (expired, released, or taken over).
// Names the organisation, holder and token, and what the database holds now.
class LeaseLost : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class LeaseStore {
 public:
  // holder: this host's id (unique per process, 1-200 bytes); period: how long a lease
  // lasts from its last acquisition or renewal (kMinimumPeriod to kMaximumPeriod).
  // Throws std::invalid_argument on either out of range.
  LeaseStore(Connection& connection, std::string holder, std::chrono::milliseconds period);

  // Takes the organisation's lease if nobody holds it or its lease expired; nullopt while
  // a lease is current (this holder's too: renew that one). A new organisation's first
  // token is 1, every takeover's the last one + 1.
  std::optional<Lease> acquire(const std::string& org_id);
  // Extends a lease this holder still holds under the same token and that has not
  // expired; nullopt when it was lost (then acquire again: a new token).
  std::optional<Lease> renew(const Lease& lease);
  // Gives the lease up at once (others may acquire it); false when it was not held.
  bool release(const Lease& lease);
  // This holder's current (unexpired) leases, by organisation.
  std::vector<Lease> held();
  // Every organisation's lease row (expired and released included; holder empty when released).
  std::vector<Lease> all();

  // The hosts alive: each announces itself (lease_host, until now + period) at every
  // heartbeat; leave() takes this one out at once (a clean stop).
  void heartbeat();
  void leave();
  // Hosts whose heartbeat has not expired (this one included once it beat).
  std::size_t live_hosts();

  const std::string& holder() const { return holder_; }
  std::chrono::milliseconds period() const { return period_; }

  static constexpr std::chrono::milliseconds kMinimumPeriod{100};
  static constexpr std::chrono::milliseconds kMaximumPeriod{std::chrono::hours(24)};
  static constexpr std::size_t kMaximumOrgIdBytes = 128;
  static constexpr std::size_t kMaximumHolderBytes = 200;

 private:
  Connection& connection_;
  std::string holder_;
  std::chrono::milliseconds period_;
};

// Inside the transaction holding a cycle's writes, just before its commit: records the
// cycle in cycle_log (organisation, holder, token, started_at, finished_at = the
// database's clock now) only if `lease` is still current (same holder and token, not
// expired); otherwise throws LeaseLost, and the caller's transaction must not commit.
// The check locks the lease row (FOR SHARE) until the transaction ends, so a takeover
// waits for this commit and then finds the lease as this commit left it. Returns the
// cycle_log row's id.
std::int64_t record_cycle(pqxx::transaction_base& txn, const Lease& lease, DbTime started_at);

// One round of a host's lease loop over the organisations every host is configured with,
// spreading them over the live hosts: heartbeat; renew what `held` holds (a lease that
// fails to renew is lost); share = ceil(organisations / live hosts); over the share, give
// up the surplus (the last organisations by id); under it, acquire free or expired ones
// until the share. Call it every period / 3 or more often, between cycles (a released
// lease's cycle would be refused). `held` is the host's own record, updated here.
struct BalanceRound {
  std::size_t live_hosts = 0;
  std::size_t share = 0;
  std::vector<std::string> acquired, released, lost;
};
BalanceRound balance(LeaseStore& leases, const std::vector<std::string>& organisations,
                     std::map<std::string, Lease>& held);

}  // namespace mentoring::store::postgres
