#include "http_request.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>
#include <string_view>

namespace mentoring::host {

namespace {

using nlohmann::json;

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

[[noreturn]] void bad(const std::string& field, const std::string& expected, const json& found) {
  throw std::invalid_argument("http request: \"" + field + "\": found " + found.dump() +
                              "; expected " + expected);
}

long positive_ms(const json& object, const std::string& field, long fallback,
                 const std::string& prefix = "") {
  if (!object.contains(field)) return fallback;
  const json& value = object[field];
  if (!value.is_number_integer() || value.get<long long>() < 0) {
    bad(prefix + field, "a whole number of milliseconds, 0 or more", value);
  }
  return static_cast<long>(value.get<long long>());
}

// Query parameter names whose values are credentials, compared in lower case.
bool is_credential_name(std::string_view name) {
  static constexpr std::array<std::string_view, 14> names = {
      "token",    "wstoken",       "access_token", "refresh_token", "api_key",
      "apikey",   "key",           "password",     "client_secret", "secret",
      "id_token", "private_token", "auth",         "signature"};
  return std::find(names.begin(), names.end(), name) != names.end();
}

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

std::string base64_decode(std::string_view text) {
  std::string out;
  int bits = 0;
  unsigned buffer = 0;
  for (char c : text) {
    int v = base64_value(c);
    if (v < 0) continue;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

std::string percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() &&
        std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(text[i] == '+' ? ' ' : text[i]);
    }
  }
  return out;
}

// Calls visit(name, value_begin, value_length) for each query parameter of url.
template <class Visit>
void for_each_query_parameter(const std::string& url, Visit visit) {
  auto question = url.find('?');
  if (question == std::string::npos) return;
  auto end = url.find('#', question);
  if (end == std::string::npos) end = url.size();
  std::size_t at = question + 1;
  while (at < end) {
    auto amp = url.find('&', at);
    if (amp == std::string::npos || amp > end) amp = end;
    auto eq = url.find('=', at);
    if (eq != std::string::npos && eq < amp) {
      visit(lower(percent_decode(url.substr(at, eq - at))), eq + 1, amp - eq - 1);
    }
    at = amp + 1;
  }
}

// [begin, end) of the userinfo in scheme://userinfo@host/..., or nullopt.
std::optional<std::pair<std::size_t, std::size_t>> userinfo_span(const std::string& url) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return std::nullopt;
  std::size_t begin = scheme + 3;
  std::size_t authority_end = url.find_first_of("/?#", begin);
  if (authority_end == std::string::npos) authority_end = url.size();
  auto at = url.rfind('@', authority_end);
  if (at == std::string::npos || at < begin) return std::nullopt;
  return std::pair{begin, at};
}

}  // namespace

