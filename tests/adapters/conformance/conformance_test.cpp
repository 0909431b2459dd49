// The conformance suite: one set of expectations every REST adapter meets
// against the loopback fake of its host system (adapters/README.md, "pull").
#include "subject.hpp"

#include <mentoring/module.hpp>
#include <mentoring/schema.hpp>

#include <gtest/gtest.h>

#include "sample_actions.hpp"

#include <set>

using mentoring::conformance::Subject;
using mentoring::conformance::SubjectFactory;
using mentoring::conformance::TestHost;
using nlohmann::json;

namespace {

struct Named {
  std::string name;
  SubjectFactory make;
};

struct Pulled {
  std::vector<json> records;
  int pages = 0;
  long long skipped = 0;
  json last;
};

// Every answer an adapter gives in this suite is held to schemas/adapter/:
// an answer off its command's schema fails the test that got it.
class SchemaCheckedSubject : public Subject {
 public:
  explicit SchemaCheckedSubject(std::unique_ptr<Subject> inner) : inner_(std::move(inner)) {}
  std::string name() const override { return inner_->name(); }
  void create(int page_size, bool wrong_credentials) override {
    inner_->create(page_size, wrong_credentials);
  }
  void create_unreachable() override { inner_->create_unreachable(); }
  std::string call(const std::string& command, const json& input) override {
    std::string answer = inner_->call(command, input);
    if (command == "check" || command == "pull" || command == "push") {
      auto problems = mentoring::schema::validate("adapter/" + command + ".output",
                                                  json::parse(answer), name() + " " + command);
      for (const auto& p : problems) ADD_FAILURE() << "off schema: " << p.message();
    }
    return answer;
  }
  bool reads_people() const override { return inner_->reads_people(); }
  bool reads_leave() const override { return inner_->reads_leave(); }
  std::size_t expected_people() const override { return inner_->expected_people(); }
  std::size_t expected_leave() const override { return inner_->expected_leave(); }
  std::size_t expected_skipped_leave() const override { return inner_->expected_skipped_leave(); }
  void throttle_next(int count, int retry_after_s) override {
    inner_->throttle_next(count, retry_after_s);
  }
  void html_next(int count) override { inner_->html_next(count); }
  Corrupted corrupt_a_person() override { return inner_->corrupt_a_person(); }
  std::string unknown_leave_type() override { return inner_->unknown_leave_type(); }

 private:
  std::unique_ptr<Subject> inner_;
};

// One valid action of every kind, as the plugin's runners build them.
std::vector<json> one_action_of_each_kind() {
  json to = {{"person_id", "E1002"}, {"name", "Bob Brown"}, {"email", nullptr}};
  json programme = {{"id", "return-to-work"}, {"name", "Return to work"}};
  std::vector<json> out;
  for (const char* kind : {"invite", "withdraw_invitation", "reminder", "enrol_in_course",
                           "calendar_event", "task", "notify", "group_membership"}) {
    const json payload = mentoring::test::sample_payload(kind, to, programme);
    out.push_back({{"idempotency_key", std::string(kind) + "/northwind/conformance/E1002"},
                   {"type", kind},
                   {"organisation", "northwind"},
                   {"person_id", "E1002"},
                   {"programme_id", "return-to-work"},
                   {"created_at", "2026-12-15T12:00:00Z"},
                   {"payload", payload}});
  }
  return out;
}

class Conformance : public ::testing::TestWithParam<Named> {
 protected:
  void SetUp() override {
    subject_ = std::make_unique<SchemaCheckedSubject>(GetParam().make(host_));
  }

  // Pulls a stream from the beginning until the adapter says there is no more.
  Pulled pull_all(const std::string& stream) {
    Pulled out;
    json cursor = nullptr;
    for (int guard = 0; guard < 10000; ++guard) {
      json answer = json::parse(subject_->call("pull", {{"stream", stream}, {"cursor", cursor}}));
      ++out.pages;
      EXPECT_TRUE(answer["problems"].empty()) << answer["problems"].dump(1);
      for (auto& r : answer["records"]) out.records.push_back(r);
      out.skipped += answer.value("skipped", 0LL);
      out.last = answer;
      cursor = answer["next_cursor"];
      if (!answer.value("more", false)) break;
    }
    return out;
  }

