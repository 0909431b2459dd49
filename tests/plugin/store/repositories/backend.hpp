// The repository tests of issue 17, written once and run against every backend: one fresh
// organisation per test on SQLite (its own file in a temporary folder) or on PostgreSQL (its
// own org_id in the suite's database, as the application role, so row-level security
// applies as on a host).
//
//   class LeaveRepositories : public store::testing::RepositoryTest {
//    protected:
//     std::unique_ptr<LeaveRepository> leave =
//         backend->make<LeaveRepository, SqliteLeaveRepository,
//         postgres::PostgresLeaveRepository>();
//   };
//   TEST_P(LeaveRepositories, ...) { ...; backend->begin(); ...; backend->commit(); }
//   INSTANTIATE_FOR_EVERY_BACKEND(LeaveRepositories);
//
// ctest runs the binary twice: store_repositories_sqlite (every test but */postgres) and
// store_repositories_postgres (*/postgres, with the throwaway cluster's fixture; a missing
// cluster fails the tests, never skips them).
#pragma once

#include <mentoring/store/postgres/org_session.hpp>
#include <mentoring/store/store_session.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mentoring::store::testing {

// One organisation on one backend, and that backend's transaction.
class Backend {
 public:
  virtual ~Backend() = default;
  virtual const char* name() const = 0;
  // The organisation's session on this backend; exactly one of the two is not null.
  virtual StoreSession* sqlite() { return nullptr; }
  virtual postgres::OrgSession* postgres() { return nullptr; }
  // The organisation's id (unique per test on PostgreSQL, where organisations share tables).
  virtual const std::string& organisation() const = 0;

  // One transaction over every repository made from this backend; rollback() without
  // commit() drops what it wrote.
  virtual void begin() = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;

  // A row of another concept, written directly in the organisation's table (eg the
  // enrolment a survey invitation refers to, while the test is about the invitation): each
  // column's value as text, none for NULL; PostgreSQL's org_id is added.
  using Row = std::vector<std::pair<std::string, std::optional<std::string>>>;
  virtual void insert_row(const std::string& table, const Row& columns) = 0;

  // An active enrolment of programme rtw, its person already stored: what the tests of
  // concepts that refer to enrolments (pairs, sessions, invitations) stand on.
  void insert_enrolment(std::int64_t id, const std::string& person_id, const std::string& role) {
    insert_row("enrolment", {{"id", std::to_string(id)},
                             {"person_id", person_id},
                             {"programme_id", "rtw"},
                             {"role", role},
                             {"state", "active"},
                             {"created_at", "2027-01-01T09:00:00Z"},
                             {"updated_at", "2027-01-01T09:00:00Z"}});
  }
  // The same organisation on a connection of its own, with its own transaction: what a
  // second host would see if two ever handled one organisation (the leases prevent it; the
  // outbox tests check that even then a delivered action stays delivered).
  virtual std::unique_ptr<Backend> another_connection() = 0;

  // The repository of this backend: Sqlite(StoreSession&) or Postgres(OrgSession&).
  template <class Repository, class Sqlite, class Postgres>
  std::unique_ptr<Repository> make() {
    if (StoreSession* session = sqlite()) return std::make_unique<Sqlite>(*session);
    return std::make_unique<Postgres>(*postgres());
  }
};

struct BackendKind {
  const char* name;
  std::function<std::unique_ptr<Backend>()> open;
};

// sqlite, postgres.
const std::vector<BackendKind>& backends();
// postgres alone: for what only PostgreSQL has (several organisations on one connection).
const std::vector<BackendKind>& postgres_backend();

class RepositoryTest : public ::testing::TestWithParam<BackendKind> {
 protected:
  std::unique_ptr<Backend> backend = GetParam().open();
};

}  // namespace mentoring::store::testing

#define INSTANTIATE_FOR_EVERY_BACKEND(suite)                                               \
  INSTANTIATE_TEST_SUITE_P(                                                                \
      EveryBackend, suite, ::testing::ValuesIn(::mentoring::store::testing::backends()),   \
      [](const ::testing::TestParamInfo<::mentoring::store::testing::BackendKind>& kind) { \
        return std::string(kind.param.name);                                               \
      })

#define INSTANTIATE_FOR_POSTGRES(suite)                                                          \
  INSTANTIATE_TEST_SUITE_P(                                                                      \
      OnlyPostgres, suite, ::testing::ValuesIn(::mentoring::store::testing::postgres_backend()), \
      [](const ::testing::TestParamInfo<::mentoring::store::testing::BackendKind>& kind) {       \
        return std::string(kind.param.name);                                                     \
      })
