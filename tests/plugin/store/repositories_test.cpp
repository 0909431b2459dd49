// The repositories of issue 17 (people, sync cursors), each test run against every backend
// in kBackends: SQLite today; PostgreSQL joins the list with its repositories, so the same
// tests hold both to the same behaviour.
#include <mentoring/store/cursor_repository.hpp>
#include <mentoring/store/org_store.hpp>
#include <mentoring/store/people_repository.hpp>
#include <mentoring/store/store_session.hpp>

#include <SQLiteCpp/Transaction.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

using namespace mentoring::store;
using namespace mentoring::domain;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path = fs::temp_directory_path() /
                  ("mentoring-repositories-test-" +
                   std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
                   std::to_string(::getpid()));
  TempDir() {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

// One organisation's repositories on one backend, and that backend's transaction.
class Backend {
 public:
  virtual ~Backend() = default;
  virtual PeopleRepository& people() = 0;
  virtual CursorRepository& cursors() = 0;
  virtual void begin() = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;
};

class SqliteBackend final : public Backend {
 public:
  explicit SqliteBackend(const fs::path& directory)
      : session_(directory, "acme"), people_(session_), cursors_(session_) {}
  PeopleRepository& people() override { return people_; }
  CursorRepository& cursors() override { return cursors_; }
  void begin() override { txn_.emplace(session_.database()); }
  void commit() override {
    txn_->commit();
    txn_.reset();
  }
  void rollback() override { txn_.reset(); }  // a Transaction not committed rolls back

 private:
  StoreSession session_;
  SqlitePeopleRepository people_;
  SqliteCursorRepository cursors_;
  std::optional<SQLite::Transaction> txn_;
};

struct BackendKind {
  const char* name;
  std::function<std::unique_ptr<Backend>(const fs::path&)> open;
};

const BackendKind kBackends[] = {
    {"sqlite", [](const fs::path& dir) { return std::make_unique<SqliteBackend>(dir); }},
};

class Repositories : public ::testing::TestWithParam<BackendKind> {
 protected:
  TempDir dir;
  std::unique_ptr<Backend> backend = GetParam().open(dir.path);
  PeopleRepository& people = backend->people();
  CursorRepository& cursors = backend->cursors();
};

Person person(const std::string& id) {
  Person p;
  p.id = id;
  p.name = "Person " + id;
  return p;
}

std::vector<std::string> present(PeopleRepository& people) {
  std::vector<std::string> ids;
  people.for_each_present_person([&](std::string_view id) { ids.emplace_back(id); });
  std::sort(ids.begin(), ids.end());
  return ids;
}

using Ids = std::vector<std::string>;

}  // namespace

// --- people -------------------------------------------------------------------------------

TEST_P(Repositories, APersonReadsBackWithEveryField) {
  Person p = person("P1");
  p.email = "p1@example.org";
  p.manager_id = "M1";
  p.department = "Radiology";
  p.location = "Cardiff";
  p.start_date = parse_date("2020-01-06");
  p.end_date = parse_date("2030-12-31");
  p.languages = {"English", "Welsh"};
  p.employee_number = "E-0042";
  p.indirect_manager_ids = {"M2", "M \"3\"\\"};  // the JSON array escapes both
  people.upsert(p);

  auto read = people.people({"P1", "nobody"});
  ASSERT_EQ(read.size(), 1u);
  const Person& back = read.at("P1");
  EXPECT_EQ(back.name, "Person P1");
  EXPECT_EQ(back.email, p.email);
  EXPECT_EQ(back.manager_id, p.manager_id);
  EXPECT_EQ(back.department, p.department);
  EXPECT_EQ(back.location, p.location);
  EXPECT_EQ(back.start_date, p.start_date);
  EXPECT_EQ(back.end_date, p.end_date);
  EXPECT_EQ(back.languages, p.languages);
  EXPECT_EQ(back.employee_number, p.employee_number);
  EXPECT_EQ(back.indirect_manager_ids, p.indirect_manager_ids);
  EXPECT_TRUE(people.has_person("P1"));
  EXPECT_FALSE(people.has_person("nobody"));
}

TEST_P(Repositories, AnUpsertReplacesEveryFieldAndKeepsOneRow) {
  Person p = person("P1");
  p.email = "old@example.org";
  p.indirect_manager_ids = {"M2"};
  people.upsert(p);
  Person changed = person("P1");
  changed.name = "Renamed";
  people.upsert(changed);
  people.upsert(changed);

  const Person back = people.people({"P1"}).at("P1");
  EXPECT_EQ(back.name, "Renamed");
  EXPECT_FALSE(back.email);
  EXPECT_TRUE(back.indirect_manager_ids.empty());
  EXPECT_TRUE(people.manager_links_of("P1").empty());
  EXPECT_EQ(people.count_present(), 1);
}

