// mentoring/store/leave_repository.hpp — the leave and course completions a sync stores
// besides people, and what the module passes read of them (issue 17: a repository per
// concept).
//
//   SqliteLeaveRepository leave(session);
//   SQLite::Transaction txn(session.database());         // the page's transaction
//   if (!leave.overlapping_leave(l) && !leave.insert_new_leave(l))
//     outcome = leave.upsert(l);                         // stored, unchanged or older
//   leave.upsert(completion);
//   txn.commit();
//
// Records arrive out of order and more than once: an upsert answers what it did with the
// record (UpsertOutcome), and which version of a leave is kept is one rule on every backend
// (plugin/store/leave_versions.hpp). A leave or completion names a person the people repository
// stored first (a foreign key). Repositories never begin or commit a transaction: their
// writes join the caller's, or are each their own outside one.
#pragma once

#include <mentoring/store/store_session.hpp>

#include <mentoring/domain/date.hpp>
#include <mentoring/domain/records.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mentoring::store {

// What an upsert did with a record from the host.
enum class UpsertOutcome {
  stored,     // new, or changed content written
  unchanged,  // the content stored already
  older,      // other content, changed on the host before the stored version
              // (or at the same time and sorting lower): ignored
};

// What the sync and the module passes see of leave and completions, on any backend.
class LeaveRepository {
 public:
  virtual ~LeaveRepository() = default;

  // --- leave ----------------------------------------------------------------------------
  // A leave from the host: stored when new or newer than the stored version, unchanged
  // when its content is stored already (a later change time is still kept, so an older
  // version arriving afterwards is recognised), older when the host changed it before the
  // stored version.
  virtual UpsertOutcome upsert(const domain::Leave& leave) = 0;
  // Stores a leave in one statement when no leave of its id is stored (what a first sync
  // meets for every leave; overlapping_leave is the caller's); otherwise changes nothing
  // and answers false: then upsert decides.
  virtual bool insert_new_leave(const domain::Leave& leave) = 0;
  virtual std::optional<domain::Leave> leave(const std::string& id) = 0;
  // One person's leave, by start, then id.
  virtual std::vector<domain::Leave> leaves_of(const std::string& person_id) = 0;
  // Leave starting on or after `from`, plus the leave any open enrolment of any programme
  // points to; by start, then id.
  virtual std::vector<domain::Leave> leaves_for_planning(domain::Date from) = 0;
  // Leave starting from `first` to `last` (both included: enrolment::planning_window), plus
  // the leave the programme's open enrolments point to; by start, then id. Through the index
  // on the start date and the one on the programme's enrolments: never every row.
  virtual std::vector<domain::Leave> leaves_for_planning(domain::Date first, domain::Date last,
                                                         const std::string& programme_id) = 0;
  // Another approved or requested leave of the same person overlapping this one (its
  // actual end, else its expected end, counts; both ends included), the earliest starting;
  // none for a cancelled or denied leave.
  virtual std::optional<std::string> overlapping_leave(const domain::Leave& leave) = 0;

  // --- course completions ---------------------------------------------------------------
  // A completion is one person, course and day: the same again is unchanged, a new expiry
  // for it is stored.
  virtual UpsertOutcome upsert(const domain::CourseCompletion& completion) = 0;
  // One person's completions, by day, then course.
  virtual std::vector<domain::CourseCompletion> completions_of(const std::string& person_id) = 0;
  // Every completion, by person, course and day.
  virtual std::vector<domain::CourseCompletion> all_completions() = 0;
  // Completions dated after `today` (synced before the sync refused them), by person,
  // course and day; through the index on the day.
  virtual std::vector<domain::CourseCompletion> completions_after(domain::Date today) = 0;

  // --- the run summary's counts, without reading every row -------------------------------
  virtual std::int64_t count_leave() = 0;
  virtual std::int64_t count_completions() = 0;
};

// The leave and course_completion tables of the session's SQLite database. Borrows the
// session (which must outlive it) and its statement cache.
class SqliteLeaveRepository final : public LeaveRepository {
 public:
  explicit SqliteLeaveRepository(StoreSession& session) : session_(session) {}

  UpsertOutcome upsert(const domain::Leave& leave) override;
  bool insert_new_leave(const domain::Leave& leave) override;
  std::optional<domain::Leave> leave(const std::string& id) override;
  std::vector<domain::Leave> leaves_of(const std::string& person_id) override;
  std::vector<domain::Leave> leaves_for_planning(domain::Date from) override;
  std::vector<domain::Leave> leaves_for_planning(domain::Date first, domain::Date last,
                                                 const std::string& programme_id) override;
  std::optional<std::string> overlapping_leave(const domain::Leave& leave) override;
  UpsertOutcome upsert(const domain::CourseCompletion& completion) override;
  std::vector<domain::CourseCompletion> completions_of(const std::string& person_id) override;
  std::vector<domain::CourseCompletion> all_completions() override;
  std::vector<domain::CourseCompletion> completions_after(domain::Date today) override;
  std::int64_t count_leave() override;
  std::int64_t count_completions() override;

 private:
  StoreSession& session_;
};

}  // namespace mentoring::store
