// Moodle-specific behaviour beyond the conformance suite: write-back of course
// enrolments and calendar events, once only, across a restart.
#include "fake_moodle.hpp"
#include "subject.hpp"

#include <moodle_adapter/moodle_adapter.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

using mentoring::conformance::TestHost;
using mentoring::fakes::FakeMoodle;
using nlohmann::json;
namespace moodle = mentoring::adapters::moodle;

namespace {

class MoodleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage_ = std::filesystem::temp_directory_path() /
               ("moodle-test-" +
                std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(storage_);
    std::filesystem::create_directories(storage_);
  }
  void TearDown() override { std::filesystem::remove_all(storage_); }

  std::unique_ptr<moodle::MoodleAdapter> make(bool supervision_groups = false,
                                              const json& more_settings = json::object(),
                                              const std::string& token = "token-1") {
    json config = {{"organisation", "northwind"},
                   {"name", "lms"},
                   {"base_dir", "/tmp"},
                   {"settings",
                    {{"base_url", fake_.base_url()},
                     {"course_completions", {{"courses", {{"MENTOR-101", 12}}}}}}}};
    if (supervision_groups) config["settings"]["supervision_groups"] = {{"course", 30}};
    for (const auto& [k, v] : more_settings.items()) config["settings"][k] = v;
    return std::make_unique<moodle::MoodleAdapter>(
        config.dump(),
        moodle::Services{[this](const std::string& r) { return host_.http(r); },
                         [token](const std::string& name) -> std::optional<std::string> {
                           if (name == "MOODLE_TOKEN") return token;
                           return std::nullopt;
                         },
                         [] { return TestHost::kNowMs; },
                         [](std::string_view) {},
                         [this] { return storage_.string(); },
                         {}});
  }

  json push(moodle::MoodleAdapter& adapter, const json& action) {
    return json::parse(
        adapter.call("push", json{{"actions", json::array({action})}}.dump()))["results"][0];
  }

  static json calendar_event() {
    return {{"idempotency_key", "touchpoint/northwind/7/Introduction/0"},
            {"type", "calendar_event"},
            {"organisation", "northwind"},
            {"person_id", "E1246"},
            {"programme_id", "return-to-work"},
            {"created_at", "2026-12-15T12:00:00Z"},
            {"payload",
             {{"uid", "touchpoint/northwind/7/Introduction"},
              {"sequence", 0},
              {"method", "REQUEST"},
              {"kind", "touchpoint"},
              {"summary", "Introductory meeting"},
              {"description", "Return to work: Introduction (before_leave), due 2027-01-05."},
              {"phase", "before_leave"},
              {"date", "2027-01-05"},
              {"start_time", nullptr},
              {"duration_minutes", nullptr},
              {"timezone", "Europe/London"},
              {"location", nullptr},
              {"attendees", json::array({{{"person_id", "E1246"}, {"name", "E1246"}}})}}}};
  }

  // What the training runner emits (plugin/shell/training_runner.cpp).
  static json enrolment(const std::string& person, const std::string& course = "MENTOR-101") {
    return {{"idempotency_key",
             "training/northwind/return-to-work/" + person + "/mentor/enrol-" + course},
            {"type", "enrol_in_course"},
            {"organisation", "northwind"},
            {"person_id", person},
            {"programme_id", "return-to-work"},
            {"created_at", "2026-12-15T12:00:00Z"},
            {"payload",
             {{"to", {{"person_id", person}, {"name", person}, {"email", nullptr}}},
              {"course_id", course},
              {"programme", {{"id", "return-to-work"}, {"name", "Return to work"}}},
              {"role", "mentor"},
              {"subject", "Training for Return to work"},
              {"text", "Please complete " + course + "."},
              {"reason", "required course not started"},
              {"due_by", nullptr}}}};
  }

