// The permission matrix (schemas/permissions.json, built into the plugin) as
// the shell asks it: which role may run which command with which scope. The
// shell only asks; whether a scope reaches an object is the domain's rule
// (mentoring/domain/access.hpp).
#pragma once

#include "run_context.hpp"

#include <mentoring/domain/access.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mentoring::shell {

// The scope the matrix gives role on command; nullopt when the role is not
// listed (or the matrix has no such command).
std::optional<domain::AccessScope> permitted_scope(std::string_view command,
                                                   domain::CallerRole role);

// Every command the matrix names, sorted.
std::vector<std::string> matrix_commands();

// Refuses a caller whose role the matrix does not list for command:
// Error(MENTORING_ERR_FORBIDDEN) naming the command and the role.
domain::AccessScope require_role(std::string_view command, const domain::Caller& caller);

// Checks the caller's scope on what the command's input is about (after
// person ids are resolved) and answers the input to run: a participant's own
// person id and role filled in where the input leaves them out. Throws
// Error(MENTORING_ERR_NOT_FOUND) when the object is not the caller's to
// reach (another person, another pair, or none).
nlohmann::json require_scope(RunContext& context, std::string_view command,
                             domain::AccessScope scope, const nlohmann::json& input);

}  // namespace mentoring::shell
