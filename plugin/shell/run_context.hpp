// What every module runner of the plugin shell gets: the organisation's
// services, store, programmes and the day. One runner per module, each in its
// own file (enrolment_runner.cpp, ...), called by plugin.cpp.
#pragma once

#include <mentoring/domain/programme.hpp>
#include <mentoring/module.hpp>
#include <mentoring/store/org_store.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mentoring::shell {

struct RunContext {
  const Host& host;
  store::OrgStore& store;
  const nlohmann::json& config;                 // the organisation config the host passed
  const nlohmann::json& programme_definitions;  // validated programme documents, same order
  const std::vector<domain::Programme>& programmes;
  std::string organisation;
  domain::Date today;
  std::string now;  // ISO 8601 UTC, for history rows and actions
};

// Enrolment: invitations and withdrawals for every programme; answers the
// module's part of the run summary.
nlohmann::json run_enrolment(RunContext& context);

// Enrolment's commands; nullopt when the command is not one of them.
std::optional<nlohmann::json> enrolment_command(RunContext& context, std::string_view command,
                                                const nlohmann::json& input);

// The names of enrolment's commands, for "unknown command" messages.
std::vector<std::string> enrolment_command_names();

// The key of the invitation for one leave; its withdrawal refers to it.
std::string invitation_key(const std::string& organisation, const std::string& programme,
                           const std::string& person, const std::string& leave);

}  // namespace mentoring::shell
