// mentoring/domain/programme.hpp — a programme definition as the domain sees it.
// Filled from a validated programme file (schemas/programme.schema.json); every
// default here is the schema's documented default.
#pragma once

#include <mentoring/domain/records.hpp>

#include <map>
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

// How mentors and mentees are grouped (schema: "shape").
enum class PairingShape {
  pairs,    // one mentor, one mentee per pairing (a mentor may hold mentor.capacity)
  circles,  // one mentor meets a small group of mentees together
};

// Keeping-in-touch days worked during leave (KIT, SPLIT), counted per leave.
struct KeepingInTouchRules {
  std::map<LeaveType, int> limits;  // days per leave; a type not listed has no limit
  int warn_when_remaining = 2;
};

// A task for the mentee's line manager, due relative to the leave (eg a return
// meeting 14 days before the return, a phased-return plan).
struct ReturnStep {
  std::string id;  // eg "return-meeting"; unique within a programme
  std::string name;
  std::string description;
  Anchor anchor = Anchor::return_to_work;  // pairing is not allowed here
  int offset_days = 0;
};

// How far participants shape their own match (programme C).
struct ParticipantChoice {
  bool mentee_requests_mentor = false;
  bool mentor_may_decline = false;
};

struct Fee {
  double amount = 0;
  std::string currency;  // ISO 4217, eg "GBP"
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
  int reinvite_after_expiry = 1;  // an expired invitation is sent again at most this often
  PairingShape shape = PairingShape::pairs;
  int circle_max_mentees = 4;  // circles only
  ParticipantChoice participant_choice;
  KeepingInTouchRules keeping_in_touch;
  std::vector<ReturnStep> return_steps;
  std::optional<Fee> fee_per_participant;
};

}  // namespace mentoring::domain
