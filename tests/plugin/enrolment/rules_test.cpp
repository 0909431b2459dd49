// Enrolment's rules as pure functions (plugin/enrolment, no plugin loaded):
// invitation rounds and their keys, leave changes, reminders, pay it forward,
// extension, nomination, the planned end, which leaves are upcoming.
#include <mentoring/enrolment/lifecycle.hpp>
#include <mentoring/enrolment/plan.hpp>
#include <mentoring/enrolment/rules.hpp>

#include <gtest/gtest.h>

#include "enrolment_records.hpp"

using namespace mentoring::domain;
using namespace mentoring::enrolment;
using enrolment_test::kToday;
using enrolment_test::leave;

namespace {

Programme programme_a() {
  Programme p;
  p.id = "rtw";
  p.name = "Return to work";
  p.mentee.leave_types = {LeaveType::maternity};
  p.mentee.invite_from_months_before = 6;
  p.mentee.invite_until_months_before = 3;
  p.mentee.min_leave_days = 90;
  p.mentor.leave_types = {LeaveType::maternity};
  p.invitation_expiry_days = 21;
  p.reminder_days = {7, 14};
  p.duration_months = 9;
  p.max_duration_months = 12;
  p.pay_it_forward_after_months = 6;
  p.touchpoints = {{"connect", "introduction", Anchor::pairing, 21},
                   {"re-entry", "first month back", Anchor::return_to_work, 30}};
  return p;
}

Person person(const std::string& id = "P1", const char* start_date = "2010-01-01") {
  Person p;
  p.id = id;
  p.name = "Name " + id;
  if (start_date) p.start_date = *parse_date(start_date);
  return p;
}

Enrolment mentee(EnrolmentState state, std::int64_t id = 1) {
  return Enrolment::make("P1", "rtw", Role::mentee, state, "L1", id);
}

std::map<std::string, Person> staff() {
  return {{"P1", person()}};
}

}  // namespace

// ---- invitation rounds --------------------------------------------------------

TEST(InvitationRounds, AnExpiredInvitationIsSentAgainAsRoundTwo) {
  Enrolment expired = mentee(EnrolmentState::expired);
  expired.respond_by = *parse_date("2026-11-30");
  auto result =
      plan(programme_a(), staff(), {leave("2027-04-01", "2027-09-30")}, {expired}, kToday);
  ASSERT_EQ(result.invitations.size(), 1u);
  EXPECT_EQ(result.invitations[0].round, 2);
  EXPECT_EQ(format_date(result.invitations[0].respond_by), "2026-12-22");
  EXPECT_NE(result.invitations[0].cause.find("no answer to the invitation by 2026-11-30"),
            std::string::npos);
}

TEST(InvitationRounds, AnInvitationExpiresIntoARoundOnlyAsOftenAsTheProgrammeAllows) {
  Programme a = programme_a();
  std::vector<Enrolment> twice = {mentee(EnrolmentState::expired, 1),
                                  mentee(EnrolmentState::expired, 2)};
  EXPECT_TRUE(
      plan(a, staff(), {leave("2027-04-01", "2027-09-30")}, twice, kToday).invitations.empty());
  a.reinvite_after_expiry = 0;
  EXPECT_TRUE(plan(a, staff(), {leave("2027-04-01", "2027-09-30")},
                   {mentee(EnrolmentState::expired)}, kToday)
                  .invitations.empty());
  a.reinvite_after_expiry = 2;
  auto third = plan(a, staff(), {leave("2027-04-01", "2027-09-30")}, twice, kToday);
  ASSERT_EQ(third.invitations.size(), 1u);
  EXPECT_EQ(third.invitations[0].round, 3);
}

TEST(InvitationRounds, ADeclineIsFinalForThatLeave) {
  auto result = plan(programme_a(), staff(), {leave("2027-04-01", "2027-09-30")},
                     {mentee(EnrolmentState::declined)}, kToday);
  EXPECT_TRUE(result.invitations.empty());
  EXPECT_TRUE(result.promotions.empty());
}

