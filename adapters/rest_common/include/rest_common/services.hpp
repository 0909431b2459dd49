// What a REST adapter's core needs from its host, and the loadable shell that
// wires it to mentoring::Host. The core takes Services so unit tests can drive
// it without a host; a module is one line:
//
//   using BambooHrModule = mentoring::adapters::rest::RestModule<BambooHrAdapter>;
//   MENTORING_MODULE(MENTORING_KIND_ADAPTER, "bamboohr", "0.1.0", "...", R"([...])",
//   BambooHrModule)
#pragma once

#include "rest_common/rest_client.hpp"

#include <mentoring/module.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace mentoring::adapters::rest {

struct Services {
  Transport http;
  std::function<std::optional<std::string>(const std::string& name)> secret;
  std::function<std::int64_t()> now_unix_ms;
  std::function<void(std::string_view)> warn;
  // A folder private to this organisation (tokens, delivered keys) kept across
  // restarts; empty function or "" keeps such state in memory only.
  std::function<std::string()> storage_directory;
  // The host's mentoring.http/2, when offered: pages cross as raw bytes.
  SplitTransport http_split;
  // Elapsed milliseconds that move during a run (mentoring.clock/2), for
  // durations such as token lifetimes; empty or nullopt when the host has no
  // such clock (now_unix_ms is then the only clock, and it may be pinned).
  std::function<std::optional<std::int64_t>()> monotonic_ms = {};
};

// The loadable shell of an adapter core constructed as Adapter(config_json, Services).
template <class Adapter>
class RestModule : public mentoring::Module {
 public:
  RestModule(const mentoring::Host& host, std::string_view config_json)
      : host_(host),
        adapter_(
            config_json,
            Services{[this](const std::string& request) { return host_.http(request); },
                     [this](const std::string& name) { return host_.secret(name); },
                     [this] { return host_.now_unix_ms(); },
                     [this](std::string_view message) { host_.warn(message); },
                     [this] { return host_.storage_directory(); },
                     [this](const std::string& request) -> std::optional<SplitAnswer> {
                       auto answer = host_.http_split(request);
                       if (!answer) return std::nullopt;
                       return SplitAnswer{std::move(answer->head_json), std::move(answer->body)};
                     },
                     [this] { return host_.monotonic_ms(); }}) {}

  std::string call(std::string_view command, std::string_view input) override {
    return adapter_.call(command, input);
  }

 private:
  mentoring::Host host_;  // declared first: the adapter calls the host through it
  Adapter adapter_;
};

}  // namespace mentoring::adapters::rest
