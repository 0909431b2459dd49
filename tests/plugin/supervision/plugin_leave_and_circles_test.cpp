// Issue 13 through the loaded plugin: nothing of the pair's sessions runs while
// the mentee is on leave, tracking follows the mentee enrolment's own end, HR's
// session_list leaves the leave out of "missed", and mentoring circles meet as
// one series.
#include "plugin_fixture.hpp"

#include <mentoring/calendar/ics.hpp>
#include <mentoring/schema.hpp>

#include <set>

using namespace sessions_test;
using namespace mentoring::domain;
using mentoring::calendar::parse_ics;

namespace {

std::set<std::string> people_of(const std::vector<json>& actions) {
  std::set<std::string> out;
  for (const auto& a : actions) out.insert(a["person_id"].get<std::string>());
  return out;
}

class LeaveAndCircles : public SessionsPlugin {
 protected:
  // The mentee's approved leave, as the HR sync would have stored it.
  void seed_leave(const std::string& person, const char* start, const char* expected_end,
                  const std::string& id = "L1") {
    seed([&](mentoring::store::OrgStore& s) {
      Leave leave;
      leave.id = id, leave.person_id = person, leave.type = LeaveType::maternity;
      leave.start = parse_date(start).value();
      leave.expected_end = parse_date(expected_end).value();
      leave.status = LeaveStatus::approved;
      s.upsert(leave);
    });
  }
  // The mentee enrolment's planned end, as the enrolment lifecycle keeps it.
  void seed_ends_on(std::int64_t pair_id, const char* ends_on) {
    seed([&](mentoring::store::OrgStore& s) {
      for (const auto& pair : s.pairs()) {
        if (pair.id != pair_id) continue;
        auto enrolment = s.enrolment(pair.mentee_enrolment_id).value();
        enrolment.ends_on = parse_date(ends_on).value();
        s.update_details(enrolment, "2027-01-04T09:00:00Z");
      }
    });
  }
  void every_two_weeks(const char* from, const char* until) {
    for (Date d = parse_date(from).value(); d <= parse_date(until).value();
         d += std::chrono::days{14}) {
      at(format_date(d).c_str());
      ++lms.version;
      run();
    }
  }
  void at(const char* day) {
    day_text = day;
    host.set_today(day_text.c_str());
  }
  // MENTEE1 and MENTOR1, paired on 4 January 2027 until 30 June 2028, meet on 4
  // January and 1 February; the mentee is on leave from 15 February and back on
  // 1 December 2027. Today is 1 February; the pair's id.
  std::int64_t pair_met_twice_before_the_leave() {
    auto pair = seed_pair("MENTEE1", "MENTOR1", "2027-01-04T09:00:00Z");
    seed_ends_on(pair, "2028-06-30");
    seed_leave("MENTEE1", "2027-02-15", "2027-11-30");
    at("2027-02-01");
    for (const char* held : {"2027-01-04", "2027-02-01"}) {
      call_as_member("mentee", "session_record", {{"pair_id", pair}, {"held_on", held}});
    }
    return pair;
  }
  std::string day_text;
};

}  // namespace

TEST_F(LeaveAndCircles, NoSessionReminderOrOverdueFlagWhileTheMenteeIsOnLeave) {
  // On leave from 15 February; back on 1 December 2027.
  auto pair = pair_met_twice_before_the_leave();
  // The next session would have been due on 1 March, inside the leave.
  every_two_weeks("2027-02-01", "2027-12-27");
  EXPECT_TRUE(pushed("reminder", "pair-overdue/").empty());
  EXPECT_TRUE(pushed("task", "pair-overdue/").empty());
  json during = [&] {
    at("2027-06-01");
    return call("session_list", {{"pair_id", pair}});
  }();
  EXPECT_EQ(during["status"], "paused_for_leave") << during.dump();
  EXPECT_EQ(during["resumes_on"], "2027-12-01");
  EXPECT_EQ(during["overdue"], false);
  EXPECT_EQ(during["next_due"], "2027-12-29");  // a cadence after the return
  EXPECT_TRUE(mentoring::schema::validate("commands/supervision-session_list.output", during, "out")
                  .empty());

  // Resumed from the return date: due 29 December, reminded the day after.
  at("2027-12-30");
  ++lms.version;
  run();
  auto reminders = pushed("reminder", "pair-overdue/");
  ASSERT_EQ(reminders.size(), 2u);
  EXPECT_EQ(reminders[0]["payload"]["due_on"], "2027-12-29");
  EXPECT_EQ(people_of(reminders), (std::set<std::string>{"MENTEE1", "MENTOR1"}));
}

