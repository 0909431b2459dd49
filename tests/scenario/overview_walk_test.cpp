// HR's programme at a glance through the weeks (issue 15): programme_overview
// read on the days that matter while the clock moves, as HR would open the
// page: an invitation open, then overdue the morning after its answer date,
// then expired and the waiting list moving up; a pair on track, overdue, a
// meeting missed; the next meeting moved by the mentor (session_move), its
// calendar event sent again under the same UID with a higher SEQUENCE.
#include "scenario_harness.hpp"
#include "scenario_people.hpp"

#include <algorithm>

namespace scenario {
namespace {

constexpr const char* kOrg = "brookfield";
constexpr const char* kA = "return-to-work";

// The programme's part of the overview on the scenario's clock.
json overview_of(Scenario& s) {
  json out = s.command("programme_overview", {{"programme", kA}});
  EXPECT_EQ(out["programmes"].size(), 1u);
  return out["programmes"][0];
}

std::vector<std::string> ids_of(const json& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r["person_id"]);
  return out;
}

const json* overdue_item(const json& programme, const std::string& kind,
                         const std::string& person) {
  for (const auto& item : programme["overdue"])
    if (item["kind"] == kind && item["person_id"] == person) return &item;
  return nullptr;
}

std::vector<json> calendar_versions(const Scenario& s, const std::string& uid) {
  std::vector<json> out;
  for (const auto& r : s.hr.received)
    if (r.type() == "calendar_event" && r.action["payload"]["uid"] == uid) out.push_back(r.action);
  return out;
}

}  // namespace

