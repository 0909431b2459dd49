// sdk/cli/organisation_in.hpp — the organisation a subcommand's --org names, from the config.
#pragma once

#include <mentoring/host/config.hpp>

#include <stdexcept>
#include <string>

namespace mentoring::cli {

// The config's organisation with this id; std::invalid_argument (exit 2) naming the command,
// the id, the config file and the ids it has, eg `token: unknown organisation "x" in
// host.json; expected one of: northwind, riverside`.
inline const host::OrganisationConfig& organisation_in(const host::HostConfig& config,
                                                       const std::string& id,
                                                       const std::string& command) {
  for (const auto& org : config.organisations)
    if (org.id == id) return org;
  std::string known;
  for (const auto& org : config.organisations) known += (known.empty() ? "" : ", ") + org.id;
  throw std::invalid_argument(command + ": unknown organisation \"" + id + "\" in " +
                              config.file.string() + "; expected one of: " + known);
}

}  // namespace mentoring::cli
