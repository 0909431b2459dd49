// plugin/links: a token signed under one organisation's key verifies there
// with its claims; a changed claim or signature is forged; another key,
// another organisation, the day after expiry and damaged tokens are refused
// with their own reason. The signature is checked against OpenSSL's EVP_MAC
// (another API than the one the library uses).
#include <mentoring/links/links.hpp>

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <algorithm>
#include <set>
#include <string>

namespace {

using namespace mentoring::links;
using mentoring::domain::ActionTopic;
using mentoring::domain::Date;
using mentoring::domain::parse_date;

Date day(const char* text) {
  return *parse_date(text);
}

Claims claims(Purpose purpose = Purpose::invitation) {
  return {"northwind", purpose, "42", std::string("E1372"), day("2027-02-15"), new_nonce()};
}

std::string base64url_decode(std::string text) {
  for (char& ch : text) {
    if (ch == '-') ch = '+';
    if (ch == '_') ch = '/';
  }
  const std::size_t pad = (4 - text.size() % 4) % 4;
  text.append(pad, '=');
  std::string out(text.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

std::string reference_hmac(const std::string& key, const std::string& data) {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
  char digest_name[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest_name, 0),
                         OSSL_PARAM_construct_end()};
  EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(key.data()), key.size(), params);
  EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  unsigned char out[64];
  std::size_t size = 0;
  EVP_MAC_final(ctx, out, &size, sizeof out);
  EVP_MAC_CTX_free(ctx);
  EVP_MAC_free(mac);
  return std::string(reinterpret_cast<const char*>(out), size);
}

TEST(Links, ASignedTokenVerifiesWithItsClaims) {
  const std::string key = new_key();
  for (auto purpose : {Purpose::invitation, Purpose::mentor_proposal, Purpose::pair}) {
    const Claims c = claims(purpose);
    const auto v = verify(sign(c, key), "northwind", key, day("2027-01-04"));
    ASSERT_FALSE(v.refusal) << to_string(*v.refusal);
    EXPECT_EQ(*v.claims, c);
  }
  // A survey's link names nobody; its subject is the survey token.
  Claims survey{"northwind",  Purpose::survey,   std::string(48, 'a'),
                std::nullopt, day("2027-03-01"), new_nonce()};
  const auto v = verify(sign(survey, key), "northwind", key, day("2027-03-01"));
  ASSERT_TRUE(v.claims);
  EXPECT_FALSE(v.claims->person);
  EXPECT_EQ(v.claims->subject, std::string(48, 'a'));
}

TEST(Links, TheSignatureIsHmacSha256OfTheClaimsPart) {
  const std::string key = new_key();
  const std::string token = sign(claims(), key);
  const auto dot = token.find('.');
  ASSERT_NE(dot, std::string::npos);
  EXPECT_EQ(base64url_decode(token.substr(dot + 1)), reference_hmac(key, token.substr(0, dot)));
}

TEST(Links, TokensUseTheUrlSafeCharactersOnlyAndStayShort) {
  const std::string key = new_key();
  // The longest subject a link carries: a survey token (48 hex digits); long ids too.
  Claims c{std::string(40, 'o'), Purpose::mentor_proposal, std::string(48, 'f'),
           std::string(40, 'p'), day("2099-12-31"),        new_nonce()};
  const std::string token = sign(c, key);
  EXPECT_LE(token.size(), kMaxTokenLength);
  EXPECT_TRUE(std::all_of(token.begin(), token.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '.' || ch == '-';
  })) << token;
  // Every link is new: the nonce differs each time.
  EXPECT_NE(sign(claims(), key), sign(claims(), key));
  std::set<std::string> nonces;
  for (int i = 0; i < 100; ++i) nonces.insert(new_nonce());
  EXPECT_EQ(nonces.size(), 100u);
}

TEST(Links, ClaimsThatCannotBeCarriedAreRefusedWhenSigning) {
  const std::string key = new_key();
  Claims c = claims();
  c.subject = "";
  EXPECT_THROW(sign(c, key), std::invalid_argument);
  c = claims();
  c.person = std::string("E1\x1f") + "x";
  EXPECT_THROW(sign(c, key), std::invalid_argument);
  c = claims();
  c.subject = std::string(400, 's');
  EXPECT_THROW(sign(c, key), std::invalid_argument);  // the token would not fit a link
  EXPECT_THROW(sign(claims(), ""), std::invalid_argument);
}

TEST(Links, AChangedClaimIsForged) {
  const std::string key = new_key();
  const std::string token = sign(claims(), key);
  const auto dot = token.find('.');
  // Another person in the same claims, signed by someone without the key.
  Claims other = claims();
  other.person = std::string("E9999");
  const std::string forged_claims = sign(other, new_key());
  const std::string swapped = forged_claims.substr(0, forged_claims.find('.')) + token.substr(dot);
  EXPECT_EQ(verify(swapped, "northwind", key, day("2027-01-04")).refusal, Refusal::forged);
  // Every single character of the signature changed in turn.
  for (std::size_t i = dot + 1; i < token.size(); ++i) {
    std::string tampered = token;
    tampered[i] = tampered[i] == 'A' ? 'B' : 'A';
    const auto v = verify(tampered, "northwind", key, day("2027-01-04"));
    ASSERT_TRUE(v.refusal) << i;
    EXPECT_TRUE(*v.refusal == Refusal::forged || *v.refusal == Refusal::malformed) << i;
    EXPECT_FALSE(v.claims);
  }
  // A longer expiry written into the claims by hand.
  Claims later = claims();
  later.expires_on = day("2099-01-01");
  const std::string extended = sign(later, "not the key");
  EXPECT_EQ(verify(extended.substr(0, extended.find('.')) + token.substr(dot), "northwind", key,
                   day("2027-01-04"))
                .refusal,
            Refusal::forged);
}

