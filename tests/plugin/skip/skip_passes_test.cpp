// Issue 16: a run skips the module passes when nothing they read changed since a run today
// whose passes completed without writing anything (store_revision.hpp). These tests drive
// the real plugin with the demo organisation (all modules on) served from memory, and check
// that every change the passes could react to makes the next run run them, and that skipping
// never changes what anyone receives.
#include <mentoring/fake_host.hpp>
#include <mentoring/loader.hpp>
#include <mentoring/schema.hpp>
#include <mentoring/store/org_store.hpp>
#include <mentoring/store/store_revision.hpp>

#include <gtest/gtest.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <map>
#include <set>

using json = nlohmann::json;
using namespace mentoring::host;

namespace {

// The demo exports, read once through the real file adapter, then served from memory; a
// changed export is a new version (the cursor tells the plugin what it last read).
struct DemoHr {
  json people, leave, completions;
  int version = 1;
  std::vector<json> pushed;

  void load(const mentoring_host* host) {
    json org =
        mentoring::schema::parse_file(std::string(EXAMPLES_DIR) + "/demo/orgs/northwind.json");
    json settings = org["adapters"][0]["settings"];
    settings.erase("outbox");
    json config = {{"organisation", "northwind"},
                   {"name", "hr-export"},
                   {"base_dir", std::string(EXAMPLES_DIR) + "/demo/orgs"},
                   {"settings", settings}};
    ModuleInstance file(ModuleLibrary::load(FILE_ADAPTER_PATH), host, config.dump());
    auto pull = [&](const char* stream) {
      return json::parse(
          file.call("pull", json{{"stream", stream}, {"cursor", nullptr}}.dump()))["records"];
    };
    people = pull("people");
    leave = pull("leave");
    completions = pull("course_completions");
  }

  std::string handle(const std::string& command, const std::string& input) {
    json in = json::parse(input);
    if (command == "push") {
      json results = json::array();
      for (const auto& a : in["actions"]) {
        pushed.push_back(a);
        results.push_back({{"idempotency_key", a["idempotency_key"]}, {"status", "done"}});
      }
      return json{{"results", results}}.dump();
    }
    std::string cursor = "v" + std::to_string(version);
    if (in["cursor"] == cursor)
      return json{{"records", json::array()}, {"next_cursor", cursor}, {"unchanged", true}}.dump();
    std::string stream = in["stream"];
    const json& records = stream == "people" ? people : stream == "leave" ? leave : completions;
    return json{{"records", records}, {"next_cursor", cursor}, {"more", false}}.dump();
  }
};

json demo_config() {
  json org = mentoring::schema::parse_file(std::string(EXAMPLES_DIR) + "/demo/orgs/northwind.json");
  json programmes = json::array();
  for (const auto& path : org["programmes"]) {
    programmes.push_back(mentoring::schema::parse_file(std::string(EXAMPLES_DIR) + "/demo/orgs/" +
                                                       path.get<std::string>()));
  }
  return {{"id", "northwind"},       {"name", "Northwind"},      {"modules", org["modules"]},
          {"policy", org["policy"]}, {"programmes", programmes}, {"adapters", json::array()}};
}

// One organisation: a fake host, its HR export in memory, the plugin.
struct Organisation {
  mentoring::testing::FakeHost host;
  DemoHr hr;
  json config = demo_config();
  std::unique_ptr<ModuleInstance> plugin;
  bool never_skip = false;  // the test hook: MENTORING_NEVER_SKIP_PASSES=1 for its runs

