// The sync against a host that sends changes since a cursor, page by page (as
// the REST adapters and the file adapter's incremental reads do), through the
// loaded plugin: a changed leave is applied whatever its status sorts like, the
// summary counts what really changed, and one record that fails its checks is
// quarantined while the rest of its page is stored and the cursor moves on.
#include <mentoring/fake_host.hpp>
#include <mentoring/loader.hpp>
#include <mentoring/schema.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using json = nlohmann::json;
using namespace mentoring::host;

namespace {

// People: everyone, once per version. Leave and completions: a log of changes
// served from the cursor (the number of entries read), `page_size` per page.
// Sending a record again is appending it to the log again.
struct IncrementalHr {
  json people = json::array();
  int people_version = 1;
  bool people_full_read = false;
  std::vector<json> leave_log, completion_log;
  std::size_t page_size = 2;
  // Records the adapter could not map, sent with the next leave page (the
  // answer's "quarantine"); then cleared, as the adapter moves on.
  json leave_refused = json::array();
  std::vector<json> pushed;

  std::string handle(const std::string& command, const std::string& input) {
    json in = json::parse(input);
    if (command == "push") {
      json results = json::array();
      for (const auto& a : in["actions"]) {
        pushed.push_back(a);
        results.push_back({{"idempotency_key", a["idempotency_key"]}, {"status", "done"}});
      }
      return json{{"results", results}}.dump();
    }
    std::string stream = in["stream"];
    std::string cursor = in["cursor"].is_string() ? in["cursor"].get<std::string>() : "";
    if (stream == "people") {
      std::string now = "v" + std::to_string(people_version);
      if (cursor == now)
        return json{{"records", json::array()}, {"next_cursor", now}, {"unchanged", true}}.dump();
      json answer = {{"records", people}, {"next_cursor", now}, {"more", false}};
      if (people_full_read) answer["full_read"] = {{"id", now}, {"last_page", true}};
      return answer.dump();
    }
    const auto& log = stream == "leave" ? leave_log : completion_log;
    std::size_t from = cursor.empty() ? 0 : std::stoul(cursor);
    if (stream == "leave" && !leave_refused.empty()) {
      std::size_t to = std::min(log.size(), from + page_size);
      json records = json::array();
      for (std::size_t i = from; i < to; ++i) records.push_back(log[i]);
      json answer = {{"records", records},
                     {"next_cursor", std::to_string(to)},
                     {"more", to < log.size()},
                     {"quarantine", leave_refused}};
      leave_refused = json::array();
      return answer.dump();
    }
    if (from >= log.size()) {
      return json{{"records", json::array()},
                  {"next_cursor", std::to_string(log.size())},
                  {"unchanged", true}}
          .dump();
    }
    std::size_t to = std::min(log.size(), from + page_size);
    json records = json::array();
    for (std::size_t i = from; i < to; ++i) records.push_back(log[i]);
    return json{
        {"records", records}, {"next_cursor", std::to_string(to)}, {"more", to < log.size()}}
        .dump();
  }
};

json person(const std::string& id) {
  return {{"id", id}, {"name", "Person " + id}};
}

json leave(const std::string& id, const std::string& person, const std::string& status,
           std::optional<std::string> last_changed = std::nullopt,
           const std::string& start = "2027-03-15", const std::string& end = "2027-09-14") {
  json out = {{"id", id},       {"person_id", person}, {"type", "maternity"},
              {"start", start}, {"expected_end", end}, {"status", status}};
  if (last_changed) out["last_changed"] = *last_changed;
  return out;
}

class SyncChanges : public ::testing::Test {
 protected:
  void SetUp() override {
    host.set_organisation("acme");
    host.set_today("2026-12-01");
    hr.people = json::array({person("P1"), person("P2")});
    host.add_adapter(
        "hr", {"read_people", "read_leave", "read_course_completions", "write_actions"},
        [this](const std::string& c, const std::string& i) { return hr.handle(c, i); });
  }
  json config() {
    json programme =
        mentoring::schema::parse_file(std::string(PROGRAMMES_DIR) + "/return-to-work.json");
    return {{"id", "acme"},
            {"name", "Acme"},
            {"modules", {{"enrolment", true}}},
            {"policy", json::object()},
            {"programmes", json::array({programme})},
            {"adapters", json::array()}};
  }
  json call(const std::string& name, const json& input) {
    ModuleInstance plugin(ModuleLibrary::load(MENTORING_PLUGIN_PATH), host.host(), config().dump());
    return json::parse(plugin.call(name, input.dump()));
  }
  json run_on(const std::string& day) {
    host.set_today(day);
    return call("run", json::object());
  }
  json quarantine(const json& input = json::object()) {
    json out = call("quarantine", input);
    auto problems = mentoring::schema::validate("commands/quarantine.output", out, "quarantine");
    EXPECT_TRUE(problems.empty()) << problems.front().message() << "\n" << out.dump(2);
    return out;
  }
  static json stream(const json& summary, const std::string& name) {
    for (const auto& s : summary["sync"])
      if (s["stream"] == name) return s;
    ADD_FAILURE() << "no " << name << " stream in " << summary["sync"].dump();
    return json::object();
  }
  static std::vector<std::string> invited(const json& summary) {
    std::vector<std::string> out;
    for (const auto& i : summary["modules"]["enrolment"]["invited"]) out.push_back(i["person_id"]);
    return out;
  }

