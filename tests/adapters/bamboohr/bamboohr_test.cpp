// BambooHR-specific behaviour beyond the conformance suite: increments from
// /employees/changed, statuses, webhook signatures, push declared honestly.
#include "fake_bamboohr.hpp"
#include "subject.hpp"

#include <bamboohr_adapter/bamboohr_adapter.hpp>
#include <rest_common/crypto.hpp>

#include <gtest/gtest.h>

using mentoring::conformance::TestHost;
using mentoring::fakes::DemoData;
using mentoring::fakes::FakeBambooHr;
using nlohmann::json;
namespace bamboohr = mentoring::adapters::bamboohr;

namespace {

class BambooHrTest : public ::testing::Test {
 protected:
  std::unique_ptr<bamboohr::BambooHrAdapter> make(json extra_settings = json::object()) {
    json settings = {{"company_domain", "northwind"},
                     {"base_url", fake_.base_url()},
                     {"people", {{"page_size", 500}}}};
    settings.update(extra_settings);
    json config = {{"organisation", "northwind"},
                   {"name", "hr"},
                   {"base_dir", "/tmp"},
                   {"settings", settings}};
    return std::make_unique<bamboohr::BambooHrAdapter>(
        config.dump(),
        bamboohr::Services{[this](const std::string& r) { return host_.http(r); },
                           [](const std::string& name) -> std::optional<std::string> {
                             if (name == "BAMBOOHR_API_KEY") return "key-1234";
                             if (name == "BAMBOOHR_WEBHOOK_KEY") return "whsec-5678";
                             return std::nullopt;
                           },
                           [] { return TestHost::kNowMs; },
                           [](std::string_view) {},
                           {}, {}});
  }

  FakeBambooHr fake_{DemoData::load(DEMO_DATA_DIR "/northwind"), "key-1234"};
  TestHost host_;  // destroyed first: its connections close before the fake stops
};

}  // namespace

TEST_F(BambooHrTest, AfterAFullReadOnlyChangedPeopleAreFetched) {
  auto adapter = make();
  json first = json::parse(adapter->call("pull", R"({"stream":"people","cursor":null})"));
  ASSERT_FALSE(first["more"].get<bool>());
  json cursor = first["next_cursor"];
  json quiet =
      json::parse(adapter->call("pull", json{{"stream", "people"}, {"cursor", cursor}}.dump()));
  EXPECT_TRUE(quiet["unchanged"].get<bool>());
  EXPECT_EQ(quiet["next_cursor"], cursor);
  fake_.touch("E1002", "2026-12-01T00:00:05Z");
  json changed =
      json::parse(adapter->call("pull", json{{"stream", "people"}, {"cursor", cursor}}.dump()));
  ASSERT_EQ(changed["records"].size(), 1u) << changed.dump();
  EXPECT_EQ(changed["records"][0]["id"], "E1002");
  EXPECT_EQ(changed["records"][0]["manager_id"], "E1001");
}

TEST_F(BambooHrTest, UnsetSettingsSectionIsNotAnError) {
  auto adapter = make();
  json answer = json::parse(adapter->call("pull", R"({"stream":"leave","cursor":null})"));
  EXPECT_TRUE(answer["unchanged"].get<bool>());
  EXPECT_TRUE(answer["records"].empty());
}

TEST_F(BambooHrTest, BadSettingsNameThePointer) {
  try {
    make({{"peopel", json::object()}});
    FAIL();
  } catch (const mentoring::Error& e) {
    EXPECT_EQ(e.status(), MENTORING_ERR_INVALID_INPUT);
    EXPECT_NE(std::string(e.what()).find("peopel"), std::string::npos) << e.what();
  }
}

TEST_F(BambooHrTest, WebhookSignatureIsVerifiedWithTheSharedKey) {
  auto adapter = make();
  std::string body =
      R"({"type":"employee.updated","timestamp":"2026-12-01T00:00:00Z","data":{"employeeId":"E1002"}})";
  std::string timestamp = std::to_string(TestHost::kNowMs / 1000 - 10);
  std::string signature =
      mentoring::adapters::rest::hmac_sha256_hex("whsec-5678", body + timestamp);
  json good = {
      {"headers", {{"X-BambooHR-Signature", signature}, {"X-BambooHR-Timestamp", timestamp}}},
      {"body", body}};
  json verdict = json::parse(adapter->call("verify_webhook", good.dump()));
  EXPECT_TRUE(verdict["valid"].get<bool>()) << verdict.dump();
  EXPECT_EQ(verdict["event"]["data"]["employeeId"], "E1002");

  json tampered = good;
  tampered["body"] = body + " ";
  EXPECT_FALSE(json::parse(adapter->call("verify_webhook", tampered.dump()))["valid"].get<bool>());
  json stale = good;
  std::string old = std::to_string(TestHost::kNowMs / 1000 - 3600);
  stale["headers"] = {{"X-BambooHR-Signature",
                       mentoring::adapters::rest::hmac_sha256_hex("whsec-5678", body + old)},
                      {"X-BambooHR-Timestamp", old}};
  json replay = json::parse(adapter->call("verify_webhook", stale.dump()));
  EXPECT_FALSE(replay["valid"].get<bool>());
  EXPECT_NE(replay["message"].get<std::string>().find("replayed"), std::string::npos);
}

TEST_F(BambooHrTest, PushIsDeclaredUnavailable) {
  auto adapter = make();
  try {
    adapter->call("push", R"({"actions":[]})");
    FAIL();
  } catch (const mentoring::Error& e) {
    EXPECT_EQ(e.status(), MENTORING_ERR_UNAVAILABLE);
  }
}

TEST_F(BambooHrTest, SupersededAndCancelledRequestsAreCancelled) {
  fake_.corrupt_leave(fake_.data().leave.front().id, "status",
                      {{"status", "superceded"},
                       {"lastChanged", "2020-01-01T00:00:00Z"},
                       {"lastChangedByUserId", "1"}});
  auto adapter =
      make({{"leave",
             {{"from", "2018-01-01"},
              {"window_days", 3660},
              {"leave_types", json::parse(mentoring::fakes::demo_leave_types_json())}}}});
  json answer = json::parse(adapter->call("pull", R"({"stream":"leave","cursor":null})"));
  ASSERT_TRUE(answer["problems"].empty()) << answer["problems"].dump();
  bool found = false;
  for (const auto& r : answer["records"]) {
    if (r["id"] == fake_.data().leave.front().id) {
      found = true;
      EXPECT_EQ(r["status"], "cancelled");
    }
  }
  EXPECT_TRUE(found);
}
