// mentoring/supervision/pair_sessions.hpp — the pairs' own sessions: when the
// next one is due, what HR may see about them, how an overdue session is
// escalated (a reminder to the pair first, then, after a further delay, a flag
// to the programme manager), and the pause while the mentee is on leave.
// Pure functions; notes never enter here.
//
//   PairFacts facts{paired_on, cadence_weeks, held_dates, ends_on, leave_pauses(leaves)};
//   PairSessionPlan plan = plan_pair_sessions(rules, facts, escalation_state, today);
//   if (plan.reminder) ...; if (plan.overdue_flag) ...; if (plan.placeholder) ...
#pragma once

#include <mentoring/domain/date.hpp>
#include <mentoring/domain/programme.hpp>
#include <mentoring/domain/records.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mentoring::supervision {

using domain::Date;

// Defaults are the schema's (programme.schema.json "pair_sessions").
struct PairSessionRules {
  int every_weeks = 4;   // the default cadence; a pair may agree its own
  int min_meetings = 2;  // over the whole mentorship
  std::string first_contact_by = "mentee";
  int first_contact_within_days = 14;  // of pairing
  int remind_after_days = 0;           // remind the pair once a session is this many days overdue
  int escalate_after_days = 14;        // flag the programme manager this long after the reminder
  int start_minutes = 12 * 60;         // local time the calendar placeholder starts
  int duration_minutes = 60;
};

// Days [from, until): a stretch of the mentee's leave, `until` being the first
// day back (enrolment::return_date).
struct Period {
  Date from{};
  Date until{};
  bool contains(Date day) const { return from <= day && day < until; }
  bool operator==(const Period&) const = default;
};

// The mentee's approved leaves as pauses of the pair's sessions (requested,
// cancelled and denied leave pauses nothing), sorted and merged.
std::vector<Period> leave_pauses(const std::vector<domain::Leave>& leaves);

// How many days of [from, until) fall in one of the periods (counted once per
// period: pass merged periods, as leave_pauses gives them).
int days_within(const std::vector<Period>& periods, Date from, Date until);

// The days every list has in common (a circle pauses only while all its
// mentees are away).
std::vector<Period> common_periods(const std::vector<std::vector<Period>>& lists);

// When tracking ends: the mentee enrolment's own planned end (ends_on, moved
// by leave changes and extension); only when that is unset, the pairing plus
// the programme's duration_months.
Date tracking_end(const domain::Programme& programme, const domain::Enrolment& mentee,
                  Date paired_on);

// The next session, moved by the pair to a day (and time) they agreed. It
// stands while the session due is still the one it was moved from: a meeting
// held since moves the due day on, and the move lapses with it.
struct MovedSession {
  Date from_due{};                   // the due day of the session it moves
  Date on{};                         // the day agreed
  std::optional<int> start_minutes;  // the local time agreed, minutes after midnight
  bool operator==(const MovedSession&) const = default;
};

struct PairFacts {
  Date paired_on{};
  int every_weeks = 4;
  std::vector<Date> held;       // days sessions were held, any order
  std::optional<Date> ends_on;  // the planned end of the mentorship
  std::vector<Period> paused;   // the mentee's leave: nothing is due, reminded or escalated
};

// Where a pair's sessions stand today; describe() gives the words.
enum class SessionStatus {
  on_track,          // the next session is due today or later
  overdue,           // the next session's day has passed
  paused_for_leave,  // the mentee is on leave: resumes from the return date
  ended,             // past the planned end: nothing is due any more
};
std::string_view to_string(SessionStatus status);  // "on_track", ...
std::string_view describe(SessionStatus status);   // "the next session is not due yet", ...

// What HR may see: metadata only.
struct PairSessionReport {
  SessionStatus status = SessionStatus::on_track;
  int held = 0;
  int missed = 0;  // cadence intervals that passed without a session, leave left out
  bool overdue = false;
  int days_overdue = 0;
  Date next_due{};  // a cadence after the last session, or after the return from leave
  std::optional<Date> last_held;
  bool min_meetings_met = false;
  bool first_contact_missing = false;  // nothing held within first_contact_within_days
  Date first_contact_due{};
  bool ended = false;              // past ends_on: nothing is due any more
  bool paused = false;             // the mentee is on leave today
  std::optional<Date> resumes_on;  // while paused: the return date
};

