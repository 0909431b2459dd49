// BambooHR's own contract (its OpenAPI description, served by Prism) as the
// oracle: the endpoints each auth scheme may call, the fields each endpoint
// offers, leavers, and the shapes the description allows that a fake written
// from our own reading never sent (restricted fields as null, free-text
// statuses, integer ids, generated bodies). The fixture fails any test whose
// requests Prism finds wrong (fixture.hpp, TearDown).
#include "fixture.hpp"

#include "connection.hpp"  // the 401 wording, unit-tested below

#include <mentoring/module.hpp>

#include <set>

using namespace bamboohr_test;

namespace {

struct Pulled {
  std::vector<json> records, problems, quarantine;
  int pages = 0;
};

Pulled pull_all(bamboohr::BambooHrAdapter& adapter, const std::string& stream,
                json cursor = nullptr) {
  Pulled out;
  for (int guard = 0; guard < 1000; ++guard) {
    json answer =
        json::parse(adapter.call("pull", json{{"stream", stream}, {"cursor", cursor}}.dump()));
    ++out.pages;
    for (auto& r : answer["records"]) out.records.push_back(r);
    for (auto& p : answer["problems"]) out.problems.push_back(p);
    for (auto& q : answer.value("quarantine", json::array())) out.quarantine.push_back(q);
    if (!answer["problems"].empty() || !answer.value("more", false)) break;
    cursor = answer["next_cursor"];
  }
  return out;
}

const json kOAuth = {{"scheme", "oauth"}};

}  // namespace

// GET /api/v1/employees lists only OAuth: with an API key, people come from
// the custom report (Basic allowed), leavers with their end date.
TEST_F(BambooHrTest, PeopleWithAnApiKeyAreReadThroughAnEndpointThatTakesBasicAuth) {
  auto adapter = make({{"people", {{"page_size", 40}, {"include_former", true}}}});
  Pulled people = pull_all(*adapter, "people");
  ASSERT_TRUE(people.problems.empty()) << json(people.problems).dump(1);
  EXPECT_GT(people.pages, 1);
  ASSERT_EQ(people.records.size(), fake_.data().people.size());
  std::size_t leavers = 0;
  for (const auto& p : fake_.data().people) {
    const json* record = nullptr;
    for (const auto& r : people.records) {
      if (r["id"] == p.id) record = &r;
    }
    ASSERT_NE(record, nullptr) << p.id;
    if (!p.termination_date.empty()) {
      ++leavers;
      EXPECT_EQ(record->value("end_date", json()), json(p.termination_date))
          << "a leaver must never be stored as current: " << record->dump();
    }
  }
  EXPECT_GT(leavers, 0u);
  EXPECT_GT(fake_.requests_judged(), 0u);
}

// Without include_former a full read leaves former employees out (counted as
// skipped), and never sends them as current.
TEST_F(BambooHrTest, AFullReadWithoutFormerEmployeesSendsOnlyCurrentOnes) {
  auto adapter = make();
  Pulled people = pull_all(*adapter, "people");
  ASSERT_TRUE(people.problems.empty()) << json(people.problems).dump(1);
  std::set<std::string> ids;
  for (const auto& r : people.records) ids.insert(r["id"].get<std::string>());
  EXPECT_EQ(ids, active_people());
}

