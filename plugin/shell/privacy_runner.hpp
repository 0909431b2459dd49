// Privacy's part of the plugin shell (issue 14): the audit hook plugin.cpp
// calls after every command, the commands audit_log, subject_export and
// subject_erase, and the retention pass of `run`.
#pragma once

#include "run_context.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mentoring::shell {

// Whether schemas/permissions.json marks the command "personal_data" (the
// matrix embedded at build time). TODO(lead): point at the roles helper's
// loader (plugin/shell/permissions.hpp) once both are merged.
bool returns_personal_data(std::string_view command);

// The audit hook: when an HR or admin caller ran a personal-data command, one
// audit_log row (its own transaction). A read that cannot be audited is not
// answered (the store error propagates).
void audit_read(RunContext& context, std::string_view command, const nlohmann::json& input,
                const nlohmann::json& answer);

// Retention (policy.retention_months): pseudonymises finished participants
// whose time has come; the run summary's "privacy" part.
nlohmann::json run_retention(RunContext& context);

std::optional<nlohmann::json> privacy_command(RunContext& context, std::string_view command,
                                              const nlohmann::json& input);
std::vector<std::string> privacy_command_names();

}  // namespace mentoring::shell
