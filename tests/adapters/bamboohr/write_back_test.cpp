// Write-back: actions recorded as rows of a custom employee table, delivered
// once (the idempotency key is a column, read back before posting), and only
// the action types BambooHR can carry.
#include "fixture.hpp"
#include "sample_actions.hpp"

#include <mentoring/loader.hpp>

#include <algorithm>
#include <map>

using namespace bamboohr_test;

namespace {

class WriteBackTest : public BambooHrTest {
 protected:
  static json write_back_settings(json extra = json::object()) {
    json write_back = {
        {"table", "customMentoring"},
        {"key_column", "customMentoringKey"},
        {"action_types", {"invite", "withdraw_invitation", "notify"}},
        {"columns",
         {{"customMentoringDate", {{"from", "/created_at"}, {"as", "date"}}},
          {"customMentoringEvent",
           {{"from", "/type"},
            {"labels",
             {{"invite", "Invited to mentoring"},
              {"withdraw_invitation", "Invitation withdrawn"}}}}},
          {"customMentoringProgramme", {{"from", "/payload/programme/name"}}},
          {"customMentoringNote", {{"from", "/payload/subject"}, {"max_length", 20}}}}}};
    write_back.update(extra);
    return {{"write_back", write_back}};
  }

  // An action as the plugin's runners build it (schemas/actions/<type>), with
  // `changes` merged into its payload.
  static json action(const std::string& type, const std::string& key, json person,
                     const json& changes = json::object()) {
    json to = {{"person_id", person.is_string() ? person : json("E0")}, {"name", "Ann Example"}};
    json programme = {{"id", "rtw"}, {"name", "Return to work"}};
    json payload = mentoring::test::sample_payload(type, to, programme);
    payload.merge_patch(changes);
    return {{"idempotency_key", key},      {"type", type},
            {"organisation", "northwind"}, {"person_id", person},
            {"programme_id", "rtw"},       {"created_at", "2026-12-01T09:30:00Z"},
            {"payload", payload}};
  }

  static json push(bamboohr::BambooHrAdapter& adapter, const std::vector<json>& actions) {
    return json::parse(adapter.call("push", json{{"actions", actions}}.dump()))["results"];
  }
};

}  // namespace

TEST_F(WriteBackTest, AnActionIsRecordedOnceAndARestartAnswersDuplicate) {
  json invite = action("invite", "invite/rtw/E1201/NW-LR-00042", "1201");
  json results = push(*make(write_back_settings()), {invite});
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0]["status"], "done") << results.dump();
  EXPECT_EQ(results[0]["idempotency_key"], "invite/rtw/E1201/NW-LR-00042");
  auto rows = fake_.table_rows("1201", "customMentoring");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["customMentoringKey"], "invite/rtw/E1201/NW-LR-00042");
  EXPECT_EQ(rows[0]["customMentoringDate"], "2026-12-01");
  EXPECT_EQ(rows[0]["customMentoringEvent"], "Invited to mentoring");
  EXPECT_EQ(rows[0]["customMentoringProgramme"], "Return to work");
  EXPECT_EQ(rows[0]["customMentoringNote"], "An invitation to Ret") << "cut to max_length";

  // A new adapter (as after a restart, the plugin not having seen "done"):
  // the row is found by its key and nothing is posted again.
  json again = push(*make(write_back_settings()), {invite});
  EXPECT_EQ(again[0]["status"], "duplicate") << again.dump();
  EXPECT_NE(again[0]["message"].get<std::string>().find("row " + rows[0]["id"].get<std::string>()),
            std::string::npos)
      << again.dump();
  EXPECT_EQ(fake_.table_posts(), 1);
  EXPECT_EQ(fake_.table_rows("1201", "customMentoring").size(), 1u);
}

TEST_F(WriteBackTest, TheSameActionTwiceInOnePushIsWrittenOnce) {
  json withdraw = action("withdraw_invitation", "withdraw/northwind/rtw/E1201/L9", "1201",
                         {{"reason", "leave cancelled"}});
  json results = push(*make(write_back_settings()), {withdraw, withdraw});
  EXPECT_EQ(results[0]["status"], "done") << results.dump();
  EXPECT_EQ(results[1]["status"], "duplicate");
  EXPECT_EQ(fake_.table_posts(), 1);
  auto rows = fake_.table_rows("1201", "customMentoring");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["customMentoringEvent"], "Invitation withdrawn");
  EXPECT_FALSE(rows[0].contains("customMentoringNote")) << "no subject: the column stays empty";
}

