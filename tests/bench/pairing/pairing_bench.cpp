// Benchmark driver for tests/bench/pairing_vs_scipy.sh.
//
//   pairing_bench generate <uniform|integer|realistic> <n> <seed> <file>
//       writes an n x n float64 cost matrix (raw, row-major) that both sides load
//   pairing_bench dense <file> <n>
//       prints "seconds=<solve time> cpu_s=<its CPU time> total=<optimal cost>" and, from an
//       untimed second run, the path taken, the number of final searches, the optimality bound
//       and determinism
//   pairing_bench sparse <mentees> <mentors> <capacity> <candidates> <seed>
//       large shortlist instance: time, peak memory, dual certificate
//   pairing_bench sparse-check <mentees> <mentors> <capacity> <candidates> <seed>
//       same generator, small enough to cross-check against the dense solver
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "mentoring/pairing/assignment.hpp"
#include "mentoring/pairing/pairing.hpp"

using namespace mentoring::pairing;

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

// Builds "m17" and the like (GCC 12 warns falsely on "literal" + std::to_string under -O3).
std::string label(const char* prefix, std::size_t i) {
  std::string out(prefix);
  out += std::to_string(i);
  return out;
}

// The demo programme's weights, as a programme definition would set them.
MatchingRules demo_rules() {
  MatchingRules rules;
  rules.weights[Criterion::kSameLeaveKind] = 3.0;
  rules.weights[Criterion::kOrgProximity] = 1.0;
  rules.weights[Criterion::kLocation] = 1.5;
  rules.weights[Criterion::kSeniorityGap] = 2.0;
  rules.weights[Criterion::kThemeOverlap] = 2.5;
  rules.weights[Criterion::kMenteeWish] = 1.0;
  rules.weights[Criterion::kMentorWish] = 0.5;
  rules.hard.require_shared_language = false;
  rules.hard.require_training = false;
  return rules;
}

// People with plausible attributes; scores come from the real scorer.
std::vector<double> realistic_costs(std::size_t n, std::mt19937_64& rng) {
  const std::vector<std::string> kinds{"maternity", "paternity", "adoption", "carer", "fostering"};
  const std::vector<std::string> themes{"handover", "staying connected", "transition", "identity",
                                        "change",   "work-life balance", "resilience", "networks"};
  const std::vector<std::string> sites{"Leeds", "York", "Hull", "Sheffield", "Bradford", "remote"};
  auto pick = [&rng](std::size_t k) {
    return std::uniform_int_distribution<std::size_t>(0, k - 1)(rng);
  };
  auto fill = [&](Participant& p, std::size_t index, const char* prefix) {
    p.id = label(prefix, index);
    p.leave_kind = kinds[pick(kinds.size())];
    p.org_path = {label("Div", pick(4)), label("Dept", pick(6)), label("Team", pick(8))};
    p.location = sites[pick(sites.size())];
    p.utc_offset_hours = static_cast<double>(pick(3));
    p.seniority = static_cast<int>(pick(9));
    for (std::size_t t = 0, k = 1 + pick(3); t < k; ++t)
      p.themes.push_back(themes[pick(themes.size())]);
  };
  Cohort cohort;
  cohort.mentees.resize(n);
  cohort.mentors.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    fill(cohort.mentees[i], i, "e");
    fill(cohort.mentors[i], i, "m");
    cohort.mentors[i].training_complete = true;
  }
  for (std::size_t i = 0; i < n; ++i) {
    for (int k = 0; k < 3; ++k) cohort.mentees[i].ranked_ids.push_back(label("m", pick(n)));
    cohort.mentors[i].ranked_ids.push_back(label("e", pick(n)));
  }
  const MatchingRules rules = demo_rules();
  PairScorer scorer(cohort, rules);
  std::vector<double> costs(n * n);
  for (std::size_t e = 0; e < n; ++e) {
    for (std::size_t m = 0; m < n; ++m) costs[e * n + m] = -scorer.score(e, m).total;  // maximise
  }
  return costs;
}

int generate(const std::string& kind, std::size_t n, unsigned long seed, const std::string& file) {
  std::mt19937_64 rng(seed);
  std::vector<double> costs;
  if (kind == "realistic") {
    costs = realistic_costs(n, rng);
  } else {
    costs.resize(n * n);
    if (kind == "uniform") {
      std::uniform_real_distribution<double> d(0.0, 1.0);
      for (double& c : costs) c = d(rng);
    } else if (kind == "integer") {
      std::uniform_int_distribution<long long> d(0, 10LL * static_cast<long long>(n));
      for (double& c : costs) c = static_cast<double>(d(rng));
    } else {
      std::cerr << "unknown kind " << kind << "\n";
      return 2;
    }
  }
  std::ofstream out(file, std::ios::binary);
  out.write(reinterpret_cast<const char*>(costs.data()),
            static_cast<std::streamsize>(costs.size() * sizeof(double)));
  return out ? 0 : 1;
}

