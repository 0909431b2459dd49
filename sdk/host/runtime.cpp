#include <mentoring/host/runtime.hpp>

#include <mentoring/abi.h>
#include <mentoring/loader.hpp>
#include <mentoring/module.hpp>
#include <mentoring/private_files.hpp>
#include <mentoring/schema.hpp>

#include <mentoring/host/access_tokens.hpp>
#include <mentoring/host/permissions.hpp>
#include <mentoring/schema.hpp>

#include "http_client.hpp"
#include "secrets.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <list>
#include <map>
#include <mutex>
#include <set>

namespace mentoring::host {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

using mentoring::detail::copy_out;
using mentoring::detail::free_copy;

std::shared_ptr<spdlog::logger> make_logger(const std::string& level) {
  auto logger = spdlog::get("mentoring");
  if (!logger) {
    logger = spdlog::stderr_color_mt("mentoring");
    logger->set_pattern("%^[%l]%$ %v");
  }
  logger->set_level(spdlog::level::from_str(level));
  return logger;
}

std::int64_t clock_now_ms(const std::optional<std::string>& today) {
  using namespace std::chrono;
  if (today) {
    int y = 0;
    unsigned m = 0, d = 0;
    std::sscanf(today->c_str(), "%d-%u-%u", &y, &m, &d);
    sys_days day = year{y} / month{m} / std::chrono::day{d};
    // Noon UTC: a pinned day is the same calendar day in every European zone.
    return duration_cast<milliseconds>(day.time_since_epoch()).count() + 12 * 3600 * 1000;
  }
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// The path with links and ".." resolved as far as it exists (realpath).
fs::path resolved(const fs::path& path) {
  std::error_code ec;
  fs::path out = fs::weakly_canonical(path, ec);
  return ec ? path : out;
}

// The organisation's state folder and every file in it are the service
// user's only. What an older version (or a umask) left wider is narrowed, and
// said once: the next run finds it private.
void narrow_state_folder(const std::string& organisation, const fs::path& folder,
                         spdlog::logger& logger) {
  auto narrow = [&](const fs::path& path) {
    if (auto was = files::make_private(path)) {
      logger.warn("[{}] {} was open to others (mode {:04o}); now {:04o}, its owner's only",
                  organisation, path.string(), static_cast<unsigned>(*was),
                  static_cast<unsigned>(*was & 0700));
    }
  };
  narrow(folder);
  std::error_code ec;
  for (fs::recursive_directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec))
    narrow(it->path());
}

}  // namespace

fs::path module_path(const std::string& name_or_path, const fs::path& modules_dir,
                     const fs::path& base_dir) {
  bool is_path = name_or_path.find('/') != std::string::npos ||
                 (name_or_path.size() > 3 && name_or_path.ends_with(".so"));
  if (is_path) return fs::absolute(base_dir / name_or_path).lexically_normal();
  return modules_dir / (name_or_path + ".so");
}

std::optional<std::string> module_outside(const std::string& name_or_path,
                                          const fs::path& modules_dir, const fs::path& base_dir) {
  const fs::path folder = fs::absolute(modules_dir).lexically_normal();
  const fs::path path = module_path(name_or_path, folder, base_dir).lexically_normal();
  const fs::path inside = path.lexically_relative(folder);
  // Lexically, not through links: a link the operator put in the folder is
  // theirs to trust; a config cannot walk out of it with "..".
  if (!inside.empty() && *inside.begin() != ".." && *inside.begin() != "." &&
      !inside.is_absolute() && path.parent_path() == folder)
    return std::nullopt;
  return "\"" + name_or_path + "\" (" + path.string() + ", outside the modules folder " +
         folder.string() + ")";
}

// One organisation's world: its services table, its adapters, its plugin.
struct Organisation {
  const OrganisationConfig* config = nullptr;
  std::string storage_dir;
  std::int64_t now_ms = 0;
  Secrets* secrets = nullptr;
  HttpClient* http = nullptr;
  std::shared_ptr<spdlog::logger> logger;
  // An adapter of this organisation has settings "tls_verify": false: its
  // requests may turn verification off (warned of every cycle, in open()).
  bool tls_off_allowed = false;

