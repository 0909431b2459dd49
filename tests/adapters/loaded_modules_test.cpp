// The REST adapters as mentoring-host runs them: each built module (.so) is
// loaded through the host-side loader, created with the fake host's services
// across the C ABI (secrets, clock, storage, http), and driven with check and
// pull against its loopback fake. The fake host's http service forwards to the
// real HTTP client (loopback only).
#include "fake_bamboohr.hpp"
#include "fake_moodle.hpp"
#include "fake_orangehrm.hpp"
#include "prism_server.hpp"
#include "subject.hpp"

#include <mentoring/fake_host.hpp>
#include <mentoring/loader.hpp>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

namespace {

using mentoring::conformance::TestHost;
using mentoring::host::CallError;
using mentoring::host::ModuleInstance;
using mentoring::host::ModuleLibrary;
using nlohmann::json;

struct Pulled {
  std::size_t records = 0;
  long long skipped = 0;
  int pages = 0;
};

class LoadedModules : public ::testing::Test {
 protected:
  void SetUp() override {
    host_.set_now_unix_ms(TestHost::kNowMs);
    host_.set_organisation("northwind");
    host_.on_http([this](const std::string& request) { return http_.http(request); });
  }

  static std::string config(const std::string& name, json settings) {
    return json{{"organisation", "northwind"},
                {"name", name},
                {"base_dir", "/tmp"},
                {"settings", std::move(settings)}}
        .dump();
  }

  static Pulled pull_all(ModuleInstance& module, const std::string& stream) {
    Pulled out;
    json cursor = nullptr;
    for (; out.pages < 10000;) {
      json answer =
          json::parse(module.call("pull", json{{"stream", stream}, {"cursor", cursor}}.dump()));
      ++out.pages;
      EXPECT_TRUE(answer["problems"].empty()) << answer["problems"].dump(1);
      out.records += answer["records"].size();
      out.skipped += answer.value("skipped", 0LL);
      cursor = answer["next_cursor"];
      if (!answer["more"].get<bool>()) break;
    }
    return out;
  }

  static void expect_check_ok(ModuleInstance& module) {
    json check = json::parse(module.call("check", "{}"));
    EXPECT_TRUE(check["ok"].get<bool>()) << check.dump(1);
  }

  // No secret value may reach a log line the module wrote through the host.
  void expect_logs_free_of(const std::string& secret) {
    for (const auto& line : host_.log_lines())
      EXPECT_EQ(line.find(secret), std::string::npos) << line;
  }

  static std::size_t skipped_annual(const mentoring::fakes::DemoData& data) {
    return static_cast<std::size_t>(
        std::count_if(data.leave.begin(), data.leave.end(),
                      [](const auto& l) { return l.type == "Annual Leave"; }));
  }

  // Starts a fake host system that lives until the end of the test, after the
  // HTTP client: its kept-alive connections close before the server stops.
  template <class Fake, class... Args>
  Fake& start(Args&&... args) {
    auto fake = std::make_shared<Fake>(std::forward<Args>(args)...);
    fakes_.push_back(fake);
    return *fake;
  }

  mentoring::testing::FakeHost host_;
  std::vector<std::shared_ptr<void>> fakes_;
  TestHost http_;
};

// The modules' default rate budgets (10 requests/s) would make these tests
// wait; the budget itself is tested with the HTTP service.
const json kFast = {{"per_second", 1000}, {"burst", 1000}};

json leave_settings() {
  return {{"from", "2018-01-01"},
          {"leave_types", json::parse(mentoring::fakes::demo_leave_types_json())}};
}

}  // namespace

