// mentoring/domain/programme.hpp — a programme definition as the domain sees it.
// Filled from a validated programme file (schemas/programme.schema.json); every
// default here is the schema's documented default.
#pragma once

#include <mentoring/domain/records.hpp>

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace mentoring::domain {

struct MenteeEligibility {
  std::set<LeaveType> leave_types;     // empty: the programme is not leave-linked
  int invite_from_months_before = 6;   // invite when the leave starts at most this far ahead
  int invite_until_months_before = 0;  // ... and at least this far ahead
  int min_leave_days = 0;              // inclusive length of the leave
  bool self_nomination = false;        // volunteers may join without a leave (programme C)
  std::optional<double> min_experience_years;
};

struct MentorEligibility {
  std::set<LeaveType> leave_types;             // lived through one of these ...
  std::optional<double> leave_within_years;    // ... ending within this many years
  std::optional<double> min_experience_years;  // and/or more than this many years of work
  bool self_nomination = true;
  int capacity = 1;
};

// When a touchpoint falls, relative to a date of the mentee's journey.
enum class Anchor { pairing, leave_start, leave_end, return_to_work };

struct TouchpointRule {
  std::string phase;  // eg "connect before leave"
  std::string name;   // eg "first conversation"; unique within a programme
  Anchor anchor = Anchor::pairing;
  int offset_days = 0;
};

struct Programme {
  std::string id;
  std::string name;
  MenteeEligibility mentee;
  MentorEligibility mentor;
  std::vector<std::string> mentor_courses;  // required before a mentor is assignable
  std::vector<std::string> mentee_courses;  // the pair's own training once matched
  std::optional<int> training_valid_months;
  std::vector<TouchpointRule> touchpoints;
  int duration_months = 12;
  int max_duration_months = 12;
  std::optional<int> cohort_capacity;  // mentees at once; none: unlimited
  int invitation_expiry_days = 21;
  std::vector<int> reminder_days;  // days after the invitation
  std::optional<int> pay_it_forward_after_months;
};

}  // namespace mentoring::domain
