#include "prism_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>
#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#ifndef MENTORING_PRISM_BIN
#error "MENTORING_PRISM_BIN: the prism executable (tests/tools/prism)"
#endif
#ifndef MENTORING_BAMBOOHR_OPENAPI
#error "MENTORING_BAMBOOHR_OPENAPI: BambooHR's OpenAPI description"
#endif

namespace mentoring::fakes {

namespace {

int free_loopback_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("prism: no free loopback port");
  }
  int port = ntohs(address.sin_port);
  ::close(fd);
  return port;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

PrismServer::PrismServer(const std::string& spec) {
  if (::access(MENTORING_PRISM_BIN, X_OK) != 0) {
    throw std::runtime_error(std::string("prism: ") + MENTORING_PRISM_BIN +
                             " is not installed: run scripts/setup.sh (it runs "
                             "tests/tools/prism/install.sh)");
  }
  if (::access(spec.c_str(), R_OK) != 0) {
    throw std::runtime_error("prism: cannot read the OpenAPI description " + spec +
                             " (../shared/hosts beside the clone)");
  }
  port_ = free_loopback_port();
  log_ =
      "/tmp/mentoring-prism-" + std::to_string(::getpid()) + "-" + std::to_string(port_) + ".log";
  std::string port_text = std::to_string(port_);
  pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("prism: fork failed");
  if (pid_ == 0) {
    // Ends with the test process, even one that crashed.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(1);
    int log = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (log >= 0) {
      ::dup2(log, 1);
      ::dup2(log, 2);
    }
    std::vector<const char*> argv = {MENTORING_PRISM_BIN, "mock",       "-h",
                                     "127.0.0.1",         "-p",         port_text.c_str(),
                                     "--errors",          spec.c_str(), nullptr};
    ::execv(MENTORING_PRISM_BIN, const_cast<char* const*>(argv.data()));
    ::_exit(127);
  }
  client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
  client_->set_read_timeout(30, 0);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  for (;;) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("prism: exited before listening; its log (" + log_ + "):\n" +
                               read_file(log_));
    }
    if (auto answer = client_->Get("/")) break;  // any answer: it listens
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("prism: not listening after 120 s; its log (" + log_ + "):\n" +
                               read_file(log_));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

PrismServer::~PrismServer() {
  client_.reset();
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  ::unlink(log_.c_str());
}

PrismVerdict PrismServer::judge(const httplib::Request& request, bool dynamic) {
  httplib::Headers headers;
  // Content-Type goes with the body (httplib sets it from content_type).
  for (const char* name : {"Authorization", "Accept"}) {
    if (request.has_header(name)) headers.emplace(name, request.get_header_value(name));
  }
  if (dynamic) headers.emplace("Prefer", "dynamic=true");
  std::string content_type = request.get_header_value("Content-Type");
  httplib::Result result{nullptr, httplib::Error::Unknown};
  {
    std::lock_guard lock(mutex_);
    if (request.method == "GET") {
      if (!content_type.empty()) headers.emplace("Content-Type", content_type);
      result = client_->Get(request.target.c_str(), headers);
    } else if (request.method == "POST") {
      result = client_->Post(request.target.c_str(), headers, request.body, content_type.c_str());
    } else if (request.method == "PUT") {
      result = client_->Put(request.target.c_str(), headers, request.body, content_type.c_str());
    } else if (request.method == "DELETE") {
      result = client_->Delete(request.target.c_str(), headers);
    }
  }
  PrismVerdict verdict;
  std::string said = request.method + " " + request.target;
  if (!result) {
    verdict.violation =
        said + ": Prism did not answer (" + httplib::to_string(result.error()) + ")";
    return verdict;
  }
  verdict.status = result->status;
  verdict.headers = result->headers;
  verdict.body = result->body;
  verdict.content_type = result->get_header_value("Content-Type");
  std::string violations = result->get_header_value("sl-violations");
  if (!violations.empty()) {
    verdict.violation = said + ": " + violations;
  } else if (result->status >= 400) {
    verdict.violation = said + ": Prism answered HTTP " + std::to_string(result->status) + ": " +
                        result->body.substr(0, 400);
  }
  return verdict;
}

PrismServer& PrismServer::bamboohr() {
  static std::mutex starting;
  static std::unique_ptr<PrismServer> shared;  // stopped by its destructor at exit
  std::lock_guard lock(starting);
  if (!shared) shared = std::make_unique<PrismServer>(MENTORING_BAMBOOHR_OPENAPI);
  return *shared;
}

}  // namespace mentoring::fakes