TEST_F(LeaveAndCircles, HrSessionListDoesNotCountTheMonthsOfLeaveAsMissed) {
  auto pair = pair_met_twice_before_the_leave();
  at("2027-12-15");
  json hr = call("session_list", {{"pair_id", pair}});
  // 4 Jan - 15 Feb and 1 - 15 Dec: 56 days out of leave, two 4-week intervals, both held.
  EXPECT_EQ(hr["held"], 2);
  EXPECT_EQ(hr["missed"], 0) << hr.dump();
  EXPECT_EQ(hr["status"], "on_track");
  EXPECT_EQ(hr["tracked_until"], "2028-06-30");
}

TEST_F(LeaveAndCircles, TrackingFollowsTheMenteeEnrolmentsEndNotTheProgrammesMonthsFromPairing) {
  programme_changes = {{"duration_months", 9}};
  auto pair = seed_pair("MENTEE1", "MENTOR1", "2027-01-04T09:00:00Z");
  // The enrolment runs to 31 March 2028 (leave moved, extended): well past 9 months.
  seed_ends_on(pair, "2028-03-31");
  at("2027-10-01");
  call_as_member("mentor", "session_record", {{"pair_id", pair}, {"held_on", "2027-10-01"}});
  // Due 29 October; on 1 December, eleven months after pairing, it is overdue.
  at("2027-12-01");
  json summary = run();
  auto reminders = pushed("reminder", "pair-overdue/");
  EXPECT_EQ(reminders.size(), 2u) << summary.dump();
  json hr = call("session_list", {{"pair_id", pair}});
  EXPECT_EQ(hr["status"], "overdue");
  EXPECT_EQ(hr["tracked_until"], "2028-03-31");
}

TEST_F(LeaveAndCircles, WithoutAnEnrolmentEndTrackingFallsBackToThePairingPlusTheDuration) {
  programme_changes = {{"duration_months", 9}};
  auto pair = seed_pair("MENTEE1", "MENTOR1", "2027-01-04T09:00:00Z");
  at("2027-10-01");
  call_as_member("mentor", "session_record", {{"pair_id", pair}, {"held_on", "2027-10-01"}});
  at("2027-12-01");
  run();
  EXPECT_TRUE(pushed("reminder", "pair-overdue/").empty());
  json hr = call("session_list", {{"pair_id", pair}});
  EXPECT_EQ(hr["status"], "ended");
  EXPECT_EQ(hr["tracked_until"], "2027-10-04");
}

// --- circles ---------------------------------------------------------------------------

class Circles : public LeaveAndCircles {
 protected:
  void SetUp() override {
    LeaveAndCircles::SetUp();
    lms.people.push_back(
        {{"id", "MENTEE3"}, {"name", "Person MENTEE3"}, {"email", "MENTEE3@acme.example"}});
    // A test programme of shape circles: one mentor meets up to three mentees together.
    programme_changes = {{"shape", "circles"}, {"circle", {{"max_mentees", 3}}}};
    for (const char* mentee : {"MENTEE1", "MENTEE2", "MENTEE3"}) {
      pairs.push_back(seed_pair(mentee, "MENTOR1", "2027-01-04T09:00:00Z"));
      seed_ends_on(pairs.back(), "2027-12-31");
    }
  }
  std::vector<std::int64_t> pairs;
};

TEST_F(Circles, ACircleMeetsAsOneSeriesWithOneInviteForAllItsMembers) {
  at("2027-01-04");
  json summary = run();
  EXPECT_TRUE(pushed("calendar_event", "calendar/pair-session-").empty());
  auto invites = pushed("calendar_event", "calendar/circle-session-");
  ASSERT_EQ(invites.size(), 1u) << summary.dump();
  EXPECT_EQ(invites[0]["payload"]["kind"], "circle_session");
  EXPECT_EQ(invites[0]["payload"]["date"], "2027-02-01");
  EXPECT_EQ(parse_ics(invites[0]["payload"]["ics"].get<std::string>()).attendees, 4u);
  EXPECT_EQ(summary["modules"]["supervision"]["programmes"]["rtw"]["pair_sessions"]["circles"], 1);

  // One record of the meeting, attendance per mentee.
  at("2027-01-20");
  json recorded = call_as_member("mentor", "circle_record",
                                 {{"mentor_id", "MENTOR1"},
                                  {"held_on", "2027-01-18"},
                                  {"attended", {"MENTEE1", "MENTEE2"}},
                                  {"notes", "private: circle talked about childcare"}});
  EXPECT_EQ(recorded["held"], 1);
  EXPECT_EQ(recorded["next_due"], "2027-02-15");
  json hr = call("circle_list", {{"mentor_id", "MENTOR1"}});
  EXPECT_TRUE(
      mentoring::schema::validate("commands/supervision-circle_list.output", hr, "out").empty())
      << hr.dump();
  ASSERT_EQ(hr["sessions"].size(), 1u);
  EXPECT_EQ(hr["sessions"][0]["attended"], json::array({"MENTEE1", "MENTEE2"}));
  EXPECT_EQ(hr["sessions"][0]["absent"], json::array({"MENTEE3"}));
  EXPECT_EQ(hr.dump().find("childcare"), std::string::npos);
  json mentee = call_as_member("mentee", "circle_list", {{"mentor_id", "MENTOR1"}});
  EXPECT_EQ(mentee["sessions"][0]["notes"], "private: circle talked about childcare");
  // The new cadence moves the one circle invite (same UID, next sequence).
  ++lms.version;
  run();
  invites = pushed("calendar_event", "calendar/circle-session-");
  ASSERT_EQ(invites.size(), 2u);
  EXPECT_EQ(invites[1]["payload"]["date"], "2027-02-15");
}

