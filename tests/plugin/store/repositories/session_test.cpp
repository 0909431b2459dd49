// The SQLite session's one statement cache (issue 17), shared by the repositories of one
// organisation, and OrgStore writing through it.
#include "backend.hpp"

#include <mentoring/store/cursor_repository.hpp>
#include <mentoring/store/org_store.hpp>
#include <mentoring/store/people_repository.hpp>
#include <mentoring/store/postgres/cursor_repository.hpp>
#include <mentoring/store/postgres/people_repository.hpp>
#include <mentoring/store/store_session.hpp>

#include <SQLiteCpp/Transaction.h>
#include <SQLiteCpp/VariadicBind.h>
#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <unistd.h>

#include <filesystem>
#include <string>

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

Person person(const std::string& id) {
  Person p;
  p.id = id;
  p.name = "Person " + id;
  return p;
}

}  // namespace

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

TEST(StoreSession, AStatementThatFailedServesTheNextCallerWithoutItsError) {
  TempDir dir;
  StoreSession session(dir.path, "acme");
  const char* insert = "INSERT INTO sync_cursor(adapter, stream, cursor) VALUES (?,?,?)";
  SQLite::Statement& first = session.prepared(insert);
  SQLite::bind(first, "hr", "people", "page-1");
  first.exec();
  SQLite::Statement& again = session.prepared(insert);
  SQLite::bind(again, "hr", "people", "page-2");
  EXPECT_THROW(again.exec(), SQLite::Exception);       // the key is taken
  SQLite::Statement& next = session.prepared(insert);  // not that error again
  SQLite::bind(next, "hr", "leave", "page-1");
  EXPECT_EQ(next.exec(), 1);
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

// --- the PostgreSQL session: organisations sharing one connection -------------------------

namespace {

using mentoring::store::testing::RepositoryTest;

class PostgresSessions : public RepositoryTest {};

Person someone(const std::string& id) {
  Person p;
  p.id = id;
  p.name = "Someone " + id;
  return p;
}

}  // namespace

TEST_P(PostgresSessions, OrganisationsOnOneConnectionShareItsStatementsAndNotTheirRows) {
  postgres::OrgSession& mine = *backend->postgres();
  postgres::OrgSession theirs(mine.connection(), backend->organisation() + "-other");
  postgres::PostgresPeopleRepository my_people(mine);
  my_people.upsert(someone("P1"));
  const auto statements = mine.connection().prepared_statements();

  postgres::PostgresPeopleRepository their_people(theirs);
  EXPECT_EQ(mine.connection().prepared_statements(), statements);  // prepared once
  EXPECT_FALSE(their_people.has_person("P1"));
  their_people.upsert(someone("P1"));
  their_people.upsert(someone("P2"));
  EXPECT_EQ(their_people.count_present(), 2);
  EXPECT_EQ(my_people.count_present(), 1);
  EXPECT_EQ(my_people.people({"P1"}).at("P1").name, "Someone P1");
}

TEST_P(PostgresSessions, ATransactionIsTheSessionsUntilCommittedAndItsErrorsNameTheOrganisation) {
  postgres::OrgSession& session = *backend->postgres();
  postgres::PostgresCursorRepository cursors(session);
  session.begin();
  EXPECT_TRUE(session.in_transaction());
  EXPECT_THROW(session.begin(), std::logic_error);
  cursors.set_cursor("hr", "people", "page-1");
  session.rollback();
  EXPECT_FALSE(session.in_transaction());
  EXPECT_FALSE(cursors.cursor("hr", "people"));
  EXPECT_THROW(session.commit(), std::logic_error);

  // A statement the server refuses: the error names the organisation and what was done.
  try {
    session.run("reading nothing", [](pqxx::work& txn) { txn.exec("SELECT * FROM no_such"); });
    ADD_FAILURE() << "no error";
  } catch (const postgres::PostgresError& e) {
    EXPECT_NE(std::string(e.what()).find("organisation " + backend->organisation()),
              std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("reading nothing"), std::string::npos) << e.what();
  }
  EXPECT_THROW(postgres::OrgSession(session.connection(), ""), std::invalid_argument);
}

INSTANTIATE_FOR_POSTGRES(PostgresSessions);
