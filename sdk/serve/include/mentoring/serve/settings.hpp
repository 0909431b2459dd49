// mentoring/serve/settings.hpp — what `mentoring-host serve` reads from the
// configs: the host config's "serve" object and each organisation's "schedule".
//
//   auto settings = mentoring::serve::ServeSettings::from_config(config);  // throws SettingsError
//   auto schedule = mentoring::serve::Schedule::from_config(config.organisations[0]);
#pragma once

#include <mentoring/host/config.hpp>

#include <cstddef>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

namespace mentoring::serve {

// A setting the schema allows but serve cannot use (eg a remote address without
// allow_remote, a missing certificate): a config error (exit 3), naming the setting.
class SettingsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct TlsFiles {
  std::filesystem::path certificate;
  std::filesystem::path private_key;
};

struct ServeSettings {
  std::string host = "127.0.0.1";
  int port = 8640;  // 0: any free port
  bool allow_remote = false;
  std::optional<TlsFiles> tls;
  std::size_t max_body_bytes = 1048576;
  double request_timeout_seconds = 10;
  int threads = 8;
  int cycle_threads = 2;
  // Organisations kept open between HTTP commands (host::Runtime::keep_open):
  // opening one costs milliseconds of CPU, keeping one a few MB.
  std::size_t open_organisations = 256;

  // Reads config.serve (already schema-checked); paths resolve against the
  // config's folder. Refuses a non-loopback host unless allow_remote.
  static ServeSettings from_config(const host::HostConfig& config);
};

// 127.0.0.0/8, ::1, [::1] and "localhost".
bool is_loopback(const std::string& host);

struct Schedule {
  bool enabled = true;
  int every_minutes = 60;
  int daily_hour = 2, daily_minute = 0;  // local time in `timezone`
  std::string timezone = "Europe/London";

  static Schedule from_config(const host::OrganisationConfig& org);
};

}  // namespace mentoring::serve
