#include "fault_plan.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <stdexcept>
#include <thread>

namespace mentoring::fakes {

using nlohmann::json;

namespace {

// Marks an answer a truncated / dropped fault took, for finish().
constexpr const char* kCutHeader = "X-Fake-Fault-Cut";

const std::map<std::string, FaultKind>& kinds() {
  static const std::map<std::string, FaultKind> names = {
      {"status", FaultKind::status},       {"throttle", FaultKind::throttle},
      {"html", FaultKind::html},           {"delay", FaultKind::delay},
      {"truncated", FaultKind::truncated}, {"dropped", FaultKind::dropped},
      {"not_json", FaultKind::not_json},   {"body", FaultKind::body},
      {"huge", FaultKind::huge},           {"endless", FaultKind::endless}};
  return names;
}

// One element of the arrays the huge and endless bodies are made of.
const std::string& filler_element() {
  static const std::string element = "{\"pad\":\"" + std::string(1000, 'x') + "\"},";
  return element;
}

}  // namespace

Fault Fault::from_json(const json& spec) {
  if (!spec.is_object()) throw std::invalid_argument("a fault is a JSON object");
  std::string kind = spec.value("kind", std::string("status"));
  auto it = kinds().find(kind);
  if (it == kinds().end()) throw std::invalid_argument("unknown fault kind \"" + kind + "\"");
  Fault fault(it->second);
  fault.count = spec.value("count", 1);
  fault.status = spec.value("status", fault.kind == FaultKind::html ? 200 : 500);
  fault.retry_after_s = spec.value("retry_after_s", 1);
  fault.delay_ms = spec.value("delay_ms", fault.kind == FaultKind::endless ? 50 : 0);
  fault.bytes = spec.value("bytes", std::size_t{0});
  fault.body = spec.value("body", json());
  fault.match = spec.value("match", std::string());
  return fault;
}

void FaultPlan::throttle_next(int count, int retry_after_s) {
  add(Fault(FaultKind::throttle).times(count).retry_after(retry_after_s));
}

void FaultPlan::html_next(int count, int status) {
  add(Fault(FaultKind::html).times(count).with_status(status));
}

void FaultPlan::fail_next(int count) {
  add(Fault(FaultKind::status).times(count).with_status(500));
}

void FaultPlan::add(Fault fault) {
  if (fault.count == 0) return;
  std::lock_guard lock(mutex_);
  pending_.push_back(std::move(fault));
}

void FaultPlan::clear() {
  std::lock_guard lock(mutex_);
  pending_.clear();
}

std::vector<FaultPlan::Seen> FaultPlan::requests() const {
  std::lock_guard lock(mutex_);
  return log_;
}

void FaultPlan::stop_streams() {
  stopping_ = true;
}

bool FaultPlan::apply(const httplib::Request& request, httplib::Response& response,
                      const std::string& function) {
  if (request.path.rfind("/__fake/", 0) == 0) return false;  // the admin endpoints
  ++seen_;
  Fault fault;
  {
    std::lock_guard lock(mutex_);
    auto it = std::find_if(pending_.begin(), pending_.end(), [&](const Fault& f) {
      return f.match.empty() || request.path.find(f.match) != std::string::npos ||
             (!function.empty() && function == f.match);
    });
    bool faulted = it != pending_.end();
    if (log_.size() < 100000)
      log_.push_back(
          {std::chrono::steady_clock::now(), request.method, request.path, function, faulted});
    if (!faulted) return false;
    fault = *it;
    if (it->count > 0 && --it->count == 0) pending_.erase(it);
  }
  ++applied_;
  switch (fault.kind) {
    case FaultKind::status:
      response.status = fault.status;
      response.set_content(
          json{{"error",
                {{"code", fault.status},
                 {"message", "fault injected: HTTP " + std::to_string(fault.status)}}}}
              .dump(),
          "application/json");
      return true;
    case FaultKind::throttle:
      response.status = 429;
      response.set_header("Retry-After", std::to_string(fault.retry_after_s));
      response.set_content(
          R"({"error":{"code":429,"message":"Over rate limit, please try again later"}})",
          "application/json");
      return true;
    case FaultKind::html:
      response.status = fault.status;
      response.set_content(
          "<!DOCTYPE html><html><head><title>Sign in</title></head><body>Please sign "
          "in</body></html>",
          "text/html");
      return true;
    case FaultKind::delay:
      std::this_thread::sleep_for(std::chrono::milliseconds(fault.delay_ms));
      return false;
    case FaultKind::truncated:
    case FaultKind::dropped:
      response.set_header(kCutHeader, fault.kind == FaultKind::truncated ? "truncated" : "dropped");
      return false;
    case FaultKind::not_json:
      response.status = 200;
      response.set_content("upstream connect error or disconnect/reset before headers",
                           "application/json");
      return true;
    case FaultKind::body:
      response.status = 200;
      response.set_content(fault.body.dump(), "application/json");
      return true;
    case FaultKind::huge: {
      // [ {"pad":"xxx"}, ... {} ]: `bytes` in all, made as it is sent.
      auto sent = std::make_shared<std::size_t>(0);
      std::size_t total = std::max<std::size_t>(fault.bytes, 4);
      response.status = 200;
      response.set_chunked_content_provider(
          "application/json", [this, sent, total](std::size_t, httplib::DataSink& sink) {
            if (stopping_) return false;
            std::string chunk;
            if (*sent == 0) chunk = "[";
            const std::string& element = filler_element();
            while (chunk.size() < 65536 && *sent + chunk.size() + element.size() + 3 <= total)
              chunk += element;
            bool last = *sent + chunk.size() + element.size() + 3 > total;
            if (last) {
              chunk += std::string(total - *sent - chunk.size() - 3, ' ') + "{}]";
            }
            *sent += chunk.size();
            if (!sink.write(chunk.data(), chunk.size())) return false;
            if (last) sink.done();
            return true;
          });
      return true;
    }
    case FaultKind::endless: {
      auto started = std::make_shared<bool>(false);
      int interval_ms = std::max(fault.delay_ms, 1);
      response.status = 200;
      response.set_chunked_content_provider(
          "application/json", [this, started, interval_ms](std::size_t, httplib::DataSink& sink) {
            if (stopping_) return false;
            std::this_thread::sleep_for(std::chrono::milliseconds(interval_ms));
            std::string chunk = *started ? filler_element() : "[" + filler_element();
            *started = true;
            return !stopping_ && sink.write(chunk.data(), chunk.size());
          });
      return true;
    }
  }
  return false;
}

void FaultPlan::finish(const httplib::Request&, httplib::Response& response) {
  if (!response.has_header(kCutHeader)) return;
  std::string how = response.get_header_value(kCutHeader);
  response.headers.erase(kCutHeader);
  std::size_t half = response.body.size() / 2;
  response.body.resize(half);
  // dropped: the Content-Length of the whole answer stays, so the client waits
  // for bytes that never come and sees the connection close.
  if (how == "truncated") {
    response.headers.erase("Content-Length");
    response.set_header("Content-Length", std::to_string(half));
  }
}

void FaultPlan::serve_admin(httplib::Server& server) {
  server.Post("/__fake/faults", [this](const httplib::Request& req, httplib::Response& res) {
    try {
      json spec = json::parse(req.body);
      if (spec.is_array()) {
        for (const auto& one : spec) add(Fault::from_json(one));
      } else {
        add(Fault::from_json(spec));
      }
      res.set_content(R"({"ok":true})", "application/json");
    } catch (const std::exception& e) {
      res.status = 400;
      res.set_content(json{{"error", e.what()}}.dump(), "application/json");
    }
  });
  server.Delete("/__fake/faults", [this](const httplib::Request&, httplib::Response& res) {
    clear();
    res.set_content(R"({"ok":true})", "application/json");
  });
}

}  // namespace mentoring::fakes
