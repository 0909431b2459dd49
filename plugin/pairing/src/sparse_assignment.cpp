// Successive shortest augmenting paths over candidate lists, with column capacities handled
// natively (a column is a path end while it has room) rather than by replicating slots.
//
// Every row also owns a private "stay unassigned" column costing one missing pair (LexCost
// {1, 0}); the rows can therefore always be placed, and the lexicographic cost makes the
// solver prefer any feasible pair over leaving a row out, exactly as the dense solver does.
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

constexpr LexCost kStayUnassigned{1, 0.0};

// Costs of candidate edges in either arithmetic.
inline double edge_cost(double cost, double) {
  return cost;
}
inline LexCost edge_cost(double cost, LexCost) {
  return {0, cost};
}
inline double value_of(double cost) {
  return cost;
}
inline double value_of(LexCost cost) {
  return cost.value;
}
inline bool rank_error(double) {
  return false;
}
inline bool rank_error(LexCost cost) {
  return cost.missing != 0;
}

void check_input(const SparseCosts& in) {
  if (in.row_start.size() != in.rows + 1 || in.row_start.front() != 0 ||
      in.row_start.back() != in.col.size() || in.col.size() != in.cost.size()) {
    throw std::invalid_argument("sparse costs: row_start/col/cost sizes do not agree");
  }
  for (std::size_t c = 0; c < in.capacity.size(); ++c) {
    if (in.capacity[c] < 1) {
      throw std::invalid_argument("sparse costs: column " + std::to_string(c) + " has capacity " +
                                  std::to_string(in.capacity[c]) + " (must be at least 1)");
    }
  }
  for (std::size_t r = 0; r < in.rows; ++r) {
    if (in.row_start[r] > in.row_start[r + 1]) {
      throw std::invalid_argument("sparse costs: row_start decreases at row " + std::to_string(r));
    }
    for (std::size_t e = in.row_start[r]; e < in.row_start[r + 1]; ++e) {
      if (in.col[e] < 0 || static_cast<std::size_t>(in.col[e]) >= in.capacity.size()) {
        throw std::invalid_argument("sparse costs: row " + std::to_string(r) + " names column " +
                                    std::to_string(in.col[e]) + " which does not exist");
      }
      if (!std::isfinite(in.cost[e])) {
        throw std::invalid_argument("sparse costs: row " + std::to_string(r) + ", column " +
                                    std::to_string(in.col[e]) + " has a non-finite cost");
      }
    }
  }
}

// Cost = LexCost: every row owns a "stay unassigned" column, so every search ends and the number
// of pairs is maximised first. Cost = double: no such columns and plain arithmetic; a search
// that finds no room makes solve() answer false, and the caller falls back to LexCost.
template <class Cost>
class SparseSap {
  static constexpr bool kStayColumns = std::is_same_v<Cost, LexCost>;

 public:
  explicit SparseSap(const SparseCosts& in)
      : in_(in),
        rows_(in.rows),
        cols_(in.capacity.size()),
        total_cols_(cols_ + (kStayColumns ? rows_ : 0)),
        price_(total_cols_),
        dist_(total_cols_, unreachable<Cost>()),
        pred_(total_cols_, -1),
        pred_cost_(total_cols_),
        settled_(total_cols_, 0),
        used_(total_cols_, 0),
        slot_start_(total_cols_ + 1, 0),
        column_of_row_(rows_, kUnassigned),
        row_cost_(rows_) {
    for (std::size_t c = 0; c < total_cols_; ++c) {
      slot_start_[c + 1] = slot_start_[c] + capacity(c);
    }
    slot_row_.assign(slot_start_.back(), -1);
  }

  // Rows are placed in index order, which makes ties resolve the same way on every run.
  // (A Jonker-Volgenant row reduction was tried here and made the 100k-row benchmark slower:
  // on sparse lists with capacities its price moves rarely fire; see docs/pairing.md.)
  bool solve() {
    for (std::size_t r = 0; r < rows_; ++r) {
      if (!augment_from(static_cast<std::int32_t>(r))) return false;
    }
    return true;
  }

