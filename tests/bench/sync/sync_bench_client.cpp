// The two sides of the sync benchmark, each run in its own process so its
// peak memory is its own:
//   --mode baseline: fetch every page the adapter fetches with one libcurl
//                    handle and parse each with nlohmann::json; nothing else.
//   --mode adapter:  bamboohr.so loaded through the host-side loader, its http
//                    service the host's real HTTP client (libcurl), pulling
//                    people and leave to the end as the plugin would, each
//                    answer parsed on the host side.
// Both print one line: mode=.. seconds=.. cpu_s=.. pages=.. records=.. (cpu_s: the process's
// CPU time, user + sys, over the same section as seconds: what a busy machine does not inflate)
//   sync_bench_client --mode baseline|adapter --url http://127.0.0.1:P --page-size N
#include "http_client.hpp"
#include "secrets.hpp"

#include <mentoring/fake_host.hpp>
#include <mentoring/loader.hpp>

#include <curl/curl.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

namespace {

using nlohmann::json;

// The clock both modes share: leave windows end a year after it.
constexpr std::int64_t kNowMs = 1796083200000;  // 2026-12-01
constexpr const char* kFrom = "2019-01-01";
constexpr int kWindowDays = 365;
// As the adapter asks with OAuth: `fields` repeated, only names the list offers.
constexpr const char* kPeopleQuery =
    "/api/v1/employees?fields=workEmail&fields=reportsToId&fields=departmentName&"
    "fields=locationName&fields=hireDate&filter%5Bstatus%5D=active&page%5Blimit%5D=";

std::string add_days(const std::string& date, int days) {
  using namespace std::chrono;
  year_month_day ymd{year{std::stoi(date.substr(0, 4))},
                     month{static_cast<unsigned>(std::stoi(date.substr(5, 2)))},
                     day{static_cast<unsigned>(std::stoi(date.substr(8, 2)))}};
  year_month_day shifted{sys_days{ymd} + std::chrono::days{days}};
  char out[16];
  std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(shifted.year()),
                static_cast<unsigned>(shifted.month()), static_cast<unsigned>(shifted.day()));
  return out;
}

std::size_t collect(char* data, std::size_t size, std::size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

// The same requests as the adapter, as plainly as libcurl and nlohmann allow.
void baseline(const std::string& url, int page_size, long long& pages, long long& records) {
  CURL* curl = curl_easy_init();
  std::string body;
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  auto fetch = [&](const std::string& path) {
    body.clear();
    curl_easy_setopt(curl, CURLOPT_URL, (url + path).c_str());
    if (curl_easy_perform(curl) != CURLE_OK)
      throw std::runtime_error("baseline: request failed: " + path);
    ++pages;
    return json::parse(body);
  };
  std::string after;
  for (;;) {
    json page = fetch(kPeopleQuery + std::to_string(page_size) +
                      (after.empty() ? "" : "&page%5Bafter%5D=" + after));
    records += static_cast<long long>(page["data"].size());
    const json& next = page["meta"]["page"]["nextCursor"];
    if (!next.is_string()) break;
    after = next.get<std::string>();
  }
  std::string horizon = add_days("2026-12-01", 365);
  for (std::string window = kFrom; window <= horizon; window = add_days(window, kWindowDays)) {
    json page = fetch("/api/v1/time_off/requests?start=" + window +
                      "&end=" + add_days(window, kWindowDays - 1));
    records += static_cast<long long>(page.size());
  }
  curl_easy_cleanup(curl);
}

void adapter(const std::string& url, int page_size, long long& pages, long long& records) {
  mentoring::host::Secrets secrets(std::nullopt);
  mentoring::host::HttpClient http(
      secrets,
      std::make_shared<spdlog::logger>("bench", std::make_shared<spdlog::sinks::null_sink_mt>()));
  mentoring::testing::FakeHost host;
  host.set_now_unix_ms(kNowMs);
  host.set_secret("BAMBOOHR_ACCESS_TOKEN", "bench-token");
  host.on_http([&](const std::string& request) { return http.perform(request); });
  // mentoring.http/2, as mentoring-host offers it: pages cross as raw bytes.
  host.on_http_split([&](const std::string& request) {
    auto answer = http.perform_split(request);
    return std::make_pair(std::move(answer.head_json), std::move(answer.body));
  });
  auto library = mentoring::host::ModuleLibrary::load(BAMBOOHR_MODULE);
  json settings = {{"company_domain", "bench"},
                   {"base_url", url},
                   // The default budget (10 requests/s) protects a real BambooHR; here it would
                   // only measure itself.
                   {"rate_limit", {{"per_second", 100000}, {"burst", 100000}}},
                   // OAuth: the cursor-paged GET /api/v1/employees (an API key reads
                   // people through the custom report, one answer for everyone).
                   {"auth", {{"scheme", "oauth"}}},
                   {"people", {{"page_size", page_size}}},
                   {"leave",
                    {{"from", kFrom},
                     {"window_days", kWindowDays},
                     {"leave_types",
                      {{"Maternity Leave", "maternity"},
                       {"Paternity Leave", "paternity"},
                       {"Annual Leave", nullptr},
                       {"Carer's Leave", "carers"},
                       {"Adoption Leave", "adoption"},
                       {"Secondment", "secondment"},
                       {"Long-term Sickness", "long_term_sickness"}}}}}};
  json config = {
      {"organisation", "bench"}, {"name", "hr"}, {"base_dir", "/tmp"}, {"settings", settings}};
  mentoring::host::ModuleInstance module(library, host.host(), config.dump());
  for (const char* stream : {"people", "leave"}) {
    json cursor = nullptr;
    for (;;) {
      json answer =
          json::parse(module.call("pull", json{{"stream", stream}, {"cursor", cursor}}.dump()));
      ++pages;
      if (!answer["problems"].empty())
        throw std::runtime_error("adapter: problems: " + answer["problems"][0].dump());
      records += static_cast<long long>(answer["records"].size()) + answer.value("skipped", 0LL);
      cursor = answer["next_cursor"];
      if (!answer["more"].get<bool>()) break;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode, url;
  int page_size = 1000;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--mode") mode = argv[i + 1];
    if (flag == "--url") url = argv[i + 1];
    if (flag == "--page-size") page_size = std::stoi(argv[i + 1]);
  }
  if ((mode != "baseline" && mode != "adapter") || url.rfind("http://127.0.0.1:", 0) != 0) {
    std::fprintf(stderr,
                 "usage: sync_bench_client --mode baseline|adapter --url http://127.0.0.1:P "
                 "[--page-size N]\n");
    return 2;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  long long pages = 0, records = 0;
  auto started = std::chrono::steady_clock::now();
  std::clock_t cpu_started = std::clock();
  try {
    if (mode == "baseline") {
      baseline(url, page_size, pages, records);
    } else {
      adapter(url, page_size, pages, records);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sync_bench_client: %s\n", e.what());
    return 1;
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  double cpu_seconds = static_cast<double>(std::clock() - cpu_started) / CLOCKS_PER_SEC;
  std::printf("mode=%s seconds=%.3f cpu_s=%.3f pages=%lld records=%lld\n", mode.c_str(), seconds,
              cpu_seconds, pages, records);
  return 0;
}
