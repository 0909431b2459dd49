// A cost with two ranks, compared lexicographically: first the number of rows left without a
// feasible pair, then the ordinary cost. Solving with it maximises the number of feasible pairs
// before optimising the cost, with no big-M constant that could swamp real differences.
#pragma once

#include <cstdint>
#include <limits>

namespace mentoring::pairing::detail {

struct LexCost {
  std::int64_t missing = 0;
  double value = 0;

  friend LexCost operator+(LexCost a, LexCost b) {
    return {a.missing + b.missing, a.value + b.value};
  }
  friend LexCost operator-(LexCost a, LexCost b) {
    return {a.missing - b.missing, a.value - b.value};
  }
  friend bool operator==(LexCost a, LexCost b) {
    return a.missing == b.missing && a.value == b.value;
  }
  friend bool operator<(LexCost a, LexCost b) {
    return a.missing < b.missing || (a.missing == b.missing && a.value < b.value);
  }
  friend bool operator<=(LexCost a, LexCost b) { return !(b < a); }
};

// Sentinels used only in comparisons ("larger than any reachable value"), never in arithmetic.
template <class Cost>
Cost unreachable();
template <>
inline double unreachable<double>() {
  return std::numeric_limits<double>::infinity();
}
template <>
inline LexCost unreachable<LexCost>() {
  return {std::numeric_limits<std::int64_t>::max() / 4, std::numeric_limits<double>::infinity()};
}

}  // namespace mentoring::pairing::detail
