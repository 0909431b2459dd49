// Supervision, kick-off and the pairs' own sessions through the loaded plugin,
// driven by the fake host's clock.
#include "plugin_fixture.hpp"

#include <mentoring/schema.hpp>

#include <mentoring/calendar/ics.hpp>
#include <mentoring/store/sessions_repository.hpp>

using namespace sessions_test;
using mentoring::calendar::parse_ics;
using mentoring::domain::parse_date;

namespace {

std::int64_t utc(const char* date, int hour) {
  using namespace std::chrono;
  return duration_cast<seconds>(parse_date(date).value().time_since_epoch()).count() + hour * 3600;
}

}  // namespace

TEST_F(SessionsPlugin, SupervisionScheduleStaysAtTenLocalAcrossTheMarchChange) {
  seed_pair("MENTEE1", "MENTOR1", "2027-01-04T09:00:00Z");
  run();
  auto invites = pushed("calendar_event", "calendar/supervision-");
  // Every 6 weeks for 12 months from 2027-01-04: 8 sessions, all in the future.
  ASSERT_EQ(invites.size(), 8u);
  for (const auto& action : invites) {
    auto parsed = parse_ics(action["payload"]["ics"].get<std::string>());  // libical reads it back
    EXPECT_EQ(parsed.tzid, "Europe/London");
    EXPECT_EQ(parsed.start.minutes, 10 * 60);
    EXPECT_EQ(parsed.method, "REQUEST");
    EXPECT_EQ(parsed.attendees, 1u);
  }
  // Session 1 on 15 February (GMT), session 2 on 29 March (BST, the day after the change).
  EXPECT_EQ(parse_ics(invites[0]["payload"]["ics"].get<std::string>()).start_utc,
            utc("2027-02-15", 10));
  EXPECT_EQ(parse_ics(invites[1]["payload"]["ics"].get<std::string>()).start_utc,
            utc("2027-03-29", 9));
  // Running again sends nothing new.
  lms.version = 2;
  run();
  EXPECT_EQ(pushed("calendar_event", "calendar/supervision-").size(), 8u);
}

TEST_F(SessionsPlugin, AmsterdamOrganisationGetsItsOwnZone) {
  timezone = "Europe/Amsterdam";
  seed_pair("MENTEE1", "MENTOR1", "2027-09-06T09:00:00Z");
  at("2027-09-06");
  run();
  auto invites = pushed("calendar_event", "calendar/supervision-");
  ASSERT_GE(invites.size(), 2u);
  // 18 October (CEST) and 29 November (CET): 10:00 local both times.
  EXPECT_EQ(parse_ics(invites[0]["payload"]["ics"].get<std::string>()).start_utc,
            utc("2027-10-18", 8));
  EXPECT_EQ(parse_ics(invites[1]["payload"]["ics"].get<std::string>()).start_utc,
            utc("2027-11-29", 9));
}

TEST_F(SessionsPlugin, AMentorMissingTwoInARowIsFlaggedOnce) {
  seed_pair("MENTEE1", "MENTOR1", "2027-01-04T09:00:00Z");
  run();
  at("2027-04-01");
  // HR finds the session ids the way HR would: with the supervision_sessions command.
  const json schedule = call("supervision_sessions", json::object());
  const json& sessions = schedule["sessions"];
  ASSERT_GE(sessions.size(), 2u);
  EXPECT_EQ(sessions[0]["members"], json::array({"MENTOR1"}));
  // The groups name their members (HR's supervision page shows names, not ids).
  ASSERT_EQ(schedule["groups"].size(), 1u);
  EXPECT_EQ(schedule["groups"][0]["group"], sessions[0]["group"]);
  EXPECT_EQ(schedule["groups"][0]["members"], json::array({{{"person_id", "MENTOR1"},
                                                            {"name", "Person MENTOR1"},
                                                            {"first_paired_on", "2027-01-04"}}}));
  json first = call(
      "supervision_attendance",
      {{"session_id", sessions[0]["session_id"]}, {"person_id", "MENTOR1"}, {"attended", false}});
  EXPECT_FALSE(first["flagged"]);
  json second = call(
      "supervision_attendance",
      {{"session_id", sessions[1]["session_id"]}, {"person_id", "MENTOR1"}, {"attended", false}});
  EXPECT_TRUE(second["flagged"]);
  call("supervision_attendance",
       {{"session_id", sessions[1]["session_id"]}, {"person_id", "MENTOR1"}, {"attended", false}});
  const json after = call("supervision_sessions", json::object());
  EXPECT_EQ(after["sessions"][0]["missed"], json::array({"MENTOR1"}));
  EXPECT_TRUE(
      mentoring::schema::validate("commands/supervision-sessions.output", after, "out").empty());
  lms.version = 2;
  run();
  auto flags = pushed("task", "supervision-missed/");
  ASSERT_EQ(flags.size(), 1u);
  EXPECT_EQ(flags[0]["person_id"], "MENTOR1");
  EXPECT_EQ(flags[0]["payload"]["to"]["email"], "pm@acme.example");
}

