// Hard rules and soft scores for one mentee/mentor pair, with the score broken down by
// criterion so HR can see why a pair was proposed.
#pragma once

#include <array>
#include <cstddef>
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
