#include <mentoring/store/migrations.hpp>
#include <mentoring/store/org_store.hpp>
#include <mentoring/store/outbox.hpp>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <gtest/gtest.h>

#include <filesystem>

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
  Outbox outbox(store.database());
  EXPECT_TRUE(outbox.enqueue("invite/acme/rtw/P1/L1", "invite", "{}", "t"));
  EXPECT_FALSE(outbox.enqueue("invite/acme/rtw/P1/L1", "invite", "{}", "t"));
  EXPECT_EQ(outbox.count_pending(), 1);
  outbox.mark_failed("invite/acme/rtw/P1/L1", "host down");
  EXPECT_EQ(outbox.pending().at(0).attempts, 1);
  outbox.mark_delivered("invite/acme/rtw/P1/L1", "t2");
  EXPECT_EQ(outbox.count_pending(), 0);
  EXPECT_TRUE(outbox.contains("invite/acme/rtw/P1/L1")) << "delivered still counts";
  EXPECT_FALSE(outbox.contains("invite/acme/rtw/P1/L2"));
}