TEST_F(Circles, AMenteeOnLeaveIsExcusedWhileTheOthersMeetAndTheCircleKeepsItsCadence) {
  seed_leave("MENTEE2", "2027-01-25", "2027-08-31");
  at("2027-01-20");
  call_as_member("mentor", "circle_record",
                 {{"mentor_id", "MENTOR1"},
                  {"held_on", "2027-01-18"},
                  {"attended", {"MENTEE1", "MENTEE2", "MENTEE3"}}});
  // Next meeting due 15 February; MENTEE2 is on leave, the others are not: the
  // circle is reminded on the 16th, without MENTEE2, and flagged a week later.
  at("2027-02-16");
  run();
  auto reminders = pushed("reminder", "circle-overdue/");
  EXPECT_EQ(people_of(reminders), (std::set<std::string>{"MENTOR1", "MENTEE1", "MENTEE3"}));
  at("2027-02-23");
  ++lms.version;
  run();
  auto flags = pushed("task", "circle-overdue/");
  ASSERT_EQ(flags.size(), 1u);
  EXPECT_EQ(flags[0]["payload"]["about"]["reason"], "session_overdue");
  EXPECT_EQ(flags[0]["payload"]["about"]["mentor_id"], "MENTOR1");
  // The meeting without MENTEE2 does not count against her.
  at("2027-03-01");
  call_as_member("mentee", "circle_record",
                 {{"mentor_id", "MENTOR1"}, {"held_on", "2027-03-01"}, {"attended", {"MENTEE1"}}});
  json hr = call("circle_list", {{"mentor_id", "MENTOR1"}});
  EXPECT_EQ(hr["sessions"][1]["absent"], json::array({"MENTEE3"})) << hr.dump();
  for (const auto& member : hr["members"]) {
    if (member["mentee_id"] == "MENTEE2") {
      EXPECT_EQ(member["on_leave"], true);
      EXPECT_EQ(member["back_on"], "2027-09-01");
      EXPECT_EQ(member["missed"], 0);
    }
  }
  // The circle's next invite leaves out the mentee on leave.
  ++lms.version;
  run();
  auto invites = pushed("calendar_event", "calendar/circle-session-");
  ASSERT_FALSE(invites.empty());
  EXPECT_EQ(invites.back()["payload"]["date"], "2027-03-29");
  EXPECT_EQ(invites.back()["payload"]["attendees"].size(), 3u);
}

TEST_F(Circles, TheCirclePausesOnlyWhileEveryMenteeIsOnLeave) {
  seed_leave("MENTEE1", "2027-02-01", "2027-06-30", "L1");
  seed_leave("MENTEE2", "2027-02-01", "2027-06-30", "L2");
  seed_leave("MENTEE3", "2027-01-25", "2027-07-31", "L3");
  at("2027-01-20");
  call_as_member("mentor", "circle_record",
                 {{"mentor_id", "MENTOR1"},
                  {"held_on", "2027-01-18"},
                  {"attended", {"MENTEE1", "MENTEE2", "MENTEE3"}}});
  every_two_weeks("2027-02-01", "2027-07-26");
  EXPECT_TRUE(pushed("reminder", "circle-overdue/").empty());
  EXPECT_TRUE(pushed("task", "circle-overdue/").empty());
  at("2027-07-26");
  json hr = call("circle_list", {{"mentor_id", "MENTOR1"}});
  // MENTEE1 and MENTEE2 are back on 1 July: the circle resumes then.
  EXPECT_EQ(hr["next_due"], "2027-07-29") << hr.dump();
  EXPECT_EQ(hr["status"], "on_track");
}

TEST_F(Circles, CircleMentorsAreInSupervisionAsPairMentorsAre) {
  run();
  auto joined = pushed("group_membership");
  ASSERT_EQ(joined.size(), 1u);
  EXPECT_EQ(joined[0]["idempotency_key"], "group/acme/rtw/1/MENTOR1/in");
  EXPECT_FALSE(pushed("calendar_event", "calendar/supervision-").empty());
}

