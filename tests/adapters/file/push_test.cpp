#include "file_adapter/file_adapter.hpp"

#include "test_support.hpp"

namespace mentoring::adapters::file {
namespace {

using nlohmann::json;
using testing::config_for;
using testing::error_of;
using testing::read_file;
using testing::write_file;

json action(const std::string& key, const std::string& organisation = "northwind") {
  return {{"idempotency_key", key},
          {"type", "invite"},
          {"organisation", organisation},
          {"person_id", "E1"},
          {"programme_id", "rtw"},
          {"created_at", "2025-01-10T09:00:00Z"},
          {"payload",
           {{"to", {{"person_id", "E1"}, {"name", "Ann Example"}, {"email", nullptr}}},
            {"role", "mentee"},
            {"subject", "You are invited"},
            {"text", "line one\nline two"},
            {"programme", {{"id", "rtw"}, {"name", "Return to work"}}},
            {"respond_by", "2025-01-24"}}}};
}

std::size_t line_count(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

class Push : public ::testing::Test {
 protected:
  std::filesystem::path outbox() const { return dir / "state/northwind/outbox.jsonl"; }
  std::string config() const {
    return config_for({{"outbox", {{"path", "state/northwind/outbox.jsonl"}}}}, dir.path());
  }
  // A vector, not a json: a braced single object would not become an array.
  static json push(FileAdapter& adapter, const std::vector<json>& actions) {
    return json::parse(adapter.call("push", json{{"actions", actions}}.dump()))["results"];
  }

  testing::TempDir dir;
};

TEST_F(Push, AppendsEachActionAsOneLineCreatingFolders) {
  FileAdapter adapter(config());
  json results = push(adapter, {action("invite/rtw/E1/L1"), action("invite/rtw/E2/L2")});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0], json::parse(R"({"idempotency_key":"invite/rtw/E1/L1","status":"done",
                                        "message":"appended to outbox.jsonl"})"));
  std::string text = read_file(outbox());
  ASSERT_EQ(line_count(text), 2u);
  EXPECT_EQ(json::parse(text.substr(0, text.find('\n'))), action("invite/rtw/E1/L1"));
}

TEST_F(Push, PushingTwiceWritesOnce) {
  FileAdapter adapter(config());
  push(adapter, {action("invite/rtw/E1/L1")});
  json again = push(adapter, {action("invite/rtw/E1/L1")});
  EXPECT_EQ(again[0]["status"], "duplicate");
  EXPECT_EQ(line_count(read_file(outbox())), 1u);
}

TEST_F(Push, NewInstanceOnTheSameOutboxStillSeesDuplicates) {
  {
    FileAdapter first(config());
    push(first, {action("invite/rtw/E1/L1")});
  }
  FileAdapter restarted(config());
  json results = push(restarted, {action("invite/rtw/E1/L1"), action("invite/rtw/E3/L3")});
  EXPECT_EQ(results[0]["status"], "duplicate");
  EXPECT_EQ(results[1]["status"], "done");
  EXPECT_EQ(line_count(read_file(outbox())), 2u);
}

TEST_F(Push, SameKeyTwiceInOneBatch) {
  FileAdapter adapter(config());
  json results = push(adapter, {action("invite/rtw/E1/L1"), action("invite/rtw/E1/L1")});
  EXPECT_EQ(results[0]["status"], "done");
  EXPECT_EQ(results[1]["status"], "duplicate");
  EXPECT_EQ(line_count(read_file(outbox())), 1u);
}

TEST_F(Push, InvalidActionFailsAndIsNotWritten) {
  FileAdapter adapter(config());
  json bad = action("invite/rtw/E1/L1");
  bad["type"] = "telegram";
  json results = push(adapter, {bad, action("invite/rtw/E2/L2")});
  EXPECT_EQ(results[0]["status"], "failed");
  EXPECT_NE(results[0]["message"].get<std::string>().find("/type"), std::string::npos)
      << results[0].dump();
  EXPECT_EQ(results[1]["status"], "done");
  EXPECT_EQ(line_count(read_file(outbox())), 1u);
}

TEST_F(Push, ActionOfAnotherOrganisationIsRefused) {
  FileAdapter adapter(config());
  json results = push(adapter, {action("invite/rtw/E1/L1", "contoso")});
  EXPECT_EQ(results[0]["status"], "failed");
  EXPECT_FALSE(std::filesystem::exists(outbox()));
}

TEST_F(Push, TornLastLineFromACrashIsReplaced) {
  write_file(outbox(), action("invite/rtw/E1/L1").dump() + "\n" +
                           action("invite/rtw/E2/L2").dump().substr(0, 40));
  std::vector<std::string> warnings;
  FileAdapter adapter(config(), [&](std::string_view w) { warnings.emplace_back(w); });
  json results = push(adapter, {action("invite/rtw/E1/L1"), action("invite/rtw/E2/L2")});
  EXPECT_EQ(results[0]["status"], "duplicate");
  EXPECT_EQ(results[1]["status"], "done");
  std::string text = read_file(outbox());
  ASSERT_EQ(line_count(text), 2u);
  EXPECT_EQ(json::parse(text.substr(text.find('\n') + 1)), action("invite/rtw/E2/L2"));
  EXPECT_EQ(warnings.size(), 1u);
}

TEST_F(Push, WithoutOutboxIsUnavailable) {
  FileAdapter adapter(config_for(json::object(), dir.path()));
  auto [status, message] = error_of([&] { adapter.call("push", R"({"actions":[]})"); });
  EXPECT_EQ(status, MENTORING_ERR_UNAVAILABLE);
  EXPECT_NE(message.find("outbox"), std::string::npos);
}

TEST_F(Push, MalformedInputIsInvalid) {
  FileAdapter adapter(config());
  EXPECT_EQ(error_of([&] { adapter.call("push", R"({"action":[]})"); }).first,
            MENTORING_ERR_INVALID_INPUT);
  EXPECT_EQ(error_of([&] { adapter.call("push", "[1,"); }).first, MENTORING_ERR_INVALID_INPUT);
}

TEST_F(Push, UnknownCommand) {
  FileAdapter adapter(config());
  auto [status, message] = error_of([&] { adapter.call("sync", "{}"); });
  EXPECT_EQ(status, MENTORING_ERR_UNKNOWN_COMMAND);
  EXPECT_EQ(message, "file adapter: unknown command \"sync\"; expected one of: check, pull, push");
}

}  // namespace
}  // namespace mentoring::adapters::file
