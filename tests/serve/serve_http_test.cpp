// The real `mentoring-host serve` on 127.0.0.1 (a free port), on a private
// copy of the demo's two organisations: authentication, organisation isolation
// (another organisation's token gets 404, like an unknown one), the role
// matrix for host commands, requests too large, too slow, endless or
// malformed (refused, and the server still answers), metrics without secrets,
// one cycle of an organisation at a time, and SIGTERM in the middle of a cycle
// (exit 0, the cycle in hand finished, a following `run` finds nothing lost
// or done twice).
#include "demo_copy.hpp"

#include <mentoring/host/org_lock.hpp>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <regex>
#include <set>
#include <thread>

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace std::chrono_literals;
using mentoring::test::read_file;
using mentoring::test::write_file;

constexpr std::size_t kMaxBody = 65536;

struct Token {
  std::string token, id;
};

class Serve : public mentoring::test::DemoCopy {
 protected:
  void SetUp() override {
    DemoCopy::SetUp();
    json host = json::parse(read_file(config));
    host["serve"] = {{"listen", "127.0.0.1:0"},
                     {"max_body_bytes", kMaxBody},
                     {"request_timeout_seconds", 2},
                     {"threads", 4}};
    write_file(config, host.dump(2));
    // Cycles only when a test asks (the scheduler's slots are tested on a test
    // clock): a slot passing during a test would add cycles to its log.
    for (const char* name : {"northwind", "riverside"}) {
      const fs::path org_file = root / "examples" / "demo" / "orgs" / (std::string(name) + ".json");
      json org = json::parse(read_file(org_file));
      org["schedule"] = {{"enabled", false}};
      write_file(org_file, org.dump(2));
    }
    northwind_admin = token("northwind", "admin");
    northwind_hr = token("northwind", "hr");
    riverside_hr = token("riverside", "hr");
    start_serve();
  }

  void TearDown() override {
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
    DemoCopy::TearDown();
  }

  Token token(const std::string& org, const std::string& role, const std::string& person = "") {
    auto r = mentoring::test::run_host("token create --org " + org + " --role " + role +
                                       " --name test-" + role + " --config " + config.string() +
                                       (person.empty() ? "" : " --person " + person));
    EXPECT_EQ(r.exit_code, 0) << r.output;
    Token t;
    std::smatch m;
    if (std::regex_search(r.output, m, std::regex(R"((mtk_\S+))"))) t.token = m[1];
    if (std::regex_search(r.output, m, std::regex(R"(token (tok_\S+))"))) t.id = m[1];
    EXPECT_FALSE(t.token.empty()) << r.output;
    return t;
  }

  // mentoring-host serve itself (not a shell), its output in serve.log.
  void start_serve() {
    // A new file each start: never the previous one's "listening on".
    log_path = root / ("serve-" + std::to_string(++starts) + ".log");
    pid = ::fork();
    if (pid == 0) {
      int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::execl(HOST_BINARY, HOST_BINARY, "serve", "--config", config.c_str(), "--modules-dir",
              MODULES_DIR, static_cast<char*>(nullptr));
      ::_exit(127);
    }
    const auto until = std::chrono::steady_clock::now() + 30s;
    std::smatch m;
    while (std::chrono::steady_clock::now() < until) {
      const std::string out = read_file(log_path);
      if (std::regex_search(out, m, std::regex(R"(listening on https?://127\.0\.0\.1:(\d+))"))) {
        port = std::stoi(m[1]);
        return;
      }
      ASSERT_TRUE(alive()) << out;
      std::this_thread::sleep_for(20ms);
    }
    FAIL() << "serve did not start: " << read_file(log_path);
  }

  void stop_serve() {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    pid = -1;
  }

  // mentoring-host <arguments> on this copy's config, in the foreground.
  mentoring::test::CommandResult host_run(const std::string& arguments) const {
    return host(arguments);
  }

  bool alive() const { return ::waitpid(pid, nullptr, WNOHANG) == 0; }