// With OAuth, GET /api/v1/employees is asked only for fields its description
// lists (Prism refuses any other); an inactive employee's termination date,
// which it does not offer, comes from GET /api/v1/employees/{id}.
TEST_F(BambooHrTest, PeopleWithAnOAuthTokenAskTheListOnlyForFieldsItOffers) {
  auto adapter =
      make({{"auth", kOAuth}, {"people", {{"page_size", 50}, {"include_former", true}}}});
  Pulled people = pull_all(*adapter, "people");
  ASSERT_TRUE(people.problems.empty()) << json(people.problems).dump(1);
  ASSERT_EQ(people.records.size(), fake_.data().people.size());
  for (const auto& p : fake_.data().people) {
    for (const auto& r : people.records) {
      if (r["id"] != p.id) continue;
      EXPECT_EQ(r.value("end_date", json()),
                p.termination_date.empty() ? json() : json(p.termination_date))
          << r.dump();
      EXPECT_EQ(r.value("manager_id", json()), p.manager_id.empty() ? json() : json(p.manager_id));
      EXPECT_EQ(r.value("email", json()), p.email.empty() ? json() : json(p.email));
    }
  }
  // Increments: the changed employee, inactive or not, comes with its end date.
  json cursor = nullptr;
  json answer;
  do {
    answer =
        json::parse(adapter->call("pull", json{{"stream", "people"}, {"cursor", cursor}}.dump()));
    cursor = answer["next_cursor"];
  } while (answer["more"].get<bool>());
  std::string leaver;
  for (const auto& p : fake_.data().people) {
    if (!p.termination_date.empty()) leaver = p.id;
  }
  ASSERT_FALSE(leaver.empty());
  fake_.touch(leaver, "2026-12-01T00:00:05Z");
  Pulled changed = pull_all(*adapter, "people", cursor);
  ASSERT_TRUE(changed.problems.empty()) << json(changed.problems).dump(1);
  ASSERT_EQ(changed.records.size(), 1u);
  EXPECT_EQ(changed.records[0]["id"], leaver);
  EXPECT_TRUE(changed.records[0]["end_date"].is_string()) << changed.records[0].dump();
}

TEST_F(BambooHrTest, AFieldTheListDoesNotOfferIsASettingsErrorWithOAuth) {
  try {
    make({{"auth", kOAuth}, {"people", {{"fields", {{"department", "department"}}}}}});
    FAIL() << "a field GET /api/v1/employees does not offer was accepted";
  } catch (const mentoring::Error& e) {
    EXPECT_EQ(e.status(), MENTORING_ERR_INVALID_INPUT);
    EXPECT_NE(std::string(e.what()).find("/people/fields/department"), std::string::npos)
        << e.what();
  }
}

// A leaver whose termination date the API user may not see cannot be stored
// as current, nor as a leaver: quarantined under their id (so the full read
// does not count them absent), naming the request, record and field; the
// others are stored.
TEST_F(BambooHrTest, AnInactiveEmployeeWithoutAReadableEndDateIsQuarantinedNotACurrentPerson) {
  fake_.restrict_field("terminationDate");
  std::set<std::string> leavers;
  for (const auto& p : fake_.data().people)
    if (!p.termination_date.empty()) leavers.insert(p.id);
  ASSERT_FALSE(leavers.empty());
  for (const json& auth : {json{{"scheme", "api_key"}}, kOAuth}) {
    auto adapter =
        make({{"auth", auth}, {"people", {{"page_size", 500}, {"include_former", true}}}});
    Pulled people = pull_all(*adapter, "people");
    EXPECT_TRUE(people.problems.empty()) << json(people.problems).dump(1);
    ASSERT_FALSE(people.quarantine.empty()) << auth.dump();
    EXPECT_EQ(people.records.size() + people.quarantine.size(), fake_.data().people.size())
        << "everyone else is stored";
    for (const auto& r : people.records) {
      if (leavers.contains(r["id"].get<std::string>()))
        ADD_FAILURE() << "a leaver was sent without an end date: " << r.dump();
    }
    for (const auto& q : people.quarantine) {
      EXPECT_TRUE(leavers.contains(q["record_id"].get<std::string>())) << q.dump();
    }
    const json& problem = people.quarantine.front();
    EXPECT_EQ(problem["field"], "terminationDate") << problem.dump();
    EXPECT_EQ(problem["pointer"], "/end_date");
    EXPECT_FALSE(problem["row"].is_null());
    std::string source = problem["source"];
    EXPECT_NE(source.find("BambooHR (northwind) "), std::string::npos) << source;
    EXPECT_NE(source.find(auth["scheme"] == "oauth" ? "GET /api/v1/employees"
                                                    : "POST /api/v1/reports/custom"),
              std::string::npos)
        << source;
    EXPECT_NE(source.find("(employee "), std::string::npos) << source;
  }
}