  // What the supervision runner emits (plugin/shell/supervision_runner.cpp).
  static json membership(const std::string& person, bool member, int group = 1) {
    std::string group_key = "northwind/return-to-work/" + std::to_string(group);
    return {{"idempotency_key", "group/" + group_key + "/" + person + (member ? "/in" : "/out")},
            {"type", "group_membership"},
            {"organisation", "northwind"},
            {"person_id", person},
            {"programme_id", "return-to-work"},
            {"created_at", "2026-12-15T12:00:00Z"},
            {"payload",
             {{"programme_id", "return-to-work"},
              {"group",
               {{"key", "supervision/" + group_key},
                {"name", "Return to work: mentor supervision, group " + std::to_string(group)}}},
              {"person_id", person},
              {"member", member}}}};
  }

  json check_line(moodle::MoodleAdapter& adapter, const std::string& capability) {
    json answer = json::parse(adapter.call("check", "{}"));
    for (const auto& c : answer["capabilities"])
      if (c["name"] == capability) return c;
    return json();
  }

  std::filesystem::path storage_;
  FakeMoodle fake_{DEMO_DATA_DIR "/northwind", "token-1"};
  TestHost host_;  // destroyed first: its connections close before the fake stops
};

}  // namespace

TEST_F(MoodleTest, ACalendarEventIsCreatedOnceEvenAfterARestart) {
  {
    auto adapter = make(true);
    EXPECT_EQ(push(*adapter, calendar_event())["status"], "done");
    EXPECT_EQ(push(*adapter, calendar_event())["status"], "duplicate");
  }
  auto restarted = make(true);  // a new instance, as after a crash: the same storage folder
  EXPECT_EQ(push(*restarted, calendar_event())["status"], "duplicate");
  EXPECT_EQ(fake_.events().size(), 1u);
}

TEST_F(MoodleTest, AnActionItCannotCarryOutIsFailedWithAReason) {
  auto adapter = make();
  json invite = calendar_event();
  invite["type"] = "invite";
  invite["idempotency_key"] = "invite/northwind/return-to-work/E1246/L1";
  json result = push(*adapter, invite);
  EXPECT_EQ(result["status"], "failed");
  EXPECT_FALSE(result.value("message", "").empty());
}

TEST_F(MoodleTest, AMentorJoinsTheSupervisionGroupWhichIsCreatedOnceAndFoundAfterARestart) {
  {
    auto adapter = make(true);
    json first = push(*adapter, membership("E1002", true));
    EXPECT_EQ(first["status"], "done") << first.dump();
    EXPECT_EQ(push(*adapter, membership("E1003", true))["status"], "done");
  }
  // A restart (a new instance) finds the group by its ID number instead of creating another.
  auto restarted = make(true);
  EXPECT_EQ(push(*restarted, membership("E1001", true))["status"], "done");
  auto groups = fake_.groups();
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(fake_.groups_created(), 1u);
  EXPECT_EQ(groups[0]["courseid"], 30);
  EXPECT_EQ(groups[0]["idnumber"], "supervision/northwind/return-to-work/1");
  EXPECT_EQ(groups[0]["name"], "Return to work: mentor supervision, group 1");
  EXPECT_EQ(groups[0]["members"], json::array({fake_.user_id_of("E1001"), fake_.user_id_of("E1002"),
                                               fake_.user_id_of("E1003")}));
  // Each was enrolled in the supervision course first (Moodle's rule for group members).
  int in_course = 0;
  for (const auto& e : fake_.enrolments()) in_course += e["courseid"] == "30";
  EXPECT_EQ(in_course, 3);
}

TEST_F(MoodleTest, AMentorWhoLeavesIsRemovedAndARemovalFromNoGroupChangesNothing) {
  auto adapter = make(true);
  ASSERT_EQ(push(*adapter, membership("E1002", true))["status"], "done");
  ASSERT_EQ(push(*adapter, membership("E1003", true))["status"], "done");
  json out = push(*adapter, membership("E1002", false));
  EXPECT_EQ(out["status"], "done") << out.dump();
  EXPECT_EQ(fake_.groups()[0]["members"], json::array({fake_.user_id_of("E1003")}));
  json nowhere = push(*adapter, membership("E1003", false, 2));
  EXPECT_EQ(nowhere["status"], "done") << nowhere.dump();
  EXPECT_NE(nowhere["message"].get<std::string>().find("nothing to remove"), std::string::npos);
  EXPECT_EQ(fake_.groups().size(), 1u) << "removing creates no group";
}

