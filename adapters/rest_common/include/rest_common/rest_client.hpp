// rest_common/rest_client.hpp — JSON requests to a host system's REST API over
// the host's HTTP service, with the failures named the way an integrator
// needs them: which system, which request, what went wrong, what to fix.
//
//   rest::RestClient api(transport, {.system = "BambooHR (acme)", .base_url =
//   "https://acme.bamboohr.com",
//                                    .headers = {{"Accept", "application/json"}}});
//   nlohmann::json page = api.get_json("/api/v1/employees?page[limit]=250", "people page 1");
//
// Retries, Retry-After, timeouts, TLS and the rate budget are the host's job
// (mentoring.http/1); this class only builds requests and reads answers.
#pragma once

#include <mentoring/json_page.hpp>
#include <mentoring/module.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>

namespace mentoring::adapters::rest {

using schema::JsonPage;
using schema::JsonSyntaxError;
using schema::JsonValue;

// Sends one request JSON (abi.h) and returns the response JSON; throws
// mentoring::Error on a transport failure. In a module: Host::http.
using Transport = std::function<std::string(const std::string& request_json)>;
// The host's mentoring.http/2: the JSON head and the raw body apart; nullopt
// when the host does not offer it (the Transport is used then).
struct SplitAnswer {
  std::string head_json;
  std::string body;
};
using SplitTransport = std::function<std::optional<SplitAnswer>(const std::string& request_json)>;

enum class Failure {
  unreachable,      // DNS, connection refused, timeout
  tls,              // certificate or handshake
  unauthenticated,  // 401, or the system's own "invalid token" error
  forbidden,        // 403, or a missing permission / capability
  not_found,        // 404
  rate_limited,     // 429 / 503 still after the host's retries
  server_error,     // 5xx
  bad_request,      // other 4xx
  bad_response,     // not JSON (eg an HTML error page), or the wrong shape
};
std::string_view name_of(Failure failure);

// A request that failed as a whole. status(): MENTORING_ERR_UNAVAILABLE for
// unreachable/tls/rate_limited/server_error, MENTORING_ERR_FAILED otherwise.
class RestError : public mentoring::Error {
 public:
  RestError(Failure failure, const std::string& message);
  Failure failure() const noexcept { return failure_; }

 private:
  Failure failure_;
};

struct Response {
  long status = 0;
  nlohmann::json headers = nlohmann::json::object();  // names in lower case
  std::string body;
  std::string request_id;  // the host's id for this request, eg "http#12"
  std::string header(const std::string& lower_case_name) const;
};

// http.max_body_bytes when the settings do not say: 64 MiB.
constexpr long long kDefaultMaxBodyBytes = 64LL * 1024 * 1024;

struct Endpoint {
  std::string system;                          // for messages, eg "BambooHR (acme)"
  std::string base_url;                        // without a trailing slash
  std::map<std::string, std::string> headers;  // sent with every request (eg Authorization)
  long timeout_ms = 30000;
  std::optional<std::string> ca_bundle;
  // Settings "tls_verify": false (never the default): the host checks no
  // certificate for this system, and warns of it every cycle.
  bool tls_verify = true;
  nlohmann::json rate_limit;  // null or {"key","per_second","burst"} (see the HTTP service)
  nlohmann::json retry;       // null or the HTTP service's retry object
  // The longest response body read (the host stops the transfer beyond it):
  // the adapter's setting http.max_body_bytes.
  long long max_body_bytes = kDefaultMaxBodyBytes;
};

// The adapter's settings' "http": {"max_body_bytes": n} and "tls_verify" into the endpoint.
void apply_http_settings(Endpoint& endpoint, const nlohmann::json& settings);

class RestClient {
 public:
  // split: the host's mentoring.http/2 when it offers it (a large page then
  // crosses the ABI as raw bytes); empty: transport only.
  RestClient(Transport transport, Endpoint endpoint, SplitTransport split = {});

  const Endpoint& endpoint() const noexcept { return endpoint_; }
  void set_header(const std::string& name, const std::string& value) {
    endpoint_.headers[name] = value;
  }

  // One request; path_or_url is appended to base_url unless it starts with
  // "http". Throws RestError(unreachable|tls) on a transport failure only.
  Response send(const std::string& method, const std::string& path_or_url, const std::string& body,
                const std::map<std::string, std::string>& headers, const std::string& what);

  // Sends and returns the parsed JSON body of a 2xx answer; any other status,
  // or a body that is not JSON, is a RestError naming the request.
  nlohmann::json get_json(const std::string& path_or_url, const std::string& what);
  // get_json for a large page of records: read into a JsonPage, without a
  // DOM. The same failures as get_json.
  JsonPage get_page(const std::string& path_or_url, const std::string& what);
  nlohmann::json send_json(const std::string& method, const std::string& path_or_url,
                           const std::string& body, const std::string& content_type,
                           const std::string& what);

  // The RestError for a non-2xx response (exposed for adapters with their own
  // error formats, which check those first).
  RestError error_for(const Response& response, const std::string& what) const;
  // Parses a 2xx body as JSON, or throws RestError(bad_response) naming an HTML page.
  nlohmann::json parse_body(const Response& response, const std::string& what) const;

 private:
  // Throws RestError(bad_response) when a 2xx answer is an HTML page.
  void refuse_html(const Response& response, const std::string& what) const;
  Transport transport_;
  SplitTransport split_;
  Endpoint endpoint_;
};

// "?a=1&b=x%20y" pieces: percent-encoding of one query or form value (RFC 3986 unreserved kept).
std::string url_encode(const std::string& value);
// "a=1&b=2" from ordered pairs, values encoded.
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace mentoring::adapters::rest
