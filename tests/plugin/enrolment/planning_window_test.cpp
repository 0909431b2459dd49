// Issue 16: the enrolment pass reads only what the plan can act on. The planning window
// (enrolment::planning_window) holds exactly the leave check_leave may find eligible, and
// plan() given only what plan_needs asks for answers what it answers given every record.
// Also: next_step reads the training facts training_facts_read names, no others.
#include <mentoring/enrolment/lifecycle.hpp>
#include <mentoring/enrolment/plan.hpp>

#include <gtest/gtest.h>

#include <random>
#include <sstream>

using namespace mentoring::domain;
namespace enrolment = mentoring::enrolment;

namespace {

const Date kToday = *parse_date("2026-12-01");

Programme programme_a() {
  Programme p;
  p.id = "return-to-work";
  p.name = "Return to work";
  p.mentee.leave_types = {LeaveType::maternity, LeaveType::paternity, LeaveType::adoption};
  p.mentee.invite_from_months_before = 6;
  p.mentee.invite_until_months_before = 3;
  p.mentee.min_leave_days = 90;
  p.invitation_expiry_days = 21;
  return p;
}

Leave leave_starting(Date start, const std::string& id = "L1") {
  Leave l;
  l.id = id;
  l.person_id = "P1";
  l.type = LeaveType::maternity;
  l.start = start;
  l.expected_end = start + std::chrono::days{179};
  l.status = LeaveStatus::approved;
  return l;
}

std::string describe(const enrolment::Plan& plan) {
  std::ostringstream out;
  for (const auto& i : plan.invitations) {
    out << "invite " << i.person_id << " " << i.leave_id << " " << format_date(i.respond_by) << " "
        << i.waitlisted << " " << i.round << " " << i.cause << "\n";
  }
  for (const auto& p : plan.promotions) {
    out << "promote " << p.enrolment_id << " " << p.person_id << " " << p.leave_id << " " << p.round
        << " " << p.cause << "\n";
  }
  return out.str();
}

}  // namespace

TEST(PlanningWindow, IsTheProgrammesMonthsAheadBothEdgesIncluded) {
  const auto window = enrolment::planning_window(programme_a(), kToday);
  EXPECT_EQ(format_date(window.first), "2027-03-01");
  EXPECT_EQ(format_date(window.last), "2027-06-01");
  EXPECT_TRUE(window.contains(window.first));
  EXPECT_TRUE(window.contains(window.last));
  EXPECT_FALSE(window.contains(window.first - std::chrono::days{1}));
  EXPECT_FALSE(window.contains(window.last + std::chrono::days{1}));
}

// Every day from a year before to a year after: a leave is eligible only when it starts within
// the window, and one within it is never refused for its start (so loading only the window's
// leave loses no invitation), on several days of the year (month ends included).
TEST(PlanningWindow, HoldsExactlyTheLeaveTheRuleCanInvite) {
  for (const char* day : {"2026-12-01", "2027-01-31", "2027-02-28", "2028-02-29", "2027-08-31"}) {
    const Date today = *parse_date(day);
    const auto window = enrolment::planning_window(programme_a(), today);
    for (int offset = -365; offset <= 730; ++offset) {
      const Date start = today + std::chrono::days{offset};
      const auto check = enrolment::check_leave(programme_a(), leave_starting(start), today);
      if (window.contains(start)) {
        EXPECT_TRUE(check.eligible()) << day << " " << format_date(start) << ": " << check.words;
      } else {
        ASSERT_TRUE(check.reason.has_value()) << day << " " << format_date(start);
        EXPECT_EQ(*check.reason, start < window.first
                                     ? enrolment::LeaveIneligibility::starts_before_window
                                     : enrolment::LeaveIneligibility::starts_after_window)
            << day << " " << format_date(start);
      }
    }
  }
}

