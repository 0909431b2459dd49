// Which version of a leave the store keeps: a changed leave is applied
// whatever its status sorts like; an update the host made before the stored
// one is ignored (and said to be), and the migration keeps old files' rows.
#include <mentoring/store/migrations.hpp>
#include <mentoring/store/org_store.hpp>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <gtest/gtest.h>

#include <filesystem>

using namespace mentoring::store;
using namespace mentoring::domain;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path = fs::temp_directory_path() /
                  ("mentoring-leave-versions-" +
                   std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
  TempDir() {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

Leave leave(LeaveStatus status, std::optional<std::string> last_changed = std::nullopt) {
  Leave l;
  l.id = "L1";
  l.person_id = "P1";
  l.type = LeaveType::maternity;
  l.start = *parse_date("2027-03-15");
  l.expected_end = *parse_date("2027-09-14");
  l.status = status;
  l.last_changed = std::move(last_changed);
  return l;
}

struct LeaveVersions : ::testing::Test {
  TempDir dir;
  OrgStore store{dir.path, "acme"};
  void SetUp() override {
    Person p;
    p.id = "P1";
    p.name = "Person One";
    store.upsert(p);
  }
  LeaveStatus stored_status() { return store.leave("L1")->status; }
};

}  // namespace

// Every change a host without change times can send, in order: each one is
// the newest read and wins ("approved" sorts before "requested", "cancelled"
// before "requested": the store used to keep the requested leave for good).
TEST_F(LeaveVersions, WithoutLastChangedTheNewestReadWinsWhateverItsStatusSortsLike) {
  EXPECT_EQ(store.upsert(leave(LeaveStatus::requested)), UpsertOutcome::stored);
  EXPECT_EQ(store.upsert(leave(LeaveStatus::approved)), UpsertOutcome::stored);
  EXPECT_EQ(stored_status(), LeaveStatus::approved);
  EXPECT_EQ(store.upsert(leave(LeaveStatus::approved)), UpsertOutcome::unchanged);
  EXPECT_EQ(store.upsert(leave(LeaveStatus::cancelled)), UpsertOutcome::stored);
  EXPECT_EQ(stored_status(), LeaveStatus::cancelled);
  EXPECT_EQ(store.upsert(leave(LeaveStatus::requested)), UpsertOutcome::stored);
  EXPECT_EQ(store.upsert(leave(LeaveStatus::denied)), UpsertOutcome::stored);
  EXPECT_EQ(stored_status(), LeaveStatus::denied);
}

TEST_F(LeaveVersions, WithLastChangedALaterChangeWinsAndAnEarlierOneIsIgnoredAsOlder) {
  EXPECT_EQ(store.upsert(leave(LeaveStatus::requested, "2026-11-01T10:00:00Z")),
            UpsertOutcome::stored);
  EXPECT_EQ(store.upsert(leave(LeaveStatus::approved, "2026-11-03T10:00:00Z")),
            UpsertOutcome::stored);
  // Out of order: the request, changed before the approval, arrives again.
  EXPECT_EQ(store.upsert(leave(LeaveStatus::requested, "2026-11-01T10:00:00Z")),
            UpsertOutcome::older);
  EXPECT_EQ(stored_status(), LeaveStatus::approved);
  EXPECT_EQ(store.upsert(leave(LeaveStatus::approved, "2026-11-03T10:00:00Z")),
            UpsertOutcome::unchanged);
}

// The same content stamped later moves the stored change time on, so a
// version changed between the two is still recognised as older.
TEST_F(LeaveVersions, TheSameContentChangedLaterKeepsTheLaterTime) {
  store.upsert(leave(LeaveStatus::approved, "2026-11-01T10:00:00Z"));
  EXPECT_EQ(store.upsert(leave(LeaveStatus::approved, "2026-11-05T10:00:00Z")),
            UpsertOutcome::unchanged);
  EXPECT_EQ(store.upsert(leave(LeaveStatus::cancelled, "2026-11-03T10:00:00Z")),
            UpsertOutcome::older);
  EXPECT_EQ(stored_status(), LeaveStatus::approved);
  EXPECT_EQ(store.leave("L1")->last_changed, "2026-11-05T10:00:00Z");
}

// A first sync stores each new leave in one statement (insert_new_leave):
// only a leave the store does not hold; one it holds, whatever its content,
// is left to the upsert to compare.
TEST_F(LeaveVersions, ANewLeaveIsInsertedInOneStatementAndAStoredOneLeftToTheUpsert) {
  auto with = [](std::string id, LeaveStatus status, std::optional<std::string> changed) {
    Leave l = leave(status, std::move(changed));
    l.id = std::move(id);
    return l;
  };
  EXPECT_TRUE(store.insert_new_leave(with("L1", LeaveStatus::approved, "2026-11-03T10:00:00Z")));
  // Stored already, even with other content: nothing changes.
  EXPECT_FALSE(store.insert_new_leave(with("L1", LeaveStatus::cancelled, "2026-11-05T10:00:00Z")));
  EXPECT_EQ(stored_status(), LeaveStatus::approved);
  EXPECT_EQ(store.leave("L1")->last_changed, "2026-11-03T10:00:00Z");
  // The content key it stored is the upsert's own: the same leave is unchanged,
  // an earlier change older, a later one stored.
  EXPECT_EQ(store.upsert(with("L1", LeaveStatus::approved, "2026-11-03T10:00:00Z")),
            UpsertOutcome::unchanged);
  EXPECT_EQ(store.upsert(with("L1", LeaveStatus::requested, "2026-11-01T10:00:00Z")),
            UpsertOutcome::older);
  EXPECT_EQ(store.upsert(with("L1", LeaveStatus::cancelled, "2026-11-05T10:00:00Z")),
            UpsertOutcome::stored);
  EXPECT_EQ(stored_status(), LeaveStatus::cancelled);
  // Without a change time, every column as given.
  Leave second = with("L2", LeaveStatus::requested, std::nullopt);
  second.actual_end = *parse_date("2027-09-01");
  EXPECT_TRUE(store.insert_new_leave(second));
  auto stored = store.leave("L2");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->person_id, "P1");
  EXPECT_EQ(stored->type, LeaveType::maternity);
  EXPECT_EQ(stored->status, LeaveStatus::requested);
  EXPECT_EQ(format_date(stored->start), "2027-03-15");
  EXPECT_EQ(format_date(stored->expected_end), "2027-09-14");
  EXPECT_EQ(stored->actual_end, parse_date("2027-09-01"));
  EXPECT_FALSE(stored->last_changed);
  EXPECT_EQ(store.upsert(second), UpsertOutcome::unchanged);
  EXPECT_EQ(store.counts().leave, 2);
}

