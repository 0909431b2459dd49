// One organisation moved between the SQLite store and PostgreSQL (issue 17 item 4): a store
// written through the store's own classes, imported as the application role, exported back,
// every table equal by count and SHA-256 and a few rows compared directly; another
// organisation untouched; a copy altered before its verification refused with nothing kept.
#include "test_database.hpp"

#include <mentoring/store/calendar_repository.hpp>
#include <mentoring/store/evaluation_repository.hpp>
#include <mentoring/store/link_repository.hpp>
#include <mentoring/store/org_store.hpp>
#include <mentoring/store/outbox_repository.hpp>
#include <mentoring/store/postgres/transfer.hpp>
#include <mentoring/store/privacy_store.hpp>
#include <mentoring/store/quarantine_repository.hpp>
#include <mentoring/store/return_repository.hpp>
#include <mentoring/store/return_store.hpp>
#include <mentoring/store/sessions_repository.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>

namespace mentoring::store::postgres {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::HostRole;
using ::testing::IsSupersetOf;
using ::testing::Not;
using testing::TestDatabase;

struct TempDir {
  fs::path path =
      fs::temp_directory_path() / ("mentoring-transfer-" + std::to_string(::getpid()) + "-" +
                                   ::testing::UnitTest::GetInstance()->current_test_info()->name());
  TempDir() {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

domain::Date day(const char* text) {
  return *domain::parse_date(text);
}

domain::Person person(const std::string& id, std::optional<std::string> manager = std::nullopt,
                      std::vector<std::string> indirect = {}) {
  domain::Person p;
  p.id = id;
  p.name = "Person " + id + " Ñandú";  // not ASCII: text is copied byte for byte
  p.email = id + "@example.org";
  p.manager_id = std::move(manager);
  p.indirect_manager_ids = std::move(indirect);
  p.employee_number = "E-" + id;
  p.languages = {"English", "Welsh"};
  p.start_date = day("2020-01-06");
  return p;
}

domain::Leave leave(const std::string& id, const std::string& person_id, const char* start,
                    const char* end) {
  domain::Leave l;
  l.id = id;
  l.person_id = person_id;
  l.type = domain::LeaveType::maternity;
  l.start = day(start);
  l.expected_end = day(end);
  l.status = domain::LeaveStatus::approved;
  l.last_changed = "2026-11-30T10:00:00Z";
  return l;
}

// A link key with every byte value, NUL and 0xff included: bytea, never text.
std::string link_secret() {
  std::string secret;
  for (int i = 0; i < 256; ++i) secret += static_cast<char>(i);
  return secret;
}

// An organisation's store with every concept: people with direct and indirect managers,
// leave, course completions, enrolments with their history and touchpoints, a pair with its
// proposal, cadence, sessions, moved next meeting, escalation and a leave change flag,
// the pairing's forbids, requests, declines and unmatched notes, supervision, the kick-off,
// circles, evaluation, keeping-in-touch days and return steps, the outbox (pending,
// delivered, failed), the link key and a spent link, a quarantined record, an audit entry,
// cursors and the revision.
fs::path write_store(const fs::path& dir, const std::string& org, int people) {
  OrgStore store(dir, org);
  SQLite::Transaction txn(store.database());
  store.upsert(person("M1"));
  store.upsert(person("M2", "M1"));
  for (int i = 1; i <= people; ++i) {
    const std::string id = "P" + std::to_string(i);
    store.upsert(person(id, "M2", {"M1"}));
    store.upsert(leave("L" + std::to_string(i), id, "2027-03-15", "2027-09-14"));
    store.upsert(
        domain::CourseCompletion{id, "safeguarding", day("2026-10-01"), day("2028-10-01")});
  }
  store.set_cursor("hr-export", "people", "v7");
  store.set_cursor("hr-export", "leave", "v7");

  const auto mentee =
      store.insert_enrolment(domain::Enrolment::make("P1", "rtw", domain::Role::mentee,
                                                     domain::EnrolmentState::invited, "L1"),
                             "2026-12-01T09:00:00Z", "leave L1 approved");
  store.transition(mentee, domain::EnrolmentState::consented, "2026-12-02T09:00:00Z", "consent");
  store.transition(mentee, domain::EnrolmentState::awaiting_pair, "2026-12-03T09:00:00Z",
                   "trained");
  store.set_goal(mentee, "confidence back at work", "someone from my ward");
  store.schedule_touchpoint(mentee, "before_leave", day("2027-03-01"));
  const auto mentor =
      store.insert_enrolment(domain::Enrolment::make("M2", "rtw", domain::Role::mentor,
                                                     domain::EnrolmentState::awaiting_pair),
                             "2026-12-01T09:00:00Z", "volunteered");
  const auto pair =
      store.insert_pair("rtw", mentee, mentor, domain::PairState::proposed, "2026-12-04T09:00:00Z");
  store.set_pair_state(pair, domain::PairState::accepted, "2026-12-05T09:00:00Z", "hr accepted");
  store.mark_pair_leave_changed(pair, "start moved");

  PairRepository& pairing = store.pair_repository();
  pairing.save_proposal(pair, {{"same ward", 0.625}, {"language", 0.1}}, "2026-12-04T09:00:00Z");
  pairing.set_locked(pair, true);

  SqliteSessionsRepository sessions(store.session());
  sessions.set_pair_cadence(pair, 4, "2026-12-05T09:00:00Z");
  sessions.record_pair_session(pair, day("2026-12-10"), "first chat", "mentee",
                               "2026-12-10T18:00:00Z");
  sessions.set_pair_next_meeting(pair, {2, day("2027-01-07"), 17 * 60, "mentor"},
                                 "2026-12-11T09:00:00Z");
  sessions.mark_pair_reminded(pair, day("2027-01-07"), day("2027-01-08"));
  const auto group = sessions.add_supervision_group("rtw", 1, day("2027-01-11"));
  sessions.add_supervision_member(group, "rtw", "M2", day("2026-12-05"));
  const auto supervision = sessions.upsert_supervision_session(group, 1, day("2027-01-11"));
  sessions.record_supervision_attendance(supervision, "M2", "attended", "2027-01-11T12:00:00Z");
  SqliteCalendarRepository(store.session())
      .save_sent({"uid-1@mentoring", 2, "fingerprint", false}, "2026-12-11T09:00:00Z");

  sessions.save_kickoff({"rtw", day("2027-01-04"), 10 * 60, 120, "Room 1", false},
                        "2026-12-06T09:00:00Z");
  sessions.set_kickoff_attendance("rtw", "M2", "attending", "2026-12-06T09:00:00Z");
  sessions.save_kickoff_note({"rtw", "M2", "bring the handbook"}, "2026-12-06T09:00:00Z");
  sessions.set_circle_cadence("circles", "M1", 2, "2026-12-06T09:00:00Z");
  sessions.record_circle_session("circles", "M1", day("2026-12-08"), "circle notes", "mentor",
                                 {{"P1", true}, {"M2", false}}, "2026-12-08T18:00:00Z");

  pairing.forbid("rtw", {"P2", "M1", "hr:ann", "2026-12-04T09:00:00Z"});
  pairing.replace_unmatched("rtw", {{mentee, "P1", "no_eligible_mentor", "nobody on the ward"}},
                            "2026-12-04T09:00:00Z");
  pairing.save_request(pair, "P1", "2026-12-04T09:00:00Z");
  pairing.record_decline("rtw", mentee, "M1", "too busy", "M1", "2026-12-04T10:00:00Z");

  SqliteEvaluationRepository evaluation(store.session());
  evaluation.add_invitation({"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                             "rtw", "mid", mentee, "mentee", day("2027-06-01"), false});
  evaluation.add_answer({"rtw", "mid", "mentee", "useful", "2027-06", "4", 1});
  evaluation.add_response("rtw", "mid", "mentee", "2027-06");

  PrivacyStore privacy(store.database());
  privacy.append_audit({0,
                        "2026-12-07T09:00:00Z",
                        "hr",
                        "ann",
                        "person_view",
                        nlohmann::json{{"person_id", "P1"}},
                        {"P1"},
                        1});

  SqliteReturnRepository steps(store.session());
  steps.save_step({"rtw", "L1", "phased_return", "P1", "M2", day("2027-09-01"), "sent", 1,
                   std::nullopt, std::nullopt, std::nullopt},
                  "2026-12-07T09:00:00Z");
  ReturnStore returns(store.database());
  returns.insert_kit_day({"L1", "P1", day("2027-05-02"), "came in for training", "hr:ann", false,
                          "2027-05-03T09:00:00Z"});

  SqliteOutboxRepository outbox(store.session());
  outbox.enqueue("k-pending", "notify", R"({"to":"P1","text":"hello"})", "2026-12-01T09:00:00Z");
  outbox.enqueue("k-done", "notify", R"({"to":"M2"})", "2026-12-01T09:00:00Z");
  outbox.mark_delivered("k-done", "2026-12-01T09:01:00Z", "hr-export");
  outbox.enqueue("k-failing", "create_task", R"({"for":"M1"})", "2026-12-01T09:00:00Z");
  outbox.record_failure({"k-failing", "hr-export", "503 from the HR system", 1,
                         "2026-12-01T09:02:00Z", false, "2026-12-01T09:07:00Z"});

  SqliteLinkRepository links(store.session());
  links.key_or_create(link_secret(), "2026-12-01T09:00:00Z");
  links.spend("nonce-1", "invitation", "accepted", "2026-12-02");

  SqliteQuarantineRepository quarantine(store.session());
  QuarantinedRecord held;
  held.adapter = "hr-export";
  held.stream = "leave";
  held.record_id = "L99";
  held.reason = "unknown_person";
  held.pointer = "/person_id";
  held.found = "\"P404\"";
  held.expected = "a person the store knows";
  held.message = "leave L99 names person P404, whom the store does not know";
  held.excerpt = R"({"id":"L99","person_id":"P404"})";
  quarantine.hold(held, held.excerpt);
  txn.commit();
  return store.path();
}

std::map<std::string, TableChecksum> by_table(const Checksums& checksums) {
  std::map<std::string, TableChecksum> out;
  for (const auto& table : checksums.tables) out[table.name] = table;
  return out;
}

std::set<std::string> tables_with_rows(const Checksums& checksums) {
  std::set<std::string> out;
  for (const auto& table : checksums.tables)
    if (table.rows > 0) out.insert(table.name);
  return out;
}

// What `transfer` refused with (its TransferError's message), or a note that it did not.
template <typename Transfer>
std::string refusal_of(Transfer transfer) {
  try {
    transfer();
  } catch (const TransferError& e) {
    return e.what();
  }
  return "(not refused)";
}

// The tables a TransferMismatch from `transfer` names.
template <typename Transfer>
std::vector<std::string> mismatched_tables(Transfer transfer) {
  try {
    transfer();
  } catch (const TransferMismatch& e) {
    return e.tables();
  }
  return {};
}

long long count(pqxx::transaction_base& txn, const std::string& sql) {
  return txn.exec1(sql)[0].as<long long>();
}

class Transfer : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = std::make_unique<TestDatabase>("Transfer");
    role_ = std::make_unique<HostRole>(*db_);
  }
  static void TearDownTestSuite() {
    role_.reset();
    db_.reset();
  }
  // Each test's own organisations, so the suite shares one database.
  std::string org(const std::string& suffix) const {
    return std::string(::testing::UnitTest::GetInstance()->current_test_info()->name())
               .substr(0, 40) +
           "-" + suffix;
  }
  Connection app() { return Connection(role_->url(), "test host role"); }

  TempDir dir_;
  static inline std::unique_ptr<TestDatabase> db_;
  static inline std::unique_ptr<HostRole> role_;
};

TEST_F(Transfer, SqliteToPostgresToSqliteKeepsEveryTableAndLeavesAnotherOrganisationAlone) {
  const fs::path north = write_store(dir_.path / "north", "north", 3);
  const fs::path other = write_store(dir_.path / "other", "other", 1);
  Connection db = app();
  import_organisation(other, org("other"), db);
  const Checksums other_before = checksums_of(db, org("other"));

  const Checksums source = checksums_of(north);
  // Every concept has rows, so the checksums below compare something.
  EXPECT_THAT(tables_with_rows(source), IsSupersetOf({"person",
                                                      "person_manager",
                                                      "leave",
                                                      "course_completion",
                                                      "sync_cursor",
                                                      "enrolment",
                                                      "enrolment_transition",
                                                      "touchpoint",
                                                      "pair",
                                                      "pair_proposal",
                                                      "pair_score",
                                                      "pair_cadence",
                                                      "pair_session",
                                                      "pair_next_meeting",
                                                      "pair_session_escalation",
                                                      "supervision_group",
                                                      "supervision_member",
                                                      "supervision_session",
                                                      "supervision_attendance",
                                                      "kit_day",
                                                      "outbox",
                                                      "link_key",
                                                      "link_spent",
                                                      "sync_quarantine",
                                                      "calendar_event",
                                                      "store_revision"}));
  const Checksums imported = import_organisation(north, org("north"), db);
  EXPECT_EQ(by_table(imported), by_table(source));
  EXPECT_EQ(imported.total_sha256, source.total_sha256);
  EXPECT_EQ(by_table(checksums_of(db, org("north"))), by_table(source));

  const fs::path exported = dir_.path / "exported" / "north.sqlite";
  const Checksums back = export_organisation(db, org("north"), exported);
  EXPECT_EQ(by_table(back), by_table(source));
  EXPECT_EQ(by_table(checksums_of(exported)), by_table(source));
  EXPECT_EQ(checksums_of(exported).total_sha256, source.total_sha256);
  EXPECT_FALSE(fs::exists(exported.string() + ".partial"));
  EXPECT_EQ((fs::status(exported).permissions() & fs::perms::all),
            fs::perms::owner_read | fs::perms::owner_write);

  // The other organisation: untouched, and none of its rows in the export.
  EXPECT_EQ(by_table(checksums_of(db, org("other"))), by_table(other_before));
  SQLite::Database file(exported.string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(file.execAndGet("SELECT count(*) FROM person").getInt(), 5);
  EXPECT_EQ(file.execAndGet("SELECT count(*) FROM leave").getInt(), 3);

  // A few rows directly, on both sides.
  OrgStore reopened(exported.parent_path(), "north");  // the store opens the export as its own
  EXPECT_EQ(reopened.managers_of("P2"), (std::vector<std::string>{"M2", "M1"}));  // indirect
  EXPECT_EQ(reopened.managers_of("P2"), OrgStore(north.parent_path(), "north").managers_of("P2"));
  EXPECT_EQ(SqliteLinkRepository(reopened.session()).key(), link_secret());
  ASSERT_TRUE(SqliteOutboxRepository(reopened.session()).find("k-failing"));
  EXPECT_EQ(SqliteOutboxRepository(reopened.session()).find("k-failing")->last_error,
            "503 from the HR system");
  EXPECT_THAT(reopened.history("P1").size(), 3u);
  pqxx::work admin(role_->admin().pq());
  EXPECT_EQ(
      admin.exec_params1("SELECT secret FROM link_key WHERE org_id = $1", org("north"))[0]
          .as<std::string>(),
      "\\x" + [] {
        std::string hex;
        for (int i = 0; i < 256; ++i) {
          char two[3];
          std::snprintf(two, sizeof two, "%02x", i);
          hex += two;
        }
        return hex;
      }());
  EXPECT_EQ(
      admin.exec_params1("SELECT name FROM person WHERE org_id = $1 AND id = 'P2'", org("north"))[0]
          .as<std::string>(),
      "Person P2 Ñandú");
  // The identity sequences are past the imported ids: the next enrolment gets a new id.
  const long long highest =
      count(admin, "SELECT max(id) FROM enrolment WHERE org_id = " + admin.quote(org("north")));
  EXPECT_GT(count(admin, "SELECT nextval(pg_get_serial_sequence('enrolment', 'id'))"), highest);
}

TEST_F(Transfer, AnOrganisationAlreadyInPostgresIsRefusedUnlessReplaced) {
  const fs::path first = write_store(dir_.path / "a", "a", 2);
  const fs::path second = write_store(dir_.path / "b", "b", 4);
  Connection db = app();
  import_organisation(first, org("x"), db);
  const std::string refusal = refusal_of([&] { import_organisation(second, org("x"), db); });
  EXPECT_THAT(refusal, HasSubstr("already has rows"));
  EXPECT_THAT(refusal, HasSubstr("--replace"));
  EXPECT_EQ(by_table(checksums_of(db, org("x"))), by_table(checksums_of(first)));
  TransferOptions replace;
  replace.replace = true;
  EXPECT_EQ(by_table(import_organisation(second, org("x"), db, replace)),
            by_table(checksums_of(second)));
  EXPECT_EQ(by_table(checksums_of(db, org("x"))), by_table(checksums_of(second)));
}

TEST_F(Transfer, AnImportAlteredBeforeItsVerificationIsRefusedAndRolledBack) {
  const fs::path source = write_store(dir_.path / "s", "s", 2);
  Connection db = app();
  TransferOptions tamper;
  tamper.before_verify = [&](const auto& execute) {
    execute("UPDATE person SET name = 'tampered' WHERE id = 'P2'");
  };
  EXPECT_THAT(mismatched_tables([&] { import_organisation(source, org("t"), db, tamper); }),
              ElementsAre("person"));
  const std::string refusal =
      refusal_of([&] { import_organisation(source, org("t"), db, tamper); });
  EXPECT_THAT(refusal, HasSubstr("table person: 4 rows, sha256 "));
  EXPECT_THAT(refusal, HasSubstr("rolled back"));
  EXPECT_EQ(checksums_of(db, org("t")).total_rows, 0);
}

TEST_F(Transfer, AnExportAlteredBeforeItsVerificationLeavesNoFile) {
  const fs::path source = write_store(dir_.path / "s", "s", 2);
  Connection db = app();
  import_organisation(source, org("t"), db);
  const fs::path target = dir_.path / "out.sqlite";
  TransferOptions tamper;
  tamper.before_verify = [&](const auto& execute) {
    execute("DELETE FROM outbox WHERE idempotency_key = 'k-done'");
  };
  EXPECT_THAT(mismatched_tables([&] { export_organisation(db, org("t"), target, tamper); }),
              ElementsAre("outbox"));
  EXPECT_FALSE(fs::exists(target));
  EXPECT_FALSE(fs::exists(target.string() + ".partial"));
}

TEST_F(Transfer, ATamperedFileDiffersInTheTableTamperedOnly) {
  const fs::path source = write_store(dir_.path / "s", "s", 2);
  const fs::path copy = dir_.path / "copy.sqlite";
  fs::copy_file(source, copy);
  {
    SQLite::Database file(copy.string(), SQLite::OPEN_READWRITE);
    file.exec("UPDATE leave SET expected_end = '2027-09-15' WHERE id = 'L1'");
  }
  const auto expected = by_table(checksums_of(source));
  const auto found = by_table(checksums_of(copy));
  std::vector<std::string> differing;
  for (const auto& [name, figures] : expected)
    if (found.at(name) != figures) differing.push_back(name);
  EXPECT_THAT(differing, ElementsAre("leave"));
  EXPECT_EQ(found.at("leave").rows, expected.at("leave").rows);
}

TEST_F(Transfer, RefusesWhatItCannotDoNamingIt) {
  const fs::path source = write_store(dir_.path / "s", "s", 1);
  Connection db = app();
  EXPECT_THAT(refusal_of([&] { export_organisation(db, org("nobody"), dir_.path / "x.sqlite"); }),
              HasSubstr("has no rows"));
  EXPECT_FALSE(fs::exists(dir_.path / "x.sqlite"));
  import_organisation(source, org("t"), db);
  EXPECT_THAT(refusal_of([&] { export_organisation(db, org("t"), source); }),
              HasSubstr(source.string() + " exists"));
  // Another export's file in progress is neither shared nor removed.
  const fs::path busy = dir_.path / "busy.sqlite";
  std::ofstream(busy.string() + ".partial") << "another export's";
  EXPECT_THAT(refusal_of([&] { export_organisation(db, org("t"), busy); }),
              HasSubstr("another export to that name is running"));
  EXPECT_TRUE(fs::exists(busy.string() + ".partial"));
  EXPECT_FALSE(fs::exists(busy));
  {
    SQLite::Database empty((dir_.path / "empty.sqlite").string(),
                           SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    empty.exec("CREATE TABLE t (x)");
  }
  EXPECT_THAT(refusal_of([&] { import_organisation(dir_.path / "empty.sqlite", org("e"), db); }),
              HasSubstr("not a store at this host's schema"));
  // A value SQLite took that PostgreSQL's column type cannot hold: named, nothing imported.
  const fs::path odd = dir_.path / "odd.sqlite";
  fs::copy_file(source, odd);
  {
    SQLite::Database file(odd.string(), SQLite::OPEN_READWRITE);
    file.exec("UPDATE pair_cadence SET every_weeks = 'four'");
  }
  const std::string refusal = refusal_of([&] { import_organisation(odd, org("odd"), db); });
  EXPECT_THAT(refusal, HasSubstr("table pair_cadence"));
  EXPECT_THAT(refusal, HasSubstr("column every_weeks: found 'four', expected an INTEGER"));
  EXPECT_EQ(checksums_of(db, org("odd")).total_rows, 0);
}

// ---------------------------------------------------------------- mentoring-host store

struct HostRun {
  int exit_code;
  std::string output;  // stdout and stderr
};

HostRun run_host(const std::string& arguments, const std::string& environment = "") {
  const std::string command = environment + " " + HOST_BINARY + " " + arguments + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  std::string output;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

// A host config over the demo's northwind (its id is what --org names) with `store`, and a
// secrets file (0600) holding the PostgreSQL URL as PG_URL.
class StoreCommand : public Transfer {
 protected:
  fs::path config(const std::string& store, const std::string& url) {
    const fs::path secrets = dir_.path / "secrets.json";
    std::ofstream(secrets) << nlohmann::json{{"PG_URL", url}}.dump();
    fs::permissions(secrets, fs::perms::owner_read | fs::perms::owner_write);
    const fs::path file = dir_.path / "host.json";
    std::ofstream(file) << nlohmann::json{
        {"organisations", {std::string(EXAMPLES_DIR) + "/demo/orgs/northwind.json"}},
        {"state_dir", (dir_.path / "state").string()},
        {"secrets_file", secrets.string()},
        {"store", nlohmann::json::parse(
                      store)}}.dump();
    return file;
  }
  static void expect_no_secret(const HostRun& run) {
    EXPECT_THAT(run.output, Not(HasSubstr(role_->password())));
    EXPECT_THAT(run.output, Not(HasSubstr(role_->url())));
  }
  // The table's line: name, rows, checksum.
  static std::string line_of(const std::string& output, const std::string& first_word) {
    std::size_t at = output.find("\n" + first_word + " ");
    if (at == std::string::npos) return "(no line " + first_word + ")";
    return output.substr(at + 1, output.find('\n', at + 1) - at - 1);
  }
};

TEST_F(StoreCommand, ImportsAndExportsPrintingEachTableAndNeverTheUrl) {
  const fs::path source = write_store(dir_.path / "n", "northwind", 3);
  const Checksums expected = checksums_of(source);
  const fs::path host = config(R"({"kind": "postgres", "url_secret": "PG_URL"})", role_->url());
  const std::string org = " --org northwind -c " + host.string();

  const HostRun imported = run_host("store import --from " + source.string() + org);
  EXPECT_EQ(imported.exit_code, 0) << imported.output;
  expect_no_secret(imported);
  EXPECT_THAT(imported.output, HasSubstr("imported organisation northwind from " + source.string() +
                                         " into PostgreSQL ("));
  const auto person = by_table(expected).at("person");
  EXPECT_THAT(line_of(imported.output, "person"),
              ::testing::MatchesRegex("person +5  " + person.sha256));
  EXPECT_THAT(line_of(imported.output, "total"),
              ::testing::MatchesRegex("total +" + std::to_string(expected.total_rows) + "  " +
                                      expected.total_sha256));

  const HostRun again = run_host("store import --from " + source.string() + org);
  EXPECT_EQ(again.exit_code, 2) << again.output;
  EXPECT_THAT(again.output, HasSubstr("already has rows"));
  const HostRun replaced = run_host("store import --replace --from " + source.string() + org);
  EXPECT_EQ(replaced.exit_code, 0) << replaced.output;

  const fs::path out = dir_.path / "out.sqlite";
  const HostRun exported = run_host("store export --to " + out.string() + org);
  EXPECT_EQ(exported.exit_code, 0) << exported.output;
  expect_no_secret(exported);
  EXPECT_EQ(line_of(exported.output, "total"), line_of(imported.output, "total"));
  EXPECT_EQ(by_table(checksums_of(out)), by_table(expected));

  const HostRun json =
      run_host("store export --json --to " + (dir_.path / "2.sqlite").string() + org);
  EXPECT_EQ(json.exit_code, 0) << json.output;
  EXPECT_EQ(nlohmann::json::parse(json.output)["total_sha256"], expected.total_sha256);

  const HostRun unknown = run_host("store export --to " + (dir_.path / "3.sqlite").string() +
                                   " --org nowhere -c " + host.string());
  EXPECT_EQ(unknown.exit_code, 2) << unknown.output;
  EXPECT_THAT(unknown.output, HasSubstr("unknown organisation \"nowhere\""));
}

TEST_F(StoreCommand, RunServeCheckAndCommandRefusePostgres) {
  const fs::path host = config(R"({"kind": "postgres", "url_secret": "PG_URL"})", role_->url());
  for (const char* command : {"run", "serve", "check", "command list_enrolments --org northwind"}) {
    const HostRun run = run_host(std::string(command) + " -c " + host.string());
    EXPECT_EQ(run.exit_code, 3) << command << ": " << run.output;
    EXPECT_THAT(run.output, HasSubstr("/store/kind: found \"postgres\""));
    EXPECT_THAT(
        run.output,
        HasSubstr("PostgreSQL is only used by `mentoring-host store export|import` so far"));
    expect_no_secret(run);
  }
}

TEST_F(StoreCommand, ConfigErrorsNameTheFieldWhatWasFoundAndWhatWasExpected) {
  const fs::path source = write_store(dir_.path / "n", "northwind", 1);
  const std::string import = "store import --org northwind --from " + source.string() + " -c ";
  struct Case {
    const char* store;
    const char* field;
    const char* found;
    const char* expected;
  };
  for (const Case& c :
       {Case{R"({"kind": "mysql"})", "/store/kind", "found \"mysql\"", "\"postgres\""},
        Case{R"({"kind": "postgres"})", "/store/url_secret", "found (missing)", "url_secret"},
        Case{R"({"kind": "postgres", "url_secret": "NOT_SET"})", "/store/url_secret",
             "found \"NOT_SET\", a secret that is not set", "the name of the secret"},
        Case{R"({"kind": "sqlite", "url_secret": "PG_URL"})", "/store/url_secret",
             "found \"PG_URL\" with kind \"sqlite\"", "only with kind \"postgres\""},
        Case{R"({"kind": "sqlite"})", "/store/kind", "found \"sqlite\"",
             "expected \"postgres\""}}) {
    const HostRun run = run_host(import + config(c.store, role_->url()).string());
    EXPECT_EQ(run.exit_code, 3) << c.store << ": " << run.output;
    EXPECT_THAT(run.output, HasSubstr(c.field)) << c.store;
    EXPECT_THAT(run.output, HasSubstr(c.found)) << c.store;
    EXPECT_THAT(run.output, HasSubstr(c.expected)) << c.store;
    expect_no_secret(run);
  }
  // A URL the server refuses: named by server and user, never by its password.
  const std::string wrong = role_->url() + " password=wrong-" + role_->password();
  const HostRun refused =
      run_host(import + config(R"({"kind": "postgres", "url_secret": "PG_URL"})", wrong).string());
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_THAT(refused.output, HasSubstr(role_->name()));
  EXPECT_THAT(refused.output, Not(HasSubstr("wrong-")));
  expect_no_secret(refused);
}

}  // namespace
}  // namespace mentoring::store::postgres
