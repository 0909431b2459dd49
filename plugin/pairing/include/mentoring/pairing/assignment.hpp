// Exact assignment solvers: the optimisation core of the pairing engine.
//
// Both solvers minimise cost. They share one semantics for missing pairs:
//   1. the number of assigned rows is maximised first (a forbidden pair never counts),
//   2. among those assignments, the total cost of the assigned pairs is minimised.
// No "huge constant" is ever added to a cost: the lexicographic order is built into the
// arithmetic of the solvers, so a forbidden pair can never silently shift the optimum.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace mentoring::pairing {

// Marks a dense cell as "this row may not take this column".
inline constexpr double kForbidden = std::numeric_limits<double>::infinity();
// Column index of a row that is left unassigned.
inline constexpr std::int32_t kUnassigned = -1;

// Row-major dense costs: cost(row, col) = costs[row * cols + col]; kForbidden marks a missing pair.
struct DenseCosts {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<double> costs;

  double at(std::size_t row, std::size_t col) const { return costs[row * cols + col]; }
};

// Candidate lists per row (compressed rows): row r may take columns
// col[row_start[r] .. row_start[r+1]) at the matching cost; column c holds at most capacity[c]
// rows.
struct SparseCosts {
  std::size_t rows = 0;
  std::vector<std::int32_t> capacity;  // one entry per column, each >= 1
  std::vector<std::size_t> row_start;  // rows + 1 entries
  std::vector<std::int32_t> col;
  std::vector<double> cost;
};

struct Assignment {
  std::vector<std::int32_t> column_of_row;  // kUnassigned when the row got nothing
  std::size_t assigned = 0;                 // number of assigned rows (maximised first)
  double total_cost = 0;                    // sum over assigned rows (minimised second)
};

// Dual certificate of the sparse solver: with u_r = reduced row price and v_c <= 0 the column
// prices, every candidate edge satisfies cost - u_r - v_c >= 0 and assigned edges are tight.
struct SparseCertificate {
  double max_violation = 0;  // worst negative reduced cost / slack on tight edges / positive v
  double primal = 0;         // total cost of the assigned pairs
  double dual = 0;           // dual objective restricted to the assigned rows' cost component
};

// What the dense solver did, on request (tests, benchmark). Filling it costs one more pass over
// the matrix for the bound.
struct DenseReport {
  bool auction_warm_start = false;  // tie-heavy plain doubles: auction prices, then JV's searches
  std::size_t searches = 0;         // shortest augmenting path searches run (probes included)
  // Sum over the (padded, square) rows of how far each row's column lies above that row's
  // smallest reduced cost at the final column prices. No assignment costs less than
  // total_cost - gap_bound, so a gap_bound of 0 (up to rounding) proves the optimum. With
  // forbidden cells it covers the cost rank and is +inf if the "missing pairs" rank has a gap.
  double gap_bound = 0;
};

// Jonker-Volgenant: column reduction, reduction transfer, augmenting row reduction, then
// shortest augmenting paths; on plain doubles with many tied values, an auction (epsilon-scaling)
// replaces the reduction steps as a warm start and JV's searches still decide the optimum.
// Rectangular inputs are padded to square. Throws std::invalid_argument on NaN or -inf costs
// or on a size mismatch.
Assignment solve_dense(const DenseCosts& costs, DenseReport* report = nullptr);

// Shortest augmenting paths over candidate lists with column capacities (a successive
// shortest path min-cost flow with Dijkstra on reduced costs). Exact for the given lists.
// Throws std::invalid_argument on malformed lists, NaN/inf costs or capacity < 1.
Assignment solve_sparse(const SparseCosts& costs, SparseCertificate* certificate = nullptr);

}  // namespace mentoring::pairing
