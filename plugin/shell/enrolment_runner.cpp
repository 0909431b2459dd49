// Enrolment's part of the plugin shell: the daily run and the commands HR staff
// use to follow and steer it. The rules (lifecycle steps, leave changes,
// invitations and their rounds, reminders, pay it forward, extension,
// nomination) are plugin/enrolment's; this file loads the records, calls them,
// stores each state change with its cause and turns the effects into actions
// and JSON, in one transaction per programme or command.
#include "link_runner.hpp"
#include "run_context.hpp"

#include <mentoring/domain/management_chain.hpp>
#include <mentoring/enrolment/lifecycle.hpp>
#include <mentoring/enrolment/plan.hpp>
#include <mentoring/enrolment/rules.hpp>
#include <mentoring/schema.hpp>
#include <mentoring/store/outbox_repository.hpp>
#include <mentoring/training/training.hpp>

#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <set>

namespace mentoring::shell {

using json = nlohmann::json;
using namespace mentoring::domain;
using enrolment::Situation;

ActionKey invitation_key(const std::string& organisation, const std::string& programme,
                         const std::string& person, const std::string& leave, Role role) {
  return enrolment::invitation_key(organisation, programme, person, leave, role, 1);
}

namespace {

constexpr int kMaxStepsPerRun = 12;

// The context of one programme inside a run or a command.
struct ProgrammeRun {
  RunContext& c;
  const Programme& programme;
  store::SqliteOutboxRepository outbox;
  std::vector<Pair> pairs;
  json invited = json::array(), withdrawn = json::array(), moved = json::array(),
       questions = json::array(), steps = json::array();
  std::set<std::int64_t> partner_of_ended_pair;  // to be advanced again in the same run

  ProgrammeRun(RunContext& context, const Programme& p)
      : c(context),
        programme(p),
        outbox(context.store.session()),
        pairs(context.store.pairs(p.id)) {}

  std::optional<Person> person(const std::string& id) {
    auto found = c.store.people({id});
    if (found.empty()) return std::nullopt;
    return found.begin()->second;
  }

  json contact(const std::string& person_id) {
    auto p = person(person_id);
    if (!p) return {{"person_id", person_id}};
    return {{"person_id", person_id},
            {"name", p->name},
            {"email", p->email ? json(*p->email) : json(nullptr)}};
  }

  json manager_email() const {
    return c.policy.programme_manager_email ? json(*c.policy.programme_manager_email)
                                            : json(nullptr);
  }

  std::string timezone() const { return c.policy.timezone; }

  int round_of(const Enrolment& e) {
    // The round counts the person's earlier enrolments for the same leave: theirs are enough.
    return enrolment::invitation_round(e, c.store.enrolments_of(e.person_id));
  }

  // The invitation e was sent, withdrawn: its key is the withdrawal's, and the
  // payload names the invitation's (a mentee's for the leave and round, or a mentor's).
  void withdraw_invitation(const Enrolment& e, const std::string& reason) {
    int round = round_of(e);
    std::string leave = e.leave_id.value_or("");
    enqueue(enrolment::withdrawal_key(c.organisation, programme.id, e.person_id, leave, round),
            e.person_id,
            {{"reason", reason},
             {"programme", {{"id", programme.id}, {"name", programme.name}}},
             {"invitation_key", enrolment::invitation_key(c.organisation, programme.id, e.person_id,
                                                          leave, e.role, round)
                                    .text}});
  }

  // Asks the programme manager (a task), once per question and leave version.
  void ask(Enrolment& e, const enrolment::Question& question) {
    if (e.needs_decision == question.words) return;
    e.needs_decision = question.words;
    enqueue(key(ActionKind::task, ActionTopic::decision,
                {programme.id, e.person_id, e.leave_fingerprint.value_or("")}),
            e.person_id,
            {{"to", {{"role", "programme_manager"}, {"email", manager_email()}}},
             {"subject", programme.name + ": a decision is needed for " + e.person_id},
             {"text", question.words},
             {"about", contact(e.person_id)}});
    questions.push_back({{"person_id", e.person_id},
                         {"question", question.words},
                         {"reason", enrolment::to_string(question.reason)}});
  }

  void enqueue(const ActionKey& key, const std::string& person_id, json payload) {
    enqueue_action(c, outbox, key, person_id, programme.id, std::move(payload));
  }
  ActionKey key(ActionKind kind, ActionTopic topic, std::initializer_list<std::string_view> parts) {
    return action_key(kind, topic, c.organisation, parts);
  }

  std::vector<const Pair*> accepted_pairs_of(const Enrolment& e) const {
    std::vector<const Pair*> out;
    for (const auto& p : pairs) {
      if (p.state != PairState::accepted) continue;
      if (p.mentee_enrolment_id == e.id || p.mentor_enrolment_id == e.id) out.push_back(&p);
    }
    return out;
  }

