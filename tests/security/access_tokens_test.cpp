// API tokens (mentoring/host/access_tokens.hpp): stored only as hashes, one
// organisation and one role each, refused once revoked; and the
// `mentoring-host token` command line that manages them.
#include <mentoring/host/access_tokens.hpp>

#include "../host/demo_copy.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <sys/stat.h>

#include <array>
#include <filesystem>
#include <set>
#include <string>

namespace {

namespace fs = std::filesystem;
using mentoring::host::AccessTokens;
using mentoring::host::Caller;
using mentoring::host::Role;
using mentoring::test::read_file;

class AccessTokensTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "mentoring-tokens-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    state = pattern;
  }
  void TearDown() override { fs::remove_all(state); }

  // Every byte the store keeps: the database and its write-ahead log.
  std::string stored_bytes() const {
    std::string bytes;
    for (const auto& entry : fs::directory_iterator(state)) bytes += read_file(entry.path());
    return bytes;
  }

  fs::path state;
};

std::string sha256_bytes(const std::string& text) {
  std::array<unsigned char, 32> digest{};
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest.data(), &length, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest.data()), length);
}

TEST_F(AccessTokensTest, StoresOnlyTheTokensHashInAFileOnlyItsOwnerReads) {
  AccessTokens tokens(state);
  const auto hr = tokens.create("northwind", Role::hr, "Priya (HR)");
  const auto mentee = tokens.create("northwind", Role::mentee, "Ada", "E1001");

  for (const auto& issued : {hr, mentee}) {
    const std::string random =
        issued.token.substr(issued.token.size() - AccessTokens::kRandomChars);
    const std::string bytes = stored_bytes();
    EXPECT_EQ(bytes.find(issued.token), std::string::npos);
    EXPECT_EQ(bytes.find(random), std::string::npos) << "the token's random part is in the store";
    // What is kept is the digest: the store holds it (and authenticates by it).
    EXPECT_NE(bytes.find(sha256_bytes(issued.token)), std::string::npos);
  }
  for (const auto& entry : fs::directory_iterator(state)) {
    struct stat st {};
    ASSERT_EQ(::stat(entry.path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u) << entry.path();
  }
}

TEST_F(AccessTokensTest, ATokenNamesItsOrganisationAndAuthenticatesAsIt) {
  AccessTokens tokens(state);
  const auto issued = tokens.create("northwind", Role::hr, "Priya (HR)");
  EXPECT_EQ(issued.token.rfind("mtk_northwind_", 0), 0u) << issued.token;
  EXPECT_EQ(issued.token.size(), std::string("mtk_northwind_").size() + AccessTokens::kRandomChars);

  const std::optional<Caller> caller = tokens.authenticate(issued.token);
  ASSERT_TRUE(caller.has_value());
  EXPECT_EQ(caller->organisation, "northwind");
  EXPECT_EQ(caller->role, Role::hr);
  EXPECT_EQ(caller->name, "Priya (HR)");
  EXPECT_EQ(caller->person_id, "");

  // The same random part under another organisation's name is no token at all.
  std::string other = issued.token;
  other.replace(0, std::string("mtk_northwind").size(), "mtk_riverside");
  EXPECT_FALSE(tokens.authenticate(other).has_value());
  // Nor is one character changed.
  std::string changed = issued.token;
  changed.back() = changed.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(tokens.authenticate(changed).has_value());
}

TEST_F(AccessTokensTest, EachOrganisationSeesOnlyItsOwnTokens) {
  AccessTokens tokens(state);
  const auto a = tokens.create("northwind", Role::admin, "North admin");
  const auto b = tokens.create("riverside", Role::admin, "River admin");
  EXPECT_EQ(tokens.authenticate(a.token)->organisation, "northwind");
  EXPECT_EQ(tokens.authenticate(b.token)->organisation, "riverside");

  const auto north = tokens.list("northwind");
  ASSERT_EQ(north.size(), 1u);
  EXPECT_EQ(north[0]["id"], a.id);
  EXPECT_EQ(north[0]["name"], "North admin");
  // Another organisation cannot revoke it, even knowing its id.
  EXPECT_FALSE(tokens.revoke("riverside", a.id));
  EXPECT_TRUE(tokens.authenticate(a.token).has_value());
}

TEST_F(AccessTokensTest, ARevokedTokenIsRefusedAlsoByAnotherProcessesStore) {
  AccessTokens serving(state);  // eg `serve`, open all along
  const auto issued = serving.create("northwind", Role::mentor, "Grace", "E2002");
  ASSERT_TRUE(serving.authenticate(issued.token).has_value());
  EXPECT_EQ(serving.authenticate(issued.token)->person_id, "E2002");

  AccessTokens command_line(state);  // `mentoring-host token revoke`
  EXPECT_TRUE(command_line.revoke("northwind", issued.id));
  EXPECT_FALSE(command_line.revoke("northwind", issued.id)) << "revoked twice";

  EXPECT_FALSE(serving.authenticate(issued.token).has_value());
  EXPECT_FALSE(AccessTokens(state).authenticate(issued.token).has_value());
  const auto rows = serving.list("northwind");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_TRUE(rows[0].contains("revoked"));
}

TEST_F(AccessTokensTest, ListShowsNeitherTokensNorHashes) {
  AccessTokens tokens(state);
  const auto issued = tokens.create("northwind", Role::mentee, "Ada", "E1001");
  const std::string listed = tokens.list("northwind").dump();
  EXPECT_EQ(listed.find(issued.token.substr(issued.token.size() - 20)), std::string::npos);
  EXPECT_EQ(listed.find("sha256"), std::string::npos);
  EXPECT_EQ(listed.find("hash"), std::string::npos);
  const auto row = tokens.list("northwind").at(0);
  EXPECT_EQ(row["role"], "mentee");
  EXPECT_EQ(row["person_id"], "E1001");
  EXPECT_TRUE(row.contains("created"));
}

TEST_F(AccessTokensTest, MentorsAndMenteesNeedAPersonOthersMustNotHaveOne) {
  AccessTokens tokens(state);
  EXPECT_THROW(tokens.create("northwind", Role::mentor, "Grace"), std::invalid_argument);
  EXPECT_THROW(tokens.create("northwind", Role::mentee, "Ada"), std::invalid_argument);
  EXPECT_THROW(tokens.create("northwind", Role::hr, "Priya", "E1001"), std::invalid_argument);
  EXPECT_THROW(tokens.create("northwind", Role::system, "BambooHR webhook", "E1001"),
               std::invalid_argument);
  EXPECT_THROW(tokens.create("North_Wind", Role::hr, "Priya"), std::invalid_argument);
  EXPECT_THROW(tokens.create("northwind", Role::hr, ""), std::invalid_argument);
  EXPECT_THROW(
      tokens.create("northwind", Role::hr, std::string(AccessTokens::kMaxNameLength + 1, 'x')),
      std::invalid_argument);
  EXPECT_TRUE(tokens.list("northwind").empty()) << "a refused token was stored";
}

TEST_F(AccessTokensTest, MalformedBearerTextIsNoCaller) {
  AccessTokens tokens(state);
  tokens.create("northwind", Role::hr, "Priya");
  for (const std::string& bad :
       {std::string(), std::string("mtk_"), std::string("mtk_northwind_"), std::string("Bearer x"),
        std::string("mtk__") + std::string(AccessTokens::kRandomChars, 'A'),
        std::string("mtk_northwind_") + std::string(AccessTokens::kRandomChars, '/'),
        std::string(1 << 20, 'm'), std::string("mtk_northwind_\0", 15) + std::string(42, 'A')}) {
    EXPECT_FALSE(tokens.authenticate(bad).has_value()) << bad.substr(0, 40);
  }
}

TEST_F(AccessTokensTest, TokensIssuedAreAllDifferent) {
  AccessTokens tokens(state);
  std::set<std::string> seen, ids;
  for (int i = 0; i < 50; ++i) {
    const auto issued = tokens.create("northwind", Role::system, "scheduler " + std::to_string(i));
    EXPECT_TRUE(seen.insert(issued.token).second);
    EXPECT_TRUE(ids.insert(issued.id).second);
  }
}

// The command line: prints the token once; list and revoke by id.
class TokenCommandLineTest : public mentoring::test::DemoCopy {
 protected:
  mentoring::test::CommandResult token(const std::string& arguments) const {
    return mentoring::test::run_host("token " + arguments + " --config " + config.string());
  }
};

TEST_F(TokenCommandLineTest, CreateListRevokeAndTheTokenShownOnce) {
  auto created = token("create --org northwind --role hr --name 'Priya (HR)' --json");
  ASSERT_EQ(created.exit_code, 0) << created.output;
  const auto answer = nlohmann::json::parse(created.output);
  const std::string secret = answer.at("token").get<std::string>();
  const std::string id = answer.at("id").get<std::string>();
  EXPECT_EQ(secret.rfind("mtk_northwind_", 0), 0u);

  AccessTokens store(state);
  ASSERT_TRUE(store.authenticate(secret).has_value());
  EXPECT_EQ(store.authenticate(secret)->role, Role::hr);

  auto listed = token("list --org northwind");
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_NE(listed.output.find(id), std::string::npos);
  EXPECT_NE(listed.output.find("Priya (HR)"), std::string::npos);
  EXPECT_EQ(listed.output.find(secret.substr(secret.size() - 20)), std::string::npos);
  auto other = token("list --org riverside --json");
  ASSERT_EQ(other.exit_code, 0) << other.output;
  EXPECT_EQ(nlohmann::json::parse(other.output), nlohmann::json::array());

  auto wrong_org = token("revoke --org riverside --id " + id);
  EXPECT_EQ(wrong_org.exit_code, 2) << wrong_org.output;
  EXPECT_TRUE(store.authenticate(secret).has_value());
  auto revoked = token("revoke --org northwind --id " + id);
  EXPECT_EQ(revoked.exit_code, 0) << revoked.output;
  EXPECT_FALSE(store.authenticate(secret).has_value());
}

TEST_F(TokenCommandLineTest, RefusesAnUnknownOrganisationRoleOrAMissingPerson) {
  auto unknown = token("create --org nowhere --role hr --name x");
  EXPECT_EQ(unknown.exit_code, 2) << unknown.output;
  EXPECT_NE(unknown.output.find("nowhere"), std::string::npos);
  auto role = token("create --org northwind --role boss --name x");
  EXPECT_EQ(role.exit_code, 2) << role.output;
  auto person = token("create --org northwind --role mentee --name Ada");
  EXPECT_EQ(person.exit_code, 2) << person.output;
  EXPECT_NE(person.output.find("--person"), std::string::npos) << person.output;
  if (fs::exists(state / "access-tokens.sqlite")) {
    EXPECT_TRUE(AccessTokens(state).list("northwind").empty()) << "a refused token was stored";
  }
}

}  // namespace
