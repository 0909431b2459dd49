// Each fault a host system or the file system can throw at a run, injected by
// the loopback fakes (in this process) or by the file system, with its outcome
// asserted on `mentoring-host run` (a child process) on a private copy of
// examples/demo-rest. Exit codes and the run summary are those the issue 12
// contract agrees (README "Exit codes"): 5 an adapter failed during sync, 7
// write-backs failed (pending/retrying, never delivered), 1 a store error.
#include "demo_rest_copy.hpp"

#include <gtest/gtest.h>
#include <fake_bamboohr.hpp>
#include <fake_moodle.hpp>

#include <pwd.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <regex>

namespace mentoring::fakes {
// How GoogleTest and ctest name a fault kind parameter.
inline void PrintTo(FaultKind kind, std::ostream* out) {
  static const char* names[] = {"status",  "throttle", "html", "delay", "truncated",
                                "dropped", "not_json", "body", "huge",  "endless"};
  *out << names[static_cast<int>(kind)];
}
}  // namespace mentoring::fakes

namespace mentoring::test {
namespace {

using fakes::Fault;
using fakes::FaultKind;
using nlohmann::json;

const std::string kData = std::string(EXAMPLES_DIR) + "/demo/data/northwind";
const std::string kTimeOff = "/api/v1/time_off/requests";

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

bool mentions(const ChildResult& result, const std::string& words) {
  return lower(result.all()).find(lower(words)) != std::string::npos;
}

class FaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    bamboohr = std::make_unique<fakes::FakeBambooHr>(
        fakes::DemoData::load(kData), "demo-bamboohr-key", 0, fakes::FakeBambooHr::IdStyle::demo);
    moodle = std::make_unique<fakes::FakeMoodle>(kData, "demo-moodle-token");
    // Nobody is a student before the plugin enrols them: the adapter asks Moodle
    // first, and an enrolment Moodle already has is a duplicate, never a write.
    moodle->limit_implicit_students(0);
    copy = std::make_unique<DemoRestCopy>(bamboohr->base_url(), moodle->base_url());
  }
  void TearDown() override {
    copy.reset();
    moodle.reset();
    bamboohr.reset();
  }

  // The organisation without Moodle: a sync fault of BambooHR alone, faster.
  void without_lms() const {
    copy->edit_org([](json& org) {
      json kept = json::array();
      for (const auto& a : org["adapters"])
        if (a["name"] != "lms") kept.push_back(a);
      org["adapters"] = kept;
    });
  }
  long long leave_stored() const { return copy->query_number("SELECT COUNT(*) FROM leave"); }
  long long people_stored() const { return copy->query_number("SELECT COUNT(*) FROM person"); }
  int requests_to(const fakes::FaultPlan& plan, const std::string& path) const {
    auto seen = plan.requests();
    return static_cast<int>(std::count_if(seen.begin(), seen.end(), [&](const auto& r) {
      return r.path.find(path) != std::string::npos;
    }));
  }

  // A clean run, then HR records Dafydd Evans's consent: the next run has one
  // enrol_in_course action for Moodle (course RTW-PAIR-01).
  void prepare_enrolment() const {
    ChildResult first = copy->run();
    ASSERT_EQ(first.exit_code, 0) << first.all();
    Child accept(copy->host_args({"command", "--org", "northwind", "accept", "--input",
                                  R"({"person_id":"E1246","programme":"return-to-work"})"}));
    ChildResult accepted = accept.wait_for(std::chrono::seconds(60));
    ASSERT_EQ(accepted.exit_code, 0) << accepted.all();
  }
  long long enrolments_delivered() const {
    return copy->query_number(
        "SELECT COUNT(*) FROM outbox WHERE type = 'enrol_in_course' AND delivered_at IS NOT NULL");
  }
  long long enrolments_waiting() const {
    return copy->query_number(
        "SELECT COUNT(*) FROM outbox WHERE type = 'enrol_in_course' AND delivered_at IS NULL "
        "AND attempts > 0");
  }

  std::unique_ptr<fakes::FakeBambooHr> bamboohr;
  std::unique_ptr<fakes::FakeMoodle> moodle;
  std::unique_ptr<DemoRestCopy> copy;
};

// ------------------------------------------------------------ sync: HTTP status

class ServerErrorTest : public FaultTest, public ::testing::WithParamInterface<int> {};