TEST(Links, AnotherKeyIsForgedAndNoKeyVerifiesNothing) {
  const std::string token = sign(claims(), new_key());
  EXPECT_EQ(verify(token, "northwind", new_key(), day("2027-01-04")).refusal, Refusal::forged);
  EXPECT_EQ(verify(token, "northwind", "", day("2027-01-04")).refusal, Refusal::forged);
}

TEST(Links, AnotherOrganisationsLinkIsRefusedAsSuch) {
  const std::string key = new_key();
  const std::string token = sign(claims(), key);
  const auto v = verify(token, "southwind", key, day("2027-01-04"));
  EXPECT_EQ(v.refusal, Refusal::other_organisation);
  EXPECT_FALSE(v.claims);
}

TEST(Links, ALinkWorksUntilItsLastDayAndIsExpiredAfter) {
  const std::string key = new_key();
  const std::string token = sign(claims(), key);  // expires 2027-02-15
  EXPECT_FALSE(verify(token, "northwind", key, day("2027-02-15")).refusal);
  const auto v = verify(token, "northwind", key, day("2027-02-16"));
  EXPECT_EQ(v.refusal, Refusal::expired);
  EXPECT_FALSE(v.claims);
  ASSERT_TRUE(v.unverified);
  EXPECT_EQ(v.unverified->subject, "42");
}

TEST(Links, DamagedTokensAreMalformed) {
  const std::string key = new_key();
  const std::string token = sign(claims(), key);
  const Date today = day("2027-01-04");
  for (const std::string& bad :
       {std::string(), std::string("abc"), token.substr(0, token.find('.')), token + ".x",
        token.substr(0, token.size() / 2), std::string("a+b/c=.abcd"),
        std::string(kMaxTokenLength + 1, 'a'), std::string("....")}) {
    EXPECT_EQ(verify(bad, "northwind", key, today).refusal, Refusal::malformed) << bad;
  }
}

TEST(Links, RefusalsHaveWordsAndValues) {
  std::set<std::string> values, words;
  for (auto r : {Refusal::malformed, Refusal::forged, Refusal::expired, Refusal::used,
                 Refusal::other_organisation, Refusal::withdrawn, Refusal::gone}) {
    values.insert(std::string(to_string(r)));
    words.insert(std::string(describe(r)));
  }
  EXPECT_EQ(values, (std::set<std::string>{"malformed", "forged", "expired", "used",
                                           "other_organisation", "withdrawn", "gone"}));
  EXPECT_EQ(words.size(), 7u);
  for (auto p : {Purpose::invitation, Purpose::mentor_proposal, Purpose::pair, Purpose::survey})
    EXPECT_EQ(purpose_from_string(to_string(p)), p);
  EXPECT_FALSE(purpose_from_string("Invitation"));
  EXPECT_TRUE(single_use(Purpose::invitation));
  EXPECT_TRUE(single_use(Purpose::mentor_proposal));
  EXPECT_TRUE(single_use(Purpose::survey));
  EXPECT_FALSE(single_use(Purpose::pair));
}

TEST(Links, WhichActionCarriesWhichLink) {
  EXPECT_EQ(purpose_for(ActionTopic::invitation), Purpose::invitation);
  EXPECT_EQ(purpose_for(ActionTopic::mentor_invitation), Purpose::invitation);
  EXPECT_EQ(purpose_for(ActionTopic::invitation_reminder), Purpose::invitation);
  EXPECT_EQ(purpose_for(ActionTopic::pair_request), Purpose::mentor_proposal);
  EXPECT_EQ(purpose_for(ActionTopic::paired), Purpose::pair);
  EXPECT_EQ(purpose_for(ActionTopic::pair_overdue), Purpose::pair);
  EXPECT_EQ(purpose_for(ActionTopic::calendar, "pair_session"), Purpose::pair);
  EXPECT_EQ(purpose_for(ActionTopic::calendar, "supervision"), std::nullopt);
  EXPECT_EQ(purpose_for(ActionTopic::evaluation_survey), Purpose::survey);
  EXPECT_EQ(purpose_for(ActionTopic::decision), std::nullopt);  // a task for the manager
  EXPECT_EQ(purpose_for(ActionTopic::withdrawal), std::nullopt);
}

TEST(Links, HowLongEachLinkWorks) {
  EXPECT_EQ(invitation_link_expiry(day("2027-01-25")), day("2027-02-01"));
  EXPECT_EQ(mentor_proposal_link_expiry(day("2027-01-04")), day("2027-02-03"));
  EXPECT_EQ(pair_link_expiry(day("2027-01-04"), day("2027-12-31")), day("2028-01-30"));
  EXPECT_EQ(pair_link_expiry(day("2027-01-04"), std::nullopt), day("2028-01-04"));
  EXPECT_EQ(survey_link_expiry(day("2027-04-01")), day("2027-05-31"));
  EXPECT_NE(default_consent_text("mentee", "P"), default_consent_text("mentor", "P"));
  EXPECT_NE(default_consent_text("mentee", "Return to work").find("Return to work"),
            std::string::npos);
}

}  // namespace
