// mentoring/loader.hpp — host side: load a module (.so) and talk to it safely.
//
//   auto library = mentoring::host::ModuleLibrary::load("modules/file.so");  // checks ABI first
//   mentoring::host::ModuleInstance adapter(library, host_table, R"({"settings":{}})");
//   std::string answer = adapter.call("check", "{}");
//
// ModuleLibrary owns the loaded library (boost::dll, RTLD_NOW) and is shared:
// every ModuleInstance keeps its library alive, so code is never unloaded while
// an object it created exists. Errors are exceptions with one-line messages.
// Thread-safety: a ModuleLibrary may be shared between threads; one
// ModuleInstance must be used by one thread at a time.
#pragma once

#include <mentoring/abi.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mentoring::host {

// Why a module could not be loaded.
class LoadError : public std::runtime_error {
 public:
  enum class Kind {
    not_found,       // no such file
    not_loadable,    // dlopen failed: not a shared object, undefined symbol, wrong architecture
    not_a_module,    // loaded, but exports no mentoring_module_entry
    abi_mismatch,    // a different ABI major, or a newer minor than this host knows
    bad_descriptor,  // wrong magic, too small, or a required function missing
  };
  LoadError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  Kind kind() const noexcept { return kind_; }

 private:
  Kind kind_;
};

// A failed create or call: the module's status and its last_error message.
class CallError : public std::runtime_error {
 public:
  CallError(mentoring_status status, const std::string& message)
      : std::runtime_error(message), status_(status) {}
  mentoring_status status() const noexcept { return status_; }

 private:
  mentoring_status status_;
};

// The ABI this host speaks and whether it accepts a module's version:
// same major, module minor <= host minor (a newer patch is fine).
struct AbiVersion {
  std::uint32_t major, minor, patch;
};
constexpr AbiVersion kHostAbi{MENTORING_ABI_MAJOR, MENTORING_ABI_MINOR, MENTORING_ABI_PATCH};
bool is_compatible(AbiVersion host, AbiVersion module) noexcept;

// "plugin", "adapter" or "unknown". (mentoring_module_kind and
// mentoring_status are both int32_t since ABI 1.1: a status is named by
// status_name, never by to_string.)
const char* to_string(mentoring_module_kind kind) noexcept;
const char* status_name(mentoring_status status) noexcept;

class ModuleLibrary {
 public:
  // Loads and checks a module; throws LoadError.
  static std::shared_ptr<ModuleLibrary> load(const std::filesystem::path& path,
                                             AbiVersion host_abi = kHostAbi);

  ~ModuleLibrary();
  ModuleLibrary(const ModuleLibrary&) = delete;
  ModuleLibrary& operator=(const ModuleLibrary&) = delete;

  const mentoring_module_descriptor& descriptor() const noexcept { return *descriptor_; }
  const std::filesystem::path& path() const noexcept { return path_; }
  std::string name() const { return descriptor_->name; }
  std::string version() const { return descriptor_->version; }
  mentoring_module_kind kind() const noexcept { return descriptor_->kind; }
  std::string abi_version() const;  // eg "1.0.0"
  std::vector<std::string> capabilities() const;

 private:
  struct Impl;
  ModuleLibrary(std::unique_ptr<Impl> impl, const mentoring_module_descriptor* descriptor,
                std::filesystem::path path);
  std::unique_ptr<Impl> impl_;
  const mentoring_module_descriptor* descriptor_;
  std::filesystem::path path_;
};

// One instance of a module (for one organisation). Destroys it on destruction.
class ModuleInstance {
 public:
  // Throws CallError when the module refuses the config.
  ModuleInstance(std::shared_ptr<ModuleLibrary> library, const mentoring_host* host,
                 std::string_view config_json);
  ~ModuleInstance();
  ModuleInstance(const ModuleInstance&) = delete;
  ModuleInstance& operator=(const ModuleInstance&) = delete;

  // Runs a command; throws CallError with the module's message on failure.
  std::string call(std::string_view command, std::string_view input);
  // Runs a command for an authenticated caller (abi.h call_as; caller_json as
  // in schemas/caller.schema.json). A module without call_as (ABI < 1.2) gets
  // a plain call when the caller is the organisation's admin; any other caller
  // is refused (CallError MENTORING_ERR_FORBIDDEN), never run with more rights.
  std::string call_as(std::string_view caller_json, std::string_view command,
                      std::string_view input);
  // Whether the module tells callers apart (has call_as).
  bool knows_callers() const noexcept;

  const ModuleLibrary& library() const noexcept { return *library_; }

 private:
  std::string take_answer(mentoring_status status, char* output, std::size_t length) const;

  std::shared_ptr<ModuleLibrary> library_;  // declared first: destroyed after the instance
  mentoring_instance* instance_ = nullptr;
};

}  // namespace mentoring::host