TEST_F(WriteBackTest, ActionsBambooHrCannotCarryOrNotConfiguredAreLeftToOthersAndNothingIsWritten) {
  auto adapter = make(write_back_settings());
  json results = push(
      *adapter,
      {action("enrol_in_course", "enrol/MENTOR-101/E1201", "1201", {{"course_id", "MENTOR-101"}}),
       action("calendar_event", "kickoff/rtw/2027-01/E1201", "1201", {{"date", "2027-01-12"}}),
       action("reminder", "remind/rtw/E1201/1", "1201", {{"text", "hello"}})});
  ASSERT_EQ(results.size(), 3u);
  for (const auto& r : results) EXPECT_EQ(r["status"], "not_handled") << r.dump();
  EXPECT_NE(results[0]["message"].get<std::string>().find("BambooHR has no place for it"),
            std::string::npos)
      << results[0].dump();
  EXPECT_NE(results[1]["message"].get<std::string>().find("BambooHR has no place for it"),
            std::string::npos);
  EXPECT_NE(results[2]["message"].get<std::string>().find("write_back.action_types"),
            std::string::npos)
      << results[2].dump();
  EXPECT_EQ(fake_.table_posts(), 0);
}

TEST_F(WriteBackTest, TheModuleClaimsOnlyWhatBambooHrCanCarry) {
  auto library = mentoring::host::ModuleLibrary::load(BAMBOOHR_MODULE);
  auto capabilities = library->capabilities();
  auto has = [&](const char* c) {
    return std::find(capabilities.begin(), capabilities.end(), c) != capabilities.end();
  };
  EXPECT_TRUE(has("read_course_completions"));
  EXPECT_TRUE(has("write_actions") && has("create_task"));
  EXPECT_FALSE(has("enrol_in_course")) << "a training record is a completion, not an enrolment";
  EXPECT_FALSE(has("create_calendar_event")) << "BambooHR has no calendar endpoint";
  // create_task routes exactly these types here (adapters/README.md); the
  // settings offer no other.
  json schema = json::parse(bamboohr::settings_schema_text());
  json offered = schema["properties"]["write_back"]["properties"]["action_types"]["items"]["enum"];
  EXPECT_EQ(std::set<std::string>(offered.begin(), offered.end()),
            (std::set<std::string>{"task", "invite", "withdraw_invitation", "reminder", "notify"}));
}

TEST_F(WriteBackTest, ATableRefusalIsReportedWithTheActionKeyAndTheRestGoesOn) {
  fake_.refuse_table_writes(1, 400, "Field customMentoringNote is read-only");
  auto adapter = make(write_back_settings());
  json results = push(*adapter, {action("invite", "invite/rtw/E1201/L1", "1201"),
                                 action("invite", "invite/rtw/E1179/L2", "1179")});
  EXPECT_EQ(results[0]["status"], "failed");
  EXPECT_EQ(results[0]["idempotency_key"], "invite/rtw/E1201/L1") << "the plugin reports it by key";
  std::string message = results[0]["message"];
  EXPECT_NE(message.find("table customMentoring of employee 1201"), std::string::npos) << message;
  EXPECT_NE(message.find("HTTP 400"), std::string::npos) << message;
  EXPECT_NE(message.find("Field customMentoringNote is read-only"), std::string::npos) << message;
  EXPECT_EQ(message.find("key-1234"), std::string::npos) << "the API key is never shown";
  EXPECT_EQ(results[1]["status"], "done") << results[1].dump();
  EXPECT_EQ(fake_.table_posts(), 1);
}

TEST_F(WriteBackTest, AnUnknownEmployeeOrTableIsReportedWithTheActionKey) {
  json results =
      push(*make(write_back_settings()), {action("invite", "invite/rtw/E9999/L1", "E9999")});
  EXPECT_EQ(results[0]["status"], "failed");
  EXPECT_EQ(results[0]["idempotency_key"], "invite/rtw/E9999/L1");
  std::string message = results[0]["message"];
  EXPECT_NE(message.find("employee E9999: HTTP 404"), std::string::npos) << message;
  EXPECT_NE(message.find("BambooHR: Employee not found"), std::string::npos) << message;
  EXPECT_EQ(message.find("invite/rtw/E9999/L1"), std::string::npos)
      << "the key is the result's, not repeated in the message (the run report prefixes it)";

  json other = push(*make(write_back_settings({{"table", "customPairs"}})),
                    {action("invite", "invite/rtw/E1201/L1", "1201")});
  EXPECT_EQ(other[0]["status"], "failed");
  EXPECT_NE(other[0]["message"].get<std::string>().find("Table not found: customPairs"),
            std::string::npos)
      << other.dump();
  EXPECT_NE(other[0]["message"].get<std::string>().find("write_back.table"), std::string::npos);
}

