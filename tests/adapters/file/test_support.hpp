// Helpers shared by the file adapter tests: a temporary folder and small file I/O.
#pragma once

#include "file_adapter/file_adapter.hpp"

#include <mentoring/module.hpp>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace mentoring::adapters::file::testing {

// A fresh folder under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "file-adapter-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

inline void write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

inline std::string config_for(const nlohmann::json& settings, const std::filesystem::path& base_dir,
                              const std::string& organisation = "northwind") {
  return nlohmann::json{{"organisation", organisation},
                        {"name", "hr-export"},
                        {"base_dir", base_dir.string()},
                        {"settings", settings}}
      .dump();
}

// The status and message of the mentoring::Error that `f` throws.
template <class F>
std::pair<mentoring_status, std::string> error_of(F&& f) {
  try {
    f();
  } catch (const mentoring::Error& e) {
    return {e.status(), e.what()};
  }
  ADD_FAILURE() << "expected a mentoring::Error";
  return {MENTORING_OK, ""};
}

}  // namespace mentoring::adapters::file::testing
