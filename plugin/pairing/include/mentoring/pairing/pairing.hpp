// The pairing engine's entry points: propose an optimal, explained set of pairs for a cohort,
// honour HR's locks and forbids, and place newcomers without reshuffling existing pairs.
// Results are proposals only; accepting them is the caller's business.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "mentoring/pairing/model.hpp"
#include "mentoring/pairing/scoring.hpp"

namespace mentoring::pairing {

struct PairRef {
  std::string mentee_id;
  std::string mentor_id;
};

struct HrControls {
  std::vector<PairRef> locked;     // kept as they are; they use up the mentor's capacity
  std::vector<PairRef> forbidden;  // never proposed
};

enum class SolverChoice { kAutomatic, kDense, kSparse };

struct SolveOptions {
  SolverChoice solver = SolverChoice::kAutomatic;
  // 0 = every eligible mentor is a candidate (exact). K > 0 keeps each mentee's K best-scoring
  // eligible mentors only: exact for that shortlist, meant for very large pools.
  std::size_t shortlist = 0;
};

struct ProposedPair {
  std::size_t mentee = 0;  // index into Cohort::mentees
  std::size_t mentor = 0;  // index into Cohort::mentors
  ScoreBreakdown score;
  bool locked = false;
};

enum class UnmatchedReason {
  kNoMentorsInCohort,
  kNoEligibleMentor,     // every mentor breaks a hard rule (see the explanation)
  kEligibleMentorsFull,  // eligible mentors exist, their capacity went to other mentees
  kOutsideShortlist,     // an eligible mentor had room but was not on the shortlist
};

struct UnmatchedMentee {
  std::size_t mentee = 0;
  UnmatchedReason reason = UnmatchedReason::kNoEligibleMentor;
  std::string explanation;  // for HR, e.g. "no eligible mentor among 4: training ×3, ..."
};

struct Proposal {
  std::vector<ProposedPair> pairs;         // ordered by mentee index
  std::vector<UnmatchedMentee> unmatched;  // ordered by mentee index
  double total_score = 0;                  // sum of the pairs' totals
  std::vector<std::string> warnings;       // bad data noticed on the way (e.g. management cycles)
};

// Maximises first the number of pairs, then the total score, over all assignments that respect
// capacities, hard rules and HR controls. Same input, same output. Throws PairingInputError.
Proposal propose_pairs(const Cohort& cohort, const MatchingRules& rules,
                       const HrControls& controls = {}, const SolveOptions& options = {});

// Incremental mode: `existing` pairs stay exactly as they are (even if a rule changed since,
// which is reported as a warning) and the unpaired mentees share the remaining capacity
// optimally. With one newcomer this is "the best mentor with free capacity".
Proposal place_newcomers(const Cohort& cohort, const MatchingRules& rules,
                         const std::vector<PairRef>& existing, const HrControls& controls = {});

}  // namespace mentoring::pairing