  // When e was paired: its first accepted pair's day (none while unpaired).
  std::optional<Date> paired_on(const std::vector<const Pair*>& pairs_of_e) const {
    if (pairs_of_e.empty()) return std::nullopt;
    return pairs_of_e.front()->accepted_on;
  }

  // This role's required courses complete and valid today (training/); with
  // the training module switched off nothing is required.
  bool training_complete(Role role, const std::string& person_id) {
    if (!enrolment::training_required(c.policy)) return true;
    auto rules = training::rules_for(programme, role);
    if (rules.required_courses.empty()) return true;
    return training::training_complete(rules, c.store.completions_of(person_id), c.today);
  }

  void invite_action(std::int64_t enrolment_id, const std::string& person_id,
                     const std::string& leave_id, std::optional<Date> leave_start, Date respond_by,
                     Role role, int round = 1) {
    ActionKey key =
        enrolment::invitation_key(c.organisation, programme.id, person_id, leave_id, role, round);
    auto who = person(person_id);
    std::string text =
        role == Role::mentee
            ? "You have leave coming up from " + format_date(leave_start.value_or(c.today)) + ". " +
                  programme.name +
                  " pairs you with a colleague who has been through the same; taking part is "
                  "voluntary. Please answer by " +
                  format_date(respond_by) + "."
            : "You have been through " + programme.name +
                  " yourself. Would you help a colleague the same way, as a mentor? Taking part "
                  "is voluntary. Please answer by " +
                  format_date(respond_by) + ".";
    json payload = {{"to", contact(person_id)},
                    {"role", to_string(role)},
                    {"subject", "An invitation to " + programme.name},
                    {"text", text},
                    {"programme", {{"id", programme.id}, {"name", programme.name}}},
                    {"respond_by", format_date(respond_by)},
                    {"link", invitation_link(enrolment_id, person_id, respond_by)}};
    if (round > 1) {
      payload["subject"] = "Another invitation to " + programme.name;
      payload["text"] = "We have not heard from you yet. " + text;
    }
    if (!leave_id.empty()) {
      auto leave = c.store.leave(leave_id);
      if (leave) {
        payload["leave"] = {{"id", leave_id},
                            {"type", to_string(leave->type)},
                            {"start", format_date(leave->start)}};
      }
    }
    enqueue(key, person_id, payload);
    invited.push_back(
        {{"person_id", person_id},
         {"name", who ? who->name : ""},
         {"programme", programme.id},
         {"role", to_string(role)},
         {"leave_id", leave_id},
         {"leave_type", payload.contains("leave") ? payload["leave"]["type"] : json("")},
         {"leave_start", payload.contains("leave") ? payload["leave"]["start"] : json("")},
         {"respond_by", format_date(respond_by)},
         {"round", round}});
  }

  // The person's own way to answer (plugin/links: until respond_by and a grace).
  json invitation_link(std::int64_t enrolment_id, const std::string& person_id, Date respond_by) {
    return make_link(c, links::Purpose::invitation, std::to_string(enrolment_id), person_id,
                     links::invitation_link_expiry(respond_by));
  }

  // The touchpoints of a paired or active mentee: scheduled, moved (with a
  // new SEQUENCE for the calendar) and written back.
  void reschedule(const Enrolment& e, const Leave* leave, std::optional<Date> paired_on,
                  bool only_future) {
    auto plan = enrolment::schedule(programme, leave, paired_on);
    // Each attendee with their own pair link (a mentee's: their first pair's); none while unpaired.
    const auto pairs_of_e = accepted_pairs_of(e);
    const json touchpoint_link =
        pairs_of_e.empty() ? json(nullptr) : pair_link(c, *pairs_of_e.front(), e.person_id);
    json attendees = json::array({contact(e.person_id)});
    if (!touchpoint_link.is_null()) attendees.back()["link"] = touchpoint_link;
    for (const Pair* p : pairs_of_e) {
      attendees.push_back(contact(p->mentor_id));
      attendees.back()["link"] = pair_link(c, *p, p->mentor_id);
    }
    for (const auto& t : plan) {
      if (only_future && t.due < c.today) continue;
      auto [sequence, changed] = c.store.schedule_touchpoint(e.id, t.name, t.due);
      if (!changed) continue;
      // The uid is the key without its version: stored keys and uids keep this form.
      std::string uid = std::string(key_prefix(ActionTopic::touchpoint)) + "/" + c.organisation +
                        "/" + std::to_string(e.id) + "/" + t.name;
      json payload = {{"uid", uid},
                      {"sequence", sequence},
                      {"method", "REQUEST"},
                      {"kind", "touchpoint"},
                      {"summary", programme.name + ": " + t.name},
                      {"description", programme.name + ": " + t.name + " (" + t.phase + "), due " +
                                          format_date(t.due) + "."},
                      {"phase", t.phase},
                      {"date", format_date(t.due)},
                      {"start_time", nullptr},
                      {"duration_minutes", nullptr},
                      {"timezone", timezone()},
                      {"location", nullptr},
                      {"attendees", attendees}};
      // The event's own link only when the mentee is its one attendee: a link
      // acts as the person it names (with mentors, each has theirs above).
      if (!touchpoint_link.is_null() && attendees.size() == 1) payload["link"] = touchpoint_link;
      enqueue(key(ActionKind::calendar_event, ActionTopic::touchpoint,
                  {std::to_string(e.id), t.name, std::to_string(sequence)}),
              e.person_id, std::move(payload));
      moved.push_back({{"person_id", e.person_id},
                       {"touchpoint", t.name},
                       {"due", format_date(t.due)},
                       {"sequence", sequence}});
    }
  }

