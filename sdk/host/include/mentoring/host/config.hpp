// mentoring/host/config.hpp — read and validate what mentoring-host runs.
//
//   auto config = mentoring::host::load_config("examples/demo/host.json");
//   for (const auto& org : config.organisations) { ... org.id, org.adapters ... }
//
// Every file is validated against its schema as it is read (host-config,
// org-config, programme); the first invalid file throws
// mentoring::schema::ValidationError naming the file and JSON pointer.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace mentoring::host {

struct AdapterConfig {
  std::string name;    // eg "hr-export"
  std::string module;  // eg "file" or a path to a .so
  nlohmann::json settings;
};

struct OrganisationConfig {
  std::filesystem::path file;      // the org config file
  std::filesystem::path base_dir;  // its folder: relative paths resolve against it
  std::string id;
  std::string name;
  nlohmann::json modules;     // {"enrolment": true, ...}
  nlohmann::json policy;      // {} when absent
  nlohmann::json programmes;  // the programme definitions, read and validated
  std::vector<AdapterConfig> adapters;
  nlohmann::json routing = nlohmann::json::object();   // action kind or "*" -> adapter name
  nlohmann::json schedule = nlohmann::json::object();  // when `serve` runs its cycles (sdk/serve)
};

// Where the organisations' state is kept (host config "store"). PostgreSQL is only used by
// `mentoring-host store export|import` so far: run and serve refuse it.
struct StoreConfig {
  enum class Kind { sqlite, postgres };
  Kind kind = Kind::sqlite;
  std::string url_secret;  // postgres: the secret whose value is the connection URL
};

struct HostConfig {
  std::filesystem::path file;
  std::filesystem::path state_dir;                   // absolute
  std::optional<std::filesystem::path> modules_dir;  // absolute, when set
  std::string plugin = "mentoring";
  std::optional<std::string> today;  // pinned clock, YYYY-MM-DD
  std::optional<std::filesystem::path> secrets_file;
  std::string log_level = "info";
  // How long a run, command or check waits for another one holding an
  // organisation's lock before that organisation ends busy (exit 8).
  double lock_wait_seconds = 30;
  nlohmann::json serve = nlohmann::json::object();  // `mentoring-host serve` settings (sdk/serve)
  StoreConfig store;
  std::vector<OrganisationConfig> organisations;
};

// Throws schema::ValidationError on a missing, unreadable or invalid file, or
// on two organisations with one id.
HostConfig load_config(const std::filesystem::path& host_config_file);

}  // namespace mentoring::host