TEST_F(SessionsPlugin, AttendanceForASessionThatDoesNotExistNamesItAndChangesNothing) {
  seed_pair("MENTEE1", "MENTOR1", "2027-01-04T09:00:00Z");
  run();
  std::string message = error_of([&] {
    call("supervision_attendance",
         {{"session_id", 9999}, {"person_id", "MENTOR1"}, {"attended", false}});
  });
  EXPECT_NE(message.find("/session_id: found 9999"), std::string::npos) << message;
  std::string missing_field = error_of([&] {
    call("supervision_attendance", {{"session_id", 1}});
  });
  EXPECT_NE(missing_field.find("person_id"), std::string::npos) << missing_field;
  seed([&](auto& s) {
    EXPECT_TRUE(mentoring::store::SqliteSessionsRepository(s.session())
                    .supervision_attendance("rtw")
                    .empty());
  });
}

TEST_F(SessionsPlugin, AnOverduePairSessionRemindsThePairFirstThenFlagsTheManagerOnce) {
  seed_pair("MENTEE1", "MENTOR1", "2027-01-04T09:00:00Z");
  call_as_member("mentee", "session_record", {{"pair_id", 1}, {"held_on", "2027-01-04"}});
  // Next session due 2027-02-01; remind after 1 day overdue; flag 7 days after the reminder.
  for (const char* day : {"2027-01-20", "2027-02-01"}) {
    at(day);
    run();
  }
  EXPECT_TRUE(pushed("reminder", "pair-overdue/").empty());
  at("2027-02-02");
  run();
  EXPECT_EQ(pushed("reminder", "pair-overdue/").size(), 2u);  // mentee and mentor
  EXPECT_TRUE(pushed("task", "pair-overdue/").empty());
  at("2027-02-08");
  run();
  EXPECT_TRUE(pushed("task", "pair-overdue/").empty());
  at("2027-02-09");
  run();
  ASSERT_EQ(pushed("task", "pair-overdue/").size(), 1u);
  at("2027-02-20");
  run();
  EXPECT_EQ(pushed("reminder", "pair-overdue/").size(), 2u);
  EXPECT_EQ(pushed("task", "pair-overdue/").size(), 1u);
  EXPECT_TRUE(pushed("task", "pair-first-contact/").empty());  // contact came on day one
}

TEST_F(SessionsPlugin, NoFirstContactWithinTheWindowIsFlagged) {
  seed_pair("MENTEE1", "MENTOR1", "2027-01-04T09:00:00Z");
  at("2027-01-19");
  run();
  ASSERT_EQ(pushed("task", "pair-first-contact/").size(), 1u);
}

TEST_F(SessionsPlugin, NotesAreNeverReturnedToAnHrCaller) {
  seed_pair("MENTEE1", "MENTOR1", "2027-01-04T09:00:00Z");
  at("2027-01-10");
  call_as_member(
      "mentee", "session_record",
      {{"pair_id", 1}, {"held_on", "2027-01-08"}, {"notes", "private: worried about the return"}});
  json hr = call("session_list", {{"pair_id", 1}});
  EXPECT_EQ(hr["held"], 1);
  EXPECT_EQ(hr["overdue"], false);
  EXPECT_EQ(hr.dump().find("worried"), std::string::npos) << hr.dump();
  EXPECT_EQ(hr.dump().find("notes"), std::string::npos);
  json mentee = call_as_member("mentee", "session_list", {{"pair_id", 1}});
  EXPECT_EQ(mentee["sessions"][0]["notes"], "private: worried about the return");
}

