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

}  // namespace mentoring::supervision
