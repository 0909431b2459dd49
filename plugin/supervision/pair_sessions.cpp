#include <mentoring/supervision/pair_sessions.hpp>

#include <mentoring/enrolment/lifecycle.hpp>

#include <algorithm>

namespace mentoring::supervision {

using namespace std::chrono;
using domain::days_between;

namespace {

std::vector<Period> merged(std::vector<Period> periods) {
  std::erase_if(periods, [](const Period& p) { return !(p.from < p.until); });
  std::sort(periods.begin(), periods.end(),
            [](const Period& a, const Period& b) { return a.from < b.from; });
  std::vector<Period> out;
  for (const auto& p : periods) {
    if (!out.empty() && p.from <= out.back().until) {
      out.back().until = std::max(out.back().until, p.until);
    } else {
      out.push_back(p);
    }
  }
  return out;
}

}  // namespace

int days_within(const std::vector<Period>& periods, Date from, Date until) {
  int days = 0;
  for (const auto& p : periods) {
    Date a = std::max(p.from, from), b = std::min(p.until, until);
    if (a < b) days += days_between(a, b);
  }
  return days;
}

std::vector<Period> leave_pauses(const std::vector<domain::Leave>& leaves) {
  std::vector<Period> out;
  for (const auto& leave : leaves) {
    if (leave.status != domain::LeaveStatus::approved) continue;
    out.push_back({leave.start, enrolment::return_date(leave)});
  }
  return merged(std::move(out));
}

std::vector<Period> common_periods(const std::vector<std::vector<Period>>& lists) {
  if (lists.empty()) return {};
  std::vector<Period> common = merged(lists.front());
  for (std::size_t i = 1; i < lists.size(); ++i) {
    std::vector<Period> next;
    for (const auto& a : common) {
      for (const auto& b : merged(lists[i])) {
        Date from = std::max(a.from, b.from), until = std::min(a.until, b.until);
        if (from < until) next.push_back({from, until});
      }
    }
    common = merged(std::move(next));
  }
  return common;
}

Date tracking_end(const domain::Programme& programme, const domain::Enrolment& mentee,
                  Date paired_on) {
  if (mentee.ends_on) return *mentee.ends_on;
  return domain::add_months(paired_on, programme.duration_months);
}

Date due_after(Date anchor, int length_days, const std::vector<Period>& pauses) {
  Date due = anchor + days{length_days};
  for (const auto& p : merged(pauses)) {
    if (p.until <= anchor) continue;  // over before the anchor
    if (due < p.from) break;          // due before this leave starts
    anchor = p.until;
    due = p.until + days{length_days};
  }
  return due;
}

std::string_view to_string(SessionStatus status) {
  switch (status) {
    case SessionStatus::on_track:
      return "on_track";
    case SessionStatus::overdue:
      return "overdue";
    case SessionStatus::paused_for_leave:
      return "paused_for_leave";
    case SessionStatus::ended:
      return "ended";
  }
  return "?";
}

std::string_view describe(SessionStatus status) {
  switch (status) {
    case SessionStatus::on_track:
      return "the next session is not due yet";
    case SessionStatus::overdue:
      return "the next session is overdue";
    case SessionStatus::paused_for_leave:
      return "paused while the mentee is on leave; sessions resume from the return date";
    case SessionStatus::ended:
      return "the mentorship has ended; no session is due";
  }
  return "?";
}

std::string_view to_string(ManagerFlagReason reason) {
  switch (reason) {
    case ManagerFlagReason::no_first_contact:
      return "no_first_contact";
    case ManagerFlagReason::session_overdue:
      return "session_overdue";
    case ManagerFlagReason::supervision_missed_in_a_row:
      return "supervision_missed_in_a_row";
  }
  return "?";
}

std::string_view describe(ManagerFlagReason reason) {
  switch (reason) {
    case ManagerFlagReason::no_first_contact:
      return "No first contact in a new mentoring pair";
    case ManagerFlagReason::session_overdue:
      return "A mentoring pair's session is overdue";
    case ManagerFlagReason::supervision_missed_in_a_row:
      return "A mentor has missed supervision sessions in a row";
  }
  return "?";
}

PairSessionReport pair_session_report(const PairSessionRules& rules, const PairFacts& facts,
                                      Date today) {
  PairSessionReport report;
  std::vector<Date> held = facts.held;
  std::sort(held.begin(), held.end());
  // A session recorded for a day still to come is not held yet.
  held.erase(std::upper_bound(held.begin(), held.end(), today), held.end());
  const int interval_days = 7 * std::max(1, facts.every_weeks);
  const std::vector<Period> pauses = merged(facts.paused);

  report.held = static_cast<int>(held.size());
  report.min_meetings_met = report.held >= rules.min_meetings;
  if (!held.empty()) report.last_held = held.back();
  report.first_contact_due = due_after(facts.paired_on, rules.first_contact_within_days, pauses);
  report.ended = facts.ends_on && today > *facts.ends_on;

  // Expected sessions: the cadence over the mentorship so far, leave left out.
  Date until = report.ended ? *facts.ends_on : today;
  int active_days = std::max(0, days_between(facts.paired_on, until)) -
                    days_within(pauses, facts.paired_on, until);
  int expected = std::max(0, active_days) / interval_days;
  report.missed = std::max(0, expected - report.held);

  report.next_due = due_after(report.last_held.value_or(facts.paired_on), interval_days, pauses);
  // A session already overdue when a leave began is not carried across it: the
  // cadence starts again from the return (the leave never counts as overdue, and
  // the new due date gets its own reminder and escalation).
  for (const auto& p : pauses) {
    if (report.next_due < p.from && p.from <= today) {
      report.next_due = due_after(p.until, interval_days, pauses);
    }
  }
  for (const auto& p : pauses) {
    if (p.contains(today)) report.resumes_on = p.until;
  }
  report.paused = !report.ended && report.resumes_on.has_value();
  if (!report.paused) report.resumes_on.reset();

  if (report.ended) {
    report.status = SessionStatus::ended;
  } else if (report.paused) {
    report.status = SessionStatus::paused_for_leave;
  } else {
    report.overdue = today > report.next_due;
    if (report.overdue) report.days_overdue = days_between(report.next_due, today);
    bool contacted = !held.empty() && held.front() <= report.first_contact_due;
    report.first_contact_missing = !contacted && today > report.first_contact_due;
    report.status = report.overdue ? SessionStatus::overdue : SessionStatus::on_track;
  }
  return report;
}

Escalation next_escalation(const PairSessionRules& rules, const PairSessionReport& report,
                           const EscalationState& state, Date today) {
  if (!report.overdue || report.paused || report.ended || state.flagged_on) return Escalation::none;
  if (!state.reminded_on) {
    return report.days_overdue >= std::max(1, rules.remind_after_days) ? Escalation::remind_pair
                                                                       : Escalation::none;
  }
  return days_between(*state.reminded_on, today) >= rules.escalate_after_days
             ? Escalation::flag_manager
             : Escalation::none;
}

PairSessionPlan plan_pair_sessions(const PairSessionRules& rules, const PairFacts& facts,
                                   const EscalationState& state, Date today,
                                   const std::optional<MovedSession>& moved_session) {
  PairSessionPlan plan;
  plan.report = pair_session_report(rules, facts, today);
  const auto& r = plan.report;
  if (r.first_contact_missing) {
    plan.first_contact_flag = ManagerFlag{ManagerFlagReason::no_first_contact, r.first_contact_due,
                                          days_between(r.first_contact_due, today), std::nullopt};
  }
  const auto moved = standing_move(moved_session, r.next_due);
  const bool agreed_ahead = moved && moved->on >= today && !r.ended;
  switch (agreed_ahead ? Escalation::none : next_escalation(rules, r, state, today)) {
    case Escalation::remind_pair:
      plan.reminder = SessionReminder{r.next_due, r.days_overdue};
      break;
    case Escalation::flag_manager:
      plan.overdue_flag = ManagerFlag{ManagerFlagReason::session_overdue, r.next_due,
                                      r.days_overdue, state.reminded_on};
      break;
    case Escalation::none:
      break;
  }
  // A placeholder for the next session while one is to come (during leave: the
  // first one after the return).
  const Date day = agreed_ahead ? moved->on : r.next_due;
  if (!r.ended && (!r.overdue || agreed_ahead) && (!facts.ends_on || day <= *facts.ends_on)) {
    plan.placeholder =
        SessionPlaceholder{r.held + 1, day, agreed_ahead ? moved->start_minutes : std::nullopt};
  }
  return plan;
}

std::string_view to_string(MoveRefusal refusal) {
  switch (refusal) {
    case MoveRefusal::none:
      return "none";
    case MoveRefusal::nothing_due:
      return "nothing_due";
    case MoveRefusal::in_the_past:
      return "in_the_past";
    case MoveRefusal::after_the_end:
      return "after_the_end";
  }
  return "none";
}

std::string_view describe(MoveRefusal refusal) {
  switch (refusal) {
    case MoveRefusal::none:
      return "the session may move";
    case MoveRefusal::nothing_due:
      return "the mentorship has ended: no session is due any more";
    case MoveRefusal::in_the_past:
      return "a day on or after today";
    case MoveRefusal::after_the_end:
      return "a day on or before the mentorship's planned end";
  }
  return "";
}

MoveRefusal check_move(const PairSessionReport& report, Date on, Date today,
                       std::optional<Date> ends_on) {
  if (report.ended) return MoveRefusal::nothing_due;
  if (on < today) return MoveRefusal::in_the_past;
  if (ends_on && on > *ends_on) return MoveRefusal::after_the_end;
  return MoveRefusal::none;
}

std::optional<MovedSession> standing_move(const std::optional<MovedSession>& moved, Date next_due) {
  if (moved && moved->from_due == next_due) return moved;
  return std::nullopt;
}

}  // namespace mentoring::supervision
