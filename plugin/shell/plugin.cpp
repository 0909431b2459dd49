// The loadable mentoring plugin (mentoring.so): one instance per organisation.
// Commands (JSON in, JSON out):
//   check                 open the store, report its schema version and counts, the
//                         records the sync quarantined and where each action kind goes
//   run                   sync, then every switched-on module, then write-back; a summary
//   ...                   each module's own commands (see its runner), eg history
#include "delivery_runner.hpp"
#include "pairing_runner.hpp"
#include "return_runner.hpp"
#include "run_context.hpp"
#include "session_runners.hpp"
#include "sync_runner.hpp"

#include <mentoring/calendar/ics.hpp>
#include <mentoring/domain/delivery.hpp>
#include <mentoring/module.hpp>
#include <mentoring/schema.hpp>
#include <mentoring/store/org_store.hpp>
#include <mentoring/store/quarantine_store.hpp>
#include <mentoring/sync/codec.hpp>
#include <mentoring/sync/sync.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <map>

namespace {

using json = nlohmann::json;
using namespace mentoring;
using namespace mentoring::domain;

constexpr const char* kModules[] = {"enrolment",   "training",   "pairing",
                                    "supervision", "evaluation", "return_to_work"};

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

class MentoringPlugin : public Module {
 public:
  MentoringPlugin(const Host& host, std::string_view config_text) : host_(host) {
    config_ = schema::parse(config_text, "plugin config");
    organisation_ = config_.at("id").get<std::string>();
    definitions_ = config_.at("programmes");
    for (std::size_t i = 0; i < definitions_.size(); ++i) {
      const json& definition = definitions_[i];
      std::string source = "organisation " + organisation_ + " programme #" + std::to_string(i);
      auto problems = schema::validate("programme", definition, source);
      if (!problems.empty()) {
        throw Error(MENTORING_ERR_INVALID_INPUT,
                    schema::ValidationError(std::move(problems)).what());
      }
      shell::check_evaluation_section(definition, source);
      try {
        programmes_.push_back(sync::programme_from_json(definition));
      } catch (const std::exception& e) {
        throw Error(MENTORING_ERR_INVALID_INPUT, source + ": " + e.what());
      }
    }
    std::string zone = config_.value("policy", json::object()).value("timezone", "Europe/London");
    const auto& zones = calendar::supported_timezones();
    if (std::find(zones.begin(), zones.end(), zone) == zones.end()) {
      std::string known;
      for (const auto& z : zones) known += (known.empty() ? "" : ", ") + z;
      throw Error(MENTORING_ERR_INVALID_INPUT, "organisation " + organisation_ +
                                                   ": /policy/timezone: found \"" + zone +
                                                   "\"; expected one of: " + known);
    }
    policy_ = sync::org_policy_from_json(config_);
    route_actions();
    const json delivery = config_.value("policy", json::object()).value("delivery", json::object());
    retry_policy_.retry_after = std::chrono::minutes(
        delivery.value("retry_after_minutes", static_cast<int>(retry_policy_.retry_after.count())));
    retry_policy_.max_attempts = delivery.value("max_attempts", retry_policy_.max_attempts);
    if (retry_policy_.retry_after.count() < 1 || retry_policy_.max_attempts < 1) {
      throw Error(MENTORING_ERR_INVALID_INPUT,
                  "organisation " + organisation_ + ": /policy/delivery: found " + delivery.dump() +
                      "; expected retry_after_minutes and max_attempts >= 1");
    }
    store_ = std::make_unique<store::OrgStore>(host_.storage_directory(), organisation_);
  }

  std::string call(std::string_view command, std::string_view input) override {
    json in = schema::parse(input.empty() ? std::string_view("{}") : input,
                            std::string(command) + " input");
    if (command == "check") return check().dump();
    auto context = make_context();
    if (command == "run") return run(context).dump();
    const auto command_names = {
        shell::enrolment_command_names(),   shell::training_command_names(),
        shell::supervision_command_names(), shell::pairing_command_names(),
        shell::evaluation_command_names(),  shell::sync_command_names(),
        shell::delivery_command_names(),    shell::return_to_work_command_names()};
    bool known_command = false;
    std::string known = "check, run";
    for (const auto& names : command_names) {
      for (const auto& name : names) {
        known += ", " + name;
        known_command |= name == command;
      }
    }
    if (known_command) {
      in = shell::with_person_ids_resolved(context, command, in);  // id or employee number
      if (auto answer = shell::enrolment_command(context, command, in)) return answer->dump();
      if (auto answer = shell::training_command(context, command, in)) return answer->dump();
      if (auto answer = shell::supervision_command(context, command, in)) return answer->dump();
      if (auto answer = shell::pairing_command(context, command, in)) return answer->dump();
      if (auto answer = shell::evaluation_command(context, command, in)) return answer->dump();
      if (auto answer = shell::sync_command(context, command, in)) return answer->dump();
      if (auto answer = shell::delivery_command(context, command, in)) return answer->dump();
      if (auto answer = shell::return_to_work_command(context, command, in)) return answer->dump();
    }
    throw Error(MENTORING_ERR_UNKNOWN_COMMAND, "mentoring plugin: unknown command \"" +
                                                   std::string(command) +
                                                   "\"; expected one of: " + known);
  }

