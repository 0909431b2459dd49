#include <mentoring/enrolment/plan.hpp>
#include <mentoring/enrolment/rules.hpp>

#include <algorithm>

namespace mentoring::enrolment {

using namespace mentoring::domain;

namespace {

std::string leave_words(const Leave& leave) {
  return "leave " + leave.id + " (" + std::string(to_string(leave.type)) + ", " +
         format_date(leave.start) + " to " + format_date(leave.expected_end) + ")";
}

// The same calendar day `years` years before (fractions in whole months).
Date years_before(Date day, double years) {
  return add_months(day, -static_cast<int>(years * 12 + 0.5));
}

bool cancelled_or_denied(const Leave& leave) {
  return leave.status == LeaveStatus::cancelled || leave.status == LeaveStatus::denied;
}

std::string round_part(int round) {
  return "r" + std::to_string(round);
}

}  // namespace

// An enrolment not yet consented is withdrawn when its leave no longer
// qualifies: cancelled or denied, moved later than the window, cut too short.
// (A leave that starts sooner as time passes is what the invitation was for.)
std::optional<Step> leave_no_longer_qualifies(const Programme& programme, const Leave* leave,
                                              Date today) {
  if (leave == nullptr) return std::nullopt;
  if (cancelled_or_denied(*leave)) {
    return Step{EnrolmentState::withdrawn, std::nullopt,
                leave_words(*leave) + " was " + std::string(to_string(leave->status)),
                StepCause::leave_cancelled};
  }
  if (!programme.mentee.leave_types.empty()) {
    Date latest = add_months(today, programme.mentee.invite_from_months_before);
    if (leave->start > latest) {
      return Step{EnrolmentState::withdrawn, std::nullopt,
                  leave_words(*leave) + " now starts after the invitation window (" +
                      std::to_string(programme.mentee.invite_from_months_before) +
                      " months ahead, until " + format_date(latest) +
                      "); it is invited again when its time comes",
                  StepCause::leave_left_the_window};
    }
  }
  if (leave->length_days() < programme.mentee.min_leave_days) {
    return Step{EnrolmentState::withdrawn, std::nullopt,
                leave_words(*leave) + " now lasts " + std::to_string(leave->length_days()) +
                    " days, fewer than the programme's minimum of " +
                    std::to_string(programme.mentee.min_leave_days),
                StepCause::leave_below_minimum};
  }
  return std::nullopt;
}

bool has_experience(const Person& person, double years, Date today) {
  // The HR record's start date is the evidence we have: years at this organisation.
  return person.start_date && *person.start_date < years_before(today, years);
}

bool training_required(const OrgPolicy& policy) {
  return policy.modules.training;
}

std::string_view to_string(LeaveChangeKind kind) {
  switch (kind) {
    case LeaveChangeKind::cancelled:
      return "cancelled";
    case LeaveChangeKind::denied:
      return "denied";
    case LeaveChangeKind::left_the_window:
      return "left_the_window";
    case LeaveChangeKind::below_minimum:
      return "below_minimum";
    case LeaveChangeKind::dates_moved:
      return "dates_moved";
  }
  return "?";
}

std::string_view to_string(QuestionReason reason) {
  switch (reason) {
    case QuestionReason::leave_cancelled:
      return "leave_cancelled";
    case QuestionReason::leave_no_longer_fits:
      return "leave_no_longer_fits";
    case QuestionReason::mentor_in_management_chain:
      return "mentor_in_management_chain";
  }
  return "?";
}

std::optional<LeaveChange> leave_change(const Programme& programme, const Enrolment& enrolment,
                                        const std::optional<std::string>& old_fingerprint,
                                        const Leave& leave, std::optional<Date> paired_on,
                                        Date today) {
  if (!old_fingerprint || *old_fingerprint == leave_fingerprint(leave)) return std::nullopt;
  LeaveChange change{LeaveChangeKind::dates_moved, describe_leave_change(*old_fingerprint, leave),
                     std::nullopt, false, std::nullopt};
  if (leave.status == LeaveStatus::cancelled) {
    change.kind = LeaveChangeKind::cancelled;
  } else if (leave.status == LeaveStatus::denied) {
    change.kind = LeaveChangeKind::denied;
  } else if (!programme.mentee.leave_types.empty()) {
    auto check = check_leave(programme, leave, today);
    if (check.reason == LeaveIneligibility::starts_after_window) {
      change.kind = LeaveChangeKind::left_the_window;
    } else if (leave.length_days() < programme.mentee.min_leave_days) {
      change.kind = LeaveChangeKind::below_minimum;
    }
  }

  // Not yet consented: the lifecycle withdraws the invitation (next_step).
  // Consented and later: a person has started; the programme manager decides.
  bool started = is_open(enrolment.state) && enrolment.state != EnrolmentState::eligible &&
                 enrolment.state != EnrolmentState::invited;
  if (started && enrolment.role == Role::mentee) {
    switch (change.kind) {
      case LeaveChangeKind::cancelled:
      case LeaveChangeKind::denied:
        change.question =
            Question{QuestionReason::leave_cancelled,
                     leave_words(leave) + " was " + std::string(to_string(leave.status)) +
                         " while the enrolment is " + std::string(to_string(enrolment.state)) +
                         ": continue without the leave, or withdraw?"};
        break;
      case LeaveChangeKind::left_the_window:
        change.question =
            Question{QuestionReason::leave_no_longer_fits,
                     leave_words(leave) + " moved to start on " + format_date(leave.start) +
                         ", later than the programme invites (" +
                         std::to_string(programme.mentee.invite_from_months_before) +
                         " months ahead) while the enrolment is " +
                         std::string(to_string(enrolment.state)) + ": continue, or withdraw?"};
        break;
      case LeaveChangeKind::below_minimum:
        change.question = Question{
            QuestionReason::leave_no_longer_fits,
            leave_words(leave) + " now lasts " + std::to_string(leave.length_days()) +
                " days, fewer than the programme's minimum of " +
                std::to_string(programme.mentee.min_leave_days) + ", while the enrolment is " +
                std::string(to_string(enrolment.state)) + ": continue, or withdraw?"};
        break;
      case LeaveChangeKind::dates_moved:
        break;
    }
  }
  bool still_on = !cancelled_or_denied(leave);
  if (still_on && paired_on && is_open(enrolment.state)) {
    change.reschedule = true;
    if (enrolment.state == EnrolmentState::active && enrolment.started_on) {
      change.ends_on =
          planned_end(programme, *enrolment.started_on, schedule(programme, &leave, paired_on));
    }
  }
  return change;
}

std::optional<std::string> leave_to_remember(const Enrolment& enrolment,
                                             const std::optional<std::string>& seen_while_open,
                                             const Leave& leave) {
  if (!is_open(enrolment.state)) return seen_while_open;
  return leave_fingerprint(leave);
}

Question mentor_in_chain_question(const std::string& mentee_id, const std::string& mentor_id) {
  return {QuestionReason::mentor_in_management_chain,
          "mentor " + mentor_id + " is now in the management chain of " + mentee_id +
              " (a manager changed): re-pair or end the pairing?"};
}

int invitation_round(const Enrolment& enrolment, const std::vector<Enrolment>& all) {
  if (enrolment.role != Role::mentee || !enrolment.leave_id) return 1;
  int round = 1;
  for (const auto& other : all) {
    if (other.id < enrolment.id && other.role == Role::mentee &&
        other.programme_id == enrolment.programme_id && other.person_id == enrolment.person_id &&
        other.leave_id == enrolment.leave_id) {
      ++round;
    }
  }
  return round;
}

ActionKey invitation_key(std::string_view organisation, std::string_view programme,
                         std::string_view person, std::string_view leave, Role role, int round) {
  std::string again = round_part(round);
  if (role == Role::mentor) {
    if (round <= 1) {
      return action_key(ActionKind::invite, ActionTopic::mentor_invitation, organisation,
                        {programme, person});
    }
    return action_key(ActionKind::invite, ActionTopic::mentor_invitation, organisation,
                      {programme, person, again});
  }
  if (round <= 1) {
    return action_key(ActionKind::invite, ActionTopic::invitation, organisation,
                      {programme, person, leave});
  }
  return action_key(ActionKind::invite, ActionTopic::invitation, organisation,
                    {programme, person, leave, again});
}

ActionKey withdrawal_key(std::string_view organisation, std::string_view programme,
                         std::string_view person, std::string_view leave, int round) {
  if (round <= 1) {
    return action_key(ActionKind::withdraw_invitation, ActionTopic::withdrawal, organisation,
                      {programme, person, leave});
  }
  std::string again = round_part(round);
  return action_key(ActionKind::withdraw_invitation, ActionTopic::withdrawal, organisation,
                    {programme, person, leave, again});
}

std::optional<Date> invited_on(const Programme& programme, const Enrolment& e) {
  if (!e.respond_by) return std::nullopt;
  return *e.respond_by - std::chrono::days{programme.invitation_expiry_days};
}

std::vector<int> reminders_due(const Programme& programme, const Enrolment& e, Date today) {
  std::vector<int> out;
  if (e.state != EnrolmentState::invited || !e.respond_by) return out;
  // Counted from the invitation, which may come long after a wait for a place.
  const Date sent = *invited_on(programme, e);
  for (int day : programme.reminder_days) {
    Date due = sent + std::chrono::days{day};
    if (due > today || due > *e.respond_by) continue;
    out.push_back(day);
  }
  return out;
}

std::string_view to_string(PayItForwardBlock block) {
  switch (block) {
    case PayItForwardBlock::not_offered:
      return "not_offered";
    case PayItForwardBlock::not_a_completed_mentee:
      return "not_a_completed_mentee";
    case PayItForwardBlock::already_a_mentor:
      return "already_a_mentor";
    case PayItForwardBlock::person_unknown:
      return "person_unknown";
    case PayItForwardBlock::person_left:
      return "person_left";
    case PayItForwardBlock::leave_cancelled:
      return "leave_cancelled";
    case PayItForwardBlock::not_back_long_enough:
      return "not_back_long_enough";
  }
  return "?";
}

std::optional<PayItForwardBlock> pay_it_forward_block(const Programme& programme,
                                                      const Enrolment& mentee, const Leave* leave,
                                                      const Person* person, bool already_a_mentor,
                                                      Date today) {
  if (!programme.pay_it_forward_after_months) return PayItForwardBlock::not_offered;
  if (mentee.role != Role::mentee || mentee.state != EnrolmentState::completed) {
    return PayItForwardBlock::not_a_completed_mentee;
  }
  if (already_a_mentor) return PayItForwardBlock::already_a_mentor;
  if (person == nullptr) return PayItForwardBlock::person_unknown;
  if (person->has_left_by(today)) return PayItForwardBlock::person_left;
  if (leave && cancelled_or_denied(*leave)) return PayItForwardBlock::leave_cancelled;
  if (!pay_it_forward_due(programme, mentee, leave, today)) {
    return PayItForwardBlock::not_back_long_enough;
  }
  return std::nullopt;
}

std::string_view to_string(ExtensionRefusal refusal) {
  switch (refusal) {
    case ExtensionRefusal::not_active:
      return "not_active";
    case ExtensionRefusal::beyond_maximum:
      return "beyond_maximum";
  }
  return "?";
}

Extension extension(const Programme& programme, const Enrolment& e, int months, Date today) {
  Extension out;
  Date started = e.started_on.value_or(today);
  out.limit = add_months(started, programme.max_duration_months);
  if (e.state != EnrolmentState::active && e.state != EnrolmentState::extended) {
    out.refusal = ExtensionRefusal::not_active;
    out.words = e.person_id + " is " + std::string(to_string(e.state)) +
                "; expected an active enrolment to extend";
    return out;
  }
  out.ends_on = add_months(e.ends_on.value_or(today), months);
  if (out.ends_on > out.limit) {
    out.refusal = ExtensionRefusal::beyond_maximum;
    const std::string maximum = format_date(out.limit) + " (" +
                                std::to_string(programme.max_duration_months) +
                                " months from the start, the programme's maximum)";
    // Touchpoints anchored on a long leave can already carry the end past the
    // maximum: then no number of months fits, and the words must not suggest one.
    if (e.ends_on && *e.ends_on >= out.limit) {
      out.words = "found " + std::to_string(months) + "; the enrolment already ends on " +
                  format_date(*e.ends_on) + ", not before " + maximum +
                  ", so it cannot be extended";
    } else {
      out.words =
          "found " + std::to_string(months) + "; expected at most enough to end by " + maximum;
    }
    return out;
  }
  out.words = "extended by " + std::to_string(months) + " months to " + format_date(out.ends_on);
  return out;
}

std::string_view to_string(NominationRefusal refusal) {
  switch (refusal) {
    case NominationRefusal::already_enrolled:
      return "already_enrolled";
    case NominationRefusal::no_mentor_volunteers:
      return "no_mentor_volunteers";
    case NominationRefusal::no_mentee_volunteers:
      return "no_mentee_volunteers";
    case NominationRefusal::mentor_ineligible:
      return "mentor_ineligible";
    case NominationRefusal::mentee_ineligible:
      return "mentee_ineligible";
  }
  return "?";
}

std::string mentee_ineligibility(const Programme& programme, const Person& person, Date today) {
  if (person.has_left_by(today)) return "has left the organisation";
  if (const auto& years = programme.mentee.min_experience_years) {
    if (!has_experience(person, *years, today)) {
      return "more than " + std::to_string(static_cast<int>(*years)) +
             " years of work experience are required; " +
             (person.start_date ? "on record since " + format_date(*person.start_date)
                                : std::string("no start date on record"));
    }
  }
  return {};
}

Nomination nomination(const Programme& programme, Role role, const Person& person,
                      const std::vector<Leave>& their_leave,
                      const std::vector<Enrolment>& their_enrolments, Date today) {
  for (const auto& e : their_enrolments) {
    if (e.programme_id == programme.id && e.role == role && is_open(e.state)) {
      return {NominationRefusal::already_enrolled, "/person_id",
              person.id + " already has an open " + std::string(to_string(role)) + " enrolment (" +
                  std::string(to_string(e.state)) + ")"};
    }
  }
  if (role == Role::mentor) {
    if (!programme.mentor.self_nomination) {
      return {NominationRefusal::no_mentor_volunteers, "/role",
              "this programme does not take mentor volunteers"};
    }
    std::string why = mentor_ineligibility(programme, person, their_leave, today);
    if (!why.empty()) {
      return {NominationRefusal::mentor_ineligible, "/person_id",
              person.id + " cannot mentor in " + programme.id + ": " + why};
    }
    return {};
  }
  if (!programme.mentee.self_nomination) {
    return {NominationRefusal::no_mentee_volunteers, "/role",
            "this programme invites mentees from their leave; it takes no mentee volunteers"};
  }
  std::string why = mentee_ineligibility(programme, person, today);
  if (!why.empty()) {
    return {NominationRefusal::mentee_ineligible, "/person_id",
            person.id + " cannot be a mentee in " + programme.id + ": " + why};
  }
  return {};
}

std::optional<Date> planned_end_of(const Programme& programme, const Enrolment& e,
                                   const Leave* leave, std::optional<Date> paired_on) {
  if (e.role != Role::mentee) return std::nullopt;
  if (e.state == EnrolmentState::extended && e.ends_on) return e.ends_on;
  if (e.state != EnrolmentState::active && e.state != EnrolmentState::extended) {
    return std::nullopt;
  }
  if (!e.started_on) return e.ends_on;
  const Leave* on = leave && !cancelled_or_denied(*leave) ? leave : nullptr;
  return planned_end(programme, *e.started_on, schedule(programme, on, paired_on));
}

}  // namespace mentoring::enrolment
