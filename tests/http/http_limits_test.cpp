// The HTTP service's limits against a loopback server that sends a body of a
// gigabyte, or one that never ends: the transfer stops after about the limit
// (limit http.max_body_bytes, named in the error), is not retried, and
// resident memory stays bounded; a trickle or a stall ends at its timeout.
#include "http_client.hpp"
#include "loopback_server.hpp"
#include "secrets.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <sstream>
#include <thread>

using mentoring::fakes::LoopbackServer;
using mentoring::host::HttpClient;
using mentoring::host::HttpError;
using mentoring::host::HttpLimitError;
using mentoring::host::Secrets;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t kGigabyte = 1024ull * 1024 * 1024;
constexpr std::size_t kChunk = 64 * 1024;

long max_resident_kb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

class HttpLimits : public ::testing::Test {
 protected:
  static std::shared_ptr<spdlog::logger> make_logger(std::ostringstream& out) {
    return std::make_shared<spdlog::logger>("http-limits",
                                            std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
  }

  // A body sent lazily, chunk by chunk: `total` bytes, or without end when 0.
  // With a length, it is announced (Content-Length); without, it is chunked.
  void serve_lazily(const std::string& path, std::size_t total, bool announce_length) {
    server_.http().Get(
        path, [this, total, announce_length](const httplib::Request&, httplib::Response& res) {
          ++requests_;
          auto provide = [this, total](std::size_t offset, httplib::DataSink& sink) {
            static const std::string chunk(kChunk, 'x');
            if (total != 0 && offset >= total) {
              sink.done();
              return true;
            }
            std::size_t n = total == 0 ? kChunk : std::min(kChunk, total - offset);
            if (!sink.write(chunk.data(), n)) return false;
            sent_ += n;
            // Never more than a gigabyte, whatever the client does.
            return sent_ < kGigabyte + kChunk;
          };
          if (announce_length) {
            res.set_content_provider(
                total, "application/json",
                [provide](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                  return provide(offset, sink);
                });
          } else {
            res.set_chunked_content_provider("application/json", provide);
          }
        });
  }

  std::string error_of(json request) {
    request["url"] = server_.base_url() + request["url"].get<std::string>();
    try {
      client_.perform(request.dump());
    } catch (const HttpLimitError& e) {
      return std::string("limit: ") + e.what();
    } catch (const HttpError& e) {
      return e.what();
    }
    ADD_FAILURE() << "expected an HttpError";
    return "";
  }

  LoopbackServer server_;
  std::atomic<int> requests_{0};
  std::atomic<std::size_t> sent_{0};
  std::ostringstream log_;
  Secrets secrets_{std::nullopt};
  HttpClient client_{secrets_, make_logger(log_)};
};

TEST_F(HttpLimits, AChunkedGigabyteStopsAfterTheLimitWithTheLimitNamed) {
  serve_lazily("/huge", kGigabyte, false);
  server_.start();
  const long rss_before = max_resident_kb();
  const auto started = std::chrono::steady_clock::now();
  std::string error = error_of({{"url", "/huge"}, {"max_body_bytes", 1 << 20}});
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
  EXPECT_EQ(error.rfind("limit: ", 0), 0u) << error;
  EXPECT_NE(error.find("limit http.max_body_bytes = 1048576: found a longer body"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("GET http://127.0.0.1:"), std::string::npos) << "names the request";
  EXPECT_EQ(requests_, 1) << "a body over the limit is not retried";
  // About the limit was sent (plus what the sockets buffer), not the gigabyte.
  EXPECT_LT(sent_.load(), std::size_t{64} << 20) << "sent " << sent_ << " bytes";
  EXPECT_LT(max_resident_kb() - rss_before, 64 * 1024) << "resident memory grew past 64 MiB";
}

TEST_F(HttpLimits, AnAnnouncedGigabyteIsRefusedBeforeItsBodyIsRead) {
  serve_lazily("/announced", kGigabyte, true);
  server_.start();
  std::string error = error_of({{"url", "/announced"}, {"max_body_bytes", 1 << 20}});
  EXPECT_NE(error.find("limit http.max_body_bytes = 1048576: found Content-Length 1073741824"),
            std::string::npos)
      << error;
  EXPECT_EQ(requests_, 1);
  EXPECT_LT(sent_.load(), std::size_t{64} << 20);
}

TEST_F(HttpLimits, ABodyThatNeverEndsStopsAtTheDefaultLimitOf64MiB) {
  serve_lazily("/endless", 0, false);
  server_.start();
  const long rss_before = max_resident_kb();
  std::string error = error_of({{"url", "/endless"}, {"timeout_ms", 60000}});
  EXPECT_NE(error.find("limit http.max_body_bytes = 67108864"), std::string::npos) << error;
  EXPECT_EQ(requests_, 1);
  EXPECT_LT(sent_.load(), std::size_t{160} << 20) << "sent " << sent_ << " bytes";
  // The 64 MiB body, its growth in a string, and slack; never the endless body.
  // AddressSanitizer keeps freed blocks (each smaller string the body outgrew)
  // in its quarantine, up to 256 MiB more, so its bound is wider.
#if defined(__SANITIZE_ADDRESS__)
  constexpr long kBoundKb = 1024 * 1024;
#else
  constexpr long kBoundKb = 256 * 1024;
#endif
  EXPECT_LT(max_resident_kb() - rss_before, kBoundKb);
}

TEST_F(HttpLimits, ABodyWithinTheLimitArrivesWhole) {
  serve_lazily("/fits", 3 * kChunk, false);
  server_.start();
  json response = json::parse(client_.perform(
      json{{"url", server_.base_url() + "/fits"}, {"max_body_bytes", 3 * kChunk}}.dump()));
  EXPECT_EQ(response["status"], 200);
  EXPECT_EQ(response["body"].get<std::string>().size(), 3 * kChunk);
}

TEST_F(HttpLimits, ATrickleThatNeverEndsEndsAtTheTransferTimeout) {
  server_.http().Get("/trickle", [](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("text/plain", [](std::size_t, httplib::DataSink& sink) {
      std::this_thread::sleep_for(50ms);
      return sink.write("x", 1);
    });
  });
  server_.start();
  const auto started = std::chrono::steady_clock::now();
  std::string error =
      error_of({{"url", "/trickle"}, {"timeout_ms", 700}, {"retry", {{"max_attempts", 1}}}});
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  EXPECT_NE(error.find("timed out"), std::string::npos) << error;
}

TEST_F(HttpLimits, AStalledBodyEndsAtTheStallTimeout) {
  std::atomic<bool> release{false};
  server_.http().Get("/stall", [&](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("text/plain",
                                     [&](std::size_t offset, httplib::DataSink& sink) {
                                       if (offset == 0) return sink.write("[", 1);
                                       // Then nothing, until the test ends.
                                       for (int i = 0; i < 300 && !release; ++i)
                                         std::this_thread::sleep_for(20ms);
                                       return false;
                                     });
  });
  server_.start();
  const auto started = std::chrono::steady_clock::now();
  std::string error = error_of({{"url", "/stall"},
                                {"timeout_ms", 30000},
                                {"stall_timeout_ms", 1000},
                                {"retry", {{"max_attempts", 1}}}});
  release = true;
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s) << error;
  EXPECT_NE(error.find("timed out"), std::string::npos) << error;
}

}  // namespace
