// What both backends' pair repositories make of their rows, in one place. Private to
// plugin/store.
#pragma once

#include <mentoring/domain/records.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace mentoring::store::pair_rows {

// The pair table's state column (its CHECK allows these three).
inline domain::PairState pair_state(const std::string& text) {
  return text == "accepted" ? domain::PairState::accepted
         : text == "ended"  ? domain::PairState::ended
                            : domain::PairState::proposed;
}

// The pairs that have a change noted, with the note, in the pairs' order.
inline std::vector<std::pair<domain::Pair, std::string>> with_changes(
    std::vector<domain::Pair> pairs, const std::map<std::int64_t, std::string>& changed) {
  std::vector<std::pair<domain::Pair, std::string>> out;
  for (auto& p : pairs) {
    auto it = changed.find(p.id);
    if (it != changed.end()) out.emplace_back(std::move(p), it->second);
  }
  return out;
}

}  // namespace mentoring::store::pair_rows
