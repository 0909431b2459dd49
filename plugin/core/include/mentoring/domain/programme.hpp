// mentoring/domain/programme.hpp — a programme definition as the domain sees it.
// Filled from a validated programme file (schemas/programme.schema.json).
#pragma once

#include <mentoring/domain/records.hpp>

#include <set>
#include <string>

namespace mentoring::domain {

struct MenteeEligibility {
  std::set<LeaveType> leave_types;  // empty: the programme is not leave-linked
  int invite_from_months_before = 6;   // invite when the leave starts at most this far ahead
  int invite_until_months_before = 0;  // ... and at least this far ahead
  int min_leave_days = 0;              // inclusive length of the leave
};

struct Programme {
  std::string id;
  std::string name;
  MenteeEligibility mentee;
  int invitation_expiry_days = 21;
};

}  // namespace mentoring::domain