TEST_F(MoodleTest, ASecondDeliveryOfTheSameMembershipChangesNothingEvenAfterARestart) {
  {
    auto adapter = make(true);
    ASSERT_EQ(push(*adapter, membership("E1002", true))["status"], "done");
    EXPECT_EQ(push(*adapter, membership("E1002", true))["status"], "duplicate");
    ASSERT_EQ(push(*adapter, membership("E1002", false))["status"], "done");
  }
  auto restarted = make(true);
  EXPECT_EQ(push(*restarted, membership("E1002", true))["status"], "duplicate");
  EXPECT_EQ(fake_.enrolments().size(), 1u);
  EXPECT_EQ(fake_.groups()[0]["members"], json::array()) << "the repeated \"in\" re-added nobody";
}

TEST_F(MoodleTest, AMembershipForAnUnknownPersonFailsNamingThePerson) {
  auto adapter = make(true);
  json result = push(*adapter, membership("E9999", true));
  EXPECT_EQ(result["status"], "failed");
  EXPECT_NE(result["message"].get<std::string>().find("\"E9999\""), std::string::npos)
      << result.dump();
  EXPECT_TRUE(fake_.groups().empty());
}

TEST_F(MoodleTest, AMembershipWithoutMemberOrOnATakenGroupNameFailsWithAReason) {
  auto adapter = make(true);
  json bad = membership("E1002", true);
  bad["payload"].erase("member");
  json result = push(*adapter, bad);
  EXPECT_EQ(result["status"], "failed");
  EXPECT_NE(result["message"].get<std::string>().find("/payload/member: found (missing)"),
            std::string::npos)
      << result.dump();
  // A group of that name without our ID number (eg made by hand): named, not duplicated.
  ASSERT_EQ(push(*adapter, membership("E1002", true))["status"], "done");
  json other = membership("E1003", true);
  other["payload"]["group"]["key"] = "supervision/northwind/return-to-work/other";
  json clash = push(*adapter, other);
  EXPECT_EQ(clash["status"], "failed");
  EXPECT_NE(clash["message"].get<std::string>().find(
                "expected ID number \"supervision/northwind/return-to-work/other\""),
            std::string::npos)
      << clash.dump();
  EXPECT_EQ(fake_.groups_created(), 1u);
}

TEST_F(MoodleTest, WithoutSupervisionGroupsInSettingsMembershipIsNotHandled) {
  auto adapter = make(false);
  json result = push(*adapter, membership("E1002", true));
  EXPECT_EQ(result["status"], "not_handled") << result.dump();
  EXPECT_TRUE(fake_.groups().empty());
  EXPECT_TRUE(fake_.enrolments().empty());
  json line = check_line(*adapter, "manage_groups");
  EXPECT_EQ(line["configured"], false) << line.dump();
}

TEST_F(MoodleTest, CheckReportsManageGroupsAndAMissingGroupFunction) {
  auto adapter = make(true);
  json line = check_line(*adapter, "manage_groups");
  EXPECT_EQ(line["configured"], true) << line.dump();
  EXPECT_EQ(line["permitted"], true) << line.dump();
  fake_.disable_function("core_group_create_groups");
  json lacking = check_line(*adapter, "manage_groups");
  EXPECT_EQ(lacking["permitted"], false);
  EXPECT_NE(lacking["message"].get<std::string>().find("core_group_create_groups"),
            std::string::npos)
      << lacking.dump();
  EXPECT_EQ(json::parse(adapter->call("check", "{}"))["ok"], false);
}

// ------------------------------------------------ what the real Moodle does

