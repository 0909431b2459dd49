// file_adapter/file_adapter.hpp — the file adapter's commands (check, pull,
// push) over one organisation's settings; the loadable module is a thin shell
// around this class. The protocol is described in adapters/README.md.
#pragma once

#include "file_adapter/export_reader.hpp"
#include "file_adapter/outbox.hpp"
#include "file_adapter/row_snapshot.hpp"
#include "file_adapter/settings.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace mentoring::adapters::file {

class FileAdapter {
 public:
  using Warn = std::function<void(std::string_view)>;

  // config_json: {"organisation","name","base_dir","settings"}. Throws
  // mentoring::Error(MENTORING_ERR_INVALID_INPUT) naming every bad setting.
  explicit FileAdapter(std::string_view config_json, Warn warn = {});

  // Dispatches a command; JSON in, JSON out. Unknown commands throw
  // mentoring::Error(MENTORING_ERR_UNKNOWN_COMMAND).
  std::string call(std::string_view command, std::string_view input);

  nlohmann::json check() const;
  nlohmann::json pull(const nlohmann::json& input) const;  // pull_text, parsed
  // The pull answer as JSON text: its records are written as text, never as a DOM.
  std::string pull_text(const nlohmann::json& input) const;
  nlohmann::json push(const nlohmann::json& input);

  const Settings& settings() const { return settings_; }
  const std::string& name() const { return name_; }
  // Keeps row snapshots in dir (the host's storage folder, snapshot_directory):
  // a changed CSV export is then read changes-only. Without it, reads are whole.
  void use_snapshots(const std::filesystem::path& dir);

 private:
  std::string organisation_;
  std::string name_;
  Settings settings_;
  Warn warn_;
  std::optional<Outbox> outbox_;  // opened on first push
  // The survey of each stream's export, for as long as its size, mtime and
  // inode stay: later pages of a read do not survey it again.
  const Survey& survey_of(Stream which, const ExportFile& file, const StreamSettings& stream) const;
  mutable std::map<Stream, Survey> surveys_;
  std::unique_ptr<SnapshotCache> snapshots_;  // row snapshots; none without storage
  // The last page's bytes, kept for the next page (memory reused, not
  // allocated and faulted in again for every page).
  mutable std::unique_ptr<std::string> page_buffer_;
  mutable std::string records_memory_;  // the same for the records' JSON text
};

}  // namespace mentoring::adapters::file
