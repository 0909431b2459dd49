// mentoring/host/caller.hpp — who is calling a command, as the host decided it.
//
// The host decides the caller from a token (`serve`) or from the command line
// (the organisation's admin), never from the request body, and hands it to the
// plugin with every command (abi.h: call_as). The plugin's rules then decide
// what that caller may do and see (schemas/permissions.json).
//
// Threading: a plain value; copy it freely.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace mentoring::host {

enum class Role {
  admin,   // modules, adapters and tokens of their organisation (and what HR may do)
  hr,      // programme manager / HR: people, enrolments, pairing, session metadata, reports
  mentor,  // a participant: their own pairs only
  mentee,  // a participant: their own pair only
  system,  // another system (a host system's webhook, a scheduler): no person's data
};

std::string_view to_string(Role role) noexcept;
std::optional<Role> role_from_string(std::string_view text) noexcept;

struct Caller {
  std::string organisation;  // the one organisation this caller may reach
  Role role = Role::admin;
  std::string person_id;  // mentor and mentee: the person they are; "" otherwise
  std::string name;       // who, for the audit log: a token's name, "command line (root)"

  // {"organisation","role","person_id"?,"name"}: schemas/caller.schema.json
  nlohmann::json to_json() const;

  // The organisation's admin at the command line (`mentoring-host command`).
  static Caller command_line(const std::string& organisation);
};

}  // namespace mentoring::host
