// mentoring/store/evaluation_store.hpp — survey invitations and anonymous
// answers in the organisation's database (migration 6).
//
//   mentoring::store::EvaluationStore evaluation(org_store.database());
//   SQLite::Transaction txn(org_store.database());
//   if (evaluation.mark_used(hash)) {                  // false: unknown or used already
//     evaluation.add_answer({programme, survey, "mentee", question, "2027-05", "4"});
//     evaluation.add_response(programme, survey, "mentee", "2027-05");
//   }
//   txn.commit();                                       // used and answers together
//
// Shares the connection (and so the transactions) of the OrgStore it is built
// over. Only hashes of tokens are stored. An answer row carries programme,
// survey, role, question, month and value, and a count of identical answers:
// nothing leads from it to a person, an enrolment or a token. Non-copyable.
#pragma once

#include <mentoring/domain/records.hpp>

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mentoring::store {

class EvaluationStore {
 public:
  explicit EvaluationStore(SQLite::Database& db) : db_(db) {}
  EvaluationStore(const EvaluationStore&) = delete;
  EvaluationStore& operator=(const EvaluationStore&) = delete;

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
  bool invited(const std::string& programme_id, const std::string& survey_id,
               std::int64_t enrolment_id);
  void add_invitation(const Invitation& invitation);
  std::optional<Invitation> invitation(const std::string& token_hash);
  // Marks the token used; false when it is unknown or was used already (so two
  // answers racing with one token store one).
  bool mark_used(const std::string& token_hash);

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
  void add_answer(const Answer& answer);
  // Counts one more response to the survey (one per used token).
  void add_response(const std::string& programme_id, const std::string& survey_id,
                    const std::string& role, const std::string& month);

  struct Count {
    std::string survey_id;
    std::string role;
    std::int64_t count = 0;
  };
  // Invitations per survey and role, and responses per survey and role (every month).
  std::vector<Count> invitation_counts(const std::string& programme_id);
  std::vector<Count> response_counts(const std::string& programme_id);
  // Every answer of a programme, summed over months, ordered by survey, role,
  // question and value.
  std::vector<Answer> answers(const std::string& programme_id);

  // Approved leave of every person the HR system still lists, with the
  // person's end date: the returners outcome figures are made of.
  struct LeaveOfPerson {
    domain::Leave leave;
    std::optional<domain::Date> person_end;
  };
  std::vector<LeaveOfPerson> approved_leave();

 private:
  SQLite::Database& db_;
};

}  // namespace mentoring::store
