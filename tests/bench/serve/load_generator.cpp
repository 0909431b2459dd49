// The load generator of tests/bench/serve_load.sh: HR's reads and writes against
// `mentoring-host serve` (or the floor server) over loopback, open loop at fixed rates.
//
// Open loop, so latency is honest: request i of a rate R is due at start + i / R, whatever
// happened to the requests before it. Workers (one keep-alive connection each) take the next due
// request, wait until it is due, send it, and its latency is measured from when it was DUE, not
// from when it was sent: a server that stalls makes every request queued behind the stall late,
// and that lateness is counted (no coordinated omission).
//
// The mix (per request, seeded by its index): reads history (30%), invitations (10%),
// session_list (15%), evaluation_report (10%); writes accept (10%), nominate (10%), pair (10%),
// kit_day_record (5%). Writes follow each organisation's plan (plan.json of generate.py): accept
// the next invited mentee, nominate the next trained mentor, pair an accepted mentee with a
// nominated mentor (capacity 2), record a keeping-in-touch day of someone on leave; session_list
// reads a pair made earlier. A write whose precondition is not met yet (no accepted mentee to
// pair, no pair to list) is sent as a history read instead and counted as "substituted".
//
// Besides the mix, one thread triggers cycles (`run`, with the organisation's admin token) one
// organisation after another, a new one every --cycle-every seconds or as soon as the previous
// one ends if it took longer: cycles run during the load. Their latency is reported apart.
//
// Output, per run of each rate: a line of key=value figures; per rate (after --repeat runs) a
// line with the medians. Errors are counted by HTTP status (0: no answer: connection refused,
// reset, timeout).
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  std::string url;
  std::string plan_file;
  std::string tokens_file;
  std::string admin_tokens_file;  // empty: no cycles triggered
  std::vector<int> rates{50, 100, 200, 400};
  double seconds = 10;
  int connections = 8;
  int repeat = 1;
  double cycle_every = 1.0;
  bool legacy_inputs = false;  // recorded_by / caller_role in the body (before issue 14's roles)
  int server_pid = 0;
  std::string label = "target";
};

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr,
               "serve_load: %s\n"
               "usage: serve_load --url http://127.0.0.1:PORT --plan plan.json --tokens hr.json\n"
               "         [--admin-tokens admin.json] [--rates 50,100,200,400] [--seconds 10]\n"
               "         [--connections 8] [--repeat 1] [--cycle-every 1.0] [--legacy-inputs]\n"
               "         [--server-pid PID] [--label NAME]\n",
               why.c_str());
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(arg + ": expected a value");
      return argv[++i];
    };
    if (arg == "--url") {
      o.url = value();
    } else if (arg == "--plan") {
      o.plan_file = value();
    } else if (arg == "--tokens") {
      o.tokens_file = value();
    } else if (arg == "--admin-tokens") {
      o.admin_tokens_file = value();
    } else if (arg == "--rates") {
      o.rates.clear();
      std::stringstream list(value());
      for (std::string r; std::getline(list, r, ',');) o.rates.push_back(std::atoi(r.c_str()));
    } else if (arg == "--seconds") {
      o.seconds = std::atof(value().c_str());
    } else if (arg == "--connections") {
      o.connections = std::atoi(value().c_str());
    } else if (arg == "--repeat") {
      o.repeat = std::atoi(value().c_str());
    } else if (arg == "--cycle-every") {
      o.cycle_every = std::atof(value().c_str());
    } else if (arg == "--legacy-inputs") {
      o.legacy_inputs = true;
    } else if (arg == "--server-pid") {
      o.server_pid = std::atoi(value().c_str());
    } else if (arg == "--label") {
      o.label = value();
    } else {
      usage("unknown option " + arg);
    }
  }
  if (o.url.empty() || o.plan_file.empty() || o.tokens_file.empty())
    usage("--url, --plan and --tokens are required");
  if (o.rates.empty() ||
      std::any_of(o.rates.begin(), o.rates.end(), [](int r) { return r < 1 || r > 100000; }))
    usage("--rates: expected a comma-separated list of 1..100000 requests per second");
  if (o.seconds <= 0 || o.seconds > 3600) usage("--seconds: expected 0 < s <= 3600");
  if (o.connections < 1 || o.connections > 512) usage("--connections: expected 1..512");
  if (o.repeat < 1 || o.repeat > 20) usage("--repeat: expected 1..20");
  return o;
}

