// mentoring/host/access_tokens.hpp — per-organisation API tokens for people and
// systems, each scoped to one organisation and one role.
//
//   mentoring::host::AccessTokens tokens(config.state_dir);
//   auto issued = tokens.create("northwind", Role::hr, "Priya (HR)");
//   // issued.token is shown once and never stored
//   std::optional<Caller> caller = tokens.authenticate(bearer);
//
// A token reads `mtk_<organisation>_<43 base64url characters: 32 random bytes>`,
// so the organisation it belongs to is known before any lookup. Only the token's
// SHA-256 digest is stored (<state_dir>/access-tokens.sqlite, mode 0600), found
// by its digest and confirmed with a constant-time comparison; a revoked token
// stays listed (with when it was revoked) and never authenticates again.
//
// Threading: thread-safe (one SQLite connection behind a mutex). Several
// processes may share the file (`serve` authenticating while the command line
// creates or revokes a token): every call reads the file as it is now.
#pragma once

#include <mentoring/host/caller.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace mentoring::host {

// The token store's file could not be opened, created or written.
class AccessTokenStoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class AccessTokens {
 public:
  // state_dir: the host config's state folder (created when missing).
  // Throws AccessTokenStoreError when the file cannot be opened or created.
  explicit AccessTokens(std::filesystem::path state_dir);
  ~AccessTokens();
  AccessTokens(const AccessTokens&) = delete;
  AccessTokens& operator=(const AccessTokens&) = delete;

  struct Issued {
    std::string token;  // shown ONCE, never stored
    std::string id;     // names the token in list / revoke; not a secret
  };

  // person_id is required for mentor and mentee (the person they are) and
  // refused for the other roles. Throws std::invalid_argument for an
  // organisation id that is not one (org-config's pattern), an empty or
  // over-long name, or a person_id missing or not wanted.
  Issued create(const std::string& organisation, Role role, const std::string& name,
                const std::string& person_id = "");

  // The caller the token stands for; nullopt for a malformed, unknown or
  // revoked token. Never throws for a bad token (AccessTokenStoreError only
  // when the file cannot be read).
  std::optional<Caller> authenticate(std::string_view bearer_token) const;

  // [{"id","organisation","role","name","person_id"?,"created","revoked"?}],
  // oldest first; never a hash or a token.
  nlohmann::json list(const std::string& organisation) const;

  // True when an active token of that organisation with that id is now
  // revoked; false when there is none (unknown, another organisation's, or
  // already revoked).
  bool revoke(const std::string& organisation, const std::string& id);

  // The store's file, eg for `token list` to say where it looked.
  const std::filesystem::path& file() const noexcept;

  static constexpr std::string_view kTokenPrefix = "mtk_";
  static constexpr std::size_t kRandomBytes = 32;
  static constexpr std::size_t kRandomChars = 43;  // base64url of 32 bytes, no padding
  static constexpr std::size_t kMaxNameLength = 200;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mentoring::host