  void end_pairs(const Enrolment& e, const std::string& cause) {
    for (auto& p : pairs) {
      if (p.state != PairState::accepted) continue;
      if (p.mentee_enrolment_id != e.id && p.mentor_enrolment_id != e.id) continue;
      c.store.set_pair_state(p.id, PairState::ended, c.now, cause);
      p.state = PairState::ended;
      partner_of_ended_pair.insert(p.mentee_enrolment_id == e.id ? p.mentor_enrolment_id
                                                                 : p.mentee_enrolment_id);
      std::string other = p.mentee_enrolment_id == e.id ? p.mentor_id : p.mentee_id;
      enqueue(key(ActionKind::notify, ActionTopic::pair_ended, {std::to_string(p.id)}), other,
              {{"to", contact(other)},
               {"subject", programme.name + ": your pairing has ended"},
               {"text", "Your pairing has ended: " + cause +
                            ". The programme manager will be in touch about what comes next."}});
    }
  }

  // One enrolment brought up to date: leave changes noticed, questions asked,
  // lifecycle steps applied with their side effects.
  void advance(Enrolment& e) {
    if (!is_open(e.state)) return;
    const Enrolment before = e;  // its details are written back only when they changed
    std::optional<Leave> leave = e.leave_id ? c.store.leave(*e.leave_id) : std::nullopt;
    std::optional<Person> who = person(e.person_id);
    std::optional<std::string> seen_while_open = e.leave_fingerprint;

    if (leave) {
      auto pairs_of_e = accepted_pairs_of(e);
      std::optional<Date> paired_on_e = paired_on(pairs_of_e);
      std::string fingerprint = enrolment::leave_fingerprint(*leave);
      if (auto change = enrolment::leave_change(programme, e, e.leave_fingerprint, *leave,
                                                paired_on_e, c.today)) {
        c.store.transition(e.id, e.state, c.now, change->words, e.phase);
        if (change->reschedule) {
          reschedule(e, &*leave, paired_on_e, /*only_future=*/true);
          for (const Pair* p : pairs_of_e) {
            c.store.mark_pair_leave_changed(p->id, change->words);
            for (const auto& member : {p->mentee_id, p->mentor_id}) {
              enqueue(key(ActionKind::notify, ActionTopic::leave_change,
                          {std::to_string(p->id), member, fingerprint}),
                      member,
                      {{"to", contact(member)},
                       {"subject", programme.name + ": dates moved"},
                       {"text", change->words + ". Your planned touchpoints have moved with it."},
                       {"link", pair_link(c, *p, member)}});
            }
          }
        }
        if (change->ends_on) e.ends_on = change->ends_on;
        e.leave_fingerprint = fingerprint;
        if (change->question) ask(e, *change->question);
      }
    }

    for (int i = 0; i < kMaxStepsPerRun; ++i) {
      auto pairs_of_e = accepted_pairs_of(e);
      // Mentors train before they are assignable; mentees once they are matched. Completions
      // are looked up only in a state whose step reads them (the waiting list never does).
      const auto reads = enrolment::training_facts_read(e.state);
      Situation situation{e,
                          who ? &*who : nullptr,
                          leave ? &*leave : nullptr,
                          !reads.training_complete || e.role == Role::mentee ||
                              training_complete(Role::mentor, e.person_id),
                          !reads.pair_training_complete || e.role == Role::mentor ||
                              training_complete(Role::mentee, e.person_id),
                          !pairs_of_e.empty()};
      auto step = enrolment::next_step(programme, situation, c.today);
      if (!step) break;
      EnrolmentState from = e.state;
      c.store.transition(e.id, step->to, c.now, step->cause, step->phase);
      e.state = step->to;
      e.phase = step->phase;
      steps.push_back({{"person_id", e.person_id},
                       {"from", to_string(from)},
                       {"to", to_string(step->to)},
                       {"cause", step->cause},
                       {"why", enrolment::to_string(step->why)}});
      if (step->to == EnrolmentState::withdrawn) {
        if (from == EnrolmentState::invited) {
          withdraw_invitation(e, step->cause);
        }
        end_pairs(e, e.person_id + " withdrawn: " + step->cause);
        withdrawn.push_back({{"person_id", e.person_id},
                             {"name", who ? who->name : ""},
                             {"programme", programme.id},
                             {"reason", step->cause},
                             {"why", enrolment::to_string(step->why)}});
      }
      if (step->to == EnrolmentState::active && from == EnrolmentState::paired) {
        e.started_on = c.today;
        if (e.role == Role::mentee) {
          reschedule(e, leave ? &*leave : nullptr, paired_on(pairs_of_e), /*only_future=*/false);
          e.ends_on = enrolment::planned_end_of(programme, e, leave ? &*leave : nullptr,
                                                paired_on(pairs_of_e));
        }
      }
      if (step->to == EnrolmentState::completed) {
        enqueue(key(ActionKind::notify, ActionTopic::completed, {std::to_string(e.id)}),
                e.person_id,
                {{"to", contact(e.person_id)},
                 {"subject", programme.name + ": completed"},
                 {"text",
                  "Your mentoring programme has ended. Thank you for taking part; an "
                  "anonymous evaluation form follows."}});
        end_pairs(e, "programme completed");
      }
    }
    // The sessions' tracking lasts until ends_on: an active mentee always has one.
    if (!e.ends_on) {
      e.ends_on = enrolment::planned_end_of(programme, e, leave ? &*leave : nullptr,
                                            paired_on(accepted_pairs_of(e)));
    }
    if (leave) e.leave_fingerprint = enrolment::leave_to_remember(e, seen_while_open, *leave);
    if (details_changed(before, e)) c.store.update_details(e, c.now);
  }

