#include <mentoring/enrolment/lifecycle.hpp>
#include <mentoring/enrolment/rules.hpp>

#include <algorithm>

namespace mentoring::enrolment {

using namespace mentoring::domain;

namespace {

bool cancelled(const Leave* leave) {
  return leave != nullptr &&
         (leave->status == LeaveStatus::cancelled || leave->status == LeaveStatus::denied);
}

std::string leave_words(const Leave& leave) {
  return "leave " + leave.id + " (" + std::string(to_string(leave.type)) + ", " +
         format_date(leave.start) + " to " + format_date(leave.expected_end) + ")";
}

std::string phase_cause(Phase phase, const Leave& leave) {
  switch (phase) {
    case Phase::before_leave:
      return leave_words(leave) + " starts on " + format_date(leave.start);
    case Phase::on_leave:
      return leave_words(leave) + " started on " + format_date(leave.start);
    case Phase::returned:
      return "back from " + leave_words(leave) + " since " + format_date(return_date(leave));
  }
  return {};
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    auto end = text.find(separator, start);
    out.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return out;
    start = end + 1;
  }
}

// The same calendar day `years` years before (fractions in whole months).
Date years_before(Date day, double years) {
  return add_months(day, -static_cast<int>(years * 12 + 0.5));
}

}  // namespace

std::string_view to_string(StepCause cause) {
  switch (cause) {
    case StepCause::person_unknown:
      return "person_unknown";
    case StepCause::person_left:
      return "person_left";
    case StepCause::leave_cancelled:
      return "leave_cancelled";
    case StepCause::leave_left_the_window:
      return "leave_left_the_window";
    case StepCause::leave_below_minimum:
      return "leave_below_minimum";
    case StepCause::no_answer:
      return "no_answer";
    case StepCause::training_incomplete:
      return "training_incomplete";
    case StepCause::training_not_required:
      return "training_not_required";
    case StepCause::training_complete:
      return "training_complete";
    case StepCause::pair_accepted:
      return "pair_accepted";
    case StepCause::pair_ended:
      return "pair_ended";
    case StepCause::mentoring_begins:
      return "mentoring_begins";
    case StepCause::programme_ended:
      return "programme_ended";
    case StepCause::phase_changed:
      return "phase_changed";
  }
  return "?";
}

Date return_date(const Leave& leave) {
  return (leave.actual_end ? *leave.actual_end : leave.expected_end) + std::chrono::days{1};
}

Phase phase_on(const Leave& leave, Date today) {
  if (today < leave.start) return Phase::before_leave;
  if (today < return_date(leave)) return Phase::on_leave;
  return Phase::returned;
}

std::string leave_fingerprint(const Leave& leave) {
  return format_date(leave.start) + "|" + format_date(leave.expected_end) + "|" +
         (leave.actual_end ? format_date(*leave.actual_end) : "") + "|" +
         std::string(to_string(leave.status));
}

std::string describe_leave_change(const std::string& old_fingerprint, const Leave& now) {
  auto before = split(old_fingerprint, '|');
  auto after = split(leave_fingerprint(now), '|');
  static const char* const kFields[] = {"start", "expected end", "actual end", "status"};
  std::string out;
  for (std::size_t i = 0; i < 4 && i < before.size() && i < after.size(); ++i) {
    if (before[i] == after[i]) continue;
    if (!out.empty()) out += "; ";
    out += std::string(kFields[i]) + " " + (before[i].empty() ? "(none)" : before[i]) + " -> " +
           (after[i].empty() ? "(none)" : after[i]);
  }
  return "leave " + now.id + " changed: " + (out.empty() ? "no visible change" : out);
}

bool answer_overdue(const Enrolment& e, Date today) {
  return e.state == EnrolmentState::invited && e.respond_by && today > *e.respond_by;
}

std::vector<EnrolmentState> open_states() {
  std::vector<EnrolmentState> out;
  for (EnrolmentState state : domain::kEnrolmentStates) {
    if (is_open(state)) out.push_back(state);
  }
  return out;
}

TrainingFactsRead training_facts_read(EnrolmentState state) {
  switch (state) {
    case EnrolmentState::consented:
    case EnrolmentState::awaiting_training:
      return {true, false};
    case EnrolmentState::paired:
      return {false, true};
    default:
      return {};
  }
}

