// The loadable mentoring plugin (mentoring.so): one instance per organisation.
// Commands (JSON in, JSON out):
//   check                 open the store, report its schema version and counts, the
//                         records the sync quarantined and where each action kind goes
//   run                   sync, then every switched-on module, then write-back; a summary
//   ...                   each module's own commands (see its runner), eg history; a
//                         command of a module switched off is refused (kModules below)
#include "delivery_runner.hpp"
#include "link_runner.hpp"
#include "pairing_runner.hpp"
#include "permissions.hpp"
#include "privacy_runner.hpp"
#include "return_runner.hpp"
#include "run_context.hpp"
#include "session_runners.hpp"
#include "sync_runner.hpp"

#include <mentoring/calendar/ics.hpp>
#include <mentoring/domain/delivery.hpp>
#include <mentoring/evaluation/tokens.hpp>
#include <mentoring/module.hpp>
#include <mentoring/schema.hpp>
#include <mentoring/store/org_store.hpp>
#include <mentoring/store/privacy_store.hpp>
#include <mentoring/store/quarantine_repository.hpp>
#include <mentoring/store/store_revision.hpp>
#include <mentoring/sync/codec.hpp>
#include <mentoring/sync/sync.hpp>

#include <SQLiteCpp/Exception.h>
#include <sqlite3.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>

