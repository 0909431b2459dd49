// A circle programme (examples/programmes/return-to-work-circles.json:
// programme A run as group mentoring circles, circle.max_mentees 4) for a
// year and more at Circleford, a small organisation: mentors volunteer and train; five mentees are
// invited from their leave and accept; the pairing pass gives the first trained mentor a circle of
// four (more than a mentor of pairs may hold) and the fifth waits for the second mentor's training;
// HR accepts; the circle meets as one series (one calendar event per meeting with every member
// expected, one record with attendance per mentee); Ann goes on leave while the others keep meeting
// (her reminders pause, theirs do not); a meeting is missed, reminded and escalated; the circle's
// mentor attends supervision; Dee withdraws and the circle goes on; the circle ends with its
// members' enrolments. The year is replayed once (SetUpTestSuite); each TEST checks one promise.
#include "scenario_people.hpp"

#include <set>

namespace {

using namespace scenario;

constexpr const char* kP = "return-to-work-circles";
constexpr const char* kOrg = "circleford";

struct Walk {
  Scenario s;
  std::string replay_error;
  std::map<std::string, Answer> answers;
  std::map<std::string, json> seen;
  std::map<std::string, std::int64_t> pair;  // the accepted pair of each mentee
  std::vector<std::string> proposed_to_cora;
  std::string eli_mentor;
};

Walk* walk = nullptr;

void meet(Walk& w, const std::string& day, const json& attended) {
  w.s.advance_to(day);
  w.answers["circle " + day] = w.s.try_command_as_member("mentor", "circle_record",
                                                         {{"programme", kP},
                                                          {"mentor_id", "cora"},
                                                          {"held_on", day},
                                                          {"attended", attended},
                                                          {"notes", "we met on " + day}});
}

json circle_list(Scenario& s, const std::string& role = "hr") {
  return s.command_as_member(role, "circle_list", {{"programme", kP}, {"mentor_id", "cora"}});
}

void replay(Walk& w) {
  Scenario& s = w.s;
  s.hr.add_person(person("hana", "Hana Head", kOrg, std::nullopt));
  s.hr.add_person(person("lars", "Lars Line", kOrg, "hana"));
  s.hr.add_person(person("cora", "Cora Circle", kOrg, "hana"));
  s.hr.add_person(person("carl", "Carl Later", kOrg, "hana"));
  for (const auto& [id, name] :
       std::vector<std::pair<std::string, std::string>>{{"ann", "Ann Away"},
                                                        {"bea", "Bea Bright"},
                                                        {"cai", "Cai Calm"},
                                                        {"dee", "Dee Departs"},
                                                        {"eli", "Eli Fifth"}}) {
    s.hr.add_person(person(id, name, kOrg, "lars"));
  }
  s.hr.add_leave(leave("LCO", "cora", "maternity", "2024-03-01", "2024-11-30"));
  s.hr.add_leave(leave("LCA", "carl", "paternity", "2025-05-01", "2025-07-31"));
  s.hr.add_leave(leave("LAN", "ann", "maternity", "2027-05-03", "2027-08-01"));
  s.hr.add_leave(leave("LBE", "bea", "adoption", "2027-10-04", "2028-01-02"));
  s.hr.add_leave(leave("LCI", "cai", "carers", "2027-10-04", "2028-01-02"));
  s.hr.add_leave(leave("LDE", "dee", "paternity", "2027-11-01", "2028-01-30"));
  s.hr.add_leave(leave("LEL", "eli", "fostering", "2027-11-01", "2028-01-30"));

  s.start(kOrg,
          {{"enrolment", true},
           {"training", true},
           {"pairing", true},
           {"supervision", true},
           {"evaluation", true},
           {"return_to_work", true}},
          {kP}, "2027-01-04", [](json& p) {
            // examples/programmes/return-to-work-circles.json (shape circles, max_mentees 4),
            // with a wide invitation window so that every leave of the walk is invited at once.
            p["mentee"]["invite_from_months_before"] = 12;
            p["mentee"]["invite_until_months_before"] = 1;
          });
  w.seen["invitations 2027-01-04"] = s.command("invitations", {{"programme", kP}});
  for (const char* mentor : {"cora", "carl"}) {
    w.answers[std::string("nominate ") + mentor] =
        s.try_command("nominate", {{"programme", kP}, {"person_id", mentor}, {"role", "mentor"}});
  }
  s.advance_to("2027-01-05");
  for (const char* mentee : {"ann", "bea", "cai", "dee"}) {
    w.answers[std::string("accept ") + mentee] = s.try_command("accept", {{"person_id", mentee}});
  }
  s.hr.add_completion(completion("cora", "MENTOR-101", "2027-01-05", "2030-01-05"));
  s.advance_to("2027-01-07");
  w.seen["proposals 2027-01-07"] = pairs_listed(s, kP);
  for (const auto& p : w.seen["proposals 2027-01-07"]) {
    if (p["state"] == "proposed" && p["mentor_id"] == "cora")
      w.proposed_to_cora.push_back(p["mentee_id"]);
  }
  for (const char* mentee : {"ann", "bea", "cai", "dee"}) {
    if (auto proposal = pair_of(s, kP, mentee, "proposed")) {
      w.answers[std::string("hr accepts ") + mentee] =
          s.try_command("pairing_accept", {{"pair_id", proposal}});
    }
    w.pair[mentee] = pair_of(s, kP, mentee, "accepted");
  }
  s.advance_to("2027-01-12");
  for (const char* mentee : {"ann", "bea", "cai", "dee"}) {
    s.hr.add_completion(completion(mentee, "RTW-PAIR-01", "2027-01-12"));
  }
  // Eli says yes later: Cora's circle is full, Carl not yet trained.
  s.advance_to("2027-01-20");
  w.answers["accept eli"] = s.try_command("accept", {{"person_id", "eli"}});
  meet(w, "2027-01-20", {"ann", "bea", "cai", "dee"});
  s.advance_to("2027-01-25");
  w.seen["proposals 2027-01-25"] = pairs_listed(s, kP);
  w.seen["waiting 2027-01-25"] = s.command("waiting", {{"programme", kP}});
  meet(w, "2027-02-17", {"ann", "bea", "cai", "dee"});
  s.advance_to("2027-03-01");
  s.hr.add_completion(completion("carl", "MENTOR-101", "2027-03-01", "2030-03-01"));
  s.advance_to("2027-03-03");
  if (auto proposal = pair_of(s, kP, "eli", "proposed", &w.eli_mentor)) {
    w.answers["hr accepts eli"] = s.try_command("pairing_accept", {{"pair_id", proposal}});
  }
  w.pair["eli"] = pair_of(s, kP, "eli", "accepted");
  meet(w, "2027-03-17", {"ann", "cai", "dee"});  // Bea is away that day
  meet(w, "2027-04-14", {"ann", "bea", "cai", "dee"});
  // Ann on leave from 2027-05-03 to 2027-08-01; the others keep meeting.
  meet(w, "2027-05-12", {"bea", "cai", "dee"});
  s.advance_to("2027-05-13");
  w.seen["circle 2027-05-13"] = circle_list(s);
  meet(w, "2027-06-09", {"bea", "cai", "dee"});
  s.advance_to("2027-06-20");
  w.answers["dee withdraws"] =
      s.try_command("withdraw", {{"person_id", "dee"}, {"reason", "moving team"}});
  // The meeting due 2027-07-07 is missed: reminded, then escalated to the programme manager.
  s.advance_to("2027-07-30");
  w.seen["circle 2027-07-30"] = circle_list(s);
  w.answers["dee after withdrawal"] = s.try_command_as_member("mentor", "circle_record",
                                                              {{"programme", kP},
                                                               {"mentor_id", "cora"},
                                                               {"held_on", "2027-07-29"},
                                                               {"attended", {"bea", "dee"}}});
  meet(w, "2027-08-04", {"bea", "cai"});  // Ann is back on 2027-08-02 but not yet there
  meet(w, "2027-09-01", {"ann", "bea", "cai"});
  meet(w, "2027-09-29", {"ann", "bea", "cai"});
  s.advance_to("2027-09-30");
  w.seen["circle 2027-09-30"] = circle_list(s);
  w.seen["circle 2027-09-30 mentee"] = circle_list(s, "mentee");
  // Bea and Cai on leave from 2027-10-04: only Ann is expected.
  meet(w, "2027-10-27", {"ann"});
  // Ann completes on 2027-12-01; Bea and Cai are back on 2028-01-03 and meet until their end.
  s.advance_to("2027-12-01");
  w.answers["circle_list 2027-12-01"] =
      s.try_command("circle_list", {{"programme", kP}, {"mentor_id", "cora"}});
  for (const char* day : {"2028-01-19", "2028-02-16", "2028-03-15", "2028-04-12"}) {
    meet(w, day, {"bea", "cai"});
  }
  for (const char* day : {"2028-06-01", "2028-09-30"}) {
    s.advance_to(day);
    w.answers[std::string("circle_list ") + day] =
        s.try_command("circle_list", {{"programme", kP}, {"mentor_id", "cora"}});
  }
  w.seen["proposals end"] = pairs_listed(s, kP);
  w.seen["history ann"] = s.command("history", {{"person_id", "ann"}});
}

class CirclesYear : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (walk) return;
    walk = new Walk;
    try {
      replay(*walk);
    } catch (const std::exception& e) {
      walk->replay_error = std::string("replay stopped on ") + walk->s.today() + ": " + e.what();
    }
  }
  void SetUp() override { ASSERT_TRUE(w.replay_error.empty()) << w.replay_error; }
  Walk& w = *walk;
  Scenario& s = walk->s;
};

