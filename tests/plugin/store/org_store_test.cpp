#include <mentoring/store/migrations.hpp>
#include <mentoring/store/org_store.hpp>
#include <mentoring/store/outbox_repository.hpp>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <tuple>

using namespace mentoring::store;
using namespace mentoring::domain;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path =
      fs::temp_directory_path() /
      ("mentoring-store-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
       "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
  TempDir() {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

Person person(const std::string& id) {
  Person p;
  p.id = id;
  p.name = "Person " + id;
  p.languages = {"English", "Welsh"};
  return p;
}

Leave leave(const std::string& id, const std::string& person_id) {
  Leave l;
  l.id = id;
  l.person_id = person_id;
  l.type = LeaveType::maternity;
  l.start = *parse_date("2027-03-15");
  l.expected_end = *parse_date("2027-09-14");
  l.status = LeaveStatus::approved;
  return l;
}

}  // namespace

TEST(OrgStore, MigratesAnEmptyDatabaseAndReopensWithoutReapplying) {
  TempDir dir;
  {
    OrgStore store(dir.path, "acme");
    EXPECT_EQ(store.schema_version(), migrations().back().version);
    store.upsert(person("P1"));
  }
  OrgStore again(dir.path, "acme");
  EXPECT_EQ(again.schema_version(), migrations().back().version);
  EXPECT_EQ(again.counts().people, 1);
  SQLite::Statement rows(again.database(), "SELECT COUNT(*) FROM schema_version");
  rows.executeStep();
  EXPECT_EQ(rows.getColumn(0).getInt(), static_cast<int>(migrations().size()));
}

TEST(OrgStore, UsesWalAndForeignKeys) {
  TempDir dir;
  OrgStore store(dir.path, "acme");
  SQLite::Statement mode(store.database(), "PRAGMA journal_mode");
  mode.executeStep();
  EXPECT_EQ(mode.getColumn(0).getString(), "wal");
  EXPECT_THROW(store.upsert(leave("L1", "nobody")), SQLite::Exception);
}

TEST(OrgStore, OneFilePerOrganisation) {
  TempDir dir;
  OrgStore a(dir.path, "org-a");
  a.upsert(person("P1"));
  EXPECT_TRUE(fs::exists(dir.path / "org-a.sqlite"));
  EXPECT_FALSE(fs::exists(dir.path / "org-b.sqlite"));
  EXPECT_THROW(OrgStore(dir.path, "../escape"), std::invalid_argument);
}

TEST(OrgStore, UpsertTwiceKeepsOneRowWithTheNewValues) {
  TempDir dir;
  OrgStore store(dir.path, "acme");
  store.upsert(person("P1"));
  Person changed = person("P1");
  changed.name = "Renamed";
  store.upsert(changed);
  EXPECT_EQ(store.counts().people, 1);
  EXPECT_EQ(store.people({"P1"}).at("P1").name, "Renamed");
  EXPECT_EQ(store.people({"P1"}).at("P1").languages,
            (std::vector<std::string>{"English", "Welsh"}));
}

TEST(OrgStore, ARolledBackTransactionLeavesNoTrace) {
  TempDir dir;
  OrgStore store(dir.path, "acme");
  {
    SQLite::Transaction txn(store.database());
    store.upsert(person("P1"));
    store.set_cursor("hr", "people", "abc");
  }  // no commit
  EXPECT_EQ(store.counts().people, 0);
  EXPECT_FALSE(store.cursor("hr", "people"));
}

TEST(OrgStore, EveryTransitionKeepsItsCause) {
  TempDir dir;
  OrgStore store(dir.path, "acme");
  store.upsert(person("P1"));
  store.upsert(leave("L1", "P1"));
  Enrolment e = Enrolment::make("P1", "rtw", Role::mentee, EnrolmentState::invited, "L1", 0);
  auto id = store.insert_enrolment(e, "2026-12-01T12:00:00Z", "leave L1 approved");
  store.transition(id, EnrolmentState::withdrawn, "2026-12-02T12:00:00Z", "leave L1 cancelled");
  EXPECT_THROW(store.transition(id, EnrolmentState::invited, "x", ""), std::invalid_argument);
  auto history = store.history("P1");
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].to_state, "invited");
  EXPECT_EQ(history[0].cause, "leave L1 approved");
  EXPECT_EQ(history[1].from_state, "invited");
  EXPECT_EQ(history[1].to_state, "withdrawn");
  EXPECT_EQ(history[1].cause, "leave L1 cancelled");
}

