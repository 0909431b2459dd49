#include "loopback_server.hpp"

#include <chrono>
#include <stdexcept>

namespace mentoring::fakes {

LoopbackServer::LoopbackServer(int port) : requested_port_(port) {
  // Keep connections alive for as long as a client wants, like a real API
  // gateway; the default (5 requests) would hide connection-reuse bugs.
  server_.set_keep_alive_max_count(100000);
  server_.set_keep_alive_timeout(1);  // stop() waits for idle connections this long
  // Without it a POST answer waits for delayed ACK (about 40 ms each).
  server_.set_tcp_nodelay(true);
}

LoopbackServer::~LoopbackServer() {
  stop();
}

void LoopbackServer::start() {
  if (requested_port_ == 0) {
    port_ = server_.bind_to_any_port("127.0.0.1");
  } else {
    port_ = server_.bind_to_port("127.0.0.1", requested_port_) ? requested_port_ : -1;
  }
  if (port_ <= 0) throw std::runtime_error("loopback server: could not bind on 127.0.0.1");
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  // stop() only stops a server that is running, so wait until it is.
  while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void LoopbackServer::stop() {
  if (thread_.joinable()) {
    server_.stop();
    thread_.join();
  }
}

}  // namespace mentoring::fakes
