// mentoring/store/postgres/link_repository.hpp — the signed links' key and spent links on
// the shared store: LinkRepository (mentoring/store/link_repository.hpp) over link_key (the
// secret a bytea, sent and read in binary, so every byte comes back) and link_spent.
//
// Two hosts spending one nonce at once: the second waits on the first's row and, once that
// commits, answers false. Borrows the session, which must outlive it. Not thread-safe.
#pragma once

#include <mentoring/store/link_repository.hpp>
#include <mentoring/store/postgres/org_session.hpp>

namespace mentoring::store::postgres {

class PostgresLinkRepository final : public LinkRepository {
 public:
  explicit PostgresLinkRepository(OrgSession& session);

  std::string key() override;
  std::string key_or_create(const std::string& new_key, const std::string& now) override;
  std::optional<Spent> spent(const std::string& nonce) override;
  bool spend(const std::string& nonce, const std::string& purpose, const std::string& outcome,
             const std::optional<std::string>& on) override;

 private:
  OrgSession& session_;
};

}  // namespace mentoring::store::postgres
