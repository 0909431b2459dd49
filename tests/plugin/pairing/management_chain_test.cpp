#include <gtest/gtest.h>

#include <string>

#include <mentoring/domain/management_chain.hpp>

namespace mentoring::domain {
namespace {

std::string person(int i) {
  return "p" + std::to_string(i);
}

TEST(ManagementChainTest, BothDirectionsAndSiblings) {
  // boss <- mid <- a, mid <- b ; other <- c
  ManagementChains chains({{"mid", "boss"}, {"a", "mid"}, {"b", "mid"}, {"c", "other"}});
  EXPECT_TRUE(chains.in_same_chain("a", "boss"));
  EXPECT_TRUE(chains.in_same_chain("boss", "a"));
  EXPECT_TRUE(chains.in_same_chain("a", "mid"));
  EXPECT_FALSE(chains.in_same_chain("a", "b"));  // siblings are not each other's chain
  EXPECT_FALSE(chains.in_same_chain("a", "c"));
  EXPECT_FALSE(chains.in_same_chain("a", "nobody"));
  EXPECT_TRUE(chains.people_on_cycles().empty());
}

TEST(ManagementChainTest, DeepChainIsFollowedToTheTop) {
  constexpr int kDepth = 20000;  // deep enough to break a recursive walk
  std::vector<ManagerLink> links;
  for (int i = 1; i < kDepth; ++i) links.push_back({person(i), person(i - 1)});
  links.push_back({"side", person(kDepth / 2)});
  ManagementChains chains(links);
  EXPECT_TRUE(chains.in_same_chain(person(kDepth - 1), person(0)));
  EXPECT_TRUE(chains.in_same_chain(person(0), person(kDepth - 1)));
  EXPECT_TRUE(chains.in_same_chain("side", person(3)));
  EXPECT_FALSE(chains.in_same_chain("side", person(kDepth - 1)));
}

TEST(ManagementChainTest, CyclesTerminateAndKeepPeopleApart) {
  // a -> b -> c -> a (bad data), d reports into the cycle, e is outside.
  ManagementChains chains({{"a", "b"}, {"b", "c"}, {"c", "a"}, {"d", "a"}, {"e", "f"}});
  EXPECT_TRUE(chains.in_same_chain("a", "c"));
  EXPECT_TRUE(chains.in_same_chain("d", "b"));
  EXPECT_FALSE(chains.in_same_chain("d", "e"));
  const auto cyclic = chains.people_on_cycles();
  EXPECT_EQ(cyclic, (std::vector<std::string>{"a", "b", "c"}));
}

TEST(ManagementChainTest, SelfManagerAndSeveralManagers) {
  ManagementChains chains({{"a", "a"}, {"x", "m1"}, {"x", "m2"}, {"m2", "top"}});
  EXPECT_FALSE(chains.in_same_chain("a", "x"));
  EXPECT_TRUE(chains.in_same_chain("x", "top"));  // through the second manager
  EXPECT_TRUE(chains.in_same_chain("m1", "x"));
}

TEST(ManagementChainTest, LongCycleDoesNotLoop) {
  constexpr int kLength = 5000;
  std::vector<ManagerLink> links;
  for (int i = 0; i < kLength; ++i) links.push_back({person(i), person((i + 1) % kLength)});
  ManagementChains chains(links);
  EXPECT_TRUE(chains.in_same_chain(person(0), person(kLength - 1)));
  EXPECT_TRUE(chains.in_same_chain(person(17), person(4000)));
}

}  // namespace
}  // namespace mentoring::domain
