// OrangeHRM-specific behaviour beyond the conformance suite: the OAuth grants,
// access tokens renewed on expiry and on 401, rotated refresh tokens kept
// across restarts, leave statuses, supervisors, start and end dates from the
// job details and terminations, and check per capability.
#include "fake_orangehrm.hpp"
#include "subject.hpp"

#include <orangehrm_adapter/orangehrm_adapter.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <set>

using mentoring::conformance::TestHost;
using mentoring::fakes::DemoData;
using mentoring::fakes::DemoLeave;
using mentoring::fakes::FakeOrangeHrm;
using nlohmann::json;
namespace orangehrm = mentoring::adapters::orangehrm;

namespace {

class OrangeHrmTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage_ =
        std::filesystem::temp_directory_path() /
        ("orangehrm-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(storage_);
    std::filesystem::create_directories(storage_);
    secrets_["ORANGEHRM_CLIENT_SECRET"] = "client-secret-789";
    // These tests drive every grant the adapter offers; a real OrangeHRM 5.7
    // enables only the first two (the fake's default, held to the recordings).
    fake_.allow_grants({"authorization_code", "refresh_token", "client_credentials", "password"});
    // The server's token lifetimes run on the same elapsed time as the host's.
    fake_.set_clock([this] { return elapsed_ms_.load(); });
  }
  void TearDown() override { std::filesystem::remove_all(storage_); }

  std::unique_ptr<orangehrm::OrangeHrmAdapter> make(json extra_settings = json::object()) {
    json settings = {{"base_url", fake_.base_url()},
                     {"client_id", "mentoring"},
                     {"grant", "client_credentials"},
                     // Not about rate budgets: per-employee requests at the
                     // default 10/s would make every full read take 30 s.
                     {"rate_limit", {{"per_second", 10000}, {"burst", 10000}}},
                     {"people", {{"page_size", 100}}},
                     {"leave",
                      {{"from", "2018-01-01"},
                       {"page_size", 100},
                       {"leave_types", json::parse(mentoring::fakes::demo_leave_types_json())}}}};
    settings.update(extra_settings);
    json config = {{"organisation", "northwind"},
                   {"name", "hr"},
                   {"base_dir", "/tmp"},
                   {"settings", settings}};
    return std::make_unique<orangehrm::OrangeHrmAdapter>(
        config.dump(),
        orangehrm::Services{[this](const std::string& r) { return host_.http(r); },
                            [this](const std::string& name) -> std::optional<std::string> {
                              auto it = secrets_.find(name);
                              if (it == secrets_.end()) return std::nullopt;
                              return it->second;
                            },
                            [this] { return now_ms_; },
                            [](std::string_view) {},
                            [this] { return storage_.string(); },
                            {},
                            [this]() -> std::optional<std::int64_t> {
                              if (!host_has_elapsed_clock_) return std::nullopt;
                              return elapsed_ms_.load();
                            }});
  }

  std::vector<json> pull_all(orangehrm::OrangeHrmAdapter& adapter, const std::string& stream) {
    std::vector<json> records;
    json cursor = nullptr;
    for (int page = 0; page < 1000; ++page) {
      json answer =
          json::parse(adapter.call("pull", json{{"stream", stream}, {"cursor", cursor}}.dump()));
      EXPECT_TRUE(answer["problems"].empty()) << answer["problems"].dump(1);
      for (auto& r : answer["records"]) records.push_back(r);
      cursor = answer["next_cursor"];
      if (!answer["more"].get<bool>()) break;
    }
    return records;
  }

  static std::string message_of(const std::function<void()>& f) {
    try {
      f();
    } catch (const mentoring::Error& e) {
      return e.what();
    }
    return "(no error)";
  }

  FakeOrangeHrm fake_{DemoData::load(DEMO_DATA_DIR "/northwind"), "mentoring", "client-secret-789"};
  std::map<std::string, std::string> secrets_;
  std::int64_t now_ms_ = TestHost::kNowMs;           // the host's calendar clock, fixed per run
  std::atomic<std::int64_t> elapsed_ms_{5'000'000};  // the host's elapsed time (clock/2)
  bool host_has_elapsed_clock_ = true;
  std::filesystem::path storage_;
  TestHost host_;  // destroyed first: its connections close before the fake stops
};

json pull(orangehrm::OrangeHrmAdapter& adapter, const std::string& stream) {
  return json::parse(adapter.call("pull", json{{"stream", stream}, {"cursor", nullptr}}.dump()));
}

}  // namespace

TEST_F(OrangeHrmTest, SupervisorIsTheManagerAndEmployeeIdAnAttribute) {
  auto adapter = make();
  std::map<std::string, json> by_employee_id;
  for (auto& person : pull_all(*adapter, "people"))
    by_employee_id[person["attributes"]["employee_id"]] = person;
  ASSERT_TRUE(by_employee_id.contains("E1002"));
  const json& oliver = by_employee_id["E1002"];
  EXPECT_EQ(oliver["name"], "Oliver Cooper");
  EXPECT_EQ(oliver["manager_id"], by_employee_id["E1001"]["id"]) << "supervisor's empNumber";
  EXPECT_EQ(oliver["department"], "Nursing and Midwifery");
  EXPECT_TRUE(oliver["email"].is_null()) << "the list model carries no email";
  EXPECT_TRUE(by_employee_id["E1001"]["manager_id"].is_null());
  EXPECT_EQ(oliver["employee_number"], "E1002") << "the id HR staff know, beside the empNumber";
  EXPECT_EQ(oliver["indirect_manager_ids"], json::array());
}

