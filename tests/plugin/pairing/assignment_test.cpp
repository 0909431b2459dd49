#include <gtest/gtest.h>

#include <cmath>
#include <random>

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
        const Assignment dense = solve_dense(to_dense_slots(in, owner));
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

TEST(AssignmentTest, EmptyShapesGiveEmptyResults) {
  EXPECT_EQ(solve_dense(DenseCosts{3, 0, {}}).assigned, 0u);
  EXPECT_EQ(solve_dense(DenseCosts{0, 3, {}}).assigned, 0u);
  EXPECT_EQ(solve_sparse(SparseCosts{2, {}, {0, 0, 0}, {}, {}}).assigned, 0u);
}

}  // namespace
}  // namespace mentoring::pairing