// The circle_session calendar events a person received: date -> attendees, the latest version of
// each event (same UID) winning.
std::map<std::string, std::set<std::string>> circle_events(const Scenario& s,
                                                           const std::string& who) {
  std::map<std::string, json> by_uid;
  for (const auto& r : of_type(s.received(who), "calendar_event")) {
    if (r.action["payload"]["kind"] == "circle_session")
      by_uid[r.action["payload"].value("uid", r.action.value("idempotency_key", std::string()))] =
          r.action;
  }
  std::map<std::string, std::set<std::string>> out;
  for (const auto& [uid, action] : by_uid) {
    auto to = recipients(action);
    out[action["payload"]["date"].get<std::string>()] = {to.begin(), to.end()};
  }
  return out;
}

std::vector<Received> circle_tasks(const Scenario& s, const std::string& from,
                                   const std::string& to) {
  std::vector<Received> out;
  for (const auto& r : s.received_between("programme_manager", from, to)) {
    const json& about = r.action["payload"].value("about", json::object());
    if (about.value("mentor_id", std::string()) == "cora" && !about.contains("pair_id"))
      out.push_back(r);
  }
  return out;
}

const json* member(const json& circle, const std::string& mentee) {
  for (const auto& m : circle["members"]) {
    if (m["mentee_id"] == mentee) return &m;
  }
  return nullptr;
}