TEST_F(LoadedModules, BambooHrModuleChecksAndPullsPeopleAndLeave) {
  auto& fake = start<mentoring::fakes::FakeBambooHr>(
      mentoring::fakes::DemoData::load(DEMO_DATA_DIR "/northwind"), "bamboo-key-1");
  fake.judge_with(mentoring::fakes::PrismServer::bamboohr());  // BambooHR's own description
  auto library = ModuleLibrary::load(BAMBOOHR_MODULE);
  EXPECT_EQ(library->name(), "bamboohr");
  EXPECT_EQ(library->kind(), MENTORING_KIND_ADAPTER);
  auto capabilities = library->capabilities();
  EXPECT_NE(std::find(capabilities.begin(), capabilities.end(), "read_leave"), capabilities.end());

  host_.set_secret("BAMBOOHR_API_KEY", "bamboo-key-1");
  json leave = leave_settings();
  leave["window_days"] = 365;
  ModuleInstance module(library, host_.host(),
                        config("hr", {{"company_domain", "northwind"},
                                      {"base_url", fake.base_url()},
                                      {"people", {{"page_size", 100}}},
                                      {"leave", leave},
                                      {"rate_limit", kFast}}));
  expect_check_ok(module);
  Pulled people = pull_all(module, "people");
  EXPECT_EQ(people.records, fake.active_people());
  EXPECT_GT(people.pages, 1);
  Pulled pulled_leave = pull_all(module, "leave");
  EXPECT_EQ(pulled_leave.records, fake.data().leave.size() - skipped_annual(fake.data()));
  expect_logs_free_of("bamboo-key-1");
  EXPECT_GT(fake.requests_judged(), 0u);
  for (const auto& violation : fake.violations()) ADD_FAILURE() << "Prism: " << violation;
}

