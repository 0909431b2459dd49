// Prism (tests/tools/prism) serving a vendor's OpenAPI description on
// loopback, as the contract tests' judge of every request an adapter sends:
//
//   auto& prism = fakes::PrismServer::bamboohr();       // started once per process
//   fakes::PrismVerdict v = prism.judge(request);        // violations, Prism's answer
//
// Started with --errors: a request that breaks the description is answered
// with an error and an `sl-violations` header. A request sent with `Prefer:
// dynamic=true` is answered with a body generated from the schemas (any shape
// the description allows) instead of its examples.
#pragma once

#include <httplib.h>

#include <sys/types.h>
#include <memory>
#include <mutex>
#include <string>

namespace mentoring::fakes {

struct PrismVerdict {
  int status = 0;
  std::string violation;  // "" when Prism found the request valid
  httplib::Headers headers;
  std::string body, content_type;
};

class PrismServer {
 public:
  // Starts `prism mock -h 127.0.0.1 -p <free port> --errors <spec>` and waits
  // until it answers; throws std::runtime_error (with Prism's log) when it
  // cannot start, eg when tests/tools/prism/install.sh has not run.
  explicit PrismServer(const std::string& spec);
  ~PrismServer();  // stops the process it started
  PrismServer(const PrismServer&) = delete;
  PrismServer& operator=(const PrismServer&) = delete;

  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // Sends the same method, target, credentials and body to Prism. dynamic:
  // ask for a generated answer (Prefer: dynamic=true).
  PrismVerdict judge(const httplib::Request& request, bool dynamic = false);

  // BambooHR's description (../shared/hosts/bamboohr/openapi.yaml beside the
  // source tree), started on first use and stopped when the process exits.
  static PrismServer& bamboohr();

 private:
  int port_ = 0;
  pid_t pid_ = -1;
  std::string log_;
  std::mutex mutex_;  // one request to Prism at a time per client
  std::unique_ptr<httplib::Client> client_;
};

}  // namespace mentoring::fakes
