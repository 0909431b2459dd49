// mentoring/store/return_store.hpp — keeping-in-touch days and the line
// manager's return-to-work steps, in the organisation's database (migration 13).
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

  // --- the line manager's return steps (one per programme, leave and step) ----------
  struct Step {
    std::string programme_id;
    std::string leave_id;
    std::string step_id;
    std::string person_id;  // the mentee
    std::optional<std::string> line_manager_id;
    domain::Date due_on{};
    std::string status;  // return_to_work::StepStatus as text
    int round = 0;
    std::optional<domain::Date> missed_flagged_for;
    std::optional<domain::Date> done_on;
    std::optional<std::string> done_by;
  };
  void save_step(const Step& step, const std::string& at);
  std::vector<Step> steps_of_leave(const std::string& programme_id, const std::string& leave_id);
  std::vector<Step> steps_of_person(const std::string& person_id);
  // Every step of one programme ("" for all), by due date.
  std::vector<Step> steps(const std::string& programme_id);
  // Leaves with a step stored in this programme, each once.
  std::vector<std::string> leaves_with_steps(const std::string& programme_id);

 private:
  SQLite::Database& db_;
};

}  // namespace mentoring::store
