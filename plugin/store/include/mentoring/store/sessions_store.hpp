// mentoring/store/sessions_store.hpp — the training completions the training pass reads
// (migration 3). What else was here (kick-off, supervision, the pairs' and circles' own
// sessions) is the sessions repository now (sessions_repository.hpp); these two are
// moving to the leave repository (issue 17).
//
//   mentoring::store::SessionsStore training(org_store.session());
//   for (const auto& completion : training.completions_after(today)) ...
//
// Shares the connection (and so the transactions) of the OrgStore it is built over; the
// completions are the LeaveRepository's: built over the StoreSession, this store hands them on.
#pragma once

#include <mentoring/store/store_session.hpp>

#include <mentoring/domain/records.hpp>

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mentoring::store {

class SessionsStore {
 public:
  // Every member but the training completions'.
  explicit SessionsStore(SQLite::Database& db) : db_(db) {}
  // Every member; the session must outlive the store.
  explicit SessionsStore(StoreSession& session) : db_(session.database()), session_(&session) {}

  // --- training (SqliteLeaveRepository's, over the session) -----------------------
  // Over a bare database these throw std::logic_error: build the store over the session.
  // Every stored completion, for planning everyone at once.
  std::vector<domain::CourseCompletion> all_completions();
  // Course completions stored in the future of `today` (synced before the check existed).
  std::vector<domain::CourseCompletion> completions_after(domain::Date today);

 private:
  SQLite::Database& db_;
  StoreSession* session_ = nullptr;  // none when built over a bare database
};

}  // namespace mentoring::store
