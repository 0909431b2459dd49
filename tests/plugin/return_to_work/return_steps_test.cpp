// The line manager's return-to-work steps as rules: a task per step with a due
// date anchored on the leave, moved with the leave, withdrawn when the leave
// is cancelled, HR told once a step is missed or nobody can act on it.
#include <mentoring/return_to_work/return_steps.hpp>

#include <gtest/gtest.h>

using namespace mentoring::domain;
using namespace mentoring::return_to_work;

namespace {

Date d(const char* text) {
  return parse_date(text).value();
}

Leave maternity(const char* start, const char* end, LeaveStatus status = LeaveStatus::approved) {
  Leave l;
  l.id = "L1", l.person_id = "P1", l.type = LeaveType::maternity;
  l.start = d(start), l.expected_end = d(end), l.status = status;
  return l;
}

Programme with_steps() {
  Programme p;
  p.id = "rtw";
  ReturnStep meeting;
  meeting.id = "return-meeting", meeting.name = "Return meeting";
  meeting.anchor = Anchor::return_to_work, meeting.offset_days = -14;
  ReturnStep phased;
  phased.id = "phased-return", phased.name = "Phased-return plan";
  phased.anchor = Anchor::leave_end, phased.offset_days = -30;
  p.return_steps = {meeting, phased};
  return p;
}

std::vector<StepEffectKind> kinds(const StepPlan& plan) {
  std::vector<StepEffectKind> out;
  for (const auto& e : plan.effects) out.push_back(e.kind);
  return out;
}

}  // namespace

TEST(ReturnSteps, TheDueDateIsAnchoredOnTheLeave) {
  Programme p = with_steps();
  Leave l = maternity("2027-03-01", "2027-11-30");
  EXPECT_EQ(due_date(p.return_steps[0], l), d("2027-11-17"));  // 14 days before 1 December
  EXPECT_EQ(due_date(p.return_steps[1], l), d("2027-10-31"));  // 30 days before 30 November
  ReturnStep start;
  start.anchor = Anchor::leave_start, start.offset_days = 7;
  EXPECT_EQ(due_date(start, l), d("2027-03-08"));
  l.actual_end = d("2027-10-15");  // an early return moves the anchor
  EXPECT_EQ(due_date(p.return_steps[0], l), d("2027-10-02"));
}

TEST(ReturnSteps, EachStepIsOneTaskToTheLineManagerSentOnce) {
  Programme p = with_steps();
  Leave l = maternity("2027-03-01", "2027-11-30");
  auto first = plan_return_steps(p, {l, "M1", true}, {}, d("2027-02-01"));
  ASSERT_EQ(first.effects.size(), 2u);
  EXPECT_EQ(first.effects[0].kind, StepEffectKind::send_task);
  EXPECT_EQ(first.effects[0].cause, StepCause::leave_planned);
  EXPECT_EQ(first.effects[0].line_manager_id, "M1");
  EXPECT_EQ(first.effects[0].due_on, d("2027-11-17"));
  EXPECT_EQ(first.effects[0].round, 1);
  ASSERT_EQ(first.steps.size(), 2u);
  EXPECT_EQ(first.steps[0].status, StepStatus::sent);
  auto again = plan_return_steps(p, {l, "M1", true}, first.steps, d("2027-06-01"));
  EXPECT_TRUE(again.effects.empty());
  EXPECT_EQ(again.steps[0].round, 1);
}

TEST(ReturnSteps, AMovedLeaveSupersedesTheTaskWithANewRound) {
  Programme p = with_steps();
  auto first = plan_return_steps(p, {maternity("2027-03-01", "2027-11-30"), "M1", true}, {},
                                 d("2027-02-01"));
  Leave later = maternity("2027-03-01", "2028-01-31");
  auto moved = plan_return_steps(p, {later, "M1", true}, first.steps, d("2027-06-01"));
  ASSERT_EQ(moved.effects.size(), 2u);
  const auto& e = moved.effects[0];
  EXPECT_EQ(e.kind, StepEffectKind::supersede_task);
  EXPECT_EQ(e.cause, StepCause::leave_moved);
  EXPECT_EQ(e.previous_due_on, d("2027-11-17"));
  EXPECT_EQ(e.due_on, d("2028-01-18"));
  EXPECT_EQ(e.round, 2);
  EXPECT_EQ(moved.steps[0].due_on, d("2028-01-18"));
}

