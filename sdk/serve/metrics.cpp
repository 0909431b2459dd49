#include <mentoring/serve/metrics.hpp>

#include <chrono>
#include <sstream>

namespace mentoring::serve {

using json = nlohmann::json;

Metrics::Metrics(const std::vector<std::string>& organisations) {
  for (const auto& id : organisations) organisations_[id];
}

void Metrics::cycle(const std::string& organisation, const json& summary, bool ok, double seconds) {
  std::lock_guard lock(mutex_);
  auto it = organisations_.find(organisation);
  if (it == organisations_.end()) return;
  auto& o = it->second;
  ++o.cycles_run;
  if (!ok) ++o.cycles_failed;
  o.last_cycle_seconds = seconds;
  if (ok) {
    o.last_success_unix =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  }
  if (!summary.is_object()) return;
  for (const auto& s : summary.value("sync", json::array())) {
    if (s.is_object()) o.records_synced += s.value("stored", 0LL);
  }
  const json actions = summary.value("actions", json::object());
  if (actions.is_object()) {
    o.actions_delivered += actions.value("delivered", 0LL);
    o.actions_failed += actions.value("failed", 0LL);
    o.actions_pending = actions.value("pending", 0LL) + actions.value("retrying", 0LL);
    o.actions_dead_letters = actions.value("dead_letters", 0LL);
  }
}

void Metrics::request(const std::string& route, int status, double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{route, status}];
  auto& l = latency_[route];
  for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    if (seconds <= kLatencyBuckets[i]) ++l.buckets[i];
  }
  ++l.count;
  l.sum += seconds;
}

std::string Metrics::render() const {
  std::lock_guard lock(mutex_);
  std::ostringstream out;
  auto family = [&](const char* name, const char* type, const char* help) {
    out << "# HELP " << name << " " << help << "\n# TYPE " << name << " " << type << "\n";
  };
  auto per_org = [&](const char* name, const char* type, const char* help, auto field) {
    family(name, type, help);
    for (const auto& [id, o] : organisations_) {
      out << name << "{organisation=\"" << id << "\"} " << field(o) << "\n";
    }
  };
  per_org("mentoring_cycles_run_total", "counter", "Cycles run (scheduled, webhook, run command).",
          [](const Organisation& o) { return o.cycles_run; });
  per_org("mentoring_cycles_failed_total", "counter",
          "Cycles that ended without completing (error, busy, config).",
          [](const Organisation& o) { return o.cycles_failed; });
  per_org("mentoring_records_synced_total", "counter",
          "Host records stored by cycles (new or changed).",
          [](const Organisation& o) { return o.records_synced; });
  per_org("mentoring_actions_delivered_total", "counter", "Write-back actions delivered.",
          [](const Organisation& o) { return o.actions_delivered; });
  per_org("mentoring_actions_failed_total", "counter", "Write-back attempts that failed.",
          [](const Organisation& o) { return o.actions_failed; });
  per_org("mentoring_actions_pending", "gauge",
          "Write-back actions waiting for delivery or a retry, as of the last cycle.",
          [](const Organisation& o) { return o.actions_pending; });
  per_org("mentoring_actions_dead_letters", "gauge",
          "Write-back actions given up, waiting for HR, as of the last cycle.",
          [](const Organisation& o) { return o.actions_dead_letters; });
  per_org("mentoring_cycle_last_duration_seconds", "gauge", "How long the last cycle took.",
          [](const Organisation& o) { return o.last_cycle_seconds; });
  per_org("mentoring_cycle_last_success_timestamp_seconds", "gauge",
          "When the last cycle that completed ended (Unix time; 0: none yet).",
          [](const Organisation& o) { return static_cast<long long>(o.last_success_unix); });
  family("mentoring_http_requests_total", "counter",
         "HTTP requests answered, by route and status.");
  for (const auto& [key, count] : requests_) {
    out << "mentoring_http_requests_total{route=\"" << key.first << "\",status=\"" << key.second
        << "\"} " << count << "\n";
  }
  family("mentoring_http_request_duration_seconds", "histogram",
         "Time from a request's first byte to its answer, by route.");
  for (const auto& [route, l] : latency_) {
    for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
      out << "mentoring_http_request_duration_seconds_bucket{route=\"" << route << "\",le=\""
          << kLatencyBuckets[i] << "\"} " << l.buckets[i] << "\n";
    }
    out << "mentoring_http_request_duration_seconds_bucket{route=\"" << route << "\",le=\"+Inf\"} "
        << l.count << "\n";
    out << "mentoring_http_request_duration_seconds_sum{route=\"" << route << "\"} " << l.sum
        << "\n";
    out << "mentoring_http_request_duration_seconds_count{route=\"" << route << "\"} " << l.count
        << "\n";
  }
  return out.str();
}

}  // namespace mentoring::serve