  httplib::Result post(const std::string& path, const std::string& body,
                       const std::string& bearer) const {
    httplib::Client client("127.0.0.1", port);
    client.set_read_timeout(60, 0);
    httplib::Headers headers;
    if (!bearer.empty()) headers.emplace("Authorization", "Bearer " + bearer);
    return client.Post(path.c_str(), headers, body, "application/json");
  }
  httplib::Result command(const std::string& org, const std::string& name, const Token& t,
                          const std::string& body = "{}") const {
    return post("/v1/orgs/" + org + "/commands/" + name, body, t.token);
  }
  httplib::Result get(const std::string& path) const {
    httplib::Client client("127.0.0.1", port);
    return client.Get(path.c_str());
  }
  void expect_healthy() const {
    auto r = get("/healthz");
    ASSERT_TRUE(r) << "the server no longer answers";
    EXPECT_EQ(r->status, 200);
    EXPECT_TRUE(alive());
  }

  // A raw connection, for requests no well-behaved client sends.
  int connect_raw() const {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    return fd;
  }
  // Everything the server sends until it closes, waiting at most `limit`.
  static std::string read_until_closed(int fd, std::chrono::milliseconds limit) {
    std::string out;
    const auto until = std::chrono::steady_clock::now() + limit;
    char buffer[4096];
    while (std::chrono::steady_clock::now() < until) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      out.append(buffer, static_cast<std::size_t>(n));
    }
    return out;
  }

  Token northwind_admin, northwind_hr, riverside_hr;
  pid_t pid = -1;
  int port = 0, starts = 0;
  fs::path log_path;
};

TEST_F(Serve, HealthReadinessAndAnAuthenticatedCommand) {
  expect_healthy();
  auto ready = get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200);
  auto r = command("northwind", "invitations", northwind_hr);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_TRUE(json::parse(r->body).contains("invitations")) << r->body;
  // check over HTTP: the plugin's check of this organisation, for its admin only.
  auto checked = command("northwind", "check", northwind_admin);
  ASSERT_TRUE(checked);
  EXPECT_EQ(checked->status, 200) << checked->body;
  EXPECT_TRUE(json::parse(checked->body).contains("routing")) << checked->body;
  EXPECT_EQ(command("northwind", "check", northwind_hr)->status, 403);
}

TEST_F(Serve, NoTokenAWrongTokenOrARevokedOneIs401) {
  for (const std::string& bearer :
       {std::string(), "mtk_northwind_" + std::string(43, 'A'), std::string("not-a-token")}) {
    auto r = post("/v1/orgs/northwind/commands/invitations", "{}", bearer);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401) << bearer;
    EXPECT_EQ(r->get_header_value("WWW-Authenticate"), "Bearer");
    EXPECT_TRUE(json::parse(r->body).contains("error"));
  }
  httplib::Client client("127.0.0.1", port);
  auto basic =
      client.Post("/v1/orgs/northwind/commands/invitations",
                  {{"Authorization", "Basic " + northwind_hr.token}}, "{}", "application/json");
  ASSERT_TRUE(basic);
  EXPECT_EQ(basic->status, 401) << "only the Bearer scheme";

  ASSERT_EQ(command("northwind", "invitations", northwind_hr)->status, 200);
  auto revoked = mentoring::test::run_host("token revoke --org northwind --id " + northwind_hr.id +
                                           " --config " + config.string());
  ASSERT_EQ(revoked.exit_code, 0) << revoked.output;
  EXPECT_EQ(command("northwind", "invitations", northwind_hr)->status, 401)
      << "a token revoked from the command line stops working in the running server";
}

