// The loadable mentoring plugin (mentoring.so): one instance per organisation.
// Commands (JSON in, JSON out):
//   check                 open the store, report its schema version and counts
//   run                   sync, enrolment, write-back; answers a summary
//   history {person_id}   a person's enrolment transitions with their causes
#include <mentoring/enrolment/plan.hpp>
#include <mentoring/module.hpp>
#include <mentoring/schema.hpp>
#include <mentoring/store/org_store.hpp>
#include <mentoring/store/outbox.hpp>
#include <mentoring/sync/codec.hpp>
#include <mentoring/sync/sync.hpp>

#include <SQLiteCpp/Transaction.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <set>

namespace {

using json = nlohmann::json;
using namespace mentoring;
using namespace mentoring::domain;

constexpr const char* kModules[] = {"enrolment", "training", "pairing", "supervision", "evaluation"};

std::string iso_time(std::int64_t unix_ms) {
  using namespace std::chrono;
  auto t = sys_time<milliseconds>{milliseconds{unix_ms}};
  auto day = floor<days>(t);
  hh_mm_ss time{floor<seconds>(t - day)};
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%sT%02d:%02d:%02dZ", format_date(day).c_str(),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()));
  return buffer;
}

// The key of the invitation for one leave; its withdrawal refers to it.
std::string invitation_key(const std::string& organisation, const std::string& programme,
                           const std::string& person, const std::string& leave) {
  return "invite/" + organisation + "/" + programme + "/" + person + "/" + leave;
}

class MentoringPlugin : public Module {
 public:
  MentoringPlugin(const Host& host, std::string_view config_text) : host_(host) {
    config_ = schema::parse(config_text, "plugin config");
    organisation_ = config_.at("id").get<std::string>();
    for (std::size_t i = 0; i < config_.at("programmes").size(); ++i) {
      const json& definition = config_["programmes"][i];
      std::string source = "organisation " + organisation_ + " programme #" + std::to_string(i);
      auto problems = schema::validate("programme", definition, source);
      if (!problems.empty()) {
        throw Error(MENTORING_ERR_INVALID_INPUT, schema::ValidationError(std::move(problems)).what());
      }
      try {
        programmes_.push_back(sync::programme_from_json(definition));
      } catch (const std::exception& e) {
        throw Error(MENTORING_ERR_INVALID_INPUT, source + ": " + e.what());
      }
    }
    store_ = std::make_unique<store::OrgStore>(host_.storage_directory(), organisation_);
  }

  std::string call(std::string_view command, std::string_view input) override {
    json in = schema::parse(input.empty() ? std::string_view("{}") : input,
                            std::string(command) + " input");
    if (command == "check") return check().dump();
    if (command == "run") return run().dump();
    if (command == "history") return history(in).dump();
    throw Error(MENTORING_ERR_UNKNOWN_COMMAND,
                "mentoring plugin: unknown command \"" + std::string(command) +
                    "\"; expected one of: check, run, history");
  }

 private:
  bool enabled(const char* module) const {
    return config_.at("modules").value(module, false);
  }

  json check() {
    auto counts = store_->counts();
    return {{"ok", true},
            {"message", store_->path().string() + ": schema version " +
                            std::to_string(store_->schema_version()) + ", " +
                            std::to_string(counts.people) + " people, " +
                            std::to_string(counts.leave) + " leave records"}};
  }

  json run() {
    std::int64_t now_ms = host_.now_unix_ms();
    Date today = date_from_unix_ms(now_ms);
    std::string now = iso_time(now_ms);

    auto sync_report = sync::pull_all(host_, *store_);
    json summary = {{"organisation", organisation_},
                    {"name", config_.value("name", organisation_)},
                    {"today", format_date(today)},
                    {"sync", json::array()},
                    {"modules", json::object()}};
    for (const auto& s : sync_report.streams) summary["sync"].push_back(sync::to_json(s));
    summary["adapter_failures"] = sync_report.adapter_failures;
    summary["rejected_pages"] = sync_report.rejected_pages;
    summary["rejected_records"] = sync_report.rejected_records;

    for (const char* module : kModules) {
      summary["modules"][module] = {{"enabled", enabled(module)}};
    }
    if (enabled("enrolment")) {
      summary["modules"]["enrolment"] = run_enrolment(today, now);
    }
    for (const char* module : {"training", "pairing", "supervision", "evaluation"}) {
      if (enabled(module)) {
        summary["modules"][module]["status"] = "not available in this version (switched on, nothing done)";
      }
    }

    auto delivery = sync::deliver(host_, *store_, now);
    summary["actions"] = {{"delivered", delivery.delivered},
                          {"duplicates", delivery.duplicates},
                          {"failed", delivery.failed},
                          {"pending", delivery.pending},
                          {"errors", delivery.errors}};
    auto counts = store_->counts();
    summary["totals"] = {{"people", counts.people},
                         {"leave", counts.leave},
                         {"course_completions", counts.course_completions},
                         {"open_invitations", counts.open_invitations}};
    return summary;
  }

  // Invitations and withdrawals for every programme, each with its history row
  // and its write-back action, in one transaction.
  json run_enrolment(Date today, const std::string& now) {
    json invited = json::array(), withdrawn = json::array();
    store::Outbox outbox(store_->database());
    std::vector<Leave> leaves = store_->leaves_for_planning(today);
    for (const auto& programme : programmes_) {
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

  json history(const json& in) {
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

  Host host_;
  json config_;
  std::string organisation_;
  std::vector<Programme> programmes_;
  std::unique_ptr<store::OrgStore> store_;
};

}  // namespace

MENTORING_MODULE(MENTORING_KIND_PLUGIN, "mentoring", "0.1.0",
                 "Return-to-work mentoring: leave-linked enrolment (more modules to come)",
                 R"(["enrolment"])", MentoringPlugin)