TEST(ReturnSteps, ACancelledLeaveWithdrawsTheTasksSent) {
  Programme p = with_steps();
  auto first = plan_return_steps(p, {maternity("2027-03-01", "2027-11-30"), "M1", true}, {},
                                 d("2027-02-01"));
  Leave cancelled = maternity("2027-03-01", "2027-11-30", LeaveStatus::cancelled);
  auto plan = plan_return_steps(p, {cancelled, "M1", true}, first.steps, d("2027-02-10"));
  EXPECT_EQ(kinds(plan),
            (std::vector{StepEffectKind::withdraw_task, StepEffectKind::withdraw_task}));
  EXPECT_EQ(plan.effects[0].cause, StepCause::leave_cancelled);
  EXPECT_EQ(plan.effects[0].round, 1);
  EXPECT_EQ(plan.steps[0].status, StepStatus::withdrawn);
  // Nothing more once withdrawn, and never a missed flag.
  auto later = plan_return_steps(p, {cancelled, "M1", true}, plan.steps, d("2028-02-10"));
  EXPECT_TRUE(later.effects.empty());
}

TEST(ReturnSteps, ALeaveCancelledBeforeAnyTaskSendsNothing) {
  Programme p = with_steps();
  Leave cancelled = maternity("2027-03-01", "2027-11-30", LeaveStatus::cancelled);
  auto plan = plan_return_steps(p, {cancelled, "M1", true}, {}, d("2027-02-10"));
  EXPECT_TRUE(plan.effects.empty());
  EXPECT_TRUE(plan.steps.empty());
}

TEST(ReturnSteps, AMenteeWhoLeavesTheProgrammeWithdrawsTheTasks) {
  Programme p = with_steps();
  Leave l = maternity("2027-03-01", "2027-11-30");
  auto first = plan_return_steps(p, {l, "M1", true}, {}, d("2027-02-01"));
  auto plan = plan_return_steps(p, {l, "M1", false}, first.steps, d("2027-04-01"));
  ASSERT_EQ(plan.effects.size(), 2u);
  EXPECT_EQ(plan.effects[0].cause, StepCause::mentee_left);
}

TEST(ReturnSteps, NoLineManagerTellsHrAndTheTaskFollowsOnceOneIsKnown) {
  Programme p = with_steps();
  Leave l = maternity("2027-03-01", "2027-11-30");
  auto unknown = plan_return_steps(p, {l, std::nullopt, true}, {}, d("2027-02-01"));
  EXPECT_EQ(kinds(unknown), (std::vector{StepEffectKind::tell_no_line_manager,
                                         StepEffectKind::tell_no_line_manager}));
  EXPECT_EQ(unknown.effects[0].cause, StepCause::line_manager_unknown);
  EXPECT_EQ(unknown.steps[0].status, StepStatus::no_line_manager);
  EXPECT_TRUE(plan_return_steps(p, {l, std::nullopt, true}, unknown.steps, d("2027-03-01"))
                  .effects.empty());
  auto found = plan_return_steps(p, {l, "M2", true}, unknown.steps, d("2027-04-01"));
  ASSERT_EQ(found.effects.size(), 2u);
  EXPECT_EQ(found.effects[0].kind, StepEffectKind::send_task);
  EXPECT_EQ(found.effects[0].cause, StepCause::line_manager_found);
  EXPECT_EQ(found.effects[0].line_manager_id, "M2");
}

