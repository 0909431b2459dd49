// mentoring/return_to_work/return_steps.hpp — the line manager's return-to-work
// steps (programme.return_steps: eg a return meeting 14 days before the first
// day back, a phased-return plan), each a task to the mentee's line manager
// with a due date anchored on the leave.
//
//   auto plan = plan_return_steps(programme, {leave, line_manager_id, mentee_taking_part},
//                                 stored_steps, today);
//   store(plan.steps);                       // the state after today
//   for (const auto& effect : plan.effects)  // a task sent, moved, withdrawn; HR told
//     ...;
//
// A step is sent once its due date is known and the line manager is known; it
// moves (a new task, the old one superseded) when the leave moves or the line
// manager changes; it is withdrawn when the leave is cancelled or the mentee
// leaves the programme; once due and not done, HR is told (once per due date).
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

// Where one step stands.
enum class StepStatus {
  sent,             // a task is with the line manager
  no_line_manager,  // due, but nobody to send it to (HR told)
  done,             // the line manager (or HR) marked it done
  withdrawn,        // the leave was cancelled or the mentee left the programme
};
std::string_view to_string(StepStatus status);
std::optional<StepStatus> parse_step_status(std::string_view text);

// One step of one leave as stored.
struct StepRecord {
  std::string step_id;
  Date due_on{};
  std::optional<std::string> line_manager_id;  // whom the task went to
  StepStatus status = StepStatus::sent;
  std::optional<Date> missed_flagged_for;  // the due date HR was told about
  std::optional<Date> done_on;
  // How many tasks were sent for this step (each a new key part: a moved or
  // re-sent task is a new action, never one the outbox has seen).
  int round = 0;
};

// What happens to a step, and why.
enum class StepEffectKind {
  send_task,             // a new task to the line manager
  supersede_task,        // a new task replacing the one sent before (see previous_*)
  withdraw_task,         // the task sent before no longer applies
  tell_no_line_manager,  // HR: nobody to send the task to
  flag_missed,           // HR: the step is past its due date and not done
};
std::string_view to_string(StepEffectKind kind);

enum class StepCause {
  leave_planned,         // first seen
  leave_moved,           // the due date moved with the leave
  line_manager_found,    // the line manager became known
  line_manager_changed,  // the HR system names another line manager
  leave_cancelled,       // the leave was cancelled or denied
  mentee_left,           // the mentee's enrolment closed (withdrawn, completed, ...)
  line_manager_unknown,  // the person has no manager_id in the HR system
  due_passed,            // due and not done
};
std::string_view to_string(StepCause cause);
std::string_view describe(StepCause cause);

struct StepEffect {
  StepEffectKind kind = StepEffectKind::send_task;
  StepCause cause = StepCause::leave_planned;
  const domain::ReturnStep* step = nullptr;  // the programme's step
  std::string step_id;
  Date due_on{};
  std::optional<std::string> line_manager_id;
  // What was sent before (supersede_task, withdraw_task).
  std::optional<Date> previous_due_on;
  std::optional<std::string> previous_line_manager_id;
  int days_overdue = 0;  // flag_missed
  int round = 0;         // the task concerned: the new one, or the one withdrawn or missed
};

// Whether a mentee's steps apply, from their enrolment for the leave.
enum class Participation {
  taking_part,  // paired, active or extended: the steps are planned and kept up to date
  finished,     // completed: the steps stay as they stand (nothing withdrawn, nothing new)
  left,         // withdrawn, declined, expired, before pairing, or the person left the
                // organisation: tasks sent are withdrawn
};
std::string_view to_string(Participation participation);
// From the enrolment's state alone.
Participation participation_of(domain::EnrolmentState state);
// state: the mentee's enrolment for the leave (nullopt: none); person: null when
// the HR system no longer lists them.
Participation participation(std::optional<domain::EnrolmentState> state,
                            const domain::Person* person, Date today);

// What the steps depend on.
struct StepFacts {
  const domain::Leave& leave;
  std::optional<std::string> line_manager_id;  // Person.manager_id of the mentee
  bool mentee_taking_part = true;              // the mentee's enrolment for this leave is open
};

struct StepPlan {
  std::vector<StepRecord> steps;  // every step of the leave after today (store these)
  std::vector<StepEffect> effects;
};

// The day a step is due for this leave.
Date due_date(const domain::ReturnStep& step, const domain::Leave& leave);

StepPlan plan_return_steps(const domain::Programme& programme, const StepFacts& facts,
                           const std::vector<StepRecord>& stored, Date today);

// The idempotency key of an effect's action: a task per round
// (return-step/<org>/<programme>/<leave>/<step>/r<round>), a notify when that
// task is withdrawn (.../r<round>/withdrawn), HR's task when it is missed
// (.../r<round>/missed) or nobody can act on it (.../no-line-manager/<due>).
domain::ActionKey step_key(std::string_view organisation, const std::string& programme_id,
                           const std::string& leave_id, const StepEffect& effect);

// Marking a step done.
enum class DoneRefusal {
  not_sent,  // no such step is planned for the person
  already_done,
  withdrawn,
};
std::string_view to_string(DoneRefusal refusal);
std::string_view describe(DoneRefusal refusal);
std::optional<DoneRefusal> mark_done(StepRecord& record, Date today);

// How HR sees a step today.
struct StepView {
  bool overdue = false;  // due before today, not done, not withdrawn
  int days_overdue = 0;
};
StepView view_of(const StepRecord& record, Date today);

}  // namespace mentoring::return_to_work
