#include <mentoring/serve/server.hpp>

#include <mentoring/host/org_lock.hpp>
#include <mentoring/host/runtime.hpp>
#include <mentoring/loader.hpp>
#include <mentoring/schema.hpp>

#include "guarded_server.hpp"
#include "pages/pages.hpp"

#include <openssl/err.h>
#include <spdlog/spdlog.h>

#include <cstring>
#include <regex>

namespace mentoring::serve {

using json = nlohmann::json;

namespace {

const std::regex kCommandPath(
    R"(^/v1/orgs/([a-z0-9][a-z0-9-]{0,62})/commands/([A-Za-z0-9_-]{1,64})$)");
const std::regex kWebhookPath(
    R"(^/v1/orgs/([a-z0-9][a-z0-9-]{0,62})/webhooks/([a-z0-9][a-z0-9-]{0,63})$)");
constexpr const char* kCommandRoute = "/v1/orgs/{org}/commands/{command}";
constexpr const char* kWebhookRoute = "/v1/orgs/{org}/webhooks/{adapter}";
constexpr std::size_t kMaxTokenBytes = 512;
constexpr int kBusyRetryAfterSeconds = 5;

// A route template for metrics: never the path itself, which a caller chooses.
std::string route_of(const std::string& path) {
  if (path == "/healthz" || path == "/readyz" || path == "/metrics") return path;
  if (std::regex_match(path, kCommandPath)) return kCommandRoute;
  if (std::regex_match(path, kWebhookPath)) return kWebhookRoute;
  // Pages: the template only, never a link's token.
  if (path.rfind("/l/", 0) == 0) return "/l/{org}/{token}";
  if (path.rfind("/hr/", 0) == 0) return "/hr/{org}/...";
  return "other";
}

void answer(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void refuse(httplib::Response& res, int status, const std::string& message) {
  answer(res, status, json{{"error", message}});
}

std::string status_words(int status) {
  switch (status) {
    case 400:
      return "bad request: the request line, headers or body could not be read";
    case 413:
      return "request body larger than the limit (serve.max_body_bytes)";
    case 414:
      return "request URI too long";
    case 416:
      return "range not satisfiable";
    default:
      return "HTTP " + std::to_string(status);
  }
}

// Answered before the body was read: the connection cannot carry another request.
void close_after(httplib::Response& res) {
  detail::close_after_this_request();
  res.set_header("Connection", "close");
}

// The caller authenticated by the pre-routing handler, for the handler on the same thread.
thread_local std::optional<host::Caller> authenticated;

std::optional<std::string> bearer_token(const httplib::Request& req) {
  if (!req.has_header("Authorization")) return std::nullopt;
  const std::string value = req.get_header_value("Authorization");
  constexpr std::string_view kScheme = "Bearer ";
  if (value.size() <= kScheme.size() || value.size() > kScheme.size() + kMaxTokenBytes) return {};
  if (value.compare(0, kScheme.size(), kScheme) != 0) return std::nullopt;
  return value.substr(kScheme.size());
}

}  // namespace

struct ApiServer::Impl {
  ServeSettings settings;
  Metrics& metrics;
  ApiHandlers handlers;
  SSL_CTX* ssl_context = nullptr;
  std::unique_ptr<detail::GuardedServer> server;

  Impl(const ServeSettings& s, Metrics& m, ApiHandlers h)
      : settings(s), metrics(m), handlers(std::move(h)) {}
  ~Impl() {
    server.reset();
    if (ssl_context) SSL_CTX_free(ssl_context);
  }

  void make_tls() {
    ssl_context = SSL_CTX_new(TLS_server_method());
    if (!ssl_context) throw SettingsError("TLS: cannot create an OpenSSL context");
    SSL_CTX_set_min_proto_version(ssl_context, TLS1_2_VERSION);
    SSL_CTX_set_mode(ssl_context, SSL_MODE_ENABLE_PARTIAL_WRITE);
    if (SSL_CTX_use_certificate_chain_file(ssl_context,
                                           settings.tls->certificate.string().c_str()) != 1) {
      ERR_clear_error();
      throw SettingsError("serve/tls/certificate: " + settings.tls->certificate.string() +
                          ": not a PEM certificate chain OpenSSL can read");
    }
    // The key's words never reach a message: only its path.
    if (SSL_CTX_use_PrivateKey_file(ssl_context, settings.tls->private_key.string().c_str(),
                                    SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ssl_context) != 1) {
      ERR_clear_error();
      throw SettingsError("serve/tls/private_key: " + settings.tls->private_key.string() +
                          ": not a PEM private key matching the certificate");
    }
  }

