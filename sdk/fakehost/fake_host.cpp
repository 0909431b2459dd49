#include <mentoring/fake_host.hpp>

#include <mentoring/module.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include <unistd.h>

namespace mentoring::testing {

namespace {

using mentoring::detail::copy_out;
using mentoring::detail::free_copy;

FakeHost& self(void* context) {
  return *static_cast<FakeHost*>(context);
}

const char* level_name(mentoring_log_level level) {
  switch (level) {
    case MENTORING_LOG_DEBUG:
      return "DEBUG";
    case MENTORING_LOG_INFO:
      return "INFO";
    case MENTORING_LOG_WARN:
      return "WARN";
    case MENTORING_LOG_ERROR:
      return "ERROR";
  }
  return "?";
}

}  // namespace

FakeHost::FakeHost() {
  auto base = std::filesystem::temp_directory_path();
  for (int attempt = 0;; ++attempt) {
    auto candidate = base / ("mentoring-fakehost-" + std::to_string(::getpid()) + "-" +
                             std::to_string(reinterpret_cast<std::uintptr_t>(this)) + "-" +
                             std::to_string(attempt));
    if (std::filesystem::create_directory(candidate)) {
      storage_ = candidate.string();
      break;
    }
  }

  host_ = {sizeof(mentoring_host),
           MENTORING_ABI_MAJOR,
           MENTORING_ABI_MINOR,
           MENTORING_ABI_PATCH,
           "fake-host",
           "0.0.0",
           this,
           &FakeHost::get_service};

  log_ = {sizeof(log_), this, [](void* c, mentoring_log_level level, const char* m, size_t n) {
            self(c).logs_.push_back(std::string(level_name(level)) + " " + std::string(m, n));
          }};
  clock_ = {sizeof(clock_), this, [](void* c) { return self(c).now_ms_; }};
  clock2_ = {sizeof(clock2_), this, [](void* c) { return self(c).now_ms_; },
             [](void* c) { return self(c).monotonic_ms_; }};
  secrets_service_ = {sizeof(secrets_service_), this,
                      [](void* c, const char* name, char** value, size_t* length) {
                        auto& s = self(c).secrets_;
                        auto it = s.find(name);
                        if (it == s.end()) {
                          *value = copy_out(std::string("no secret named ") + name, length);
                          return MENTORING_ERR_UNAVAILABLE;
                        }
                        *value = copy_out(it->second, length);
                        return MENTORING_OK;
                      },
                      &free_copy};
  storage_service_ = {sizeof(storage_service_), this,
                      [](void* c) { return self(c).storage_.c_str(); },
                      [](void* c) { return self(c).organisation_.c_str(); }};
  http_service_ = {sizeof(http_service_), this,
                   [](void* c, const char* request, size_t n, char** out, size_t* out_n) {
                     auto& h = self(c);
                     if (!h.http_) {
                       *out = copy_out("fake host: no HTTP handler set", out_n);
                       return MENTORING_ERR_UNAVAILABLE;
                     }
                     try {
                       *out = copy_out(h.http_(std::string(request, n)), out_n);
                       return MENTORING_OK;
                     } catch (const std::exception& e) {
                       *out = copy_out(e.what(), out_n);
                       return MENTORING_ERR_UNAVAILABLE;
                     }
                   },
                   &free_copy};
  // mentoring.http/2 over the same handler: its JSON answer split into head and body.
  http2_service_ = {sizeof(http2_service_), this,
                    [](void* c, const char* request, size_t n, char** head, size_t* head_n,
                       char** body, size_t* body_n) {
                      auto& h = self(c);
                      *body = nullptr;
                      if (body_n) *body_n = 0;
                      if (h.http_split_) {
                        try {
                          auto [head_json, body_text] = h.http_split_(std::string(request, n));
                          *head = copy_out(head_json, head_n);
                          *body = copy_out(body_text, body_n);
                          return MENTORING_OK;
                        } catch (const std::exception& e) {
                          *head = copy_out(e.what(), head_n);
                          return MENTORING_ERR_UNAVAILABLE;
                        }
                      }
                      if (!h.http_) {
                        *head = copy_out("fake host: no HTTP handler set", head_n);
                        return MENTORING_ERR_UNAVAILABLE;
                      }
                      try {
                        nlohmann::json answer =
                            nlohmann::json::parse(h.http_(std::string(request, n)));
                        std::string text = answer.value("body", std::string());
                        answer.erase("body");
                        *head = copy_out(answer.dump(), head_n);
                        *body = copy_out(text, body_n);
                        return MENTORING_OK;
                      } catch (const std::exception& e) {
                        *head = copy_out(e.what(), head_n);
                        return MENTORING_ERR_UNAVAILABLE;
                      }
                    },
                    &free_copy};
  adapters_service_ = {
      sizeof(adapters_service_), this,
      [](void* c, char** out, size_t* out_n) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& [name, adapter] : self(c).adapters_) {
          list.push_back(
              {{"name", name}, {"module", "fake"}, {"capabilities", adapter.capabilities}});
        }
        *out = copy_out(list.dump(), out_n);
        return MENTORING_OK;
      },
      [](void* c, const char* name, const char* command, const char* in, size_t in_n, char** out,
         size_t* out_n) {
        auto& adapters = self(c).adapters_;
        auto it = adapters.find(name);
        if (it == adapters.end()) {
          *out = copy_out(std::string("no adapter named ") + name, out_n);
          return MENTORING_ERR_UNAVAILABLE;
        }
        try {
          *out = copy_out(it->second.handler(command, std::string(in, in_n)), out_n);
          return MENTORING_OK;
        } catch (const std::exception& e) {
          *out = copy_out(e.what(), out_n);
          return MENTORING_ERR_FAILED;
        }
      },
      &free_copy};
}

FakeHost::~FakeHost() {
  std::error_code ignored;
  std::filesystem::remove_all(storage_, ignored);
}

void FakeHost::set_today(const std::string& yyyy_mm_dd) {
  int y = 0;
  unsigned m = 0, d = 0;
  if (std::sscanf(yyyy_mm_dd.c_str(), "%d-%u-%u", &y, &m, &d) != 3) {
    throw std::invalid_argument("set_today: expected YYYY-MM-DD, got " + yyyy_mm_dd);
  }
  using namespace std::chrono;
  sys_days day = year{y} / month{m} / std::chrono::day{d};
  now_ms_ = duration_cast<milliseconds>(day.time_since_epoch()).count();
}

void FakeHost::add_adapter(std::string name, std::vector<std::string> capabilities,
                           AdapterHandler handler) {
  adapters_[std::move(name)] = {std::move(capabilities), std::move(handler)};
}

const void* FakeHost::get_service(const mentoring_host* host, const char* name) {
  auto& h = *static_cast<FakeHost*>(host->context);
  for (const auto& w : h.withheld_) {
    if (w == name) return nullptr;
  }
  std::string n = name;
  if (n == MENTORING_SERVICE_LOG) return &h.log_;
  if (n == MENTORING_SERVICE_CLOCK) return &h.clock_;
  if (n == MENTORING_SERVICE_CLOCK_V2) return &h.clock2_;
  if (n == MENTORING_SERVICE_SECRETS) return &h.secrets_service_;
  if (n == MENTORING_SERVICE_STORAGE) return &h.storage_service_;
  if (n == MENTORING_SERVICE_HTTP) return &h.http_service_;
  if (n == MENTORING_SERVICE_HTTP_V2) return &h.http2_service_;
  if (n == MENTORING_SERVICE_ADAPTERS) return &h.adapters_service_;
  return nullptr;
}

}  // namespace mentoring::testing