TEST_F(Circles, APairCommandOnACirclePairNamesTheCircleCommand) {
  at("2027-01-10");
  std::string message = error_of([&] {
    call_as_member("mentee", "session_record", {{"pair_id", pairs[0]}, {"held_on", "2027-01-08"}});
  });
  EXPECT_NE(message.find("/pair_id"), std::string::npos) << message;
  EXPECT_NE(message.find("circle_record"), std::string::npos) << message;
  std::string stranger = error_of([&] {
    call_as_member("mentor", "circle_record",
                   {{"mentor_id", "MENTOR1"},
                    {"held_on", "2027-01-08"},
                    {"attended", {"MENTEE1", "MENTOR2"}}});
  });
  EXPECT_NE(stranger.find("/attended/1: found \"MENTOR2\""), std::string::npos) << stranger;
}

TEST_F(Circles, TheCircleAgreesOneCadenceForAllItsMembers) {
  at("2027-01-20");
  call_as_member("mentor", "circle_record",
                 {{"mentor_id", "MENTOR1"},
                  {"held_on", "2027-01-18"},
                  {"attended", {"MENTEE1", "MENTEE2", "MENTEE3"}}});
  json cadence = call("circle_cadence", {{"mentor_id", "MENTOR1"}, {"every_weeks", 2}});
  EXPECT_EQ(cadence["next_due"], "2027-02-01");
  EXPECT_TRUE(
      mentoring::schema::validate("commands/supervision-circle_cadence.output", cadence, "out")
          .empty());
  std::string message = error_of([&] {
    call("session_cadence", {{"pair_id", pairs[1]}, {"every_weeks", 3}});
  });
  EXPECT_NE(message.find("circle_cadence"), std::string::npos) << message;
  EXPECT_NE(error_of([&] {
              call("circle_cadence", {{"mentor_id", "MENTEE1"}, {"every_weeks", 3}});
            }).find("/mentor_id: found \"MENTEE1\""),
            std::string::npos);
}

// A member whose pair ended (withdrawn, completed) stays in the circle's record
// until that day, and a circle whose every pair ended is still listed for HR.
TEST_F(Circles, AMemberWhosePairEndedStaysInTheRecordAndAnEndedCircleIsStillListed) {
  at("2027-01-20");
  call_as_member("mentor", "circle_record",
                 {{"mentor_id", "MENTOR1"},
                  {"held_on", "2027-01-18"},
                  {"attended", {"MENTEE1", "MENTEE2", "MENTEE3"}}});
  seed([&](mentoring::store::OrgStore& s) {
    s.set_pair_state(pairs[2], mentoring::domain::PairState::ended, "2027-01-25T10:00:00Z",
                     "withdrawn");
  });
  at("2027-02-20");
  json hr = call("circle_list", {{"mentor_id", "MENTOR1"}});
  ASSERT_EQ(hr["members"].size(), 3u) << hr.dump();
  EXPECT_EQ(hr["members"][2]["mentee_id"], "MENTEE3");
  EXPECT_EQ(hr["members"][2]["ended"], true);
  EXPECT_EQ(hr["members"][2]["attended"], 1);
  EXPECT_EQ(hr["members"][0]["ended"], false);
  // Not expected, and not to be recorded, after her pair ended.
  EXPECT_NE(error_of([&] {
              call_as_member("mentor", "circle_record",
                             {{"mentor_id", "MENTOR1"},
                              {"held_on", "2027-02-15"},
                              {"attended", {"MENTEE1", "MENTEE3"}}});
            }).find("/attended/1"),
            std::string::npos);
  seed([&](mentoring::store::OrgStore& s) {
    for (int i : {0, 1})
      s.set_pair_state(pairs[i], mentoring::domain::PairState::ended, "2027-03-01T10:00:00Z",
                       "completed");
  });
  at("2027-03-10");
  hr = call("circle_list", {{"mentor_id", "MENTOR1"}});
  EXPECT_EQ(hr["status"], "ended");
  EXPECT_EQ(hr["held"], 1);
  for (const auto& m : hr["members"]) EXPECT_EQ(m["ended"], true) << m;
}

// plugin.cpp refuses the commands of a switched-off module by the runner's
// list of names: every command the runner answers must be on it.
TEST_F(LeaveAndCircles, EverySupervisionCommandIsOnTheModulesListOfNames) {
  std::string message = error_of([&] { call("no_such_command", json::object()); });
  for (const char* name :
       {"kickoff_schedule", "kickoff_attendance", "kickoff_note", "supervision_sessions",
        "supervision_attendance", "session_cadence", "session_record", "session_list",
        "circle_record", "circle_list", "circle_cadence"}) {
    EXPECT_NE(message.find(std::string(", ") + name), std::string::npos) << name << ": " << message;
  }
}
