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

  std::unique_ptr<moodle::MoodleAdapter> make() {
    json config = {{"organisation", "northwind"},
                   {"name", "lms"},
                   {"base_dir", "/tmp"},
                   {"settings",
                    {{"base_url", fake_.base_url()},
                     {"course_completions", {{"courses", {{"MENTOR-101", 12}}}}}}}};
    return std::make_unique<moodle::MoodleAdapter>(
        config.dump(), moodle::Services{[this](const std::string& r) { return host_.http(r); },
                                        [](const std::string& name) -> std::optional<std::string> {
                                          if (name == "MOODLE_TOKEN") return "token-1";
                                          return std::nullopt;
                                        },
                                        [] { return TestHost::kNowMs; }, [](std::string_view) {},
                                        [this] { return storage_.string(); }, {}});
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
