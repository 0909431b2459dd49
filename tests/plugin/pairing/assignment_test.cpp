#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <random>
#include <utility>

#include "brute_force.hpp"
#include "mentoring/pairing/assignment.hpp"

namespace mentoring::pairing {
namespace {

using testing::BruteForce;

struct Instance {
  std::size_t rows;
  std::vector<int> capacity;
  std::vector<double> costs;  // rows x columns (mentors), kForbidden allowed
};

Instance random_instance(std::mt19937_64& rng, std::size_t rows, std::size_t cols,
                         double forbidden_share, bool integer_costs) {
  Instance in{rows, std::vector<int>(cols), std::vector<double>(rows * cols)};
  std::uniform_int_distribution<int> cap(1, 3);
  std::uniform_int_distribution<int> small(-5, 9);  // small integers: many ties, some negative
  std::uniform_real_distribution<double> real(-1.0, 10.0);
  std::bernoulli_distribution forbid(forbidden_share);
  for (int& c : in.capacity) c = cap(rng);
  for (double& c : in.costs) {
    c = integer_costs ? small(rng) : real(rng);
    if (forbid(rng)) c = kForbidden;
  }
  return in;
}

// Replicates every column into capacity-many slots, for the dense solver.
DenseCosts to_dense_slots(const Instance& in, std::vector<std::size_t>& owner) {
  owner.clear();
  for (std::size_t c = 0; c < in.capacity.size(); ++c) {
    for (int k = 0; k < in.capacity[c]; ++k) owner.push_back(c);
  }
  DenseCosts d{in.rows, owner.size(), std::vector<double>(in.rows * owner.size())};
  for (std::size_t r = 0; r < in.rows; ++r) {
    for (std::size_t s = 0; s < owner.size(); ++s) {
      d.costs[r * owner.size() + s] = in.costs[r * in.capacity.size() + owner[s]];
    }
  }
  return d;
}

SparseCosts to_sparse(const Instance& in) {
  SparseCosts s;
  s.rows = in.rows;
  s.capacity.assign(in.capacity.begin(), in.capacity.end());
  s.row_start.push_back(0);
  for (std::size_t r = 0; r < in.rows; ++r) {
    for (std::size_t c = 0; c < in.capacity.size(); ++c) {
      const double cost = in.costs[r * in.capacity.size() + c];
      if (cost == kForbidden) continue;
      s.col.push_back(static_cast<std::int32_t>(c));
      s.cost.push_back(cost);
    }
    s.row_start.push_back(s.col.size());
  }
  return s;
}

// Checks the assignment is feasible and that its reported figures are its own.
void expect_valid(const Instance& in, const std::vector<std::int32_t>& mentor_of_row,
                  std::size_t assigned, double total) {
  std::vector<int> used(in.capacity.size(), 0);
  std::size_t count = 0;
  double sum = 0;
  for (std::size_t r = 0; r < in.rows; ++r) {
    if (mentor_of_row[r] == kUnassigned) continue;
    const auto c = static_cast<std::size_t>(mentor_of_row[r]);
    ASSERT_LT(c, in.capacity.size());
    const double cost = in.costs[r * in.capacity.size() + c];
    ASSERT_NE(cost, kForbidden) << "row " << r << " got a forbidden column";
    ++used[c];
    ++count;
    sum += cost;
  }
  for (std::size_t c = 0; c < used.size(); ++c) EXPECT_LE(used[c], in.capacity[c]);
  EXPECT_EQ(count, assigned);
  EXPECT_NEAR(sum, total, 1e-9);
}

TEST(AssignmentTest, MatchesBruteForceOnAllSmallShapesWithCapacities) {
  std::mt19937_64 rng(20240611);
  for (std::size_t rows = 1; rows <= 7; ++rows) {
    for (std::size_t cols = 1; cols <= 7; ++cols) {
      for (int variant = 0; variant < 4; ++variant) {
        const double forbidden_share = variant < 2 ? 0.0 : 0.35;
        const Instance in = random_instance(rng, rows, cols, forbidden_share, variant % 2 == 0);
        const auto truth = BruteForce(in.rows, in.capacity, in.costs).solve();
        SCOPED_TRACE(::testing::Message() << rows << "x" << cols << " variant " << variant);

        std::vector<std::size_t> owner;
        DenseReport report;
        const Assignment dense = solve_dense(to_dense_slots(in, owner), &report);
        EXPECT_LE(report.gap_bound, 1e-9);  // with forbidden cells: the two-rank certificate
        std::vector<std::int32_t> dense_mentor(rows, kUnassigned);
        for (std::size_t r = 0; r < rows; ++r) {
          if (dense.column_of_row[r] != kUnassigned) {
            dense_mentor[r] =
                static_cast<std::int32_t>(owner[static_cast<std::size_t>(dense.column_of_row[r])]);
          }
        }
        expect_valid(in, dense_mentor, dense.assigned, dense.total_cost);
        EXPECT_EQ(dense.assigned, truth.assigned);
        EXPECT_NEAR(dense.total_cost, truth.cost, 1e-9);

        SparseCertificate cert;
        const Assignment sparse = solve_sparse(to_sparse(in), &cert);
        expect_valid(in, sparse.column_of_row, sparse.assigned, sparse.total_cost);
        EXPECT_EQ(sparse.assigned, truth.assigned);
        EXPECT_NEAR(sparse.total_cost, truth.cost, 1e-9);
        EXPECT_LT(cert.max_violation, 1e-9);
        EXPECT_NEAR(cert.primal, cert.dual, 1e-9);
      }
    }
  }
}

TEST(AssignmentTest, SparseAgreesWithDenseOnMediumInstances) {
  std::mt19937_64 rng(7);
  for (int variant = 0; variant < 3; ++variant) {
    // 200 rows against 100 columns of capacity 1..3; some rows cannot all be served.
    const Instance in = random_instance(rng, 200, 100, variant == 0 ? 0.0 : 0.9, variant == 2);
    std::vector<std::size_t> owner;
    const Assignment dense = solve_dense(to_dense_slots(in, owner));
    SparseCertificate cert;
    const Assignment sparse = solve_sparse(to_sparse(in), &cert);
    EXPECT_EQ(dense.assigned, sparse.assigned) << "variant " << variant;
    EXPECT_NEAR(dense.total_cost, sparse.total_cost, 1e-7) << "variant " << variant;
    EXPECT_LT(cert.max_violation, 1e-7);
  }
}

TEST(AssignmentTest, SquareDenseAgreesWithSparseOn200x200) {
  std::mt19937_64 rng(11);
  Instance in{200, std::vector<int>(200, 1), std::vector<double>(200 * 200)};
  std::uniform_real_distribution<double> real(0.0, 1.0);
  for (double& c : in.costs) c = real(rng);
  const Assignment dense = solve_dense(DenseCosts{200, 200, in.costs});
  const Assignment sparse = solve_sparse(to_sparse(in));
  EXPECT_EQ(dense.assigned, 200u);
  EXPECT_EQ(sparse.assigned, 200u);
  EXPECT_NEAR(dense.total_cost, sparse.total_cost, 1e-9);
}

TEST(AssignmentTest, ForbiddenCellsNeverChangeTheFeasiblePart) {
  // Row 0 may only take column 0, which row 1 prefers by far: the optimum keeps both paired.
  const DenseCosts costs{2, 2, {5.0, kForbidden, 0.0, 100.0}};
  const Assignment a = solve_dense(costs);
  EXPECT_EQ(a.assigned, 2u);
  EXPECT_EQ(a.column_of_row[0], 0);
  EXPECT_EQ(a.column_of_row[1], 1);
  EXPECT_DOUBLE_EQ(a.total_cost, 105.0);
}

TEST(AssignmentTest, HugeCostsDoNotCompeteWithForbiddenCells) {
  // With a big-M encoding 1e300 would look like "forbidden"; here it is just expensive.
  const DenseCosts costs{2, 2, {1e300, kForbidden, kForbidden, -1e300}};
  const Assignment a = solve_dense(costs);
  EXPECT_EQ(a.assigned, 2u);
}

TEST(AssignmentTest, DeterministicAcrossRuns) {
  std::mt19937_64 rng(3);
  const Instance in = random_instance(rng, 60, 40, 0.2, true);  // integer costs: many ties
  std::vector<std::size_t> owner;
  const DenseCosts dense = to_dense_slots(in, owner);
  const SparseCosts sparse = to_sparse(in);
  const Assignment d1 = solve_dense(dense), d2 = solve_dense(dense);
  const Assignment s1 = solve_sparse(sparse), s2 = solve_sparse(sparse);
  EXPECT_EQ(d1.column_of_row, d2.column_of_row);
  EXPECT_EQ(s1.column_of_row, s2.column_of_row);
}

TEST(AssignmentTest, RejectsBadInput) {
  EXPECT_THROW(solve_dense(DenseCosts{1, 2, {1.0, std::nan("")}}), std::invalid_argument);
  EXPECT_THROW(solve_dense(DenseCosts{1, 2, {1.0, -kForbidden}}), std::invalid_argument);
  EXPECT_THROW(solve_dense(DenseCosts{2, 2, {1.0}}), std::invalid_argument);
  SparseCosts zero_capacity{1, {0}, {0, 1}, {0}, {1.0}};
  EXPECT_THROW(solve_sparse(zero_capacity), std::invalid_argument);
  SparseCosts bad_column{1, {1}, {0, 1}, {4}, {1.0}};
  EXPECT_THROW(solve_sparse(bad_column), std::invalid_argument);
  SparseCosts nan_cost{1, {1}, {0, 1}, {0}, {std::nan("")}};
  EXPECT_THROW(solve_sparse(nan_cost), std::invalid_argument);
}

// Costs built like real scores: minus a weighted sum of a few graded criteria, so most values
// repeat exactly and others differ only by floating-point rounding (2.5 * 1/3 + ... sums).
// These are the matrices where the dense solver takes prices from an auction first.
// `coarse` keeps two criteria only, for few distinct values even in tiny matrices.
std::vector<double> graded_costs(std::mt19937_64& rng, std::size_t rows, std::size_t cols,
                                 bool coarse = false) {
  struct Person {
    int kind, site, seniority, themes;
  };
  auto person = [&rng, coarse] {
    std::uniform_int_distribution<int> kind(0, 4), site(0, 5), seniority(0, 8), themes(1, 7);
    if (coarse) return Person{kind(rng), site(rng), 0, 0};
    return Person{kind(rng), site(rng), seniority(rng), themes(rng)};
  };
  std::vector<Person> row_people(rows), col_people(cols);
  for (Person& p : row_people) p = person();
  for (Person& p : col_people) p = person();
  std::vector<double> costs(rows * cols);
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t j = 0; j < cols; ++j) {
      const Person& a = row_people[i];
      const Person& b = col_people[j];
      const int gap = b.seniority - a.seniority;
      const int shared = std::popcount(static_cast<unsigned>(a.themes & b.themes));
      double score = 3.0 * (a.kind == b.kind);
      score += 1.5 * (a.site == b.site);
      score += 2.0 * (gap >= 1 && gap <= 3);
      score += 2.5 * (shared / 3.0);
      if (!coarse) score += 1.0 * ((i + 2 * j) % 7 == 0 ? 1.0 / 3.0 : 0.0);  // a sparse "wish"
      costs[i * cols + j] = -score;
    }
  }
  return costs;
}