  Organisation() {
    host.set_organisation("northwind");
    hr.load(host.host());
    host.add_adapter(
        "hr-export", {"read_people", "read_leave", "read_course_completions", "write_actions"},
        [this](const std::string& c, const std::string& i) { return hr.handle(c, i); });
    host.set_today("2026-12-01");
    load_plugin();
  }
  void load_plugin() {
    plugin.reset();
    plugin = std::make_unique<ModuleInstance>(ModuleLibrary::load(MENTORING_PLUGIN_PATH),
                                              host.host(), config.dump());
  }
  json run_on(const std::string& day) {
    host.set_today(day);
    if (never_skip) ::setenv("MENTORING_NEVER_SKIP_PASSES", "1", 1);
    json out = json::parse(plugin->call("run", "{}"));
    ::unsetenv("MENTORING_NEVER_SKIP_PASSES");
    return out;
  }
  // Runs until a run skips (at most four runs): the number of runs that ran the passes.
  int settle(const std::string& day) {
    for (int ran = 0; ran < 4; ++ran) {
      if (skipped(run_on(day))) return ran;
    }
    ADD_FAILURE() << "four runs on " << day << " never reached a run that skips";
    return 4;
  }
  static bool skipped(const json& summary) {
    bool any = false;
    for (const auto& [name, m] : summary["modules"].items()) {
      if (!m.value("enabled", false)) continue;
      if (m.value("status", "") != "unchanged") return false;
      any = true;
    }
    return any;
  }
  std::string invited_mentee(const json& summary) {
    return summary["modules"]["enrolment"]["invited"][0]["person_id"];
  }
};

class SkipPasses : public ::testing::Test {
 protected:
  Organisation org;
};

}  // namespace

TEST_F(SkipPasses, ARunAfterOneThatLeftNothingToDoSkipsAndSaysSo) {
  json first = org.run_on("2026-12-01");
  ASSERT_FALSE(first["modules"]["enrolment"]["invited"].empty());
  EXPECT_FALSE(Organisation::skipped(first));
  // The first run wrote (invitations), then tried its passes again and found they would
  // write nothing: the next run skips.
  json third = org.run_on("2026-12-01");
  ASSERT_TRUE(Organisation::skipped(third)) << third["modules"].dump();
  for (const auto& [name, m] : third["modules"].items()) {
    EXPECT_TRUE(m["enabled"].get<bool>()) << name;
    EXPECT_EQ(m["status"], "unchanged") << name;
    EXPECT_EQ(m["since"], "2026-12-01T00:00:00Z") << name;  // the first run's end
  }
  EXPECT_EQ(third["actions"]["delivered"], 0);
  EXPECT_EQ(third["totals"], first["totals"]);
  EXPECT_EQ(third["privacy"]["pseudonymised"], 0);
  // And it stays so while nothing changes.
  EXPECT_TRUE(Organisation::skipped(org.run_on("2026-12-01")));
}

TEST_F(SkipPasses, AChangedExportRecordRunsThePasses) {
  org.settle("2026-12-01");
  org.hr.people[0]["name"] = "Someone Renamed";
  ++org.hr.version;
  json after = org.run_on("2026-12-01");
  EXPECT_FALSE(Organisation::skipped(after)) << after["modules"].dump();
  EXPECT_EQ(after["modules"]["enrolment"]["status"], "ran");
}

TEST_F(SkipPasses, ANewDayRunsThePasses) {
  org.settle("2026-12-01");
  json next_day = org.run_on("2026-12-02");
  EXPECT_FALSE(Organisation::skipped(next_day)) << next_day["modules"].dump();
  EXPECT_EQ(next_day["modules"]["enrolment"]["status"], "ran");
}

TEST_F(SkipPasses, AnHrCommandThatWritesRunsThePasses) {
  json first = org.run_on("2026-12-01");
  const std::string mentee = org.invited_mentee(first);
  org.settle("2026-12-01");
  org.plugin->call("accept", json{{"person_id", mentee}}.dump());
  json after = org.run_on("2026-12-01");
  EXPECT_FALSE(Organisation::skipped(after)) << after["modules"].dump();
  // A command from another process (another store connection) counts the same way.
  org.settle("2026-12-01");
  {
    mentoring::store::OrgStore other(org.host.storage_directory(), "northwind");
    mentoring::store::StoreRevision revision(other.database());
    const auto before = revision.current();
    other.database().exec("UPDATE person SET name = name || ' (another process)' WHERE id = '" +
                          mentee + "'");
    EXPECT_EQ(revision.current(), before + 1);
  }
  EXPECT_FALSE(Organisation::skipped(org.run_on("2026-12-01")));
}

TEST_F(SkipPasses, AConfigChangeRunsThePasses) {
  org.settle("2026-12-01");
  org.config["policy"]["programme_manager_email"] = "someone.else@northwind-health.example";
  org.load_plugin();
  json after = org.run_on("2026-12-01");
  EXPECT_FALSE(Organisation::skipped(after)) << after["modules"].dump();
}