  mentoring_host table{};
  mentoring_log_v1 log{};
  mentoring_clock_v1 clock{};
  mentoring_clock_v2 clock2{};
  mentoring_secrets_v1 secrets_service{};
  mentoring_storage_v1 storage{};
  mentoring_http_v1 http_service{};
  mentoring_http_v2 http2_service{};
  mentoring_adapters_v1 adapters_service{};

  // Declared before the adapters and the plugin: destroyed after them, so the
  // lock is held for as long as anything of the organisation runs.
  std::optional<OrganisationLock> lock;

  struct Adapter {
    std::string module;
    std::unique_ptr<ModuleInstance> instance;
    std::vector<std::string> capabilities;
  };
  std::map<std::string, Adapter> adapters;
  std::unique_ptr<ModuleInstance> plugin;

  explicit Organisation(const OrganisationConfig& org) : config(&org) { wire(); }

  static Organisation& self(void* context) { return *static_cast<Organisation*>(context); }

  void wire() {
    table = {sizeof(mentoring_host),
             MENTORING_ABI_MAJOR,
             MENTORING_ABI_MINOR,
             MENTORING_ABI_PATCH,
             "mentoring-host",
             "0.1.0",
             this,
             [](const mentoring_host* host, const char* name) -> const void* {
               auto& o = self(host->context);
               std::string n = name ? name : "";
               if (n == MENTORING_SERVICE_LOG) return &o.log;
               if (n == MENTORING_SERVICE_CLOCK) return &o.clock;
               if (n == MENTORING_SERVICE_CLOCK_V2) return &o.clock2;
               if (n == MENTORING_SERVICE_SECRETS) return &o.secrets_service;
               if (n == MENTORING_SERVICE_STORAGE) return &o.storage;
               if (n == MENTORING_SERVICE_HTTP) return &o.http_service;
               if (n == MENTORING_SERVICE_HTTP_V2) return &o.http2_service;
               if (n == MENTORING_SERVICE_ADAPTERS) return &o.adapters_service;
               return nullptr;
             }};
    log = {sizeof(log), this, [](void* c, mentoring_log_level level, const char* m, size_t n) {
             auto& o = self(c);
             std::string line = o.secrets->redact(std::string(m, n));
             auto spd = level == MENTORING_LOG_DEBUG  ? spdlog::level::debug
                        : level == MENTORING_LOG_INFO ? spdlog::level::info
                        : level == MENTORING_LOG_WARN ? spdlog::level::warn
                                                      : spdlog::level::err;
             o.logger->log(spd, "[{}] {}", o.config->id, line);
           }};
    clock = {sizeof(clock), this, [](void* c) { return self(c).now_ms; }};
    // The calendar clock is read once per run (and may be pinned); elapsed
    // time comes from the steady clock, so token lifetimes can be measured.
    clock2 = {sizeof(clock2), this, [](void* c) { return self(c).now_ms; },
              [](void*) -> std::int64_t {
                using namespace std::chrono;
                return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
              }};
    secrets_service = {sizeof(secrets_service), this,
                       [](void* c, const char* name, char** value, size_t* length) {
                         auto found = self(c).secrets->get(name ? name : "");
                         if (!found) {
                           *value = copy_out(std::string("no secret named ") + (name ? name : ""),
                                             length);
                           return MENTORING_ERR_UNAVAILABLE;
                         }
                         *value = copy_out(*found, length);
                         return MENTORING_OK;
                       },
                       &free_copy};
    storage = {sizeof(storage), this, [](void* c) { return self(c).storage_dir.c_str(); },
               [](void* c) { return self(c).config->id.c_str(); }};
    http_service = {sizeof(http_service), this,
                    [](void* c, const char* request, size_t n, char** out, size_t* out_n) {
                      auto& o = self(c);
                      try {
                        *out = copy_out(o.http->perform(std::string(request, n), o.tls_off_allowed),
                                        out_n);
                        return MENTORING_OK;
                      } catch (const HttpLimitError& e) {
                        // An answer that broke a limit: the host was reached.
                        *out = copy_out(o.secrets->redact(e.what()), out_n);
                        return MENTORING_ERR_FAILED;
                      } catch (const HttpError& e) {
                        *out = copy_out(o.secrets->redact(e.what()), out_n);
                        return MENTORING_ERR_UNAVAILABLE;
                      } catch (const std::exception& e) {
                        *out = copy_out(o.secrets->redact(e.what()), out_n);
                        return MENTORING_ERR_INVALID_INPUT;
                      }
                    },
                    &free_copy};
    http2_service = {sizeof(http2_service), this,
                     [](void* c, const char* request, size_t n, char** head, size_t* head_n,
                        char** body, size_t* body_n) {
                       auto& o = self(c);
                       *body = nullptr;
                       if (body_n) *body_n = 0;
                       try {
                         auto answer =
                             o.http->perform_split(std::string(request, n), o.tls_off_allowed);
                         *head = copy_out(answer.head_json, head_n);
                         *body = copy_out(answer.body, body_n);
                         return MENTORING_OK;
                       } catch (const HttpLimitError& e) {
                         *head = copy_out(o.secrets->redact(e.what()), head_n);
                         return MENTORING_ERR_FAILED;
                       } catch (const HttpError& e) {
                         *head = copy_out(o.secrets->redact(e.what()), head_n);
                         return MENTORING_ERR_UNAVAILABLE;
                       } catch (const std::exception& e) {
                         *head = copy_out(o.secrets->redact(e.what()), head_n);
                         return MENTORING_ERR_INVALID_INPUT;
                       }
                     },
                     &free_copy};
    adapters_service = {
        sizeof(adapters_service), this,
        [](void* c, char** out, size_t* out_n) {
          json list = json::array();
          for (const auto& [name, adapter] : self(c).adapters) {
            list.push_back({{"name", name},
                            {"module", adapter.module},
                            {"capabilities", adapter.capabilities}});
          }
          *out = copy_out(list.dump(), out_n);
          return MENTORING_OK;
        },
        [](void* c, const char* name, const char* command, const char* in, size_t in_n, char** out,
           size_t* out_n) {
          auto& o = self(c);
          auto it = o.adapters.find(name ? name : "");
          if (it == o.adapters.end() || !it->second.instance) {
            *out = copy_out("organisation " + o.config->id + " has no adapter named \"" +
                                std::string(name ? name : "") + "\"",
                            out_n);
            return MENTORING_ERR_UNAVAILABLE;
          }
          try {
            *out = copy_out(it->second.instance->call(command ? command : "",
                                                      std::string_view(in ? in : "", in_n)),
                            out_n);
            return MENTORING_OK;
          } catch (const CallError& e) {
            *out = copy_out(o.secrets->redact(e.what()), out_n);
            return e.status();
          }
        },
        &free_copy};
  }
};