TEST_F(Serve, ATokenOfAnotherOrganisationGets404LikeAnUnknownOrganisation) {
  ASSERT_EQ(command("riverside", "invitations", riverside_hr)->status, 200);
  for (const std::string name : {"invitations", "status", "token_list", "run", "actions"}) {
    auto other = command("riverside", name, northwind_admin);
    auto unknown = command("no-such-org", name, northwind_admin);
    ASSERT_TRUE(other && unknown);
    EXPECT_EQ(other->status, 404) << name << ": " << other->body;
    EXPECT_EQ(unknown->status, 404) << name;
    // Nothing tells an existing organisation from one that is not.
    EXPECT_EQ(std::regex_replace(other->body, std::regex("riverside"), "X"),
              std::regex_replace(unknown->body, std::regex("no-such-org"), "X"));
  }
}

TEST_F(Serve, TheRoleComesFromTheTokenAndTheMatrixRefusesWith403) {
  for (const std::string name : {"token_create", "token_list", "run"}) {
    auto r = command("northwind", name, northwind_hr,
                     R"({"role":"admin","name":"escalated","caller_role":"admin"})");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 403) << name << ": " << r->body;
  }
  // The plugin's commands, by the same matrix: a participant or a system is no HR.
  const Token mentee = token("northwind", "mentee", "E1246");
  const Token system = token("northwind", "system");
  for (const auto& [who, name] :
       {std::pair{&mentee, "invitations"}, std::pair{&mentee, "decide"},
        std::pair{&system, "invitations"}, std::pair{&system, "decide"}}) {
    auto r = command("northwind", name, *who, R"({"caller_role":"hr"})");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 403) << name << ": " << r->body;
  }
  // The admin may: the 403 above is the role's, not the route's.
  auto listed = command("northwind", "token_list", northwind_admin);
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->status, 200) << listed->body;
  EXPECT_EQ(listed->body.find("mtk_"), std::string::npos) << "a list never shows a token";
  auto created = command("northwind", "token_create", northwind_admin,
                         R"({"role":"hr","name":"made over HTTP"})");
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 200) << created->body;
  Token made{json::parse(created->body)["token"], json::parse(created->body)["id"]};
  EXPECT_EQ(command("northwind", "invitations", made)->status, 200);
  EXPECT_EQ(command("riverside", "invitations", made)->status, 404);
}

TEST_F(Serve, MalformedJsonIs400NamingLineAndColumn) {
  auto r = command("northwind", "invitations", northwind_hr, "{\n  \"programme\": tru\n}");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  const std::string error = json::parse(r->body)["error"];
  EXPECT_NE(error.find("request body:2:"), std::string::npos) << error;
  auto not_object = command("northwind", "invitations", northwind_hr, "[1,2]");
  EXPECT_EQ(not_object->status, 400);
  expect_healthy();
}

TEST_F(Serve, AnOversizedBodyIs413AndTheServerGoesOn) {
  auto r = command("northwind", "invitations", northwind_hr,
                   "{\"x\":\"" + std::string(kMaxBody * 3, 'a') + "\"}");
  ASSERT_TRUE(r) << "the 413 reaches the client, not a reset";
  EXPECT_EQ(r->status, 413);
  // Chunked, so no length is declared up front: refused before any is read.
  int fd = connect_raw();
  const std::string chunked =
      "POST /v1/orgs/northwind/commands/invitations HTTP/1.1\r\nHost: x\r\n"
      "Authorization: Bearer " +
      northwind_hr.token + "\r\nTransfer-Encoding: chunked\r\n\r\n10000\r\n" +
      std::string(65536, 'a');
  ::send(fd, chunked.data(), chunked.size(), MSG_NOSIGNAL);
  const std::string answer = read_until_closed(fd, 5s);
  ::close(fd);
  EXPECT_EQ(answer.rfind("HTTP/1.1 411", 0), 0u) << answer.substr(0, 200);
  expect_healthy();
}

