// mentoring/store/postgres/outbox_repository.hpp — one organisation's write-back actions on
// the shared PostgreSQL store: the outbox table (migration 4), rows of the session's
// organisation only (issue 17).
//
//   postgres::OrgSession session(connection, "northwind");
//   postgres::PostgresOutboxRepository outbox(session);
//   session.begin();
//   ...the state change the action reports...
//   outbox.enqueue(key.text, "invite", action.dump(), now);  // committed with the change
//   session.commit();
//
// The behaviour is OutboxRepository's (outbox_repository.hpp), the same as SQLite's: an
// idempotency key is unique per organisation (a second enqueue of it stores nothing), ids
// come from the table's identity (one sequence for every organisation, so an
// organisation's ids grow but are not consecutive), and every change but forget_delivered
// is guarded by "not delivered" in its own UPDATE. Under READ COMMITTED an UPDATE that
// finds its row changed by another transaction waits for it and re-checks the guard
// against what it committed, so if two hosts ever handled one organisation at once (the
// leases prevent it), a delivered action still never goes back to pending, dead or dropped.
//
// forget_delivered rewrites the payload through jsonb (its keys come back in jsonb's order,
// its text without the original spacing). The row's old version, with the secret, stays in
// the table's pages until VACUUM (autovacuum) reclaims them: PostgreSQL has no
// counterpart of SQLite's checkpoint-and-zero inside a transaction.
//
// Ownership: borrows the session, which must outlive it. Not thread-safe (the session is
// not).
#pragma once

#include <mentoring/store/outbox_repository.hpp>
#include <mentoring/store/postgres/org_session.hpp>

namespace mentoring::store::postgres {

class PostgresOutboxRepository final : public OutboxRepository {
 public:
  // Prepares its statements on the session's connection ("outbox.enqueue", ...), once per
  // connection.
  explicit PostgresOutboxRepository(OrgSession& session);

  bool enqueue(const std::string& idempotency_key, const std::string& type,
               const std::string& payload, const std::string& created_at) override;
  bool contains(const std::string& idempotency_key) override;
  std::optional<OutboxEntry> find(const std::string& idempotency_key) override;
  std::vector<OutboxEntry> due_after(std::int64_t after_id, const std::string& now,
                                     int limit) override;
  std::vector<OutboxEntry> list(OutboxState state, std::int64_t after_id, int limit) override;
  std::int64_t count(OutboxState state) override;
  OutboxCounts counts() override;
  bool mark_delivered(const std::string& idempotency_key, const std::string& at,
                      const std::string& target) override;
  bool record_failure(const FailedAttempt& attempt) override;
  bool reset_attempts(const std::string& idempotency_key) override;
  bool mark_dropped(const std::string& idempotency_key, const std::string& reason,
                    const std::string& at) override;
  int forget_delivered(const std::string& json_path, const std::string& key_prefix) override;

 private:
  OrgSession& session_;
};

}  // namespace mentoring::store::postgres
