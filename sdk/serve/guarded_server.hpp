// guarded_server.hpp (private to sdk/serve) — cpp-httplib's Server with
// limits the library (0.11) lacks: a deadline for a whole request (a client
// trickling bytes is cut off, not just one that stalls), a byte budget per
// request (endless headers or chunked bodies end there), a bounded queue of
// accepted connections, a lingering close (a refused body still gets its
// answer), and TLS done here with OpenSSL under the same deadline.
#pragma once

#include <httplib.h>
#include <openssl/ssl.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>

namespace mentoring::serve::detail {

struct ConnectionLimits {
  std::chrono::milliseconds request_timeout{10000};  // a whole request, and a whole answer
  std::chrono::milliseconds idle_timeout{5000};      // between requests of one connection
  std::size_t max_body_bytes = 1048576;
  std::size_t max_head_bytes = 65536;  // request line and headers
  int keep_alive_max = 100;
  // Connections accepted that no free thread will take (shared with
  // BoundedTaskQueue): an idle keep-alive connection gives its thread up to them,
  // and only to them (a connection between its accept and a free thread taking
  // it is not waiting).
  std::shared_ptr<std::atomic<std::size_t>> waiting;
};

// Set by a handler that answered without reading the body: the connection closes after it.
void close_after_this_request();
// When the request in hand began (its first byte), for the latency histogram.
std::chrono::steady_clock::time_point request_started();

class GuardedServer : public httplib::Server {
 public:
  // ssl_context: null for plain HTTP; otherwise owned by the caller, outliving this.
  GuardedServer(ConnectionLimits limits, SSL_CTX* ssl_context);

 private:
  bool process_and_close_socket(socket_t sock) override;

  ConnectionLimits limits_;
  SSL_CTX* ssl_context_;
};

// A thread pool whose queue holds at most `capacity` connections: when it is
// full the accept loop waits, and further clients wait in the kernel's backlog.
class BoundedTaskQueue : public httplib::TaskQueue {
 public:
  BoundedTaskQueue(int threads, std::size_t capacity,
                   std::shared_ptr<std::atomic<std::size_t>> waiting);
  void enqueue(std::function<void()> fn) override;
  void shutdown() override;

 private:
  std::size_t capacity_;
  std::shared_ptr<std::atomic<std::size_t>> waiting_;
  std::vector<std::thread> threads_;
  void publish_waiting();  // mutex_ held

  std::list<std::function<void()>> jobs_;
  std::size_t idle_ = 0;  // threads waiting for a job
  bool shutdown_ = false;
  std::mutex mutex_;
  std::condition_variable has_job_, has_room_;
};

}  // namespace mentoring::serve::detail
