// Exit codes that mean what the README says, and one writer per organisation,
// driven through mentoring-host on a private copy of the demo.
#include <mentoring/host/org_lock.hpp>
#include <mentoring/store/org_store.hpp>
#include <mentoring/store/quarantine_store.hpp>

#include "demo_copy.hpp"

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

namespace fs = std::filesystem;
using json = nlohmann::json;
using mentoring::host::OrganisationLock;
using mentoring::test::read_file;
using mentoring::test::run_host;
using mentoring::test::write_file;

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The JSON document `--json` printed; the log lines on stderr come before it.
json json_of(const std::string& output) {
  std::size_t at = output.rfind("\n{\n");
  std::size_t start = output.rfind("{\n", 0) == 0 ? 0 : (at == std::string::npos ? 0 : at + 1);
  return json::parse(output.substr(start));
}

const json& organisation(const json& summary, const std::string& id) {
  for (const auto& org : summary["organisations"]) {
    if (org.value("organisation", "") == id) return org;
  }
  static const json none;
  ADD_FAILURE() << "no organisation " << id << " in " << summary.dump();
  return none;
}

class ExitCodes : public mentoring::test::DemoCopy {
 protected:
  // Holds northwind's lock as another mentoring-host would.
  OrganisationLock hold_northwind() {
    return OrganisationLock::acquire("northwind", state / "northwind", std::chrono::seconds(0),
                                     "test holding the lock");
  }
  fs::path org_file(const std::string& id) { return root / "examples/demo/orgs" / (id + ".json"); }
  std::string pid_text() { return "pid " + std::to_string(::getpid()); }
};

}  // namespace

TEST_F(ExitCodes, AShortLockWaitEndsThatOrganisationBusyAndTheOthersStillRun) {
  auto lock = hold_northwind();
  auto result = host("run --json --lock-wait 0.3");
  ASSERT_EQ(result.exit_code, 8) << result.output;
  json summary = json_of(result.output);
  EXPECT_EQ(summary["exit_code"], 8);
  const json& northwind = organisation(summary, "northwind");
  EXPECT_EQ(northwind["exit_code"], 8);
  EXPECT_EQ(northwind["busy"], true);
  const std::string error = northwind.value("error", "");
  EXPECT_TRUE(contains(error, "organisation northwind is busy")) << error;
  EXPECT_TRUE(contains(error, pid_text() + " (test holding the lock)")) << error;
  EXPECT_TRUE(contains(error, "holding it since 20")) << error;
  EXPECT_TRUE(contains(error, "gave up after waiting 0.")) << error;
  EXPECT_TRUE(contains(error, (state / "northwind" / "lock").string())) << error;
  // Nothing of northwind was opened; riverside ran as usual.
  EXPECT_FALSE(fs::exists(state / "northwind" / "northwind.sqlite"));
  EXPECT_FALSE(fs::exists(state / "northwind" / "outbox.jsonl"));
  const json& riverside = organisation(summary, "riverside");
  EXPECT_EQ(riverside["exit_code"], 0) << riverside.dump();
  EXPECT_GT(riverside["modules"]["enrolment"]["invited"].size(), 0u);
  EXPECT_TRUE(fs::exists(state / "riverside" / "outbox.jsonl"));

  auto text = host("run --lock-wait 0");
  EXPECT_EQ(text.exit_code, 8) << text.output;
  EXPECT_TRUE(contains(text.output, "BUSY: organisation northwind is busy")) << text.output;
}

TEST_F(ExitCodes, ARunThatWaitsForTheLockGoesOnOnceItIsFreeAndSaysSo) {
  std::optional<OrganisationLock> lock = hold_northwind();
  auto started = start("run --org northwind", "waiting-run.out");
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  lock.reset();
  auto result = started.wait();
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(contains(result.output,
                       "another mentoring-host holds this organisation's lock (" + pid_text()))
      << result.output;
  EXPECT_TRUE(contains(result.output, "lock        waited ")) << result.output;
  EXPECT_TRUE(fs::exists(state / "northwind" / "outbox.jsonl"));
}

TEST_F(ExitCodes, CommandAndCheckAreBusyToo) {
  ASSERT_EQ(host("run").exit_code, 0);
  auto lock = hold_northwind();
  auto command = host("command --org northwind invitations --lock-wait 0.2");
  EXPECT_EQ(command.exit_code, 8) << command.output;
  EXPECT_TRUE(contains(command.output, "organisation northwind is busy")) << command.output;
  EXPECT_TRUE(contains(command.output, pid_text())) << command.output;
  auto check = host("check --lock-wait 0");
  EXPECT_EQ(check.exit_code, 8) << check.output;
  EXPECT_TRUE(contains(check.output, "organisation northwind is busy")) << check.output;
  // riverside was still checked
  EXPECT_TRUE(contains(check.output, "riverside")) << check.output;
  // The lock file now names the test, not a run that has finished.
  EXPECT_EQ(OrganisationLock::read_holder(state / "northwind" / "lock").pid,
            std::to_string(::getpid()));
}

