// Jonker-Volgenant for square dense matrices, templated on the cost type so that the common
// all-feasible case runs on plain doubles and the case with forbidden cells on LexCost.
//
// The optimum always comes from JV's shortest augmenting paths, which only need a starting
// point where every assigned row sits on a minimum of its reduced costs (cost - column price).
// Two ways to get there:
//   * JV's own initialisation (column reduction, reduction transfer, augmenting row reduction);
//   * on plain doubles with many tied values, an auction (see AuctionWarmStart) whose prices are
//     checked afterwards: rows that do not sit on a minimum in exact double arithmetic are set
//     free again, so the auction can only change how much searching is left, never the result.
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "lexicographic_cost.hpp"
#include "mentoring/pairing/assignment.hpp"

namespace mentoring::pairing {
namespace {

using detail::LexCost;
using detail::unreachable;

// Forward auction with epsilon-scaling (Bertsekas), used only as a warm start: it produces
// column prices and an assignment that JV's searches then make exact. In JV's convention a row
// prefers the column with the smallest reduced cost c_ij - price_j; a free row "bids" for its
// best column by lowering that column's price by (second best - best + epsilon), taking the
// column and evicting its previous holder, who bids in turn. Each phase starts with every row
// free and keeps the prices; epsilon shrinks by kShrink per phase. Ties cost nothing special:
// a bid always moves a price by at least epsilon, which is where JV's initialisation stalls.
//
// Nothing here needs to be exact. The last phase stops when few rows are left (the searches
// place them cheaply); a bid budget bounds the work; and the auction stops as soon as a bid
// cannot move a price (epsilon below the resolution of prices, e.g. costs around 1e16 that
// differ by units). JV's searches then finish from whatever state it reached.
class AuctionWarmStart {
 public:
  AuctionWarmStart(std::size_t n, const double* cost) : n_(n), cost_(cost), holder_(n, -1) {}

  // price: one per column (overwritten); column_of_row: one per row, -1 where left free.
  void run(std::vector<double>& price, std::vector<std::int32_t>& column_of_row) {
    double low = 0, high = 0;
    sampled_range(low, high);
    // Prices start at the smallest cost so that reduced costs, and with them the later
    // searches' arithmetic, stay on the scale of the differences between costs.
    std::fill(price.begin(), price.end(), low);
    const double spread = high - low;
    if (!(spread > 0) || !std::isfinite(spread)) return;  // nothing to scale: leave it to JV
    // epsilon below spread / n leaves little for the searches; much smaller costs more bids
    // than the searches it saves (measured on the benchmark's realistic scores).
    const double final_epsilon = spread / static_cast<double>(n_);
    std::size_t budget = kBidsPerRow * n_;
    for (double epsilon = spread / kShrink;; epsilon = std::max(epsilon / kShrink, final_epsilon)) {
      const bool last = epsilon <= final_epsilon;
      const std::size_t leave_free = last ? n_ / kLeftToSearchesDivisor : 0;
      std::fill(holder_.begin(), holder_.end(), -1);
      std::fill(column_of_row.begin(), column_of_row.end(), -1);
      free_.clear();
      for (std::size_t i = n_; i-- > 0;) free_.push_back(static_cast<std::int32_t>(i));
      while (free_.size() > leave_free) {
        if (budget-- == 0) return;
        const std::int32_t i = free_.back();
        free_.pop_back();
        if (!bid(i, epsilon, price, column_of_row)) return;
      }
      if (last) return;
    }
  }

 private:
  static constexpr double kShrink = 10;
  static constexpr std::size_t kBidsPerRow = 100;            // typical use: 15-35 per row
  static constexpr std::size_t kLeftToSearchesDivisor = 50;  // last phase stops at 2% free

  // Smallest and largest cost in a few evenly spread rows: only sets the scale of epsilon.
  void sampled_range(double& low, double& high) const {
    low = high = cost_[0];
    const std::size_t samples = std::min<std::size_t>(n_, 8);
    for (std::size_t s = 0; s < samples; ++s) {
      const double* r = cost_ + (s * n_ / samples) * n_;
      for (std::size_t j = 0; j < n_; ++j) {
        low = std::min(low, r[j]);
        high = std::max(high, r[j]);
      }
    }
  }

