#include <mentoring/store/postgres/evaluation_repository.hpp>

#include "values.hpp"

#include <pqxx/pqxx>

namespace mentoring::store::postgres {

using namespace mentoring::domain;
using namespace values;

namespace {

std::vector<EvaluationRepository::Count> read_counts(const pqxx::result& result) {
  std::vector<EvaluationRepository::Count> out;
  for (const auto& row : result)
    out.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::int64_t>()});
  return out;
}

}  // namespace

PostgresEvaluationRepository::PostgresEvaluationRepository(OrgSession& session)
    : session_(session) {
  session_.prepare("evaluation.invited",
                   "SELECT 1 FROM evaluation_invitation WHERE org_id = $1 AND programme_id = $2 "
                   "AND survey_id = $3 AND enrolment_id = $4");
  session_.prepare("evaluation.add_invitation",
                   "INSERT INTO evaluation_invitation(org_id, token_hash, programme_id, "
                   "survey_id, enrolment_id, role, issued_on, used) "
                   "VALUES ($1,$2,$3,$4,$5,$6,$7,$8)");
  session_.prepare("evaluation.invitation",
                   "SELECT programme_id, survey_id, enrolment_id, role, issued_on, used "
                   "FROM evaluation_invitation WHERE org_id = $1 AND token_hash = $2");
  session_.prepare("evaluation.mark_used",
                   "UPDATE evaluation_invitation SET used = 1 "
                   "WHERE org_id = $1 AND token_hash = $2 AND used = 0");
  session_.prepare("evaluation.add_answer",
                   "INSERT INTO evaluation_answer AS a(org_id, programme_id, survey_id, role, "
                   "question_id, month, value, count) VALUES ($1,$2,$3,$4,$5,$6,$7,1) "
                   "ON CONFLICT (org_id, programme_id, survey_id, role, question_id, month, "
                   "value) DO UPDATE SET count = a.count + 1");
  session_.prepare("evaluation.add_response",
                   "INSERT INTO evaluation_response AS r(org_id, programme_id, survey_id, role, "
                   "month, count) VALUES ($1,$2,$3,$4,$5,1) "
                   "ON CONFLICT (org_id, programme_id, survey_id, role, month) "
                   "DO UPDATE SET count = r.count + 1");
  session_.prepare("evaluation.invitation_counts",
                   "SELECT survey_id, role, count(*) FROM evaluation_invitation "
                   "WHERE org_id = $1 AND programme_id = $2 GROUP BY survey_id, role "
                   "ORDER BY survey_id, role");
  session_.prepare("evaluation.response_counts",
                   "SELECT survey_id, role, sum(count)::bigint FROM evaluation_response "
                   "WHERE org_id = $1 AND programme_id = $2 GROUP BY survey_id, role "
                   "ORDER BY survey_id, role");
  session_.prepare("evaluation.answers",
                   "SELECT survey_id, role, question_id, value, sum(count)::bigint "
                   "FROM evaluation_answer WHERE org_id = $1 AND programme_id = $2 "
                   "GROUP BY survey_id, role, question_id, value "
                   "ORDER BY survey_id, role, question_id, value");
  session_.prepare("evaluation.approved_leave",
                   "SELECT l.id, l.person_id, l.type, l.start_date, l.expected_end, "
                   "l.actual_end, p.end_date FROM leave l "
                   "JOIN person p ON p.org_id = l.org_id AND p.id = l.person_id "
                   "WHERE l.org_id = $1 AND l.status = 'approved' AND p.absent_since IS NULL "
                   "ORDER BY l.person_id, l.start_date, l.id");
}

bool PostgresEvaluationRepository::invited(const std::string& programme_id,
                                           const std::string& survey_id,
                                           std::int64_t enrolment_id) {
  return session_.run("looking a survey invitation up", [&](pqxx::work& txn) {
    return !txn.exec_prepared("evaluation.invited", session_.org_id(), programme_id, survey_id,
                              enrolment_id)
                .empty();
  });
}

