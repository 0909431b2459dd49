// One sync of a large organisation through the real plugin, against the
// baseline of bulk-inserting the same rows with prepared statements in one
// transaction. Run by tests/bench/enrolment_sync.sh; prints one key=value line.
//
//   enrolment_bench --mode plugin|baseline --people N --leave M --dir D
#include <mentoring/fake_host.hpp>
#include <mentoring/loader.hpp>
#include <mentoring/schema.hpp>
#include <mentoring/store/org_store.hpp>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <nlohmann/json.hpp>

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <string>

namespace {

using json = nlohmann::json;

constexpr int kPageSize = 10000;
const char* const kTypes[] = {"maternity", "paternity", "adoption",
                              "carers",    "fostering", "secondment"};
const char* const kDepartments[] = {"Midwifery", "Radiology", "Pharmacy",
                                    "Finance",   "IT",        "Estates"};

// Deterministic record fields, shared by both modes.
struct PersonRow {
  char id[32], name[48], email[64], manager[32], department[32], start[32];
};
PersonRow person_row(long i) {
  PersonRow r{};
  std::snprintf(r.id, sizeof r.id, "P%07ld", i);
  std::snprintf(r.name, sizeof r.name, "Person %ld", i);
  std::snprintf(r.email, sizeof r.email, "person.%ld@example.org", i);
  std::snprintf(r.manager, sizeof r.manager, "P%07ld", i / 10);
  std::snprintf(r.department, sizeof r.department, "%s", kDepartments[i % 6]);
  std::snprintf(r.start, sizeof r.start, "20%02ld-%02ld-%02ld", 5 + i % 20, 1 + i % 12, 1 + i % 28);
  return r;
}

struct LeaveRow {
  char id[32], person[32], type[32], start[32], end[32], status[32], changed[48];
};
LeaveRow leave_row(long j, long people) {
  LeaveRow r{};
  long person = (j * 7919) % people;  // distinct people while leave < people
  std::snprintf(r.id, sizeof r.id, "L%07ld", j);
  std::snprintf(r.person, sizeof r.person, "P%07ld", person);
  std::snprintf(r.type, sizeof r.type, "%s", kTypes[j % 6]);
  int month = 1 + static_cast<int>(j % 12);
  int year = 2026 + static_cast<int>((j / 12) % 2);
  std::snprintf(r.start, sizeof r.start, "%04d-%02d-%02ld", year, month, 1 + j % 28);
  std::snprintf(r.end, sizeof r.end, "%04d-%02d-%02ld", year + 1, month, 1 + j % 28);
  std::snprintf(r.status, sizeof r.status, "%s", j % 10 == 0 ? "cancelled" : "approved");
  std::snprintf(r.changed, sizeof r.changed, "2026-11-%02ldT10:00:00Z", 1 + j % 28);
  return r;
}

// A page of normalised records as an adapter would send it.
std::string people_page(long from, long to) {
  std::string out = R"({"records":[)";
  out.reserve(static_cast<std::size_t>(to - from) * 200);
  for (long i = from; i < to; ++i) {
    PersonRow r = person_row(i);
    if (i != from) out += ',';
    out += R"({"id":")";
    out += r.id;
    out += R"(","name":")";
    out += r.name;
    out += R"(","email":")";
    out += r.email;
    out += i == 0 ? std::string(R"(","manager_id":null)")
                  : std::string(R"(","manager_id":")") + r.manager + '"';
    out += R"(,"department":")";
    out += r.department;
    out += R"(","start_date":")";
    out += r.start;
    out += R"(","languages":["English"]})";
  }
  return out;
}

std::string leave_page(long from, long to, long people) {
  std::string out = R"({"records":[)";
  out.reserve(static_cast<std::size_t>(to - from) * 200);
  for (long j = from; j < to; ++j) {
    LeaveRow r = leave_row(j, people);
    if (j != from) out += ',';
    for (const char* part : std::initializer_list<const char*>{
             R"({"id":")", r.id, R"(","person_id":")", r.person, R"(","type":")", r.type,
             R"(","start":")", r.start, R"(","expected_end":")", r.end, R"(","status":")", r.status,
             R"(","last_changed":")", r.changed, R"("})"}) {
      out += part;
    }
  }
  return out;
}

long peak_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

// Wall and CPU (user + sys, std::clock) time of the section each mode times: CPU time is what a
// busy machine does not inflate.
struct Elapsed {
  double seconds;
  double cpu_seconds;
};

class Section {
 public:
  Elapsed elapsed() const {
    return {std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_).count(),
            static_cast<double>(std::clock() - cpu_) / CLOCKS_PER_SEC};
  }

 private:
  std::chrono::steady_clock::time_point wall_ = std::chrono::steady_clock::now();
  std::clock_t cpu_ = std::clock();
};

