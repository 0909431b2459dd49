// BambooHR webhook verification: every refusal the serve route relies on, and
// a signature computed here independently (OpenSSL's one-shot HMAC) accepted.
#include "webhooks/webhooks.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <atomic>
#include <thread>

namespace {

using namespace mentoring::serve::webhooks;
using namespace std::chrono_literals;

const std::string key = "bhr-private-key-0123456789abcdef";
const std::string body =
    R"({"type":"employee.updated","timestamp":"2025-02-18T15:30:00Z","data":{"companyId":"12345","employeeId":"100","changedFields":["firstName"]}})";

// 2025-02-18T15:30:00Z
const Clock::time_point sent{std::chrono::seconds(1739892600)};
const std::string sent_text = "1739892600";

// The reference: OpenSSL's HMAC() over body + timestamp, as hex.
std::string reference_signature(const std::string& secret, const std::string& message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < length; ++i) {
    out.push_back(hex[digest[i] >> 4]);
    out.push_back(hex[digest[i] & 15]);
  }
  return out;
}

Verification check(const std::string& signature, const std::string& timestamp,
                   Clock::time_point now, ReplayCache& cache, const std::string& payload = body) {
  return verify_bamboohr(payload, signature, timestamp, key, now, cache);
}

TEST(BambooHrWebhook, ReferenceHmacOfAKnownVectorMatchesRfc4231) {
  // RFC 4231 test case 2: the reference itself is right before anything leans on it.
  EXPECT_EQ(reference_signature("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(BambooHrWebhook, IndependentlyComputedSignatureIsAccepted) {
  ReplayCache cache;
  auto result = check(reference_signature(key, body + sent_text), sent_text, sent + 10s, cache);
  EXPECT_TRUE(result) << result.words();
  EXPECT_EQ(result.verdict, Verdict::ok);
  EXPECT_EQ(cache.size(), 1u);
}

TEST(BambooHrWebhook, UpperCaseHexIsTheSameSignature) {
  ReplayCache cache;
  std::string signature = reference_signature(key, body + sent_text);
  for (char& c : signature) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(check(signature, sent_text, sent, cache));
}

TEST(BambooHrWebhook, IsoTimestampIsSignedAsSent) {
  ReplayCache cache;
  const std::string iso = "2025-02-18T15:30:00Z";
  EXPECT_TRUE(check(reference_signature(key, body + iso), iso, sent + 1s, cache));
}

TEST(BambooHrWebhook, WrongKeyIsRefused) {
  ReplayCache cache;
  auto result = check(reference_signature("another key", body + sent_text), sent_text, sent, cache);
  EXPECT_EQ(result.verdict, Verdict::bad_signature);
  EXPECT_FALSE(result);
  EXPECT_EQ(cache.size(), 0u) << "a refused delivery must not enter the cache";
}

TEST(BambooHrWebhook, EveryByteOfTheSignatureCounts) {
  // One hex digit changed anywhere (first, middle, last byte) is refused.
  ReplayCache cache;
  const std::string good = reference_signature(key, body + sent_text);
  for (std::size_t at : {std::size_t{0}, std::size_t{31}, std::size_t{62}, std::size_t{63}}) {
    std::string changed = good;
    changed[at] = changed[at] == '0' ? '1' : '0';
    EXPECT_EQ(check(changed, sent_text, sent, cache).verdict, Verdict::bad_signature) << at;
  }
  EXPECT_TRUE(check(good, sent_text, sent, cache));
}

TEST(BambooHrWebhook, AlteredBodyIsRefused) {
  ReplayCache cache;
  std::string altered = body;
  altered.replace(altered.find("\"100\""), 5, "\"101\"");
  auto result = check(reference_signature(key, body + sent_text), sent_text, sent, cache, altered);
  EXPECT_EQ(result.verdict, Verdict::bad_signature);
}

TEST(BambooHrWebhook, SignatureOverTheBodyAloneIsRefused) {
  // The timestamp is part of what is signed: a signature of the body alone
  // (or of another timestamp) does not pass.
  ReplayCache cache;
  EXPECT_EQ(check(reference_signature(key, body), sent_text, sent, cache).verdict,
            Verdict::bad_signature);
  EXPECT_EQ(check(reference_signature(key, body + "1739892601"), sent_text, sent, cache).verdict,
            Verdict::bad_signature);
}

TEST(BambooHrWebhook, SignatureOfAnotherLengthIsRefused) {
  ReplayCache cache;
  std::string good = reference_signature(key, body + sent_text);
  for (const std::string& signature :
       {good.substr(0, 63), good + "0", good.substr(0, 32), good + good, std::string("00")}) {
    auto result = check(signature, sent_text, sent, cache);
    EXPECT_EQ(result.verdict, Verdict::bad_signature) << signature.size();
    EXPECT_NE(result.detail.find("expected 64 hex digits"), std::string::npos) << result.detail;
  }
}

TEST(BambooHrWebhook, NonHexSignatureIsRefused) {
  ReplayCache cache;
  std::string good = reference_signature(key, body + sent_text);
  std::string non_hex = good;
  non_hex[10] = 'g';
  EXPECT_EQ(check(non_hex, sent_text, sent, cache).verdict, Verdict::bad_signature);
  EXPECT_EQ(check("sha256=" + good.substr(7), sent_text, sent, cache).verdict,
            Verdict::bad_signature);
  EXPECT_EQ(check(std::string(64, ' '), sent_text, sent, cache).verdict, Verdict::bad_signature);
}

TEST(BambooHrWebhook, StaleTimestampIsRefusedEvenWithAValidSignature) {
  ReplayCache cache;
  std::string signature = reference_signature(key, body + sent_text);
  auto result = check(signature, sent_text, sent + 301s, cache);
  EXPECT_EQ(result.verdict, Verdict::stale_timestamp);
  EXPECT_NE(result.detail.find("301 s old"), std::string::npos) << result.detail;
  // The edge of the window is still inside.
  EXPECT_TRUE(check(signature, sent_text, sent + 300s, cache));
}

TEST(BambooHrWebhook, FutureTimestampIsRefused) {
  ReplayCache cache;
  std::string signature = reference_signature(key, body + sent_text);
  auto result = check(signature, sent_text, sent - 301s, cache);
  EXPECT_EQ(result.verdict, Verdict::future_timestamp);
  EXPECT_NE(result.detail.find("301 s ahead"), std::string::npos) << result.detail;
}

TEST(BambooHrWebhook, WindowIsTheCallersSetting) {
  ReplayCache cache;
  std::string signature = reference_signature(key, body + sent_text);
  EXPECT_EQ(verify_bamboohr(body, signature, sent_text, key, sent + 61s, cache, 60s).verdict,
            Verdict::stale_timestamp);
  EXPECT_TRUE(verify_bamboohr(body, signature, sent_text, key, sent + 59s, cache, 60s));
}

TEST(BambooHrWebhook, ReplayedDeliveryIsRefused) {
  ReplayCache cache;
  std::string signature = reference_signature(key, body + sent_text);
  ASSERT_TRUE(check(signature, sent_text, sent + 1s, cache));
  auto again = check(signature, sent_text, sent + 2s, cache);
  EXPECT_EQ(again.verdict, Verdict::replayed);
  // The same delivery with its signature in upper case is the same delivery.
  std::string upper = signature;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(check(upper, sent_text, sent + 3s, cache).verdict, Verdict::replayed);
  // After the window it is stale, never accepted again.
  EXPECT_EQ(check(signature, sent_text, sent + 400s, cache).verdict, Verdict::stale_timestamp);
}

TEST(BambooHrWebhook, SameBodyWithANewTimestampIsANewDelivery) {
  ReplayCache cache;
  ASSERT_TRUE(check(reference_signature(key, body + sent_text), sent_text, sent, cache));
  EXPECT_TRUE(
      check(reference_signature(key, body + "1739892660"), "1739892660", sent + 60s, cache));
}

TEST(BambooHrWebhook, MissingHeadersAreRefused) {
  ReplayCache cache;
  std::string signature = reference_signature(key, body + sent_text);
  auto no_signature = verify_bamboohr(body, std::nullopt, sent_text, key, sent, cache);
  EXPECT_EQ(no_signature.verdict, Verdict::missing_header);
  EXPECT_NE(no_signature.detail.find("X-BambooHR-Signature"), std::string::npos);
  auto no_timestamp = verify_bamboohr(body, signature, std::nullopt, key, sent, cache);
  EXPECT_EQ(no_timestamp.verdict, Verdict::missing_header);
  EXPECT_NE(no_timestamp.detail.find("X-BambooHR-Timestamp"), std::string::npos);
  EXPECT_EQ(verify_bamboohr(body, "", sent_text, key, sent, cache).verdict,
            Verdict::missing_header);
  EXPECT_EQ(verify_bamboohr(body, signature, "", key, sent, cache).verdict,
            Verdict::missing_header);
}

TEST(BambooHrWebhook, MalformedTimestampsAreRefused) {
  ReplayCache cache;
  for (const std::string& timestamp :
       {std::string("yesterday"), std::string("-1739892600"), std::string("1739892600.5"),
        std::string("2025-02-30T10:00:00Z"), std::string("2025-02-18T24:00:00Z"),
        std::string("2025-02-18 15:30:00"), std::string("99999999999999999999"),
        std::string(" 1739892600")}) {
    auto result = check(reference_signature(key, body + timestamp), timestamp, sent, cache);
    EXPECT_EQ(result.verdict, Verdict::malformed_timestamp) << timestamp;
  }
}

TEST(BambooHrWebhook, NoConfiguredKeyRefusesEverything) {
  ReplayCache cache;
  // Even the signature of the empty key is refused: an unset secret never verifies.
  auto result =
      verify_bamboohr(body, reference_signature("", body + sent_text), sent_text, "", sent, cache);
  EXPECT_EQ(result.verdict, Verdict::bad_signature);
}

TEST(BambooHrWebhook, WordsNeverCarryTheKeyOrTheSignature) {
  ReplayCache cache;
  std::string signature = reference_signature(key, body + sent_text);
  std::vector<Verification> results = {
      check(signature, sent_text, sent, cache), check(signature, sent_text, sent, cache),
      check(reference_signature("x", body), sent_text, sent, cache),
      check(signature + "0", sent_text, sent, cache),
      check(signature, sent_text, sent + 1h, cache)};
  for (const auto& result : results) {
    EXPECT_EQ(result.words().find(signature), std::string::npos) << result.words();
    EXPECT_EQ(result.words().find(key), std::string::npos) << result.words();
  }
}

TEST(BambooHrWebhookReplayCache, BoundedEvictingTheOldest) {
  ReplayCache cache(3);
  for (int i = 0; i < 5; ++i)
    EXPECT_TRUE(
        cache.first_time("sig" + std::to_string(i), sent + std::chrono::seconds(i), sent, 300s));
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_FALSE(cache.first_time("sig4", sent + 4s, sent, 300s));
  EXPECT_FALSE(cache.first_time("sig2", sent + 2s, sent, 300s));
  // sig0, the oldest, was evicted to keep the bound.
  EXPECT_TRUE(cache.first_time("sig0", sent, sent, 300s));
}

TEST(BambooHrWebhookReplayCache, ForgetsWhatLeftTheWindow) {
  ReplayCache cache;
  EXPECT_TRUE(cache.first_time("a", sent, sent, 300s));
  EXPECT_TRUE(cache.first_time("b", sent + 200s, sent + 200s, 300s));
  EXPECT_TRUE(cache.first_time("c", sent + 301s, sent + 301s, 300s));
  EXPECT_EQ(cache.size(), 2u) << "a left the window at +300 s";
}

TEST(BambooHrWebhookReplayCache, ConcurrentDeliveriesOfOneSignatureAcceptOnlyOne) {
  ReplayCache cache;
  std::string signature = reference_signature(key, body + sent_text);
  std::atomic<int> accepted{0}, replayed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        auto result = check(signature, sent_text, sent, cache);
        if (result) ++accepted;
        if (result.verdict == Verdict::replayed) ++replayed;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(accepted.load(), 1);
  EXPECT_EQ(replayed.load(), 8 * 50 - 1);
}

// ------------------------------------------------------------- payload

TEST(BambooHrWebhookPayload, EventWebhookNamesItsEmployee) {
  for (const std::string event : {"employee.created", "employee.updated", "employee.deleted"}) {
    auto payload = parse_bamboohr_payload(
        R"({"type":")" + event +
        R"(","timestamp":"2025-02-18T15:30:00Z","data":{"companyId":"12345","employeeId":"100"}})");
    EXPECT_EQ(payload.verdict, PayloadVerdict::employees) << payload.words();
    EXPECT_EQ(payload.event, event);
    EXPECT_EQ(payload.employee_ids, std::vector<std::string>{"100"});
  }
  auto numeric = parse_bamboohr_payload(R"({"type":"employee.updated","data":{"employeeId":100}})");
  EXPECT_EQ(numeric.employee_ids, std::vector<std::string>{"100"});
}