struct Runtime::Impl {
  fs::path modules_dir;
  std::shared_ptr<spdlog::logger> logger;
  std::unique_ptr<Secrets> secrets;
  std::unique_ptr<HttpClient> http;
  std::map<fs::path, std::shared_ptr<ModuleLibrary>> libraries;

  // keep_open(): organisations open between commands, most recently used first.
  mutable std::mutex kept_mutex;
  std::size_t keep_at_most = 0;
  std::list<std::unique_ptr<Organisation>> kept;

  std::shared_ptr<ModuleLibrary> library(const fs::path& path, mentoring_module_kind expected) {
    auto it = libraries.find(path);
    if (it != libraries.end()) return it->second;
    auto lib = ModuleLibrary::load(path);
    if (lib->kind() != expected) {
      throw LoadError(LoadError::Kind::bad_descriptor,
                      path.string() + ": is a " + to_string(lib->kind()) + " module; expected a " +
                          to_string(expected));
    }
    libraries.emplace(path, lib);
    return lib;
  }
};

Runtime::Runtime(HostConfig config, fs::path default_modules_dir)
    : config_(std::move(config)), impl_(std::make_unique<Impl>()) {
  impl_->modules_dir = config_.modules_dir.value_or(std::move(default_modules_dir));
  // A config names a module; it cannot load any library on the machine.
  const std::string expected =
      "a module in the modules folder: its name (eg \"file\"), or a path to a .so inside the "
      "folder (set modules_dir in the host config, or --modules-dir, to load another folder)";
  std::vector<schema::Problem> problems;
  if (auto found = module_outside(config_.plugin, impl_->modules_dir, config_.file.parent_path()))
    problems.push_back({config_.file.string(), "/plugin", *found, expected});
  for (const auto& org : config_.organisations) {
    for (std::size_t i = 0; i < org.adapters.size(); ++i) {
      if (auto found = module_outside(org.adapters[i].module, impl_->modules_dir, org.base_dir)) {
        problems.push_back(
            {org.file.string(), "/adapters/" + std::to_string(i) + "/module", *found, expected});
      }
    }
  }
  if (!problems.empty()) throw schema::ValidationError(std::move(problems));
  impl_->logger = make_logger(config_.log_level);
  impl_->secrets = std::make_unique<Secrets>(config_.secrets_file);
  impl_->http = std::make_unique<HttpClient>(*impl_->secrets, impl_->logger);
}

