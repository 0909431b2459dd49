// mentoring/store/link_store.hpp — what the signed links keep in the
// organisation's database (migration 18): the signing key, made once at
// random, and the single-use links spent, by nonce.
//
//   LinkStore links(org_store.database());
//   std::string key = links.key_or_create(now);        // 32 random bytes, never shown
//   SQLite::Transaction txn(org_store.database());
//   ... what the link does ...
//   if (!links.spend(nonce, "invitation", "accepted", "2027-01-04")) ...  // used already
//   txn.commit();                                      // spent with what it did
//
// Shares the connection (and so the transactions) of the OrgStore. Non-copyable.
#pragma once

#include <SQLiteCpp/Database.h>

#include <optional>
#include <string>

namespace mentoring::store {

class LinkStore {
 public:
  explicit LinkStore(SQLite::Database& db) : db_(db) {}
  LinkStore(const LinkStore&) = delete;
  LinkStore& operator=(const LinkStore&) = delete;

  // The organisation's signing key; empty when no link was made yet.
  std::string key();
  // The key, made (domain's random bytes, passed in by the caller) when there is none yet.
  std::string key_or_create(const std::string& new_key, const std::string& now);

  struct Spent {
    std::string purpose;
    std::string outcome;            // accepted | declined | answered | ...
    std::optional<std::string> on;  // the day; none for a survey
  };
  std::optional<Spent> spent(const std::string& nonce);
  // False when the nonce was spent already (nothing changes then).
  bool spend(const std::string& nonce, const std::string& purpose, const std::string& outcome,
             const std::optional<std::string>& on);

 private:
  SQLite::Database& db_;
};

}  // namespace mentoring::store
