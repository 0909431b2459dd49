// store_backends_bench --backend sqlite|postgres --orgs N --people M --at DIR|URL_FILE
//
// What a first sync writes for each of N organisations of M people (each person upserted as
// listed by a full read, one leave each, the cursor), one transaction per organisation,
// through the same repository interfaces on either backend: the store's share of
// tests/bench/multihost.sh's work, before `serve` runs on PostgreSQL (issue 17).
//
// SQLite: one file per organisation under DIR. PostgreSQL: URL_FILE holds the cluster's
// owner URL; the bench makes a database, migrates it as the owner and writes as a role
// granted mentoring_app, as a host does (row-level security on). Its last line is
// "seconds=<wall> cpu_s=<cpu>" of the writes alone (set-up excluded), the CPU of this process
// plus, on PostgreSQL, of the server process serving its connection (read from /proc: the
// server runs on this machine), so the two backends' CPU figures count the same work.
#include <mentoring/store/cursor_repository.hpp>
#include <mentoring/store/people_repository.hpp>
#include <mentoring/store/postgres/connection.hpp>
#include <mentoring/store/postgres/cursor_repository.hpp>
#include <mentoring/store/postgres/migrations.hpp>
#include <mentoring/store/postgres/org_session.hpp>
#include <mentoring/store/postgres/people_repository.hpp>
#include <mentoring/store/store_session.hpp>

#include <SQLiteCpp/Transaction.h>
#include <pqxx/pqxx>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <vector>
#include <sstream>
#include <string>

using namespace mentoring;
using namespace mentoring::store;

namespace {

struct Options {
  std::string backend, at;
  int orgs = 0, people = 0;
};

[[noreturn]] void usage(const std::string& problem) {
  std::cerr << "store_backends_bench: " << problem
            << "\nusage: store_backends_bench --backend sqlite|postgres --orgs N --people M "
               "--at DIR|URL_FILE\n";
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string key = argv[i], value = argv[i + 1];
    if (key == "--backend") o.backend = value;
    else if (key == "--at") o.at = value;
    else if (key == "--orgs") o.orgs = std::stoi(value);
    else if (key == "--people") o.people = std::stoi(value);
    else usage("unknown option " + key);
  }
  if (o.backend != "sqlite" && o.backend != "postgres")
    usage("--backend: found \"" + o.backend + "\"; expected sqlite or postgres");
  if (o.orgs < 1 || o.people < 1 || o.at.empty()) usage("--orgs, --people and --at are required");
  return o;
}

double cpu_seconds_of_this_process() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// utime + stime of another process on this machine (fields 14 and 15 of /proc/PID/stat).
double cpu_seconds_of(long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), {});
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i)
    if (i >= 14) ticks += std::stod(field);
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

domain::Person person(int org, int i) {
  domain::Person p;
  p.id = "E" + std::to_string(100000 + i);
  p.name = "Person " + std::to_string(i) + " of " + std::to_string(org);
  p.email = "p" + std::to_string(i) + "@example.org";
  p.manager_id = "E" + std::to_string(100000 + i / 10);
  p.department = "Ward " + std::to_string(i % 40);
  p.location = "Site " + std::to_string(i % 7);
  p.start_date = domain::parse_date("2015-04-01");
  return p;
}

// One organisation's sync writes through the repositories; `begin`/`commit` are the backend's.
void write_organisation(int org, int people, PeopleRepository& repo, CursorRepository& cursors,
                        const std::function<void()>& begin, const std::function<void()>& commit) {
  begin();
  for (int i = 0; i < people; ++i) repo.upsert_listed(person(org, i), "hr", "read-1");
  cursors.set_cursor("hr", "people", "done");
  commit();
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  double cpu_extra = 0;
  std::chrono::steady_clock::duration wall{};
  double cpu_before = 0;
  try {
    if (o.backend == "sqlite") {
      // Every file made and migrated before the clock starts, as PostgreSQL's database is.
      std::vector<std::unique_ptr<StoreSession>> sessions;
      for (int org = 0; org < o.orgs; ++org)
        sessions.push_back(std::make_unique<StoreSession>(o.at, "org" + std::to_string(org)));
      cpu_before = cpu_seconds_of_this_process();
      const auto start = std::chrono::steady_clock::now();
      for (int org = 0; org < o.orgs; ++org) {
        StoreSession& session = *sessions[static_cast<std::size_t>(org)];
        SqlitePeopleRepository people(session);
        SqliteCursorRepository cursors(session);
        std::optional<SQLite::Transaction> txn;
        write_organisation(
            org, o.people, people, cursors, [&] { txn.emplace(session.database()); },
            [&] { txn->commit(); });
      }
      wall = std::chrono::steady_clock::now() - start;
    } else {
      std::ifstream in(o.at);
      std::string admin_url;
      std::getline(in, admin_url);
      postgres::Connection admin(admin_url, "bench cluster");
      const std::string database = "bench_" + std::to_string(::getpid());
      {
        pqxx::nontransaction txn(admin.pq());
        txn.exec("CREATE DATABASE " + txn.quote_name(database));
      }
      const std::string owner_url = postgres::with_settings(admin_url, {{"dbname", database}}, "bench");
      postgres::Connection owner(owner_url, "bench");
      postgres::migrate(owner);
      const std::string role = database + "_host", password = "bench-" + std::to_string(::getpid());
      {
        pqxx::nontransaction txn(owner.pq());
        txn.exec("CREATE ROLE " + txn.quote_name(role) + " LOGIN PASSWORD " + txn.quote(password) +
                 " IN ROLE mentoring_app");
      }
      postgres::Connection host(
          postgres::with_settings(owner_url, {{"user", role}, {"password", password}}, "bench"),
          "bench host");
      long server_pid = 0;
      {
        pqxx::nontransaction txn(host.pq());
        server_pid = txn.exec1("SELECT pg_backend_pid()")[0].as<long>();
      }
      const double server_before = cpu_seconds_of(server_pid);
      cpu_before = cpu_seconds_of_this_process();
      const auto start = std::chrono::steady_clock::now();
      for (int org = 0; org < o.orgs; ++org) {
        postgres::OrgSession session(host, "org" + std::to_string(org));
        postgres::PostgresPeopleRepository people(session);
        postgres::PostgresCursorRepository cursors(session);
        write_organisation(
            org, o.people, people, cursors, [&] { session.begin(); }, [&] { session.commit(); });
      }
      wall = std::chrono::steady_clock::now() - start;
      cpu_extra = cpu_seconds_of(server_pid) - server_before;
      pqxx::nontransaction txn(admin.pq());
      txn.exec("DROP DATABASE " + txn.quote_name(database) + " WITH (FORCE)");
      txn.exec("DROP ROLE " + txn.quote_name(role));
    }
  } catch (const std::exception& e) {
    std::cerr << "store_backends_bench: " << e.what() << "\n";
    return 1;
  }
  const double cpu = cpu_seconds_of_this_process() - cpu_before + cpu_extra;
  std::printf("orgs=%d people=%d backend=%s\n", o.orgs, o.people, o.backend.c_str());
  std::printf("seconds=%.3f cpu_s=%.3f\n", std::chrono::duration<double>(wall).count(), cpu);
  return 0;
}