PairSessionReport pair_session_report(const PairSessionRules& rules, const PairFacts& facts,
                                      Date today);

// A date `length_days` after `anchor`, moved past the pauses: when it would
// fall on or after the start of a leave that ends after the anchor, it is
// `length_days` after the return instead (counted afresh, not from before).
Date due_after(Date anchor, int length_days, const std::vector<Period>& pauses);

// What was already done about the session due on one day.
struct EscalationState {
  std::optional<Date> reminded_on;
  std::optional<Date> flagged_on;
};

enum class Escalation { none, remind_pair, flag_manager };

// The next step for an overdue session, given what was done: a reminder once
// the session is remind_after_days overdue; a flag escalate_after_days after
// that reminder; never either twice and never the flag before the reminder.
// Nothing while paused or ended (the report is then not overdue).
Escalation next_escalation(const PairSessionRules& rules, const PairSessionReport& report,
                           const EscalationState& state, Date today);

// Why the programme manager is asked to look; describe() gives the words.
enum class ManagerFlagReason {
  no_first_contact,             // nothing recorded within first_contact_within_days
  session_overdue,              // still overdue escalate_after_days after the reminder
  supervision_missed_in_a_row,  // a mentor missed missed_in_a_row supervision sessions
};
std::string_view to_string(ManagerFlagReason reason);  // "no_first_contact", ...
std::string_view describe(ManagerFlagReason reason);   // a subject line

// --- effects: what the runner stores and sends --------------------------------

struct SessionReminder {  // to each member of the pair (circle: those not on leave)
  Date due_on{};
  int days_overdue = 0;
};

struct ManagerFlag {
  ManagerFlagReason reason = ManagerFlagReason::session_overdue;
  Date due_on{};  // the session due, or the first-contact deadline
  int days_overdue = 0;
  std::optional<Date> reminded_on;
};

struct SessionPlaceholder {  // the calendar placeholder of the next session
  int number = 0;            // 1 for the first session: the calendar UID's part
  Date on{};
  std::optional<int> start_minutes;  // the pair's agreed time; none: the programme's
};

struct PairSessionPlan {
  PairSessionReport report;
  std::optional<ManagerFlag> first_contact_flag;
  std::optional<SessionReminder> reminder;  // mark the due date reminded today
  std::optional<ManagerFlag> overdue_flag;  // mark the due date flagged today
  std::optional<SessionPlaceholder> placeholder;
};

// Everything due for one pair today, from its facts and what was already done
// about the session now due (the runner loads the state for report.next_due:
// call pair_session_report first, or plan twice).
// --- moving the next session (the pair, through its link) --------------------

enum class MoveRefusal {
  none,
  nothing_due,    // the mentorship has ended: no session is due any more
  in_the_past,    // the day agreed is before today
  after_the_end,  // the day agreed is after the mentorship's planned end
};
std::string_view to_string(MoveRefusal refusal);  // "nothing_due", ...
std::string_view describe(MoveRefusal refusal);   // words for the message

// Whether the pair may move its next session (as the report stands today) to `on`.
MoveRefusal check_move(const PairSessionReport& report, Date on, Date today,
                       std::optional<Date> ends_on);

// The move, while it still stands for the session due on next_due.
std::optional<MovedSession> standing_move(const std::optional<MovedSession>& moved, Date next_due);

// `moved`: the pair's move of its next session, if any. While a standing move's
// day is today or later, the session it moved is not reminded or escalated
// (the pair agreed when to meet) and the placeholder sits on the agreed day and time.
PairSessionPlan plan_pair_sessions(const PairSessionRules& rules, const PairFacts& facts,
                                   const EscalationState& state, Date today,
                                   const std::optional<MovedSession>& moved = std::nullopt);

}  // namespace mentoring::supervision
