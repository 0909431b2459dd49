#include <mentoring/supervision/groups.hpp>

#include <algorithm>
#include <cstdlib>
#include <tuple>

namespace mentoring::supervision {

using namespace std::chrono;

std::vector<std::pair<int, std::string>> assign_to_groups(std::vector<SupervisionGroup>& groups,
                                                          std::vector<GroupMember> newcomers,
                                                          const SupervisionRules& rules) {
  std::sort(newcomers.begin(), newcomers.end(), [](const GroupMember& a, const GroupMember& b) {
    return std::tie(a.first_paired_on, a.person_id) < std::tie(b.first_paired_on, b.person_id);
  });
  const int window_days = rules.every_weeks * 7;
  std::vector<std::pair<int, std::string>> placed;
  for (auto& mentor : newcomers) {
    SupervisionGroup* target = nullptr;
    for (auto& group : groups) {
      bool has_room = static_cast<int>(group.members.size()) < rules.group_size;
      bool close_in_time =
          std::abs(domain::days_between(group.starts_on, mentor.first_paired_on)) <= window_days;
      if (has_room && close_in_time && (!target || group.number > target->number)) target = &group;
    }
    if (!target) {
      int number = 1;
      for (const auto& g : groups) number = std::max(number, g.number + 1);
      groups.push_back({number, mentor.first_paired_on, {}});
      target = &groups.back();
    }
    target->members.push_back(mentor);
    placed.emplace_back(target->number, mentor.person_id);
  }
  return placed;
}

bool expected_at(const GroupMember& member, Date session_on, const SupervisionRules& rules) {
  return session_on > member.first_paired_on &&
         session_on <= domain::add_months(member.first_paired_on, rules.for_months);
}

std::vector<SupervisionSessionDate> group_schedule(const SupervisionGroup& group,
                                                   const SupervisionRules& rules) {
  std::vector<SupervisionSessionDate> out;
  if (group.members.empty() || rules.every_weeks < 1) return out;
  Date last_day = group.starts_on;
  for (const auto& m : group.members) {
    last_day = std::max(last_day, domain::add_months(m.first_paired_on, rules.for_months));
  }
  for (int n = 1;; ++n) {
    Date on = group.starts_on + days{7 * rules.every_weeks * n};
    if (on > last_day) break;
    out.push_back({n, on});
  }
  return out;
}

std::vector<int> missed_streaks(std::vector<AttendanceMark> marks, int in_a_row) {
  std::sort(marks.begin(), marks.end(), [](const AttendanceMark& a, const AttendanceMark& b) {
    return std::tie(a.on, a.session_number) < std::tie(b.on, b.session_number);
  });
  std::vector<int> out;
  int run = 0;
  for (const auto& mark : marks) {
    run = mark.attended ? 0 : run + 1;
    if (in_a_row > 0 && run == in_a_row) out.push_back(mark.session_number);
  }
  return out;
}

std::map<std::string, Date> first_pairings(const std::vector<domain::Pair>& pairs) {
  std::map<std::string, Date> out;
  for (const auto& p : pairs) {
    if (!p.accepted_on || p.state == domain::PairState::proposed) continue;
    auto [it, inserted] = out.emplace(p.mentor_id, *p.accepted_on);
    if (!inserted && *p.accepted_on < it->second) it->second = *p.accepted_on;
  }
  return out;
}

std::set<std::string> mentors_who_left(const std::vector<domain::Enrolment>& enrolments) {
  std::map<std::string, bool> withdrawn;  // mentor -> every mentor enrolment withdrawn
  for (const auto& e : enrolments) {
    if (e.role != domain::Role::mentor) continue;
    bool gone = e.state == domain::EnrolmentState::withdrawn;
    auto [it, inserted] = withdrawn.emplace(e.person_id, gone);
    if (!inserted) it->second = it->second && gone;
  }
  std::set<std::string> out;
  for (const auto& [person, gone] : withdrawn) {
    if (gone) out.insert(person);
  }
  return out;
}

SupervisionPlan plan_supervision(std::vector<SupervisionGroup> groups,
                                 const std::map<std::string, Date>& firsts,
                                 const SupervisionRules& rules, Date today) {
  SupervisionPlan plan;
  std::set<std::string> grouped;
  for (const auto& g : groups) {
    for (const auto& m : g.members) grouped.insert(m.person_id);
  }
  std::vector<GroupMember> newcomers;
  for (const auto& [person, on] : firsts) {
    if (!grouped.count(person)) newcomers.push_back({person, on});
  }
  plan.placed = assign_to_groups(groups, newcomers, rules);
  for (const auto& g : groups) {
    for (const auto& s : group_schedule(g, rules)) {
      SupervisionMeeting meeting{g.number, s.number, s.on, {}, false, s.on >= today};
      for (const auto& m : g.members) {
        if (expected_at(m, s.on, rules)) meeting.expected.push_back(m.person_id);
      }
      meeting.cancelled = meeting.expected.empty();
      plan.meetings.push_back(std::move(meeting));
    }
  }
  plan.groups = std::move(groups);
  return plan;
}

std::vector<MembershipChange> membership_changes(
    const std::vector<SupervisionGroup>& groups, const std::set<std::string>& left,
    const std::set<std::pair<int, std::string>>& announced) {
  std::vector<MembershipChange> out;
  for (const auto& g : groups) {
    for (const auto& m : g.members) {
      bool gone = left.count(m.person_id) > 0;
      if (gone && !announced.count({g.number, m.person_id})) continue;
      out.push_back({g.number, m.person_id, !gone});
    }
  }
  return out;
}

std::vector<MissedSupervisionFlag> missed_supervision_flags(
    const std::map<std::string, std::vector<AttendanceMark>>& marks,
    const SupervisionRules& rules) {
  std::vector<MissedSupervisionFlag> out;
  for (const auto& [person, list] : marks) {
    for (int number : missed_streaks(list, rules.missed_in_a_row)) {
      out.push_back(
          {ManagerFlagReason::supervision_missed_in_a_row, person, number, rules.missed_in_a_row});
    }
  }
  return out;
}

}  // namespace mentoring::supervision