TEST_F(Serve, ASlowRequestIsCutOffAtTheRequestTimeout) {
  int fd = connect_raw();
  const std::string head = "POST /v1/orgs/northwind/commands/invitations HTTP/1.1\r\nHost: x\r\n";
  ::send(fd, head.data(), head.size(), MSG_NOSIGNAL);
  const auto started = std::chrono::steady_clock::now();
  bool cut = false;
  // One byte every 200 ms: each arrives long before a per-read timeout, but the
  // whole request never does. request_timeout_seconds is 2.
  for (int i = 0; i < 60 && !cut; ++i) {
    std::this_thread::sleep_for(200ms);
    if (i == 3) expect_healthy();  // others are served meanwhile
    if (::send(fd, "X", 1, MSG_NOSIGNAL) != 1) cut = true;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 0) > 0) {
      char c;
      if (::recv(fd, &c, 1, MSG_PEEK) <= 0) cut = true;
    }
  }
  const auto took = std::chrono::steady_clock::now() - started;
  ::close(fd);
  EXPECT_TRUE(cut) << "the trickling request was never cut off";
  EXPECT_GE(took, 1500ms);
  EXPECT_LE(took, 6s);
  expect_healthy();
}

TEST_F(Serve, EndlessHeadersAndAnOverlongUriAreRefused) {
  int fd = connect_raw();
  std::string head = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
  ::send(fd, head.data(), head.size(), MSG_NOSIGNAL);
  const std::string line = "X-Pad: " + std::string(4000, 'p') + "\r\n";
  std::size_t sent = 0;
  for (int i = 0; i < 10000; ++i) {  // 40 MB of headers, if the server kept reading
    if (::send(fd, line.data(), line.size(), MSG_NOSIGNAL) <= 0) break;
    sent += line.size();
  }
  const std::string answer = read_until_closed(fd, 5s);
  ::close(fd);
  EXPECT_LT(sent, 40000000u) << "the server read 40 MB of headers";
  EXPECT_EQ(answer.find("200 OK"), std::string::npos) << answer.substr(0, 200);

  auto long_uri = get("/healthz?" + std::string(20000, 'q'));
  ASSERT_TRUE(long_uri);
  EXPECT_EQ(long_uri->status, 414);
  expect_healthy();
}

