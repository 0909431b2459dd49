// Recording an accepted pair: the one path every pairing takes (HR's `pair` command, an accepted
// proposal, a mentor accepting a mentee's request). The rules of who may be paired by hand are
// the domain's (mentoring/pairing/manual.hpp); this file loads the facts, asks, stores the pair,
// brings both enrolments up to date (enrolment's advance_enrolment) and notifies both members.
#include "pairing_runner.hpp"

#include "link_runner.hpp"

#include <mentoring/domain/management_chain.hpp>
#include <mentoring/domain/programme_shape.hpp>
#include <mentoring/pairing/manual.hpp>
#include <mentoring/store/outbox_repository.hpp>
#include <mentoring/store/pair_repository.hpp>
#include <mentoring/training/training.hpp>

#include <algorithm>

namespace mentoring::shell {

using json = nlohmann::json;
using namespace mentoring::domain;
namespace pairing = mentoring::pairing;

namespace {

std::string name_of(const json& contact) {
  return contact.contains("name") ? contact["name"].get<std::string>()
                                  : contact.at("person_id").get<std::string>();
}

// Who makes first contact in this programme (pair_sessions.first_contact_by, default mentee).
pairing::FirstContactBy first_contact_by(const RunContext& c, const std::string& programme_id) {
  const json section = programme_section(c, programme_id, "pair_sessions");
  return pairing::parse_first_contact_by(section.value("first_contact_by", "mentee"))
      .value_or(pairing::FirstContactBy::kMentee);
}

}  // namespace

pairing::ManualPairFacts manual_pair_facts(RunContext& c, const Programme& programme,
                                           const Enrolment& mentee, const Enrolment& mentor,
                                           std::optional<Pair>& standing) {
  pairing::ManualPairFacts facts;
  facts.mentee_id = mentee.person_id;
  facts.mentor_id = mentor.person_id;
  facts.mentee_state = mentee.state;
  facts.mentor_state = mentor.state;
  standing.reset();
  for (const auto& p : c.store.pairs(programme.id)) {
    if (p.state == PairState::accepted && p.mentee_enrolment_id == mentee.id)
      facts.mentee_has_running_pair = true;
    if (p.state == PairState::accepted && p.mentor_enrolment_id == mentor.id)
      ++facts.mentor_running_pairs;
    if (p.state == PairState::proposed && p.mentee_enrolment_id == mentee.id) standing = p;
  }
  // Training switched off for the organisation: no course is required.
  const auto training_rules = training::rules_for(programme, Role::mentor);
  facts.training_required = c.policy.modules.training && !training_rules.required_courses.empty();
  facts.mentor_trained = !facts.training_required ||
                         training::training_complete(
                             training_rules, c.store.completions_of(mentor.person_id), c.today);
  facts.mentor_capacity = domain::effective_mentor_capacity(programme);  // a circle: its size
  facts.in_management_chain =
      management_chains(c).in_same_chain(mentee.person_id, mentor.person_id);
  store::PairRepository& ps = c.store.pair_repository();
  for (const auto& f : ps.forbidden(programme.id)) {
    facts.forbidden_by_hr |= f.mentee_id == mentee.person_id && f.mentor_id == mentor.person_id;
  }
  const auto declined = ps.declined_by(mentee.id);
  facts.declined_by_mentor =
      std::find(declined.begin(), declined.end(), mentor.person_id) != declined.end();
  return facts;
}

json record_accepted_pair(RunContext& c, const json& input,
                          std::optional<std::int64_t> proposal_id) {
  const std::string mentee_id = input.at("mentee_id").get<std::string>();
  const std::string mentor_id = input.at("mentor_id").get<std::string>();
  json which = input;  // without /programme: the only programme where the mentee waits
  if (!which.contains("programme")) {
    which["person_id"] = mentee_id;
    which["role"] = "mentee";
  }
  const Programme& programme = find_programme(c, which);
  Enrolment mentee = open_enrolment(c, programme, mentee_id, Role::mentee, "/mentee_id");
  Enrolment mentor = open_enrolment(c, programme, mentor_id, Role::mentor, "/mentor_id");
  store::PairRepository& ps = c.store.pair_repository();

  std::optional<Pair> standing;  // the mentee's proposal, if any
  const pairing::ManualPairFacts facts = manual_pair_facts(c, programme, mentee, mentor, standing);

  const pairing::ManualPairRefusal refusal = pairing::check_manual_pair(facts);
  if (refusal != pairing::ManualPairRefusal::kNone) {
    throw_invalid_input(std::string(pairing::field_of(refusal)) + ": " +
                        pairing::explain(refusal, facts));
  }

  const std::string by = domain::recorded_by_words(c.caller, mentee.person_id);
  json out = json::object();
  std::int64_t id = 0;
  const auto fate = pairing::fate_of_standing_proposal(
      standing ? std::optional<std::string>(standing->mentor_id) : std::nullopt, mentor.person_id);
  if (fate == pairing::StandingProposalFate::kReplaced) {
    c.store.set_pair_state(standing->id, PairState::ended, c.now,
                           "replaced: " + mentee.person_id + " paired with mentor " +
                               mentor.person_id + " instead of " + standing->mentor_id + ", " + by);
    out["replaced_proposal"] = {{"pair_id", standing->id}, {"mentor_id", standing->mentor_id}};
  }
  if (proposal_id) {
    id = *proposal_id;  // the proposal row becomes the pair: its scores stay with it
  } else if (fate == pairing::StandingProposalFate::kBecomesThePair) {
    id = standing->id;
  }
  if (id != 0) {
    c.store.set_pair_state(id, PairState::accepted, c.now, "");
  } else {
    id = c.store.insert_pair(programme.id, mentee.id, mentor.id, PairState::accepted, c.now);
  }
  c.store.transition(mentee.id, mentee.state, c.now,
                     "paired with mentor " + mentor.person_id + ", " + by);
  advance_enrolment(c, programme, mentee);
  advance_enrolment(c, programme, mentor);

  // Both members are told, each with the other's contact details and who makes first contact.
  // The mentee's own notes (goal, wishes, mentoring question) go to their mentor only.
  store::SqliteOutboxRepository outbox(c.store.session());
  const json mentee_contact = contact_of(c, mentee.person_id);
  const json mentor_contact = contact_of(c, mentor.person_id);
  const auto first = first_contact_by(c, programme.id);
  const store::PrivateNotes notes = ps.private_notes(mentee.id);
  const Pair the_pair{id,
                      programme.id,
                      mentee.id,
                      mentor.id,
                      mentee.person_id,
                      mentor.person_id,
                      PairState::accepted,
                      c.today,
                      std::nullopt};
  for (const Role role : {Role::mentee, Role::mentor}) {
    const std::string& member = role == Role::mentee ? mentee.person_id : mentor.person_id;
    std::string text = role == Role::mentee
                           ? "You are paired with your mentor " + name_of(mentor_contact) + "."
                           : "You are paired with your mentee " + name_of(mentee_contact) + ".";
    text += " " + pairing::first_contact_words(first, role, name_of(mentee_contact),
                                               name_of(mentor_contact));
    if (role == Role::mentor) {
      if (!notes.mentoring_question.empty())
        text += " Their mentoring question: " + notes.mentoring_question;
      if (!notes.goal.empty()) text += " Their goal: " + notes.goal;
    }
    enqueue_action(c, outbox,
                   action_key(ActionKind::notify, ActionTopic::paired, c.organisation,
                              {std::to_string(id), member}),
                   member, programme.id,
                   {{"to", role == Role::mentee ? mentee_contact : mentor_contact},
                    {"subject", programme.name + ": you have been paired"},
                    {"text", text},
                    {"mentee", mentee_contact},
                    {"mentor", mentor_contact},
                    {"link", pair_link(c, the_pair, member)}});
  }
  out["pair_id"] = id;
  out["mentee"] = enrolment_row(c, *c.store.enrolment(mentee.id));
  out["mentor"] = enrolment_row(c, *c.store.enrolment(mentor.id));
  return out;
}

// The `pair` command (listed among enrolment's commands, enrolment_runner.cpp).
json make_pair(RunContext& c, const json& input) {
  return record_accepted_pair(c, input);
}

}  // namespace mentoring::shell