// A report row without an id is no one the plugin can name: quarantined
// without an id (which keeps the full read from marking anyone absent), and
// the others are stored.
TEST_F(BambooHrTest, AReportRowWithoutAnIdIsQuarantinedAndTheOthersStored) {
  fake_.corrupt_employee(fake_.data().people.front().id, "employeeId", nullptr);
  auto adapter = make();
  Pulled people = pull_all(*adapter, "people");
  EXPECT_TRUE(people.problems.empty()) << json(people.problems).dump(1);
  ASSERT_EQ(people.quarantine.size(), 1u) << json(people.quarantine).dump(1);
  EXPECT_TRUE(people.quarantine[0]["record_id"].is_null()) << people.quarantine[0].dump();
  EXPECT_EQ(people.quarantine[0]["field"], "id");
  EXPECT_NE(people.quarantine[0]["excerpt"].get<std::string>().find(
                fake_.data().people.front().first_name),
            std::string::npos)
      << people.quarantine[0].dump();
  EXPECT_EQ(people.records.size(), fake_.active_people() - 1);
}

// Restricted fields come back as null (list) or left out (report): nothing
// is known, so nothing is stored, and the record is still good.
TEST_F(BambooHrTest, RestrictedFieldsAreLeftEmptyNotInvented) {
  fake_.restrict_field("workEmail");
  fake_.restrict_field("reportsToId");
  for (const json& auth : {json{{"scheme", "api_key"}}, kOAuth}) {
    auto adapter = make({{"auth", auth}});
    Pulled people = pull_all(*adapter, "people");
    ASSERT_TRUE(people.problems.empty()) << json(people.problems).dump(1);
    ASSERT_EQ(people.records.size(), fake_.active_people());
    for (const auto& r : people.records) {
      EXPECT_TRUE(r.value("email", json()).is_null()) << r.dump();
      EXPECT_TRUE(r.value("manager_id", json()).is_null()) << r.dump();
    }
  }
}

// The status is free text: an unknown one is named, never guessed.
TEST_F(BambooHrTest, AFreeTextStatusIsNamedWithHostRequestRecordAndField) {
  fake_.corrupt_employee(fake_.data().people.front().id, "status", "On Sabbatical");
  auto adapter = make();
  Pulled people = pull_all(*adapter, "people");
  EXPECT_TRUE(people.problems.empty()) << json(people.problems).dump(1);
  ASSERT_EQ(people.quarantine.size(), 1u) << json(people.quarantine).dump(1);
  EXPECT_EQ(people.records.size(), fake_.active_people() - 1) << "the others are stored";
  const json& problem = people.quarantine.front();
  EXPECT_EQ(problem["record_id"], fake_.data().people.front().id);
  EXPECT_EQ(problem["field"], "status");
  EXPECT_NE(problem["found"].get<std::string>().find("On Sabbatical"), std::string::npos);
  EXPECT_NE(problem["source"].get<std::string>().find(
                "BambooHR (northwind) POST /api/v1/reports/custom (employee " +
                fake_.data().people.front().id + ")"),
            std::string::npos)
      << problem.dump();

  fake_.corrupt_leave(fake_.data().leave.front().id, "status",
                      {{"status", "awaiting second approval"}, {"lastChanged", "2020-01-01"}});
  auto leave_adapter =
      make({{"leave",
             {{"from", "2018-01-01"},
              {"window_days", 3660},
              {"leave_types", json::parse(mentoring::fakes::demo_leave_types_json())}}}});
  Pulled leave = pull_all(*leave_adapter, "leave");
  EXPECT_TRUE(leave.problems.empty()) << json(leave.problems).dump(1);
  ASSERT_EQ(leave.quarantine.size(), 1u) << json(leave.quarantine).dump(1);
  EXPECT_FALSE(leave.records.empty()) << "the other requests are stored";
  const json& named = leave.quarantine.front();
  EXPECT_EQ(named["record_id"], fake_.data().leave.front().id);
  EXPECT_EQ(named["field"], "status.status");
  EXPECT_NE(named["found"].get<std::string>().find("awaiting second approval"), std::string::npos);
  EXPECT_NE(named["source"].get<std::string>().find("GET /api/v1/time_off/requests"),
            std::string::npos);
  EXPECT_FALSE(named["row"].is_null());
}

