#include <mentoring/loader.hpp>

#include <boost/dll/shared_library.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>

namespace mentoring::host {

namespace {

// The part of the descriptor every ABI version shares; read before anything else.
constexpr std::size_t kVersionedPrefix = offsetof(mentoring_module_descriptor, kind);

std::string clean_dl_message(std::string message) {
  // boost says "boost::dll::shared_library::load() failed (dlerror system message: ...)"
  const std::string marker = "dlerror system message: ";
  auto at = message.find(marker);
  if (at != std::string::npos) {
    message = message.substr(at + marker.size());
    if (!message.empty() && message.back() == ')') message.pop_back();
  }
  return message;
}

}  // namespace

// ABI 1.0 declared these as C enums; 1.1 modules and hosts read the same bytes.
static_assert(sizeof(mentoring_status) == 4 && sizeof(mentoring_module_kind) == 4 &&
              sizeof(mentoring_log_level) == 4);
static_assert(offsetof(mentoring_module_descriptor, kind) == 5 * sizeof(std::uint32_t));

bool is_compatible(AbiVersion host, AbiVersion module) noexcept {
  return host.major == module.major && module.minor <= host.minor;
}

const char* to_string(mentoring_module_kind kind) noexcept {
  switch (kind) {
    case MENTORING_KIND_PLUGIN:
      return "plugin";
    case MENTORING_KIND_ADAPTER:
      return "adapter";
  }
  return "unknown";
}

const char* status_name(mentoring_status status) noexcept {
  switch (status) {
    case MENTORING_OK:
      return "ok";
    case MENTORING_ERR_INVALID_INPUT:
      return "invalid input";
    case MENTORING_ERR_UNKNOWN_COMMAND:
      return "unknown command";
    case MENTORING_ERR_UNAVAILABLE:
      return "unavailable";
    case MENTORING_ERR_FAILED:
      return "failed";
    case MENTORING_ERR_INTERNAL:
      return "internal error";
    case MENTORING_ERR_FORBIDDEN:
      return "forbidden";
    case MENTORING_ERR_NOT_FOUND:
      return "not found";
  }
  return "unknown status";
}

struct ModuleLibrary::Impl {
  boost::dll::shared_library library;
};

ModuleLibrary::ModuleLibrary(std::unique_ptr<Impl> impl,
                             const mentoring_module_descriptor* descriptor,
                             std::filesystem::path path)
    : impl_(std::move(impl)), descriptor_(descriptor), path_(std::move(path)) {}

ModuleLibrary::~ModuleLibrary() = default;

std::shared_ptr<ModuleLibrary> ModuleLibrary::load(const std::filesystem::path& path,
                                                   AbiVersion host_abi) {
  const std::string where = path.string();
  std::error_code exists_error;
  if (!std::filesystem::is_regular_file(path, exists_error)) {
    throw LoadError(LoadError::Kind::not_found, where + ": no such module file");
  }

  auto impl = std::make_unique<Impl>();
  try {
    impl->library.load(boost::dll::fs::path(where),
                       boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    throw LoadError(LoadError::Kind::not_loadable,
                    where + ": cannot load: " + clean_dl_message(e.what()));
  }
  if (!impl->library.has(MENTORING_ENTRY_SYMBOL)) {
    throw LoadError(LoadError::Kind::not_a_module,
                    where + ": not a mentoring module (no " + MENTORING_ENTRY_SYMBOL + " symbol)");
  }
  auto entry = impl->library.get<const mentoring_module_descriptor*()>(MENTORING_ENTRY_SYMBOL);
  const mentoring_module_descriptor* d = entry();
  if (d == nullptr) {
    throw LoadError(LoadError::Kind::bad_descriptor,
                    where + ": the entry point returned no descriptor");
  }
  if (d->struct_size < kVersionedPrefix || d->magic != MENTORING_MAGIC) {
    throw LoadError(LoadError::Kind::bad_descriptor,
                    where + ": not a mentoring module descriptor (bad magic or size)");
  }
  AbiVersion module_abi{d->abi_major, d->abi_minor, d->abi_patch};
  if (!is_compatible(host_abi, module_abi)) {
    throw LoadError(LoadError::Kind::abi_mismatch,
                    where + ": module ABI " + std::to_string(module_abi.major) + "." +
                        std::to_string(module_abi.minor) + "." + std::to_string(module_abi.patch) +
                        " is not supported by this host (ABI " + std::to_string(host_abi.major) +
                        "." + std::to_string(host_abi.minor) +
                        "; needs the same major and a minor <= " + std::to_string(host_abi.minor) +
                        ")");
  }
  // A v1.x descriptor is at least as large as the v1.0 one.
  if (d->struct_size < MENTORING_DESCRIPTOR_SIZE_1_0) {
    throw LoadError(LoadError::Kind::bad_descriptor,
                    where + ": descriptor of " + std::to_string(d->struct_size) +
                        " bytes is smaller than ABI 1.0's " +
                        std::to_string(MENTORING_DESCRIPTOR_SIZE_1_0));
  }
  const char* missing = nullptr;
  if (d->name == nullptr || d->name[0] == '\0')
    missing = "name";
  else if (d->version == nullptr)
    missing = "version";
  else if (d->capabilities_json == nullptr)
    missing = "capabilities_json";
  else if (d->create == nullptr)
    missing = "create";
  else if (d->destroy == nullptr)
    missing = "destroy";
  else if (d->call == nullptr)
    missing = "call";
  else if (d->free_buffer == nullptr)
    missing = "free_buffer";
  else if (d->last_error == nullptr)
    missing = "last_error";
  if (missing != nullptr) {
    throw LoadError(LoadError::Kind::bad_descriptor,
                    where + ": descriptor has no " + std::string(missing));
  }
  if (d->kind != MENTORING_KIND_PLUGIN && d->kind != MENTORING_KIND_ADAPTER) {
    throw LoadError(LoadError::Kind::bad_descriptor,
                    where + ": unknown module kind " + std::to_string(static_cast<int>(d->kind)));
  }
  auto caps = nlohmann::json::parse(d->capabilities_json, nullptr, false);
  if (!caps.is_array()) {
    throw LoadError(LoadError::Kind::bad_descriptor,
                    where + ": capabilities_json is not a JSON array of strings");
  }
  return std::shared_ptr<ModuleLibrary>(new ModuleLibrary(std::move(impl), d, path));
}

std::string ModuleLibrary::abi_version() const {
  return std::to_string(descriptor_->abi_major) + "." + std::to_string(descriptor_->abi_minor) +
         "." + std::to_string(descriptor_->abi_patch);
}

std::vector<std::string> ModuleLibrary::capabilities() const {
  std::vector<std::string> out;
  for (const auto& c : nlohmann::json::parse(descriptor_->capabilities_json)) {
    if (c.is_string()) out.push_back(c.get<std::string>());
  }
  return out;
}

ModuleInstance::ModuleInstance(std::shared_ptr<ModuleLibrary> library, const mentoring_host* host,
                               std::string_view config_json)
    : library_(std::move(library)) {
  const auto& d = library_->descriptor();
  mentoring_status status = d.create(host, config_json.data(), config_json.size(), &instance_);
  if (status != MENTORING_OK || instance_ == nullptr) {
    std::string message = d.last_error(nullptr);
    if (instance_ != nullptr) {
      d.destroy(instance_);
      instance_ = nullptr;
    }
    throw CallError(status == MENTORING_OK ? MENTORING_ERR_INTERNAL : status,
                    library_->name() + ": " + (message.empty() ? status_name(status) : message));
  }
}

ModuleInstance::~ModuleInstance() {
  if (instance_ != nullptr) library_->descriptor().destroy(instance_);
}

// The answer of one call or call_as, freed on the module's side; its failure as CallError.
std::string ModuleInstance::take_answer(mentoring_status status, char* output,
                                        std::size_t length) const {
  const auto& d = library_->descriptor();
  std::string result;
  if (output != nullptr) {
    result.assign(output, length);
    d.free_buffer(output);
  }
  if (status != MENTORING_OK) {
    std::string message = d.last_error(instance_);
    throw CallError(status, message.empty() ? status_name(status) : message);
  }
  return result;
}

std::string ModuleInstance::call(std::string_view command, std::string_view input) {
  char* output = nullptr;
  std::size_t length = 0;
  const std::string command_text(command);
  mentoring_status status = library_->descriptor().call(
      instance_, command_text.c_str(), input.data(), input.size(), &output, &length);
  return take_answer(status, output, length);
}

bool ModuleInstance::knows_callers() const noexcept {
  const auto& d = library_->descriptor();
  return d.struct_size >= offsetof(mentoring_module_descriptor, call_as) + sizeof(d.call_as) &&
         d.call_as != nullptr;
}

std::string ModuleInstance::call_as(std::string_view caller_json, std::string_view command,
                                    std::string_view input) {
  if (!knows_callers()) {
    auto caller = nlohmann::json::parse(caller_json, nullptr, false);
    if (caller.is_object() && caller.value("role", "") == "admin") return call(command, input);
    throw CallError(MENTORING_ERR_FORBIDDEN,
                    library_->name() + " (ABI " + library_->abi_version() +
                        ") does not tell callers apart (no call_as): only the organisation's "
                        "admin may call it");
  }
  char* output = nullptr;
  std::size_t length = 0;
  const std::string command_text(command);
  mentoring_status status = library_->descriptor().call_as(
      instance_, caller_json.data(), caller_json.size(), command_text.c_str(), input.data(),
      input.size(), &output, &length);
  return take_answer(status, output, length);
}

}  // namespace mentoring::host