TEST(InvitationRounds, ADeclinedOrExpiredPersonHoldsNoPlaceInTheCohort) {
  Programme a = programme_a();
  a.cohort_capacity = 1;
  Leave l2 = leave("2027-04-10", "2027-09-30");
  l2.id = "L2";
  l2.person_id = "P2";
  std::vector<Enrolment> enrolments = {
      mentee(EnrolmentState::declined, 1),
      Enrolment::make("P2", "rtw", Role::mentee, EnrolmentState::eligible, "L2", 2)};
  auto result = plan(a, {{"P1", person()}, {"P2", person("P2")}},
                     {leave("2027-04-01", "2027-09-30"), l2}, enrolments, kToday);
  ASSERT_EQ(result.promotions.size(), 1u);
  EXPECT_EQ(result.promotions[0].person_id, "P2");
}

TEST(InvitationRounds,
     AWithdrawnInvitationIsRepeatedOnlyForALeaveChangedSinceAndNeverAfterConsent) {
  Leave now = leave("2027-04-01", "2027-09-30");
  Enrolment withdrawn = mentee(EnrolmentState::withdrawn);
  withdrawn.leave_fingerprint = leave_fingerprint(now);
  EXPECT_TRUE(plan(programme_a(), staff(), {now}, {withdrawn}, kToday).invitations.empty());
  withdrawn.leave_fingerprint = leave_fingerprint(leave("2028-04-01", "2028-09-30"));
  auto moved_back = plan(programme_a(), staff(), {now}, {withdrawn}, kToday);
  ASSERT_EQ(moved_back.invitations.size(), 1u);
  EXPECT_EQ(moved_back.invitations[0].round, 2);
  // Withdrawn after consent: the person's or the programme manager's decision stands.
  withdrawn.consent_on = *parse_date("2026-10-01");
  EXPECT_TRUE(plan(programme_a(), staff(), {now}, {withdrawn}, kToday).invitations.empty());
}

TEST(InvitationRounds, ARoundIsCountedFromTheEarlierEnrolmentsForTheSameLeave) {
  std::vector<Enrolment> all = {
      mentee(EnrolmentState::expired, 3), mentee(EnrolmentState::invited, 9),
      Enrolment::make("P1", "rtw", Role::mentee, EnrolmentState::completed, "L0", 1)};
  EXPECT_EQ(invitation_round(all[0], all), 1);
  EXPECT_EQ(invitation_round(all[1], all), 2);
  EXPECT_EQ(invitation_round(all[2], all), 1);
}

TEST(InvitationKeys, RoundOneKeepsTheStoredKeyAndEachLaterRoundIsANewKey) {
  EXPECT_EQ(invitation_key("nw", "rtw", "E1", "L7", Role::mentee).text, "invite/nw/rtw/E1/L7");
  EXPECT_EQ(invitation_key("nw", "rtw", "E1", "", Role::mentor).text, "invite-mentor/nw/rtw/E1");
  EXPECT_EQ(invitation_key("nw", "rtw", "E1", "L7", Role::mentee, 2).text,
            "invite/nw/rtw/E1/L7/r2");
  EXPECT_EQ(invitation_key("nw", "rtw", "E1", "L7", Role::mentee, 3).text,
            "invite/nw/rtw/E1/L7/r3");
  EXPECT_EQ(withdrawal_key("nw", "rtw", "E1", "L7").text, "withdraw/nw/rtw/E1/L7");
  EXPECT_EQ(withdrawal_key("nw", "rtw", "E1", "L7", 2).text, "withdraw/nw/rtw/E1/L7/r2");
  EXPECT_EQ(invitation_key("nw", "rtw", "E1", "L7", Role::mentee, 2).kind, ActionKind::invite);
}

// ---- which leaves are upcoming ------------------------------------------------

