#include <mentoring/store/postgres/return_repository.hpp>

#include "values.hpp"

#include <pqxx/pqxx>

namespace mentoring::store::postgres {

using namespace mentoring::domain;
using namespace values;

namespace {

// Columns: programme_id, leave_id, step_id, person_id, line_manager_id, due_on, status,
// round, missed_flagged_for, done_on, done_by.
std::vector<ReturnRepository::Step> read_steps(const pqxx::result& result) {
  std::vector<ReturnRepository::Step> out;
  for (const auto& row : result) {
    ReturnRepository::Step s;
    s.programme_id = row[0].as<std::string>();
    s.leave_id = row[1].as<std::string>();
    s.step_id = row[2].as<std::string>();
    s.person_id = row[3].as<std::string>();
    s.line_manager_id = optional_text(row[4]);
    s.due_on = required_date(row[5]);
    s.status = row[6].as<std::string>();
    s.round = row[7].as<int>();
    s.missed_flagged_for = optional_date(row[8]);
    s.done_on = optional_date(row[9]);
    s.done_by = optional_text(row[10]);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

PostgresReturnRepository::PostgresReturnRepository(OrgSession& session) : session_(session) {
  session_.prepare("returns.save_step",
                   "INSERT INTO return_step(org_id, programme_id, leave_id, step_id, person_id, "
                   "line_manager_id, due_on, status, round, missed_flagged_for, done_on, done_by, "
                   "updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) "
                   "ON CONFLICT (org_id, programme_id, leave_id, step_id) DO UPDATE SET "
                   "person_id = excluded.person_id, line_manager_id = excluded.line_manager_id, "
                   "due_on = excluded.due_on, status = excluded.status, round = excluded.round, "
                   "missed_flagged_for = excluded.missed_flagged_for, done_on = excluded.done_on, "
                   "done_by = excluded.done_by, updated_at = excluded.updated_at");
  session_.prepare("returns.steps_of_leave",
                   "SELECT programme_id, leave_id, step_id, person_id, line_manager_id, due_on, "
                   "status, round, missed_flagged_for, done_on, done_by FROM return_step "
                   "WHERE org_id = $1 AND programme_id = $2 AND leave_id = $3 ORDER BY step_id");
  session_.prepare("returns.steps_of_person",
                   "SELECT programme_id, leave_id, step_id, person_id, line_manager_id, due_on, "
                   "status, round, missed_flagged_for, done_on, done_by FROM return_step "
                   "WHERE org_id = $1 AND person_id = $2 ORDER BY programme_id, due_on, step_id");
  session_.prepare("returns.steps",
                   "SELECT programme_id, leave_id, step_id, person_id, line_manager_id, due_on, "
                   "status, round, missed_flagged_for, done_on, done_by FROM return_step "
                   "WHERE org_id = $1 AND ($2 = '' OR programme_id = $2) "
                   "ORDER BY due_on, person_id, step_id");
  session_.prepare("returns.leaves_with_steps",
                   "SELECT DISTINCT leave_id FROM return_step "
                   "WHERE org_id = $1 AND programme_id = $2 ORDER BY leave_id");
}

void PostgresReturnRepository::save_step(const Step& step, const std::string& at) {
  const auto missed_flagged_for = optional_date_text(step.missed_flagged_for);
  const auto done_on = optional_date_text(step.done_on);
  session_.run("saving a return step", [&](pqxx::work& txn) {
    txn.exec_prepared("returns.save_step", session_.org_id(), step.programme_id, step.leave_id,
                      step.step_id, step.person_id, nullable(step.line_manager_id),
                      format_date(step.due_on), step.status, step.round,
                      nullable(missed_flagged_for), nullable(done_on), nullable(step.done_by), at);
  });
}

std::vector<ReturnRepository::Step> PostgresReturnRepository::steps_of_leave(
    const std::string& programme_id, const std::string& leave_id) {
  return session_.run("reading a leave's return steps", [&](pqxx::work& txn) {
    return read_steps(
        txn.exec_prepared("returns.steps_of_leave", session_.org_id(), programme_id, leave_id));
  });
}

std::vector<ReturnRepository::Step> PostgresReturnRepository::steps_of_person(
    const std::string& person_id) {
  return session_.run("reading a person's return steps", [&](pqxx::work& txn) {
    return read_steps(txn.exec_prepared("returns.steps_of_person", session_.org_id(), person_id));
  });
}

std::vector<ReturnRepository::Step> PostgresReturnRepository::steps(
    const std::string& programme_id) {
  return session_.run("reading return steps", [&](pqxx::work& txn) {
    return read_steps(txn.exec_prepared("returns.steps", session_.org_id(), programme_id));
  });
}

std::vector<std::string> PostgresReturnRepository::leaves_with_steps(
    const std::string& programme_id) {
  return session_.run("reading the leaves with return steps", [&](pqxx::work& txn) {
    std::vector<std::string> out;
    for (const auto& row :
         txn.exec_prepared("returns.leaves_with_steps", session_.org_id(), programme_id))
      out.push_back(row[0].as<std::string>());
    return out;
  });
}

}  // namespace mentoring::store::postgres
