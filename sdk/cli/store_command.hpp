// sdk/cli/store_command.hpp — `mentoring-host store export|import`: one organisation moved
// between an SQLite file and the shared PostgreSQL store the host config names
// (store: {"kind": "postgres", "url_secret": ...}), verified by counts and checksums
// (mentoring/store/postgres/transfer.hpp does the copying; this only wires the config,
// the secret and the output).
#pragma once

#include <mentoring/host/config.hpp>

#include <CLI/CLI.hpp>

#include <string>

namespace mentoring::cli {

struct StoreCommand {
  CLI::App* store = nullptr;
  CLI::App* export_org = nullptr;
  CLI::App* import_org = nullptr;
  std::string organisation, file;
  bool replace = false;
  bool as_json = false;
};

// Adds `store` and its two subcommands to app; each takes --config into config_file.
void add_store_command(CLI::App& app, StoreCommand& command, std::string& config_file);

// Runs the parsed `store` subcommand: prints each table's rows and checksum and the total;
// answers the exit code. Refused (exit 3, naming the field) when the config's store is not
// PostgreSQL or its url_secret is not set; exit 2 for an organisation the config does not
// name, an existing export file or an organisation already in PostgreSQL (without
// --replace); exit 1 when the copy does not verify or PostgreSQL fails. Nothing the
// connection URL holds is ever printed.
int run_store_command(const StoreCommand& command, const host::HostConfig& config);

}  // namespace mentoring::cli
