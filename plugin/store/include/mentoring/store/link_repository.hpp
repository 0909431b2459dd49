// mentoring/store/link_repository.hpp — what the signed links keep in the organisation's
// store (issue 15; issue 17: a repository per concept): the signing key, made once at
// random and never shown, and the single-use links spent, by nonce, with what they did.
//
//   SqliteLinkRepository links(org_store.session());
//   std::string key = links.key();
//   if (key.empty()) key = links.key_or_create(links::new_key(), now);  // 32+ random bytes
//   SQLite::Transaction txn(org_store.database());
//   ... what the link does ...
//   if (!links.spend(nonce, "invitation", "accepted", "2027-01-04")) ...  // used already
//   txn.commit();                                      // spent with what it did
//
// The key is bytes, not text (any byte, NUL included), read back exactly as written. A
// repository never begins a transaction: a spend joins the session's, so a link is spent
// together with what it did, or not at all. Borrows the session; not thread-safe.
#pragma once

#include <mentoring/store/store_session.hpp>

#include <optional>
#include <string>

namespace mentoring::store {

class LinkRepository {
 public:
  virtual ~LinkRepository() = default;

  // The organisation's signing key; empty when no link was made yet.
  virtual std::string key() = 0;
  // The key, made from new_key (at least 32 random bytes, the domain's, passed in by the
  // caller) when there is none yet; an existing key is never replaced. now: ISO 8601.
  virtual std::string key_or_create(const std::string& new_key, const std::string& now) = 0;

  struct Spent {
    std::string purpose;            // invitation | mentor_proposal | survey
    std::string outcome;            // accepted | declined | answered | ...
    std::optional<std::string> on;  // the day; none for a survey
  };
  // How the link with this nonce was used; none while it was not.
  virtual std::optional<Spent> spent(const std::string& nonce) = 0;
  // Spends the link: false when the nonce was spent already (nothing changes then), also
  // by a transaction that committed meanwhile.
  virtual bool spend(const std::string& nonce, const std::string& purpose,
                     const std::string& outcome, const std::optional<std::string>& on) = 0;
};

// The link_key and link_spent tables of the session's SQLite database (the key a BLOB).
class SqliteLinkRepository final : public LinkRepository {
 public:
  explicit SqliteLinkRepository(StoreSession& session) : session_(session) {}

  std::string key() override;
  std::string key_or_create(const std::string& new_key, const std::string& now) override;
  std::optional<Spent> spent(const std::string& nonce) override;
  bool spend(const std::string& nonce, const std::string& purpose, const std::string& outcome,
             const std::optional<std::string>& on) override;

 private:
  StoreSession& session_;
};

}  // namespace mentoring::store