TEST_F(CirclesYear, MenteesAreInvitedFromTheirLeaveAndMentorsTrain) {
  for (const char* mentee : {"ann", "bea", "cai", "dee", "eli"}) {
    EXPECT_EQ(of_type(s.received_between(mentee, "2027-01-04", "2027-01-04"), "invite").size(), 1u)
        << mentee;
    EXPECT_TRUE(w.answers["accept " + std::string(mentee)].ok) << mentee;
  }
  for (const char* mentor : {"cora", "carl"}) {
    EXPECT_EQ(w.answers["nominate " + std::string(mentor)].output["enrolment"]["state"],
              "awaiting_training");
    EXPECT_EQ(of_type(s.received(mentor), "enrol_in_course").size(), 1u) << mentor;
  }
}

TEST_F(CirclesYear, ThePairingPassProposesAWholeCircleOfFourToOneMentor) {
  // More than the 3 a mentor of pairs may hold: circle.max_mentees is 4.
  EXPECT_EQ(std::set<std::string>(w.proposed_to_cora.begin(), w.proposed_to_cora.end()),
            (std::set<std::string>{"ann", "bea", "cai", "dee"}))
      << w.seen["proposals 2027-01-07"].dump();
  for (const char* mentee : {"ann", "bea", "cai", "dee"}) {
    EXPECT_NE(w.pair[mentee], 0) << mentee;
    EXPECT_EQ(w.answers["hr accepts " + std::string(mentee)].output["mentor"]["person_id"], "cora");
  }
  // Eli, fifth, is not squeezed into the full circle: he waits for Carl's training.
  for (const auto& p : w.seen["proposals 2027-01-25"]) EXPECT_NE(p["mentee_id"], "eli") << p;
  bool eli_waits = false;
  for (const auto& e : w.seen["waiting 2027-01-25"]["waiting"]) {
    eli_waits |= e["person_id"] == "eli" && e["state"] == "awaiting_pair";
  }
  EXPECT_TRUE(eli_waits) << w.seen["waiting 2027-01-25"].dump();
  EXPECT_EQ(w.eli_mentor, "carl");
  EXPECT_NE(w.pair["eli"], 0);
}

