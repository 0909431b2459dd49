#include <mentoring/host/org_lock.hpp>

#include <mentoring/private_files.hpp>

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <thread>
#include <utility>

namespace mentoring::host {

namespace fs = std::filesystem;

namespace {

std::string os_words(int error) {
  return std::strerror(error);
}

std::string utc_now() {
  std::time_t now = std::time(nullptr);
  std::tm parts{};
  gmtime_r(&now, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", seconds);
  return text;
}

// The folder exists, is a folder and can be written, or StateFolderError says why not.
void prepare_folder(const std::string& organisation, const fs::path& folder) {
  const std::string who = "organisation " + organisation + ": ";
  std::error_code ec;
  // Created its owner's only (0700, the missing parents too): it holds the database.
  try {
    files::create_private_directories(folder);
  } catch (const fs::filesystem_error& e) {
    ec = e.code();
  }
  if (ec) {
    std::error_code ignored;
    if (fs::exists(folder, ignored) && !fs::is_directory(folder, ignored)) {
      throw StateFolderError(who + "its state folder " + folder.string() +
                             " is not a folder (a file of that name is in the way); expected a "
                             "folder mentoring-host can create and write (state_dir in the host "
                             "config)");
    }
    throw StateFolderError(who + "cannot create its state folder " + folder.string() + ": " +
                           ec.message());
  }
  if (!fs::is_directory(folder, ec)) {
    throw StateFolderError(who + "its state folder " + folder.string() +
                           " is not a folder (a file of that name is in the way)");
  }
  if (::access(folder.c_str(), W_OK | X_OK) != 0) {
    throw StateFolderError(who + "its state folder " + folder.string() +
                           " is not writable: " + os_words(errno));
  }
}

}  // namespace

std::string LockHolder::describe() const {
  if (pid.empty()) return "an unknown process (its lock file names nobody yet)";
  std::string text = "pid " + pid;
  if (!command.empty()) text += " (" + command + ")";
  if (!since.empty()) text += ", holding it since " + since;
  return text;
}

LockHolder OrganisationLock::read_holder(const fs::path& path) {
  LockHolder holder;
  std::FILE* file = std::fopen(path.c_str(), "re");
  if (!file) return holder;
  char buffer[1024];
  std::size_t n = std::fread(buffer, 1, sizeof buffer - 1, file);
  std::fclose(file);
  auto doc = nlohmann::json::parse(std::string(buffer, n), nullptr, false);
  if (!doc.is_object()) return holder;  // being rewritten, or not ours
  if (doc.contains("pid") && doc["pid"].is_number_integer())
    holder.pid = std::to_string(doc["pid"].get<long long>());
  if (doc.contains("since") && doc["since"].is_string()) holder.since = doc["since"];
  if (doc.contains("command") && doc["command"].is_string()) holder.command = doc["command"];
  return holder;
}

OrganisationLock OrganisationLock::acquire(const std::string& organisation, const fs::path& folder,
                                           std::chrono::duration<double> wait,
                                           const std::string& command,
                                           const std::function<void(const LockHolder&)>& on_wait) {
  prepare_folder(organisation, folder);
  fs::path path = folder / "lock";
  // O_CLOEXEC: a process the host starts must not inherit, and so keep, the lock.
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, files::kPrivateFile);
  if (fd < 0) {
    throw StateFolderError("organisation " + organisation + ": its state folder " +
                           folder.string() + " is not writable: cannot open " + path.string() +
                           ": " + os_words(errno));
  }
  OrganisationLock lock(fd, path);
  lock.take(organisation, wait, command, on_wait);
  return lock;
}

void OrganisationLock::take(const std::string& organisation, std::chrono::duration<double> wait,
                            const std::string& command,
                            const std::function<void(const LockHolder&)>& on_wait) {
  waited_seconds_ = 0;
  waited_for_.reset();

  using clock = std::chrono::steady_clock;
  const auto started = clock::now();
  const auto deadline = started + std::chrono::duration_cast<clock::duration>(wait);
  auto pause = std::chrono::milliseconds(10);
  while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EINTR) continue;
    if (errno != EWOULDBLOCK) {
      throw StateFolderError("organisation " + organisation + ": cannot lock " + path_.string() +
                             ": " + os_words(errno));
    }
    // The holder as it was when we started waiting: the one we waited for.
    if (!waited_for_) {
      waited_for_ = read_holder(path_);
      if (on_wait) on_wait(*waited_for_);
    } else if (waited_for_->pid.empty()) {
      waited_for_ = read_holder(path_);  // the holder had not written itself down yet
    }
    const auto now = clock::now();
    if (now >= deadline) {
      const double waited = std::chrono::duration<double>(now - started).count();
      throw BusyError("organisation " + organisation +
                      " is busy: another mentoring-host holds its lock " + path_.string() + " (" +
                      read_holder(path_).describe() + "); gave up after waiting " +
                      seconds_text(waited) +
                      " s (lock_wait_seconds in the host config or --lock-wait sets how long); "
                      "nothing was done for " +
                      organisation + ", run it again once the other one has finished");
    }
    std::this_thread::sleep_for(std::min<clock::duration>(
        pause, std::chrono::duration_cast<clock::duration>(deadline - now)));
    pause = std::min(pause * 2, std::chrono::milliseconds(100));
  }
  if (waited_for_) {
    waited_seconds_ = std::chrono::duration<double>(clock::now() - started).count();
  }
  // For whoever waits next: who holds it, since when, doing what.
  const std::string line =
      nlohmann::json{
          {"pid", static_cast<long long>(::getpid())}, {"since", utc_now()}, {"command", command}}
          .dump() +
      "\n";
  if (::ftruncate(fd_, 0) == 0) {
    // A lock file we cannot describe ourselves in still locks: not a failure.
    [[maybe_unused]] ssize_t written = ::pwrite(fd_, line.data(), line.size(), 0);
  }
  held_ = true;
}

void OrganisationLock::release() noexcept {
  if (fd_ >= 0 && held_) ::flock(fd_, LOCK_UN);
  held_ = false;
}

void OrganisationLock::retake(const std::string& organisation, std::chrono::duration<double> wait,
                              const std::string& command,
                              const std::function<void(const LockHolder&)>& on_wait) {
  // Another process locks whatever file is at path_ now: only that one excludes it.
  struct stat open_file {
  }, named_file{};
  if (::fstat(fd_, &open_file) != 0 || ::stat(path_.c_str(), &named_file) != 0 ||
      open_file.st_dev != named_file.st_dev || open_file.st_ino != named_file.st_ino) {
    throw StateFolderError("organisation " + organisation + ": its lock file " + path_.string() +
                           " is no longer the one held open");
  }
  take(organisation, wait, command, on_wait);
}

OrganisationLock::OrganisationLock(OrganisationLock&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      held_(std::exchange(other.held_, false)),
      path_(std::move(other.path_)),
      waited_seconds_(other.waited_seconds_),
      waited_for_(std::move(other.waited_for_)) {}

OrganisationLock& OrganisationLock::operator=(OrganisationLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    held_ = std::exchange(other.held_, false);
    path_ = std::move(other.path_);
    waited_seconds_ = other.waited_seconds_;
    waited_for_ = std::move(other.waited_for_);
  }
  return *this;
}

// Closing the descriptor releases the flock. The holder line stays: it only
// describes a holder while the file is locked.
OrganisationLock::~OrganisationLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace mentoring::host
