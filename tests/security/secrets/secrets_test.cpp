// Secrets never reach output (issue 14, "Secrets and files"): the host's
// redaction, its HTTP service's error answers, and the secrets file's checks.
#include "secrets.hpp"
#include "http_client.hpp"
#include "loopback_server.hpp"

#include <mentoring/schema.hpp>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>
#include <unistd.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using mentoring::fakes::LoopbackServer;
using mentoring::host::HttpClient;
using mentoring::host::Secrets;
using mentoring::schema::ValidationError;
using nlohmann::json;

namespace {

constexpr const char* kKey = "sk_live_7Qm2x9VbN4pLr8TzWc3Hd6Ys";

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A secrets file with the given text and mode, in a folder of its own.
class SecretsFile : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "mentoring-secrets-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    folder = pattern;
    file = folder / "secrets.json";
  }
  void TearDown() override { fs::remove_all(folder); }
  void write(const std::string& text, mode_t mode = 0600) {
    std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
    ASSERT_EQ(::chmod(file.c_str(), mode), 0);
  }
  // The refusal's message; empty when the file was accepted.
  std::string refusal() {
    try {
      Secrets secrets(file);
    } catch (const ValidationError& e) {
      return e.what();
    }
    return "";
  }
  fs::path folder, file;
};

}  // namespace

TEST(Redaction, AStartOfASecretLeftAtACutIsRedactedToo) {
  Secrets secrets(std::nullopt);
  secrets.remember(kKey);
  // An adapter's 80-character excerpt that ends inside the key.
  const std::string excerpt =
      std::string("HTTP 401: {\"error\":\"key ") + std::string(kKey, 9) + "...";
  const std::string shown = secrets.redact(excerpt);
  EXPECT_FALSE(contains(shown, std::string(kKey, 5))) << shown;
  EXPECT_TRUE(contains(shown, "key ***...")) << shown;
  // At the very end of a message, too.
  EXPECT_EQ(secrets.redact(std::string("token ") + std::string(kKey, 12)), "token ***");
  // The whole key anywhere; ordinary words that share no cut are left alone.
  EXPECT_EQ(secrets.redact(std::string("a ") + kKey + " b"), "a *** b");
  EXPECT_EQ(secrets.redact("sk_live is a prefix word here"), "sk_live is a prefix word here");
}

TEST(Redaction, AnErrorAnswerEchoingTheKeyIsRedactedBeforeAnAdapterCutsIt) {
  LoopbackServer server;
  server.http().Get("/api", [](const httplib::Request& req, httplib::Response& res) {
    res.status = 401;
    // Long enough that an 80-character excerpt ends inside the key.
    res.set_content(R"({"error":"invalid credentials","detail":"the API key )" +
                        req.get_header_value("X-Api-Key") + R"( is not valid for this company"})",
                    "application/json");
  });
  server.start();
  std::ostringstream log;
  auto logger = std::make_shared<spdlog::logger>(
      "secrets-test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log));
  Secrets secrets(std::nullopt);
  HttpClient client(secrets, logger);
  json request = {{"url", server.base_url() + "/api"}, {"headers", {{"X-Api-Key", kKey}}}};
  json answer = json::parse(client.perform(request.dump()));
  ASSERT_EQ(answer["status"], 401);
  const std::string body = answer["body"].get<std::string>();
  EXPECT_FALSE(contains(body, std::string(kKey, 8))) << body;
  EXPECT_TRUE(contains(body, "the API key *** is not valid")) << body;
  // What an adapter then cuts is safe at any length.
  for (std::size_t length = 1; length <= body.size(); ++length)
    EXPECT_FALSE(contains(secrets.redact(body.substr(0, length)), std::string(kKey, 5)));
  EXPECT_FALSE(contains(log.str(), std::string(kKey, 8))) << log.str();
}

