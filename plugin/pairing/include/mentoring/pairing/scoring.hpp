// Hard rules and soft scores for one mentee/mentor pair, with the score broken down by
// criterion so HR can see why a pair was proposed.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "mentoring/pairing/model.hpp"

namespace mentoring::pairing {

using domain::ManagementChains;  // the management-chain rule lives in the domain

// The first hard rule a pair breaks, in the order checked.
enum class Ineligibility {
  kEligible,
  kSamePerson,
  kManagementChain,
  kTrainingIncomplete,
  kNoSharedLanguage,
  kExcludedByMentee,
  kExcludedByMentor,
  kVetoedByMentee,
  kVetoedByMentor,
  kSameOrgUnit,
  kForbiddenByHr,     // checked by the cohort entry points (HrControls), not by check()
  kDeclinedByMentor,  // the mentor declined this mentee's request (participant choice)
};
inline constexpr std::size_t kIneligibilityCount = 12;
std::string_view describe(Ineligibility reason);

struct ScoreBreakdown {
  std::array<double, kCriterionCount> contribution{};  // weight x value, indexed by Criterion
  double total = 0;  // the sum of the contributions, added in Criterion order
};

// What a criterion measures, in words for HR ("the mentor lived through the same kind of leave").
std::string_view describe(Criterion criterion);

// How well a pair meets one criterion, from its value (0..1; org_proximity's
// 0 is "nothing in common", 1 the same unit).
enum class CriterionLevel { full, partial, none };
std::string_view to_string(CriterionLevel level);  // "full", "partial", "none"

// One criterion of a proposal's score, explained: the programme's weight, the
// pair's value on it (contribution / weight), the contribution to the score,
// and a sentence saying what it meant for this pair.
struct CriterionExplanation {
  Criterion criterion = Criterion::kSameLeaveKind;
  double weight = 0;
  double value = 0;
  double contribution = 0;
  CriterionLevel level = CriterionLevel::none;
  std::string words;
};

// The explanation of a score (the contributions by criterion, as stored with a
// proposal) under the programme's weights; a criterion the programme does not
// use (weight 0) is left out. In Criterion order.
std::vector<CriterionExplanation> explain_score(
    const std::array<double, kCriterionCount>& contribution, const CriterionWeights& weights);

class PairScorer {
 public:
  // Validates the cohort against the rules (throws PairingInputError naming the problem).
  PairScorer(const Cohort& cohort, const MatchingRules& rules);

  Ineligibility check(std::size_t mentee, std::size_t mentor);
  ScoreBreakdown score(std::size_t mentee, std::size_t mentor) const;

  // Person ids on management cycles (bad data worth reporting).
  std::vector<std::string> management_cycles() const { return chains_.people_on_cycles(); }

 private:
  const Cohort& cohort_;
  const MatchingRules& rules_;
  ManagementChains chains_;
};

}  // namespace mentoring::pairing