Runtime::~Runtime() = default;

std::vector<ModuleInfo> Runtime::load_modules() {
  std::vector<ModuleInfo> out;
  auto describe = [&](const std::shared_ptr<ModuleLibrary>& lib) {
    for (const auto& m : out) {
      if (m.path == lib->path().string()) return;
    }
    out.push_back({lib->name(), to_string(lib->kind()), lib->version(), lib->abi_version(),
                   lib->path().string(), lib->capabilities()});
  };
  describe(
      impl_->library(module_path(config_.plugin, impl_->modules_dir, config_.file.parent_path()),
                     MENTORING_KIND_PLUGIN));
  for (const auto& org : config_.organisations) {
    for (const auto& adapter : org.adapters) {
      describe(impl_->library(module_path(adapter.module, impl_->modules_dir, org.base_dir),
                              MENTORING_KIND_ADAPTER));
    }
  }
  return out;
}

namespace {

json plugin_config(const OrganisationConfig& org, const Organisation& o) {
  json adapters = json::array();
  for (const auto& [name, adapter] : o.adapters) {
    adapters.push_back(
        {{"name", name}, {"module", adapter.module}, {"capabilities", adapter.capabilities}});
  }
  return {{"id", org.id},
          {"name", org.name},
          {"modules", org.modules},
          {"policy", org.policy},
          {"programmes", org.programmes},
          {"routing", org.routing},
          {"adapters", adapters}};
}

}  // namespace

namespace {

void say_waiting(spdlog::logger& logger, const std::string& organisation,
                 const LockHolder& holder) {
  logger.info(
      "[{}] another mentoring-host holds this organisation's lock ({}): waiting "
      "for it",
      organisation, holder.describe());
}

void say_waited(spdlog::logger& logger, const std::string& organisation,
                const OrganisationLock& lock) {
  if (const auto& holder = lock.waited_for()) {
    logger.info("[{}] waited {:.1f} s for the organisation's lock, held by {}; going on",
                organisation, lock.waited_seconds(), holder->describe());
  }
}

}  // namespace

void Runtime::keep_open(std::size_t organisations) {
  std::list<std::unique_ptr<Organisation>> closing;
  {
    std::lock_guard guard(impl_->kept_mutex);
    impl_->keep_at_most = organisations;
    while (impl_->kept.size() > organisations) {
      closing.splice(closing.begin(), impl_->kept, std::prev(impl_->kept.end()));
    }
  }
}

std::size_t Runtime::kept_open() const {
  std::lock_guard guard(impl_->kept_mutex);
  return impl_->kept.size();
}

std::unique_ptr<Organisation> Runtime::reopen_kept(const OrganisationConfig& org,
                                                   const std::string& purpose) {
  std::unique_ptr<Organisation> o;
  {
    std::lock_guard guard(impl_->kept_mutex);
    for (auto it = impl_->kept.begin(); it != impl_->kept.end(); ++it) {
      if ((*it)->config->id != org.id) continue;
      o = std::move(*it);
      impl_->kept.erase(it);
      break;
    }
  }
  if (!o) return nullptr;
  auto logger = impl_->logger;
  try {
    o->lock->retake(org.id, std::chrono::duration<double>(config_.lock_wait_seconds), purpose,
                    [&](const LockHolder& holder) { say_waiting(*logger, org.id, holder); });
  } catch (const StateFolderError& e) {
    // Its state folder was removed or replaced: opened anew (and its problem reported from there).
    logger->info("[{}] {}: opening it anew", org.id, e.what());
    return nullptr;
  } catch (const BusyError&) {
    keep(std::move(o));  // still good once the other process is done
    throw;
  }
  say_waited(*logger, org.id, *o->lock);
  o->now_ms = clock_now_ms(config_.today);  // the clock is read once per command
  return o;
}

