// mentoring/pairing/manual.hpp — the rules for pairs made outside the engine's proposals: HR's
// `pair` command, a mentee's request for one mentor (participant choice), the mentor's answer,
// what becomes of a standing proposal, and what HR may forbid.
//
//   ManualPairFacts facts{...};                      // loaded by the shell
//   if (auto refusal = check_manual_pair(facts); refusal != ManualPairRefusal::kNone)
//     refuse(field_of(refusal), explain(refusal, facts));
//
// Reasons are values: the enum, its stable name (to_string) and the words for people
// (describe / explain). Nothing here reads JSON or the store.
#pragma once

#include <mentoring/domain/records.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace mentoring::pairing {

// Why a mentee and a mentor may not be paired by hand (or by the mentee's request); the first
// reason found, in the order of the enum.
enum class ManualPairRefusal {
  kNone,
  kSamePerson,
  kMenteeNotWaiting,     // the mentee's enrolment is not awaiting a pair
  kMenteeAlreadyPaired,  // the mentee has a running (accepted) pair
  kMentorNotAvailable,   // the mentor's enrolment cannot take mentees (eg still invited)
  kMentorNotTrained,     // training is required and the mentor's is missing or lapsed
  kMentorAtCapacity,     // running pairs and open requests fill the capacity
  kManagementChain,      // one manages the other, directly or indirectly
  kForbiddenByHr,        // HR forbade this pair (pairing_forbid; pairing_unforbid lifts it)
  kDeclinedByMentor,     // the mentor declined this mentee's request
};
std::string_view to_string(ManualPairRefusal refusal);  // stable name, eg "mentor_not_trained"
std::string_view describe(ManualPairRefusal refusal);   // short words, eg "mentor training lapsed"
// The command field the refusal is about: "/mentee_id" or "/mentor_id".
std::string_view field_of(ManualPairRefusal refusal);

struct ManualPairFacts {
  std::string mentee_id;
  std::string mentor_id;
  domain::EnrolmentState mentee_state = domain::EnrolmentState::awaiting_pair;
  domain::EnrolmentState mentor_state = domain::EnrolmentState::awaiting_pair;
  bool mentee_has_running_pair = false;
  // False when the organisation switched the training module off or the programme names no
  // mentor course: then no training is required.
  bool training_required = true;
  bool mentor_trained = false;  // required courses complete and valid today
  int mentor_running_pairs = 0;
  int mentor_open_requests = 0;  // other mentees' requests waiting for this mentor's answer
  int mentor_capacity = 1;
  bool in_management_chain = false;
  bool forbidden_by_hr = false;
  bool declined_by_mentor = false;
};

ManualPairRefusal check_manual_pair(const ManualPairFacts& facts);
// The refusal as a sentence naming both people, eg "M1 is in the management chain of P1; a
// mentor never is". Empty for kNone.
std::string explain(ManualPairRefusal refusal, const ManualPairFacts& facts);

// Whether a mentor can take mentees at all in this enrolment state.
bool mentor_can_take_mentees(domain::EnrolmentState state);

// What becomes of the mentee's standing proposal when a pair is recorded by hand or requested.
enum class StandingProposalFate {
  kNone,            // there is none
  kBecomesThePair,  // it names the same mentor: that row becomes the pair, its scores stay
  kReplaced,        // another mentor: it is ended, recorded as replaced
};
StandingProposalFate fate_of_standing_proposal(const std::optional<std::string>& proposed_mentor,
                                               std::string_view chosen_mentor);
std::string_view to_string(StandingProposalFate fate);

// Forbidding a pair: refused while the pair runs, since the engine keeps running pairs exactly
// as they are and a forbidden running pair contradicts that. End it first (`withdraw` either
// member), then forbid.
enum class ForbidRefusal { kNone, kPairRunning };
ForbidRefusal check_forbid(bool pair_running);
std::string_view to_string(ForbidRefusal refusal);
std::string_view describe(ForbidRefusal refusal);

// The mentor's answer to a mentee's request (participant choice).
enum class MentorAnswer { kAccept, kDecline };
std::optional<MentorAnswer> parse_mentor_answer(std::string_view text);
std::string_view to_string(MentorAnswer answer);

// Why a mentee's request or a mentor's answer is refused before any pairing rule.
enum class ChoiceRefusal {
  kNone,
  kRequestsNotOffered,  // the programme does not let mentees ask for a mentor
  kDeclineNotOffered,   // the programme does not let mentors decline
  kReasonMissing,       // a decline needs its reason
  kNotARequest,         // the proposal was not asked for by the mentee
  kAlreadyAnswered,
};
std::string_view to_string(ChoiceRefusal refusal);
std::string_view describe(ChoiceRefusal refusal);

struct ChoiceRules {
  bool mentee_requests_mentor = false;
  bool mentor_may_decline = false;
};
ChoiceRefusal check_request(const ChoiceRules& rules);
ChoiceRefusal check_answer(const ChoiceRules& rules, MentorAnswer answer, std::string_view reason,
                           bool is_request, bool already_answered);

// Who makes first contact once paired, and so what each member is told.
enum class FirstContactBy { kMentee, kMentor };
std::optional<FirstContactBy> parse_first_contact_by(std::string_view text);
// The line of the paired notification about first contact, for one member.
std::string first_contact_words(FirstContactBy by, domain::Role member,
                                std::string_view mentee_name, std::string_view mentor_name);

}  // namespace mentoring::pairing
