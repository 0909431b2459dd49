// mentoring/module.hpp — write a module as one ordinary C++ class.
//
//   class MyAdapter : public mentoring::Module {
//    public:
//     MyAdapter(const mentoring::Host& host, std::string_view config_json);
//     std::string call(std::string_view command, std::string_view input) override;
//   };
//   MENTORING_MODULE(MENTORING_KIND_ADAPTER, "my-adapter", "0.1.0",
//                    "Reads people from My HR", R"(["read_people"])", MyAdapter)
//
// The macro generates the one `extern "C"` entry point and the C shell around
// the class; every exception thrown by the constructor or by call() becomes a
// status plus a message the host reads with last_error(). Throw
// mentoring::Error to choose the status; anything else is MENTORING_ERR_FAILED
// (std::exception) or MENTORING_ERR_INTERNAL (anything not derived from it).
#pragma once

#include <mentoring/abi.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>

namespace mentoring {

// An error with the status it should carry across the ABI.
class Error : public std::runtime_error {
 public:
  Error(mentoring_status status, const std::string& message)
      : std::runtime_error(message), status_(status) {}
  mentoring_status status() const noexcept { return status_; }

 private:
  mentoring_status status_;
};

// The module's view of the host services. Cheap to copy; valid as long as the
// instance it was given to. A service the host does not offer is reported as
// MENTORING_ERR_UNAVAILABLE when used (log is silently dropped instead).
class Host {
 public:
  explicit Host(const mentoring_host* host) : host_(host) {}

  const mentoring_host* raw() const noexcept { return host_; }

  // The service struct for a versioned name, or nullptr.
  template <class Service>
  const Service* service(const char* name) const {
    if (host_ == nullptr || host_->get_service == nullptr) return nullptr;
    auto* s = static_cast<const Service*>(host_->get_service(host_, name));
    if (s == nullptr || s->struct_size < sizeof(std::uint32_t) + sizeof(void*)) return nullptr;
    return s;
  }

  void log(mentoring_log_level level, std::string_view message) const {
    if (auto* s = service<mentoring_log_v1>(MENTORING_SERVICE_LOG)) {
      s->write(s->context, level, message.data(), message.size());
    }
  }
  void info(std::string_view message) const { log(MENTORING_LOG_INFO, message); }
  void warn(std::string_view message) const { log(MENTORING_LOG_WARN, message); }

  std::int64_t now_unix_ms() const {
    const auto& s = require<mentoring_clock_v1>(MENTORING_SERVICE_CLOCK);
    return s.now_unix_ms(s.context);
  }

  // Elapsed milliseconds from mentoring.clock/2 (moves during a run even when
  // the calendar clock is pinned), or nullopt when the host does not offer it.
  std::optional<std::int64_t> monotonic_ms() const {
    auto* s = service<mentoring_clock_v2>(MENTORING_SERVICE_CLOCK_V2);
    if (s == nullptr || s->struct_size < sizeof(mentoring_clock_v2) || s->monotonic_ms == nullptr)
      return std::nullopt;
    return s->monotonic_ms(s->context);
  }

  // The secret's value, or nullopt when the host does not know it.
  std::optional<std::string> secret(const std::string& name) const {
    const auto& s = require<mentoring_secrets_v1>(MENTORING_SERVICE_SECRETS);
    char* value = nullptr;
    std::size_t length = 0;
    mentoring_status status = s.get(s.context, name.c_str(), &value, &length);
    std::string text = take(value, length, s.free_buffer, s.context);
    if (status != MENTORING_OK) return std::nullopt;
    return text;
  }

  std::string storage_directory() const {
    const auto& s = require<mentoring_storage_v1>(MENTORING_SERVICE_STORAGE);
    return s.directory(s.context);
  }
  std::string organisation() const {
    const auto& s = require<mentoring_storage_v1>(MENTORING_SERVICE_STORAGE);
    return s.organisation(s.context);
  }

  // One HTTP request, as described in abi.h; throws Error on transport failure.
  std::string http(std::string_view request_json) const {
    const auto& s = require<mentoring_http_v1>(MENTORING_SERVICE_HTTP);
    char* out = nullptr;
    std::size_t length = 0;
    mentoring_status status =
        s.request(s.context, request_json.data(), request_json.size(), &out, &length);
    std::string text = take(out, length, s.free_buffer, s.context);
    if (status != MENTORING_OK) throw Error(status, text);
    return text;
  }