void Runtime::keep(std::unique_ptr<Organisation> o) {
  o->lock->release();
  std::unique_ptr<Organisation> closing;
  std::lock_guard guard(impl_->kept_mutex);
  if (impl_->keep_at_most == 0) return;
  for (const auto& other : impl_->kept) {
    if (other->config == o->config) return;  // opened twice at once: one is enough
  }
  impl_->kept.push_front(std::move(o));
  if (impl_->kept.size() > impl_->keep_at_most) {
    closing = std::move(impl_->kept.back());
    impl_->kept.pop_back();
  }
}

// Builds one organisation's services and adapter instances. An adapter that
// cannot be created is reported in `adapter_errors` and left out.
std::unique_ptr<Organisation> Runtime::open(const OrganisationConfig& org, json& adapter_errors,
                                            const std::string& purpose) {
  auto o = std::make_unique<Organisation>(org);
  o->secrets = impl_->secrets.get();
  o->http = impl_->http.get();
  o->logger = impl_->logger;
  o->now_ms = clock_now_ms(config_.today);
  fs::path storage = config_.state_dir / org.id;
  // One writer per organisation: taken before anything of it is created (the
  // plugin's migrations run under it), released when `o` goes.
  auto logger = impl_->logger;
  o->lock.emplace(OrganisationLock::acquire(
      org.id, storage, std::chrono::duration<double>(config_.lock_wait_seconds), purpose,
      [&](const LockHolder& holder) { say_waiting(*logger, org.id, holder); }));
  say_waited(*logger, org.id, *o->lock);
  o->storage_dir = storage.string();
  narrow_state_folder(org.id, storage, *logger);
  for (const auto& adapter : org.adapters) {
    const json& settings = adapter.settings;
    if (settings.is_object() && settings.contains("tls_verify") &&
        settings["tls_verify"] == false) {
      o->tls_off_allowed = true;
      logger->warn(
          "[{}] adapter {}: TLS verification is OFF (settings \"tls_verify\": false in {}): its "
          "host's certificate is not checked, so anyone on the network path can read its "
          "credentials and data. Give the host's CA in \"ca_bundle\" instead.",
          org.id, adapter.name, org.file.string());
    }
  }
  for (const auto& adapter : org.adapters) {
    auto lib = impl_->library(module_path(adapter.module, impl_->modules_dir, org.base_dir),
                              MENTORING_KIND_ADAPTER);
    json adapter_config = {{"organisation", org.id},
                           {"name", adapter.name},
                           {"base_dir", org.base_dir.string()},
                           {"settings", adapter.settings}};
    auto& slot = o->adapters[adapter.name];
    slot.module = adapter.module;
    slot.capabilities = lib->capabilities();
    try {
      slot.instance = std::make_unique<ModuleInstance>(lib, &o->table, adapter_config.dump());
    } catch (const CallError& e) {
      adapter_errors.push_back(
          {{"adapter", adapter.name}, {"error", impl_->secrets->redact(e.what())}});
    }
  }
  return o;
}

void Runtime::create_plugin(Organisation& o) {
  auto lib =
      impl_->library(module_path(config_.plugin, impl_->modules_dir, config_.file.parent_path()),
                     MENTORING_KIND_PLUGIN);
  o.plugin = std::make_unique<ModuleInstance>(lib, &o.table, plugin_config(*o.config, o).dump());
}

int worse_exit_code(int a, int b) {
  // Rank by exit code: 0 ok, 6 data rejected, 7 actions failed, 8 busy,
  // 9 a module's pass failed, 1 internal, 5 adapter, 3 config; usage and
  // module load end the process before any organisation runs, ranked above all.
  static const int kRank[] = {0, 5, 8, 7, 8, 6, 1, 2, 3, 4};
  auto rank = [](int code) { return code >= 0 && code <= 9 ? kRank[code] : 8; };
  return rank(b) > rank(a) ? b : a;
}