TEST_P(ServerErrorTest, IsRetriedThenTheStreamFailsVisiblyWithExit5) {
  without_lms();
  int status = GetParam();
  bamboohr->faults().add(Fault(FaultKind::status).times(-1).with_status(status).matching(kTimeOff));
  ChildResult result = copy->run();
  EXPECT_EQ(result.exit_code, 5) << result.all();
  json org = organisation_of(result);
  ASSERT_TRUE(org.is_object()) << result.all();
  EXPECT_GT(org.value("adapter_failures", 0), 0) << org.dump(2);
  EXPECT_TRUE(mentions(result, "HTTP " + std::to_string(status))) << result.all();
  EXPECT_TRUE(mentions(result, kTimeOff)) << result.all();
  // Retried (a GET is idempotent) before giving up.
  EXPECT_GE(requests_to(bamboohr->faults(), kTimeOff), 2);
  EXPECT_EQ(leave_stored(), 0);
  EXPECT_GT(people_stored(), 0) << "one failing stream must not stop the others";
}

INSTANTIATE_TEST_SUITE_P(Statuses, ServerErrorTest, ::testing::Values(500, 502, 503));

TEST_F(FaultTest, TransientServerErrorsAreRetriedAndTheRunCompletes) {
  without_lms();
  bamboohr->faults().add(Fault(FaultKind::status).times(2).with_status(502).matching(kTimeOff));
  ChildResult result = copy->run();
  EXPECT_EQ(result.exit_code, 0) << result.all();
  EXPECT_EQ(bamboohr->faults().faults_applied(), 2);
  EXPECT_GT(leave_stored(), 0);
}

TEST_F(FaultTest, RetryAfterIsHonoured) {
  without_lms();
  bamboohr->faults().add(Fault(FaultKind::throttle).times(1).retry_after(3).matching(kTimeOff));
  ChildResult result = copy->run();
  EXPECT_EQ(result.exit_code, 0) << result.all();
  auto seen = bamboohr->faults().requests();
  auto throttled = std::find_if(seen.begin(), seen.end(), [](const auto& r) { return r.faulted; });
  ASSERT_NE(throttled, seen.end());
  auto retry =
      std::find_if(throttled + 1, seen.end(), [](const auto& r) { return r.path == kTimeOff; });
  ASSERT_NE(retry, seen.end()) << "the throttled request was never retried";
  auto waited =
      std::chrono::duration_cast<std::chrono::milliseconds>(retry->at - throttled->at).count();
  EXPECT_GE(waited, 2900) << "Retry-After: 3 asked for 3 s; the retry came after " << waited
                          << " ms";
  EXPECT_GT(leave_stored(), 0);
}

TEST_F(FaultTest, ADelayBeyondTheClientTimeoutFailsTheStreamNamingTheTimeout) {
  without_lms();
  copy->edit_adapter("hr", [](json& s) { s["timeout_ms"] = 500; });
  bamboohr->faults().add(Fault(FaultKind::delay).times(-1).delay(2000).matching(kTimeOff));
  ChildResult result = copy->run();
  EXPECT_EQ(result.exit_code, 5) << result.all();
  EXPECT_TRUE(std::regex_search(lower(result.all()), std::regex("timed? ?out"))) << result.all();
  EXPECT_TRUE(mentions(result, kTimeOff)) << result.all();
  EXPECT_GE(requests_to(bamboohr->faults(), kTimeOff), 2) << "a timeout of a GET is retried";
  EXPECT_EQ(leave_stored(), 0);
}

// ------------------------------------------------------------ sync: bodies

class BrokenBodyTest : public FaultTest, public ::testing::WithParamInterface<FaultKind> {};

TEST_P(BrokenBodyTest, IsAClearErrorNamingTheAdapterAndRequestAndNothingOfThePageIsStored) {
  without_lms();
  bamboohr->faults().add(Fault(GetParam()).times(-1).matching(kTimeOff));
  ChildResult result = copy->run();
  EXPECT_EQ(result.exit_code, 5) << result.all();
  json org = organisation_of(result);
  ASSERT_TRUE(org.is_object()) << result.all();
  EXPECT_TRUE(mentions(result, "bamboohr")) << result.all();
  // The request, by its path or by what it asks for.
  EXPECT_TRUE(mentions(result, kTimeOff) || mentions(result, "time-off requests 2018-01-01"))
      << result.all();
  EXPECT_EQ(leave_stored(), 0) << "nothing from a broken page is stored";
  EXPECT_EQ(copy->query_number("SELECT COUNT(*) FROM sync_cursor WHERE stream = 'leave'"), 0)
      << "the leave cursor must not move past a broken page";
  EXPECT_GT(people_stored(), 0);
}

