#include "file_adapter/outbox.hpp"

#include <mentoring/private_files.hpp>
#include <mentoring/schema.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <sstream>
#include <system_error>

namespace mentoring::adapters::file {

namespace {

using nlohmann::json;

[[noreturn]] void throw_errno(const std::string& what, const std::filesystem::path& path) {
  throw std::system_error(errno, std::generic_category(), what + " " + path.string());
}

// Owns a POSIX file descriptor; fsync needs one, iostreams do not expose it.
class FileDescriptor {
 public:
  FileDescriptor(const std::filesystem::path& path, int flags, mode_t mode = 0) {
    fd_ = ::open(path.c_str(), flags | O_CLOEXEC, mode);
    if (fd_ < 0) throw_errno("cannot open", path);
  }
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;

  void write_all(std::string_view bytes, const std::filesystem::path& path) {
    while (!bytes.empty()) {
      ssize_t written = ::write(fd_, bytes.data(), bytes.size());
      if (written < 0) {
        if (errno == EINTR) continue;
        throw_errno("cannot write", path);
      }
      bytes.remove_prefix(static_cast<std::size_t>(written));
    }
  }
  void sync(const std::filesystem::path& path) {
    if (::fsync(fd_) != 0) throw_errno("cannot fsync", path);
  }

 private:
  int fd_ = -1;
};

std::string join_messages(const std::vector<schema::Problem>& problems) {
  std::string out;
  for (std::size_t i = 0; i < problems.size(); ++i) {
    if (i) out += "; ";
    out += problems[i].message();
  }
  return out;
}

}  // namespace

json PushResult::to_json() const {
  return {{"idempotency_key", idempotency_key}, {"status", status}, {"message", message}};
}

Outbox::Outbox(std::filesystem::path path, std::string organisation, Warn warn)
    : path_(std::move(path)), organisation_(std::move(organisation)), warn_(std::move(warn)) {}

void Outbox::load_delivered_keys() {
  if (loaded_) return;
  std::error_code ec;
  if (!std::filesystem::exists(path_, ec)) {
    loaded_ = true;
    return;
  }
  std::ifstream in(path_, std::ios::binary);
  if (!in) throw_errno("cannot read", path_);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();

  std::size_t start = 0;
  std::size_t line_number = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) {
      // A crash in the middle of a write leaves a line without its newline.
      // Its batch was never reported "done", so the plugin sends it again:
      // cut the torn line off rather than keep half an action.
      if (warn_) {
        warn_("file adapter: " + path_.string() + " ends with an incomplete line (" +
              std::to_string(text.size() - start) +
              " bytes, from an interrupted write); removed it");
      }
      std::filesystem::resize_file(path_, start);
      break;
    }
    ++line_number;
    std::string_view line(text.data() + start, end - start);
    start = end + 1;
    if (line.empty()) continue;
    try {
      json action = json::parse(line);
      if (action.is_object() && action.contains("idempotency_key") &&
          action["idempotency_key"].is_string()) {
        delivered_.insert(action["idempotency_key"].get<std::string>());
        continue;
      }
    } catch (const json::exception&) {
    }
    if (warn_) {
      warn_("file adapter: " + path_.string() + " line " + std::to_string(line_number) +
            " is not an action with an idempotency_key; left as it is");
    }
  }
  loaded_ = true;
}

std::vector<PushResult> Outbox::push(const std::vector<json>& actions) {
  load_delivered_keys();

  std::vector<PushResult> results;
  std::string batch;
  std::vector<std::string> appended;
  const std::string file_name = path_.filename().string();
  for (std::size_t i = 0; i < actions.size(); ++i) {
    const json& action = actions[i];
    std::string key = action.is_object() && action.contains("idempotency_key") &&
                              action["idempotency_key"].is_string()
                          ? action["idempotency_key"].get<std::string>()
                          : "";
    auto problems = schema::validate("action", action, "actions/" + std::to_string(i));
    if (!problems.empty()) {
      results.push_back({key, "failed", join_messages(problems)});
      continue;
    }
    if (!organisation_.empty() && action["organisation"] != organisation_) {
      results.push_back({key, "failed",
                         "action for organisation " + action["organisation"].dump() +
                             " refused: this adapter serves \"" + organisation_ + "\""});
      continue;
    }
    if (delivered_.count(key) > 0 ||
        std::find(appended.begin(), appended.end(), key) != appended.end()) {
      results.push_back({key, "duplicate", "already in " + file_name});
      continue;
    }
    batch += action.dump() + "\n";
    appended.push_back(key);
    results.push_back({key, "done", "appended to " + file_name});
  }
  if (batch.empty()) return results;

  const bool created = !std::filesystem::exists(path_);
  // The outbox holds names and what is done for them: its owner's only (a file
  // an older version made 0644 is narrowed; the host reports that for its state folder).
  if (path_.has_parent_path()) files::create_private_directories(path_.parent_path());
  if (!created) files::make_private(path_);
  {
    FileDescriptor file(path_, O_WRONLY | O_APPEND | O_CREAT, files::kPrivateFile);
    file.write_all(batch, path_);
    file.sync(path_);
  }
  if (created && path_.has_parent_path()) {
    // A new file's directory entry is only durable once the directory is synced too.
    FileDescriptor directory(path_.parent_path(), O_RDONLY | O_DIRECTORY);
    directory.sync(path_.parent_path());
  }
  delivered_.insert(appended.begin(), appended.end());
  return results;
}

}  // namespace mentoring::adapters::file
