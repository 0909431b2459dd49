// file_adapter/outbox.hpp — appends actions to a JSON-lines file exactly once.
//
// Each action is one line. On first use the existing file is read to learn the
// idempotency keys already delivered, so an action repeated after a restart is
// a "duplicate" and not written again. Every batch is flushed and fsync'ed
// before push returns, so "done" means on disk.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace mentoring::adapters::file {

struct PushResult {
  std::string idempotency_key;
  std::string status;  // "done", "duplicate" or "failed"
  std::string message;
  nlohmann::json to_json() const;
};

class Outbox {
 public:
  using Warn = std::function<void(std::string_view)>;

  // `organisation`: actions for any other organisation are refused.
  Outbox(std::filesystem::path path, std::string organisation, Warn warn = {});

  // Validates each action against the "action" schema and appends the new ones.
  // Throws std::system_error when the file cannot be written.
  std::vector<PushResult> push(const std::vector<nlohmann::json>& actions);

  const std::filesystem::path& path() const { return path_; }

 private:
  void load_delivered_keys();

  std::filesystem::path path_;
  std::string organisation_;
  Warn warn_;
  bool loaded_ = false;
  std::unordered_set<std::string> delivered_;
};

}  // namespace mentoring::adapters::file
