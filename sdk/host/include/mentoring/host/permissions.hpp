// mentoring/host/permissions.hpp — the host's reading of the permission matrix
// (schemas/permissions.json, built in): the same file the plugin enforces, so
// the host never keeps its own list of who may do what.
//
//   if (!mentoring::host::permitted(caller.role, "token_create")) -> 403
//
// Threading: the matrix is parsed once, on first use; thread-safe.
#pragma once

#include <mentoring/host/caller.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mentoring::host {

// Whether the matrix lists role for command (any scope). False for a command
// the matrix does not name.
bool permitted(Role role, std::string_view command);

// The scope the matrix gives role on command: "org", "pair" or "self";
// nullopt when the role is not listed or the command is unknown.
std::optional<std::string> permitted_scope(Role role, std::string_view command);

// Commands the host answers itself (owner "host": check, run, token_*).
bool is_host_command(std::string_view command);

// Every command the matrix names, sorted.
std::vector<std::string> matrix_commands();

// The whole matrix, parsed.
const nlohmann::json& permission_matrix();

}  // namespace mentoring::host
