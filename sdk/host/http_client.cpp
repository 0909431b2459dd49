#include "http_client.hpp"

#include "http_request.hpp"
#include "retry_policy.hpp"
#include "secrets.hpp"

#include <curl/curl.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <strings.h>
#include <chrono>
#include <mutex>

namespace mentoring::host {

namespace {

using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// More handles than this are not kept idle; they are cleaned up on release.
constexpr std::size_t kMaxIdleHandles = 8;

// Where a response body goes, read no further than its limit: a host that
// sends more (or never stops) costs limit bytes, never the whole body.
struct BodySink {
  std::string* body;
  long long limit;
  bool exceeded = false;
};

size_t append_body(char* data, size_t size, size_t count, void* user) {
  auto& sink = *static_cast<BodySink*>(user);
  const size_t n = size * count;
  if (static_cast<long long>(sink.body->size() + n) > sink.limit) {
    sink.exceeded = true;
    return 0;  // anything but n makes curl stop with CURLE_WRITE_ERROR
  }
  sink.body->append(data, n);
  return n;
}

void trim(std::string& s) {
  s.erase(0, s.find_first_not_of(" \t"));
  s.erase(s.find_last_not_of(" \t\r\n") + 1);
}

// Response headers, bounded like the body: a host that sends headers forever
// is stopped after kMaxHeaderBytes.
constexpr std::size_t kMaxHeaderBytes = 1024 * 1024;

struct HeaderSink {
  json* headers;
  std::size_t bytes = 0;
  bool exceeded = false;
};

size_t append_header(char* data, size_t size, size_t count, void* user) {
  auto& sink = *static_cast<HeaderSink*>(user);
  sink.bytes += size * count;
  if (sink.bytes > kMaxHeaderBytes) {
    sink.exceeded = true;
    return 0;
  }
  auto& headers = *sink.headers;
  std::string line(data, size * count);
  // A new status line (after a 100 Continue or an interim response) starts afresh.
  if (line.rfind("HTTP/", 0) == 0) {
    headers = json::object();
    return size * count;
  }
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::string value = line.substr(colon + 1);
    trim(name);
    trim(value);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    // Repeated headers (eg Link) are joined as RFC 9110 allows.
    if (headers.contains(name)) {
      headers[name] = headers[name].get<std::string>() + ", " + value;
    } else {
      headers[name] = value;
    }
  }
  return size * count;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<std::atomic<bool>*>(user)->load() ? 1 : 0;
}

// Failures where the request certainly never reached the server's application.
bool nothing_was_sent(CURLcode code) {
  return code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST ||
         code == CURLE_COULDNT_RESOLVE_PROXY;
}

// Failures worth another attempt: the network, not the request, went wrong.
bool is_transient(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

// A short name for the kind of transport failure, so adapters and integrators
// can tell a TLS problem from an unreachable host.
std::string failure_kind(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
      return "host name not found";
    case CURLE_COULDNT_CONNECT:
      return "connection refused or unreachable";
    case CURLE_OPERATION_TIMEDOUT:
      return "timed out";
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
      return "TLS failure";
    case CURLE_ABORTED_BY_CALLBACK:
      return "cancelled";
    default:
      return "transport failure";
  }
}

long long now_unix_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

long elapsed_ms(SteadyClock::time_point since) {
  return static_cast<long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - since).count());
}

HttpLimitError limit_failure(const HttpError& error) {
  return HttpLimitError(error.what());
}

}  // namespace

struct HttpClient::Attempt {
  CURLcode code = CURLE_OK;
  std::string error;  // curl's detailed message when code != CURLE_OK
  // Set when the answer broke a limit (the body or the headers too long): the
  // message; such an answer is not retried, it would break it again.
  std::string limit_broken;
  long status = 0;
  json headers = json::object();
  std::string body;
};

HttpClient::HttpClient(Secrets& secrets, std::shared_ptr<spdlog::logger> logger)
    : secrets_(secrets), logger_(std::move(logger)), random_(std::random_device{}()) {
  global_init_once();
}

HttpClient::~HttpClient() {
  for (void* handle : idle_handles_) curl_easy_cleanup(static_cast<CURL*>(handle));
}

void HttpClient::cancel() {
  {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
  }
  wake_.notify_all();
}

void HttpClient::resume() {
  cancelled_ = false;
}

void* HttpClient::acquire_handle() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_handles_.empty()) {
      void* handle = idle_handles_.back();
      idle_handles_.pop_back();
      return handle;
    }
  }
  CURL* handle = curl_easy_init();
  if (handle == nullptr)
    throw HttpError("http: libcurl could not create a handle (out of memory?)");
  return handle;
}