  // The subject (fake server + adapter) is destroyed after the host, so the
  // HTTP client's kept-alive connections are closed before the server stops.
  std::unique_ptr<Subject> subject_;
  TestHost host_;
};

std::string describe(const testing::TestParamInfo<Named>& info) {
  return info.param.name;
}

}  // namespace

// For adapters of HR systems (people and leave); an LMS adapter is not run
// through these at all, rather than being skipped.
class HrConformance : public Conformance {};

TEST_P(HrConformance, PeoplePullDeliversEveryCurrentPersonValidAndPaged) {
  ASSERT_TRUE(subject_->reads_people());
  subject_->create(40);
  Pulled pulled = pull_all("people");
  EXPECT_EQ(pulled.records.size(), subject_->expected_people());
  EXPECT_GT(pulled.pages, 2) << "a small page size must give several pages";
  std::set<std::string> ids;
  std::size_t with_manager = 0;
  for (const auto& person : pulled.records) {
    EXPECT_TRUE(mentoring::schema::validate("person", person, "person").empty()) << person.dump();
    ids.insert(person["id"].get<std::string>());
    with_manager += person["manager_id"].is_string();
  }
  EXPECT_EQ(ids.size(), pulled.records.size()) << "no person twice";
  EXPECT_GT(with_manager, pulled.records.size() / 2) << "supervisors are read";
}

// adapters/README.md, "full_read": every page of a read of everyone carries the
// same read id, and only the last says so; the plugin reconciles absences on it.
TEST_P(HrConformance, AReadOfEveryoneIsMarkedAsAFullReadOnEveryPage) {
  subject_->create(40);
  json cursor = nullptr;
  std::set<std::string> read_ids;
  int pages = 0, last_pages = 0;
  for (int guard = 0; guard < 1000; ++guard) {
    json answer = json::parse(subject_->call("pull", {{"stream", "people"}, {"cursor", cursor}}));
    ++pages;
    ASSERT_TRUE(answer.contains("full_read")) << "page " << pages << ": " << answer.dump();
    read_ids.insert(answer["full_read"]["id"].get<std::string>());
    bool more = answer.value("more", false);
    EXPECT_EQ(answer["full_read"]["last_page"].get<bool>(), !more) << "page " << pages;
    last_pages += answer["full_read"]["last_page"].get<bool>();
    cursor = answer["next_cursor"];
    if (!more) break;
  }
  EXPECT_GT(pages, 2);
  EXPECT_EQ(read_ids.size(), 1u) << "one read, one id";
  EXPECT_EQ(last_pages, 1);
}

TEST_P(HrConformance, LeavePullMapsTypesAndSkipsIgnoredOnes) {
  ASSERT_TRUE(subject_->reads_leave());
  subject_->create(40);
  Pulled pulled = pull_all("leave");
  EXPECT_EQ(pulled.records.size(), subject_->expected_leave());
  EXPECT_EQ(static_cast<std::size_t>(pulled.skipped), subject_->expected_skipped_leave());
  std::set<std::string> statuses;
  for (const auto& leave : pulled.records) {
    EXPECT_TRUE(mentoring::schema::validate("leave", leave, "leave").empty()) << leave.dump();
    statuses.insert(leave["status"].get<std::string>());
  }
  EXPECT_TRUE(statuses.contains("approved") && statuses.contains("cancelled"))
      << "statuses are mapped";
}

