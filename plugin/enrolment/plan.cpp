#include <mentoring/enrolment/plan.hpp>

#include <algorithm>
#include <set>

namespace mentoring::enrolment {

using namespace mentoring::domain;

namespace {

std::string describe(const Leave& leave) {
  return "leave " + leave.id + " (" + std::string(to_string(leave.type)) + ", " +
         std::string(to_string(leave.status)) + ", " + format_date(leave.start) + " to " +
         format_date(leave.expected_end) + ")";
}

}  // namespace

std::string ineligibility(const Programme& programme, const Leave& leave, Date today) {
  const auto& rules = programme.mentee;
  if (!rules.leave_types.count(leave.type)) {
    return "leave type " + std::string(to_string(leave.type)) + " is not covered";
  }
  if (leave.status != LeaveStatus::approved) {
    return "leave is " + std::string(to_string(leave.status)) + ", not approved";
  }
  Date earliest = add_months(today, rules.invite_until_months_before);
  Date latest = add_months(today, rules.invite_from_months_before);
  if (leave.start < earliest) {
    return "leave starts " + format_date(leave.start) + ", before the window opening " +
           format_date(earliest);
  }
  if (leave.start > latest) {
    return "leave starts " + format_date(leave.start) + ", after the window closing " +
           format_date(latest);
  }
  if (leave.length_days() < rules.min_leave_days) {
    return "leave lasts " + std::to_string(leave.length_days()) + " days, fewer than " +
           std::to_string(rules.min_leave_days);
  }
  return {};
}

Plan plan(const Programme& programme, const std::map<std::string, Person>& people,
          const std::vector<Leave>& leaves, const std::vector<Enrolment>& enrolments,
          Date today) {
  Plan result;
  std::map<std::string, const Leave*> leave_by_id;
  for (const auto& leave : leaves) leave_by_id[leave.id] = &leave;

  std::set<std::string> has_open_enrolment;
  for (const auto& e : enrolments) {
    if (e.programme_id != programme.id || e.role != Role::mentee) continue;
    if (!is_open(e.state)) continue;
    if (e.state == EnrolmentState::invited) {
      auto person = people.find(e.person_id);
      auto leave = e.leave_id ? leave_by_id.find(*e.leave_id) : leave_by_id.end();
      std::string cause;
      if (person != people.end() && person->second.has_left_by(today)) {
        cause = "person " + e.person_id + " left the organisation on " +
                format_date(*person->second.end_date);
      } else if (leave != leave_by_id.end() && (leave->second->status == LeaveStatus::cancelled ||
                                                leave->second->status == LeaveStatus::denied)) {
        cause = describe(*leave->second) + " was " +
                std::string(to_string(leave->second->status));
      }
      if (!cause.empty()) {
        result.withdrawals.push_back(
            {e.id, e.person_id, e.programme_id, e.leave_id.value_or(""), cause});
        continue;  // withdrawn: the person may be invited again for another leave
      }
    }
    has_open_enrolment.insert(e.person_id);
  }

  // Earliest eligible leave first, so a person with two is invited for the first.
  std::vector<const Leave*> ordered;
  for (const auto& leave : leaves) ordered.push_back(&leave);
  std::sort(ordered.begin(), ordered.end(), [](const Leave* a, const Leave* b) {
    return a->start != b->start ? a->start < b->start : a->id < b->id;
  });
  for (const Leave* leave : ordered) {
    if (has_open_enrolment.count(leave->person_id)) continue;
    auto person = people.find(leave->person_id);
    if (person == people.end() || person->second.has_left_by(today)) continue;
    if (!ineligibility(programme, *leave, today).empty()) continue;
    int days_ahead = days_between(today, leave->start);
    result.invitations.push_back(
        {leave->person_id, programme.id, leave->id, leave->type, leave->start,
         today + std::chrono::days{programme.invitation_expiry_days},
         describe(*leave) + " starts in " + std::to_string(days_ahead) + " days"});
    has_open_enrolment.insert(leave->person_id);
  }
  return result;
}

}  // namespace mentoring::enrolment
