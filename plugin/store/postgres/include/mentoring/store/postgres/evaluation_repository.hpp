// mentoring/store/postgres/evaluation_repository.hpp — survey invitations and anonymous
// answers on the shared store: EvaluationRepository (mentoring/store/evaluation_repository.hpp
// says what each member does) over the evaluation tables.
//
// Borrows the session, which must outlive it. Not thread-safe (the session is not).
#pragma once

#include <mentoring/store/evaluation_repository.hpp>
#include <mentoring/store/postgres/org_session.hpp>

namespace mentoring::store::postgres {

class PostgresEvaluationRepository final : public EvaluationRepository {
 public:
  explicit PostgresEvaluationRepository(OrgSession& session);

  bool invited(const std::string& programme_id, const std::string& survey_id,
               std::int64_t enrolment_id) override;
  void add_invitation(const Invitation& invitation) override;
  std::optional<Invitation> invitation(const std::string& token_hash) override;
  bool mark_used(const std::string& token_hash) override;
  void add_answer(const Answer& answer) override;
  void add_response(const std::string& programme_id, const std::string& survey_id,
                    const std::string& role, const std::string& month) override;
  std::vector<Count> invitation_counts(const std::string& programme_id) override;
  std::vector<Count> response_counts(const std::string& programme_id) override;
  std::vector<Answer> answers(const std::string& programme_id) override;
  std::vector<LeaveOfPerson> approved_leave() override;

 private:
  OrgSession& session_;
};

}  // namespace mentoring::store::postgres