nlohmann::json Runtime::run(const std::optional<std::string>& only_organisation) {
  load_modules();
  json results = json::array();
  int exit_code = kExitOk;
  bool matched = false;
  for (const auto& org : config_.organisations) {
    if (only_organisation && org.id != *only_organisation) continue;
    matched = true;
    int org_code = kExitOk;
    auto worsen = [&](int code) { org_code = worse_exit_code(org_code, code); };
    json adapter_errors = json::array();
    json result;
    // Whatever befalls one organisation, the others still run.
    try {
      auto o = open(org, adapter_errors, "run");
      if (!adapter_errors.empty()) worsen(kExitAdapter);
      create_plugin(*o);
      result = json::parse(impl_->secrets->redact(o->plugin->call("run", "{}")));
      if (!adapter_errors.empty()) result["adapter_errors"] = adapter_errors;
      if (o->lock->waited_for()) {
        result["lock"] = {{"waited_seconds", o->lock->waited_seconds()},
                          {"waited_for", o->lock->waited_for()->describe()}};
      }
      if (result.value("adapter_failures", 0) > 0) worsen(kExitAdapter);
      // Quarantined records count until the host sends them again valid: the
      // rest was stored, but someone may miss what the record would have given them.
      if (result.value("rejected_pages", 0) > 0 || result.value("quarantined", 0) > 0 ||
          result.value("quarantine_held", 0) > 0) {
        worsen(kExitDataRejected);
      }
      // Write-backs that failed in this run, failed before and wait for their next
      // attempt (a monitor hears of them until they are delivered), or gave up and
      // wait for HR as dead letters.
      const json actions = result.value("actions", json::object());
      if (actions.value("failed", 0) > 0 || actions.value("retrying", 0) > 0 ||
          actions.value("dead_letters", 0) > 0)
        worsen(kExitActionsFailed);
      // A module's pass that threw: the other modules ran and write-back went
      // on, but that module's rules did not apply today.
      json failed_modules = json::array();
      if (result.contains("modules") && result["modules"].is_object()) {
        for (auto item : result["modules"].items()) {
          json& module = item.value();
          if (!module.is_object() || module.value("status", "") != "failed") continue;
          failed_modules.push_back(item.key());
          if (module.contains("error") && module["error"].is_string())
            module["error"] = impl_->secrets->redact(module["error"].get<std::string>());
        }
      }
      if (!failed_modules.empty()) {
        result["failed_modules"] = failed_modules;
        worsen(kExitModuleFailed);
      }
    } catch (const StateFolderError& e) {
      result = {{"organisation", org.id}, {"name", org.name}, {"error", e.what()}};
      worsen(kExitConfig);
    } catch (const BusyError& e) {
      result = {{"organisation", org.id}, {"name", org.name}, {"error", e.what()}, {"busy", true}};
      worsen(kExitBusy);
    } catch (const CallError& e) {
      result = {{"organisation", org.id},
                {"name", org.name},
                {"error", impl_->secrets->redact(e.what())},
                {"adapter_errors", adapter_errors}};
      worsen(e.status() == MENTORING_ERR_INVALID_INPUT ? kExitConfig : kExitInternal);
    } catch (const std::exception& e) {
      result = {{"organisation", org.id},
                {"name", org.name},
                {"error", impl_->secrets->redact(e.what())},
                {"adapter_errors", adapter_errors}};
      worsen(kExitInternal);
    }
    result["exit_code"] = org_code;
    exit_code = worse_exit_code(exit_code, org_code);
    results.push_back(std::move(result));
  }
  if (only_organisation && !matched) {
    return {{"organisations", json::array()},
            {"error", "no organisation with id \"" + *only_organisation + "\""},
            {"exit_code", kExitUsage}};
  }
  return {{"organisations", results}, {"exit_code", exit_code}};
}

