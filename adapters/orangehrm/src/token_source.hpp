// OAuth 2 access tokens for OrangeHRM's API, from POST <base_url>/oauth2/token.
//
// OrangeHRM 5 enables the authorization_code and refresh_token grants: an
// integrator signs in once, and the adapter lives on the refresh token. The
// OAuth server (league/oauth2-server) rotates refresh tokens: each refresh
// returns a new one and revokes the old, so the newest is kept in the
// organisation's storage folder, or the next restart would hold a dead token.
// client_credentials and password are offered for servers that enable them.
#pragma once

#include <rest_common/rest_client.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace mentoring::adapters::orangehrm {

struct TokenSettings {
  std::string grant;  // refresh_token | client_credentials | password
  std::string client_id;
  std::optional<std::string> client_secret;
  std::optional<std::string> refresh_token;  // the one from the host secret
  std::optional<std::string> username, password;
  // Names of the host secrets, for messages that say what to fix.
  std::string client_secret_name, refresh_token_name, password_name;
  std::string rotated_token_file;  // "" keeps a rotated refresh token in memory only
};

class TokenSource {
 public:
  // clock_ms: milliseconds that move during a run (the host's elapsed time,
  // mentoring.clock/2); token lifetimes are measured with it.
  TokenSource(rest::RestClient token_endpoint, TokenSettings settings,
              std::function<std::int64_t()> clock_ms);

  // Why no token can be asked for (a missing secret), or nullopt.
  std::optional<std::string> missing_credentials() const;
  // A valid access token: the cached one, or a new one when it is missing or
  // about to expire. Throws rest::RestError (unauthenticated with what to fix).
  std::string access_token();
  // Forgets the cached token (the API refused it: revoked or expired early).
  void invalidate() { access_token_.clear(); }
  int tokens_requested() const { return requested_; }

 private:
  std::string request_body() const;
  [[noreturn]] void refused(const rest::Response& response);
  void keep_rotated_refresh_token(const std::string& token);
  std::optional<std::string> load_rotated_refresh_token() const;

  rest::RestClient endpoint_;
  TokenSettings settings_;
  std::function<std::int64_t()> now_;
  std::string access_token_;
  std::int64_t expires_at_ms_ = 0;
  std::optional<std::string> current_refresh_token_;
  int requested_ = 0;
};

}  // namespace mentoring::adapters::orangehrm