TEST(ProgrammeOverviewWalk, InvitationsWaitingListAndAPairThroughTheWeeks) {
  Scenario s;
  s.hr.add_person(person("hana", "Hana Head", kOrg, std::nullopt));
  s.hr.add_person(person("mona", "Mona Mentor", kOrg, "hana"));
  s.hr.add_leave(leave("LMO", "mona", "maternity", "2023-03-01", "2023-11-30"));
  for (const auto& [id, name] :
       std::vector<std::pair<std::string, std::string>>{{"erin", "Erin Early"},
                                                        {"tom", "Tom Silent"},
                                                        {"wen", "Wen Waits"},
                                                        {"ian", "Ian Later"}}) {
    s.hr.add_person(person(id, name, kOrg, "hana"));
  }
  // Two places: Tom (May) and Erin (June) are invited; Wen and Ian wait, earliest leave first.
  s.hr.add_leave(leave("LTO", "tom", "adoption", "2027-05-03", "2027-10-31"));
  s.hr.add_leave(leave("LER", "erin", "maternity", "2027-06-07", "2027-12-05"));
  s.hr.add_leave(leave("LIA", "ian", "paternity", "2027-07-01", "2027-10-31"));
  s.hr.add_leave(leave("LWE", "wen", "maternity", "2027-06-20", "2027-12-20"));
  s.start(kOrg,
          {{"enrolment", true},
           {"training", false},
           {"pairing", true},
           {"supervision", true},
           {"evaluation", false},
           {"return_to_work", false}},
          {kA}, "2027-01-04", [](json& programme) {
            programme["cohort_capacity"] = 2;
            programme["invitation"] = {{"expiry_days", 21},
                                       {"reminder_days", json::array({7, 14})},
                                       {"reinvite_after_expiry", 0}};
          });
  s.command("nominate", {{"programme", kA}, {"person_id", "mona"}, {"role", "mentor"}});

  // 4 January: two invitations open, two people waiting.
  json day = overview_of(s);
  EXPECT_EQ(ids_of(day["open_invitations"]), (std::vector<std::string>{"tom", "erin"}));
  EXPECT_EQ(day["open_invitations"][0]["invited_on"], "2027-01-04");
  EXPECT_EQ(day["open_invitations"][0]["respond_by"], "2027-01-25");
  EXPECT_EQ(day["open_invitations"][0]["reminders"], 0);
  EXPECT_EQ(ids_of(day["waiting_list"]), (std::vector<std::string>{"wen", "ian"}));
  EXPECT_EQ(day["waiting_list"][0]["position"], 1);
  EXPECT_EQ(day["waiting_list"][0]["name"], "Wen Waits");

  // Erin says yes and is paired with Mona; they meet on 10 January.
  s.advance_to("2027-01-06");
  s.command("accept", {{"programme", kA}, {"person_id", "erin"}});
  s.advance_to("2027-01-07");
  Answer paired =
      s.try_command("pair", {{"programme", kA}, {"mentee_id", "erin"}, {"mentor_id", "mona"}});
  ASSERT_TRUE(paired.ok) << paired.message;
  const std::int64_t pair = paired.output["pair_id"];
  s.advance_to("2027-01-10");
  s.command_as_member("mentee", "session_record", {{"pair_id", pair}, {"held_on", "2027-01-10"}});

  // 11 January: Tom's first reminder went out (day 7).
  s.advance_to("2027-01-11");
  day = overview_of(s);
  EXPECT_EQ(ids_of(day["open_invitations"]), (std::vector<std::string>{"tom"}));
  EXPECT_EQ(day["open_invitations"][0]["reminders"], 1);
  ASSERT_EQ(day["pairs"].size(), 1u);
  EXPECT_EQ(day["pairs"][0]["status"], "on_track");
  EXPECT_EQ(day["pairs"][0]["last_meeting_on"], "2027-01-10");
  EXPECT_EQ(day["pairs"][0]["next_meeting_on"], "2027-02-07");
  EXPECT_EQ(day["pairs"][0]["mentor"]["name"], "Mona Mentor");
  EXPECT_TRUE(day["overdue"].empty()) << day["overdue"].dump();

  // The morning of 26 January, before the day's run: Tom's answer (due the 25th) is overdue.
  s.advance_to("2027-01-25");
  s.host.set_today("2027-01-26");
  day = overview_of(s);
  EXPECT_EQ(day["open_invitations"][0]["overdue"], true);
  EXPECT_EQ(day["open_invitations"][0]["reminders"], 2);
  const json* late = overdue_item(day, "invitation_answer", "tom");
  ASSERT_NE(late, nullptr) << day["overdue"].dump();
  EXPECT_EQ((*late)["due_on"], "2027-01-25");
  EXPECT_EQ((*late)["days_overdue"], 1);
  // The run expires it; the place goes to Wen, and Ian moves up the waiting list.
  s.advance_to("2027-01-26");
  day = overview_of(s);
  EXPECT_EQ(day["enrolments_by_state"]["expired"], 1);
  EXPECT_EQ(ids_of(day["open_invitations"]), (std::vector<std::string>{"wen"}));
  EXPECT_EQ(day["open_invitations"][0]["invited_on"], "2027-01-26");
  EXPECT_EQ(ids_of(day["waiting_list"]), (std::vector<std::string>{"ian"}));
  EXPECT_EQ(day["waiting_list"][0]["position"], 1);
  EXPECT_EQ(overdue_item(day, "invitation_answer", "tom"), nullptr);

  // The pair: overdue the day after 7 February, a meeting missed a cadence later.
  s.advance_to("2027-02-07");
  EXPECT_EQ(overview_of(s)["pairs"][0]["status"], "on_track");
  s.advance_to("2027-02-08");
  day = overview_of(s);
  EXPECT_EQ(day["pairs"][0]["status"], "overdue");
  const json* session_late = overdue_item(day, "pair_session", "erin");
  ASSERT_NE(session_late, nullptr) << day["overdue"].dump();
  EXPECT_EQ((*session_late)["due_on"], "2027-02-07");
  EXPECT_EQ((*session_late)["pair_id"], pair);
  s.advance_to("2027-03-07");
  day = overview_of(s);
  EXPECT_EQ(day["pairs"][0]["status"], "missed");
  EXPECT_EQ(day["pairs"][0]["missed_meetings"], 1);

  // Mona moves the next meeting to 12 March, 17:00: the placeholder of the
  // second session (sent when it was due on 7 February) goes out again.
  std::string uid;
  for (const auto& r : s.hr.received) {
    if (r.type() == "calendar_event" && r.action["payload"]["kind"] == "pair_session" &&
        r.action["payload"]["date"] == "2027-02-07")
      uid = r.action["payload"]["uid"];
  }
  ASSERT_FALSE(uid.empty());
  ASSERT_EQ(calendar_versions(s, uid).size(), 1u);
  json moved =
      s.command_as_member("mentor", "session_move",
                          {{"pair_id", pair}, {"date", "2027-03-12"}, {"start_time", "17:00"}});
  EXPECT_EQ(moved["calendar_event"]["uid"], uid);
  EXPECT_EQ(moved["calendar_event"]["sequence"], 1);
  day = overview_of(s);
  EXPECT_EQ(day["pairs"][0]["status"], "on_track");
  EXPECT_EQ(day["pairs"][0]["next_meeting_on"], "2027-03-12");
  EXPECT_EQ(day["pairs"][0]["next_meeting_start_time"], "17:00");
  EXPECT_EQ(overdue_item(day, "pair_session", "erin"), nullptr);

  s.advance_to("2027-03-11");  // delivered with the next day's run; no run moves it back
  auto versions = calendar_versions(s, uid);
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[1]["payload"]["sequence"], 1);
  EXPECT_EQ(versions[1]["payload"]["date"], "2027-03-12");
  EXPECT_EQ(versions[1]["payload"]["start_time"], "17:00");
  auto to = recipients(versions[1]);
  std::sort(to.begin(), to.end());
  EXPECT_EQ(to, (std::vector<std::string>{"erin", "mona"}));

  // Past the agreed day without a meeting: overdue again, from the agreed day.
  s.advance_to("2027-03-13");
  day = overview_of(s);
  EXPECT_EQ(day["pairs"][0]["status"], "overdue");
  session_late = overdue_item(day, "pair_session", "erin");
  ASSERT_NE(session_late, nullptr);
  EXPECT_EQ((*session_late)["due_on"], "2027-03-12");
  EXPECT_TRUE(s.year_problems().empty());
}

}  // namespace scenario
