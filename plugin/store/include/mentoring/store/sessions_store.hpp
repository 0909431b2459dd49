// mentoring/store/sessions_store.hpp — the training completions the training pass reads
// (migration 3). What else was here (kick-off, supervision, the pairs' and circles' own
// sessions) is the sessions repository now (sessions_repository.hpp); these two are
// moving to the leave repository (issue 17).
//
//   mentoring::store::SessionsStore training(org_store.database());
//   for (const auto& completion : training.completions_after(today)) ...
//
// Shares the connection (and so the transactions) of the OrgStore it is built over.
#pragma once

#include <mentoring/domain/records.hpp>

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mentoring::store {

class SessionsStore {
 public:
  explicit SessionsStore(SQLite::Database& db) : db_(db) {}

  // --- training ---------------------------------------------------------------
  // Every stored completion, for planning everyone at once.
  std::vector<domain::CourseCompletion> all_completions();
  // Course completions stored in the future of `today` (synced before the check existed).
  std::vector<domain::CourseCompletion> completions_after(domain::Date today);

 private:
  SQLite::Database& db_;
};

}  // namespace mentoring::store