std::vector<CheckRow> Runtime::check() {
  std::vector<CheckRow> rows;
  rows.push_back({"", "config", "schema", true, config_.file.string()});
  // Where the data goes, as the system resolves it (links followed).
  rows.push_back({"", "config", "state_dir", true, resolved(config_.state_dir).string()});
  if (config_.secrets_file) {
    rows.push_back({"", "config", "secrets_file", true,
                    resolved(*config_.secrets_file).string() + " (its owner's only)"});
  }
  try {
    for (const auto& m : load_modules()) {
      rows.push_back({"", "module " + m.name, "load", true,
                      m.kind + " " + m.version + ", ABI " + m.abi + ", " + m.path});
    }
  } catch (const LoadError& e) {
    rows.push_back({"", "module", "load", false, e.what()});
    return rows;
  }
  for (const auto& org : config_.organisations) {
    json adapter_errors = json::array();
    std::unique_ptr<Organisation> o;
    try {
      o = open(org, adapter_errors, "check");
    } catch (const StateFolderError& e) {
      rows.push_back({org.id, "state folder", "writable", false, e.what()});
      continue;
    } catch (const BusyError& e) {
      rows.push_back({org.id, "lock", "free", false, e.what()});
      continue;
    }
    {
      struct stat info {};
      const fs::path folder = resolved(o->storage_dir);
      char mode[8] = "?";
      if (::stat(folder.c_str(), &info) == 0)
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
      rows.push_back(
          {org.id, "state folder", "path", true, folder.string() + " (mode " + mode + ")"});
    }
    for (const auto& e : adapter_errors) {
      rows.push_back({org.id, "adapter " + e["adapter"].get<std::string>(), "settings", false,
                      e["error"].get<std::string>()});
    }
    for (const auto& [name, adapter] : o->adapters) {
      if (!adapter.instance) continue;
      std::string component = "adapter " + name;
      rows.push_back({org.id, component, "settings", true, "valid"});
      try {
        json answer = json::parse(adapter.instance->call("check", "{}"));
        for (const auto& c : answer.value("capabilities", json::array())) {
          // A capability the integrator did not configure is not a failure.
          bool ok = !c.value("configured", true) ||
                    (c.value("reachable", false) && c.value("authenticated", false) &&
                     c.value("permitted", false));
          rows.push_back({org.id, component, c.value("name", "?"), ok,
                          impl_->secrets->redact(c.value("message", ""))});
        }
      } catch (const std::exception& e) {
        rows.push_back({org.id, component, "check", false, impl_->secrets->redact(e.what())});
      }
    }
    try {
      create_plugin(*o);
      json answer = json::parse(o->plugin->call("check", "{}"));
      rows.push_back({org.id, "plugin", "store", true, answer.value("message", "ok")});
      // Where each action kind goes: one row per kind. A kind no adapter
      // carries is shown, not failed: its actions wait until routing names one.
      for (const auto& route : answer.value("routing", json::array())) {
        const json adapter = route.value("adapter", json());
        rows.push_back({org.id, "routing", route.value("kind", "?"), true,
                        adapter.is_string()
                            ? "-> " + adapter.get<std::string>() + " (" + route.value("why", "") +
                                  ": " + route.value("why_words", "") + ")"
                            : "-> (none): " + route.value("why_words", "")});
      }
      // Records the sync could not store wait in quarantine until the host sends them again.
      const json quarantine = answer.value("quarantine", json::array());
      for (const auto& q : quarantine) {
        std::string id = q.value("record_id", json()).is_string()
                             ? q["record_id"].get<std::string>()
                             : std::string("(no id)");
        rows.push_back({org.id, "plugin", "quarantine", false,
                        q.value("adapter", "?") + " " + q.value("stream", "?") + " record " + id +
                            " (" + q.value("reason_words", q.value("reason", "")) +
                            "): " + q.value("pointer", "") + ": found " + q.value("found", "") +
                            "; expected " + q.value("expected", "") + "; seen " +
                            std::to_string(q.value("times_seen", 1)) + " time(s), last on " +
                            q.value("last_seen", "")});
      }
      std::int64_t held = answer.value("quarantine_held", std::int64_t{0});
      if (held > static_cast<std::int64_t>(quarantine.size())) {
        rows.push_back({org.id, "plugin", "quarantine", false,
                        std::to_string(held - static_cast<std::int64_t>(quarantine.size())) +
                            " more quarantined record(s): mentoring-host command --org " + org.id +
                            " quarantine"});
      }
    } catch (const std::exception& e) {
      rows.push_back({org.id, "plugin", "create/check", false, impl_->secrets->redact(e.what())});
    }
  }
  return rows;
}

nlohmann::json Runtime::command(const std::string& organisation, const std::string& command,
                                const nlohmann::json& input) {
  return command_as(Caller::command_line(organisation), command, input);
}

