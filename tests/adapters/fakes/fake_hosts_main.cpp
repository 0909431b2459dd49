// mentoring-fake-hosts: the loopback fakes of BambooHR, Moodle and OrangeHRM,
// seeded with a demo organisation, on fixed ports until interrupted. For
// examples/demo-rest, for trying an adapter by hand and for the crash harness
// (tests/faults); never for production.
//   mentoring-fake-hosts --data examples/demo/data/northwind [--bamboohr-port 18081]
//                        [--moodle-port 18082] [--orangehrm-port 18083]
//                        [--ports any | <first>]   any: free-picked; <first>: first, +1, +2
//                        [--ports-file FILE]       writes {"bamboohr": port, ...} once serving
//                        [--bamboohr-table ALIAS=KEY,FIELD,...]  an employee table for
//                                                  write-backs, counted by its KEY column
//                        [--moodle-students N]     only the first N people are students of
//                                                  every Moodle course (a smaller site)
// Each fake also answers GET /__fake/counts (write-backs received and applied)
// and POST/DELETE /__fake/faults; BambooHR POST /__fake/leave {"id", "end", ...}
// changes a time-off request (see the fakes' headers).
// Credentials are the demo's fake values, or MENTORING_SECRET_BAMBOOHR_API_KEY,
// MENTORING_SECRET_MOODLE_TOKEN, MENTORING_SECRET_ORANGEHRM_CLIENT_SECRET when set.
#include "fake_bamboohr.hpp"
#include "fake_moodle.hpp"
#include "fake_orangehrm.hpp"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

volatile std::sig_atomic_t stop_requested = 0;

std::string secret_or(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value && *value ? value : fallback;
}

}  // namespace

int main(int argc, char** argv) {
  std::string data = "examples/demo/data/northwind";
  int bamboohr_port = 18081, moodle_port = 18082, orangehrm_port = 18083;
  std::string ports_file, table_spec;
  int moodle_students = -1;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--data")
      data = argv[i + 1];
    else if (flag == "--bamboohr-port")
      bamboohr_port = std::atoi(argv[i + 1]);
    else if (flag == "--moodle-port")
      moodle_port = std::atoi(argv[i + 1]);
    else if (flag == "--orangehrm-port")
      orangehrm_port = std::atoi(argv[i + 1]);
    else if (flag == "--ports") {
      std::string value = argv[i + 1];
      int first = value == "any" ? 0 : std::atoi(value.c_str());
      if (value != "any" && (first <= 0 || first > 65533)) {
        std::fprintf(stderr, "mentoring-fake-hosts: --ports: expected any or a port, found %s\n",
                     value.c_str());
        return 2;
      }
      bamboohr_port = first;
      moodle_port = first ? first + 1 : 0;
      orangehrm_port = first ? first + 2 : 0;
    } else if (flag == "--ports-file")
      ports_file = argv[i + 1];
    else if (flag == "--bamboohr-table")
      table_spec = argv[i + 1];
    else if (flag == "--moodle-students")
      moodle_students = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "mentoring-fake-hosts: unknown option %s\n", flag.c_str());
      return 2;
    }
  }
  std::signal(SIGINT, [](int) { stop_requested = 1; });
  std::signal(SIGTERM, [](int) { stop_requested = 1; });
  try {
    using namespace mentoring::fakes;
    FakeBambooHr bamboohr(DemoData::load(data),
                          secret_or("MENTORING_SECRET_BAMBOOHR_API_KEY", "demo-bamboohr-key"),
                          bamboohr_port, FakeBambooHr::IdStyle::demo);
    FakeMoodle moodle(data, secret_or("MENTORING_SECRET_MOODLE_TOKEN", "demo-moodle-token"),
                      moodle_port);
    FakeOrangeHrm orangehrm(
        DemoData::load(data), "mentoring",
        secret_or("MENTORING_SECRET_ORANGEHRM_CLIENT_SECRET", "demo-orangehrm-secret"),
        orangehrm_port);
    // A sign-in-free grant for trying the demo; a real OrangeHRM 5.7 enables
    // only authorization_code and refresh_token.
    orangehrm.allow_grants({"authorization_code", "refresh_token", "client_credentials"});
    if (moodle_students >= 0) moodle.limit_implicit_students(moodle_students);
    if (!table_spec.empty()) {
      auto equals = table_spec.find('=');
      std::vector<std::string> fields;
      std::stringstream list(equals == std::string::npos ? "" : table_spec.substr(equals + 1));
      for (std::string field; std::getline(list, field, ',');)
        if (!field.empty()) fields.push_back(field);
      if (fields.empty()) {
        std::fprintf(stderr,
                     "mentoring-fake-hosts: --bamboohr-table: expected ALIAS=KEY,FIELD,..., "
                     "found %s\n",
                     table_spec.c_str());
        return 2;
      }
      std::string key = fields.front();
      bamboohr.define_table(table_spec.substr(0, equals), fields, key);
    }
    if (!ports_file.empty()) {
      // Written whole, then renamed: a reader never sees half a file.
      std::string partial = ports_file + ".partial";
      std::ofstream(partial) << "{\"bamboohr\": " << bamboohr.port()
                             << ", \"moodle\": " << moodle.port()
                             << ", \"orangehrm\": " << orangehrm.port() << "}\n";
      std::filesystem::rename(partial, ports_file);
    }
    std::printf("BambooHR  %s  (company domain: any; API key as HTTP Basic user)\n",
                bamboohr.base_url().c_str());
    std::printf("Moodle    %s  (wstoken)\n", moodle.base_url().c_str());
    std::printf("OrangeHRM %s  (OAuth client \"mentoring\", grant client_credentials)\n",
                orangehrm.base_url().c_str());
    std::printf("serving %s until Ctrl-C\n", data.c_str());
    std::fflush(stdout);
    while (!stop_requested) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mentoring-fake-hosts: %s\n", e.what());
    return 1;
  }
  return 0;
}