namespace {

// Every course completion of MENTOR-101, page after page; problems collected.
struct Pulled {
  std::size_t records = 0;
  json first_record;
  json problems = json::array();
};
Pulled pull_completions(moodle::MoodleAdapter& adapter) {
  Pulled out;
  json cursor = nullptr;
  for (int page = 0; page < 100; ++page) {
    json answer = json::parse(
        adapter.call("pull", json{{"stream", "course_completions"}, {"cursor", cursor}}.dump()));
    out.records += answer["records"].size();
    if (out.first_record.is_null() && !answer["records"].empty())
      out.first_record = answer["records"][0];
    for (const auto& p : answer["problems"]) out.problems.push_back(p);
    if (!answer["more"].get<bool>() || !answer["problems"].empty()) break;
    cursor = answer["next_cursor"];
  }
  return out;
}

// What the supervision runner emits for a session (plugin/shell/supervision_runner.cpp).
json session(const std::vector<std::string>& people, int sequence, const std::string& date,
             const std::string& method = "REQUEST") {
  json attendees = json::array();
  for (const auto& p : people)
    attendees.push_back({{"person_id", p}, {"name", p}, {"email", nullptr}});
  std::string uid = "supervision-g1-s3.return-to-work.northwind@mentoring.invalid";
  std::string key = "calendar/" + uid + "/" + std::to_string(sequence);
  return {{"idempotency_key", key},
          {"type", "calendar_event"},
          {"organisation", "northwind"},
          {"person_id", nullptr},
          {"programme_id", "return-to-work"},
          {"created_at", "2026-12-15T12:00:00Z"},
          {"payload",
           {{"uid", uid},
            {"sequence", sequence},
            {"method", method},
            {"kind", "supervision"},
            {"summary", "Return to work: mentor supervision, group 1, session 3"},
            {"description", "Group supervision and support for mentors."},
            {"date", date},
            {"start_time", "10:00"},
            {"duration_minutes", 90},
            {"timezone", "Europe/London"},
            {"location", nullptr},
            {"organizer_email", nullptr},
            {"attendees", attendees},
            {"ics", "BEGIN:VCALENDAR..."}}}};
}

std::set<long long> members_of(const json& group) {
  return group["members"].get<std::set<long long>>();
}

}  // namespace

TEST_F(MoodleTest, ATeacherInTheCourseIsNotTrackedAndEveryTrainedPersonStillCounts) {
  // The fake's MENTOR-101 has a teacher (Maria Mentor, with an idnumber), as
  // the recorded site's "Mentor training" had: Moodle answers her completion
  // with "usernotenroled". Make a trained person a teacher too.
  // Moodle needs a request per user: no rate limit to wait for here.
  auto adapter = make(false, {{"rate_limit", {{"per_second", 5000}, {"burst", 5000}}}});
  Pulled before = pull_completions(*adapter);
  EXPECT_TRUE(before.problems.empty()) << before.problems.dump(1);
  EXPECT_EQ(before.records, fake_.completions_of("MENTOR-101"));
  ASSERT_TRUE(before.first_record.is_object());
  long long trained_teacher = fake_.user_id_of(before.first_record["person_id"]);
  ASSERT_NE(trained_teacher, 0);
  fake_.make_teacher(trained_teacher, 12);
  Pulled pulled = pull_completions(*adapter);
  EXPECT_TRUE(pulled.problems.empty()) << pulled.problems.dump(1);
  EXPECT_EQ(pulled.records + 1, fake_.completions_of("MENTOR-101"))
      << "only the teacher's own completion is left out";
}

TEST_F(MoodleTest, AnEmptyAnswerFromATokenThatMayNotSeeUsersSaysSoInsteadOfNoSuchUser) {
  auto limited = make(false, json::object(), fake_.limited_token());
  json enrol = enrolment("E1002");
  ASSERT_NE(fake_.user_id_of("E1002"), 0) << "E1002 is a Moodle user";
  json result = push(*limited, enrol);
  EXPECT_EQ(result["status"], "failed");
  std::string message = result["message"];
  EXPECT_EQ(message.find("no Moodle user has"), std::string::npos) << message;
  EXPECT_NE(message.find("not a site administrator"), std::string::npos) << message;
  EXPECT_NE(message.find("moodle/user:viewalldetails"), std::string::npos) << message;
  json line = check_line(*limited, "enrol_in_course");
  EXPECT_EQ(line["permitted"], false) << line.dump();
  EXPECT_NE(line["message"].get<std::string>().find("moodle/user:viewalldetails"),
            std::string::npos)
      << line.dump();
  // With a site administrator's token the same empty answer means: no such user.
  auto admin = make();
  json unknown = enrol;
  unknown["person_id"] = "E9999";
  json missing = push(*admin, unknown);
  EXPECT_NE(missing["message"].get<std::string>().find("no Moodle user has idnumber \"E9999\""),
            std::string::npos)
      << missing.dump();
  EXPECT_EQ(check_line(*admin, "enrol_in_course")["permitted"], true);
}

