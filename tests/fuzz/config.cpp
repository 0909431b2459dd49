// The host's config loading (sdk/host/config.cpp): a host config, the
// organisation config it lists and a programme definition, each validated
// against its schema as it is read.
// Input: up to three texts separated by a line "----next----": host.json,
// org.json, programme.json, written to a private folder (the host config
// names the others by path, as in examples/demo).
// Properties: a config is either loaded or refused with a ValidationError
// (naming a file); never another exception; a loaded config has unique
// organisation ids, unique adapter names and programmes with ids.
#include "fuzz_support.hpp"

#include <mentoring/host/config.hpp>
#include <mentoring/schema.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

using mentoring::fuzz::require;
namespace fs = std::filesystem;

namespace {

// A private folder for the three files, removed when the process ends.
struct Folder {
  fs::path path;
  Folder() {
    std::string name = (fs::temp_directory_path() / "mentoring-fuzz-config-XXXXXX").string();
    require(mkdtemp(name.data()) != nullptr, "a private folder for the config files");
    path = name;
  }
  ~Folder() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

const fs::path& folder() {
  static const Folder folder;
  return folder.path;
}

void write(const fs::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto parts = mentoring::fuzz::split_parts(mentoring::fuzz::as_text(data, size), 3);
  parts.resize(3);
  const fs::path dir = folder();
  write(dir / "host.json", parts[0]);
  write(dir / "org.json", parts[1]);
  write(dir / "programme.json", parts[2]);

  try {
    const auto config = mentoring::host::load_config(dir / "host.json");
    std::set<std::string> ids;
    for (const auto& org : config.organisations) {
      require(ids.insert(org.id).second, "organisation ids are unique");
      std::set<std::string> names;
      for (const auto& adapter : org.adapters)
        require(names.insert(adapter.name).second, "adapter names are unique");
      for (const auto& programme : org.programmes)
        require(programme.is_object() && programme.contains("id"), "a programme has an id");
    }
    require(config.state_dir.is_absolute(), "the state folder is absolute");
  } catch (const mentoring::schema::ValidationError& e) {
    require(!e.problems().empty(), "a refused config says why");
    for (const auto& problem : e.problems())
      require(!problem.source.empty(), "a config problem names its file");
  } catch (const std::exception& e) {
    require(false, "a bad config is refused with a ValidationError", e.what());
  }
  return 0;
}