TEST_F(SkipPasses, AFailedModulePassIsNotAFixpoint) {
  // The enrolment pass fails when it invites (a trigger the test adds refuses new
  // enrolments): the run is not complete, so the next run the same day runs the passes,
  // although nothing was written since.
  const std::string database = org.host.storage_directory() + "/northwind.sqlite";
  mentoring::store::OrgStore created(org.host.storage_directory(), "northwind");  // migrated
  SQLite::Database raw(database, SQLite::OPEN_READWRITE);
  raw.exec(
      "CREATE TRIGGER test_refuses_enrolments BEFORE INSERT ON enrolment "
      "BEGIN SELECT RAISE(ABORT, 'test: enrolments refused'); END");
  json failed = org.run_on("2026-12-01");
  ASSERT_EQ(failed["modules"]["enrolment"]["status"], "failed") << failed["modules"].dump();
  json again = org.run_on("2026-12-01");
  ASSERT_EQ(again["modules"]["enrolment"]["status"], "failed");
  raw.exec("DROP TRIGGER test_refuses_enrolments");  // changes no row: the revision stays
  json after = org.run_on("2026-12-01");
  EXPECT_FALSE(Organisation::skipped(after)) << after["modules"].dump();
  EXPECT_FALSE(after["modules"]["enrolment"]["invited"].empty());
}

TEST_F(SkipPasses, SkippingNeverChangesWhatAnyoneReceives) {
  // The same weeks twice: once skipping where it can, once never skipping (the test hook);
  // each day run three times, an HR answer and export changes on the way.
  Organisation never;
  never.never_skip = true;
  int skipped_runs = 0;
  for (Organisation* o : {&org, &never}) {
    std::string mentee;
    for (const char* day : {"2026-12-01", "2026-12-02", "2026-12-08", "2026-12-15", "2026-12-22",
                            "2026-12-29", "2027-01-05", "2027-01-12", "2027-02-02"}) {
      for (int i = 0; i < 3; ++i) {
        json summary = o->run_on(day);
        if (o == &org && Organisation::skipped(summary)) ++skipped_runs;
        if (o == &never) {
          EXPECT_FALSE(Organisation::skipped(summary)) << day;
        }
        if (mentee.empty() && !summary["modules"]["enrolment"]["invited"].empty())
          mentee = o->invited_mentee(summary);
      }
      if (std::string(day) == "2026-12-08")
        o->plugin->call("accept", json{{"person_id", mentee}, {"goal", "keep in touch"}}.dump());
      if (std::string(day) == "2026-12-15") {
        o->hr.completions.push_back(
            {{"person_id", mentee}, {"course_id", "RTW-PAIR-01"}, {"completed_at", "2026-12-14"}});
        ++o->hr.version;
      }
    }
  }
  EXPECT_GT(skipped_runs, 9);  // at least once a day
  ASSERT_EQ(org.hr.pushed.size(), never.hr.pushed.size());
  // A link's token holds a random nonce: the same action, told apart by chance only.
  auto without_token = [](json action) {
    if (action["payload"].contains("link")) action["payload"]["link"].erase("token");
    return action;
  };
  for (std::size_t i = 0; i < org.hr.pushed.size(); ++i) {
    EXPECT_EQ(without_token(org.hr.pushed[i]), without_token(never.hr.pushed[i])) << "action " << i;
  }
  EXPECT_GT(org.hr.pushed.size(), 10u);
}