TEST_F(SessionsPlugin, BadSessionRecordsAreRefusedByField) {
  seed_pair("MENTEE1", "MENTOR1", "2027-01-04T09:00:00Z");
  EXPECT_NE(
      error_of([&] {
        call_as_member("mentee", "session_record", {{"pair_id", 1}, {"held_on", "2027-02-01"}});
      }).find("/held_on: found 2027-02-01"),
      std::string::npos);
  // A pair that is not the caller's (here: none at all) is not found, never described.
  EXPECT_NE(
      error_of([&] {
        call_as_member("mentee", "session_record", {{"pair_id", 77}, {"held_on", "2027-01-04"}});
      }).find("not found"),
      std::string::npos);
  // HR and admin do not record a pair's meeting: the pair does (schemas/permissions.json).
  EXPECT_NE(error_of([&] {
              call("session_record", {{"pair_id", 1}, {"held_on", "2027-01-04"}});
            }).find("role admin may not run it"),
            std::string::npos);
}

TEST_F(SessionsPlugin, ANewCadenceMovesTheNextSessionInviteUnderTheSameUid) {
  seed_pair("MENTEE1", "MENTOR1", "2027-01-04T09:00:00Z");
  run();
  auto before = pushed("calendar_event", "calendar/pair-session-");
  ASSERT_EQ(before.size(), 1u);
  json cadence = call("session_cadence", {{"pair_id", 1}, {"every_weeks", 2}});
  EXPECT_EQ(cadence["next_due"], "2027-01-18");
  lms.version = 2;
  run();
  auto after = pushed("calendar_event", "calendar/pair-session-");
  ASSERT_EQ(after.size(), 2u);
  auto first = parse_ics(after[0]["payload"]["ics"].get<std::string>()),
       moved = parse_ics(after[1]["payload"]["ics"].get<std::string>());
  EXPECT_EQ(moved.uid, first.uid);
  EXPECT_EQ(moved.sequence, first.sequence + 1);
  EXPECT_EQ(moved.start.date, parse_date("2027-01-18").value());
}

// Before anyone said yes there is nobody to invite: a clear refusal naming the
// field, nothing stored (it used to fail the calendar action's schema, exit 1).
TEST_F(SessionsPlugin, AKickoffBeforeAnyoneSaidYesIsRefusedAndNothingIsScheduled) {
  run();
  std::string message = error_of([&] { call("kickoff_schedule", {{"date", "2027-03-20"}}); });
  EXPECT_NE(message.find("/date: found \"2027-03-20\"; expected a kick-off once someone has said"),
            std::string::npos)
      << message;
  seed([&](auto& s) {
    EXPECT_FALSE(
        mentoring::store::SqliteSessionsRepository(s.session()).kickoff("rtw").has_value());
  });
  EXPECT_TRUE(pushed("calendar_event", "calendar/kickoff").empty());
}

TEST_F(SessionsPlugin, KickoffRescheduleAndCancelKeepTheUidAndTheMentorsNoteReachesTheMentee) {
  seed_pair("MENTEE1", "MENTOR1", "2027-01-04T09:00:00Z");
  json first = call("kickoff_schedule", {{"date", "2027-03-20"}, {"location", "Room 4"}});
  json moved = call("kickoff_schedule", {{"date", "2027-04-03"}, {"start_time", "14:00"}});
  json cancelled = call("kickoff_schedule", {{"cancelled", true}});
  EXPECT_EQ(moved["uid"], first["uid"]);
  EXPECT_EQ(first["sequence"], 0);
  EXPECT_EQ(moved["sequence"], 1);
  EXPECT_EQ(cancelled["sequence"], 2);
  call("kickoff_schedule", {{"date", "2027-04-10"}});
  call("kickoff_attendance", {{"person_id", "MENTEE1"}, {"status", "attending"}});
  json note = call("kickoff_note", {{"mentor_id", "MENTOR1"},
                                    {"note", "Sorry to miss it - write to me any time."}});
  EXPECT_TRUE(note["handed_to_mentee"]);
  EXPECT_NE(error_of([&] {
              call("kickoff_note", {{"mentor_id", "MENTEE1"}, {"note", "x"}});
            }).find("/mentor_id"),
            std::string::npos);
  run();
  auto kickoff = pushed("calendar_event", "calendar/kickoff-");
  ASSERT_EQ(kickoff.size(), 4u);
  EXPECT_EQ(parse_ics(kickoff[2]["payload"]["ics"].get<std::string>()).method, "CANCEL");
  EXPECT_EQ(parse_ics(kickoff[3]["payload"]["ics"].get<std::string>()).sequence, 3);
  auto notes = pushed("notify", "kickoff-note/");
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0]["person_id"], "MENTEE1");
  EXPECT_EQ(notes[0]["payload"]["text"], "Sorry to miss it - write to me any time.");
}

