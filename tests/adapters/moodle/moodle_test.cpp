// Moodle-specific behaviour beyond the conformance suite: write-back of course
// enrolments and calendar events, once only, across a restart.
#include "fake_moodle.hpp"
#include "subject.hpp"

#include <moodle_adapter/moodle_adapter.hpp>

#include <gtest/gtest.h>

#include <filesystem>

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

  std::unique_ptr<moodle::MoodleAdapter> make(bool supervision_groups = false) {
    json config = {{"organisation", "northwind"},
                   {"name", "lms"},
                   {"base_dir", "/tmp"},
                   {"settings",
                    {{"base_url", fake_.base_url()},
                     {"course_completions", {{"courses", {{"MENTOR-101", 12}}}}}}}};
    if (supervision_groups) config["settings"]["supervision_groups"] = {{"course", 30}};
    return std::make_unique<moodle::MoodleAdapter>(
        config.dump(), moodle::Services{[this](const std::string& r) { return host_.http(r); },
                                        [](const std::string& name) -> std::optional<std::string> {
                                          if (name == "MOODLE_TOKEN") return "token-1";
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
            {"payload", {{"summary", "Introductory meeting"}, {"date", "2027-01-05"}}}};
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
    auto adapter = make();
    EXPECT_EQ(push(*adapter, calendar_event())["status"], "done");
    EXPECT_EQ(push(*adapter, calendar_event())["status"], "duplicate");
  }
  auto restarted = make();  // a new instance, as after a crash: the same storage folder
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
