// mentoring/serve/metrics.hpp — what /metrics reports, in the Prometheus text
// format 0.0.4. Labels are organisation ids from the config, route templates
// and status codes only: never a person, a token, a URL's free text or a secret,
// and nothing a caller can grow without bound.
//
//   Metrics metrics({"northwind", "riverside"});
//   metrics.cycle("northwind", summary_json, ok, seconds);
//   metrics.request("/healthz", 200, 0.0004);
//   std::string text = metrics.render();
//
// Threading: thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include <array>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace mentoring::serve {

class Metrics {
 public:
  explicit Metrics(const std::vector<std::string>& organisations);

  // One finished cycle; `summary` is the organisation's run summary (its
  // "sync" and "actions"), or null when the cycle ended before it had one.
  void cycle(const std::string& organisation, const nlohmann::json& summary, bool ok,
             double seconds);
  // One answered request: `route` is a template (eg "/v1/orgs/{org}/commands/{command}").
  void request(const std::string& route, int status, double seconds);

  std::string render() const;

  static constexpr std::array<double, 12> kLatencyBuckets = {
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10};

 private:
  struct Organisation {
    long long cycles_run = 0, cycles_failed = 0, records_synced = 0;
    long long actions_delivered = 0, actions_failed = 0;
    long long actions_pending = 0, actions_dead_letters = 0;  // gauges: as of the last cycle
    double last_cycle_seconds = 0;
    double last_success_unix = 0;
  };
  struct Latency {
    std::array<long long, kLatencyBuckets.size()> buckets{};
    long long count = 0;
    double sum = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Organisation> organisations_;
  std::map<std::pair<std::string, int>, long long> requests_;
  std::map<std::string, Latency> latency_;
};

}  // namespace mentoring::serve