TEST_F(Serve, MetricsCountRequestsAndCyclesWithoutSecretsOrPeople) {
  post("/v1/orgs/northwind/commands/invitations", "{}", "");
  ASSERT_EQ(command("northwind", "invitations", northwind_hr)->status, 200);
  auto run = command("northwind", "run", northwind_admin);
  ASSERT_TRUE(run);
  ASSERT_EQ(run->status, 200) << run->body;
  // The server counts a request once its answer is written (httplib's logger):
  // the client may ask for /metrics a moment before the last one is counted.
  const std::string third_request_counted =
      R"(mentoring_http_request_duration_seconds_count{route="/v1/orgs/{org}/commands/{command}"} 3)";
  auto m = get("/metrics");
  for (int attempt = 0;
       attempt < 50 && m && m->body.find(third_request_counted) == std::string::npos; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    m = get("/metrics");
  }
  ASSERT_TRUE(m);
  EXPECT_EQ(m->status, 200);
  EXPECT_NE(m->get_header_value("Content-Type").find("version=0.0.4"), std::string::npos);
  const std::string text = m->body;
  EXPECT_NE(
      text.find(
          R"(mentoring_http_requests_total{route="/v1/orgs/{org}/commands/{command}",status="401"} 1)"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(mentoring_cycles_run_total{organisation="northwind"} 1)"),
            std::string::npos);
  EXPECT_NE(text.find(third_request_counted), std::string::npos) << text;
  const json summary = json::parse(run->body);
  const auto delivered = summary["actions"]["delivered"].get<long long>();
  EXPECT_NE(text.find("mentoring_actions_delivered_total{organisation=\"northwind\"} " +
                      std::to_string(delivered)),
            std::string::npos);
  EXPECT_EQ(text.find("mtk_"), std::string::npos);
  EXPECT_EQ(text.find('@'), std::string::npos) << "an e-mail address in the metrics";
}

TEST_F(Serve, OneCycleOfAnOrganisationAtATime) {
  auto a =
      std::async(std::launch::async, [&] { return command("northwind", "run", northwind_admin); });
  auto b =
      std::async(std::launch::async, [&] { return command("northwind", "run", northwind_admin); });
  auto ra = a.get(), rb = b.get();
  ASSERT_TRUE(ra && rb);
  for (const auto& r : {ra->status, rb->status}) EXPECT_TRUE(r == 200 || r == 503) << r;
  // In the log, every "cycle started" of northwind is followed by its "done"
  // before the next starts.
  std::istringstream log(read_file(log_path));
  std::string line;
  int open = 0, started = 0;
  while (std::getline(log, line)) {
    if (line.find("[northwind] serve: cycle started") != std::string::npos) {
      ++started;
      EXPECT_EQ(++open, 1) << read_file(log_path);
    }
    if (line.find("[northwind] serve: cycle done") != std::string::npos ||
        line.find("[northwind] serve: cycle FAILED") != std::string::npos)
      --open;
  }
  EXPECT_GE(started, 1);
  EXPECT_EQ(open, 0);
}

TEST_F(Serve, SigtermMidCycleFinishesItExitsZeroAndLosesNothing) {
  auto run =
      std::async(std::launch::async, [&] { return command("northwind", "run", northwind_admin); });
  // The first cycle on a fresh state migrates and syncs everything: SIGTERM as it starts.
  const auto until = std::chrono::steady_clock::now() + 30s;
  while (read_file(log_path).find("[northwind] serve: cycle started") == std::string::npos) {
    ASSERT_LT(std::chrono::steady_clock::now(), until) << read_file(log_path);
    std::this_thread::sleep_for(1ms);
  }
  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  auto answered = run.get();
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  pid = -1;
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << read_file(log_path);
  const std::string log = read_file(log_path);
  const auto started_at = log.find("[northwind] serve: cycle started");
  const auto sigterm_at = log.find("SIGTERM received");
  const auto done_at = log.find("[northwind] serve: cycle done");
  ASSERT_NE(sigterm_at, std::string::npos) << log;
  ASSERT_NE(done_at, std::string::npos) << log;
  EXPECT_LT(started_at, sigterm_at);
  EXPECT_LT(sigterm_at, done_at) << "the signal came after the cycle: not mid-cycle\n" << log;
  ASSERT_TRUE(answered) << "the request in hand was answered before the exit";
  ASSERT_EQ(answered->status, 200) << answered->body;
  const long long delivered = json::parse(answered->body)["actions"]["delivered"];

  auto again = host("run --org northwind --json");
  const json result = json::parse(again.output.substr(again.output.find('{')));
  const json& org = result["organisations"][0];
  EXPECT_FALSE(org.contains("error")) << again.output;
  EXPECT_EQ(org["actions"]["failed"], 0);
  const long long delivered_again = org["actions"]["delivered"];

  // Every action of the interrupted serve is in the outbox once, and the
  // following run added only new ones.
  std::istringstream outbox(read_file(state / "northwind" / "outbox.jsonl"));
  std::set<std::string> keys;
  long long lines = 0;
  std::string line;
  while (std::getline(outbox, line)) {
    ++lines;
    const json action = json::parse(line);  // throws on a torn line
    EXPECT_TRUE(keys.insert(action["idempotency_key"].get<std::string>()).second)
        << "written twice: " << action["idempotency_key"];
  }
  EXPECT_GT(delivered, 0);
  EXPECT_EQ(lines, delivered + delivered_again);
}

}  // namespace

namespace {

std::string hmac_sha256_hex(const std::string& key, const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest, &length);
  std::string hex;
  char two[3];
  for (unsigned int i = 0; i < length; ++i) {
    std::snprintf(two, sizeof two, "%02x", digest[i]);
    hex += two;
  }
  return hex;
}