TEST_F(ExitCodes, TheHostConfigSetsTheWaitAndTheCommandLineOverridesIt) {
  json host_config = json::parse(read_file(config));
  host_config["lock_wait_seconds"] = 0.4;
  write_file(config, host_config.dump());
  auto lock = hold_northwind();
  auto started = std::chrono::steady_clock::now();
  auto from_config = host("run --org northwind");
  auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(from_config.exit_code, 8) << from_config.output;
  EXPECT_TRUE(contains(from_config.output, "gave up after waiting 0.4 s")) << from_config.output;
  EXPECT_GE(waited, std::chrono::milliseconds(400));
  auto overridden = host("run --org northwind --lock-wait 0");
  EXPECT_EQ(overridden.exit_code, 8) << overridden.output;
  EXPECT_TRUE(contains(overridden.output, "gave up after waiting 0.0 s")) << overridden.output;

  host_config["lock_wait_seconds"] = -1;
  write_file(config, host_config.dump());
  auto invalid = host("run --org northwind");
  EXPECT_EQ(invalid.exit_code, 3) << invalid.output;
  EXPECT_TRUE(contains(invalid.output, "/lock_wait_seconds")) << invalid.output;
  EXPECT_EQ(host("run --org northwind --lock-wait -2").exit_code, 2);
}

TEST_F(ExitCodes, AStateFolderThatCannotBeCreatedIsAConfigErrorForThatOrganisationOnly) {
  // A file where northwind's state folder belongs: root cannot create it either.
  fs::create_directories(state);
  write_file(state / "northwind", "not a folder\n");
  auto result = host("run --json");
  ASSERT_EQ(result.exit_code, 3) << result.output;
  json summary = json_of(result.output);
  EXPECT_EQ(summary["exit_code"], 3);
  const json& northwind = organisation(summary, "northwind");
  EXPECT_EQ(northwind["exit_code"], 3);
  const std::string error = northwind.value("error", "");
  EXPECT_TRUE(contains(error, (state / "northwind").string())) << error;
  EXPECT_TRUE(contains(error, "is not a folder")) << error;
  const json& riverside = organisation(summary, "riverside");
  EXPECT_EQ(riverside["exit_code"], 0) << riverside.dump();
  EXPECT_TRUE(fs::exists(state / "riverside" / "riverside.sqlite"));

  auto command = host("command --org northwind invitations");
  EXPECT_EQ(command.exit_code, 3) << command.output;
  EXPECT_TRUE(contains(command.output, (state / "northwind").string())) << command.output;
  auto check = host("check");
  EXPECT_EQ(check.exit_code, 3) << check.output;
}

TEST_F(ExitCodes, AStateFolderBelowAFileNamesThePathAndTheSystemsWords) {
  // state_dir itself is a file: nothing can be created under it ("Not a directory").
  write_file(state.parent_path() / "state-file", "x");
  json host_config = json::parse(read_file(config));
  host_config["state_dir"] = "state-file/inner";
  write_file(config, host_config.dump());
  auto result = host("run --org riverside");
  EXPECT_EQ(result.exit_code, 3) << result.output;
  EXPECT_TRUE(contains(result.output, "cannot create its state folder")) << result.output;
  EXPECT_TRUE(contains(result.output, "state-file/inner/riverside")) << result.output;
  EXPECT_TRUE(contains(result.output, "Not a directory")) << result.output;
}

TEST_F(ExitCodes, AnUnknownCommandOrOrganisationIsAUsageError) {
  auto command = host("command --org northwind frobnicate");
  EXPECT_EQ(command.exit_code, 2) << command.output;
  EXPECT_TRUE(contains(command.output, "unknown command \"frobnicate\"")) << command.output;
  EXPECT_EQ(host("command --org nowhere invitations").exit_code, 2);
  auto run = host("run --org nowhere --json");
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_EQ(json_of(run.output)["exit_code"], 2);
}

TEST_F(ExitCodes, AnInputTheCommandRefusesIsAUsageErrorNotAConfigError) {
  auto malformed = host("command --org northwind withdraw --input '{bad'");
  EXPECT_EQ(malformed.exit_code, 2) << malformed.output;
  EXPECT_TRUE(contains(malformed.output, "--input")) << malformed.output;
  auto nobody = host(
      "command --org northwind withdraw --input "
      "'{\"person_id\":\"NOBODY\",\"programme\":\"return-to-work\",\"recorded_by\":\"hr\","
      "\"reason\":\"test\"}'");
  EXPECT_EQ(nobody.exit_code, 2) << nobody.output;
  EXPECT_TRUE(contains(nobody.output, "/person_id: found \"NOBODY\"")) << nobody.output;
  // A programme file that is broken stays a config error for commands too.
  json org = json::parse(read_file(org_file("northwind")));
  org["policy"]["timezone"] = "Mars/Olympus_Mons";
  write_file(org_file("northwind"), org.dump(2));
  auto config_error = host("command --org northwind invitations");
  EXPECT_EQ(config_error.exit_code, 3) << config_error.output;
}

