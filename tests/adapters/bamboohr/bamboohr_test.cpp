// BambooHR-specific behaviour beyond the conformance suite: increments from
// /employees/changed, statuses, webhook signatures. Training records:
// training_test.cpp; write-back: write_back_test.cpp.
#include "fixture.hpp"

#include <rest_common/crypto.hpp>

using namespace bamboohr_test;

TEST_F(BambooHrTest, AfterAFullReadOnlyChangedPeopleAreFetched) {
  auto adapter = make();
  json first = json::parse(adapter->call("pull", R"({"stream":"people","cursor":null})"));
  ASSERT_FALSE(first["more"].get<bool>());
  json cursor = first["next_cursor"];
  json quiet =
      json::parse(adapter->call("pull", json{{"stream", "people"}, {"cursor", cursor}}.dump()));
  EXPECT_TRUE(quiet["unchanged"].get<bool>());
  EXPECT_EQ(quiet["next_cursor"], cursor);
  fake_.touch("1002", "2026-12-01T00:00:05Z");
  json changed =
      json::parse(adapter->call("pull", json{{"stream", "people"}, {"cursor", cursor}}.dump()));
  ASSERT_EQ(changed["records"].size(), 1u) << changed.dump();
  EXPECT_EQ(changed["records"][0]["id"], "1002");
  EXPECT_EQ(changed["records"][0]["manager_id"], "1001");
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
  json late = json::parse(adapter->call("verify_webhook", stale.dump()));
  EXPECT_FALSE(late["valid"].get<bool>());
  EXPECT_EQ(late["verdict"], "stale_timestamp") << late.dump();
  // The good delivery again: already accepted once, so a replay.
  json again = json::parse(adapter->call("verify_webhook", good.dump()));
  EXPECT_FALSE(again["valid"].get<bool>());
  EXPECT_EQ(again["verdict"], "replayed") << again.dump();
  // A timestamp that is not a time is refused, not let through unchecked.
  json odd = good;
  odd["headers"] = {{"X-BambooHR-Signature",
                     mentoring::adapters::rest::hmac_sha256_hex("whsec-5678", body + "soon")},
                    {"X-BambooHR-Timestamp", "soon"}};
  EXPECT_EQ(json::parse(adapter->call("verify_webhook", odd.dump()))["verdict"],
            "malformed_timestamp");
}

// Capabilities are the module's, settings the instance's: without a table to
// write to, every action is left to the organisation's other adapters.
TEST_F(BambooHrTest, PushWithoutWriteBackSettingsLeavesEveryActionToOthers) {
  auto adapter = make();
  json answer = json::parse(adapter->call(
      "push", R"({"actions":[{"idempotency_key":"invite/rtw/E1/L1","type":"invite"}]})"));
  ASSERT_EQ(answer["results"].size(), 1u);
  EXPECT_EQ(answer["results"][0]["idempotency_key"], "invite/rtw/E1/L1");
  EXPECT_EQ(answer["results"][0]["status"], "not_handled");
  EXPECT_NE(answer["results"][0]["message"].get<std::string>().find("write_back"),
            std::string::npos);
  EXPECT_EQ(fake_.table_posts(), 0);
  try {
    adapter->call("push", R"({"actions":{}})");
    FAIL() << "a push without an actions array was accepted";
  } catch (const mentoring::Error& e) {
    EXPECT_EQ(e.status(), MENTORING_ERR_INVALID_INPUT);
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
