// mentoring/fake_host.hpp — a host for unit tests of a module, without mentoring-host.
//
//   mentoring::testing::FakeHost host;            // temp storage folder, clock at 2026-01-01
//   host.set_today("2026-12-01");
//   host.set_secret("API_KEY", "s3cret");
//   host.add_adapter("hr", {"read_people"}, [](auto command, auto input) { return "{}"; });
//   auto library = mentoring::host::ModuleLibrary::load(PATH_TO_MODULE);
//   mentoring::host::ModuleInstance module(library, host.host(), config);
//
// Every service of abi.h is offered; what a module logs is kept for assertions.
// Not thread-safe: one test, one thread.
#pragma once

#include <mentoring/abi.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace mentoring::testing {

class FakeHost {
 public:
  // Answers one adapter command: (command, input JSON) -> output JSON. Throw
  // std::exception to make the call fail with MENTORING_ERR_FAILED.
  using AdapterHandler = std::function<std::string(const std::string&, const std::string&)>;
  // Answers one HTTP request JSON with a response JSON (see abi.h).
  using HttpHandler = std::function<std::string(const std::string&)>;

  FakeHost();   // creates a fresh temporary storage folder
  ~FakeHost();  // removes it
  FakeHost(const FakeHost&) = delete;
  FakeHost& operator=(const FakeHost&) = delete;

  const mentoring_host* host() const noexcept { return &host_; }

  void set_now_unix_ms(std::int64_t now) { now_ms_ = now; }
  void set_today(const std::string& yyyy_mm_dd);  // midnight UTC of that day
  std::int64_t now_unix_ms() const noexcept { return now_ms_; }
  // mentoring.clock/2's elapsed time: starts at 0 and moves only when told.
  void advance_monotonic_ms(std::int64_t by) { monotonic_ms_ += by; }
  std::int64_t monotonic_ms() const noexcept { return monotonic_ms_; }

  void set_secret(std::string name, std::string value) {
    secrets_[std::move(name)] = std::move(value);
  }
  void set_organisation(std::string id) { organisation_ = std::move(id); }
  const std::string& storage_directory() const noexcept { return storage_; }

  void on_http(HttpHandler handler) { http_ = std::move(handler); }
  // Answers mentoring.http/2 with (head JSON, raw body); without it, /2 splits
  // the on_http handler's answer.
  using HttpSplitHandler = std::function<std::pair<std::string, std::string>(const std::string&)>;
  void on_http_split(HttpSplitHandler handler) { http_split_ = std::move(handler); }
  void add_adapter(std::string name, std::vector<std::string> capabilities, AdapterHandler handler);

  // Log lines as "LEVEL message".
  const std::vector<std::string>& log_lines() const noexcept { return logs_; }
  // Removes a service from the table (to test a module's reaction to its absence).
  void withhold_service(const std::string& name) { withheld_.push_back(name); }

 private:
  struct Adapter {
    std::vector<std::string> capabilities;
    AdapterHandler handler;
  };
  static const void* get_service(const mentoring_host* host, const char* name);

  mentoring_host host_{};
  mentoring_log_v1 log_{};
  mentoring_clock_v1 clock_{};
  mentoring_clock_v2 clock2_{};
  mentoring_secrets_v1 secrets_service_{};
  mentoring_storage_v1 storage_service_{};
  mentoring_http_v1 http_service_{};
  mentoring_http_v2 http2_service_{};
  mentoring_adapters_v1 adapters_service_{};

  std::int64_t now_ms_ = 1767225600000;  // 2026-01-01T00:00:00Z
  std::int64_t monotonic_ms_ = 0;
  std::map<std::string, std::string> secrets_;
  std::string storage_;
  std::string organisation_ = "test-org";
  HttpHandler http_;
  HttpSplitHandler http_split_;
  std::map<std::string, Adapter> adapters_;
  std::vector<std::string> logs_;
  std::vector<std::string> withheld_;
};

}  // namespace mentoring::testing
