// The request JSON, redaction and retry arithmetic of the HTTP service.
#include "http_request.hpp"
#include "rate_budget.hpp"
#include "retry_policy.hpp"

#include <gtest/gtest.h>

#include <algorithm>

using namespace mentoring::host;

TEST(HttpRequest, DefaultsApplyAndPostIsNotIdempotent) {
  auto get = parse_http_request(R"({"url":"https://x.example/a"})");
  EXPECT_EQ(get.method, "GET");
  EXPECT_TRUE(get.retry.idempotent);
  auto post = parse_http_request(R"({"method":"post","url":"https://x.example/a","body":"{}"})");
  EXPECT_EQ(post.method, "POST");
  EXPECT_FALSE(post.retry.idempotent);
  auto marked = parse_http_request(
      R"({"method":"POST","url":"https://x.example/a","retry":{"idempotent":true,"max_attempts":2}})");
  EXPECT_TRUE(marked.retry.idempotent);
  EXPECT_EQ(marked.retry.max_attempts, 2);
}

TEST(HttpRequest, MalformedRequestNamesTheField) {
  try {
    parse_http_request(R"({"url":"https://x.example","timeout_ms":"soon"})");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("\"timeout_ms\""), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_http_request(R"({"url":"ftp://x.example"})"), std::invalid_argument);
  EXPECT_THROW(parse_http_request(R"({"method":"GET"})"), std::invalid_argument);
  EXPECT_THROW(parse_http_request("not json"), std::invalid_argument);
}

TEST(HttpRequest, RedactUrlHidesUserinfoAndTokenParameters) {
  EXPECT_EQ(redact_url("https://key123:x@api.example/v1?wstoken=abcd&a=1&access_token=zz"),
            "https://***@api.example/v1?wstoken=***&a=1&access_token=***");
  EXPECT_EQ(redact_url("https://api.example/path?page=2"), "https://api.example/path?page=2");
}

TEST(HttpRequest, CredentialsIncludeDecodedBasicAuth) {
  // "apikey-4242:x" in base64
  auto request = parse_http_request(
      R"({"url":"https://u:pa55word@h.example/?token=t0k3n","headers":{"Authorization":"Basic YXBpa2V5LTQyNDI6eA=="}})");
  auto found = credentials_in(request);
  for (const char* expected : {"YXBpa2V5LTQyNDI6eA==", "apikey-4242", "pa55word", "t0k3n"}) {
    EXPECT_NE(std::find(found.begin(), found.end(), expected), found.end()) << expected;
  }
}

TEST(RetryPolicy, RetryAfterAcceptsSecondsAndHttpDates) {
  EXPECT_EQ(parse_retry_after("7", 0), std::chrono::milliseconds(7000));
  // Sun, 06 Nov 1994 08:49:37 GMT = 784111777
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111770),
            std::chrono::milliseconds(7000));
  EXPECT_FALSE(parse_retry_after("soon", 0).has_value());
}

TEST(RetryPolicy, BackoffGrowsAndStaysUnderTheCap) {
  RetryPolicy policy;
  policy.base_delay_ms = 100;
  policy.max_delay_ms = 1000;
  std::mt19937 random(1);
  for (int attempt = 1; attempt < 10; ++attempt) {
    auto delay = backoff_delay(policy, attempt, random).count();
    EXPECT_GE(delay, 0);
    EXPECT_LE(delay, std::min(1000L, 100L << (attempt - 1)));
  }
}

TEST(RateBudget, BurstThenOneRequestPerInterval) {
  RateBudget budget;
  RateLimit limit{"org/hr", 10, 2};
  auto now = RateBudget::Clock::now();
  EXPECT_EQ(budget.reserve(limit, now).count(), 0);
  EXPECT_EQ(budget.reserve(limit, now).count(), 0);
  EXPECT_EQ(budget.reserve(limit, now).count(), 100);
  EXPECT_EQ(budget.reserve(limit, now).count(), 200);
  // Another key has its own budget.
  EXPECT_EQ(budget.reserve(RateLimit{"other/hr", 10, 1}, now).count(), 0);
}

TEST(HttpRequest, MaxBodyBytesDefaultsTo64MiBAndIsCheckedAsAWholePositiveNumber) {
  EXPECT_EQ(parse_http_request(R"({"url":"https://x.example"})").max_body_bytes, 64LL << 20);
  EXPECT_EQ(
      parse_http_request(R"({"url":"https://x.example","max_body_bytes":4096})").max_body_bytes,
      4096);
  for (const char* bad : {R"("big")", "0", "-1", "1.5", "18446744073709551616"}) {
    try {
      parse_http_request(std::string(R"({"url":"https://x.example","max_body_bytes":)") + bad +
                         "}");
      ADD_FAILURE() << bad << " was accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("\"max_body_bytes\""), std::string::npos) << e.what();
    }
  }
}
