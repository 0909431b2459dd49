#include <mentoring/store/evaluation_store.hpp>

#include "columns.hpp"

#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

#include <stdexcept>

namespace mentoring::store {

using namespace columns;

using namespace mentoring::domain;

namespace {

std::vector<EvaluationStore::Count> read_counts(SQLite::Statement& q) {
  std::vector<EvaluationStore::Count> out;
  while (q.executeStep()) {
    out.push_back(
        {q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getInt64()});
  }
  return out;
}

}  // namespace

bool EvaluationStore::invited(const std::string& programme_id, const std::string& survey_id,
                              std::int64_t enrolment_id) {
  SQLite::Statement q(db_,
                      "SELECT 1 FROM evaluation_invitation "
                      "WHERE programme_id = ? AND survey_id = ? AND enrolment_id = ?");
  q.bind(1, programme_id);
  q.bind(2, survey_id);
  q.bind(3, enrolment_id);
  return q.executeStep();
}

void EvaluationStore::add_invitation(const Invitation& i) {
  SQLite::Statement s(db_,
                      "INSERT INTO evaluation_invitation(token_hash, programme_id, survey_id, "
                      "enrolment_id, role, issued_on, used) VALUES (?,?,?,?,?,?,?)");
  s.bind(1, i.token_hash);
  s.bind(2, i.programme_id);
  s.bind(3, i.survey_id);
  s.bind(4, i.enrolment_id);
  s.bind(5, i.role);
  s.bind(6, format_date(i.issued_on));
  s.bind(7, i.used ? 1 : 0);
  s.exec();
}

std::optional<EvaluationStore::Invitation> EvaluationStore::invitation(
    const std::string& token_hash) {
  SQLite::Statement q(db_,
                      "SELECT programme_id, survey_id, enrolment_id, role, issued_on, used "
                      "FROM evaluation_invitation WHERE token_hash = ?");
  q.bind(1, token_hash);
  if (!q.executeStep()) return std::nullopt;
  return Invitation{token_hash,
                    q.getColumn(0).getString(),
                    q.getColumn(1).getString(),
                    q.getColumn(2).getInt64(),
                    q.getColumn(3).getString(),
                    required_date(q.getColumn(4)),
                    q.getColumn(5).getInt() != 0};
}

bool EvaluationStore::mark_used(const std::string& token_hash) {
  SQLite::Statement s(
      db_, "UPDATE evaluation_invitation SET used = 1 WHERE token_hash = ? AND used = 0");
  s.bind(1, token_hash);
  return s.exec() == 1;
}

void EvaluationStore::add_answer(const Answer& a) {
  SQLite::Statement s(db_,
                      "INSERT INTO evaluation_answer(programme_id, survey_id, role, question_id, "
                      "month, value, count) VALUES (?,?,?,?,?,?,1) "
                      "ON CONFLICT(programme_id, survey_id, role, question_id, month, value) "
                      "DO UPDATE SET count = count + 1");
  s.bind(1, a.programme_id);
  s.bind(2, a.survey_id);
  s.bind(3, a.role);
  s.bind(4, a.question_id);
  s.bind(5, a.month);
  s.bind(6, a.value);
  s.exec();
}

void EvaluationStore::add_response(const std::string& programme_id, const std::string& survey_id,
                                   const std::string& role, const std::string& month) {
  SQLite::Statement s(
      db_,
      "INSERT INTO evaluation_response(programme_id, survey_id, role, month, count) "
      "VALUES (?,?,?,?,1) ON CONFLICT(programme_id, survey_id, role, month) "
      "DO UPDATE SET count = count + 1");
  s.bind(1, programme_id);
  s.bind(2, survey_id);
  s.bind(3, role);
  s.bind(4, month);
  s.exec();
}

std::vector<EvaluationStore::Count> EvaluationStore::invitation_counts(
    const std::string& programme_id) {
  SQLite::Statement q(db_,
                      "SELECT survey_id, role, COUNT(*) FROM evaluation_invitation "
                      "WHERE programme_id = ? GROUP BY survey_id, role ORDER BY survey_id, role");
  q.bind(1, programme_id);
  return read_counts(q);
}

std::vector<EvaluationStore::Count> EvaluationStore::response_counts(
    const std::string& programme_id) {
  SQLite::Statement q(db_,
                      "SELECT survey_id, role, SUM(count) FROM evaluation_response "
                      "WHERE programme_id = ? GROUP BY survey_id, role ORDER BY survey_id, role");
  q.bind(1, programme_id);
  return read_counts(q);
}

std::vector<EvaluationStore::Answer> EvaluationStore::answers(const std::string& programme_id) {
  SQLite::Statement q(
      db_,
      "SELECT survey_id, role, question_id, value, SUM(count) FROM evaluation_answer "
      "WHERE programme_id = ? GROUP BY survey_id, role, question_id, value "
      "ORDER BY survey_id, role, question_id, value");
  q.bind(1, programme_id);
  std::vector<Answer> out;
  while (q.executeStep()) {
    out.push_back({programme_id, q.getColumn(0).getString(), q.getColumn(1).getString(),
                   q.getColumn(2).getString(), "", q.getColumn(3).getString(),
                   q.getColumn(4).getInt64()});
  }
  return out;
}

std::vector<EvaluationStore::LeaveOfPerson> EvaluationStore::approved_leave() {
  SQLite::Statement q(db_,
                      "SELECT l.id, l.person_id, l.type, l.start_date, l.expected_end, "
                      "l.actual_end, p.end_date FROM leave l JOIN person p ON p.id = l.person_id "
                      "WHERE l.status = 'approved' AND p.absent_since IS NULL "
                      "ORDER BY l.person_id, l.start_date, l.id");
  std::vector<LeaveOfPerson> out;
  while (q.executeStep()) {
    auto type = parse_leave_type(q.getColumn(2).getString());
    if (!type) continue;  // a type this plugin no longer knows
    LeaveOfPerson row;
    row.leave.id = q.getColumn(0).getString();
    row.leave.person_id = q.getColumn(1).getString();
    row.leave.type = *type;
    row.leave.start = required_date(q.getColumn(3));
    row.leave.expected_end = required_date(q.getColumn(4));
    row.leave.actual_end = optional_date(q.getColumn(5));
    row.leave.status = LeaveStatus::approved;
    row.person_end = optional_date(q.getColumn(6));
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace mentoring::store