 private:
  // Where each action kind goes (domain::route_actions): a routing problem is
  // a configuration error of the organisation, except a kind no adapter
  // carries, whose actions wait (reported by check and every run).
  void route_actions() {
    std::map<std::string, std::string> routing;
    const json configured = config_.value("routing", json::object());
    for (const auto& [kind, adapter] : configured.items()) {
      if (adapter.is_string()) routing[kind] = adapter.get<std::string>();
    }
    routing_ = domain::route_actions(sync::adapters_of(host_), routing);
    std::string errors;
    for (const auto& problem : routing_.problems) {
      if (problem.is_config_error())
        errors += (errors.empty() ? "" : "\n") + domain::describe(problem, organisation_);
    }
    if (!errors.empty()) throw Error(MENTORING_ERR_INVALID_INPUT, errors);
  }

  json routing_rows() const {
    json rows = json::array();
    for (auto kind : domain::kActionKinds) {
      const std::string k(kind);
      if (const domain::Route* route = routing_.route_for(k)) {
        rows.push_back({{"kind", k},
                        {"adapter", route->adapter},
                        {"why", domain::to_string(route->why)},
                        {"why_words", domain::describe(route->why)}});
        continue;
      }
      for (const auto& problem : routing_.problems) {
        if (problem.action_kind != k) continue;
        rows.push_back({{"kind", k},
                        {"adapter", nullptr},
                        {"why", domain::to_string(problem.kind)},
                        {"why_words", domain::describe(problem, organisation_)}});
        break;
      }
    }
    return rows;
  }

  bool enabled(const char* module) const { return config_.at("modules").value(module, false); }

  shell::RunContext make_context() {
    std::int64_t now_ms = host_.now_unix_ms();
    return {host_,           *store_,     config_,       policy_,
            definitions_,    programmes_, organisation_, date_from_unix_ms(now_ms),
            iso_time(now_ms)};
  }

  // Listed by `mentoring-host check`, at most this many (the quarantine command lists more).
  static constexpr int kQuarantineListedByCheck = 50;

  json check() {
    auto counts = store_->counts();
    return {{"ok", true},
            {"message", store_->path().string() + ": schema version " +
                            std::to_string(store_->schema_version()) + ", " +
                            std::to_string(counts.people) + " people, " +
                            std::to_string(counts.leave) + " leave records"},
            {"quarantine_held", store::QuarantineStore(store_->database()).count()},
            {"quarantine", shell::quarantined_records(*store_, "", "", kQuarantineListedByCheck)},
            {"routing", routing_rows()}};
  }

  json run(shell::RunContext& context) {
    sync::SyncPolicy sync_policy;
    sync_policy.absent_share_limit =
        config_.value("policy", json::object())
            .value("absent_share_limit", sync_policy.absent_share_limit);
    sync_policy.max_pages_per_stream =
        config_.value("policy", json::object())
            .value("sync", json::object())
            .value("max_pages_per_stream", sync_policy.max_pages_per_stream);
    auto sync_report = sync::pull_all(host_, *store_, context.today, sync_policy);
    json summary = {{"organisation", organisation_},
                    {"name", config_.value("name", organisation_)},
                    {"today", format_date(context.today)},
                    {"sync", json::array()},
                    {"modules", json::object()}};
    for (const auto& s : sync_report.streams) summary["sync"].push_back(sync::to_json(s));
    summary["adapter_failures"] = sync_report.adapter_failures;
    summary["rejected_pages"] = sync_report.rejected_pages;
    // This run's, and all the quarantine holds (from earlier runs too): a monitor
    // hears of a held record until the host sends it again valid.
    summary["quarantined"] = sync_report.quarantined;
    summary["quarantine_held"] = store::QuarantineStore(store_->database()).count();

    for (const char* module : kModules) {
      summary["modules"][module] = {{"enabled", enabled(module)}};
      if (!enabled(module)) continue;
      if (std::string_view(module) == "enrolment") {
        summary["modules"][module] = shell::run_enrolment(context);
      } else if (std::string_view(module) == "training") {
        summary["modules"][module] = shell::run_training(context);
      } else if (std::string_view(module) == "supervision") {
        summary["modules"][module] = shell::run_supervision(context);
      } else if (std::string_view(module) == "pairing") {
        summary["modules"][module] = shell::run_pairing(context);
      } else if (std::string_view(module) == "evaluation") {
        summary["modules"][module] = shell::run_evaluation(context);
      } else if (std::string_view(module) == "return_to_work") {
        summary["modules"][module] = shell::run_return_to_work(context);
      } else {
        summary["modules"][module]["status"] =
            "not available in this version (switched on, nothing done)";
      }
    }

    const auto now =
        std::chrono::floor<std::chrono::seconds>(std::chrono::sys_time<std::chrono::milliseconds>(
            std::chrono::milliseconds(host_.now_unix_ms())));
    auto delivery = sync::deliver(host_, *store_, routing_, retry_policy_, now);
    // Survey tokens live in the outbox only until the host has them.
    if (enabled("evaluation")) shell::forget_delivered_survey_tokens(context);
    summary["actions"] = shell::delivery_summary(delivery);
    auto counts = store_->counts();
    summary["totals"] = {{"people", counts.people},
                         {"leave", counts.leave},
                         {"course_completions", counts.course_completions},
                         {"open_invitations", counts.open_invitations}};
    return summary;
  }

  Host host_;
  json config_;
  domain::OrgPolicy policy_;  // config_, typed: read once in the constructor
  json definitions_;
  std::string organisation_;
  std::vector<Programme> programmes_;
  std::unique_ptr<store::OrgStore> store_;
  domain::RoutingTable routing_;
  domain::RetryPolicy retry_policy_;
};

}  // namespace

MENTORING_MODULE(MENTORING_KIND_PLUGIN, "mentoring", "0.1.0",
                 "Return-to-work mentoring: enrolment, training, supervision, pairing, evaluation",
                 R"(["enrolment","training","supervision","pairing","evaluation"])",
                 MentoringPlugin)