  Assignment result() const {
    Assignment out;
    out.column_of_row.assign(rows_, kUnassigned);
    for (std::size_t r = 0; r < rows_; ++r) {
      const std::int32_t c = column_of_row_[r];
      if (static_cast<std::size_t>(c) < cols_) {
        out.column_of_row[r] = c;
        ++out.assigned;
        out.total_cost += value_of(row_cost_[r]);
      }
    }
    return out;
  }

  // Checks complementary slackness of the final prices against every edge of the input.
  SparseCertificate certificate() const {
    SparseCertificate cert;
    double worst = 0;
    auto note = [&](Cost violation) {
      if (rank_error(violation)) {
        worst = std::max(worst, std::abs(value_of(violation)) + 1.0);  // any rank error is fatal
      } else {
        worst = std::max(worst, std::abs(value_of(violation)));
      }
    };
    std::vector<Cost> row_price(rows_);
    Cost dual{};
    for (std::size_t r = 0; r < rows_; ++r) {
      row_price[r] = row_cost_[r] - price_[static_cast<std::size_t>(column_of_row_[r])];
      dual = dual + row_price[r];
    }
    for (std::size_t c = 0; c < total_cols_; ++c) {
      if (Cost{} < price_[c]) note(price_[c]);                                // prices must be <= 0
      if (used_[c] < capacity(c) && !(price_[c] == Cost{})) note(price_[c]);  // room => price 0
      for (std::int32_t k = 0; k < capacity(c); ++k) dual = dual + price_[c];
    }
    for (std::size_t r = 0; r < rows_; ++r) {
      for (std::size_t e = in_.row_start[r]; e < in_.row_start[r + 1]; ++e) {
        const Cost reduced = edge_cost(in_.cost[e], Cost{}) - row_price[r] -
                             price_[static_cast<std::size_t>(in_.col[e])];
        if (reduced < Cost{}) note(reduced);
      }
      if constexpr (kStayColumns) {
        const Cost to_own = kStayUnassigned - row_price[r] - price_[cols_ + r];
        if (to_own < Cost{}) note(to_own);
      }
    }
    cert.max_violation = worst;
    cert.dual = value_of(dual);
    for (std::size_t r = 0; r < rows_; ++r) cert.primal += value_of(row_cost_[r]);
    return cert;
  }

 private:
  struct HeapEntry {
    Cost dist;
    std::int32_t col;
  };
  // Min-heap on (distance, column): ties go to the lower column index, for determinism.
  static bool later(const HeapEntry& a, const HeapEntry& b) {
    return b.dist < a.dist || (a.dist == b.dist && a.col > b.col);
  }

  std::int32_t capacity(std::size_t c) const { return c < cols_ ? in_.capacity[c] : 1; }

  void relax(std::size_t c, Cost candidate, std::int32_t row, Cost edge) {
    // Nothing at or beyond a known path to room can be on the shortest path: skip the push.
    if (!(candidate < bound_) || settled_[c] || !(candidate < dist_[c])) return;
    if (used_[c] < capacity(c)) bound_ = candidate;
    if (dist_[c] == unreachable<Cost>()) touched_.push_back(static_cast<std::int32_t>(c));
    dist_[c] = candidate;
    pred_[c] = row;
    pred_cost_[c] = edge;
    heap_.push_back({candidate, static_cast<std::int32_t>(c)});
    std::push_heap(heap_.begin(), heap_.end(), later);
  }

  // All edges of `row`, whose reduced price is such that reaching it costs `offset`.
  void relax_row(std::int32_t row, Cost offset) {
    const auto r = static_cast<std::size_t>(row);
    for (std::size_t e = in_.row_start[r]; e < in_.row_start[r + 1]; ++e) {
      const auto c = static_cast<std::size_t>(in_.col[e]);
      const Cost edge = edge_cost(in_.cost[e], Cost{});
      relax(c, offset + edge - price_[c], row, edge);
    }
    if constexpr (kStayColumns) {
      relax(cols_ + r, offset + kStayUnassigned - price_[cols_ + r], row, kStayUnassigned);
    }
  }

