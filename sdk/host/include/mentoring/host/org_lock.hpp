// mentoring/host/org_lock.hpp — one writer per organisation.
//
//   auto lock = OrganisationLock::acquire("northwind", state_dir / "northwind",
//                                         std::chrono::seconds(30), "run");
//   ... create the plugin instance, run it, destroy it ...
//   // the lock goes when `lock` does
//
// An exclusive flock(2) on <state folder>/lock, taken before the plugin
// instance of an organisation is created (so its migrations run under it) and
// held until the instance is gone. The holder writes its pid, the time it took
// the lock and what it runs into the file, so whoever waits can say for whom.
// flock locks belong to the open file: the kernel drops them when the holder
// exits or is killed, so a lock file left behind never blocks anyone.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

namespace mentoring::host {

// The state folder of an organisation cannot be created or written: a config
// error for that organisation (exit 3); the message names the path and the OS's words.
class StateFolderError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Another process held the organisation's lock for the whole bounded wait (exit 8).
class BusyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Who holds a lock, as its holder wrote it (best effort: absent fields stay empty).
struct LockHolder {
  std::string pid;
  std::string since;    // UTC, eg 2026-12-06T21:12:25Z
  std::string command;  // eg "run", "command withdraw", "check"
  // eg "pid 4242 (run), holding it since 2026-12-06T21:12:25Z"; "an unknown process" when
  // unreadable.
  std::string describe() const;
};

class OrganisationLock {
 public:
  // Creates `folder` when missing (StateFolderError when it cannot be created or
  // written), then takes the exclusive lock on `folder`/lock, waiting at most
  // `wait` (BusyError when it runs out; 0 tries once). `command` is written for
  // whoever waits next; `on_wait` hears once, when the lock is found taken.
  static OrganisationLock acquire(const std::string& organisation,
                                  const std::filesystem::path& folder,
                                  std::chrono::duration<double> wait, const std::string& command,
                                  const std::function<void(const LockHolder&)>& on_wait = {});

  OrganisationLock(OrganisationLock&& other) noexcept;
  OrganisationLock& operator=(OrganisationLock&& other) noexcept;
  OrganisationLock(const OrganisationLock&) = delete;
  OrganisationLock& operator=(const OrganisationLock&) = delete;
  ~OrganisationLock();

  // Gives the lock up but keeps the file open, so retake() is cheap (a host that
  // keeps an organisation open between commands holds the lock only while one runs).
  void release() noexcept;
  // Takes the lock again on the open file, waiting as acquire() does (BusyError).
  // Throws StateFolderError when the lock file at path() is no longer the file
  // held open (the state folder was removed or replaced): the caller opens anew.
  void retake(const std::string& organisation, std::chrono::duration<double> wait,
              const std::string& command,
              const std::function<void(const LockHolder&)>& on_wait = {});
  bool held() const noexcept { return held_; }

  const std::filesystem::path& path() const noexcept { return path_; }
  // How long acquire() waited; 0 when the lock was free.
  double waited_seconds() const noexcept { return waited_seconds_; }
  // The holder it waited for, when it had to wait.
  const std::optional<LockHolder>& waited_for() const noexcept { return waited_for_; }

  // What the lock file at `path` says about its holder (for messages and tests).
  static LockHolder read_holder(const std::filesystem::path& path);

 private:
  OrganisationLock(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}

  // Waits for the flock on fd_ and writes the holder line (acquire, retake).
  void take(const std::string& organisation, std::chrono::duration<double> wait,
            const std::string& command, const std::function<void(const LockHolder&)>& on_wait);

  int fd_ = -1;
  bool held_ = false;
  std::filesystem::path path_;
  double waited_seconds_ = 0;
  std::optional<LockHolder> waited_for_;
};

}  // namespace mentoring::host