  mentoring::testing::FakeHost host;
  IncrementalHr hr;
};

}  // namespace

// A host without change times (a CSV export, OrangeHRM's leave list): the
// request, then its approval, then its cancellation. The store used to keep
// the request for good ("approved" sorts before "requested"), so the person
// was never invited, while the run said "stored".
TEST_F(SyncChanges, ALeaveRequestedThenApprovedInvitesAndItsCancellationWithdraws) {
  hr.leave_log.push_back(leave("L1", "P1", "requested"));
  json first = run_on("2026-12-01");
  EXPECT_EQ(stream(first, "leave")["stored"], 1);
  EXPECT_TRUE(invited(first).empty());

  hr.leave_log.push_back(leave("L1", "P1", "approved"));
  json approved = run_on("2026-12-02");
  EXPECT_EQ(stream(approved, "leave")["stored"], 1) << stream(approved, "leave");
  EXPECT_EQ(invited(approved), std::vector<std::string>{"P1"}) << approved.dump(2);
  EXPECT_EQ(approved["totals"]["open_invitations"], 1);

  hr.leave_log.push_back(leave("L1", "P1", "cancelled"));
  json cancelled = run_on("2026-12-03");
  EXPECT_EQ(stream(cancelled, "leave")["stored"], 1);
  ASSERT_EQ(cancelled["modules"]["enrolment"]["withdrawn"].size(), 1u) << cancelled.dump(2);
  EXPECT_EQ(cancelled["totals"]["open_invitations"], 0);
  EXPECT_EQ(hr.pushed.back()["type"], "withdraw_invitation");
}

// With change times, an update the host made before the stored one is
// ignored, and the summary says so rather than "stored".
TEST_F(SyncChanges, AnOlderUpdateIsCountedAsIgnoredAndTheSameRecordAsUnchanged) {
  hr.leave_log.push_back(leave("L1", "P1", "approved", "2026-11-10T09:00:00Z"));
  json first = run_on("2026-12-01");
  ASSERT_EQ(invited(first), std::vector<std::string>{"P1"});

  hr.leave_log.push_back(leave("L1", "P1", "cancelled", "2026-11-05T09:00:00Z"));  // late arrival
  hr.leave_log.push_back(leave("L1", "P1", "approved", "2026-11-10T09:00:00Z"));   // again
  json second = run_on("2026-12-02");
  json leave_stream = stream(second, "leave");
  EXPECT_EQ(leave_stream["status"], "read");
  EXPECT_EQ(leave_stream["read"], 2);
  EXPECT_EQ(leave_stream["stored"], 0) << leave_stream;
  EXPECT_EQ(leave_stream["older"], 1) << leave_stream;
  EXPECT_EQ(leave_stream["unchanged"], 1) << leave_stream;
  EXPECT_TRUE(second["modules"]["enrolment"]["withdrawn"].empty());
  EXPECT_EQ(second["totals"]["open_invitations"], 1);
}

