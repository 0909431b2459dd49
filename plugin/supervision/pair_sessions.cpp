#include <mentoring/supervision/pair_sessions.hpp>

#include <algorithm>

namespace mentoring::supervision {

using namespace std::chrono;
using domain::days_between;

PairSessionReport pair_session_report(const PairSessionRules& rules, const PairFacts& facts,
                                      Date today) {
  PairSessionReport report;
  std::vector<Date> held = facts.held;
  std::sort(held.begin(), held.end());
  // A session recorded for a day still to come is not held yet.
  held.erase(std::upper_bound(held.begin(), held.end(), today), held.end());
  const int interval_days = 7 * std::max(1, facts.every_weeks);

  report.held = static_cast<int>(held.size());
  report.min_meetings_met = report.held >= rules.min_meetings;
  if (!held.empty()) report.last_held = held.back();
  report.first_contact_due = facts.paired_on + days{rules.first_contact_within_days};
  report.ended = facts.ends_on && today > *facts.ends_on;

  Date until = report.ended ? *facts.ends_on : today;
  int expected = std::max(0, days_between(facts.paired_on, until)) / interval_days;
  report.missed = std::max(0, expected - report.held);

  report.next_due = report.last_held.value_or(facts.paired_on) + days{interval_days};
  if (!report.ended) {
    report.overdue = today > report.next_due;
    if (report.overdue) report.days_overdue = days_between(report.next_due, today);
    bool contacted = !held.empty() && held.front() <= report.first_contact_due;
    report.first_contact_missing = !contacted && today > report.first_contact_due;
  }
  return report;
}

Escalation next_escalation(const PairSessionRules& rules, const PairSessionReport& report,
                           const EscalationState& state, Date today) {
  if (!report.overdue || state.flagged_on) return Escalation::none;
  if (!state.reminded_on) {
    return report.days_overdue >= std::max(1, rules.remind_after_days) ? Escalation::remind_pair
                                                                       : Escalation::none;
  }
  return days_between(*state.reminded_on, today) >= rules.escalate_after_days
             ? Escalation::flag_manager
             : Escalation::none;
}

}  // namespace mentoring::supervision
