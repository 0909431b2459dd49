#include "rest_common/rest_client.hpp"

#include <mentoring/schema.hpp>

#include <cctype>

namespace mentoring::adapters::rest {

using nlohmann::json;

std::string_view name_of(Failure failure) {
  switch (failure) {
    case Failure::unreachable:
      return "unreachable";
    case Failure::tls:
      return "tls";
    case Failure::unauthenticated:
      return "unauthenticated";
    case Failure::forbidden:
      return "forbidden";
    case Failure::not_found:
      return "not_found";
    case Failure::rate_limited:
      return "rate_limited";
    case Failure::server_error:
      return "server_error";
    case Failure::bad_request:
      return "bad_request";
    case Failure::bad_response:
      return "bad_response";
  }
  return "unknown";
}

namespace {

mentoring_status status_of(Failure failure) {
  switch (failure) {
    case Failure::unreachable:
    case Failure::tls:
    case Failure::rate_limited:
    case Failure::server_error:
      return MENTORING_ERR_UNAVAILABLE;
    default:
      return MENTORING_ERR_FAILED;
  }
}

// The first characters of a body, on one line, for messages. Bytes that are not
// UTF-8 (or a character cut at the end) become U+FFFD: a message goes into JSON
// answers, which a stray byte would make unwritable (found by tests/fuzz/moodle).
std::string excerpt(const std::string& body, std::size_t length = 80) {
  std::string out;
  std::string_view text = std::string_view(body).substr(0, length);
  while (!text.empty()) {
    std::size_t bad = 0;
    const bool valid = schema::is_valid_utf8(text, &bad);
    for (char c : text.substr(0, valid ? text.size() : bad))
      out.push_back(c == '\n' || c == '\r' || c == '\t' ? ' ' : c);
    if (valid) break;
    out += "\xEF\xBF\xBD";
    text.remove_prefix(bad + 1);
  }
  if (body.size() > length) out += "...";
  return out;
}

bool looks_like_html(const Response& response) {
  std::string type = response.header("content-type");
  if (type.find("html") != std::string::npos) return true;
  auto first = response.body.find_first_not_of(" \t\r\n");
  return first != std::string::npos && response.body[first] == '<';
}

// A path for messages: the query string can be long, and may hold credentials.
std::string path_only(const std::string& path_or_url) {
  return path_or_url.substr(0, path_or_url.find('?'));
}

}  // namespace

RestError::RestError(Failure failure, const std::string& message)
    : mentoring::Error(status_of(failure), message), failure_(failure) {}

std::string Response::header(const std::string& lower_case_name) const {
  if (headers.is_object() && headers.contains(lower_case_name) &&
      headers[lower_case_name].is_string()) {
    return headers[lower_case_name].get<std::string>();
  }
  return {};
}

void apply_http_settings(Endpoint& endpoint, const json& settings) {
  if (!settings.is_object()) return;
  if (settings.contains("tls_verify") && settings["tls_verify"].is_boolean())
    endpoint.tls_verify = settings["tls_verify"].get<bool>();
  if (!settings.contains("http")) return;
  endpoint.max_body_bytes = settings["http"].value("max_body_bytes", endpoint.max_body_bytes);
}

RestClient::RestClient(Transport transport, Endpoint endpoint, SplitTransport split)
    : transport_(std::move(transport)), split_(std::move(split)), endpoint_(std::move(endpoint)) {
  while (!endpoint_.base_url.empty() && endpoint_.base_url.back() == '/')
    endpoint_.base_url.pop_back();
}

Response RestClient::send(const std::string& method, const std::string& path_or_url,
                          const std::string& body,
                          const std::map<std::string, std::string>& headers,
                          const std::string& what) {
  std::string url =
      path_or_url.rfind("http", 0) == 0 ? path_or_url : endpoint_.base_url + path_or_url;
  json request = {{"method", method},
                  {"url", url},
                  {"timeout_ms", endpoint_.timeout_ms},
                  {"max_body_bytes", endpoint_.max_body_bytes},
                  {"label", endpoint_.system + " " + what}};
  json all_headers = json::object();
  for (const auto& [name, value] : endpoint_.headers) all_headers[name] = value;
  for (const auto& [name, value] : headers) all_headers[name] = value;
  request["headers"] = all_headers;
  if (!body.empty()) request["body"] = body;
  if (endpoint_.ca_bundle) request["ca_bundle"] = *endpoint_.ca_bundle;
  if (!endpoint_.tls_verify) request["tls_verify"] = false;
  if (!endpoint_.rate_limit.is_null()) request["rate_limit"] = endpoint_.rate_limit;
  if (!endpoint_.retry.is_null()) request["retry"] = endpoint_.retry;

  std::string answer;
  std::optional<SplitAnswer> split;
  try {
    if (split_) split = split_(request.dump());
    if (!split) answer = transport_(request.dump());
  } catch (const mentoring::Error& e) {
    std::string message = e.what();
    // The host was reached and its answer broke a limit (the body too long).
    if (e.status() == MENTORING_ERR_FAILED) {
      throw RestError(Failure::bad_response, endpoint_.system + ": " + what + " (" + method + " " +
                                                 path_only(path_or_url) + "): " + message);
    }
    bool tls = message.find("TLS") != std::string::npos ||
               message.find("SSL") != std::string::npos ||
               message.find("certificate") != std::string::npos;
    throw RestError(
        tls ? Failure::tls : Failure::unreachable,
        endpoint_.system + ": " + what + " (" + method + " " + path_only(path_or_url) +
            ") could not be sent: " + message +
            (tls ? " — check the server certificate, or give the CA bundle in settings "
                   "(\"ca_bundle\")"
                 : " — check base_url / the domain in settings and that the system is up"));
  }
  json parsed = json::parse(split ? split->head_json : answer, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object() || !parsed.contains("status")) {
    throw RestError(Failure::bad_response,
                    endpoint_.system + ": " + what +
                        ": the host's HTTP service answered something that is not a response");
  }
  Response response;
  response.status = parsed["status"].get<long>();
  response.headers = parsed.value("headers", json::object());
  response.body = split ? std::move(split->body) : parsed.value("body", std::string());
  response.request_id = parsed.value("request_id", std::string());
  return response;
}

RestError RestClient::error_for(const Response& response, const std::string& what) const {
  std::string where = endpoint_.system + ": " + what;
  std::string detail = response.body.empty() ? "" : ": " + excerpt(response.body);
  if (looks_like_html(response)) detail = " (an HTML page: " + excerpt(response.body, 60) + ")";
  std::string status = "HTTP " + std::to_string(response.status);
  switch (response.status) {
    case 401:
      return RestError(Failure::unauthenticated,
                       where + ": " + status + ", the credentials were refused" + detail +
                           " — check the API key / token in the host's secrets");
    case 403:
      return RestError(Failure::forbidden, where + ": " + status +
                                               ", this account is not allowed to do this" + detail +
                                               " — grant the API user the needed access");
    case 404:
      return RestError(Failure::not_found,
                       where + ": " + status + ", not found" + detail +
                           " — check base_url and the company domain in settings");
    case 429:
    case 503: {
      std::string after = response.header("retry-after");
      return RestError(
          Failure::rate_limited,
          where + ": " + status + ", rate limited" +
              (after.empty() ? "" : " (Retry-After " + after + ")") +
              " even after the host's retries — try later, or lower rate_limit in settings");
    }
    default:
      break;
  }
  if (response.status >= 500) {
    return RestError(Failure::server_error, where + ": " + status + ", the system failed" + detail);
  }
  return RestError(Failure::bad_request, where + ": " + status + detail);
}

void RestClient::refuse_html(const Response& response, const std::string& what) const {
  if (looks_like_html(response)) {
    throw RestError(Failure::bad_response,
                    endpoint_.system + ": " + what + ": expected JSON, found an HTML page (\"" +
                        excerpt(response.body, 60) +
                        "\") — is base_url the API's address, not the web UI's?");
  }
}

json RestClient::parse_body(const Response& response, const std::string& what) const {
  refuse_html(response, what);
  json body = json::parse(response.body, nullptr, false);
  if (body.is_discarded()) {
    throw RestError(Failure::bad_response, endpoint_.system + ": " + what +
                                               ": expected JSON, found \"" +
                                               excerpt(response.body, 60) + "\"");
  }
  return body;
}

JsonPage RestClient::get_page(const std::string& path_or_url, const std::string& what) {
  Response response = send("GET", path_or_url, "", {}, what);
  if (response.status < 200 || response.status > 299) throw error_for(response, what);
  refuse_html(response, what);
  std::string shown = excerpt(response.body, 60);
  try {
    return JsonPage(std::move(response.body));
  } catch (const JsonSyntaxError& e) {
    throw RestError(Failure::bad_response, endpoint_.system + ": " + what +
                                               ": expected JSON, found \"" + shown + "\" (" +
                                               e.what() + ")");
  }
}

json RestClient::get_json(const std::string& path_or_url, const std::string& what) {
  return send_json("GET", path_or_url, "", "", what);
}

json RestClient::send_json(const std::string& method, const std::string& path_or_url,
                           const std::string& body, const std::string& content_type,
                           const std::string& what) {
  std::map<std::string, std::string> headers;
  if (!content_type.empty()) headers["Content-Type"] = content_type;
  Response response = send(method, path_or_url, body, headers, what);
  if (response.status < 200 || response.status > 299) throw error_for(response, what);
  return parse_body(response, what);
}

std::string url_encode(const std::string& value) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out.push_back('&');
    out += url_encode(name) + "=" + url_encode(value);
  }
  return out;
}

}  // namespace mentoring::adapters::rest