  // Row i takes its best column. False if the column's price could not move (see above).
  bool bid(std::int32_t i, double epsilon, std::vector<double>& price,
           std::vector<std::int32_t>& column_of_row) {
    const double* r = cost_ + static_cast<std::size_t>(i) * n_;
    double best = detail::unreachable<double>(), second = best;
    std::size_t best_j = 0;
    for (std::size_t j = 0; j < n_; ++j) {
      const double reduced = r[j] - price[j];
      if (reduced < second) {
        if (reduced < best) {
          second = best;
          best = reduced;
          best_j = j;
        } else {
          second = reduced;
        }
      }
    }
    const double lowered = price[best_j] - ((second - best) + epsilon);
    if (!(lowered < price[best_j])) return false;
    price[best_j] = lowered;
    const std::int32_t evicted = holder_[best_j];
    holder_[best_j] = i;
    column_of_row[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(best_j);
    if (evicted >= 0) {
      column_of_row[static_cast<std::size_t>(evicted)] = -1;
      free_.push_back(evicted);
    }
    return true;
  }

  std::size_t n_;
  const double* cost_;
  std::vector<std::int32_t> holder_;  // row holding each column, -1 if none
  std::vector<std::int32_t> free_;    // rows still to bid (last in, first out)
};

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
    if (n_ == 1) {
      row_sol_[0] = col_sol_[0] = 0;
      return row_sol_;
    }
    std::vector<std::int32_t> free_rows = reduce_columns();
    // With many exactly tied costs (scores that are sums of a few weighted grades), augmenting
    // row reduction stalls (a tie moves no price) and each remaining search crawls through a
    // plateau of tied columns at O(n) per column: measured at n = 5000, 1,400 searches settling
    // ~230 columns each. An auction handles ties by construction (every bid moves a price by at
    // least epsilon), so it replaces JV's initialisation when all of these hold:
    //   * more than a quarter of the rows are still free (0/1 or all-equal costs: nearly none);
    //   * the costs have many ties (without them, e.g. uniform costs, about 37% of the rows are
    //     free here, but augmenting row reduction places nearly all: under 1% left);
    //   * more than a quarter of the rows would need long searches (costs that differ by a
    //     constant per group of rows leave many rows free, but each finds a free column at its
    //     own minimum at once).
    if constexpr (std::is_same_v<Cost, double>) {  // the two-rank cost has no auction
      if (free_rows.size() > n_ / 4 && many_ties() &&
          rows_needing_long_searches(free_rows) > n_ / 4) {
        free_rows = warm_start_by_auction();
        auctioned_ = true;
      }
    }
    // JV run the augmenting row reduction twice; later passes rarely pay for themselves.
    for (int pass = 0; pass < 2 && !auctioned_ && !free_rows.empty(); ++pass)
      free_rows = augment_row_reduction(free_rows);
    for (std::int32_t row : free_rows) augment_from(row);
    return row_sol_;
  }

  // After solve(): what was done, and the optimality bound (see DenseReport).
  void fill(DenseReport& report) const {
    report.auction_warm_start = auctioned_;
    report.searches = searches_;
    Cost gap{};
    for (std::size_t i = 0; i < n_; ++i) {
      const Cost* r = row(i);
      Cost smallest = unreachable<Cost>();
      for (std::size_t j = 0; j < n_; ++j) smallest = std::min(smallest, r[j] - price_[j]);
      const auto own = static_cast<std::size_t>(row_sol_[i]);
      gap = gap + ((r[own] - price_[own]) - smallest);
    }
    if constexpr (std::is_same_v<Cost, double>) {
      report.gap_bound = gap;
    } else {
      report.gap_bound = gap.missing == 0 ? gap.value : unreachable<double>();
    }
  }

 private:
  const Cost* row(std::size_t i) const { return cost_ + i * n_; }

  // Column reduction, a greedy pass on tight cells, then reduction transfer. Returns the rows
  // still free.
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
    // Each column goes to its minimum row if that row is still free (as in JV). Ties leave many
    // rows unmatched that way, so a second pass lets every free row take any free column where
    // it is tight (reduced cost 0, the smallest possible at these prices). Both keep every
    // assigned row on a minimum of its reduced costs, which is all the searches need.
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

  // How many free rows would still need a real search after each took, in turn, a free column
  // at its smallest reduced cost that no earlier row took (those searches end at once).
  // Nothing is assigned here: this only estimates the work JV's searches would face.
  std::size_t rows_needing_long_searches(const std::vector<std::int32_t>& free_rows) const {
    std::vector<char> taken(n_, 0);
    std::size_t count = 0;
    for (std::int32_t i : free_rows) {
      const Cost* r = row(static_cast<std::size_t>(i));
      Cost smallest = unreachable<Cost>();
      std::size_t open_at_smallest = n_;  // n_: none
      for (std::size_t j = 0; j < n_; ++j) {
        const Cost h = r[j] - price_[j];
        const bool open = col_sol_[j] < 0 && !taken[j];
        if (h < smallest) {
          smallest = h;
          open_at_smallest = open ? j : n_;
        } else if (h == smallest && open && open_at_smallest == n_) {
          open_at_smallest = j;
        }
      }
      if (open_at_smallest < n_) {
        taken[open_at_smallest] = 1;
      } else {
        ++count;
      }
    }
    return count;
  }

