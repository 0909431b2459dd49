// The sync cursor repository (issue 17) on every backend.
#include "backend.hpp"

#include <mentoring/store/cursor_repository.hpp>
#include <mentoring/store/postgres/cursor_repository.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <string>

using namespace mentoring::store;
using mentoring::store::testing::RepositoryTest;

namespace {

class CursorRepositories : public RepositoryTest {
 protected:
  std::unique_ptr<CursorRepository> cursors_owned =
      backend->make<CursorRepository, SqliteCursorRepository, postgres::PostgresCursorRepository>();
  CursorRepository& cursors = *cursors_owned;
};

}  // namespace

// --- cursors ------------------------------------------------------------------------------

TEST_P(CursorRepositories, ACursorIsKeptPerAdapterAndStreamAndReplaced) {
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

INSTANTIATE_FOR_EVERY_BACKEND(CursorRepositories);