TEST_F(MoodleTest, ASessionWithSeveralAttendeesIsAGroupEventOfTheSupervisionCourseTheyAllSee) {
  auto adapter = make(true);
  // E1004 is no Moodle user: the others still get the event, and the answer names E1004.
  json result = push(*adapter, session({"E1002", "E1003", "E1005", "E1004"}, 0, "2027-01-05"));
  ASSERT_EQ(result["status"], "done") << result.dump();
  EXPECT_NE(
      result["message"].get<std::string>().find("not invited, no Moodle user has idnumber: E1004"),
      std::string::npos)
      << result.dump();
  auto events = fake_.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["eventtype"], "group");
  EXPECT_EQ(events[0]["courseid"], 30);
  EXPECT_EQ(events[0]["timestart"], 1799143200) << "10:00 in London in January is 10:00 UTC";
  EXPECT_EQ(events[0]["timeduration"], 90 * 60);
  long long group = events[0]["groupid"];
  json attendees_group;
  for (const auto& g : fake_.groups())
    if (g["id"] == group) attendees_group = g;
  ASSERT_TRUE(attendees_group.is_object());
  EXPECT_EQ(members_of(attendees_group),
            (std::set<long long>{fake_.user_id_of("E1002"), fake_.user_id_of("E1003"),
                                 fake_.user_id_of("E1005")}));
  // Summer time: 10:00 in London is 09:00 UTC.
  json summer = session({"E1002", "E1003", "E1005", "E1004"}, 1, "2027-06-01");
  ASSERT_EQ(push(*adapter, summer)["status"], "done");
  ASSERT_EQ(fake_.events().size(), 1u) << "the moved session replaced the first";
  EXPECT_EQ(fake_.events().back()["timestart"], 1811840400);
  EXPECT_EQ(fake_.groups_created(), 1u) << "the same attendees share their group";
}

TEST_F(MoodleTest, ASessionOfASupervisionGroupIsThatGroupsEvent) {
  auto adapter = make(true);
  for (const char* mentor : {"E1002", "E1003"})
    ASSERT_EQ(push(*adapter, membership(mentor, true))["status"], "done");
  ASSERT_EQ(fake_.groups_created(), 1u);
  json result = push(*adapter, session({"E1003", "E1002"}, 0, "2027-01-05"));
  ASSERT_EQ(result["status"], "done") << result.dump();
  EXPECT_EQ(fake_.groups_created(), 1u) << "no second group for the same people";
  EXPECT_EQ(fake_.events()[0]["groupid"], fake_.groups()[0]["id"]);
}

TEST_F(MoodleTest, AMovedSessionReplacesItsEventAndACancelledOneDeletesItAcrossRestarts) {
  {
    auto adapter = make(true);
    ASSERT_EQ(push(*adapter, session({"E1002", "E1003"}, 0, "2027-01-05"))["status"], "done");
    json moved = push(*adapter, session({"E1002", "E1003"}, 1, "2027-01-12"));
    ASSERT_EQ(moved["status"], "done") << moved.dump();
    auto events = fake_.events();
    ASSERT_EQ(events.size(), 1u) << "the old event is gone";
    EXPECT_EQ(events[0]["timestart"], 1799748000);
  }
  auto restarted = make(true);
  EXPECT_EQ(push(*restarted, session({"E1002", "E1003"}, 1, "2027-01-12"))["status"], "duplicate");
  EXPECT_EQ(push(*restarted, session({"E1002", "E1003"}, 0, "2027-01-05"))["status"], "duplicate")
      << "an older version never comes back";
  EXPECT_EQ(fake_.events_created(), 2u);
  json cancelled = push(*restarted, session({"E1002", "E1003"}, 2, "2027-01-12", "CANCEL"));
  EXPECT_EQ(cancelled["status"], "done") << cancelled.dump();
  EXPECT_TRUE(fake_.events().empty());
}