  // What update_details writes (consent only when set: the store keeps an earlier one).
  static bool details_changed(const Enrolment& a, const Enrolment& b) {
    return a.phase != b.phase || a.respond_by != b.respond_by ||
           (b.consent_on && a.consent_on != b.consent_on) || a.started_on != b.started_on ||
           a.ends_on != b.ends_on || a.needs_decision != b.needs_decision ||
           a.leave_fingerprint != b.leave_fingerprint;
  }

  void reminders() {
    // Only an open invitation has reminders (reminders_due).
    for (const auto& e : c.store.enrolments_in_states(programme.id, {EnrolmentState::invited})) {
      for (int day : enrolment::reminders_due(programme, e, c.today)) {
        // The enrolment id in the key: a new round is a new enrolment, so its reminders are new.
        enqueue(key(ActionKind::reminder, ActionTopic::invitation_reminder,
                    {programme.id, e.person_id, std::to_string(e.id), std::to_string(day)}),
                e.person_id,
                {{"to", contact(e.person_id)},
                 {"subject", "Reminder: your invitation to " + programme.name},
                 {"text", "Please answer by " + format_date(e.respond_by.value_or(c.today)) + "."},
                 {"link", invitation_link(e.id, e.person_id, e.respond_by.value_or(c.today))}});
      }
    }
  }

  void pay_it_forward() {
    if (!programme.pay_it_forward_after_months) return;
    const std::vector<EnrolmentState> any_state(std::begin(kEnrolmentStates),
                                                std::end(kEnrolmentStates));
    std::set<std::string> has_mentor_enrolment;
    for (const auto& e : c.store.enrolments_in_states(programme.id, any_state, Role::mentor))
      has_mentor_enrolment.insert(e.person_id);
    for (const auto& e :
         c.store.enrolments_in_states(programme.id, {EnrolmentState::completed}, Role::mentee)) {
      auto leave = e.leave_id ? c.store.leave(*e.leave_id) : std::nullopt;
      auto who = person(e.person_id);
      if (enrolment::pay_it_forward_block(programme, e, leave ? &*leave : nullptr,
                                          who ? &*who : nullptr,
                                          has_mentor_enrolment.count(e.person_id) > 0, c.today)) {
        continue;
      }
      Date respond_by = c.today + std::chrono::days{programme.invitation_expiry_days};
      Enrolment mentor =
          Enrolment::make(e.person_id, programme.id, Role::mentor, EnrolmentState::invited);
      mentor.respond_by = respond_by;
      const auto mentor_id = c.store.insert_enrolment(
          mentor, c.now,
          "pay it forward: completed the programme as a mentee and back for " +
              std::to_string(*programme.pay_it_forward_after_months) + " months");
      invite_action(mentor_id, e.person_id, "", std::nullopt, respond_by, Role::mentor);
      has_mentor_enrolment.insert(e.person_id);
    }
  }

