// mentoring/store/pairing_store.hpp — what the pairing module keeps beside the pair table:
// each proposal's score broken down by criterion, HR's locks and forbids, who accepted, and
// why a mentee was left unmatched at the last run (migration 4).
//
//   PairingStore pairing(store.database());
//   auto id = store.insert_pair(programme, mentee_enrolment, mentor_enrolment, proposed, now);
//   pairing.save_proposal(id, {{"same_leave_kind", 3.0}, ...}, now);
//
// Proposals live in `pair` with state 'proposed'; only those may be discarded.
#pragma once

#include <mentoring/domain/records.hpp>

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mentoring::store {

struct CriterionScore {
  std::string criterion;
  double contribution = 0;  // weight x value
};

struct ProposalDetails {
  std::int64_t pair_id = 0;
  double score = 0;                       // the contributions added in order
  std::vector<CriterionScore> breakdown;  // in criterion order
  bool locked = false;
  std::string proposed_at;
  std::optional<std::string> mentee_accepted_by;  // when the pair itself accepts
  std::optional<std::string> mentor_accepted_by;
};

struct ForbiddenPair {
  std::string mentee_id;
  std::string mentor_id;
  std::string recorded_by;
  std::string at;
};

// A mentee's request for one mentor (participant choice, migration 11): the proposal it made
// and the mentor's answer once given.
struct MentorRequest {
  std::int64_t pair_id = 0;
  std::string requested_by;
  std::string requested_at;
  std::optional<std::string> answer;  // "accept" | "decline"
  std::optional<std::string> answer_reason;
  std::optional<std::string> answered_by;
};

// What a mentee states for their pair (never shown to HR): goal, wishes, mentoring question.
struct PrivateNotes {
  std::string goal;
  std::string wishes;
  std::string mentoring_question;
};

struct UnmatchedNote {
  std::int64_t enrolment_id = 0;
  std::string person_id;
  std::string reason;       // no_mentors_in_cohort | no_eligible_mentor | eligible_mentors_full ...
  std::string explanation;  // for HR
};

class PairingStore {
 public:
  explicit PairingStore(SQLite::Database& db) : db_(db) {}

  // Details of a pair just inserted; the score is the sum of the breakdown in its order.
  void save_proposal(std::int64_t pair_id, const std::vector<CriterionScore>& breakdown,
                     const std::string& at);
  std::optional<ProposalDetails> proposal(std::int64_t pair_id);
  // Every stored proposal's details of one programme, by pair id.
  std::map<std::int64_t, ProposalDetails> proposals(const std::string& programme_id);

  void set_locked(std::int64_t pair_id, bool locked);
  void record_acceptance(std::int64_t pair_id, domain::Role side, const std::string& by);

  // Deletes a pair that is still a proposal, with its details; throws for any other state.
  void discard(std::int64_t pair_id);

  void forbid(const std::string& programme_id, const ForbiddenPair& pair);
  // Lifts a forbid; false when there was none.
  bool unforbid(const std::string& programme_id, const std::string& mentee_id,
                const std::string& mentor_id);
  std::vector<ForbiddenPair> forbidden(const std::string& programme_id);

  // The unmatched mentees of a programme's last pairing run, replacing the previous list
  // (left as it is, noted_at too, when the list is the same).
  void replace_unmatched(const std::string& programme_id, const std::vector<UnmatchedNote>& notes,
                         const std::string& at);
  std::vector<UnmatchedNote> unmatched(const std::string& programme_id);

  // The wishes an enrolment recorded at consent ("" when none): read by the matching only.
  std::string wishes(std::int64_t enrolment_id);

  // The mentee's own notes; each given field replaces the stored one, the others stay.
  void set_private_notes(std::int64_t enrolment_id, const std::optional<std::string>& goal,
                         const std::optional<std::string>& wishes,
                         const std::optional<std::string>& mentoring_question);
  PrivateNotes private_notes(std::int64_t enrolment_id);

  // Participant choice: the request behind a proposal, and the mentors who declined a mentee.
  void save_request(std::int64_t pair_id, const std::string& requested_by, const std::string& at);
  std::optional<MentorRequest> request(std::int64_t pair_id);
  // Pair ids of one programme's proposals that a mentee requested and nobody answered yet.
  std::vector<std::int64_t> open_requests(const std::string& programme_id);
  void record_answer(std::int64_t pair_id, const std::string& answer, const std::string& reason,
                     const std::string& by, const std::string& at);
  void record_decline(const std::string& programme_id, std::int64_t mentee_enrolment_id,
                      const std::string& mentor_id, const std::string& reason,
                      const std::string& by, const std::string& at);
  // Person ids of the mentors who declined this mentee enrolment.
  std::vector<std::string> declined_by(std::int64_t mentee_enrolment_id);

 private:
  SQLite::Database& db_;
};

}  // namespace mentoring::store