TEST(BambooHrWebhookPayload, CompanyEventNamesNoEmployee) {
  auto payload =
      parse_bamboohr_payload(R"({"type":"company.updated","data":{"companyId":"12345"}})");
  EXPECT_EQ(payload.verdict, PayloadVerdict::no_employee);
  EXPECT_TRUE(payload.employee_ids.empty());
}

TEST(BambooHrWebhookPayload, LegacyFieldWebhookListsDistinctIdsBounded) {
  std::string employees;
  for (int i = 0; i < 30; ++i)
    employees += (i ? "," : "") + std::string(R"({"id":")") + std::to_string(i % 20) +
                 R"(","action":"Updated","changedFields":["firstName"]})";
  auto payload = parse_bamboohr_payload(R"({"employees":[)" + employees + "]}", 10);
  EXPECT_EQ(payload.verdict, PayloadVerdict::employees);
  ASSERT_EQ(payload.employee_ids.size(), 10u);
  EXPECT_EQ(payload.employee_ids.front(), "0");
  EXPECT_EQ(payload.employee_ids.back(), "9");
  EXPECT_TRUE(payload.truncated);
  auto all = parse_bamboohr_payload(R"({"employees":[)" + employees + "]}");
  EXPECT_EQ(all.employee_ids.size(), 20u) << "duplicates listed once";
  EXPECT_FALSE(all.truncated);
  EXPECT_EQ(parse_bamboohr_payload(R"({"employees":[]})").verdict, PayloadVerdict::no_employee);
}

