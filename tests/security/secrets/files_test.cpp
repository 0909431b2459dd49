// Files and config paths (issue 14, "Secrets and files"), through mentoring-host
// on a copy of the demo: what the host, the plugin's store and the file
// adapter create is the service user's only whatever the umask; wider files
// are narrowed and said once; modules load only from the modules folder;
// `today` is a real date; `check` says where the data goes; TLS verification
// off is a setting, warned of every cycle.
#include "demo_copy.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>
#include <sys/types.h>

#include <algorithm>
#include <filesystem>
#include <string>

namespace fs = std::filesystem;
using json = nlohmann::json;
using mentoring::test::read_file;
using mentoring::test::write_file;

namespace {

mode_t mode_of(const fs::path& path) {
  struct stat info {};
  EXPECT_EQ(::lstat(path.c_str(), &info), 0) << path;
  return info.st_mode & 07777;
}

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class Files : public mentoring::test::DemoCopy {
 protected:
  void SetUp() override {
    DemoCopy::SetUp();
    // The most common umask: files 0644, folders 0755 unless their creator says otherwise.
    previous_umask = ::umask(022);
  }
  void TearDown() override {
    ::umask(previous_umask);
    DemoCopy::TearDown();
  }
  fs::path org_file(const std::string& id) const {
    return root / "examples" / "demo" / "orgs" / (id + ".json");
  }
  // Every folder and file under the state folder whose mode lets group or others in.
  std::vector<std::string> open_to_others() const {
    std::vector<std::string> found;
    for (const auto& entry : fs::recursive_directory_iterator(state)) {
      if ((mode_of(entry.path()) & 077) != 0) found.push_back(entry.path().string());
    }
    return found;
  }
  mode_t previous_umask = 022;
};

}  // namespace

TEST_F(Files, StateStoreAndOutboxAreTheServiceUsersOnlyUnderUmask022) {
  auto result = host("run");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(mode_of(state), 0700u);
  EXPECT_EQ(mode_of(state / "northwind"), 0700u);
  EXPECT_EQ(mode_of(state / "northwind" / "northwind.sqlite"), 0600u);
  EXPECT_EQ(mode_of(state / "northwind" / "lock"), 0600u);
  ASSERT_TRUE(fs::exists(state / "northwind" / "outbox.jsonl"));
  EXPECT_EQ(mode_of(state / "northwind" / "outbox.jsonl"), 0600u);
  EXPECT_EQ(open_to_others(), std::vector<std::string>{});
  // SQLite gives its -wal and -shm the database file's mode: open, they are 0600 too.
  SQLite::Database db((state / "northwind" / "northwind.sqlite").string(), SQLite::OPEN_READWRITE);
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("CREATE TABLE IF NOT EXISTS files_test (x INTEGER)");
  db.exec("INSERT INTO files_test VALUES (1)");
  ASSERT_TRUE(fs::exists(state / "northwind" / "northwind.sqlite-wal"));
  EXPECT_EQ(mode_of(state / "northwind" / "northwind.sqlite-wal"), 0600u);
  EXPECT_EQ(mode_of(state / "northwind" / "northwind.sqlite-shm"), 0600u);
}

TEST_F(Files, WiderFilesLeftByAnOlderVersionAreNarrowedAndSaidOnce) {
  ASSERT_EQ(host("run").exit_code, 0);
  const fs::path folder = state / "northwind";
  ASSERT_EQ(::chmod(folder.c_str(), 0755), 0);
  for (const char* name : {"northwind.sqlite", "outbox.jsonl", "lock"})
    ASSERT_EQ(::chmod((folder / name).c_str(), 0644), 0);
  auto again = host("run");
  ASSERT_EQ(again.exit_code, 0) << again.output;
  for (const char* name : {"northwind.sqlite", "outbox.jsonl", "lock"}) {
    EXPECT_EQ(count(again.output, (folder / name).string() + " was open to others (mode 0644)"), 1u)
        << again.output;
    EXPECT_EQ(mode_of(folder / name), 0600u);
  }
  EXPECT_TRUE(contains(again.output, folder.string() + " was open to others (mode 0755)"))
      << again.output;
  EXPECT_EQ(mode_of(folder), 0700u);
  auto third = host("run");
  EXPECT_FALSE(contains(third.output, "was open to others")) << third.output;
}

