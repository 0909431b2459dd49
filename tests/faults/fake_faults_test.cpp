// The fakes' fault injection and counts themselves, over HTTP as a client
// sees them: what the fault suite relies on (a fault that did not happen
// would make a fault test prove nothing).
#include <gtest/gtest.h>
#include <httplib.h>
#include <fake_bamboohr.hpp>
#include <fake_moodle.hpp>
#include <fault_plan.hpp>
#include <loopback_server.hpp>

#include <chrono>
#include <memory>

namespace mentoring::fakes {
namespace {

using nlohmann::json;

const std::string kData = std::string(EXAMPLES_DIR) + "/demo/data/northwind";

// A server answering GET /x/... with {"ok": true, "pad": "<100 characters>"}
// unless its plan says otherwise.
class PlanServer {
 public:
  PlanServer() {
    server.http().set_pre_routing_handler([this](const auto& req, auto& res) {
      return plan.apply(req, res) ? httplib::Server::HandlerResponse::Handled
                                  : httplib::Server::HandlerResponse::Unhandled;
    });
    server.http().set_post_routing_handler(&FaultPlan::finish);
    server.http().Get(R"(/x/.*)", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(json{{"ok", true}, {"pad", std::string(100, 'p')}}.dump(),
                      "application/json");
    });
    plan.serve_admin(server.http());
    server.start();
  }
  ~PlanServer() {
    plan.stop_streams();
    server.stop();
  }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", server.port());
    c.set_read_timeout(5, 0);
    return c;
  }
  FaultPlan plan;
  LoopbackServer server;
};

TEST(FakeFaults, StatusThrottleAndCountsApplyInOrderAndOnlyWhereTheyMatch) {
  PlanServer s;
  s.plan.add(Fault(FaultKind::status).with_status(502).times(2).matching("/x/leave"));
  s.plan.add(Fault(FaultKind::throttle).retry_after(7));
  auto c = s.client();
  auto first = c.Get("/x/leave");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 502);
  // /x/people is not matched by the 502s: the throttle (matching anything) takes it.
  auto other = c.Get("/x/people");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 429);
  EXPECT_EQ(other->get_header_value("Retry-After"), "7");
  EXPECT_EQ(c.Get("/x/leave")->status, 502);
  EXPECT_EQ(c.Get("/x/leave")->status, 200);
  EXPECT_EQ(s.plan.faults_applied(), 3);
  auto seen = s.plan.requests();
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_TRUE(seen[0].faulted);
  EXPECT_FALSE(seen[3].faulted);
}

TEST(FakeFaults, TruncatedCutsTheBodyAndItsLengthNotJsonIsNotJson) {
  PlanServer s;
  s.plan.add(Fault(FaultKind::truncated));
  s.plan.add(Fault(FaultKind::not_json));
  auto c = s.client();
  auto whole = json{{"ok", true}, {"pad", std::string(100, 'p')}}.dump();
  auto cut = c.Get("/x/a");
  ASSERT_TRUE(cut);
  EXPECT_EQ(cut->status, 200);
  EXPECT_EQ(cut->body, whole.substr(0, whole.size() / 2));
  EXPECT_FALSE(cut->has_header("X-Fake-Fault-Cut"));
  auto garbage = c.Get("/x/a");
  ASSERT_TRUE(garbage);
  EXPECT_TRUE(json::parse(garbage->body, nullptr, false).is_discarded());
  EXPECT_EQ(c.Get("/x/a")->body, whole);
}

TEST(FakeFaults, DroppedPromisesTheWholeBodyAndClosesAfterHalf) {
  PlanServer s;
  s.plan.add(Fault(FaultKind::dropped));
  auto c = s.client();
  auto answer = c.Get("/x/a");
  EXPECT_FALSE(answer) << "the client got a whole answer: " << answer->body;
}