TEST(ReturnSteps, ANewLineManagerGetsTheTaskInsteadOfTheOldOne) {
  Programme p = with_steps();
  Leave l = maternity("2027-03-01", "2027-11-30");
  auto first = plan_return_steps(p, {l, "M1", true}, {}, d("2027-02-01"));
  auto plan = plan_return_steps(p, {l, "M2", true}, first.steps, d("2027-05-01"));
  ASSERT_EQ(plan.effects.size(), 2u);
  EXPECT_EQ(plan.effects[0].kind, StepEffectKind::supersede_task);
  EXPECT_EQ(plan.effects[0].cause, StepCause::line_manager_changed);
  EXPECT_EQ(plan.effects[0].previous_line_manager_id, "M1");
  EXPECT_EQ(plan.effects[0].line_manager_id, "M2");
}

TEST(ReturnSteps, AMissedStepIsFlaggedToHrOncePerDueDate) {
  Programme p = with_steps();
  p.return_steps.pop_back();
  Leave l = maternity("2027-03-01", "2027-11-30");
  auto first = plan_return_steps(p, {l, "M1", true}, {}, d("2027-02-01"));
  EXPECT_TRUE(plan_return_steps(p, {l, "M1", true}, first.steps, d("2027-11-17")).effects.empty());
  auto missed = plan_return_steps(p, {l, "M1", true}, first.steps, d("2027-11-20"));
  ASSERT_EQ(missed.effects.size(), 1u);
  EXPECT_EQ(missed.effects[0].kind, StepEffectKind::flag_missed);
  EXPECT_EQ(missed.effects[0].cause, StepCause::due_passed);
  EXPECT_EQ(missed.effects[0].days_overdue, 3);
  EXPECT_TRUE(plan_return_steps(p, {l, "M1", true}, missed.steps, d("2027-11-25")).effects.empty());
  // Moved later, then missed again: told again about the new date.
  Leave later = maternity("2027-03-01", "2027-12-31");
  auto moved = plan_return_steps(p, {later, "M1", true}, missed.steps, d("2027-11-26"));
  EXPECT_EQ(kinds(moved), std::vector{StepEffectKind::supersede_task});
  auto missed_again = plan_return_steps(p, {later, "M1", true}, moved.steps, d("2027-12-20"));
  EXPECT_EQ(kinds(missed_again), std::vector{StepEffectKind::flag_missed});
}

TEST(ReturnSteps, ADoneStepIsNeitherMovedNorFlagged) {
  Programme p = with_steps();
  p.return_steps.pop_back();
  Leave l = maternity("2027-03-01", "2027-11-30");
  auto first = plan_return_steps(p, {l, "M1", true}, {}, d("2027-02-01"));
  StepRecord record = first.steps[0];
  EXPECT_FALSE(mark_done(record, d("2027-11-10")));
  EXPECT_EQ(record.status, StepStatus::done);
  EXPECT_EQ(record.done_on, d("2027-11-10"));
  EXPECT_EQ(mark_done(record, d("2027-11-11")), DoneRefusal::already_done);
  EXPECT_FALSE(view_of(record, d("2028-01-01")).overdue);
  Leave later = maternity("2027-03-01", "2027-12-31");
  EXPECT_TRUE(plan_return_steps(p, {later, "M1", true}, {record}, d("2028-01-10")).effects.empty());
}

TEST(ReturnSteps, AWithdrawnStepCannotBeMarkedDone) {
  StepRecord record;
  record.status = StepStatus::withdrawn;
  EXPECT_EQ(mark_done(record, d("2027-11-10")), DoneRefusal::withdrawn);
}

TEST(ReturnSteps, TheOverdueViewCountsDaysPastTheDueDate) {
  StepRecord record;
  record.due_on = d("2027-11-17");
  EXPECT_FALSE(view_of(record, d("2027-11-17")).overdue);
  auto view = view_of(record, d("2027-11-27"));
  EXPECT_TRUE(view.overdue);
  EXPECT_EQ(view.days_overdue, 10);
}

