#include "guarded_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace mentoring::serve::detail {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kIdleSlice{50};

thread_local bool close_requested = false;
thread_local std::function<void()> restart_deadline;  // the connection's stream in hand
thread_local Clock::time_point started_at;

int millis_until(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(std::min<long long>(left.count(), 60000));
}

// Waits for `events` on fd until `deadline`; false when it passed (or the socket broke).
bool wait_for(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    int n = ::poll(&p, 1, millis_until(deadline));
    if (n > 0) return true;
    if (n == 0 && Clock::now() >= deadline) return false;
    if (n < 0 && errno != EINTR) return false;
  }
}

void describe_address(const sockaddr_storage& address, std::string& ip, int& port) {
  char text[INET6_ADDRSTRLEN] = {0};
  if (address.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&address);
    ::inet_ntop(AF_INET, &a->sin_addr, text, sizeof text);
    port = ntohs(a->sin_port);
  } else if (address.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&address);
    ::inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof text);
    port = ntohs(a->sin6_port);
  }
  ip = text;
}

// One connection's stream: every read and write ends at the request's deadline,
// and a request reads at most its byte budget.
class GuardedStream final : public httplib::Stream {
 public:
  GuardedStream(int fd, SSL* ssl) : fd_(fd), ssl_(ssl) {}

  void start_request(Clock::time_point deadline, std::size_t budget) {
    deadline_ = deadline;
    budget_ = budget;
  }
  void set_deadline(Clock::time_point deadline) { deadline_ = deadline; }

  // Data already decrypted, or the socket readable before `deadline`.
  bool wait_readable(Clock::time_point deadline) const {
    if (ssl_ && SSL_pending(ssl_) > 0) return true;
    return wait_for(fd_, POLLIN, deadline);
  }

  bool is_readable() const override { return wait_readable(deadline_); }
  bool is_writable() const override { return wait_for(fd_, POLLOUT, deadline_); }

  ssize_t read(char* ptr, size_t size) override {
    if (budget_ == 0) return -1;  // the request is larger than any we take
    size = std::min(size, budget_);
    const ssize_t n = transfer(
        POLLIN,
        [&] { return SSL_read(ssl_, ptr, static_cast<int>(std::min<size_t>(size, 1 << 20))); },
        [&] { return ::recv(fd_, ptr, size, 0); });
    if (n <= 0) return -1;  // failed, timed out, or the peer closed
    budget_ -= static_cast<size_t>(n);
    return n;
  }

  ssize_t write(const char* ptr, size_t size) override {
    return transfer(
        POLLOUT,
        [&] { return SSL_write(ssl_, ptr, static_cast<int>(std::min<size_t>(size, 1 << 20))); },
        [&] { return ::send(fd_, ptr, size, MSG_NOSIGNAL); });
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    if (::getpeername(fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0)
      describe_address(address, ip, port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0)
      describe_address(address, ip, port);
  }
  socket_t socket() const override { return fd_; }

 private:
  // One transfer, over TLS or the plain socket, repeated while the socket or
  // TLS asks to wait (up to the deadline): the bytes moved, or -1.
  template <class TlsTransfer, class PlainTransfer>
  ssize_t transfer(short plain_wait, TlsTransfer tls_transfer, PlainTransfer plain_transfer) {
    for (;;) {
      if (ssl_) {
        const int n = tls_transfer();
        if (n > 0) return n;
        const int error = SSL_get_error(ssl_, n);
        const short wanted = error == SSL_ERROR_WANT_READ    ? POLLIN
                             : error == SSL_ERROR_WANT_WRITE ? POLLOUT
                                                             : 0;
        if (wanted && wait_for(fd_, wanted, deadline_)) continue;
        return -1;
      }
      const ssize_t n = plain_transfer();
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        if (wait_for(fd_, plain_wait, deadline_)) continue;
        return -1;
      }
      return n < 0 ? -1 : n;
    }
  }

  int fd_;
  SSL* ssl_;
  Clock::time_point deadline_ = Clock::now();
  std::size_t budget_ = 0;
};

bool tls_handshake(SSL* ssl, int fd, Clock::time_point deadline) {
  for (;;) {
    int r = SSL_accept(ssl);
    if (r == 1) return true;
    int error = SSL_get_error(ssl, r);
    short wanted = error == SSL_ERROR_WANT_READ    ? POLLIN
                   : error == SSL_ERROR_WANT_WRITE ? POLLOUT
                                                   : 0;
    if (!wanted || !wait_for(fd, wanted, deadline)) return false;
  }
}

// Half-close, then read and drop what the client still sends (briefly, boundedly),
// so an answer sent before the body was read is not destroyed by a reset.
void lingering_close(int fd, std::size_t at_most) {
  ::shutdown(fd, SHUT_WR);
  const auto until = Clock::now() + std::chrono::milliseconds(500);
  char sink[16384];
  std::size_t drained = 0;
  while (drained < at_most && wait_for(fd, POLLIN, until)) {
    ssize_t n = ::recv(fd, sink, sizeof sink, 0);
    if (n <= 0) break;
    drained += static_cast<std::size_t>(n);
  }
  ::close(fd);
}

}  // namespace