TEST_F(OrangeHrmTest, LineManagerIsTheDirectSupervisorNotTheFirstListed) {
  // Someone whose line manager is not employee 1; employee 1 becomes an
  // Indirect supervisor too, so the list names it first (ordered by empNumber).
  const auto& people = fake_.data().people;
  int subject = 0, direct = 0;
  for (std::size_t i = 0; i < people.size() && !subject; ++i) {
    for (std::size_t m = 1; m < people.size(); ++m) {
      if (people[i].termination_date.empty() && people[m].id == people[i].manager_id) {
        subject = static_cast<int>(i + 1);
        direct = static_cast<int>(m + 1);
      }
    }
  }
  ASSERT_GT(subject, 0);
  fake_.add_supervisor(subject, 1, "Indirect");
  auto adapter = make();
  std::size_t with_supervisors = 0;
  json found;
  for (auto& person : pull_all(*adapter, "people")) {
    with_supervisors += !person["manager_id"].is_null() || !person["indirect_manager_ids"].empty();
    if (person["id"] == std::to_string(subject)) found = person;
  }
  ASSERT_TRUE(found.is_object());
  EXPECT_EQ(found["manager_id"], std::to_string(direct)) << found.dump();
  EXPECT_EQ(found["indirect_manager_ids"], json::array({"1"})) << found.dump();
  EXPECT_EQ(static_cast<std::size_t>(fake_.supervisor_requests()), with_supervisors)
      << "one request per employee with supervisors, none for the others";
}

