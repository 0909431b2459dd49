// mentoring/enrolment/rules.hpp — enrolment's rules beside the lifecycle: what a
// leave change does, questions for the programme manager, invitation rounds and
// their keys, reminders, pay it forward, extension, nomination, the planned end.
//
//   auto change = enrolment::leave_change(programme, enrolment, old_fingerprint, leave, today);
//   if (change && change->question) ...        // a task for the programme manager
//   auto days = enrolment::reminders_due(programme, enrolment, today);
//
// Pure: typed records in, typed effects out. Every reason is an enum value with
// its words (describe()); the shell stores and serialises, it never decides.
#pragma once

#include <mentoring/domain/action_key.hpp>
#include <mentoring/domain/org_policy.hpp>
#include <mentoring/domain/programme.hpp>
#include <mentoring/domain/records.hpp>
#include <mentoring/enrolment/lifecycle.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mentoring::enrolment {

using domain::Date;

// ---- training switched off ------------------------------------------------------

// Whether the organisation requires the programme's courses at all: with the
// training module switched off, nobody waits for a course.
bool training_required(const domain::OrgPolicy& policy);

// ---- leave changes --------------------------------------------------------------

// What happened to the leave an enrolment is linked to.
enum class LeaveChangeKind {
  cancelled,        // the HR system cancelled it
  denied,           // ... or refused it
  left_the_window,  // moved so late that it no longer starts within the invitation window
  below_minimum,    // cut below the programme's mentee.min_leave_days
  dates_moved,      // other date changes: the schedule follows
};
std::string_view to_string(LeaveChangeKind kind);

// Why the programme manager is asked instead of the plugin deciding.
enum class QuestionReason {
  leave_cancelled,       // the mentee's leave was cancelled or denied after consent
  leave_no_longer_fits,  // moved out of the window or cut below the minimum after consent
  mentor_in_management_chain,
};
std::string_view to_string(QuestionReason reason);

struct Question {
  QuestionReason reason;
  std::string words;  // the question as the programme manager reads it
};

// Before consent (eligible, invited): the withdrawal when the linked leave no
// longer qualifies: cancelled or denied, moved later than the invitation window,
// cut below mentee.min_leave_days; nullopt while it does (a leave that starts
// sooner as time passes is what the invitation was for). next_step applies it.
std::optional<Step> leave_no_longer_qualifies(const domain::Programme& programme,
                                              const domain::Leave* leave, Date today);

// The effects of a change to the linked leave, seen when its fingerprint differs
// from the one the enrolment last saw.
struct LeaveChange {
  LeaveChangeKind kind;
  std::string words;  // "leave L1 changed: start 2027-03-01 -> 2028-01-01", for the history
  // An enrolment not yet consented (eligible, invited) whose leave no longer
  // qualifies is withdrawn by the lifecycle (next_step); later states are asked:
  std::optional<Question> question;
  // The pair's touchpoints move and its members are told (an accepted pair, leave still on).
  bool reschedule = false;
  // The planned end moved with the leave (active mentees; not an extended end).
  std::optional<Date> ends_on;
};

// nullopt when the leave is what the enrolment last saw (or it never saw one).
// paired_on: the accepted pair's date, when there is one.
std::optional<LeaveChange> leave_change(const domain::Programme& programme,
                                        const domain::Enrolment& enrolment,
                                        const std::optional<std::string>& old_fingerprint,
                                        const domain::Leave& leave, std::optional<Date> paired_on,
                                        Date today);

// The leave fingerprint an enrolment keeps after today's steps: the leave as it
// is now while the enrolment is open; a closed one keeps the leave as it was
// while open (seen_while_open), so that a later change of that leave is a new
// occasion to invite (plan.hpp).
std::optional<std::string> leave_to_remember(const domain::Enrolment& enrolment,
                                             const std::optional<std::string>& seen_while_open,
                                             const domain::Leave& leave);

// The mentor of an accepted pair is (now) in the mentee's management chain.
Question mentor_in_chain_question(const std::string& mentee_id, const std::string& mentor_id);

// ---- invitation rounds ----------------------------------------------------------

// Round 1 is the first invitation for a leave; each re-invitation after an
// expiry is the next round. The round of a stored enrolment: 1 + the earlier
// mentee enrolments of the same person, programme and leave.
int invitation_round(const domain::Enrolment& enrolment,
                     const std::vector<domain::Enrolment>& programme_enrolments);

