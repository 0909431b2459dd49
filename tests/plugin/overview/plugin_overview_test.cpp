// programme_overview and session_move through the loaded plugin: invitations
// and the waiting list made by the enrolment run, pairs and their meetings,
// HR's reads audited, an erased person shown only by their pseudonym.
#include <mentoring/calendar/ics.hpp>
#include <mentoring/fake_host.hpp>
#include <mentoring/loader.hpp>
#include <mentoring/schema.hpp>
#include <mentoring/store/org_store.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <functional>

#include "scripted_host_system.hpp"

namespace {

using json = nlohmann::json;
using mentoring::host::CallError;

json leave(const std::string& id, const std::string& person, const std::string& start) {
  return {{"id", id},       {"person_id", person},          {"type", "maternity"},
          {"start", start}, {"expected_end", "2027-12-31"}, {"status", "approved"}};
}

class OverviewPlugin : public ::testing::Test {
 protected:
  void SetUp() override {
    host.set_today("2027-01-04");
    host.set_organisation("acme");
    for (const char* id :
         {"MENTOR1", "MENTEE1", "MENTOR2", "MENTEE2", "INV1", "INV2", "WAIT1", "WAIT2"}) {
      hr.people.push_back({{"id", id},
                           {"name", std::string("Person ") + id},
                           {"email", std::string(id) + "@acme.example"}});
    }
    // Capacity 3: the seeded pair's mentee holds one place, INV1 and INV2 (the
    // earliest leaves) the others; WAIT2 (June 1) waits before WAIT1 (June 20).
    hr.leave = json::array(
        {leave("L-WAIT1", "WAIT1", "2027-06-20"), leave("L-INV1", "INV1", "2027-05-01"),
         leave("L-WAIT2", "WAIT2", "2027-06-01"), leave("L-INV2", "INV2", "2027-05-10")});
    host.add_adapter(
        "hr", {"read_people", "read_leave", "write_actions"},
        [this](const std::string& c, const std::string& i) { return hr.handle(c, i); });
  }

  json config() {
    json rtw = {{"id", "rtw"},
                {"name", "Return to work"},
                {"mentee",
                 {{"leave_types", json::array({"maternity"})},
                  {"invite_from_months_before", 6},
                  {"invite_until_months_before", 1},
                  {"min_leave_days", 30}}},
                {"cohort_capacity", 3},
                {"invitation",
                 {{"expiry_days", 14},
                  {"reminder_days", json::array({3, 10})},
                  {"reinvite_after_expiry", 0}}},
                {"pair_sessions",
                 {{"every_weeks", 4},
                  {"first_contact_within_days", 14},
                  {"remind_after_days", 1},
                  {"escalate_after_days", 7},
                  {"start_time", "12:00"}}}};
    if (circles) rtw.update({{"shape", "circles"}, {"circle", {{"max_mentees", 3}}}});
    json other = {{"id", "other"},
                  {"name", "Another programme"},
                  {"mentee", {{"leave_types", json::array({"adoption"})}}}};
    return {
        {"id", "acme"},
        {"name", "Acme"},
        {"modules", {{"enrolment", true}, {"training", false}, {"supervision", supervision}}},
        {"policy", {{"timezone", "Europe/London"}, {"programme_manager_email", "pm@acme.example"}}},
        {"programmes", json::array({rtw, other})},
        {"adapters", json::array()}};
  }

  void seed(const std::function<void(mentoring::store::OrgStore&)>& write) {
    mentoring::store::OrgStore store(host.storage_directory(), "acme");
    write(store);
  }
  // A pair accepted on `at`, as pairing would have left it.
  std::int64_t seed_pair(const std::string& mentee, const std::string& mentor,
                         const std::string& at) {
    using namespace mentoring::domain;
    std::int64_t pair = 0;
    seed([&](mentoring::store::OrgStore& s) {
      for (const auto& id : {mentee, mentor}) {
        Person p;
        p.id = id, p.name = "Person " + id, p.email = id + "@acme.example";
        s.upsert(p);
      }
      Enrolment e;
      e.person_id = mentee, e.programme_id = "rtw", e.role = Role::mentee;
      e.state = EnrolmentState::paired;
      auto mentee_id = s.insert_enrolment(e, at, "test");
      e.person_id = mentor, e.role = Role::mentor, e.state = EnrolmentState::paired;
      auto mentor_id = s.insert_enrolment(e, at, "test");
      pair = s.insert_pair("rtw", mentee_id, mentor_id, PairState::accepted, at);
    });
    return pair;
  }

