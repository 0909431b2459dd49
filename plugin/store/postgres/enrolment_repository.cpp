#include <mentoring/store/postgres/enrolment_repository.hpp>

#include "../enrolment_rows.hpp"
#include "values.hpp"

#include <pqxx/pqxx>

#include <stdexcept>

namespace mentoring::store::postgres {

using namespace mentoring::domain;
using namespace store::enrolment_rows;

namespace {

using values::all_rows;
using values::PostgresRow;

std::vector<Enrolment> all_enrolments(const pqxx::result& result) {
  return all_rows(result, [](const PostgresRow& row) { return decode(row); });
}

// A text[] parameter ({invited,consented}): the domain's own names, never input, so none
// needs quoting; one prepared statement serves every list.
template <class Values>
std::string text_array(const Values& values) {
  std::string array = "{";
  for (const auto& value : values) {
    if (array.size() > 1) array += ',';
    array += to_string(value);
  }
  return array + "}";
}

// The statements, each run with the organisation as $1.
const std::string kOfProgramme =
    std::string(kEnrolmentColumns) + "WHERE org_id = $1 AND programme_id = $2 ORDER BY id";
const std::string kOfPerson =
    std::string(kEnrolmentColumns) + "WHERE org_id = $1 AND person_id = $2 ORDER BY id";
const std::string kById = std::string(kEnrolmentColumns) + "WHERE org_id = $1 AND id = $2";
const std::string kInStates =
    std::string(kEnrolmentColumns) + "WHERE org_id = $1 AND state = ANY ($2::text[]) ORDER BY id";
const std::string kInStatesOfProgramme =
    std::string(kEnrolmentColumns) +
    "WHERE org_id = $1 AND programme_id = $2 AND role = ANY ($3::text[]) "
    "AND state = ANY ($4::text[]) ORDER BY id";

}  // namespace

std::vector<Enrolment> PostgresEnrolmentRepository::enrolments(const std::string& programme_id) {
  session_.prepare("enrolment.of_programme", kOfProgramme.c_str());
  return session_.run("reading a programme's enrolments", [&](pqxx::work& txn) {
    return all_enrolments(
        txn.exec_prepared("enrolment.of_programme", session_.org_id(), programme_id));
  });
}

std::vector<Enrolment> PostgresEnrolmentRepository::enrolments_of(const std::string& person_id) {
  session_.prepare("enrolment.of_person", kOfPerson.c_str());
  return session_.run("reading a person's enrolments", [&](pqxx::work& txn) {
    return all_enrolments(txn.exec_prepared("enrolment.of_person", session_.org_id(), person_id));
  });
}

std::optional<Enrolment> PostgresEnrolmentRepository::enrolment(std::int64_t id) {
  session_.prepare("enrolment.by_id", kById.c_str());
  return session_.run("reading an enrolment", [&](pqxx::work& txn) -> std::optional<Enrolment> {
    const auto result = txn.exec_prepared("enrolment.by_id", session_.org_id(), id);
    if (result.empty()) return std::nullopt;
    return decode(PostgresRow{result[0]});
  });
}

std::vector<Enrolment> PostgresEnrolmentRepository::enrolments_in(
    const std::vector<EnrolmentState>& states) {
  if (states.empty()) return {};
  session_.prepare("enrolment.in_states", kInStates.c_str());
  return session_.run("reading enrolments by state", [&](pqxx::work& txn) {
    return all_enrolments(
        txn.exec_prepared("enrolment.in_states", session_.org_id(), text_array(states)));
  });
}

std::vector<Enrolment> PostgresEnrolmentRepository::enrolments_in_states(
    const std::string& programme_id, const std::vector<EnrolmentState>& states,
    std::optional<Role> role) {
  if (states.empty()) return {};
  const std::string roles = role ? text_array(std::vector<Role>{*role})
                                 : text_array(std::vector<Role>{Role::mentee, Role::mentor});
  session_.prepare("enrolment.in_states_of_programme", kInStatesOfProgramme.c_str());
  return session_.run("reading a programme's enrolments by state", [&](pqxx::work& txn) {
    return all_enrolments(txn.exec_prepared("enrolment.in_states_of_programme", session_.org_id(),
                                            programme_id, roles, text_array(states)));
  });
}

std::int64_t PostgresEnrolmentRepository::count_enrolments_in(EnrolmentState state) {
  session_.prepare("enrolment.count_in_state",
                   "SELECT COUNT(*) FROM enrolment WHERE org_id = $1 AND state = $2");
  return session_.run("counting enrolments by state", [&](pqxx::work& txn) {
    return txn
        .exec_prepared("enrolment.count_in_state", session_.org_id(),
                       std::string(to_string(state)))[0][0]
        .as<std::int64_t>();
  });
}

std::vector<EnrolmentStateCount> PostgresEnrolmentRepository::count_enrolment_states(
    const std::string& programme_id) {
  // COLLATE "C": the byte order SQLite sorts text in, whatever the database's collation.
  session_.prepare("enrolment.count_states",
                   "SELECT role, state, COUNT(*) FROM enrolment "
                   "WHERE org_id = $1 AND programme_id = $2 GROUP BY role, state "
                   "ORDER BY role COLLATE \"C\", state COLLATE \"C\"");
  return session_.run("counting a programme's enrolments by state", [&](pqxx::work& txn) {
    return all_rows(txn.exec_prepared("enrolment.count_states", session_.org_id(), programme_id),
                    [&](const PostgresRow& row) { return decode_state_count(row, programme_id); });
  });
}

std::int64_t PostgresEnrolmentRepository::insert_enrolment(const Enrolment& e,
                                                           const std::string& at,
                                                           const std::string& cause) {
  // One statement, so the enrolment never exists without its first history row.
  session_.prepare("enrolment.insert",
                   "WITH enrolled AS (INSERT INTO enrolment(org_id, person_id, programme_id, "
                   "role, state, leave_id, created_at, updated_at, respond_by, consent_at, "
                   "leave_fingerprint) VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $10) "
                   "RETURNING org_id, id, state) "
                   "INSERT INTO enrolment_transition(org_id, enrolment_id, from_state, to_state, "
                   "at, cause) SELECT org_id, id, NULL, state, $7, $11 FROM enrolled "
                   "RETURNING enrolment_id");
  return session_.run("inserting an enrolment", [&](pqxx::work& txn) {
    return txn
        .exec_prepared("enrolment.insert", session_.org_id(), e.person_id, e.programme_id,
                       std::string(to_string(e.role)), std::string(to_string(e.state)),
                       or_null(e.leave_id), at, or_null(date_text(e.respond_by)),
                       or_null(date_text(e.consent_on)), or_null(e.leave_fingerprint), cause)[0][0]
        .as<std::int64_t>();
  });
}

void PostgresEnrolmentRepository::transition(std::int64_t enrolment_id, EnrolmentState to,
                                             const std::string& at, const std::string& cause,
                                             std::optional<Phase> phase) {
  if (cause.empty()) throw std::invalid_argument("store: a transition needs a cause");
  session_.prepare("enrolment.transition_history",
                   "INSERT INTO enrolment_transition(org_id, enrolment_id, from_state, to_state, "
                   "at, cause, phase) SELECT org_id, id, state, $3, $4, $5, $6 FROM enrolment "
                   "WHERE org_id = $1 AND id = $2");
  session_.prepare("enrolment.transition",
                   "UPDATE enrolment SET state = $3, updated_at = $4, phase = $5 "
                   "WHERE org_id = $1 AND id = $2");
  const std::string state(to_string(to));
  const std::optional<std::string> phase_value = phase_text(phase);
  session_.run("moving an enrolment to another state", [&](pqxx::work& txn) {
    const auto history = txn.exec_prepared("enrolment.transition_history", session_.org_id(),
                                           enrolment_id, state, at, cause, or_null(phase_value));
    if (history.affected_rows() != 1)
      throw std::runtime_error("store: no enrolment " + std::to_string(enrolment_id));
    txn.exec_prepared("enrolment.transition", session_.org_id(), enrolment_id, state, at,
                      or_null(phase_value));
  });
}

void PostgresEnrolmentRepository::update_details(const Enrolment& e, const std::string& at) {
  session_.prepare("enrolment.update_details",
                   "UPDATE enrolment SET phase = $3, respond_by = $4, "
                   "consent_at = COALESCE($5, consent_at), started_at = $6, ends_on = $7, "
                   "needs_decision = $8, leave_fingerprint = $9, updated_at = $10 "
                   "WHERE org_id = $1 AND id = $2");
  session_.run("saving an enrolment's details", [&](pqxx::work& txn) {
    txn.exec_prepared("enrolment.update_details", session_.org_id(), e.id,
                      or_null(phase_text(e.phase)), or_null(date_text(e.respond_by)),
                      or_null(date_text(e.consent_on)), or_null(date_text(e.started_on)),
                      or_null(date_text(e.ends_on)), or_null(e.needs_decision),
                      or_null(e.leave_fingerprint), at);
  });
}

void PostgresEnrolmentRepository::set_goal(std::int64_t enrolment_id, const std::string& goal,
                                           const std::string& wishes) {
  session_.prepare("enrolment.set_goal",
                   "UPDATE enrolment SET goal = $3, wishes = $4 WHERE org_id = $1 AND id = $2");
  session_.run("saving an enrolment's goal", [&](pqxx::work& txn) {
    txn.exec_prepared("enrolment.set_goal", session_.org_id(), enrolment_id, goal, wishes);
  });
}

std::vector<Transition> PostgresEnrolmentRepository::history(const std::string& person_id) {
  session_.prepare("enrolment.history",
                   "SELECT e.programme_id, e.role, COALESCE(t.from_state, ''), t.to_state, t.at, "
                   "t.cause, COALESCE(t.phase, '') FROM enrolment_transition t JOIN enrolment e "
                   "ON e.org_id = t.org_id AND e.id = t.enrolment_id "
                   "WHERE t.org_id = $1 AND e.person_id = $2 ORDER BY t.id");
  return session_.run("reading a person's enrolment history", [&](pqxx::work& txn) {
    return all_rows(txn.exec_prepared("enrolment.history", session_.org_id(), person_id),
                    [](const PostgresRow& row) { return decode_transition(row); });
  });
}

std::vector<Touchpoint> PostgresEnrolmentRepository::touchpoints(std::int64_t enrolment_id) {
  session_.prepare("touchpoint.of_enrolment",
                   "SELECT name, due_on, sequence, state FROM touchpoint "
                   "WHERE org_id = $1 AND enrolment_id = $2 ORDER BY due_on, name COLLATE \"C\"");
  return session_.run("reading an enrolment's touchpoints", [&](pqxx::work& txn) {
    return all_rows(txn.exec_prepared("touchpoint.of_enrolment", session_.org_id(), enrolment_id),
                    [](const PostgresRow& row) { return decode_touchpoint(row); });
  });
}

std::pair<int, bool> PostgresEnrolmentRepository::schedule_touchpoint(std::int64_t enrolment_id,
                                                                      const std::string& name,
                                                                      Date due) {
  // Inserted (sequence 0) or moved (one more) in one statement; a touchpoint already
  // scheduled on that day returns no row, and then only its sequence is read.
  session_.prepare("touchpoint.schedule",
                   "INSERT INTO touchpoint AS t (org_id, enrolment_id, name, due_on) "
                   "VALUES ($1, $2, $3, $4) ON CONFLICT (org_id, enrolment_id, name) DO UPDATE "
                   "SET due_on = excluded.due_on, sequence = t.sequence + 1, state = 'scheduled' "
                   "WHERE t.due_on <> excluded.due_on OR t.state <> 'scheduled' "
                   "RETURNING sequence");
  session_.prepare("touchpoint.sequence",
                   "SELECT sequence FROM touchpoint "
                   "WHERE org_id = $1 AND enrolment_id = $2 AND name = $3");
  return session_.run("scheduling a touchpoint", [&](pqxx::work& txn) {
    const auto scheduled = txn.exec_prepared("touchpoint.schedule", session_.org_id(), enrolment_id,
                                             name, format_date(due));
    if (!scheduled.empty()) return std::pair<int, bool>{scheduled[0][0].as<int>(), true};
    const auto unchanged =
        txn.exec_prepared("touchpoint.sequence", session_.org_id(), enrolment_id, name);
    return std::pair<int, bool>{unchanged[0][0].as<int>(), false};
  });
}

void PostgresEnrolmentRepository::cancel_touchpoint(std::int64_t enrolment_id,
                                                    const std::string& name) {
  session_.prepare("touchpoint.cancel",
                   "UPDATE touchpoint SET state = 'cancelled', sequence = sequence + 1 "
                   "WHERE org_id = $1 AND enrolment_id = $2 AND name = $3 "
                   "AND state = 'scheduled'");
  session_.run("cancelling a touchpoint", [&](pqxx::work& txn) {
    txn.exec_prepared("touchpoint.cancel", session_.org_id(), enrolment_id, name);
  });
}

}  // namespace mentoring::store::postgres
