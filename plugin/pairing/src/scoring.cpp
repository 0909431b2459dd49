#include "mentoring/pairing/scoring.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace mentoring::pairing {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

bool share_any(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  return std::any_of(a.begin(), a.end(), [&](const std::string& x) { return contains(b, x); });
}

std::size_t common_prefix(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::size_t k = 0;
  while (k < a.size() && k < b.size() && a[k] == b[k]) ++k;
  return k;
}

// 1 for the first choice, 1/k for the last of k, 0 when not ranked.
double rank_value(const std::vector<std::string>& ranking, const std::string& id) {
  const auto it = std::find(ranking.begin(), ranking.end(), id);
  if (it == ranking.end()) return 0.0;
  const auto position = static_cast<double>(it - ranking.begin());
  return 1.0 - position / static_cast<double>(ranking.size());
}

// Whether a participant records the attribute a criterion reads.
bool carries(const Participant& p, Criterion c) {
  switch (c) {
    case Criterion::kSameLeaveKind:
      return !p.leave_kind.empty();
    case Criterion::kOrgProximity:
      return !p.org_path.empty();
    case Criterion::kLocation:
      return !p.location.empty() || p.utc_offset_hours.has_value();
    case Criterion::kSeniorityGap:
      return p.seniority.has_value();
    case Criterion::kThemeOverlap:
      return !p.themes.empty();
    case Criterion::kMenteeWish:
    case Criterion::kMentorWish:
      return !p.ranked_ids.empty();
  }
  return false;
}

std::string_view attribute_name(Criterion c) {
  switch (c) {
    case Criterion::kSameLeaveKind:
      return "leave_kind";
    case Criterion::kOrgProximity:
      return "org_path";
    case Criterion::kLocation:
      return "location or utc_offset_hours";
    case Criterion::kSeniorityGap:
      return "seniority";
    case Criterion::kThemeOverlap:
      return "themes";
    case Criterion::kMenteeWish:
    case Criterion::kMentorWish:
      return "ranked_ids";
  }
  return "?";
}

template <class People>
bool anyone_carries(const People& people, Criterion c) {
  return std::any_of(people.begin(), people.end(),
                     [c](const Participant& p) { return carries(p, c); });
}

}  // namespace

std::string_view criterion_name(Criterion c) {
  switch (c) {
    case Criterion::kSameLeaveKind:
      return "same_leave_kind";
    case Criterion::kOrgProximity:
      return "org_proximity";
    case Criterion::kLocation:
      return "location";
    case Criterion::kSeniorityGap:
      return "seniority_gap";
    case Criterion::kThemeOverlap:
      return "theme_overlap";
    case Criterion::kMenteeWish:
      return "mentee_wish";
    case Criterion::kMentorWish:
      return "mentor_wish";
  }
  return "?";
}

std::string_view describe(Criterion c) {
  switch (c) {
    case Criterion::kSameLeaveKind:
      return "the mentor lived through the same kind of leave";
    case Criterion::kOrgProximity:
      return "how close they are in the organisation";
    case Criterion::kLocation:
      return "the same location, or a near time zone";
    case Criterion::kSeniorityGap:
      return "the mentor is the wanted number of grades above the mentee";
    case Criterion::kThemeOverlap:
      return "the mentor carries the themes the mentee asked for";
    case Criterion::kMenteeWish:
      return "the mentee ranked this mentor";
    case Criterion::kMentorWish:
      return "the mentor ranked this mentee";
  }
  return "?";
}

std::string_view to_string(CriterionLevel level) {
  switch (level) {
    case CriterionLevel::full:
      return "full";
    case CriterionLevel::partial:
      return "partial";
    case CriterionLevel::none:
      return "none";
  }
  return "?";
}