TEST_P(Repositories, AFullReadMakesWhomItNoLongerListsAbsentUntilListedAgain) {
  for (const char* id : {"A", "B", "C"}) people.upsert_listed(person(id), "hr", "read-1");
  people.upsert_listed(person("X"), "other-hr", "read-9");  // another adapter's read
  EXPECT_TRUE(people.unlisted_after("hr", "read-1").empty());
  for (const char* id : {"A", "B"}) people.upsert_listed(person(id), "hr", "read-2");

  EXPECT_EQ(people.unlisted_after("hr", "read-2"), Ids{"C"});
  EXPECT_EQ(people.listed_count("hr"), 3);
  people.mark_absent({"C"}, *parse_date("2027-02-01"));

  EXPECT_FALSE(people.has_person("C"));
  EXPECT_EQ(people.people({"A", "C"}).size(), 1u);
  EXPECT_EQ(present(people), (Ids{"A", "B", "X"}));
  EXPECT_EQ(people.listed_count("hr"), 2);
  EXPECT_TRUE(people.unlisted_after("hr", "read-2").empty());  // absent ones aside
  EXPECT_EQ(people.count_present(), 3);
  EXPECT_EQ(people.count_absent(), 1);
  EXPECT_EQ(people.people_known_as("C").size(), 1u);  // HR commands still find them

  people.upsert_listed(person("C"), "hr", "read-3");  // a record of theirs again
  EXPECT_TRUE(people.has_person("C"));
  EXPECT_EQ(people.count_absent(), 0);
  EXPECT_EQ(people.unlisted_after("hr", "read-3"), (Ids{"A", "B"}));
}

TEST_P(Repositories, AnyRecordOfAnAbsentPersonMakesThemPresent) {
  people.upsert_listed(person("A"), "hr", "read-1");
  people.mark_absent({"A"}, *parse_date("2027-02-01"));
  ASSERT_FALSE(people.has_person("A"));
  people.upsert(person("A"));
  EXPECT_TRUE(people.has_person("A"));
}

TEST_P(Repositories, UnlistingCountsAPersonAsUnlistedOnlyForTheAdapterThatListedThem) {
  people.upsert_listed(person("A"), "hr", "read-1");
  people.upsert_listed(person("B"), "hr", "read-1");
  EXPECT_FALSE(people.unlist("other-hr", "A"));
  EXPECT_FALSE(people.unlist("hr", "nobody"));
  EXPECT_TRUE(people.unlisted_after("hr", "read-1").empty());
  EXPECT_TRUE(people.unlist("hr", "A"));
  EXPECT_EQ(people.unlisted_after("hr", "read-1"), Ids{"A"});
  EXPECT_TRUE(people.has_person("A"));  // absent only once the read's reconciliation says so
}

TEST_P(Repositories, ManagersDirectFirstThenIndirectAndAbsentPeopleLeftOutOfTheChains) {
  Person p = person("P1");
  p.manager_id = "M1";
  p.indirect_manager_ids = {"M3", "M2"};
  people.upsert(p);
  Person q = person("P2");
  q.manager_id = "M1";
  people.upsert(q);

  EXPECT_EQ(people.managers_of("P1"), (Ids{"M1", "M2", "M3"}));
  auto links = people.manager_links_of("P1");
  std::sort(links.begin(), links.end());
  EXPECT_EQ(links, (Ids{"M1", "M2", "M3"}));
  auto all = people.managers();
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& link : all) pairs.emplace_back(link.person_id, link.manager_id);
  std::sort(pairs.begin(), pairs.end());
  EXPECT_EQ(pairs, (std::vector<std::pair<std::string, std::string>>{
                       {"P1", "M1"}, {"P1", "M2"}, {"P1", "M3"}, {"P2", "M1"}}));

  people.mark_absent({"P1"}, *parse_date("2027-02-01"));
  EXPECT_TRUE(people.manager_links_of("P1").empty());
  EXPECT_EQ(people.managers().size(), 1u);
  EXPECT_EQ(people.managers_of("P1"), (Ids{"M1", "M2", "M3"}));  // the record says so
  EXPECT_TRUE(people.managers_of("nobody").empty());
}