json read_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) usage("cannot read " + path);
  try {
    return json::parse(in);
  } catch (const json::exception& e) {
    usage(path + ": not JSON: " + e.what());
  }
}

// One organisation's plan and what the load has done to it so far (guarded by Load::mutex).
struct Org {
  std::string id;
  std::string hr_token;
  std::string admin_token;
  std::vector<std::string> people, mentees, mentors;
  struct OnLeave {
    std::string person_id, leave_id;
    std::chrono::sys_days from, until;
  };
  std::vector<OnLeave> on_leave;
  std::size_t next_mentee = 0, next_mentor = 0, next_kit_day = 0;
  std::deque<std::string> accepted_mentees;  // waiting for a pair
  std::deque<std::string> mentor_places;     // one entry per free place (capacity 2)
  std::vector<std::int64_t> pairs;
};

std::chrono::sys_days parse_date(const std::string& text) {
  int y = 0, m = 0, d = 0;
  if (std::sscanf(text.c_str(), "%d-%d-%d", &y, &m, &d) != 3) usage("plan: bad date " + text);
  return std::chrono::sys_days(std::chrono::year(y) / m / d);
}

std::string format_date(std::chrono::sys_days day) {
  const std::chrono::year_month_day ymd(day);
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return text;
}

enum class Kind {
  history,
  invitations,
  session_list,
  evaluation_report,
  accept,
  nominate,
  pair,
  kit_day
};
constexpr const char* kKindNames[] = {"history", "invitations", "session_list", "evaluation_report",
                                      "accept",  "nominate",    "pair",         "kit_day_record"};
constexpr int kKinds = 8;
constexpr int kWeights[kKinds] = {30, 10, 15, 10, 10, 10, 10, 5};

struct Request {
  Kind kind;
  std::size_t org;
  std::string command;
  json body;
  std::string mentee, mentor;  // for pair: put back on failure
  bool substituted = false;
};

struct Outcome {
  double latency_ms;  // from when it was due
  int status;         // 0: no answer
  Kind kind;
};

class Load {
 public:
  Load(const Options& options, std::vector<Org> orgs) : options_(options), orgs_(std::move(orgs)) {}

  Request next(std::uint64_t index) {
    std::mt19937_64 rng(index * 0x9E3779B97F4A7C15ull + 1);
    int pick = static_cast<int>(rng() % 100);
    int kind = 0;
    while (pick >= kWeights[kind]) pick -= kWeights[kind++];
    Request r{
        static_cast<Kind>(kind), static_cast<std::size_t>(rng() % orgs_.size()), "", {}, {}, {}};
    Org& org = orgs_[r.org];
    std::lock_guard lock(mutex_);
    switch (r.kind) {
      case Kind::history:
        break;
      case Kind::invitations:
        r.command = "invitations";
        r.body = json::object();
        break;
      case Kind::evaluation_report:
        r.command = "evaluation_report";
        r.body = json::object();
        break;
      case Kind::session_list:
        if (org.pairs.empty()) break;
        r.command = "session_list";
        r.body = {{"pair_id", org.pairs[rng() % org.pairs.size()]}};
        if (options_.legacy_inputs) r.body["caller_role"] = "hr";
        break;
      case Kind::accept:
        if (org.next_mentee >= org.mentees.size()) break;
        r.command = "accept";
        r.mentee = org.mentees[org.next_mentee++];
        r.body = {{"person_id", r.mentee}, {"goal", "Return with confidence"}};
        break;
      case Kind::nominate:
        if (org.next_mentor >= org.mentors.size()) break;
        r.command = "nominate";
        r.mentor = org.mentors[org.next_mentor++];
        r.body = {{"person_id", r.mentor}, {"role", "mentor"}};
        break;
      case Kind::pair:
        if (org.accepted_mentees.empty() || org.mentor_places.empty()) break;
        r.command = "pair";
        r.mentee = org.accepted_mentees.front();
        org.accepted_mentees.pop_front();
        r.mentor = org.mentor_places.front();
        org.mentor_places.pop_front();
        r.body = {{"mentee_id", r.mentee}, {"mentor_id", r.mentor}};
        break;
      case Kind::kit_day: {
        if (org.on_leave.empty()) break;
        const std::size_t n = org.next_kit_day++;
        const auto& person = org.on_leave[n % org.on_leave.size()];
        auto day = person.from + std::chrono::days(1 + static_cast<int>(n / org.on_leave.size()));
        if (day > person.until) day = person.until;
        r.command = "kit_day_record";
        r.body = {{"person_id", person.person_id},
                  {"leave_id", person.leave_id},
                  {"date", format_date(day)},
                  {"note", "Team day (bench)"}};
        break;
      }
    }
    if (r.command.empty()) {  // precondition not met (yet): a read instead
      r.substituted = r.kind != Kind::history;
      r.kind = Kind::history;
      r.command = "history";
      r.body = {{"person_id", org.people[rng() % org.people.size()]}};
    }
    if (options_.legacy_inputs && (r.kind == Kind::accept || r.kind == Kind::nominate ||
                                   r.kind == Kind::pair || r.kind == Kind::kit_day))
      r.body["recorded_by"] = "bench-hr";
    return r;
  }

