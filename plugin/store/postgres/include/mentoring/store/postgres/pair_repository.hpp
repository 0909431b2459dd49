// mentoring/store/postgres/pair_repository.hpp — the organisation's pairs and what the
// pairing module keeps beside them, on the shared store: PairRepository
// (mentoring/store/pair_repository.hpp says what each member does).
//
// Borrows the session, which must outlive it. Not thread-safe (the session is not).
#pragma once

#include <mentoring/store/pair_repository.hpp>
#include <mentoring/store/postgres/org_session.hpp>

namespace mentoring::store::postgres {

class PostgresPairRepository final : public PairRepository {
 public:
  explicit PostgresPairRepository(OrgSession& session);

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
  OrgSession& session_;
};

}  // namespace mentoring::store::postgres
