// Write-back delivery's part of the plugin shell: HR's commands about the
// outbox (actions, action_retry, action_drop) and the run summary's "actions".
#pragma once

#include "run_context.hpp"

#include <mentoring/sync/sync.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mentoring::shell {

// The run summary's "actions" (issue 12's contract): delivered, duplicates,
// failed (this run), retrying, pending, dead_letters, dead[], errors.
nlohmann::json delivery_summary(const sync::DeliveryReport& report);

// actions, action_retry, action_drop; nullopt when the command is not one of them.
std::optional<nlohmann::json> delivery_command(RunContext& context, std::string_view command,
                                               const nlohmann::json& input);
std::vector<std::string> delivery_command_names();

}  // namespace mentoring::shell
