#include <mentoring/host/access_tokens.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <mutex>

namespace mentoring::host {
namespace {

namespace fs = std::filesystem;

constexpr const char* kFileName = "access-tokens.sqlite";
constexpr int kBusyTimeoutMs = 5000;
constexpr std::size_t kDigestBytes = 32;
constexpr std::size_t kMaxPersonIdLength = 200;
constexpr std::size_t kMaxTokenLength = 4 + 63 + 1 + AccessTokens::kRandomChars;

using Digest = std::array<unsigned char, kDigestBytes>;

bool is_organisation_id(std::string_view text) {
  // org-config.schema.json's "id" pattern: ^[a-z0-9][a-z0-9-]{0,62}$
  if (text.empty() || text.size() > 63) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && !(i > 0 && c == '-')) return false;
  }
  return true;
}

bool is_base64url(std::string_view text) {
  for (char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::vector<unsigned char> random_bytes(std::size_t n) {
  std::vector<unsigned char> bytes(n);
  if (RAND_bytes(bytes.data(), static_cast<int>(n)) != 1)
    throw AccessTokenStoreError("access tokens: the random generator (OpenSSL RAND_bytes) failed");
  return bytes;
}

std::string base64url(const std::vector<unsigned char>& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes.data(),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

std::string hex(const std::vector<unsigned char>& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 0xf];
  }
  return out;
}

Digest sha256(std::string_view text) {
  Digest digest{};
  unsigned int length = 0;
  if (EVP_Digest(text.data(), text.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1 ||
      length != kDigestBytes)
    throw AccessTokenStoreError("access tokens: SHA-256 (OpenSSL EVP) failed");
  return digest;
}

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

// The organisation a well-formed token names, or nullopt.
std::optional<std::string_view> organisation_of(std::string_view token) {
  if (token.size() > kMaxTokenLength) return std::nullopt;
  if (token.substr(0, AccessTokens::kTokenPrefix.size()) != AccessTokens::kTokenPrefix)
    return std::nullopt;
  std::string_view rest = token.substr(AccessTokens::kTokenPrefix.size());
  if (rest.size() < AccessTokens::kRandomChars + 2) return std::nullopt;
  const std::string_view random = rest.substr(rest.size() - AccessTokens::kRandomChars);
  if (!is_base64url(random) || rest[rest.size() - AccessTokens::kRandomChars - 1] != '_')
    return std::nullopt;
  const std::string_view organisation =
      rest.substr(0, rest.size() - AccessTokens::kRandomChars - 1);
  if (!is_organisation_id(organisation)) return std::nullopt;
  return organisation;
}

// Creates the file 0600 before SQLite opens it, so it is never readable by
// others even for a moment; an existing file is set back to 0600.
void create_private_file(const fs::path& file) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    throw AccessTokenStoreError("access tokens: cannot create " + file.string() + ": " +
                                std::strerror(errno));
  const int chmod_result = ::fchmod(fd, 0600);
  const int saved_errno = errno;
  ::close(fd);
  if (chmod_result != 0)
    throw AccessTokenStoreError("access tokens: cannot make " + file.string() +
                                " readable by its owner only: " + std::strerror(saved_errno));
}

}  // namespace

struct AccessTokens::Impl {
  fs::path file;
  mutable std::mutex mutex;
  std::unique_ptr<SQLite::Database> db;
};

AccessTokens::AccessTokens(fs::path state_dir) : impl_(std::make_unique<Impl>()) {
  std::error_code ec;
  fs::create_directories(state_dir, ec);
  if (ec)
    throw AccessTokenStoreError("access tokens: cannot create the state folder " +
                                state_dir.string() + ": " + ec.message());
  impl_->file = state_dir / kFileName;
  create_private_file(impl_->file);
  try {
    impl_->db = std::make_unique<SQLite::Database>(impl_->file.string(), SQLite::OPEN_READWRITE,
                                                   kBusyTimeoutMs);
    impl_->db->exec("PRAGMA journal_mode = WAL");
    impl_->db->exec("PRAGMA synchronous = FULL");
    SQLite::Transaction tx(*impl_->db);
    impl_->db->exec(
        "CREATE TABLE IF NOT EXISTS access_tokens ("
        " id TEXT PRIMARY KEY,"
        " organisation TEXT NOT NULL,"
        " role TEXT NOT NULL,"
        " name TEXT NOT NULL,"
        " person_id TEXT NOT NULL DEFAULT '',"
        " sha256 BLOB NOT NULL UNIQUE,"
        " created TEXT NOT NULL,"
        " revoked TEXT)");
    impl_->db->exec(
        "CREATE INDEX IF NOT EXISTS access_tokens_by_org ON access_tokens(organisation)");
    tx.commit();
  } catch (const SQLite::Exception& e) {
    throw AccessTokenStoreError("access tokens: cannot open " + impl_->file.string() + ": " +
                                e.what());
  }
}

AccessTokens::~AccessTokens() = default;

const fs::path& AccessTokens::file() const noexcept {
  return impl_->file;
}

