// mentoring/supervision/pair_sessions.hpp — the pairs' own sessions: when the
// next one is due, what HR may see about them, and how an overdue session is
// escalated (a reminder to the pair first, then, after a further delay, a flag
// to the programme manager). Pure functions; notes never enter here.
//
//   PairFacts facts{paired_on, cadence_weeks, held_dates, ends_on};
//   PairSessionReport report = pair_session_report(rules, facts, today);
//   switch (next_escalation(rules, report, state_for(report.next_due), today)) ...
#pragma once

#include <mentoring/domain/date.hpp>

#include <optional>
#include <string>
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

struct PairFacts {
  Date paired_on{};
  int every_weeks = 4;
  std::vector<Date> held;       // days sessions were held, any order
  std::optional<Date> ends_on;  // the planned end of the mentorship
};

// What HR may see: metadata only.
struct PairSessionReport {
  int held = 0;
  int missed = 0;  // cadence intervals that passed without a session
  bool overdue = false;
  int days_overdue = 0;
  Date next_due{};
  std::optional<Date> last_held;
  bool min_meetings_met = false;
  bool first_contact_missing = false;  // nothing held within first_contact_within_days
  Date first_contact_due{};
  bool ended = false;  // past ends_on: nothing is due any more
};

PairSessionReport pair_session_report(const PairSessionRules& rules, const PairFacts& facts,
                                      Date today);

// What was already done about the session due on one day.
struct EscalationState {
  std::optional<Date> reminded_on;
  std::optional<Date> flagged_on;
};

enum class Escalation { none, remind_pair, flag_manager };

// The next step for an overdue session, given what was done: a reminder once
// the session is remind_after_days overdue; a flag escalate_after_days after
// that reminder; never either twice and never the flag before the reminder.
Escalation next_escalation(const PairSessionRules& rules, const PairSessionReport& report,
                           const EscalationState& state, Date today);

}  // namespace mentoring::supervision