TEST(Outbox, TheSameIdempotencyKeyIsEnqueuedOnce) {
  TempDir dir;
  OrgStore store(dir.path, "acme");
  SqliteOutboxRepository outbox(store.session());
  EXPECT_TRUE(outbox.enqueue("invite/acme/rtw/P1/L1", "invite", "{}", "t"));
  EXPECT_FALSE(outbox.enqueue("invite/acme/rtw/P1/L1", "invite", "{}", "t"));
  EXPECT_EQ(outbox.count(OutboxState::pending), 1);
  EXPECT_EQ(store.counts().pending_actions, 1);
  outbox.record_failure({"invite/acme/rtw/P1/L1", "lms", "host down", 1, "t1", false, "t2"});
  EXPECT_EQ(outbox.list(OutboxState::pending, 0, 10).at(0).attempts, 1);
  outbox.mark_delivered("invite/acme/rtw/P1/L1", "t2", "");
  EXPECT_EQ(outbox.count(OutboxState::pending), 0);
  EXPECT_EQ(store.counts().pending_actions, 0);
  EXPECT_TRUE(outbox.contains("invite/acme/rtw/P1/L1")) << "delivered still counts";
  EXPECT_FALSE(outbox.contains("invite/acme/rtw/P1/L2"));
}

// Issue 11: OrangeHRM's employee id beside its empNumber, and its Indirect supervisors.
TEST(OrgStore, KeepsEmployeeNumberAndIndirectManagers) {
  TempDir dir;
  OrgStore store(dir.path, "acme");
  Person p = person("42");
  p.manager_id = "7";
  p.employee_number = "E0042";
  p.indirect_manager_ids = {"9", "8", "we\"ird\\one"};
  store.upsert(p);
  store.upsert(person("7"));

  auto read = store.people({"42"}).at("42");
  EXPECT_EQ(read.employee_number, std::optional<std::string>("E0042"));
  EXPECT_EQ(read.indirect_manager_ids, (std::vector<std::string>{"9", "8", "we\"ird\\one"}));
  EXPECT_EQ(store.managers_of("42"), (std::vector<std::string>{"7", "8", "9", "we\"ird\\one"}));
  EXPECT_TRUE(store.managers_of("7").empty());

  auto known = store.people_known_as("E0042");
  ASSERT_EQ(known.size(), 1u);
  EXPECT_EQ(known[0].id, "42");
  EXPECT_EQ(store.people_known_as("42").size(), 1u);
  EXPECT_TRUE(store.people_known_as("e0042").empty());  // exact match only

  // A changed list replaces the old one; an empty list clears it.
  p.indirect_manager_ids = {"10"};
  store.upsert(p);
  EXPECT_EQ(store.managers_of("42"), (std::vector<std::string>{"7", "10"}));
  p.indirect_manager_ids.clear();
  p.employee_number.reset();
  store.upsert_listed(p, "hr", "read-1");
  EXPECT_EQ(store.managers_of("42"), (std::vector<std::string>{"7"}));
  EXPECT_TRUE(store.people_known_as("E0042").empty());
  EXPECT_FALSE(store.people({"42"}).at("42").employee_number.has_value());
}

TEST(OrgStore, ManagerLinksHoldDirectAndIndirectOfPeopleStillListed) {
  TempDir dir;
  OrgStore store(dir.path, "acme");
  Person a = person("A");
  a.manager_id = "M";
  a.indirect_manager_ids = {"I"};
  Person gone = person("G");
  gone.indirect_manager_ids = {"I"};
  store.upsert(a);
  store.upsert(gone);
  store.mark_absent({"G"}, *parse_date("2027-01-01"));
  std::vector<std::pair<std::string, std::string>> links;
  for (const auto& l : store.managers()) links.emplace_back(l.person_id, l.manager_id);
  std::sort(links.begin(), links.end());
  EXPECT_EQ(links, (std::vector<std::pair<std::string, std::string>>{{"A", "I"}, {"A", "M"}}));
}

