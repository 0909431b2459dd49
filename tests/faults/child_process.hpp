// A program run as a child process for the fault suite: its output captured
// through pipes (never files, so a file-size limit on the child does not cut
// it), with the limits and identity a fault needs, killed on demand.
//
//   ChildOptions options;
//   options.file_size_limit = 64 * 1024;    // RLIMIT_FSIZE, SIGXFSZ ignored: writes fail EFBIG
//   Child child({HOST_BINARY, "run", "--json", "--config", config}, options);
//   ChildResult result = child.wait_for(std::chrono::seconds(60));
#pragma once

#include <fcntl.h>
#include <linux/capability.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace mentoring::test {

struct ChildOptions {
  std::map<std::string, std::string> env;  // added to the parent's environment
  std::optional<rlim_t> file_size_limit;   // RLIMIT_FSIZE, with SIGXFSZ ignored
  // Root obeys file modes too: the child loses CAP_DAC_OVERRIDE,
  // CAP_DAC_READ_SEARCH and CAP_FOWNER (from its bounding set, so they stay
  // lost across exec). It keeps its uid, so it still reaches the binaries and
  // folders of a 0700 checkout; switching to another user would not.
  bool obey_file_modes = false;
};

struct ChildResult {
  int exit_code = -1;  // -1: killed by a signal (see signal)
  int signal = 0;
  bool timed_out = false;
  std::string out, err;
  long max_rss_kb = 0;
  double seconds = 0;
  std::string all() const { return out + err; }
};

class Child {
 public:
  Child(const std::vector<std::string>& argv, const ChildOptions& options = {}) {
    int out_pipe[2], err_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0)
      throw std::runtime_error("pipe failed");
    started_ = std::chrono::steady_clock::now();
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::dup2(out_pipe[1], 1);
      ::dup2(err_pipe[1], 2);
      ::setpgid(0, 0);  // its own group: a kill reaches what it starts
      for (const auto& [name, value] : options.env) ::setenv(name.c_str(), value.c_str(), 1);
      if (options.file_size_limit) {
        ::signal(SIGXFSZ, SIG_IGN);  // kept across exec: writes fail with EFBIG instead
        rlimit limit{*options.file_size_limit, *options.file_size_limit};
        ::setrlimit(RLIMIT_FSIZE, &limit);
      }
      if (options.obey_file_modes && ::geteuid() == 0) {
        for (int capability : {CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER})
          if (::prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0) ::_exit(126);
      }
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    out_fd_ = out_pipe[0];
    err_fd_ = err_pipe[0];
  }
  ~Child() {
    if (pid_ > 0 && !reaped_) {
      ::kill(-pid_, SIGKILL);
      ::kill(pid_, SIGKILL);
      wait_for(std::chrono::seconds(10));
    }
    if (out_fd_ >= 0) ::close(out_fd_);
    if (err_fd_ >= 0) ::close(err_fd_);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  bool running() {
    drain(0);
    return !reaped_ && !try_reap();
  }
  // SIGKILL to the child (only the child: its group would take nothing else).
  void kill() {
    if (!reaped_) ::kill(pid_, SIGKILL);
  }

  // Waits until the child ends (output read meanwhile); past `limit` it is
  // killed and the result says timed_out.
  ChildResult wait_for(std::chrono::milliseconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!reaped_) {
      drain(20);
      if (try_reap()) break;
      if (std::chrono::steady_clock::now() > deadline) {
        result_.timed_out = true;
        ::kill(pid_, SIGKILL);
        deadline = std::chrono::steady_clock::now() + std::chrono::hours(1);
      }
    }
    while (drain(0)) {
    }
    result_.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    return result_;
  }

 private:
  // Reads what is there; true when something was read.
  bool drain(int timeout_ms) {
    pollfd fds[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
    if (::poll(fds, 2, timeout_ms) <= 0) return false;
    bool any = false;
    char buffer[65536];
    for (int i = 0; i < 2; ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP))) continue;
      ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        (i == 0 ? result_.out : result_.err).append(buffer, static_cast<std::size_t>(n));
        any = true;
      }
    }
    return any;
  }
  bool try_reap() {
    int status = 0;
    rusage usage{};
    pid_t done = ::wait4(pid_, &status, WNOHANG, &usage);
    if (done != pid_) return false;
    reaped_ = true;
    result_.max_rss_kb = usage.ru_maxrss;
    if (WIFEXITED(status)) result_.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) result_.signal = WTERMSIG(status);
    return true;
  }

  pid_t pid_ = -1;
  int out_fd_ = -1, err_fd_ = -1;
  bool reaped_ = false;
  ChildResult result_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace mentoring::test