TEST_F(WriteBackTest, AnActionNamingNoPersonIsRefused) {
  json results =
      push(*make(write_back_settings()), {action("notify", "notify/rtw/manager/1", nullptr)});
  EXPECT_EQ(results[0]["status"], "failed");
  EXPECT_NE(results[0]["message"].get<std::string>().find("/person_id"), std::string::npos)
      << results.dump();
  EXPECT_EQ(fake_.table_posts(), 0);
}

TEST_F(WriteBackTest, AnUnreachableBambooHrFailsEveryActionAndIsTriedOnce) {
  auto adapter = make(write_back_settings(), "http://127.0.0.1:1");
  json results = push(*adapter, {action("invite", "invite/rtw/E1201/L1", "1201"),
                                 action("invite", "invite/rtw/E1179/L2", "1179")});
  EXPECT_EQ(results[0]["status"], "failed");
  EXPECT_NE(results[0]["message"].get<std::string>().find("127.0.0.1:1"), std::string::npos)
      << results.dump();
  EXPECT_EQ(results[1]["status"], "failed");
  EXPECT_NE(results[1]["message"].get<std::string>().find("not tried"), std::string::npos)
      << results.dump();
}

TEST_F(WriteBackTest, AnInvalidActionIsRefusedNamingThePointer) {
  json bad = action("invite", "short", "1201");
  json results = push(*make(write_back_settings()), {bad});
  EXPECT_EQ(results[0]["status"], "failed");
  EXPECT_NE(results[0]["message"].get<std::string>().find("/idempotency_key"), std::string::npos)
      << results.dump();
}

TEST_F(WriteBackTest, BadWriteBackSettingsNameThePointer) {
  auto refused = [&](json settings, const std::string& pointer) {
    try {
      make(settings);
      ADD_FAILURE() << "accepted: " << settings.dump();
    } catch (const mentoring::Error& e) {
      EXPECT_EQ(e.status(), MENTORING_ERR_INVALID_INPUT);
      EXPECT_NE(std::string(e.what()).find(pointer), std::string::npos) << e.what();
    }
  };
  refused(write_back_settings(
              {{"columns", {{"customMentoringDate", {{"from", "/created_at"}, {"value", "x"}}}}}}),
          "/write_back/columns/customMentoringDate");
  refused(write_back_settings({{"columns", {{"customMentoringKey", {{"value", "x"}}}}}}),
          "/write_back/columns/customMentoringKey");
  refused(write_back_settings({{"columns", {{"customMentoringDate", {{"from", "created_at"}}}}}}),
          "/write_back/columns/customMentoringDate/from");
  refused(write_back_settings({{"action_types", {"enrol_in_course"}}}),
          "/write_back/action_types/0");
  // A column from a field no action of the configured kinds has (a typo): at
  // create, not as an empty column in every row.
  refused(
      write_back_settings({{"columns", {{"customMentoringNote", {{"from", "/payload/subjcet"}}}}}}),
      "/write_back/columns/customMentoringNote/from");
  refused(write_back_settings({{"columns", {{"customMentoringNote", {{"from", "/createdAt"}}}}}}),
          "/write_back/columns/customMentoringNote/from");
  refused(write_back_settings({{"columns", json::object()}}), "/write_back/columns");
}

TEST_F(WriteBackTest, CheckProbesTheTableAndItsColumns) {
  auto adapter = make(write_back_settings());
  json line = capability(json::parse(adapter->call("check", "{}")), "create_task");
  EXPECT_TRUE(line["configured"].get<bool>() && line["permitted"].get<bool>()) << line.dump();
  EXPECT_EQ(fake_.table_posts(), 0) << "check writes nothing";

  fake_.define_table("customMentoring", {"customMentoringKey", "customMentoringDate"});
  json check = json::parse(adapter->call("check", "{}"));
  line = capability(check, "create_task");
  EXPECT_FALSE(check["ok"].get<bool>());
  EXPECT_FALSE(line["permitted"].get<bool>());
  EXPECT_NE(line["message"].get<std::string>().find("customMentoringNote"), std::string::npos)
      << line.dump();

  line = capability(
      json::parse(make(write_back_settings({{"table", "customPairs"}}))->call("check", "{}")),
      "create_task");
  EXPECT_FALSE(line["permitted"].get<bool>());
  EXPECT_NE(line["message"].get<std::string>().find("customPairs"), std::string::npos);

  fake_.define_table("customMentoring", kMentoringTableFields);
  fake_.forbid("/api/v1/employees/1001/tables/");
  line = capability(json::parse(adapter->call("check", "{}")), "create_task");
  EXPECT_TRUE(line["authenticated"].get<bool>());
  EXPECT_FALSE(line["permitted"].get<bool>()) << "rows must be readable: " << line.dump();

  json unconfigured = capability(json::parse(make()->call("check", "{}")), "create_task");
  EXPECT_FALSE(unconfigured["configured"].get<bool>());
}
