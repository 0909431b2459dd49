// mentoring/domain/management_chain.hpp — who is above whom, from manager links.
//
//   ManagementChains chains(store.managers());      // every direct and indirect link
//   if (chains.in_same_chain(mentee_id, mentor_id)) ...   // never pair them
//
// The one rule "a mentor is never in the mentee's management chain" (pairing's
// proposals and enrolment's re-checks both ask here). A person may have several
// managers (the direct one and indirect ones, eg OrangeHRM's Indirect
// supervisors); the chain follows every link. Tolerant of bad data: chains may
// be very deep and may loop (A manages B manages A).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mentoring::domain {

// One "manages" edge: manager_id is a (direct or indirect) manager of person_id.
struct ManagerLink {
  std::string person_id;
  std::string manager_id;
};

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

}  // namespace mentoring::domain
