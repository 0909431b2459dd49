#include <mentoring/store/enrolment_repository.hpp>

#include "columns.hpp"
#include "enrolment_rows.hpp"

#include <SQLiteCpp/VariadicBind.h>

#include <stdexcept>

namespace mentoring::store {

using namespace mentoring::domain;
using namespace enrolment_rows;

namespace {

using columns::all_rows;
using columns::SqliteRow;

std::vector<Enrolment> all_enrolments(SQLite::Statement& s) {
  return all_rows(s, [](const SqliteRow& row) { return decode(row); });
}

// The states as an SQL list of literals ('invited','consented'): the domain's own names,
// never input, so composing them is safe, and the statement stays one per list.
std::string state_list(const std::vector<EnrolmentState>& states) {
  std::string list;
  for (auto state : states)
    list += (list.empty() ? "'" : ",'") + std::string(to_string(state)) + "'";
  return list;
}

}  // namespace

std::vector<Enrolment> SqliteEnrolmentRepository::enrolments(const std::string& programme_id) {
  static const std::string sql =
      std::string(kEnrolmentColumns) + "WHERE programme_id = ? ORDER BY id";
  SQLite::Statement& s = session_.prepared(sql.c_str());
  SQLite::bind(s, programme_id);
  return all_enrolments(s);
}

std::vector<Enrolment> SqliteEnrolmentRepository::enrolments_of(const std::string& person_id) {
  static const std::string sql = std::string(kEnrolmentColumns) + "WHERE person_id = ? ORDER BY id";
  SQLite::Statement& s = session_.prepared(sql.c_str());
  SQLite::bind(s, person_id);
  return all_enrolments(s);
}

std::optional<Enrolment> SqliteEnrolmentRepository::enrolment(std::int64_t id) {
  static const std::string sql = std::string(kEnrolmentColumns) + "WHERE id = ?";
  SQLite::Statement& s = session_.prepared(sql.c_str());
  SQLite::bind(s, id);
  if (!s.executeStep()) return std::nullopt;
  return decode(SqliteRow{s});
}

std::vector<Enrolment> SqliteEnrolmentRepository::enrolments_in(
    const std::vector<EnrolmentState>& states) {
  if (states.empty()) return {};
  return all_enrolments(session_.prepared_dynamic(
      std::string(kEnrolmentColumns) + "WHERE state IN (" + state_list(states) + ") ORDER BY id"));
}

std::vector<Enrolment> SqliteEnrolmentRepository::enrolments_in_states(
    const std::string& programme_id, const std::vector<EnrolmentState>& states,
    std::optional<Role> role) {
  if (states.empty()) return {};
  const std::string roles =
      role ? "'" + std::string(to_string(*role)) + "'" : std::string("'mentee','mentor'");
  SQLite::Statement& s = session_.prepared_dynamic(
      std::string(kEnrolmentColumns) + "WHERE programme_id = ? AND role IN (" + roles +
      ") AND state IN (" + state_list(states) + ") ORDER BY id");
  SQLite::bind(s, programme_id);
  return all_enrolments(s);
}

std::int64_t SqliteEnrolmentRepository::count_enrolments_in(EnrolmentState state) {
  SQLite::Statement& s = session_.prepared("SELECT COUNT(*) FROM enrolment WHERE state = ?");
  SQLite::bind(s, std::string(to_string(state)));
  s.executeStep();
  return s.getColumn(0).getInt64();
}

std::vector<EnrolmentStateCount> SqliteEnrolmentRepository::count_enrolment_states(
    const std::string& programme_id) {
  SQLite::Statement& s = session_.prepared(
      "SELECT role, state, COUNT(*) FROM enrolment WHERE programme_id = ? "
      "GROUP BY role, state ORDER BY role, state");
  SQLite::bind(s, programme_id);
  return all_rows(s, [&](const SqliteRow& row) { return decode_state_count(row, programme_id); });
}

std::int64_t SqliteEnrolmentRepository::insert_enrolment(const Enrolment& e, const std::string& at,
                                                         const std::string& cause) {
  SQLite::Statement& s = session_.prepared(
      "INSERT INTO enrolment(person_id, programme_id, role, state, leave_id, "
      "created_at, updated_at, respond_by, consent_at, leave_fingerprint) "
      "VALUES (?,?,?,?,?,?,?,?,?,?)");
  const std::string state(to_string(e.state));
  SQLite::bind(s, e.person_id, e.programme_id, std::string(to_string(e.role)), state,
               or_null(e.leave_id), at, at, or_null(date_text(e.respond_by)),
               or_null(date_text(e.consent_on)), or_null(e.leave_fingerprint));
  s.exec();
  const std::int64_t id = session_.database().getLastInsertRowid();
  SQLite::Statement& first = session_.prepared(
      "INSERT INTO enrolment_transition(enrolment_id, from_state, to_state, at, cause) "
      "VALUES (?, NULL, ?, ?, ?)");
  SQLite::bind(first, id, state, at, cause);
  first.exec();
  return id;
}

void SqliteEnrolmentRepository::transition(std::int64_t enrolment_id, EnrolmentState to,
                                           const std::string& at, const std::string& cause,
                                           std::optional<Phase> phase) {
  if (cause.empty()) throw std::invalid_argument("store: a transition needs a cause");
  const std::string state(to_string(to));
  const std::optional<std::string> phase_value = phase_text(phase);
  SQLite::Statement& history = session_.prepared(
      "INSERT INTO enrolment_transition(enrolment_id, from_state, to_state, at, cause, phase) "
      "SELECT id, state, ?, ?, ?, ? FROM enrolment WHERE id = ?");
  SQLite::bind(history, state, at, cause, or_null(phase_value), enrolment_id);
  if (history.exec() != 1)
    throw std::runtime_error("store: no enrolment " + std::to_string(enrolment_id));
  SQLite::Statement& move =
      session_.prepared("UPDATE enrolment SET state = ?, updated_at = ?, phase = ? WHERE id = ?");
  SQLite::bind(move, state, at, or_null(phase_value), enrolment_id);
  move.exec();
}

void SqliteEnrolmentRepository::update_details(const Enrolment& e, const std::string& at) {
  SQLite::Statement& s = session_.prepared(
      "UPDATE enrolment SET phase = ?, respond_by = ?, consent_at = COALESCE(?, consent_at), "
      "started_at = ?, ends_on = ?, needs_decision = ?, leave_fingerprint = ?, "
      "updated_at = ? WHERE id = ?");
  SQLite::bind(s, or_null(phase_text(e.phase)), or_null(date_text(e.respond_by)),
               or_null(date_text(e.consent_on)), or_null(date_text(e.started_on)),
               or_null(date_text(e.ends_on)), or_null(e.needs_decision),
               or_null(e.leave_fingerprint), at, e.id);
  s.exec();
}

void SqliteEnrolmentRepository::set_goal(std::int64_t enrolment_id, const std::string& goal,
                                         const std::string& wishes) {
  SQLite::Statement& s =
      session_.prepared("UPDATE enrolment SET goal = ?, wishes = ? WHERE id = ?");
  SQLite::bind(s, goal, wishes, enrolment_id);
  s.exec();
}

std::vector<Transition> SqliteEnrolmentRepository::history(const std::string& person_id) {
  SQLite::Statement& s = session_.prepared(
      "SELECT e.programme_id, e.role, COALESCE(t.from_state, ''), t.to_state, "
      "t.at, t.cause, COALESCE(t.phase, '') FROM enrolment_transition t JOIN enrolment e ON "
      "e.id = t.enrolment_id WHERE e.person_id = ? ORDER BY t.id");
  SQLite::bind(s, person_id);
  return all_rows(s, [](const SqliteRow& row) { return decode_transition(row); });
}

std::vector<Touchpoint> SqliteEnrolmentRepository::touchpoints(std::int64_t enrolment_id) {
  SQLite::Statement& s = session_.prepared(
      "SELECT name, due_on, sequence, state FROM touchpoint WHERE enrolment_id = ? "
      "ORDER BY due_on, name");
  SQLite::bind(s, enrolment_id);
  return all_rows(s, [](const SqliteRow& row) { return decode_touchpoint(row); });
}

std::pair<int, bool> SqliteEnrolmentRepository::schedule_touchpoint(std::int64_t enrolment_id,
                                                                    const std::string& name,
                                                                    Date due) {
  const std::string day = format_date(due);
  SQLite::Statement& find = session_.prepared(
      "SELECT due_on, sequence, state FROM touchpoint WHERE enrolment_id = ? AND name = ?");
  SQLite::bind(find, enrolment_id, name);
  if (!find.executeStep()) {
    SQLite::Statement& insert =
        session_.prepared("INSERT INTO touchpoint(enrolment_id, name, due_on) VALUES (?,?,?)");
    SQLite::bind(insert, enrolment_id, name, day);
    insert.exec();
    return {0, true};
  }
  const int sequence = find.getColumn(1).getInt();
  const bool same =
      find.getColumn(0).getString() == day && find.getColumn(2).getString() == "scheduled";
  find.reset();
  if (same) return {sequence, false};
  SQLite::Statement& move = session_.prepared(
      "UPDATE touchpoint SET due_on = ?, sequence = sequence + 1, state = 'scheduled' "
      "WHERE enrolment_id = ? AND name = ?");
  SQLite::bind(move, day, enrolment_id, name);
  move.exec();
  return {sequence + 1, true};
}

void SqliteEnrolmentRepository::cancel_touchpoint(std::int64_t enrolment_id,
                                                  const std::string& name) {
  SQLite::Statement& s = session_.prepared(
      "UPDATE touchpoint SET state = 'cancelled', sequence = sequence + 1 "
      "WHERE enrolment_id = ? AND name = ? AND state = 'scheduled'");
  SQLite::bind(s, enrolment_id, name);
  s.exec();
}

}  // namespace mentoring::store
