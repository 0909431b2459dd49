// mentoring/serve/server.hpp — the HTTP API of `mentoring-host serve`
// (README "Serve"; schemas/openapi.json describes it).
//
//   POST /v1/orgs/{org}/commands/{command}   Authorization: Bearer <token>; body: the input
//   POST /v1/orgs/{org}/webhooks/{adapter}   a host system's signed webhook -> 202
//   GET  /healthz  /readyz  /metrics
//
// The role comes from the token only; a token of another organisation gets
// 404, as an unknown organisation does. What the routes do is injected
// (ApiHandlers), so the server is tested without a runtime.
//
// Threading: handlers are called on the server's threads, several at once.
#pragma once

#include <mentoring/host/caller.hpp>
#include <mentoring/serve/metrics.hpp>
#include <mentoring/serve/settings.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace mentoring::serve {

struct WebhookRequest {
  std::string organisation, adapter;
  std::multimap<std::string, std::string> headers;  // names in lower case
  std::string body;
};

struct WebhookAnswer {
  int status = 202;   // 202 accepted, 401 refused (signature, timestamp, replay), 404 unknown
  std::string error;  // for a refusal: what was wrong (never the secret or signature)
};

struct ApiHandlers {
  // nullopt: no such token (unknown, revoked, malformed).
  std::function<std::optional<host::Caller>(std::string_view bearer_token)> authenticate;
  // Runs a command for the caller in caller.organisation; throws as
  // host::Runtime::command_as does (CommandInputError, PermissionError,
  // NotFoundError, BusyError, std::invalid_argument, CallError, ...).
  std::function<nlohmann::json(const host::Caller&, const std::string& command,
                               const nlohmann::json& input)>
      command;
  std::function<WebhookAnswer(const WebhookRequest&)> webhook;
  // Config and modules loaded, not shutting down.
  std::function<bool()> ready;
  // The time for the HR pages' sessions (8 h at most, 30 min idle); unset: the
  // system clock. Tests move it.
  std::function<std::chrono::system_clock::time_point()> now;
};

class ApiServer {
 public:
  // Throws SettingsError when the TLS files cannot be used.
  ApiServer(const ServeSettings& settings, Metrics& metrics, ApiHandlers handlers);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Binds the listen address; answers the port (the one taken when 0 was asked).
  // Throws std::runtime_error when it cannot.
  int bind();
  // Serves until stop(); in-flight requests are answered before it returns.
  void listen();
  // Stops accepting; listen() returns once the requests in hand are answered.
  void stop();
  bool tls() const;
  // True once listen() accepts connections (stop() before then would be lost).
  bool running() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mentoring::serve
