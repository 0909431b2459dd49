// The HTTP service against a loopback server: reuse, retries, Retry-After,
// timeouts, TLS, rate budget, cancellation and redaction.
#include "http_client.hpp"
#include "loopback_server.hpp"
#include "secrets.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <set>
#include <sstream>
#include <thread>

using mentoring::fakes::LoopbackServer;
using mentoring::host::HttpClient;
using mentoring::host::HttpError;
using mentoring::host::Secrets;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

class HttpClientTest : public ::testing::Test {
 protected:
  static std::shared_ptr<spdlog::logger> make_logger(std::ostringstream& out) {
    auto logger = std::make_shared<spdlog::logger>(
        "http-test", std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
    logger->set_level(spdlog::level::debug);
    return logger;
  }

  json get(const std::string& path, json extra = json::object()) {
    json request = {{"method", "GET"}, {"url", server_.base_url() + path}};
    request.update(extra);
    return json::parse(client_.perform(request.dump()));
  }

  LoopbackServer server_;  // first: outlives the client, whose connections close first
  std::ostringstream log_;
  std::shared_ptr<spdlog::logger> logger_ = make_logger(log_);
  Secrets secrets_{std::nullopt};
  HttpClient client_{secrets_, logger_};
};

const json kFastRetry = {
    {"retry", {{"base_delay_ms", 1}, {"max_delay_ms", 5}, {"max_retry_after_ms", 20}}}};

}  // namespace

TEST_F(HttpClientTest, AnswersStatusHeadersAndBodyAndReusesTheConnection) {
  std::set<int> client_ports;
  std::mutex mutex;
  server_.http().Get("/hello", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mutex);
    client_ports.insert(req.remote_port);
    res.set_header("X-Thing", "1");
    res.set_content(R"({"hi":true})", "application/json");
  });
  server_.start();
  for (int i = 0; i < 5; ++i) {
    json response = get("/hello");
    EXPECT_EQ(response["status"], 200);
    EXPECT_EQ(response["body"], R"({"hi":true})");
    EXPECT_EQ(response["headers"]["x-thing"], "1");
    EXPECT_EQ(response["attempts"], 1);
  }
  EXPECT_EQ(client_ports.size(), 1u) << "every request should reuse one connection";
}

TEST_F(HttpClientTest, ThrottledRequestWaitsForRetryAfterThenSucceeds) {
  std::atomic<int> calls{0};
  server_.http().Get("/busy", [&](const httplib::Request&, httplib::Response& res) {
    if (calls++ < 2) {
      res.status = calls == 1 ? 429 : 503;
      res.set_header("Retry-After", "1");  // one second, capped to 20 ms below
      return;
    }
    res.set_content("ok", "text/plain");
  });
  server_.start();
  auto started = std::chrono::steady_clock::now();
  json response = get("/busy", kFastRetry);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 900ms) << "the cap on Retry-After applies";
  EXPECT_EQ(response["status"], 200);
  EXPECT_EQ(response["attempts"], 3);
  EXPECT_NE(log_.str().find("Retry-After 1"), std::string::npos) << log_.str();
}

TEST_F(HttpClientTest, ServerErrorsAreRetriedForGetButNotForPost) {
  std::atomic<int> gets{0}, posts{0};
  server_.http().Get("/flaky", [&](const httplib::Request&, httplib::Response& res) {
    res.status = gets++ == 0 ? 502 : 200;
  });
  server_.http().Post("/flaky", [&](const httplib::Request&, httplib::Response& res) {
    ++posts;
    res.status = 500;
  });
  server_.start();
  EXPECT_EQ(get("/flaky", kFastRetry)["status"], 200);
  json post = {{"method", "POST"}, {"url", server_.base_url() + "/flaky"}, {"body", "{}"}};
  post.update(kFastRetry);
  json response = json::parse(client_.perform(post.dump()));
  EXPECT_EQ(response["status"], 500);
  EXPECT_EQ(posts, 1) << "a POST that may have been carried out is not repeated";
}

TEST_F(HttpClientTest, PersistentServerErrorIsHandedBackAfterTheLastAttempt) {
  std::atomic<int> calls{0};
  server_.http().Get("/down", [&](const httplib::Request&, httplib::Response& res) {
    ++calls;
    res.status = 500;
  });
  server_.start();
  json extra = kFastRetry;
  extra["retry"]["max_attempts"] = 3;
  json response = get("/down", extra);
  EXPECT_EQ(response["status"], 500);
  EXPECT_EQ(response["attempts"], 3);
  EXPECT_EQ(calls, 3);
}

