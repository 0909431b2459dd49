#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
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

// The lazy form (issue 16) answers as the eager one over the same links, on random
// organisations with several managers per person, self-managers, cycles and empty ids, and asks
// for each person's managers at most once.
TEST(ManagementChainTest, LazyAnswersAsEagerOnRandomOrganisations) {
  std::mt19937 random(16);
  auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
  int cyclic_organisations = 0, in_chain_answers = 0;
  for (int round = 0; round < 200; ++round) {
    const int size = 2 + pick(40);
    std::vector<ManagerLink> links;
    for (int p = 0; p < size; ++p) {
      for (int m = pick(3); m > 0; --m) {
        // Mostly someone "above" (a higher number), sometimes anyone: cycles and self-managers.
        const int manager = pick(4) == 0 ? pick(size) : p + 1 + pick(size);
        links.push_back({person(p), pick(30) == 0 ? "" : person(manager)});
      }
    }
    if (pick(10) == 0) links.push_back({"", person(0)});
    std::map<std::string, std::vector<std::string>> managers_of;
    for (const auto& l : links) {
      if (!l.person_id.empty()) managers_of[l.person_id].push_back(l.manager_id);
    }
    std::map<std::string, int> asked;
    ManagementChains eager(links);
    ManagementChains lazy([&](const std::string& id) {
      ++asked[id];
      auto it = managers_of.find(id);
      return it == managers_of.end() ? std::vector<std::string>{} : it->second;
    });
    std::vector<std::string> ids = {"nobody"};
    for (int p = 0; p < 2 * size + 2; ++p) ids.push_back(person(p));
    for (const auto& a : ids) {
      for (const auto& b : ids) {
        const bool answer = eager.in_same_chain(a, b);
        ASSERT_EQ(lazy.in_same_chain(a, b), answer) << a << " " << b << " round " << round;
        in_chain_answers += answer && a != b;
      }
    }
    for (const auto& [id, times] : asked) EXPECT_EQ(times, 1) << id;
    lazy.follow(ids);  // every person: the cycles are the organisation's
    EXPECT_EQ(lazy.people_on_cycles(), eager.people_on_cycles()) << "round " << round;
    cyclic_organisations += !eager.people_on_cycles().empty();
  }
  EXPECT_GT(cyclic_organisations, 50);  // the comparison met cycles
  EXPECT_GT(in_chain_answers, 1000);    // and people in one chain
}

// Lazily, only the chains of the people asked about are read, and the cycles reported are those
// on them (each found whole), not the organisation's elsewhere.
TEST(ManagementChainTest, LazyReadsOnlyTheChainsAskedAbout) {
  std::map<std::string, std::vector<std::string>> managers_of = {
      {"a", {"mid"}}, {"mid", {"boss"}}, {"c1", {"c2"}}, {"c2", {"c3"}}, {"c3", {"c1"}}};
  for (int i = 0; i < 1000; ++i) managers_of[person(i)] = {person(i + 1)};
  managers_of["x"] = {"y"};
  managers_of["y"] = {"x"};  // a cycle nobody asked about
  std::set<std::string> asked;
  ManagementChains lazy([&](const std::string& id) {
    asked.insert(id);
    auto it = managers_of.find(id);
    return it == managers_of.end() ? std::vector<std::string>{} : it->second;
  });
  EXPECT_TRUE(lazy.in_same_chain("a", "boss"));
  EXPECT_FALSE(lazy.in_same_chain("a", "c2"));
  lazy.follow({"c1"});
  EXPECT_EQ(lazy.people_on_cycles(), (std::vector<std::string>{"c1", "c2", "c3"}));
  EXPECT_EQ(asked, (std::set<std::string>{"a", "mid", "boss", "c1", "c2", "c3"}));
}

}  // namespace
}  // namespace mentoring::domain
