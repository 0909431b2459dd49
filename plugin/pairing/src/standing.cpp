#include "mentoring/pairing/standing.hpp"

#include <algorithm>

namespace mentoring::pairing {

std::string_view to_string(ProposalFate fate) {
  switch (fate) {
    case ProposalFate::kKeep:
      return "keep";
    case ProposalFate::kKeepLocked:
      return "keep_locked";
    case ProposalFate::kMemberNoLongerWaits:
      return "member_no_longer_waits";
    case ProposalFate::kBreaksHardRule:
      return "breaks_hard_rule";
    case ProposalFate::kForbiddenByHr:
      return "forbidden_by_hr";
    case ProposalFate::kRerun:
      return "rerun";
    case ProposalFate::kMentorFull:
      return "mentor_full";
  }
  return "?";
}

bool is_discarded(ProposalFate fate) {
  return fate != ProposalFate::kKeep && fate != ProposalFate::kKeepLocked;
}

std::string explain(ProposalFate fate, Ineligibility rule) {
  switch (fate) {
    case ProposalFate::kKeep:
      return "kept";
    case ProposalFate::kKeepLocked:
      return "kept (locked)";
    case ProposalFate::kMemberNoLongerWaits:
      return "the mentee or the mentor no longer waits for a pair";
    case ProposalFate::kBreaksHardRule:
      return "breaks a hard rule now: " + std::string(describe(rule));
    case ProposalFate::kForbiddenByHr:
      return "forbidden by HR";
    case ProposalFate::kRerun:
      return "re-run";
    case ProposalFate::kMentorFull:
      return "the mentor has no free capacity left";
  }
  return "?";
}

ProposalFate judge_standing_proposal(const StandingProposalFacts& f) {
  if (!f.members_waiting) return ProposalFate::kMemberNoLongerWaits;
  if (f.rule != Ineligibility::kEligible) return ProposalFate::kBreaksHardRule;
  if (f.forbidden_by_hr) return ProposalFate::kForbiddenByHr;
  if (!f.locked && f.rerun) return ProposalFate::kRerun;
  if (f.mentor_room <= 0) return ProposalFate::kMentorFull;
  return f.locked ? ProposalFate::kKeepLocked : ProposalFate::kKeep;
}

Wishes parse_wishes(std::string_view text, const std::set<std::string>& other_side) {
  Wishes out;
  auto take = [&](std::string_view token) {
    const auto first = token.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) return;
    const auto last = token.find_last_not_of(" \t\r");
    std::string item(token.substr(first, last - first + 1));
    bool veto = false;
    if (item.rfind("not ", 0) == 0) {
      veto = true;
      item = item.substr(4);
    } else if (!item.empty() && (item[0] == '!' || item[0] == '-')) {
      veto = true;
      item = item.substr(1);
    }
    if (!other_side.count(item)) return;
    auto& list = veto ? out.vetoed : out.ranked;
    if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
  };
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == ',' || text[i] == ';' || text[i] == '\n') {
      take(text.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

}  // namespace mentoring::pairing