  // One HTTP request through mentoring.http/2: the JSON head and the raw body
  // apart. nullopt when the host does not offer /2 (use http() then).
  struct HttpAnswer {
    std::string head_json;  // {"status", "headers", "request_id", ...}
    std::string body;
  };
  std::optional<HttpAnswer> http_split(std::string_view request_json) const {
    auto* s = service<mentoring_http_v2>(MENTORING_SERVICE_HTTP_V2);
    if (s == nullptr) return std::nullopt;
    char* head = nullptr;
    char* body = nullptr;
    std::size_t head_length = 0, body_length = 0;
    mentoring_status status = s->request(s->context, request_json.data(), request_json.size(),
                                         &head, &head_length, &body, &body_length);
    HttpAnswer answer{take(head, head_length, s->free_buffer, s->context),
                      take(body, body_length, s->free_buffer, s->context)};
    if (status != MENTORING_OK) throw Error(status, answer.head_json);
    return answer;
  }

  // The organisation's adapters as JSON (see abi.h).
  std::string list_adapters() const {
    const auto& s = require<mentoring_adapters_v1>(MENTORING_SERVICE_ADAPTERS);
    char* out = nullptr;
    std::size_t length = 0;
    mentoring_status status = s.list(s.context, &out, &length);
    std::string text = take(out, length, s.free_buffer, s.context);
    if (status != MENTORING_OK) throw Error(status, text);
    return text;
  }

  // Calls a command of one of the organisation's adapters; throws Error on failure.
  std::string call_adapter(const std::string& adapter, const std::string& command,
                           std::string_view input) const {
    const auto& s = require<mentoring_adapters_v1>(MENTORING_SERVICE_ADAPTERS);
    char* out = nullptr;
    std::size_t length = 0;
    mentoring_status status = s.call(s.context, adapter.c_str(), command.c_str(), input.data(),
                                     input.size(), &out, &length);
    std::string text = take(out, length, s.free_buffer, s.context);
    if (status != MENTORING_OK) throw Error(status, text);
    return text;
  }

 private:
  template <class Service>
  const Service& require(const char* name) const {
    if (auto* s = service<Service>(name)) return *s;
    throw Error(MENTORING_ERR_UNAVAILABLE, std::string("the host does not offer ") + name);
  }

  static std::string take(char* buffer, std::size_t length, void (*free_buffer)(void*, char*),
                          void* context) {
    if (buffer == nullptr) return {};
    std::string text(buffer, length);
    free_buffer(context, buffer);
    return text;
  }

