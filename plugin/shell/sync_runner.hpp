// The sync's part of the plugin shell: what HR and `check` read about host
// records the sync quarantined (plugin/sync, store::QuarantineRepository).
#pragma once

#include "run_context.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mentoring::shell {

// Quarantined records, newest seen first, as the quarantine command answers
// them (schemas/commands/quarantine.output.schema.json, "records").
nlohmann::json quarantined_records(store::OrgStore& store, const std::string& adapter,
                                   const std::string& stream, int limit);

// quarantine; nullopt when the command is not one of the sync's.
std::optional<nlohmann::json> sync_command(RunContext& context, std::string_view command,
                                           const nlohmann::json& input);
std::vector<std::string> sync_command_names();

}  // namespace mentoring::shell
