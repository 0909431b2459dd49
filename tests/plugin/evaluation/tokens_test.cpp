// Survey tokens: our SHA-256 gives the NIST examples' digests and OpenSSL's on
// every length around the block boundaries; tokens are long and never repeat.
#include <mentoring/evaluation/tokens.hpp>

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <random>
#include <set>

namespace ev = mentoring::evaluation;

namespace {

std::string openssl_sha256(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr);
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < size; ++i) {
    out += kDigits[digest[i] >> 4];
    out += kDigits[digest[i] & 0x0F];
  }
  return out;
}

}  // namespace

TEST(SurveyTokens, Sha256GivesTheNistExamples) {
  EXPECT_EQ(ev::sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(ev::sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(ev::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(ev::sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(SurveyTokens, Sha256AgreesWithOpenSslOnEveryLengthUpTo300Bytes) {
  std::mt19937 random(5);
  for (std::size_t length = 0; length <= 300; ++length) {
    std::string bytes(length, '\0');
    for (auto& b : bytes) b = static_cast<char>(random());
    ASSERT_EQ(ev::sha256_hex(bytes), openssl_sha256(bytes)) << "length " << length;
  }
}

TEST(SurveyTokens, TokensAre192RandomBitsThatDoNotRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string token = ev::new_survey_token();
    ASSERT_EQ(token.size(), 48u);
    EXPECT_EQ(token.find_first_not_of("0123456789abcdef"), std::string::npos) << token;
    EXPECT_TRUE(seen.insert(token).second) << "a token came twice";
  }
}
