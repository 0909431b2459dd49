// One adapter and its loopback fake, as the shared conformance suite drives
// them. Each REST adapter provides a factory (bamboohr_subject.cpp, ...); the
// suite (conformance_test.cpp) states the expectations every adapter meets.
#pragma once

#include "http_client.hpp"
#include "secrets.hpp"

#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <string>

namespace mentoring::conformance {

// The host side every subject shares: the real HTTP service (retries,
// Retry-After with a small cap so tests stay fast) and a fixed clock.
class TestHost {
 public:
  TestHost();
  // Sends a request JSON through the HTTP service, capping Retry-After waits.
  std::string http(const std::string& request_json);
  static constexpr std::int64_t kNowMs = 1796083200000;  // 2026-12-01T00:00:00Z
  // Merged into every subject's settings at create(), eg {"http": {...}}.
  nlohmann::json settings_patch = nlohmann::json::object();
  // The max_body_bytes of every request sent (-1: none given).
  std::vector<long long> max_body_bytes_sent;

 private:
  host::Secrets secrets_{std::nullopt};
  host::HttpClient client_;
};

class Subject {
 public:
  virtual ~Subject() = default;
  virtual std::string name() const = 0;

  // A fresh adapter against the fake. page_size: records per host page.
  virtual void create(int page_size, bool wrong_credentials = false) = 0;
  // As create(), but pointed at a port where nothing listens.
  virtual void create_unreachable() = 0;
  virtual std::string call(const std::string& command, const nlohmann::json& input) = 0;

  virtual bool reads_people() const = 0;
  virtual bool reads_leave() const = 0;
  // What a full pull must deliver.
  virtual std::size_t expected_people() const = 0;
  virtual std::size_t expected_leave() const = 0;
  virtual std::size_t expected_skipped_leave() const = 0;

  virtual void throttle_next(int count, int retry_after_s) = 0;
  virtual void html_next(int count) = 0;
  // Gives one record of the first page (a person; for an LMS a completion) a
  // field of the wrong type: the host's field name, which the quarantine entry
  // must name, and the record's id as the plugin keys it.
  struct Corrupted {
    std::string field;
    std::string record_id;
  };
  virtual Corrupted corrupt_a_person() = 0;
  // Gives one leave record a leave type the settings do not map; returns the field name.
  virtual std::string unknown_leave_type() = 0;
};

using SubjectFactory = std::function<std::unique_ptr<Subject>(TestHost&)>;
std::unique_ptr<Subject> make_bamboohr_subject(TestHost& host);
std::unique_ptr<Subject> make_moodle_subject(TestHost& host);
std::unique_ptr<Subject> make_orangehrm_subject(TestHost& host);

}  // namespace mentoring::conformance
