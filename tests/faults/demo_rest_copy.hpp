// A private copy of examples/ (mkdtemp) whose demo-rest organisation talks to
// fakes on the ports given, with its state in the copy: what the fault tests
// and the crash harness share.
#pragma once

#include "child_process.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

namespace mentoring::test {

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

class DemoRestCopy {
 public:
  // Copies EXAMPLES_DIR; `bamboohr_url` / `moodle_url`: the fakes' base URLs.
  DemoRestCopy(const std::string& bamboohr_url, const std::string& moodle_url) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "mentoring-faults-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    root = pattern;
    std::filesystem::copy(EXAMPLES_DIR, root / "examples",
                          std::filesystem::copy_options::recursive);
    std::filesystem::remove_all(root / "examples" / "demo-rest" / "state");
    // The host refuses a secrets file others can read; a checkout makes it 0644.
    std::filesystem::permissions(root / "examples" / "demo-rest" / "secrets.json",
                                 std::filesystem::perms::owner_read |
                                     std::filesystem::perms::owner_write);
    config = root / "examples" / "demo-rest" / "host.json";
    org_config = root / "examples" / "demo-rest" / "orgs" / "northwind.json";
    state = root / "examples" / "demo-rest" / "state";
    database = state / "northwind" / "northwind.sqlite";
    outbox_file = state / "northwind" / "outbox.jsonl";
    edit_org([&](nlohmann::json& org) {
      for (auto& adapter : org["adapters"]) {
        if (adapter["name"] == "hr") adapter["settings"]["base_url"] = bamboohr_url;
        if (adapter["name"] == "lms") adapter["settings"]["base_url"] = moodle_url;
      }
    });
  }
  ~DemoRestCopy() {
    std::error_code ignored;
    std::filesystem::remove_all(root, ignored);
  }
  DemoRestCopy(const DemoRestCopy&) = delete;
  DemoRestCopy& operator=(const DemoRestCopy&) = delete;

  void edit_org(const std::function<void(nlohmann::json&)>& edit) const {
    nlohmann::json org = nlohmann::json::parse(read_text(org_config));
    edit(org);
    write_text(org_config, org.dump(2));
  }
  // The settings of the adapter named `name` ("hr", "lms", "outbox").
  void edit_adapter(const std::string& name,
                    const std::function<void(nlohmann::json&)>& edit) const {
    edit_org([&](nlohmann::json& org) {
      for (auto& adapter : org["adapters"])
        if (adapter["name"] == name) edit(adapter["settings"]);
    });
  }

  std::vector<std::string> host_args(const std::vector<std::string>& arguments) const {
    std::vector<std::string> argv = {HOST_BINARY};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    argv.insert(argv.end(), {"--config", config.string(), "--modules-dir", MODULES_DIR});
    return argv;
  }
  // `mentoring-host run --json` on this copy.
  ChildResult run(const ChildOptions& options = {},
                  std::chrono::milliseconds limit = std::chrono::seconds(90)) const {
    Child child(host_args({"run", "--json"}), options);
    return child.wait_for(limit);
  }

  // One number from the organisation's database (eg "SELECT COUNT(*) FROM leave").
  long long query_number(const std::string& sql) const {
    SQLite::Database db(database.string(), SQLite::OPEN_READONLY);
    db.setBusyTimeout(5000);
    SQLite::Statement query(db, sql);
    return query.executeStep() ? query.getColumn(0).getInt64() : 0;
  }
  std::string integrity_check() const {
    SQLite::Database db(database.string(), SQLite::OPEN_READONLY);
    db.setBusyTimeout(5000);
    return db.execAndGet("PRAGMA integrity_check").getString();
  }

  std::filesystem::path root, config, org_config, state, database, outbox_file;
};

// The JSON summary `run --json` printed, or null when it printed none.
inline nlohmann::json summary_of(const ChildResult& result) {
  return nlohmann::json::parse(result.out, nullptr, false, true).is_discarded()
             ? nlohmann::json()
             : nlohmann::json::parse(result.out, nullptr, false, true);
}

// The northwind organisation's part of a run summary (or null).
inline nlohmann::json organisation_of(const ChildResult& result) {
  nlohmann::json summary = summary_of(result);
  if (!summary.is_object() || !summary.contains("organisations")) return nullptr;
  for (const auto& org : summary["organisations"])
    if (org.value("organisation", std::string()) == "northwind") return org;
  return nullptr;
}

}  // namespace mentoring::test
