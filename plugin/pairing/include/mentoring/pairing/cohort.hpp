// mentoring/pairing/cohort.hpp — who takes part in a pairing pass, and with what: a mentor's
// capacity in the pass and the leave a mentor lived through. The shell loads the records and
// builds the engine's Cohort with these.
//
//   auto capacity = mentor_capacity_in_pass(programme, accepted_pairs);  // nullopt: left out
//   mentor.leave_kind = lived_leave_kind(programme, store.leaves_of(id), today);
#pragma once

#include <mentoring/domain/programme.hpp>
#include <mentoring/domain/records.hpp>

#include <optional>
#include <string>
#include <vector>

namespace mentoring::pairing {

// A mentor's capacity in a pass, given the accepted pairs they already have: the programme's
// (a circle's size for circles), never below the accepted pairs (they are never undone: a
// capacity lowered since only stops new proposals), within 1..kMaxMentorCapacity. nullopt when
// the accepted pairs alone exceed kMaxMentorCapacity: the mentor is left out of matching.
std::optional<int> mentor_capacity_in_pass(const domain::Programme& programme, int accepted_pairs);

// The kind of leave a mentor lived through ("maternity", ...): the latest approved leave that
// has started by `today` and is of a type the programme counts for mentors (any type when the
// programme names none); "" when there is none. `leaves` ordered by start date.
std::string lived_leave_kind(const domain::Programme& programme,
                             const std::vector<domain::Leave>& leaves, domain::Date today);

}  // namespace mentoring::pairing