HttpRequest parse_http_request(const std::string& request_json) {
  json doc;
  try {
    doc = json::parse(request_json);
  } catch (const json::exception& e) {
    throw std::invalid_argument(std::string("http request: not JSON: ") + e.what());
  }
  if (!doc.is_object()) bad("(request)", "an object", doc);
  HttpRequest request;
  if (!doc.contains("url") || !doc["url"].is_string()) {
    bad("url", "an http:// or https:// URL", doc.value("url", json("(missing)")));
  }
  request.url = doc["url"];
  std::string scheme = lower(request.url.substr(0, request.url.find("://")));
  if (scheme != "http" && scheme != "https")
    bad("url", "an http:// or https:// URL", redact_url(request.url));
  if (doc.contains("method")) {
    if (!doc["method"].is_string() || doc["method"].get<std::string>().empty()) {
      bad("method", "a method name such as \"GET\"", doc["method"]);
    }
    request.method = doc["method"];
    for (auto& c : request.method)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  if (doc.contains("headers")) {
    if (!doc["headers"].is_object()) bad("headers", "an object of strings", doc["headers"]);
    for (const auto& [name, value] : doc["headers"].items()) {
      request.headers[name] = value.is_string() ? value.get<std::string>() : value.dump();
    }
  }
  if (doc.contains("body")) {
    if (!doc["body"].is_string())
      bad("body", "a string", json("(" + std::string(doc["body"].type_name()) + ")"));
    request.body = doc["body"];
  }
  request.timeout_ms = positive_ms(doc, "timeout_ms", request.timeout_ms);
  request.connect_timeout_ms = positive_ms(
      doc, "connect_timeout_ms", std::min(request.connect_timeout_ms, request.timeout_ms));
  request.total_timeout_ms =
      positive_ms(doc, "total_timeout_ms", std::max(request.total_timeout_ms, request.timeout_ms));
  if (doc.contains("tls_verify")) {
    if (!doc["tls_verify"].is_boolean()) bad("tls_verify", "true or false", doc["tls_verify"]);
    request.tls_verify = doc["tls_verify"].get<bool>();
  }
  if (doc.contains("ca_bundle")) {
    if (!doc["ca_bundle"].is_string()) bad("ca_bundle", "a file path", doc["ca_bundle"]);
    request.ca_bundle = doc["ca_bundle"].get<std::string>();
  }
  request.retry.idempotent = request.method != "POST" && request.method != "PATCH";
  if (doc.contains("retry")) {
    const json& retry = doc["retry"];
    if (!retry.is_object()) bad("retry", "an object", retry);
    if (retry.contains("max_attempts")) {
      if (!retry["max_attempts"].is_number_integer() || retry["max_attempts"].get<int>() < 1 ||
          retry["max_attempts"].get<int>() > 20) {
        bad("retry/max_attempts", "a whole number from 1 to 20", retry["max_attempts"]);
      }
      request.retry.max_attempts = retry["max_attempts"];
    }
    request.retry.base_delay_ms =
        positive_ms(retry, "base_delay_ms", request.retry.base_delay_ms, "retry/");
    request.retry.max_delay_ms =
        positive_ms(retry, "max_delay_ms", request.retry.max_delay_ms, "retry/");
    request.retry.max_retry_after_ms =
        positive_ms(retry, "max_retry_after_ms", request.retry.max_retry_after_ms, "retry/");
    if (retry.contains("idempotent")) {
      if (!retry["idempotent"].is_boolean())
        bad("retry/idempotent", "true or false", retry["idempotent"]);
      request.retry.idempotent = retry["idempotent"];
    }
  }
  if (doc.contains("rate_limit") && !doc["rate_limit"].is_null()) {
    const json& rate = doc["rate_limit"];
    if (!rate.is_object() || !rate.contains("key") || !rate["key"].is_string()) {
      bad("rate_limit", "{\"key\": string, \"per_second\": number, \"burst\": number}", rate);
    }
    RateLimit limit;
    limit.key = rate["key"];
    if (!rate.contains("per_second") || !rate["per_second"].is_number() ||
        rate["per_second"].get<double>() <= 0) {
      bad("rate_limit/per_second", "a number above 0", rate.value("per_second", json("(missing)")));
    }
    limit.per_second = rate["per_second"];
    if (rate.contains("burst")) {
      if (!rate["burst"].is_number() || rate["burst"].get<double>() < 1) {
        bad("rate_limit/burst", "a number, 1 or more", rate["burst"]);
      }
      limit.burst = rate["burst"];
    }
    request.rate_limit = limit;
  }
  if (doc.contains("label") && doc["label"].is_string()) request.label = doc["label"];
  if (doc.contains("max_body_bytes")) {
    const json& limit = doc["max_body_bytes"];
    if (!limit.is_number_integer() || limit.get<long long>() < 1)
      bad("max_body_bytes", "a whole number of bytes, 1 or more", limit);
    request.max_body_bytes = limit.get<long long>();
  }
  if (doc.contains("stall_timeout_ms"))
    request.stall_timeout_ms = positive_ms(doc, "stall_timeout_ms", request.timeout_ms);
  return request;
}

std::string redact_url(const std::string& url) {
  std::string out = url;
  // Query values first (positions are from the original URL, replaced from the back).
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  for_each_query_parameter(url,
                           [&](const std::string& name, std::size_t begin, std::size_t length) {
                             if (is_credential_name(name) && length > 0)
                               spans.emplace_back(begin, length);
                           });
  for (auto it = spans.rbegin(); it != spans.rend(); ++it)
    out.replace(it->first, it->second, "***");
  if (auto span = userinfo_span(out)) out.replace(span->first, span->second - span->first, "***");
  return out;
}

std::vector<std::string> credentials_in(const HttpRequest& request) {
  std::vector<std::string> found;
  for (const auto& [name, value] : request.headers) {
    std::string key = lower(name);
    if (key == "authorization" || key == "proxy-authorization") {
      auto space = value.find(' ');
      std::string scheme = lower(value.substr(0, space));
      std::string credential = space == std::string::npos ? value : value.substr(space + 1);
      found.push_back(credential);
      if (scheme == "basic") {
        std::string decoded = base64_decode(credential);
        auto colon = decoded.find(':');
        found.push_back(decoded.substr(0, colon));
        if (colon != std::string::npos) found.push_back(decoded.substr(colon + 1));
      }
    } else if (key.find("api-key") != std::string::npos ||
               key.find("apikey") != std::string::npos || key.find("token") != std::string::npos ||
               key == "cookie") {
      found.push_back(value);
    }
  }
  if (auto span = userinfo_span(request.url)) {
    std::string userinfo =
        percent_decode(request.url.substr(span->first, span->second - span->first));
    auto colon = userinfo.find(':');
    found.push_back(userinfo.substr(0, colon));
    if (colon != std::string::npos) found.push_back(userinfo.substr(colon + 1));
  }
  for_each_query_parameter(request.url,
                           [&](const std::string& name, std::size_t begin, std::size_t length) {
                             if (is_credential_name(name) && length > 0) {
                               found.push_back(request.url.substr(begin, length));
                               found.push_back(percent_decode(request.url.substr(begin, length)));
                             }
                           });
  std::erase_if(found, [](const std::string& value) { return value.empty(); });
  return found;
}

}  // namespace mentoring::host
