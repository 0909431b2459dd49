// What every module runner of the plugin shell gets: the organisation's
// services, store, programmes and the day. One runner per module, each in its
// own file (enrolment_runner.cpp, ...), called by plugin.cpp.
#pragma once

#include <mentoring/domain/access.hpp>
#include <mentoring/domain/action_key.hpp>
#include <mentoring/domain/caller.hpp>
#include <mentoring/domain/management_chain.hpp>
#include <mentoring/domain/org_policy.hpp>
#include <mentoring/domain/programme.hpp>
#include <mentoring/module.hpp>
#include <mentoring/store/org_store.hpp>

#include <nlohmann/json.hpp>

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mentoring::store {
class OutboxRepository;
}

namespace mentoring::shell {

struct RunContext {
  const Host& host;
  store::OrgStore& store;
  const nlohmann::json& config;     // the organisation config the host passed
  const domain::OrgPolicy& policy;  // modules and policy.*, typed (read once): read these here,
                                    // never from `config`
  const nlohmann::json& programme_definitions;  // validated programme documents, same order
  const std::vector<domain::Programme>& programmes;
  std::string organisation;
  domain::Date today;
  std::string now;  // ISO 8601 UTC, for history rows and actions
  // Who runs the command (the host authenticated it; never read from the input).
  // `run` and the command line: the organisation's admin.
  domain::Caller caller;
  // Runs another command as another caller, with every check call_for makes
  // (module switch, role, scope): link_act acts as the link's person this way.
  std::function<nlohmann::json(const domain::Caller&, std::string_view, const nlohmann::json&)>
      call_as;
};

// A command's transaction: BEGIN ... COMMIT, or a savepoint when the caller
// already holds one (link_act runs a command inside its own transaction, so
// the link is spent together with what it does). Rolled back unless committed.
class Transaction {
 public:
  explicit Transaction(SQLite::Database& db);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  void commit();

 private:
  SQLite::Database& db_;
  bool nested_ = false;
  bool done_ = false;
};

// Enrolment: invitations and withdrawals for every programme; answers the
// module's part of the run summary.
nlohmann::json run_enrolment(RunContext& context);

// Enrolment's commands; nullopt when the command is not one of them.
std::optional<nlohmann::json> enrolment_command(RunContext& context, std::string_view command,
                                                const nlohmann::json& input);

// Records an accepted pair exactly as the `pair` command does (checks, pair row,
// both enrolments advanced, notifications), inside the caller's transaction.
// With proposal_id, that proposed row becomes the accepted pair.
// input: {"programme"?, "mentee_id", "mentor_id"}; who recorded it is context.caller.
nlohmann::json record_accepted_pair(RunContext& context, const nlohmann::json& input,
                                    std::optional<std::int64_t> proposal_id = std::nullopt);

// --- enrolment's services for the other runners (enrolment_runner.cpp) ----------

// The programme a command is about: /programme, the only one, or the only one in
// which /person_id has an open enrolment of /role. Throws naming /programme.
const domain::Programme& find_programme(RunContext& context, const nlohmann::json& input);
// The person's open enrolment of that role in the programme; throws
// Error(MENTORING_ERR_INVALID_INPUT) naming `field` (the input field that named
// the person, eg "/mentee_id") when there is none.
domain::Enrolment open_enrolment(RunContext& context, const domain::Programme& programme,
                                 const std::string& person_id, domain::Role role,
                                 std::string_view field = "/person_id");
// The same, from input's /person_id and /role (default mentee).
domain::Enrolment find_open_enrolment(RunContext& context, const domain::Programme& programme,
                                      const nlohmann::json& input);
// One enrolment as HR's commands show it (never the goal or wishes).
nlohmann::json enrolment_row(RunContext& context, const domain::Enrolment& enrolment);
// {"person_id", "name", "email"} for an action's "to" (only the id when unknown).
nlohmann::json contact_of(RunContext& context, const std::string& person_id);
// Brings one enrolment up to date today (leave changes, lifecycle steps and
// their actions), in the caller's transaction.
void advance_enrolment(RunContext& context, const domain::Programme& programme,
                       domain::Enrolment& enrolment);

// The names of enrolment's commands, for "unknown command" messages.
std::vector<std::string> enrolment_command_names();

// The key of an invitation (a mentee's for one leave, or a mentor's); its
// withdrawal refers to it.
domain::ActionKey invitation_key(const std::string& organisation, const std::string& programme,
                                 const std::string& person, const std::string& leave,
                                 domain::Role role);

// --- shared by every runner (run_context.cpp) ------------------------------------

// The organisation's management chains, each person's managers read from the store the first
// time a chain reaches them (never every link of the organisation).
domain::ManagementChains management_chains(RunContext& context);

// The one form of a refused command input: Error(MENTORING_ERR_INVALID_INPUT)
// "<command>: <pointer>: found <found>; expected <expected>".
Error invalid_input(std::string_view command, const std::string& pointer, const std::string& found,
                    const std::string& expected);
// Throws Error(MENTORING_ERR_INVALID_INPUT) with `message` (it names the field itself).
[[noreturn]] void throw_invalid_input(const std::string& message);
// Throws Error(MENTORING_ERR_INVALID_INPUT) listing every problem (JSON pointer
// first) when `input` does not match schemas/commands/<schema>.input.schema.json.
void require_valid_input(std::string_view command, std::string_view schema,
                         const nlohmann::json& input);
// The command's input with every person it names (person_id, mentee_id,
// mentor_id) given by the HR system's id: each may be sent as the id or as the
// employee number (exact match). Throws Error(MENTORING_ERR_INVALID_INPUT)
// naming the field and the value when no person or more than one has it. The
// one resolver every command goes through (plugin.cpp calls it).
nlohmann::json with_person_ids_resolved(RunContext& context, std::string_view command,
                                        const nlohmann::json& input);
// The employee number to show beside a person id (null when none is known).
nlohmann::json employee_number_of(RunContext& context, const std::string& person_id);
// The programme a command names in /programme, or the only one; throws naming /programme.
const domain::Programme& programme_for(RunContext& context, std::string_view command,
                                       const nlohmann::json& input);
// The programme's section of its definition ("training", "supervision", ...); {} when absent.
nlohmann::json programme_section(const RunContext& context, const std::string& programme_id,
                                 const std::string& section);
// The one way a runner enqueues a write-back: the action is built with its
// key (domain::action_key), checked against schemas/action.schema.json and its
// kind's payload schema, and stored in the caller's transaction. An action off
// its schema is a bug: Error(MENTORING_ERR_INTERNAL) naming kind, key, pointer,
// found and expected, and nothing is stored. False when the key was enqueued before.
bool enqueue_action(const RunContext& context, store::OutboxRepository& outbox,
                    const domain::ActionKey& key, const std::optional<std::string>& person_id,
                    const std::string& programme_id, nlohmann::json payload);

}  // namespace mentoring::shell
