// The rules for pairs made outside the engine (mentoring/pairing/manual.hpp) and the engine's
// respect for a mentor's decline: domain only, no plugin loaded.
#include <gtest/gtest.h>

#include <string>

#include "mentoring/pairing/manual.hpp"
#include "mentoring/pairing/pairing.hpp"
#include "mentoring/pairing/standing.hpp"

namespace mentoring::pairing {
namespace {

using domain::EnrolmentState;
using domain::Role;

ManualPairFacts allowed() {
  ManualPairFacts f;
  f.mentee_id = "P1";
  f.mentor_id = "M1";
  f.mentee_state = EnrolmentState::awaiting_pair;
  f.mentor_state = EnrolmentState::active;
  f.training_required = true;
  f.mentor_trained = true;
  f.mentor_running_pairs = 1;
  f.mentor_capacity = 2;
  return f;
}

TEST(ManualPair, AnAllowedPairHasNoRefusal) {
  EXPECT_EQ(check_manual_pair(allowed()), ManualPairRefusal::kNone);
  EXPECT_EQ(explain(ManualPairRefusal::kNone, allowed()), "");
}

TEST(ManualPair, ALapsedMentorIsRefusedUnlessTrainingIsSwitchedOff) {
  ManualPairFacts f = allowed();
  f.mentor_trained = false;
  EXPECT_EQ(check_manual_pair(f), ManualPairRefusal::kMentorNotTrained);
  EXPECT_EQ(to_string(ManualPairRefusal::kMentorNotTrained), "mentor_not_trained");
  EXPECT_EQ(field_of(ManualPairRefusal::kMentorNotTrained), "/mentor_id");
  EXPECT_NE(explain(ManualPairRefusal::kMentorNotTrained, f).find("M1's mentor training"),
            std::string::npos);
  f.training_required = false;  // the organisation switched the training module off
  EXPECT_EQ(check_manual_pair(f), ManualPairRefusal::kNone);
}

TEST(ManualPair, EachRuleHasItsTypedReason) {
  auto with = [](auto change) {
    ManualPairFacts f = allowed();
    change(f);
    return check_manual_pair(f);
  };
  EXPECT_EQ(with([](ManualPairFacts& f) { f.mentor_id = "P1"; }), ManualPairRefusal::kSamePerson);
  EXPECT_EQ(with([](ManualPairFacts& f) { f.mentee_state = EnrolmentState::invited; }),
            ManualPairRefusal::kMenteeNotWaiting);
  EXPECT_EQ(with([](ManualPairFacts& f) { f.mentee_has_running_pair = true; }),
            ManualPairRefusal::kMenteeAlreadyPaired);
  EXPECT_EQ(with([](ManualPairFacts& f) { f.mentor_state = EnrolmentState::awaiting_training; }),
            ManualPairRefusal::kMentorNotAvailable);
  EXPECT_EQ(with([](ManualPairFacts& f) { f.mentor_running_pairs = 2; }),
            ManualPairRefusal::kMentorAtCapacity);
  EXPECT_EQ(with([](ManualPairFacts& f) { f.mentor_open_requests = 1; }),
            ManualPairRefusal::kMentorAtCapacity);
  EXPECT_EQ(with([](ManualPairFacts& f) { f.in_management_chain = true; }),
            ManualPairRefusal::kManagementChain);
  EXPECT_EQ(with([](ManualPairFacts& f) { f.forbidden_by_hr = true; }),
            ManualPairRefusal::kForbiddenByHr);
  EXPECT_EQ(with([](ManualPairFacts& f) { f.declined_by_mentor = true; }),
            ManualPairRefusal::kDeclinedByMentor);
  EXPECT_EQ(field_of(ManualPairRefusal::kMenteeNotWaiting), "/mentee_id");
  ManualPairFacts chain = allowed();
  chain.in_management_chain = true;
  EXPECT_EQ(explain(ManualPairRefusal::kManagementChain, chain),
            "M1 is in the management chain of P1; a mentor never is");
}

TEST(ManualPair, AStandingProposalIsTakenOverOrReplaced) {
  EXPECT_EQ(fate_of_standing_proposal(std::nullopt, "M1"), StandingProposalFate::kNone);
  EXPECT_EQ(fate_of_standing_proposal(std::string("M1"), "M1"),
            StandingProposalFate::kBecomesThePair);
  EXPECT_EQ(fate_of_standing_proposal(std::string("M2"), "M1"), StandingProposalFate::kReplaced);
  EXPECT_EQ(to_string(StandingProposalFate::kReplaced), "replaced");
}

TEST(ManualPair, ARunningPairCannotBeForbidden) {
  EXPECT_EQ(check_forbid(false), ForbidRefusal::kNone);
  EXPECT_EQ(check_forbid(true), ForbidRefusal::kPairRunning);
  EXPECT_EQ(to_string(ForbidRefusal::kPairRunning), "pair_running");
  EXPECT_NE(describe(ForbidRefusal::kPairRunning).find("withdraw"), std::string::npos);
}

TEST(ParticipantChoice, RequestsAndAnswersFollowTheProgramme) {
  EXPECT_EQ(check_request({false, false}), ChoiceRefusal::kRequestsNotOffered);
  EXPECT_EQ(check_request({true, false}), ChoiceRefusal::kNone);
  const ChoiceRules may_decline{true, true};
  EXPECT_EQ(check_answer(may_decline, MentorAnswer::kDecline, "on secondment", true, false),
            ChoiceRefusal::kNone);
  EXPECT_EQ(check_answer(may_decline, MentorAnswer::kDecline, "  ", true, false),
            ChoiceRefusal::kReasonMissing);
  EXPECT_EQ(check_answer({true, false}, MentorAnswer::kDecline, "busy", true, false),
            ChoiceRefusal::kDeclineNotOffered);
  EXPECT_EQ(check_answer(may_decline, MentorAnswer::kAccept, "", false, false),
            ChoiceRefusal::kNotARequest);
  EXPECT_EQ(check_answer(may_decline, MentorAnswer::kAccept, "", true, true),
            ChoiceRefusal::kAlreadyAnswered);
  EXPECT_EQ(parse_mentor_answer("decline"), MentorAnswer::kDecline);
  EXPECT_EQ(parse_mentor_answer("maybe"), std::nullopt);
}

TEST(ParticipantChoice, FirstContactWordsTellEachSideWhoWrites) {
  EXPECT_EQ(parse_first_contact_by("mentee"), FirstContactBy::kMentee);
  const std::string to_mentee =
      first_contact_words(FirstContactBy::kMentee, Role::mentee, "Ann", "Bo");
  const std::string to_mentor =
      first_contact_words(FirstContactBy::kMentee, Role::mentor, "Ann", "Bo");
  EXPECT_NE(to_mentee.find("You make first contact"), std::string::npos) << to_mentee;
  EXPECT_NE(to_mentee.find("Bo"), std::string::npos);
  EXPECT_EQ(to_mentor, "Your mentee Ann will be in touch.");
  EXPECT_EQ(first_contact_words(FirstContactBy::kMentor, Role::mentee, "Ann", "Bo"),
            "Your mentor Bo will be in touch.");
}

// A mentor who declined a mentee is never proposed to them again; the explanation says why.
TEST(ParticipantChoice, TheEngineNeverProposesAMentorWhoDeclined) {
  Cohort cohort;
  Mentee p1;
  p1.id = "P1";
  p1.declined_by_ids = {"M1"};
  Mentor m1;
  m1.id = "M1";
  m1.training_complete = true;
  cohort.mentees = {p1};
  cohort.mentors = {m1};
  MatchingRules rules;
  rules.hard.require_shared_language = false;
  const Proposal declined = propose_pairs(cohort, rules);
  EXPECT_TRUE(declined.pairs.empty());
  ASSERT_EQ(declined.unmatched.size(), 1u);
  EXPECT_NE(declined.unmatched[0].explanation.find("declined by the mentor x1"), std::string::npos)
      << declined.unmatched[0].explanation;
  cohort.mentees[0].declined_by_ids.clear();
  EXPECT_EQ(propose_pairs(cohort, rules).pairs.size(), 1u);
}

// Training switched off: the engine's "mentor is trained" rule is off with it.
TEST(ParticipantChoice, WithoutRequiredTrainingAnUntrainedMentorIsEligible) {
  Cohort cohort;
  Mentee p1;
  p1.id = "P1";
  Mentor m1;
  m1.id = "M1";
  m1.training_complete = false;
  cohort.mentees = {p1};
  cohort.mentors = {m1};
  MatchingRules rules;
  rules.hard.require_shared_language = false;
  EXPECT_TRUE(propose_pairs(cohort, rules).pairs.empty());
  rules.hard.require_training = false;
  EXPECT_EQ(propose_pairs(cohort, rules).pairs.size(), 1u);
}

TEST(StandingProposal, APassKeepsDiscardsOrLocksWithTheReason) {
  StandingProposalFacts f;
  EXPECT_EQ(judge_standing_proposal(f), ProposalFate::kKeep);
  f.rerun = true;
  EXPECT_EQ(judge_standing_proposal(f), ProposalFate::kRerun);
  f.locked = true;  // HR's lock or an open request survives a re-run
  EXPECT_EQ(judge_standing_proposal(f), ProposalFate::kKeepLocked);
  f.mentor_room = 0;
  EXPECT_EQ(judge_standing_proposal(f), ProposalFate::kMentorFull);
  f.forbidden_by_hr = true;
  EXPECT_EQ(judge_standing_proposal(f), ProposalFate::kForbiddenByHr);
  f.rule = Ineligibility::kTrainingIncomplete;
  EXPECT_EQ(judge_standing_proposal(f), ProposalFate::kBreaksHardRule);
  EXPECT_EQ(explain(ProposalFate::kBreaksHardRule, f.rule),
            "breaks a hard rule now: mentor training not complete");
  f.members_waiting = false;
  EXPECT_EQ(judge_standing_proposal(f), ProposalFate::kMemberNoLongerWaits);
  EXPECT_TRUE(is_discarded(ProposalFate::kMemberNoLongerWaits));
  EXPECT_FALSE(is_discarded(ProposalFate::kKeepLocked));
}

TEST(StandingProposal, WishesReadRankingsAndVetoesOfTheOtherSideOnly) {
  const Wishes w =
      parse_wishes(" M2, M1;not M3\n!M4, -M5, X9, M2 ", {"M1", "M2", "M3", "M4", "M5"});
  EXPECT_EQ(w.ranked, (std::vector<std::string>{"M2", "M1"}));
  EXPECT_EQ(w.vetoed, (std::vector<std::string>{"M3", "M4", "M5"}));
  EXPECT_TRUE(parse_wishes("", {"M1"}).ranked.empty());
}

}  // namespace
}  // namespace mentoring::pairing