INSTANTIATE_TEST_SUITE_P(Bodies, BrokenBodyTest,
                         ::testing::Values(FaultKind::truncated, FaultKind::dropped,
                                           FaultKind::not_json),
                         [](const auto& info) {
                           switch (info.param) {
                             case FaultKind::truncated:
                               return std::string("Truncated");
                             case FaultKind::dropped:
                               return std::string("ConnectionDropped");
                             default:
                               return std::string("NotJson");
                           }
                         });

// Needs the limits helper's http.max_body_bytes (an adapter setting).
TEST_F(FaultTest, AHugeBodyIsCutAtMaxBodyBytesWithoutBeingReadWhole) {
  without_lms();
  // The same run without the fault: how much memory a run takes here (asan included).
  ChildResult baseline = copy->run();
  ASSERT_EQ(baseline.exit_code, 0) << baseline.all();
  long long leave_before = leave_stored();
  copy->edit_adapter("hr", [](json& s) { s["http"] = {{"max_body_bytes", 1 << 20}}; });
  const std::size_t huge = std::size_t{512} << 20;
  bamboohr->faults().add(Fault(FaultKind::huge).times(-1).size(huge).matching(kTimeOff));
  ChildResult result = copy->run();
  EXPECT_EQ(result.exit_code, 5) << result.all();
  EXPECT_TRUE(mentions(result, "http.max_body_bytes")) << result.all();
  EXPECT_TRUE(mentions(result, kTimeOff) || mentions(result, "time-off requests")) << result.all();
  EXPECT_LT((result.max_rss_kb - baseline.max_rss_kb) * 1024, static_cast<long>(huge / 4))
      << "the host held " << result.max_rss_kb << " KiB (" << baseline.max_rss_kb
      << " KiB without the fault): the body was read whole";
  EXPECT_EQ(leave_stored(), leave_before);
}

TEST_F(FaultTest, ABodyThatNeverEndsIsEndedByTheTimeout) {
  without_lms();
  copy->edit_adapter("hr", [](json& s) { s["timeout_ms"] = 1500; });
  bamboohr->faults().add(Fault(FaultKind::endless).times(-1).matching(kTimeOff));
  ChildResult result = copy->run({}, std::chrono::seconds(60));
  EXPECT_FALSE(result.timed_out) << "the run hung on a body that never ends";
  EXPECT_EQ(result.exit_code, 5) << result.all();
  EXPECT_TRUE(std::regex_search(lower(result.all()), std::regex("timed? ?out|timeout")))
      << result.all();
  EXPECT_TRUE(mentions(result, kTimeOff)) << result.all();
  EXPECT_EQ(leave_stored(), 0);
}

// Needs the limits helper's repeated-cursor detection.
TEST_F(FaultTest, ARepeatedCursorStopsTheStreamWithAnAdapterFailureNamingTheCursor) {
  without_lms();
  // The cursor-paged list is BambooHR's OAuth read of people.
  copy->edit_adapter("hr", [](json& s) {
    s["auth"] = {{"scheme", "oauth"}};
    s["people"]["page_size"] = 50;
  });
  bamboohr->repeat_cursor();
  ChildOptions options;
  options.env["MENTORING_SECRET_BAMBOOHR_ACCESS_TOKEN"] = "demo-bamboohr-key";
  ChildResult result = copy->run(options, std::chrono::seconds(60));
  EXPECT_FALSE(result.timed_out) << "the host kept paging a cursor it had already been given";
  EXPECT_EQ(result.exit_code, 5) << result.all();
  EXPECT_TRUE(mentions(result, "cursor")) << result.all();
  EXPECT_TRUE(mentions(result, "pos-50")) << result.all();
  EXPECT_LE(requests_to(bamboohr->faults(), "/api/v1/employees"), 10);
}

// ------------------------------------------------------------ write-back

// Moodle's own answer when the token's user may not enrol (recorded from Moodle 4.5.5).
json recorded_moodle(const std::string& file) {
  return json::parse(read_text(std::string(MOODLE_RECORDED) + "/" + file));
}

