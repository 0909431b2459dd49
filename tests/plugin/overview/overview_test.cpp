// HR's programme at a glance (plugin/overview): each part comes from its
// module's own rule, so these tests hold the overview to those rules.
#include <mentoring/enrolment/plan.hpp>
#include <mentoring/overview/overview.hpp>

#include <gtest/gtest.h>

using namespace mentoring;
using namespace mentoring::overview;
using domain::Date;
using domain::Enrolment;
using domain::EnrolmentState;
using domain::Role;

namespace {

Date day(const char* text) {
  return domain::parse_date(text).value();
}

domain::Programme programme() {
  domain::Programme p;
  p.id = "rtw";
  p.name = "Return to work";
  p.invitation_expiry_days = 21;
  p.reminder_days = {7, 14};
  p.mentee.leave_types = {domain::LeaveType::maternity};
  return p;
}

Enrolment make_enrolment(std::int64_t id, const char* person, EnrolmentState state,
                         Role role = Role::mentee) {
  auto e = Enrolment::make(person, "rtw", role, state, std::nullopt, id);
  e.created_on = day("2027-01-01");
  return e;
}

domain::Leave leave(const char* id, const char* person, const char* start) {
  domain::Leave l;
  l.id = id, l.person_id = person, l.type = domain::LeaveType::maternity;
  l.start = day(start), l.expected_end = day(start) + std::chrono::days{180};
  l.status = domain::LeaveStatus::approved;
  return l;
}

domain::Pair pair(std::int64_t id, const char* mentee, const char* mentor, domain::PairState state,
                  std::optional<Date> accepted_on) {
  domain::Pair p;
  p.id = id, p.programme_id = "rtw", p.mentee_id = mentee, p.mentor_id = mentor;
  p.state = state, p.accepted_on = accepted_on;
  return p;
}

PairSessions sessions_of(const supervision::PairFacts& facts, Date today) {
  supervision::PairSessionRules rules;
  rules.first_contact_within_days = 14;
  auto report = supervision::pair_session_report(rules, facts, today);
  return {report, facts.every_weeks, report.missed, std::nullopt};
}

}  // namespace

TEST(PairStatus, FollowsTheSupervisionReportAndCallsAWholeCadenceOverdueMissed) {
  supervision::PairFacts facts{day("2027-01-04"), 4, {day("2027-01-04")}, day("2027-12-31"), {}};
  supervision::PairSessionRules rules;
  // Next due 2027-02-01 (four weeks after the meeting).
  EXPECT_EQ(pair_status(supervision::pair_session_report(rules, facts, day("2027-02-01")), 4),
            PairStatus::on_track);
  EXPECT_EQ(pair_status(supervision::pair_session_report(rules, facts, day("2027-02-02")), 4),
            PairStatus::overdue);
  EXPECT_EQ(pair_status(supervision::pair_session_report(rules, facts, day("2027-02-28")), 4),
            PairStatus::overdue);  // 27 days overdue
  EXPECT_EQ(pair_status(supervision::pair_session_report(rules, facts, day("2027-03-01")), 4),
            PairStatus::missed);  // 28 days: the next one would be due too
  // A two-week cadence misses sooner.
  facts.every_weeks = 2;
  EXPECT_EQ(pair_status(supervision::pair_session_report(rules, facts, day("2027-02-01")), 2),
            PairStatus::missed);
  // Past the planned end: ended, whatever was missed.
  EXPECT_EQ(pair_status(supervision::pair_session_report(rules, facts, day("2028-01-01")), 4),
            PairStatus::ended);
  // The mentee on leave: paused.
  facts.paused = {{day("2027-03-01"), day("2027-09-01")}};
  EXPECT_EQ(pair_status(supervision::pair_session_report(rules, facts, day("2027-04-01")), 2),
            PairStatus::paused_for_leave);
  EXPECT_EQ(to_string(PairStatus::missed), "missed");
  EXPECT_EQ(to_string(PairStatus::paused_for_leave), "paused_for_leave");
}

