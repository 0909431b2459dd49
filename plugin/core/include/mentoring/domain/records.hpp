// mentoring/domain/records.hpp — the plain records the domain works on.
// No JSON, no SQL: the sync edge and the store translate to and from these.
#pragma once

#include <mentoring/domain/date.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mentoring::domain {

enum class LeaveType {
  maternity,
  paternity,
  adoption,
  shared_parental,
  carers,
  fostering,
  secondment,
  overseas_assignment,
  long_term_sickness,
  other,
};
enum class LeaveStatus { requested, approved, cancelled, denied };

std::string_view to_string(LeaveType type);
std::string_view to_string(LeaveStatus status);
std::optional<LeaveType> parse_leave_type(std::string_view text);
std::optional<LeaveStatus> parse_leave_status(std::string_view text);

struct Person {
  std::string id;
  std::string name;
  std::optional<std::string> email;
  std::optional<std::string> manager_id;  // the direct (line) manager
  // The id HR staff know the person by when it is not `id` (OrangeHRM's
  // employee id "E0042" beside its internal empNumber "42"); HR commands accept either.
  std::optional<std::string> employee_number;
  // Other managers besides manager_id (OrangeHRM's Indirect supervisors): the
  // management chain follows them too.
  std::vector<std::string> indirect_manager_ids;
  std::optional<std::string> department;
  std::optional<std::string> location;
  std::optional<Date> start_date;
  std::optional<Date> end_date;  // set once the person has left
  std::vector<std::string> languages;

  bool has_left_by(Date day) const { return end_date && *end_date <= day; }
};

struct Leave {
  std::string id;
  std::string person_id;
  LeaveType type = LeaveType::other;
  Date start{};
  Date expected_end{};
  std::optional<Date> actual_end;
  LeaveStatus status = LeaveStatus::requested;
  std::optional<std::string> last_changed;

  // Inclusive length: a leave from 1 March to 29 May lasts 90 days.
  int length_days() const { return days_between(start, expected_end) + 1; }
};

struct CourseCompletion {
  std::string person_id;
  std::string course_id;
  Date completed_at{};
  std::optional<Date> expires_at;
};

enum class Role { mentee, mentor };
std::string_view to_string(Role role);

// Where an enrolment is in its lifecycle. This first slice uses invited and
// withdrawn; the rest are named now so stored states never need renaming.
enum class EnrolmentState {
  eligible,
  invited,
  consented,
  declined,
  expired,
  awaiting_training,
  awaiting_pair,
  paired,
  active,
  completed,
  withdrawn,
  extended,
};
std::string_view to_string(EnrolmentState state);
std::optional<EnrolmentState> parse_enrolment_state(std::string_view text);
// Every state, in the order declared (a pass that loads enrolments by state lists them from here).
inline constexpr EnrolmentState kEnrolmentStates[] = {
    EnrolmentState::eligible,      EnrolmentState::invited,   EnrolmentState::consented,
    EnrolmentState::declined,      EnrolmentState::expired,   EnrolmentState::awaiting_training,
    EnrolmentState::awaiting_pair, EnrolmentState::paired,    EnrolmentState::active,
    EnrolmentState::completed,     EnrolmentState::withdrawn, EnrolmentState::extended};
// Open: still part of a programme (not declined, expired, completed or withdrawn).
bool is_open(EnrolmentState state);

// Where an active mentee is on their journey.
enum class Phase { before_leave, on_leave, returned };
std::string_view to_string(Phase phase);

struct Enrolment {
  // A new enrolment (id 0 until stored); the optional details start empty.
  static Enrolment make(std::string person_id, std::string programme_id, Role role,
                        EnrolmentState state, std::optional<std::string> leave_id = std::nullopt,
                        std::int64_t id = 0) {
    Enrolment e;
    e.id = id;
    e.person_id = std::move(person_id);
    e.programme_id = std::move(programme_id);
    e.role = role;
    e.state = state;
    e.leave_id = std::move(leave_id);
    return e;
  }

  std::int64_t id = 0;
  std::string person_id;
  std::string programme_id;
  Role role = Role::mentee;
  EnrolmentState state = EnrolmentState::eligible;
  std::optional<std::string> leave_id;  // the leave that made the person eligible
  std::optional<Phase> phase;           // while active
  std::optional<Date> created_on;
  std::optional<Date> respond_by;                // while invited
  std::optional<Date> consent_on;                // nobody takes part without it
  std::optional<Date> started_on;                // the day mentoring began (active)
  std::optional<Date> ends_on;                   // planned end; moved by "extend"
  std::optional<std::string> needs_decision;     // a question for the programme manager
  std::optional<std::string> leave_fingerprint;  // the leave as last seen, to notice changes
};

enum class PairState { proposed, accepted, ended };
std::string_view to_string(PairState state);

// A mentee and a mentor in one programme. Only an accepted pair meets.
struct Pair {
  std::int64_t id = 0;
  std::string programme_id;
  std::int64_t mentee_enrolment_id = 0;
  std::int64_t mentor_enrolment_id = 0;
  std::string mentee_id;  // person ids, for convenience
  std::string mentor_id;
  PairState state = PairState::proposed;
  std::optional<Date> accepted_on;
  std::optional<Date> ended_on;  // state ended: the day it ended
};

}  // namespace mentoring::domain