// A refused credential says which endpoint refused which scheme, what the
// endpoint accepts and which secret to fix.
TEST_F(BambooHrTest, ARefusedCredentialNamesTheEndpointAndTheScheme) {
  auto with_key = make(json::object(), "", "wrong-key");
  try {
    with_key->call("pull", R"({"stream":"people","cursor":null})");
    FAIL();
  } catch (const mentoring::Error& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("POST /api/v1/reports/custom refused an API key (HTTP Basic)"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("BAMBOOHR_API_KEY"), std::string::npos) << message;
    EXPECT_EQ(message.find("wrong-key"), std::string::npos) << "a secret in a message";
  }
  auto with_token = make({{"auth", kOAuth}}, "", "expired-token");
  try {
    with_token->call("pull", R"({"stream":"people","cursor":null})");
    FAIL();
  } catch (const mentoring::Error& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("GET /api/v1/employees refused an OAuth 2 access token (Bearer)"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("BAMBOOHR_ACCESS_TOKEN"), std::string::npos) << message;
    EXPECT_NE(message.find("expired"), std::string::npos) << message;
  }
  json check = json::parse(with_key->call("check", "{}"));
  json people = capability(check, "read_people");
  EXPECT_FALSE(people["authenticated"].get<bool>()) << people.dump();
  EXPECT_NE(people["message"].get<std::string>().find("POST /api/v1/reports/custom"),
            std::string::npos)
      << people.dump();
}

// Training and the write-back check list employees through an endpoint the
// scheme may call (with an API key, GET /api/v1/employees is refused).
TEST_F(BambooHrTest, TrainingAndTheWriteBackCheckUseEndpointsTheSchemeMayCall) {
  json settings = {
      {"training", {{"types", {{fake_.training_type_id("MENTOR-101"), "MENTOR-101"}}}}},
      {"write_back",
       {{"table", "customMentoring"},
        {"key_column", "customMentoringKey"},
        {"columns", {{"customMentoringDate", {{"from", "/created_at"}, {"as", "date"}}}}}}}};
  for (const json& auth : {json{{"scheme", "api_key"}}, kOAuth}) {
    json with_auth = settings;
    with_auth["auth"] = auth;
    auto adapter = make(with_auth);
    Pulled completions = pull_all(*adapter, "course_completions");
    EXPECT_TRUE(completions.problems.empty()) << json(completions.problems).dump(1);
    EXPECT_FALSE(completions.records.empty()) << auth.dump();
    json check = json::parse(adapter->call("check", "{}"));
    EXPECT_TRUE(check["ok"].get<bool>()) << check.dump(1);
  }
}

// Bodies generated from the description's schemas (Prism -d: any shape it
// allows, eg null for restricted fields, free text, integers for ids, [] for
// no records) are digested: records that pass, or problems naming BambooHR,
// the request and the field; never a crash, never a record made up.
TEST_F(BambooHrTest, EveryShapeTheDescriptionAllowsIsStoredOrNamed) {
  fake_.judge_with(PrismServer::bamboohr(), /*serve_dynamic=*/true);
  json settings = {
      {"people", {{"page_size", 50}, {"include_former", true}}},
      {"leave",
       {{"from", "2026-01-01"},
        {"window_days", 365},
        {"leave_types", json::parse(mentoring::fakes::demo_leave_types_json())}}},
      {"training", {{"types", {{"1", "MENTOR-101"}}}}},
      {"write_back",
       {{"table", "customMentoring"},
        {"key_column", "customMentoringKey"},
        {"columns", {{"customMentoringDate", {{"from", "/created_at"}, {"as", "date"}}}}}}}};
  std::size_t problems = 0, records = 0;
  for (int round = 0; round < 4; ++round) {
    json with_auth = settings;
    with_auth["auth"] = round % 2 == 0 ? json{{"scheme", "api_key"}} : kOAuth;
    auto adapter = make(with_auth);
    for (const char* stream : {"people", "leave", "course_completions"}) {
      json answer;
      try {
        answer = json::parse(
            adapter->call("pull", json{{"stream", stream}, {"cursor", nullptr}}.dump()));
      } catch (const mentoring::Error& e) {
        // A body of the wrong shape for a whole request: named, with the system.
        EXPECT_NE(std::string(e.what()).find("BambooHR (northwind)"), std::string::npos)
            << stream << ": " << e.what();
        continue;
      }
      records += answer["records"].size();
      for (const auto& p : answer["problems"]) {
        ++problems;
        std::string source = p["source"];
        EXPECT_EQ(source.rfind("BambooHR (northwind) ", 0), 0u) << p.dump();
        EXPECT_FALSE(p["expected"].get<std::string>().empty()) << p.dump();
        EXPECT_FALSE(p["message"].get<std::string>().empty()) << p.dump();
      }
      if (!answer["problems"].empty()) {
        EXPECT_TRUE(answer["records"].empty());
      }
    }
    json check = json::parse(adapter->call("check", "{}"));
    EXPECT_TRUE(check.contains("capabilities")) << check.dump();
    json pushed = json::parse(adapter->call(
        "push", json{{"actions",
                      {{{"idempotency_key", "invite/rtw/1201/L" + std::to_string(round)},
                        {"organisation", "northwind"},
                        {"type", "invite"},
                        {"person_id", "1201"},
                        {"created_at", "2026-12-01T09:00:00Z"},
                        {"payload", json::object()}}}}}
                    .dump()));
    ASSERT_EQ(pushed["results"].size(), 1u) << pushed.dump();
  }
  EXPECT_GT(problems + records, 0u);
  EXPECT_GT(fake_.requests_judged(), 0u);
}