TEST(StoreRevision, CountsWriteTransactionsOnceWhateverTheirSize) {
  mentoring::testing::FakeHost host;
  mentoring::store::OrgStore store(host.storage_directory(), "acme");
  mentoring::store::StoreRevision revision(store.database());
  const auto start = revision.current();
  {
    SQLite::Transaction txn(store.database());
    for (int i = 0; i < 500; ++i) {
      mentoring::domain::Person p;
      p.id = "p" + std::to_string(i);
      p.name = "Person " + std::to_string(i);
      store.upsert(p);
    }
    txn.commit();
  }
  EXPECT_EQ(revision.current(), start + 1);
  // A savepoint rolled back takes its count with it; the transaction's next write counts.
  {
    SQLite::Transaction txn(store.database());
    store.database().exec("SAVEPOINT one");
    store.database().exec("UPDATE person SET name = 'x' WHERE id = 'p1'");
    store.database().exec("ROLLBACK TO one");
    store.database().exec("RELEASE one");
    EXPECT_EQ(revision.current(), start + 1);
    store.database().exec("UPDATE person SET name = 'y' WHERE id = 'p2'");
    txn.commit();
  }
  EXPECT_EQ(revision.current(), start + 2);
  // A transaction rolled back counts nothing; a statement without a transaction counts once.
  {
    SQLite::Transaction txn(store.database());
    store.database().exec("DELETE FROM person WHERE id = 'p3'");
  }
  EXPECT_EQ(revision.current(), start + 2);
  store.database().exec("DELETE FROM person WHERE id = 'p3'");
  EXPECT_EQ(revision.current(), start + 3);
  // An update that matches no row writes nothing; where an adapter's read got to is not
  // read by the passes and does not count.
  store.database().exec("UPDATE person SET name = 'z' WHERE id = 'nobody'");
  store.set_cursor("hr", "people", "c1");
  EXPECT_EQ(revision.current(), start + 3);
  // Another connection (another process's store) counts too.
  mentoring::store::OrgStore other(host.storage_directory(), "acme");
  other.database().exec("UPDATE person SET name = 'w' WHERE id = 'p4'");
  EXPECT_EQ(revision.current(), start + 4);
}

// A sync page of at least 1000 records pauses the revision's per-row triggers after its first
// stored record (OrgStore::pause_revision_counting) and creates them again before the commit:
// the sync's writes count, and so do the plugin's writes after it on the same connection.
TEST_F(SkipPasses, ALargeSyncPageCountsAndTheCountingResumesAfterIt) {
  for (int i = 0; i < 1200; ++i)
    org.hr.people.push_back(
        {{"id", "X" + std::to_string(i)}, {"name", "Extra " + std::to_string(i)}});
  json first = org.run_on("2026-12-01");
  ASSERT_EQ(first["sync"][0]["stored"].get<int>(), static_cast<int>(org.hr.people.size()))
      << first["sync"].dump();
  const std::string mentee = org.invited_mentee(first);
  EXPECT_EQ(org.settle("2026-12-01"), 0);  // the first run's fixpoint stands
  // A changed record in a large page: the paused transaction counted.
  org.hr.people.back()["name"] = "Extra Renamed";
  ++org.hr.version;
  EXPECT_FALSE(Organisation::skipped(org.run_on("2026-12-01")));
  org.settle("2026-12-01");
  // The plugin's own connection wrote a large page in this process: its next write counts.
  ++org.hr.version;  // the same records again, all stored (people are always written)
  org.run_on("2026-12-01");
  org.settle("2026-12-01");
  org.plugin->call("accept", json{{"person_id", mentee}}.dump());
  EXPECT_FALSE(Organisation::skipped(org.run_on("2026-12-01")));
}

