// sdk/cli/token_command.hpp — `mentoring-host token create|list|revoke`: the
// organisation's API tokens (mentoring/host/access_tokens.hpp), managed from
// the command line, which acts as the admin of the organisation it names.
#pragma once

#include <mentoring/host/config.hpp>

#include <CLI/CLI.hpp>

#include <string>

namespace mentoring::cli {

struct TokenCommand {
  CLI::App* token = nullptr;
  CLI::App* create = nullptr;
  CLI::App* list = nullptr;
  CLI::App* revoke = nullptr;
  std::string organisation, role, name, person_id, id;
  bool as_json = false;
};

// Adds `token` and its three subcommands to app; each takes --config into config_file.
void add_token_command(CLI::App& app, TokenCommand& command, std::string& config_file);

// Runs the parsed `token` subcommand against the config's state folder. Prints
// what it did; answers the exit code. Throws std::invalid_argument for an
// organisation the config does not name or a token the store refuses (exit 2),
// and host::PermissionError should the permission matrix not let the command
// line's admin manage tokens.
int run_token_command(const TokenCommand& command, const host::HostConfig& config);

}  // namespace mentoring::cli