namespace {

// What one level of a criterion meant for a pair, in words.
std::string_view level_words(Criterion c, CriterionLevel level) {
  const bool full = level == CriterionLevel::full, none = level == CriterionLevel::none;
  switch (c) {
    case Criterion::kSameLeaveKind:
      return full ? "the mentor lived through the same kind of leave"
                  : "the mentor's leave was of another kind";
    case Criterion::kOrgProximity:
      return full   ? "they work in the same unit"
             : none ? "they have nothing in common in the organisation"
                    : "they share part of the organisation";
    case Criterion::kLocation:
      return full   ? "they work at the same location"
             : none ? "they are far apart in time zones"
                    : "they work in nearby time zones";
    case Criterion::kSeniorityGap:
      return full ? "the mentor is the wanted number of grades above the mentee"
                  : "the grade gap is outside the wanted range";
    case Criterion::kThemeOverlap:
      return full   ? "the mentor carries every theme the mentee asked for"
             : none ? "the mentor carries none of the themes the mentee asked for"
                    : "the mentor carries some of the themes the mentee asked for";
    case Criterion::kMenteeWish:
      return full   ? "the mentee's first choice"
             : none ? "the mentee did not rank this mentor"
                    : "ranked by the mentee, not first";
    case Criterion::kMentorWish:
      return full   ? "the mentor's first choice"
             : none ? "the mentor did not rank this mentee"
                    : "ranked by the mentor, not first";
  }
  return "?";
}

}  // namespace

std::vector<CriterionExplanation> explain_score(
    const std::array<double, kCriterionCount>& contribution, const CriterionWeights& weights) {
  std::vector<CriterionExplanation> out;
  for (std::size_t i = 0; i < kCriterionCount; ++i) {
    const auto criterion = static_cast<Criterion>(i);
    const double weight = weights[criterion];
    if (weight == 0) continue;
    CriterionExplanation e;
    e.criterion = criterion;
    e.weight = weight;
    e.contribution = contribution[i];
    e.value = contribution[i] / weight;
    constexpr double kEpsilon = 1e-9;
    e.level = e.value >= 1 - kEpsilon ? CriterionLevel::full
              : e.value <= kEpsilon   ? CriterionLevel::none
                                      : CriterionLevel::partial;
    e.words = std::string(level_words(criterion, e.level));
    out.push_back(std::move(e));
  }
  return out;
}

std::string_view describe(Ineligibility reason) {
  switch (reason) {
    case Ineligibility::kEligible:
      return "eligible";
    case Ineligibility::kSamePerson:
      return "same person";
    case Ineligibility::kManagementChain:
      return "in the same management chain";
    case Ineligibility::kTrainingIncomplete:
      return "mentor training not complete";
    case Ineligibility::kNoSharedLanguage:
      return "no shared language";
    case Ineligibility::kExcludedByMentee:
      return "excluded by the mentee";
    case Ineligibility::kExcludedByMentor:
      return "excluded by the mentor";
    case Ineligibility::kVetoedByMentee:
      return "vetoed by the mentee";
    case Ineligibility::kVetoedByMentor:
      return "vetoed by the mentor";
    case Ineligibility::kSameOrgUnit:
      return "same organisational unit";
    case Ineligibility::kForbiddenByHr:
      return "forbidden by HR";
    case Ineligibility::kDeclinedByMentor:
      return "declined by the mentor";
  }
  return "?";
}

bool criterion_recorded(const Cohort& cohort, Criterion criterion) {
  if (criterion == Criterion::kMenteeWish) return anyone_carries(cohort.mentees, criterion);
  if (criterion == Criterion::kMentorWish) return anyone_carries(cohort.mentors, criterion);
  return anyone_carries(cohort.mentees, criterion) && anyone_carries(cohort.mentors, criterion);
}

void validate(const MatchingRules& rules) {
  for (std::size_t c = 0; c < kCriterionCount; ++c) {
    if (!std::isfinite(rules.weights.weight[c])) {
      throw PairingInputError("weight of criterion '" +
                              std::string(criterion_name(static_cast<Criterion>(c))) +
                              "' is not a finite number");
    }
  }
  if (rules.seniority_gap_min > rules.seniority_gap_max) {
    throw PairingInputError("seniority gap range is empty: min " +
                            std::to_string(rules.seniority_gap_min) + " > max " +
                            std::to_string(rules.seniority_gap_max));
  }
  if (!std::isfinite(rules.max_utc_offset_difference) || rules.max_utc_offset_difference <= 0) {
    throw PairingInputError("max_utc_offset_difference must be a positive number");
  }
}