// The key of an invitation: round 1 keeps the key stored databases hold
// (invite/<org>/<programme>/<person>/<leave>, invite-mentor/<org>/<programme>/<person>);
// a later round adds "r<round>", so a re-invitation is a new action.
domain::ActionKey invitation_key(std::string_view organisation, std::string_view programme,
                                 std::string_view person, std::string_view leave, domain::Role role,
                                 int round = 1);
// The key of the withdrawal of that invitation (withdraw/<org>/<programme>/<person>/<leave>
// for round 1, "/r<round>" after).
domain::ActionKey withdrawal_key(std::string_view organisation, std::string_view programme,
                                 std::string_view person, std::string_view leave, int round = 1);

// ---- reminders ------------------------------------------------------------------

// The day an open invitation was sent: its answer date less the programme's
// invitation_expiry_days (an invitation may come long after a wait for a
// place, so not the enrolment's created_on). nullopt without an answer date.
std::optional<Date> invited_on(const domain::Programme& programme,
                               const domain::Enrolment& enrolment);

// The reminder days (programme.reminder_days, counted from the invitation) that
// are due by today for an open invitation; a reminder is never later than the
// answer date. Empty for any other state.
std::vector<int> reminders_due(const domain::Programme& programme,
                               const domain::Enrolment& enrolment, Date today);

// ---- pay it forward -------------------------------------------------------------

enum class PayItForwardBlock {
  not_offered,  // the programme has no pay_it_forward_after_months
  not_a_completed_mentee,
  already_a_mentor,  // has a mentor enrolment in the programme, any state
  person_unknown,    // no longer in the HR records
  person_left,
  leave_cancelled,  // the leave never happened: nothing to pass on
  not_back_long_enough,
};
std::string_view to_string(PayItForwardBlock block);

// nullopt when the completed mentee is due an invitation to mentor today.
std::optional<PayItForwardBlock> pay_it_forward_block(const domain::Programme& programme,
                                                      const domain::Enrolment& mentee,
                                                      const domain::Leave* leave,
                                                      const domain::Person* person,
                                                      bool already_a_mentor, Date today);

// ---- extension ------------------------------------------------------------------

enum class ExtensionRefusal {
  not_active,      // only an active or extended enrolment is extended
  beyond_maximum,  // past max_duration_months from the start
};
std::string_view to_string(ExtensionRefusal refusal);

struct Extension {
  std::optional<ExtensionRefusal> refusal;
  std::string words;  // the refusal, or the cause for the history
  Date ends_on{};     // the new planned end (when not refused)
  Date limit{};       // the programme's latest end for this enrolment
};
Extension extension(const domain::Programme& programme, const domain::Enrolment& enrolment,
                    int months, Date today);

// ---- nomination (volunteers) ----------------------------------------------------

enum class NominationRefusal {
  already_enrolled,      // an open enrolment of that role in the programme
  no_mentor_volunteers,  // mentor.self_nomination is false
  no_mentee_volunteers,  // mentee.self_nomination is false: mentees come from their leave
  mentor_ineligible,     // mentor rules (leave lived through, experience, left)
  mentee_ineligible,     // mentee rules (experience, left)
};
std::string_view to_string(NominationRefusal refusal);

struct Nomination {
  std::optional<NominationRefusal> refusal;
  std::string field;  // the input field the refusal is about: "/person_id" or "/role"
  std::string words;
};
Nomination nomination(const domain::Programme& programme, domain::Role role,
                      const domain::Person& person, const std::vector<domain::Leave>& their_leave,
                      const std::vector<domain::Enrolment>& their_enrolments, Date today);

// More than `years` of work on record: the HR start date is the evidence (mentor
// and mentee rules alike).
bool has_experience(const domain::Person& person, double years, Date today);

// Whether someone may be a mentee in this programme today by the person's own
// record (experience, still employed); "" when yes. Leave rules are plan.hpp's.
std::string mentee_ineligibility(const domain::Programme& programme, const domain::Person& person,
                                 Date today);

// ---- planned end ----------------------------------------------------------------

// The planned end of an active or extended mentee (the sessions' tracking lasts
// until then): an extension keeps its end; otherwise the programme's length from
// the start, never before the last touchpoint. nullopt for other states and mentors.
std::optional<Date> planned_end_of(const domain::Programme& programme,
                                   const domain::Enrolment& enrolment, const domain::Leave* leave,
                                   std::optional<Date> paired_on);

}  // namespace mentoring::enrolment
