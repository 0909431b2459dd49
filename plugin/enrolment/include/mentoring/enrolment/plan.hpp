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
#include <string>
#include <vector>

namespace mentoring::enrolment {

using domain::Date;

struct Invitation {
  std::string person_id;
  std::string programme_id;
  std::string leave_id;
  domain::LeaveType leave_type;
  Date leave_start;
  Date respond_by;
  bool waitlisted = false;  // the cohort is full: recorded as eligible, invited later
  std::string cause;        // why, in words a programme manager reads in the history
};

// A waitlisted (eligible) enrolment the cohort now has room for.
struct Promotion {
  std::int64_t enrolment_id;
  std::string person_id;
  std::string leave_id;
  Date respond_by;
  std::string cause;
};

struct Plan {
  std::vector<Invitation> invitations;
  std::vector<Promotion> promotions;
};

// Why a leave does or does not make its person eligible today; "" when it does.
std::string ineligibility(const domain::Programme& programme, const domain::Leave& leave,
                          Date today);

// People by id; leaves to consider (at least every upcoming leave and every leave
// an open enrolment points to); the programme's enrolments (any state), after
// today's lifecycle steps. Invites each person with an eligible leave and no open
// mentee enrolment, earliest leave first, as far as the cohort has room; the rest
// wait as eligible and are invited first when room frees up.
Plan plan(const domain::Programme& programme, const std::map<std::string, domain::Person>& people,
          const std::vector<domain::Leave>& leaves,
          const std::vector<domain::Enrolment>& enrolments, Date today);

}  // namespace mentoring::enrolment
