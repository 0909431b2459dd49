#include "webhooks/webhooks.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <nlohmann/json.hpp>

#include <array>
#include <memory>

namespace mentoring::serve::webhooks {

namespace {

using json = nlohmann::json;
constexpr std::size_t digest_bytes = 32;  // SHA-256

std::string seconds_text(long long seconds) {
  return std::to_string(seconds) + " s";
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The signature as 32 bytes, or nullopt when it is not 64 hex digits. Its
// length and alphabet are no secret; only the comparison of the bytes is
// constant-time.
std::optional<std::array<unsigned char, digest_bytes>> decode_signature(std::string_view text) {
  if (text.size() != 2 * digest_bytes) return std::nullopt;
  std::array<unsigned char, digest_bytes> bytes{};
  for (std::size_t i = 0; i < digest_bytes; ++i) {
    int high = hex_value(text[2 * i]), low = hex_value(text[2 * i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    bytes[i] = static_cast<unsigned char>(high * 16 + low);
  }
  return bytes;
}

struct MacDeleter {
  void operator()(EVP_MAC* mac) const { EVP_MAC_free(mac); }
  void operator()(EVP_MAC_CTX* context) const { EVP_MAC_CTX_free(context); }
};

// HMAC-SHA256(key, body + timestamp), fed in two parts so the body is not copied.
std::optional<std::array<unsigned char, digest_bytes>> hmac_sha256(std::string_view key,
                                                                   std::string_view body,
                                                                   std::string_view timestamp) {
  std::unique_ptr<EVP_MAC, MacDeleter> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
  if (!mac) return std::nullopt;
  std::unique_ptr<EVP_MAC_CTX, MacDeleter> context(EVP_MAC_CTX_new(mac.get()));
  if (!context) return std::nullopt;
  char digest_name[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
                         OSSL_PARAM_construct_end()};
  std::array<unsigned char, digest_bytes> out{};
  std::size_t length = 0;
  if (EVP_MAC_init(context.get(), reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                   params) != 1 ||
      EVP_MAC_update(context.get(), reinterpret_cast<const unsigned char*>(body.data()),
                     body.size()) != 1 ||
      EVP_MAC_update(context.get(), reinterpret_cast<const unsigned char*>(timestamp.data()),
                     timestamp.size()) != 1 ||
      EVP_MAC_final(context.get(), out.data(), &length, out.size()) != 1 ||
      length != digest_bytes) {
    return std::nullopt;
  }
  return out;
}

bool all_digits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text)
    if (c < '0' || c > '9') return false;
  return true;
}

int digits_value(std::string_view text) {
  int value = 0;
  for (char c : text) value = value * 10 + (c - '0');
  return value;
}

// A header value as it may be shown: short, printable, never the key.
std::string shown(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 40)) out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  if (text.size() > 40) out += "...";
  return "\"" + out + "\"";
}

Verification refuse(Verdict verdict, std::string detail) {
  return {verdict, std::move(detail)};
}

}  // namespace

std::string_view verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::ok:
      return "ok";
    case Verdict::missing_header:
      return "missing_header";
    case Verdict::malformed_timestamp:
      return "malformed_timestamp";
    case Verdict::stale_timestamp:
      return "stale_timestamp";
    case Verdict::future_timestamp:
      return "future_timestamp";
    case Verdict::bad_signature:
      return "bad_signature";
    case Verdict::replayed:
      return "replayed";
  }
  return "unknown";
}

std::string Verification::words() const {
  std::string out(verdict_name(verdict));
  if (!detail.empty()) out += ": " + detail;
  return out;
}

// ------------------------------------------------------------ ReplayCache

