// mentoring-host driven as a user drives it, on a copy of the demo organisations.
#include <mentoring/host/config.hpp>
#include <mentoring/host/org_lock.hpp>
#include <mentoring/host/runtime.hpp>
#include <mentoring/schema.hpp>
#include <mentoring/store/org_store.hpp>

#include "demo_copy.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

using mentoring::test::CommandResult;
using mentoring::test::read_file;
using mentoring::test::run_host;
using mentoring::test::write_file;

std::size_t count_lines(const fs::path& path) {
  if (!fs::exists(path)) return 0;
  std::ifstream in(path);
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);) n += !line.empty();
  return n;
}

// A private copy of examples/ so tests never write into the source tree.
class Demo : public mentoring::test::DemoCopy {
 protected:
  std::int64_t people_in(const std::string& org) {
    mentoring::store::OrgStore store(state / org, org);
    return store.counts().people;
  }
};

}  // namespace

TEST_F(Demo, RunInvitesTheEligibleLeaveOfBothOrganisationsAndWritesOutboxes) {
  auto result = host("run --json");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  json summary = json::parse(result.output);
  ASSERT_EQ(summary["organisations"].size(), 2u);
  for (const auto& org : summary["organisations"]) {
    EXPECT_GT(org["modules"]["enrolment"]["invited"].size(), 0u) << org["organisation"];
    EXPECT_EQ(org["actions"]["delivered"], org["modules"]["enrolment"]["invited"].size());
  }
  EXPECT_EQ(count_lines(state / "northwind" / "outbox.jsonl"),
            summary["organisations"][0]["modules"]["enrolment"]["invited"].size());
}

TEST_F(Demo, ASecondRunCreatesAndWritesNothingNew) {
  ASSERT_EQ(host("run").exit_code, 0);
  auto lines = count_lines(state / "northwind" / "outbox.jsonl");
  auto second = host("run --json");
  ASSERT_EQ(second.exit_code, 0) << second.output;
  json summary = json::parse(second.output);
  for (const auto& org : summary["organisations"]) {
    // Nothing changed since a run that left nothing to do: the passes are skipped (issue 16).
    const json& enrolment = org["modules"]["enrolment"];
    EXPECT_EQ(enrolment.value("status", ""), "unchanged") << enrolment.dump();
    EXPECT_EQ(enrolment.value("invited", json::array()).size(), 0u);
    EXPECT_EQ(org["actions"]["delivered"], 0);
  }
  EXPECT_EQ(count_lines(state / "northwind" / "outbox.jsonl"), lines);
}

TEST_F(Demo, ARunForOneOrganisationNeverOpensAnothersDatabase) {
  auto result = host("run --org riverside");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(fs::exists(state / "riverside" / "riverside.sqlite"));
  EXPECT_FALSE(fs::exists(state / "northwind"));
  EXPECT_EQ(result.output.find("Northwind"), std::string::npos);
}

TEST_F(Demo, CheckPassesOnTheDemo) {
  auto result = host("check");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("read_people"), std::string::npos) << result.output;
}

TEST_F(Demo, AMisspeltFieldFailsCheckWithItsJsonPointer) {
  fs::path org = root / "examples" / "demo" / "orgs" / "northwind.json";
  std::string text = read_file(org);
  auto at = text.find("\"policy\"");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 8, "\"polcy\"");
  write_file(org, text);
  auto result = host("check");
  EXPECT_EQ(result.exit_code, 3) << result.output;
  EXPECT_NE(result.output.find("northwind.json: /polcy"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("did you mean \"policy\"?"), std::string::npos) << result.output;
}

TEST_F(Demo, AnAdapterThatIsNotAModuleIsAOneLineLoadErrorWithItsOwnExitCode) {
  for (const char* module : {"not_a_module.so", "abi_next_major_module.so"}) {
    fs::path org = root / "examples" / "demo" / "orgs" / "riverside.json";
    json doc = json::parse(read_file(org));
    doc["adapters"][0]["module"] = add_module(std::string(TEST_MODULES_DIR) + "/" + module);
    write_file(org, doc.dump(2));
    auto result = host("run");
    EXPECT_EQ(result.exit_code, 4) << result.output;
    EXPECT_EQ(std::count(result.output.begin(), result.output.end(), '\n'), 1) << result.output;
    EXPECT_NE(result.output.find(module), std::string::npos) << result.output;
  }
}

