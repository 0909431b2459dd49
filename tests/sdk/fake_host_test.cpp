#include <mentoring/fake_host.hpp>
#include <mentoring/loader.hpp>

#include <gtest/gtest.h>

using namespace mentoring::host;

namespace {
std::shared_ptr<ModuleLibrary> echo_library() {
  return ModuleLibrary::load(std::filesystem::path(TEST_MODULES_DIR) / "echo_module.so");
}
}  // namespace

TEST(FakeHost, OffersClockSecretsLogAndStorageToAModule) {
  mentoring::testing::FakeHost host;
  host.set_today("2026-12-01");
  host.set_secret("API_KEY", "s3cret-value");
  ModuleInstance echo(echo_library(), host.host(), "{}");
  EXPECT_EQ(echo.call("now", ""), std::to_string(host.now_unix_ms()));
  EXPECT_EQ(host.now_unix_ms(), 1796083200000);  // 2026-12-01T00:00:00Z
  EXPECT_EQ(echo.call("secret", "API_KEY"), "s3cret-value");
  EXPECT_EQ(echo.call("secret", "OTHER"), "<none>");
  echo.call("log", "hello");
  ASSERT_EQ(host.log_lines().size(), 1u);
  EXPECT_EQ(host.log_lines()[0], "INFO hello");
  EXPECT_EQ(echo.call("storage", ""), host.storage_directory());
  EXPECT_TRUE(std::filesystem::is_directory(host.storage_directory()));
}

TEST(FakeHost, AWithheldServiceIsReportedAsUnavailable) {
  mentoring::testing::FakeHost host;
  host.withhold_service(MENTORING_SERVICE_CLOCK);
  ModuleInstance echo(echo_library(), host.host(), "{}");
  try {
    echo.call("now", "");
    FAIL();
  } catch (const CallError& e) {
    EXPECT_EQ(e.status(), MENTORING_ERR_UNAVAILABLE);
    EXPECT_NE(std::string(e.what()).find("mentoring.clock/1"), std::string::npos);
  }
}

TEST(FakeHost, ClockV2ElapsedTimeMovesWhileTheCalendarClockStays) {
  mentoring::testing::FakeHost host;
  host.set_today("2026-12-01");
  ModuleInstance echo(echo_library(), host.host(), "{}");
  EXPECT_EQ(echo.call("elapsed", ""), "0");
  host.advance_monotonic_ms(61'000);
  EXPECT_EQ(echo.call("elapsed", ""), "61000");
  EXPECT_EQ(echo.call("now", ""), "1796083200000") << "the calendar clock did not move";
}

TEST(FakeHost, WithoutClockV2AModuleFallsBack) {
  mentoring::testing::FakeHost host;
  host.withhold_service(MENTORING_SERVICE_CLOCK_V2);
  ModuleInstance echo(echo_library(), host.host(), "{}");
  EXPECT_EQ(echo.call("elapsed", ""), "<no clock/2>");
}

TEST(FakeHost, HttpV2HandsTheBodyOverApartFromTheHead) {
  mentoring::testing::FakeHost host;
  host.on_http([](const std::string&) {
    return R"({"status":200,"headers":{"content-type":"application/json"},"body":"{\"a\":\"x\\\"y\"}"})";
  });
  ModuleInstance echo(echo_library(), host.host(), "{}");
  std::string answer = echo.call("http2", R"({"method":"GET","url":"http://127.0.0.1/"})");
  auto bar = answer.find('|');
  ASSERT_NE(bar, std::string::npos) << answer;
  EXPECT_EQ(answer.substr(bar + 1), R"({"a":"x\"y"})");  // raw bytes, unescaped
  EXPECT_EQ(answer.find("body"), std::string::npos);     // the head carries no body
  host.withhold_service(MENTORING_SERVICE_HTTP_V2);
  EXPECT_EQ(echo.call("http2", "{}"), "<no http/2>");
}
