// mentoring/domain/management_chain.hpp — who is above whom, from manager links.
//
//   ManagementChains chains(store.managers());      // every direct and indirect link
//   if (chains.in_same_chain(mentee_id, mentor_id)) ...   // never pair them
//
//   // Or lazily: each person's managers asked for once, only along the chains
//   // of the people asked about (the run's cost follows the cohort, not the
//   // organisation). Same answers as the eager form over the same links.
//   ManagementChains chains([&](const std::string& id) { return store.manager_links_of(id); });
//
// The one rule "a mentor is never in the mentee's management chain" (pairing's
// proposals and enrolment's re-checks both ask here). A person may have several
// managers (the direct one and indirect ones, eg OrangeHRM's Indirect
// supervisors); the chain follows every link. Tolerant of bad data: chains may
// be very deep and may loop (A manages B manages A).
#pragma once

#include <cstdint>
#include <functional>
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
  // Every manager (direct and indirect) of one person, as ManagerLink's manager_id
  // for that person_id: exactly the links the eager form would be given for them.
  using ManagersOf = std::function<std::vector<std::string>(const std::string& person_id)>;

  // Eager: every link of the organisation.
  explicit ManagementChains(const std::vector<ManagerLink>& links);
  // Lazy: a person's links are asked for the first time the walk reaches them.
  explicit ManagementChains(ManagersOf managers_of);

  // True when either person is above the other in a management chain. A cycle makes everyone
  // on it "above" everyone else on it, which errs on the side of keeping them apart. A person
  // is in their own chain (callers ask about two different people; this only fixes the answer).
  bool in_same_chain(std::string_view a, std::string_view b);

  // Follows the chains above these people now (lazy form; the eager one knows them all).
  void follow(const std::vector<std::string>& person_ids);

  // Person ids that sit on a management cycle, for reporting the bad data to HR. Lazy form:
  // the cycles on the chains followed so far (a cycle reachable from a person followed is
  // always found whole); eager form: every cycle of the organisation.
  std::vector<std::string> people_on_cycles() const;

 private:
  std::int32_t index_of(std::string_view id) const;
  std::int32_t intern(const std::string& id);
  void load(std::int32_t person);  // lazy form: this person's managers, once
  const std::vector<std::int32_t>& managers_above(std::int32_t person);  // sorted, cached

  ManagersOf managers_of_;  // empty: eager
  std::unordered_map<std::string, std::int32_t> index_;
  std::vector<std::string> ids_;
  std::vector<std::vector<std::int32_t>> managers_;
  std::vector<char> loaded_;  // lazy form: managers_[i] holds person i's links
  std::unordered_map<std::int32_t, std::vector<std::int32_t>> above_cache_;
};

}  // namespace mentoring::domain
