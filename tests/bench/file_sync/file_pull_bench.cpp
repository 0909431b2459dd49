// file_pull_bench <org.json> [file.so]: the file adapter's share of a first
// run, without the store. Loads file.so (default: this build's) as
// mentoring-host does, pulls every page of people, leave and course
// completions from the organisation's first adapter settings, and parses and
// checks each answer as the plugin's sync does (schema::JsonPage,
// validate_page_record). Prints the CPU time (user + sys) of each part:
//   adapter_cpu=4.12 page_cpu=0.61 pages=63 records=628750 answer_mb=98.1
#include <mentoring/fake_host.hpp>
#include <mentoring/json_page.hpp>
#include <mentoring/loader.hpp>
#include <mentoring/schema.hpp>

#include <nlohmann/json.hpp>

#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace {

double cpu_seconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace

int main(int argc, char** argv) {
  using nlohmann::json;
  if (argc < 2) {
    std::cerr << "usage: file_pull_bench <org.json> [file.so]\n";
    return 2;
  }
  const std::filesystem::path org_path = std::filesystem::absolute(argv[1]);
  std::ifstream in(org_path);
  std::stringstream text;
  text << in.rdbuf();
  const json org = json::parse(text.str());
  const json settings = org.at("adapters").at(0).at("settings");

  mentoring::testing::FakeHost host;
  auto library = mentoring::host::ModuleLibrary::load(argc > 2 ? argv[2] : FILE_ADAPTER_PATH);
  mentoring::host::ModuleInstance adapter(library, host.host(),
                                          json{{"organisation", org.value("id", "org")},
                                               {"name", "hr-export"},
                                               {"base_dir", org_path.parent_path().string()},
                                               {"settings", settings}}
                                              .dump());

  double adapter_cpu = 0, page_cpu = 0;
  std::size_t pages = 0, records = 0, bytes = 0, problems = 0;
  const std::pair<const char*, const char*> streams[] = {
      {"people", "person"}, {"leave", "leave"}, {"course_completions", "course-completion"}};
  for (const auto& [stream, schema] : streams) {
    json cursor = nullptr;
    for (;;) {
      const double t0 = cpu_seconds();
      std::string answer =
          adapter.call("pull", json{{"stream", stream}, {"cursor", cursor}}.dump());
      const double t1 = cpu_seconds();
      bytes += answer.size();
      if (const char* dump = std::getenv("FILE_PULL_BENCH_DUMP"); dump && pages < 3)
        std::ofstream(std::string(dump) + "/" + std::to_string(pages) + ".json") << answer;
      mentoring::schema::JsonPage page(std::move(answer));
      const auto root = page.root();
      for (auto record : root["records"].elements()) {
        problems += mentoring::schema::validate_page_record(schema, record, "").size();
        ++records;
      }
      const double t2 = cpu_seconds();
      adapter_cpu += t1 - t0;
      page_cpu += t2 - t1;
      ++pages;
      if (root["problems"].size() > 0) {
        std::cerr << stream << ": " << root["problems"].to_json().dump() << "\n";
        return 1;
      }
      cursor = root["next_cursor"].to_json();
      if (!root["more"].boolean()) break;
    }
  }
  std::printf("adapter_cpu=%.2f page_cpu=%.2f pages=%zu records=%zu answer_mb=%.1f problems=%zu\n",
              adapter_cpu, page_cpu, pages, records, bytes / 1e6, problems);
  return problems == 0 ? 0 : 1;
}