namespace {

using json = nlohmann::json;
using namespace mentoring;
using namespace mentoring::domain;

constexpr const char* kPluginVersion = "0.1.0";

// One row per module: its name in the organisation config's `modules`, its
// commands and their runner, and its pass of `run`. `run` calls the passes in
// this order; a command answers only while its module is switched on. Rows
// without a name (sync, delivery) are always on and have no pass of their own
// (`run` syncs first and delivers last).
struct ModuleRow {
  const char* module;  // nullptr: always on
  std::vector<std::string> (*command_names)();
  std::optional<json> (*command)(shell::RunContext&, std::string_view, const json&);
  json (*run)(shell::RunContext&);  // nullptr: no pass of its own
};

const ModuleRow kModules[] = {
    {"enrolment", shell::enrolment_command_names, shell::enrolment_command, shell::run_enrolment},
    // HR's programme at a glance: enrolment's command (nothing to show without
    // enrolments); the other modules' parts appear while they are switched on.
    {"enrolment", shell::overview_command_names, shell::overview_command, nullptr},
    {"training", shell::training_command_names, shell::training_command, shell::run_training},
    {"pairing", shell::pairing_command_names, shell::pairing_command, shell::run_pairing},
    {"supervision", shell::supervision_command_names, shell::supervision_command,
     shell::run_supervision},
    {"return_to_work", shell::return_to_work_command_names, shell::return_to_work_command,
     shell::run_return_to_work},
    {"evaluation", shell::evaluation_command_names, shell::evaluation_command,
     shell::run_evaluation},
    {nullptr, shell::sync_command_names, shell::sync_command, nullptr},
    {nullptr, shell::delivery_command_names, shell::delivery_command, nullptr},
    {nullptr, shell::privacy_command_names, shell::privacy_command, nullptr},
    {nullptr, shell::link_command_names, shell::link_command, nullptr},
};

// The database failing (busy, locked, I/O, full, read-only, corrupt) is a
// store error of the whole run (exit 1), not a module's pass failing.
bool is_store_failure(const SQLite::Exception& e) {
  switch (e.getErrorCode() & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_CANTOPEN:
      return true;
    default:
      return false;
  }
}

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
    policy_ = sync::org_policy_from_json(config_);  // the one read of modules and policy
    const auto& zones = calendar::supported_timezones();
    if (std::find(zones.begin(), zones.end(), policy_.timezone) == zones.end()) {
      std::string known;
      for (const auto& z : zones) known += (known.empty() ? "" : ", ") + z;
      throw Error(MENTORING_ERR_INVALID_INPUT,
                  "organisation " + organisation_ + ": /policy/timezone: found \"" +
                      policy_.timezone + "\"; expected one of: " + known);
    }
    route_actions();
    retry_policy_.retry_after = std::chrono::minutes(policy_.delivery.retry_after_minutes);
    retry_policy_.max_attempts = policy_.delivery.max_attempts;
    if (retry_policy_.retry_after.count() < 1 || retry_policy_.max_attempts < 1) {
      throw Error(MENTORING_ERR_INVALID_INPUT,
                  "organisation " + organisation_ +
                      ": /policy/delivery: found retry_after_minutes " +
                      std::to_string(policy_.delivery.retry_after_minutes) + ", max_attempts " +
                      std::to_string(policy_.delivery.max_attempts) + "; expected both >= 1");
    }
    store_ = std::make_unique<store::OrgStore>(host_.storage_directory(), organisation_);
    store::PrivacyStore::overwrite_deleted(
        store_->database());  // people's data, once deleted, is gone
  }

  // The command line and the host's own passes: the organisation's admin.
  std::string call(std::string_view command, std::string_view input) override {
    StatementsReset after_the_call(*store_);
    domain::Caller admin{domain::CallerRole::admin, "", "host"};
    return call_for(admin, command, input);
  }

  std::string call_as(std::string_view caller_json, std::string_view command,
                      std::string_view input) override {
    StatementsReset after_the_call(*store_);
    return call_for(caller_from_json(caller_json), command, input);
  }

 private:
  // A host may keep this instance between calls while other processes write the
  // database (mentoring-host serve): every call reads its state from the
  // database, and no statement keeps an old snapshot open once the call is done.
  struct StatementsReset {
    store::OrgStore& store;
    ~StatementsReset() { store.reset_statements(); }
  };

  // The caller the host passed (schemas/caller.schema.json); a caller of another
  // organisation never reaches this one's data.
  domain::Caller caller_from_json(std::string_view caller_json) const {
    json j;
    try {
      j = schema::parse(caller_json, "caller");
    } catch (const schema::ValidationError& e) {
      throw Error(MENTORING_ERR_INVALID_INPUT, std::string("caller: ") + e.what());
    }
    auto problems = schema::validate("caller", j, "caller");
    if (!problems.empty())
      throw Error(MENTORING_ERR_INVALID_INPUT, schema::ValidationError(std::move(problems)).what());
    if (j.at("organisation").get<std::string>() != organisation_) {
      throw Error(MENTORING_ERR_NOT_FOUND,
                  "organisation \"" + j.at("organisation").get<std::string>() + "\": not found");
    }
    domain::Caller caller;
    const std::string role = j.at("role").get<std::string>();
    for (auto r : {domain::CallerRole::admin, domain::CallerRole::hr, domain::CallerRole::mentor,
                   domain::CallerRole::mentee, domain::CallerRole::system}) {
      if (domain::to_string(r) == role) caller.role = r;
    }
    caller.person_id = j.value("person_id", "");
    caller.name = j.value("name", "");
    return caller;
  }

  std::string call_for(const domain::Caller& caller, std::string_view command,
                       std::string_view input) {
    json in;
    try {
      in = schema::parse(input.empty() ? std::string_view("{}") : input,
                         std::string(command) + " input");
    } catch (const schema::ValidationError& e) {
      // The caller's input, not the organisation's configuration.
      throw Error(MENTORING_ERR_INVALID_INPUT, std::string("bad input: ") + e.what());
    }
    // check and run: the host's commands (owner "host"), answered here for it;
    // the matrix still says who may.
    if (command == "check") {
      shell::require_role(command, caller);
      return check().dump();
    }
    if (command == "run") {
      shell::require_role(command, caller);
      auto context = make_context(caller);
      return run(context).dump();
    }
    const ModuleRow* owner = nullptr;
    std::string known = "check, run";
    for (const auto& row : kModules) {
      for (const auto& name : row.command_names()) {
        known += ", " + name;
        if (name == command && !owner) owner = &row;
      }
    }
    if (!owner) {
      throw Error(MENTORING_ERR_UNKNOWN_COMMAND, "mentoring plugin: unknown command \"" +
                                                     std::string(command) +
                                                     "\"; expected one of: " + known);
    }
    // The role first (403 naming command and role), then the object (404).
    // A module switched off is the organisation's setting, told to every caller
    // alike; then the caller's role (schemas/permissions.json).
    if (owner->module && !policy_.modules.on(owner->module)) {
      const std::string module = owner->module;
      throw Error(MENTORING_ERR_INVALID_INPUT,
                  "organisation " + organisation_ + ": command \"" + std::string(command) +
                      "\" belongs to the " + module + " module, which is switched off (modules." +
                      module + " in the organisation config)");
    }
    const domain::AccessScope scope = shell::require_role(command, caller);
    auto context = make_context(caller);
    if (scope == domain::AccessScope::org) {
      in = shell::with_person_ids_resolved(context, command, in);  // id or employee number
    } else {
      try {
        in = shell::with_person_ids_resolved(context, command, in);
      } catch (const Error& e) {
        // A participant learns nothing of who exists: an unknown person is not found.
        if (e.status() != MENTORING_ERR_INVALID_INPUT) throw;
        throw Error(MENTORING_ERR_NOT_FOUND,
                    "command \"" + std::string(command) + "\": not found for this caller");
      }
      in = shell::require_scope(context, command, scope, in);
    }
    if (auto answer = owner->command(context, command, in)) {
      shell::audit_read(context, command, in, *answer);  // HR's and admins' reads of people
      return answer->dump();
    }
    throw Error(MENTORING_ERR_INTERNAL, "mentoring plugin: command \"" + std::string(command) +
                                            "\" is listed by its runner but not answered by it");
  }

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

  shell::RunContext make_context(const domain::Caller& caller) {
    std::int64_t now_ms = host_.now_unix_ms();
    return {host_,
            *store_,
            config_,
            policy_,
            definitions_,
            programmes_,
            organisation_,
            date_from_unix_ms(now_ms),
            iso_time(now_ms),
            caller,
            [this](const domain::Caller& as, std::string_view command, const json& input) {
              return json::parse(call_for(as, command, input.dump()));
            }};
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
            {"quarantine_held", store::SqliteQuarantineRepository(store_->session()).count("", "")},
            {"quarantine", shell::quarantined_records(*store_, "", "", kQuarantineListedByCheck)},
            {"routing", routing_rows()}};
  }

  json run(shell::RunContext& context) {
    sync::SyncPolicy sync_policy;
    sync_policy.absent_share_limit = policy_.sync.absent_share_limit;
    sync_policy.max_pages_per_stream = policy_.sync.max_pages_per_stream;
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
    summary["quarantine_held"] = store::SqliteQuarantineRepository(store_->session()).count("", "");

    // The passes read the store, the day and the configuration, nothing else (no time of
    // day, no host): when the last run's passes completed without writing anything and
    // none of that changed since, they would do nothing again (store_revision.hpp).
    store::StoreRevision revision(store_->database());
    const std::string fingerprint = passes_fingerprint();
    const std::string today = format_date(context.today);
    const std::optional<store::PassesFixpoint> fixpoint =
        sync_changed_nothing(sync_report) ? unchanged_since(revision, today, fingerprint)
                                          : std::nullopt;
    bool completed = true;  // no pass failed
    std::int64_t before_passes = fixpoint ? fixpoint->revision : 0;
    if (fixpoint) {
      for (const auto& row : kModules) {
        if (!row.module || !row.run) continue;
        summary["modules"][row.module] =
            policy_.modules.on(row.module)
                ? json{{"enabled", true}, {"status", "unchanged"}, {"since", fixpoint->finished_at}}
                : json{{"enabled", false}};
      }
      summary["privacy"] = {
          {"retention_months",
           policy_.retention_months ? json(*policy_.retention_months) : json(nullptr)},
          {"pseudonymised", 0}};
    } else {
      before_passes = revision.current();
      for (const auto& row : kModules) {
        if (!row.module || !row.run) continue;
        const std::string module = row.module;
        if (!policy_.modules.on(module)) {
          summary["modules"][module] = {{"enabled", false}};
          continue;
        }
        // One module's pass failing never stops the others: it is reported as
        // failed with its words (the host exits 9), what it committed stays.
        if (auto failure =
                module_failure(module, [&] { summary["modules"][module] = row.run(context); })) {
          summary["modules"][module] = {
              {"enabled", true}, {"status", "failed"}, {"error", *failure}};
          completed = false;
        }
      }

      // Retention: finished participants past policy.retention_months are pseudonymised.
      summary["privacy"] = shell::run_retention(context);
    }

    const auto now =
        std::chrono::floor<std::chrono::seconds>(std::chrono::sys_time<std::chrono::milliseconds>(
            std::chrono::milliseconds(host_.now_unix_ms())));
    auto delivery = sync::deliver(host_, *store_, routing_, retry_policy_, now);
    // Survey tokens live in the outbox only until the host has them.
    if (policy_.modules.evaluation) {
      if (auto failure = module_failure("evaluation",
                                        [&] { shell::forget_delivered_survey_tokens(context); })) {
        summary["modules"]["evaluation"]["status"] = "failed";
        summary["modules"]["evaluation"]["error"] =
            "dropping delivered survey tokens from the outbox: " + *failure;
        completed = false;
      }
    }
    // So do the links' tokens (a link works from the person's mailbox only).
    shell::forget_delivered_links(context);
    summary["actions"] = shell::delivery_summary(delivery);
    record_fixpoint(context, revision, completed, before_passes, !fixpoint, fingerprint);
    auto counts = store_->totals();  // from the tables' pages and indexes, not every row
    summary["totals"] = {{"people", counts.people},
                         {"leave", counts.leave},
                         {"course_completions", counts.course_completions},
                         {"open_invitations", counts.open_invitations}};
    return summary;
  }

  // Nothing the sync read changed the store: no stream stored, quarantined or released a
  // record, and no full read marked anyone absent.
  static bool sync_changed_nothing(const sync::SyncReport& report) {
    if (report.quarantined > 0) return false;
    return std::all_of(report.streams.begin(), report.streams.end(), [](const auto& s) {
      return s.stored == 0 && s.quarantined == 0 && s.released == 0 && s.absent.empty();
    });
  }

  // The last fixpoint of the passes when it was reached today, with this configuration,
  // and nothing was written since (the store's revision is the same); nullopt otherwise.
  // MENTORING_NEVER_SKIP_PASSES=1 (tests compare runs with and without skipping) always
  // runs them.
  static std::optional<store::PassesFixpoint> unchanged_since(store::StoreRevision& revision,
                                                              const std::string& today,
                                                              const std::string& fingerprint) {
    if (const char* never = std::getenv("MENTORING_NEVER_SKIP_PASSES");
        never && std::string_view(never) == "1")
      return std::nullopt;
    auto last = revision.last_fixpoint();
    if (!last || last->today != today || last->fingerprint != fingerprint ||
        last->revision != revision.current())
      return std::nullopt;
    return last;
  }

  // At the end of a run (delivery too may write what the passes read): whether the passes
  // would now write nothing, recorded for the next run (store_revision.hpp). `known`: the
  // revision the passes last ran on (this run's before them, or the skipped run's fixpoint);
  // when nothing was written since, that is the fixpoint, otherwise the passes are tried.
  void record_fixpoint(shell::RunContext& context, store::StoreRevision& revision, bool completed,
                       std::int64_t known, bool passes_ran, const std::string& fingerprint) {
    const std::string today = format_date(context.today);
    const std::string finished_at = iso_time(host_.now_unix_ms());
    if (!completed) {
      revision.record_passes(false, known, today, fingerprint, finished_at);
      return;
    }
    std::optional<std::int64_t> at = known;
    if (revision.current() != known) {
      at = revision_if_passes_write_nothing(context, revision);
    } else if (!passes_ran) {
      return;  // skipped, and nothing written since: the fixpoint stands as it is
    }
    revision.record_passes(at.has_value(), at.value_or(known), today, fingerprint, finished_at);
  }

  // Runs the passes again in one transaction that is always rolled back: the store's
  // revision when they wrote nothing (then a run on the same day with nothing changed would
  // do nothing either), nullopt when they wrote or failed. Their summaries are dropped; a
  // runner that opens its own transaction (not shell::Transaction) fails here, which only
  // means no fixpoint is recorded.
  std::optional<std::int64_t> revision_if_passes_write_nothing(shell::RunContext& context,
                                                               store::StoreRevision& revision) {
    SQLite::Database& db = store_->database();
    db.exec("BEGIN");
    std::optional<std::int64_t> unchanged;
    try {
      const std::int64_t start = revision.current();
      for (const auto& row : kModules) {
        if (row.module && row.run && policy_.modules.on(row.module)) row.run(context);
      }
      shell::run_retention(context);
      if (revision.current() == start) unchanged = start;
    } catch (const std::exception&) {
      unchanged.reset();
    }
    store_->reset_statements();
    if (sqlite3_get_autocommit(db.getHandle()) == 0) db.exec("ROLLBACK");
    return unchanged;
  }

  // What the passes read besides the store and the day: the organisation config (its
  // programmes, modules and policy), the schema version and this plugin's version.
  std::string passes_fingerprint() {
    return evaluation::sha256_hex(config_.dump() + "\nschema " +
                                  std::to_string(store_->schema_version()) + "\nplugin " +
                                  kPluginVersion);
  }

  // Runs one module's step; its words when it threw. A store failure is the
  // whole run's (rethrown as a store error, exit 1), never the module's.
  template <typename Step>
  std::optional<std::string> module_failure(const std::string& module, Step&& step) {
    try {
      step();
      return std::nullopt;
    } catch (const store::StoreError&) {
      throw;
    } catch (const SQLite::Exception& e) {
      if (is_store_failure(e))
        throw store::StoreError(store_->path(), "running the " + module + " module", e);
      return e.what();
    } catch (const std::exception& e) {
      return e.what();
    }
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

MENTORING_MODULE(
    MENTORING_KIND_PLUGIN, "mentoring", kPluginVersion,
    "Return-to-work mentoring: enrolment, training, supervision, pairing, return to work, "
    "evaluation",
    R"(["enrolment","training","supervision","pairing","return_to_work","evaluation"])",
    MentoringPlugin)
