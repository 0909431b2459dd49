// Loads the built file.so through the host-side loader with the fake host and
// drives each command across the C ABI, as mentoring-host would.
#include <mentoring/fake_host.hpp>
#include <mentoring/loader.hpp>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

void write_file(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

class FileModule : public ::testing::Test {
 protected:
  void SetUp() override {
    base = fs::path(host.storage_directory()) / "config";
    write_file(base / "data/people.csv",
               "\xEF\xBB\xBF"
               "Employee ID,Full Name,Hire Date\r\nE1,Ann Lee,07/03/2019\r\nE2,\"Lee, Bo\",\r\n");
    settings = json::parse(R"({
      "people": {"path": "data/people.csv", "date_format": "DD/MM/YYYY",
                 "fields": {"id": "Employee ID", "name": "Full Name", "start_date": "Hire Date"}},
      "outbox": {"path": "../state/outbox.jsonl"}})");
    library = mentoring::host::ModuleLibrary::load(FILE_ADAPTER_PATH);
  }
  std::string config() const {
    return json{{"organisation", "northwind"},
                {"name", "hr-export"},
                {"base_dir", base.string()},
                {"settings", settings}}
        .dump();
  }

  mentoring::testing::FakeHost host;
  fs::path base;
  json settings;
  std::shared_ptr<mentoring::host::ModuleLibrary> library;
};

TEST_F(FileModule, DescribesItself) {
  EXPECT_EQ(library->name(), "file");
  EXPECT_EQ(library->version(), "0.1.0");
  EXPECT_EQ(library->kind(), MENTORING_KIND_ADAPTER);
  EXPECT_EQ(library->capabilities(),
            (std::vector<std::string>{"read_people", "read_leave", "read_course_completions",
                                      "read_keeping_in_touch_days", "write_actions"}));
}

TEST_F(FileModule, ChecksPullsAndPushes) {
  mentoring::host::ModuleInstance adapter(library, host.host(), config());

  json check = json::parse(adapter.call("check", "{}"));
  EXPECT_EQ(check["ok"], true) << check.dump(2);
  EXPECT_EQ(check["capabilities"][0]["message"], "people.csv readable, 2 rows");

  json pulled = json::parse(adapter.call("pull", R"({"stream":"people","cursor":null})"));
  ASSERT_TRUE(pulled["problems"].empty()) << pulled.dump(2);
  EXPECT_EQ(pulled["records"],
            json::parse(R"([{"id":"E1","name":"Ann Lee","start_date":"2019-03-07"},
                            {"id":"E2","name":"Lee, Bo","start_date":null}])"));
  json again = json::parse(
      adapter.call("pull", json{{"stream", "people"}, {"cursor", pulled["next_cursor"]}}.dump()));
  EXPECT_EQ(again["unchanged"], true);

  json action = {{"idempotency_key", "invite/rtw/E1/L1"},
                 {"type", "invite"},
                 {"organisation", "northwind"},
                 {"person_id", "E1"},
                 {"created_at", "2026-01-01T00:00:00Z"},
                 {"payload",
                  {{"to", {{"person_id", "E1"}}},
                   {"role", "mentee"},
                   {"subject", "Welcome"},
                   {"text", "You are invited."},
                   {"programme", {{"id", "rtw"}, {"name", "Return to work"}}},
                   {"respond_by", "2026-01-15"}}}};
  std::string push_input = json{{"actions", json::array({action})}}.dump();
  EXPECT_EQ(json::parse(adapter.call("push", push_input))["results"][0]["status"], "done");
  EXPECT_EQ(json::parse(adapter.call("push", push_input))["results"][0]["status"], "duplicate");
  EXPECT_EQ(json::parse(read_file(base.parent_path() / "state/outbox.jsonl")), action);
}

TEST_F(FileModule, UnknownCommandIsAOneLineError) {
  mentoring::host::ModuleInstance adapter(library, host.host(), config());
  try {
    adapter.call("frobnicate", "{}");
    FAIL() << "expected a CallError";
  } catch (const mentoring::host::CallError& e) {
    EXPECT_EQ(e.status(), MENTORING_ERR_UNKNOWN_COMMAND);
    std::string message = e.what();
    EXPECT_NE(message.find("unknown command \"frobnicate\"; expected one of: check, pull, push"),
              std::string::npos)
        << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

TEST_F(FileModule, BadSettingsRefuseCreateNamingThePointer) {
  settings["people"]["feilds"] = settings["people"]["fields"];
  try {
    mentoring::host::ModuleInstance adapter(library, host.host(), config());
    FAIL() << "expected a CallError";
  } catch (const mentoring::host::CallError& e) {
    EXPECT_EQ(e.status(), MENTORING_ERR_INVALID_INPUT);
    EXPECT_NE(std::string(e.what()).find("/people/feilds"), std::string::npos) << e.what();
  }
}

}  // namespace