// A file written before migration 7 kept last_changed at the front of the
// version key: after the migration the same record reads as unchanged, and a
// later one still replaces it.
TEST(LeaveVersionsMigration, OldVersionKeysBecomeContentKeys) {
  TempDir dir;
  {
    SQLite::Database db((dir.path / "acme.sqlite").string(),
                        SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec(
        "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL,"
        " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')))");
    for (const auto& m : migrations()) {
      if (m.version > 6) break;
      db.exec(std::string(m.sql));
      SQLite::Statement record(db, "INSERT INTO schema_version(version, description) VALUES (?,?)");
      record.bind(1, m.version);
      record.bind(2, std::string(m.description));
      record.exec();
    }
    db.exec("INSERT INTO person(id, name) VALUES ('P1', 'Person One')");
    db.exec(
        "INSERT INTO leave(id, person_id, type, start_date, expected_end, status, last_changed, "
        "version_key) VALUES ('L1', 'P1', 'maternity', '2027-03-15', '2027-09-14', 'approved', "
        "'2026-11-01T10:00:00Z', "
        "'2026-11-01T10:00:00Z|2027-03-15|2027-09-14||approved|maternity|P1')");
    db.exec(
        "INSERT INTO leave(id, person_id, type, start_date, expected_end, status, version_key) "
        "VALUES ('L2', 'P1', 'maternity', '2028-03-15', '2028-09-14', 'requested', "
        "'|2028-03-15|2028-09-14||requested|maternity|P1')");
  }
  OrgStore store(dir.path, "acme");
  EXPECT_GE(store.schema_version(), 7);
  EXPECT_EQ(store.upsert(leave(LeaveStatus::approved, "2026-11-01T10:00:00Z")),
            UpsertOutcome::unchanged);
  Leave second = leave(LeaveStatus::requested);
  second.id = "L2";
  second.start = *parse_date("2028-03-15");
  second.expected_end = *parse_date("2028-09-14");
  EXPECT_EQ(store.upsert(second), UpsertOutcome::unchanged);
  second.status = LeaveStatus::approved;
  EXPECT_EQ(store.upsert(second), UpsertOutcome::stored);
  EXPECT_EQ(store.upsert(leave(LeaveStatus::cancelled, "2026-11-02T10:00:00Z")),
            UpsertOutcome::stored);
}
