// mentoring/enrolment/lifecycle.hpp — how an enrolment moves, one step at a time.
//
//   eligible -> invited -> consented | declined | expired
//   consented -> awaiting_training -> awaiting_pair -> paired -> active -> completed
//   (any open state) -> withdrawn;  active -> extended -> completed (by command)
//
//   while (auto step = next_step(programme, situation, today)) { apply(*step); ... }
//
// Pure: everything the rules need is in Situation; every step carries its
// cause in words, which the store keeps as the enrolment's history.
#pragma once

#include <mentoring/domain/programme.hpp>
#include <mentoring/domain/records.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mentoring::enrolment {

using domain::Date;

struct Situation {
  const domain::Enrolment& enrolment;
  const domain::Person* person = nullptr;  // null when the HR system no longer has them
  const domain::Leave* leave = nullptr;    // the leave the enrolment is linked to
  // This role's courses required before pairing are done; true when the
  // training module is switched off (rules.hpp training_required).
  bool training_complete = true;
  bool pair_training_complete = true;  // the mentee's courses once matched (same)
  bool has_accepted_pair = false;
};

// Why a step is taken (the words are Step::cause).
enum class StepCause {
  person_unknown,         // no longer in the HR records
  person_left,            // left the organisation
  leave_cancelled,        // the linked leave was cancelled or denied (not yet consented)
  leave_left_the_window,  // moved to start later than the invitation window (not yet consented)
  leave_below_minimum,    // cut below mentee.min_leave_days (not yet consented)
  no_answer,              // the invitation expired
  training_incomplete,
  training_not_required,
  training_complete,
  pair_accepted,
  pair_ended,
  mentoring_begins,
  programme_ended,
  phase_changed,
};
std::string_view to_string(StepCause cause);

struct Step {
  domain::EnrolmentState to;
  std::optional<domain::Phase> phase;  // set when entering or moving within active
  std::string cause;
  StepCause why = StepCause::phase_changed;
};

// Every open state (domain::is_open), for a pass that loads only the open enrolments.
std::vector<domain::EnrolmentState> open_states();

// Which of Situation's training facts next_step reads for an enrolment in this state; the
// others may be left at their default (the shell looks completions up only when they matter).
struct TrainingFactsRead {
  bool training_complete = false;
  bool pair_training_complete = false;
};
TrainingFactsRead training_facts_read(domain::EnrolmentState state);

// The next transition today, or nullopt when the enrolment is where it should be.
std::optional<Step> next_step(const domain::Programme& programme, const Situation& situation,
                              Date today);

// An open invitation whose answer date has passed: the day's step expires it
// (no_answer); until then HR sees it overdue.
bool answer_overdue(const domain::Enrolment& enrolment, Date today);

// Where a mentee is relative to their leave today.
domain::Phase phase_on(const domain::Leave& leave, Date today);

// The first day back: the actual end if known, else the expected end, plus one.
Date return_date(const domain::Leave& leave);

// A text that changes whenever the leave's dates or status change.
std::string leave_fingerprint(const domain::Leave& leave);

// "start 2027-03-01 -> 2027-03-15; status approved -> cancelled", from an old fingerprint.
std::string describe_leave_change(const std::string& old_fingerprint, const domain::Leave& now);

struct ScheduledTouchpoint {
  std::string name;
  std::string phase;
  Date due;
};

// The programme's touchpoints for one mentee, from their leave and the day they
// were paired; touchpoints whose anchor is unknown yet are left out.
std::vector<ScheduledTouchpoint> schedule(const domain::Programme& programme,
                                          const domain::Leave* leave,
                                          std::optional<Date> paired_on);

// The planned end: the programme's length from the start, and never before the
// last touchpoint.
Date planned_end(const domain::Programme& programme, Date started_on,
                 const std::vector<ScheduledTouchpoint>& touchpoints);

// Whether someone may mentor in this programme today; "" when yes, else why not.
std::string mentor_ineligibility(const domain::Programme& programme, const domain::Person& person,
                                 const std::vector<domain::Leave>& their_leave, Date today);

// A completed mentee who has been back long enough to be invited as a mentor.
bool pay_it_forward_due(const domain::Programme& programme, const domain::Enrolment& mentee,
                        const domain::Leave* leave, Date today);

}  // namespace mentoring::enrolment
