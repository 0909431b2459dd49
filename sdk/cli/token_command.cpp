#include "token_command.hpp"

#include "organisation_in.hpp"

#include <mentoring/host/access_tokens.hpp>
#include <mentoring/host/permissions.hpp>
#include <mentoring/host/runtime.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <iostream>
#include <stdexcept>

namespace mentoring::cli {
namespace {

using json = nlohmann::json;
using host::Role;

// The command line acts as the organisation's admin; the matrix says whether
// an admin may manage tokens (never a list of its own here).
void require_permitted(const host::Caller& caller, const std::string& command) {
  if (!host::permitted(caller.role, command))
    throw host::PermissionError("token: role " + std::string(host::to_string(caller.role)) +
                                " may not run " + command + " (schemas/permissions.json)");
}

}  // namespace

void add_token_command(CLI::App& app, TokenCommand& command, std::string& config_file) {
  command.token =
      app.add_subcommand("token", "create, list and revoke an organisation's API tokens");
  command.token->require_subcommand(1);

  std::vector<std::string> roles;
  for (Role r : {Role::admin, Role::hr, Role::mentor, Role::mentee, Role::system})
    roles.emplace_back(host::to_string(r));

  command.create =
      command.token->add_subcommand("create",
                                    "create a token for one organisation and one role; prints it "
                                    "once (it is stored only as a hash)");
  command.list =
      command.token->add_subcommand("list", "list an organisation's tokens (never the tokens)");
  command.revoke =
      command.token->add_subcommand("revoke", "revoke a token by its id; it never works again");
  for (CLI::App* sub : {command.create, command.list, command.revoke}) {
    sub->add_option("--config,-c", config_file, "host config file")->required();
    sub->add_option("--org", command.organisation, "organisation id")->required();
    sub->add_flag("--json", command.as_json, "print as JSON");
  }
  command.create->add_option("--role", command.role, "admin, hr, mentor, mentee or system")
      ->required()
      ->check(CLI::IsMember(roles));
  command.create
      ->add_option("--name", command.name, "who or what holds the token (for the audit log)")
      ->required();
  command.create->add_option("--person", command.person_id,
                             "the person a mentor or mentee token acts as");
  command.revoke->add_option("--id", command.id, "the token's id (token list)")->required();
}

int run_token_command(const TokenCommand& command, const host::HostConfig& config) {
  const host::OrganisationConfig& org = organisation_in(config, command.organisation, "token");
  const host::Caller caller = host::Caller::command_line(org.id);
  host::AccessTokens tokens(config.state_dir);

  if (*command.create) {
    require_permitted(caller, "token_create");
    const Role role = *host::role_from_string(command.role);
    const auto issued = tokens.create(org.id, role, command.name, command.person_id);
    if (command.as_json) {
      json answer{{"id", issued.id},
                  {"organisation", org.id},
                  {"role", command.role},
                  {"name", command.name},
                  {"token", issued.token}};
      if (!command.person_id.empty()) answer["person_id"] = command.person_id;
      std::cout << answer.dump(2) << "\n";
    } else {
      std::cerr << "token " << issued.id << " for " << org.id << ", role " << command.role << ", \""
                << command.name << "\""
                << (command.person_id.empty() ? "" : " (person " + command.person_id + ")")
                << ": shown this once, only its hash is kept\n";
      std::cout << issued.token << "\n";
    }
    return host::kExitOk;
  }
  if (*command.list) {
    require_permitted(caller, "token_list");
    const json rows = tokens.list(org.id);
    if (command.as_json) {
      std::cout << rows.dump(2) << "\n";
      return host::kExitOk;
    }
    for (const auto& row : rows) {
      std::cout << row["id"].get<std::string>() << "  " << row["role"].get<std::string>() << "  "
                << row["name"].get<std::string>();
      if (row.contains("person_id"))
        std::cout << "  person " << row["person_id"].get<std::string>();
      std::cout << "  created " << row["created"].get<std::string>();
      if (row.contains("revoked")) std::cout << "  REVOKED " << row["revoked"].get<std::string>();
      std::cout << "\n";
    }
    return host::kExitOk;
  }
  if (*command.revoke) {
    require_permitted(caller, "token_revoke");
    if (!tokens.revoke(org.id, command.id)) {
      std::cerr << "mentoring-host: token: no active token \"" << command.id
                << "\" in organisation " << org.id << " (token list shows its tokens)\n";
      return host::kExitUsage;
    }
    if (command.as_json)
      std::cout << json{{"id", command.id}, {"organisation", org.id}, {"revoked", true}}.dump(2)
                << "\n";
    else
      std::cout << "token " << command.id << " of " << org.id << " revoked\n";
    return host::kExitOk;
  }
  return host::kExitUsage;
}

}  // namespace mentoring::cli