  mentoring::host::ModuleInstance plugin() {
    return mentoring::host::ModuleInstance(
        mentoring::host::ModuleLibrary::load(MENTORING_PLUGIN_PATH), host.host(), config().dump());
  }
  json run() { return json::parse(plugin().call("run", "{}")); }
  json call(const std::string& command, const json& input) {
    return json::parse(plugin().call(command, input.dump()));
  }
  json call_as(const json& caller, const std::string& command, const json& input) {
    json who = caller;
    who["organisation"] = "acme";
    return json::parse(plugin().call_as(who.dump(), command, input.dump()));
  }
  json as_pair_member(const std::string& role, std::int64_t pair, const std::string& command,
                      const json& input) {
    std::string person;
    seed([&](mentoring::store::OrgStore& s) {
      for (const auto& p : s.pairs())
        if (p.id == pair) person = role == "mentor" ? p.mentor_id : p.mentee_id;
    });
    return call_as({{"role", role}, {"person_id", person}, {"name", person}}, command, input);
  }
  // The overview as HR reads it, checked against its output schema.
  json overview(const json& input = json::object()) {
    json out = call_as({{"role", "hr"}, {"name", "Jo (HR)"}}, "programme_overview", input);
    auto problems = mentoring::schema::validate("commands/programme_overview.output", out,
                                                "programme_overview");
    EXPECT_TRUE(problems.empty()) << mentoring::schema::ValidationError(problems).what();
    return out;
  }
  static const json& programme(const json& out, const std::string& id) {
    for (const auto& p : out["programmes"])
      if (p["id"] == id) return p;
    throw std::runtime_error("no programme " + id + " in " + out.dump());
  }
  void at(const char* day) { host.set_today(day); }
  std::vector<json> pushed(const std::string& type, const std::string& key_prefix = "") const {
    std::vector<json> out;
    for (const auto& a : hr.pushed) {
      if (a["type"] == type && a["idempotency_key"].get<std::string>().rfind(key_prefix, 0) == 0)
        out.push_back(a);
    }
    return out;
  }
  static std::vector<std::string> ids(const json& rows) {
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(r["person_id"]);
    return out;
  }