TEST_F(ExitCodes, EveryWriteBackRefusedExitsSevenAndSaysSoInJson) {
  // northwind's write-backs go to a host that refuses each one; its file adapter only reads.
  json org = json::parse(read_file(org_file("northwind")));
  org["adapters"][0]["settings"].erase("outbox");
  org["adapters"].push_back({{"name", "hr-writer"},
                             {"module", std::string(TEST_HOST_MODULES_DIR) + "/refusing_writer.so"},
                             {"settings", json::object()}});
  write_file(org_file("northwind"), org.dump(2));
  auto result = host("run --json");
  ASSERT_EQ(result.exit_code, 7) << result.output;
  json summary = json_of(result.output);
  EXPECT_EQ(summary["exit_code"], 7);
  const json& northwind = organisation(summary, "northwind");
  EXPECT_EQ(northwind["exit_code"], 7);
  EXPECT_GT(northwind["actions"]["failed"].get<int>(), 0) << northwind["actions"].dump();
  EXPECT_EQ(northwind["actions"]["delivered"], 0);
  EXPECT_EQ(organisation(summary, "riverside")["exit_code"], 0);
  // The same day the refused actions wait for their next attempt (backoff):
  // not tried, yet still failing, so the run still says so.
  auto again = host("run --json");
  EXPECT_EQ(again.exit_code, 7) << again.output;
  const json again_summary = json_of(again.output);
  const json& waiting = organisation(again_summary, "northwind")["actions"];
  EXPECT_EQ(waiting["failed"], 0) << waiting.dump();
  EXPECT_GT(waiting["retrying"].get<int>(), 0) << waiting.dump();
}

TEST_F(ExitCodes, JsonCarriesTheExitCodeOnEveryFailure) {
  auto missing = run_host("run --json --config " + (root / "nowhere.json").string());
  EXPECT_EQ(missing.exit_code, 3) << missing.output;
  EXPECT_EQ(json_of(missing.output)["exit_code"], 3) << missing.output;

  json host_config = json::parse(read_file(config));
  host_config["plugin"] = "no_such_plugin";
  write_file(config, host_config.dump());
  auto load = host("run --json");
  EXPECT_EQ(load.exit_code, 4) << load.output;
  json answer = json_of(load.output);
  EXPECT_EQ(answer["exit_code"], 4);
  EXPECT_TRUE(contains(answer.value("error", ""), "no_such_plugin")) << answer.dump();
}

// A database that fails while the sync stores a page (here: another connection
// holds the write lock past the busy timeout) is a store error: the run stops
// with exit 1 naming the file, and no host record is quarantined for it.
TEST_F(ExitCodes, AStoreErrorDuringSyncFailsTheRunAndIsNeverBadHostData) {
  const fs::path database = state / "northwind" / "northwind.sqlite";
  { mentoring::store::OrgStore created(state / "northwind", "northwind"); }
  std::mutex mutex;
  std::condition_variable cv;
  bool locked = false;
  // Longer than the store's busy timeout, so the sync's first write gives up;
  // released before the host's process is waited for.
  const auto hold = std::chrono::milliseconds(mentoring::store::OrgStore::kBusyTimeoutMs + 4000);
  std::thread blocker([&] {
    SQLite::Database db(database.string(), SQLite::OPEN_READWRITE);
    db.exec("BEGIN IMMEDIATE");
    {
      std::lock_guard guard(mutex);
      locked = true;
    }
    cv.notify_all();
    std::this_thread::sleep_for(hold);
    db.exec("ROLLBACK");
  });
  {
    std::unique_lock wait(mutex);
    cv.wait(wait, [&] { return locked; });
  }
  auto result = host("run --org northwind --json");
  blocker.join();
  EXPECT_EQ(result.exit_code, 1) << result.output;
  json summary = json_of(result.output);
  EXPECT_EQ(summary["exit_code"], 1);
  const std::string error = organisation(summary, "northwind").value("error", "");
  EXPECT_TRUE(contains(error, "store error on " + database.string())) << error;
  EXPECT_TRUE(contains(error, "database is locked")) << error;
  EXPECT_TRUE(contains(error, "syncing hr-export people")) << error;

  mentoring::store::OrgStore store(state / "northwind", "northwind");
  EXPECT_EQ(mentoring::store::QuarantineStore(store.database()).count(), 0);
  EXPECT_EQ(store.counts().people, 0) << "the page being stored was rolled back";
  EXPECT_FALSE(fs::exists(state / "northwind" / "outbox.jsonl")) << "nothing planned";
  // Once the database is free again the next run does everything.
  EXPECT_EQ(host("run --org northwind").exit_code, 0);
}