  // False when no column with room is reachable (only possible without stay columns).
  bool augment_from(std::int32_t free_row) {
    relax_row(free_row, Cost{});
    std::int32_t sink = -1;
    Cost sink_dist{};
    while (!heap_.empty()) {
      std::pop_heap(heap_.begin(), heap_.end(), later);
      const HeapEntry top = heap_.back();
      heap_.pop_back();
      const auto c = static_cast<std::size_t>(top.col);
      if (settled_[c] || !(top.dist == dist_[c])) continue;  // stale entry
      settled_[c] = 1;
      settled_list_.push_back(top.col);
      if (used_[c] < capacity(c)) {
        sink = top.col;
        sink_dist = top.dist;
        break;
      }
      for (std::size_t s = slot_start_[c]; s < slot_start_[c + 1]; ++s) {
        const std::int32_t row = slot_row_[s];
        // The held edge is tight: the row's reduced price is its cost minus the column price.
        relax_row(row, top.dist - (row_cost_[static_cast<std::size_t>(row)] - price_[c]));
      }
    }
    if (sink < 0) {  // the private unassigned column always has room: plain costs only
      reset_search();
      return false;
    }
    for (std::int32_t c : settled_list_) {
      price_[c] = price_[c] + dist_[c] - sink_dist;
    }
    std::int32_t c = sink;
    std::int32_t leaving = -1;
    while (true) {
      const std::int32_t row = pred_[c];
      const std::int32_t previous = column_of_row_[row];
      place(static_cast<std::size_t>(c), leaving, row);
      column_of_row_[row] = c;
      row_cost_[row] = pred_cost_[c];
      if (previous < 0) break;
      leaving = row;
      c = previous;
    }
    reset_search();
    return true;
  }

  void reset_search() {
    for (std::int32_t t : touched_) {
      dist_[t] = unreachable<Cost>();
      settled_[t] = 0;
    }
    touched_.clear();
    settled_list_.clear();
    heap_.clear();
    bound_ = unreachable<Cost>();
  }

  // Column c takes `row`, in place of `leaving` (or in a free slot when leaving < 0).
  void place(std::size_t c, std::int32_t leaving, std::int32_t row) {
    if (leaving < 0) {
      slot_row_[slot_start_[c] + static_cast<std::size_t>(used_[c]++)] = row;
      return;
    }
    for (std::size_t s = slot_start_[c]; s < slot_start_[c + 1]; ++s) {
      if (slot_row_[s] == leaving) {
        slot_row_[s] = row;
        return;
      }
    }
  }

  const SparseCosts& in_;
  std::size_t rows_, cols_, total_cols_;
  std::vector<Cost> price_, dist_;
  std::vector<std::int32_t> pred_;
  std::vector<Cost> pred_cost_;
  std::vector<char> settled_;
  std::vector<std::int32_t> used_;
  std::vector<std::size_t> slot_start_;
  std::vector<std::int32_t> slot_row_;
  std::vector<std::int32_t> column_of_row_;
  std::vector<Cost> row_cost_;
  std::vector<std::int32_t> touched_, settled_list_;
  std::vector<HeapEntry> heap_;
  Cost bound_ = unreachable<Cost>();  // shortest distance seen so far to a column with room
};

}  // namespace

Assignment solve_sparse(const SparseCosts& in, SparseCertificate* certificate) {
  check_input(in);
  // Capacities stay native: replicating slots would double the edges and, because a mentor's
  // slots tie, the row reduction would not help anyway.
  //
  // First in plain doubles without the private "unassigned" columns. If every row finds room,
  // all rows are assigned, which is the most any assignment can do, so the cost optimum of this
  // run is the lexicographic optimum too (its certificate proves it). Otherwise some row cannot
  // be placed and the two-rank run decides who stays out.
  {
    SparseSap<double> plain(in);
    if (plain.solve()) {
      if (certificate != nullptr) *certificate = plain.certificate();
      return plain.result();
    }
  }
  SparseSap<LexCost> solver(in);
  solver.solve();
  if (certificate != nullptr) *certificate = solver.certificate();
  return solver.result();
}

}  // namespace mentoring::pairing
