// mentoring/host/runtime.hpp — the reference host: loads modules, gives each
// organisation its own services, runs the main job.
//
//   mentoring::host::Runtime runtime(mentoring::host::load_config("host.json"), modules_dir);
//   nlohmann::json summary = runtime.run();   // one cycle for every organisation
//
// Isolation: every organisation gets its own host-services table; its storage
// folder, its adapters and its secrets are the only ones it can reach.
#pragma once

#include <mentoring/host/caller.hpp>
#include <mentoring/host/config.hpp>
#include <mentoring/host/org_lock.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace mentoring::host {

struct Organisation;

// Documented in the README; distinct so scripts can tell failures apart.
enum ExitCode : int {
  kExitOk = 0,
  kExitInternal = 1,       // a bug or an unexpected failure
  kExitUsage = 2,          // bad command line, unknown command or organisation
  kExitConfig = 3,         // a config or programme file is missing or invalid
  kExitModuleLoad = 4,     // a module could not be loaded (not a module, ABI mismatch, ...)
  kExitAdapter = 5,        // an adapter could not be created, reached or called
  kExitDataRejected = 6,   // completed, but some host records are not stored (quarantined,
                           // or a page the adapter reported malformed)
  kExitActionsFailed = 7,  // completed, but write-backs failed in this run or wait as dead letters
  kExitBusy = 8,           // another run or command held the organisation's lock all the wait
  kExitModuleFailed = 9,   // completed, but a module's pass failed (modules.<m>.status "failed")
};

// With several organisations the worst outcome is the process's exit code, and
// within one organisation the worst of what befell it:
// 3 > 5 > 1 > 9 > 8 > 7 > 6 > 0 (the README's order). Answers the worse of the two.
int worse_exit_code(int a, int b);

// A command's --input that the command refused (schema, or a person nobody
// has): a bad command line (exit 2), not a config error.
class CommandInputError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// The caller's role may not do this (HTTP 403).
class PermissionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// No such object for this caller (HTTP 404): another organisation's, another
// pair's, or none at all; the two are never told apart.
class NotFoundError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ModuleInfo {
  std::string name, kind, version, abi, path;
  std::vector<std::string> capabilities;
};

struct CheckRow {
  std::string organisation;  // "" for host-wide rows
  std::string component;     // eg "config", "module file", "adapter hr-export"
  std::string check;         // eg "read_people"
  bool ok = false;
  std::string detail;
};

class Runtime {
 public:
  // modules_dir: where bare module names are looked up, unless the config names one.
  // Throws schema::ValidationError (naming file and pointer) for a plugin or
  // adapter module outside that folder, or a secrets file that is refused.
  Runtime(HostConfig config, std::filesystem::path default_modules_dir);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // Loads every module the config names; throws LoadError on the first failure.
  std::vector<ModuleInfo> load_modules();

  // Loads, creates and checks everything; never throws for a failed check.
  std::vector<CheckRow> check();

  // One cycle (sync, modules, write-back) for every organisation, or one.
  // Answers {"organisations":[<plugin run summary> | {"organisation":..,"error":..}],
  //          "exit_code": n}.
  nlohmann::json run(const std::optional<std::string>& only_organisation = std::nullopt);

  // Sends one JSON command to the plugin of one organisation (eg "status").
  // Throws std::invalid_argument for an unknown organisation, CommandInputError
  // for an input the command refuses, CallError for other failures, StateFolderError
  // and BusyError (org_lock.hpp) when its state folder or its lock is not to be had.
  nlohmann::json command(const std::string& organisation, const std::string& command,
                         const nlohmann::json& input);

  // The same for an authenticated caller (caller.hpp): the command runs in
  // caller.organisation, with the caller's role. Throws as command() does, and
  // PermissionError when the role may not run it or not on that object,
  // NotFoundError for what the caller may not know exists (both from the plugin,
  // abi.h MENTORING_ERR_FORBIDDEN / MENTORING_ERR_NOT_FOUND).
  nlohmann::json command_as(const Caller& caller, const std::string& command,
                            const nlohmann::json& input);

  // The same, for a command addressed to `organisation` (eg the path of an HTTP
  // request): a caller of another organisation gets NotFoundError, as for an
  // object they may not know; an unknown organisation std::invalid_argument.
  // Also answers the host's token_create / token_list / token_revoke
  // (access_tokens.hpp) for the roles the permission matrix lets.
  nlohmann::json command_as(const std::string& organisation, const Caller& caller,
                            const std::string& command, const nlohmann::json& input);

  // Keeps up to `organisations` organisations open between command() /
  // command_as() calls (adapters, plugin instance, its database), the least
  // recently used closed first; 0 (the default) opens and closes one for every
  // command. A kept organisation holds its lock only while a command runs, so
  // another process (`mentoring-host run`) still gets it between commands; the
  // plugin reads its state from the database on every call. One that failed to
  // open whole (an adapter, its config or programmes) is never kept: its error
  // is reported on every command, as without keeping. Thread-safe; two commands
  // of one organisation at once simply open it twice (its lock orders them).
  void keep_open(std::size_t organisations);
  // How many organisations are open and kept now (for tests and metrics).
  std::size_t kept_open() const;

  const HostConfig& config() const noexcept { return config_; }

 private:
  struct Impl;
  // Takes the organisation's lock (StateFolderError, BusyError), then creates its adapters.
  std::unique_ptr<Organisation> open(const OrganisationConfig& org, nlohmann::json& adapter_errors,
                                     const std::string& purpose);
  void create_plugin(Organisation& organisation);
  // A kept organisation of that id, its lock taken again, or null (keep_open).
  std::unique_ptr<Organisation> reopen_kept(const OrganisationConfig& org,
                                            const std::string& purpose);
  // Its lock released, the organisation kept for the next command (or closed).
  void keep(std::unique_ptr<Organisation> organisation);

  HostConfig config_;
  std::unique_ptr<Impl> impl_;
};

// Where the host finds a module: a path (contains '/' or ends in .so) as is,
// relative to base_dir; a bare name as <modules_dir>/<name>.so.
std::filesystem::path module_path(const std::string& name_or_path,
                                  const std::filesystem::path& modules_dir,
                                  const std::filesystem::path& base_dir);

// nullopt when the module is a file directly in modules_dir (lexically: ".."
// cannot leave it); otherwise what was found, for the config error the
// Runtime's constructor throws (schema::ValidationError naming file and pointer).
std::optional<std::string> module_outside(const std::string& name_or_path,
                                          const std::filesystem::path& modules_dir,
                                          const std::filesystem::path& base_dir);

}  // namespace mentoring::host
