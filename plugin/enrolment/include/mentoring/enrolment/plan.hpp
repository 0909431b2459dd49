// mentoring/enrolment/plan.hpp — who is invited today.
//
//   auto plan = mentoring::enrolment::plan(programme, people, leaves, enrolments, today);
//   for (const auto& invitation : plan.invitations) ...   // store + write back
//
// Pure functions over plain records: same input, same plan, no clock reads.
// Withdrawals, expiry and every later step are lifecycle.hpp's.
#pragma once

#include <mentoring/domain/programme.hpp>
#include <mentoring/domain/records.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace mentoring::enrolment {

using domain::Date;

// Why a leave does not (yet) make its person eligible.
enum class LeaveIneligibility {
  type_not_covered,      // mentee.leave_types does not list it
  requested,             // not approved yet
  cancelled,             // cancelled or denied: never
  starts_before_window,  // starts sooner than invite_until_months_before
  starts_after_window,   // starts later than invite_from_months_before
  too_short,             // shorter than min_leave_days
};
// A stable token, eg "starts_after_window".
std::string_view to_string(LeaveIneligibility reason);
// Whether the leave may still become eligible with time or approval alone
// (later than the window, or waiting for approval): "upcoming" to HR.
bool upcoming(LeaveIneligibility reason);

struct LeaveCheck {
  std::optional<LeaveIneligibility> reason;  // none: eligible today
  std::string words;                         // the reason in words ("" when eligible)
  bool eligible() const { return !reason; }
};

struct Invitation {
  std::string person_id;
  std::string programme_id;
  std::string leave_id;
  domain::LeaveType leave_type;
  Date leave_start;
  Date respond_by;
  bool waitlisted = false;  // the cohort is full: recorded as eligible, invited later
  std::string cause;        // why, in words a programme manager reads in the history
  int round = 1;            // 2 and up: sent again after an invitation expired
};

// A waitlisted (eligible) enrolment the cohort now has room for.
struct Promotion {
  std::int64_t enrolment_id;
  std::string person_id;
  std::string leave_id;
  Date respond_by;
  std::string cause;
  int round = 1;  // the enrolment's invitation round (rules.hpp invitation_round)
};

struct Plan {
  std::vector<Invitation> invitations;
  std::vector<Promotion> promotions;
};

// The days a leave must start within to be invited for today (both included): from
// mentee.invite_until_months_before to mentee.invite_from_months_before months ahead. A leave
// starting outside it is never invited today (check_leave: starts_before_window or
// starts_after_window), so the shell loads only the leave starting within it.
struct PlanningWindow {
  Date first;
  Date last;
  bool contains(Date start) const { return first <= start && start <= last; }
};
PlanningWindow planning_window(const domain::Programme& programme, Date today);

// Why a leave does or does not make its person eligible today.
LeaveCheck check_leave(const domain::Programme& programme, const domain::Leave& leave, Date today);
// The same in words; "" when it does.
std::string ineligibility(const domain::Programme& programme, const domain::Leave& leave,
                          Date today);

// A leave that may still make its person eligible, with why not yet.
struct UpcomingLeave {
  const domain::Leave* leave = nullptr;  // one of the leaves passed in
  LeaveIneligibility reason{};           // upcoming(reason) holds
  std::string words;
};

// HR's "upcoming" list: each leave (in the order given) whose person has no
// open enrolment in the programme (either role) and which may become eligible
// with time or approval alone.
std::vector<UpcomingLeave> upcoming_leaves(const domain::Programme& programme,
                                           const std::vector<domain::Leave>& leaves,
                                           const std::vector<domain::Enrolment>& enrolments,
                                           Date today);

// The waiting list of a programme: its open mentee enrolments waiting for a
// place (eligible), in the order they are invited when room frees up: earliest
// leave first (a leave not among `leaves` last), then the earlier enrolment.
// Pointers into `enrolments`.
std::vector<const domain::Enrolment*> waiting_list(
    const domain::Programme& programme, const std::vector<domain::Leave>& leaves,
    const std::vector<domain::Enrolment>& enrolments);

// People by id; leaves to consider (at least every upcoming leave and every leave
// an open enrolment points to); the programme's enrolments (any state), after
// today's lifecycle steps. Invites each person with an eligible leave and no open
// mentee enrolment, earliest leave first, as far as the cohort has room; the rest
// wait as eligible and are invited first when room frees up. Only open enrolments
// hold a place. For a leave already invited: a decline (or completion) is final;
// an expiry is followed by a new round while programme.reinvite_after_expiry
// allows; a withdrawal after consent is final, one before only allows a new
// round when the leave has changed since (eg moved back into the window). A
// person who fails the programme's mentee rules (experience) is not invited.
//
// What it reads (plan_needs says which records beyond these): people only for the
// leaves it may invite; the enrolments of the programme that are open, and every
// enrolment (any state) for each (person, leave) it may invite or promote; leaves
// at least those starting within planning_window and those of open enrolments.
Plan plan(const domain::Programme& programme, const std::map<std::string, domain::Person>& people,
          const std::vector<domain::Leave>& leaves,
          const std::vector<domain::Enrolment>& enrolments, Date today);

// The records plan() reads beyond `leaves` (those starting within planning_window and
// those of open enrolments) and `open_enrolments` (the programme's open ones): the
// people whose leave it may invite, and the (person, leave id) whose every enrolment
// of the programme it counts (for a new round, or the round of a waiting place it
// promotes). Given those, plan() answers what it answers with every record.
struct PlanNeeds {
  std::set<std::string> people;
  std::set<std::pair<std::string, std::string>> histories;  // (person id, leave id)
};
PlanNeeds plan_needs(const domain::Programme& programme, const std::vector<domain::Leave>& leaves,
                     const std::vector<domain::Enrolment>& open_enrolments, Date today);

}  // namespace mentoring::enrolment
