// mentoring/pairing/standing.hpp — what a pairing pass does with the proposals it finds stored,
// and how a person's wishes read. Pure rules: the shell loads the facts and stores the result.
//
//   ProposalFate fate = judge_standing_proposal(facts);
//   if (is_discarded(fate)) discard(pair, explain(fate, facts.rule));
#pragma once

#include "mentoring/pairing/scoring.hpp"

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace mentoring::pairing {

// The fate of one stored proposal in a pass, the first that applies in this order.
enum class ProposalFate {
  kKeep,                 // stays, and the engine places around it
  kKeepLocked,           // stays as a lock (HR's lock, or a mentee's open request)
  kMemberNoLongerWaits,  // the mentee or the mentor no longer waits for a pair
  kBreaksHardRule,       // a hard rule now forbids it (see the rule)
  kForbiddenByHr,
  kRerun,       // HR asked for a re-run: unlocked proposals are made again
  kMentorFull,  // the mentor has no free capacity left
};
std::string_view to_string(ProposalFate fate);
bool is_discarded(ProposalFate fate);
// The words for HR, eg "breaks a hard rule now: mentor training not complete".
std::string explain(ProposalFate fate, Ineligibility rule = Ineligibility::kEligible);

struct StandingProposalFacts {
  bool members_waiting = true;  // the mentee waits without a running pair; the mentor can take one
  Ineligibility rule = Ineligibility::kEligible;  // PairScorer::check today
  bool forbidden_by_hr = false;
  bool locked = false;  // HR's lock, or a mentee's open request waiting for the mentor
  bool rerun = false;   // pairing_rerun rather than the incremental pass
  int mentor_room = 1;  // the mentor's free capacity before this proposal
};
ProposalFate judge_standing_proposal(const StandingProposalFacts& facts);

// Wishes as recorded (at consent, or with pairing_wishes): person ids separated by commas,
// semicolons or lines, best first; "not <id>", "!<id>" or "-<id>" vetoes. Only ids of the other
// side count; repeats are dropped.
struct Wishes {
  std::vector<std::string> ranked;
  std::vector<std::string> vetoed;
};
Wishes parse_wishes(std::string_view text, const std::set<std::string>& other_side);

}  // namespace mentoring::pairing