// Needs the delivery helper's routing and delivery (and exit 7).
TEST_F(FaultTest, MoodleHttp200WithAnExceptionOnEnrolFailsTheActionInMoodlesOwnWords) {
  prepare_enrolment();
  json refusal = recorded_moodle("E19_nocap_enrol_users_required_capability.json");
  ASSERT_EQ(refusal.value("errorcode", ""), "nopermissions");
  moodle->faults().add(
      Fault(FaultKind::body).times(-1).answering(refusal).matching("enrol_manual_enrol_users"));
  ChildResult result = copy->run();
  EXPECT_EQ(result.exit_code, 7) << result.all();
  json org = organisation_of(result);
  ASSERT_TRUE(org.is_object()) << result.all();
  const json actions = org.value("actions", json::object());
  EXPECT_GE(actions.value("failed", 0), 1) << actions.dump(2);
  EXPECT_EQ(actions.value("delivered", 0), 0) << actions.dump(2);
  EXPECT_TRUE(mentions(result, refusal["message"].get<std::string>())) << result.all();
  EXPECT_EQ(enrolments_delivered(), 0);
  EXPECT_EQ(enrolments_waiting(), 1);
  EXPECT_TRUE(moodle->enrolments().empty());
  EXPECT_EQ(read_text(copy->outbox_file).find("enrol_in_course"), std::string::npos)
      << "the file outbox took the enrolment Moodle refused";
}

// Needs the delivery helper's routing, retrying state and exit 7.
TEST_F(FaultTest, WriteBackServerErrorsLeaveTheActionRetryingNeverDelivered) {
  prepare_enrolment();
  moodle->faults().add(
      Fault(FaultKind::status).times(-1).with_status(503).matching("enrol_manual_enrol_users"));
  ChildResult result = copy->run();
  EXPECT_EQ(result.exit_code, 7) << result.all();
  json org = organisation_of(result);
  ASSERT_TRUE(org.is_object()) << result.all();
  const json actions = org.value("actions", json::object());
  EXPECT_GE(actions.value("failed", 0) + actions.value("retrying", 0), 1) << actions.dump(2);
  EXPECT_GE(actions.value("pending", 0), 1) << actions.dump(2);
  EXPECT_TRUE(mentions(result, "HTTP 503")) << result.all();
  EXPECT_EQ(enrolments_delivered(), 0);
  EXPECT_EQ(enrolments_waiting(), 1);
  EXPECT_TRUE(moodle->enrolments().empty());
  EXPECT_EQ(read_text(copy->outbox_file).find("enrol_in_course"), std::string::npos);
}

// ------------------------------------------------------------ file system

// Needs the writer-lock helper's store errors (exit 1, never "rejected").
TEST_F(FaultTest, DiskFullFailsTheRunAsAStoreErrorAndTheNextRunCompletes) {
  without_lms();
  ChildOptions full;
  full.file_size_limit = 96 * 1024;  // files may not grow past 96 KiB: a full disk
  ChildResult result = copy->run(full);
  EXPECT_EQ(result.exit_code, 1) << result.all();
  // RLIMIT_FSIZE makes writes fail with EFBIG, which SQLite reports as an I/O
  // error (ENOSPC would be "database or disk is full").
  EXPECT_TRUE(std::regex_search(lower(result.all()),
                                std::regex("disk i/o error|disk is full|file too large|no space")))
      << result.all();
  EXPECT_TRUE(mentions(result, "northwind.sqlite")) << "name the database: " << result.all();
  EXPECT_FALSE(mentions(result, "\"rejected_pages\": 1")) << "a full disk is not bad host data";
  if (std::filesystem::exists(copy->database)) {
    EXPECT_EQ(copy->integrity_check(), "ok");
  }

  ChildResult again = copy->run();
  EXPECT_EQ(again.exit_code, 0) << again.all();
  EXPECT_GT(leave_stored(), 0);
  EXPECT_EQ(copy->integrity_check(), "ok");
}

// Runs the host so that file modes stop it even when the test runs as root.
ChildOptions as_unprivileged_user() {
  ChildOptions options;
  options.obey_file_modes = true;
  return options;
}

void open_for_others(const std::filesystem::path& root) {
  // mkdtemp made the copy 0700: let the unprivileged user reach the config.
  std::filesystem::permissions(
      root, std::filesystem::perms::owner_all | std::filesystem::perms::group_read |
                std::filesystem::perms::group_exec | std::filesystem::perms::others_read |
                std::filesystem::perms::others_exec);
}

