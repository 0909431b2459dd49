// mentoring/supervision/circles.hpp — group mentoring circles (programme
// shape "circles"): one mentor meets a small group of mentees together. The
// circle's sessions are ONE series for the mentor and all their mentees in the
// programme: one cadence, one calendar placeholder with every member, one
// record per meeting with attendance per mentee, reminders and escalation as
// for pairs. A mentee on leave is excused while the others meet; the series
// pauses only while every mentee is away. Pure functions.
//
//   CircleFacts facts{mentor, every_weeks, members, meetings};
//   CirclePlan plan = plan_circle(rules, facts, escalation_state, today);
//   plan.series.reminder -> a reminder to each of plan.reminded; plan.invited -> the placeholder
#pragma once

#include <mentoring/supervision/pair_sessions.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mentoring::supervision {

struct CircleMember {
  std::int64_t pair_id = 0;  // the accepted pair of this mentee with the mentor
  std::string mentee_id;
  Date paired_on{};
  Date ends_on{};            // tracking_end() of the mentee's enrolment
  std::vector<Period> away;  // leave_pauses() of the mentee
};

struct CircleMeeting {
  Date held_on{};
  std::vector<std::string> attended;  // mentee ids
};

struct CircleFacts {
  std::string mentor_id;
  int every_weeks = 4;
  std::vector<CircleMember> members;
  std::vector<CircleMeeting> meetings;
};

// The circle as one series: from the first pairing to the last member's end,
// paused while every member is away (on leave, not yet paired, or finished).
PairFacts circle_series(const CircleFacts& facts);

// Whether a mentee is expected at a meeting on that day: paired by then, not
// past their end, not on leave.
bool expected_at(const CircleMember& member, Date on);

struct CircleMemberReport {
  std::int64_t pair_id = 0;
  std::string mentee_id;
  int attended = 0;
  int missed =
      0;  // cadence intervals of their own time in the circle (leave left out) not attended
  bool min_meetings_met = false;
  bool on_leave = false;        // today
  std::optional<Date> back_on;  // while on leave: the return date
  bool ended = false;           // past their own end
  bool first_contact_missing = false;
  Date first_contact_due{};
};

struct CirclePlan {
  PairSessionPlan series;  // the circle's cadence, reminder, flag, placeholder
  std::vector<CircleMemberReport> members;
  std::vector<std::string>
      reminded;  // with series.reminder: the mentor and the mentees not on leave
  std::vector<std::string>
      invited;  // with series.placeholder: the mentor and the mentees expected then
  // A mentee who met nobody within first_contact_within_days of their pairing
  // (leave moves the deadline as for pairs): one flag per pair.
  std::vector<std::pair<std::int64_t, ManagerFlag>> first_contact_flags;
};

// The escalation state is the one for circle_series' next_due (load it after
// pair_session_report(rules, circle_series(facts), today)).
CirclePlan plan_circle(const PairSessionRules& rules, const CircleFacts& facts,
                       const EscalationState& state, Date today);

// Attendance to store for a meeting: each mentee expected that day, attended
// or not (a mentee on leave is neither).
std::vector<std::pair<std::string, bool>> circle_attendance(
    const std::vector<CircleMember>& members, Date held_on,
    const std::vector<std::string>& attended);

}  // namespace mentoring::supervision
