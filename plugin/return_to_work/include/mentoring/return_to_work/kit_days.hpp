// mentoring/return_to_work/kit_days.hpp — keeping-in-touch days (UK: KIT days,
// 10 per maternity or adoption leave; SPLIT days, 20 per shared parental leave),
// counted per leave against the programme's limits.
//
//   auto choice = choose_leave(leaves_of_person, leave_id, day);     // which leave, or why none
//   auto outcome = record_kit_day(rules, *choice.leave, recorded_days, day);
//   if (outcome.refusal) { /* outcome.field names the input field */ }
//   for (auto warning : outcome.warnings) { /* the person and HR are told */ }
//
// The limit is a duty of the employer, not of this record: a day beyond it is
// recorded (refusing would lose what happened) and marked over the limit, with
// a warning to HR and the person.
#pragma once

#include <mentoring/domain/action_key.hpp>
#include <mentoring/domain/programme.hpp>
#include <mentoring/domain/records.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mentoring::return_to_work {

using domain::Date;

// Why a keeping-in-touch day cannot be recorded.
enum class KitRefusal {
  leave_not_found,        // leave_id names no leave
  leave_of_someone_else,  // leave_id names another person's leave
  leave_not_taken,        // the leave is cancelled or denied
  no_leave_on_day,        // no leave of the person covers the day
  day_outside_leave,      // the named leave does not cover the day
  no_kit_days_for_type,   // the programme allows no keeping-in-touch days for this leave type
  already_recorded,       // that day is already recorded for that leave
};
std::string_view to_string(KitRefusal refusal);
std::string_view describe(KitRefusal refusal);
// The command input field a refusal is about ("/leave_id" or "/date").
std::string_view field_of(KitRefusal refusal);

// What HR and the person are told after a day is recorded.
enum class KitWarning {
  few_remaining,  // warn_when_remaining or fewer left (but some)
  limit_reached,  // none left
  over_limit,     // this day is beyond the limit
};
std::string_view to_string(KitWarning warning);
std::string_view describe(KitWarning warning);

// Whether a day falls within a leave: from its start to the day before the return.
bool covers(const domain::Leave& leave, Date day);
// A leave that is or will be taken (requested or approved).
bool is_taken(const domain::Leave& leave);

struct LeaveChoice {
  const domain::Leave* leave = nullptr;  // set when chosen
  std::optional<KitRefusal> refusal;
};
// The leave a day belongs to: the one named (it must be the person's, taken and
// cover the day), or else the person's taken leave that covers the day.
LeaveChoice choose_leave(const std::vector<domain::Leave>& leaves_of_person,
                         const std::string& person_id, const std::optional<std::string>& leave_id,
                         Date day);

// Days allowed for this leave type; nullopt when the programme allows none.
std::optional<int> limit_for(const domain::KeepingInTouchRules& rules, domain::LeaveType type);

// The count of one leave: used, limit, remaining (never below 0), over (days past the limit).
struct KitCount {
  int used = 0;
  std::optional<int> limit;
  int remaining = 0;
  int over = 0;
  std::vector<KitWarning> warnings;  // what the count means today (empty: nothing to say)
};
KitCount count_kit_days(const domain::KeepingInTouchRules& rules, const domain::Leave& leave,
                        int days_recorded);

struct KitOutcome {
  std::optional<KitRefusal> refusal;
  bool over_limit = false;           // the recorded day is beyond the limit
  KitCount after;                    // the count with this day
  std::vector<KitWarning> warnings;  // to tell HR and the person about this day
  bool prompt_mentor = false;        // the pair's mentor is prompted for a touchpoint
};
// Records `day` against `leave` (chosen with choose_leave) given the days
// already recorded for it.
KitOutcome record_kit_day(const domain::KeepingInTouchRules& rules, const domain::Leave& leave,
                          const std::vector<Date>& recorded, Date day);

// Whose keeping-in-touch rules count a leave: the programme of the person's
// enrolment for that leave, else the first programme inviting that leave
// type, else the first programme. Null when there are no programmes.
const domain::Programme* rules_programme(const std::vector<domain::Programme>& programmes,
                                         const std::vector<domain::Enrolment>& enrolments_of_person,
                                         const domain::Leave& leave);

// Who hears of a recorded day.
enum class KitAudience {
  mentor,  // notify: a prompt for a touchpoint
  person,  // notify: a warning about the count
  hr,      // task to the programme manager: a warning about the count
};
std::string_view to_string(KitAudience audience);
// The idempotency key of what one recorded day causes for one audience:
// kit-day/<org>/<leave>/<day>/<audience>.
domain::ActionKey kit_day_key(std::string_view organisation, const std::string& leave_id, Date day,
                              KitAudience audience);

}  // namespace mentoring::return_to_work