void validate(const Cohort& cohort, const MatchingRules& rules) {
  validate(rules);
  for (const Mentor& m : cohort.mentors) {
    if (m.capacity < 1 || m.capacity > kMaxMentorCapacity) {
      throw PairingInputError("mentor '" + m.id + "' has capacity " + std::to_string(m.capacity) +
                              " (must be 1.." + std::to_string(kMaxMentorCapacity) + ")");
    }
  }
  for (const Mentee& m : cohort.mentees) {
    if (m.id.empty()) throw PairingInputError("a mentee has an empty id");
    if (m.utc_offset_hours && !std::isfinite(*m.utc_offset_hours)) {
      throw PairingInputError("mentee '" + m.id + "' has a non-finite utc_offset_hours");
    }
  }
  for (const Mentor& m : cohort.mentors) {
    if (m.id.empty()) throw PairingInputError("a mentor has an empty id");
    if (m.utc_offset_hours && !std::isfinite(*m.utc_offset_hours)) {
      throw PairingInputError("mentor '" + m.id + "' has a non-finite utc_offset_hours");
    }
  }
  auto unique_ids = [](const auto& people, const char* role) {
    std::vector<std::string> ids;
    for (const auto& p : people) ids.push_back(p.id);
    std::sort(ids.begin(), ids.end());
    const auto dup = std::adjacent_find(ids.begin(), ids.end());
    if (dup != ids.end())
      throw PairingInputError(std::string(role) + " '" + *dup + "' appears twice");
  };
  unique_ids(cohort.mentees, "mentee");
  unique_ids(cohort.mentors, "mentor");
  if (cohort.mentees.empty() || cohort.mentors.empty()) return;  // an explained empty result
  // A weighted criterion that reads an attribute nobody records would silently score zero.
  for (std::size_t c = 0; c < kCriterionCount; ++c) {
    const auto criterion = static_cast<Criterion>(c);
    if (rules.weights.weight[c] == 0.0) continue;
    if (!criterion_recorded(cohort, criterion)) {
      throw PairingInputError("criterion '" + std::string(criterion_name(criterion)) +
                              "' has a weight but no participant records '" +
                              std::string(attribute_name(criterion)) + "'");
    }
  }
  if (rules.hard.require_shared_language) {
    const bool recorded = std::any_of(cohort.mentees.begin(), cohort.mentees.end(),
                                      [](const Mentee& m) { return !m.languages.empty(); }) ||
                          std::any_of(cohort.mentors.begin(), cohort.mentors.end(),
                                      [](const Mentor& m) { return !m.languages.empty(); });
    if (!recorded) {
      throw PairingInputError(
          "rule 'require_shared_language' is on but no participant records 'languages'");
    }
  }
}

PairScorer::PairScorer(const Cohort& cohort, const MatchingRules& rules)
    : cohort_(cohort),
      rules_(rules),
      chains_(cohort.managers_of ? ManagementChains(cohort.managers_of)
                                 : ManagementChains(cohort.managers)) {
  validate(cohort, rules);
  // The lazy chains: every participant's followed now, so management_cycles() reports the
  // same cycles whichever pairs are checked (those on the cohort's chains).
  std::vector<std::string> ids;
  for (const auto& m : cohort.mentees) ids.push_back(m.id);
  for (const auto& m : cohort.mentors) ids.push_back(m.id);
  chains_.follow(ids);
}

