#include <mentoring/serve/settings.hpp>

#include <arpa/inet.h>

namespace mentoring::serve {

namespace fs = std::filesystem;

bool is_loopback(const std::string& host) {
  if (host == "localhost" || host == "::1" || host == "[::1]") return true;
  in_addr address{};
  if (::inet_pton(AF_INET, host.c_str(), &address) != 1) return false;
  return (ntohl(address.s_addr) >> 24) == 127;
}

ServeSettings ServeSettings::from_config(const host::HostConfig& config) {
  ServeSettings s;
  const auto& j = config.serve;
  const std::string where = config.file.string() + ": /serve";
  if (j.contains("listen")) {
    const std::string listen = j["listen"].get<std::string>();
    const auto colon = listen.rfind(':');
    s.host = listen.substr(0, colon);
    if (s.host.size() > 2 && s.host.front() == '[') s.host = s.host.substr(1, s.host.size() - 2);
    const int port = std::stoi(listen.substr(colon + 1));
    if (port > 65535) {
      throw SettingsError(where + "/listen: found port " + std::to_string(port) +
                          "; expected 0 to 65535");
    }
    s.port = port;
  }
  s.allow_remote = j.value("allow_remote", false);
  if (!s.allow_remote && !is_loopback(s.host)) {
    throw SettingsError(where + "/listen: found \"" + s.host +
                        "\", not a loopback address; expected 127.0.0.1, ::1 or localhost, "
                        "or \"allow_remote\": true (with \"tls\") to listen beyond this machine");
  }
  if (j.contains("tls")) {
    const fs::path base = config.file.parent_path();
    TlsFiles tls{fs::weakly_canonical(base / j["tls"]["certificate"].get<std::string>()),
                 fs::weakly_canonical(base / j["tls"]["private_key"].get<std::string>())};
    for (const auto& [name, path] :
         {std::pair{"certificate", tls.certificate}, std::pair{"private_key", tls.private_key}}) {
      if (!fs::is_regular_file(path)) {
        throw SettingsError(where + "/tls/" + name + ": found \"" + path.string() +
                            "\" (no such file); expected a PEM file");
      }
    }
    s.tls = tls;
  }
  s.max_body_bytes = j.value("max_body_bytes", s.max_body_bytes);
  s.request_timeout_seconds = j.value("request_timeout_seconds", s.request_timeout_seconds);
  s.threads = j.value("threads", s.threads);
  s.cycle_threads = j.value("cycle_threads", s.cycle_threads);
  s.open_organisations = j.value("open_organisations", s.open_organisations);
  return s;
}

Schedule Schedule::from_config(const host::OrganisationConfig& org) {
  Schedule s;
  const auto& j = org.schedule;
  s.enabled = j.value("enabled", true);
  s.every_minutes = j.value("every_minutes", 60);
  const std::string at = j.value("daily_at", std::string("02:00"));
  s.daily_hour = std::stoi(at.substr(0, 2));
  s.daily_minute = std::stoi(at.substr(3, 2));
  s.timezone = org.policy.value("timezone", s.timezone);
  return s;
}

}  // namespace mentoring::serve