void close_after_this_request() {
  close_requested = true;
}
std::chrono::steady_clock::time_point request_started() {
  return started_at;
}

GuardedServer::GuardedServer(ConnectionLimits limits, SSL_CTX* ssl_context)
    : limits_(limits), ssl_context_(ssl_context) {
  set_payload_max_length(limits_.max_body_bytes);
  set_keep_alive_max_count(static_cast<std::size_t>(limits_.keep_alive_max));
  // The answer gets a whole request_timeout of its own: a command that ran long
  // (a cycle) is still delivered, and a client that will not read is still cut off.
  set_post_routing_handler([](const httplib::Request&, httplib::Response&) {
    if (restart_deadline) restart_deadline();
  });
  set_keep_alive_timeout(std::max<time_t>(1, limits_.idle_timeout.count() / 1000));
}

bool GuardedServer::process_and_close_socket(socket_t sock) {
  ::fcntl(sock, F_SETFL, ::fcntl(sock, F_GETFL) | O_NONBLOCK);
  // cpp-httplib writes an answer's head and body apart: without this the body
  // waits for the client's delayed ACK (tens of ms; docs/performance.md).
  const int on = 1;
  ::setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  SSL* ssl = nullptr;
  if (ssl_context_) {
    ssl = SSL_new(ssl_context_);
    if (!ssl || SSL_set_fd(ssl, sock) != 1 ||
        !tls_handshake(ssl, sock, Clock::now() + limits_.request_timeout)) {
      if (ssl) SSL_free(ssl);
      ERR_clear_error();
      ::close(sock);
      return false;
    }
  }
  GuardedStream stream(sock, ssl);
  restart_deadline = [&] { stream.set_deadline(Clock::now() + limits_.request_timeout); };
  bool ok = true;
  for (int i = 0; i < limits_.keep_alive_max; ++i) {
    if (i == 0) {
      if (!stream.wait_readable(Clock::now() + limits_.request_timeout)) break;
    } else {
      // Idle between requests: in slices, giving the thread up when others wait for one.
      const auto until = Clock::now() + limits_.idle_timeout;
      bool readable = false;
      while (!readable && Clock::now() < until && is_running() &&
             !(limits_.waiting && limits_.waiting->load() > 0)) {
        readable = stream.wait_readable(std::min(until, Clock::now() + kIdleSlice));
      }
      // Given up for a waiting connection: a request that arrived meanwhile is
      // still answered (only a connection that sent nothing is closed).
      if (!readable) readable = stream.wait_readable(Clock::now());
      if (!readable) break;
    }
    if (!is_running()) break;
    started_at = Clock::now();
    close_requested = false;
    stream.start_request(started_at + limits_.request_timeout,
                         limits_.max_head_bytes + limits_.max_body_bytes + 4096);
    bool closed = false;
    const bool last = i + 1 == limits_.keep_alive_max;
    ok = process_request(stream, last, closed, [](httplib::Request&) {});
    if (!ok || closed || close_requested || last) break;
  }
  restart_deadline = nullptr;
  if (ssl) {
    SSL_shutdown(ssl);
    SSL_free(ssl);
    ERR_clear_error();
  }
  lingering_close(sock, limits_.max_body_bytes + limits_.max_head_bytes);
  return ok;
}

BoundedTaskQueue::BoundedTaskQueue(int threads, std::size_t capacity,
                                   std::shared_ptr<std::atomic<std::size_t>> waiting)
    : capacity_(capacity), waiting_(std::move(waiting)) {
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back([this] {
      for (;;) {
        std::function<void()> job;
        {
          std::unique_lock lock(mutex_);
          ++idle_;
          publish_waiting();
          has_job_.wait(lock, [&] { return shutdown_ || !jobs_.empty(); });
          --idle_;
          if (jobs_.empty()) {  // shut down and drained
            publish_waiting();
            return;
          }
          job = std::move(jobs_.front());
          jobs_.pop_front();
          publish_waiting();
        }
        has_room_.notify_one();
        job();
      }
    });
  }
}

void BoundedTaskQueue::enqueue(std::function<void()> fn) {
  {
    std::unique_lock lock(mutex_);
    // Never drop a job: it owns an accepted socket. Shutting down, it goes in anyway.
    has_room_.wait(lock, [&] { return shutdown_ || jobs_.size() < capacity_; });
    jobs_.push_back(std::move(fn));
    publish_waiting();
  }
  has_job_.notify_one();
}

void BoundedTaskQueue::publish_waiting() {
  // A job a free thread is about to take waits for nobody's connection to close.
  if (waiting_) waiting_->store(jobs_.size() > idle_ ? jobs_.size() - idle_ : 0);
}

void BoundedTaskQueue::shutdown() {
  {
    std::lock_guard lock(mutex_);
    shutdown_ = true;
  }
  has_job_.notify_all();
  has_room_.notify_all();
  for (auto& t : threads_) t.join();
}

}  // namespace mentoring::serve::detail
