#include <mentoring/training/training.hpp>

#include <algorithm>

namespace mentoring::training {

using namespace mentoring::domain;
using std::chrono::days;

TrainingRules rules_for(const Programme& programme, Role role) {
  TrainingRules rules;
  rules.required_courses =
      role == Role::mentor ? programme.mentor_courses : programme.mentee_courses;
  rules.valid_for_months = programme.training_valid_months;
  return rules;
}

std::vector<domain::EnrolmentState> states_expected_to_train() {
  std::vector<EnrolmentState> out;
  for (EnrolmentState state : domain::kEnrolmentStates) {
    if (expected_to_train(state)) out.push_back(state);
  }
  return out;
}

bool expected_to_train(domain::EnrolmentState state) {
  switch (state) {
    case EnrolmentState::consented:
    case EnrolmentState::awaiting_training:
    case EnrolmentState::awaiting_pair:
    case EnrolmentState::paired:
    case EnrolmentState::active:
      return true;
    default:
      return false;
  }
}

std::string_view to_string(CourseState state) {
  switch (state) {
    case CourseState::complete:
      return "complete";
    case CourseState::expiring:
      return "expiring";
    case CourseState::expired:
      return "expired";
    case CourseState::missing:
      return "missing";
  }
  return "?";
}

bool TrainingStatus::complete() const {
  return std::all_of(courses.begin(), courses.end(), [](const CourseStatus& c) {
    return c.state == CourseState::complete || c.state == CourseState::expiring;
  });
}

bool TrainingStatus::complete_but_expiring() const {
  return complete() && std::any_of(courses.begin(), courses.end(), [](const CourseStatus& c) {
           return c.state == CourseState::expiring;
         });
}

std::vector<const CourseStatus*> TrainingStatus::gaps() const {
  std::vector<const CourseStatus*> out;
  for (const auto& c : courses) {
    if (c.state == CourseState::missing || c.state == CourseState::expired) out.push_back(&c);
  }
  return out;
}

std::optional<Date> valid_until(const CourseCompletion& completion,
                                std::optional<int> valid_for_months) {
  if (completion.expires_at) return completion.expires_at;
  if (valid_for_months) return add_months(completion.completed_at, *valid_for_months);
  return std::nullopt;
}

TrainingStatus training_status(const TrainingRules& rules,
                               const std::vector<CourseCompletion>& completions, Date today) {
  TrainingStatus status;
  for (const auto& course : rules.required_courses) {
    CourseStatus cs{course, CourseState::missing, std::nullopt, std::nullopt};
    // The completion that stays valid longest decides: a renewal taken early
    // must not be hidden by the older one, whatever order the LMS sent them in.
    for (const auto& c : completions) {
      if (c.course_id != course || c.completed_at > today) continue;
      auto until = valid_until(c, rules.valid_for_months);
      bool better = !cs.completed_at || (cs.valid_until && (!until || *until > *cs.valid_until)) ||
                    (until == cs.valid_until && c.completed_at > *cs.completed_at);
      if (better) {
        cs.completed_at = c.completed_at;
        cs.valid_until = until;
      }
    }
    if (cs.completed_at) {
      if (cs.valid_until && *cs.valid_until <= today) {
        cs.state = CourseState::expired;
      } else if (cs.valid_until &&
                 days_between(today, *cs.valid_until) <= rules.renew_before_days) {
        cs.state = CourseState::expiring;
      } else {
        cs.state = CourseState::complete;
      }
    }
    status.courses.push_back(std::move(cs));
  }
  return status;
}

bool training_complete(const TrainingRules& rules, const std::vector<CourseCompletion>& completions,
                       Date today) {
  return training_status(rules, completions, today).complete();
}

std::optional<CompletionProblem> completion_problem(const CourseCompletion& completion,
                                                    bool person_known,
                                                    const std::set<std::string>& known_courses,
                                                    Date today) {
  using Kind = CompletionProblem::Kind;
  if (!person_known) {
    return CompletionProblem{Kind::unknown_person, "/person_id", "\"" + completion.person_id + "\"",
                             "the id of a person the HR system sent"};
  }
  if (!known_courses.empty() && !known_courses.count(completion.course_id)) {
    return CompletionProblem{Kind::unknown_course, "/course_id", "\"" + completion.course_id + "\"",
                             "a course some programme requires"};
  }
  if (completion.completed_at > today) {
    return CompletionProblem{Kind::completed_in_future, "/completed_at",
                             format_date(completion.completed_at),
                             "a date on or before today (" + format_date(today) + ")"};
  }
  if (completion.expires_at && *completion.expires_at < completion.completed_at) {
    return CompletionProblem{
        Kind::expires_before_completion, "/expires_at", format_date(*completion.expires_at),
        "a date on or after completed_at (" + format_date(completion.completed_at) + ")"};
  }
  return std::nullopt;
}

std::optional<std::string> check_completion(const CourseCompletion& completion, bool person_known,
                                            const std::set<std::string>& known_courses,
                                            Date today) {
  auto problem = completion_problem(completion, person_known, known_courses, today);
  if (!problem) return std::nullopt;
  return "course completion " + completion.person_id + "/" + completion.course_id + ": " +
         problem->pointer + ": found " + problem->found + "; expected " + problem->expected;
}

namespace {

TrainingStep enrol(const CourseStatus& course, std::string reason, std::string key,
                   std::optional<Date> due_by, std::string text) {
  return {TrainingStep::Kind::enrol_in_course,
          course.course_id,
          std::move(reason),
          std::move(key),
          due_by,
          std::move(text)};
}

std::string course_list(const std::vector<const CourseStatus*>& courses) {
  std::string out;
  for (const auto* c : courses) out += (out.empty() ? "" : ", ") + c->course_id;
  return out;
}

}  // namespace

std::optional<Date> training_since(const domain::Enrolment& enrolment) {
  return enrolment.consent_on ? enrolment.consent_on : enrolment.created_on;
}

std::optional<Date> training_deadline(const TrainingRules& rules, const Trainee& trainee) {
  if (!rules.deadline_days || !trainee.training_since) return std::nullopt;
  return *trainee.training_since + days{*rules.deadline_days};
}

std::optional<Date> training_overdue_since(const TrainingRules& rules, const Trainee& trainee,
                                           const TrainingStatus& status, Date today) {
  const auto deadline = training_deadline(rules, trainee);
  if (!deadline || today <= *deadline || status.gaps().empty()) return std::nullopt;
  return deadline;
}

std::vector<TrainingStep> plan_training(const TrainingRules& rules, const Trainee& trainee,
                                        const TrainingStatus& status, Date today) {
  std::vector<TrainingStep> steps;
  const std::optional<Date> deadline = training_deadline(rules, trainee);
  for (const auto& c : status.courses) {
    switch (c.state) {
      case CourseState::complete:
        break;
      case CourseState::missing:
        steps.push_back(enrol(c, "missing", "enrol/" + c.course_id + "/missing", deadline,
                              "Please complete " + c.course_id + "."));
        break;
      case CourseState::expired: {
        // Keyed by the lapsed date: a later completion that lapses again is a new enrolment.
        std::string lapsed = format_date(*c.valid_until);
        steps.push_back(
            enrol(c, "expired", "enrol/" + c.course_id + "/expired/" + lapsed, deadline,
                  "Your " + c.course_id + " lapsed on " + lapsed + "; please take it again."));
        break;
      }
      case CourseState::expiring: {
        std::string lapses = format_date(*c.valid_until);
        steps.push_back(enrol(
            c, "renewal", "enrol/" + c.course_id + "/renew/" + lapses, *c.valid_until - days{1},
            "Your " + c.course_id + " lapses on " + lapses + "; please renew it before then."));
        steps.push_back({TrainingStep::Kind::reminder, c.course_id, "renewal",
                         "remind/" + c.course_id + "/renew/" + lapses, *c.valid_until - days{1},
                         "Reminder: renew " + c.course_id + " before " + lapses + "."});
        break;
      }
    }
  }
  auto gaps = status.gaps();
  if (deadline && !gaps.empty()) {
    std::string deadline_text = format_date(*deadline);
    if (training_overdue_since(rules, trainee, status, today)) {
      steps.push_back({TrainingStep::Kind::reminder, "", "overdue",
                       "remind/" + deadline_text + "/overdue", deadline,
                       "Your training was due on " + deadline_text +
                           "; still to do: " + course_list(gaps) + "."});
    } else {
      // Only the nearest reminder that is due: a run after a pause must not send
      // every earlier reminder at once.
      std::optional<int> nearest;
      for (int before : rules.reminder_days_before) {
        if (days_between(today, *deadline) <= before && (!nearest || before < *nearest)) {
          nearest = before;
        }
      }
      if (nearest) {
        steps.push_back({TrainingStep::Kind::reminder, "", "deadline",
                         "remind/" + deadline_text + "/" + std::to_string(*nearest), deadline,
                         "Your training is due by " + deadline_text +
                             "; still to do: " + course_list(gaps) + "."});
      }
    }
  }
  return steps;
}

}  // namespace mentoring::training