  const mentoring_host* host_;
};

// Base class of every module instance (one per organisation).
class Module {
 public:
  virtual ~Module() = default;
  // Runs one command; input and the returned string are JSON.
  // Throw mentoring::Error(MENTORING_ERR_UNKNOWN_COMMAND, ...) for unknown commands.
  virtual std::string call(std::string_view command, std::string_view input) = 0;
  // Runs one command for an authenticated caller (abi.h: call_as; caller_json
  // as in schemas/caller.schema.json). A module that does not tell callers
  // apart keeps this default, which ignores the caller.
  virtual std::string call_as(std::string_view caller_json, std::string_view command,
                              std::string_view input) {
    (void)caller_json;
    return call(command, input);
  }
};

namespace detail {

struct InstanceBox {
  std::unique_ptr<Module> module;
  std::string last_error;
};

// A failed create has no instance to hold its message: one per thread, as the
// ABI promises, kept in a map rather than in thread_local storage. A module with
// thread-local storage, once the host unloads it, crashes LeakSanitizer at exit
// (GCC 12), and then every sanitizer run of a host that unloads modules fails.
inline std::string& create_error() {
  static std::mutex mutex;
  static std::map<std::thread::id, std::string> by_thread;  // nodes never move
  std::lock_guard lock(mutex);
  return by_thread[std::this_thread::get_id()];
}

// Runs f, turning any exception into a status and a message stored in `error`.
template <class F>
mentoring_status guarded(std::string& error, F&& f) noexcept {
  try {
    error.clear();
    f();
    return MENTORING_OK;
  } catch (const Error& e) {
    error = e.what();
    return e.status();
  } catch (const std::exception& e) {
    error = e.what();
    return MENTORING_ERR_FAILED;
  } catch (...) {
    error = "unknown exception inside the module";
    return MENTORING_ERR_INTERNAL;
  }
}

// A NUL-terminated copy for the other side of the ABI; freed with free_copy /
// delete[]. Used by module shells and by hosts for their services' buffers.
inline char* copy_out(const std::string& text, std::size_t* length = nullptr) {
  char* buffer = new char[text.size() + 1];
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  if (length) *length = text.size();
  return buffer;
}
inline void free_copy(void* /*service context*/, char* buffer) {
  delete[] buffer;
}

template <class T>
struct Shell {
  static mentoring_status create(const mentoring_host* host, const char* config, std::size_t length,
                                 mentoring_instance** instance) noexcept {
    if (instance == nullptr) return MENTORING_ERR_INVALID_INPUT;
    *instance = nullptr;
    return guarded(create_error(), [&] {
      auto box = std::make_unique<InstanceBox>();
      box->module = std::make_unique<T>(Host(host), std::string_view(config ? config : "", length));
      *instance = reinterpret_cast<mentoring_instance*>(box.release());
    });
  }
  static void destroy(mentoring_instance* instance) noexcept {
    delete reinterpret_cast<InstanceBox*>(instance);
  }
  static mentoring_status call(mentoring_instance* instance, const char* command, const char* input,
                               std::size_t length, char** output,
                               std::size_t* output_length) noexcept {
    if (instance == nullptr || command == nullptr || output == nullptr) {
      return MENTORING_ERR_INVALID_INPUT;
    }
    auto* box = reinterpret_cast<InstanceBox*>(instance);
    *output = nullptr;
    if (output_length) *output_length = 0;
    return guarded(box->last_error, [&] {
      std::string result = box->module->call(command, std::string_view(input ? input : "", length));
      *output = copy_out(result);
      if (output_length) *output_length = result.size();
    });
  }
  static mentoring_status call_as(mentoring_instance* instance, const char* caller,
                                  std::size_t caller_length, const char* command,
                                  const char* input, std::size_t length, char** output,
                                  std::size_t* output_length) noexcept {
    if (instance == nullptr || caller == nullptr || command == nullptr || output == nullptr) {
      return MENTORING_ERR_INVALID_INPUT;
    }
    auto* box = reinterpret_cast<InstanceBox*>(instance);
    *output = nullptr;
    if (output_length) *output_length = 0;
    return guarded(box->last_error, [&] {
      std::string result = box->module->call_as(std::string_view(caller, caller_length), command,
                                                std::string_view(input ? input : "", length));
      *output = copy_out(result);
      if (output_length) *output_length = result.size();
    });
  }
  static void free_buffer(char* buffer) noexcept { delete[] buffer; }
  static const char* last_error(const mentoring_instance* instance) noexcept {
    if (instance == nullptr) return create_error().c_str();
    return reinterpret_cast<const InstanceBox*>(instance)->last_error.c_str();
  }
};

}  // namespace detail
}  // namespace mentoring

// Generates the module's exported entry point for class CLASS.
#define MENTORING_MODULE(KIND, NAME, VERSION, DESCRIPTION, CAPABILITIES_JSON, CLASS)            \
  extern "C" MENTORING_EXPORT const mentoring_module_descriptor* mentoring_module_entry(void) { \
    static const mentoring_module_descriptor descriptor = {                                     \
        sizeof(mentoring_module_descriptor),                                                    \
        MENTORING_MAGIC,                                                                        \
        MENTORING_ABI_MAJOR,                                                                    \
        MENTORING_ABI_MINOR,                                                                    \
        MENTORING_ABI_PATCH,                                                                    \
        KIND,                                                                                   \
        NAME,                                                                                   \
        VERSION,                                                                                \
        DESCRIPTION,                                                                            \
        CAPABILITIES_JSON,                                                                      \
        &::mentoring::detail::Shell<CLASS>::create,                                             \
        &::mentoring::detail::Shell<CLASS>::destroy,                                            \
        &::mentoring::detail::Shell<CLASS>::call,                                               \
        &::mentoring::detail::Shell<CLASS>::free_buffer,                                        \
        &::mentoring::detail::Shell<CLASS>::last_error,                                         \
        &::mentoring::detail::Shell<CLASS>::call_as,                                            \
    };                                                                                          \
    return &descriptor;                                                                         \
  }