TEST(UpcomingLeave, LaterThanTheWindowOrAwaitingApprovalIsUpcomingCancelledIsNot) {
  auto reason = [](const Leave& l) { return *check_leave(programme_a(), l, kToday).reason; };
  EXPECT_EQ(reason(leave("2027-09-01", "2028-01-31")), LeaveIneligibility::starts_after_window);
  EXPECT_TRUE(upcoming(reason(leave("2027-09-01", "2028-01-31"))));
  Leave requested = leave("2027-04-01", "2027-09-30", LeaveStatus::requested);
  EXPECT_TRUE(upcoming(reason(requested)));
  Leave cancelled = leave("2027-04-01", "2027-09-30", LeaveStatus::cancelled);
  EXPECT_EQ(reason(cancelled), LeaveIneligibility::cancelled);
  EXPECT_FALSE(upcoming(reason(cancelled)));
  EXPECT_FALSE(upcoming(reason(leave("2027-01-10", "2027-09-30"))));  // too soon
  EXPECT_FALSE(upcoming(reason(leave("2027-04-01", "2027-04-30"))));  // too short
  EXPECT_TRUE(check_leave(programme_a(), leave("2027-04-01", "2027-09-30"), kToday).eligible());
}

TEST(UpcomingLeave, HrsListLeavesOutPeopleAlreadyEnrolledAndLeaveThatCannotBecomeEligible) {
  Leave later = leave("2027-09-01", "2028-01-31");  // P1: after the window
  Leave requested = leave("2027-04-01", "2027-09-30", LeaveStatus::requested);
  requested.id = "L2", requested.person_id = "P2";
  Leave too_soon = leave("2027-01-10", "2027-09-30");
  too_soon.id = "L3", too_soon.person_id = "P3";
  Leave eligible = leave("2027-04-01", "2027-09-30");
  eligible.id = "L4", eligible.person_id = "P4";
  std::vector<Leave> leaves = {later, requested, too_soon, eligible};

  auto listed = upcoming_leaves(programme_a(), leaves, {}, kToday);
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].leave, &leaves[0]);
  EXPECT_EQ(listed[0].reason, LeaveIneligibility::starts_after_window);
  EXPECT_FALSE(listed[0].words.empty());
  EXPECT_EQ(listed[1].leave->id, "L2");
  EXPECT_EQ(listed[1].reason, LeaveIneligibility::requested);

  // An open enrolment of either role in this programme takes the person off the list;
  // a closed one, or one in another programme, does not.
  auto mentor = Enrolment::make("P2", "rtw", Role::mentor, EnrolmentState::awaiting_pair);
  auto declined = Enrolment::make("P1", "rtw", Role::mentee, EnrolmentState::declined, "L9");
  auto elsewhere = Enrolment::make("P1", "other", Role::mentee, EnrolmentState::active, "L1");
  listed = upcoming_leaves(programme_a(), leaves, {mentor, declined, elsewhere}, kToday);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].leave->id, "L1");
}

// ---- leave changes ------------------------------------------------------------

TEST(LeaveChanges, ALeaveMovedBeyondTheWindowWithdrawsAnOpenInvitation) {
  Enrolment invited = mentee(EnrolmentState::invited);
  Leave moved = leave("2027-10-01", "2028-03-31");
  Person p = person();
  auto step = next_step(programme_a(), {invited, &p, &moved}, kToday);
  ASSERT_TRUE(step);
  EXPECT_EQ(step->to, EnrolmentState::withdrawn);
  EXPECT_EQ(step->why, StepCause::leave_left_the_window);
}

TEST(LeaveChanges, ALeaveCutBelowTheMinimumWithdrawsAnOpenInvitationOrAWaitingPlace) {
  Leave cut = leave("2027-04-01", "2027-05-31");  // 61 days
  Person p = person();
  for (auto state : {EnrolmentState::invited, EnrolmentState::eligible}) {
    Enrolment e = mentee(state);
    auto step = next_step(programme_a(), {e, &p, &cut}, kToday);
    ASSERT_TRUE(step);
    EXPECT_EQ(step->to, EnrolmentState::withdrawn);
    EXPECT_EQ(step->why, StepCause::leave_below_minimum);
    EXPECT_NE(step->cause.find("61 days"), std::string::npos) << step->cause;
  }
}