TEST(AssignmentTest, TieHeavyScoresMatchBruteForce) {
  std::mt19937_64 rng(424242);
  std::size_t auctions = 0;
  for (std::size_t n = 2; n <= 9; ++n) {
    for (int variant = 0; variant < 80; ++variant) {
      const std::vector<double> costs = graded_costs(rng, n, n, variant % 2 == 0);
      const auto truth = BruteForce(n, std::vector<int>(n, 1), costs).solve();
      DenseReport report;
      const Assignment a = solve_dense(DenseCosts{n, n, costs}, &report);
      SCOPED_TRACE(::testing::Message() << n << "x" << n << " variant " << variant);
      expect_valid(Instance{n, std::vector<int>(n, 1), costs}, a.column_of_row, a.assigned,
                   a.total_cost);
      EXPECT_EQ(a.assigned, n);
      EXPECT_NEAR(a.total_cost, truth.cost, 1e-9);
      EXPECT_LE(report.gap_bound, 1e-9);
      auctions += report.auction_warm_start ? 1 : 0;
    }
  }
  // The point of this test is the auction path: make sure it ran on a good share of cases.
  EXPECT_GE(auctions, 25u);
}

// Mentors with capacity become identical slot columns: ties again, now in rectangular matrices
// padded with zero-cost rows.
TEST(AssignmentTest, TieHeavyScoresWithCapacitiesMatchBruteForce) {
  std::mt19937_64 rng(31337);
  std::uniform_int_distribution<int> cap(1, 3);
  std::size_t auctions = 0;
  for (std::size_t rows = 3; rows <= 9; ++rows) {
    for (std::size_t mentors = 2; mentors <= 5; ++mentors) {
      for (int variant = 0; variant < 6; ++variant) {
        Instance in{rows, std::vector<int>(mentors),
                    graded_costs(rng, rows, mentors, variant % 2 == 1)};
        for (int& c : in.capacity) c = cap(rng);
        const auto truth = BruteForce(in.rows, in.capacity, in.costs).solve();
        std::vector<std::size_t> owner;
        DenseReport report;
        const Assignment dense = solve_dense(to_dense_slots(in, owner), &report);
        SCOPED_TRACE(::testing::Message() << rows << "x" << mentors << " variant " << variant);
        std::vector<std::int32_t> mentor_of_row(rows, kUnassigned);
        for (std::size_t r = 0; r < rows; ++r) {
          const std::int32_t slot = dense.column_of_row[r];
          if (slot != kUnassigned) {
            mentor_of_row[r] = static_cast<std::int32_t>(owner[static_cast<std::size_t>(slot)]);
          }
        }
        expect_valid(in, mentor_of_row, dense.assigned, dense.total_cost);
        EXPECT_EQ(dense.assigned, truth.assigned);
        EXPECT_NEAR(dense.total_cost, truth.cost, 1e-9);
        EXPECT_LE(report.gap_bound, 1e-9);
        auctions += report.auction_warm_start ? 1 : 0;
      }
    }
  }
  EXPECT_GE(auctions, 50u);  // most of these take the auction path
}

