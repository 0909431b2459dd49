// The organisation config read once into domain::OrgPolicy: every policy the
// plugin reads, with the schema's documented defaults.
#include <mentoring/domain/org_policy.hpp>
#include <mentoring/sync/codec.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using json = nlohmann::json;
using mentoring::sync::org_policy_from_json;

TEST(OrgPolicy, DefaultsAreTheSchemasDocumentedDefaults) {
  const auto policy = org_policy_from_json({{"id", "acme"}, {"modules", {{"enrolment", true}}}});
  EXPECT_TRUE(policy.modules.enrolment);
  for (const char* off : {"training", "pairing", "supervision", "evaluation", "return_to_work"})
    EXPECT_FALSE(policy.modules.on(off)) << off;
  EXPECT_FALSE(policy.modules.on("no_such_module"));
  EXPECT_EQ(policy.evaluation_min_group_size, 5);
  EXPECT_DOUBLE_EQ(policy.sync.absent_share_limit, 0.2);
  EXPECT_EQ(policy.sync.max_pages_per_stream, 100000);
  EXPECT_EQ(policy.delivery.retry_after_minutes, 15);
  EXPECT_EQ(policy.delivery.max_attempts, 6);
  EXPECT_EQ(policy.timezone, "Europe/London");
  EXPECT_FALSE(policy.programme_manager_email);
}

TEST(OrgPolicy, EveryPolicyIsRead) {
  const json config = {
      {"modules", {{"enrolment", true}, {"supervision", true}, {"return_to_work", true}}},
      {"policy",
       {{"evaluation_min_group_size", 7},
        {"absent_share_limit", 0.5},
        {"sync", {{"max_pages_per_stream", 40}}},
        {"delivery", {{"retry_after_minutes", 30}, {"max_attempts", 3}}},
        {"timezone", "Europe/Berlin"},
        {"programme_manager_email", "pm@acme.example"}}}};
  const auto policy = org_policy_from_json(config);
  EXPECT_TRUE(policy.modules.on("supervision"));
  EXPECT_TRUE(policy.modules.return_to_work);
  EXPECT_FALSE(policy.modules.evaluation);
  EXPECT_EQ(policy.evaluation_min_group_size, 7);
  EXPECT_DOUBLE_EQ(policy.sync.absent_share_limit, 0.5);
  EXPECT_EQ(policy.sync.max_pages_per_stream, 40);
  EXPECT_EQ(policy.delivery.retry_after_minutes, 30);
  EXPECT_EQ(policy.delivery.max_attempts, 3);
  EXPECT_EQ(policy.timezone, "Europe/Berlin");
  EXPECT_EQ(policy.programme_manager_email, "pm@acme.example");
}

// The older name of the threshold still counts; with both, the more protective wins.
TEST(OrgPolicy, TheLargerOfTheTwoThresholdNamesApplies) {
  auto threshold = [](json policy) {
    return org_policy_from_json({{"modules", json::object()}, {"policy", policy}})
        .evaluation_min_group_size;
  };
  EXPECT_EQ(threshold({{"anonymity_threshold", 8}}), 8);
  EXPECT_EQ(threshold({{"anonymity_threshold", 8}, {"evaluation_min_group_size", 6}}), 8);
  EXPECT_EQ(threshold({{"anonymity_threshold", 3}, {"evaluation_min_group_size", 6}}), 6);
  EXPECT_EQ(threshold({{"evaluation_min_group_size", 2}}), 2);
}
