// mentoring/store/return_store.hpp — keeping-in-touch days, in the organisation's database
// (migration 13), and the keeping-in-touch days the HR system reports (migration 15). The
// line manager's return steps are the return repository's (return_repository.hpp).
//
//   mentoring::store::ReturnStore returns(org_store.database());
//   SQLite::Transaction txn(org_store.database());
//   returns.insert_kit_day({leave_id, person_id, day, note, "hr:jo", false, now});
//   outbox.enqueue(...);                                   // same transaction
//   txn.commit();
//
// Shares the connection (and so the transactions) of the OrgStore it is built
// over. Plain rows: what they mean is decided by plugin/return_to_work.
#pragma once

#include <mentoring/domain/date.hpp>

#include <SQLiteCpp/Database.h>

#include <optional>
#include <string>
#include <vector>

namespace mentoring::store {

class ReturnStore {
 public:
  explicit ReturnStore(SQLite::Database& db) : db_(db) {}

  // --- keeping-in-touch days (one per leave and day) ------------------------------
  struct KitDay {
    std::string leave_id;
    std::string person_id;
    domain::Date on{};
    std::optional<std::string> note;  // HR's words; never sent to the mentor
    std::string recorded_by;
    bool over_limit = false;
    std::string recorded_at;
  };
  // False when that leave already has that day (nothing changed).
  bool insert_kit_day(const KitDay& day);
  std::vector<KitDay> kit_days_of_leave(const std::string& leave_id);
  std::vector<KitDay> kit_days_of_person(const std::string& person_id);
  // The leaves with at least one day recorded, with their person.
  std::vector<std::pair<std::string, std::string>> leaves_with_kit_days();

  // --- keeping-in-touch days as the HR system reports them (the sync's stream) ----
  // One row per adapter and record id; `status` says what the return_to_work
  // pass made of it: "new" (not judged since it came or changed), "recorded"
  // (its day is in kit_day, counted), "duplicate" (the day was already in
  // kit_day, eg recorded by HR: counted once), "refused" (`reason` is the
  // domain's KitRefusal value). Judged again while new or refused.
  struct ReportedKitDay {
    std::string adapter;
    std::string record_id;
    std::string person_id;
    std::optional<std::string> leave_id;
    domain::Date on{};
    std::optional<std::string> note;
    std::string status = "new";
    std::optional<std::string> reason;
    std::optional<std::string> judged_leave;  // the leave it was counted against
  };
  enum class ReportOutcome { stored, unchanged };
  // Stores the record as the HR system sent it. Content that differs from the
  // stored one makes it "new" again; a day it had put into kit_day is taken
  // out first (the HR system corrected it), so it is never counted twice.
  ReportOutcome report_kit_day(const ReportedKitDay& day, const std::string& seen_at);
  // The reported days the return_to_work pass judges: new and refused, by person and day.
  std::vector<ReportedKitDay> reported_kit_days_to_judge();
  void set_report_outcome(const std::string& adapter, const std::string& record_id,
                          const std::string& status, const std::optional<std::string>& reason,
                          const std::optional<std::string>& judged_leave, const std::string& at);
  // What recorded_by holds for a day taken from a report: hr_system:<adapter>:<record id>.
  static std::string reported_by(const std::string& adapter, const std::string& record_id);

 private:
  SQLite::Database& db_;
};

}  // namespace mentoring::store