TEST_F(MoodleTest, AReplacementInterruptedBeforeTheOldEventWasDeletedIsFinishedOnTheNextDelivery) {
  {
    auto adapter = make(true);
    ASSERT_EQ(push(*adapter, session({"E1002", "E1003"}, 0, "2027-01-05"))["status"], "done");
    fake_.disable_function("core_calendar_delete_calendar_events");
    json moved = push(*adapter, session({"E1002", "E1003"}, 1, "2027-01-12"));
    EXPECT_EQ(moved["status"], "failed");
    EXPECT_NE(moved["message"].get<std::string>().find("core_calendar_delete_calendar_events"),
              std::string::npos)
        << moved.dump();
    EXPECT_EQ(fake_.events().size(), 2u);
  }
  fake_.enable_function("core_calendar_delete_calendar_events");
  auto restarted = make(true);
  json again = push(*restarted, session({"E1002", "E1003"}, 1, "2027-01-12"));
  EXPECT_EQ(again["status"], "done") << again.dump();
  ASSERT_EQ(fake_.events().size(), 1u);
  EXPECT_EQ(fake_.events()[0]["timestart"], 1799748000);
  EXPECT_EQ(fake_.events_created(), 2u) << "the moved event was not created twice";
}

TEST_F(MoodleTest, ErrorsNameTheSettingToFix) {
  // A course id Moodle does not have: the settings entry that holds it.
  auto wrong_course = make(true, {{"calendar", {{"course", 99}}}});
  json result = push(*wrong_course, session({"E1002"}, 0, "2027-01-05"));
  EXPECT_EQ(result["status"], "failed");
  EXPECT_NE(result["message"].get<std::string>().find("calendar.course"), std::string::npos)
      << result.dump();
  auto wrong_completions =
      make(false, {{"course_completions", {{"courses", {{"MENTOR-101", 98}}}}}});
  try {
    pull_completions(*wrong_completions);
    ADD_FAILURE() << "a course Moodle does not have is not a page of nobody";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("course_completions.courses.MENTOR-101"),
              std::string::npos)
        << e.what();
  }
  // A function the service lacks: the function and where to add it.
  // (MENTOR-101 as course 30, where E1002 is not enrolled yet.)
  fake_.disable_function("enrol_manual_enrol_users");
  json enrol = enrolment("E1002");
  json not_yet = {{"course_completions", {{"courses", {{"MENTOR-101", 30}}}}}};
  json refused = push(*make(false, not_yet), enrol);
  EXPECT_NE(refused["message"].get<std::string>().find(
                "enrol_manual_enrol_users is not in the token's service"),
            std::string::npos)
      << refused.dump();
  EXPECT_NE(refused["message"].get<std::string>().find("External services"), std::string::npos);
  // A refused token: the secret that holds it.
  json stale = push(*make(false, not_yet, "stale-token"), enrol);
  EXPECT_NE(stale["message"].get<std::string>().find("MOODLE_TOKEN"), std::string::npos)
      << stale.dump();
}

TEST_F(MoodleTest, WithoutACourseForEventsACalendarEventIsNotHandled) {
  auto adapter = make(false);
  json result = push(*adapter, session({"E1002", "E1003"}, 0, "2027-01-05"));
  EXPECT_EQ(result["status"], "not_handled") << result.dump();
  EXPECT_NE(result["message"].get<std::string>().find("calendar"), std::string::npos);
  EXPECT_TRUE(fake_.events().empty());
  EXPECT_EQ(check_line(*adapter, "create_calendar_event")["configured"], false);
}

