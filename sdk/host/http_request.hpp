// The HTTP service's request, as adapters describe it in JSON (see abi.h), and
// the redaction of credentials from anything the host logs or reports about it.
//
//   {"method": "GET", "url": "https://api.example/v1/x", "headers": {...}, "body": "...",
//    "timeout_ms": 30000, "connect_timeout_ms": 10000, "total_timeout_ms": 120000,
//    "ca_bundle": "/etc/ssl/certs/ca-certificates.crt", "tls_verify": true,
//    "retry": {"max_attempts": 4, "base_delay_ms": 200, "max_delay_ms": 5000,
//              "max_retry_after_ms": 60000, "idempotent": true},
//    "rate_limit": {"key": "northwind/hr", "per_second": 5, "burst": 10},
//    "label": "bamboohr people page 3", "max_body_bytes": 67108864, "stall_timeout_ms": 30000}
//
// Everything but "url" is optional; defaults are the values above, except that
// POST and PATCH are not idempotent unless the request says so, and
// stall_timeout_ms defaults to timeout_ms. timeout_ms bounds each attempt's
// whole transfer (a body that never ends is cut there); stall_timeout_ms ends
// one that moves less than a byte a second for that long; a body longer than
// max_body_bytes is stopped as it arrives (limit http.max_body_bytes).
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>

namespace mentoring::host {

struct RetryPolicy {
  int max_attempts = 4;  // including the first one
  long base_delay_ms = 200;
  long max_delay_ms = 5000;
  long max_retry_after_ms = 60000;  // a longer Retry-After is cut to this
  bool idempotent = true;           // false: retried only when the server certainly did nothing
};

struct RateLimit {
  std::string key;  // one budget per key, eg "<organisation>/<adapter>"
  double per_second = 0;
  double burst = 1;
};

// A response body longer than this is not read on (64 MiB): adapters pass
// their setting http.max_body_bytes to change it.
constexpr long long kDefaultMaxBodyBytes = 64LL * 1024 * 1024;

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::map<std::string, std::string> headers;
  std::string body;
  long timeout_ms = 30000;
  long connect_timeout_ms = 10000;
  long total_timeout_ms = 120000;  // all attempts and waits together
  std::optional<std::string> ca_bundle;
  // false turns certificate and host name checks off: allowed by the runtime
  // only for an organisation one of whose adapters' settings say "tls_verify": false.
  bool tls_verify = true;
  RetryPolicy retry;
  std::optional<RateLimit> rate_limit;
  std::string label;  // for logs, eg "bamboohr people page 3"
  long long max_body_bytes = kDefaultMaxBodyBytes;
  std::optional<long> stall_timeout_ms;  // nullopt: timeout_ms
};

// Parses and checks a request; throws std::invalid_argument naming the field.
HttpRequest parse_http_request(const std::string& request_json);

// The URL with basic-auth userinfo and credential-like query parameters
// (token, wstoken, access_token, api_key, key, password, client_secret, ...)
// replaced by "***".
std::string redact_url(const std::string& url);

// The credential values a request carries (Authorization and API-key headers,
// decoded basic-auth user and password, userinfo, credential query
// parameters), so the host can redact them wherever they appear later.
std::vector<std::string> credentials_in(const HttpRequest& request);

}  // namespace mentoring::host
