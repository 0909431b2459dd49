// Jonker-Volgenant for square dense matrices, templated on the cost type so that the common
// all-feasible case runs on plain doubles and the case with forbidden cells on LexCost.
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "lexicographic_cost.hpp"
#include "mentoring/pairing/assignment.hpp"

namespace mentoring::pairing {
namespace {

using detail::LexCost;
using detail::unreachable;

template <class Cost>
class SquareJv {
 public:
  SquareJv(std::size_t n, const Cost* cost)
      : n_(n),
        cost_(cost),
        row_sol_(n, -1),
        col_sol_(n, -1),
        price_(n),
        dist_(n),
        pred_(n),
        col_list_(n) {}

  // Returns the column of every row in a minimum-cost perfect assignment.
  std::vector<std::int32_t> solve() {
    if (n_ == 0) return {};
    if (n_ == 1) return {0};
    std::vector<std::int32_t> free_rows = reduce_columns();
    // JV run the augmenting row reduction twice; later passes rarely pay for themselves.
    for (int pass = 0; pass < 2 && !free_rows.empty(); ++pass)
      free_rows = augment_row_reduction(free_rows);
    for (std::int32_t row : free_rows) augment_from(row);
    return row_sol_;
  }

 private:
  const Cost* row(std::size_t i) const { return cost_ + i * n_; }

  // Column reduction then reduction transfer. Returns the rows still unassigned.
  std::vector<std::int32_t> reduce_columns() {
    // Column minima by a row-wise sweep: the matrix is row-major, so this stays sequential.
    std::vector<std::int32_t> arg_min(n_, 0);
    std::copy(row(0), row(0) + n_, price_.begin());
    for (std::size_t i = 1; i < n_; ++i) {
      const Cost* r = row(i);
      for (std::size_t j = 0; j < n_; ++j) {
        if (r[j] < price_[j]) {
          price_[j] = r[j];
          arg_min[j] = static_cast<std::int32_t>(i);
        }
      }
    }
    // Each column goes to its minimum row if that row is still free (as in JV). Scores with
    // many ties (realistic cohorts) leave most rows unmatched that way, so a second pass lets
    // every free row take any free column where it is tight; both keep the prices feasible.
    for (std::size_t j = n_; j-- > 0;) {
      const std::int32_t i = arg_min[j];
      if (row_sol_[i] < 0) {
        row_sol_[i] = static_cast<std::int32_t>(j);
        col_sol_[j] = i;
      }
    }
    std::vector<std::int32_t> free_rows;
    for (std::size_t i = 0; i < n_; ++i) {
      if (row_sol_[i] >= 0) continue;
      const Cost* r = row(i);
      for (std::size_t j = 0; j < n_; ++j) {
        if (col_sol_[j] < 0 && r[j] == price_[j]) {
          row_sol_[i] = static_cast<std::int32_t>(j);
          col_sol_[j] = static_cast<std::int32_t>(i);
          break;
        }
      }
      if (row_sol_[i] < 0) free_rows.push_back(static_cast<std::int32_t>(i));
    }
    for (std::size_t i = 0; i < n_; ++i) {
      if (row_sol_[i] < 0) continue;
      // Reduction transfer: move the row's slack onto its column so the row price becomes
      // its second-best reduced cost, which helps later augmentations.
      const std::size_t j1 = static_cast<std::size_t>(row_sol_[i]);
      const Cost* r = row(i);
      Cost second = unreachable<Cost>();
      for (std::size_t j = 0; j < n_; ++j) {
        if (j != j1) second = std::min(second, r[j] - price_[j]);
      }
      price_[j1] = price_[j1] - second;
    }
    return free_rows;
  }

  // One pass of augmenting row reduction: each free row takes its best column, pushing the
  // column's price down by the gap to the second best, possibly evicting another row.
  std::vector<std::int32_t> augment_row_reduction(std::vector<std::int32_t> todo) {
    std::vector<std::int32_t> still_free;
    // Floating-point ties can make evictions ping-pong for a long time; cap the work and leave
    // whatever remains to the shortest augmenting paths, which are exact regardless.
    std::size_t budget = 8 * n_ + todo.size();
    std::size_t k = 0;
    while (k < todo.size()) {
      if (budget-- == 0) {
        still_free.insert(still_free.end(), todo.begin() + static_cast<std::ptrdiff_t>(k),
                          todo.end());
        break;
      }
      const std::int32_t i = todo[k++];
      const Cost* r = row(static_cast<std::size_t>(i));
      Cost best = r[0] - price_[0];
      Cost second = unreachable<Cost>();
      std::size_t j1 = 0, j2 = 0;
      for (std::size_t j = 1; j < n_; ++j) {
        const Cost h = r[j] - price_[j];
        if (h < second) {
          if (best <= h) {
            second = h;
            j2 = j;
          } else {
            second = best;
            best = h;
            j2 = j1;
            j1 = j;
          }
        }
      }
      std::int32_t evicted = col_sol_[j1];
      const bool strictly_better = best < second;
      if (strictly_better) {
        price_[j1] = price_[j1] - (second - best);
      } else if (evicted >= 0) {
        // Tie: prefer the second column in case it is free, to avoid a pointless eviction.
        j1 = j2;
        evicted = col_sol_[j2];
      }
      if (evicted >= 0) row_sol_[evicted] = -1;
      row_sol_[i] = static_cast<std::int32_t>(j1);
      col_sol_[j1] = i;
      if (evicted >= 0) {
        if (strictly_better) {
          todo[--k] = evicted;  // its price just rose: retry it at once
        } else {
          still_free.push_back(evicted);
        }
      }
    }
    return still_free;
  }

