#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>

#include "brute_force.hpp"
#include "mentoring/pairing/assignment.hpp"
#include "mentoring/pairing/pairing.hpp"

namespace mentoring::pairing {
namespace {

Mentee mentee(std::string id) {
  Mentee m;
  m.id = std::move(id);
  m.languages = {"en"};
  m.leave_kind = "maternity";
  m.org_path = {"Clinical", "Nursing"};
  return m;
}

Mentor mentor(std::string id, int capacity = 1) {
  Mentor m;
  m.id = std::move(id);
  m.languages = {"en"};
  m.capacity = capacity;
  m.training_complete = true;
  m.leave_kind = "maternity";
  m.org_path = {"Clinical", "Surgery"};
  return m;
}

MatchingRules simple_rules() {
  MatchingRules rules;
  rules.weights[Criterion::kSameLeaveKind] = 3.0;
  rules.weights[Criterion::kOrgProximity] = 1.0;
  return rules;
}

const ProposedPair* pair_of(const Proposal& p, std::size_t mentee_index) {
  for (const auto& pair : p.pairs) {
    if (pair.mentee == mentee_index) return &pair;
  }
  return nullptr;
}

TEST(PairingTest, HardRulesKeepPeopleApart) {
  Cohort cohort;
  cohort.mentees = {mentee("e1"), mentee("e2"), mentee("e3"), mentee("e4")};
  cohort.mentors = {mentor("boss", 3), mentor("untrained", 3), mentor("french", 3),
                    mentor("teammate", 3)};
  cohort.mentors[1].training_complete = false;
  cohort.mentors[2].languages = {"fr"};
  cohort.mentors[3].org_path = {"Clinical", "Nursing"};
  cohort.managers = {{"e1", "boss"}, {"e2", "mid"}, {"mid", "boss"}, {"boss", "e3"}};
  cohort.mentees[3].excluded_ids = {"boss"};
  MatchingRules rules = simple_rules();
  rules.hard.separate_org_levels = 2;  // not the same team
  const Proposal p = propose_pairs(cohort, rules);
  // Nobody may pair: e1, e2 report to boss (directly / via mid), e3 is boss's manager,
  // e4 excluded boss; the others break training, language and team rules for everyone.
  EXPECT_TRUE(p.pairs.empty());
  ASSERT_EQ(p.unmatched.size(), 4u);
  for (const auto& u : p.unmatched) {
    EXPECT_EQ(u.reason, UnmatchedReason::kNoEligibleMentor);
    EXPECT_NE(u.explanation.find("mentor training not complete x1"), std::string::npos)
        << u.explanation;
    EXPECT_NE(u.explanation.find("same organisational unit x1"), std::string::npos)
        << u.explanation;
  }
  EXPECT_NE(p.unmatched[1].explanation.find("management chain x1"), std::string::npos);
  EXPECT_NE(p.unmatched[2].explanation.find("management chain x1"), std::string::npos);
  EXPECT_NE(p.unmatched[3].explanation.find("excluded by the mentee x1"), std::string::npos);
}

TEST(PairingTest, ExplanationsAddUpToTheScore) {
  Cohort cohort;
  MatchingRules rules;
  for (std::size_t c = 0; c < kCriterionCount; ++c)
    rules.weights.weight[c] = 0.5 + static_cast<double>(c);
  std::mt19937_64 rng(5);
  std::uniform_int_distribution<int> pick(0, 3);
  const char* themes[] = {"handover", "identity", "resilience", "networks"};
  for (int i = 0; i < 12; ++i) {
    Mentee e = mentee("e" + std::to_string(i));
    e.location = pick(rng) ? "Leeds" : "York";
    e.utc_offset_hours = pick(rng);
    e.seniority = pick(rng);
    e.themes = {themes[pick(rng)], themes[pick(rng)]};
    e.ranked_ids = {"m" + std::to_string(pick(rng)), "m" + std::to_string(pick(rng) + 4)};
    cohort.mentees.push_back(e);
  }
  for (int i = 0; i < 8; ++i) {
    Mentor m = mentor("m" + std::to_string(i), 1 + i % 3);
    m.location = pick(rng) ? "Leeds" : "Hull";
    m.utc_offset_hours = pick(rng);
    m.seniority = pick(rng) + 2;
    m.themes = {themes[pick(rng)]};
    m.ranked_ids = {"e" + std::to_string(pick(rng))};
    m.leave_kind = pick(rng) ? "maternity" : "carer";
    cohort.mentors.push_back(m);
  }
  const Proposal p = propose_pairs(cohort, rules);
  double total = 0;
  for (const auto& pair : p.pairs) {
    double sum = 0;
    for (double c : pair.score.contribution) sum += c;
    EXPECT_EQ(sum, pair.score.total);  // same order of additions: exactly equal
    total += pair.score.total;
  }
  EXPECT_DOUBLE_EQ(total, p.total_score);
  EXPECT_EQ(p.pairs.size(), 12u);  // 18 slots for 12 mentees, all eligible
}

TEST(PairingTest, OptimalAgainstBruteForceOnRandomCohorts) {
  std::mt19937_64 rng(99);
  std::uniform_int_distribution<int> pick(0, 2);
  std::bernoulli_distribution coin(0.3);
  const char* kinds[] = {"maternity", "carer", "adoption"};
  for (int round = 0; round < 40; ++round) {
    Cohort cohort;
    const int mentees = 1 + round % 7, mentors = 1 + (round / 7) % 7;
    for (int i = 0; i < mentees; ++i) {
      Mentee e = mentee("e" + std::to_string(i));
      e.leave_kind = kinds[pick(rng)];
      e.seniority = pick(rng);
      e.org_path = {"D" + std::to_string(pick(rng)), "T" + std::to_string(pick(rng))};
      cohort.mentees.push_back(e);
    }
    for (int i = 0; i < mentors; ++i) {
      Mentor m = mentor("m" + std::to_string(i), 1 + pick(rng));
      m.leave_kind = kinds[pick(rng)];
      m.seniority = pick(rng) + 1;
      m.training_complete = !coin(rng);
      m.org_path = {"D" + std::to_string(pick(rng)), "T" + std::to_string(pick(rng))};
      cohort.mentors.push_back(m);
    }
    MatchingRules rules = simple_rules();
    rules.weights[Criterion::kSeniorityGap] = 2.0;
    rules.hard.separate_org_levels = 2;
    const Proposal p = propose_pairs(cohort, rules);

    // Reference: the same eligibility and scores, searched exhaustively.
    PairScorer scorer(cohort, rules);
    std::vector<int> capacity;
    for (const auto& m : cohort.mentors) capacity.push_back(m.capacity);
    std::vector<double> costs(static_cast<std::size_t>(mentees * mentors));
    for (int e = 0; e < mentees; ++e) {
      for (int m = 0; m < mentors; ++m) {
        costs[static_cast<std::size_t>(e * mentors + m)] =
            scorer.check(e, m) == Ineligibility::kEligible ? -scorer.score(e, m).total : kForbidden;
      }
    }
    const auto truth =
        testing::BruteForce(static_cast<std::size_t>(mentees), capacity, costs).solve();
    EXPECT_EQ(p.pairs.size(), truth.assigned) << "round " << round;
    EXPECT_NEAR(p.total_score, -truth.cost, 1e-9) << "round " << round;
    EXPECT_EQ(p.pairs.size() + p.unmatched.size(), static_cast<std::size_t>(mentees));
    // The sparse path must reach the same optimum.
    const Proposal sparse = propose_pairs(cohort, rules, {}, {SolverChoice::kSparse, 0});
    EXPECT_EQ(sparse.pairs.size(), truth.assigned);
    EXPECT_NEAR(sparse.total_score, -truth.cost, 1e-9);
  }
}

TEST(PairingTest, LocksAndForbidsAreHonoured) {
  Cohort cohort;
  cohort.mentees = {mentee("e1"), mentee("e2"), mentee("e3")};
  cohort.mentors = {mentor("best", 2), mentor("other", 1)};
  cohort.mentors[1].leave_kind = "carer";
  const MatchingRules rules = simple_rules();
  const Proposal free_run = propose_pairs(cohort, rules);
  ASSERT_EQ(free_run.pairs.size(), 3u);

  HrControls controls;
  controls.locked = {{"e3", "other"}};
  controls.forbidden = {{"e1", "best"}};
  const Proposal p = propose_pairs(cohort, rules, controls);
  ASSERT_NE(pair_of(p, 2), nullptr);
  EXPECT_EQ(pair_of(p, 2)->mentor, 1u);
  EXPECT_TRUE(pair_of(p, 2)->locked);
  ASSERT_NE(pair_of(p, 1), nullptr);
  EXPECT_EQ(pair_of(p, 1)->mentor, 0u);
  // e1: "best" is forbidden and "other" is full because of the lock.
  ASSERT_EQ(p.unmatched.size(), 1u);
  EXPECT_EQ(p.unmatched[0].mentee, 0u);
  EXPECT_EQ(p.unmatched[0].reason, UnmatchedReason::kEligibleMentorsFull);
  EXPECT_NE(p.unmatched[0].explanation.find("locked"), std::string::npos)
      << p.unmatched[0].explanation;
}

TEST(PairingTest, BadLocksAreRejectedByName) {
  Cohort cohort;
  cohort.mentees = {mentee("e1"), mentee("e2")};
  cohort.mentors = {mentor("m1", 1), mentor("untrained", 1)};
  cohort.mentors[1].training_complete = false;
  const MatchingRules rules = simple_rules();
  auto expect_error = [&](const HrControls& c, const std::string& needle) {
    try {
      propose_pairs(cohort, rules, c);
      ADD_FAILURE() << "expected an error mentioning " << needle;
    } catch (const PairingInputError& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  expect_error({{{"e1", "m1"}, {"e2", "m1"}}, {}}, "capacity of mentor 'm1'");
  expect_error({{{"e1", "untrained"}}, {}}, "mentor training not complete");
  expect_error({{{"ghost", "m1"}}, {}}, "unknown mentee 'ghost'");
  expect_error({{}, {{"e1", "ghost"}}}, "unknown mentor 'ghost'");
  expect_error({{{"e1", "m1"}}, {{"e1", "m1"}}}, "also forbidden");
}

TEST(PairingTest, NewcomerGetsBestFreeMentorWithoutReshuffle) {
  Cohort cohort;
  cohort.mentees = {mentee("old"), mentee("new")};
  cohort.mentors = {mentor("great", 1), mentor("fine", 1), mentor("poor", 1)};
  cohort.mentors[1].leave_kind = "carer";
  cohort.mentors[2].leave_kind = "carer";
  cohort.mentors[2].org_path = {"Estates"};
  // The existing pair holds "fine" although "great" would suit "old" better; it must stay.
  const Proposal p = place_newcomers(cohort, simple_rules(), {{"old", "fine"}});
  ASSERT_NE(pair_of(p, 0), nullptr);
  EXPECT_EQ(pair_of(p, 0)->mentor, 1u);
  EXPECT_TRUE(pair_of(p, 0)->locked);
  ASSERT_NE(pair_of(p, 1), nullptr);
  EXPECT_EQ(pair_of(p, 1)->mentor, 0u);
}

TEST(PairingTest, ExistingPairThatNowBreaksARuleIsKeptWithAWarning) {
  Cohort cohort;
  cohort.mentees = {mentee("old")};
  cohort.mentors = {mentor("lapsed", 1)};
  cohort.mentors[0].training_complete = false;  // training expired since the pair started
  const Proposal p = place_newcomers(cohort, simple_rules(), {{"old", "lapsed"}});
  EXPECT_EQ(p.pairs.size(), 1u);
  ASSERT_EQ(p.warnings.size(), 1u);
  EXPECT_NE(p.warnings[0].find("mentor training not complete"), std::string::npos);
}

TEST(PairingTest, DeterministicProposals) {
  Cohort cohort;
  for (int i = 0; i < 30; ++i) cohort.mentees.push_back(mentee("e" + std::to_string(i)));
  for (int i = 0; i < 12; ++i) cohort.mentors.push_back(mentor("m" + std::to_string(i), 2));
  const Proposal a = propose_pairs(cohort, simple_rules());  // all scores tie
  const Proposal b = propose_pairs(cohort, simple_rules());
  ASSERT_EQ(a.pairs.size(), b.pairs.size());
  for (std::size_t i = 0; i < a.pairs.size(); ++i) {
    EXPECT_EQ(a.pairs[i].mentee, b.pairs[i].mentee);
    EXPECT_EQ(a.pairs[i].mentor, b.pairs[i].mentor);
  }
  EXPECT_EQ(a.pairs.size(), 24u);
  EXPECT_EQ(a.unmatched.size(), 6u);
  EXPECT_EQ(a.unmatched[0].reason, UnmatchedReason::kEligibleMentorsFull);
}

TEST(PairingTest, ShortlistModeExplainsWhoWasLeftOut) {
  Cohort cohort;
  cohort.mentees = {mentee("e1"), mentee("e2")};
  cohort.mentors = {mentor("top", 1), mentor("second", 1)};
  cohort.mentors[1].leave_kind = "carer";
  const Proposal p = propose_pairs(cohort, simple_rules(), {}, {SolverChoice::kSparse, 1});
  ASSERT_EQ(p.pairs.size(), 1u);
  ASSERT_EQ(p.unmatched.size(), 1u);
  EXPECT_EQ(p.unmatched[0].reason, UnmatchedReason::kOutsideShortlist);
}

TEST(PairingTest, BadInputGivesNamedErrors) {
  auto error_of = [](const Cohort& c, const MatchingRules& r) -> std::string {
    try {
      propose_pairs(c, r);
    } catch (const PairingInputError& e) {
      return e.what();
    }
    return "";
  };
  Cohort cohort;
  cohort.mentees = {mentee("e1")};
  cohort.mentors = {mentor("m1", 0)};
  EXPECT_NE(error_of(cohort, simple_rules()).find("mentor 'm1' has capacity 0"), std::string::npos);
  cohort.mentors[0].capacity = -2;
  EXPECT_NE(error_of(cohort, simple_rules()).find("capacity -2"), std::string::npos);
  cohort.mentors[0].capacity = 1;

  MatchingRules nan_weight = simple_rules();
  nan_weight.weights[Criterion::kThemeOverlap] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_NE(error_of(cohort, nan_weight).find("'theme_overlap'"), std::string::npos);
  MatchingRules inf_weight = simple_rules();
  inf_weight.weights[Criterion::kLocation] = std::numeric_limits<double>::infinity();
  EXPECT_NE(error_of(cohort, inf_weight).find("'location'"), std::string::npos);

  MatchingRules unknown_attribute = simple_rules();
  unknown_attribute.weights[Criterion::kSeniorityGap] = 1.0;  // nobody records seniority
  EXPECT_NE(error_of(cohort, unknown_attribute).find("'seniority'"), std::string::npos);

  Cohort duplicate = cohort;
  duplicate.mentees.push_back(mentee("e1"));
  EXPECT_NE(error_of(duplicate, simple_rules()).find("mentee 'e1' appears twice"),
            std::string::npos);
}

TEST(PairingTest, CohortWithoutMentorsIsAnExplainedEmptyResult) {
  Cohort cohort;
  cohort.mentees = {mentee("e1"), mentee("e2")};
  const Proposal p = propose_pairs(cohort, simple_rules());
  EXPECT_TRUE(p.pairs.empty());
  ASSERT_EQ(p.unmatched.size(), 2u);
  EXPECT_EQ(p.unmatched[0].reason, UnmatchedReason::kNoMentorsInCohort);
  EXPECT_TRUE(propose_pairs(Cohort{}, simple_rules()).pairs.empty());
}

TEST(PairingTest, CyclicManagerDataIsReported) {
  Cohort cohort;
  cohort.mentees = {mentee("e1")};
  cohort.mentors = {mentor("m1")};
  cohort.managers = {{"e1", "m1"}, {"m1", "e1"}};
  const Proposal p = propose_pairs(cohort, simple_rules());
  EXPECT_TRUE(p.pairs.empty());
  EXPECT_EQ(p.warnings.size(), 2u);
}

TEST(PairingTest, LargerCohortUsesSparsePathAndStaysOptimal) {
  // 1200 mentees, 700 mentors with capacity 1..3: beyond the dense limit, checked against the
  // dense solver forced on the same cohort.
  Cohort cohort;
  std::mt19937_64 rng(12);
  std::uniform_int_distribution<int> pick(0, 5);
  for (int i = 0; i < 1200; ++i) {
    Mentee e = mentee("e" + std::to_string(i));
    e.seniority = pick(rng);
    e.org_path = {"D" + std::to_string(pick(rng)), "T" + std::to_string(pick(rng))};
    cohort.mentees.push_back(e);
  }
  for (int i = 0; i < 700; ++i) {
    Mentor m = mentor("m" + std::to_string(i), 1 + pick(rng) % 3);
    m.seniority = pick(rng) + 1;
    m.org_path = {"D" + std::to_string(pick(rng)), "T" + std::to_string(pick(rng))};
    m.leave_kind = pick(rng) < 2 ? "maternity" : "carer";
    cohort.mentors.push_back(m);
  }
  MatchingRules rules = simple_rules();
  rules.weights[Criterion::kSeniorityGap] = 2.0;
  const Proposal sparse = propose_pairs(cohort, rules, {}, {SolverChoice::kSparse, 0});
  const Proposal dense = propose_pairs(cohort, rules, {}, {SolverChoice::kDense, 0});
  EXPECT_EQ(sparse.pairs.size(), dense.pairs.size());
  EXPECT_NEAR(sparse.total_score, dense.total_score, 1e-7);
}

// A stored breakdown explained per criterion (HR's proposals page, issue 15).
TEST(ExplainScore, GivesWeightValueLevelAndWordsPerWeighedCriterion) {
  CriterionWeights weights;
  weights[Criterion::kSameLeaveKind] = 3;
  weights[Criterion::kThemeOverlap] = 2;
  weights[Criterion::kMenteeWish] = 1;
  std::array<double, kCriterionCount> contribution{};
  contribution[static_cast<std::size_t>(Criterion::kSameLeaveKind)] = 3;
  contribution[static_cast<std::size_t>(Criterion::kThemeOverlap)] = 1;  // half the themes
  auto explained = explain_score(contribution, weights);
  ASSERT_EQ(explained.size(), 3u);  // only the weighed criteria, in criterion order
  EXPECT_EQ(explained[0].criterion, Criterion::kSameLeaveKind);
  EXPECT_EQ(explained[0].level, CriterionLevel::full);
  EXPECT_DOUBLE_EQ(explained[0].value, 1.0);
  EXPECT_EQ(explained[1].criterion, Criterion::kThemeOverlap);
  EXPECT_EQ(explained[1].level, CriterionLevel::partial);
  EXPECT_DOUBLE_EQ(explained[1].value, 0.5);
  EXPECT_EQ(explained[1].words, "the mentor carries some of the themes the mentee asked for");
  EXPECT_EQ(explained[2].criterion, Criterion::kMenteeWish);
  EXPECT_EQ(explained[2].level, CriterionLevel::none);
  EXPECT_EQ(explained[2].words, "the mentee did not rank this mentor");
  EXPECT_EQ(to_string(CriterionLevel::partial), "partial");
}

}  // namespace
}  // namespace mentoring::pairing