Elapsed run_plugin(long people, long leave, const std::filesystem::path& dir) {
  mentoring::testing::FakeHost host;
  host.set_today("2026-12-01");
  host.set_organisation("bench");
  auto handler = [&](const std::string& command, const std::string& input) -> std::string {
    json in = json::parse(input);
    if (command == "push") {
      json results = json::array();
      for (const auto& a : in["actions"])
        results.push_back({{"idempotency_key", a["idempotency_key"]}, {"status", "done"}});
      return json{{"results", results}}.dump();
    }
    std::string stream = in["stream"];
    long total = stream == "people" ? people : stream == "leave" ? leave : 0;
    long from = in["cursor"].is_string() ? std::stol(in["cursor"].get<std::string>()) : 0;
    long to = std::min(total, from + kPageSize);
    std::string page = stream == "people" ? people_page(from, to) : leave_page(from, to, people);
    page += R"(],"next_cursor":")" + std::to_string(to) + R"(","more":)" +
            (to < total ? "true" : "false") + "}";
    return page;
  };
  host.add_adapter("hr", {"read_people", "read_leave", "write_actions"}, handler);
  json programme =
      mentoring::schema::parse_file(std::string(PROGRAMMES_DIR) + "/return-to-work.json");
  programme.erase("cohort_capacity");  // every eligible leave is invited: the heaviest case
  json config = {{"id", "bench"},
                 {"name", "Bench"},
                 {"modules", {{"enrolment", true}}},
                 {"policy", json::object()},
                 {"programmes", json::array({programme})},
                 {"adapters", json::array()}};
  (void)dir;
  Section section;
  mentoring::host::ModuleInstance plugin(
      mentoring::host::ModuleLibrary::load(MENTORING_PLUGIN_PATH), host.host(), config.dump());
  json summary = json::parse(plugin.call("run", "{}"));
  Elapsed elapsed = section.elapsed();
  std::filesystem::copy_file(std::filesystem::path(host.storage_directory()) / "bench.sqlite",
                             dir / "plugin.sqlite",
                             std::filesystem::copy_options::overwrite_existing);
  std::fprintf(
      stderr, "plugin: people=%lld leave=%lld invited=%zu quarantined=%d\n",
      summary["totals"]["people"].get<long long>(), summary["totals"]["leave"].get<long long>(),
      summary["modules"]["enrolment"]["invited"].size(), summary["quarantined"].get<int>());
  return elapsed;
}

Elapsed run_baseline(long people, long leave, const std::filesystem::path& dir) {
  std::filesystem::remove(dir / "baseline.sqlite");
  mentoring::store::OrgStore store(dir, "baseline");  // the same schema and indexes
  Section section;
  SQLite::Transaction txn(store.database());
  SQLite::Statement person(
      store.database(),
      "INSERT INTO person(id, name, email, manager_id, department, start_date, "
      "languages) VALUES (?,?,?,?,?,?,?)");
  for (long i = 0; i < people; ++i) {
    PersonRow r = person_row(i);
    person.bind(1, r.id);
    person.bind(2, r.name);
    person.bind(3, r.email);
    if (i == 0) {
      person.bind(4);
    } else {
      person.bind(4, r.manager);
    }
    person.bind(5, r.department);
    person.bind(6, r.start);
    person.bind(7, "English");
    person.exec();
    person.reset();
  }
  SQLite::Statement insert(
      store.database(),
      "INSERT INTO leave(id, person_id, type, start_date, expected_end, status, "
      "last_changed) VALUES (?,?,?,?,?,?,?)");
  for (long j = 0; j < leave; ++j) {
    LeaveRow r = leave_row(j, people);
    insert.bind(1, r.id);
    insert.bind(2, r.person);
    insert.bind(3, r.type);
    insert.bind(4, r.start);
    insert.bind(5, r.end);
    insert.bind(6, r.status);
    insert.bind(7, r.changed);
    insert.exec();
    insert.reset();
  }
  txn.commit();
  return section.elapsed();
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = "plugin";
  long people = 1000000, leave = 100000;
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "mentoring-bench";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string key = argv[i];
    if (key == "--mode") mode = argv[i + 1];
    if (key == "--people") people = std::stol(argv[i + 1]);
    if (key == "--leave") leave = std::stol(argv[i + 1]);
    if (key == "--dir") dir = argv[i + 1];
  }
  std::filesystem::create_directories(dir);
  Elapsed elapsed =
      mode == "baseline" ? run_baseline(people, leave, dir) : run_plugin(people, leave, dir);
  std::printf("mode=%s people=%ld leave=%ld seconds=%.3f cpu_s=%.3f peak_mb=%ld\n", mode.c_str(),
              people, leave, elapsed.seconds, elapsed.cpu_seconds, peak_mb());
  return 0;
}