int dense(const std::string& file, std::size_t n) {
  DenseCosts costs{n, n, std::vector<double>(n * n)};
  std::ifstream in(file, std::ios::binary);
  in.read(reinterpret_cast<char*>(costs.costs.data()),
          static_cast<std::streamsize>(n * n * sizeof(double)));
  if (!in) {
    std::cerr << "cannot read " << n << "x" << n << " matrix from " << file << "\n";
    return 1;
  }
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  const Assignment a = solve_dense(costs);
  const double elapsed = seconds_since(start);
  const double cpu_elapsed = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  // Untimed second run: which path the solver took, its optimality bound, and that the same
  // input gives the same pairs.
  DenseReport report;
  const Assignment again = solve_dense(costs, &report);
  std::printf(
      "seconds=%.6f cpu_s=%.6f total=%.17g assigned=%zu path=%s searches=%zu gap_bound=%.3g "
      "deterministic=%s\n",
      elapsed, cpu_elapsed, a.total_cost, a.assigned,
      report.auction_warm_start ? "auction+jv" : "jv", report.searches, report.gap_bound,
      again.column_of_row == a.column_of_row ? "yes" : "no");
  return 0;
}

// Each mentee shortlists `candidates` distinct random mentors; cost = -score, the score being
// an integer-ish grade plus noise like a weighted sum of criteria.
SparseCosts sparse_instance(std::size_t mentees, std::size_t mentors, int capacity,
                            std::size_t candidates, unsigned long seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::int32_t> mentor(0, static_cast<std::int32_t>(mentors) - 1);
  std::uniform_real_distribution<double> score(0.0, 10.0);
  SparseCosts s;
  s.rows = mentees;
  s.capacity.assign(mentors, capacity);
  s.row_start.reserve(mentees + 1);
  s.col.reserve(mentees * candidates);
  s.cost.reserve(mentees * candidates);
  s.row_start.push_back(0);
  std::vector<std::int32_t> chosen;
  for (std::size_t r = 0; r < mentees; ++r) {
    chosen.clear();
    while (chosen.size() < candidates) {
      const std::int32_t c = mentor(rng);
      bool duplicate = false;
      for (std::int32_t x : chosen) duplicate = duplicate || x == c;
      if (!duplicate) chosen.push_back(c);
    }
    for (std::int32_t c : chosen) {
      s.col.push_back(c);
      s.cost.push_back(-score(rng));
    }
    s.row_start.push_back(s.col.size());
  }
  return s;
}

int sparse(std::size_t mentees, std::size_t mentors, int capacity, std::size_t candidates,
           unsigned long seed) {
  const SparseCosts s = sparse_instance(mentees, mentors, capacity, candidates, seed);
  const double rss_before = peak_rss_mb();
  const auto start = std::chrono::steady_clock::now();
  SparseCertificate cert;
  const Assignment a = solve_sparse(s, &cert);
  const double elapsed = seconds_since(start);
  std::printf(
      "sparse mentees=%zu mentors=%zu capacity=%d candidates=%zu seconds=%.3f peak_rss_mb=%.0f "
      "(instance alone %.0f) assigned=%zu total=%.6f dual=%.6f gap=%.3g max_violation=%.3g\n",
      mentees, mentors, capacity, candidates, elapsed, peak_rss_mb(), rss_before, a.assigned,
      a.total_cost, cert.dual, cert.primal - cert.dual, cert.max_violation);
  return 0;
}

int sparse_check(std::size_t mentees, std::size_t mentors, int capacity, std::size_t candidates,
                 unsigned long seed) {
  const SparseCosts s = sparse_instance(mentees, mentors, capacity, candidates, seed);
  SparseCertificate cert;
  const Assignment a = solve_sparse(s, &cert);
  const std::size_t slots = mentors * static_cast<std::size_t>(capacity);
  DenseCosts d{mentees, slots, std::vector<double>(mentees * slots, kForbidden)};
  for (std::size_t r = 0; r < mentees; ++r) {
    for (std::size_t e = s.row_start[r]; e < s.row_start[r + 1]; ++e) {
      for (int k = 0; k < capacity; ++k) {
        d.costs[r * slots +
                static_cast<std::size_t>(s.col[e]) * static_cast<std::size_t>(capacity) +
                static_cast<std::size_t>(k)] = s.cost[e];
      }
    }
  }
  const Assignment b = solve_dense(d);
  const bool same = a.assigned == b.assigned &&
                    std::abs(a.total_cost - b.total_cost) <= 1e-9 * (1 + std::abs(b.total_cost));
  std::printf(
      "sparse-check mentees=%zu mentors=%zu sparse_assigned=%zu dense_assigned=%zu "
      "sparse_total=%.9f "
      "dense_total=%.9f same_optimum=%s gap=%.3g max_violation=%.3g\n",
      mentees, mentors, a.assigned, b.assigned, a.total_cost, b.total_cost, same ? "yes" : "no",
      cert.primal - cert.dual, cert.max_violation);
  return same ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (args.size() == 5 && args[0] == "generate")
      return generate(args[1], std::stoul(args[2]), std::stoul(args[3]), args[4]);
    if (args.size() == 3 && args[0] == "dense") return dense(args[1], std::stoul(args[2]));
    if (args.size() == 6 && (args[0] == "sparse" || args[0] == "sparse-check")) {
      const auto run = args[0] == "sparse" ? sparse : sparse_check;
      return run(std::stoul(args[1]), std::stoul(args[2]), std::stoi(args[3]), std::stoul(args[4]),
                 std::stoul(args[5]));
    }
  } catch (const std::exception& e) {
    std::cerr << "pairing_bench: " << e.what() << "\n";
    return 1;
  }
  std::cerr << "usage: see the comment at the top of pairing_bench.cpp\n";
  return 2;
}