TEST(LeaveChanges, ALeaveStartingSoonerAsTimePassesKeepsTheInvitation) {
  Enrolment invited = mentee(EnrolmentState::invited);
  invited.respond_by = *parse_date("2027-03-01");
  Leave near = leave("2027-01-15", "2027-09-30");  // before the window opening: what it was for
  Person p = person();
  EXPECT_FALSE(next_step(programme_a(), {invited, &p, &near}, kToday));
}

TEST(LeaveChanges, AfterConsentALeaveThatNoLongerFitsIsAQuestionForTheProgrammeManager) {
  Leave before = leave("2027-04-01", "2027-09-30");
  Leave moved = leave("2028-02-01", "2028-07-31");
  Enrolment waiting = mentee(EnrolmentState::awaiting_pair);
  auto change =
      leave_change(programme_a(), waiting, leave_fingerprint(before), moved, std::nullopt, kToday);
  ASSERT_TRUE(change);
  EXPECT_EQ(change->kind, LeaveChangeKind::left_the_window);
  ASSERT_TRUE(change->question);
  EXPECT_EQ(change->question->reason, QuestionReason::leave_no_longer_fits);
  EXPECT_FALSE(change->reschedule);  // no pair yet

  Leave cancelled = leave("2027-04-01", "2027-09-30", LeaveStatus::cancelled);
  auto gone = leave_change(programme_a(), waiting, leave_fingerprint(before), cancelled,
                           std::nullopt, kToday);
  ASSERT_TRUE(gone && gone->question);
  EXPECT_EQ(gone->kind, LeaveChangeKind::cancelled);
  EXPECT_EQ(gone->question->reason, QuestionReason::leave_cancelled);
}

TEST(LeaveChanges, BeforeConsentTheLifecycleWithdrawsAndNobodyIsAsked) {
  Leave before = leave("2027-04-01", "2027-09-30");
  auto change =
      leave_change(programme_a(), mentee(EnrolmentState::invited), leave_fingerprint(before),
                   leave("2028-02-01", "2028-07-31"), std::nullopt, kToday);
  ASSERT_TRUE(change);
  EXPECT_FALSE(change->question);
}

TEST(LeaveChanges, AMovedLeaveMovesTheScheduleAndThePlannedEndOfAnActiveMentee) {
  Leave before = leave("2027-04-01", "2027-09-30");
  Leave later = leave("2027-05-01", "2028-03-31");
  Enrolment active = mentee(EnrolmentState::active);
  active.started_on = kToday;
  active.ends_on = *parse_date("2027-10-30");
  auto change =
      leave_change(programme_a(), active, leave_fingerprint(before), later, kToday, kToday);
  ASSERT_TRUE(change);
  EXPECT_EQ(change->kind, LeaveChangeKind::dates_moved);
  EXPECT_TRUE(change->reschedule);
  ASSERT_TRUE(change->ends_on);
  EXPECT_EQ(format_date(*change->ends_on), "2028-05-01");  // return 2028-04-01 + 30 days
  EXPECT_FALSE(
      leave_change(programme_a(), active, leave_fingerprint(later), later, kToday, kToday));
}

// ---- training switched off ----------------------------------------------------

TEST(Training, SwitchedOffForTheOrganisationNothingIsRequired) {
  OrgPolicy policy;
  policy.modules.training = false;
  EXPECT_FALSE(training_required(policy));
  policy.modules.training = true;
  EXPECT_TRUE(training_required(policy));
}

// ---- reminders ----------------------------------------------------------------