// One record for a person the HR system has not sent used to reject its page:
// nothing after it was read that run, and the cursor stayed before it for good.
TEST_F(SyncChanges, OneBadRecordIsQuarantinedWhileTheRestIsStoredAndTheCursorMovesOn) {
  hr.leave_log = {leave("L7", "GHOST", "approved"), leave("L1", "P1", "approved"),
                  leave("L2", "P2", "approved", std::nullopt, "2027-04-01", "2027-03-01"),
                  leave("L3", "P2", "approved", std::nullopt, "2027-04-01", "2027-10-01")};
  json first = run_on("2026-12-01");
  json leave_stream = stream(first, "leave");
  EXPECT_EQ(leave_stream["read"], 4);
  EXPECT_EQ(leave_stream["stored"], 2);
  EXPECT_EQ(leave_stream["quarantined"], 2);
  EXPECT_EQ(first["quarantined"], 2);
  EXPECT_EQ(first["quarantine_held"], 2);
  EXPECT_EQ(first["totals"]["leave"], 2);
  auto people = invited(first);
  std::sort(people.begin(), people.end());
  EXPECT_EQ(people, (std::vector<std::string>{"P1", "P2"}));
  std::string problems = leave_stream["problems"].dump();
  EXPECT_NE(problems.find("hr leave record L7: /person_id: found \\\"GHOST\\\""), std::string::npos)
      << problems;
  EXPECT_NE(problems.find("\"reason\":\"unknown_person\""), std::string::npos) << problems;
  EXPECT_NE(problems.find("record L2: /expected_end"), std::string::npos) << problems;

  // The cursor moved past the page: nothing is read again, the quarantine still holds both.
  json second = run_on("2026-12-02");
  EXPECT_EQ(stream(second, "leave")["status"], "unchanged") << stream(second, "leave");
  EXPECT_EQ(second["quarantined"], 0);
  EXPECT_EQ(second["quarantine_held"], 2);

  json held = quarantine();
  EXPECT_EQ(held["held"], 2);
  ASSERT_EQ(held["records"].size(), 2u);
  std::map<std::string, json> by_id;
  for (const auto& r : held["records"]) by_id[r["record_id"]] = r;
  EXPECT_EQ(by_id["L7"]["reason"], "unknown_person");
  EXPECT_EQ(by_id["L7"]["pointer"], "/person_id");
  EXPECT_EQ(by_id["L7"]["found"], "\"GHOST\"");
  EXPECT_EQ(by_id["L7"]["expected"], "the id of a known person");
  EXPECT_EQ(by_id["L7"]["stream"], "leave");
  EXPECT_EQ(json::parse(by_id["L7"]["excerpt"].get<std::string>())["person_id"], "GHOST");
  EXPECT_EQ(by_id["L2"]["reason"], "ends_before_start");
  EXPECT_EQ(quarantine({{"stream", "people"}})["held"], 0);

  json check = call("check", json::object());
  EXPECT_EQ(check["quarantine_held"], 2);
  EXPECT_EQ(check["quarantine"].size(), 2u);
}

// The scenario: a leave arrives before its person; the week after, the host
// sends it again, still without the person (the row is replaced); the week
// after that the person arrives and the host re-sends the leave: it leaves the
// quarantine and the person is invited.
TEST_F(SyncChanges, AQuarantinedLeaveIsRetriedWhenTheHostSendsItAgainAndThePersonIsInvited) {
  hr.leave_log = {leave("L3", "P3", "approved"), leave("L1", "P1", "approved")};
  json week1 = run_on("2026-12-01");
  EXPECT_EQ(invited(week1), std::vector<std::string>{"P1"});
  EXPECT_EQ(week1["quarantine_held"], 1);

  hr.leave_log.push_back(leave("L3", "P3", "approved", std::nullopt, "2027-03-20", "2027-09-20"));
  json week2 = run_on("2026-12-08");
  EXPECT_EQ(week2["quarantined"], 1);
  EXPECT_EQ(week2["quarantine_held"], 1);
  json held = quarantine()["records"].at(0);
  EXPECT_EQ(held["record_id"], "L3");
  EXPECT_EQ(held["times_seen"], 2);
  EXPECT_EQ(held["first_seen"], "2026-12-01");
  EXPECT_EQ(held["last_seen"], "2026-12-08");
  EXPECT_NE(held["excerpt"].get<std::string>().find("2027-03-20"), std::string::npos) << held;

  hr.people.push_back(person("P3"));
  ++hr.people_version;
  hr.leave_log.push_back(leave("L3", "P3", "approved", std::nullopt, "2027-03-20", "2027-09-20"));
  json week3 = run_on("2026-12-15");
  EXPECT_EQ(stream(week3, "leave")["released"], 1) << stream(week3, "leave");
  EXPECT_EQ(week3["quarantined"], 0);
  EXPECT_EQ(week3["quarantine_held"], 0);
  EXPECT_EQ(invited(week3), std::vector<std::string>{"P3"}) << week3.dump(2);
  EXPECT_EQ(quarantine()["held"], 0);
}