void HttpClient::release_handle(void* handle) {
  std::lock_guard lock(mutex_);
  if (idle_handles_.size() < kMaxIdleHandles) {
    idle_handles_.push_back(handle);
  } else {
    curl_easy_cleanup(static_cast<CURL*>(handle));
  }
}

bool HttpClient::wait(std::chrono::milliseconds duration) {
  if (duration.count() <= 0) return !cancelled_;
  std::unique_lock lock(mutex_);
  return !wake_.wait_for(lock, duration, [this] { return cancelled_.load(); });
}

HttpClient::Attempt HttpClient::attempt_once(void* raw, const HttpRequest& request,
                                             long timeout_ms) {
  CURL* curl = static_cast<CURL*>(raw);
  // Reset keeps the handle's live connections, so the next request reuses them.
  curl_easy_reset(curl);
  Attempt attempt;
  char error_buffer[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  if (request.method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT" ||
      request.method == "PATCH") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  }
  // The whole transfer, body included: a body that never ends is cut here.
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  // A transfer that moves less than a byte a second for the stall time ends too.
  long stall_ms = std::min(request.stall_timeout_ms.value_or(timeout_ms), timeout_ms);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, std::max(1L, stall_ms / 1000));
  // A Content-Length above the limit fails before the body is read; a chunked
  // body is stopped by append_body.
  curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE,
                   static_cast<curl_off_t>(request.max_body_bytes));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   std::min(request.connect_timeout_ms, timeout_ms));
  // TLS verification on unless the request says otherwise (the runtime allows
  // that only for an adapter set "tls_verify": false, and warns every cycle): a
  // host with a private CA gives its bundle instead.
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, request.tls_verify ? 1L : 0L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, request.tls_verify ? 2L : 0L);
  if (request.ca_bundle) curl_easy_setopt(curl, CURLOPT_CAINFO, request.ca_bundle->c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &on_progress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &cancelled_);

  struct curl_slist* headers = nullptr;
  bool has_expect = false;
  for (const auto& [name, value] : request.headers) {
    headers = curl_slist_append(headers, (name + ": " + value).c_str());
    if (strcasecmp(name.c_str(), "Expect") == 0) has_expect = true;
  }
  // No "Expect: 100-continue" round trip for bodies we already hold.
  if (!has_expect) headers = curl_slist_append(headers, "Expect:");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  BodySink body_sink{&attempt.body, request.max_body_bytes};
  HeaderSink header_sink{&attempt.headers};
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &append_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body_sink);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &append_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &header_sink);

  attempt.code = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  const std::string limit = "limit http.max_body_bytes = " + std::to_string(request.max_body_bytes);
  if (body_sink.exceeded) {
    attempt.limit_broken = limit + ": found a longer body (stopped after " +
                           std::to_string(attempt.body.size()) +
                           " bytes; raise the adapter's setting http.max_body_bytes, or ask "
                           "for smaller pages)";
  } else if (attempt.code == CURLE_FILESIZE_EXCEEDED) {
    // The announced length, as the host sent it (curl stops before storing it).
    const std::string announced = attempt.headers.value("content-length", std::string());
    attempt.limit_broken =
        limit + ": found " +
        (!announced.empty() && announced.size() <= 20 ? "Content-Length " + announced
                                                      : std::string("a longer body")) +
        " (nothing read; raise the adapter's setting http.max_body_bytes, or ask for smaller "
        "pages)";
  } else if (header_sink.exceeded) {
    attempt.limit_broken = "limit http.max_header_bytes = " + std::to_string(kMaxHeaderBytes) +
                           ": found more response headers (stopped after " +
                           std::to_string(header_sink.bytes) + " bytes)";
  }
  if (!attempt.limit_broken.empty()) {
    // Nothing of the answer is handed on: the body is cut, not whole.
    std::string().swap(attempt.body);
    return attempt;
  }
  if (attempt.code != CURLE_OK) {
    attempt.error = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(attempt.code);
    return attempt;
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &attempt.status);
  return attempt;
}

std::string HttpClient::perform(const std::string& request_json, bool allow_tls_off) {
  SplitAnswer answer = perform_split(request_json, allow_tls_off);
  json response = json::parse(answer.head_json);
  response["body"] = std::move(answer.body);
  return response.dump(-1, ' ', false, json::error_handler_t::replace);
}

