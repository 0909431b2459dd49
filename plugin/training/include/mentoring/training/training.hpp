// mentoring/training/training.hpp — is a person's required training complete,
// and what should happen about the gaps. Pure functions: `today` is passed in.
//
//   TrainingRules rules = rules_for(programme, Role::mentor);
//   TrainingStatus status = training_status(rules, store.completions_of("E7"), today);
//   if (status.complete()) { /* assignable: awaiting_training -> awaiting_pair */ }
//   for (const auto& step : plan_training(rules, {"E7", deadline}, status, today)) ...
#pragma once

#include <mentoring/domain/programme.hpp>
#include <mentoring/domain/records.hpp>

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace mentoring::training {

using domain::Date;

struct TrainingRules {
  std::vector<std::string> required_courses;
  // How long a completion stays valid when the LMS gives no expiry; none: forever.
  std::optional<int> valid_for_months;
  // Re-enrol this many days before a completion lapses (schema: training.renew_before_days).
  int renew_before_days = 30;
  // Training is due this many days after consent (schema: training.deadline_days); none: no
  // deadline.
  std::optional<int> deadline_days;
  // Remind this many days before the deadline (schema: training.reminder_days_before).
  std::vector<int> reminder_days_before = {7};
};

// The rules for one role of a programme; a role without courses needs none.
TrainingRules rules_for(const domain::Programme& programme, domain::Role role);

// Whether an enrolment in this state is expected to be trained: from consent
// until the mentoring ends (not an invitation, not a closed enrolment).
bool expected_to_train(domain::EnrolmentState state);
// The states expected_to_train holds for: what a pass loads (every other enrolment it skips).
std::vector<domain::EnrolmentState> states_expected_to_train();

enum class CourseState {
  complete,  // done and valid beyond the renewal window
  expiring,  // still valid today, lapses within renew_before_days
  expired,   // was done, no longer valid today
  missing,   // never done
};
std::string_view to_string(CourseState state);

struct CourseStatus {
  std::string course_id;
  CourseState state = CourseState::missing;
  std::optional<Date> completed_at;  // the latest completion
  std::optional<Date> valid_until;   // last valid day is the day before; none: never lapses
};

struct TrainingStatus {
  std::vector<CourseStatus> courses;  // one per required course, in the programme's order

  // Every required course is done and valid today (expiring still counts).
  bool complete() const;
  // Complete today, with at least one course lapsing within the renewal window.
  bool complete_but_expiring() const;
  std::vector<const CourseStatus*> gaps() const;  // missing or expired
};

// One person's state against the rules. Completions of other courses and
// completions dated after today are ignored (see check_completion).
TrainingStatus training_status(const TrainingRules& rules,
                               const std::vector<domain::CourseCompletion>& completions,
                               Date today);

// Shorthand the enrolment lifecycle uses to move awaiting_training -> awaiting_pair.
bool training_complete(const TrainingRules& rules,
                       const std::vector<domain::CourseCompletion>& completions, Date today);

// When a completion stops being valid: expires_at from the LMS if given, else
// completed_at + valid_for_months, else never.
std::optional<Date> valid_until(const domain::CourseCompletion& completion,
                                std::optional<int> valid_for_months);

// Why a synced completion is not taken, as values (the sync quarantines it).
struct CompletionProblem {
  enum class Kind {
    unknown_person,
    unknown_course,
    completed_in_future,
    expires_before_completion
  };
  Kind kind;
  std::string pointer;   // "/person_id", "/course_id", "/completed_at", "/expires_at"
  std::string found;     // eg "2027-01-02" or "\"E7\""
  std::string expected;  // in words
};
std::optional<CompletionProblem> completion_problem(const domain::CourseCompletion& completion,
                                                    bool person_known,
                                                    const std::set<std::string>& known_courses,
                                                    Date today);

// A synced completion the store should not take: for an unknown course or
// person, or dated in the future. Answers the problem naming the record and
// field (eg "course completion E7/MT-1: /completed_at: found 2027-01-02; expected
// a date on or before today (2026-12-01)"), or nullopt when it is fine.
// known_courses empty: every course is accepted.
std::optional<std::string> check_completion(const domain::CourseCompletion& completion,
                                            bool person_known,
                                            const std::set<std::string>& known_courses, Date today);

// What to do for one person's training today. Every step has a stable key
// suffix, so planning again the next day yields the same steps (the outbox
// keeps one of each).
struct TrainingStep {
  enum class Kind { enrol_in_course, reminder };
  Kind kind = Kind::enrol_in_course;
  std::string course_id;  // "" for a reminder about all gaps
  std::string reason;     // missing | expired | renewal | deadline | overdue
  std::string key;        // stable within person + programme, eg "enrol/MT-1/missing"
  std::optional<Date> due_by;
  std::string text;  // a sentence for the person
};

struct Trainee {
  std::string person_id;
  std::optional<Date> training_since;  // consent (or enrolment) day: the deadline counts from it
};

// The day a person's training deadline counts from: their consent, else the
// day they enrolled (a volunteer nominated straight in).
std::optional<Date> training_since(const domain::Enrolment& enrolment);

// The training deadline: deadline_days after training_since; nullopt without either.
std::optional<Date> training_deadline(const TrainingRules& rules, const Trainee& trainee);

// The deadline when it has passed with courses still to do (what the
// "overdue" reminder is about); nullopt otherwise.
std::optional<Date> training_overdue_since(const TrainingRules& rules, const Trainee& trainee,
                                           const TrainingStatus& status, Date today);

std::vector<TrainingStep> plan_training(const TrainingRules& rules, const Trainee& trainee,
                                        const TrainingStatus& status, Date today);

}  // namespace mentoring::training