// An independent exact algorithm (the sparse solver over all edges) on larger tie-heavy
// matrices, square and both rectangular shapes (zero-cost padding), all on the auction route.
TEST(AssignmentTest, TieHeavyDenseAgreesWithSparse) {
  std::mt19937_64 rng(99);
  const std::pair<std::size_t, std::size_t> shapes[] = {{300, 300}, {240, 300}, {300, 240}};
  for (const auto& [rows, cols] : shapes) {
    const Instance in{rows, std::vector<int>(cols, 1), graded_costs(rng, rows, cols)};
    DenseReport report;
    const Assignment dense = solve_dense(DenseCosts{rows, cols, in.costs}, &report);
    SparseCertificate cert;
    const Assignment sparse = solve_sparse(to_sparse(in), &cert);
    SCOPED_TRACE(::testing::Message() << rows << "x" << cols);
    expect_valid(in, dense.column_of_row, dense.assigned, dense.total_cost);
    EXPECT_EQ(dense.assigned, std::min(rows, cols));
    EXPECT_EQ(sparse.assigned, dense.assigned);
    EXPECT_NEAR(dense.total_cost, sparse.total_cost, 1e-9);
    EXPECT_LE(report.gap_bound, 1e-9);
    EXPECT_LT(cert.max_violation, 1e-9);
    EXPECT_TRUE(report.auction_warm_start);
  }
}