void PostgresEvaluationRepository::add_invitation(const Invitation& i) {
  session_.run("storing a survey invitation", [&](pqxx::work& txn) {
    txn.exec_prepared("evaluation.add_invitation", session_.org_id(), i.token_hash, i.programme_id,
                      i.survey_id, i.enrolment_id, i.role, format_date(i.issued_on),
                      i.used ? 1 : 0);
  });
}

std::optional<EvaluationRepository::Invitation> PostgresEvaluationRepository::invitation(
    const std::string& token_hash) {
  return session_.run(
      "reading a survey invitation", [&](pqxx::work& txn) -> std::optional<Invitation> {
        auto result = txn.exec_prepared("evaluation.invitation", session_.org_id(), token_hash);
        if (result.empty()) return std::nullopt;
        const auto& row = result[0];
        return Invitation{token_hash,
                          row[0].as<std::string>(),
                          row[1].as<std::string>(),
                          row[2].as<std::int64_t>(),
                          row[3].as<std::string>(),
                          required_date(row[4]),
                          row[5].as<std::int64_t>() != 0};
      });
}

bool PostgresEvaluationRepository::mark_used(const std::string& token_hash) {
  return session_.run("using a survey token", [&](pqxx::work& txn) {
    return txn.exec_prepared("evaluation.mark_used", session_.org_id(), token_hash)
               .affected_rows() == 1;
  });
}

void PostgresEvaluationRepository::add_answer(const Answer& a) {
  session_.run("counting a survey answer", [&](pqxx::work& txn) {
    txn.exec_prepared("evaluation.add_answer", session_.org_id(), a.programme_id, a.survey_id,
                      a.role, a.question_id, a.month, a.value);
  });
}

void PostgresEvaluationRepository::add_response(const std::string& programme_id,
                                                const std::string& survey_id,
                                                const std::string& role, const std::string& month) {
  session_.run("counting a survey response", [&](pqxx::work& txn) {
    txn.exec_prepared("evaluation.add_response", session_.org_id(), programme_id, survey_id, role,
                      month);
  });
}

std::vector<EvaluationRepository::Count> PostgresEvaluationRepository::invitation_counts(
    const std::string& programme_id) {
  return session_.run("counting survey invitations", [&](pqxx::work& txn) {
    return read_counts(
        txn.exec_prepared("evaluation.invitation_counts", session_.org_id(), programme_id));
  });
}

std::vector<EvaluationRepository::Count> PostgresEvaluationRepository::response_counts(
    const std::string& programme_id) {
  return session_.run("counting survey responses", [&](pqxx::work& txn) {
    return read_counts(
        txn.exec_prepared("evaluation.response_counts", session_.org_id(), programme_id));
  });
}

std::vector<EvaluationRepository::Answer> PostgresEvaluationRepository::answers(
    const std::string& programme_id) {
  return session_.run("reading survey answers", [&](pqxx::work& txn) {
    std::vector<Answer> out;
    for (const auto& row : txn.exec_prepared("evaluation.answers", session_.org_id(), programme_id))
      out.push_back({programme_id, row[0].as<std::string>(), row[1].as<std::string>(),
                     row[2].as<std::string>(), "", row[3].as<std::string>(),
                     row[4].as<std::int64_t>()});
    return out;
  });
}

std::vector<EvaluationRepository::LeaveOfPerson> PostgresEvaluationRepository::approved_leave() {
  return session_.run("reading approved leave", [&](pqxx::work& txn) {
    std::vector<LeaveOfPerson> out;
    for (const auto& row : txn.exec_prepared("evaluation.approved_leave", session_.org_id())) {
      auto type = parse_leave_type(row[2].as<std::string>());
      if (!type) continue;  // a type this plugin no longer knows
      LeaveOfPerson item;
      item.leave.id = row[0].as<std::string>();
      item.leave.person_id = row[1].as<std::string>();
      item.leave.type = *type;
      item.leave.start = required_date(row[3]);
      item.leave.expected_end = required_date(row[4]);
      item.leave.actual_end = optional_date(row[5]);
      item.leave.status = LeaveStatus::approved;
      item.person_end = optional_date(row[6]);
      out.push_back(std::move(item));
    }
    return out;
  });
}

}  // namespace mentoring::store::postgres