TEST(FakeFaults, HugeIsValidJsonOfExactlyTheBytesAskedMadeAsItIsSent) {
  PlanServer s;
  const std::size_t size = 3 * 1024 * 1024 + 17;
  s.plan.add(Fault(FaultKind::huge).size(size));
  auto c = s.client();
  std::size_t received = 0, chunks = 0;
  std::string head, tail;
  auto answer = c.Get("/x/a", [&](const char* data, std::size_t length) {
    if (head.size() < 16) head.append(data, std::min<std::size_t>(length, 16));
    tail = std::string(data, length).substr(length > 8 ? length - 8 : 0);
    received += length;
    ++chunks;
    return true;
  });
  ASSERT_TRUE(answer);
  EXPECT_EQ(received, size);
  EXPECT_GT(chunks, 10u) << "a huge body is sent in parts";
  EXPECT_EQ(head.substr(0, 9), "[{\"pad\":\"");
  EXPECT_EQ(tail.substr(tail.size() - 3), "{}]");
  EXPECT_EQ(answer->get_header_value("Transfer-Encoding"), "chunked");
}

TEST(FakeFaults, EndlessNeverEndsUntilTheClientGivesUp) {
  PlanServer s;
  s.plan.add(Fault(FaultKind::endless).delay(5));
  auto c = s.client();
  std::size_t received = 0;
  auto started = std::chrono::steady_clock::now();
  auto answer = c.Get("/x/a", [&](const char*, std::size_t length) {
    received += length;
    return std::chrono::steady_clock::now() - started < std::chrono::milliseconds(500);
  });
  EXPECT_FALSE(answer) << "the body ended";
  EXPECT_GT(received, 10000u);
}

TEST(FakeFaults, DelayWaitsThenAnswersNormally) {
  PlanServer s;
  s.plan.add(Fault(FaultKind::delay).delay(300));
  auto c = s.client();
  auto started = std::chrono::steady_clock::now();
  auto answer = c.Get("/x/a");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(290));
}

TEST(FakeFaults, AdminEndpointAddsAndClearsFaults) {
  PlanServer s;
  auto c = s.client();
  auto added =
      c.Post("/__fake/faults", json{{"kind", "status"}, {"status", 503}, {"count", -1}}.dump(),
             "application/json");
  ASSERT_TRUE(added);
  EXPECT_EQ(added->status, 200);
  EXPECT_EQ(c.Get("/x/a")->status, 503);
  EXPECT_EQ(c.Get("/x/a")->status, 503);
  EXPECT_EQ(c.Delete("/__fake/faults")->status, 200);
  EXPECT_EQ(c.Get("/x/a")->status, 200);
  auto refused = c.Post("/__fake/faults", json{{"kind", "meteor"}}.dump(), "application/json");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 400);
  EXPECT_NE(refused->body.find("meteor"), std::string::npos);
}

