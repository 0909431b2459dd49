#include "token_source.hpp"

#include <rest_common/crypto.hpp>

#include <filesystem>
#include <fstream>

namespace mentoring::adapters::orangehrm {

using nlohmann::json;
using rest::Failure;
using rest::RestError;

namespace {

// Tokens are renewed this long before they expire, so a request never
// carries one that dies in flight.
constexpr std::int64_t kExpiryMarginMs = 30'000;

// The rotated refresh token remembers which secret value it descends from:
// when the integrator puts a new refresh token into the secret, that one wins.
std::string seed_of(const std::string& secret_value) {
  return rest::hmac_sha256_hex("orangehrm-refresh-token-seed", secret_value);
}

}  // namespace

TokenSource::TokenSource(rest::RestClient token_endpoint, TokenSettings settings,
                         std::function<std::int64_t()> clock_ms)
    : endpoint_(std::move(token_endpoint)),
      settings_(std::move(settings)),
      now_(std::move(clock_ms)) {
  if (settings_.grant == "refresh_token") {
    current_refresh_token_ = load_rotated_refresh_token();
    if (!current_refresh_token_) current_refresh_token_ = settings_.refresh_token;
  }
}

std::optional<std::string> TokenSource::missing_credentials() const {
  const std::string& system = endpoint_.endpoint().system;
  auto missing = [&](const std::string& name, const std::string& what) {
    return system + ": no " + what + ": the host has no secret named " + name +
           " (set MENTORING_SECRET_" + name + " or add it to the secrets file)";
  };
  if (!settings_.client_secret) return missing(settings_.client_secret_name, "OAuth client secret");
  if (settings_.grant == "refresh_token" && !current_refresh_token_) {
    return missing(settings_.refresh_token_name, "refresh token") +
           "; sign in once through OrangeHRM's /oauth2/authorize and store the refresh token it "
           "gives";
  }
  if (settings_.grant == "password" && !settings_.password)
    return missing(settings_.password_name, "password");
  if (settings_.grant == "password" && !settings_.username) {
    return system + ": grant \"password\" needs \"username\" in settings";
  }
  return std::nullopt;
}

std::string TokenSource::request_body() const {
  std::vector<std::pair<std::string, std::string>> form = {
      {"grant_type", settings_.grant},
      {"client_id", settings_.client_id},
      {"client_secret", *settings_.client_secret}};
  if (settings_.grant == "refresh_token")
    form.emplace_back("refresh_token", *current_refresh_token_);
  if (settings_.grant == "password") {
    form.emplace_back("username", *settings_.username);
    form.emplace_back("password", *settings_.password);
  }
  return rest::form_encode(form);
}

std::string TokenSource::access_token() {
  if (!access_token_.empty() && now_() < expires_at_ms_ - kExpiryMarginMs) return access_token_;
  if (auto missing = missing_credentials()) throw RestError(Failure::unauthenticated, *missing);
  ++requested_;
  rest::Response response = endpoint_.send(
      "POST", "/oauth2/token", request_body(),
      {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}},
      "access token request");
  if (response.status < 200 || response.status > 299) refused(response);
  json body = endpoint_.parse_body(response, "access token request");
  const std::string where = endpoint_.endpoint().system + ": access token request";
  if (!body.is_object() || !body.contains("access_token") || !body["access_token"].is_string()) {
    throw RestError(Failure::bad_response, where + ": the answer has no \"access_token\"");
  }
  access_token_ = body["access_token"].get<std::string>();
  long long lifetime_s = body.contains("expires_in") && body["expires_in"].is_number_integer()
                             ? body["expires_in"].get<long long>()
                             : 3600;
  expires_at_ms_ = now_() + lifetime_s * 1000;
  if (settings_.grant == "refresh_token" && body.contains("refresh_token") &&
      body["refresh_token"].is_string()) {
    keep_rotated_refresh_token(body["refresh_token"].get<std::string>());
  }
  return access_token_;
}

// OAuth errors (RFC 6749 §5.2) as league/oauth2-server writes them:
// {"error": "invalid_client", "error_description": "...", "message": "..."}.
void TokenSource::refused(const rest::Response& response) {
  const std::string where = endpoint_.endpoint().system + ": access token request: HTTP " +
                            std::to_string(response.status);
  json body = json::parse(response.body, nullptr, false);
  std::string code = body.is_object() && body.contains("error") && body["error"].is_string()
                         ? body["error"].get<std::string>()
                         : "";
  if (code == "invalid_client" || (code.empty() && response.status == 401)) {
    throw RestError(
        Failure::unauthenticated,
        where + ", the client credentials were refused (invalid_client) — check \"client_id\" (\"" +
            settings_.client_id + "\") in settings and the client secret in host secret " +
            settings_.client_secret_name);
  }
  // league/oauth2-server refuses a refresh token it cannot use (expired,
  // revoked, already rotated, another client's) with "invalid_request" and
  // 401 in the version OrangeHRM 5 ships, "invalid_grant" and 400 in later
  // ones; OrangeHRM 5.7 answers 500 "server_error" for one it cannot read.
  if (settings_.grant == "refresh_token" && (code == "invalid_grant" || code == "invalid_request" ||
                                             (code == "server_error" && response.status == 500))) {
    throw RestError(
        Failure::unauthenticated,
        where + ", the refresh token was refused (" + code +
            (code == "server_error" ? ": OrangeHRM fails so on a refresh token it cannot read"
                                    : ": expired, revoked or already used") +
            ") — authorise again: sign in through OrangeHRM's /oauth2/authorize with the "
            "OAuth client \"" +
            settings_.client_id + "\" and put the new refresh token into host secret " +
            settings_.refresh_token_name);
  }
  if (code == "invalid_grant" || code == "invalid_credentials") {
    throw RestError(Failure::unauthenticated,
                    where + ", the user credentials were refused (" + code +
                        ") — check \"username\" in settings and host secret " +
                        settings_.password_name);
  }
  if (code == "unsupported_grant_type") {
    throw RestError(
        Failure::unauthenticated,
        where + ", this OrangeHRM does not allow grant \"" + settings_.grant +
            "\" (unsupported_grant_type) — OrangeHRM 5 allows \"refresh_token\" after one "
            "authorization-code sign-in; set \"grant\" in settings accordingly");
  }
  throw endpoint_.error_for(response, "access token request");
}

void TokenSource::keep_rotated_refresh_token(const std::string& token) {
  current_refresh_token_ = token;
  if (settings_.rotated_token_file.empty()) return;
  namespace fs = std::filesystem;
  fs::path file(settings_.rotated_token_file);
  fs::path temporary = file;
  temporary += ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << json{{"seed", seed_of(settings_.refresh_token.value_or(""))}, {"refresh_token", token}}
               .dump();
  }
  std::error_code ignored;
  fs::permissions(temporary, fs::perms::owner_read | fs::perms::owner_write, ignored);
  // rename() replaces the old file in one step: a crash leaves either token, never half of one.
  fs::rename(temporary, file, ignored);
}

std::optional<std::string> TokenSource::load_rotated_refresh_token() const {
  if (settings_.rotated_token_file.empty() || !settings_.refresh_token) return std::nullopt;
  std::ifstream in(settings_.rotated_token_file);
  if (!in) return std::nullopt;
  json stored = json::parse(in, nullptr, false);
  if (!stored.is_object() ||
      stored.value("seed", std::string()) != seed_of(*settings_.refresh_token) ||
      !stored.contains("refresh_token") || !stored["refresh_token"].is_string()) {
    return std::nullopt;
  }
  return stored["refresh_token"].get<std::string>();
}

}  // namespace mentoring::adapters::orangehrm
