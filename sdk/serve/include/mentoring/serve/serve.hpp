// mentoring/serve/serve.hpp — the long-running `mentoring-host serve`: every
// organisation of the host config scheduled, and the HTTP API, in one process.
//
//   TokenService tokens = ...;   // the host's AccessTokens (access_tokens.hpp)
//   return mentoring::serve::serve(std::move(config), modules_dir, tokens);  // exit code
//
// Prints "listening on http(s)://host:port" on stdout once it serves. SIGTERM
// or SIGINT: stops accepting, answers the requests in hand, finishes the
// cycles in hand, returns 0. Call it from the main thread before any other
// thread exists (it blocks those signals for every thread it starts).
#pragma once

#include <mentoring/host/caller.hpp>
#include <mentoring/host/config.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace mentoring::serve {

// The host's tokens (host/access_tokens.hpp), as serve uses them.
struct TokenService {
  std::function<std::optional<host::Caller>(std::string_view bearer_token)> authenticate;
  // token_create: {"role","name","person_id"?} -> {"token","id"}; throws
  // std::invalid_argument for an input it refuses.
  std::function<nlohmann::json(const std::string& organisation, const nlohmann::json& input)>
      create;
  std::function<nlohmann::json(const std::string& organisation)> list;
  std::function<bool(const std::string& organisation, const std::string& id)> revoke;
};

// Throws SettingsError (a config error, exit 3) for settings it cannot use;
// answers the exit code otherwise.
int serve(host::HostConfig config, const std::filesystem::path& default_modules_dir,
          TokenService tokens);

// The host commands' entries of schemas/permissions.json (embedded at build time).
const nlohmann::json& permission_matrix();

}  // namespace mentoring::serve
