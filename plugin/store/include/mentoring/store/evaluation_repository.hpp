// mentoring/store/evaluation_repository.hpp — survey invitations and anonymous answers
// (SQLite migration 6; issue 17: a repository per concept).
//
//   SqliteEvaluationRepository evaluation(org_store.session());
//   SQLite::Transaction txn(org_store.database());
//   if (evaluation.mark_used(hash)) {                  // false: unknown or used already
//     evaluation.add_answer({programme, survey, "mentee", question, "2027-05", "4"});
//     evaluation.add_response(programme, survey, "mentee", "2027-05");
//   }
//   txn.commit();                                       // used and answers together
//
// Only hashes of tokens are stored. An answer row carries programme, survey, role,
// question, month and value, and a count of identical answers: nothing leads from it to a
// person, an enrolment or a token. A repository never begins a transaction: its calls join
// the session's. Borrows the session; not thread-safe (the session is not).
#pragma once

#include <mentoring/domain/records.hpp>
#include <mentoring/store/store_session.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mentoring::store {

class EvaluationRepository {
 public:
  virtual ~EvaluationRepository() = default;

  struct Invitation {
    std::string token_hash;  // hex SHA-256 of the token; the token itself is never stored
    std::string programme_id;
    std::string survey_id;
    std::int64_t enrolment_id = 0;
    std::string role;  // mentee | mentor
    domain::Date issued_on{};
    bool used = false;
  };
  // Whether this enrolment was invited to this survey already.
  virtual bool invited(const std::string& programme_id, const std::string& survey_id,
                       std::int64_t enrolment_id) = 0;
  virtual void add_invitation(const Invitation& invitation) = 0;
  virtual std::optional<Invitation> invitation(const std::string& token_hash) = 0;
  // Marks the token used; false when it is unknown or was used already (so two answers
  // racing with one token store one).
  virtual bool mark_used(const std::string& token_hash) = 0;

  struct Answer {
    std::string programme_id;
    std::string survey_id;
    std::string role;
    std::string question_id;
    std::string month;  // YYYY-MM
    std::string value;
    std::int64_t count = 1;  // identical answers in that month
  };
  // Counts one more answer of this value.
  virtual void add_answer(const Answer& answer) = 0;
  // Counts one more response to the survey (one per used token).
  virtual void add_response(const std::string& programme_id, const std::string& survey_id,
                            const std::string& role, const std::string& month) = 0;

  struct Count {
    std::string survey_id;
    std::string role;
    std::int64_t count = 0;
  };
  // Invitations per survey and role, and responses per survey and role (every month), by
  // survey and role.
  virtual std::vector<Count> invitation_counts(const std::string& programme_id) = 0;
  virtual std::vector<Count> response_counts(const std::string& programme_id) = 0;
  // Every answer of a programme, summed over months (month left empty), ordered by survey,
  // role, question and value.
  virtual std::vector<Answer> answers(const std::string& programme_id) = 0;

  // Approved leave of every person the HR system still lists, with the person's end date:
  // the returners outcome figures are made of. By person, start and leave id; a leave type
  // this plugin no longer knows is left out.
  struct LeaveOfPerson {
    domain::Leave leave;
    std::optional<domain::Date> person_end;
  };
  virtual std::vector<LeaveOfPerson> approved_leave() = 0;
};

// The evaluation tables of the session's SQLite database.
class SqliteEvaluationRepository final : public EvaluationRepository {
 public:
  explicit SqliteEvaluationRepository(StoreSession& session) : session_(session) {}

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
  StoreSession& session_;
};

}  // namespace mentoring::store