TEST_F(MoodleTest, CheckNamesTheSettingHoldingACourseMoodleDoesNotHave) {
  auto adapter = make(true, {{"calendar", {{"course", 99}}},
                             {"course_completions", {{"courses", {{"MENTOR-101", 98}}}}}});
  json calendar = check_line(*adapter, "create_calendar_event");
  EXPECT_EQ(calendar["permitted"].get<bool>() && calendar["reachable"].get<bool>() &&
                calendar["authenticated"].get<bool>(),
            false)
      << calendar.dump();
  EXPECT_NE(calendar["message"].get<std::string>().find("calendar.course"), std::string::npos)
      << calendar.dump();
  json completions = check_line(*adapter, "read_course_completions");
  EXPECT_NE(completions["message"].get<std::string>().find("course_completions.courses.MENTOR-101"),
            std::string::npos)
      << completions.dump();
  EXPECT_EQ(check_line(*adapter, "manage_groups")["permitted"], true) << "course 30 exists";
  EXPECT_EQ(json::parse(adapter->call("check", "{}"))["ok"], false);
}

TEST_F(MoodleTest, CompletionsReadWithATokenThatCannotSeeIdNumbersAreAProblemNotNobody) {
  // The capability-less user is a student of FIRE-SAFETY (20): Moodle lists
  // its participants without their idnumber (recording W21).
  auto limited = make(false, {{"course_completions", {{"courses", {{"FIRE-SAFETY", 20}}}}}},
                      fake_.limited_token());
  Pulled pulled = pull_completions(*limited);
  EXPECT_EQ(pulled.records, 0u);
  ASSERT_EQ(pulled.problems.size(), 1u) << "an unreadable page is not a page of nobody";
  std::string message = pulled.problems[0]["message"];
  EXPECT_NE(message.find("no idnumber on any of"), std::string::npos) << message;
  EXPECT_NE(message.find("moodle/user:viewalldetails"), std::string::npos) << message;
  // The administrator's token reads the same course.
  auto admin = make(false, {{"course_completions", {{"courses", {{"FIRE-SAFETY", 20}}}}},
                            {"rate_limit", {{"per_second", 5000}, {"burst", 5000}}}});
  Pulled read = pull_completions(*admin);
  EXPECT_TRUE(read.problems.empty()) << read.problems.dump(1);
  EXPECT_EQ(read.records, fake_.completions_of("FIRE-SAFETY"));
}

TEST_F(MoodleTest,
       ARunInterruptedBeforeMoodlesAnswerWasRecordedFindsTheEventInsteadOfMakingAnother) {
  std::filesystem::path file = storage_ / "moodle-lms.calendar-events";
  {
    auto adapter = make(true);
    ASSERT_EQ(push(*adapter, session({"E1002", "E1003"}, 0, "2027-01-05"))["status"], "done");
  }
  // The crash: the last line (Moodle's answer recorded) never reached the disk.
  std::vector<std::string> lines;
  {
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
  }
  ASSERT_GE(lines.size(), 2u);
  ASSERT_NE(lines[lines.size() - 2].find("\"creating\""), std::string::npos) << lines[0];
  lines.pop_back();
  {
    std::ofstream out(file, std::ios::trunc);
    for (const auto& line : lines) out << line << "\n";
  }
  auto restarted = make(true);
  json again = push(*restarted, session({"E1002", "E1003"}, 0, "2027-01-05"));
  EXPECT_EQ(again["status"], "done") << again.dump();
  EXPECT_NE(again["message"].get<std::string>().find("interrupted run"), std::string::npos)
      << again.dump();
  EXPECT_EQ(fake_.events_created(), 1u) << "no second event";
  // And it is the event a move replaces.
  ASSERT_EQ(push(*restarted, session({"E1002", "E1003"}, 1, "2027-01-12"))["status"], "done");
  ASSERT_EQ(fake_.events().size(), 1u);
  EXPECT_EQ(fake_.events()[0]["timestart"], 1799748000);
}