TEST_F(CirclesYear, TheCircleIsOneCalendarSeriesWithEveryMemberExpected) {
  const auto events = circle_events(s, "cora");
  const std::map<std::string, std::set<std::string>> expected = {
      {"2027-02-17", {"cora", "ann", "bea", "cai", "dee"}},
      {"2027-03-17", {"cora", "ann", "bea", "cai", "dee"}},
      {"2027-05-12", {"cora", "bea", "cai", "dee"}},  // Ann on leave
      {"2027-07-07", {"cora", "bea", "cai"}},         // Dee withdrew: the event was updated
      {"2027-09-01", {"cora", "ann", "bea", "cai"}},  // Ann back
      {"2027-10-27", {"cora", "ann"}},                // Bea and Cai on leave
      {"2028-02-16", {"cora", "bea", "cai"}}};        // Ann's enrolment completed
  for (const auto& [day, who] : expected) {
    ASSERT_TRUE(events.count(day)) << day << "\n" << describe(s.received("cora"));
    EXPECT_EQ(events.at(day), who) << day;
  }
  // Each mentee holds the very same events (no series of their own, no pair sessions).
  for (const char* mentee : {"ann", "bea", "cai", "dee"}) {
    for (const auto& [day, who] : circle_events(s, mentee)) {
      EXPECT_TRUE(who.count("cora") && who.count(mentee)) << mentee << " " << day;
    }
    for (const auto& r : of_type(s.received(mentee), "calendar_event")) {
      EXPECT_NE(r.action["payload"]["kind"], "pair_session") << mentee << " " << r.day;
    }
  }
  // One event per meeting for the circle, not one per mentee: 2027-01-21 brought one.
  int on_0121 = 0;
  for (const auto& r :
       of_type(s.received_between("cora", "2027-01-21", "2027-01-21"), "calendar_event")) {
    on_0121 += r.action["payload"]["kind"] == "circle_session";
  }
  EXPECT_EQ(on_0121, 1);
}

TEST_F(CirclesYear, EachMeetingRecordsAttendancePerMentee) {
  for (const auto& [label, a] : w.answers) {
    if (label.rfind("circle 20", 0) == 0) {
      EXPECT_TRUE(a.ok) << label << ": " << a.message;
    }
  }
  const json& sessions = w.seen["circle 2027-05-13"]["sessions"];
  ASSERT_EQ(sessions.size(), 5u);
  EXPECT_EQ(sessions[2]["held_on"], "2027-03-17");
  EXPECT_EQ(sessions[2]["absent"], json({"bea"}));
  // Ann on leave on 2027-05-12: neither there nor absent.
  EXPECT_EQ(sessions[4]["attended"], json({"bea", "cai", "dee"}));
  EXPECT_EQ(sessions[4]["absent"], json::array());
  const json* ann = member(w.seen["circle 2027-05-13"], "ann");
  ASSERT_TRUE(ann);
  EXPECT_EQ((*ann)["on_leave"], true);
  EXPECT_EQ((*ann)["back_on"], "2027-08-02");
  EXPECT_EQ((*ann)["attended"], 4);
  EXPECT_EQ((*ann)["missed"], 0);
}

TEST_F(CirclesYear, NotesReachTheCircleNeverHr) {
  for (const auto& m : w.seen["circle 2027-09-30"]["sessions"]) EXPECT_FALSE(m.contains("notes"));
  const json& mine = w.seen["circle 2027-09-30 mentee"]["sessions"];
  ASSERT_FALSE(mine.empty());
  EXPECT_EQ(mine[0]["notes"], "we met on 2027-01-20");
}

