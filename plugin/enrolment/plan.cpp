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
          const std::vector<Leave>& leaves, const std::vector<Enrolment>& enrolments, Date today) {
  Plan result;
  std::map<std::string, const Leave*> leave_by_id;
  for (const auto& leave : leaves) leave_by_id[leave.id] = &leave;
  const Date respond_by = today + std::chrono::days{programme.invitation_expiry_days};

  std::set<std::string> has_open_enrolment;
  int taking_part = 0;  // open mentee enrolments that hold a place in the cohort
  std::vector<const Enrolment*> waiting;
  for (const auto& e : enrolments) {
    if (e.programme_id != programme.id || e.role != Role::mentee || !is_open(e.state)) continue;
    has_open_enrolment.insert(e.person_id);
    if (e.state == EnrolmentState::eligible) {
      waiting.push_back(&e);
    } else {
      ++taking_part;
    }
  }
  auto room = [&] {
    return !programme.cohort_capacity || taking_part < *programme.cohort_capacity;
  };

  // The waiting list first, in the order of their leave.
  std::sort(waiting.begin(), waiting.end(), [&](const Enrolment* a, const Enrolment* b) {
    auto la = a->leave_id ? leave_by_id.find(*a->leave_id) : leave_by_id.end();
    auto lb = b->leave_id ? leave_by_id.find(*b->leave_id) : leave_by_id.end();
    Date da = la != leave_by_id.end() ? la->second->start : Date::max();
    Date db = lb != leave_by_id.end() ? lb->second->start : Date::max();
    return da != db ? da < db : a->id < b->id;
  });
  for (const Enrolment* e : waiting) {
    if (!room()) break;
    result.promotions.push_back({e->id, e->person_id, e->leave_id.value_or(""), respond_by,
                                 "a place in the cohort became free"});
    ++taking_part;
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
    Invitation invitation{leave->person_id,
                          programme.id,
                          leave->id,
                          leave->type,
                          leave->start,
                          respond_by,
                          false,
                          describe(*leave) + " starts in " + std::to_string(days_ahead) + " days"};
    if (room()) {
      ++taking_part;
    } else {
      invitation.waitlisted = true;
      invitation.cause += "; the cohort is full (" + std::to_string(*programme.cohort_capacity) +
                          " places), so the person waits to be invited";
    }
    result.invitations.push_back(std::move(invitation));
    has_open_enrolment.insert(leave->person_id);
  }
  return result;
}

}  // namespace mentoring::enrolment
