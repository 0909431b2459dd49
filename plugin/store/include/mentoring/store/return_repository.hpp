// mentoring/store/return_repository.hpp — the line manager's return-to-work steps (SQLite
// migration 13; issue 17: a repository per concept): one row per programme, leave and step,
// with its due date, line manager, status, the round of the task last sent, the due date HR
// was told was missed, and when and by whom it was done.
//
//   SqliteReturnRepository returns(org_store.session());
//   SQLite::Transaction txn(org_store.database());
//   for (const auto& step : returns.steps_of_leave("rtw", leave_id)) ...
//   returns.save_step(step, now);
//   outbox.enqueue(...);                                   // same transaction
//   txn.commit();
//
// Plain rows: what they mean is decided by plugin/return_to_work. (The keeping-in-touch
// days are still ReturnStore's.) A repository never begins a transaction: its calls join
// the session's. Borrows the session; not thread-safe (the session is not).
#pragma once

#include <mentoring/domain/date.hpp>
#include <mentoring/store/store_session.hpp>

#include <optional>
#include <string>
#include <vector>

namespace mentoring::store {

class ReturnRepository {
 public:
  virtual ~ReturnRepository() = default;

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
  // Inserts or replaces the step (by programme, leave and step); `at` is when (ISO 8601).
  virtual void save_step(const Step& step, const std::string& at) = 0;
  // One leave's steps in a programme, by step id.
  virtual std::vector<Step> steps_of_leave(const std::string& programme_id,
                                           const std::string& leave_id) = 0;
  // One mentee's steps, by programme, due date and step id.
  virtual std::vector<Step> steps_of_person(const std::string& person_id) = 0;
  // Every step of one programme ("" for all), by due date, person and step id.
  virtual std::vector<Step> steps(const std::string& programme_id) = 0;
  // Leaves with a step stored in this programme, each once, by leave id.
  virtual std::vector<std::string> leaves_with_steps(const std::string& programme_id) = 0;
};

// The return_step table of the session's SQLite database.
class SqliteReturnRepository final : public ReturnRepository {
 public:
  explicit SqliteReturnRepository(StoreSession& session) : session_(session) {}

  void save_step(const Step& step, const std::string& at) override;
  std::vector<Step> steps_of_leave(const std::string& programme_id,
                                   const std::string& leave_id) override;
  std::vector<Step> steps_of_person(const std::string& person_id) override;
  std::vector<Step> steps(const std::string& programme_id) override;
  std::vector<std::string> leaves_with_steps(const std::string& programme_id) override;

 private:
  StoreSession& session_;
};

}  // namespace mentoring::store
