#include "ledger.hpp"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace mentoring::adapters::smtp {

using nlohmann::json;

Ledger::Ledger(std::string path) : path_(std::move(path)) {
  if (path_.empty()) return;
  struct stat info {};
  if (::stat(path_.c_str(), &info) != 0) {
    if (errno == ENOENT) return;
    throw std::runtime_error("ledger " + path_ + ": cannot read: " + std::strerror(errno));
  }
  if (static_cast<std::size_t>(info.st_size) > kMaxBytes) {
    throw std::runtime_error("ledger " + path_ + ": found " + std::to_string(info.st_size) +
                             " bytes; expected at most " + std::to_string(kMaxBytes) +
                             " (archive it: mails already sent would then be sent again)");
  }
  std::ifstream in(path_);
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    json row = json::parse(line, nullptr, false);
    if (row.is_discarded() || !row.is_object() || !row.value("key", json()).is_string()) {
      // A line cut by a crash while it was appended: the mail it was about
      // was accepted, but its key is unknown; say so rather than guess.
      if (in.peek() == EOF) continue;
      throw std::runtime_error("ledger " + path_ + " line " + std::to_string(number) +
                               ": found unreadable text; expected a JSON object with \"key\"");
    }
    LedgerEntry entry{row["key"],
                      row.value("person_id", ""),
                      row.value("address", ""),
                      row.value("name", ""),
                      row.value("at", ""),
                      row.value("message_id", "")};
    entries_[entry.key] = std::move(entry);
  }
}

const LedgerEntry* Ledger::find(const std::string& key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second;
}

void Ledger::record(const LedgerEntry& entry) {
  if (!path_.empty()) {
    std::string line = json{{"key", entry.key},         {"person_id", entry.person_id},
                            {"address", entry.address}, {"name", entry.name},
                            {"at", entry.at},           {"message_id", entry.message_id}}
                           .dump() +
                       "\n";
    int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0)
      throw std::runtime_error("ledger " + path_ +
                               ": cannot open for append: " + std::strerror(errno));
    ::fchmod(fd, 0600);
    std::size_t written = 0;
    while (written < line.size()) {
      ssize_t n = ::write(fd, line.data() + written, line.size() - written);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        int error = errno;
        ::close(fd);
        throw std::runtime_error("ledger " + path_ + ": cannot append: " + std::strerror(error));
      }
      written += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) {
      int error = errno;
      ::close(fd);
      throw std::runtime_error("ledger " + path_ + ": cannot flush: " + std::strerror(error));
    }
    ::close(fd);
  }
  entries_[entry.key] = entry;
}

}  // namespace mentoring::adapters::smtp
