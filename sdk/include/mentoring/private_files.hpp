// mentoring/private_files.hpp — folders and files readable by the service's
// user only, whatever the process's umask: what the plugin and adapters keep
// holds names, leave reasons, notes, goals and survey tokens.
//
//   mentoring::files::create_private_directories(state / "northwind");  // 0700
//   int fd = ::open(path, O_WRONLY | O_APPEND | O_CREAT, mentoring::files::kPrivateFile);
//   mentoring::files::make_private(path);  // an existing 0644 file -> 0600
//
// Header-only, so a module sets the modes itself when it creates a file: the
// files must be right under any host, not only mentoring-host.
#pragma once

#include <sys/stat.h>

#include <filesystem>
#include <optional>
#include <system_error>

namespace mentoring::files {

inline constexpr mode_t kPrivateFolder = 0700;
inline constexpr mode_t kPrivateFile = 0600;

// Creates the folder and any missing parent, each 0700 (mkdir's mode, which a
// umask can only narrow). Folders that exist are left as they are; see
// make_private for the one that holds the data. Throws std::filesystem::filesystem_error.
inline void create_private_directories(const std::filesystem::path& folder) {
  if (folder.empty()) return;
  std::error_code ec;
  if (std::filesystem::is_directory(folder, ec)) return;
  if (folder.has_parent_path() && folder.parent_path() != folder)
    create_private_directories(folder.parent_path());
  if (::mkdir(folder.c_str(), kPrivateFolder) != 0 && errno != EEXIST) {
    throw std::filesystem::filesystem_error("cannot create the folder", folder,
                                            std::error_code(errno, std::generic_category()));
  }
}

// When group or others may read, write or enter it (mode & 077), takes their
// bits away, keeping the owner's as they are (0644 -> 0600, 0755 -> 0700, a
// read-only 0444 stays read-only: 0400), and returns the mode it had, for the
// caller to report; nullopt when it was private already, is absent or not ours.
inline std::optional<mode_t> make_private(const std::filesystem::path& path) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0 || S_ISLNK(info.st_mode)) return std::nullopt;
  if ((info.st_mode & 077) == 0) return std::nullopt;
  if (::chmod(path.c_str(), info.st_mode & 0700) != 0) return std::nullopt;
  return info.st_mode & 07777;
}

}  // namespace mentoring::files