// Pausing: the transaction counts once, at the pause, and its later rows run no trigger; the
// triggers are back after the commit, after a rollback and after a refused commit.
TEST(StoreRevision, APausedTransactionCountsOnceAndTheTriggersComeBack) {
  mentoring::testing::FakeHost host;
  mentoring::store::OrgStore store(host.storage_directory(), "acme");
  mentoring::store::StoreRevision revision(store.database());
  auto& db = store.database();
  const auto start = revision.current();
  EXPECT_THROW(store.pause_revision_counting(), std::logic_error);  // outside a transaction
  {
    SQLite::Transaction txn(db);
    store.pause_revision_counting();  // counts at once, even before a write
    EXPECT_EQ(revision.current(), start + 1);
    for (int i = 0; i < 100; ++i)
      db.exec("INSERT INTO person(id, name) VALUES ('p" + std::to_string(i) + "', 'P')");
    store.pause_revision_counting();  // already paused: nothing more
    EXPECT_EQ(revision.current(), start + 1);
    store.resume_revision_counting();
    txn.commit();
  }
  EXPECT_EQ(revision.current(), start + 1);
  db.exec("UPDATE person SET name = 'Q' WHERE id = 'p1'");  // the triggers are back
  EXPECT_EQ(revision.current(), start + 2);
  {
    SQLite::Transaction txn(db);
    store.pause_revision_counting();
    db.exec("UPDATE person SET name = 'R' WHERE id = 'p2'");
  }  // rolled back: its count and its dropped triggers with it
  EXPECT_EQ(revision.current(), start + 2);
  db.exec("UPDATE person SET name = 'S' WHERE id = 'p3'");
  EXPECT_EQ(revision.current(), start + 3);
  {
    // Committing while paused is refused (the commit hook turns it into a rollback).
    SQLite::Transaction txn(db);
    store.pause_revision_counting();
    db.exec("UPDATE person SET name = 'T' WHERE id = 'p4'");
    EXPECT_THROW(txn.commit(), SQLite::Exception);
  }
  EXPECT_EQ(revision.current(), start + 3);
  SQLite::Statement name(db, "SELECT name FROM person WHERE id = 'p4'");
  ASSERT_TRUE(name.executeStep());
  EXPECT_EQ(name.getColumn(0).getString(), "P");  // not committed
  name.reset();
  db.exec("UPDATE person SET name = 'U' WHERE id = 'p5'");
  EXPECT_EQ(revision.current(), start + 4);
  {
    // A savepoint taken before the pause and rolled back brings the triggers back, and takes
    // the count away: the next write counts again.
    SQLite::Transaction txn(db);
    db.exec("SAVEPOINT bulk");
    store.pause_revision_counting();
    db.exec("ROLLBACK TO bulk");
    db.exec("RELEASE bulk");
    EXPECT_EQ(revision.current(), start + 4);
    db.exec("UPDATE person SET name = 'V' WHERE id = 'p6'");
    EXPECT_EQ(revision.current(), start + 5);
    store.resume_revision_counting();
    txn.commit();
  }
  EXPECT_EQ(revision.current(), start + 5);
}

// A statement rolled back after its trigger fired (it failed on a later row) takes its count
// away; the transaction's next write counts again, and a transaction left with no write
// counts nothing.
TEST(StoreRevision, AStatementRolledBackAfterItsTriggerFiredCountsNothing) {
  mentoring::testing::FakeHost host;
  mentoring::store::OrgStore store(host.storage_directory(), "acme");
  mentoring::store::StoreRevision revision(store.database());
  auto& db = store.database();
  db.exec("INSERT INTO person(id, name) VALUES ('p1', 'P')");
  const auto start = revision.current();
  {
    SQLite::Transaction txn(db);
    // 'p2' is inserted (its trigger counts), then 'p1' breaks the primary key: the statement
    // is undone, its count with it.
    EXPECT_THROW(db.exec("INSERT INTO person(id, name) VALUES ('p2', 'P'), ('p1', 'P')"),
                 SQLite::Exception);
    EXPECT_EQ(revision.current(), start);
    txn.commit();
  }
  EXPECT_EQ(revision.current(), start);
  {
    SQLite::Transaction txn(db);
    EXPECT_THROW(db.exec("INSERT INTO person(id, name) VALUES ('p2', 'P'), ('p1', 'P')"),
                 SQLite::Exception);
    db.exec("INSERT INTO person(id, name) VALUES ('p3', 'P')");
    EXPECT_EQ(revision.current(), start + 1);
    txn.commit();
  }
  EXPECT_EQ(revision.current(), start + 1);
}

TEST(StoreRevision, RecordsAFixpointOnlyWhenCompleteAndNothingWasWritten) {
  mentoring::testing::FakeHost host;
  mentoring::store::OrgStore store(host.storage_directory(), "acme");
  mentoring::store::StoreRevision revision(store.database());
  const auto before = revision.current();
  revision.record_passes(true, before, "2026-12-01", "f", "2026-12-01T10:00:00Z");
  auto fixpoint = revision.last_fixpoint();
  ASSERT_TRUE(fixpoint);
  EXPECT_EQ(fixpoint->revision, before);
  EXPECT_EQ(fixpoint->today, "2026-12-01");
  revision.record_passes(false, before, "2026-12-01", "f", "2026-12-01T10:00:00Z");
  EXPECT_FALSE(revision.last_fixpoint());
  revision.record_passes(true, before, "2026-12-01", "f", "2026-12-01T10:00:00Z");
  store.database().exec("INSERT INTO person(id, name) VALUES ('p', 'P')");
  revision.record_passes(true, before, "2026-12-01", "f", "2026-12-01T10:00:00Z");
  EXPECT_FALSE(revision.last_fixpoint());  // something was written during the passes
}