ReplayCache::ReplayCache(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

bool ReplayCache::first_time(std::string_view signature, Clock::time_point timestamp,
                             Clock::time_point now, std::chrono::seconds window) {
  std::lock_guard lock(mutex_);
  // Forget what the timestamp check already refuses.
  while (!by_timestamp_.empty() && by_timestamp_.begin()->first + window < now) {
    seen_.erase(by_timestamp_.begin()->second);
    by_timestamp_.erase(by_timestamp_.begin());
  }
  std::string key(signature);
  if (seen_.contains(key)) return false;
  while (seen_.size() >= capacity_) {
    seen_.erase(by_timestamp_.begin()->second);
    by_timestamp_.erase(by_timestamp_.begin());
  }
  seen_.insert(key);
  by_timestamp_.emplace(timestamp, std::move(key));
  return true;
}

std::size_t ReplayCache::size() const {
  std::lock_guard lock(mutex_);
  return seen_.size();
}

// --------------------------------------------------------------- verify

std::optional<Clock::time_point> parse_timestamp(std::string_view text) {
  using namespace std::chrono;
  if (all_digits(text)) {
    if (text.size() > 11) return std::nullopt;  // past the year 5000: no real delivery
    return Clock::time_point(seconds(std::stoll(std::string(text))));
  }
  // YYYY-MM-DDTHH:MM:SSZ
  if (text.size() != 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || text[19] != 'Z')
    return std::nullopt;
  for (std::size_t at : {0u, 5u, 8u, 11u, 14u, 17u}) {
    std::size_t width = at == 0 ? 4 : 2;
    if (!all_digits(text.substr(at, width))) return std::nullopt;
  }
  year_month_day date{year(digits_value(text.substr(0, 4))),
                      month(static_cast<unsigned>(digits_value(text.substr(5, 2)))),
                      day(static_cast<unsigned>(digits_value(text.substr(8, 2))))};
  int hour = digits_value(text.substr(11, 2)), minute = digits_value(text.substr(14, 2)),
      second = digits_value(text.substr(17, 2));
  if (!date.ok() || hour > 23 || minute > 59 || second > 59) return std::nullopt;
  return Clock::time_point(sys_days(date)) + hours(hour) + minutes(minute) + seconds(second);
}

Verification verify_bamboohr(std::string_view raw_body, std::optional<std::string_view> signature,
                             std::optional<std::string_view> timestamp,
                             std::string_view private_key, Clock::time_point now, ReplayCache& seen,
                             std::chrono::seconds window) {
  using std::chrono::duration_cast;
  using std::chrono::seconds;
  if (!signature || signature->empty())
    return refuse(Verdict::missing_header, "no X-BambooHR-Signature header");
  if (!timestamp || timestamp->empty())
    return refuse(Verdict::missing_header, "no X-BambooHR-Timestamp header");

  auto sent = parse_timestamp(*timestamp);
  if (!sent) {
    return refuse(Verdict::malformed_timestamp,
                  "X-BambooHR-Timestamp " + shown(*timestamp) +
                      ": expected Unix seconds or an ISO 8601 UTC time (2025-02-18T15:30:00Z)");
  }
  long long age = duration_cast<seconds>(now - *sent).count();
  if (age > window.count()) {
    return refuse(Verdict::stale_timestamp, "X-BambooHR-Timestamp is " + seconds_text(age) +
                                                " old; expected at most " +
                                                seconds_text(window.count()));
  }
  if (-age > window.count()) {
    return refuse(Verdict::future_timestamp, "X-BambooHR-Timestamp is " + seconds_text(-age) +
                                                 " ahead of this host's clock; expected at most " +
                                                 seconds_text(window.count()));
  }

  auto given = decode_signature(*signature);
  if (!given) {
    return refuse(Verdict::bad_signature, "X-BambooHR-Signature of " +
                                              std::to_string(signature->size()) +
                                              " characters; expected 64 hex digits (HMAC-SHA256)");
  }
  if (private_key.empty()) {
    return refuse(Verdict::bad_signature,
                  "no private key configured for this webhook; every delivery is refused");
  }
  auto expected = hmac_sha256(private_key, raw_body, *timestamp);
  if (!expected) return refuse(Verdict::bad_signature, "HMAC-SHA256 unavailable (OpenSSL)");
  if (CRYPTO_memcmp(given->data(), expected->data(), digest_bytes) != 0) {
    return refuse(Verdict::bad_signature,
                  "X-BambooHR-Signature is not the HMAC-SHA256 of the body and timestamp under "
                  "this webhook's private key (another key, or an altered body or timestamp)");
  }
  // Keyed by the digest (lower and upper case hex are one delivery).
  std::string_view digest(reinterpret_cast<const char*>(given->data()), given->size());
  if (!seen.first_time(digest, *sent, now, window)) {
    return refuse(Verdict::replayed, "this signed delivery was already accepted inside the " +
                                         seconds_text(window.count()) + " window");
  }
  return {Verdict::ok, "signature and timestamp valid"};
}

// --------------------------------------------------------------- payload

std::string_view payload_verdict_name(PayloadVerdict verdict) {
  switch (verdict) {
    case PayloadVerdict::employees:
      return "employees";
    case PayloadVerdict::no_employee:
      return "no_employee";
    case PayloadVerdict::malformed:
      return "malformed";
  }
  return "unknown";
}

std::string Payload::words() const {
  std::string out(payload_verdict_name(verdict));
  if (verdict == PayloadVerdict::employees) {
    out += ": " + std::to_string(employee_ids.size()) + " employee(s)";
    if (truncated) out += " (more were named; only the first are listed)";
  }
  if (!event.empty()) out += " (event " + shown(event) + ")";
  if (!detail.empty()) out += ": " + detail;
  return out;
}

namespace {

Payload malformed(std::string detail) {
  Payload payload;
  payload.verdict = PayloadVerdict::malformed;
  payload.detail = std::move(detail);
  return payload;
}

std::string type_name(const json& value) {
  return value.is_null() ? "null" : value.type_name();
}

// The id at `pointer` as text, or an error naming what was found.
std::optional<std::string> read_id(const json& value, const std::string& pointer,
                                   std::string& problem) {
  if (value.is_number_unsigned()) return std::to_string(value.get<std::uint64_t>());
  if (value.is_number_integer() && value.get<std::int64_t>() >= 0)
    return std::to_string(value.get<std::int64_t>());
  if (!value.is_string()) {
    problem = pointer + ": found " + type_name(value) +
              "; expected an employee id (a string or a whole non-negative number)";
    return std::nullopt;
  }
  const auto& text = value.get_ref<const std::string&>();
  if (text.empty() || text.size() > max_employee_id_length) {
    problem = pointer + ": found an id of " + std::to_string(text.size()) +
              " characters; expected 1 to " + std::to_string(max_employee_id_length);
    return std::nullopt;
  }
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) {
      problem = pointer + ": found a control character in the id; expected printable text";
      return std::nullopt;
    }
  }
  return text;
}