TEST(ProgrammeOverview, CountsEnrolmentsByStateAndByRole) {
  auto p = programme();
  ProgrammeFacts facts{&p, {}, {}, {}, {}, {}, {}};
  facts.enrolments = {make_enrolment(1, "A", EnrolmentState::invited),
                      make_enrolment(2, "B", EnrolmentState::invited, Role::mentor),
                      make_enrolment(3, "C", EnrolmentState::paired),
                      make_enrolment(4, "D", EnrolmentState::declined)};
  facts.enrolments[0].respond_by = day("2027-01-22");
  facts.enrolments[1].respond_by = day("2027-01-25");
  auto o = programme_overview(facts, day("2027-01-10"));
  EXPECT_EQ(o.enrolments_by_state,
            (std::map<std::string, int>{{"invited", 2}, {"paired", 1}, {"declined", 1}}));
  EXPECT_EQ(o.enrolments_by_role["mentor"], (std::map<std::string, int>{{"invited", 1}}));
  EXPECT_EQ(o.enrolments_by_role["mentee"].at("invited"), 1);
}

TEST(ProgrammeOverview, OpenInvitationsCarryTheirDatesRemindersAndAreOverdueOnlyPastTheAnswerDate) {
  auto p = programme();
  ProgrammeFacts facts{&p, {}, {}, {}, {}, {}, {}};
  facts.enrolments = {make_enrolment(1, "LATE", EnrolmentState::invited),
                      make_enrolment(2, "EARLY", EnrolmentState::invited)};
  // Invited after a wait for a place: the invitation day comes from the answer date.
  facts.enrolments[0].respond_by = day("2027-02-21");
  facts.enrolments[1].respond_by = day("2027-02-10");
  facts.reminders_sent = {{1, 1}};
  auto on_the_day = programme_overview(facts, day("2027-02-10"));
  ASSERT_EQ(on_the_day.open_invitations.size(), 2u);
  const auto& first = on_the_day.open_invitations[0];  // earliest answer date first
  EXPECT_EQ(first.enrolment->person_id, "EARLY");
  EXPECT_EQ(first.invited_on, day("2027-01-20"));
  EXPECT_EQ(first.reminders, 0);
  EXPECT_FALSE(first.overdue);  // the answer date itself is still in time
  EXPECT_EQ(on_the_day.open_invitations[1].invited_on, day("2027-01-31"));
  EXPECT_EQ(on_the_day.open_invitations[1].reminders, 1);
  EXPECT_TRUE(on_the_day.overdue.empty());

  auto next_day = programme_overview(facts, day("2027-02-11"));
  EXPECT_TRUE(next_day.open_invitations[0].overdue);
  ASSERT_EQ(next_day.overdue.size(), 1u);
  EXPECT_EQ(next_day.overdue[0].kind, OverdueKind::invitation_answer);
  EXPECT_EQ(next_day.overdue[0].person_id, "EARLY");
  EXPECT_EQ(next_day.overdue[0].what, "mentee");
  EXPECT_EQ(next_day.overdue[0].due_on, day("2027-02-10"));
  EXPECT_EQ(next_day.overdue[0].days_overdue, 1);
}

TEST(ProgrammeOverview, TheWaitingListIsInTheOrderThePlanOffersPlaces) {
  auto p = programme();
  p.cohort_capacity = 1;
  ProgrammeFacts facts{&p, {}, {}, {}, {}, {}, {}};
  // Enrolled in one order, leaves in another: the earliest leave is offered first.
  facts.enrolments = {make_enrolment(1, "TAKING_PART", EnrolmentState::paired),
                      make_enrolment(2, "LATE_LEAVE", EnrolmentState::eligible),
                      make_enrolment(3, "EARLY_LEAVE", EnrolmentState::eligible),
                      make_enrolment(4, "SAME_DAY_LATER_ID", EnrolmentState::eligible)};
  facts.enrolments[1].leave_id = "L2";
  facts.enrolments[2].leave_id = "L3";
  facts.enrolments[3].leave_id = "L4";
  facts.enrolments[2].created_on = day("2027-01-05");
  facts.leaves = {leave("L2", "LATE_LEAVE", "2027-09-01"), leave("L3", "EARLY_LEAVE", "2027-06-01"),
                  leave("L4", "SAME_DAY_LATER_ID", "2027-09-01")};
  auto o = programme_overview(facts, day("2027-02-01"));
  ASSERT_EQ(o.waiting_list.size(), 3u);
  EXPECT_EQ(o.waiting_list[0].enrolment->person_id, "EARLY_LEAVE");
  EXPECT_EQ(o.waiting_list[0].position, 1);
  EXPECT_EQ(o.waiting_list[0].since, day("2027-01-05"));
  EXPECT_EQ(o.waiting_list[1].enrolment->person_id, "LATE_LEAVE");
  EXPECT_EQ(o.waiting_list[2].enrolment->person_id, "SAME_DAY_LATER_ID");
  EXPECT_EQ(o.waiting_list[2].position, 3);

  // The place that frees goes to position 1: the plan's own promotion.
  facts.enrolments[0].state = EnrolmentState::completed;
  auto plan = enrolment::plan(p, {}, facts.leaves, facts.enrolments, day("2027-02-01"));
  ASSERT_EQ(plan.promotions.size(), 1u);
  EXPECT_EQ(plan.promotions[0].person_id, o.waiting_list[0].enrolment->person_id);
}

