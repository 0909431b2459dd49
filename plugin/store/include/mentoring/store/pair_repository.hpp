// mentoring/store/pair_repository.hpp — the organisation's mentoring pairs and what the
// pairing module keeps beside them: each proposal's score broken down by criterion, HR's
// locks and forbids, who accepted, the requests of participant choice, the mentee's private
// notes, why a mentee was left unmatched at the last run, and the pairs whose mentee's leave
// dates changed since HR last looked (issue 17: a repository per concept).
//
//   SqlitePairRepository pairs(org_store.session());
//   auto id = pairs.insert_pair(programme, mentee_enrolment, mentor_enrolment, proposed, now);
//   pairs.save_proposal(id, {{"same_leave_kind", 3.0}, ...}, now);
//
// Proposals are pairs in state proposed; only those may be discarded. A repository never
// begins a transaction: its calls join the session's. Borrows the session; not thread-safe.
#pragma once

#include <mentoring/domain/records.hpp>

#include <mentoring/store/store_session.hpp>

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

class PairRepository {
 public:
  virtual ~PairRepository() = default;

  // --- pairs: a proposal, accepted by HR (or the pair), ended with a cause ---------------
  // Answers the new pair's id; an accepted pair is accepted on the day of `at`.
  virtual std::int64_t insert_pair(const std::string& programme_id,
                                   std::int64_t mentee_enrolment_id,
                                   std::int64_t mentor_enrolment_id, domain::PairState state,
                                   const std::string& at) = 0;
  // Throws std::runtime_error for an unknown pair.
  virtual void set_pair_state(std::int64_t pair_id, domain::PairState state, const std::string& at,
                              const std::string& cause) = 0;
  // Pairs of one programme ("" for every programme), any state, by id.
  virtual std::vector<domain::Pair> pairs(const std::string& programme_id = "") = 0;

  // Pairs whose mentee's leave dates changed since HR last looked (ended pairs aside), by id.
  virtual void mark_pair_leave_changed(std::int64_t pair_id, const std::string& what) = 0;
  virtual std::vector<std::pair<domain::Pair, std::string>> pairs_with_leave_changes() = 0;
  virtual void clear_pair_leave_changed(std::int64_t pair_id) = 0;

  // --- proposals ---------------------------------------------------------------------------
  // Details of a pair just inserted; the score is the sum of the breakdown in its order.
  virtual void save_proposal(std::int64_t pair_id, const std::vector<CriterionScore>& breakdown,
                             const std::string& at) = 0;
  virtual std::optional<ProposalDetails> proposal(std::int64_t pair_id) = 0;
  // Every stored proposal's details of one programme, by pair id.
  virtual std::map<std::int64_t, ProposalDetails> proposals(const std::string& programme_id) = 0;
  // Both throw std::runtime_error for a pair without a proposal.
  virtual void set_locked(std::int64_t pair_id, bool locked) = 0;
  virtual void record_acceptance(std::int64_t pair_id, domain::Role side,
                                 const std::string& by) = 0;
  // Deletes a pair that is still a proposal, with its details; throws for any other state.
  virtual void discard(std::int64_t pair_id) = 0;

  // --- HR's forbids --------------------------------------------------------------------------
  // A second forbid of the same pair keeps the first.
  virtual void forbid(const std::string& programme_id, const ForbiddenPair& pair) = 0;
  // Lifts a forbid; false when there was none.
  virtual bool unforbid(const std::string& programme_id, const std::string& mentee_id,
                        const std::string& mentor_id) = 0;
  // By mentee and mentor.
  virtual std::vector<ForbiddenPair> forbidden(const std::string& programme_id) = 0;

  // --- unmatched mentees ---------------------------------------------------------------------
  // The unmatched mentees of a programme's last pairing run, replacing the previous list
  // (left as it is, noted_at too, when the list is the same: a run that changes nothing
  // writes nothing).
  virtual void replace_unmatched(const std::string& programme_id,
                                 const std::vector<UnmatchedNote>& notes,
                                 const std::string& at) = 0;
  // By enrolment id.
  virtual std::vector<UnmatchedNote> unmatched(const std::string& programme_id) = 0;

