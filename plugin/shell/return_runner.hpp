// The return_to_work module's part of the plugin shell (return_runner.cpp):
// keeping-in-touch days recorded by HR, and the line manager's return-to-work
// steps sent, moved, withdrawn and flagged on each run. The rules are in
// plugin/return_to_work; this file loads, calls, stores and serialises.
#pragma once

#include "run_context.hpp"

#include <mentoring/overview/overview.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mentoring::shell {

// Return steps for every programme that has them; answers the module's part of
// the run summary (per programme: tasks sent, moved, withdrawn, HR told, overdue).
nlohmann::json run_return_to_work(RunContext& context);
// kit_day_record, kit_days, return_steps, return_step_done; nullopt when the
// command is not one of them.
std::optional<nlohmann::json> return_to_work_command(RunContext& context, std::string_view command,
                                                     const nlohmann::json& input);
// For the programme overview: the programme's stored return steps as the
// domain's records (empty while return_to_work is switched off).
std::vector<overview::ReturnStepFacts> return_step_facts(RunContext& context,
                                                         const std::string& programme_id);
// The names of those commands (module return_to_work).
std::vector<std::string> return_to_work_command_names();

}  // namespace mentoring::shell