TEST(ProgrammeOverview, PairsShowLastAndNextMeetingWithTheirStatusAndWhatIsOverdue) {
  auto p = programme();
  ProgrammeFacts facts{&p, {}, {}, {}, {}, {}, {}};
  const Date today = day("2027-03-10");
  supervision::PairFacts met{
      day("2027-01-04"), 4, {day("2027-01-05"), day("2027-03-01")}, day("2027-12-31"), {}};
  supervision::PairFacts silent{day("2027-01-04"), 4, {}, day("2027-12-31"), {}};
  facts.pairs = {
      {pair(1, "M1", "R1", domain::PairState::accepted, day("2027-01-04")),
       sessions_of(met, today)},
      {pair(2, "M2", "R2", domain::PairState::accepted, day("2027-01-04")),
       sessions_of(silent, today)},
      {pair(3, "M3", "R3", domain::PairState::proposed, std::nullopt), std::nullopt},
      {pair(4, "M4", "R4", domain::PairState::ended, day("2027-01-04")),
       sessions_of(silent, today)},
      {pair(5, "M5", "R5", domain::PairState::accepted, day("2027-01-04")), std::nullopt}};
  auto o = programme_overview(facts, today);
  ASSERT_EQ(o.pairs.size(), 4u);  // a proposal is not a pair yet
  const auto& on_track = o.pairs[0];
  EXPECT_EQ(on_track.pair->id, 1);
  EXPECT_EQ(on_track.status, PairStatus::on_track);
  EXPECT_EQ(on_track.last_meeting_on, day("2027-03-01"));
  EXPECT_EQ(on_track.next_meeting_on, day("2027-03-29"));
  EXPECT_EQ(on_track.held, 2);
  EXPECT_EQ(on_track.started_on, day("2027-01-04"));

  const auto& never_met = o.pairs[1];
  EXPECT_EQ(never_met.status, PairStatus::missed);  // due 02-01, 37 days ago
  EXPECT_EQ(never_met.last_meeting_on, std::nullopt);
  EXPECT_EQ(never_met.next_meeting_on, day("2027-02-01"));
  EXPECT_EQ(never_met.missed_meetings, 2);  // two cadences since the pairing, none held

  EXPECT_EQ(o.pairs[2].status, PairStatus::ended);  // the pair's own state wins
  EXPECT_EQ(o.pairs[2].next_meeting_on, std::nullopt);
  EXPECT_EQ(o.pairs[3].status, PairStatus::not_tracked);
  EXPECT_EQ(o.pairs[3].next_meeting_on, std::nullopt);

  // Overdue: the silent pair's first contact (due 01-18) and its session (due 02-01), by date;
  // nothing for the ended pair.
  ASSERT_EQ(o.overdue.size(), 2u);
  EXPECT_EQ(o.overdue[0].kind, OverdueKind::first_contact);
  EXPECT_EQ(o.overdue[0].due_on, day("2027-01-18"));
  EXPECT_EQ(o.overdue[0].person_id, "M2");
  EXPECT_EQ(o.overdue[0].pair_id, 2);
  EXPECT_EQ(o.overdue[1].kind, OverdueKind::pair_session);
  EXPECT_EQ(o.overdue[1].what, "2");
  EXPECT_EQ(o.overdue[1].days_overdue, 37);
}