TEST_P(Conformance, WrongCredentialsAreNamedAndCheckSaysAuthenticatedFalse) {
  subject_->create(40, /*wrong_credentials=*/true);
  std::string stream = subject_->reads_people() ? "people" : "course_completions";
  try {
    subject_->call("pull", {{"stream", stream}, {"cursor", nullptr}});
    FAIL() << "pull with wrong credentials must fail";
  } catch (const mentoring::Error& e) {
    EXPECT_EQ(e.status(), MENTORING_ERR_FAILED);
    std::string message = e.what();
    EXPECT_NE(message.find("credentials"), std::string::npos) << message;
    EXPECT_EQ(message.find("wrong-key-456"), std::string::npos)
        << "the key is never shown: " << message;
  }
  json check = json::parse(subject_->call("check", json::object()));
  EXPECT_FALSE(check["ok"].get<bool>());
  bool some_unauthenticated = false;
  for (const auto& c : check["capabilities"]) {
    if (c["configured"] == true && c["reachable"] == true && c["authenticated"] == false)
      some_unauthenticated = true;
  }
  EXPECT_TRUE(some_unauthenticated) << check.dump(1);
}

TEST_P(Conformance, CheckPassesWithGoodSettings) {
  subject_->create(40);
  json check = json::parse(subject_->call("check", json::object()));
  for (const auto& c : check["capabilities"]) {
    if (c["configured"] == true) {
      EXPECT_TRUE(c["reachable"] == true && c["authenticated"] == true && c["permitted"] == true)
          << c.dump();
    }
  }
}

TEST_P(Conformance, UnreachableHostIsUnavailableAndCheckSaysNotReachable) {
  subject_->create_unreachable();
  std::string stream = subject_->reads_people() ? "people" : "course_completions";
  try {
    subject_->call("pull", {{"stream", stream}, {"cursor", nullptr}});
    FAIL() << "pull from an unreachable host must fail";
  } catch (const mentoring::Error& e) {
    EXPECT_EQ(e.status(), MENTORING_ERR_UNAVAILABLE);
    EXPECT_NE(std::string(e.what()).find("127.0.0.1:1"), std::string::npos) << e.what();
  }
  json check = json::parse(subject_->call("check", json::object()));
  EXPECT_FALSE(check["ok"].get<bool>());
  for (const auto& c : check["capabilities"]) {
    if (c["configured"] == true) {
      EXPECT_FALSE(c["reachable"].get<bool>()) << c.dump();
    }
  }
}

TEST_P(Conformance, ThrottledRequestsAreRetriedAfterRetryAfter) {
  subject_->create(40);
  subject_->throttle_next(2, 1);
  std::string stream = subject_->reads_people() ? "people" : "course_completions";
  json answer = json::parse(subject_->call("pull", {{"stream", stream}, {"cursor", nullptr}}));
  EXPECT_TRUE(answer["problems"].empty());
  EXPECT_FALSE(answer["records"].empty());
}

TEST_P(Conformance, PersistentThrottlingIsUnavailableNamingTheRateLimit) {
  subject_->create(40);
  subject_->throttle_next(100, 1);
  std::string stream = subject_->reads_people() ? "people" : "course_completions";
  try {
    subject_->call("pull", {{"stream", stream}, {"cursor", nullptr}});
    FAIL();
  } catch (const mentoring::Error& e) {
    EXPECT_EQ(e.status(), MENTORING_ERR_UNAVAILABLE);
    EXPECT_NE(std::string(e.what()).find("rate limited"), std::string::npos) << e.what();
  }
  subject_->throttle_next(0, 1);
}

TEST_P(Conformance, HtmlWhereJsonWasExpectedIsNamed) {
  subject_->create(40);
  subject_->html_next(1);
  std::string stream = subject_->reads_people() ? "people" : "course_completions";
  try {
    subject_->call("pull", {{"stream", stream}, {"cursor", nullptr}});
    FAIL();
  } catch (const mentoring::Error& e) {
    EXPECT_NE(std::string(e.what()).find("HTML"), std::string::npos) << e.what();
  }
}