Ineligibility PairScorer::check(std::size_t mentee_index, std::size_t mentor_index) {
  const Mentee& mentee = cohort_.mentees[mentee_index];
  const Mentor& mentor = cohort_.mentors[mentor_index];
  if (mentee.id == mentor.id) return Ineligibility::kSamePerson;
  if (chains_.in_same_chain(mentee.id, mentor.id)) return Ineligibility::kManagementChain;
  if (rules_.hard.require_training && !mentor.training_complete) {
    return Ineligibility::kTrainingIncomplete;
  }
  const bool language_undeclared = mentee.languages.empty() || mentor.languages.empty();
  if (rules_.hard.require_shared_language &&
      !(rules_.hard.language_rule_needs_both_declared && language_undeclared) &&
      !share_any(mentee.languages, mentor.languages)) {
    return Ineligibility::kNoSharedLanguage;
  }
  if (contains(mentee.excluded_ids, mentor.id)) return Ineligibility::kExcludedByMentee;
  if (contains(mentor.excluded_ids, mentee.id)) return Ineligibility::kExcludedByMentor;
  if (contains(mentee.vetoed_ids, mentor.id)) return Ineligibility::kVetoedByMentee;
  if (contains(mentor.vetoed_ids, mentee.id)) return Ineligibility::kVetoedByMentor;
  const std::size_t levels = rules_.hard.separate_org_levels;
  if (levels > 0 && mentee.org_path.size() >= levels && mentor.org_path.size() >= levels &&
      common_prefix(mentee.org_path, mentor.org_path) >= levels) {
    return Ineligibility::kSameOrgUnit;
  }
  if (contains(mentee.declined_by_ids, mentor.id)) return Ineligibility::kDeclinedByMentor;
  return Ineligibility::kEligible;
}

ScoreBreakdown PairScorer::score(std::size_t mentee_index, std::size_t mentor_index) const {
  const Mentee& mentee = cohort_.mentees[mentee_index];
  const Mentor& mentor = cohort_.mentors[mentor_index];
  std::array<double, kCriterionCount> value{};
  auto set = [&value](Criterion c, double v) { value[static_cast<std::size_t>(c)] = v; };

  set(Criterion::kSameLeaveKind,
      !mentee.leave_kind.empty() && mentee.leave_kind == mentor.leave_kind ? 1.0 : 0.0);
  const std::size_t longest = std::max(mentee.org_path.size(), mentor.org_path.size());
  set(Criterion::kOrgProximity,
      longest == 0 ? 0.0
                   : static_cast<double>(common_prefix(mentee.org_path, mentor.org_path)) /
                         static_cast<double>(longest));
  if (!mentee.location.empty() && mentee.location == mentor.location) {
    set(Criterion::kLocation, 1.0);
  } else if (mentee.utc_offset_hours && mentor.utc_offset_hours) {
    const double gap = std::abs(*mentee.utc_offset_hours - *mentor.utc_offset_hours);
    set(Criterion::kLocation, std::max(0.0, 1.0 - gap / rules_.max_utc_offset_difference));
  }
  if (mentee.seniority && mentor.seniority) {
    const int gap = *mentor.seniority - *mentee.seniority;
    set(Criterion::kSeniorityGap,
        gap >= rules_.seniority_gap_min && gap <= rules_.seniority_gap_max ? 1.0 : 0.0);
  }
  if (!mentee.themes.empty()) {
    const auto shared =
        std::count_if(mentee.themes.begin(), mentee.themes.end(),
                      [&](const std::string& t) { return contains(mentor.themes, t); });
    set(Criterion::kThemeOverlap,
        static_cast<double>(shared) / static_cast<double>(mentee.themes.size()));
  }
  set(Criterion::kMenteeWish, rank_value(mentee.ranked_ids, mentor.id));
  set(Criterion::kMentorWish, rank_value(mentor.ranked_ids, mentee.id));

  ScoreBreakdown out;
  for (std::size_t c = 0; c < kCriterionCount; ++c) {
    out.contribution[c] = rules_.weights.weight[c] * value[c];
    out.total += out.contribution[c];
  }
  return out;
}

}  // namespace mentoring::pairing