TEST(Reminders, DueFromTheInvitationDayAndNeverAfterTheAnswerDate) {
  Programme a = programme_a();
  a.reminder_days = {7, 14, 30};
  Enrolment invited = mentee(EnrolmentState::invited);
  invited.respond_by = *parse_date("2026-12-22");  // invited 2026-12-01
  EXPECT_TRUE(reminders_due(a, invited, *parse_date("2026-12-07")).empty());
  EXPECT_EQ(reminders_due(a, invited, *parse_date("2026-12-08")), std::vector<int>{7});
  EXPECT_EQ(reminders_due(a, invited, *parse_date("2027-02-01")), (std::vector<int>{7, 14}));
  EXPECT_TRUE(reminders_due(a, mentee(EnrolmentState::expired), kToday).empty());
}

// ---- pay it forward -----------------------------------------------------------

TEST(PayItForward, ACompletedMenteeBackSixMonthsIsInvitedToMentor) {
  Enrolment done = mentee(EnrolmentState::completed);
  Leave l = leave("2026-01-01", "2026-05-31");
  Person p = person();
  EXPECT_FALSE(pay_it_forward_block(programme_a(), done, &l, &p, false, kToday));
  EXPECT_EQ(pay_it_forward_block(programme_a(), done, &l, &p, true, kToday),
            PayItForwardBlock::already_a_mentor);
  EXPECT_EQ(pay_it_forward_block(programme_a(), done, &l, &p, false, *parse_date("2026-11-30")),
            PayItForwardBlock::not_back_long_enough);
}

TEST(PayItForward, NeverInvitesAPersonWhoseLeaveWasCancelledOrDenied) {
  Enrolment done = mentee(EnrolmentState::completed);
  Person p = person();
  for (auto status : {LeaveStatus::cancelled, LeaveStatus::denied}) {
    Leave l = leave("2026-01-01", "2026-05-31", status);
    EXPECT_EQ(pay_it_forward_block(programme_a(), done, &l, &p, false, kToday),
              PayItForwardBlock::leave_cancelled);
  }
}

TEST(PayItForward, NeverInvitesAPersonWhoLeftOrIsNoLongerKnown) {
  Enrolment done = mentee(EnrolmentState::completed);
  Leave l = leave("2026-01-01", "2026-05-31");
  Person left = person();
  left.end_date = *parse_date("2026-11-01");
  EXPECT_EQ(pay_it_forward_block(programme_a(), done, &l, &left, false, kToday),
            PayItForwardBlock::person_left);
  EXPECT_EQ(pay_it_forward_block(programme_a(), done, &l, nullptr, false, kToday),
            PayItForwardBlock::person_unknown);
}

// ---- extension ----------------------------------------------------------------

TEST(Extension, AnActiveEnrolmentIsExtendedUpToTheProgrammesMaximum) {
  Enrolment active = mentee(EnrolmentState::active);
  active.started_on = *parse_date("2026-01-01");
  active.ends_on = *parse_date("2026-10-01");
  auto ok = extension(programme_a(), active, 3, kToday);
  EXPECT_FALSE(ok.refusal);
  EXPECT_EQ(format_date(ok.ends_on), "2027-01-01");
  auto too_far = extension(programme_a(), active, 4, kToday);
  EXPECT_EQ(too_far.refusal, ExtensionRefusal::beyond_maximum);
  EXPECT_NE(too_far.words.find("2027-01-01"), std::string::npos) << too_far.words;
  EXPECT_EQ(extension(programme_a(), mentee(EnrolmentState::awaiting_pair), 1, kToday).refusal,
            ExtensionRefusal::not_active);
}

// ---- nomination ---------------------------------------------------------------

