// The HR pages on the real `mentoring-host serve` (127.0.0.1, a free port) over
// a private copy of the demo: a real token logs in, the pages render what the
// real plugin's commands answer after a cycle, and the plugin's audit log
// records HR's reads made through the pages under the token's name.
#include "demo_copy.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <regex>
#include <thread>

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace std::chrono_literals;
using mentoring::test::read_file;
using mentoring::test::write_file;

class HrServe : public mentoring::test::DemoCopy {
 protected:
  void SetUp() override {
    DemoCopy::SetUp();
    json host = json::parse(read_file(config));
    host["serve"] = {{"listen", "127.0.0.1:0"}, {"threads", 4}};
    write_file(config, host.dump(2));
    for (const char* name : {"northwind", "riverside"}) {
      const fs::path org_file = root / "examples" / "demo" / "orgs" / (std::string(name) + ".json");
      json org = json::parse(read_file(org_file));
      org["schedule"] = {{"enabled", false}};  // cycles only when the test runs one
      write_file(org_file, org.dump(2));
    }
    hr_token = token("hr");
    admin_token = token("admin");
    const fs::path log = root / "serve.log";
    pid = ::fork();
    if (pid == 0) {
      int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::execl(HOST_BINARY, HOST_BINARY, "serve", "--config", config.c_str(), "--modules-dir",
              MODULES_DIR, static_cast<char*>(nullptr));
      ::_exit(127);
    }
    const auto until = std::chrono::steady_clock::now() + 30s;
    std::smatch m;
    while (std::chrono::steady_clock::now() < until) {
      const std::string out = read_file(log);
      if (std::regex_search(out, m, std::regex(R"(listening on http://127\.0\.0\.1:(\d+))"))) {
        port = std::stoi(m[1]);
        return;
      }
      ASSERT_EQ(::waitpid(pid, nullptr, WNOHANG), 0) << out;
      std::this_thread::sleep_for(20ms);
    }
    FAIL() << "serve did not start: " << read_file(log);
  }

  void TearDown() override {
    if (pid > 0) {
      ::kill(pid, SIGTERM);
      ::waitpid(pid, nullptr, 0);
    }
    DemoCopy::TearDown();
  }

  std::string token(const std::string& role) {
    auto r = mentoring::test::run_host("token create --org northwind --role " + role +
                                       " --name pages-" + role + " --config " + config.string());
    EXPECT_EQ(r.exit_code, 0) << r.output;
    std::smatch m;
    EXPECT_TRUE(std::regex_search(r.output, m, std::regex(R"((mtk_\S+))"))) << r.output;
    return m[1];
  }

  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(120, 0);
    return c;
  }

  json command(const std::string& name, const std::string& bearer, const json& input = {}) {
    auto r = client().Post(("/v1/orgs/northwind/commands/" + name).c_str(),
                           {{"Authorization", "Bearer " + bearer}},
                           input.is_null() ? "{}" : input.dump(), "application/json");
    EXPECT_TRUE(r);
    EXPECT_EQ(r->status, 200) << name << ": " << r->body;
    return json::parse(r->body);
  }

  std::string hr_token, admin_token;
  pid_t pid = -1;
  int port = 0;
};

TEST_F(HrServe, RealTokenLogsInAndThePagesShowWhatThePluginAnswersAndItsAuditLogRecordsTheReads) {
  // The demo's people and invitations; everyone invited accepts; the next cycle proposes pairs.
  command("run", admin_token);
  const json invitations = command("invitations", hr_token);  // kept: the loop reads into it
  for (const auto& i : invitations["invitations"]) {
    command("accept", hr_token,
            {{"person_id", i["person_id"]}, {"programme", i["programme"]}, {"role", i["role"]}});
  }
  command("run", admin_token);

  auto wrong = client().Post("/hr/northwind/login", httplib::Params{{"token", admin_token + "x"}});
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  auto login = client().Post("/hr/northwind/login", httplib::Params{{"token", hr_token}});
  ASSERT_TRUE(login);
  ASSERT_EQ(login->status, 303) << login->body;
  std::smatch m;
  const std::string set_cookie = login->get_header_value("Set-Cookie");
  ASSERT_TRUE(std::regex_search(set_cookie, m, std::regex("(mentoring_hr_northwind=[0-9a-f]{64})")))
      << set_cookie;
  const httplib::Headers cookie{{"Cookie", m[1].str()}};

  // Proposals: the programmes the command answers, each with its table (the demo's mentors
  // still have training to do, so its proposals are empty: the table says "None.").
  const json proposals = command("pairing_proposals", hr_token);
  ASSERT_EQ(proposals["programmes"].size(), 2u) << proposals.dump();
  const json& first = proposals["programmes"][0];
  auto page = client().Get("/hr/northwind/proposals", cookie);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200) << page->body;
  EXPECT_NE(page->body.find("<h2>" + first["programme"].get<std::string>() + "</h2>"),
            std::string::npos);
  EXPECT_NE(page->body.find("<table id=\"proposals\">"), std::string::npos);
  // One row per proposal the plugin answered (everyone invited accepted: the
  // second cycle may have proposed pairs), each with its accept button.
  const std::size_t table_start = page->body.find("<table id=\"proposals\">");
  const std::size_t table_end = page->body.find("</table>", table_start);
  std::size_t proposal_rows = 0;
  for (std::size_t at = page->body.find("<tr><th scope=\"row\">", table_start);
       at != std::string::npos && at < table_end;
       at = page->body.find("<tr><th scope=\"row\">", at + 1))
    ++proposal_rows;
  EXPECT_EQ(proposal_rows, first["proposals"].size()) << page->body;
  if (!first["proposals"].empty()) {
    EXPECT_NE(page->body.find("id=\"accept-"), std::string::npos) << page->body;
  }
  const std::string other = proposals["programmes"][1]["programme"];
  EXPECT_NE(page->body.find("href=\"/hr/northwind/proposals?programme=" + other + "\""),
            std::string::npos)
      << page->body;

  // The overview: the plugin's programme_overview, as HR sees it.
  auto overview = client().Get("/hr/northwind/", cookie);
  ASSERT_TRUE(overview);
  EXPECT_EQ(overview->status, 200) << overview->body;
  EXPECT_NE(overview->body.find("<table id=\"enrolments\">"), std::string::npos) << overview->body;

  // Evaluation and supervision of a programme answer too.
  auto evaluation = client().Get("/hr/northwind/evaluation", cookie);
  ASSERT_TRUE(evaluation);
  EXPECT_EQ(evaluation->status, 200) << evaluation->body;
  EXPECT_NE(evaluation->body.find("<table id=\"surveys\">"), std::string::npos);
  auto supervision = client().Get(
      ("/hr/northwind/supervision?programme=" + first["programme"].get<std::string>()).c_str(),
      cookie);
  ASSERT_TRUE(supervision);
  EXPECT_EQ(supervision->status, 200) << supervision->body;
  EXPECT_NE(supervision->body.find("<table id=\"supervision-sessions\">"), std::string::npos);

  // The reads through the pages are HR's, under the token's name, in the audit log.
  const json audit = command("audit_log", admin_token);
  int page_reads = 0;
  for (const auto& e : audit["entries"]) {
    if (e["command"] == "pairing_proposals" && e["caller"]["name"] == "pages-hr" &&
        e["caller"]["role"] == "hr")
      ++page_reads;
  }
  EXPECT_EQ(page_reads, 2) << "one by the API above, one by the page: " << audit.dump();
}

}  // namespace