TEST_F(Files, AModuleOutsideTheModulesFolderIsRefusedNamingFileAndPointer) {
  const fs::path library = fs::path(MODULES_DIR) / "file.so";
  json org = json::parse(read_file(org_file("riverside")));
  for (const std::string& outside : {std::string("../../x.so"), std::string("/tmp/file.so"),
                                     std::string(MODULES_DIR) + "/../elsewhere/file.so"}) {
    org["adapters"][0]["module"] = outside;
    write_file(org_file("riverside"), org.dump(2));
    for (const char* command : {"check", "run", "command --org northwind waiting"}) {
      auto result = host(command);
      EXPECT_EQ(result.exit_code, 3) << command << ": " << result.output;
      EXPECT_TRUE(contains(result.output, org_file("riverside").string() + ": /adapters/0/module"))
          << result.output;
      EXPECT_TRUE(contains(result.output, "outside the modules folder")) << result.output;
    }
  }
  // Named by its path inside the folder, it loads as by its name.
  org["adapters"][0]["module"] = library.string();
  write_file(org_file("riverside"), org.dump(2));
  auto result = host("run --org riverside");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  // The plugin too.
  json host_config = json::parse(read_file(config));
  host_config["plugin"] = "../mentoring.so";
  write_file(config, host_config.dump(2));
  auto plugin = host("run");
  EXPECT_EQ(plugin.exit_code, 3) << plugin.output;
  EXPECT_TRUE(contains(plugin.output, config.string() + ": /plugin")) << plugin.output;
}

TEST_F(Files, TodayMustBeARealDate) {
  json host_config = json::parse(read_file(config));
  for (const char* day : {"2026-02-30", "2026-13-01", "2025-02-29", "2026-04-31"}) {
    host_config["today"] = day;
    write_file(config, host_config.dump(2));
    auto result = host("check");
    EXPECT_EQ(result.exit_code, 3) << day << ": " << result.output;
    EXPECT_TRUE(contains(result.output, config.string() + ": /today: found \"" + day + "\""))
        << result.output;
  }
  host_config["today"] = "2028-02-29";
  write_file(config, host_config.dump(2));
  EXPECT_EQ(host("check").exit_code, 0);
}

TEST_F(Files, CheckReportsWhereTheDataGoesResolved) {
  // The state folder through a link and "..": check names the real place.
  const fs::path real = root / "real-state";
  fs::create_directories(real);
  fs::create_symlink(real, root / "examples" / "demo" / "state-link");
  json host_config = json::parse(read_file(config));
  host_config["state_dir"] = "orgs/../state-link";
  write_file(config, host_config.dump(2));
  auto result = host("check");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto at = result.output.find("state_dir");
  ASSERT_NE(at, std::string::npos) << result.output;
  const std::string line = result.output.substr(at);
  EXPECT_TRUE(contains(line.substr(0, line.find('\n')), fs::canonical(real).string()))
      << result.output;
  EXPECT_TRUE(
      contains(result.output, (fs::canonical(real) / "northwind").string() + " (mode 0700)"))
      << result.output;
}

TEST_F(Files, TlsVerificationOffIsASettingWarnedOfEveryCycleNamingTheAdapter) {
  json org = json::parse(read_file(org_file("riverside")));
  json settings = {{"company_domain", "acme"},
                   {"base_url", "https://127.0.0.1:9"},  // nothing listens: the warning matters
                   {"timeout_ms", 500}};
  org["adapters"].push_back({{"name", "hr-api"}, {"module", "bamboohr"}, {"settings", settings}});
  write_file(org_file("riverside"), org.dump(2));
  auto on = host("run --org riverside");
  EXPECT_FALSE(contains(on.output, "TLS verification is OFF")) << on.output;

  org["adapters"].back()["settings"]["tls_verify"] = false;
  write_file(org_file("riverside"), org.dump(2));
  for (int cycle = 0; cycle < 2; ++cycle) {
    auto off = host("run --org riverside");
    EXPECT_EQ(count(off.output, "[riverside] adapter hr-api: TLS verification is OFF"), 1u)
        << off.output;
  }
  auto check = host("check");
  EXPECT_TRUE(contains(check.output, "adapter hr-api: TLS verification is OFF")) << check.output;
}
