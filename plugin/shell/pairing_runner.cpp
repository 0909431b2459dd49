// Pairing's part of the plugin shell: cohort from the store, proposals from the engine, and the
// commands HR uses to review, accept, lock, forbid and re-run. Every change to proposals happens
// in one transaction per programme or command.
#include "pairing_runner.hpp"

#include "link_runner.hpp"

#include <mentoring/pairing/cohort.hpp>
#include <mentoring/pairing/manual.hpp>
#include <mentoring/pairing/pairing.hpp>
#include <mentoring/pairing/standing.hpp>
#include <mentoring/store/outbox_repository.hpp>
#include <mentoring/store/pair_repository.hpp>
#include <mentoring/training/training.hpp>

#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>

namespace mentoring::shell {

using json = nlohmann::json;
using namespace mentoring::domain;
namespace pairing = mentoring::pairing;

namespace {

// ------------------------------------------------------------------ settings

// The demo programme's weights; a criterion whose data nobody records is dropped from them.
constexpr std::array<double, pairing::kCriterionCount> kDefaultWeights = {3.0, 1.0, 1.5, 0.0,
                                                                          0.0, 1.0, 0.5};

struct MatchingSettings {
  pairing::MatchingRules rules;
  std::array<bool, pairing::kCriterionCount> configured{};  // set in the programme definition
  bool require_shared_language = true;
  bool accepted_by_pair = false;
};

MatchingSettings settings_for(const RunContext& c, const std::string& programme_id) {
  const json section = programme_section(c, programme_id, "matching");
  MatchingSettings s;
  s.rules.weights.weight = kDefaultWeights;
  const json weights = section.value("weights", json::object());
  for (std::size_t i = 0; i < pairing::kCriterionCount; ++i) {
    const std::string name(pairing::criterion_name(static_cast<pairing::Criterion>(i)));
    if (!weights.contains(name)) continue;
    s.rules.weights.weight[i] = weights[name].get<double>();  // the schema made it a number
    s.configured[i] = true;
  }
  const json gap = section.value("seniority_gap", json::object());
  s.rules.seniority_gap_min = gap.value("min", s.rules.seniority_gap_min);
  s.rules.seniority_gap_max = gap.value("max", s.rules.seniority_gap_max);
  for (const auto& item : section.value("not_the_same", json::array())) {
    if (item == "department") s.rules.hard.separate_org_levels = 1;  // org_path = {department}
  }
  s.require_shared_language = section.value("require_shared_language", true);
  s.accepted_by_pair = section.value("accepted_by", "hr") == "pair";
  // Mentors only reach awaiting_pair once trained; the cohort re-checks validity today. With
  // the training module switched off for the organisation no training is required.
  s.rules.hard.require_training = c.policy.modules.training;
  s.rules.hard.language_rule_needs_both_declared = true;
  return s;
}

// ------------------------------------------------------------------ cohort

// A person's wishes as the engine reads them (pairing::parse_wishes).
void read_wishes(const std::string& text, const std::set<std::string>& other_side,
                 pairing::Participant& into) {
  pairing::Wishes wishes = pairing::parse_wishes(text, other_side);
  into.ranked_ids = std::move(wishes.ranked);
  into.vetoed_ids = std::move(wishes.vetoed);
}

// One programme's cohort as the engine sees it, with the store ids behind each participant.
struct CohortView {
  pairing::Cohort cohort;
  std::vector<Enrolment> mentee_enrolments;  // parallel to cohort.mentees
  std::vector<Enrolment> mentor_enrolments;  // parallel to cohort.mentors
  std::vector<pairing::PairRef> accepted;    // kept exactly as they are
  std::vector<Pair> proposals;               // stored proposals (state proposed)
  std::set<std::string> waiting_mentees;     // person ids in awaiting_pair without an accepted pair
  std::vector<std::string> notes;
};

void fill_person(pairing::Participant& p, const std::map<std::string, Person>& people) {
  auto it = people.find(p.id);
  if (it == people.end()) return;
  const Person& person = it->second;
  p.languages = person.languages;
  if (person.department && !person.department->empty()) p.org_path = {*person.department};
  if (person.location) p.location = *person.location;
}

CohortView build_cohort(RunContext& c, const Programme& programme, store::PairRepository& ps) {
  CohortView view;
  std::map<std::int64_t, int> accepted_count;  // mentor enrolment -> accepted pairs
  std::set<std::int64_t> mentees_of_accepted;
  std::vector<Pair> accepted_pairs;
  for (const auto& p : c.store.pairs(programme.id)) {
    if (p.state == PairState::accepted) {
      accepted_pairs.push_back(p);
      ++accepted_count[p.mentor_enrolment_id];
      mentees_of_accepted.insert(p.mentee_enrolment_id);
    } else if (p.state == PairState::proposed) {
      view.proposals.push_back(p);
    }
  }
  // Only the enrolments that can be in the cohort (below: mentors who can take mentees, mentees
  // waiting for a pair or in a running one), never the waiting list nor closed ones: the pass
  // costs the cohort, not the programme's history. In id order, as the engine's ties expect.
  auto enrolments = c.store.enrolments_in_states(
      programme.id,
      {EnrolmentState::awaiting_pair, EnrolmentState::paired, EnrolmentState::active});
  {
    std::set<std::int64_t> loaded;
    for (const auto& e : enrolments) loaded.insert(e.id);
    for (std::int64_t id : mentees_of_accepted) {
      if (loaded.count(id)) continue;
      if (auto e = c.store.enrolment(id); e && e->programme_id == programme.id) {
        enrolments.push_back(std::move(*e));
      }
    }
    std::sort(enrolments.begin(), enrolments.end(),
              [](const Enrolment& a, const Enrolment& b) { return a.id < b.id; });
  }
  std::map<std::int64_t, const Enrolment*> by_id;
  for (const auto& e : enrolments) by_id[e.id] = &e;

  std::set<std::int64_t> in_cohort_mentor;
  const auto training_rules = training::rules_for(programme, Role::mentor);
  for (const auto& e : enrolments) {
    if (e.role != Role::mentor || !pairing::mentor_can_take_mentees(e.state)) continue;
    const int taken = accepted_count[e.id];
    const auto capacity = pairing::mentor_capacity_in_pass(programme, taken);
    if (!capacity) {
      view.notes.push_back("mentor " + e.person_id + " has " + std::to_string(taken) +
                           " accepted pairs, more than any capacity allows: left out of matching");
      continue;
    }
    pairing::Mentor m;
    m.id = e.person_id;
    m.capacity = *capacity;
    m.training_complete =
        training_rules.required_courses.empty() ||
        training::training_complete(training_rules, c.store.completions_of(e.person_id), c.today);
    m.leave_kind = pairing::lived_leave_kind(programme, c.store.leaves_of(e.person_id), c.today);
    view.cohort.mentors.push_back(std::move(m));
    view.mentor_enrolments.push_back(e);
    in_cohort_mentor.insert(e.id);
  }
  for (const auto& e : enrolments) {
    if (e.role != Role::mentee || !is_open(e.state)) continue;
    const bool waiting =
        e.state == EnrolmentState::awaiting_pair && !mentees_of_accepted.count(e.id);
    if (!waiting && !mentees_of_accepted.count(e.id)) continue;
    pairing::Mentee m;
    m.id = e.person_id;
    if (e.leave_id) {
      if (auto leave = c.store.leave(*e.leave_id))
        m.leave_kind = std::string(to_string(leave->type));
    }
    view.cohort.mentees.push_back(std::move(m));
    view.mentee_enrolments.push_back(e);
    if (waiting) view.waiting_mentees.insert(e.person_id);
  }
  for (const auto& p : accepted_pairs) {
    if (in_cohort_mentor.count(p.mentor_enrolment_id) && by_id.count(p.mentee_enrolment_id) &&
        is_open(by_id[p.mentee_enrolment_id]->state)) {
      view.accepted.push_back({p.mentee_id, p.mentor_id});
    }
  }

  std::set<std::string> ids, mentee_ids, mentor_ids;
  for (const auto& m : view.cohort.mentees) mentee_ids.insert(m.id);
  for (const auto& m : view.cohort.mentors) mentor_ids.insert(m.id);
  ids.insert(mentee_ids.begin(), mentee_ids.end());
  ids.insert(mentor_ids.begin(), mentor_ids.end());
  const auto people = c.store.people(ids);
  for (std::size_t i = 0; i < view.cohort.mentees.size(); ++i) {
    fill_person(view.cohort.mentees[i], people);
    read_wishes(ps.wishes(view.mentee_enrolments[i].id), mentor_ids, view.cohort.mentees[i]);
    view.cohort.mentees[i].declined_by_ids = ps.declined_by(view.mentee_enrolments[i].id);
  }
  for (std::size_t i = 0; i < view.cohort.mentors.size(); ++i) {
    fill_person(view.cohort.mentors[i], people);
    read_wishes(ps.wishes(view.mentor_enrolments[i].id), mentee_ids, view.cohort.mentors[i]);
  }
  // Chains pass through people outside the cohort: each person's managers are looked up when a
  // participant's chain reaches them (primary keys), once per pass, never the whole directory.
  auto known = std::make_shared<std::unordered_map<std::string, std::vector<std::string>>>();
  store::OrgStore* store = &c.store;
  view.cohort.managers_of = [known, store](const std::string& id) {
    auto it = known->find(id);
    if (it == known->end()) it = known->emplace(id, store->manager_links_of(id)).first;
    return it->second;
  };
  return view;
}

// Default weights whose data nobody records are dropped (with a note); configured ones stay and
// make the engine report the missing data.
void drop_unrecorded_defaults(MatchingSettings& s, const pairing::Cohort& cohort,
                              std::vector<std::string>& notes) {
  for (std::size_t i = 0; i < pairing::kCriterionCount; ++i) {
    const auto criterion = static_cast<pairing::Criterion>(i);
    if (s.configured[i] || s.rules.weights.weight[i] == 0.0) continue;
    if (cohort.mentees.empty() || cohort.mentors.empty()) continue;
    if (pairing::criterion_recorded(cohort, criterion)) continue;
    s.rules.weights.weight[i] = 0.0;
    notes.push_back("criterion " + std::string(pairing::criterion_name(criterion)) +
                    " not used: nobody in the cohort records its data");
  }
  const auto declares = [](const auto& people) {
    return std::any_of(people.begin(), people.end(),
                       [](const pairing::Participant& p) { return !p.languages.empty(); });
  };
  // The rule only bites when both sides declare languages: without any, there is nothing to check.
  s.rules.hard.require_shared_language =
      s.require_shared_language && (declares(cohort.mentees) || declares(cohort.mentors));
}

std::string_view reason_name(pairing::UnmatchedReason reason) {
  switch (reason) {
    case pairing::UnmatchedReason::kNoMentorsInCohort:
      return "no_mentors_in_cohort";
    case pairing::UnmatchedReason::kNoEligibleMentor:
      return "no_eligible_mentor";
    case pairing::UnmatchedReason::kEligibleMentorsFull:
      return "eligible_mentors_full";
    case pairing::UnmatchedReason::kOutsideShortlist:
      return "outside_shortlist";
  }
  return "unknown";
}

// ------------------------------------------------------------------ one programme's pass

enum class Mode {
  kIncremental,  // standing proposals are kept; only waiting mentees without one are placed
  kRerun,        // un-accepted, unlocked proposals are discarded and everyone waiting re-placed
};

json plan_programme(RunContext& c, const Programme& programme, Mode mode) {
  store::PairRepository& ps = c.store.pair_repository();
  json summary = {{"proposed", json::array()},
                  {"kept", 0},
                  {"discarded", json::array()},
                  {"unmatched", 0},
                  {"notes", json::array()}};
  CohortView view = build_cohort(c, programme, ps);
  MatchingSettings settings = settings_for(c, programme.id);
  drop_unrecorded_defaults(settings, view.cohort, view.notes);

  std::map<std::string, std::size_t> mentee_at, mentor_at;
  for (std::size_t i = 0; i < view.cohort.mentees.size(); ++i)
    mentee_at[view.cohort.mentees[i].id] = i;
  for (std::size_t i = 0; i < view.cohort.mentors.size(); ++i)
    mentor_at[view.cohort.mentors[i].id] = i;

  pairing::HrControls controls;
  std::set<std::pair<std::string, std::string>> forbidden;
  std::set<std::pair<std::string, std::string>> running;
  for (const auto& a : view.accepted) running.insert({a.mentee_id, a.mentor_id});
  for (const auto& f : ps.forbidden(programme.id)) {
    if (!mentee_at.count(f.mentee_id) || !mentor_at.count(f.mentor_id)) continue;
    if (running.count({f.mentee_id, f.mentor_id})) {
      // Recorded before pairing_forbid refused running pairs: the running pair stays as it is
      // (the engine never undoes one) and HR is told how to end it.
      view.notes.push_back("pair of mentee " + f.mentee_id + " and mentor " + f.mentor_id +
                           " runs although HR forbade it: end it with `withdraw` of either "
                           "member, or lift the forbid with pairing_unforbid");
      continue;
    }
    controls.forbidden.push_back({f.mentee_id, f.mentor_id});
    forbidden.insert({f.mentee_id, f.mentor_id});
  }
  const auto requested = ps.open_requests(programme.id);
  const std::set<std::int64_t> open_requests(requested.begin(), requested.end());

  {
    // The scorer validates the cohort and rules first: bad input is reported, nothing changes.
    pairing::PairScorer scorer(view.cohort, settings.rules);
    const auto details = ps.proposals(programme.id);
    std::map<std::string, int> room;
    for (const auto& m : view.cohort.mentors) room[m.id] = m.capacity;
    for (const auto& a : view.accepted) --room[a.mentor_id];

    std::vector<pairing::PairRef> kept = view.accepted;
    auto discard = [&](const Pair& p, const std::string& why) {
      ps.discard(p.id);
      summary["discarded"].push_back({{"pair_id", p.id},
                                      {"mentee_id", p.mentee_id},
                                      {"mentor_id", p.mentor_id},
                                      {"why", why}});
    };
    // HR's locks and mentees' open requests take the mentors' room before other proposals.
    auto is_locked = [&](const Pair& p) {
      const auto d = details.find(p.id);
      return (d != details.end() && d->second.locked) || open_requests.count(p.id) > 0;
    };
    std::stable_partition(view.proposals.begin(), view.proposals.end(), is_locked);
    for (const auto& p : view.proposals) {
      pairing::StandingProposalFacts facts;
      facts.members_waiting =
          view.waiting_mentees.count(p.mentee_id) && mentor_at.count(p.mentor_id);
      if (facts.members_waiting)
        facts.rule = scorer.check(mentee_at[p.mentee_id], mentor_at[p.mentor_id]);
      facts.forbidden_by_hr = forbidden.count({p.mentee_id, p.mentor_id}) > 0;
      // A mentee's open request stands like a lock until the mentor answers.
      facts.locked = is_locked(p);
      facts.rerun = mode == Mode::kRerun;
      facts.mentor_room = facts.members_waiting ? room[p.mentor_id] : 0;
      const pairing::ProposalFate fate = pairing::judge_standing_proposal(facts);
      if (pairing::is_discarded(fate)) {
        discard(p, pairing::explain(fate, facts.rule));
        continue;
      }
      --room[p.mentor_id];
      if (fate == pairing::ProposalFate::kKeepLocked) {
        controls.locked.push_back({p.mentee_id, p.mentor_id});
      } else {
        kept.push_back({p.mentee_id, p.mentor_id});
      }
      summary["kept"] = summary["kept"].get<int>() + 1;
    }

    const pairing::Proposal result =
        pairing::place_newcomers(view.cohort, settings.rules, kept, controls);
    for (const auto& w : result.warnings) view.notes.push_back(w);
    for (const auto& pair : result.pairs) {
      if (pair.locked) continue;  // accepted, locked or kept: already stored
      const Enrolment& mentee = view.mentee_enrolments[pair.mentee];
      const Enrolment& mentor = view.mentor_enrolments[pair.mentor];
      const auto id =
          c.store.insert_pair(programme.id, mentee.id, mentor.id, PairState::proposed, c.now);
      std::vector<store::CriterionScore> breakdown;
      for (std::size_t i = 0; i < pairing::kCriterionCount; ++i) {
        breakdown.push_back(
            {std::string(pairing::criterion_name(static_cast<pairing::Criterion>(i))),
             pair.score.contribution[i]});
      }
      ps.save_proposal(id, breakdown, c.now);
      summary["proposed"].push_back({{"pair_id", id},
                                     {"mentee_id", mentee.person_id},
                                     {"mentor_id", mentor.person_id},
                                     {"score", pair.score.total}});
    }
    std::vector<store::UnmatchedNote> notes;
    for (const auto& u : result.unmatched) {
      const Enrolment& e = view.mentee_enrolments[u.mentee];
      notes.push_back({e.id, e.person_id, std::string(reason_name(u.reason)), u.explanation});
    }
    ps.replace_unmatched(programme.id, notes, c.now);
    summary["unmatched"] = notes.size();
  }
  for (const auto& n : view.notes) summary["notes"].push_back(n);
  return summary;
}

// A command's pass: a programme whose matching cannot run (its rules and the people's records
// disagree) refuses the command with the engine's words; nothing of the command is stored.
json plan_for_command(RunContext& c, const Programme& programme, Mode mode,
                      std::string_view command) {
  try {
    return plan_programme(c, programme, mode);
  } catch (const pairing::PairingInputError& e) {
    throw_invalid_input(std::string(command) + ": cannot pair " + programme.id + ": " + e.what());
  }
}

// ------------------------------------------------------------------ commands

std::string person_name(RunContext& c, const std::string& id) {
  auto people = c.store.people({id});
  return people.empty() ? "" : people.begin()->second.name;
}

Pair find_pair(RunContext& c, const json& input) {
  const auto id = input.at("pair_id").get<std::int64_t>();
  for (const auto& p : c.store.pairs()) {
    if (p.id == id) return p;
  }
  throw_invalid_input("/pair_id: found " + std::to_string(id) +
                      "; expected the id of a stored pair proposal");
}

// Who acts, as stored beside a request, an answer or a forbid: a participant's
// person id, or "<role>: <name>" for HR and admin (from the caller, never the input).
std::string acting(const RunContext& c) {
  return c.caller.is_participant() ? c.caller.person_id : domain::recorded_by_label(c.caller);
}

Pair find_proposal(RunContext& c, const json& input) {
  Pair p = find_pair(c, input);
  if (p.state != PairState::proposed) {
    throw_invalid_input("/pair_id: pair " + std::to_string(p.id) + " is " +
                        std::string(to_string(p.state)) + "; expected a proposal");
  }
  return p;
}

std::vector<const Programme*> programmes_asked(RunContext& c, std::string_view command,
                                               const json& input) {
  std::vector<const Programme*> out;
  if (input.contains("programme")) {
    out.push_back(&programme_for(c, command, input));
  } else {
    for (const auto& p : c.programmes) out.push_back(&p);
  }
  return out;
}

// HR's view: scores and reasons, never the goal or the wishes themselves.
json list_proposals(RunContext& c, const json& input) {
  json out = json::array();
  for (const Programme* programme : programmes_asked(c, "pairing_proposals", input)) {
    store::PairRepository& ps = c.store.pair_repository();
    const auto details = ps.proposals(programme->id);
    const pairing::MatchingRules weights = settings_for(c, programme->id).rules;
    json proposals = json::array();
    for (const auto& p : c.store.pairs(programme->id)) {
      if (p.state == PairState::ended) continue;
      json row = {{"pair_id", p.id},          {"state", to_string(p.state)},
                  {"mentee_id", p.mentee_id}, {"mentee_name", person_name(c, p.mentee_id)},
                  {"mentor_id", p.mentor_id}, {"mentor_name", person_name(c, p.mentor_id)}};
      json mentee_number = employee_number_of(c, p.mentee_id);
      json mentor_number = employee_number_of(c, p.mentor_id);
      if (!mentee_number.is_null()) row["mentee_employee_number"] = mentee_number;
      if (!mentor_number.is_null()) row["mentor_employee_number"] = mentor_number;
      auto d = details.find(p.id);
      if (d == details.end()) {
        row["recorded_without_proposal"] = true;  // paired by hand with the `pair` command
        proposals.push_back(row);
        continue;
      }
      row["locked"] = d->second.locked;
      row["score"] = d->second.score;
      json breakdown = json::object();
      std::array<double, pairing::kCriterionCount> contribution{};
      for (const auto& s : d->second.breakdown) {
        breakdown[s.criterion] = s.contribution;
        for (std::size_t i = 0; i < pairing::kCriterionCount; ++i) {
          if (pairing::criterion_name(static_cast<pairing::Criterion>(i)) == s.criterion)
            contribution[i] = s.contribution;
        }
      }
      row["breakdown"] = breakdown;
      // Per criterion, in words: what it measures and what it meant for this pair.
      json explanation = json::array();
      for (const auto& e : pairing::explain_score(contribution, weights.weights)) {
        explanation.push_back({{"criterion", pairing::criterion_name(e.criterion)},
                               {"about", pairing::describe(e.criterion)},
                               {"weight", e.weight},
                               {"value", e.value},
                               {"contribution", e.contribution},
                               {"level", pairing::to_string(e.level)},
                               {"words", e.words}});
      }
      row["explanation"] = explanation;
      if (d->second.mentee_accepted_by) row["accepted_by_mentee"] = *d->second.mentee_accepted_by;
      if (d->second.mentor_accepted_by) row["accepted_by_mentor"] = *d->second.mentor_accepted_by;
      proposals.push_back(row);
    }
    json unmatched = json::array();
    for (const auto& u : ps.unmatched(programme->id)) {
      json row = {{"person_id", u.person_id},
                  {"name", person_name(c, u.person_id)},
                  {"reason", u.reason},
                  {"explanation", u.explanation}};
      json number = employee_number_of(c, u.person_id);
      if (!number.is_null()) row["employee_number"] = number;
      unmatched.push_back(std::move(row));
    }
    out.push_back({{"programme", programme->id},
                   {"accepted_by", settings_for(c, programme->id).accepted_by_pair ? "pair" : "hr"},
                   {"proposals", proposals},
                   {"unmatched", unmatched}});
  }
  return {{"programmes", out}};
}

json lock(RunContext& c, const json& input) {
  Pair p = find_proposal(c, input);
  store::PairRepository& ps = c.store.pair_repository();
  if (!ps.proposal(p.id))
    throw_invalid_input("/pair_id: pair " + std::to_string(p.id) + " has no proposal details");
  const bool locked = !input.value("unlock", false);
  ps.set_locked(p.id, locked);
  return {{"pair_id", p.id}, {"locked", locked}};
}

// Forbidding a running pair is refused (pairing::check_forbid): the engine keeps running pairs
// as they are, so the forbid could never hold; HR ends the pair first through the normal path.
json forbid(RunContext& c, const json& input) {
  const Programme& programme = programme_for(c, "pairing_forbid", input);
  const std::string mentee = input.at("mentee_id").get<std::string>();
  const std::string mentor = input.at("mentor_id").get<std::string>();
  for (const auto& p : c.store.pairs(programme.id)) {
    const bool running =
        p.mentee_id == mentee && p.mentor_id == mentor && p.state == PairState::accepted;
    if (const auto refusal = pairing::check_forbid(running);
        refusal != pairing::ForbidRefusal::kNone) {
      throw_invalid_input("/mentor_id: pair " + std::to_string(p.id) + " (mentee " + mentee +
                          ", mentor " + mentor + ") in " + programme.id + ": " +
                          std::string(pairing::describe(refusal)));
    }
  }
  store::PairRepository& ps = c.store.pair_repository();
  ps.forbid(programme.id, {mentee, mentor, acting(c), c.now});
  json out = {{"programme", programme.id}, {"mentee_id", mentee}, {"mentor_id", mentor}};
  // The incremental pass discards the forbidden proposal and places the mentee again at once.
  json pass = plan_for_command(c, programme, Mode::kIncremental, "pairing_forbid");
  out["discarded"] = pass["discarded"];
  out["proposed"] = pass["proposed"];
  return out;
}

json unforbid(RunContext& c, const json& input) {
  const Programme& programme = programme_for(c, "pairing_unforbid", input);
  const std::string mentee = input.at("mentee_id").get<std::string>();
  const std::string mentor = input.at("mentor_id").get<std::string>();
  store::PairRepository& ps = c.store.pair_repository();
  if (!ps.unforbid(programme.id, mentee, mentor)) {
    throw_invalid_input("/mentor_id: found \"" + mentor +
                        "\"; expected a mentor HR forbade for mentee " + mentee + " in " +
                        programme.id + " (pairing_forbid)");
  }
  // The mentee may be placed with that mentor again: an incremental pass at once.
  json pass = plan_for_command(c, programme, Mode::kIncremental, "pairing_unforbid");
  return {{"programme", programme.id},
          {"mentee_id", mentee},
          {"mentor_id", mentor},
          {"proposed", pass["proposed"]}};
}

// ------------------------------------------------------------------ participant choice

pairing::ChoiceRules choice_rules(const Programme& programme) {
  return {programme.participant_choice.mentee_requests_mentor,
          programme.participant_choice.mentor_may_decline};
}

// The mentee's own notes for their pair: a mentoring question, wishes, a goal. Stored with the
// enrolment; never shown in HR's rows or a summary, so the answer names only what was stored.
json set_wishes(RunContext& c, const json& input) {
  json which = input;
  which["role"] = "mentee";
  const Programme& programme = find_programme(c, which);
  const Enrolment e = find_open_enrolment(c, programme, which);
  auto optional_field = [&](const char* name) -> std::optional<std::string> {
    if (!input.contains(name)) return std::nullopt;
    return input[name].get<std::string>();
  };
  const auto question = optional_field("mentoring_question");
  const auto wishes = optional_field("wishes");
  const auto goal = optional_field("goal");
  if (!question && !wishes && !goal) {
    throw_invalid_input(
        "/mentoring_question: found nothing to store; expected mentoring_question, wishes "
        "or goal");
  }
  c.store.pair_repository().set_private_notes(e.id, goal, wishes, question);
  json stored = json::array();
  if (question) stored.push_back("mentoring_question");
  if (wishes) stored.push_back("wishes");
  if (goal) stored.push_back("goal");
  return {{"programme", programme.id}, {"person_id", e.person_id}, {"stored", stored}};
}

[[noreturn]] void choice_refused(const char* field, const Programme& programme,
                                 pairing::ChoiceRefusal refusal) {
  throw_invalid_input(std::string(field) + ": " + programme.id + ": " +
                      std::string(pairing::describe(refusal)));
}

// A mentee asks for one mentor: a proposal when the pair is allowed (the same rules as `pair`),
// the mentor told and asked to answer. Where mentors may not decline, the request pairs them.
json request_mentor(RunContext& c, const json& input) {
  const std::string mentee_id = input.at("mentee_id").get<std::string>();
  const std::string mentor_id = input.at("mentor_id").get<std::string>();
  json which = input;
  if (!which.contains("programme")) {
    which["person_id"] = mentee_id;
    which["role"] = "mentee";
  }
  const Programme& programme = find_programme(c, which);
  const auto rules = choice_rules(programme);
  if (auto refusal = pairing::check_request(rules); refusal != pairing::ChoiceRefusal::kNone)
    choice_refused("/programme", programme, refusal);
  const std::string by = acting(c);
  json pair_input = {
      {"programme", programme.id}, {"mentee_id", mentee_id}, {"mentor_id", mentor_id}};
  if (!rules.mentor_may_decline) {
    // Nothing to ask: the mentee's choice is the pair (all of `pair`'s rules apply).
    json paired = record_accepted_pair(c, pair_input);
    json out = {{"programme", programme.id}, {"pair_id", paired.at("pair_id")},
                {"state", "accepted"},       {"mentee_id", mentee_id},
                {"mentor_id", mentor_id},    {"waiting_for", json::array()}};
    if (paired.contains("replaced_proposal"))
      out["replaced_proposal"] = paired["replaced_proposal"];
    return out;
  }
  const Enrolment mentee = open_enrolment(c, programme, mentee_id, Role::mentee, "/mentee_id");
  const Enrolment mentor = open_enrolment(c, programme, mentor_id, Role::mentor, "/mentor_id");
  store::PairRepository& ps = c.store.pair_repository();
  std::optional<Pair> standing;
  pairing::ManualPairFacts facts = manual_pair_facts(c, programme, mentee, mentor, standing);
  // Open requests to the mentor take room too, so that every request can be accepted.
  const auto open = ps.open_requests(programme.id);
  for (const auto& p : c.store.pairs(programme.id)) {
    if (p.mentor_enrolment_id == mentor.id && p.mentee_enrolment_id != mentee.id &&
        std::find(open.begin(), open.end(), p.id) != open.end())
      ++facts.mentor_open_requests;
  }
  if (const auto refusal = pairing::check_manual_pair(facts);
      refusal != pairing::ManualPairRefusal::kNone) {
    throw_invalid_input(std::string(pairing::field_of(refusal)) + ": " +
                        pairing::explain(refusal, facts));
  }
  json out = {{"programme", programme.id},
              {"mentee_id", mentee_id},
              {"mentor_id", mentor_id},
              {"state", "proposed"},
              {"waiting_for", json::array({mentor_id})}};
  std::int64_t id = 0;
  const auto fate = pairing::fate_of_standing_proposal(
      standing ? std::optional<std::string>(standing->mentor_id) : std::nullopt, mentor_id);
  if (fate == pairing::StandingProposalFate::kBecomesThePair) {
    id = standing->id;  // the engine proposed the very mentor: that proposal is the request
  } else {
    if (fate == pairing::StandingProposalFate::kReplaced) {
      c.store.set_pair_state(standing->id, PairState::ended, c.now,
                             "replaced: " + mentee_id + " asked for mentor " + mentor_id +
                                 " instead of " + standing->mentor_id + ", by " + by);
      out["replaced_proposal"] = {{"pair_id", standing->id}, {"mentor_id", standing->mentor_id}};
    }
    id = c.store.insert_pair(programme.id, mentee.id, mentor.id, PairState::proposed, c.now);
    ps.save_proposal(id, {}, c.now);
  }
  if (ps.request(id))
    throw_invalid_input("/mentor_id: " + mentee_id + " already asked " + mentor_id);
  ps.save_request(id, by, c.now);
  ps.record_acceptance(id, Role::mentee, by);
  out["pair_id"] = id;

  // The mentor is asked, with the mentee's question: theirs to read, as the future pair.
  const json mentee_contact = contact_of(c, mentee_id);
  const std::string mentee_name =
      mentee_contact.contains("name") ? mentee_contact["name"].get<std::string>() : mentee_id;
  const store::PrivateNotes notes = ps.private_notes(mentee.id);
  std::string text = mentee_name + " asks you to be their mentor in " + programme.name + ".";
  if (!notes.mentoring_question.empty())
    text += " Their mentoring question: " + notes.mentoring_question;
  text += " Please answer: accept, or decline with a reason.";
  store::SqliteOutboxRepository outbox(c.store.session());
  enqueue_action(c, outbox,
                 action_key(ActionKind::notify, ActionTopic::pair_request, c.organisation,
                            {std::to_string(id)}),
                 mentor_id, programme.id,
                 {{"to", contact_of(c, mentor_id)},
                  {"subject", programme.name + ": a mentee asks you to mentor them"},
                  {"text", text},
                  {"mentee", mentee_contact},
                  {"mentor", contact_of(c, mentor_id)},
                  {"link", make_link(c, links::Purpose::mentor_proposal, std::to_string(id),
                                     mentor_id, links::mentor_proposal_link_expiry(c.today))}});
  return out;
}

// The mentor answers a mentee's request. Accepting records the pair; declining (with a reason)
// ends the proposal, returns the mentee to the pool with that mentor excluded for them, tells the
// mentee, and places them again at once.
json mentor_answer(RunContext& c, const json& input) {
  const auto id = input.at("pair_id").get<std::int64_t>();
  Pair p = find_pair(c, input);
  const Programme& programme =
      programme_for(c, "pairing_mentor_answer", json{{"programme", p.programme_id}});
  store::PairRepository& ps = c.store.pair_repository();
  const auto request = ps.request(id);
  const auto answer = pairing::parse_mentor_answer(input.at("answer").get<std::string>());
  const std::string reason = input.value("reason", "");
  const std::string by = acting(c);
  const auto refusal =
      pairing::check_answer(choice_rules(programme), *answer, reason, request.has_value(),
                            (request && request->answer) || p.state != PairState::proposed);
  if (refusal != pairing::ChoiceRefusal::kNone) {
    throw_invalid_input(std::string(refusal == pairing::ChoiceRefusal::kReasonMissing ? "/reason"
                                    : refusal == pairing::ChoiceRefusal::kDeclineNotOffered
                                        ? "/answer"
                                        : "/pair_id") +
                        ": pair " + std::to_string(id) + " (mentee " + p.mentee_id + ", mentor " +
                        p.mentor_id + "): " + std::string(pairing::describe(refusal)));
  }
  ps.record_answer(id, std::string(pairing::to_string(*answer)), reason, by, c.now);
  json out = {{"pair_id", id}, {"answer", pairing::to_string(*answer)}};
  if (*answer == pairing::MentorAnswer::kAccept) {
    ps.record_acceptance(id, Role::mentor, by);
    json paired = record_accepted_pair(
        c, {{"programme", p.programme_id}, {"mentee_id", p.mentee_id}, {"mentor_id", p.mentor_id}},
        id);
    out["state"] = "accepted";
    out["mentee"] = paired.at("mentee");
    out["mentor"] = paired.at("mentor");
    return out;
  }
  c.store.set_pair_state(id, PairState::ended, c.now,
                         "declined by mentor " + p.mentor_id + ": " + reason + " (by " + by + ")");
  ps.record_decline(p.programme_id, p.mentee_enrolment_id, p.mentor_id, reason, by, c.now);
  store::SqliteOutboxRepository outbox(c.store.session());
  const json mentor_contact = contact_of(c, p.mentor_id);
  const std::string mentor_name =
      mentor_contact.contains("name") ? mentor_contact["name"].get<std::string>() : p.mentor_id;
  enqueue_action(c, outbox,
                 action_key(ActionKind::notify, ActionTopic::pair_request_answer, c.organisation,
                            {std::to_string(id), "decline"}),
                 p.mentee_id, p.programme_id,
                 {{"to", contact_of(c, p.mentee_id)},
                  {"subject", programme.name + ": your request for a mentor"},
                  {"text", mentor_name + " cannot be your mentor: " + reason +
                               ". You are back among those waiting for a mentor; you may ask "
                               "another, or be proposed one."},
                  {"mentor", mentor_contact}});
  json pass = plan_for_command(c, programme, Mode::kIncremental, "pairing_mentor_answer");
  out["state"] = "declined";
  out["proposed"] = pass["proposed"];
  return out;
}

json rerun(RunContext& c, const json& input) {
  json out = json::object();
  for (const Programme* programme : programmes_asked(c, "pairing_rerun", input)) {
    out[programme->id] = plan_programme(c, *programme, Mode::kRerun);
  }
  return {{"programmes", out}};
}

// Turns a proposal into an accepted pair with the enrolment runner's own
// checks, enrolment steps and notifications, in one transaction: the proposal
// row becomes the pair.
json accept(RunContext& c, const json& input) {
  const std::string by = acting(c);
  Transaction txn(c.store.database());
  Pair p = find_proposal(c, input);
  store::PairRepository& ps = c.store.pair_repository();
  if (!ps.proposal(p.id))
    throw_invalid_input("/pair_id: pair " + std::to_string(p.id) + " has no proposal details");
  if (const auto request = ps.request(p.id); request && !request->answer) {
    throw_invalid_input("/pair_id: pair " + std::to_string(p.id) + " is mentee " + p.mentee_id +
                        "'s request, waiting for mentor " + p.mentor_id +
                        "'s answer; expected pairing_mentor_answer");
  }
  json waiting = json::array();
  if (settings_for(c, p.programme_id).accepted_by_pair) {
    // The pair's own acceptance: only the mentee or mentor themself, never HR for them.
    if (!c.caller.is_participant() || (by != p.mentee_id && by != p.mentor_id)) {
      throw_invalid_input("/pair_id: pair " + std::to_string(p.id) + " in " + p.programme_id +
                          ": the pair accepts its proposal; found a caller " + by +
                          "; expected mentee " + p.mentee_id + " or mentor " + p.mentor_id +
                          " themself (their own token)");
    }
    ps.record_acceptance(p.id, by == p.mentee_id ? Role::mentee : Role::mentor, by);
    const auto d = ps.proposal(p.id);
    if (!d->mentee_accepted_by) waiting.push_back(p.mentee_id);
    if (!d->mentor_accepted_by) waiting.push_back(p.mentor_id);
  }
  if (!waiting.empty()) {
    txn.commit();
    return {{"proposal_id", p.id}, {"state", "proposed"}, {"waiting_for", waiting}};
  }
  json paired = record_accepted_pair(
      c, {{"programme", p.programme_id}, {"mentee_id", p.mentee_id}, {"mentor_id", p.mentor_id}},
      p.id);
  txn.commit();
  return {{"proposal_id", p.id},
          {"state", "accepted"},
          {"pair_id", paired.at("pair_id")},
          {"mentee", paired.at("mentee")},
          {"mentor", paired.at("mentor")}};
}

}  // namespace

// A programme whose pass fails is rolled back and the others still run; then the pass throws,
// naming each failed programme, so the run reports the module as failed (never hidden in the
// summary).
json run_pairing(RunContext& c) {
  json by_programme = json::object();
  std::string failures;
  for (const auto& programme : c.programmes) {
    try {
      Transaction txn(c.store.database());
      by_programme[programme.id] = plan_programme(c, programme, Mode::kIncremental);
      txn.commit();
    } catch (const pairing::PairingInputError& e) {
      failures += (failures.empty() ? "" : "; ") + std::string("cannot pair ") + programme.id +
                  ": " + e.what();
    }
  }
  if (!failures.empty()) throw std::runtime_error("pairing: " + failures);
  return {{"enabled", true}, {"status", "ran"}, {"programmes", by_programme}};
}

std::optional<json> pairing_command(RunContext& c, std::string_view command, const json& input) {
  struct Entry {
    const char* schema;
    json (*handler)(RunContext&, const json&);
    bool own_transactions;  // accept runs the `pair` command, which has its own
  };
  static const std::map<std::string, Entry, std::less<>> kCommands = {
      {"pairing_proposals", {"pairing-proposals", &list_proposals, false}},
      {"pairing_accept", {"pairing-accept", &accept, true}},
      {"pairing_lock", {"pairing-lock", &lock, false}},
      {"pairing_forbid", {"pairing-forbid", &forbid, false}},
      {"pairing_rerun", {"pairing-rerun", &rerun, false}},
      {"pairing_unforbid", {"pairing-unforbid", &unforbid, false}},
      {"pairing_wishes", {"pairing-wishes", &set_wishes, false}},
      {"pairing_request", {"pairing-request", &request_mentor, false}},
      {"pairing_mentor_answer", {"pairing-mentor-answer", &mentor_answer, false}},
  };
  auto it = kCommands.find(command);
  if (it == kCommands.end()) return std::nullopt;
  require_valid_input(command, it->second.schema, input);
  if (it->second.own_transactions) return it->second.handler(c, input);
  Transaction txn(c.store.database());  // a savepoint when link_act runs it
  json out = it->second.handler(c, input);
  txn.commit();
  return out;
}

std::vector<std::string> pairing_command_names() {
  return {"pairing_proposals", "pairing_accept",  "pairing_lock",
          "pairing_forbid",    "pairing_rerun",   "pairing_unforbid",
          "pairing_wishes",    "pairing_request", "pairing_mentor_answer"};
}

}  // namespace mentoring::shell
