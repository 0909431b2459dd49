// mentoring/enrolment/plan.hpp — leave-linked enrolment, first slice: who is
// invited today and which pending invitations are withdrawn.
//
//   auto plan = mentoring::enrolment::plan(programme, people, leaves, enrolments, today);
//   for (const auto& invitation : plan.invitations) ...   // store + write back
//
// Pure functions over plain records: same input, same plan, no clock reads.
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
  std::string cause;  // why, in words a programme manager reads in the history
};

struct Withdrawal {
  std::int64_t enrolment_id;
  std::string person_id;
  std::string programme_id;
  std::string leave_id;
  std::string cause;
};

struct Plan {
  std::vector<Invitation> invitations;
  std::vector<Withdrawal> withdrawals;
};

// Why a leave does or does not make its person eligible today; "" when it does.
std::string ineligibility(const domain::Programme& programme, const domain::Leave& leave,
                          Date today);

// People by id; leaves to consider (at least every upcoming leave and every leave
// an open enrolment points to); the programme's enrolments (any state).
// Invites each person with an eligible leave and no open mentee enrolment in the
// programme; withdraws invitations still pending whose leave was cancelled or
// denied, or whose person has left. At most one invitation per person.
Plan plan(const domain::Programme& programme, const std::map<std::string, domain::Person>& people,
          const std::vector<domain::Leave>& leaves,
          const std::vector<domain::Enrolment>& enrolments, Date today);

}  // namespace mentoring::enrolment