TEST(Tls, ARequestMayTurnVerificationOffOnlyWhenTheHostAllowsIt) {
  LoopbackServer server;
  server.http().Get("/x", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok", "text/plain");
  });
  server.start();
  std::ostringstream log;
  auto logger = std::make_shared<spdlog::logger>(
      "tls-test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log));
  Secrets secrets(std::nullopt);
  HttpClient client(secrets, logger);
  json request = {{"url", server.base_url() + "/x"}, {"tls_verify", false}};
  try {
    client.perform(request.dump());
    FAIL() << "tls_verify false was accepted without the adapter's setting";
  } catch (const std::invalid_argument& e) {
    EXPECT_TRUE(contains(e.what(), "tls_verify")) << e.what();
  }
  EXPECT_EQ(json::parse(client.perform(request.dump(), true))["status"], 200);
  request["tls_verify"] = "no";
  EXPECT_THROW(client.perform(request.dump(), true), std::invalid_argument);
}

TEST_F(SecretsFile, ASyntaxErrorNamesFileLineAndColumnButNeverTheContent) {
  write("{\n  \"BAMBOOHR_API_KEY\": \"" + std::string(kKey) + "\"\n  \"OTHER\": \"x\"\n}\n");
  const std::string message = refusal();
  ASSERT_FALSE(message.empty());
  EXPECT_TRUE(contains(message, file.string() + ":3:")) << message;
  EXPECT_TRUE(contains(message, "line 3")) << message;
  EXPECT_FALSE(contains(message, std::string(kKey, 8))) << message;
  EXPECT_FALSE(contains(message, "last read")) << message;
}

TEST_F(SecretsFile, AKeyCutShortByTheEndOfTheFileIsNotShownEither) {
  write(std::string("{\"BAMBOOHR_API_KEY\": \"") + kKey);
  const std::string message = refusal();
  ASSERT_FALSE(message.empty());
  EXPECT_FALSE(contains(message, std::string(kKey, 8))) << message;
}

TEST_F(SecretsFile, ADocumentThatIsNotAnObjectOfStringsIsRefusedNamingWhatWasFound) {
  write(std::string("[\"") + kKey + "\"]");
  std::string message = refusal();
  EXPECT_TRUE(contains(message, file.string())) << message;
  EXPECT_TRUE(contains(message, "found a JSON array")) << message;
  EXPECT_FALSE(contains(message, std::string(kKey, 8))) << message;

  write(std::string("{\"GOOD\": \"") + kKey + "\", \"PORT\": 8080}");
  message = refusal();
  EXPECT_TRUE(contains(message, file.string() + ": /PORT: found a JSON number")) << message;
  EXPECT_FALSE(contains(message, std::string(kKey, 8))) << message;
}

TEST_F(SecretsFile, AFileOthersMayReadIsRefusedNamingTheModeFoundAndExpected) {
  const std::string text = std::string("{\"BAMBOOHR_API_KEY\": \"") + kKey + "\"}";
  for (mode_t mode : {0644, 0640, 0604, 0660}) {
    write(text, mode);
    char octal[8];
    std::snprintf(octal, sizeof octal, "0%03o", static_cast<unsigned>(mode));
    const std::string message = refusal();
    EXPECT_TRUE(contains(message, file.string())) << message;
    EXPECT_TRUE(contains(message, std::string("mode ") + octal)) << message;
    EXPECT_TRUE(contains(message, "0600")) << message;
  }
  write(text, 0600);
  EXPECT_EQ(refusal(), "");
  write(text, 0400);
  ASSERT_EQ(refusal(), "");
  Secrets secrets(file);
  EXPECT_EQ(secrets.get("BAMBOOHR_API_KEY"), kKey);
  // The environment still comes first.
  ::setenv("MENTORING_SECRET_BAMBOOHR_API_KEY", "from-the-environment", 1);
  EXPECT_EQ(secrets.get("BAMBOOHR_API_KEY"), "from-the-environment");
  ::unsetenv("MENTORING_SECRET_BAMBOOHR_API_KEY");
  // Known from the start: redacted before any module asks for it.
  EXPECT_EQ(Secrets(file).redact(kKey), "***");
}
