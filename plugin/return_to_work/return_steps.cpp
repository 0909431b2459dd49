#include <mentoring/return_to_work/kit_days.hpp>
#include <mentoring/return_to_work/return_steps.hpp>

#include <mentoring/enrolment/lifecycle.hpp>

#include <algorithm>
#include <stdexcept>

namespace mentoring::return_to_work {

using namespace mentoring::domain;

std::string_view to_string(StepStatus status) {
  switch (status) {
    case StepStatus::sent:
      return "sent";
    case StepStatus::no_line_manager:
      return "no_line_manager";
    case StepStatus::done:
      return "done";
    case StepStatus::withdrawn:
      return "withdrawn";
  }
  return "?";
}

std::optional<StepStatus> parse_step_status(std::string_view text) {
  for (auto s :
       {StepStatus::sent, StepStatus::no_line_manager, StepStatus::done, StepStatus::withdrawn}) {
    if (to_string(s) == text) return s;
  }
  return std::nullopt;
}

std::string_view to_string(StepEffectKind kind) {
  switch (kind) {
    case StepEffectKind::send_task:
      return "send_task";
    case StepEffectKind::supersede_task:
      return "supersede_task";
    case StepEffectKind::withdraw_task:
      return "withdraw_task";
    case StepEffectKind::tell_no_line_manager:
      return "tell_no_line_manager";
    case StepEffectKind::flag_missed:
      return "flag_missed";
  }
  return "?";
}

std::string_view to_string(StepCause cause) {
  switch (cause) {
    case StepCause::leave_planned:
      return "leave_planned";
    case StepCause::leave_moved:
      return "leave_moved";
    case StepCause::line_manager_found:
      return "line_manager_found";
    case StepCause::line_manager_changed:
      return "line_manager_changed";
    case StepCause::leave_cancelled:
      return "leave_cancelled";
    case StepCause::mentee_left:
      return "mentee_left";
    case StepCause::line_manager_unknown:
      return "line_manager_unknown";
    case StepCause::due_passed:
      return "due_passed";
  }
  return "?";
}

std::string_view describe(StepCause cause) {
  switch (cause) {
    case StepCause::leave_planned:
      return "the mentee's leave is planned";
    case StepCause::leave_moved:
      return "the mentee's leave moved, and the due date with it";
    case StepCause::line_manager_found:
      return "the HR system now names the mentee's line manager";
    case StepCause::line_manager_changed:
      return "the HR system names another line manager for the mentee";
    case StepCause::leave_cancelled:
      return "the mentee's leave was cancelled or denied";
    case StepCause::mentee_left:
      return "the mentee no longer takes part in the programme";
    case StepCause::line_manager_unknown:
      return "the HR system names no line manager for the mentee";
    case StepCause::due_passed:
      return "the step is past its due date and not marked done";
  }
  return "?";
}

std::string_view to_string(DoneRefusal refusal) {
  switch (refusal) {
    case DoneRefusal::not_sent:
      return "not_sent";
    case DoneRefusal::already_done:
      return "already_done";
    case DoneRefusal::withdrawn:
      return "withdrawn";
  }
  return "?";
}

std::string_view describe(DoneRefusal refusal) {
  switch (refusal) {
    case DoneRefusal::not_sent:
      return "no such step is planned for the person (the programme's return_steps, for a leave "
             "of an enrolled mentee)";
    case DoneRefusal::already_done:
      return "the step is already marked done";
    case DoneRefusal::withdrawn:
      return "the step was withdrawn (the leave was cancelled or the mentee left the programme)";
  }
  return "?";
}

std::string_view to_string(Participation participation) {
  switch (participation) {
    case Participation::taking_part:
      return "taking_part";
    case Participation::finished:
      return "finished";
    case Participation::left:
      return "left";
  }
  return "?";
}

Participation participation(std::optional<EnrolmentState> state, const Person* person, Date today) {
  if (!person || person->has_left_by(today) || !state) return Participation::left;
  return participation_of(*state);
}

Participation participation_of(EnrolmentState state) {
  switch (state) {
    case EnrolmentState::paired:
    case EnrolmentState::active:
    case EnrolmentState::extended:
      return Participation::taking_part;
    case EnrolmentState::completed:
      return Participation::finished;
    default:
      return Participation::left;
  }
}

Date due_date(const ReturnStep& step, const Leave& leave) {
  Date anchor = enrolment::return_date(leave);
  switch (step.anchor) {
    case Anchor::leave_start:
      anchor = leave.start;
      break;
    case Anchor::leave_end:
      anchor = leave.actual_end ? *leave.actual_end : leave.expected_end;
      break;
    case Anchor::pairing:  // not allowed for return steps (schema); the return is the default
    case Anchor::return_to_work:
      break;
  }
  return anchor + std::chrono::days{step.offset_days};
}

namespace {

StepEffect effect(StepEffectKind kind, StepCause cause, const ReturnStep& step,
                  const StepRecord& record) {
  StepEffect e;
  e.kind = kind;
  e.cause = cause;
  e.step = &step;
  e.step_id = step.id;
  e.due_on = record.due_on;
  e.line_manager_id = record.line_manager_id;
  e.round = record.round;
  return e;
}

// A task goes to the line manager; or, with none, HR hears that nobody can act.
void send(StepRecord& record, const ReturnStep& step, const StepFacts& facts, StepCause cause,
          std::vector<StepEffect>& effects) {
  record.line_manager_id = facts.line_manager_id;
  if (facts.line_manager_id) {
    record.status = StepStatus::sent;
    ++record.round;
    effects.push_back(effect(StepEffectKind::send_task, cause, step, record));
  } else {
    record.status = StepStatus::no_line_manager;
    effects.push_back(effect(StepEffectKind::tell_no_line_manager, StepCause::line_manager_unknown,
                             step, record));
  }
}

}  // namespace

StepPlan plan_return_steps(const Programme& programme, const StepFacts& facts,
                           const std::vector<StepRecord>& stored, Date today) {
  StepPlan plan;
  const bool applies = is_taken(facts.leave) && facts.mentee_taking_part;
  const StepCause ends_because =
      is_taken(facts.leave) ? StepCause::mentee_left : StepCause::leave_cancelled;
  for (const auto& step : programme.return_steps) {
    const Date due = due_date(step, facts.leave);
    auto found = std::find_if(stored.begin(), stored.end(),
                              [&](const StepRecord& r) { return r.step_id == step.id; });
    if (!applies) {
      if (found == stored.end()) continue;  // never planned: nothing to undo
      StepRecord record = *found;
      if (record.status == StepStatus::sent) {
        plan.effects.push_back(effect(StepEffectKind::withdraw_task, ends_because, step, record));
        record.status = StepStatus::withdrawn;
      } else if (record.status == StepStatus::no_line_manager) {
        record.status = StepStatus::withdrawn;
      }
      plan.steps.push_back(record);
      continue;
    }
    if (found == stored.end()) {
      StepRecord record;
      record.step_id = step.id;
      record.due_on = due;
      send(record, step, facts, StepCause::leave_planned, plan.effects);
      plan.steps.push_back(record);
    } else {
      StepRecord record = *found;
      const bool moved = record.due_on != due;
      switch (record.status) {
        case StepStatus::done:
          break;                     // done is done, wherever the leave goes now
        case StepStatus::withdrawn:  // the leave is back (re-approved) or the mentee rejoined
          record.due_on = due;
          send(record, step, facts, StepCause::leave_planned, plan.effects);
          break;
        case StepStatus::no_line_manager:
          record.due_on = due;
          if (facts.line_manager_id) {
            send(record, step, facts, StepCause::line_manager_found, plan.effects);
          } else if (moved) {
            send(record, step, facts, StepCause::line_manager_unknown, plan.effects);
          }
          break;
        case StepStatus::sent:
          if (!moved && record.line_manager_id == facts.line_manager_id) break;
          if (facts.line_manager_id) {
            StepEffect e = effect(StepEffectKind::supersede_task,
                                  moved ? StepCause::leave_moved : StepCause::line_manager_changed,
                                  step, record);
            e.previous_due_on = record.due_on;
            e.previous_line_manager_id = record.line_manager_id;
            record.due_on = due;
            record.line_manager_id = facts.line_manager_id;
            ++record.round;
            e.due_on = due;
            e.line_manager_id = record.line_manager_id;
            e.round = record.round;
            plan.effects.push_back(e);
          } else {
            // The task went to someone who is no longer the line manager.
            plan.effects.push_back(effect(StepEffectKind::withdraw_task,
                                          StepCause::line_manager_unknown, step, record));
            record.due_on = due;
            send(record, step, facts, StepCause::line_manager_unknown, plan.effects);
          }
          break;
      }
      plan.steps.push_back(record);
    }
    StepRecord& record = plan.steps.back();
    StepView view = view_of(record, today);
    if (record.status == StepStatus::sent && view.overdue &&
        record.missed_flagged_for != record.due_on) {
      StepEffect e = effect(StepEffectKind::flag_missed, StepCause::due_passed, step, record);
      e.days_overdue = view.days_overdue;
      plan.effects.push_back(e);
      record.missed_flagged_for = record.due_on;
    }
  }
  return plan;
}

ActionKey step_key(std::string_view organisation, const std::string& programme_id,
                   const std::string& leave_id, const StepEffect& effect) {
  const std::string round = "r" + std::to_string(effect.round);
  switch (effect.kind) {
    case StepEffectKind::send_task:
    case StepEffectKind::supersede_task:
      return action_key(ActionKind::task, ActionTopic::return_step, organisation,
                        {programme_id, leave_id, effect.step_id, round});
    case StepEffectKind::withdraw_task:
      return action_key(ActionKind::notify, ActionTopic::return_step, organisation,
                        {programme_id, leave_id, effect.step_id, round, "withdrawn"});
    case StepEffectKind::flag_missed:
      return action_key(ActionKind::task, ActionTopic::return_step, organisation,
                        {programme_id, leave_id, effect.step_id, round, "missed"});
    case StepEffectKind::tell_no_line_manager: {
      const std::string due = format_date(effect.due_on);
      return action_key(ActionKind::task, ActionTopic::return_step, organisation,
                        {programme_id, leave_id, effect.step_id, "no-line-manager", due});
    }
  }
  throw std::logic_error("step_key: unknown effect");
}

std::optional<DoneRefusal> mark_done(StepRecord& record, Date today) {
  switch (record.status) {
    case StepStatus::done:
      return DoneRefusal::already_done;
    case StepStatus::withdrawn:
      return DoneRefusal::withdrawn;
    case StepStatus::no_line_manager:  // HR may have held it with someone else
    case StepStatus::sent:
      break;
  }
  record.status = StepStatus::done;
  record.done_on = today;
  return std::nullopt;
}

StepView view_of(const StepRecord& record, Date today) {
  StepView view;
  const bool open =
      record.status == StepStatus::sent || record.status == StepStatus::no_line_manager;
  if (open && record.due_on < today) {
    view.overdue = true;
    view.days_overdue = days_between(record.due_on, today);
  }
  return view;
}

}  // namespace mentoring::return_to_work