// Random organisations: plan() given the window's leave, the open enrolments and what
// plan_needs names answers exactly what it answers given every leave, person and enrolment.
TEST(PlanNeeds, GivenOnlyWhatItNamesThePlanIsTheSameAsWithEverything) {
  std::mt19937 random(16);
  auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
  const EnrolmentState states[] = {EnrolmentState::eligible,  EnrolmentState::invited,
                                   EnrolmentState::declined,  EnrolmentState::expired,
                                   EnrolmentState::withdrawn, EnrolmentState::completed,
                                   EnrolmentState::active,    EnrolmentState::awaiting_pair};
  const LeaveType types[] = {LeaveType::maternity, LeaveType::adoption, LeaveType::secondment};
  const LeaveStatus statuses[] = {LeaveStatus::approved, LeaveStatus::approved,
                                  LeaveStatus::requested, LeaveStatus::cancelled};
  int plans_with_something = 0;
  for (int round = 0; round < 400; ++round) {
    Programme programme = programme_a();
    if (pick(2)) programme.cohort_capacity = 1 + pick(6);
    programme.reinvite_after_expiry = pick(3);
    std::map<std::string, Person> people;
    std::vector<Leave> leaves;
    std::vector<Enrolment> enrolments;
    std::int64_t next_id = 1;
    const int people_count = 5 + pick(25);
    for (int p = 0; p < people_count; ++p) {
      const std::string id = "P" + std::to_string(p);
      if (pick(10) > 0) {  // some are no longer in the HR records
        Person person;
        person.id = id;
        person.name = id;
        if (pick(8) == 0) person.end_date = kToday - std::chrono::days{pick(30)};
        people[id] = person;
      }
      const int leave_count = pick(3);
      bool open_mentee = false;
      for (int l = 0; l < leave_count; ++l) {
        Leave leave = leave_starting(kToday + std::chrono::days{pick(300) - 40},
                                     id + "-L" + std::to_string(l));
        leave.person_id = id;
        leave.type = types[pick(3)];
        leave.status = statuses[pick(4)];
        leave.expected_end = leave.start + std::chrono::days{60 + pick(200)};
        leaves.push_back(leave);
        for (int e = pick(4); e > 0; --e) {  // earlier rounds for this leave, maybe one open
          EnrolmentState state = states[pick(8)];
          if (is_open(state)) {
            if (open_mentee) state = EnrolmentState::expired;
            open_mentee = true;
          }
          Enrolment enrolment =
              Enrolment::make(id, programme.id, Role::mentee, state, leave.id, next_id++);
          if (state == EnrolmentState::withdrawn && pick(2)) enrolment.consent_on = kToday;
          if (pick(2)) enrolment.leave_fingerprint = enrolment::leave_fingerprint(leave);
          enrolments.push_back(enrolment);
        }
      }
      if (pick(6) == 0) {  // another programme's and a mentor's enrolments are not the plan's
        enrolments.push_back(Enrolment::make(id, "other", Role::mentee, EnrolmentState::invited,
                                             std::nullopt, next_id++));
        enrolments.push_back(Enrolment::make(id, programme.id, Role::mentor, EnrolmentState::active,
                                             std::nullopt, next_id++));
      }
    }
    const auto everything = enrolment::plan(programme, people, leaves, enrolments, kToday);

    // What the shell loads: the window's leave and the open enrolments' leave, the open
    // enrolments, then what plan_needs names.
    const auto window = enrolment::planning_window(programme, kToday);
    std::vector<Enrolment> open;
    std::set<std::string> open_leaves;
    for (const auto& e : enrolments) {
      if (e.programme_id != programme.id || !is_open(e.state)) continue;
      open.push_back(e);
      if (e.leave_id) open_leaves.insert(*e.leave_id);
    }
    std::vector<Leave> loaded_leaves;
    for (const auto& l : leaves) {
      if (window.contains(l.start) || open_leaves.count(l.id)) loaded_leaves.push_back(l);
    }
    const auto needs = enrolment::plan_needs(programme, loaded_leaves, open, kToday);
    std::vector<Enrolment> loaded = open;
    for (const auto& e : enrolments) {
      if (e.programme_id != programme.id || is_open(e.state) || !e.leave_id) continue;
      if (needs.histories.count({e.person_id, *e.leave_id})) loaded.push_back(e);
    }
    std::map<std::string, Person> loaded_people;
    for (const auto& id : needs.people) {
      if (people.count(id)) loaded_people[id] = people.at(id);
    }
    const auto reduced = enrolment::plan(programme, loaded_people, loaded_leaves, loaded, kToday);
    ASSERT_EQ(describe(reduced), describe(everything)) << "round " << round;
    if (!everything.invitations.empty() || !everything.promotions.empty()) ++plans_with_something;
  }
  EXPECT_GT(plans_with_something, 100);  // the comparison was about real plans
}

// For each state, flipping a training fact training_facts_read does not name never changes
// next_step's answer: the pass may leave those unread.
TEST(TrainingFactsRead, NextStepReadsNoOtherTrainingFact) {
  Programme programme = programme_a();
  programme.mentor_courses = {"MT-1"};
  programme.mentee_courses = {"ME-1"};
  Person person;
  person.id = "P1";
  person.name = "P1";
  const Leave leave = leave_starting(kToday + std::chrono::days{100});
  auto describe_step = [](const std::optional<enrolment::Step>& step) {
    if (!step) return std::string("none");
    return std::string(to_string(step->to)) + " " + step->cause;
  };
  int read_somewhere = 0;
  for (EnrolmentState state : kEnrolmentStates) {
    const auto reads = enrolment::training_facts_read(state);
    read_somewhere += reads.training_complete + reads.pair_training_complete;
    for (Role role : {Role::mentee, Role::mentor}) {
      for (bool paired : {false, true}) {
        Enrolment e = Enrolment::make("P1", programme.id, role, state, "L1", 1);
        e.respond_by = kToday + std::chrono::days{5};
        for (bool complete : {false, true}) {
          for (bool pair_complete : {false, true}) {
            enrolment::Situation s{e, &person, &leave, complete, pair_complete, paired};
            const auto step = describe_step(enrolment::next_step(programme, s, kToday));
            if (!reads.training_complete) {
              enrolment::Situation flipped{e, &person, &leave, !complete, pair_complete, paired};
              EXPECT_EQ(describe_step(enrolment::next_step(programme, flipped, kToday)), step)
                  << to_string(state);
            }
            if (!reads.pair_training_complete) {
              enrolment::Situation flipped{e, &person, &leave, complete, !pair_complete, paired};
              EXPECT_EQ(describe_step(enrolment::next_step(programme, flipped, kToday)), step)
                  << to_string(state);
            }
          }
        }
      }
    }
  }
  EXPECT_EQ(read_somewhere, 3);  // consented, awaiting_training; paired
}
