// mentoring/overview/overview.hpp — HR's programme at a glance: enrolments by
// state, open invitations, the waiting list in order, the pairs with their
// last and next meeting, and everything overdue. Pure: the shell loads the
// facts (and asks the modules for their reports); every "overdue" here is the
// module's own rule (enrolment::answer_overdue, training::training_overdue_since,
// the supervision report, return_to_work::view_of), never derived again.
//
//   ProgrammeFacts facts{&programme, enrolments, leaves, reminders, pairs, trainees, steps};
//   ProgrammeOverview o = programme_overview(facts, today);
#pragma once

#include <mentoring/domain/date.hpp>
#include <mentoring/domain/programme.hpp>
#include <mentoring/domain/records.hpp>
#include <mentoring/return_to_work/return_steps.hpp>
#include <mentoring/supervision/pair_sessions.hpp>
#include <mentoring/training/training.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mentoring::overview {

using domain::Date;

// Where a pair stands, as HR reads it at a glance.
enum class PairStatus {
  on_track,          // the next meeting is not due yet
  overdue,           // the next meeting's day has passed
  missed,            // overdue by a whole cadence or more: a meeting was missed, not just late
  paused_for_leave,  // the mentee is on leave: nothing is due until the return
  ended,             // the pair ended, or the mentorship is past its planned end
  not_tracked,       // the supervision module is switched off: meetings are not followed
};
std::string_view to_string(PairStatus status);  // "on_track", ...
std::string_view describe(PairStatus status);   // the words for a page

// The status from the supervision module's report of the pair's sessions
// (every_weeks: the pair's cadence).
PairStatus pair_status(const supervision::PairSessionReport& report, int every_weeks);

// What is overdue.
enum class OverdueKind {
  invitation_answer,  // an open invitation past its answer date (expires at the next run)
  training,           // required courses still to do after the training deadline
  first_contact,      // a new pair recorded nothing within first_contact_within_days
  pair_session,       // a pair's next meeting is past its day
  return_step,        // a line manager's return-to-work step past its due date, not done
};
std::string_view to_string(OverdueKind kind);  // "invitation_answer", ...
std::string_view describe(OverdueKind kind);   // the words for a page

struct OverdueItem {
  OverdueKind kind = OverdueKind::invitation_answer;
  std::string person_id;  // whom it is about (a pair's mentee)
  // What exactly, as a value: the invitation's role ("mentee" / "mentor"),
  // the missing or lapsed course ids joined by ",", the pair id, the step id.
  std::string what;
  Date due_on{};
  int days_overdue = 0;
  std::optional<std::int64_t> pair_id;  // first_contact, pair_session
};

// The supervision module's view of one pair's meetings.
struct PairSessions {
  supervision::PairSessionReport report;
  int every_weeks = 4;
  int missed = 0;  // a pair: report.missed; a circle member: their own missed meetings
  std::optional<int> next_start_minutes;  // the agreed time of the next meeting, when moved
};

struct PairFacts {
  domain::Pair pair;
  std::optional<PairSessions> sessions;  // nullopt: not followed (supervision off)
};

struct TraineeFacts {
  domain::Enrolment enrolment;
  training::TrainingRules rules;
  training::TrainingStatus status;
};

struct ReturnStepFacts {
  std::string person_id;  // the mentee
  return_to_work::StepRecord record;
};

struct ProgrammeFacts {
  const domain::Programme* programme = nullptr;
  std::vector<domain::Enrolment> enrolments;   // the programme's, any state
  std::vector<domain::Leave> leaves;           // at least those the enrolments point to
  std::map<std::int64_t, int> reminders_sent;  // by enrolment id: invitation reminders enqueued
  std::vector<PairFacts> pairs;                // the programme's pairs, any state
  std::vector<TraineeFacts> trainees;          // empty while training is switched off
  std::vector<ReturnStepFacts> return_steps;   // empty while return_to_work is switched off
};

struct OpenInvitation {
  const domain::Enrolment* enrolment = nullptr;
  Date invited_on{};
  Date respond_by{};
  int reminders = 0;
  bool overdue = false;  // its answer date has passed
};

struct WaitingPlace {
  const domain::Enrolment* enrolment = nullptr;
  std::optional<Date> since;  // the day they started waiting (the enrolment's creation)
  int position = 0;           // 1: invited first when a place frees
};

struct PairRow {
  const domain::Pair* pair = nullptr;
  std::optional<Date> started_on;
  std::optional<Date> last_meeting_on;
  std::optional<Date> next_meeting_on;  // null once ended or when not followed
  std::optional<int> next_start_minutes;
  bool next_agreed = false;  // the next meeting was moved to an agreed day
  PairStatus status = PairStatus::on_track;
  int held = 0;
  int missed_meetings = 0;
  std::optional<Date> resumes_on;  // paused_for_leave: the return date
};

struct ProgrammeOverview {
  std::map<std::string, int> enrolments_by_state;  // state word -> count, both roles
  std::map<std::string, std::map<std::string, int>> enrolments_by_role;  // role -> state -> n
  std::vector<OpenInvitation> open_invitations;  // earliest answer date first
  std::vector<WaitingPlace> waiting_list;        // in the order places are offered
  std::vector<PairRow> pairs;                    // accepted and ended pairs, by id
  std::vector<OverdueItem> overdue;              // earliest due first
};

ProgrammeOverview programme_overview(const ProgrammeFacts& facts, Date today);

}  // namespace mentoring::overview