AccessTokens::Issued AccessTokens::create(const std::string& organisation, Role role,
                                          const std::string& name, const std::string& person_id) {
  if (!is_organisation_id(organisation))
    throw std::invalid_argument(
        "token: organisation \"" + organisation.substr(0, 80) +
        "\" is not an organisation id (expected ^[a-z0-9][a-z0-9-]{0,62}$)");
  if (name.empty() || name.size() > kMaxNameLength)
    throw std::invalid_argument("token: name must be 1 to " + std::to_string(kMaxNameLength) +
                                " characters (found " + std::to_string(name.size()) + ")");
  const bool participant = role == Role::mentor || role == Role::mentee;
  if (participant && person_id.empty())
    throw std::invalid_argument("token: role " + std::string(to_string(role)) +
                                " needs the person it acts as (--person <person id>)");
  if (!participant && !person_id.empty())
    throw std::invalid_argument(
        "token: role " + std::string(to_string(role)) +
        " acts for no one person; a person id is only for mentor and mentee");
  if (person_id.size() > kMaxPersonIdLength)
    throw std::invalid_argument("token: person id longer than " +
                                std::to_string(kMaxPersonIdLength) + " characters");

  Issued issued;
  issued.token =
      std::string(kTokenPrefix) + organisation + "_" + base64url(random_bytes(kRandomBytes));
  issued.id = "tok_" + hex(random_bytes(8));
  const Digest digest = sha256(issued.token);

  std::lock_guard lock(impl_->mutex);
  try {
    SQLite::Transaction tx(*impl_->db);
    SQLite::Statement insert(
        *impl_->db,
        "INSERT INTO access_tokens (id, organisation, role, name, person_id, sha256, created)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, issued.id);
    insert.bind(2, organisation);
    insert.bind(3, std::string(to_string(role)));
    insert.bind(4, name);
    insert.bind(5, person_id);
    insert.bind(6, digest.data(), static_cast<int>(digest.size()));
    insert.bind(7, utc_now());
    insert.exec();
    tx.commit();
  } catch (const SQLite::Exception& e) {
    throw AccessTokenStoreError("access tokens: cannot store a new token in " +
                                impl_->file.string() + ": " + e.what());
  }
  return issued;
}

std::optional<Caller> AccessTokens::authenticate(std::string_view bearer_token) const {
  const std::optional<std::string_view> organisation = organisation_of(bearer_token);
  if (!organisation) return std::nullopt;
  const Digest digest = sha256(bearer_token);

  std::lock_guard lock(impl_->mutex);
  try {
    // Found by its digest (an index over SHA-256 of 32 random bytes: what a
    // lookup's timing could reveal is a digest prefix, of no use to guess a
    // token), then confirmed byte for byte in constant time.
    SQLite::Statement query(*impl_->db,
                            "SELECT organisation, role, name, person_id, sha256 FROM access_tokens"
                            " WHERE sha256 = ? AND revoked IS NULL");
    query.bind(1, digest.data(), static_cast<int>(digest.size()));
    if (!query.executeStep()) return std::nullopt;
    const SQLite::Column stored = query.getColumn(4);
    if (stored.getBytes() != static_cast<int>(kDigestBytes) ||
        CRYPTO_memcmp(stored.getBlob(), digest.data(), kDigestBytes) != 0)
      return std::nullopt;
    const std::string stored_organisation = query.getColumn(0).getString();
    if (stored_organisation != *organisation) return std::nullopt;
    const std::optional<Role> role = role_from_string(query.getColumn(1).getString());
    if (!role) return std::nullopt;
    return Caller{stored_organisation, *role, query.getColumn(3).getString(),
                  query.getColumn(2).getString()};
  } catch (const SQLite::Exception& e) {
    throw AccessTokenStoreError("access tokens: cannot read " + impl_->file.string() + ": " +
                                e.what());
  }
}

nlohmann::json AccessTokens::list(const std::string& organisation) const {
  nlohmann::json rows = nlohmann::json::array();
  std::lock_guard lock(impl_->mutex);
  try {
    SQLite::Statement query(*impl_->db,
                            "SELECT id, role, name, person_id, created, revoked FROM access_tokens"
                            " WHERE organisation = ? ORDER BY created, rowid");
    query.bind(1, organisation);
    while (query.executeStep()) {
      nlohmann::json row{{"id", query.getColumn(0).getString()},
                         {"organisation", organisation},
                         {"role", query.getColumn(1).getString()},
                         {"name", query.getColumn(2).getString()},
                         {"created", query.getColumn(4).getString()}};
      if (const std::string person = query.getColumn(3).getString(); !person.empty())
        row["person_id"] = person;
      if (!query.getColumn(5).isNull()) row["revoked"] = query.getColumn(5).getString();
      rows.push_back(std::move(row));
    }
  } catch (const SQLite::Exception& e) {
    throw AccessTokenStoreError("access tokens: cannot read " + impl_->file.string() + ": " +
                                e.what());
  }
  return rows;
}

bool AccessTokens::revoke(const std::string& organisation, const std::string& id) {
  std::lock_guard lock(impl_->mutex);
  try {
    SQLite::Transaction tx(*impl_->db);
    SQLite::Statement update(*impl_->db,
                             "UPDATE access_tokens SET revoked = ?"
                             " WHERE organisation = ? AND id = ? AND revoked IS NULL");
    update.bind(1, utc_now());
    update.bind(2, organisation);
    update.bind(3, id);
    const int changed = update.exec();
    tx.commit();
    return changed == 1;
  } catch (const SQLite::Exception& e) {
    throw AccessTokenStoreError("access tokens: cannot revoke a token in " + impl_->file.string() +
                                ": " + e.what());
  }
}

}  // namespace mentoring::host
