// Test support for ctest -L postgres: the cluster's URL (from the file the fixture wrote),
// a fresh database per test, and child processes started together.
#pragma once

#include <mentoring/store/postgres/connection.hpp>
#include <mentoring/store/postgres/migrations.hpp>

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>
#include <pqxx/pqxx>

#include <cctype>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

namespace mentoring::store::postgres::testing {

// The fixture's URL; a missing file fails the test (never a skip).
inline std::string cluster_url() {
  const char* file = std::getenv("MENTORING_TEST_POSTGRES_URL_FILE");
  if (file == nullptr) {
    ADD_FAILURE()
        << "MENTORING_TEST_POSTGRES_URL_FILE is not set: run through ctest (the postgres fixture)";
    return {};
  }
  std::ifstream in(file);
  std::string url;
  std::getline(in, url);
  if (url.empty())
    ADD_FAILURE() << "no PostgreSQL URL in " << file << " (did postgres_cluster_start pass?)";
  return url;
}

// A database of its own for one test, dropped at the end.
class TestDatabase {
 public:
  // Named after the running test.
  TestDatabase() : TestDatabase(current_test_name()) {}
  // Named after `label`: one database for a whole suite (SetUpTestSuite, where no test runs).
  explicit TestDatabase(const std::string& label) {
    std::string name = "t_" + std::to_string(::getpid()) + "_";
    for (char c : label)
      name +=
          std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '_';
    name_ = name.substr(0, 63);
    admin_url_ = cluster_url();
    Connection admin(admin_url_, "test cluster");
    pqxx::nontransaction txn(admin.pq());
    txn.exec("DROP DATABASE IF EXISTS " + txn.quote_name(name_) + " WITH (FORCE)");
    txn.exec("CREATE DATABASE " + txn.quote_name(name_));
    url_ = with_settings(admin_url_, {{"dbname", name_}}, "test cluster");
  }
  ~TestDatabase() {
    try {
      Connection admin(admin_url_, "test cluster");
      pqxx::nontransaction txn(admin.pq());
      txn.exec("DROP DATABASE IF EXISTS " + txn.quote_name(name_) + " WITH (FORCE)");
    } catch (const std::exception& e) {
      ADD_FAILURE() << "dropping test database " << name_ << ": " << e.what();
    }
  }
  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }

 private:
  static std::string current_test_name() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    return std::string(info->test_suite_name()) + "_" + info->name();
  }
  std::string name_, admin_url_, url_;
};

// A login role for this test's database, granted mentoring_app (as a host's would be),
// dropped at the end. Its password is random and stays in the URL.
class HostRole {
 public:
  explicit HostRole(TestDatabase& db) : admin_(db.url(), "test") {
    migrate(admin_);
    name_ = db.name().substr(0, 55) + "_host";
    pqxx::nontransaction txn(admin_.pq());
    password_ =
        txn.exec1("SELECT md5(random()::text || clock_timestamp()::text)")[0].as<std::string>();
    txn.exec("DROP ROLE IF EXISTS " + txn.quote_name(name_));
    txn.exec("CREATE ROLE " + txn.quote_name(name_) + " LOGIN PASSWORD " + txn.quote(password_) +
             " IN ROLE mentoring_app");
    url_ = with_settings(db.url(), {{"user", name_}, {"password", password_}}, "test");
  }
  ~HostRole() {
    try {
      pqxx::nontransaction txn(admin_.pq());
      txn.exec("DROP ROLE IF EXISTS " + txn.quote_name(name_));
    } catch (const std::exception& e) {
      ADD_FAILURE() << "dropping role " << name_ << ": " << e.what();
    }
  }
  Connection& admin() { return admin_; }  // the cluster's superuser: RLS does not apply
  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }
  const std::string& password() const { return password_; }  // what no output may show

 private:
  Connection admin_;
  std::string name_, password_, url_;
};

// Child processes that start their work at the same moment (when the gate opens) and
// report a text through a pipe and their exit code.
class Processes {
 public:
  Processes() {
    if (::pipe(gate_) != 0) throw std::runtime_error("pipe");
  }
  ~Processes() {
    for (auto& child : children_)
      if (child.pid > 0) {
        ::kill(child.pid, SIGKILL);
        ::waitpid(child.pid, nullptr, 0);
      }
  }
  // body(out) runs in the child after the gate opens; what it appends to `out` is the
  // child's report; its return value the exit code. An exception is reported, exit 1.
  pid_t spawn(const std::function<int(std::string& out)>& body) {
    int out[2];
    if (::pipe(out) != 0) throw std::runtime_error("pipe");
    pid_t pid = ::fork();
    if (pid == 0) {
      ::close(gate_[1]);
      ::close(out[0]);
      char byte;
      while (::read(gate_[0], &byte, 1) > 0) {
      }
      std::string report;
      int code = 1;
      try {
        code = body(report);
      } catch (const std::exception& e) {
        report += std::string("exception: ") + e.what() + "\n";
      }
      for (std::size_t done = 0; done < report.size();) {
        ssize_t n = ::write(out[1], report.data() + done, report.size() - done);
        if (n <= 0) break;
        done += static_cast<std::size_t>(n);
      }
      ::_exit(code);
    }
    ::close(out[1]);
    children_.push_back({pid, out[0]});
    return pid;
  }
  void open_gate() {
    if (gate_[1] >= 0) ::close(gate_[1]);
    gate_[1] = -1;
  }
  struct Result {
    std::string report;
    int exit_code;  // -signal when killed
  };
  // Waits for every child; their reports and exit codes in spawn order.
  std::vector<Result> wait_all() {
    open_gate();
    std::vector<Result> results;
    for (auto& child : children_) {
      std::string report;
      char buffer[4096];
      for (ssize_t n; (n = ::read(child.out_fd, buffer, sizeof buffer)) > 0;)
        report.append(buffer, n);
      ::close(child.out_fd);
      int status = 0;
      ::waitpid(child.pid, &status, 0);
      child.pid = -1;
      results.push_back({report, WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status)});
    }
    return results;
  }

 private:
  struct Child {
    pid_t pid;
    int out_fd;
  };
  int gate_[2];
  std::vector<Child> children_;
};

}  // namespace mentoring::store::postgres::testing