TEST_F(Demo, ABrokenExportIsReportedAndLeavesTheStoreAsItWas) {
  ASSERT_EQ(host("run --org northwind").exit_code, 0);
  auto people_before = people_in("northwind");
  auto lines_before = count_lines(state / "northwind" / "outbox.jsonl");

  fs::path csv = root / "examples" / "demo" / "data" / "northwind" / "people.csv";
  std::string text = read_file(csv);
  text.replace(text.find("Hire Date"), 9, "Hired On");  // a mapped column goes missing
  text += "E9999,New Person,new@example.org,,IT,Leeds,01/01/2020,,,English\n";
  write_file(csv, text);

  auto result = host("run --org northwind");
  EXPECT_EQ(result.exit_code, 6) << result.output;
  EXPECT_NE(result.output.find("people.csv"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("Hire Date"), std::string::npos) << result.output;
  EXPECT_EQ(people_in("northwind"), people_before);
  EXPECT_EQ(count_lines(state / "northwind" / "outbox.jsonl"), lines_before);
}

// A leave for a person the HR export does not hold: the rest of the export is
// stored, the run exits 6 and check lists the record (exit 6 too) until the
// host sends it again with its person; then both say nothing is wrong.
TEST_F(Demo, AQuarantinedRecordIsListedByCheckAndExitsSixUntilTheHostSendsItFixed) {
  ASSERT_EQ(host("run --org northwind").exit_code, 0);
  fs::path leave_csv = root / "examples" / "demo" / "data" / "northwind" / "leave.csv";
  fs::path people_csv = root / "examples" / "demo" / "data" / "northwind" / "people.csv";
  const std::string leave_text = read_file(leave_csv);
  write_file(leave_csv, leave_text +
                            "NW-LR-99999,E9999,Maternity Leave,01/04/2027,30/09/2027,,Approved,"
                            "2026-11-20T10:00:00Z\n");
  auto result = host("run --org northwind");
  EXPECT_EQ(result.exit_code, 6) << result.output;
  EXPECT_NE(result.output.find("1 QUARANTINED"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("record NW-LR-99999: /person_id"), std::string::npos)
      << result.output;

  auto check = host("check");
  EXPECT_EQ(check.exit_code, 6) << check.output;
  EXPECT_NE(check.output.find("quarantine"), std::string::npos) << check.output;
  EXPECT_NE(check.output.find("leave record NW-LR-99999"), std::string::npos) << check.output;

  auto listed = host("command --org northwind quarantine");
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  json held = json::parse(listed.output);
  EXPECT_EQ(held["held"], 1);
  EXPECT_EQ(held["records"][0]["record_id"], "NW-LR-99999");
  EXPECT_EQ(held["records"][0]["reason"], "unknown_person");

  // Still held on the next run, which stores nothing new: the monitor still hears of it.
  EXPECT_EQ(host("run --org northwind").exit_code, 6);

  // The host adds the person and sends the leave again.
  write_file(people_csv, read_file(people_csv) +
                             "E9999,New Person,new@example.org,,IT,Leeds,01/01/2020,,,English\n");
  write_file(leave_csv, leave_text +
                            "NW-LR-99999,E9999,Maternity Leave,01/04/2027,30/09/2027,,Approved,"
                            "2026-11-21T10:00:00Z\n");
  auto fixed = host("run --org northwind");
  EXPECT_EQ(fixed.exit_code, 0) << fixed.output;
  EXPECT_EQ(fixed.output.find("QUARANTINED"), std::string::npos) << fixed.output;
  EXPECT_EQ(host("check").exit_code, 0);
}

TEST_F(Demo, ModulesListsThePluginAndTheFileAdapter) {
  auto result = host("modules");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("mentoring"), std::string::npos);
  EXPECT_NE(result.output.find("write_actions"), std::string::npos);
}

TEST(HostCli, AMissingConfigIsAConfigError) {
  auto result = run_host("run --config /nonexistent/host.json");
  EXPECT_EQ(result.exit_code, 3) << result.output;
}

TEST(HostCli, AnUnknownCommandIsAUsageError) {
  EXPECT_EQ(run_host("frobnicate").exit_code, 2);
}

TEST_F(Demo, NorthwindRunsEvaluationAndItsReportShowsNoSmallGroup) {
  auto result = host("run --json");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  json summary = json::parse(result.output);
  const json& northwind = summary["organisations"][0];
  ASSERT_EQ(northwind["organisation"], "northwind");
  EXPECT_EQ(northwind["modules"]["evaluation"]["status"], "ran");
  EXPECT_TRUE(northwind["modules"]["evaluation"]["programmes"].contains("return-to-work"));
  auto report = host(
      "command --org northwind evaluation_report --input '{\"programme\":\"return-to-work\"}'");
  ASSERT_EQ(report.exit_code, 0) << report.output;
  json figures = json::parse(report.output);
  EXPECT_EQ(figures["min_group_size"], 5);
  const json& programme = figures["programmes"][0];
  EXPECT_EQ(programme["surveys"].size(), 5u);  // one row per survey and role asked
  for (const auto& entry : programme["surveys"]) {
    EXPECT_FALSE(entry.contains("answered")) << entry;  // nobody has answered yet
  }
}

// What HR reads: one worded line per module and programme, never a JSON dump.
TEST_F(Demo, TheTextSummaryWordsEveryModule) {
  auto result = host("run --org northwind");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  std::istringstream lines(result.output);
  for (std::string line; std::getline(lines, line);) {
    EXPECT_EQ(line.find("{\""), std::string::npos) << "a raw JSON line: " << line;
  }
  for (const char* module :
       {"enrolment", "training", "pairing", "supervision", "return_to_work", "evaluation"}) {
    EXPECT_NE(result.output.find("  " + std::string(module) + " "), std::string::npos) << module;
  }
  EXPECT_NE(result.output.find("pairing     return-to-work: "), std::string::npos) << result.output;
}

// Northwind's HR export carries keeping-in-touch days (kit_days.csv): each run
// counts those within a leave like days HR records, and names the one dated
// before its leave with the domain's reason, in every run until it is fixed.
TEST_F(Demo, NorthwindsExportedKeepingInTouchDaysAreCountedAndARefusedOneIsNamed) {
  auto result = host("run --org northwind --json");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  json org = json::parse(result.output)["organisations"][0];
  json stream;
  for (const auto& s : org["sync"])
    if (s["stream"] == "keeping_in_touch_days") stream = s;
  EXPECT_EQ(stream["stored"], 6) << org["sync"].dump();
  const json& kit = org["modules"]["return_to_work"]["keeping_in_touch_days"];
  EXPECT_EQ(kit["recorded"], 5) << kit.dump();
  EXPECT_EQ(kit["refused"], 1);
  ASSERT_EQ(kit["refused_days"].size(), 1u);
  EXPECT_EQ(kit["refused_days"][0]["record_id"], "NW-KIT-001");
  EXPECT_EQ(kit["refused_days"][0]["reason"], "no_leave_on_day");
  EXPECT_EQ(kit["refused_days"][0]["field"], "/date");

  auto days = host("command --org northwind kit_days --input '{\"person_id\":\"E1003\"}'");
  ASSERT_EQ(days.exit_code, 0) << days.output;
  json leaves = json::parse(days.output)["leaves"];
  ASSERT_EQ(leaves.size(), 1u) << days.output;
  EXPECT_EQ(leaves[0]["leave_id"], "NW-LR-00188");
  EXPECT_EQ(leaves[0]["used"], 3);
  EXPECT_EQ(leaves[0]["remaining"], 7);

  auto text = host("run --org northwind");
  ASSERT_EQ(text.exit_code, 0) << text.output;
  EXPECT_NE(text.output.find("0 counted, 0 already recorded, 0 mentor prompt(s), 0 warning(s), 1 "
                             "refused"),
            std::string::npos)
      << text.output;
  EXPECT_NE(text.output.find("record NW-KIT-001: /date: found \"2026-07-23\" for E1003; refused "
                             "(no_leave_on_day)"),
            std::string::npos)
      << text.output;
}

namespace {

// The invitations of northwind that wait for an answer, as "person/programme".
std::set<std::string> waiting_invitations(mentoring::host::Runtime& runtime) {
  std::set<std::string> out;
  const json answer = runtime.command("northwind", "invitations", json::object());
  for (const auto& i : answer["invitations"])
    out.insert(i["person_id"].get<std::string>() + "/" + i["programme"].get<std::string>());
  return out;
}

}  // namespace

// mentoring-host serve keeps organisations open between commands (keep_open):
// the lock is free between commands, what another process writes meanwhile is
// seen by the next command, and a lock held elsewhere still makes it busy.
TEST_F(Demo, AKeptOrganisationFreesItsLockBetweenCommandsAndSeesAnotherProcessesWrites) {
  ASSERT_EQ(host("run").exit_code, 0);
  auto config = mentoring::host::load_config(this->config);
  config.lock_wait_seconds = 0;
  mentoring::host::Runtime runtime(config, modules_dir);
  runtime.keep_open(4);

  const auto before = waiting_invitations(runtime);
  ASSERT_FALSE(before.empty());
  EXPECT_EQ(runtime.kept_open(), 1u);
  // Between commands another process gets the organisation at once.
  EXPECT_NO_THROW(mentoring::host::OrganisationLock::acquire("northwind", state / "northwind",
                                                             std::chrono::seconds(0), "test"));

  const std::string invited = *before.begin();
  const auto slash = invited.find('/');
  auto withdrawn = host("command --org northwind withdraw --lock-wait 0 --input '" +
                        json{{"person_id", invited.substr(0, slash)},
                             {"programme", invited.substr(slash + 1)},
                             {"reason", "keep_open test"}}
                            .dump() +
                        "'");
  ASSERT_EQ(withdrawn.exit_code, 0) << withdrawn.output;

  // The kept instance (still the one open) reads what the other process wrote.
  const auto after = waiting_invitations(runtime);
  EXPECT_EQ(runtime.kept_open(), 1u);
  EXPECT_EQ(after.count(invited), 0u) << invited << " still shown as waiting";
  EXPECT_EQ(after.size(), before.size() - 1);

  // Held by someone else during a command: busy, as without keeping; kept still.
  {
    auto held = mentoring::host::OrganisationLock::acquire("northwind", state / "northwind",
                                                           std::chrono::seconds(0), "test");
    EXPECT_THROW(waiting_invitations(runtime), mentoring::host::BusyError);
  }
  EXPECT_EQ(runtime.kept_open(), 1u);
  EXPECT_EQ(waiting_invitations(runtime), after);

  // At most as many as asked: the least recently used goes.
  runtime.keep_open(1);
  runtime.command("riverside", "invitations", json::object());
  EXPECT_EQ(runtime.kept_open(), 1u);
  runtime.keep_open(0);
  EXPECT_EQ(runtime.kept_open(), 0u);
  EXPECT_EQ(waiting_invitations(runtime), after);
  EXPECT_EQ(runtime.kept_open(), 0u);
}

// Its state folder removed between commands: opened anew, not a lock on a deleted file.
TEST_F(Demo, AKeptOrganisationWhoseStateFolderWasReplacedIsOpenedAnew) {
  ASSERT_EQ(host("run").exit_code, 0);
  auto config = mentoring::host::load_config(this->config);
  config.lock_wait_seconds = 0;
  mentoring::host::Runtime runtime(config, modules_dir);
  runtime.keep_open(4);
  ASSERT_FALSE(waiting_invitations(runtime).empty());
  fs::remove_all(state / "northwind");
  EXPECT_TRUE(waiting_invitations(runtime).empty());  // a new, empty database
  // And the lock it holds during a command is the one at the path others lock.
  EXPECT_NO_THROW(mentoring::host::OrganisationLock::acquire("northwind", state / "northwind",
                                                             std::chrono::seconds(0), "test"));
}