TEST_F(LoadedModules, BambooHrModuleRefusalsCrossTheAbiWithTheirStatus) {
  auto& fake = start<mentoring::fakes::FakeBambooHr>(
      mentoring::fakes::DemoData::load(DEMO_DATA_DIR "/northwind"), "bamboo-key-1");
  auto library = ModuleLibrary::load(BAMBOOHR_MODULE);
  host_.set_secret("BAMBOOHR_API_KEY", "not-the-key");
  ModuleInstance module(library, host_.host(),
                        config("hr", {{"company_domain", "northwind"},
                                      {"base_url", fake.base_url()},
                                      {"people", json::object()}}));
  try {
    module.call("pull", R"({"stream":"people","cursor":null})");
    FAIL();
  } catch (const CallError& e) {
    EXPECT_EQ(e.status(), MENTORING_ERR_FAILED);
    EXPECT_NE(std::string(e.what()).find("credentials"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("not-the-key"), std::string::npos) << e.what();
  }
  try {
    module.call("dance", "{}");
    FAIL();
  } catch (const CallError& e) {
    EXPECT_EQ(e.status(), MENTORING_ERR_UNKNOWN_COMMAND);
  }
  EXPECT_THROW(ModuleInstance(library, host_.host(), config("hr", {{"company_domian", "x"}})),
               CallError);
}

TEST_F(LoadedModules, MoodleModuleChecksAndPullsCourseCompletions) {
  auto& fake = start<mentoring::fakes::FakeMoodle>(DEMO_DATA_DIR "/northwind", "moodle-token-1");
  auto library = ModuleLibrary::load(MOODLE_MODULE);
  EXPECT_EQ(library->name(), "moodle");
  auto capabilities = library->capabilities();
  EXPECT_NE(std::find(capabilities.begin(), capabilities.end(), "manage_groups"),
            capabilities.end());
  host_.set_secret("MOODLE_TOKEN", "moodle-token-1");
  // One page of 25 users: Moodle needs a request per user and course, and the
  // whole organisation is the conformance suite's business.
  ModuleInstance module(library, host_.host(),
                        config("lms", {{"base_url", fake.base_url()},
                                       {"rate_limit", kFast},
                                       {"course_completions",
                                        {{"courses", {{"MENTOR-101", 12}}}, {"page_size", 25}}}}));
  expect_check_ok(module);
  json page = json::parse(module.call("pull", R"({"stream":"course_completions","cursor":null})"));
  EXPECT_TRUE(page["problems"].empty()) << page["problems"].dump(1);
  EXPECT_FALSE(page["records"].empty());
  EXPECT_LE(page["records"].size(), 25u);
  EXPECT_TRUE(page["more"].get<bool>());
  json next = json::parse(module.call(
      "pull", json{{"stream", "course_completions"}, {"cursor", page["next_cursor"]}}.dump()));
  EXPECT_TRUE(next["problems"].empty());
  json people = json::parse(module.call("pull", R"({"stream":"people","cursor":null})"));
  EXPECT_TRUE(people["unchanged"].get<bool>()) << "an LMS reads no people";
  expect_logs_free_of("moodle-token-1");
}

TEST_F(LoadedModules, MoodleModuleNamesAnInvalidToken) {
  auto& fake = start<mentoring::fakes::FakeMoodle>(DEMO_DATA_DIR "/northwind", "moodle-token-1");
  auto library = ModuleLibrary::load(MOODLE_MODULE);
  host_.set_secret("MOODLE_TOKEN", "stale-token");
  ModuleInstance module(
      library, host_.host(),
      config("lms", {{"base_url", fake.base_url()},
                     {"course_completions", {{"courses", {{"MENTOR-101", 12}}}}}}));
  json check = json::parse(module.call("check", "{}"));
  EXPECT_FALSE(check["ok"].get<bool>()) << check.dump(1);
  EXPECT_THROW(module.call("pull", R"({"stream":"course_completions","cursor":null})"), CallError);
}

TEST_F(LoadedModules, OrangeHrmModuleChecksAndPullsWithARotatingRefreshToken) {
  auto& fake = start<mentoring::fakes::FakeOrangeHrm>(
      mentoring::fakes::DemoData::load(DEMO_DATA_DIR "/northwind"), "mentoring", "orange-secret-1");
  auto library = ModuleLibrary::load(ORANGEHRM_MODULE);
  EXPECT_EQ(library->name(), "orangehrm");
  host_.set_secret("ORANGEHRM_CLIENT_SECRET", "orange-secret-1");
  std::string first_refresh_token = fake.issue_refresh_token();
  host_.set_secret("ORANGEHRM_REFRESH_TOKEN", first_refresh_token);
  json settings = {{"base_url", fake.base_url()},
                   {"client_id", "mentoring"},
                   {"rate_limit", kFast},
                   {"people", {{"page_size", 50}}},
                   {"leave", leave_settings()}};
  {
    ModuleInstance module(library, host_.host(), config("hr", settings));
    expect_check_ok(module);
    Pulled people = pull_all(module, "people");
    EXPECT_EQ(people.records, fake.current_employees());
    EXPECT_GT(people.pages, 1);
    Pulled leave = pull_all(module, "leave");
    EXPECT_EQ(leave.records, fake.data().leave.size() - skipped_annual(fake.data()));
    EXPECT_EQ(static_cast<std::size_t>(leave.skipped), skipped_annual(fake.data()));
  }
  // A new instance (a host restart) finds the rotated token in the storage service's folder.
  EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(host_.storage_directory()) /
                                      "orangehrm-hr.refresh-token.json"));
  ModuleInstance restarted(library, host_.host(), config("hr", settings));
  expect_check_ok(restarted);
  expect_logs_free_of("orange-secret-1");
  expect_logs_free_of(first_refresh_token);
}

TEST_F(LoadedModules, OrangeHrmModuleWithoutSecretsSaysWhichToSet) {
  auto& fake = start<mentoring::fakes::FakeOrangeHrm>(
      mentoring::fakes::DemoData::load(DEMO_DATA_DIR "/northwind"), "mentoring", "orange-secret-1");
  auto library = ModuleLibrary::load(ORANGEHRM_MODULE);
  ModuleInstance module(library, host_.host(),
                        config("hr", {{"base_url", fake.base_url()},
                                      {"client_id", "mentoring"},
                                      {"people", json::object()}}));
  json check = json::parse(module.call("check", "{}"));
  EXPECT_FALSE(check["ok"].get<bool>());
  EXPECT_NE(check.dump().find("ORANGEHRM_CLIENT_SECRET"), std::string::npos) << check.dump(1);
  try {
    module.call("pull", R"({"stream":"people","cursor":null})");
    FAIL();
  } catch (const CallError& e) {
    EXPECT_EQ(e.status(), MENTORING_ERR_FAILED);
  }
}