// "Who are this person's managers" is one query, answered through indexes, not a table scan.
TEST(OrgStore, ManagersOfAPersonIsOneIndexedQuery) {
  TempDir dir;
  OrgStore store(dir.path, "acme");
  SQLite::Statement plan(store.database(),
                         std::string("EXPLAIN QUERY PLAN ") + OrgStore::kManagersOfSql);
  plan.bind(1, "42");
  int searches = 0;
  while (plan.executeStep()) {
    std::string detail = plan.getColumn(3).getString();
    EXPECT_EQ(detail.find("SCAN person"), std::string::npos) << detail;
    EXPECT_EQ(detail.find("SCAN person_manager"), std::string::npos) << detail;
    if (detail.find("SEARCH") != std::string::npos) ++searches;
  }
  EXPECT_EQ(searches, 2);
}

// Branches add migrations in parallel (7: quarantine, 8: people): a database
// that met 8 before 7 existed still gets 7, and every version is applied once.
TEST(Migrations, AMissingVersionBelowTheHighestIsApplied) {
  TempDir dir;
  SQLite::Database db((dir.path / "gap.sqlite").string(),
                      SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  std::vector<Migration> without_seven = {{1, "one", "CREATE TABLE one(x);"},
                                          {8, "eight", "CREATE TABLE eight(x);"}};
  EXPECT_EQ(migrate(db, without_seven), 8);
  std::vector<Migration> merged = {{1, "one", "CREATE TABLE one(x);"},
                                   {7, "seven", "CREATE TABLE seven(x);"},
                                   {8, "eight", "CREATE TABLE eight(x);"}};
  EXPECT_EQ(migrate(db, merged), 8);
  EXPECT_TRUE(db.tableExists("seven"));
  SQLite::Statement versions(db,
                             "SELECT group_concat(version) FROM (SELECT version FROM "
                             "schema_version ORDER BY version)");
  versions.executeStep();
  EXPECT_EQ(versions.getColumn(0).getString(), "1,7,8");
  EXPECT_EQ(migrate(db, merged), 8);  // nothing applied twice (CREATE TABLE would throw)

  std::vector<Migration> disordered = {{8, "eight", ""}, {7, "seven", ""}};
  EXPECT_THROW(migrate(db, disordered), std::logic_error);
}

TEST(Migrations, VersionsAscend) {
  const auto& list = migrations();
  for (std::size_t i = 1; i < list.size(); ++i) EXPECT_LT(list[i - 1].version, list[i].version);
}

// Processes that meet on one new database without the host's lock (a future
// `serve`, another host): every one opens it, each migration runs once, and
// none sees "database is locked" or "table ... already exists".
TEST(Migrations, ProcessesOpeningOneNewDatabaseAtOnceMigrateItOnce) {
  TempDir dir;
  constexpr int kRounds = 10, kProcesses = 4;
  for (int round = 0; round < kRounds; ++round) {
    fs::path folder = dir.path / ("round-" + std::to_string(round));
    fs::create_directories(folder);
    std::vector<pid_t> children;
    for (int i = 0; i < kProcesses; ++i) {
      pid_t pid = ::fork();
      ASSERT_GE(pid, 0);
      if (pid == 0) {
        int code = 0;
        try {
          OrgStore store(folder, "acme");
          SQLite::Transaction txn(store.database());
          store.upsert(person("P" + std::to_string(i)));
          txn.commit();
        } catch (const std::exception& e) {
          std::fprintf(stderr, "process %d: %s\n", i, e.what());
          code = 1;
        }
        std::fflush(stderr);
        ::_exit(code);
      }
      children.push_back(pid);
    }
    for (pid_t pid : children) {
      int status = 0;
      ASSERT_EQ(::waitpid(pid, &status, 0), pid);
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "round " << round;
    }
    OrgStore store(folder, "acme");
    EXPECT_EQ(store.schema_version(), migrations().back().version);
    SQLite::Statement rows(store.database(),
                           "SELECT COUNT(*), COUNT(DISTINCT version) FROM schema_version");
    rows.executeStep();
    EXPECT_EQ(rows.getColumn(0).getInt(), rows.getColumn(1).getInt());
    EXPECT_EQ(rows.getColumn(0).getInt(), static_cast<int>(migrations().size()));
    EXPECT_EQ(store.counts().people, kProcesses);
  }
}

// Issue 16: the planning window's leave, edges included, plus the leave of the programme's open
// enrolments; never the leave of closed ones or another programme's, nor outside the window.
TEST(OrgStore, LeavesForPlanningHoldTheWindowEdgesAndOpenEnrolmentsLeave) {
  TempDir dir;
  OrgStore store(dir.path, "acme");
  store.upsert(person("P1"));
  auto starting = [](const std::string& id, const std::string& start) {
    Leave l = leave(id, "P1");
    l.start = *parse_date(start);
    l.expected_end = l.start + std::chrono::days{100};
    return l;
  };
  for (const auto& [id, start] :
       std::vector<std::pair<std::string, std::string>>{{"before", "2027-02-28"},
                                                        {"first", "2027-03-01"},
                                                        {"inside", "2027-04-15"},
                                                        {"last", "2027-06-01"},
                                                        {"after", "2027-06-02"},
                                                        {"open-early", "2026-01-10"},
                                                        {"open-late", "2028-01-10"},
                                                        {"closed", "2026-02-10"},
                                                        {"other-programme", "2026-03-10"}}) {
    store.upsert(starting(id, start));
  }
  auto enrol = [&](const std::string& programme, const std::string& leave_id,
                   EnrolmentState state) {
    store.insert_enrolment(Enrolment::make("P1", programme, Role::mentee, state, leave_id),
                           "2026-12-01T00:00:00Z", "test");
  };
  enrol("rtw", "open-early", EnrolmentState::eligible);
  enrol("rtw", "open-late", EnrolmentState::active);
  enrol("rtw", "closed", EnrolmentState::expired);
  enrol("other", "other-programme", EnrolmentState::invited);
  std::vector<std::string> ids;
  for (const auto& l :
       store.leaves_for_planning(*parse_date("2027-03-01"), *parse_date("2027-06-01"), "rtw"))
    ids.push_back(l.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"open-early", "first", "inside", "last", "open-late"}));
}

