// The link repository (issue 17) on every backend: the organisation's signing key, made
// once and read back byte for byte, and the single-use links, each spent once.
#include "backend.hpp"

#include <mentoring/store/link_repository.hpp>
#include <mentoring/store/postgres/link_repository.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <string>

using namespace mentoring::store;
using mentoring::store::testing::RepositoryTest;

namespace {

class LinkRepositories : public RepositoryTest {
 protected:
  std::unique_ptr<LinkRepository> links =
      backend->make<LinkRepository, SqliteLinkRepository, postgres::PostgresLinkRepository>();
};

// Every byte value once, NUL and the high bytes included: what a text column would mangle.
std::string every_byte(unsigned char first) {
  std::string out;
  for (int i = 0; i < 256; ++i) out.push_back(static_cast<char>((first + i) % 256));
  return out;
}

}  // namespace

TEST_P(LinkRepositories, TheKeyIsMadeOnceAndReadBackByteForByte) {
  EXPECT_EQ(links->key(), "");
  const std::string key = every_byte(0);
  EXPECT_EQ(links->key_or_create(key, "2027-01-04T09:00:00Z"), key);
  const std::string read = links->key();
  ASSERT_EQ(read.size(), 256u);
  EXPECT_EQ(read, key);
  EXPECT_EQ(read[0], '\0');
  EXPECT_EQ(static_cast<unsigned char>(read[255]), 0xFF);
}

TEST_P(LinkRepositories, AnExistingKeyIsNeverReplaced) {
  const std::string first = every_byte(7);
  links->key_or_create(first, "2027-01-04T09:00:00Z");
  EXPECT_EQ(links->key_or_create(every_byte(100), "2027-01-05T09:00:00Z"), first);
  EXPECT_EQ(links->key(), first);
}

TEST_P(LinkRepositories, AKeyMadeInARolledBackTransactionWasNeverMade) {
  backend->begin();
  links->key_or_create(every_byte(1), "2027-01-04T09:00:00Z");
  EXPECT_EQ(links->key(), every_byte(1));  // inside the transaction
  backend->rollback();
  EXPECT_EQ(links->key(), "");
  EXPECT_EQ(links->key_or_create(every_byte(2), "2027-01-05T09:00:00Z"), every_byte(2));
}

TEST_P(LinkRepositories, ALinkIsSpentOnceWithWhatItDidAndItsDay) {
  EXPECT_FALSE(links->spent("nonce-1"));
  EXPECT_TRUE(links->spend("nonce-1", "invitation", "accepted", "2027-01-04"));
  EXPECT_FALSE(links->spend("nonce-1", "invitation", "declined", "2027-01-05"));
  auto spent = links->spent("nonce-1");
  ASSERT_TRUE(spent);
  EXPECT_EQ(spent->purpose, "invitation");
  EXPECT_EQ(spent->outcome, "accepted");  // the first spend's, the second changed nothing
  EXPECT_EQ(spent->on, "2027-01-04");

  EXPECT_TRUE(links->spend("nonce-2", "mentor_proposal", "declined", "2027-01-06"));
  EXPECT_EQ(links->spent("nonce-2")->purpose, "mentor_proposal");
  EXPECT_FALSE(links->spent("nonce-3"));
}

TEST_P(LinkRepositories, ASurveysLinkIsSpentWithoutADay) {
  EXPECT_TRUE(links->spend("survey-nonce", "survey", "answered", std::nullopt));
  auto spent = links->spent("survey-nonce");
  ASSERT_TRUE(spent);
  EXPECT_EQ(spent->outcome, "answered");
  EXPECT_FALSE(spent->on);
  EXPECT_FALSE(links->spend("survey-nonce", "survey", "answered", std::nullopt));
}

TEST_P(LinkRepositories, ASpendRolledBackWithWhatTheLinkDidLeavesTheLinkUnused) {
  backend->begin();
  EXPECT_TRUE(links->spend("nonce-1", "invitation", "accepted", "2027-01-04"));
  EXPECT_TRUE(links->spent("nonce-1"));
  backend->rollback();
  EXPECT_FALSE(links->spent("nonce-1"));
  EXPECT_TRUE(links->spend("nonce-1", "invitation", "declined", "2027-01-05"));
  EXPECT_EQ(links->spent("nonce-1")->outcome, "declined");
}

TEST_P(LinkRepositories, APurposeWithoutSingleUseLinksIsRefused) {
  EXPECT_ANY_THROW(links->spend("nonce-1", "pair", "moved", "2027-01-04"));
  EXPECT_FALSE(links->spent("nonce-1"));
}

INSTANTIATE_FOR_EVERY_BACKEND(LinkRepositories);
