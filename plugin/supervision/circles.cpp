#include <mentoring/supervision/circles.hpp>

#include <algorithm>

namespace mentoring::supervision {

using namespace std::chrono;
using domain::days_between;

PairFacts circle_series(const CircleFacts& facts) {
  PairFacts series;
  series.every_weeks = facts.every_weeks;
  if (facts.members.empty()) return series;
  series.paired_on = facts.members.front().paired_on;
  Date last_end = facts.members.front().ends_on;
  for (const auto& m : facts.members) {
    series.paired_on = std::min(series.paired_on, m.paired_on);
    last_end = std::max(last_end, m.ends_on);
  }
  series.ends_on = last_end;
  for (const auto& meeting : facts.meetings) series.held.push_back(meeting.held_on);
  // Each member is absent before their pairing, after their end and on leave.
  std::vector<std::vector<Period>> absences;
  for (const auto& m : facts.members) {
    std::vector<Period> absent = m.away;
    if (series.paired_on < m.paired_on) absent.push_back({series.paired_on, m.paired_on});
    if (m.ends_on < last_end) absent.push_back({m.ends_on + days{1}, last_end + days{1}});
    absences.push_back(std::move(absent));
  }
  series.paused = common_periods(absences);
  return series;
}

bool expected_at(const CircleMember& member, Date on) {
  if (on < member.paired_on || on > member.ends_on) return false;
  return std::none_of(member.away.begin(), member.away.end(),
                      [&](const Period& p) { return p.contains(on); });
}

CirclePlan plan_circle(const PairSessionRules& rules, const CircleFacts& facts,
                       const EscalationState& state, Date today) {
  CirclePlan plan;
  plan.series = plan_pair_sessions(rules, circle_series(facts), state, today);
  // The circle's first contact is judged per mentee below, not for the series.
  plan.series.first_contact_flag.reset();
  const int interval_days = 7 * std::max(1, facts.every_weeks);

  for (const auto& m : facts.members) {
    CircleMemberReport r;
    r.pair_id = m.pair_id;
    r.mentee_id = m.mentee_id;
    r.ended = today > m.ends_on;
    for (const auto& p : m.away) {
      if (p.contains(today)) r.back_on = p.until;
    }
    r.on_leave = r.back_on.has_value();
    std::optional<Date> first_attended;
    for (const auto& meeting : facts.meetings) {
      bool was_there = std::find(meeting.attended.begin(), meeting.attended.end(), m.mentee_id) !=
                       meeting.attended.end();
      if (!was_there || meeting.held_on > today || meeting.held_on < m.paired_on) continue;
      ++r.attended;
      if (!first_attended || meeting.held_on < *first_attended) first_attended = meeting.held_on;
    }
    r.min_meetings_met = r.attended >= rules.min_meetings;
    Date until = std::min(today, m.ends_on);
    int active =
        std::max(0, days_between(m.paired_on, until)) - days_within(m.away, m.paired_on, until);
    r.missed = std::max(0, std::max(0, active) / interval_days - r.attended);
    r.first_contact_due = due_after(m.paired_on, rules.first_contact_within_days, m.away);
    bool contacted = first_attended && *first_attended <= r.first_contact_due;
    r.first_contact_missing = !r.ended && !r.on_leave && !contacted && today > r.first_contact_due;
    if (r.first_contact_missing) {
      plan.first_contact_flags.push_back(
          {m.pair_id, ManagerFlag{ManagerFlagReason::no_first_contact, r.first_contact_due,
                                  days_between(r.first_contact_due, today), std::nullopt}});
    }
    plan.members.push_back(std::move(r));
  }

  if (plan.series.reminder) {
    plan.reminded.push_back(facts.mentor_id);
    for (const auto& r : plan.members) {
      if (!r.on_leave && !r.ended) plan.reminded.push_back(r.mentee_id);
    }
  }
  if (plan.series.placeholder) {
    plan.invited.push_back(facts.mentor_id);
    for (const auto& m : facts.members) {
      if (expected_at(m, plan.series.placeholder->on)) plan.invited.push_back(m.mentee_id);
    }
  }
  return plan;
}

std::vector<std::pair<std::string, bool>> circle_attendance(
    const std::vector<CircleMember>& members, Date held_on,
    const std::vector<std::string>& attended) {
  std::vector<std::pair<std::string, bool>> out;
  for (const auto& m : members) {
    bool there = std::find(attended.begin(), attended.end(), m.mentee_id) != attended.end();
    if (there || expected_at(m, held_on)) out.emplace_back(m.mentee_id, there);
  }
  return out;
}

}  // namespace mentoring::supervision