  // What the answer means for the plan: who can be paired now, which pairs exist.
  void settle(const Request& r, int status, const std::string& answer) {
    Org& org = orgs_[r.org];
    std::lock_guard lock(mutex_);
    const bool ok = status == 200;
    if (r.kind == Kind::accept && ok) org.accepted_mentees.push_back(r.mentee);
    if (r.kind == Kind::nominate && ok) {
      org.mentor_places.push_back(r.mentor);
      org.mentor_places.push_back(r.mentor);
    }
    if (r.kind == Kind::pair && ok) {
      try {
        org.pairs.push_back(json::parse(answer).at("pair_id").get<std::int64_t>());
      } catch (const json::exception&) {
        // The floor's canned answer has no pair id: nothing to list later.
      }
    }
    if (r.substituted) ++substituted_;
    if (!ok && samples_.size() < 12) {
      const std::string key =
          std::string(kKindNames[static_cast<int>(r.kind)]) + " " + std::to_string(status);
      if (!samples_.count(key)) samples_[key] = answer.substr(0, 300);
    }
  }

  std::uint64_t take_substituted() { return substituted_.exchange(0); }
  std::map<std::string, std::string> take_samples() {
    std::lock_guard lock(mutex_);
    return std::exchange(samples_, {});
  }
  Org& org(std::size_t i) { return orgs_[i]; }
  std::size_t org_count() const { return orgs_.size(); }

 private:
  const Options& options_;
  std::vector<Org> orgs_;
  std::mutex mutex_;
  std::atomic<std::uint64_t> substituted_{0};
  std::map<std::string, std::string> samples_;
};