// The same for the answers a pass reads many of, next to real ones: the
// training types and employees come from the fake, each employee's records
// (a map of records of any allowed shape, or [] for none) and the time-off
// requests are generated from the description.
TEST_F(BambooHrTest, GeneratedTrainingRecordsAndTimeOffAreStoredOrNamed) {
  for (const char* under : {"/api/v1/training/record/", "/api/v1/time_off/"}) {
    fake_.judge_with(PrismServer::bamboohr(), /*serve_dynamic=*/true, under);
    auto adapter = make(
        {{"people", {{"page_size", 20}}},
         {"leave",
          {{"from", "2026-01-01"},
           {"window_days", 365},
           {"leave_types", json::parse(mentoring::fakes::demo_leave_types_json())}}},
         {"training",
          {{"types", {{fake_.training_type_id("MENTOR-101"), "MENTOR-101"}}}, {"page_size", 5}}}});
    for (const char* stream : {"course_completions", "leave"}) {
      json answer =
          json::parse(adapter->call("pull", json{{"stream", stream}, {"cursor", nullptr}}.dump()));
      for (const auto& p : answer["problems"]) {
        std::string source = p["source"];
        EXPECT_EQ(source.rfind("BambooHR (northwind) GET /api/v1/", 0), 0u) << p.dump();
        EXPECT_FALSE(p["expected"].get<std::string>().empty()) << p.dump();
      }
      // Generated records name no type we map and no real request: nothing is stored as true.
      if (std::string(stream) == "course_completions" &&
          std::string(under) == "/api/v1/training/record/") {
        EXPECT_TRUE(answer["records"].empty()) << answer.dump();
      }
    }
  }
  EXPECT_GT(fake_.requests_judged(), 0u);
}

// The adapter calls only endpoints that take the configured scheme; should a
// 401 come from one that does not (GET /api/v1/employees lists only OAuth),
// the message says so instead of blaming the key.
TEST(BambooHrAuth, A401FromAnEndpointThatDoesNotTakeTheSchemeSaysSo) {
  bamboohr::Connection connection;
  connection.system = "BambooHR (northwind)";
  connection.auth = bamboohr::AuthScheme::api_key;
  connection.credential_secret = "BAMBOOHR_API_KEY";
  mentoring::adapters::rest::RestError refused(
      mentoring::adapters::rest::Failure::unauthenticated,
      "BambooHR (northwind): people page: HTTP 401, the credentials were refused");
  EXPECT_FALSE(connection.endpoint_accepts_scheme("GET /api/v1/employees"));
  std::string message = connection.refused(refused, "GET /api/v1/employees").what();
  EXPECT_NE(message.find("GET /api/v1/employees"), std::string::npos) << message;
  EXPECT_NE(message.find("lists only OAuth 2"), std::string::npos) << message;
  EXPECT_NE(message.find("an API key (HTTP Basic)"), std::string::npos) << message;
  EXPECT_EQ(message.find("check the API key"), std::string::npos) << message;

  connection.auth = bamboohr::AuthScheme::oauth;
  EXPECT_TRUE(connection.endpoint_accepts_scheme("GET /api/v1/employees"));
  EXPECT_TRUE(connection.endpoint_accepts_scheme("POST /api/v1/reports/custom"));
}
