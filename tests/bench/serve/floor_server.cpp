// The floor of tests/bench/serve_load.sh: a bare cpp-httplib server answering the routes of
// `mentoring-host serve` (docs: /work/issue14-contract.md, README "serve") with a canned answer,
// so the benchmark can tell what the HTTP library and the loopback cost from what the host adds.
// It checks only that a Bearer token is present (401 otherwise, as the host answers), reads the
// body, and answers; no JSON is parsed, nothing is stored.
//   serve_floor [--port 0] [--threads 8]      prints "listening port=<n>", serves until killed
#include <httplib.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

// With a pair id, so the load lists "pairs" it made here as it does on the host: the same mix.
constexpr const char* kCanned = R"({"ok":true,"pair_id":1,"floor":"canned answer"})";

bool has_bearer(const httplib::Request& request) {
  const std::string header = request.get_header_value("Authorization");
  return header.size() > 7 && header.compare(0, 7, "Bearer ") == 0;
}

void unauthorised(httplib::Response& response) {
  response.status = 401;
  response.set_header("WWW-Authenticate", "Bearer");
  response.set_content(R"({"error":"no token"})", "application/json");
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0;
  int threads = 8;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--port") == 0) {
      port = std::atoi(argv[i + 1]);
    } else if (std::strcmp(argv[i], "--threads") == 0) {
      threads = std::atoi(argv[i + 1]);
    } else {
      std::fprintf(stderr, "serve_floor: unknown option %s (expected --port N, --threads N)\n",
                   argv[i]);
      return 2;
    }
  }
  if (threads < 1 || threads > 256) {
    std::fprintf(stderr, "serve_floor: --threads %d: expected 1..256\n", threads);
    return 2;
  }

  httplib::Server server;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_payload_max_length(1 << 20);  // the host's default max_body_bytes
  server.set_read_timeout(10, 0);          // and its request_timeout_seconds
  server.set_tcp_nodelay(true);            // headers and body are two writes: no Nagle wait
  server.Post(R"(/v1/orgs/([A-Za-z0-9_.-]+)/commands/([A-Za-z0-9_-]+))",
              [](const httplib::Request& request, httplib::Response& response) {
                if (!has_bearer(request)) return unauthorised(response);
                response.set_content(kCanned, "application/json");
              });
  server.Post(R"(/v1/orgs/([A-Za-z0-9_.-]+)/webhooks/([A-Za-z0-9_-]+))",
              [](const httplib::Request&, httplib::Response& response) {
                response.status = 202;
                response.set_content(R"({"accepted":true})", "application/json");
              });
  for (const char* probe : {"/healthz", "/readyz"}) {
    server.Get(probe, [](const httplib::Request&, httplib::Response& response) {
      response.set_content(R"({"status":"ok"})", "application/json");
    });
  }
  server.Get("/metrics", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("# floor: no metrics\n", "text/plain; version=0.0.4");
  });

  const int bound = port == 0 ? server.bind_to_any_port("127.0.0.1")
                              : (server.bind_to_port("127.0.0.1", port) ? port : -1);
  if (bound <= 0) {
    std::fprintf(stderr, "serve_floor: cannot listen on 127.0.0.1:%d\n", port);
    return 1;
  }
  std::printf("listening port=%d threads=%d\n", bound, threads);
  std::fflush(stdout);
  return server.listen_after_bind() ? 0 : 1;
}
