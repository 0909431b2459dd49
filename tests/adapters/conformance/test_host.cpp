#include "subject.hpp"

#include <mentoring/module.hpp>

namespace mentoring::conformance {

TestHost::TestHost()
    : client_(secrets_, std::make_shared<spdlog::logger>(
                            "conformance", std::make_shared<spdlog::sinks::null_sink_mt>())) {}

std::string TestHost::http(const std::string& request_json) {
  auto request = nlohmann::json::parse(request_json);
  // Every URL a test sends must be loopback: tests never leave the machine.
  std::string url = request.value("url", std::string());
  if (url.rfind("http://127.0.0.1:", 0) != 0)
    throw std::logic_error("test sent traffic off loopback: " + url);
  max_body_bytes_sent.push_back(request.value("max_body_bytes", -1LL));
  request["retry"] = {
      {"max_attempts", 4}, {"base_delay_ms", 1}, {"max_delay_ms", 5}, {"max_retry_after_ms", 30}};
  try {
    return client_.perform(request.dump());
  } catch (const host::HttpLimitError& e) {
    // As the host's runtime answers it: the host was reached, its answer broke a limit.
    throw mentoring::Error(MENTORING_ERR_FAILED, e.what());
  } catch (const host::HttpError& e) {
    throw mentoring::Error(MENTORING_ERR_UNAVAILABLE, e.what());
  }
}

}  // namespace mentoring::conformance
