#include "hr_session.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdexcept>
#include <vector>

namespace mentoring::serve::pages {

namespace {

std::string to_hex(const unsigned char* data, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out += kDigits[data[i] >> 4];
    out += kDigits[data[i] & 0x0f];
  }
  return out;
}

std::string sha256_hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("HR sessions: SHA-256 (OpenSSL EVP_Digest) failed");
  return to_hex(digest, length);
}

}  // namespace

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> buffer(bytes);
  if (RAND_bytes(buffer.data(), static_cast<int>(bytes)) != 1)
    throw std::runtime_error("HR sessions: the random generator (OpenSSL RAND_bytes) failed");
  return to_hex(buffer.data(), bytes);
}

bool same_secret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && !a.empty() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

SessionTable::SessionTable(SessionClock now, SessionLimits limits)
    : now_(std::move(now)), limits_(limits) {}

bool SessionTable::expired(const Session& session, SessionTime now) const {
  return now - session.created >= limits_.max_age || now - session.last_seen >= limits_.max_idle;
}

void SessionTable::drop_expired(SessionTime now) {
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    it = expired(it->second, now) ? sessions_.erase(it) : std::next(it);
  }
}

OpenedSession SessionTable::open(const std::string& organisation, const std::string& bearer) {
  OpenedSession opened{random_hex(32), random_hex(32)};
  const SessionTime now = now_();
  std::lock_guard lock(mutex_);
  drop_expired(now);
  while (!sessions_.empty() && sessions_.size() >= limits_.max_sessions) {
    auto idlest = sessions_.begin();
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
      if (it->second.last_seen < idlest->second.last_seen) idlest = it;
    }
    sessions_.erase(idlest);
  }
  sessions_[sha256_hex(opened.id)] = Session{organisation, bearer, opened.csrf, now, now};
  return opened;
}

std::optional<Session> SessionTable::find(const std::string& organisation, std::string_view id) {
  if (id.size() != 64) return std::nullopt;
  const std::string key = sha256_hex(id);
  const SessionTime now = now_();
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(key);
  if (it == sessions_.end()) return std::nullopt;
  if (expired(it->second, now)) {
    sessions_.erase(it);
    return std::nullopt;
  }
  if (it->second.organisation != organisation) return std::nullopt;
  it->second.last_seen = now;
  return it->second;
}

void SessionTable::close(std::string_view id) {
  const std::string key = sha256_hex(id);
  std::lock_guard lock(mutex_);
  sessions_.erase(key);
}

std::size_t SessionTable::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

LoginThrottle::LoginThrottle(SessionClock now, ThrottleLimits limits)
    : now_(std::move(now)), limits_(limits) {}

bool LoginThrottle::allowed(const std::string& address) {
  const SessionTime now = now_();
  std::lock_guard lock(mutex_);
  auto it = entries_.find(address);
  if (it == entries_.end()) return true;
  if (now - it->second.since >= limits_.window) {
    entries_.erase(it);
    return true;
  }
  return it->second.failures < limits_.max_failures;
}

void LoginThrottle::failed(const std::string& address) {
  const SessionTime now = now_();
  std::lock_guard lock(mutex_);
  auto it = entries_.find(address);
  if (it != entries_.end() && now - it->second.since >= limits_.window) {
    entries_.erase(it);
    it = entries_.end();
  }
  if (it == entries_.end()) {
    if (entries_.size() >= limits_.max_addresses) {
      for (auto e = entries_.begin(); e != entries_.end();) {
        e = now - e->second.since >= limits_.window ? entries_.erase(e) : std::next(e);
      }
    }
    if (entries_.size() >= limits_.max_addresses) {
      // Still full: the oldest count gives way (bounded memory beats a perfect memory).
      auto oldest = entries_.begin();
      for (auto e = entries_.begin(); e != entries_.end(); ++e) {
        if (e->second.since < oldest->second.since) oldest = e;
      }
      entries_.erase(oldest);
    }
    it = entries_.emplace(address, Entry{0, now}).first;
  }
  ++it->second.failures;
}

}  // namespace mentoring::serve::pages
