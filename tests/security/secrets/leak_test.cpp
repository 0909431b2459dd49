// A known secret goes nowhere (issue 14): two BambooHR adapters point at a
// loopback host that echoes their API key in every error answer, placed so that
// an 80-character excerpt ends inside it. One key comes from the secrets file,
// the other from MENTORING_SECRET_<NAME>. `check`, `run`, `run --json` and every
// command of schemas/permissions.json run through mentoring-host; neither key
// nor its first 8 characters may appear in any output or any file of the state
// folder (the SQLite database, its -wal, the outbox, ...).
#include "demo_copy.hpp"
#include "loopback_server.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using json = nlohmann::json;
using mentoring::fakes::LoopbackServer;
using mentoring::test::read_file;
using mentoring::test::write_file;

namespace {

constexpr const char* kFileKey = "bhr_FILE_9f3Kq7Lx2Vm8Nc4Rt6Wy1Zb5";
constexpr const char* kEnvKey = "bhr_ENV_4Hs8Jd2Pq6Tg9Xk3Mv7Cw1Lf5";

class SecretsGoNowhere : public mentoring::test::DemoCopy {
 protected:
  void SetUp() override {
    DemoCopy::SetUp();
    // A host that echoes the key it was given, after 66 characters: an
    // adapter's 80-character excerpt cuts the key after its 14th.
    auto echo = [](const httplib::Request& req, httplib::Response& res) {
      const std::string key = req.path.rfind("/n/", 0) == 0 ? kFileKey : kEnvKey;
      res.status = 401;
      res.set_header("WWW-Authenticate", "Basic realm=\"api\"");
      res.set_content("{\"message\":\"Authentication failed for this company with API key " + key +
                          "\",\"key\":\"" + key + "\"}",
                      "application/json");
    };
    server.http().Get(".*", echo);
    server.http().Post(".*", echo);
    server.http().Put(".*", echo);
    server.start();
    add_adapter("northwind", "/n", "BAMBOOHR_API_KEY");
    add_adapter("riverside", "/r", "RIVERSIDE_BAMBOOHR_KEY");
    const fs::path secrets = root / "examples" / "demo" / "secrets.json";
    write_file(secrets, json{{"BAMBOOHR_API_KEY", kFileKey}}.dump());
    ::chmod(secrets.c_str(), 0600);
    json host_config = json::parse(read_file(config));
    host_config["secrets_file"] = "secrets.json";
    write_file(config, host_config.dump(2));
    ::setenv("MENTORING_SECRET_RIVERSIDE_BAMBOOHR_KEY", kEnvKey, 1);
  }
  void TearDown() override {
    ::unsetenv("MENTORING_SECRET_RIVERSIDE_BAMBOOHR_KEY");
    DemoCopy::TearDown();
  }
  void add_adapter(const std::string& org_id, const std::string& prefix,
                   const std::string& secret) {
    const fs::path file = root / "examples" / "demo" / "orgs" / (org_id + ".json");
    json org = json::parse(read_file(file));
    json settings = {{"company_domain", "acme"},
                     {"base_url", server.base_url() + prefix},
                     {"api_key_secret", secret},
                     {"timeout_ms", 2000},
                     {"people", json::object()},
                     {"leave", {{"leave_types", {{"Maternity Leave", "maternity"}}}}}};
    org["adapters"].push_back({{"name", "hr-api"}, {"module", "bamboohr"}, {"settings", settings}});
    write_file(file, org.dump(2));
  }
  // Where either key, or the start of either, is in text.
  static std::string leak_in(const std::string& text) {
    for (const std::string key : {kFileKey, kEnvKey}) {
      if (text.find(key.substr(0, 8)) != std::string::npos) return key.substr(0, 8);
    }
    return "";
  }
  void expect_no_leak(const std::string& what, const std::string& text) {
    const std::string leak = leak_in(text);
    EXPECT_EQ(leak, "") << what << " shows a secret's start \"" << leak << "\":\n" << text;
    outputs += text;
  }
  LoopbackServer server;
  std::string outputs;
};

}  // namespace

TEST_F(SecretsGoNowhere, NotInOutputLogsErrorsNorAnyStateFile) {
  auto check = host("check");
  expect_no_leak("check", check.output);
  EXPECT_NE(check.output.find("adapter hr-api"), std::string::npos) << check.output;
  EXPECT_NE(check.output.find("401"), std::string::npos)
      << "the fake's answer never reached a message: the test proves nothing\n"
      << check.output;
  expect_no_leak("run", host("run").output);
  auto run_json = host("run --json");
  expect_no_leak("run --json", run_json.output);
  EXPECT_NE(run_json.output.find("***"), std::string::npos)
      << "no redacted key in the run's answer: the echo never reached it\n"
      << run_json.output;

  const json permissions = json::parse(read_file(PERMISSIONS_FILE));
  ASSERT_GE(permissions["commands"].size(), 50u);
  for (const auto& [command, entry] : permissions["commands"].items()) {
    for (const char* org : {"northwind", "riverside"}) {
      auto result = host("command --org " + std::string(org) + " " + command + " --input '{}'");
      expect_no_leak("command " + command + " (" + org + ")", result.output);
    }
  }
  expect_no_leak("run again", host("run --json").output);

  std::size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(state)) {
    if (!entry.is_regular_file()) continue;
    ++files;
    expect_no_leak(entry.path().string(), read_file(entry.path()));
  }
  EXPECT_GE(files, 4u) << "the state folder should hold databases and outboxes";
}

TEST_F(SecretsGoNowhere, TheStartOfAKeyIsNotShownWhereAnExcerptCutsIt) {
  // Before the fix the host redacted the adapter's message, whose excerpt
  // ended "...API key bhr_FILE_9f3K..." — past the reach of whole-key redaction.
  auto check = host("check");
  EXPECT_EQ(check.output.find("bhr_"), std::string::npos) << check.output;
  EXPECT_NE(check.output.find("API key ***"), std::string::npos) << check.output;
}
