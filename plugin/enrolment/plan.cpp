#include <mentoring/enrolment/plan.hpp>
#include <mentoring/enrolment/rules.hpp>

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

std::string_view to_string(LeaveIneligibility reason) {
  switch (reason) {
    case LeaveIneligibility::type_not_covered:
      return "type_not_covered";
    case LeaveIneligibility::requested:
      return "requested";
    case LeaveIneligibility::cancelled:
      return "cancelled";
    case LeaveIneligibility::starts_before_window:
      return "starts_before_window";
    case LeaveIneligibility::starts_after_window:
      return "starts_after_window";
    case LeaveIneligibility::too_short:
      return "too_short";
  }
  return "?";
}

bool upcoming(LeaveIneligibility reason) {
  return reason == LeaveIneligibility::starts_after_window ||
         reason == LeaveIneligibility::requested;
}

std::vector<UpcomingLeave> upcoming_leaves(const Programme& programme,
                                           const std::vector<Leave>& leaves,
                                           const std::vector<Enrolment>& enrolments, Date today) {
  std::set<std::string> enrolled;
  for (const auto& e : enrolments) {
    if (e.programme_id == programme.id && is_open(e.state)) enrolled.insert(e.person_id);
  }
  std::vector<UpcomingLeave> out;
  for (const auto& leave : leaves) {
    if (enrolled.count(leave.person_id)) continue;
    auto check = check_leave(programme, leave, today);
    if (check.reason && upcoming(*check.reason))
      out.push_back({&leave, *check.reason, std::move(check.words)});
  }
  return out;
}

PlanningWindow planning_window(const Programme& programme, Date today) {
  return {add_months(today, programme.mentee.invite_until_months_before),
          add_months(today, programme.mentee.invite_from_months_before)};
}

LeaveCheck check_leave(const Programme& programme, const Leave& leave, Date today) {
  const auto& rules = programme.mentee;
  if (!rules.leave_types.count(leave.type)) {
    return {LeaveIneligibility::type_not_covered,
            "leave type " + std::string(to_string(leave.type)) + " is not covered"};
  }
  if (leave.status != LeaveStatus::approved) {
    return {leave.status == LeaveStatus::requested ? LeaveIneligibility::requested
                                                   : LeaveIneligibility::cancelled,
            "leave is " + std::string(to_string(leave.status)) + ", not approved"};
  }
  const PlanningWindow window = planning_window(programme, today);
  const Date earliest = window.first, latest = window.last;
  if (leave.start < earliest) {
    return {LeaveIneligibility::starts_before_window, "leave starts " + format_date(leave.start) +
                                                          ", before the window opening " +
                                                          format_date(earliest)};
  }
  if (leave.start > latest) {
    return {LeaveIneligibility::starts_after_window, "leave starts " + format_date(leave.start) +
                                                         ", after the window closing " +
                                                         format_date(latest)};
  }
  if (leave.length_days() < rules.min_leave_days) {
    return {LeaveIneligibility::too_short, "leave lasts " + std::to_string(leave.length_days()) +
                                               " days, fewer than " +
                                               std::to_string(rules.min_leave_days)};
  }
  return {};
}

std::string ineligibility(const Programme& programme, const Leave& leave, Date today) {
  return check_leave(programme, leave, today).words;
}

namespace {

// The earlier mentee enrolments for one leave decide whether it is invited
// again, and in which round; nullopt: not again.
std::optional<int> next_round(const Programme& programme, const Leave& leave,
                              const std::vector<const Enrolment*>& earlier, std::string& cause) {
  int expired = 0;
  const Enrolment* last_expired = nullptr;
  for (const Enrolment* e : earlier) {
    switch (e->state) {
      case EnrolmentState::expired:
        ++expired;
        if (!last_expired || e->id > last_expired->id) last_expired = e;
        break;
      case EnrolmentState::withdrawn:
        // After consent a withdrawal was the person's or the programme
        // manager's decision: final. Before, it was the invitation's: withdrawn
        // while the leave was as it is now is final too, but a leave changed
        // since (eg moved back into the window) is a new occasion.
        if (e->consent_on || e->leave_fingerprint == leave_fingerprint(leave)) return std::nullopt;
        break;
      default:  // declined, completed: final for this leave
        return std::nullopt;
    }
  }
  if (expired > programme.reinvite_after_expiry) return std::nullopt;
  int round = static_cast<int>(earlier.size()) + 1;
  if (last_expired) {
    cause = "invited again (round " + std::to_string(round) + "): no answer to the invitation" +
            (last_expired->respond_by ? " by " + format_date(*last_expired->respond_by) : "") +
            "; programme allows " + std::to_string(programme.reinvite_after_expiry) +
            " re-invitation(s) after expiry";
  } else {
    cause = "invited again (round " + std::to_string(round) + "): the leave changed since the " +
            "invitation was withdrawn";
  }
  return round;
}

}  // namespace