// The lazy management chain's lookup gives each person's links exactly as managers() does.
TEST(OrgStore, ManagerLinksOfOnePersonAreThoseOfManagers) {
  TempDir dir;
  OrgStore store(dir.path, "acme");
  Person a = person("A");
  a.manager_id = "M";
  a.indirect_manager_ids = {"I", "J"};
  Person b = person("B");
  b.manager_id = "A";
  Person gone = person("G");
  gone.manager_id = "M";
  gone.indirect_manager_ids = {"I"};
  for (const auto& p : {a, b, gone, person("M")}) store.upsert(p);
  store.mark_absent({"G"}, *parse_date("2027-01-01"));
  std::map<std::string, std::set<std::string>> from_managers, from_lookup;
  for (const auto& l : store.managers()) from_managers[l.person_id].insert(l.manager_id);
  for (const char* id : {"A", "B", "G", "M", "nobody"}) {
    for (const auto& m : store.manager_links_of(id)) from_lookup[id].insert(m);
  }
  EXPECT_EQ(from_lookup, from_managers);
  EXPECT_EQ(from_lookup["A"], (std::set<std::string>{"I", "J", "M"}));
}

// The enrolments a pass asks for by state, and the counts by state, through the indexes.
TEST(OrgStore, EnrolmentsByStateAndTheirCounts) {
  TempDir dir;
  OrgStore store(dir.path, "acme");
  store.upsert(person("P1"));
  store.upsert(person("P2"));
  std::vector<std::int64_t> ids;
  for (auto [who, role, state] : std::vector<std::tuple<const char*, Role, EnrolmentState>>{
           {"P1", Role::mentee, EnrolmentState::eligible},
           {"P2", Role::mentee, EnrolmentState::invited},
           {"P1", Role::mentor, EnrolmentState::invited},
           {"P2", Role::mentee, EnrolmentState::completed}}) {
    ids.push_back(store.insert_enrolment(Enrolment::make(who, "rtw", role, state),
                                         "2026-12-01T00:00:00Z", "test"));
  }
  store.insert_enrolment(Enrolment::make("P1", "other", Role::mentee, EnrolmentState::invited),
                         "2026-12-01T00:00:00Z", "test");
  auto ids_of = [](const std::vector<Enrolment>& list) {
    std::vector<std::int64_t> out;
    for (const auto& e : list) out.push_back(e.id);
    return out;
  };
  EXPECT_EQ(ids_of(store.enrolments_in_states("rtw",
                                              {EnrolmentState::invited, EnrolmentState::eligible})),
            (std::vector<std::int64_t>{ids[0], ids[1], ids[2]}));
  EXPECT_EQ(ids_of(store.enrolments_in_states("rtw", {EnrolmentState::invited}, Role::mentor)),
            (std::vector<std::int64_t>{ids[2]}));
  EXPECT_TRUE(store.enrolments_in_states("rtw", {}).empty());
  EXPECT_EQ(store.count_enrolments_in(EnrolmentState::invited), 3);
  std::map<std::string, std::int64_t> counts;
  for (const auto& row : store.count_enrolment_states("rtw"))
    counts[std::string(to_string(row.role)) + "/" + std::string(to_string(row.state))] = row.count;
  EXPECT_EQ(counts, (std::map<std::string, std::int64_t>{{"mentee/completed", 1},
                                                         {"mentee/eligible", 1},
                                                         {"mentee/invited", 1},
                                                         {"mentor/invited", 1}}));
}

