#include "mentoring/pairing/pairing.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

#include "mentoring/pairing/assignment.hpp"

namespace mentoring::pairing {
namespace {

// Above this padded size the dense matrix (16 bytes a cell with forbidden pairs) gets large;
// the sparse solver is exact too, so switch rather than allocate.
constexpr std::size_t kDenseLimit = 2000;

struct Candidate {
  std::size_t mentor;
  double score;
};

struct MenteeView {
  std::size_t mentee;
  std::vector<Candidate> candidates;  // eligible mentors with room, best first after shortlisting
  std::size_t eligible = 0;           // eligible mentors whatever their room
  std::array<std::size_t, kIneligibilityCount> rejected{};  // count by first rule broken
};

template <class People>
std::unordered_map<std::string, std::size_t> index_by_id(const People& people) {
  std::unordered_map<std::string, std::size_t> out;
  for (std::size_t i = 0; i < people.size(); ++i) out.emplace(people[i].id, i);
  return out;
}

std::pair<std::size_t, std::size_t> resolve(
    const PairRef& ref, const char* what,
    const std::unordered_map<std::string, std::size_t>& mentees,
    const std::unordered_map<std::string, std::size_t>& mentors) {
  const auto e = mentees.find(ref.mentee_id);
  const auto m = mentors.find(ref.mentor_id);
  if (e == mentees.end()) {
    throw PairingInputError(std::string(what) + " pair names unknown mentee '" + ref.mentee_id +
                            "'");
  }
  if (m == mentors.end()) {
    throw PairingInputError(std::string(what) + " pair names unknown mentor '" + ref.mentor_id +
                            "'");
  }
  return {e->second, m->second};
}

std::string explain_no_eligible(const MenteeView& view, std::size_t mentor_count) {
  std::string text = "no eligible mentor among " + std::to_string(mentor_count) + ":";
  const char* sep = " ";
  for (std::size_t r = 0; r < kIneligibilityCount; ++r) {
    if (view.rejected[r] == 0) continue;
    text += sep;
    text += std::string(describe(static_cast<Ineligibility>(r))) + " x" +
            std::to_string(view.rejected[r]);
    sep = ", ";
  }
  return text;
}

// Solves the free part: rows = views, columns = mentors with remaining room.
std::vector<std::int32_t> solve_free_part(const std::vector<MenteeView>& views,
                                          const std::vector<int>& room, std::size_t mentor_count,
                                          SolverChoice choice) {
  std::vector<std::int32_t> mentor_of_view(views.size(), -1);
  std::size_t slots = 0;
  for (int r : room) slots += static_cast<std::size_t>(r);
  if (views.empty() || slots == 0) return mentor_of_view;
  const bool dense =
      choice == SolverChoice::kDense ||
      (choice == SolverChoice::kAutomatic && std::max(views.size(), slots) <= kDenseLimit);
  if (dense) {
    // One column per unit of capacity: slot s belongs to mentor slot_owner[s].
    std::vector<std::size_t> first_slot(mentor_count + 1, 0);
    std::vector<std::int32_t> slot_owner;
    for (std::size_t m = 0; m < mentor_count; ++m) {
      first_slot[m] = slot_owner.size();
      for (int k = 0; k < room[m]; ++k) slot_owner.push_back(static_cast<std::int32_t>(m));
    }
    DenseCosts costs{views.size(), slots, std::vector<double>(views.size() * slots, kForbidden)};
    for (std::size_t r = 0; r < views.size(); ++r) {
      for (const Candidate& c : views[r].candidates) {
        for (int k = 0; k < room[c.mentor]; ++k) {
          costs.costs[r * slots + first_slot[c.mentor] + static_cast<std::size_t>(k)] = -c.score;
        }
      }
    }
    const Assignment a = solve_dense(costs);
    for (std::size_t r = 0; r < views.size(); ++r) {
      if (a.column_of_row[r] != kUnassigned)
        mentor_of_view[r] = slot_owner[static_cast<std::size_t>(a.column_of_row[r])];
    }
    return mentor_of_view;
  }
  // Sparse: columns are the mentors with room, capacity = room.
  std::vector<std::int32_t> column_of_mentor(mentor_count, -1);
  std::vector<std::size_t> mentor_of_column;
  SparseCosts costs;
  costs.rows = views.size();
  for (std::size_t m = 0; m < mentor_count; ++m) {
    if (room[m] > 0) {
      column_of_mentor[m] = static_cast<std::int32_t>(mentor_of_column.size());
      mentor_of_column.push_back(m);
      costs.capacity.push_back(room[m]);
    }
  }
  costs.row_start.push_back(0);
  for (const MenteeView& v : views) {
    for (const Candidate& c : v.candidates) {
      costs.col.push_back(column_of_mentor[c.mentor]);
      costs.cost.push_back(-c.score);
    }
    costs.row_start.push_back(costs.col.size());
  }
  const Assignment a = solve_sparse(costs);
  for (std::size_t r = 0; r < views.size(); ++r) {
    if (a.column_of_row[r] != kUnassigned) {
      mentor_of_view[r] =
          static_cast<std::int32_t>(mentor_of_column[static_cast<std::size_t>(a.column_of_row[r])]);
    }
  }
  return mentor_of_view;
}

Proposal run(const Cohort& cohort, const MatchingRules& rules, const HrControls& controls,
             const SolveOptions& options, const std::vector<PairRef>& kept) {
  PairScorer scorer(cohort, rules);  // validates first
  Proposal out;
  for (const std::string& id : scorer.management_cycles()) {
    out.warnings.push_back("management chain of '" + id +
                           "' loops back on itself (bad manager data)");
  }
  const auto mentee_index = index_by_id(cohort.mentees);
  const auto mentor_index = index_by_id(cohort.mentors);

  std::set<std::pair<std::size_t, std::size_t>> forbidden;
  for (const PairRef& ref : controls.forbidden)
    forbidden.insert(resolve(ref, "forbidden", mentee_index, mentor_index));

  std::vector<int> room(cohort.mentors.size());
  for (std::size_t m = 0; m < cohort.mentors.size(); ++m) room[m] = cohort.mentors[m].capacity;
  std::vector<char> placed(cohort.mentees.size(), 0);
  std::vector<int> locked_on(cohort.mentors.size(), 0);

  auto keep = [&](const PairRef& ref, const char* what, bool must_be_eligible) {
    const auto [e, m] = resolve(ref, what, mentee_index, mentor_index);
    const std::string pair_name = "(" + ref.mentee_id + ", " + ref.mentor_id + ")";
    if (placed[e])
      throw PairingInputError(std::string(what) + " pairs give mentee '" + ref.mentee_id +
                              "' twice");
    if (forbidden.count({e, m}))
      throw PairingInputError(std::string(what) + " pair " + pair_name + " is also forbidden");
    if (room[m] == 0) {
      throw PairingInputError(std::string(what) + " pairs exceed the capacity of mentor '" +
                              ref.mentor_id + "'");
    }
    const Ineligibility rule = scorer.check(e, m);
    if (rule != Ineligibility::kEligible) {
      const std::string text = std::string(what) + " pair " + pair_name +
                               " breaks a hard rule: " + std::string(describe(rule));
      if (must_be_eligible) throw PairingInputError(text);
      out.warnings.push_back(text);
    }
    placed[e] = 1;
    --room[m];
    ++locked_on[m];
    out.pairs.push_back({e, m, scorer.score(e, m), true});
  };
  for (const PairRef& ref : kept) keep(ref, "existing", false);
  for (const PairRef& ref : controls.locked) keep(ref, "locked", true);

  std::vector<MenteeView> views;
  for (std::size_t e = 0; e < cohort.mentees.size(); ++e) {
    if (placed[e]) continue;
    MenteeView view{e, {}, 0, {}};
    for (std::size_t m = 0; m < cohort.mentors.size(); ++m) {
      Ineligibility rule = scorer.check(e, m);
      if (rule == Ineligibility::kEligible && forbidden.count({e, m}))
        rule = Ineligibility::kForbiddenByHr;
      if (rule != Ineligibility::kEligible) {
        ++view.rejected[static_cast<std::size_t>(rule)];
        continue;
      }
      ++view.eligible;
      if (room[m] > 0) view.candidates.push_back({m, scorer.score(e, m).total});
    }
    if (options.shortlist > 0 && view.candidates.size() > options.shortlist) {
      std::stable_sort(view.candidates.begin(), view.candidates.end(),
                       [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
      view.candidates.resize(options.shortlist);
    }
    views.push_back(std::move(view));
  }

  const std::vector<std::int32_t> chosen =
      solve_free_part(views, room, cohort.mentors.size(), options.solver);
  std::vector<int> room_after = room;
  for (std::size_t v = 0; v < views.size(); ++v) {
    if (chosen[v] < 0) continue;
    const auto m = static_cast<std::size_t>(chosen[v]);
    --room_after[m];
    out.pairs.push_back({views[v].mentee, m, scorer.score(views[v].mentee, m), false});
  }
  for (std::size_t v = 0; v < views.size(); ++v) {
    if (chosen[v] >= 0) continue;
    const MenteeView& view = views[v];
    UnmatchedMentee u{view.mentee, UnmatchedReason::kNoEligibleMentor, {}};
    if (cohort.mentors.empty()) {
      u.reason = UnmatchedReason::kNoMentorsInCohort;
      u.explanation = "the cohort has no mentors";
    } else if (view.eligible == 0) {
      u.explanation = explain_no_eligible(view, cohort.mentors.size());
    } else {
      // Pairs are maximised first, so an eligible mentor with room would have been used unless
      // the shortlist left it out.
      std::size_t with_room = 0;
      for (std::size_t m = 0; m < cohort.mentors.size(); ++m) {
        if (room_after[m] > 0 && scorer.check(view.mentee, m) == Ineligibility::kEligible &&
            !forbidden.count({view.mentee, m})) {
          ++with_room;
        }
      }
      if (with_room > 0) {
        u.reason = UnmatchedReason::kOutsideShortlist;
        u.explanation = std::to_string(with_room) +
                        " eligible mentor(s) still have room but were not on the shortlist";
      } else {
        u.reason = UnmatchedReason::kEligibleMentorsFull;
        std::size_t locked_full = 0;
        for (std::size_t m = 0; m < cohort.mentors.size(); ++m) {
          if (room[m] == 0 && locked_on[m] > 0 &&
              scorer.check(view.mentee, m) == Ineligibility::kEligible)
            ++locked_full;
        }
        u.explanation = std::to_string(view.eligible) + " eligible mentor(s), all at capacity";
        if (locked_full > 0)
          u.explanation +=
              " (" + std::to_string(locked_full) + " filled by locked or existing pairs)";
      }
    }
    out.unmatched.push_back(std::move(u));
  }
  std::sort(out.pairs.begin(), out.pairs.end(),
            [](const ProposedPair& a, const ProposedPair& b) { return a.mentee < b.mentee; });
  std::sort(out.unmatched.begin(), out.unmatched.end(),
            [](const UnmatchedMentee& a, const UnmatchedMentee& b) { return a.mentee < b.mentee; });
  for (const ProposedPair& p : out.pairs) out.total_score += p.score.total;
  return out;
}

}  // namespace

Proposal propose_pairs(const Cohort& cohort, const MatchingRules& rules, const HrControls& controls,
                       const SolveOptions& options) {
  return run(cohort, rules, controls, options, {});
}

Proposal place_newcomers(const Cohort& cohort, const MatchingRules& rules,
                         const std::vector<PairRef>& existing, const HrControls& controls) {
  return run(cohort, rules, controls, SolveOptions{}, existing);
}

}  // namespace mentoring::pairing