void add_id(Payload& payload, std::string id, std::size_t max_ids) {
  for (const auto& known : payload.employee_ids)
    if (known == id) return;
  if (payload.employee_ids.size() >= max_ids) {
    payload.truncated = true;
    return;
  }
  payload.employee_ids.push_back(std::move(id));
}

}  // namespace

Payload parse_bamboohr_payload(std::string_view raw_body, std::size_t max_ids) {
  json body = json::parse(raw_body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) return malformed("the body is not JSON");
  if (!body.is_object()) return malformed("/: found " + type_name(body) + "; expected an object");

  Payload payload;
  std::string problem;
  if (body.contains("type")) {  // an event webhook
    if (!body["type"].is_string())
      return malformed("/type: found " + type_name(body["type"]) + "; expected a string");
    payload.event = body["type"].get<std::string>();
    const bool about_employee = payload.event.rfind("employee.", 0) == 0;
    if (!about_employee) {
      payload.verdict = PayloadVerdict::no_employee;
      return payload;
    }
    if (!body.contains("data") || !body["data"].is_object()) {
      return malformed("/data: found " +
                       (body.contains("data") ? type_name(body["data"]) : "(missing)") +
                       "; expected an object with employeeId");
    }
    const json& data = body["data"];
    if (!data.contains("employeeId"))
      return malformed("/data/employeeId: found (missing); expected the employee's id");
    auto id = read_id(data["employeeId"], "/data/employeeId", problem);
    if (!id) return malformed(problem);
    add_id(payload, std::move(*id), max_ids);
    payload.verdict = PayloadVerdict::employees;
    return payload;
  }
  if (body.contains("employees")) {  // a legacy field webhook
    const json& employees = body["employees"];
    if (!employees.is_array())
      return malformed("/employees: found " + type_name(employees) + "; expected an array");
    for (std::size_t i = 0; i < employees.size(); ++i) {
      std::string pointer = "/employees/" + std::to_string(i);
      const json& entry = employees[i];
      if (!entry.is_object() || !entry.contains("id")) {
        return malformed(
            pointer + ": found " +
            (entry.is_object() ? std::string("an object without id") : type_name(entry)) +
            "; expected an object with the employee's id");
      }
      auto id = read_id(entry["id"], pointer + "/id", problem);
      if (!id) return malformed(problem);
      add_id(payload, std::move(*id), max_ids);
    }
    payload.verdict =
        payload.employee_ids.empty() ? PayloadVerdict::no_employee : PayloadVerdict::employees;
    return payload;
  }
  return malformed(
      "/: found neither \"type\" (an event webhook) nor \"employees\" (a field webhook)");
}

}  // namespace mentoring::serve::webhooks