nlohmann::json Runtime::command_as(const Caller& caller, const std::string& command,
                                   const nlohmann::json& input) {
  return command_as(caller.organisation, caller, command, input);
}

namespace {

// token_create / token_list / token_revoke: the host's own commands on its
// token store (access_tokens.hpp), for the organisation named.
json token_command(const fs::path& state_dir, const std::string& organisation,
                   const std::string& command, const json& input) {
  auto problems = schema::validate("commands/" + command + ".input", input, command);
  if (!problems.empty())
    throw CommandInputError(schema::ValidationError(std::move(problems)).what());
  AccessTokens tokens(state_dir);
  if (command == "token_list") return {{"tokens", tokens.list(organisation)}};
  if (command == "token_revoke") {
    const std::string id = input.at("id").get<std::string>();
    if (!tokens.revoke(organisation, id))
      throw NotFoundError("token_revoke: /id: found \"" + id + "\"; expected an active token of " +
                          organisation);
    return {{"id", id}, {"revoked", true}};
  }
  const auto role = role_from_string(input.at("role").get<std::string>());
  try {
    const auto issued = tokens.create(organisation, *role, input.at("name").get<std::string>(),
                                      input.value("person_id", ""));
    return {{"id", issued.id}, {"token", issued.token}};
  } catch (const std::invalid_argument& e) {
    throw CommandInputError(e.what());
  }
}

}  // namespace

nlohmann::json Runtime::command_as(const std::string& organisation, const Caller& caller,
                                   const std::string& command, const nlohmann::json& input) {
  // Another organisation's caller learns nothing here, not even which commands exist.
  bool known = false;
  for (const auto& org : config_.organisations) known |= org.id == organisation;
  if (!known) throw std::invalid_argument("no organisation with id \"" + organisation + "\"");
  if (caller.organisation != organisation)
    throw NotFoundError("organisation \"" + organisation + "\": not found");
  // The host's own commands: the matrix says who may (the plugin checks its own).
  if (is_host_command(command) && !permitted(caller.role, command))
    throw PermissionError("command \"" + command + "\": role " +
                          std::string(to_string(caller.role)) +
                          " may not run it (schemas/permissions.json)");
  if (command.rfind("token_", 0) == 0 && is_host_command(command))
    return token_command(config_.state_dir, organisation, command, input);
  load_modules();
  for (const auto& org : config_.organisations) {
    if (org.id != organisation) continue;
    const std::string purpose = "command " + command;
    auto o = reopen_kept(org, purpose);
    bool keepable = true;
    if (!o) {
      json adapter_errors = json::array();
      o = open(org, adapter_errors, purpose);
      keepable = adapter_errors.empty();  // kept only whole: the error again next time
      try {
        create_plugin(*o);  // INVALID_INPUT here: the organisation's config or programmes
      } catch (const CallError& e) {
        throw CallError(e.status(), impl_->secrets->redact(e.what()));
      }
    }
    try {
      // Whatever an adapter said that the plugin kept and now shows: redacted too.
      json answer = json::parse(impl_->secrets->redact(
          o->plugin->call_as(caller.to_json().dump(), command, input.dump())));
      if (keepable) keep(std::move(o));
      return answer;
    } catch (const CallError& e) {
      // The message goes to the caller (a terminal, an HTTP answer): never a secret.
      const std::string message = impl_->secrets->redact(e.what());
      // The caller's mistake leaves the organisation as good as it was; anything
      // else (a store error, an internal one) closes it, to be opened anew.
      const bool callers =
          e.status() == MENTORING_ERR_INVALID_INPUT || e.status() == MENTORING_ERR_FORBIDDEN ||
          e.status() == MENTORING_ERR_NOT_FOUND || e.status() == MENTORING_ERR_UNKNOWN_COMMAND;
      if (callers && keepable) keep(std::move(o));
      if (e.status() == MENTORING_ERR_INVALID_INPUT) throw CommandInputError(message);
      if (e.status() == MENTORING_ERR_FORBIDDEN) throw PermissionError(message);
      if (e.status() == MENTORING_ERR_NOT_FOUND) throw NotFoundError(message);
      throw CallError(e.status(), message);
    }
  }
  throw std::invalid_argument("no organisation with id \"" + caller.organisation + "\"");
}

}  // namespace mentoring::host
