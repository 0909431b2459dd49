#include "backend.hpp"

#include "test_database.hpp"  // tests/postgres: the cluster's URL, a database, the host role

#include <SQLiteCpp/Transaction.h>
#include <unistd.h>
#include <pqxx/pqxx>

#include <atomic>
#include <optional>

namespace mentoring::store::testing {

namespace fs = std::filesystem;

namespace {

class SqliteBackend final : public Backend {
 public:
  SqliteBackend() : directory_(make_directory()), session_(directory_, organisation_) {}
  ~SqliteBackend() override {
    txn_.reset();
    if (!owns_directory_) return;
    std::error_code ignored;
    fs::remove_all(directory_, ignored);
  }
  const char* name() const override { return "sqlite"; }
  StoreSession* sqlite() override { return &session_; }
  const std::string& organisation() const override { return organisation_; }
  void begin() override { txn_.emplace(session_.database()); }
  void commit() override {
    txn_->commit();
    txn_.reset();
  }
  void rollback() override { txn_.reset(); }  // a Transaction not committed rolls back
  // A second connection to the same file (which the first backend keeps and removes).
  std::unique_ptr<Backend> another_connection() override {
    return std::unique_ptr<Backend>(new SqliteBackend(directory_));
  }
  void insert_row(const std::string& table, const Row& columns) override {
    std::string names, places;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      names += (i ? ", " : "") + columns[i].first;
      places += (i ? ", ?" : "?");
    }
    SQLite::Statement insert(session_.database(),
                             "INSERT INTO " + table + "(" + names + ") VALUES (" + places + ")");
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (columns[i].second)
        insert.bind(static_cast<int>(i + 1), *columns[i].second);
      else
        insert.bind(static_cast<int>(i + 1));
    }
    insert.exec();
  }

 private:
  explicit SqliteBackend(const fs::path& directory)
      : owns_directory_(false), directory_(directory), session_(directory_, organisation_) {}

  static fs::path make_directory() {
    static std::atomic<int> next{0};
    fs::path path =
        fs::temp_directory_path() /
        ("mentoring-repositories-" + std::to_string(::getpid()) + "-" + std::to_string(next++));
    fs::remove_all(path);
    fs::create_directories(path);
    return path;
  }

  std::string organisation_ = "acme";
  bool owns_directory_ = true;
  fs::path directory_;
  StoreSession session_;
  std::optional<SQLite::Transaction> txn_;
};

// The suite's database (migrated by its owner) and the host role's URL, made at the first
// PostgreSQL test and dropped when the program ends (a test environment's TearDown).
class SharedDatabase : public ::testing::Environment {
 public:
  const std::string& host_url() {
    if (!role_) {
      database_ = std::make_unique<postgres::testing::TestDatabase>("repositories");
      role_ = std::make_unique<postgres::testing::HostRole>(*database_);
    }
    return role_->url();
  }
  void TearDown() override {
    role_.reset();
    database_.reset();
  }

 private:
  std::unique_ptr<postgres::testing::TestDatabase> database_;
  std::unique_ptr<postgres::testing::HostRole> role_;
};

SharedDatabase* const shared_database = [] {
  auto* environment = new SharedDatabase;  // owned by GoogleTest
  ::testing::AddGlobalTestEnvironment(environment);
  return environment;
}();

class PostgresBackend final : public Backend {
 public:
  PostgresBackend() : PostgresBackend("org-" + std::to_string(next_organisation())) {}
  explicit PostgresBackend(std::string organisation)
      : organisation_(std::move(organisation)),
        connection_(shared_database->host_url(), "test host role"),
        session_(connection_, organisation_) {}
  const char* name() const override { return "postgres"; }
  postgres::OrgSession* postgres() override { return &session_; }
  const std::string& organisation() const override { return organisation_; }
  void begin() override { session_.begin(); }
  void commit() override { session_.commit(); }
  void rollback() override { session_.rollback(); }
  std::unique_ptr<Backend> another_connection() override {
    return std::make_unique<PostgresBackend>(organisation_);
  }
  void insert_row(const std::string& table, const Row& columns) override {
    std::string names = "org_id", places = "$1";
    for (std::size_t i = 0; i < columns.size(); ++i) {
      names += ", " + columns[i].first;
      places += ", $" + std::to_string(i + 2);
    }
    session_.run("inserting a test row", [&](pqxx::work& txn) {
      std::vector<const char*> texts;
      for (const auto& column : columns)
        texts.push_back(column.second ? column.second->c_str() : nullptr);
      txn.exec_params("INSERT INTO " + table + "(" + names + ") VALUES (" + places + ")",
                      session_.org_id(), pqxx::prepare::make_dynamic_params(texts));
    });
  }

 private:
  static int next_organisation() {
    static std::atomic<int> next{1};
    return next++;
  }

  std::string organisation_;
  postgres::Connection connection_;
  postgres::OrgSession session_;
};

}  // namespace

const std::vector<BackendKind>& backends() {
  static const std::vector<BackendKind> kinds = {
      {"sqlite", [] { return std::unique_ptr<Backend>(std::make_unique<SqliteBackend>()); }},
      {"postgres", [] { return std::unique_ptr<Backend>(std::make_unique<PostgresBackend>()); }},
  };
  return kinds;
}

const std::vector<BackendKind>& postgres_backend() {
  static const std::vector<BackendKind> kinds = {backends()[1]};
  return kinds;
}

}  // namespace mentoring::store::testing