TEST_P(Repositories, PeopleAreKnownByIdOrEmployeeNumber) {
  Person a = person("1001");
  a.employee_number = "E7";
  people.upsert(a);
  Person b = person("E7");  // another person whose id is the first one's number
  people.upsert(b);
  auto found = people.people_known_as("E7");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].id, "1001");
  EXPECT_EQ(found[0].employee_number, "E7");
  EXPECT_EQ(found[1].id, "E7");
  EXPECT_FALSE(found[1].employee_number);
  EXPECT_TRUE(people.people_known_as("E8").empty());
}

// --- cursors ------------------------------------------------------------------------------

TEST_P(Repositories, ACursorIsKeptPerAdapterAndStreamAndReplaced) {
  EXPECT_FALSE(cursors.cursor("hr", "people"));
  cursors.set_cursor("hr", "people", "page-2");
  cursors.set_cursor("hr", "leave", "2027-01-01T00:00:00Z");
  cursors.set_cursor("lms", "people", "");
  EXPECT_EQ(cursors.cursor("hr", "people"), "page-2");
  EXPECT_EQ(cursors.cursor("hr", "leave"), "2027-01-01T00:00:00Z");
  EXPECT_EQ(cursors.cursor("lms", "people"), "");  // empty is a cursor, not none
  cursors.set_cursor("hr", "people", "page-3");
  EXPECT_EQ(cursors.cursor("hr", "people"), "page-3");
  EXPECT_FALSE(cursors.cursor("lms", "leave"));
}

// --- one transaction over repositories ----------------------------------------------------

TEST_P(Repositories, APagesPeopleAndItsCursorCommitOrRollBackTogether) {
  cursors.set_cursor("hr", "people", "page-1");
  backend->begin();
  people.upsert(person("P1"));
  cursors.set_cursor("hr", "people", "page-2");
  backend->rollback();
  EXPECT_FALSE(people.has_person("P1"));
  EXPECT_EQ(cursors.cursor("hr", "people"), "page-1");

  backend->begin();
  people.upsert(person("P1"));
  cursors.set_cursor("hr", "people", "page-2");
  backend->commit();
  EXPECT_TRUE(people.has_person("P1"));
  EXPECT_EQ(cursors.cursor("hr", "people"), "page-2");
}

INSTANTIATE_TEST_SUITE_P(EveryBackend, Repositories, ::testing::ValuesIn(kBackends),
                         [](const ::testing::TestParamInfo<BackendKind>& kind) {
                           return std::string(kind.param.name);
                         });

// --- the SQLite session's one statement cache ---------------------------------------------

TEST(StoreSession, RepositoriesOnOneSessionShareItsStatements) {
  TempDir dir;
  StoreSession session(dir.path, "acme");
  SqlitePeopleRepository first(session);
  SqlitePeopleRepository second(session);
  first.upsert(person("P1"));
  first.has_person("P1");
  const auto cached = session.cached_statements();
  second.upsert(person("P2"));
  EXPECT_TRUE(second.has_person("P1"));
  EXPECT_EQ(session.cached_statements(), cached);

  // The same text at another address (composed at run time) is the same statement.
  const std::string text = "SELECT COUNT(*) FROM person";
  SQLite::Statement& by_literal = session.prepared("SELECT COUNT(*) FROM person");
  SQLite::Statement& by_text = session.prepared_dynamic(text);
  EXPECT_EQ(&by_literal, &by_text);
  EXPECT_EQ(&session.prepared(text.c_str()), &by_literal);
}

TEST(StoreSession, SqlThatDoesNotCompileLeavesNothingInTheCache) {
  TempDir dir;
  StoreSession session(dir.path, "acme");
  const auto cached = session.cached_statements();
  EXPECT_THROW(session.prepared_dynamic("SELEC 1"), SQLite::Exception);
  EXPECT_THROW(session.prepared("SELECT nothing FROM nowhere"), SQLite::Exception);
  EXPECT_EQ(session.cached_statements(), cached);
  session.reset_statements();  // no empty slot to trip over
  EXPECT_EQ(session.prepared("SELECT 1").executeStep(), true);
}

TEST(StoreSession, OrgStoreWritesThroughItsSessionsRepositories) {
  TempDir dir;
  OrgStore store(dir.path, "acme");
  store.upsert(person("P1"));
  store.set_cursor("hr", "people", "page-2");
  EXPECT_TRUE(store.people_repository().has_person("P1"));
  EXPECT_EQ(store.cursor_repository().cursor("hr", "people"), "page-2");
  SqlitePeopleRepository more(store.session());  // another repository, the same connection
  SQLite::Transaction txn(store.database());
  more.upsert(person("P2"));
  EXPECT_TRUE(store.has_person("P2"));  // inside the one transaction
}
