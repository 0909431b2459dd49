// hr_session.hpp — the HR pages' login state (private to mentoring_serve):
// server-side sessions behind a cookie, and a bound on failed logins per
// client address.
//
//   SessionTable sessions(now);                      // now: the clock (tests move it)
//   auto opened = sessions.open(org, bearer);        // after authenticate() said yes
//   response cookie: opened.id; every form: opened.csrf
//   auto session = sessions.find(org, cookie_value); // nullopt: none, expired, other org
//
// The cookie carries only a random id (32 bytes from OpenSSL RAND_bytes, hex);
// the table is keyed by the id's SHA-256, so a lookup's timing says nothing
// about ids in the table. The bearer token stays in memory (never in the
// cookie or a page) so every request authenticates again: a revoked token
// ends its sessions at their next request.
//
// Threading: every member is thread-safe (one mutex each).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace mentoring::serve::pages {

using SessionTime = std::chrono::system_clock::time_point;
using SessionClock = std::function<SessionTime()>;

// n random bytes from OpenSSL RAND_bytes, as lower-case hex. Throws
// std::runtime_error when the generator fails (never a weaker fallback).
std::string random_hex(std::size_t bytes);

struct SessionLimits {
  std::chrono::seconds max_age{8 * 3600};
  std::chrono::seconds max_idle{30 * 60};
  std::size_t max_sessions = 1024;
};

struct Session {
  std::string organisation;
  std::string bearer;  // re-authenticated on every request; never sent anywhere
  std::string csrf;    // the token every form of this session carries
  SessionTime created, last_seen;
};

struct OpenedSession {
  std::string id;    // the cookie's value
  std::string csrf;  // for the forms
};

class SessionTable {
 public:
  explicit SessionTable(SessionClock now, SessionLimits limits = {});

  // A new session; expired ones are dropped first and, when the table is
  // still full, the one idle longest makes room.
  OpenedSession open(const std::string& organisation, const std::string& bearer);
  // The live session of that organisation with that id (its idle time starts
  // again); nullopt when there is none, it expired (then dropped) or it
  // belongs to another organisation.
  std::optional<Session> find(const std::string& organisation, std::string_view id);
  void close(std::string_view id);
  std::size_t size() const;

 private:
  bool expired(const Session& session, SessionTime now) const;
  void drop_expired(SessionTime now);

  SessionClock now_;
  SessionLimits limits_;
  mutable std::mutex mutex_;
  std::map<std::string, Session> sessions_;  // key: SHA-256 of the id, hex
};

struct ThrottleLimits {
  int max_failures = 10;                 // per address within the window
  std::chrono::seconds window{15 * 60};  // counted from the first failure
  std::size_t max_addresses = 4096;      // the table's bound
};

// Failed logins per client address: after max_failures within the window the
// address is refused (429) without its token being looked at, until the
// window ends. A success does not clear the count (a guesser holding one good
// token learns nothing more).
class LoginThrottle {
 public:
  explicit LoginThrottle(SessionClock now, ThrottleLimits limits = {});
  bool allowed(const std::string& address);
  void failed(const std::string& address);

 private:
  struct Entry {
    int failures = 0;
    SessionTime since;
  };
  SessionClock now_;
  ThrottleLimits limits_;
  std::mutex mutex_;
  std::map<std::string, Entry> entries_;
};

// Constant-time comparison of two secrets (CSRF tokens).
bool same_secret(std::string_view a, std::string_view b);

}  // namespace mentoring::serve::pages