TEST(AssignmentTest, DegenerateDenseMatrices) {
  const std::size_t n = 60;
  {  // all equal: column reduction alone pairs everyone
    DenseReport report;
    const Assignment a = solve_dense(DenseCosts{n, n, std::vector<double>(n * n, 2.5)}, &report);
    EXPECT_EQ(a.assigned, n);
    EXPECT_DOUBLE_EQ(a.total_cost, 2.5 * n);
    EXPECT_FALSE(report.auction_warm_start);
    EXPECT_EQ(report.gap_bound, 0.0);
    std::vector<std::int32_t> columns = a.column_of_row;
    std::sort(columns.begin(), columns.end());
    for (std::size_t j = 0; j < n; ++j) EXPECT_EQ(columns[j], static_cast<std::int32_t>(j));
  }
  {  // rank one with few values: every row prefers the same columns, heavy ties
    std::vector<double> costs(n * n);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < n; ++j)
        costs[i * n + j] = static_cast<double>((1 + i % 4) * (1 + j % 3)) / 8.0;
    }
    const Instance in{n, std::vector<int>(n, 1), costs};
    DenseReport report;
    const Assignment a = solve_dense(DenseCosts{n, n, costs}, &report);
    const Assignment sparse = solve_sparse(to_sparse(in));
    expect_valid(in, a.column_of_row, a.assigned, a.total_cost);
    EXPECT_EQ(a.assigned, n);
    EXPECT_NEAR(a.total_cost, sparse.total_cost, 1e-9);
    EXPECT_LE(report.gap_bound, 1e-9);
    EXPECT_TRUE(report.auction_warm_start);
  }
  {  // a constant per group of rows: few rows sit on column minima, but every row's own
     // minimum is at columns nobody else needs, so JV's route pairs them without searching
    std::mt19937_64 rng(8);
    std::uniform_int_distribution<int> grade(0, 3);
    std::vector<double> costs(n * n);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < n; ++j)
        costs[i * n + j] = 0.25 * grade(rng) + static_cast<double>(i % 3);
    }
    const Instance in{n, std::vector<int>(n, 1), costs};
    DenseReport report;
    const Assignment a = solve_dense(DenseCosts{n, n, costs}, &report);
    const Assignment sparse = solve_sparse(to_sparse(in));
    expect_valid(in, a.column_of_row, a.assigned, a.total_cost);
    EXPECT_EQ(a.total_cost, sparse.total_cost);
    EXPECT_EQ(report.gap_bound, 0.0);
    EXPECT_FALSE(report.auction_warm_start);
  }
  {  // one row: one of its cheapest columns
    const Assignment a = solve_dense(DenseCosts{1, 5, {3.0, 1.0, 2.0, 1.0, 4.0}});
    EXPECT_EQ(a.assigned, 1u);
    EXPECT_TRUE(a.column_of_row[0] == 1 || a.column_of_row[0] == 3);
    EXPECT_DOUBLE_EQ(a.total_cost, 1.0);
  }
  {  // one column, several rows
    const Assignment a = solve_dense(DenseCosts{3, 1, {3.0, -1.0, 2.0}});
    EXPECT_EQ(a.assigned, 1u);
    EXPECT_EQ(a.column_of_row[1], 0);
  }
}