double cpu_seconds_of(int pid) {
  if (pid <= 0) return 0;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), {});
  const auto close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 3; fields >> field; ++i) {  // field 3 is the state
    if (i == 14) utime = std::atof(field.c_str());
    if (i == 15) {
      stime = std::atof(field.c_str());
      break;
    }
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double own_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

double percentile(std::vector<double> sorted, double p) {
  if (sorted.empty()) return 0;
  const auto rank =
      static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

std::unique_ptr<httplib::Client> client_for(const std::string& url, int read_timeout_s) {
  auto client = std::make_unique<httplib::Client>(url);
  client->set_keep_alive(true);
  client->set_tcp_nodelay(true);  // headers and body go out as two writes: no Nagle wait
  client->set_connection_timeout(5, 0);
  client->set_read_timeout(read_timeout_s, 0);
  client->set_write_timeout(10, 0);
  return client;
}

struct RunFigures {
  double throughput = 0, p50 = 0, p99 = 0, max = 0;
  std::map<int, std::uint64_t> statuses;
};

RunFigures run_rate(const Options& options, Load& load, int rate, int run) {
  const auto total = static_cast<std::uint64_t>(rate * options.seconds);
  const auto period = std::chrono::nanoseconds(1'000'000'000LL / rate);
  std::atomic<std::uint64_t> next{0};
  std::vector<std::vector<Outcome>> outcomes(options.connections);
  std::atomic<bool> load_done{false};

  // Cycles, one organisation after another, while the mix runs.
  std::vector<double> cycle_ms;
  std::map<int, std::uint64_t> cycle_statuses;
  std::thread cycles([&] {
    if (options.admin_tokens_file.empty() || options.cycle_every <= 0) return;
    auto client = client_for(options.url, 600);
    static std::size_t next_org = 0;  // carries on from the previous run
    while (!load_done) {
      const auto started = Clock::now();
      Org& org = load.org(next_org++ % load.org_count());
      httplib::Headers headers{{"Authorization", "Bearer " + org.admin_token}};
      auto answer = client->Post(("/v1/orgs/" + org.id + "/commands/run").c_str(), headers, "{}",
                                 "application/json");
      cycle_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - started).count());
      ++cycle_statuses[answer ? answer->status : 0];
      const auto due = started + std::chrono::duration<double>(options.cycle_every);
      while (!load_done && Clock::now() < due)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });

  const double server_cpu_before = cpu_seconds_of(options.server_pid);
  const double own_cpu_before = own_cpu_seconds();
  const auto start = Clock::now() + std::chrono::milliseconds(50);
  std::vector<std::thread> workers;
  std::atomic<std::int64_t> last_done_ns{0};
  for (int w = 0; w < options.connections; ++w) {
    workers.emplace_back([&, w] {
      auto client = client_for(options.url, 30);
      auto& mine = outcomes[w];
      for (;;) {
        const std::uint64_t i = next++;
        if (i >= total) break;
        const auto due = start + period * static_cast<std::int64_t>(i);
        Request r = load.next(i * 1000003ull + static_cast<std::uint64_t>(rate) * 7919ull + run);
        const std::string path = "/v1/orgs/" + load.org(r.org).id + "/commands/" + r.command;
        const std::string body = r.body.dump();
        httplib::Headers headers{{"Authorization", "Bearer " + load.org(r.org).hr_token}};
        std::this_thread::sleep_until(due);
        auto answer = client->Post(path.c_str(), headers, body, "application/json");
        const auto done = Clock::now();
        const int status = answer ? answer->status : 0;
        mine.push_back(
            {std::chrono::duration<double, std::milli>(done - due).count(), status, r.kind});
        load.settle(r, status, answer ? answer->body : httplib::to_string(answer.error()));
        const auto done_ns =
            std::chrono::duration_cast<std::chrono::nanoseconds>(done - start).count();
        std::int64_t seen = last_done_ns.load();
        while (done_ns > seen && !last_done_ns.compare_exchange_weak(seen, done_ns)) {
        }
      }
    });
  }
  for (auto& t : workers) t.join();
  load_done = true;
  cycles.join();
  const double server_cpu = cpu_seconds_of(options.server_pid) - server_cpu_before;
  const double own_cpu = own_cpu_seconds() - own_cpu_before;

  RunFigures f;
  std::vector<double> latencies;
  std::map<std::string, std::uint64_t> failed_by_command;
  for (const auto& list : outcomes) {
    for (const auto& o : list) {
      latencies.push_back(o.latency_ms);
      ++f.statuses[o.status];
      if (o.status != 200)
        ++failed_by_command[std::string(kKindNames[static_cast<int>(o.kind)]) + ":" +
                            std::to_string(o.status)];
    }
  }
  std::sort(latencies.begin(), latencies.end());
  const double elapsed_s = static_cast<double>(last_done_ns.load()) / 1e9;
  f.throughput = elapsed_s > 0 ? static_cast<double>(latencies.size()) / elapsed_s : 0;
  f.p50 = percentile(latencies, 50);
  f.p99 = percentile(latencies, 99);
  f.max = latencies.empty() ? 0 : latencies.back();
  std::sort(cycle_ms.begin(), cycle_ms.end());

  std::printf("%s rate=%d run=%d sent=%zu throughput=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f",
              options.label.c_str(), rate, run, latencies.size(), f.throughput, f.p50, f.p99,
              f.max);
  for (const auto& [status, count] : f.statuses) std::printf(" status_%d=%lu", status, count);
  std::printf(" substituted=%lu server_cpu_s=%.2f loadgen_cpu_s=%.2f cycles=%zu",
              load.take_substituted(), server_cpu, own_cpu, cycle_ms.size());
  if (!cycle_ms.empty())
    std::printf(" cycle_p50_ms=%.0f cycle_max_ms=%.0f", percentile(cycle_ms, 50), cycle_ms.back());
  for (const auto& [status, count] : cycle_statuses)
    if (status != 200) std::printf(" cycle_status_%d=%lu", status, count);
  std::printf("\n");
  if (!failed_by_command.empty()) {
    std::printf("  not 200 by command:");
    for (const auto& [key, count] : failed_by_command) std::printf(" %s=%lu", key.c_str(), count);
    std::printf("\n");
  }
  for (const auto& [key, text] : load.take_samples()) {
    std::string one_line = text;
    std::replace(one_line.begin(), one_line.end(), '\n', ' ');
    std::printf("  first %s answer: %s\n", key.c_str(), one_line.c_str());
  }
  std::fflush(stdout);
  return f;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n == 0 ? 0 : (n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2);
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);
  const json plan = read_json(options.plan_file);
  const json tokens = read_json(options.tokens_file);
  const json admin_tokens =
      options.admin_tokens_file.empty() ? json::object() : read_json(options.admin_tokens_file);
  std::vector<Org> orgs;
  for (const auto& p : plan.at("orgs")) {
    Org org;
    org.id = p.at("id").get<std::string>();
    if (!tokens.contains(org.id)) usage(options.tokens_file + ": no token for " + org.id);
    org.hr_token = tokens[org.id].get<std::string>();
    org.admin_token = admin_tokens.value(org.id, "");
    org.people = p.at("people").get<std::vector<std::string>>();
    org.mentees = p.at("mentees").get<std::vector<std::string>>();
    org.mentors = p.at("mentors").get<std::vector<std::string>>();
    for (const auto& l : p.at("on_leave")) {
      org.on_leave.push_back({l.at("person_id").get<std::string>(),
                              l.at("leave_id").get<std::string>(),
                              parse_date(l.at("from").get<std::string>()),
                              parse_date(l.at("until").get<std::string>())});
    }
    if (org.people.empty()) usage("plan: " + org.id + " has no people");
    orgs.push_back(std::move(org));
  }
  if (orgs.empty()) usage("plan: no organisations");
  if (!options.admin_tokens_file.empty())
    for (const auto& org : orgs)
      if (org.admin_token.empty()) usage(options.admin_tokens_file + ": no token for " + org.id);

  std::printf("%s url=%s orgs=%zu connections=%d seconds=%.0f repeat=%d cycles=%s\n",
              options.label.c_str(), options.url.c_str(), orgs.size(), options.connections,
              options.seconds, options.repeat,
              options.admin_tokens_file.empty() ? "none" : "run, one organisation at a time");
  // Who the cycles invited (the programme invites as many as it has places for): the mentees
  // the load accepts. Asked once per organisation before the load; the floor's canned answer
  // lists nobody, and then the plan's mentees are used.
  std::size_t invited = 0;
  {
    auto client = client_for(options.url, 60);
    for (auto& org : orgs) {
      httplib::Headers headers{{"Authorization", "Bearer " + org.hr_token}};
      auto answer = client->Post(("/v1/orgs/" + org.id + "/commands/invitations").c_str(), headers,
                                 "{}", "application/json");
      if (!answer || answer->status != 200) continue;
      std::vector<std::string> mentees;
      try {
        for (const auto& i : json::parse(answer->body).value("invitations", json::array()))
          if (i.value("role", "") == "mentee")
            mentees.push_back(i.at("person_id").get<std::string>());
      } catch (const json::exception&) {
        continue;
      }
      if (mentees.empty()) continue;
      invited += mentees.size();
      org.mentees = std::move(mentees);
    }
  }
  std::printf("%s invitations before the load: %zu mentee(s) invited%s\n", options.label.c_str(),
              invited, invited == 0 ? " (none listed: accepting the plan's mentees)" : "");
  Load load(options, std::move(orgs));
  for (int rate : options.rates) {
    std::vector<double> throughput, p50, p99;
    std::map<int, std::uint64_t> statuses;
    for (int run = 1; run <= options.repeat; ++run) {
      RunFigures f = run_rate(options, load, rate, run);
      throughput.push_back(f.throughput);
      p50.push_back(f.p50);
      p99.push_back(f.p99);
      for (const auto& [status, count] : f.statuses) statuses[status] += count;
    }
    std::printf("median %s rate=%d runs=%d throughput=%.1f p50_ms=%.2f p99_ms=%.2f errors=",
                options.label.c_str(), rate, options.repeat, median(throughput), median(p50),
                median(p99));
    std::string errors;
    for (const auto& [status, count] : statuses)
      if (status != 200)
        errors +=
            (errors.empty() ? "" : ",") + std::to_string(status) + "x" + std::to_string(count);
    std::printf("%s\n", errors.empty() ? "none" : errors.c_str());
    std::fflush(stdout);
  }
  return 0;
}