// The sync knows who is present once its people streams are done (one read,
// not a query per record): someone the same run's full read no longer lists
// is already unknown to that run's leave and completions, and someone listed
// again is known again.
TEST_F(SyncChanges, APersonTheSameRunMarkedAbsentIsUnknownToItsLeaveAndCompletions) {
  hr.people_full_read = true;
  hr.people = json::array(
      {person("P1"), person("P2"), person("P3"), person("P4"), person("P5"), person("P6")});
  ASSERT_EQ(run_on("2026-12-01")["totals"]["people"], 6);
  hr.people.erase(5);  // P6 gone from the HR system
  ++hr.people_version;
  hr.leave_log = {leave("L6", "P6", "approved"), leave("L1", "P1", "approved")};
  hr.completion_log = {
      {{"person_id", "P6"}, {"course_id", "MENTOR-101"}, {"completed_at", "2026-06-01"}},
      {{"person_id", "P2"}, {"course_id", "MENTOR-101"}, {"completed_at", "2026-06-01"}}};
  json gone = run_on("2026-12-02");
  ASSERT_EQ(stream(gone, "people")["absent"], json::array({"P6"})) << stream(gone, "people");
  EXPECT_EQ(stream(gone, "leave")["stored"], 1) << stream(gone, "leave");
  EXPECT_EQ(stream(gone, "leave")["quarantined"], 1) << stream(gone, "leave");
  EXPECT_EQ(stream(gone, "course_completions")["stored"], 1);
  EXPECT_EQ(stream(gone, "course_completions")["quarantined"], 1);
  json held = quarantine({{"stream", "leave"}})["records"].at(0);
  EXPECT_EQ(held["record_id"], "L6");
  EXPECT_EQ(held["reason"], "unknown_person");

  // Listed again: known to the same run's leave, which leaves the quarantine.
  hr.people.push_back(person("P6"));
  ++hr.people_version;
  hr.leave_log.push_back(leave("L6", "P6", "approved"));
  json back = run_on("2026-12-03");
  EXPECT_EQ(stream(back, "leave")["stored"], 1) << stream(back, "leave");
  EXPECT_EQ(stream(back, "leave")["released"], 1) << stream(back, "leave");
  EXPECT_EQ(back["totals"]["leave"], 2);
}

TEST_F(SyncChanges, ACompletionForAnUnknownPersonIsQuarantinedByPersonAndCourse) {
  hr.completion_log = {
      {{"person_id", "PX"}, {"course_id", "MENTOR-101"}, {"completed_at", "2026-06-01"}},
      {{"person_id", "P1"}, {"course_id", "MENTOR-101"}, {"completed_at", "2026-06-01"}}};
  json summary = run_on("2026-12-01");
  json completions = stream(summary, "course_completions");
  EXPECT_EQ(completions["stored"], 1);
  EXPECT_EQ(completions["quarantined"], 1);
  EXPECT_EQ(summary["totals"]["course_completions"], 1);
  json held = quarantine({{"stream", "course_completions"}})["records"].at(0);
  EXPECT_EQ(held["record_id"], "PX/MENTOR-101");
  EXPECT_EQ(held["reason"], "unknown_person");
}

