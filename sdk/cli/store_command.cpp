#include "store_command.hpp"

#include <mentoring/host/runtime.hpp>
#include <mentoring/store/postgres/connection.hpp>
#include <mentoring/store/postgres/transfer.hpp>

#include "organisation_in.hpp"
#include "secrets.hpp"  // sdk/host: the URL is a secret, resolved as adapters' are

#include <nlohmann/json.hpp>

#include <algorithm>
#include <iostream>
#include <optional>

namespace mentoring::cli {
namespace {

using json = nlohmann::json;
namespace postgres = store::postgres;

void print(const postgres::Checksums& figures, bool as_json, const std::string& organisation,
           const std::string& what) {
  if (as_json) {
    json tables = json::array();
    for (const auto& t : figures.tables)
      tables.push_back({{"table", t.name}, {"rows", t.rows}, {"sha256", t.sha256}});
    std::cout << json{{"organisation", organisation},
                      {"verified", true},
                      {"tables", tables},
                      {"total_rows", figures.total_rows},
                      {"total_sha256", figures.total_sha256}}
                     .dump(2)
              << "\n";
    return;
  }
  std::size_t width = 5;
  for (const auto& t : figures.tables) width = std::max(width, t.name.size());
  std::cout << what << ": verified, every table's rows and SHA-256 equal on both sides\n";
  for (const auto& t : figures.tables) {
    std::string rows = std::to_string(t.rows);
    std::cout << t.name << std::string(width - t.name.size() + 2, ' ')
              << std::string(rows.size() < 9 ? 9 - rows.size() : 0, ' ') << rows << "  " << t.sha256
              << "\n";
  }
  std::string rows = std::to_string(figures.total_rows);
  std::cout << "total" << std::string(width - 5 + 2, ' ')
            << std::string(rows.size() < 9 ? 9 - rows.size() : 0, ' ') << rows << "  "
            << figures.total_sha256 << "\n";
}

}  // namespace

void add_store_command(CLI::App& app, StoreCommand& command, std::string& config_file) {
  command.store = app.add_subcommand(
      "store", "move one organisation between an SQLite file and the PostgreSQL store");
  command.store->require_subcommand(1);
  command.export_org = command.store->add_subcommand(
      "export", "copy one organisation from the configured PostgreSQL store to a new SQLite file");
  command.import_org = command.store->add_subcommand(
      "import", "copy an SQLite file's organisation into the configured PostgreSQL store");
  for (CLI::App* sub : {command.export_org, command.import_org}) {
    sub->add_option("--config,-c", config_file, "host config file")->required();
    sub->add_option("--org", command.organisation, "organisation id")->required();
    sub->add_flag("--json", command.as_json, "print the verified figures as JSON");
  }
  command.export_org->add_option("--to", command.file, "the new SQLite file (must not exist)")
      ->required();
  command.import_org->add_option("--from", command.file, "the organisation's SQLite store file")
      ->required()
      ->check(CLI::ExistingFile);
  command.import_org->add_flag(
      "--replace", command.replace,
      "delete the organisation's rows in PostgreSQL first (else an organisation already there is "
      "refused)");
}

int run_store_command(const StoreCommand& command, const host::HostConfig& config) {
  const std::string& org = organisation_in(config, command.organisation, "store").id;
  if (config.store.kind != host::StoreConfig::Kind::postgres) {
    std::cerr << "mentoring-host: store " << (*command.export_org ? "export" : "import")
              << ": invalid configuration:\n"
              << config.file.string()
              << ": /store/kind: found \"sqlite\" (or no store: the default); expected "
                 "\"postgres\" with its url_secret: export and import move an organisation "
                 "between an SQLite file and the PostgreSQL store\n";
    return host::kExitConfig;
  }
  host::Secrets secrets(config.secrets_file);
  const std::string& secret_name = config.store.url_secret;
  const std::optional<std::string> url = secrets.get(secret_name);
  if (!url || url->empty()) {
    std::cerr << "mentoring-host: store: invalid configuration:\n"
              << config.file.string() << ": /store/url_secret: found \"" << secret_name
              << "\", a secret that is not set (not in the secrets_file, no environment "
                 "variable MENTORING_SECRET_<NAME>); expected the name of the secret holding "
                 "the PostgreSQL URL\n";
    return host::kExitConfig;
  }
  try {
    postgres::Connection connection(*url, "store.url_secret " + secret_name);
    postgres::TransferOptions options;
    options.replace = command.replace;
    if (*command.export_org) {
      const auto figures = postgres::export_organisation(connection, org, command.file, options);
      print(figures, command.as_json, org,
            "exported organisation " + org + " from PostgreSQL (" + connection.server() + ") to " +
                command.file);
    } else {
      const auto figures = postgres::import_organisation(command.file, org, connection, options);
      print(figures, command.as_json, org,
            "imported organisation " + org + " from " + command.file + " into PostgreSQL (" +
                connection.server() + ")");
    }
    return host::kExitOk;
  } catch (const postgres::TransferMismatch& e) {
    std::cerr << "mentoring-host: store: " << secrets.redact(e.what()) << "\n";
    return host::kExitInternal;
  } catch (const postgres::TransferError& e) {
    std::cerr << "mentoring-host: store: " << secrets.redact(e.what()) << "\n";
    return host::kExitUsage;
  } catch (const postgres::PostgresError& e) {
    std::cerr << "mentoring-host: store: " << secrets.redact(e.what()) << "\n";
    return host::kExitInternal;
  }
}

}  // namespace mentoring::cli