// The adapter's setting http.max_body_bytes goes with every request it sends;
// an answer longer than it is stopped by the host and named, never read whole.
TEST_P(Conformance, HttpMaxBodyBytesGoesWithEveryRequestAndALongerAnswerFailsNamingIt) {
  host_.settings_patch = {{"http", {{"max_body_bytes", 1024}}}};
  subject_->create(40);
  std::string stream = subject_->reads_people() ? "people" : "course_completions";
  std::string error;
  try {
    pull_all(stream);
  } catch (const mentoring::Error& e) {
    error = e.what();
    EXPECT_EQ(e.status(), MENTORING_ERR_FAILED) << e.what();
  }
  ASSERT_FALSE(host_.max_body_bytes_sent.empty());
  for (long long sent : host_.max_body_bytes_sent) EXPECT_EQ(sent, 1024);
  // A page of 40 people is longer than 1 KiB (an LMS's answers may all be shorter).
  if (subject_->reads_people()) {
    EXPECT_NE(error.find("limit http.max_body_bytes = 1024: found"), std::string::npos) << error;
  }
  if (!error.empty()) {
    EXPECT_NE(error.find("limit http.max_body_bytes = 1024"), std::string::npos) << error;
  }

  // The default, 64 MiB, when the settings do not say.
  host_.settings_patch = nlohmann::json::object();
  host_.max_body_bytes_sent.clear();
  subject_->create(40);
  pull_all(stream);
  for (long long sent : host_.max_body_bytes_sent) EXPECT_EQ(sent, 64LL << 20);
}

// adapters/README.md, "quarantine": one record that fails its checks holds
// back only itself. It is sent as a quarantine entry naming its id and the
// host's field, the rest of the page is stored and the cursor moves on.
TEST_P(Conformance, MalformedRecordIsQuarantinedAndTheRestOfThePageIsTaken) {
  subject_->create(40);
  std::string stream = subject_->reads_people() ? "people" : "course_completions";
  json clean = json::parse(subject_->call("pull", {{"stream", stream}, {"cursor", nullptr}}));
  ASSERT_TRUE(clean["problems"].empty()) << clean["problems"].dump(1);
  EXPECT_FALSE(clean.contains("quarantine")) << clean["quarantine"].dump(1);

  subject_->create(40);
  Subject::Corrupted corrupted = subject_->corrupt_a_person();
  json answer = json::parse(subject_->call("pull", {{"stream", stream}, {"cursor", nullptr}}));
  EXPECT_TRUE(answer["problems"].empty()) << answer["problems"].dump(1);
  ASSERT_TRUE(answer.contains("quarantine")) << answer.dump();
  ASSERT_EQ(answer["quarantine"].size(), 1u) << answer["quarantine"].dump(1);
  const json& entry = answer["quarantine"][0];
  EXPECT_EQ(entry["record_id"], corrupted.record_id) << entry.dump();
  EXPECT_EQ(entry["field"], corrupted.field) << entry.dump();
  EXPECT_TRUE(entry["row"].is_number()) << entry.dump();
  EXPECT_NE(entry["message"].get<std::string>().find(corrupted.field), std::string::npos)
      << entry.dump();
  EXPECT_FALSE(entry["excerpt"].get<std::string>().empty());
  // The others of the page are taken, the held one is not among them.
  auto keys = [](const json& records) {
    std::set<std::string> out;
    for (const auto& record : records) {
      out.insert(record.contains("id") ? record["id"].get<std::string>()
                                       : record["person_id"].get<std::string>() + "/" +
                                             record["course_id"].get<std::string>());
    }
    return out;
  };
  std::set<std::string> expected = keys(clean["records"]);
  expected.erase(corrupted.record_id);
  EXPECT_FALSE(expected.empty());
  EXPECT_EQ(keys(answer["records"]), expected);
  // The cursor moves on as for a clean page.
  EXPECT_EQ(answer["next_cursor"], clean["next_cursor"]);
  EXPECT_EQ(answer["more"], clean["more"]);
  EXPECT_NE(answer["next_cursor"], json(nullptr));
}

