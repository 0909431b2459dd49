// The pairing problem as plain data: who takes part, the programme's hard rules and the
// weighted soft criteria. A programme-definition loader fills these; nothing here parses.
#pragma once

#include <mentoring/domain/management_chain.hpp>

#include <array>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mentoring::pairing {

// Thrown for input that cannot be paired sensibly; the message names the offending item.
class PairingInputError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// What both sides of a pair carry. Empty strings / lists / nullopt mean "not recorded".
struct Participant {
  std::string id;                          // person id in the host system
  std::vector<std::string> languages;      // languages the person works in
  std::vector<std::string> org_path;       // e.g. {"Clinical", "Nursing", "Ward 3"}, top first
  std::string leave_kind;                  // "maternity", "carer", ... (lived or upcoming)
  std::string location;                    // site or city
  std::optional<double> utc_offset_hours;  // time zone
  std::optional<int> seniority;            // grade / band, higher = more senior
  std::vector<std::string> themes;         // themes the person brings or can mentor on
  std::vector<std::string> excluded_ids;   // declared exclusions: never pair with these people
  std::vector<std::string> vetoed_ids;     // stated wish: "not this person" (hard, like exclusion)
  std::vector<std::string> ranked_ids;     // stated wish: preferred people, best first
};

struct Mentee : Participant {
  // Mentors who declined this mentee's request (participant choice): never proposed again.
  std::vector<std::string> declined_by_ids;
};

struct Mentor : Participant {
  int capacity = 1;  // mentees the mentor takes at once: 1..kMaxMentorCapacity
  bool training_complete = false;
};

// A mentor of pairs takes at most 3 (mentor.capacity); a circle's mentor up to
// 12 (circle.max_mentees): see domain::effective_mentor_capacity.
inline constexpr int kMaxMentorCapacity = 12;

// Manager links (direct and indirect) of everyone the host knows, not only the cohort: chains
// pass through people who are not participants.
using domain::ManagerLink;

struct Cohort {
  std::vector<Mentee> mentees;
  std::vector<Mentor> mentors;
  std::vector<ManagerLink> managers;
  // Instead of `managers`: each person's managers asked for when a chain reaches them (the
  // plugin passes the store's lookup, so a pass costs the cohort's chains, not the whole
  // organisation's links). When set, `managers` is not read.
  domain::ManagementChains::ManagersOf managers_of;
};

// Soft criteria, each valued in [0, 1] for a pair and multiplied by its weight.
enum class Criterion : std::size_t {
  kSameLeaveKind,  // 1 when the mentor lived through the same kind of leave
  kOrgProximity,   // 1 same unit ... 0 nothing in common (negative weight = prefer distance)
  kLocation,       // 1 same location, else time-zone closeness (1 - |dz| / max difference)
  kSeniorityGap,   // 1 when mentor minus mentee seniority is within the configured range
  kThemeOverlap,   // share of the mentee's themes the mentor also carries
  kMenteeWish,     // 1 for the mentee's first choice, decreasing down the ranking
  kMentorWish,     // same, from the mentor's ranking
};
inline constexpr std::size_t kCriterionCount = 7;
std::string_view criterion_name(Criterion c);

struct CriterionWeights {
  std::array<double, kCriterionCount> weight{};  // indexed by Criterion; 0 = not used

  double& operator[](Criterion c) { return weight[static_cast<std::size_t>(c)]; }
  double operator[](Criterion c) const { return weight[static_cast<std::size_t>(c)]; }
};

struct HardRules {
  // The management-chain rule is not configurable: the product forbids it everywhere.
  bool require_training = true;
  bool require_shared_language = true;
  // Host records often leave languages out: when set, a side that declares no language does not
  // break the shared-language rule (only two declared, disjoint lists do).
  bool language_rule_needs_both_declared = false;
  // When > 0, mentor and mentee may not share the first N levels of org_path
  // (with paths {department, team}: 1 = "not the same department", 2 = "not the same team").
  std::size_t separate_org_levels = 0;
};

struct MatchingRules {
  HardRules hard;
  CriterionWeights weights;
  int seniority_gap_min = 1;  // mentor at least this many grades above the mentee
  int seniority_gap_max = 4;  // and at most this many
  double max_utc_offset_difference = 12.0;
};

// Whether the cohort carries what a criterion reads (for the wish criteria: the ranking side).
// A caller with default weights drops a criterion nobody records instead of failing.
bool criterion_recorded(const Cohort& cohort, Criterion criterion);

// Rejects NaN/inf weights, inverted ranges and impossible capacities, naming the item.
void validate(const MatchingRules& rules);
void validate(const Cohort& cohort, const MatchingRules& rules);

}  // namespace mentoring::pairing
