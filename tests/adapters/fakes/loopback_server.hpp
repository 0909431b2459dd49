// A cpp-httplib server on 127.0.0.1 with a port the OS picks, for tests and
// the demo's fake hosts. It listens from construction until destruction.
//
//   fakes::LoopbackServer server;
//   server.http().Get("/ping", [](const httplib::Request&, httplib::Response& res) {
//     res.set_content("pong", "text/plain");
//   });
//   server.start();
//   std::string url = server.base_url() + "/ping";   // http://127.0.0.1:40123/ping
#pragma once

#include <httplib.h>

#include <string>
#include <thread>

namespace mentoring::fakes {

class LoopbackServer {
 public:
  // port 0: any free port.
  explicit LoopbackServer(int port = 0);
  ~LoopbackServer();  // stops and joins
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  // Register routes before start().
  httplib::Server& http() { return server_; }
  // Binds and starts the listening thread; throws std::runtime_error when it cannot bind.
  void start();
  void stop();

  int port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  httplib::Server server_;
  int requested_port_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace mentoring::fakes