TEST_F(CirclesYear, TheMissedMeetingRemindsThoseNotOnLeaveThenTheProgrammeManager) {
  // Due 2027-07-07, nobody met: the day after, the mentor and the mentees not on leave.
  std::set<std::string> reminded;
  for (const char* who : {"cora", "ann", "bea", "cai", "dee"}) {
    if (!of_type(s.received_between(who, "2027-07-08", "2027-07-08"), "reminder").empty())
      reminded.insert(who);
  }
  EXPECT_EQ(reminded, (std::set<std::string>{"cora", "bea", "cai"}));
  EXPECT_EQ(keyed(s.received_between("cora", "2027-07-08", "2027-07-08"), "circle-overdue").size(),
            1u);
  // Ann's reminders pause during her leave; Dee, withdrawn, gets none.
  EXPECT_TRUE(of_type(s.received_between("ann", "2027-05-03", "2027-08-01"), "reminder").empty())
      << describe(s.received_between("ann", "2027-05-03", "2027-08-01"));
  EXPECT_TRUE(of_type(s.received_between("dee", "2027-06-21", "2028-09-30"), "reminder").empty());
  // Fourteen days after the reminder, one task about the circle.
  EXPECT_TRUE(circle_tasks(s, "2027-01-04", "2027-07-21").empty())
      << describe(circle_tasks(s, "2027-01-04", "2027-07-21"));
  const auto tasks = circle_tasks(s, "2027-07-22", "2027-08-03");
  ASSERT_EQ(tasks.size(), 1u) << describe(circle_tasks(s, "2027-01-04", "2028-09-30"));
  EXPECT_EQ(tasks[0].day, "2027-07-22");
  EXPECT_EQ(tasks[0].action["payload"]["about"]["due_on"], "2027-07-07");
  EXPECT_EQ(tasks[0].action["payload"]["about"]["reason"], "session_overdue");
  // The programme manager reads about a circle, not a pair.
  EXPECT_EQ(tasks[0].action["payload"]["subject"], "A mentoring circle's meeting is overdue");
  EXPECT_EQ(w.seen["circle 2027-07-30"]["status"], "overdue");
}

TEST_F(CirclesYear, TheCircleMentorAttendsSupervisionEverySixWeeks) {
  std::vector<std::string> days;
  for (const auto& r : of_type(s.received("cora"), "calendar_event")) {
    if (r.action["payload"]["kind"] == "supervision") days.push_back(r.action["payload"]["date"]);
  }
  std::sort(days.begin(), days.end());
  days.erase(std::unique(days.begin(), days.end()), days.end());
  ASSERT_GE(days.size(), 6u) << describe(s.received("cora"));
  for (std::size_t i = 1; i < days.size(); ++i) EXPECT_EQ(plus_days(days[i - 1], 42), days[i]);
}

TEST_F(CirclesYear, AWithdrawnMenteeStaysInTheCirclesRecordAndTheCircleGoesOn) {
  EXPECT_TRUE(w.answers["dee withdraws"].ok) << w.answers["dee withdraws"].message;
  const json* dee = member(w.seen["circle 2027-07-30"], "dee");
  ASSERT_TRUE(dee) << w.seen["circle 2027-07-30"]["members"].dump();
  EXPECT_EQ((*dee)["ended"], true);
  EXPECT_EQ((*dee)["attended"], 6);
  // After her withdrawal she cannot be recorded at a meeting.
  EXPECT_FALSE(w.answers["dee after withdrawal"].ok);
  EXPECT_NE(w.answers["dee after withdrawal"].message.find("/attended/1"), std::string::npos)
      << w.answers["dee after withdrawal"].message;
  EXPECT_TRUE(w.answers["circle 2027-08-04"].ok);
  EXPECT_TRUE(circle_events(s, "dee").count("2027-09-01") == 0);
}

TEST_F(CirclesYear, TheCircleEndsWithItsMembersEnrolmentsAndHrStillSeesIt) {
  // Ann completed on 2027-12-01, Bea and Cai on 2028-05-03: the circle is over.
  const Answer& december = w.answers["circle_list 2027-12-01"];
  ASSERT_TRUE(december.ok) << december.message;
  const json* ann = member(december.output, "ann");
  ASSERT_TRUE(ann) << december.output["members"].dump();
  EXPECT_EQ((*ann)["ended"], true);
  EXPECT_EQ((*ann)["attended"], 7);  // four before her leave, three after (not 2027-08-04)
  const Answer& after = w.answers["circle_list 2028-06-01"];
  ASSERT_TRUE(after.ok) << after.message;
  EXPECT_EQ(after.output["status"], "ended");
  EXPECT_EQ(after.output["held"], 14);
  EXPECT_EQ(after.output["members"].size(), 4u);
  for (const auto& m : after.output["members"]) EXPECT_EQ(m["ended"], true) << m;
  for (const char* who : {"cora", "ann", "bea", "cai"}) {
    EXPECT_TRUE(
        keyed(s.received_between(who, "2028-05-03", "2028-09-30"), "circle-overdue").empty())
        << who;
    const auto events = circle_events(s, who);
    EXPECT_TRUE(events.upper_bound("2028-05-03") == events.end())
        << who << ": a meeting planned on " << events.rbegin()->first;
  }
}

TEST_F(CirclesYear, NoKeyDeliveredTwiceAndNothingForPeopleWhoLeft) {
  auto problems = s.year_problems();
  EXPECT_TRUE(problems.empty()) << problems.front();
}

}  // namespace