TEST_F(HttpClientTest, UnreachableHostIsAnErrorNamingTheRequest) {
  server_.start();
  int port = server_.port();
  server_.stop();
  json request = {{"url", "http://127.0.0.1:" + std::to_string(port) + "/x"}};
  request.update(kFastRetry);
  try {
    client_.perform(request.dump());
    FAIL() << "expected HttpError";
  } catch (const HttpError& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("connection refused"), std::string::npos) << message;
    EXPECT_NE(message.find("GET http://127.0.0.1:" + std::to_string(port) + "/x"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("attempt 4 of 4"), std::string::npos) << message;
  }
}

TEST_F(HttpClientTest, SlowServerTimesOut) {
  server_.http().Get("/slow", [](const httplib::Request&, httplib::Response& res) {
    std::this_thread::sleep_for(600ms);
    res.set_content("late", "text/plain");
  });
  server_.start();
  try {
    get("/slow", {{"timeout_ms", 100}, {"retry", {{"max_attempts", 1}}}});
    FAIL() << "expected HttpError";
  } catch (const HttpError& e) {
    EXPECT_NE(std::string(e.what()).find("timed out"), std::string::npos) << e.what();
  }
}

TEST_F(HttpClientTest, TlsFailureIsNamedAsSuch) {
  server_.start();  // plain HTTP: a TLS handshake with it fails
  json request = {{"url", "https://127.0.0.1:" + std::to_string(server_.port()) + "/"},
                  {"retry", {{"max_attempts", 1}}}};
  try {
    client_.perform(request.dump());
    FAIL() << "expected HttpError";
  } catch (const HttpError& e) {
    EXPECT_NE(std::string(e.what()).find("TLS failure"), std::string::npos) << e.what();
  }
  request["ca_bundle"] = "/nonexistent/ca.pem";
  EXPECT_THROW(client_.perform(request.dump()), HttpError);
}

TEST_F(HttpClientTest, RateBudgetSpacesRequests) {
  server_.http().Get("/r",
                     [](const httplib::Request&, httplib::Response& res) { res.status = 204; });
  server_.start();
  json extra = {{"rate_limit", {{"key", "org/hr"}, {"per_second", 20}, {"burst", 1}}}};
  auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(get("/r", extra)["status"], 204);
  EXPECT_GE(std::chrono::steady_clock::now() - started, 190ms);
}

TEST_F(HttpClientTest, CancelAbortsAWaitingRequest) {
  server_.http().Get("/throttle", [](const httplib::Request&, httplib::Response& res) {
    res.status = 429;
    res.set_header("Retry-After", "30");
  });
  server_.start();
  std::thread canceller([&] {
    std::this_thread::sleep_for(100ms);
    client_.cancel();
  });
  auto started = std::chrono::steady_clock::now();
  EXPECT_THROW(get("/throttle"), HttpError);
  canceller.join();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  EXPECT_THROW(get("/throttle"), HttpError) << "stays cancelled until resume()";
  client_.resume();
  EXPECT_EQ(get("/throttle", {{"retry", {{"max_attempts", 1}}}})["status"], 429);
}

TEST_F(HttpClientTest, CredentialsNeverReachLogsOrErrors) {
  server_.http().Get("/auth",
                     [](const httplib::Request&, httplib::Response& res) { res.status = 500; });
  server_.start();
  json extra = kFastRetry;
  extra["headers"] = {{"Authorization", "Bearer sekr1t-bearer-token"}};
  extra["retry"]["max_attempts"] = 2;
  get("/auth?wstoken=moodle-token-999", extra);
  // The same bearer token, echoed in a later error, is redacted too.
  json bad = {{"url", "http://127.0.0.1:1/sekr1t-bearer-token?x=1"},
              {"retry", {{"max_attempts", 1}}}};
  std::string error;
  try {
    client_.perform(bad.dump());
  } catch (const HttpError& e) {
    error = e.what();
  }
  std::string userinfo_error;
  try {
    client_.perform(
        json{{"url", "http://apikey-777:x@127.0.0.1:1/"}, {"retry", {{"max_attempts", 1}}}}.dump());
  } catch (const HttpError& e) {
    userinfo_error = e.what();
  }
  std::string all = log_.str() + error + userinfo_error;
  for (const char* secret : {"sekr1t-bearer-token", "moodle-token-999", "apikey-777"}) {
    EXPECT_EQ(all.find(secret), std::string::npos) << secret << " leaked in: " << all;
  }
  EXPECT_NE(all.find("wstoken=***"), std::string::npos) << all;
  EXPECT_NE(all.find("http#"), std::string::npos) << "request ids are logged";
}