  // Dijkstra over columns on reduced costs from one free row, then augment and update prices.
  void augment_from(std::int32_t free_row) {
    const Cost* r0 = row(static_cast<std::size_t>(free_row));
    for (std::size_t j = 0; j < n_; ++j) {
      dist_[j] = r0[j] - price_[j];
      pred_[j] = free_row;
      col_list_[j] = static_cast<std::int32_t>(j);
    }
    // col_list_ = [ settled | at current minimum, to scan | not yet reached minimum ]
    std::size_t low = 0, up = 0, last_settled = 0;
    Cost min_dist{};
    std::int32_t end_of_path = -1;
    while (end_of_path < 0) {
      if (up == low) {
        last_settled = low;
        min_dist = dist_[col_list_[up++]];
        for (std::size_t k = up; k < n_; ++k) {
          const std::int32_t j = col_list_[k];
          const Cost h = dist_[j];
          if (h <= min_dist) {
            if (h < min_dist) {
              up = low;
              min_dist = h;
            }
            col_list_[k] = col_list_[up];
            col_list_[up++] = j;
          }
        }
        for (std::size_t k = low; k < up; ++k) {
          if (col_sol_[col_list_[k]] < 0) {
            end_of_path = col_list_[k];
            break;
          }
        }
        if (end_of_path >= 0) break;
      }
      const std::int32_t j1 = col_list_[low++];
      const std::int32_t i = col_sol_[j1];
      const Cost* ri = row(static_cast<std::size_t>(i));
      const Cost h = ri[j1] - price_[j1] - min_dist;
      for (std::size_t k = up; k < n_; ++k) {
        const std::int32_t j = col_list_[k];
        const Cost candidate = ri[j] - price_[j] - h;
        if (candidate < dist_[j]) {
          dist_[j] = candidate;
          pred_[j] = i;
          if (candidate == min_dist) {
            if (col_sol_[j] < 0) {
              end_of_path = j;
              break;
            }
            col_list_[k] = col_list_[up];
            col_list_[up++] = j;
          }
        }
      }
    }
    // Columns settled before the final round get their prices lowered by how much closer
    // they were than the end of the path, keeping every reduced cost non-negative.
    for (std::size_t k = 0; k < last_settled; ++k) {
      const std::int32_t j = col_list_[k];
      price_[j] = price_[j] + dist_[j] - min_dist;
    }
    std::int32_t j = end_of_path;
    while (true) {
      const std::int32_t i = pred_[j];
      col_sol_[j] = i;
      std::swap(j, row_sol_[i]);
      if (i == free_row) break;
    }
  }

  std::size_t n_;
  const Cost* cost_;
  std::vector<std::int32_t> row_sol_, col_sol_;
  std::vector<Cost> price_, dist_;
  std::vector<std::int32_t> pred_, col_list_;
};

void check_costs(const DenseCosts& in, bool& has_forbidden) {
  if (in.costs.size() != in.rows * in.cols) {
    throw std::invalid_argument("dense costs: expected " + std::to_string(in.rows * in.cols) +
                                " cells, got " + std::to_string(in.costs.size()));
  }
  has_forbidden = false;
  for (std::size_t k = 0; k < in.costs.size(); ++k) {
    const double c = in.costs[k];
    if (c == kForbidden) {
      has_forbidden = true;
    } else if (!std::isfinite(c)) {
      throw std::invalid_argument("dense costs: cell (" + std::to_string(k / in.cols) + ", " +
                                  std::to_string(k % in.cols) + ") is not a finite number");
    }
  }
}

}  // namespace

Assignment solve_dense(const DenseCosts& in) {
  bool has_forbidden = false;
  check_costs(in, has_forbidden);
  Assignment out;
  out.column_of_row.assign(in.rows, kUnassigned);
  if (in.rows == 0 || in.cols == 0) return out;

  const std::size_t n = std::max(in.rows, in.cols);
  std::vector<std::int32_t> row_sol;
  if (!has_forbidden && in.rows == in.cols) {
    row_sol = SquareJv<double>(n, in.costs.data()).solve();
  } else if (!has_forbidden) {
    // Padding rows/columns cost nothing: whichever real rows or columns they absorb are the
    // ones left over by the optimum of the real part.
    std::vector<double> square(n * n, 0.0);
    for (std::size_t i = 0; i < in.rows; ++i) {
      std::copy_n(in.costs.begin() + static_cast<std::ptrdiff_t>(i * in.cols), in.cols,
                  square.begin() + static_cast<std::ptrdiff_t>(i * n));
    }
    row_sol = SquareJv<double>(n, square.data()).solve();
  } else {
    // A forbidden cell costs one "missing pair" and nothing else, so the optimum first
    // minimises the forbidden cells used (= maximises feasible pairs), then the real cost.
    std::vector<LexCost> square(n * n, LexCost{});
    for (std::size_t i = 0; i < in.rows; ++i) {
      for (std::size_t j = 0; j < in.cols; ++j) {
        const double c = in.at(i, j);
        square[i * n + j] = c == kForbidden ? LexCost{1, 0.0} : LexCost{0, c};
      }
    }
    row_sol = SquareJv<LexCost>(n, square.data()).solve();
  }
  for (std::size_t i = 0; i < in.rows; ++i) {
    const auto j = static_cast<std::size_t>(row_sol[i]);
    if (j < in.cols && in.at(i, j) != kForbidden) {
      out.column_of_row[i] = static_cast<std::int32_t>(j);
      ++out.assigned;
      out.total_cost += in.at(i, j);
    }
  }
  return out;
}

}  // namespace mentoring::pairing