// The run summary's totals, read without a full scan, equal the counts read row by row.
TEST(OrgStore, TotalsEqualTheCounts) {
  TempDir dir;
  OrgStore store(dir.path, "acme");
  for (const char* id : {"P1", "P2", "P3"}) store.upsert(person(id));
  store.upsert(leave("L1", "P1"));
  store.upsert(leave("L2", "P2"));
  store.upsert(CourseCompletion{"P1", "MT-1", *parse_date("2026-01-01"), std::nullopt});
  store.insert_enrolment(Enrolment::make("P1", "rtw", Role::mentee, EnrolmentState::invited),
                         "2026-12-01T00:00:00Z", "test");
  store.mark_absent({"P3"}, *parse_date("2026-11-01"));
  const auto counts = store.counts();
  const auto totals = store.totals();
  EXPECT_EQ(totals.people, 2);
  EXPECT_EQ(totals.people, counts.people);
  EXPECT_EQ(totals.leave, counts.leave);
  EXPECT_EQ(totals.course_completions, counts.course_completions);
  EXPECT_EQ(totals.open_invitations, counts.open_invitations);
  // None of them reads every row of a table: a whole-table count or an index search.
  for (const char* sql : {"SELECT COUNT(*) FROM person WHERE absent_since IS NOT NULL",
                          "SELECT COUNT(*) FROM enrolment WHERE state = 'invited'"}) {
    SQLite::Statement plan(store.database(), std::string("EXPLAIN QUERY PLAN ") + sql);
    while (plan.executeStep()) {
      const std::string detail = plan.getColumn(3).getString();
      EXPECT_EQ(detail.find("SCAN"), std::string::npos) << sql << ": " << detail;
    }
  }
}