  // Flags a pair whose mentor is (now) in the mentee's management chain.
  void management_chain_check(ManagementChains chains) {
    for (const auto& p : pairs) {
      if (p.state != PairState::accepted) continue;
      if (!chains.in_same_chain(p.mentee_id, p.mentor_id)) continue;
      auto e = c.store.enrolment(p.mentee_enrolment_id);
      if (!e) continue;
      auto question = enrolment::mentor_in_chain_question(p.mentee_id, p.mentor_id);
      if (e->needs_decision == question.words) continue;
      e->needs_decision = question.words;
      c.store.update_details(*e, c.now);
      enqueue(key(ActionKind::task, ActionTopic::management_chain,
                  {std::to_string(p.id), c.now.substr(0, 10)}),
              p.mentee_id,
              {{"to", {{"role", "programme_manager"}, {"email", manager_email()}}},
               {"subject", programme.name + ": pairing rule broken"},
               {"text", question.words}});
      questions.push_back({{"person_id", p.mentee_id},
                           {"question", question.words},
                           {"reason", enrolment::to_string(question.reason)}});
    }
  }

  void run() {
    // The open enrolments only (the programme's history is never advanced again), in id order.
    for (auto& e : c.store.enrolments_in_states(programme.id, enrolment::open_states())) advance(e);
    // A pair that ended during this pass moves its other member today, not tomorrow.
    while (!partner_of_ended_pair.empty()) {
      auto id = *partner_of_ended_pair.begin();
      partner_of_ended_pair.erase(partner_of_ended_pair.begin());
      if (auto e = c.store.enrolment(id)) advance(*e);
    }
    bool any_pair = std::any_of(pairs.begin(), pairs.end(),
                                [](const Pair& p) { return p.state == PairState::accepted; });
    if (any_pair) management_chain_check(management_chains(c));  // only when needed

    // What the plan reads, as the domain asks for it: the leave starting within its window
    // and that of open enrolments, the open enrolments, and only for the leaves it may invite
    // (or waiting places it may promote) their people and the enrolments of that leave.
    const auto window = enrolment::planning_window(programme, c.today);
    std::vector<Leave> leaves =
        c.store.leaves_for_planning(window.first, window.last, programme.id);
    auto enrolments = c.store.enrolments_in_states(programme.id, enrolment::open_states());
    const auto needs = enrolment::plan_needs(programme, leaves, enrolments, c.today);
    std::set<std::int64_t> loaded;
    for (const auto& e : enrolments) loaded.insert(e.id);
    for (const auto& [person_id, leave_id] : needs.histories) {
      for (auto& e : c.store.enrolments_of(person_id)) {
        if (e.programme_id == programme.id && e.leave_id == leave_id && loaded.insert(e.id).second)
          enrolments.push_back(std::move(e));
      }
    }
    auto people = c.store.people(needs.people);
    auto plan = enrolment::plan(programme, people, leaves, enrolments, c.today);

    for (const auto& promotion : plan.promotions) {
      auto e = c.store.enrolment(promotion.enrolment_id);
      c.store.transition(promotion.enrolment_id, EnrolmentState::invited, c.now, promotion.cause);
      e->state = EnrolmentState::invited;
      e->respond_by = promotion.respond_by;
      c.store.update_details(*e, c.now);
      auto leave = c.store.leave(promotion.leave_id);
      invite_action(promotion.enrolment_id, promotion.person_id, promotion.leave_id,
                    leave ? std::optional(leave->start) : std::nullopt, promotion.respond_by,
                    Role::mentee, promotion.round);
    }
    for (const auto& inv : plan.invitations) {
      Enrolment e = Enrolment::make(
          inv.person_id, programme.id, Role::mentee,
          inv.waitlisted ? EnrolmentState::eligible : EnrolmentState::invited, inv.leave_id);
      if (!inv.waitlisted) e.respond_by = inv.respond_by;
      auto leave = c.store.leave(inv.leave_id);
      if (leave) e.leave_fingerprint = enrolment::leave_fingerprint(*leave);
      const auto enrolment_id = c.store.insert_enrolment(e, c.now, inv.cause);
      if (!inv.waitlisted) {
        invite_action(enrolment_id, inv.person_id, inv.leave_id, inv.leave_start, inv.respond_by,
                      Role::mentee, inv.round);
      }
    }
    reminders();
    pay_it_forward();
  }
};

json count_states(store::OrgStore& store, const std::string& programme) {
  json out = json::object();
  for (const auto& row : store.count_enrolment_states(programme)) {
    out[std::string(to_string(row.role)) + "s_" + std::string(to_string(row.state))] = row.count;
  }
  return out;
}

}  // namespace

json run_enrolment(RunContext& c) {
  json invited = json::array(), withdrawn = json::array(), moved = json::array(),
       questions = json::array(), steps = json::array(), by_programme = json::object();
  for (const auto& programme : c.programmes) {
    Transaction txn(c.store.database());
    ProgrammeRun run(c, programme);
    run.run();
    txn.commit();
    for (auto& x : run.invited) invited.push_back(x);
    for (auto& x : run.withdrawn) withdrawn.push_back(x);
    for (auto& x : run.moved) moved.push_back(x);
    for (auto& x : run.questions) questions.push_back(x);
    for (auto& x : run.steps) steps.push_back(x);
    by_programme[programme.id] = count_states(c.store, programme.id);
  }
  return {{"enabled", true},
          {"status", "ran"},
          {"invited", invited},
          {"withdrawn", withdrawn},
          {"steps", steps},
          {"touchpoints_scheduled", moved},
          {"questions_for_programme_manager", questions},
          {"states", by_programme},
          {"open_invitations", c.store.count_enrolments_in(EnrolmentState::invited)}};
}

// ------------------------------------------------------------------ commands

// The programme a command is about: named, the only one, or the only one in
// which the person has an open enrolment of the role.
const Programme& find_programme(RunContext& c, const json& input) {
  if (!input.contains("programme") && input.contains("person_id") && c.programmes.size() > 1) {
    std::set<std::string> open_in;
    for (const auto& e : c.store.enrolments_of(input["person_id"].get<std::string>())) {
      if (is_open(e.state) && std::string(to_string(e.role)) == input.value("role", "mentee")) {
        open_in.insert(e.programme_id);
      }
    }
    if (open_in.size() == 1) {
      json named = input;
      named["programme"] = *open_in.begin();
      return programme_for(c, "", named);
    }
  }
  return programme_for(c, "", input);
}

Enrolment find_open_enrolment(RunContext& c, const Programme& programme, const json& input) {
  return open_enrolment(c, programme, input.at("person_id").get<std::string>(),
                        input.value("role", "mentee") == "mentor" ? Role::mentor : Role::mentee);
}

Enrolment open_enrolment(RunContext& c, const Programme& programme, const std::string& person,
                         Role role_wanted, std::string_view field) {
  std::string role(to_string(role_wanted));
  std::optional<Enrolment> found;
  for (const auto& e : c.store.enrolments_of(person)) {
    if (e.programme_id == programme.id && std::string(to_string(e.role)) == role &&
        is_open(e.state)) {
      found = e;
    }
  }
  if (!found) {
    throw_invalid_input(std::string(field) + ": found \"" + person +
                        "\"; expected a person with an open " + role + " enrolment in " +
                        programme.id);
  }
  return *found;
}

json enrolment_row(RunContext& c, const Enrolment& e) {
  auto people = c.store.people({e.person_id});
  json row = {{"person_id", e.person_id},
              {"name", people.empty() ? "" : people.begin()->second.name},
              {"programme", e.programme_id},
              {"role", to_string(e.role)},
              {"state", to_string(e.state)}};
  if (!people.empty() && people.begin()->second.employee_number)
    row["employee_number"] = *people.begin()->second.employee_number;
  if (e.phase) row["phase"] = to_string(*e.phase);
  if (e.leave_id) row["leave_id"] = *e.leave_id;
  if (e.respond_by) row["respond_by"] = format_date(*e.respond_by);
  if (e.ends_on) row["ends_on"] = format_date(*e.ends_on);
  if (e.needs_decision) row["needs_decision"] = *e.needs_decision;
  return row;  // never the goal or wishes: those belong to the pair
}

json contact_of(RunContext& c, const std::string& person_id) {
  return ProgrammeRun(c, c.programmes.front()).contact(person_id);
}

void advance_enrolment(RunContext& c, const Programme& programme, Enrolment& e) {
  ProgrammeRun(c, programme).advance(e);
}

namespace {

bool in_programme(const json& input, const Enrolment& e) {
  return !input.contains("programme") || input["programme"] == e.programme_id;
}

json list_eligible(RunContext& c, const json& input) {
  json waiting = json::array(), upcoming = json::array();
  for (const auto& e : c.store.enrolments_in({EnrolmentState::eligible})) {
    if (in_programme(input, e)) waiting.push_back(enrolment_row(c, e));
  }
  for (const auto& programme : c.programmes) {
    if (input.contains("programme") && input["programme"] != programme.id) continue;
    const auto leaves = c.store.leaves_for_planning(c.today);
    for (const auto& u :
         enrolment::upcoming_leaves(programme, leaves, c.store.enrolments(programme.id), c.today)) {
      upcoming.push_back({{"person_id", u.leave->person_id},
                          {"programme", programme.id},
                          {"leave_id", u.leave->id},
                          {"leave_type", to_string(u.leave->type)},
                          {"leave_start", format_date(u.leave->start)},
                          {"reason", enrolment::to_string(u.reason)},
                          {"not_yet_because", u.words}});
    }
  }
  return {{"waiting_for_a_place", waiting}, {"upcoming", upcoming}};
}

json list_invitations(RunContext& c, const json& input) {
  int within = input.value("expiring_within_days", 7);
  json out = json::array();
  for (const auto& e : c.store.enrolments_in({EnrolmentState::invited})) {
    if (!in_programme(input, e)) continue;
    json row = enrolment_row(c, e);
    row["about_to_expire"] = e.respond_by && days_between(c.today, *e.respond_by) <= within;
    out.push_back(row);
  }
  return {{"invitations", out}};
}

json list_waiting(RunContext& c, const json& input) {
  json out = json::array();
  for (const auto& e :
       c.store.enrolments_in({EnrolmentState::consented, EnrolmentState::awaiting_training,
                              EnrolmentState::awaiting_pair})) {
    if (in_programme(input, e)) out.push_back(enrolment_row(c, e));
  }
  return {{"waiting", out}};
}

json list_changed_pairs(RunContext& c, const json& input) {
  json out = json::array();
  for (const auto& [pair, change] : c.store.pairs_with_leave_changes()) {
    if (input.contains("programme") && input["programme"] != pair.programme_id) continue;
    json row = {{"pair_id", pair.id},
                {"programme", pair.programme_id},
                {"mentee_id", pair.mentee_id},
                {"mentor_id", pair.mentor_id},
                {"change", change}};
    json mentee_number = employee_number_of(c, pair.mentee_id);
    json mentor_number = employee_number_of(c, pair.mentor_id);
    if (!mentee_number.is_null()) row["mentee_employee_number"] = mentee_number;
    if (!mentor_number.is_null()) row["mentor_employee_number"] = mentor_number;
    out.push_back(std::move(row));
  }
  return {{"pairs", out}};
}

json history(RunContext& c, const json& in) {
  json out = json::array();
  for (const auto& t : c.store.history(in.at("person_id").get<std::string>())) {
    json row = {{"programme", t.programme_id},
                {"role", t.role},
                {"from", t.from_state},
                {"to", t.to_state},
                {"at", t.at},
                {"cause", t.cause}};
    if (!t.phase.empty()) row["phase"] = t.phase;
    out.push_back(row);
  }
  json answer = {{"person_id", in["person_id"]}, {"transitions", out}};
  json number = employee_number_of(c, in["person_id"].get<std::string>());
  if (!number.is_null()) answer["employee_number"] = number;
  return answer;
}

// Who did it, from the caller the host authenticated (never from the input):
// the person themself, or HR / admin on their behalf.
std::string recorded_by(const RunContext& c, const json& input) {
  return domain::recorded_by_words(c.caller, input.value("person_id", ""));
}

json answer(RunContext& c, const json& input, bool accept) {
  const Programme& programme = find_programme(c, input);
  Enrolment e = find_open_enrolment(c, programme, input);
  if (e.state != EnrolmentState::invited) {
    throw_invalid_input("/person_id: " + e.person_id + " is " + std::string(to_string(e.state)) +
                        "; expected an open invitation to answer");
  }
  ProgrammeRun run(c, programme);
  if (accept) {
    e.consent_on = c.today;
    // Consent is the person's own only when they gave it themself (their token).
    c.store.transition(e.id, EnrolmentState::consented, c.now,
                       c.caller.is_person(e.person_id)
                           ? std::string("consent given by the person themself")
                           : "consent " + recorded_by(c, input));
    e.state = EnrolmentState::consented;
    if (input.contains("goal") || input.contains("wishes")) {
      c.store.set_goal(e.id, input.value("goal", ""), input.value("wishes", ""));
    }
    c.store.update_details(e, c.now);
    run.advance(e);
  } else {
    std::string reason = input.value("reason", "");
    c.store.transition(e.id, EnrolmentState::declined, c.now,
                       "declined " + recorded_by(c, input) + (reason.empty() ? "" : ": " + reason));
    e.state = EnrolmentState::declined;
  }
  return {{"enrolment", enrolment_row(c, *c.store.enrolment(e.id))}};
}

json withdraw(RunContext& c, const json& input) {
  const Programme& programme = find_programme(c, input);
  Enrolment e = find_open_enrolment(c, programme, input);
  ProgrammeRun run(c, programme);
  std::string cause =
      "withdrawn " + recorded_by(c, input) + ": " + input.at("reason").get<std::string>();
  EnrolmentState from = e.state;
  c.store.transition(e.id, EnrolmentState::withdrawn, c.now, cause);
  e.state = EnrolmentState::withdrawn;
  if (from == EnrolmentState::invited) {
    run.withdraw_invitation(e, cause);
  }
  run.end_pairs(e, cause);
  return {{"enrolment", enrolment_row(c, *c.store.enrolment(e.id))}};
}

json extend(RunContext& c, const json& input) {
  const Programme& programme = find_programme(c, input);
  Enrolment e = find_open_enrolment(c, programme, input);
  auto extension = enrolment::extension(programme, e, input.at("months").get<int>(), c.today);
  if (extension.refusal == enrolment::ExtensionRefusal::not_active) {
    throw_invalid_input("/person_id: " + extension.words);
  }
  if (extension.refusal) throw_invalid_input("/months: " + extension.words);
  e.ends_on = extension.ends_on;
  c.store.transition(e.id, EnrolmentState::extended, c.now,
                     extension.words + ", " + recorded_by(c, input), e.phase);
  e.state = EnrolmentState::extended;
  c.store.update_details(e, c.now);
  return {{"enrolment", enrolment_row(c, *c.store.enrolment(e.id))}};
}

json nominate(RunContext& c, const json& input) {
  const Programme& programme = find_programme(c, input);
  std::string person_id = input.at("person_id").get<std::string>();
  Role role = input.value("role", "mentor") == "mentor" ? Role::mentor : Role::mentee;
  auto people = c.store.people({person_id});
  if (people.empty())
    throw_invalid_input("/person_id: found \"" + person_id + "\"; expected a known person");
  auto check =
      enrolment::nomination(programme, role, people.begin()->second, c.store.leaves_of(person_id),
                            c.store.enrolments_of(person_id), c.today);
  if (check.refusal) throw_invalid_input(check.field + ": " + check.words);
  Enrolment e = Enrolment::make(person_id, programme.id, role, EnrolmentState::consented);
  e.consent_on = c.today;
  e.id = c.store.insert_enrolment(
      e, c.now, "volunteered as " + std::string(to_string(role)) + ", " + recorded_by(c, input));
  ProgrammeRun run(c, programme);
  run.advance(e);
  return {{"enrolment", enrolment_row(c, *c.store.enrolment(e.id))}};
}

}  // namespace

// The `pair` command: pairing's (pair_recording.cpp).
json make_pair(RunContext& c, const json& input);

namespace {

json decide(RunContext& c, const json& input) {
  const Programme& programme = find_programme(c, input);
  Enrolment e = find_open_enrolment(c, programme, input);
  if (!e.needs_decision)
    throw_invalid_input("/person_id: " + e.person_id + " has no open question");
  std::string decision = input.at("decision").get<std::string>();
  std::string question = *e.needs_decision;
  e.needs_decision.reset();
  c.store.update_details(e, c.now);
  if (decision == "withdraw") {
    json w = input;
    w["reason"] = "programme manager decided: " + question;
    return withdraw(c, w);
  }
  c.store.transition(
      e.id, e.state, c.now,
      "programme manager decided to continue (" + question + "), " + recorded_by(c, input),
      e.phase);
  return {{"enrolment", enrolment_row(c, *c.store.enrolment(e.id))}};
}

json acknowledge_change(RunContext& c, const json& input) {
  std::int64_t id = input.at("pair_id").get<std::int64_t>();
  auto pairs = c.store.pairs();
  if (std::none_of(pairs.begin(), pairs.end(), [&](const Pair& p) { return p.id == id; })) {
    throw_invalid_input("/pair_id: found " + std::to_string(id) + "; expected the id of a pair");
  }
  c.store.clear_pair_leave_changed(id);
  return {{"ok", true}};
}

}  // namespace

std::optional<json> enrolment_command(RunContext& c, std::string_view command, const json& input) {
  static const std::map<std::string, json (*)(RunContext&, const json&), std::less<>> kCommands = {
      {"eligible", &list_eligible},
      {"invitations", &list_invitations},
      {"waiting", &list_waiting},
      {"changed_pairs", &list_changed_pairs},
      {"acknowledge_change", &acknowledge_change},
      {"history", &history},
      {"accept", [](RunContext& c, const json& in) { return answer(c, in, true); }},
      {"decline", [](RunContext& c, const json& in) { return answer(c, in, false); }},
      {"withdraw", &withdraw},
      {"extend", &extend},
      {"nominate", &nominate},
      {"pair", &make_pair},
      {"decide", &decide},
  };
  auto it = kCommands.find(command);
  if (it == kCommands.end()) return std::nullopt;
  require_valid_input(command, command, input);
  Transaction txn(c.store.database());  // a savepoint when link_act runs it
  json out = it->second(c, input);
  txn.commit();
  return out;
}

std::vector<std::string> enrolment_command_names() {
  return {"eligible", "invitations", "waiting", "changed_pairs", "acknowledge_change",
          "history",  "accept",      "decline", "withdraw",      "extend",
          "nominate", "pair",        "decide"};
}

}  // namespace mentoring::shell