TEST_F(OrangeHrmTest, SupervisorsOfOneEmployeeRefusedAreNamedAndTheOthersStillRead) {
  int hidden = 0;
  const auto& people = fake_.data().people;
  for (std::size_t i = 0; i < people.size() && !hidden; ++i)
    if (!people[i].manager_id.empty() && people[i].termination_date.empty())
      hidden = static_cast<int>(i + 1);
  ASSERT_GT(hidden, 0);
  fake_.hide_employee(hidden);
  auto adapter = make({{"people", {{"page_size", 500}, {"job_details", false}}}});
  json answer = pull(*adapter, "people");
  EXPECT_TRUE(answer["problems"].empty()) << answer["problems"].dump(1);
  ASSERT_EQ(answer["quarantine"].size(), 1u) << answer.dump(1);
  const json& held = answer["quarantine"][0];
  EXPECT_EQ(held["record_id"], std::to_string(hidden)) << held.dump();
  EXPECT_EQ(held["field"], "empNumber") << held.dump();
  EXPECT_EQ(answer["records"].size(), fake_.current_employees() - 1)
      << "the others are stored; the refused one is held, not stored without its manager";
  for (const auto& person : answer["records"]) EXPECT_NE(person["id"], std::to_string(hidden));
  EXPECT_FALSE(answer["next_cursor"].is_null()) << "the cursor moves on";
  std::string message = held["message"];
  EXPECT_NE(message.find("/supervisors"), std::string::npos) << message;
  EXPECT_NE(message.find("employee " + std::to_string(hidden) + " (employeeId \"" +
                         people[hidden - 1].id + "\")"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("HTTP 422"), std::string::npos) << message;
  std::size_t with_manager = 0;
  for (std::size_t i = 0; i < people.size(); ++i)
    with_manager += people[i].termination_date.empty() && !people[i].manager_id.empty();
  EXPECT_EQ(static_cast<std::size_t>(fake_.supervisor_requests()), with_manager)
      << "the others' supervisors were still asked for";
}

TEST_F(OrangeHrmTest, WorkEmailsComeFromContactDetailsWhenAsked) {
  auto adapter = make({{"people", {{"page_size", 5}, {"work_emails", true}}}});
  json answer = pull(*adapter, "people");
  ASSERT_EQ(answer["records"].size(), 5u) << answer.dump(1);
  EXPECT_EQ(answer["records"][0]["email"], "emily.brown@northwind-health.example");
}

TEST_F(OrangeHrmTest, LeaveStatusesMapFromTheLeaveBreakdown) {
  auto adapter = make();
  std::map<std::string, std::string> status_by_id;
  for (auto& leave : pull_all(*adapter, "leave")) status_by_id[leave["id"]] = leave["status"];
  const auto& demo = fake_.data().leave;
  std::map<int, std::string> expected = {
      {-1, "denied"}, {0, "cancelled"}, {1, "requested"}, {2, "approved"}, {3, "approved"}};
  std::set<int> seen;
  for (std::size_t i = 0; i < demo.size(); ++i) {
    if (demo[i].type == "Annual Leave") continue;
    int theirs = FakeOrangeHrm::status_of(demo[i]);
    seen.insert(theirs);
    EXPECT_EQ(status_by_id[std::to_string(i + 1)], expected[theirs]) << "request " << i + 1;
  }
  EXPECT_TRUE(seen.contains(0) && seen.contains(2) && seen.contains(3))
      << "the demo covers the main statuses";
}

TEST_F(OrangeHrmTest, PartlyCancelledLeaveStillStands) {
  fake_.corrupt_leave(3, "leaveBreakdown",
                      json::array({{{"name", "Pending Approval"}, {"lengthDays", 5}}}));
  auto adapter = make();
  std::map<std::string, std::string> status_by_id;
  for (auto& leave : pull_all(*adapter, "leave")) status_by_id[leave["id"]] = leave["status"];
  EXPECT_EQ(status_by_id["3"], "requested") << "a status given by name only";
}

// A standing (approved or requested) non-annual request of at least `days` weekdays.
int standing_request(const FakeOrangeHrm& fake, std::size_t days) {
  const auto& leave = fake.data().leave;
  for (std::size_t i = 0; i < leave.size(); ++i) {
    if (leave[i].type == "Annual Leave" || FakeOrangeHrm::status_of(leave[i]) < 1) continue;
    if (fake.days_of(static_cast<int>(i + 1)).size() >= days) return static_cast<int>(i + 1);
  }
  return 0;
}

TEST_F(OrangeHrmTest, CancelledSingleDaysMoveTheLeavesDates) {
  int shortened = standing_request(fake_, 6);
  ASSERT_GT(shortened, 0);
  auto days = fake_.days_of(shortened);
  // The first two and the last day cancelled: the leave starts two working
  // days later and ends a working day earlier; its request keeps its dates.
  fake_.cancel_days(shortened, {days[0].first, days[1].first, days.back().first});
  int all_cancelled = 0;
  for (std::size_t i = 0; i < fake_.data().leave.size() && !all_cancelled; ++i) {
    int id = static_cast<int>(i + 1);
    if (id != shortened && fake_.data().leave[i].type != "Annual Leave" &&
        FakeOrangeHrm::status_of(fake_.data().leave[i]) >= 1)
      all_cancelled = id;
  }
  ASSERT_GT(all_cancelled, 0);
  std::set<std::string> every_day;
  for (const auto& [day, status] : fake_.days_of(all_cancelled)) every_day.insert(day);
  fake_.cancel_days(all_cancelled, every_day);

  auto adapter = make();
  std::map<std::string, json> by_id;
  for (auto& leave : pull_all(*adapter, "leave")) by_id[leave["id"]] = leave;
  const json& moved = by_id[std::to_string(shortened)];
  EXPECT_EQ(moved["start"], days[2].first) << moved.dump();
  EXPECT_EQ(moved["expected_end"], days[days.size() - 2].first) << moved.dump();
  EXPECT_EQ(moved["status"], "approved") << moved.dump();
  const json& gone = by_id[std::to_string(all_cancelled)];
  EXPECT_EQ(gone["status"], "cancelled") << gone.dump();
  EXPECT_EQ(fake_.leave_day_requests(), 1)
      << "single days are read only for the request whose days differ";
}

TEST_F(OrangeHrmTest, LeaveWithoutAKnownStatusIsQuarantinedNamingTheField) {
  fake_.corrupt_leave(2, "leaveBreakdown",
                      json::array({{{"id", 4}, {"name", "Weekend"}, {"lengthDays", 2}}}));
  auto adapter =
      make({{"leave",
             {{"from", "2018-01-01"},
              {"page_size", 500},
              {"leave_types", json::parse(mentoring::fakes::demo_leave_types_json())}}}});
  json answer = pull(*adapter, "leave");
  EXPECT_TRUE(answer["problems"].empty()) << answer["problems"].dump(1);
  ASSERT_EQ(answer["quarantine"].size(), 1u) << answer.dump(1);
  const json& held = answer["quarantine"][0];
  EXPECT_EQ(held["field"], "leaveBreakdown");
  EXPECT_EQ(held["row"], 2);
  EXPECT_EQ(held["record_id"], "2") << "the leave request's id";
  EXPECT_NE(held["excerpt"].get<std::string>().find("Weekend"), std::string::npos) << held.dump();
  EXPECT_FALSE(answer["records"].empty()) << "the other requests are taken";
  for (const auto& leave : answer["records"]) EXPECT_NE(leave["id"], "2");
  EXPECT_FALSE(answer["next_cursor"].is_null()) << "the cursor moves on";
}

// An id must be a whole number that is not negative and fits 64 bits: a
// negative, a fraction or a number past 2^64 (read as a rounded double) names
// nobody; it is quarantined naming the field, never taken as a wrapped id.
TEST_F(OrangeHrmTest, IdsThatAreNoWholeNumberAreQuarantinedNeverWrappedOrRounded) {
  fake_.corrupt_leave(2, "id", -2);
  fake_.corrupt_leave(3, "id", 3.5);
  fake_.corrupt_leave(4, "id", json::parse("18446744073709551616"));
  fake_.corrupt_leave(5, "id", json::parse("18446744073709551615"));
  auto adapter =
      make({{"leave",
             {{"from", "2018-01-01"},
              {"page_size", 500},
              {"leave_types", json::parse(mentoring::fakes::demo_leave_types_json())}}}});
  json answer = pull(*adapter, "leave");
  EXPECT_TRUE(answer["problems"].empty()) << answer["problems"].dump(1);
  std::set<long long> rows;
  for (const auto& held : answer["quarantine"]) {
    if (held["field"] != "id") continue;
    EXPECT_EQ(held["record_id"], nullptr) << held.dump();
    rows.insert(held["row"].get<long long>());
  }
  // The largest 64-bit id (row 5) is an id like any other.
  EXPECT_EQ(rows, (std::set<long long>{2, 3, 4})) << answer["quarantine"].dump(1);
  for (const auto& leave : answer["records"]) {
    EXPECT_NE(leave["id"], "-2");
    EXPECT_NE(leave["id"], "-1") << "18446744073709551615 is never wrapped into -1";
  }
}

TEST_F(OrangeHrmTest, TokenIsRenewedBeforeItExpiresByTheHostsElapsedTime) {
  fake_.set_token_lifetime_s(60);
  auto adapter = make({{"people", {{"page_size", 100}, {"job_details", false}}}});
  pull(*adapter, "people");
  elapsed_ms_ += 20'000;
  pull(*adapter, "people");
  EXPECT_EQ(adapter->tokens_requested(), 1) << "a live token is reused";
  // The calendar clock stays (it is fixed per run); elapsed time moves into
  // the last 30 s of the token's life, then past its end.
  elapsed_ms_ += 15'000;
  json answer = pull(*adapter, "people");
  EXPECT_FALSE(answer["records"].empty());
  EXPECT_EQ(adapter->tokens_requested(), 2) << "renewed shortly before it expires";
  elapsed_ms_ += 61'000;
  answer = pull(*adapter, "people");
  EXPECT_FALSE(answer["records"].empty());
  EXPECT_EQ(adapter->tokens_requested(), 3);
  EXPECT_EQ(fake_.unauthorised_answers(), 0) << "no request was sent with an expired token";
}

TEST_F(OrangeHrmTest, WithoutTheHostsElapsedTimeTheCalendarClockIsTheFallback) {
  host_has_elapsed_clock_ = false;
  fake_.set_token_lifetime_s(60);
  auto adapter = make({{"people", {{"page_size", 100}, {"job_details", false}}}});
  pull(*adapter, "people");
  pull(*adapter, "people");
  EXPECT_EQ(adapter->tokens_requested(), 1) << "a live token is reused";
  elapsed_ms_ += 61'000;  // the server's time moves; the host's calendar clock does not
  json answer = pull(*adapter, "people");
  EXPECT_FALSE(answer["records"].empty()) << "the refused token is replaced once";
  EXPECT_EQ(adapter->tokens_requested(), 2);
  EXPECT_EQ(fake_.unauthorised_answers(), 1) << "the cost of a clock that does not move";
  now_ms_ += 61'000;  // a host whose calendar clock moves renews before use
  elapsed_ms_ += 61'000;
  answer = pull(*adapter, "people");
  EXPECT_EQ(adapter->tokens_requested(), 3);
  EXPECT_EQ(fake_.unauthorised_answers(), 1);
}

TEST_F(OrangeHrmTest, RevokedAccessTokenIsReplacedOnceOn401) {
  auto adapter = make();
  pull(*adapter, "people");
  fake_.revoke_access_tokens();
  json answer = pull(*adapter, "people");
  EXPECT_FALSE(answer["records"].empty());
  EXPECT_EQ(adapter->tokens_requested(), 2);
}

TEST_F(OrangeHrmTest, RotatedRefreshTokenSurvivesARestart) {
  secrets_["ORANGEHRM_REFRESH_TOKEN"] = fake_.issue_refresh_token();
  {
    auto first = make({{"grant", "refresh_token"}});
    EXPECT_FALSE(pull(*first, "people")["records"].empty());
  }
  // The secret's token was used and revoked; the rotated one was kept.
  auto after_restart = make({{"grant", "refresh_token"}});
  EXPECT_FALSE(pull(*after_restart, "people")["records"].empty());
  for (const auto& entry : std::filesystem::directory_iterator(storage_)) {
    EXPECT_EQ(std::filesystem::status(entry).permissions() & std::filesystem::perms::others_all,
              std::filesystem::perms::none);
  }
  // A new token put into the secret by the integrator wins over the kept one.
  secrets_["ORANGEHRM_REFRESH_TOKEN"] = fake_.issue_refresh_token();
  auto reauthorised = make({{"grant", "refresh_token"}});
  EXPECT_FALSE(pull(*reauthorised, "people")["records"].empty());
}

TEST_F(OrangeHrmTest, RefusedRefreshTokenSaysToSignInAgain) {
  secrets_["ORANGEHRM_REFRESH_TOKEN"] = "rt-never-issued";
  auto adapter = make({{"grant", "refresh_token"}});
  std::string message = message_of([&] { pull(*adapter, "people"); });
  // OrangeHRM 5 (league/oauth2-server 8) refuses it with 401 invalid_request.
  EXPECT_NE(message.find("HTTP 401"), std::string::npos) << message;
  EXPECT_NE(message.find("invalid_request"), std::string::npos) << message;
  EXPECT_NE(message.find("authorise again"), std::string::npos) << message;
  EXPECT_NE(message.find("ORANGEHRM_REFRESH_TOKEN"), std::string::npos) << message;
  EXPECT_EQ(message.find("rt-never-issued"), std::string::npos)
      << "never the token itself: " << message;
  json check = json::parse(adapter->call("check", "{}"));
  EXPECT_TRUE(check["capabilities"][0]["reachable"].get<bool>());
  EXPECT_FALSE(check["capabilities"][0]["authenticated"].get<bool>());
}

TEST_F(OrangeHrmTest, UnreadableRefreshTokenSaysToAuthoriseAgainToo) {
  secrets_["ORANGEHRM_REFRESH_TOKEN"] = "def50200-not-a-token";
  auto adapter = make({{"grant", "refresh_token"}});
  std::string message = message_of([&] { pull(*adapter, "people"); });
  // OrangeHRM 5.7 answers 500 server_error for a token it cannot decrypt (recorded).
  EXPECT_NE(message.find("server_error"), std::string::npos) << message;
  EXPECT_NE(message.find("authorise again"), std::string::npos) << message;
  EXPECT_NE(message.find("ORANGEHRM_REFRESH_TOKEN"), std::string::npos) << message;
  EXPECT_EQ(message.find("def50200-not-a-token"), std::string::npos) << message;
}

TEST_F(OrangeHrmTest, CheckProbesEveryLeaveStatusAndPastEmployees) {
  auto adapter = make();
  json check = json::parse(adapter->call("check", "{}"));
  EXPECT_TRUE(check["ok"].get<bool>()) << check.dump(1);
  std::string leave = fake_.last_leave_list_query();
  for (const char* status : {"-1", "0", "1", "2", "3"})
    EXPECT_NE(leave.find(std::string("statuses[]=") + status + "&"), std::string::npos) << leave;
  EXPECT_NE(leave.find("includeEmployees=currentAndPast"), std::string::npos) << leave;
  EXPECT_NE(fake_.last_employee_list_query().find("includeEmployees=currentAndPast"),
            std::string::npos)
      << fake_.last_employee_list_query();
}

TEST_F(OrangeHrmTest, PasswordGrantUsesTheApiUser) {
  secrets_["ORANGEHRM_PASSWORD"] = "api-password";
  auto adapter = make({{"grant", "password"}, {"username", "api"}});
  EXPECT_FALSE(pull(*adapter, "people")["records"].empty());
  secrets_["ORANGEHRM_PASSWORD"] = "wrong";
  auto refused = make({{"grant", "password"}, {"username", "api"}});
  std::string message = message_of([&] { pull(*refused, "people"); });
  EXPECT_NE(message.find("user credentials were refused"), std::string::npos) << message;
}

TEST_F(OrangeHrmTest, GrantTheServerDoesNotAllowIsNamed) {
  fake_.allow_grants({"refresh_token"});
  auto adapter = make();
  std::string message = message_of([&] { pull(*adapter, "people"); });
  EXPECT_NE(message.find("unsupported_grant_type"), std::string::npos) << message;
  EXPECT_NE(message.find("\"grant\""), std::string::npos)
      << "says which setting to change: " << message;
}

TEST_F(OrangeHrmTest, MissingSecretIsNamedByCheckAndPull) {
  secrets_.clear();
  auto adapter = make();
  json check = json::parse(adapter->call("check", "{}"));
  EXPECT_FALSE(check["ok"].get<bool>());
  EXPECT_NE(check["capabilities"][0]["message"].get<std::string>().find(
                "MENTORING_SECRET_ORANGEHRM_CLIENT_SECRET"),
            std::string::npos)
      << check.dump(1);
  std::string message = message_of([&] { pull(*adapter, "people"); });
  EXPECT_NE(message.find("ORANGEHRM_CLIENT_SECRET"), std::string::npos) << message;
  EXPECT_EQ(fake_.token_requests(), 0) << "nothing is sent without credentials";
}

TEST_F(OrangeHrmTest, CheckTellsPerCapabilityWhatThisUserMayNotRead) {
  fake_.forbid_leave();
  auto adapter = make();
  json check = json::parse(adapter->call("check", "{}"));
  EXPECT_FALSE(check["ok"].get<bool>());
  json people = check["capabilities"][0], leave = check["capabilities"][1];
  EXPECT_EQ(people["name"], "read_people");
  EXPECT_TRUE(people["permitted"].get<bool>()) << people.dump();
  EXPECT_NE(people["message"].get<std::string>().find("visible to this API user"),
            std::string::npos);
  EXPECT_EQ(leave["name"], "read_leave");
  EXPECT_TRUE(leave["authenticated"].get<bool>());
  EXPECT_FALSE(leave["permitted"].get<bool>());
  EXPECT_NE(leave["message"].get<std::string>().find("Admin role"), std::string::npos)
      << leave.dump();
  EXPECT_NE(leave["message"].get<std::string>().find("OrangeHRM: \"Unauthorized\""),
            std::string::npos)
      << leave.dump();
}

TEST_F(OrangeHrmTest, CheckSaysWhenJobDetailsForStartDatesAreNotReadable) {
  auto adapter = make();
  json fine = json::parse(adapter->call("check", "{}"));
  EXPECT_NE(fine["capabilities"][0]["message"].get<std::string>().find("job details readable"),
            std::string::npos)
      << fine.dump();
  fake_.forbid_job_details();
  json check = json::parse(adapter->call("check", "{}"));
  json people = check["capabilities"][0];
  EXPECT_EQ(people["name"], "read_people");
  EXPECT_FALSE(people["permitted"].get<bool>()) << people.dump();
  EXPECT_NE(people["message"].get<std::string>().find("people.job_details false"),
            std::string::npos)
      << people.dump();
  // Without job details asked for, listing employees is all the people read needs.
  auto without = make({{"people", {{"page_size", 100}, {"job_details", false}}}});
  EXPECT_TRUE(
      json::parse(without->call("check", "{}"))["capabilities"][0]["permitted"].get<bool>());
}

TEST_F(OrangeHrmTest, CursorOfAnotherAdapterIsRefused) {
  auto adapter = make();
  try {
    adapter->call("pull", R"({"stream":"people","cursor":"not-json"})");
    FAIL();
  } catch (const mentoring::Error& e) {
    EXPECT_EQ(e.status(), MENTORING_ERR_INVALID_INPUT);
  }
}

TEST_F(OrangeHrmTest, BadSettingsAndPushAreRefusedClearly) {
  std::string message = message_of([&] { make({{"grant", "implicit"}}); });
  EXPECT_NE(message.find("/grant"), std::string::npos) << message;
  auto adapter = make();
  try {
    adapter->call("push", R"({"actions":[]})");
    FAIL();
  } catch (const mentoring::Error& e) {
    EXPECT_EQ(e.status(), MENTORING_ERR_UNAVAILABLE);
  }
}

// Offset paging shifts when someone is removed mid-read: a person may be
// skipped, so that read must not count as complete (nobody is marked absent).
TEST_F(OrangeHrmTest, AReadDuringWhichTheTotalChangedIsNotACompleteFullRead) {
  auto adapter = make();
  json first = pull(*adapter, "people");
  ASSERT_TRUE(first["more"].get<bool>());
  EXPECT_FALSE(first["full_read"]["last_page"].get<bool>());
  fake_.remove_first_employee();
  json cursor = first["next_cursor"];
  json answer;
  for (int page = 0; page < 100; ++page) {
    answer =
        json::parse(adapter->call("pull", json{{"stream", "people"}, {"cursor", cursor}}.dump()));
    EXPECT_EQ(answer["full_read"]["id"], first["full_read"]["id"]);
    cursor = answer["next_cursor"];
    if (!answer["more"].get<bool>()) break;
  }
  EXPECT_FALSE(answer["more"].get<bool>());
  EXPECT_FALSE(answer["full_read"]["last_page"].get<bool>()) << "the total moved during the read";
  // The next read, undisturbed, is complete.
  now_ms_ += 60000;
  auto records = pull_all(*adapter, "people");
  EXPECT_EQ(records.size(), fake_.current_employees());
}

// ------------------------------------------------------ start and end dates

namespace {

const mentoring::fakes::DemoPerson& demo_person(const FakeOrangeHrm& fake, const json& record) {
  return fake.data().people.at(std::stoul(record["id"].get<std::string>()) - 1);
}

int first_leaver(const FakeOrangeHrm& fake) {
  const auto& people = fake.data().people;
  for (std::size_t i = 0; i < people.size(); ++i)
    if (!people[i].termination_date.empty()) return static_cast<int>(i + 1);
  return 0;
}

// Pulls people pages until one has a problem; that page's answer.
// The first people page that quarantines a record: one bad employee holds
// back only itself (adapters/README.md, "quarantine").
json first_page_with_a_quarantined_record(orangehrm::OrangeHrmAdapter& adapter) {
  json cursor = nullptr;
  for (int page = 0; page < 1000; ++page) {
    json answer =
        json::parse(adapter.call("pull", json{{"stream", "people"}, {"cursor", cursor}}.dump()));
    EXPECT_TRUE(answer["problems"].empty()) << answer["problems"].dump(1);
    if (answer.contains("quarantine")) {
      EXPECT_FALSE(answer["records"].empty()) << "the others of the page are taken";
      EXPECT_NE(answer["next_cursor"], cursor) << "and the cursor moves on";
      return answer;
    }
    cursor = answer["next_cursor"];
    if (!answer["more"].get<bool>()) break;
  }
  ADD_FAILURE() << "no page quarantined a record";
  return json::object();
}

}  // namespace

TEST_F(OrangeHrmTest, StartAndEndDatesComeFromJobDetailsAndTerminations) {
  auto adapter = make({{"people", {{"page_size", 50}, {"include_former", true}}}});
  auto records = pull_all(*adapter, "people");
  ASSERT_EQ(records.size(), fake_.data().people.size());
  std::size_t leavers = 0;
  for (const auto& person : records) {
    const auto& demo = demo_person(fake_, person);
    ASSERT_EQ(person["attributes"]["employee_id"], demo.id) << person.dump();
    ASSERT_FALSE(demo.hire_date.empty());
    EXPECT_EQ(person["start_date"], demo.hire_date) << demo.id;
    if (demo.termination_date.empty()) {
      EXPECT_TRUE(person["end_date"].is_null()) << demo.id;
    } else {
      ++leavers;
      EXPECT_EQ(person["end_date"], demo.termination_date) << demo.id;
      EXPECT_EQ(person["attributes"]["terminated"], true) << demo.id;
    }
  }
  EXPECT_GT(leavers, 0u) << "the demo has leavers";
  EXPECT_EQ(fake_.job_details_requests(), static_cast<int>(records.size())) << "one per person";
  EXPECT_EQ(fake_.termination_requests(), 0) << "the job details carry the termination date";
}

TEST_F(OrangeHrmTest, ATerminationDateTheJobDetailsLackIsReadFromTheTerminationRecord) {
  int leaver = first_leaver(fake_);
  ASSERT_GT(leaver, 0);
  fake_.corrupt_job_details(leaver, "employeeTerminationRecord",
                            {{"id", FakeOrangeHrm::termination_id_of(leaver)}, {"date", nullptr}});
  auto adapter = make({{"people", {{"page_size", 400}, {"include_former", true}}}});
  auto records = pull_all(*adapter, "people");
  EXPECT_EQ(fake_.termination_requests(), 1) << "only for the one the job details lack";
  bool found = false;
  for (const auto& person : records) {
    if (person["attributes"]["employee_id"] != fake_.data().people[leaver - 1].id) continue;
    found = true;
    EXPECT_EQ(person["end_date"], fake_.data().people[leaver - 1].termination_date);
  }
  EXPECT_TRUE(found);
}

TEST_F(OrangeHrmTest, PerEmployeeRequestsAreMadeOnlyForThePageBeingRead) {
  auto adapter = make({{"people", {{"page_size", 7}}}});
  json answer = pull(*adapter, "people");
  ASSERT_EQ(answer["records"].size(), 7u) << answer.dump(1);
  EXPECT_TRUE(answer["more"].get<bool>());
  EXPECT_EQ(fake_.job_details_requests(), 7);
  EXPECT_EQ(fake_.termination_requests(), 0) << "current employees have no termination";
  EXPECT_EQ(answer["records"][0]["start_date"], demo_person(fake_, answer["records"][0]).hire_date);
}

TEST_F(OrangeHrmTest, JobDetailsOffMakesNoPerEmployeeRequests) {
  auto adapter =
      make({{"people", {{"page_size", 100}, {"include_former", true}, {"job_details", false}}}});
  auto records = pull_all(*adapter, "people");
  ASSERT_EQ(records.size(), fake_.data().people.size());
  for (const auto& person : records) {
    EXPECT_TRUE(person["start_date"].is_null()) << person.dump();
    EXPECT_TRUE(person["end_date"].is_null()) << person.dump();
  }
  EXPECT_EQ(fake_.job_details_requests(), 0);
  EXPECT_EQ(fake_.termination_requests(), 0);
  EXPECT_EQ(fake_.contact_details_requests(), 0);
}

TEST_F(OrangeHrmTest, MalformedJoinedDateIsQuarantinedNamingRequestEmployeeAndField) {
  fake_.corrupt_job_details(3, "joinedDate", "2014-02-30");
  auto adapter = make({{"people", {{"page_size", 10}}}});
  json answer = first_page_with_a_quarantined_record(*adapter);
  ASSERT_EQ(answer["quarantine"].size(), 1u) << answer.dump(1);
  const json& problem = answer["quarantine"][0];
  EXPECT_EQ(problem["record_id"], "3");
  EXPECT_EQ(answer["records"].size(), 9u) << "the other nine of the page are taken";
  EXPECT_EQ(problem["field"], "joinedDate");
  EXPECT_EQ(problem["pointer"], "/start_date");
  EXPECT_EQ(problem["found"], "\"2014-02-30\"");
  EXPECT_EQ(problem["expected"], "a date YYYY-MM-DD or null");
  std::string message = problem["message"];
  EXPECT_NE(message.find("GET /api/v2/pim/employees/3/job-details"), std::string::npos) << message;
  EXPECT_NE(message.find("employee 3 (employeeId \"" + fake_.data().people[2].id + "\")"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("field \"joinedDate\""), std::string::npos) << message;
  EXPECT_EQ(fake_.job_details_requests(), 10)
      << "one employee's problem does not stop the others' reads";
}

TEST_F(OrangeHrmTest, JoinedDateInAnotherFormatIsQuarantinedToo) {
  fake_.corrupt_job_details(1, "joinedDate", "29/11/2005");
  auto adapter = make();
  json answer = pull(*adapter, "people");
  EXPECT_TRUE(answer["problems"].empty()) << answer["problems"].dump(1);
  ASSERT_EQ(answer["quarantine"].size(), 1u) << answer.dump(1);
  EXPECT_EQ(answer["quarantine"][0]["field"], "joinedDate");
  EXPECT_EQ(answer["quarantine"][0]["record_id"], "1");
  EXPECT_FALSE(answer["records"].empty());
  EXPECT_FALSE(answer["next_cursor"].is_null());
}

TEST_F(OrangeHrmTest, MissingJoinedDateIsNoStartDate) {
  fake_.corrupt_job_details(1, "joinedDate", nullptr);
  auto adapter = make();
  json answer = pull(*adapter, "people");
  ASSERT_TRUE(answer["problems"].empty()) << answer.dump(1);
  EXPECT_TRUE(answer["records"][0]["start_date"].is_null());
  EXPECT_EQ(answer["records"][1]["start_date"], fake_.data().people[1].hire_date);
}

TEST_F(OrangeHrmTest, TerminationNotFoundIsReportedClearly) {
  int leaver = first_leaver(fake_);
  ASSERT_GT(leaver, 0);
  fake_.delete_termination(leaver);
  auto adapter = make({{"people", {{"page_size", 100}, {"include_former", true}}}});
  json answer = first_page_with_a_quarantined_record(*adapter);
  ASSERT_EQ(answer["quarantine"].size(), 1u) << answer.dump(1);
  const json& problem = answer["quarantine"][0];
  EXPECT_EQ(problem["record_id"], std::to_string(leaver))
      << "a leaver held by id is never marked absent by this full read";
  EXPECT_TRUE(answer.contains("full_read"));
  EXPECT_EQ(problem["field"], "terminationId");
  EXPECT_EQ(problem["pointer"], "/end_date");
  EXPECT_EQ(problem["found"], "HTTP 404 (OrangeHRM: \"Record Not Found\")");
  std::string termination = std::to_string(FakeOrangeHrm::termination_id_of(leaver));
  EXPECT_NE(problem["expected"].get<std::string>().find("termination record " + termination),
            std::string::npos)
      << problem.dump();
  std::string message = problem["message"];
  EXPECT_NE(message.find("GET /api/v2/pim/employees/" + std::to_string(leaver) + "/terminations/" +
                         termination),
            std::string::npos)
      << message;
  EXPECT_NE(message.find(fake_.data().people[leaver - 1].id), std::string::npos) << message;
  EXPECT_EQ(message.find("base_url"), std::string::npos)
      << "the API was found; the record was not: " << message;
}

TEST_F(OrangeHrmTest, TerminationWithoutADateIsQuarantinedNamingTheField) {
  int leaver = first_leaver(fake_);
  ASSERT_GT(leaver, 0);
  fake_.corrupt_termination(leaver, "date", nullptr);
  fake_.corrupt_job_details(leaver, "employeeTerminationRecord",
                            {{"id", FakeOrangeHrm::termination_id_of(leaver)}, {"date", nullptr}});
  auto adapter = make({{"people", {{"page_size", 100}, {"include_former", true}}}});
  json answer = first_page_with_a_quarantined_record(*adapter);
  ASSERT_EQ(answer["quarantine"].size(), 1u) << answer.dump(1);
  EXPECT_EQ(answer["quarantine"][0]["record_id"], std::to_string(leaver));
  EXPECT_EQ(answer["quarantine"][0]["field"], "date");
  EXPECT_EQ(answer["quarantine"][0]["pointer"], "/end_date");
  EXPECT_EQ(answer["quarantine"][0]["found"], "null");
}

TEST_F(OrangeHrmTest, EmployeeGoneBeforeItsJobDetailsIsQuarantinedNotAFailure) {
  // OrangeHRM answers 422 for an empNumber it does not have (or this user may not see).
  fake_.corrupt_employee(2, "empNumber", 99999);
  auto adapter = make();
  json answer = pull(*adapter, "people");
  EXPECT_TRUE(answer["problems"].empty()) << answer["problems"].dump(1);
  ASSERT_EQ(answer["quarantine"].size(), 1u) << answer.dump(1);
  EXPECT_EQ(answer["quarantine"][0]["record_id"], "99999");
  EXPECT_EQ(answer["quarantine"][0]["field"], "empNumber");
  EXPECT_EQ(answer["quarantine"][0]["found"], "HTTP 422 (OrangeHRM: \"Invalid Parameter\")");
  EXPECT_FALSE(answer["records"].empty()) << "the others are taken";
  // Its first own resource (the supervisors) already names it.
  EXPECT_NE(answer["quarantine"][0]["message"].get<std::string>().find(
                "/api/v2/pim/employees/99999/supervisors"),
            std::string::npos)
      << answer.dump(1);
}

TEST_F(OrangeHrmTest, JobDetailsMustBeABoolean) {
  std::string message = message_of([&] { make({{"people", {{"job_details", "yes"}}}}); });
  EXPECT_NE(message.find("/people/job_details"), std::string::npos) << message;
}
