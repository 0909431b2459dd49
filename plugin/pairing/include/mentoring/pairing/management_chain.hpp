// Management chains from manager links, tolerant of bad data: chains may be very deep, may
// loop (A manages B manages A) and a person may list several managers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "mentoring/pairing/model.hpp"

namespace mentoring::pairing {

class ManagementChains {
 public:
  explicit ManagementChains(const std::vector<ManagerLink>& links);

  // True when either person is above the other in a management chain. A cycle makes everyone
  // on it "above" everyone else on it, which errs on the side of keeping them apart.
  bool in_same_chain(std::string_view a, std::string_view b);

  // Person ids that sit on a management cycle, for reporting the bad data to HR.
  std::vector<std::string> people_on_cycles() const;

 private:
  std::int32_t index_of(std::string_view id) const;
  const std::vector<std::int32_t>& managers_above(std::int32_t person);  // sorted, cached

  std::unordered_map<std::string, std::int32_t> index_;
  std::vector<std::string> ids_;
  std::vector<std::vector<std::int32_t>> managers_;
  std::unordered_map<std::int32_t, std::vector<std::int32_t>> above_cache_;
};

}  // namespace mentoring::pairing
