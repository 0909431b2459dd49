#include <mentoring/store/evaluation_repository.hpp>

#include "columns.hpp"

#include <SQLiteCpp/VariadicBind.h>

namespace mentoring::store {

using namespace columns;
using namespace mentoring::domain;

namespace {

std::vector<EvaluationRepository::Count> read_counts(SQLite::Statement& q) {
  std::vector<EvaluationRepository::Count> out;
  while (q.executeStep())
    out.push_back(
        {q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getInt64()});
  return out;
}

}  // namespace

bool SqliteEvaluationRepository::invited(const std::string& programme_id,
                                         const std::string& survey_id, std::int64_t enrolment_id) {
  SQLite::Statement& q = session_.prepared(
      "SELECT 1 FROM evaluation_invitation "
      "WHERE programme_id = ? AND survey_id = ? AND enrolment_id = ?");
  SQLite::bind(q, programme_id, survey_id, enrolment_id);
  return q.executeStep();
}

void SqliteEvaluationRepository::add_invitation(const Invitation& i) {
  SQLite::Statement& s = session_.prepared(
      "INSERT INTO evaluation_invitation(token_hash, programme_id, survey_id, "
      "enrolment_id, role, issued_on, used) VALUES (?,?,?,?,?,?,?)");
  SQLite::bind(s, i.token_hash, i.programme_id, i.survey_id, i.enrolment_id, i.role,
               format_date(i.issued_on), i.used ? 1 : 0);
  s.exec();
}

std::optional<EvaluationRepository::Invitation> SqliteEvaluationRepository::invitation(
    const std::string& token_hash) {
  SQLite::Statement& q = session_.prepared(
      "SELECT programme_id, survey_id, enrolment_id, role, issued_on, used "
      "FROM evaluation_invitation WHERE token_hash = ?");
  SQLite::bind(q, token_hash);
  if (!q.executeStep()) return std::nullopt;
  return Invitation{token_hash,
                    q.getColumn(0).getString(),
                    q.getColumn(1).getString(),
                    q.getColumn(2).getInt64(),
                    q.getColumn(3).getString(),
                    required_date(q.getColumn(4)),
                    q.getColumn(5).getInt() != 0};
}

bool SqliteEvaluationRepository::mark_used(const std::string& token_hash) {
  SQLite::Statement& s = session_.prepared(
      "UPDATE evaluation_invitation SET used = 1 WHERE token_hash = ? AND used = 0");
  SQLite::bind(s, token_hash);
  return s.exec() == 1;
}

void SqliteEvaluationRepository::add_answer(const Answer& a) {
  SQLite::Statement& s = session_.prepared(
      "INSERT INTO evaluation_answer(programme_id, survey_id, role, question_id, "
      "month, value, count) VALUES (?,?,?,?,?,?,1) "
      "ON CONFLICT(programme_id, survey_id, role, question_id, month, value) "
      "DO UPDATE SET count = count + 1");
  SQLite::bind(s, a.programme_id, a.survey_id, a.role, a.question_id, a.month, a.value);
  s.exec();
}

void SqliteEvaluationRepository::add_response(const std::string& programme_id,
                                              const std::string& survey_id, const std::string& role,
                                              const std::string& month) {
  SQLite::Statement& s = session_.prepared(
      "INSERT INTO evaluation_response(programme_id, survey_id, role, month, count) "
      "VALUES (?,?,?,?,1) ON CONFLICT(programme_id, survey_id, role, month) "
      "DO UPDATE SET count = count + 1");
  SQLite::bind(s, programme_id, survey_id, role, month);
  s.exec();
}

std::vector<EvaluationRepository::Count> SqliteEvaluationRepository::invitation_counts(
    const std::string& programme_id) {
  SQLite::Statement& q = session_.prepared(
      "SELECT survey_id, role, COUNT(*) FROM evaluation_invitation "
      "WHERE programme_id = ? GROUP BY survey_id, role ORDER BY survey_id, role");
  SQLite::bind(q, programme_id);
  return read_counts(q);
}

std::vector<EvaluationRepository::Count> SqliteEvaluationRepository::response_counts(
    const std::string& programme_id) {
  SQLite::Statement& q = session_.prepared(
      "SELECT survey_id, role, SUM(count) FROM evaluation_response "
      "WHERE programme_id = ? GROUP BY survey_id, role ORDER BY survey_id, role");
  SQLite::bind(q, programme_id);
  return read_counts(q);
}

std::vector<EvaluationRepository::Answer> SqliteEvaluationRepository::answers(
    const std::string& programme_id) {
  SQLite::Statement& q = session_.prepared(
      "SELECT survey_id, role, question_id, value, SUM(count) FROM evaluation_answer "
      "WHERE programme_id = ? GROUP BY survey_id, role, question_id, value "
      "ORDER BY survey_id, role, question_id, value");
  SQLite::bind(q, programme_id);
  std::vector<Answer> out;
  while (q.executeStep())
    out.push_back({programme_id, q.getColumn(0).getString(), q.getColumn(1).getString(),
                   q.getColumn(2).getString(), "", q.getColumn(3).getString(),
                   q.getColumn(4).getInt64()});
  return out;
}

std::vector<EvaluationRepository::LeaveOfPerson> SqliteEvaluationRepository::approved_leave() {
  SQLite::Statement& q = session_.prepared(
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