TEST(Nomination, ProgrammeCsMenteeNeedsMoreThanFiveYearsExperienceLikeItsMentor) {
  Programme c = programme_a();
  c.mentee.leave_types.clear();
  c.mentee.self_nomination = true;
  c.mentee.min_experience_years = 5;
  auto young = nomination(c, Role::mentee, person("P1", "2024-09-01"), {}, {}, kToday);
  EXPECT_EQ(young.refusal, NominationRefusal::mentee_ineligible);
  EXPECT_EQ(young.field, "/person_id");
  EXPECT_NE(young.words.find("5 years"), std::string::npos) << young.words;
  auto unknown_start = nomination(c, Role::mentee, person("P1", nullptr), {}, {}, kToday);
  EXPECT_EQ(unknown_start.refusal, NominationRefusal::mentee_ineligible);
  EXPECT_FALSE(nomination(c, Role::mentee, person("P1", "2015-01-01"), {}, {}, kToday).refusal);
}

TEST(Nomination, ALeaveLinkedProgrammeInvitesMenteesFromTheirLeaveOnly) {
  auto refused = nomination(programme_a(), Role::mentee, person(), {}, {}, kToday);
  EXPECT_EQ(refused.refusal, NominationRefusal::no_mentee_volunteers);
  EXPECT_EQ(refused.field, "/role");
}

TEST(Nomination, AnOpenEnrolmentOfTheSameRoleIsNotDoubled) {
  Enrolment open = Enrolment::make("P1", "rtw", Role::mentor, EnrolmentState::awaiting_pair);
  auto refused = nomination(programme_a(), Role::mentor, person(), {}, {open}, kToday);
  EXPECT_EQ(refused.refusal, NominationRefusal::already_enrolled);
}

TEST(Nomination, AMentorNeedsTheLeaveTheProgrammeAsksFor) {
  Programme a = programme_a();
  a.mentor.leave_within_years = 5;
  EXPECT_EQ(nomination(a, Role::mentor, person(), {}, {}, kToday).refusal,
            NominationRefusal::mentor_ineligible);
  EXPECT_FALSE(
      nomination(a, Role::mentor, person(), {leave("2023-01-01", "2023-09-30")}, {}, kToday)
          .refusal);
}

TEST(Plan, ALeaveLinkedProgrammeWithAnExperienceRuleDoesNotInviteTheInexperienced) {
  Programme a = programme_a();
  a.mentee.min_experience_years = 5;
  std::map<std::string, Person> young = {{"P1", person("P1", "2024-01-01")}};
  EXPECT_TRUE(plan(a, young, {leave("2027-04-01", "2027-09-30")}, {}, kToday).invitations.empty());
  EXPECT_EQ(plan(a, staff(), {leave("2027-04-01", "2027-09-30")}, {}, kToday).invitations.size(),
            1u);
}

// ---- planned end ----------------------------------------------------------------

TEST(PlannedEnd, AnActiveMenteeEndsAfterTheLastTouchpointAndAnExtensionKeepsItsEnd) {
  Enrolment active = mentee(EnrolmentState::active);
  active.started_on = kToday;
  Leave l = leave("2027-04-01", "2027-12-31");
  auto end = planned_end_of(programme_a(), active, &l, kToday);
  ASSERT_TRUE(end);
  EXPECT_EQ(format_date(*end), "2028-01-31");  // return 2028-01-01 + 30, later than 9 months
  Enrolment extended = active;
  extended.state = EnrolmentState::extended;
  extended.ends_on = *parse_date("2028-03-01");
  EXPECT_EQ(planned_end_of(programme_a(), extended, &l, kToday), extended.ends_on);
  EXPECT_FALSE(planned_end_of(programme_a(), mentee(EnrolmentState::awaiting_pair), &l, kToday));
}

TEST(LeaveChanges, AClosedEnrolmentRemembersTheLeaveAsItWasWhileOpen) {
  Leave before = leave("2027-04-01", "2027-09-30");
  Leave moved = leave("2028-02-01", "2028-07-31");
  EXPECT_EQ(leave_to_remember(mentee(EnrolmentState::withdrawn), leave_fingerprint(before), moved),
            leave_fingerprint(before));
  EXPECT_EQ(leave_to_remember(mentee(EnrolmentState::invited), leave_fingerprint(before), moved),
            leave_fingerprint(moved));
}