  // --- what the mentee states (never shown to HR) ----------------------------------------
  // The wishes an enrolment recorded at consent ("" when none): read by the matching only.
  virtual std::string wishes(std::int64_t enrolment_id) = 0;
  // The mentee's own notes; each given field replaces the stored one, the others stay.
  // Throws std::runtime_error for an unknown enrolment.
  virtual void set_private_notes(std::int64_t enrolment_id, const std::optional<std::string>& goal,
                                 const std::optional<std::string>& wishes,
                                 const std::optional<std::string>& mentoring_question) = 0;
  // Empty notes for an unknown enrolment.
  virtual PrivateNotes private_notes(std::int64_t enrolment_id) = 0;

  // --- participant choice: a mentee's request for one mentor and the answer -------------
  virtual void save_request(std::int64_t pair_id, const std::string& requested_by,
                            const std::string& at) = 0;
  virtual std::optional<MentorRequest> request(std::int64_t pair_id) = 0;
  // Pair ids of one programme's proposals that a mentee requested and nobody answered yet.
  virtual std::vector<std::int64_t> open_requests(const std::string& programme_id) = 0;
  // Throws std::runtime_error for a pair without a request.
  virtual void record_answer(std::int64_t pair_id, const std::string& answer,
                             const std::string& reason, const std::string& by,
                             const std::string& at) = 0;
  // A mentor's decline of a mentee; the latest decline of the same mentor replaces it.
  virtual void record_decline(const std::string& programme_id, std::int64_t mentee_enrolment_id,
                              const std::string& mentor_id, const std::string& reason,
                              const std::string& by, const std::string& at) = 0;
  // Person ids of the mentors who declined this mentee enrolment, by id.
  virtual std::vector<std::string> declined_by(std::int64_t mentee_enrolment_id) = 0;
};

// The pair tables of the session's SQLite database.
class SqlitePairRepository final : public PairRepository {
 public:
  explicit SqlitePairRepository(StoreSession& session) : session_(session) {}

  std::int64_t insert_pair(const std::string& programme_id, std::int64_t mentee_enrolment_id,
                           std::int64_t mentor_enrolment_id, domain::PairState state,
                           const std::string& at) override;
  void set_pair_state(std::int64_t pair_id, domain::PairState state, const std::string& at,
                      const std::string& cause) override;
  std::vector<domain::Pair> pairs(const std::string& programme_id = "") override;
  void mark_pair_leave_changed(std::int64_t pair_id, const std::string& what) override;
  std::vector<std::pair<domain::Pair, std::string>> pairs_with_leave_changes() override;
  void clear_pair_leave_changed(std::int64_t pair_id) override;
  void save_proposal(std::int64_t pair_id, const std::vector<CriterionScore>& breakdown,
                     const std::string& at) override;
  std::optional<ProposalDetails> proposal(std::int64_t pair_id) override;
  std::map<std::int64_t, ProposalDetails> proposals(const std::string& programme_id) override;
  void set_locked(std::int64_t pair_id, bool locked) override;
  void record_acceptance(std::int64_t pair_id, domain::Role side, const std::string& by) override;
  void discard(std::int64_t pair_id) override;
  void forbid(const std::string& programme_id, const ForbiddenPair& pair) override;
  bool unforbid(const std::string& programme_id, const std::string& mentee_id,
                const std::string& mentor_id) override;
  std::vector<ForbiddenPair> forbidden(const std::string& programme_id) override;
  void replace_unmatched(const std::string& programme_id, const std::vector<UnmatchedNote>& notes,
                         const std::string& at) override;
  std::vector<UnmatchedNote> unmatched(const std::string& programme_id) override;
  std::string wishes(std::int64_t enrolment_id) override;
  void set_private_notes(std::int64_t enrolment_id, const std::optional<std::string>& goal,
                         const std::optional<std::string>& wishes,
                         const std::optional<std::string>& mentoring_question) override;
  PrivateNotes private_notes(std::int64_t enrolment_id) override;
  void save_request(std::int64_t pair_id, const std::string& requested_by,
                    const std::string& at) override;
  std::optional<MentorRequest> request(std::int64_t pair_id) override;
  std::vector<std::int64_t> open_requests(const std::string& programme_id) override;
  void record_answer(std::int64_t pair_id, const std::string& answer, const std::string& reason,
                     const std::string& by, const std::string& at) override;
  void record_decline(const std::string& programme_id, std::int64_t mentee_enrolment_id,
                      const std::string& mentor_id, const std::string& reason,
                      const std::string& by, const std::string& at) override;
  std::vector<std::string> declined_by(std::int64_t mentee_enrolment_id) override;

 private:
  StoreSession& session_;
};

}  // namespace mentoring::store