TEST_F(Serve, ASignedBambooHrWebhookSchedulesACycleAndAForgedOrReplayedOneIs401) {
  // riverside gains a BambooHR connection whose webhooks serve takes.
  stop_serve();
  const fs::path riverside = root / "examples" / "demo" / "orgs" / "riverside.json";
  json org = json::parse(read_file(riverside));
  org["adapters"].push_back({{"name", "bamboo"},
                             {"module", "bamboohr"},
                             {"settings",
                              {{"company_domain", "riverside"},
                               {"base_url", "http://127.0.0.1:9"},
                               {"webhook_key_secret", "RIVERSIDE_WEBHOOK_KEY"}}}});
  org["routing"] = {{"*", "hr-export"}};
  write_file(riverside, org.dump(2));
  const std::string key = "whk-test-0123456789abcdef";
  ::setenv("MENTORING_SECRET_RIVERSIDE_WEBHOOK_KEY", key.c_str(), 1);
  start_serve();
  ::unsetenv("MENTORING_SECRET_RIVERSIDE_WEBHOOK_KEY");

  const std::string body =
      R"({"type":"employee.updated","data":{"companyId":"1","employeeId":"100"}})";
  auto deliver = [&](const std::string& path, const std::string& signature,
                     const std::string& timestamp) {
    httplib::Client client("127.0.0.1", port);
    return client.Post(path.c_str(),
                       {{"X-BambooHR-Signature", signature}, {"X-BambooHR-Timestamp", timestamp}},
                       body, "application/json");
  };
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  const std::string ts = std::to_string(now);
  const std::string path = "/v1/orgs/riverside/webhooks/bamboo";

  auto forged = deliver(path, hmac_sha256_hex("another key", body + ts), ts);
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 401) << forged->body;
  const std::string stale_ts = std::to_string(now - 3600);
  auto stale = deliver(path, hmac_sha256_hex(key, body + stale_ts), stale_ts);
  EXPECT_EQ(stale->status, 401) << stale->body;
  EXPECT_EQ(read_file(log_path).find("[riverside] serve: cycle started"), std::string::npos);

  auto accepted = deliver(path, hmac_sha256_hex(key, body + ts), ts);
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted->status, 202) << accepted->body;
  auto replayed = deliver(path, hmac_sha256_hex(key, body + ts), ts);
  EXPECT_EQ(replayed->status, 401) << replayed->body;
  // Not a BambooHR adapter, another organisation's name: nothing there.
  EXPECT_EQ(deliver("/v1/orgs/riverside/webhooks/hr-export", "x", ts)->status, 404);
  EXPECT_EQ(deliver("/v1/orgs/northwind/webhooks/bamboo", "x", ts)->status, 404);

  const auto until = std::chrono::steady_clock::now() + 20s;
  while (read_file(log_path).find("[riverside] serve: cycle started") == std::string::npos) {
    ASSERT_LT(std::chrono::steady_clock::now(), until)
        << "the accepted webhook scheduled no cycle\n"
        << read_file(log_path);
    std::this_thread::sleep_for(20ms);
  }
  // The cycle it asked for ran through (and is counted).
  while (read_file(log_path).find("[riverside] serve: cycle done") == std::string::npos &&
         read_file(log_path).find("[riverside] serve: cycle FAILED") == std::string::npos) {
    ASSERT_LT(std::chrono::steady_clock::now(), until + 20s) << read_file(log_path);
    std::this_thread::sleep_for(20ms);
  }
  auto metrics = get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find(R"(mentoring_cycles_run_total{organisation="riverside"} 1)"),
            std::string::npos)
      << metrics->body;
  expect_healthy();
  const std::string log = read_file(log_path);
  EXPECT_EQ(log.find(key), std::string::npos) << "the webhook key in the log";
  EXPECT_EQ(log.find("northwind] serve: cycle started"), std::string::npos)
      << "only the organisation the webhook named";
}

}  // namespace