// Migrations 23 and 24 (issue 16) rebuild what a store already holds: course completions
// move into their key's b-tree (WITHOUT ROWID) with every row kept, and a person's leave is
// indexed in start order, which the overlap check then reads without sorting.
TEST(Migrations, CompletionsWithoutRowidAndLeaveByStartKeepAStoresRows) {
  TempDir dir;
  const fs::path file = dir.path / "acme.sqlite";
  {
    SQLite::Database db(file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("PRAGMA foreign_keys = ON");
    std::vector<Migration> before;
    for (const auto& m : migrations())
      if (m.version < 23) before.push_back(m);
    migrate(db, before);
    db.exec("INSERT INTO person(id, name) VALUES ('P1', 'One'), ('P2', 'Two')");
    db.exec(
        "INSERT INTO course_completion VALUES ('P2', 'C1', '2026-01-02', NULL), "
        "('P1', 'C2', '2025-05-01', '2027-05-01'), ('P1', 'C1', '2024-03-03', '2026-03-03'), "
        "('P1', 'C1', '2025-03-03', NULL)");
    db.exec(
        "INSERT INTO leave(id, person_id, type, start_date, expected_end, status, content_key) "
        "VALUES ('L2', 'P1', 'maternity', '2027-03-15', '2027-09-14', 'approved', 'k2'), "
        "('L1', 'P1', 'maternity', '2026-01-01', '2026-02-01', 'approved', 'k1')");
  }
  OrgStore store(dir.path, "acme");
  EXPECT_EQ(store.schema_version(), migrations().back().version);
  SQLite::Statement rows(store.database(),
                         "SELECT group_concat(person_id || '/' || course_id || '/' || completed_at "
                         "|| '/' || COALESCE(expires_at, '-'), ' ') FROM (SELECT * FROM "
                         "course_completion ORDER BY person_id, course_id, completed_at)");
  ASSERT_TRUE(rows.executeStep());
  EXPECT_EQ(rows.getColumn(0).getString(),
            "P1/C1/2024-03-03/2026-03-03 P1/C1/2025-03-03/- P1/C2/2025-05-01/2027-05-01 "
            "P2/C1/2026-01-02/-");
  SQLite::Statement table(store.database(),
                          "SELECT sql FROM sqlite_schema WHERE name = 'course_completion'");
  ASSERT_TRUE(table.executeStep());
  EXPECT_NE(table.getColumn(0).getString().find("WITHOUT ROWID"), std::string::npos);
  // Its index by date is there again, and its upsert and foreign key still hold.
  SQLite::Statement plan(store.database(),
                         "EXPLAIN QUERY PLAN SELECT * FROM course_completion INDEXED BY "
                         "course_completion_by_completed_at WHERE completed_at > '2025-01-01'");
  EXPECT_TRUE(plan.executeStep());
  CourseCompletion again{"P1", "C1", *parse_date("2025-03-03"), parse_date("2028-01-01")};
  EXPECT_EQ(store.upsert(again), UpsertOutcome::stored);
  EXPECT_EQ(store.upsert(again), UpsertOutcome::unchanged);
  EXPECT_EQ(store.completions_of("P1").size(), 3u);
  EXPECT_THROW(store.upsert(CourseCompletion{"nobody", "C1", *parse_date("2025-03-03"), {}}),
               SQLite::Exception);
  // The overlap check finds the person's first overlapping leave by start, through the index.
  Leave wide = leave("L3", "P1");
  wide.start = *parse_date("2025-12-01");
  wide.expected_end = *parse_date("2027-12-01");
  EXPECT_EQ(store.overlapping_leave(wide), std::optional<std::string>("L1"));
  SQLite::Statement overlap_plan(
      store.database(),
      "EXPLAIN QUERY PLAN SELECT id FROM leave WHERE person_id = ?1 AND id <> ?2 AND status IN "
      "('approved', 'requested') AND start_date <= ?4 AND COALESCE(actual_end, expected_end) >= "
      "?3 ORDER BY start_date LIMIT 1");
  std::string plan_text;
  while (overlap_plan.executeStep()) plan_text += overlap_plan.getColumn(3).getString() + "\n";
  EXPECT_NE(plan_text.find("leave_by_person"), std::string::npos) << plan_text;
  EXPECT_EQ(plan_text.find("TEMP B-TREE"), std::string::npos) << plan_text;
}