TEST(FakeFaults, BambooHrCountsRowsPerKeyAndChangesLeaveAtRuntime) {
  FakeBambooHr fake(DemoData::load(kData), "key", 0, FakeBambooHr::IdStyle::demo);
  fake.define_table("customMentoring", {"customMentoringKey", "customMentoringEvent"},
                    "customMentoringKey");
  httplib::Client c("127.0.0.1", fake.port());
  c.set_basic_auth("key", "x");
  const std::string rows = "/api/v1/employees/E1246/tables/customMentoring";
  json row = {{"customMentoringKey", "invite/a"}, {"customMentoringEvent", "invite"}};
  EXPECT_EQ(c.Post(rows.c_str(), row.dump(), "application/json")->status, 200);
  EXPECT_EQ(c.Post(rows.c_str(), row.dump(), "application/json")->status, 200);
  EXPECT_EQ(c.Post(rows.c_str(), "{\"unknownField\":\"x\"}", "application/json")->status, 400);

  auto counts = json::parse(c.Get("/__fake/counts")->body);
  EXPECT_EQ(counts["write_backs_received"], 3);
  EXPECT_EQ(counts["rows_added"], 2);
  EXPECT_EQ(counts["tables"]["customMentoring"]["by_key"]["invite/a"], 2);

  auto changed = c.Post("/__fake/leave", json{{"id", "NW-LR-00214"}, {"status", "canceled"}}.dump(),
                        "application/json");
  ASSERT_TRUE(changed);
  ASSERT_EQ(changed->status, 200) << changed->body;
  auto leave =
      json::parse(c.Get("/api/v1/time_off/requests?start=2027-03-03&end=2027-03-03")->body);
  bool found = false;
  for (const auto& l : leave) {
    if (l["id"] != "NW-LR-00214") continue;
    found = true;
    EXPECT_EQ(l["status"]["status"], "canceled");
    EXPECT_GT(l["status"]["lastChanged"].get<std::string>(), "2026-12-01");
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(c.Post("/__fake/leave", json{{"id", "NW-LR-99999"}}.dump(), "application/json")->status,
            400);
}

TEST(FakeFaults, BambooHrRepeatsTheCursorItWasAskedWith) {
  FakeBambooHr fake(DemoData::load(kData), "key", 0, FakeBambooHr::IdStyle::demo);
  fake.repeat_cursor();
  httplib::Client c("127.0.0.1", fake.port());
  c.set_bearer_token_auth("key");
  auto first = json::parse(c.Get("/api/v1/employees?page[limit]=50")->body);
  EXPECT_EQ(first["meta"]["page"]["nextCursor"], "pos-50");
  auto second = json::parse(c.Get("/api/v1/employees?page[limit]=50&page[after]=pos-50")->body);
  EXPECT_EQ(second["meta"]["page"]["nextCursor"], "pos-50");
}

TEST(FakeFaults, MoodleFaultsMayNameAFunctionAndCountsTellEnrolments) {
  FakeMoodle fake(kData, "token");
  json refusal = {{"exception", "core\\exception\\required_capability_exception"},
                  {"errorcode", "nopermissions"},
                  {"message",
                   "Sorry, but you do not currently have permissions to do that "
                   "(Enrol users)."}};
  fake.faults().add(Fault(FaultKind::body).answering(refusal).matching("enrol_manual_enrol_users"));
  httplib::Client c("127.0.0.1", fake.port());
  long long user = fake.user_id_of("E1246");
  std::string enrol =
      "wstoken=token&moodlewsrestformat=json&wsfunction=enrol_manual_enrol_users"
      "&enrolments[0][roleid]=5&enrolments[0][userid]=" +
      std::to_string(user) + "&enrolments[0][courseid]=13";
  // A read is not the function named: answered normally.
  auto info =
      c.Post("/webservice/rest/server.php",
             "wstoken=token&moodlewsrestformat=json&wsfunction=core_webservice_get_site_info",
             "application/x-www-form-urlencoded");
  EXPECT_EQ(json::parse(info->body).value("userid", 0), FakeMoodle::kTokenUserId);
  auto refused = c.Post("/webservice/rest/server.php", enrol, "application/x-www-form-urlencoded");
  EXPECT_EQ(refused->status, 200);
  EXPECT_EQ(json::parse(refused->body), refusal);
  EXPECT_TRUE(fake.enrolments().empty()) << "a refused enrolment must not be applied";
  auto done = c.Post("/webservice/rest/server.php", enrol, "application/x-www-form-urlencoded");
  EXPECT_EQ(done->body, "null");
  auto counts = json::parse(c.Get("/__fake/counts")->body);
  EXPECT_EQ(counts["enrolments"]["E1246/13"], 1);
  EXPECT_EQ(counts["write_calls"]["enrol_manual_enrol_users"], 2);
  EXPECT_EQ(FakeMoodle::event_marker_of("Kick-off (mentoring plugin event u-1, version 3)"),
            "u-1/3");
}

}  // namespace
}  // namespace mentoring::fakes