// A person whose record a full read quarantined is listed, only unreadable:
// never marked absent for it.
TEST_F(SyncChanges, APersonQuarantinedInAFullReadIsNotMarkedAbsent) {
  hr.people_full_read = true;
  hr.people = json::array(
      {person("P1"), person("P2"), person("P3"), person("P4"), person("P5"), person("P6")});
  ASSERT_EQ(run_on("2026-12-01")["totals"]["people"], 6);
  hr.people[1]["start_date"] = "01/02/2020";  // a date in the wrong format
  ++hr.people_version;
  json summary = run_on("2026-12-02");
  EXPECT_EQ(stream(summary, "people")["quarantined"], 1);
  EXPECT_FALSE(stream(summary, "people").contains("absent")) << stream(summary, "people");
  EXPECT_EQ(summary["totals"]["people"], 6);
  // Fixed on the host: it leaves the quarantine with the next full read.
  hr.people[1]["start_date"] = "2020-02-01";
  ++hr.people_version;
  json fixed = run_on("2026-12-03");
  EXPECT_EQ(fixed["quarantine_held"], 0);
  EXPECT_EQ(fixed["totals"]["people"], 6);
}

// Bounded: the run lists at most 100 quarantined records by message and says
// how many more there are; the quarantine holds them all.
TEST_F(SyncChanges, TheRunListsAtMostAHundredQuarantinedRecordsAndCountsTheRest) {
  hr.page_size = 1000;
  for (int i = 0; i < 150; ++i)
    hr.leave_log.push_back(leave("G" + std::to_string(i), "GHOST", "approved"));
  json summary = run_on("2026-12-01");
  json leave_stream = stream(summary, "leave");
  EXPECT_EQ(leave_stream["quarantined"], 150);
  ASSERT_EQ(leave_stream["problems"].size(), 101u);
  EXPECT_NE(leave_stream["problems"][100]["message"].get<std::string>().find("50 more"),
            std::string::npos);
  EXPECT_EQ(quarantine({{"limit", 1000}})["records"].size(), 150u);
  EXPECT_EQ(quarantine({{"limit", 10}})["held"], 150);
}

// What the adapter itself cannot map (a CSV row whose end precedes its start,
// a status no mapping knows) it sends as "quarantine" beside the records it
// could map: held with the adapter's words, the rest stored, the cursor moved;
// released when the record comes back mapped.
TEST_F(SyncChanges, RecordsTheAdapterCouldNotMapAreQuarantinedBesideTheStoredOnes) {
  hr.leave_log = {leave("L1", "P1", "approved")};
  hr.leave_refused =
      json::array({{{"record_id", "L2"},
                    {"pointer", "/status"},
                    {"found", "\"Awaiting HR\""},
                    {"expected", "a status the leave mapping names"},
                    {"message",
                     "leave.csv row 3, column \"Status\": found \"Awaiting HR\"; expected a status "
                     "the leave mapping names"},
                    {"excerpt", "NW-2,P2,Maternity Leave,01/04/2027,30/09/2027,,Awaiting HR"}}});
  json first = run_on("2026-12-01");
  json leave_stream = stream(first, "leave");
  EXPECT_EQ(leave_stream["stored"], 1);
  EXPECT_EQ(leave_stream["quarantined"], 1);
  EXPECT_EQ(first["rejected_pages"], 0);
  EXPECT_EQ(invited(first), std::vector<std::string>{"P1"});
  json held = quarantine()["records"].at(0);
  EXPECT_EQ(held["reason"], "adapter_refused");
  EXPECT_EQ(held["record_id"], "L2");
  EXPECT_EQ(held["pointer"], "/status");
  EXPECT_NE(held["excerpt"].get<std::string>().find("Awaiting HR"), std::string::npos);

  hr.leave_log.push_back(leave("L2", "P2", "approved", std::nullopt, "2027-04-01", "2027-09-30"));
  json fixed = run_on("2026-12-02");
  EXPECT_EQ(stream(fixed, "leave")["released"], 1);
  EXPECT_EQ(fixed["quarantine_held"], 0);
  EXPECT_EQ(invited(fixed), std::vector<std::string>{"P2"});
}

TEST_F(SyncChanges, AMalformedQuarantineListIsTheAdaptersFailureAndStoresNothing) {
  hr.leave_log = {leave("L1", "P1", "approved")};
  hr.leave_refused = json::array({{{"record_id", 7}, {"message", "bad"}}});
  json summary = run_on("2026-12-01");
  json leave_stream = stream(summary, "leave");
  EXPECT_EQ(leave_stream["status"], "failed");
  EXPECT_NE(leave_stream["error"].get<std::string>().find("/quarantine/0/record_id"),
            std::string::npos)
      << leave_stream;
  EXPECT_EQ(summary["totals"]["leave"], 0);
  EXPECT_EQ(summary["quarantine_held"], 0);
}