TEST_F(MoodleTest, TheRecordOfEventsIsCompactedOnStartAndKeepsWhatItKnew) {
  std::filesystem::path file = storage_ / "moodle-lms.calendar-events";
  {
    auto adapter = make(true);
    for (int sequence = 0; sequence < 40; ++sequence) {
      std::string date = sequence % 2 ? "2027-01-12" : "2027-01-05";
      ASSERT_EQ(push(*adapter, session({"E1002", "E1003"}, sequence, date))["status"], "done");
    }
  }
  auto count_lines = [&] {
    std::ifstream in(file);
    std::size_t n = 0;
    for (std::string line; std::getline(in, line);) ++n;
    return n;
  };
  EXPECT_GT(count_lines(), 100u);
  auto restarted = make(true);
  EXPECT_EQ(count_lines(), 1u) << "one line per uid";
  EXPECT_EQ(push(*restarted, session({"E1002", "E1003"}, 39, "2027-01-12"))["status"], "duplicate");
  ASSERT_EQ(push(*restarted, session({"E1002", "E1003"}, 40, "2027-01-05", "CANCEL"))["status"],
            "done");
  EXPECT_TRUE(fake_.events().empty()) << "the event it knew was deleted";
}

TEST_F(MoodleTest, AnEnrolmentMoodleAlreadyHasIsAcknowledgedAsADuplicateWithoutWriting) {
  // E1002 is a student of MENTOR-101 (course 12) in the fake, as in the demo site.
  auto adapter = make();
  json already = push(*adapter, enrolment("E1002"));
  EXPECT_EQ(already["status"], "duplicate") << already.dump();
  EXPECT_NE(already["message"].get<std::string>().find("already enrolled in course 12"),
            std::string::npos)
      << already.dump();
  EXPECT_TRUE(fake_.enrolments().empty()) << "nothing written for an enrolment that exists";

  // Not yet enrolled (MENTOR-101 mapped to course 30): enrolled once; a repeat
  // after a crash, by a new instance with no memory of it, is a duplicate.
  json not_yet = {{"course_completions", {{"courses", {{"MENTOR-101", 30}}}}}};
  EXPECT_EQ(push(*make(false, not_yet), enrolment("E1002"))["status"], "done");
  ASSERT_EQ(fake_.enrolments().size(), 1u);
  json again = push(*make(false, not_yet), enrolment("E1002"));
  EXPECT_EQ(again["status"], "duplicate") << again.dump();
  EXPECT_EQ(fake_.enrolments().size(), 1u);
}

TEST_F(MoodleTest, AnEventCarriesTheWholePayloadDescriptionPlaceTimesAndAllDayTouchpoints) {
  auto adapter = make(true);
  json meeting = session({"E1002", "E1003"}, 0, "2027-01-05");
  meeting["payload"]["description"] = "Bring the notes of your last session.";
  meeting["payload"]["location"] = "Room 4, Northwind House";
  meeting["payload"]["start_time"] = "14:30";
  meeting["payload"]["duration_minutes"] = 45;
  ASSERT_EQ(push(*adapter, meeting)["status"], "done");
  auto events = fake_.events();
  ASSERT_EQ(events.size(), 1u);
  std::string description = events[0]["description"];
  EXPECT_NE(description.find("Bring the notes of your last session."), std::string::npos)
      << description;
  EXPECT_NE(description.find("Where: Room 4, Northwind House"), std::string::npos) << description;
  EXPECT_NE(description.find("(mentoring plugin event supervision-g1-s3"), std::string::npos)
      << "the marker that finds the event after a crash: " << description;
  EXPECT_EQ(events[0]["name"], "Return to work: mentor supervision, group 1, session 3");
  EXPECT_EQ(events[0]["timestart"], 1799159400) << "14:30 in London in January";
  EXPECT_EQ(events[0]["timeduration"], 45 * 60);

  // A touchpoint is all day (start_time and duration null): the working day's start.
  json touchpoint = push(*adapter, calendar_event());
  ASSERT_EQ(touchpoint["status"], "done") << touchpoint.dump();
  EXPECT_EQ(fake_.events().back()["timestart"], 1799139600) << "09:00 in London";
}
