// Enrolment's part of the plugin shell: leave-linked invitations and the
// commands HR staff use to follow them.
#include "run_context.hpp"

#include <mentoring/enrolment/plan.hpp>
#include <mentoring/schema.hpp>
#include <mentoring/store/outbox.hpp>

#include <SQLiteCpp/Transaction.h>

#include <set>

namespace mentoring::shell {

using json = nlohmann::json;
using namespace mentoring::domain;

std::string invitation_key(const std::string& organisation, const std::string& programme,
                           const std::string& person, const std::string& leave) {
  return "invite/" + organisation + "/" + programme + "/" + person + "/" + leave;
}

// Invitations and withdrawals for every programme, each with its history row
// and its write-back action, in one transaction per programme.
json run_enrolment(RunContext& c) {
const Date today = c.today;
const std::string& now = c.now;
const std::string& organisation_ = c.organisation;
store::OrgStore* store_ = &c.store;
  json invited = json::array(), withdrawn = json::array();
  store::Outbox outbox(store_->database());
  std::vector<Leave> leaves = store_->leaves_for_planning(today);
  for (const auto& programme : c.programmes) {
    auto enrolments = store_->enrolments(programme.id);
    std::set<std::string> ids;
    for (const auto& l : leaves) ids.insert(l.person_id);
    for (const auto& e : enrolments) ids.insert(e.person_id);
    auto people = store_->people(ids);
    auto plan = enrolment::plan(programme, people, leaves, enrolments, today);

    SQLite::Transaction txn(store_->database());
    for (const auto& inv : plan.invitations) {
      const Person& person = people.at(inv.person_id);
      Enrolment e{0, inv.person_id, programme.id, Role::mentee, EnrolmentState::invited, inv.leave_id};
      store_->insert_enrolment(e, now, inv.cause);
      std::string key = invitation_key(organisation_, programme.id, inv.person_id, inv.leave_id);
      json action = {
          {"idempotency_key", key},
          {"type", "invite"},
          {"organisation", organisation_},
          {"person_id", inv.person_id},
          {"programme_id", programme.id},
          {"created_at", now},
          {"payload",
           {{"to", {{"name", person.name}, {"email", person.email ? json(*person.email) : json(nullptr)}}},
            {"subject", "An invitation to " + programme.name},
            {"text", "You have leave coming up from " + format_date(inv.leave_start) +
                         ". " + programme.name +
                         " pairs you with a colleague who has been through the same; taking "
                         "part is voluntary. Please answer by " +
                         format_date(inv.respond_by) + "."},
            {"programme", {{"id", programme.id}, {"name", programme.name}}},
            {"leave", {{"id", inv.leave_id}, {"type", to_string(inv.leave_type)},
                       {"start", format_date(inv.leave_start)}}},
            {"respond_by", format_date(inv.respond_by)}}}};
      outbox.enqueue(key, "invite", action.dump(), now);
      invited.push_back({{"person_id", inv.person_id},
                         {"name", person.name},
                         {"programme", programme.id},
                         {"leave_id", inv.leave_id},
                         {"leave_type", to_string(inv.leave_type)},
                         {"leave_start", format_date(inv.leave_start)},
                         {"respond_by", format_date(inv.respond_by)}});
    }
    for (const auto& w : plan.withdrawals) {
      store_->transition(w.enrolment_id, EnrolmentState::withdrawn, now, w.cause);
      std::string key = "withdraw/" + organisation_ + "/" + programme.id + "/" + w.person_id +
                        "/" + w.leave_id;
      auto person = people.find(w.person_id);
      json action = {{"idempotency_key", key},
                     {"type", "withdraw_invitation"},
                     {"organisation", organisation_},
                     {"person_id", w.person_id},
                     {"programme_id", programme.id},
                     {"created_at", now},
                     {"payload",
                      {{"reason", w.cause},
                       {"programme", {{"id", programme.id}, {"name", programme.name}}},
                       {"invitation_key",
                        invitation_key(organisation_, programme.id, w.person_id, w.leave_id)}}}};
      outbox.enqueue(key, "withdraw_invitation", action.dump(), now);
      withdrawn.push_back({{"person_id", w.person_id},
                           {"name", person != people.end() ? person->second.name : ""},
                           {"programme", programme.id},
                           {"reason", w.cause}});
    }
    txn.commit();
  }
  return {{"enabled", true},
          {"status", "ran"},
          {"invited", invited},
          {"withdrawn", withdrawn},
          {"open_invitations", store_->counts().open_invitations}};
}

static json history(RunContext& c, const json& in) {
store::OrgStore* store_ = &c.store;
  if (!in.contains("person_id") || !in["person_id"].is_string()) {
    throw Error(MENTORING_ERR_INVALID_INPUT,
                "history: /person_id: found " +
                    (in.contains("person_id") ? schema::describe(in["person_id"]) : "(missing)") +
                    "; expected a person id string");
  }
  json out = json::array();
  for (const auto& t : store_->history(in["person_id"].get<std::string>())) {
    out.push_back({{"programme", t.programme_id}, {"role", t.role}, {"from", t.from_state},
                   {"to", t.to_state}, {"at", t.at}, {"cause", t.cause}});
  }
  return {{"person_id", in["person_id"]}, {"transitions", out}};
}

std::optional<json> enrolment_command(RunContext& c, std::string_view command, const json& input) {
  if (command == "history") return history(c, input);
  return std::nullopt;
}

}  // namespace mentoring::shell