// Costs of about 1e16 (doubles 2 apart there) that differ by a few units: late bids of epsilon
// cannot move a price, so the auction gives up early and JV's searches finish, still exactly.
TEST(AssignmentTest, HugeCostsWithSmallDifferencesStayExact) {
  std::mt19937_64 rng(5);
  const std::size_t n = 200;
  std::vector<double> small = graded_costs(rng, n, n);
  std::vector<double> huge(n * n);
  for (std::size_t k = 0; k < small.size(); ++k) {
    small[k] = std::round(small[k] * 6.0);  // small integers
    huge[k] = 1e16 + 2.0 * small[k];        // exact: even offsets from an even 1e16
  }
  const Assignment reference = solve_sparse(to_sparse(Instance{n, std::vector<int>(n, 1), small}));
  DenseReport report;
  const Assignment a = solve_dense(DenseCosts{n, n, huge}, &report);
  ASSERT_EQ(a.assigned, n);
  double small_total = 0;
  for (std::size_t i = 0; i < n; ++i)
    small_total += small[i * n + static_cast<std::size_t>(a.column_of_row[i])];
  EXPECT_EQ(small_total, reference.total_cost);
  EXPECT_EQ(report.gap_bound, 0.0);
  EXPECT_TRUE(report.auction_warm_start);
}

TEST(AssignmentTest, TieHeavyDenseIsDeterministic) {
  std::mt19937_64 rng(17);
  const std::size_t n = 150;
  const DenseCosts costs{n, n, graded_costs(rng, n, n)};
  DenseReport report;
  const Assignment first = solve_dense(costs, &report);
  EXPECT_TRUE(report.auction_warm_start);
  for (int run = 0; run < 3; ++run)
    EXPECT_EQ(solve_dense(costs).column_of_row, first.column_of_row);
}

TEST(AssignmentTest, EmptyShapesGiveEmptyResults) {
  EXPECT_EQ(solve_dense(DenseCosts{3, 0, {}}).assigned, 0u);
  EXPECT_EQ(solve_dense(DenseCosts{0, 3, {}}).assigned, 0u);
  EXPECT_EQ(solve_sparse(SparseCosts{2, {}, {0, 0, 0}, {}, {}}).assigned, 0u);
}

}  // namespace
}  // namespace mentoring::pairing