TEST_P(HrConformance, UnknownLeaveTypeIsQuarantinedNamingTheField) {
  ASSERT_TRUE(subject_->reads_leave());
  subject_->create(40);
  std::string field = subject_->unknown_leave_type();
  bool found = false;
  json cursor = nullptr;
  for (int page = 0; page < 100 && !found; ++page) {
    json answer = json::parse(subject_->call("pull", {{"stream", "leave"}, {"cursor", cursor}}));
    EXPECT_TRUE(answer["problems"].empty()) << answer["problems"].dump(1);
    for (const auto& entry : answer.value("quarantine", json::array())) {
      if (entry["field"] == field) {
        found = true;
        EXPECT_NE(entry["expected"].get<std::string>().find("Maternity Leave"), std::string::npos)
            << entry.dump();
        EXPECT_TRUE(entry["record_id"].is_string()) << entry.dump();
        EXPECT_NE(answer["next_cursor"], cursor) << "the rest of the page is taken";
        EXPECT_FALSE(answer["records"].empty());
      }
    }
    if (found || !answer["more"].get<bool>()) break;
    cursor = answer["next_cursor"];
  }
  EXPECT_TRUE(found);
}

TEST_P(Conformance, UnknownStreamAndCommandAreRefused) {
  subject_->create(40);
  try {
    subject_->call("pull", {{"stream", "payroll"}, {"cursor", nullptr}});
    FAIL();
  } catch (const mentoring::Error& e) {
    EXPECT_EQ(e.status(), MENTORING_ERR_INVALID_INPUT);
  }
  try {
    subject_->call("dance", json::object());
    FAIL();
  } catch (const mentoring::Error& e) {
    EXPECT_EQ(e.status(), MENTORING_ERR_UNKNOWN_COMMAND);
  }
}

TEST_P(Conformance, EveryPushAnswerFollowsTheSchemaWithOneResultPerActionInOrder) {
  subject_->create(40);
  auto actions = one_action_of_each_kind();
  json input = {{"actions", actions}};
  EXPECT_TRUE(mentoring::schema::validate("adapter/push.input", input, "push input").empty())
      << "the actions themselves follow schemas/action.schema.json";
  json answer;
  try {
    answer = json::parse(subject_->call("push", input));  // checked against push.output
  } catch (const mentoring::Error& e) {
    // An adapter that writes nothing back may refuse the command as a whole.
    EXPECT_EQ(e.status(), MENTORING_ERR_UNAVAILABLE) << e.what();
    return;
  }
  ASSERT_EQ(answer["results"].size(), actions.size()) << answer.dump(1);
  for (std::size_t i = 0; i < actions.size(); ++i)
    EXPECT_EQ(answer["results"][i]["idempotency_key"], actions[i]["idempotency_key"]);
}

TEST(AdapterSchemas, AnswersOffTheirSchemaAreCaught) {
  using mentoring::schema::validate;
  EXPECT_FALSE(validate("adapter/push.output",
                        json::parse(R"({"results":[{"idempotency_key":"k","status":"ok",
                                        "message":""}]})"),
                        "push")
                   .empty())
      << "status ok is not one of done, duplicate, failed, not_handled";
  EXPECT_FALSE(
      validate("adapter/pull.output", json::parse(R"({"records":{},"more":"yes"})"), "pull")
          .empty());
  EXPECT_FALSE(
      validate("adapter/check.output", json::parse(R"({"ok":true,"capabilities":[{}]})"), "check")
          .empty());
  EXPECT_TRUE(validate("adapter/push.output",
                       json::parse(R"({"results":[{"idempotency_key":"k","status":"duplicate",
                                       "message":"already there"}]})"),
                       "push")
                  .empty());
}

INSTANTIATE_TEST_SUITE_P(
    HrAdapters, HrConformance,
    ::testing::Values(Named{"bamboohr", mentoring::conformance::make_bamboohr_subject},
                      Named{"orangehrm", mentoring::conformance::make_orangehrm_subject}),
    describe);
INSTANTIATE_TEST_SUITE_P(
    RestAdapters, Conformance,
    ::testing::Values(Named{"bamboohr", mentoring::conformance::make_bamboohr_subject},
                      Named{"moodle", mentoring::conformance::make_moodle_subject},
                      Named{"orangehrm", mentoring::conformance::make_orangehrm_subject}),
    describe);
