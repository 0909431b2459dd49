// mentoring/store/postgres/quarantine_repository.hpp — host records that failed their checks,
// on the shared store: QuarantineRepository (mentoring/store/quarantine_repository.hpp) over
// sync_quarantine. The caps are the interface's (applied before these statements); the
// per-stream bound is trim's, one statement per organisation, adapter and stream.
//
// Borrows the session, which must outlive it. Not thread-safe (the session is not).
#pragma once

#include <mentoring/store/postgres/org_session.hpp>
#include <mentoring/store/quarantine_repository.hpp>

namespace mentoring::store::postgres {

class PostgresQuarantineRepository final : public QuarantineRepository {
 public:
  explicit PostgresQuarantineRepository(OrgSession& session);

  std::int64_t trim(const std::string& adapter, const std::string& stream) override;
  bool release(const std::string& adapter, const std::string& stream,
               const std::string& key) override;
  std::vector<Retry> retryable(const std::string& adapter, const std::string& stream,
                               std::int64_t limit) override;
  std::unordered_set<std::string> keys(const std::string& adapter,
                                       const std::string& stream) override;
  std::vector<QuarantinedRecord> list(const std::string& adapter, const std::string& stream,
                                      std::int64_t limit) override;
  std::int64_t count(const std::string& adapter, const std::string& stream) override;
  HeldInRead held_in_read(const std::string& adapter, const std::string& read_id) override;
  std::int64_t release_unlisted(const std::string& adapter, const std::string& read_id) override;

 private:
  void hold_kept(const std::string& key, const QuarantinedRecord& kept) override;
  bool update_kept(const std::string& key, const QuarantinedRecord& kept) override;

  OrgSession& session_;
};

}  // namespace mentoring::store::postgres