namespace {

std::vector<std::string> keys_of(const std::vector<json>& actions) {
  std::vector<std::string> out;
  for (const auto& a : actions) out.push_back(a["idempotency_key"]);
  return out;
}

}  // namespace

TEST_F(SessionsPlugin, MentorsJoinTheirSupervisionGroupOnceAndLeaveItWhenWithdrawn) {
  using mentoring::domain::EnrolmentState;
  using mentoring::domain::Role;
  seed_pair("MENTEE1", "MENTOR1", "2027-01-04T09:00:00Z");
  seed_pair("MENTEE2", "MENTOR2", "2027-01-05T09:00:00Z");
  // Withdrawn before any run: grouped (the pair was accepted) but never announced.
  seed_pair("MENTEE3", "MENTOR3", "2027-01-05T09:00:00Z", EnrolmentState::withdrawn);
  json first = run();
  EXPECT_EQ(first["modules"]["supervision"]["programmes"]["rtw"]["group_memberships"], 2)
      << first.dump();
  auto joined = pushed("group_membership");
  ASSERT_EQ(keys_of(joined), (std::vector<std::string>{"group/acme/rtw/1/MENTOR1/in",
                                                       "group/acme/rtw/1/MENTOR2/in"}));
  for (const auto& action : joined) {
    EXPECT_TRUE(mentoring::schema::validate("action", action, "action").empty()) << action.dump();
    EXPECT_EQ(action["payload"]["member"], true);
    EXPECT_EQ(action["payload"]["programme_id"], "rtw");
    EXPECT_EQ(action["payload"]["person_id"], action["person_id"]);
    EXPECT_EQ(action["payload"]["group"],
              json({{"key", "supervision/acme/rtw/1"},
                    {"name", "Return to work: mentor supervision, group 1"}}));
  }
  // A re-run announces nobody twice.
  lms.version = 2;
  run();
  EXPECT_EQ(pushed("group_membership").size(), 2u);

  // MENTOR2 withdraws: one "out", once.
  seed([&](mentoring::store::OrgStore& s) {
    for (const auto& e : s.enrolments("rtw")) {
      if (e.person_id == "MENTOR2" && e.role == Role::mentor)
        s.transition(e.id, EnrolmentState::withdrawn, "2027-01-06T09:00:00Z", "test");
    }
  });
  at("2027-01-06");
  lms.version = 3;
  run();
  auto all = pushed("group_membership");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[2]["idempotency_key"], "group/acme/rtw/1/MENTOR2/out");
  EXPECT_EQ(all[2]["payload"]["member"], false);
  EXPECT_EQ(all[2]["payload"]["group"]["key"], "supervision/acme/rtw/1");
  lms.version = 4;
  run();
  EXPECT_EQ(pushed("group_membership").size(), 3u);
}

TEST_F(SessionsPlugin, GroupMembershipGoesToAnAdapterThatManagesGroupsAndOnlyThat) {
  ScriptedLms groups;
  lms.push_not_handled = true;  // the LMS adapter here is not set up to write anything
  host.add_adapter("groups", {"write_actions", "manage_groups"},
                   [&](const std::string& c, const std::string& i) { return groups.handle(c, i); });
  seed_pair("MENTEE1", "MENTOR1", "2027-01-04T09:00:00Z");
  run();
  ASSERT_EQ(groups.pushed.size(), 1u);
  EXPECT_EQ(groups.pushed[0]["type"], "group_membership");
  EXPECT_EQ(groups.pushed[0]["idempotency_key"], "group/acme/rtw/1/MENTOR1/in");
}
