// The domain's scope rules (mentoring/domain/access.hpp): what a self or pair
// scope of the permission matrix reaches, as a verdict with its reason.
#include <mentoring/domain/access.hpp>

#include <gtest/gtest.h>

namespace {

using namespace mentoring::domain;

const Caller kMentee{CallerRole::mentee, "E1", "Ada"};
const Caller kMentor{CallerRole::mentor, "E2", "Grace"};
const Caller kHr{CallerRole::hr, "", "Priya"};

TEST(AccessRules, SelfReachesOnlyTheCallerThemself) {
  auto own = judge_access(kMentee, AccessScope::self, AccessObject::person("E1"));
  EXPECT_TRUE(own.allowed);
  EXPECT_EQ(own.reason, AccessReason::the_person_themself);
  auto other = judge_access(kMentee, AccessScope::self, AccessObject::person("E3"));
  EXPECT_FALSE(other.allowed);
  EXPECT_EQ(other.reason, AccessReason::someone_else);
  EXPECT_FALSE(judge_access(kMentee, AccessScope::self, AccessObject::person("")).allowed);
  // A pair the mentee belongs to is still not "herself".
  EXPECT_FALSE(judge_access(kMentee, AccessScope::self, AccessObject::pair({"E1", "E2"})).allowed);
}

TEST(AccessRules, PairReachesOnlyAPairTheCallerBelongsTo) {
  auto member = judge_access(kMentor, AccessScope::pair, AccessObject::pair({"E1", "E2"}));
  EXPECT_TRUE(member.allowed);
  EXPECT_EQ(member.reason, AccessReason::member_of_the_pair);
  auto outsider = judge_access(kMentor, AccessScope::pair, AccessObject::pair({"E1", "E9"}));
  EXPECT_FALSE(outsider.allowed);
  EXPECT_EQ(outsider.reason, AccessReason::not_a_member);
  EXPECT_FALSE(judge_access(kMentor, AccessScope::pair, AccessObject::pair({})).allowed)
      << "no such pair: not found, like another's";
}

TEST(AccessRules, OrgReachesEverythingAndANonPersonHasNoSelf) {
  EXPECT_EQ(judge_access(kHr, AccessScope::org, AccessObject::person("E3")).reason,
            AccessReason::organisation_wide);
  auto hr_self = judge_access(kHr, AccessScope::self, AccessObject::person(""));
  EXPECT_FALSE(hr_self.allowed);
  EXPECT_EQ(hr_self.reason, AccessReason::no_person);
  const Caller nameless_mentee{CallerRole::mentee, "", "?"};
  EXPECT_FALSE(judge_access(nameless_mentee, AccessScope::self, AccessObject::person("")).allowed);
  EXPECT_EQ(judge_access(kMentee, AccessScope::self, AccessObject::survey_token()).reason,
            AccessReason::survey_token_holder);
}

TEST(AccessRules, HistoryNamesWhoActedAndNeverMakesHrThePerson) {
  EXPECT_EQ(recorded_by_words(kMentee, "E1"), "by the person themself");
  EXPECT_EQ(recorded_by_words(kMentor, "E1"), "by E2 (mentor)");
  EXPECT_EQ(recorded_by_words(kHr, "E1"), "recorded by Priya (hr) on behalf of E1");
  // HR naming itself like the person changes nothing: it is still HR's record.
  const Caller hr_named_like_person{CallerRole::hr, "", "E1"};
  EXPECT_EQ(recorded_by_words(hr_named_like_person, "E1"), "recorded by E1 (hr) on behalf of E1");
  EXPECT_EQ(recorded_by_label(kHr), "hr: Priya");
  EXPECT_EQ(recorded_by_label(kMentee), "mentee");
}

}  // namespace
