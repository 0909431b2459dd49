// The host's HTTP service (mentoring.http/1) on libcurl. This is the first
// slice: one request at a time, timeouts, TLS verification on, secrets
// redacted from errors. Retries, rate budgets and pagination helpers belong
// to the REST-adapter issue.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

namespace spdlog {
class logger;
}

namespace mentoring::host {

class Secrets;

// A transport failure: DNS, connect, TLS, timeout.
class HttpError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class HttpClient {
 public:
  HttpClient(Secrets& secrets, std::shared_ptr<spdlog::logger> logger);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Request and response JSON as documented in abi.h. Throws HttpError on a
  // transport failure, std::invalid_argument on a malformed request.
  std::string perform(const std::string& request_json);

 private:
  Secrets& secrets_;
  std::shared_ptr<spdlog::logger> logger_;
  void* curl_ = nullptr;  // reused: keeps connections alive between requests
};

}  // namespace mentoring::host