TEST(BambooHrWebhookPayload, MalformedBodiesGetAClearVerdict) {
  struct Case {
    std::string body, expected_in_detail;
  };
  const std::vector<Case> cases = {
      {"", "not JSON"},
      {"{\"type\":", "not JSON"},
      {"[1,2]", "/: found array"},
      {R"({"type":7})", "/type: found number"},
      {R"({"type":"employee.updated"})", "/data: found (missing)"},
      {R"({"type":"employee.updated","data":[]})", "/data: found array"},
      {R"({"type":"employee.updated","data":{}})", "/data/employeeId: found (missing)"},
      {R"({"type":"employee.updated","data":{"employeeId":null}})", "/data/employeeId: found null"},
      {R"({"type":"employee.updated","data":{"employeeId":-4}})", "/data/employeeId: found number"},
      {R"({"type":"employee.updated","data":{"employeeId":1.5}})",
       "/data/employeeId: found number"},
      {R"({"type":"employee.updated","data":{"employeeId":""}})", "0 characters"},
      {R"({"type":"employee.updated","data":{"employeeId":")" + std::string(257, '7') + "\"}}",
       "257 characters"},
      {R"({"type":"employee.updated","data":{"employeeId":"1\u0000"}})", "control character"},
      {R"({"employees":{}})", "/employees: found object"},
      {R"({"employees":[{"id":"1"},"2"]})", "/employees/1: found string"},
      {R"({"employees":[{"action":"Updated"}]})", "/employees/0: found an object without id"},
      {R"({"employees":[{"id":true}]})", "/employees/0/id: found boolean"},
      {R"({"hello":"world"})", "neither \"type\""},
  };
  for (const auto& c : cases) {
    auto payload = parse_bamboohr_payload(c.body);
    EXPECT_EQ(payload.verdict, PayloadVerdict::malformed) << c.body;
    EXPECT_NE(payload.detail.find(c.expected_in_detail), std::string::npos)
        << c.body << " -> " << payload.detail;
    EXPECT_TRUE(payload.employee_ids.empty()) << c.body;
  }
}

}  // namespace