std::optional<Step> next_step(const Programme& programme, const Situation& s, Date today) {
  const Enrolment& e = s.enrolment;
  if (!is_open(e.state)) return std::nullopt;

  if (s.person == nullptr) {
    return Step{EnrolmentState::withdrawn, std::nullopt,
                "person " + e.person_id + " is no longer in the HR records",
                StepCause::person_unknown};
  }
  if (s.person->has_left_by(today)) {
    return Step{
        EnrolmentState::withdrawn, std::nullopt,
        "person " + e.person_id + " left the organisation on " + format_date(*s.person->end_date),
        StepCause::person_left};
  }

  switch (e.state) {
    case EnrolmentState::eligible:
    case EnrolmentState::invited:
      if (auto gone = leave_no_longer_qualifies(programme, s.leave, today)) return gone;
      if (answer_overdue(e, today)) {
        return Step{EnrolmentState::expired, std::nullopt,
                    "no answer by " + format_date(*e.respond_by), StepCause::no_answer};
      }
      return std::nullopt;  // an eligible one is invited by the plan when the cohort has room

    case EnrolmentState::consented:
      if (!s.training_complete) {
        return Step{EnrolmentState::awaiting_training, std::nullopt,
                    "required training not complete: " + (e.role == Role::mentor
                                                              ? std::string("mentor courses")
                                                              : std::string("mentee courses")),
                    StepCause::training_incomplete};
      }
      return Step{EnrolmentState::awaiting_pair, std::nullopt,
                  programme.mentor_courses.empty() || e.role == Role::mentee
                      ? "consent recorded; no training required before pairing"
                      : "consent recorded; required training already complete",
                  StepCause::training_not_required};

    case EnrolmentState::awaiting_training:
      if (s.training_complete) {
        return Step{EnrolmentState::awaiting_pair, std::nullopt, "required training complete",
                    StepCause::training_complete};
      }
      return std::nullopt;

    case EnrolmentState::awaiting_pair:
      if (s.has_accepted_pair) {
        return Step{EnrolmentState::paired, std::nullopt, "pair accepted",
                    StepCause::pair_accepted};
      }
      return std::nullopt;

    case EnrolmentState::paired:
      if (!s.has_accepted_pair) {
        return Step{EnrolmentState::awaiting_pair, std::nullopt, "the pair ended",
                    StepCause::pair_ended};
      }
      if (s.pair_training_complete) {
        std::optional<Phase> phase;
        if (e.role == Role::mentee && s.leave) phase = phase_on(*s.leave, today);
        return Step{EnrolmentState::active, phase,
                    programme.mentee_courses.empty() || e.role == Role::mentor
                        ? "paired; mentoring begins"
                        : "pair training complete; mentoring begins",
                    StepCause::mentoring_begins};
      }
      return std::nullopt;

    case EnrolmentState::active:
    case EnrolmentState::extended:
      if (!s.has_accepted_pair) {
        return Step{EnrolmentState::awaiting_pair, std::nullopt, "the pair ended",
                    StepCause::pair_ended};
      }
      if (e.ends_on && today > *e.ends_on) {
        return Step{EnrolmentState::completed, e.phase,
                    "programme ended on " + format_date(*e.ends_on), StepCause::programme_ended};
      }
      if (e.role == Role::mentee && s.leave && !cancelled(s.leave)) {
        Phase now = phase_on(*s.leave, today);
        if (!e.phase || *e.phase != now) {
          return Step{e.state, now, phase_cause(now, *s.leave), StepCause::phase_changed};
        }
      }
      return std::nullopt;

    default:
      return std::nullopt;
  }
}

std::vector<ScheduledTouchpoint> schedule(const Programme& programme, const Leave* leave,
                                          std::optional<Date> paired_on) {
  std::vector<ScheduledTouchpoint> out;
  for (const auto& rule : programme.touchpoints) {
    std::optional<Date> anchor;
    switch (rule.anchor) {
      case Anchor::pairing:
        anchor = paired_on;
        break;
      case Anchor::leave_start:
        if (leave) anchor = leave->start;
        break;
      case Anchor::leave_end:
        if (leave) anchor = leave->actual_end ? *leave->actual_end : leave->expected_end;
        break;
      case Anchor::return_to_work:
        if (leave) anchor = return_date(*leave);
        break;
    }
    if (!anchor) continue;
    out.push_back({rule.name, rule.phase, *anchor + std::chrono::days{rule.offset_days}});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.due < b.due; });
  return out;
}

Date planned_end(const Programme& programme, Date started_on,
                 const std::vector<ScheduledTouchpoint>& touchpoints) {
  Date end = add_months(started_on, programme.duration_months);
  for (const auto& t : touchpoints) end = std::max(end, t.due);
  return end;
}

std::string mentor_ineligibility(const Programme& programme, const Person& person,
                                 const std::vector<Leave>& their_leave, Date today) {
  if (person.has_left_by(today)) return "has left the organisation";
  const auto& rules = programme.mentor;
  bool needs_leave = !rules.leave_types.empty() || rules.leave_within_years.has_value();
  bool leave_ok = !needs_leave;
  if (needs_leave) {
    for (const auto& leave : their_leave) {
      if (leave.status != LeaveStatus::approved) continue;
      if (!rules.leave_types.empty() && !rules.leave_types.count(leave.type)) continue;
      Date ended = return_date(leave) - std::chrono::days{1};
      if (ended > today) continue;  // still on it, or not taken yet
      if (rules.leave_within_years && ended < years_before(today, *rules.leave_within_years)) {
        continue;
      }
      leave_ok = true;
      break;
    }
  }
  bool experience_ok = true;
  if (rules.min_experience_years) {
    // The HR record's start date is the evidence we have: years at this organisation.
    experience_ok = has_experience(person, *rules.min_experience_years, today);
  }
  if (!leave_ok) {
    return "no covered leave ending within the last " +
           (rules.leave_within_years
                ? std::to_string(static_cast<int>(*rules.leave_within_years)) + " years"
                : std::string("years"));
  }
  if (!experience_ok) {
    return "fewer than " + std::to_string(static_cast<int>(*rules.min_experience_years)) +
           " years of work on record";
  }
  return {};
}

bool pay_it_forward_due(const Programme& programme, const Enrolment& mentee, const Leave* leave,
                        Date today) {
  if (!programme.pay_it_forward_after_months || mentee.role != Role::mentee ||
      mentee.state != EnrolmentState::completed) {
    return false;
  }
  Date back = leave ? return_date(*leave) : mentee.ends_on.value_or(today);
  return add_months(back, *programme.pay_it_forward_after_months) <= today;
}

}  // namespace mentoring::enrolment
