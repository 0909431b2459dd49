// mentoring/store/postgres/revision_repository.hpp — the organisation's store revision on the
// shared store: RevisionRepository (mentoring/store/store_revision.hpp). The revision is
// counted by the permanent trigger store_revision_count (migration 6), once per transaction
// and organisation, whoever writes; the organisation's row appears at its first count.
//
// Borrows the session, which must outlive it. Not thread-safe (the session is not).
#pragma once

#include <mentoring/store/postgres/org_session.hpp>
#include <mentoring/store/store_revision.hpp>

namespace mentoring::store::postgres {

class PostgresRevisionRepository final : public RevisionRepository {
 public:
  explicit PostgresRevisionRepository(OrgSession& session);

  std::int64_t current() override;
  std::optional<PassesFixpoint> last_fixpoint() override;
  // The organisation's revision row is locked (FOR UPDATE) while it is compared and written,
  // so another host's or process's write waits for it, as SQLite's IMMEDIATE transaction.
  void record_passes(bool completed, std::int64_t before_passes, const std::string& today,
                     const std::string& fingerprint, const std::string& finished_at) override;

 private:
  OrgSession& session_;
};

}  // namespace mentoring::store::postgres