  mentoring::testing::FakeHost host;
  mentoring::testing::ScriptedHostSystem hr;
  bool supervision = true;
  bool circles = false;  // rtw of shape circles: one mentor meets their mentees together
};

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

TEST_F(OverviewPlugin, EnrolmentsInvitationsAndTheWaitingListAsTheRunLeftThem) {
  seed_pair("MENTEE1", "MENTOR1", "2027-01-04T09:00:00Z");
  run();
  at("2027-01-07");
  run();  // the first reminder (day 3)
  const json out = overview();
  EXPECT_EQ(out["today"], "2027-01-07");
  const json& rtw = programme(out, "rtw");
  EXPECT_EQ(rtw["name"], "Return to work");
  // The seeded pair's enrolments became active on the first run.
  EXPECT_EQ(rtw["enrolments_by_state"], json({{"invited", 2}, {"eligible", 2}, {"active", 2}}));
  EXPECT_EQ(rtw["enrolments_by_role"]["mentor"], json({{"active", 1}}));

  ASSERT_EQ(rtw["open_invitations"].size(), 2u);
  EXPECT_EQ(ids(rtw["open_invitations"]), (std::vector<std::string>{"INV1", "INV2"}));
  const json& first = rtw["open_invitations"][0];
  EXPECT_EQ(first["name"], "Person INV1");
  EXPECT_EQ(first["role"], "mentee");
  EXPECT_EQ(first["invited_on"], "2027-01-04");
  EXPECT_EQ(first["respond_by"], "2027-01-18");
  EXPECT_EQ(first["reminders"], 1);
  EXPECT_EQ(first["overdue"], false);

  ASSERT_EQ(rtw["waiting_list"].size(), 2u);
  EXPECT_EQ(rtw["waiting_list"][0], json({{"person_id", "WAIT2"},
                                          {"name", "Person WAIT2"},
                                          {"since", "2027-01-04"},
                                          {"position", 1}}));
  EXPECT_EQ(rtw["waiting_list"][1]["person_id"], "WAIT1");
  EXPECT_EQ(rtw["waiting_list"][1]["position"], 2);
  EXPECT_TRUE(rtw["overdue"].empty());
}

TEST_F(OverviewPlugin, AnInvitationPastItsAnswerDateIsOverdueUntilTheRunExpiresItAndTheListMoves) {
  auto pair = seed_pair("MENTEE1", "MENTOR1", "2027-01-04T09:00:00Z");  // holds a place
  as_pair_member("mentee", pair, "session_record", {{"pair_id", pair}, {"held_on", "2027-01-04"}});
  run();
  for (const char* reminder_day : {"2027-01-07", "2027-01-14"}) {
    at(reminder_day);
    run();
  }
  at("2027-01-19");  // answer date 2027-01-18 passed; the day's run has not happened yet
  json before = programme(overview(), "rtw");
  ASSERT_EQ(before["overdue"].size(), 2u);
  EXPECT_EQ(before["overdue"][0],
            json({{"kind", "invitation_answer"},
                  {"kind_words", "no answer to the invitation by its answer date"},
                  {"person_id", "INV1"},
                  {"name", "Person INV1"},
                  {"what", "mentee"},
                  {"due_on", "2027-01-18"},
                  {"days_overdue", 1}}));
  EXPECT_EQ(before["open_invitations"][0]["overdue"], true);
  EXPECT_EQ(before["open_invitations"][0]["reminders"], 2);  // days 3 and 10
  run();
  json after = programme(overview(), "rtw");
  // Expired; their places went to the waiting list, which is now empty.
  EXPECT_EQ(after["enrolments_by_state"]["expired"], 2);
  EXPECT_EQ(ids(after["open_invitations"]), (std::vector<std::string>{"WAIT2", "WAIT1"}));
  EXPECT_EQ(after["open_invitations"][0]["invited_on"], "2027-01-19");
  EXPECT_EQ(after["open_invitations"][0]["reminders"], 0);
  EXPECT_TRUE(after["waiting_list"].empty());
  EXPECT_TRUE(after["overdue"].empty());
}

TEST_F(OverviewPlugin, PairsWithTheirMeetingsStatusAndOverdue) {
  auto pair = seed_pair("MENTEE1", "MENTOR1", "2027-01-04T09:00:00Z");
  seed_pair("MENTEE2", "MENTOR2", "2027-01-04T09:00:00Z");
  run();
  as_pair_member("mentee", pair, "session_record", {{"pair_id", pair}, {"held_on", "2027-01-04"}});
  at("2027-01-20");
  run();
  json rtw = programme(overview(), "rtw");
  ASSERT_EQ(rtw["pairs"].size(), 2u);
  const json& met = rtw["pairs"][0];
  EXPECT_EQ(met["pair_id"], pair);
  EXPECT_EQ(met["mentee"], json({{"person_id", "MENTEE1"}, {"name", "Person MENTEE1"}}));
  EXPECT_EQ(met["mentor"]["name"], "Person MENTOR1");
  EXPECT_EQ(met["started_on"], "2027-01-04");
  EXPECT_EQ(met["last_meeting_on"], "2027-01-04");
  EXPECT_EQ(met["next_meeting_on"], "2027-02-01");
  EXPECT_EQ(met["status"], "on_track");
  EXPECT_EQ(met["missed_meetings"], 0);
  const json& silent = rtw["pairs"][1];
  EXPECT_EQ(silent["last_meeting_on"], nullptr);
  EXPECT_EQ(silent["status"], "on_track");  // due 2027-02-01
  // No first contact within 14 days: overdue since 2027-01-18.
  ASSERT_EQ(rtw["overdue"].size(), 1u);
  EXPECT_EQ(rtw["overdue"][0]["kind"], "first_contact");
  EXPECT_EQ(rtw["overdue"][0]["person_id"], "MENTEE2");
  EXPECT_EQ(rtw["overdue"][0]["due_on"], "2027-01-18");
  EXPECT_EQ(rtw["overdue"][0]["pair_id"], silent["pair_id"]);

  at("2027-02-02");
  rtw = programme(overview(), "rtw");
  EXPECT_EQ(rtw["pairs"][0]["status"], "overdue");
  at("2027-03-01");
  rtw = programme(overview(), "rtw");
  EXPECT_EQ(rtw["pairs"][0]["status"], "missed");
  EXPECT_EQ(rtw["pairs"][0]["missed_meetings"], 1);
  bool session_overdue = false;
  for (const auto& item : rtw["overdue"])
    session_overdue |= item["kind"] == "pair_session" && item["pair_id"] == pair &&
                       item["due_on"] == "2027-02-01" && item["days_overdue"] == 28;
  EXPECT_TRUE(session_overdue) << rtw["overdue"].dump();
}

TEST_F(OverviewPlugin, WithSupervisionOffPairsAreListedButNotFollowed) {
  supervision = false;
  seed_pair("MENTEE1", "MENTOR1", "2027-01-04T09:00:00Z");
  run();
  at("2027-03-01");
  run();
  json rtw = programme(overview(), "rtw");
  ASSERT_EQ(rtw["pairs"].size(), 1u);
  EXPECT_EQ(rtw["pairs"][0]["status"], "not_tracked");
  EXPECT_EQ(rtw["pairs"][0]["next_meeting_on"], nullptr);
  EXPECT_TRUE(rtw["overdue"].empty());
}

TEST_F(OverviewPlugin, OneProgrammeWhenAskedAndAnEmptyOneIsEmpty) {
  run();
  json only = overview({{"programme", "other"}});
  ASSERT_EQ(only["programmes"].size(), 1u);
  const json& other = only["programmes"][0];
  EXPECT_EQ(other["id"], "other");
  EXPECT_EQ(other["enrolments_by_state"], json::object());
  EXPECT_TRUE(other["open_invitations"].empty());
  EXPECT_TRUE(other["waiting_list"].empty());
  EXPECT_TRUE(other["pairs"].empty());
  EXPECT_TRUE(other["overdue"].empty());
  EXPECT_EQ(overview()["programmes"].size(), 2u);
  std::string message = error_of([&] { overview({{"programme", "nope"}}); });
  EXPECT_NE(message.find("/programme"), std::string::npos) << message;
  EXPECT_NE(message.find("nope"), std::string::npos) << message;
  message = error_of([&] { overview({{"programme", "rtw"}, {"extra", 1}}); });
  EXPECT_NE(message.find("extra"), std::string::npos) << message;
}

TEST_F(OverviewPlugin, HrReadsAreAuditedWithThePeopleShown) {
  seed_pair("MENTEE1", "MENTOR1", "2027-01-04T09:00:00Z");
  run();
  overview({{"programme", "rtw"}});
  json log = call("audit_log", json::object());
  ASSERT_FALSE(log["entries"].empty());
  const json& entry = log["entries"][0];
  EXPECT_EQ(entry["command"], "programme_overview");
  EXPECT_EQ(entry["caller"]["role"], "hr");
  EXPECT_EQ(entry["caller"]["name"], "Jo (HR)");
  for (const char* shown : {"MENTEE1", "MENTOR1", "INV1", "WAIT2"}) {
    EXPECT_NE(std::find(entry["person_ids"].begin(), entry["person_ids"].end(), shown),
              entry["person_ids"].end())
        << shown << " in " << entry.dump();
  }
  // A participant may not read it at all.
  std::string refused = error_of([&] {
    call_as({{"role", "mentee"}, {"person_id", "MENTEE1"}, {"name", "MENTEE1"}},
            "programme_overview", json::object());
  });
  EXPECT_NE(refused.find("role mentee may not run it"), std::string::npos) << refused;
}

TEST_F(OverviewPlugin, AnErasedPersonShowsOnlyAsTheirPseudonym) {
  seed_pair("MENTEE1", "MENTOR1", "2027-01-04T09:00:00Z");
  run();
  call("subject_erase", {{"person_id", "MENTOR1"}});
  call("subject_erase", {{"person_id", "WAIT2"}});
  const json out = overview();
  const std::string text = out.dump();
  for (const char* gone : {"MENTOR1", "WAIT2"})
    EXPECT_EQ(text.find(gone), std::string::npos) << text;
  const json& rtw = programme(out, "rtw");
  ASSERT_EQ(rtw["pairs"].size(), 1u);
  const json& mentor = rtw["pairs"][0]["mentor"];
  EXPECT_EQ(mentor["person_id"].get<std::string>().rfind("anon-", 0), 0u) << mentor;
  EXPECT_EQ(mentor["name"], mentor["person_id"]);
  EXPECT_EQ(rtw["pairs"][0]["status"], "ended");  // erasure ends the pair
  EXPECT_EQ(ids(rtw["waiting_list"]), (std::vector<std::string>{"WAIT1"}));
  EXPECT_EQ(rtw["waiting_list"][0]["position"], 1);
  EXPECT_EQ(rtw["enrolments_by_state"]["withdrawn"], 2);  // their enrolments, counted still
}

TEST_F(OverviewPlugin, InACircleEachPairShowsTheCirclesMeetingsAndItsOwnMissedOnes) {
  circles = true;
  auto first = seed_pair("MENTEE1", "MENTOR1", "2027-01-04T09:00:00Z");
  auto second = seed_pair("MENTEE2", "MENTOR1", "2027-01-04T09:00:00Z");
  run();
  at("2027-01-18");
  as_pair_member("mentor", first, "circle_record",
                 {{"programme", "rtw"},
                  {"mentor_id", "MENTOR1"},
                  {"held_on", "2027-01-18"},
                  {"attended", json::array({"MENTEE1"})}});
  at("2027-03-01");
  json rtw = programme(overview(), "rtw");
  ASSERT_EQ(rtw["pairs"].size(), 2u);
  for (const auto& p : rtw["pairs"]) {
    EXPECT_EQ(p["last_meeting_on"], "2027-01-18");  // the circle's meeting
    EXPECT_EQ(p["next_meeting_on"], "2027-02-15");
    EXPECT_EQ(p["status"], "overdue");  // 14 days: less than a whole cadence
  }
  // Eight weeks in the circle: two meetings expected; MENTEE1 came to one.
  EXPECT_EQ(rtw["pairs"][0]["pair_id"], first);
  EXPECT_EQ(rtw["pairs"][0]["missed_meetings"], 1);
  EXPECT_EQ(rtw["pairs"][1]["pair_id"], second);
  EXPECT_EQ(rtw["pairs"][1]["missed_meetings"], 2);
  // A circle's meeting is not one pair's to move.
  std::string refused = error_of([&] {
    call("session_move", {{"pair_id", first}, {"date", "2027-03-05"}});
  });
  EXPECT_NE(refused.find("a circle programme"), std::string::npos) << refused;
}

// --- session_move ------------------------------------------------------------------------

TEST_F(OverviewPlugin, AMemberMovesTheNextMeetingAndItsCalendarEventGoesOutAgain) {
  auto pair = seed_pair("MENTEE1", "MENTOR1", "2027-01-04T09:00:00Z");
  as_pair_member("mentee", pair, "session_record", {{"pair_id", pair}, {"held_on", "2027-01-04"}});
  at("2027-01-05");
  run();
  auto invites = pushed("calendar_event", "calendar/");
  std::vector<json> placeholders;
  for (const auto& a : invites)
    if (a["payload"]["kind"] == "pair_session") placeholders.push_back(a);
  ASSERT_EQ(placeholders.size(), 1u);
  const std::string uid = placeholders[0]["payload"]["uid"];
  EXPECT_EQ(placeholders[0]["payload"]["date"], "2027-02-01");
  EXPECT_EQ(placeholders[0]["payload"]["sequence"], 0);

  json moved = as_pair_member("mentor", pair, "session_move",
                              {{"pair_id", pair}, {"date", "2027-02-10"}, {"start_time", "16:30"}});
  EXPECT_TRUE(
      mentoring::schema::validate("commands/supervision-session_move.output", moved, "out").empty())
      << moved;
  EXPECT_EQ(moved["number"], 2);
  EXPECT_EQ(moved["next_meeting"], json({{"date", "2027-02-10"}, {"start_time", "16:30"}}));
  EXPECT_EQ(moved["calendar_event"], json({{"uid", uid}, {"sequence", 1}}));
  at("2027-01-06");
  run();  // delivers the new version; the run keeps the agreed day
  std::vector<json> versions;
  for (const auto& a : pushed("calendar_event", "calendar/"))
    if (a["payload"]["uid"] == uid) versions.push_back(a);
  ASSERT_EQ(versions.size(), 2u);
  const json& update = versions[1]["payload"];
  EXPECT_EQ(update["sequence"], 1);
  EXPECT_EQ(update["method"], "REQUEST");
  EXPECT_EQ(update["date"], "2027-02-10");
  EXPECT_EQ(update["start_time"], "16:30");
  auto parsed = mentoring::calendar::parse_ics(update["ics"].get<std::string>());
  EXPECT_EQ(parsed.uid, uid);
  EXPECT_EQ(parsed.sequence, 1);
  EXPECT_EQ(parsed.start.minutes, 16 * 60 + 30);

  // The pair's own list shows the agreed day and time.
  json listed = as_pair_member("mentee", pair, "session_list", {{"pair_id", pair}});
  EXPECT_TRUE(mentoring::schema::validate("commands/supervision-session_list.output", listed, "out")
                  .empty())
      << listed;
  EXPECT_EQ(listed["next_due"], "2027-02-10");
  EXPECT_EQ(listed["next_start_time"], "16:30");
  EXPECT_EQ(listed["next_agreed"], true);
  json rtw = programme(overview(), "rtw");
  EXPECT_EQ(rtw["pairs"][0]["next_meeting_on"], "2027-02-10");
  EXPECT_EQ(rtw["pairs"][0]["next_meeting_agreed"], true);
  EXPECT_EQ(rtw["pairs"][0]["next_meeting_start_time"], "16:30");
  // Not overdue on the cadence's day, only after the agreed one.
  at("2027-02-05");
  run();
  EXPECT_EQ(programme(overview(), "rtw")["pairs"][0]["status"], "on_track");
  EXPECT_TRUE(pushed("reminder", "pair-overdue/").empty());
  at("2027-02-11");
  EXPECT_EQ(programme(overview(), "rtw")["pairs"][0]["status"], "overdue");
}

TEST_F(OverviewPlugin, HrMayMoveAMeetingForThePairAndBadMovesChangeNothing) {
  auto pair = seed_pair("MENTEE1", "MENTOR1", "2027-01-04T09:00:00Z");
  auto other = seed_pair("MENTEE2", "MENTOR2", "2027-01-04T09:00:00Z");
  run();
  json moved = call_as({{"role", "hr"}, {"name", "Jo (HR)"}}, "session_move",
                       {{"pair_id", pair}, {"date", "2027-01-25"}});
  EXPECT_EQ(moved["number"], 1);
  EXPECT_EQ(moved["next_meeting"]["start_time"], "12:00");  // the programme's time
  // Another pair's member: not found, and nothing moved.
  std::string refused = error_of([&] {
    as_pair_member("mentee", other, "session_move", {{"pair_id", pair}, {"date", "2027-01-26"}});
  });
  EXPECT_NE(refused.find("not found"), std::string::npos) << refused;
  std::string past = error_of([&] {
    call("session_move", {{"pair_id", pair}, {"date", "2027-01-03"}});
  });
  EXPECT_NE(past.find("/date: found 2027-01-03; expected a date on or after today (2027-01-04)"),
            std::string::npos)
      << past;
  std::string after_end = error_of([&] {
    call("session_move", {{"pair_id", pair}, {"date", "2099-01-01"}});
  });
  EXPECT_NE(after_end.find("/date: found 2099-01-01"), std::string::npos) << after_end;
  std::string bad_time = error_of([&] {
    call("session_move", {{"pair_id", pair}, {"date", "2027-01-26"}, {"start_time", "25:00"}});
  });
  EXPECT_NE(bad_time.find("start_time"), std::string::npos) << bad_time;
  EXPECT_EQ(programme(overview(), "rtw")["pairs"][0]["next_meeting_on"], "2027-01-25");
}

}  // namespace
