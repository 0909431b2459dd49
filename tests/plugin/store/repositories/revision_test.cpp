// The store revision (issue 17) on every backend: every write transaction counts once,
// whoever writes, a rolled-back one not at all, cursors never; and the passes' fixpoint the
// plugin skips its module passes by.
#include "backend.hpp"

#include <mentoring/store/cursor_repository.hpp>
#include <mentoring/store/people_repository.hpp>
#include <mentoring/store/postgres/cursor_repository.hpp>
#include <mentoring/store/postgres/people_repository.hpp>
#include <mentoring/store/postgres/revision_repository.hpp>
#include <mentoring/store/store_revision.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <string>

using namespace mentoring::store;
using namespace mentoring::domain;
using mentoring::store::testing::RepositoryTest;

namespace {

class RevisionRepositories : public RepositoryTest {
 protected:
  // SQLite's is StoreRevision, over the connection whose triggers count.
  std::unique_ptr<RevisionRepository> revision =
      backend->sqlite()
          ? std::unique_ptr<RevisionRepository>(
                std::make_unique<StoreRevision>(backend->sqlite()->database()))
          : std::make_unique<postgres::PostgresRevisionRepository>(*backend->postgres());
  std::unique_ptr<PeopleRepository> people =
      backend->make<PeopleRepository, SqlitePeopleRepository, postgres::PostgresPeopleRepository>();
  std::unique_ptr<CursorRepository> cursors =
      backend->make<CursorRepository, SqliteCursorRepository, postgres::PostgresCursorRepository>();

  void add(const std::string& id) {
    Person p;
    p.id = id;
    p.name = "Person " + id;
    people->upsert(p);
  }
};

}  // namespace

TEST_P(RevisionRepositories, AWriteTransactionCountsOnceARolledBackOneAndCursorsNever) {
  const auto start = revision->current();
  backend->begin();
  add("P1");
  add("P2");
  add("P3");
  backend->commit();
  EXPECT_EQ(revision->current(), start + 1);

  backend->begin();
  add("P4");
  backend->rollback();
  EXPECT_EQ(revision->current(), start + 1);

  cursors->set_cursor("hr", "people", "page-2");  // where a read got to: not what passes read
  EXPECT_EQ(revision->current(), start + 1);

  add("P5");  // a write outside a transaction is one of its own
  add("P6");
  EXPECT_EQ(revision->current(), start + 3);
}

TEST_P(RevisionRepositories, AFixpointIsRecordedOnlyWhenNothingWasWrittenSinceThePassesBegan) {
  EXPECT_FALSE(revision->last_fixpoint());
  add("P1");
  const auto before = revision->current();
  revision->record_passes(true, before, "2027-03-01", "config-a", "2027-03-01T06:00:00Z");
  auto fixpoint = revision->last_fixpoint();
  ASSERT_TRUE(fixpoint);
  EXPECT_EQ(fixpoint->today, "2027-03-01");
  EXPECT_EQ(fixpoint->fingerprint, "config-a");
  EXPECT_EQ(fixpoint->revision, before);
  EXPECT_EQ(fixpoint->finished_at, "2027-03-01T06:00:00Z");
  EXPECT_EQ(revision->current(), before);  // recording the passes is no write they read

  add("P2");  // written while the next run's passes ran
  revision->record_passes(true, before, "2027-03-02", "config-a", "2027-03-02T06:00:00Z");
  EXPECT_FALSE(revision->last_fixpoint());

  revision->record_passes(true, revision->current(), "2027-03-02", "config-a",
                          "2027-03-02T06:05:00Z");
  EXPECT_TRUE(revision->last_fixpoint());
  revision->record_passes(false, revision->current(), "2027-03-03", "config-a",
                          "2027-03-03T06:00:00Z");  // passes that did not complete
  EXPECT_FALSE(revision->last_fixpoint());
}

TEST_P(RevisionRepositories, ThePassesAreNeverRecordedInsideAnotherTransaction) {
  backend->begin();
  add("P1");
  EXPECT_ANY_THROW(revision->record_passes(true, 0, "2027-03-01", "c", "2027-03-01T06:00:00Z"));
  backend->rollback();
}

INSTANTIATE_FOR_EVERY_BACKEND(RevisionRepositories);