TEST(ProgrammeOverview, TrainingIsOverdueOnlyPastTheDeadlineWithCoursesStillToDo) {
  auto p = programme();
  ProgrammeFacts facts{&p, {}, {}, {}, {}, {}, {}};
  training::TrainingRules rules;
  rules.required_courses = {"MT-1", "MT-2"};
  rules.deadline_days = 30;
  auto mentor = make_enrolment(7, "R1", EnrolmentState::awaiting_training, Role::mentor);
  mentor.consent_on = day("2027-01-10");  // deadline 2027-02-09
  std::vector<domain::CourseCompletion> done = {{"R1", "MT-2", day("2027-01-20"), std::nullopt}};
  auto at = [&](const char* today) {
    facts.trainees = {{mentor, rules, training::training_status(rules, done, day(today))}};
    return programme_overview(facts, day(today));
  };
  EXPECT_TRUE(at("2027-02-09").overdue.empty());
  auto late = at("2027-02-10");
  ASSERT_EQ(late.overdue.size(), 1u);
  EXPECT_EQ(late.overdue[0].kind, OverdueKind::training);
  EXPECT_EQ(late.overdue[0].person_id, "R1");
  EXPECT_EQ(late.overdue[0].what, "MT-1");
  EXPECT_EQ(late.overdue[0].due_on, day("2027-02-09"));
  // The same day the plan sends its "overdue" reminder: one rule.
  auto steps = training::plan_training(rules, {"R1", mentor.consent_on},
                                       training::training_status(rules, done, day("2027-02-10")),
                                       day("2027-02-10"));
  EXPECT_TRUE(
      std::any_of(steps.begin(), steps.end(), [](const auto& s) { return s.reason == "overdue"; }));
  done.push_back({"R1", "MT-1", day("2027-02-12"), std::nullopt});
  EXPECT_TRUE(at("2027-02-12").overdue.empty());
}

TEST(ProgrammeOverview, AReturnStepIsOverdueWhileSentAndPastItsDay) {
  auto p = programme();
  ProgrammeFacts facts{&p, {}, {}, {}, {}, {}, {}};
  return_to_work::StepRecord sent;
  sent.step_id = "return-meeting";
  sent.due_on = day("2027-05-01");
  sent.status = return_to_work::StepStatus::sent;
  auto done = sent;
  done.step_id = "phased-plan";
  done.status = return_to_work::StepStatus::done;
  done.done_on = day("2027-04-30");
  auto withdrawn = sent;
  withdrawn.step_id = "withdrawn-step";
  withdrawn.status = return_to_work::StepStatus::withdrawn;
  facts.return_steps = {{"M1", sent}, {"M1", done}, {"M2", withdrawn}};
  EXPECT_TRUE(programme_overview(facts, day("2027-05-01")).overdue.empty());
  auto o = programme_overview(facts, day("2027-05-04"));
  ASSERT_EQ(o.overdue.size(), 1u);
  EXPECT_EQ(o.overdue[0].kind, OverdueKind::return_step);
  EXPECT_EQ(o.overdue[0].what, "return-meeting");
  EXPECT_EQ(o.overdue[0].person_id, "M1");
  EXPECT_EQ(o.overdue[0].days_overdue, 3);
}

TEST(ProgrammeOverview, OverdueIsEarliestFirstAcrossModules) {
  auto p = programme();
  ProgrammeFacts facts{&p, {}, {}, {}, {}, {}, {}};
  facts.enrolments = {make_enrolment(1, "INVITED", EnrolmentState::invited)};
  facts.enrolments[0].respond_by = day("2027-05-03");
  return_to_work::StepRecord step;
  step.step_id = "return-meeting";
  step.due_on = day("2027-05-01");
  facts.return_steps = {{"M1", step}};
  auto o = programme_overview(facts, day("2027-05-10"));
  ASSERT_EQ(o.overdue.size(), 2u);
  EXPECT_EQ(o.overdue[0].kind, OverdueKind::return_step);
  EXPECT_EQ(o.overdue[1].kind, OverdueKind::invitation_answer);
  EXPECT_EQ(to_string(OverdueKind::invitation_answer), "invitation_answer");
}