  httplib::Server::HandlerResponse pre_route(const httplib::Request& req, httplib::Response& res) {
    using R = httplib::Server::HandlerResponse;
    authenticated.reset();
    std::smatch m;
    const bool is_command = std::regex_match(req.path, m, kCommandPath);
    const bool is_webhook = !is_command && std::regex_match(req.path, kWebhookPath);
    if (!is_command && !is_webhook) return R::Unhandled;
    if (req.method != "POST") {
      res.set_header("Allow", "POST");
      refuse(res, 405, req.path + ": only POST");
      return R::Handled;
    }
    // Refused before the body is read: the connection closes after the answer.
    if (req.has_header("Transfer-Encoding")) {
      close_after(res);
      refuse(res, 411, "a request body needs a Content-Length (no chunked transfer)");
      return R::Handled;
    }
    if (req.has_header("Content-Length")) {
      const std::string length = req.get_header_value("Content-Length");
      const bool too_long = length.size() > 19 ||
                            length.find_first_not_of("0123456789") != std::string::npos ||
                            std::stoull(length.empty() ? "0" : length) > settings.max_body_bytes;
      if (too_long) {
        close_after(res);
        refuse(res, 413,
               "request body: Content-Length " + length.substr(0, 24) + "; expected at most " +
                   std::to_string(settings.max_body_bytes) + " bytes");
        return R::Handled;
      }
    }
    if (!is_command) return R::Unhandled;
    auto token = bearer_token(req);
    std::optional<host::Caller> caller;
    if (token && !token->empty()) caller = handlers.authenticate(*token);
    if (!caller) {
      close_after(res);
      res.set_header("WWW-Authenticate", "Bearer");
      refuse(res, 401,
             token ? "the bearer token is unknown or revoked"
                   : "an Authorization: Bearer <token> header is required");
      return R::Handled;
    }
    // Another organisation's token learns nothing: not even that the organisation exists.
    if (caller->organisation != m[1].str()) {
      close_after(res);
      refuse(res, 404, "no organisation \"" + m[1].str() + "\"");
      return R::Handled;
    }
    authenticated = std::move(caller);
    return R::Unhandled;
  }

  void command(const httplib::Request& req, httplib::Response& res) {
    if (!authenticated) {  // not reached: pre_route answered
      refuse(res, 401, "not authenticated");
      return;
    }
    const host::Caller caller = *authenticated;
    const std::string command = req.matches[2].str();
    json input;
    try {
      input = req.body.empty() ? json::object() : schema::parse(req.body, "request body");
    } catch (const schema::ValidationError& e) {
      refuse(res, 400, std::string("the body is not valid JSON: ") + e.what());
      return;
    }
    if (!input.is_object()) {
      refuse(res, 400,
             "request body: found " + std::string(input.type_name()) +
                 "; expected a JSON object (the command's input)");
      return;
    }
    try {
      answer(res, 200, handlers.command(caller, command, input));
    } catch (const host::CommandInputError& e) {
      refuse(res, 400, e.what());
    } catch (const host::PermissionError& e) {
      refuse(res, 403, e.what());
    } catch (const host::NotFoundError& e) {
      refuse(res, 404, e.what());
    } catch (const host::BusyError& e) {
      res.set_header("Retry-After", std::to_string(kBusyRetryAfterSeconds));
      refuse(res, 503, e.what());
    } catch (const host::CallError& e) {
      if (e.status() == MENTORING_ERR_UNKNOWN_COMMAND) {
        refuse(res, 404, "no command \"" + command + "\"");
      } else if (e.status() == MENTORING_ERR_FORBIDDEN) {
        refuse(res, 403, e.what());
      } else if (e.status() == MENTORING_ERR_NOT_FOUND) {
        refuse(res, 404, e.what());
      } else {
        internal_error(res, caller.organisation, command, e.what());
      }
    } catch (const std::invalid_argument& e) {
      refuse(res, 404, e.what());
    } catch (const std::exception& e) {
      internal_error(res, caller.organisation, command, e.what());
    }
  }

  // Details go to the log (already redacted by the runtime); the answer names none.
  static void internal_error(httplib::Response& res, const std::string& organisation,
                             const std::string& command, const std::string& what) {
    spdlog::get("mentoring")
        ->error("[{}] serve: command {} failed: {}", organisation, command, what);
    refuse(res, 500, "command " + command + " failed inside the host; the host's log says why");
  }