std::vector<const Enrolment*> waiting_list(const Programme& programme,
                                           const std::vector<Leave>& leaves,
                                           const std::vector<Enrolment>& enrolments) {
  std::map<std::string_view, Date> leave_start;
  for (const auto& leave : leaves) leave_start[leave.id] = leave.start;
  // Each start looked up once (the waiting list may hold a large organisation's thousands).
  std::vector<std::pair<Date, const Enrolment*>> waiting;
  for (const auto& e : enrolments) {
    if (e.programme_id != programme.id || e.role != Role::mentee ||
        e.state != EnrolmentState::eligible)
      continue;
    auto found = e.leave_id ? leave_start.find(*e.leave_id) : leave_start.end();
    waiting.emplace_back(found != leave_start.end() ? found->second : Date::max(), &e);
  }
  std::sort(waiting.begin(), waiting.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second->id < b.second->id;
  });
  std::vector<const Enrolment*> out;
  out.reserve(waiting.size());
  for (const auto& [start, e] : waiting) out.push_back(e);
  return out;
}

PlanNeeds plan_needs(const Programme& programme, const std::vector<Leave>& leaves,
                     const std::vector<Enrolment>& open_enrolments, Date today) {
  PlanNeeds needs;
  std::set<std::string> has_open_enrolment;
  int taking_part = 0;
  for (const auto& e : open_enrolments) {
    if (e.programme_id != programme.id || e.role != Role::mentee || !is_open(e.state)) continue;
    has_open_enrolment.insert(e.person_id);
    if (e.state != EnrolmentState::eligible) ++taking_part;
  }
  // The waiting places plan() promotes: the first of the waiting list, as far as there is room.
  for (const Enrolment* e : waiting_list(programme, leaves, open_enrolments)) {
    if (programme.cohort_capacity && taking_part >= *programme.cohort_capacity) break;
    ++taking_part;
    if (e->leave_id) needs.histories.insert({e->person_id, *e->leave_id});
  }
  // The leaves it may invite: eligible today, of someone without an open mentee enrolment.
  for (const auto& leave : leaves) {
    if (has_open_enrolment.count(leave.person_id)) continue;
    if (!check_leave(programme, leave, today).eligible()) continue;
    needs.people.insert(leave.person_id);
    needs.histories.insert({leave.person_id, leave.id});
  }
  return needs;
}

Plan plan(const Programme& programme, const std::map<std::string, Person>& people,
          const std::vector<Leave>& leaves, const std::vector<Enrolment>& enrolments, Date today) {
  Plan result;
  const Date respond_by = today + std::chrono::days{programme.invitation_expiry_days};

  std::set<std::string> has_open_enrolment;
  int taking_part = 0;  // open mentee enrolments that hold a place in the cohort
  std::map<std::pair<std::string, std::string>, std::vector<const Enrolment*>> by_leave;
  for (const auto& e : enrolments) {
    if (e.programme_id != programme.id || e.role != Role::mentee) continue;
    if (e.leave_id) by_leave[{e.person_id, *e.leave_id}].push_back(&e);
    if (!is_open(e.state)) continue;
    has_open_enrolment.insert(e.person_id);
    if (e.state != EnrolmentState::eligible) ++taking_part;
  }
  auto room = [&] {
    return !programme.cohort_capacity || taking_part < *programme.cohort_capacity;
  };

  // The waiting list first, in the order of their leave.
  for (const Enrolment* e : waiting_list(programme, leaves, enrolments)) {
    if (!room()) break;
    int round = 1;
    if (e->leave_id) {
      for (const Enrolment* other : by_leave[{e->person_id, *e->leave_id}]) {
        if (other->id < e->id) ++round;
      }
    }
    result.promotions.push_back({e->id, e->person_id, e->leave_id.value_or(""), respond_by,
                                 "a place in the cohort became free", round});
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
    if (!check_leave(programme, *leave, today).eligible()) continue;
    if (!mentee_ineligibility(programme, person->second, today).empty()) continue;
    int round = 1;
    std::string again;
    auto earlier = by_leave.find({leave->person_id, leave->id});
    if (earlier != by_leave.end()) {
      auto next = next_round(programme, *leave, earlier->second, again);
      if (!next) continue;
      round = *next;
    }
    int days_ahead = days_between(today, leave->start);
    Invitation invitation{leave->person_id,
                          programme.id,
                          leave->id,
                          leave->type,
                          leave->start,
                          respond_by,
                          false,
                          describe(*leave) + " starts in " + std::to_string(days_ahead) + " days" +
                              (again.empty() ? "" : "; " + again),
                          round};
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