TEST(ReturnSteps, EveryCauseHasWords) {
  for (auto c : {StepCause::leave_planned, StepCause::leave_moved, StepCause::line_manager_found,
                 StepCause::line_manager_changed, StepCause::leave_cancelled,
                 StepCause::mentee_left, StepCause::line_manager_unknown, StepCause::due_passed}) {
    EXPECT_NE(to_string(c), "?");
    EXPECT_GT(describe(c).size(), 10u);
  }
  for (auto s :
       {StepStatus::sent, StepStatus::no_line_manager, StepStatus::done, StepStatus::withdrawn}) {
    EXPECT_EQ(parse_step_status(to_string(s)), s);
  }
}

TEST(ReturnSteps, AMovedTaskNeverReusesTheKeyOfTheOneItReplaces) {
  Programme p = with_steps();
  p.return_steps.pop_back();
  auto first = plan_return_steps(p, {maternity("2027-03-01", "2027-11-30"), "M1", true}, {},
                                 d("2027-02-01"));
  auto moved = plan_return_steps(p, {maternity("2027-03-01", "2028-01-31"), "M1", true},
                                 first.steps, d("2027-06-01"));
  auto sent = step_key("nw", "rtw", "L1", first.effects[0]);
  auto replacement = step_key("nw", "rtw", "L1", moved.effects[0]);
  EXPECT_EQ(sent.text, "return-step/nw/rtw/L1/return-meeting/r1");
  EXPECT_EQ(replacement.text, "return-step/nw/rtw/L1/return-meeting/r2");
  EXPECT_EQ(replacement.kind, ActionKind::task);
  auto cancelled = plan_return_steps(
      p, {maternity("2027-03-01", "2028-01-31", LeaveStatus::cancelled), "M1", true}, moved.steps,
      d("2027-07-01"));
  auto withdrawn = step_key("nw", "rtw", "L1", cancelled.effects[0]);
  EXPECT_EQ(withdrawn.text, "return-step/nw/rtw/L1/return-meeting/r2/withdrawn");
  EXPECT_EQ(withdrawn.kind, ActionKind::notify);
  auto nobody = plan_return_steps(p, {maternity("2027-03-01", "2027-11-30"), std::nullopt, true},
                                  {}, d("2027-02-01"));
  EXPECT_EQ(step_key("nw", "rtw", "L1", nobody.effects[0]).text,
            "return-step/nw/rtw/L1/return-meeting/no-line-manager/2027-11-17");
}

TEST(ReturnSteps, StepsApplyWhilePairedActiveOrExtendedAndStayAsTheyStandOnceCompleted) {
  Person mentee;
  mentee.id = "P1";
  const Date today = d("2027-06-01");
  EXPECT_EQ(participation(EnrolmentState::paired, &mentee, today), Participation::taking_part);
  EXPECT_EQ(participation(EnrolmentState::active, &mentee, today), Participation::taking_part);
  EXPECT_EQ(participation(EnrolmentState::extended, &mentee, today), Participation::taking_part);
  EXPECT_EQ(participation(EnrolmentState::completed, &mentee, today), Participation::finished);
  EXPECT_EQ(participation(EnrolmentState::withdrawn, &mentee, today), Participation::left);
  EXPECT_EQ(participation(EnrolmentState::awaiting_pair, &mentee, today), Participation::left);
  EXPECT_EQ(participation(std::nullopt, &mentee, today), Participation::left);
}

TEST(ReturnSteps, AMenteeWhoLeftTheOrganisationNoLongerTakesPart) {
  Person mentee;
  mentee.id = "P1";
  mentee.end_date = d("2027-05-31");
  EXPECT_EQ(participation(EnrolmentState::active, &mentee, d("2027-06-01")), Participation::left);
  EXPECT_EQ(participation(EnrolmentState::active, &mentee, d("2027-05-30")),
            Participation::taking_part);
  EXPECT_EQ(participation(EnrolmentState::active, nullptr, d("2027-06-01")), Participation::left);
}
