// Exit codes that mean what the README says, and one writer per organisation,
// driven through mentoring-host on a private copy of the demo.
#include <mentoring/host/org_lock.hpp>
#include <mentoring/store/org_store.hpp>
#include <mentoring/store/quarantine_repository.hpp>

#include "demo_copy.hpp"

#include <mentoring/host/runtime.hpp>

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

// Every row of every table, in a stable order: what a command changed shows here.
std::string database_contents(const fs::path& database) {
  SQLite::Database db(database.string(), SQLite::OPEN_READONLY);
  SQLite::Statement tables(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
  std::string out;
  while (tables.executeStep()) {
    const std::string table = tables.getColumn(0).getString();
    out += table + ":\n";
    SQLite::Statement rows(db, "SELECT * FROM \"" + table + "\" ORDER BY 1");
    while (rows.executeStep()) {
      for (int i = 0; i < rows.getColumnCount(); ++i) out += rows.getColumn(i).getString() + "|";
      out += "\n";
    }
  }
  return out;
}

std::string switched_off(const std::string& command, const std::string& module) {
  return "organisation northwind: command \"" + command + "\" belongs to the " + module +
         " module, which is switched off (modules." + module + " in the organisation config)";
}

class ExitCodes : public mentoring::test::DemoCopy {
 protected:
  // Holds northwind's lock as another mentoring-host would.
  OrganisationLock hold_northwind() {
    return OrganisationLock::acquire("northwind", state / "northwind", std::chrono::seconds(0),
                                     "test holding the lock");
  }
  fs::path org_file(const std::string& id) { return root / "examples/demo/orgs" / (id + ".json"); }
  void switch_module(const std::string& module, bool on) {
    json org = json::parse(read_file(org_file("northwind")));
    org["modules"][module] = on;
    write_file(org_file("northwind"), org.dump(2));
  }
  std::string northwind_now() {
    return database_contents(state / "northwind" / "northwind.sqlite") +
           read_file(state / "northwind" / "outbox.jsonl");
  }
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

// Whether a process other than this one has `file` open (found through
// /proc/<pid>/fd), polled until `within` runs out.
static bool another_process_opened(const fs::path& file, std::chrono::seconds within) {
  const auto wanted = fs::weakly_canonical(file);
  const auto deadline = std::chrono::steady_clock::now() + within;
  const std::string self = std::to_string(::getpid());
  // Processes come and go while /proc is read: every step takes an error_code.
  std::error_code ec;
  while (std::chrono::steady_clock::now() < deadline) {
    for (fs::directory_iterator proc("/proc", ec), end; !ec && proc != end; proc.increment(ec)) {
      const std::string pid = proc->path().filename().string();
      if (pid == self || pid.find_first_not_of("0123456789") != std::string::npos) continue;
      std::error_code gone;
      for (fs::directory_iterator fd(proc->path() / "fd", gone); !gone && fd != end;
           fd.increment(gone)) {
        std::error_code unreadable;
        if (fs::read_symlink(fd->path(), unreadable) == wanted) return true;
      }
    }
    ec.clear();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

TEST_F(ExitCodes, ARunThatWaitsForTheLockGoesOnOnceItIsFreeAndSaysSo) {
  std::optional<OrganisationLock> lock = hold_northwind();
  auto started = start("run --org northwind", "waiting-run.out");
  // Released only once the run waits on it: a fixed pause was too short for a
  // sanitizer build on a busy machine (the run came after the release).
  ASSERT_TRUE(another_process_opened(state / "northwind" / "lock", std::chrono::seconds(60)));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
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
  EXPECT_TRUE(contains(malformed.output, "bad input (not valid JSON): --input:1:2:"))
      << malformed.output;
  EXPECT_FALSE(contains(malformed.output, "configuration")) << malformed.output;
  // A field of the wrong type: exit 2 naming the field, never 3.
  auto mistyped = host(
      "command --org northwind withdraw --input "
      "'{\"person_id\":5,\"programme\":\"return-to-work\","
      "\"reason\":\"test\"}'");
  EXPECT_EQ(mistyped.exit_code, 2) << mistyped.output;
  EXPECT_TRUE(contains(mistyped.output, "withdraw: /person_id: found 5; expected string"))
      << mistyped.output;
  auto unknown_programme =
      host("command --org northwind evaluation_report --input '{\"programme\":\"nope\"}'");
  EXPECT_EQ(unknown_programme.exit_code, 2) << unknown_programme.output;
  EXPECT_TRUE(contains(unknown_programme.output, "evaluation_report: /programme: found \"nope\""))
      << unknown_programme.output;
  auto nobody = host(
      "command --org northwind withdraw --input "
      "'{\"person_id\":\"NOBODY\",\"programme\":\"return-to-work\","
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
  org["adapters"].push_back(
      {{"name", "hr-writer"},
       {"module", add_module(std::string(TEST_HOST_MODULES_DIR) + "/refusing_writer.so")},
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
  EXPECT_EQ(mentoring::store::SqliteQuarantineRepository(store.session()).count("", ""), 0);
  EXPECT_EQ(store.counts().people, 0) << "the page being stored was rolled back";
  EXPECT_FALSE(fs::exists(state / "northwind" / "outbox.jsonl")) << "nothing planned";
  // Once the database is free again the next run does everything.
  EXPECT_EQ(host("run --org northwind").exit_code, 0);
}

TEST_F(ExitCodes, ACommandOfAModuleSwitchedOffIsRefusedAndChangesNothing) {
  ASSERT_EQ(host("run --org northwind").exit_code, 0);
  switch_module("supervision", false);
  switch_module("evaluation", false);
  const std::string before = northwind_now();
  const std::string kickoff =
      "command --org northwind kickoff_schedule --input "
      "'{\"programme\":\"return-to-work\",\"date\":\"2027-01-20\"}'";
  auto refused = host(kickoff);
  EXPECT_EQ(refused.exit_code, 2) << refused.output;
  EXPECT_TRUE(contains(refused.output, switched_off("kickoff_schedule", "supervision")))
      << refused.output;
  auto report = host("command --org northwind evaluation_report");
  EXPECT_EQ(report.exit_code, 2) << report.output;
  EXPECT_TRUE(contains(report.output, switched_off("evaluation_report", "evaluation")))
      << report.output;
  EXPECT_FALSE(contains(report.output, "\"programmes\"")) << "no report was answered";
  EXPECT_TRUE(northwind_now() == before) << "a refused command changed the organisation's state";
  // A command of a module still on answers as before.
  EXPECT_EQ(host("command --org northwind invitations").exit_code, 0);

  // Switched on again, the same commands answer: the refusal was what stopped them.
  switch_module("supervision", true);
  switch_module("evaluation", true);
  auto scheduled = host(kickoff);
  EXPECT_FALSE(contains(scheduled.output, "switched off")) << scheduled.output;
  auto answered = host("command --org northwind evaluation_report");
  EXPECT_EQ(answered.exit_code, 0) << answered.output;
  EXPECT_TRUE(contains(answered.output, "\"programmes\"")) << answered.output;
}

// A module's pass that throws (here: the database refuses the enrolment's
// invitations, as a trigger someone left would) fails that module only: the
// others run, write-back goes on, and the host exits 9 naming the module.
TEST_F(ExitCodes, AModulePassThatThrowsIsReportedFailedTheOthersRunAndTheHostExitsNine) {
  ASSERT_EQ(host("check").exit_code, 0);  // creates the databases
  const fs::path database = state / "northwind" / "northwind.sqlite";
  {
    SQLite::Database db(database.string(), SQLite::OPEN_READWRITE);
    db.exec(
        "CREATE TRIGGER refuse_invitations BEFORE INSERT ON enrolment_transition "
        "WHEN NEW.to_state = 'invited' BEGIN "
        "SELECT RAISE(ABORT, 'test: this database refuses invitations'); END");
  }
  auto result = host("run --json");
  ASSERT_EQ(result.exit_code, 9) << result.output;
  json summary = json_of(result.output);
  EXPECT_EQ(summary["exit_code"], 9);
  const json& northwind = organisation(summary, "northwind");
  EXPECT_EQ(northwind["exit_code"], 9);
  EXPECT_EQ(northwind["failed_modules"], json::array({"enrolment"}));
  const json& enrolment = northwind["modules"]["enrolment"];
  EXPECT_EQ(enrolment["status"], "failed") << enrolment.dump();
  EXPECT_TRUE(contains(enrolment.value("error", ""), "test: this database refuses invitations"))
      << enrolment.dump();
  for (const char* other : {"training", "pairing", "supervision", "evaluation"})
    EXPECT_EQ(northwind["modules"][other]["status"], "ran") << other;
  EXPECT_TRUE(northwind.contains("actions")) << "write-back still ran";
  EXPECT_EQ(northwind["totals"]["open_invitations"], 0) << "the failed pass stored nothing";
  const json& riverside = organisation(summary, "riverside");
  EXPECT_EQ(riverside["exit_code"], 0);
  EXPECT_FALSE(riverside.contains("failed_modules"));

  auto text = host("run --org northwind");
  EXPECT_EQ(text.exit_code, 9) << text.output;
  EXPECT_TRUE(contains(text.output,
                       "enrolment   FAILED (the other modules ran): test: this database refuses"))
      << text.output;

  // Once the database accepts them, the next run invites as usual.
  {
    SQLite::Database db(database.string(), SQLite::OPEN_READWRITE);
    db.exec("DROP TRIGGER refuse_invitations");
  }
  auto fixed = host("run --org northwind --json");
  EXPECT_EQ(fixed.exit_code, 0) << fixed.output;
  EXPECT_GT(organisation(json_of(fixed.output), "northwind")["totals"]["open_invitations"], 0);
}

TEST(ExitCodeOrder, TheWorstOfTwoFollowsTheReadmesOrder) {
  using mentoring::host::worse_exit_code;
  const int order[] = {3, 5, 1, 9, 8, 7, 6, 0};  // worst first
  for (std::size_t i = 0; i < std::size(order); ++i) {
    for (std::size_t j = i; j < std::size(order); ++j) {
      EXPECT_EQ(worse_exit_code(order[i], order[j]), order[i]) << order[i] << " vs " << order[j];
      EXPECT_EQ(worse_exit_code(order[j], order[i]), order[i]) << order[j] << " vs " << order[i];
    }
  }
}