HttpClient::SplitAnswer HttpClient::perform_split(const std::string& request_json,
                                                  bool allow_tls_off) {
  HttpRequest request = parse_http_request(request_json);
  if (!request.tls_verify && !allow_tls_off) {
    throw std::invalid_argument(
        "http: request field tls_verify: found false; expected true: TLS verification may be "
        "turned off only by an adapter's settings (\"tls_verify\": false)");
  }
  // Credentials this request carries are redacted from now on, wherever they appear.
  for (const auto& credential : credentials_in(request)) secrets_.remember(credential);

  const std::string id = "http#" + std::to_string(next_id_++);
  const std::string what = id + (request.label.empty() ? "" : " (" + request.label + ")") + " " +
                           request.method + " " + secrets_.redact(redact_url(request.url));
  auto fail = [&](const std::string& why) -> HttpError {
    std::string message = secrets_.redact(what + ": " + why);
    logger_->warn("{}", message);
    return HttpError(message);
  };
  if (cancelled_) throw fail("cancelled before it started");

  const auto started = SteadyClock::now();
  const auto deadline = started + std::chrono::milliseconds(request.total_timeout_ms);
  auto remaining_ms = [&] {
    return static_cast<long>(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now())
            .count());
  };

  void* handle = acquire_handle();
  struct Release {
    HttpClient* self;
    void* handle;
    ~Release() { self->release_handle(handle); }
  } release{this, handle};

  Attempt attempt;
  int attempt_number = 0;
  while (true) {
    ++attempt_number;
    if (request.rate_limit) {
      auto budget_wait = budget_.reserve(*request.rate_limit);
      if (budget_wait.count() > 0) {
        logger_->debug("{}: rate budget \"{}\": waiting {} ms", what, request.rate_limit->key,
                       budget_wait.count());
        if (budget_wait.count() > remaining_ms()) {
          throw fail("the rate budget \"" + request.rate_limit->key +
                     "\" allows no request within the total timeout of " +
                     std::to_string(request.total_timeout_ms) + " ms");
        }
        if (!wait(budget_wait)) throw fail("cancelled");
      }
    }
    long timeout = std::min(request.timeout_ms, remaining_ms());
    if (timeout <= 0)
      throw fail("total timeout of " + std::to_string(request.total_timeout_ms) + " ms spent");
    attempt = attempt_once(handle, request, timeout);

    bool last = attempt_number >= request.retry.max_attempts;
    std::chrono::milliseconds delay{0};
    std::string reason;
    if (!attempt.limit_broken.empty()) throw limit_failure(fail(attempt.limit_broken));
    if (attempt.code != CURLE_OK) {
      if (attempt.code == CURLE_ABORTED_BY_CALLBACK) throw fail("cancelled");
      bool retry = is_transient(attempt.code) &&
                   (request.retry.idempotent || nothing_was_sent(attempt.code));
      std::string failure = failure_kind(attempt.code) + ": " + attempt.error;
      if (!retry || last) {
        throw fail(failure + " (attempt " + std::to_string(attempt_number) + " of " +
                   std::to_string(request.retry.max_attempts) + ")");
      }
      reason = failure;
      delay = backoff_delay(request.retry, attempt_number, random_);
    } else if (is_throttled(attempt.status) && !last) {
      std::optional<std::chrono::milliseconds> asked;
      if (attempt.headers.contains("retry-after")) {
        asked = parse_retry_after(attempt.headers["retry-after"].get<std::string>(), now_unix_s());
      }
      delay = asked ? std::min(*asked, std::chrono::milliseconds(request.retry.max_retry_after_ms))
                    : backoff_delay(request.retry, attempt_number, random_);
      reason =
          "HTTP " + std::to_string(attempt.status) +
          (asked ? " with Retry-After " + attempt.headers["retry-after"].get<std::string>() : "");
    } else if (is_server_failure(attempt.status) && request.retry.idempotent && !last) {
      delay = backoff_delay(request.retry, attempt_number, random_);
      reason = "HTTP " + std::to_string(attempt.status);
    } else {
      break;  // an answer to hand back (success or a final error status)
    }
    if (delay.count() >= remaining_ms()) {
      if (attempt.code != CURLE_OK)
        throw fail(reason + "; no time left to retry within the total timeout");
      break;  // hand back the throttled / failed answer; the adapter reports it
    }
    logger_->info("{}: {}; attempt {} of {} in {} ms", what, secrets_.redact(reason),
                  attempt_number + 1, request.retry.max_attempts, delay.count());
    if (!wait(delay)) throw fail("cancelled");
  }

  logger_->debug("{} -> {} in {} ms ({} attempt{})", what, attempt.status, elapsed_ms(started),
                 attempt_number, attempt_number == 1 ? "" : "s");
  // An error answer is read for its message, and adapters cut that to a short
  // excerpt: a host that echoes the credential would have its start printed
  // past any later redaction. Redacted here, before anyone cuts it.
  if (attempt.status < 200 || attempt.status > 299) attempt.body = secrets_.redact(attempt.body);
  json head = {{"status", attempt.status},
               {"headers", std::move(attempt.headers)},
               {"attempts", attempt_number},
               {"request_id", id}};
  return {head.dump(-1, ' ', false, json::error_handler_t::replace), std::move(attempt.body)};
}

}  // namespace mentoring::host