namespace {

TEST_F(Serve, ARemoteListenAddressIsRefusedUnlessAllowed) {
  stop_serve();
  json host = json::parse(read_file(config));
  host["serve"]["listen"] = "0.0.0.0:0";
  write_file(config, host.dump(2));
  auto refused = host_run("serve");
  EXPECT_EQ(refused.exit_code, 3) << refused.output;
  EXPECT_NE(refused.output.find("allow_remote"), std::string::npos) << refused.output;
}

TEST_F(Serve, WithACertificateItServesTlsOnly) {
  stop_serve();
  const fs::path cert = root / "cert.pem", key = root / "key.pem";
  const std::string make =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
      "-keyout '" +
      key.string() + "' -out '" + cert.string() + "' >/dev/null 2>&1";
  ASSERT_EQ(std::system(make.c_str()), 0);
  json host = json::parse(read_file(config));
  host["serve"]["tls"] = {{"certificate", cert.string()}, {"private_key", key.string()}};
  write_file(config, host.dump(2));
  start_serve();
  EXPECT_NE(read_file(log_path).find("listening on https://"), std::string::npos);
  httplib::SSLClient tls("127.0.0.1", port);
  tls.enable_server_certificate_verification(false);
  auto r = tls.Post("/v1/orgs/northwind/commands/invitations",
                    {{"Authorization", "Bearer " + northwind_hr.token}}, "{}", "application/json");
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->status, 200) << r->body;
  auto plain = get("/healthz");
  EXPECT_FALSE(plain && plain->status == 200) << "plain HTTP answered on the TLS port";
  // A client that never finishes its handshake is cut off like a slow request.
  int fd = connect_raw();
  ::send(fd, "\x16\x03", 2, MSG_NOSIGNAL);
  const auto started = std::chrono::steady_clock::now();
  read_until_closed(fd, 8s);
  ::close(fd);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 6s);
  auto again = tls.Get("/healthz");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
}

}  // namespace

namespace {

// Another process (here the test, as `mentoring-host run` would) holds
// northwind's lock: serve's commands wait, then answer 503 with Retry-After,
// naming the holder; once the lock is free they work again.
TEST_F(Serve, AnotherProcessHoldingTheOrganisationMeans503WithRetryAfter) {
  ASSERT_EQ(command("northwind", "invitations", northwind_hr)->status, 200);
  {
    auto lock = mentoring::host::OrganisationLock::acquire("northwind", state / "northwind", 0s,
                                                           "run (the test)");
    const auto started = std::chrono::steady_clock::now();
    auto busy = command("northwind", "invitations", northwind_hr);
    ASSERT_TRUE(busy);
    EXPECT_EQ(busy->status, 503) << busy->body;
    EXPECT_FALSE(busy->get_header_value("Retry-After").empty());
    EXPECT_NE(busy->body.find("run (the test)"), std::string::npos)
        << "the answer names who holds the organisation: " << busy->body;
    EXPECT_GE(std::chrono::steady_clock::now() - started, 4s) << "it waited first";
    // riverside is not held.
    EXPECT_EQ(command("riverside", "invitations", riverside_hr)->status, 200);
  }
  EXPECT_EQ(command("northwind", "invitations", northwind_hr)->status, 200);
  expect_healthy();
}

}  // namespace

namespace {

// More idle keep-alive connections than threads (4 here): a new client is
// still answered at once, not after the idle ones time out.
TEST_F(Serve, IdleKeepAliveConnectionsDoNotStarveANewClient) {
  std::vector<int> idle;
  for (int i = 0; i < 6; ++i) {
    int fd = connect_raw();
    const std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    char buffer[512];
    pollfd p{fd, POLLIN, 0};
    ASSERT_GT(::poll(&p, 1, 5000), 0);
    ASSERT_GT(::recv(fd, buffer, sizeof buffer, 0), 0);
    idle.push_back(fd);  // kept open, asking nothing more
  }
  const auto started = std::chrono::steady_clock::now();
  expect_healthy();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s)
      << "the new client waited for idle connections to time out";
  for (int fd : idle) ::close(fd);
}

}  // namespace
