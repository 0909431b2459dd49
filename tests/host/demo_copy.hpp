// mentoring-host driven as a user drives it, on a private copy of examples/:
// what the host tests share. Each copy lives in a folder of its own (mkdtemp),
// because several test processes run at once (ctest -j, several checkouts).
#pragma once

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace mentoring::test {

struct CommandResult {
  int exit_code;
  std::string output;
};

// Runs HOST_BINARY with `arguments`, stdout and stderr together.
inline CommandResult run_host(const std::string& arguments) {
  std::string command = std::string(HOST_BINARY) + " " + arguments + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  char buffer[4096];
  while (std::size_t n = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

// A mentoring-host started in the background (several at once, for the
// one-writer tests); its stdout and stderr go to `output`.
struct StartedHost {
  pid_t pid = -1;
  std::filesystem::path output;
  CommandResult wait() const;
};

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

inline StartedHost start_host(const std::string& arguments, const std::filesystem::path& output) {
  std::string command =
      std::string(HOST_BINARY) + " " + arguments + " >'" + output.string() + "' 2>&1";
  pid_t pid = ::fork();
  if (pid == 0) {
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return {pid, output};
}

inline CommandResult StartedHost::wait() const {
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) return {-1, "waitpid failed"};
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_file(output)};
}

// A copy of EXAMPLES_DIR without its state, removed when the test ends.
class DemoCopy : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "mentoring-host-test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root = pattern;
    std::filesystem::copy(EXAMPLES_DIR, root / "examples",
                          std::filesystem::copy_options::recursive);
    std::filesystem::remove_all(root / "examples" / "demo" / "state");
    config = root / "examples" / "demo" / "host.json";
    state = root / "examples" / "demo" / "state";
  }
  void TearDown() override { std::filesystem::remove_all(root); }

  // The host on this copy's config and the built modules.
  CommandResult host(const std::string& arguments) const {
    return run_host(arguments + " --config " + config.string() + " --modules-dir " +
                    modules_dir.string());
  }

  // The same, in the background.
  StartedHost start(const std::string& arguments, const std::string& output_name) const {
    return start_host(
        arguments + " --config " + config.string() + " --modules-dir " + modules_dir.string(),
        root / output_name);
  }

  // The host loads modules only from its modules folder: a test module joins
  // the built ones in a folder of this copy (links), which host() then uses.
  // Returns the name to give as "module".
  std::string add_module(const std::filesystem::path& library) {
    const std::filesystem::path own = root / "modules";
    if (modules_dir != own) {
      std::filesystem::create_directories(own);
      for (const auto& entry : std::filesystem::directory_iterator(MODULES_DIR))
        std::filesystem::create_symlink(entry.path(), own / entry.path().filename());
      modules_dir = own;
    }
    std::filesystem::create_symlink(library, own / library.filename());
    return library.stem().string();
  }

  std::filesystem::path root, config, state;
  std::filesystem::path modules_dir = MODULES_DIR;
};

}  // namespace mentoring::test
