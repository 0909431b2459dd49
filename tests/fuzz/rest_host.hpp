// A host for fuzzing a REST adapter's decoding of answers without HTTP: every
// request the adapter sends is answered, in order, by the next part of the
// fuzz input (parts separated by a line "----next----"; the last one repeats),
// handed over as mentoring.http/2 does: a JSON head and the raw body bytes.
// A part may start with "HTTP <status>\n" to answer another status than 200.
// After kMaxRequests the host reports the server unreachable, so a loop over
// pages always ends.
#pragma once

#include "fuzz_support.hpp"

#include <rest_common/services.hpp>

#include <mentoring/module.hpp>
#include <nlohmann/json.hpp>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace mentoring::fuzz {

class ScriptedAnswers {
 public:
  static constexpr int kMaxRequests = 64;
  static constexpr std::int64_t kNowMs = 1796083200000;  // 2026-12-01T00:00:00Z

  explicit ScriptedAnswers(std::string_view input) : parts_(split_parts(input, 16)) {}

  std::optional<adapters::rest::SplitAnswer> answer(const std::string& request_json) {
    // The adapter's request is ours to read: it must always be JSON.
    require(nlohmann::json::accept(request_json), "an adapter's request is JSON", request_json);
    // MENTORING_FUZZ_TRACE=1: which request each part answers (to write seeds).
    static const bool trace = std::getenv("MENTORING_FUZZ_TRACE") != nullptr;
    if (trace) {
      auto request = nlohmann::json::parse(request_json);
      std::fprintf(stderr, "request %d: %s %s %.120s\n", requests_ + 1,
                   request.value("method", "").c_str(), request.value("url", "").c_str(),
                   request.value("body", "").c_str());
    }
    if (++requests_ > kMaxRequests)
      throw mentoring::Error(MENTORING_ERR_UNAVAILABLE, "fuzz host: request limit reached");
    std::string body = parts_[std::min(next_, parts_.size() - 1)];
    ++next_;
    long status = 200;
    if (body.size() >= 9 && body.compare(0, 5, "HTTP ") == 0 && body[8] == '\n' &&
        std::isdigit(static_cast<unsigned char>(body[5])) &&
        std::isdigit(static_cast<unsigned char>(body[6])) &&
        std::isdigit(static_cast<unsigned char>(body[7]))) {
      status = std::stol(body.substr(5, 3));
      body.erase(0, 9);
    }
    nlohmann::json head = {{"status", status},
                           {"headers", {{"content-type", "application/json"}}},
                           {"request_id", "fuzz#" + std::to_string(requests_)}};
    return adapters::rest::SplitAnswer{head.dump(), std::move(body)};
  }

  adapters::rest::Services services(std::map<std::string, std::string> secrets) {
    return adapters::rest::Services{
        // mentoring.http/1 (the body inside the JSON answer), for requests
        // an adapter sends that way (eg OrangeHRM's token requests).
        [this](const std::string& request) -> std::string {
          auto split = answer(request);
          auto head = nlohmann::json::parse(split->head_json);
          head["body"] = std::move(split->body);
          return head.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        },
        [secrets = std::move(secrets)](const std::string& name) -> std::optional<std::string> {
          auto it = secrets.find(name);
          if (it == secrets.end()) return std::nullopt;
          return it->second;
        },
        [] { return kNowMs; },
        [](std::string_view) {},
        [] { return std::string(); },  // tokens and keys in memory only
        [this](const std::string& request) { return answer(request); },
        [this]() -> std::optional<std::int64_t> { return requests_ * 1000; }};
  }

 private:
  std::vector<std::string> parts_;
  std::size_t next_ = 0;
  int requests_ = 0;
};

// Runs one adapter command; the answer must be a JSON object, a failure a
// mentoring::Error (a named failure), never another exception.
template <class Adapter>
std::optional<nlohmann::json> run_command(Adapter& adapter, std::string_view command,
                                          const nlohmann::json& input) {
  std::string answer;
  try {
    answer = adapter.call(command, input.dump());
  } catch (const mentoring::Error& e) {
    if (std::getenv("MENTORING_FUZZ_TRACE")) std::fprintf(stderr, "failure: %s\n", e.what());
    require(std::string_view(e.what()).size() > 0, "a failure says what went wrong");
    return std::nullopt;
  } catch (const std::exception& e) {
    require(false, "a host's answer is refused with a named failure, never another exception",
            std::string(command) + ": " + e.what());
  }
  if (std::getenv("MENTORING_FUZZ_TRACE"))
    std::fprintf(stderr, "%.*s answer: %.600s\n", static_cast<int>(command.size()), command.data(),
                 answer.c_str());
  nlohmann::json parsed = nlohmann::json::parse(answer, nullptr, false);
  require(!parsed.is_discarded() && parsed.is_object(), "an adapter answers a JSON object", answer);
  return parsed;
}

// pull, then pull again from the answer's cursor (the next page, or the
// changes since), as the plugin does.
template <class Adapter>
void pull_twice(Adapter& adapter, const std::string& stream) {
  nlohmann::json cursor = nullptr;
  for (int i = 0; i < 2; ++i) {
    auto answer = run_command(adapter, "pull", {{"stream", stream}, {"cursor", cursor}});
    if (!answer) return;
    require(answer->contains("records") && (*answer)["records"].is_array(),
            "a pull answer has records", answer->dump());
    cursor = answer->value("next_cursor", nlohmann::json());
  }
}

}  // namespace mentoring::fuzz