// Needs the writer-lock helper (an unwritable state folder is a config error, exit 3).
TEST_F(FaultTest, AnUnwritableStateFolderIsAConfigErrorNamingIt) {
  without_lms();
  ChildResult first = copy->run();
  ASSERT_EQ(first.exit_code, 0) << first.all();
  open_for_others(copy->root);
  const auto read_only = std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec |
                         std::filesystem::perms::group_read | std::filesystem::perms::group_exec |
                         std::filesystem::perms::others_read | std::filesystem::perms::others_exec;
  std::filesystem::permissions(copy->state / "northwind", read_only);
  std::filesystem::permissions(copy->database, std::filesystem::perms::owner_read |
                                                   std::filesystem::perms::group_read |
                                                   std::filesystem::perms::others_read);
  bamboohr->update_leave("NW-LR-00214", {{"status", "canceled"}});  // something to write
  ChildResult result = copy->run(as_unprivileged_user());
  std::filesystem::permissions(copy->state / "northwind", std::filesystem::perms::owner_all);
  EXPECT_EQ(result.exit_code, 3) << result.all();
  EXPECT_TRUE(mentions(result, (copy->state / "northwind").string())) << result.all();
  EXPECT_EQ(copy->integrity_check(), "ok");
}

// Needs the writer-lock helper's store errors (exit 1, never "rejected").
TEST_F(FaultTest, AReadOnlyDatabaseIsAStoreErrorNamingTheDatabase) {
  without_lms();
  ChildResult first = copy->run();
  ASSERT_EQ(first.exit_code, 0) << first.all();
  open_for_others(copy->root);
  // The folder stays writable for the run's user; only the database is not.
  std::filesystem::permissions(copy->database, std::filesystem::perms::owner_read |
                                                   std::filesystem::perms::group_read |
                                                   std::filesystem::perms::others_read);
  bamboohr->update_leave("NW-LR-00214", {{"status", "canceled"}});  // something to write
  long long rows_before = copy->query_number("SELECT COUNT(*) FROM outbox");
  ChildResult result = copy->run(as_unprivileged_user());
  EXPECT_EQ(result.exit_code, 1) << result.all();
  EXPECT_TRUE(std::regex_search(lower(result.all()), std::regex("read-?only"))) << result.all();
  EXPECT_TRUE(mentions(result, "northwind.sqlite")) << result.all();
  EXPECT_FALSE(mentions(result, "\"rejected_pages\": 1"));
  EXPECT_EQ(copy->query_number("SELECT COUNT(*) FROM outbox"), rows_before);
  EXPECT_EQ(copy->integrity_check(), "ok");
}

// A database whose pages are garbage: detected, named, never replaced.
class CorruptDatabaseTest : public FaultTest, public ::testing::WithParamInterface<bool> {};

TEST_P(CorruptDatabaseTest, IsDetectedWithAClearMessageAndKeptForRecovery) {
  without_lms();
  ChildResult first = copy->run();
  ASSERT_EQ(first.exit_code, 0) << first.all();
  auto size = std::filesystem::file_size(copy->database);
  ASSERT_GT(size, 8192u);
  {
    std::fstream db(copy->database, std::ios::in | std::ios::out | std::ios::binary);
    bool header = GetParam();
    // The header (the file is no database at all), or every page after the
    // first two (the schema reads, the tables do not).
    std::size_t from = header ? 0 : 8192, to = header ? 100 : size;
    db.seekp(static_cast<std::streamoff>(from));
    std::string garbage(to - from, '\0');
    for (std::size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<char>(i * 131 + 7);
    db.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  auto corrupted = read_text(copy->database);
  bamboohr->update_leave("NW-LR-00214", {{"status", "canceled"}});
  ChildResult result = copy->run();
  EXPECT_EQ(result.exit_code, 1) << result.all();
  EXPECT_TRUE(mentions(result, "northwind.sqlite")) << result.all();
  EXPECT_TRUE(
      std::regex_search(lower(result.all()), std::regex("malformed|not a database|corrupt")))
      << result.all();
  EXPECT_EQ(read_text(copy->database), corrupted)
      << "the corrupt database must be kept as it was, for recovery";
}

INSTANTIATE_TEST_SUITE_P(Damage, CorruptDatabaseTest, ::testing::Values(true, false),
                         [](const auto& info) {
                           return std::string(info.param ? "Header" : "Pages");
                         });

}  // namespace
}  // namespace mentoring::test