  void webhook(const httplib::Request& req, httplib::Response& res) {
    WebhookRequest hook{req.matches[1].str(), req.matches[2].str(), {}, req.body};
    for (const auto& [name, value] : req.headers) {
      std::string lower = name;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      hook.headers.emplace(std::move(lower), value);
    }
    WebhookAnswer a =
        handlers.webhook ? handlers.webhook(hook) : WebhookAnswer{404, "no webhooks are served"};
    if (a.status == 202) {
      answer(res, 202, json{{"status", "accepted"}, {"organisation", hook.organisation}});
    } else {
      refuse(res, a.status, a.error);
    }
  }

  void routes() {
    auto& s = *server;
    s.set_pre_routing_handler([this](const auto& req, auto& res) { return pre_route(req, res); });
    s.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
      answer(res, 200, json{{"status", "ok"}});
    });
    s.Get("/readyz", [this](const httplib::Request&, httplib::Response& res) {
      const bool ready = handlers.ready && handlers.ready();
      answer(res, ready ? 200 : 503, json{{"status", ready ? "ready" : "shutting down"}});
    });
    s.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(metrics.render(), "text/plain; version=0.0.4; charset=utf-8");
    });
    s.Post(R"(/v1/orgs/([a-z0-9][a-z0-9-]{0,62})/commands/([A-Za-z0-9_-]{1,64}))",
           [this](const httplib::Request& req, httplib::Response& res) { command(req, res); });
    s.Post(R"(/v1/orgs/([a-z0-9][a-z0-9-]{0,62})/webhooks/([a-z0-9][a-z0-9-]{0,63}))",
           [this](const httplib::Request& req, httplib::Response& res) { webhook(req, res); });
    const pages::PageContext page_context{settings, handlers};
    pages::register_participant_pages(s, page_context);
    pages::register_hr_pages(s, page_context);
    s.set_error_handler(httplib::Server::HandlerWithResponse(
        [](const httplib::Request& req, httplib::Response& res) {
          if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
          std::string words = status_words(res.status);
          if (res.status == 404) words = "no route " + req.method + " " + req.path.substr(0, 200);
          refuse(res, res.status, words);
          return httplib::Server::HandlerResponse::Handled;
        }));
    s.set_exception_handler(
        [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
          refuse(res, 500, "internal error; the host's log says why");
        });
    s.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
      const std::chrono::duration<double> took =
          std::chrono::steady_clock::now() - detail::request_started();
      metrics.request(route_of(req.path), res.status, took.count());
    });
  }
};

ApiServer::ApiServer(const ServeSettings& settings, Metrics& metrics, ApiHandlers handlers)
    : impl_(std::make_unique<Impl>(settings, metrics, std::move(handlers))) {
  if (settings.tls) impl_->make_tls();
  detail::ConnectionLimits limits;
  limits.request_timeout =
      std::chrono::milliseconds(static_cast<long long>(settings.request_timeout_seconds * 1000));
  limits.idle_timeout = std::min(limits.request_timeout, std::chrono::milliseconds(5000));
  limits.max_body_bytes = settings.max_body_bytes;
  limits.waiting = std::make_shared<std::atomic<std::size_t>>(0);
  impl_->server = std::make_unique<detail::GuardedServer>(limits, impl_->ssl_context);
  const int threads = settings.threads;
  impl_->server->new_task_queue = [threads, waiting = limits.waiting] {
    return new detail::BoundedTaskQueue(threads, static_cast<std::size_t>(threads) * 4, waiting);
  };
  impl_->routes();
}

ApiServer::~ApiServer() = default;

int ApiServer::bind() {
  auto& s = *impl_->server;
  int port = impl_->settings.port;
  if (port == 0) {
    port = s.bind_to_any_port(impl_->settings.host);
  } else if (!s.bind_to_port(impl_->settings.host, port)) {
    port = -1;
  }
  if (port <= 0) {
    throw std::runtime_error("cannot listen on " + impl_->settings.host + ":" +
                             std::to_string(impl_->settings.port) + ": " + std::strerror(errno));
  }
  return port;
}

void ApiServer::listen() {
  impl_->server->listen_after_bind();
}
void ApiServer::stop() {
  impl_->server->stop();
}
bool ApiServer::tls() const {
  return impl_->ssl_context != nullptr;
}
bool ApiServer::running() const {
  return impl_->server->is_running();
}

}  // namespace mentoring::serve