  // Distinct values in a few evenly spread rows: fewer than half means heavy ties.
  bool many_ties() const {
    const std::size_t samples = std::min<std::size_t>(n_, 8);
    std::vector<double> values;
    std::size_t distinct = 0;
    for (std::size_t s = 0; s < samples; ++s) {
      const double* r = row(s * n_ / samples);
      values.assign(r, r + n_);
      std::sort(values.begin(), values.end());
      distinct +=
          static_cast<std::size_t>(std::unique(values.begin(), values.end()) - values.begin());
    }
    return 2 * distinct < samples * n_;
  }

  // Replaces the whole state (assignment and prices) by the auction's, then frees every row
  // whose column is not a minimum of its reduced costs. Returns the free rows, in order.
  std::vector<std::int32_t> warm_start_by_auction() {
    std::fill(row_sol_.begin(), row_sol_.end(), -1);
    std::fill(col_sol_.begin(), col_sol_.end(), -1);
    AuctionWarmStart(n_, cost_).run(price_, row_sol_);
    std::vector<std::int32_t> free_rows;
    for (std::size_t i = 0; i < n_; ++i) {
      const std::int32_t j = row_sol_[i];
      if (j >= 0 && sits_on_row_minimum(i, static_cast<std::size_t>(j))) {
        col_sol_[j] = static_cast<std::int32_t>(i);
      } else {
        row_sol_[i] = -1;
        free_rows.push_back(static_cast<std::int32_t>(i));
      }
    }
    return free_rows;
  }

  // The condition JV's searches rely on for an assigned pair (i, j), evaluated with exactly the
  // arithmetic the searches use: no column is strictly cheaper for row i at the current prices.
  bool sits_on_row_minimum(std::size_t i, std::size_t j) const {
    const Cost* r = row(i);
    const Cost own = r[j] - price_[j];
    for (std::size_t k = 0; k < n_; ++k) {
      if (r[k] - price_[k] < own) return false;
    }
    return true;
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
  // Returns how many rows it scanned (one per settled column: the cost of a search).
  std::size_t augment_from(std::int32_t free_row) {
    ++searches_;
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
    return low;
  }

  std::size_t n_;
  const Cost* cost_;
  std::vector<std::int32_t> row_sol_, col_sol_;
  std::vector<Cost> price_, dist_;
  std::vector<std::int32_t> pred_, col_list_;
  bool auctioned_ = false;
  std::size_t searches_ = 0;  // shortest path searches run
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

template <class Cost>
std::vector<std::int32_t> solve_square(std::size_t n, const Cost* cost, DenseReport* report) {
  SquareJv<Cost> jv(n, cost);
  std::vector<std::int32_t> row_sol = jv.solve();
  if (report != nullptr) jv.fill(*report);
  return row_sol;
}

}  // namespace

Assignment solve_dense(const DenseCosts& in, DenseReport* report) {
  if (report != nullptr) *report = DenseReport{};
  bool has_forbidden = false;
  check_costs(in, has_forbidden);
  Assignment out;
  out.column_of_row.assign(in.rows, kUnassigned);
  if (in.rows == 0 || in.cols == 0) return out;

  const std::size_t n = std::max(in.rows, in.cols);
  std::vector<std::int32_t> row_sol;
  if (!has_forbidden && in.rows == in.cols) {
    row_sol = solve_square(n, in.costs.data(), report);
  } else if (!has_forbidden) {
    // Padding rows/columns cost nothing: whichever real rows or columns they absorb are the
    // ones left over by the optimum of the real part.
    std::vector<double> square(n * n, 0.0);
    for (std::size_t i = 0; i < in.rows; ++i) {
      std::copy_n(in.costs.begin() + static_cast<std::ptrdiff_t>(i * in.cols), in.cols,
                  square.begin() + static_cast<std::ptrdiff_t>(i * n));
    }
    row_sol = solve_square(n, square.data(), report);
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
    row_sol = solve_square(n, square.data(), report);
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
