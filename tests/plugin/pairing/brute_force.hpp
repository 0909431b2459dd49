// Exhaustive reference for small assignment instances: every row picks one column with room
// or nothing; memoised on (row, remaining capacities), so 7 rows x 7 columns x capacity 3 is
// instant. Returns (assigned rows, min cost) compared lexicographically like the solvers.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <utility>
#include <vector>

#include "mentoring/pairing/assignment.hpp"

namespace mentoring::pairing::testing {

struct BruteBest {
  std::size_t assigned = 0;
  double cost = 0;
};

class BruteForce {
 public:
  BruteForce(std::size_t rows, std::vector<int> capacity, std::vector<double> costs)
      : rows_(rows), capacity_(std::move(capacity)), costs_(std::move(costs)) {}

  BruteBest solve() { return best(0, capacity_); }

 private:
  static bool better(const BruteBest& a, const BruteBest& b) {
    return a.assigned > b.assigned || (a.assigned == b.assigned && a.cost < b.cost - 1e-9);
  }

  BruteBest best(std::size_t row, std::vector<int>& room) {
    if (row == rows_) return {};
    const auto key = std::make_pair(row, room);
    if (auto it = memo_.find(key); it != memo_.end()) return it->second;
    BruteBest result = best(row + 1, room);  // leave this row out
    for (std::size_t c = 0; c < capacity_.size(); ++c) {
      const double cost = costs_[row * capacity_.size() + c];
      if (room[c] == 0 || cost == kForbidden) continue;
      --room[c];
      BruteBest rest = best(row + 1, room);
      ++room[c];
      rest.assigned += 1;
      rest.cost += cost;
      if (better(rest, result)) result = rest;
    }
    memo_.emplace(key, result);
    return result;
  }

  std::size_t rows_;
  std::vector<int> capacity_;
  std::vector<double> costs_;  // rows x columns, kForbidden = not allowed
  std::map<std::pair<std::size_t, std::vector<int>>, BruteBest> memo_;
};

}  // namespace mentoring::pairing::testing
