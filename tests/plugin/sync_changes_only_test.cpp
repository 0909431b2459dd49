// Changes-only full reads of people (adapters/README.md, "pull": full_read
// {"id", "last_page", "changes_only", "removed"}) and the retry of quarantined
// records, through the loaded plugin: a walk over several runs against a host
// whose answers each test scripts, checked in the organisation's store.
#include <mentoring/fake_host.hpp>
#include <mentoring/loader.hpp>
#include <mentoring/store/org_store.hpp>
#include <mentoring/store/quarantine_repository.hpp>

#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

using json = nlohmann::json;
using namespace mentoring::host;

namespace {

// Each stream answers `answers[stream]` to any cursor but the one that answer
// moves to; that one (the plugin read it already) gets `unchanged`.
struct ScriptedExports {
  std::map<std::string, json> answers;
  std::vector<json> requests;

  std::string handle(const std::string& command, const std::string& input) {
    json in = json::parse(input);
    if (command != "pull") return json{{"results", json::array()}}.dump();
    requests.push_back(in);
    const std::string stream = in["stream"];
    auto it = answers.find(stream);
    if (it == answers.end())
      return json{{"records", json::array()}, {"next_cursor", nullptr}, {"more", false}}.dump();
    if (in["cursor"] == it->second["next_cursor"])
      return json{{"records", json::array()}, {"next_cursor", in["cursor"]}, {"unchanged", true}}
          .dump();
    return it->second.dump();
  }
};

json person(const std::string& id, const std::string& name = "") {
  return {{"id", id}, {"name", name.empty() ? "Person " + id : name}};
}

std::vector<std::string> ids(int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i <= to; ++i) out.push_back("P" + std::to_string(i));
  return out;
}

// A whole read: everyone, under a new read id.
json full_read(const std::string& cursor, const std::string& read_id, const json& records) {
  return {{"records", records},
          {"next_cursor", cursor},
          {"more", false},
          {"full_read", {{"id", read_id}, {"last_page", true}}}};
}

// A read of the changes to the listing read_id: only new or changed people, and who is gone.
json changes_only(const std::string& cursor, const std::string& read_id, const json& records,
                  const std::vector<std::string>& removed) {
  return {{"records", records},
          {"next_cursor", cursor},
          {"more", false},
          {"full_read",
           {{"id", read_id}, {"last_page", true}, {"changes_only", true}, {"removed", removed}}}};
}

json leave(const std::string& id, const std::string& person_id) {
  return {{"id", id},
          {"person_id", person_id},
          {"type", "maternity"},
          {"start", "2027-03-15"},
          {"expected_end", "2027-09-14"},
          {"status", "approved"}};
}

struct PersonRow {
  std::string name;
  bool listed = false;  // full_read not NULL
  bool absent = false;
};

class ChangesOnlyReads : public ::testing::Test {
 protected:
  void SetUp() override {
    host.set_organisation("acme");
    host.set_today("2026-12-01");
    host.add_adapter(
        "hr", {"read_people", "read_leave"},
        [this](const std::string& c, const std::string& i) { return hr.handle(c, i); });
    json everyone = json::array();
    for (const auto& id : ids(1, 10)) everyone.push_back(person(id));
    hr.answers["people"] = full_read("c1", "R1", everyone);
  }
  json run(const std::string& day = "2026-12-01") {
    host.set_today(day);
    ModuleInstance plugin(ModuleLibrary::load(MENTORING_PLUGIN_PATH), host.host(),
                          json{{"id", "acme"},
                               {"name", "Acme"},
                               {"modules", {{"enrolment", true}}},
                               {"policy", policy},
                               {"programmes", json::array()},
                               {"adapters", json::array()}}
                              .dump());
    return json::parse(plugin.call("run", "{}"));
  }
  static json stream(const json& summary, const std::string& name) {
    for (const auto& s : summary["sync"])
      if (s["stream"] == name) return s;
    ADD_FAILURE() << "no " << name << " stream in " << summary["sync"].dump();
    return json::object();
  }
  std::map<std::string, PersonRow> people() {
    mentoring::store::OrgStore store(host.storage_directory(), "acme");
    SQLite::Statement s(store.database(),
                        "SELECT id, name, full_read IS NOT NULL, absent_since IS NOT NULL "
                        "FROM person");
    std::map<std::string, PersonRow> out;
    while (s.executeStep())
      out[s.getColumn(0).getString()] = {s.getColumn(1).getString(), s.getColumn(2).getInt() != 0,
                                         s.getColumn(3).getInt() != 0};
    return out;
  }
  std::vector<mentoring::store::QuarantinedRecord> held(const std::string& stream) {
    mentoring::store::OrgStore store(host.storage_directory(), "acme");
    return mentoring::store::SqliteQuarantineRepository(store.session()).list("hr", stream, 100);
  }
  std::vector<std::string> absent_ones() {
    std::vector<std::string> out;
    for (const auto& [id, row] : people())
      if (row.absent) out.push_back(id);
    return out;
  }

  mentoring::testing::FakeHost host;
  ScriptedExports hr;
  json policy = json::object();
};

}  // namespace

TEST_F(ChangesOnlyReads, OneChangedAndOneRemovedStoreTheOneAndMarkOnlyTheOtherAbsent) {
  json first = run();
  EXPECT_EQ(stream(first, "people")["stored"], 10);
  ASSERT_EQ(people().size(), 10u);

  hr.answers["people"] = changes_only("c2", "R1", json::array({person("P3", "Renamed")}), {"P7"});
  json second = run("2026-12-02");
  json people_stream = stream(second, "people");
  EXPECT_EQ(people_stream["read"], 1) << people_stream;
  EXPECT_EQ(people_stream["stored"], 1) << people_stream;
  EXPECT_EQ(people_stream["absent"], json::array({"P7"})) << people_stream;
  auto now = people();
  EXPECT_EQ(now["P3"].name, "Renamed");
  for (const auto& id : ids(1, 10)) {
    EXPECT_EQ(now[id].absent, id == "P7") << id;
    EXPECT_EQ(now[id].listed, id != "P7") << id;
  }
  EXPECT_EQ(second["totals"]["people"], 9);
}

// Four of ten gone at once is over the default share (0.2): nobody is marked,
// and the four stay off the listing, so a later read within the share marks
// them without the host naming them again.
TEST_F(ChangesOnlyReads, RemovingOverTheShareMarksNobodyAndALaterReadWithinItMarksTheRest) {
  run();
  hr.answers["people"] = changes_only("c2", "R1", json::array(), ids(1, 4));
  json second = stream(run("2026-12-02"), "people");
  EXPECT_FALSE(second.contains("absent")) << second;
  ASSERT_FALSE(second["problems"].empty()) << second;
  EXPECT_NE(second["problems"][0]["message"].get<std::string>().find("policy.absent_share_limit"),
            std::string::npos);
  auto now = people();
  for (const auto& id : ids(1, 4)) {
    EXPECT_FALSE(now[id].listed) << id;
    EXPECT_FALSE(now[id].absent) << id;
  }

  // Two of the four are back (HR undid a filter): two gone is within the share.
  hr.answers["people"] = changes_only("c3", "R1", json::array({person("P1"), person("P2")}),
                                      std::vector<std::string>{});
  json third = stream(run("2026-12-03"), "people");
  EXPECT_EQ(third["absent"], json::array({"P3", "P4"})) << third;
  EXPECT_EQ(absent_ones(), (std::vector<std::string>{"P3", "P4"}));
}

TEST_F(ChangesOnlyReads, RemovingOverTheShareIsMarkedOnceHrRaisesTheLimit) {
  run();
  hr.answers["people"] = changes_only("c2", "R1", json::array(), ids(1, 4));
  EXPECT_FALSE(stream(run("2026-12-02"), "people").contains("absent"));
  // Nothing changed in the export since: the listing still lacks the four.
  hr.answers["people"] = changes_only("c3", "R1", json::array(), {});
  EXPECT_FALSE(stream(run("2026-12-03"), "people").contains("absent"));
  policy["absent_share_limit"] = 0.5;
  hr.answers["people"] = changes_only("c4", "R1", json::array(), {});
  json allowed = stream(run("2026-12-04"), "people");
  EXPECT_EQ(allowed["absent"], json::array({"P1", "P2", "P3", "P4"})) << allowed;
}

TEST_F(ChangesOnlyReads, ARemovedPersonWhoComesBackIsListedAgain) {
  run();
  hr.answers["people"] = changes_only("c2", "R1", json::array(), {"P5"});
  EXPECT_EQ(stream(run("2026-12-02"), "people")["absent"], json::array({"P5"}));
  hr.answers["people"] = changes_only("c3", "R1", json::array({person("P5")}), {});
  json back = run("2026-12-03");
  EXPECT_FALSE(stream(back, "people").contains("absent"));
  EXPECT_TRUE(people()["P5"].listed);
  EXPECT_TRUE(absent_ones().empty());
  EXPECT_EQ(back["totals"]["people"], 10);
  // And a whole read of everyone under a new id afterwards marks nobody.
  json everyone = json::array();
  for (const auto& id : ids(1, 10)) everyone.push_back(person(id));
  hr.answers["people"] = full_read("c4", "R2", everyone);
  EXPECT_FALSE(stream(run("2026-12-04"), "people").contains("absent"));
  EXPECT_TRUE(absent_ones().empty());
}

// Someone whose record a read quarantined is listed, only not readable: a
// changes-only read that does not send them again leaves them alone; one that
// says they are gone releases them and marks them absent.
TEST_F(ChangesOnlyReads, AQuarantinedPersonIsNotMarkedAbsentUntilTheReadSaysTheyAreGone) {
  run();
  json everyone = json::array();
  for (const auto& id : ids(1, 10)) everyone.push_back(person(id));
  everyone[8]["name"] = 7;  // P9: not a name
  hr.answers["people"] = full_read("c2", "R2", everyone);
  json second = stream(run("2026-12-02"), "people");
  EXPECT_EQ(second["quarantined"], 1) << second;
  EXPECT_FALSE(second.contains("absent")) << second;

  hr.answers["people"] = changes_only("c3", "R2", json::array({person("P1", "Renamed")}), {});
  json third = stream(run("2026-12-03"), "people");
  EXPECT_FALSE(third.contains("absent")) << third;
  EXPECT_FALSE(people()["P9"].absent);
  ASSERT_EQ(held("people").size(), 1u);

  hr.answers["people"] = changes_only("c4", "R2", json::array(), {"P9"});
  json fourth = stream(run("2026-12-04"), "people");
  EXPECT_EQ(fourth["absent"], json::array({"P9"})) << fourth;
  EXPECT_EQ(fourth["released"], 1) << fourth;
  EXPECT_TRUE(held("people").empty());
}

// The new fields are checked like the rest of the envelope: the adapter's
// failure, named by pointer, and nothing of the page stored.
TEST_F(ChangesOnlyReads, MistypedChangesOnlyFieldsAreTheAdaptersFailureNamedByPointer) {
  run();
  struct Case {
    json full_read;
    std::string pointer;
  };
  const std::vector<Case> cases = {
      {{{"id", "R1"}, {"last_page", true}, {"changes_only", "yes"}}, "/full_read/changes_only"},
      {{{"id", "R1"}, {"last_page", true}, {"changes_only", true}, {"removed", "P1"}},
       "/full_read/removed"},
      {{{"id", "R1"}, {"last_page", true}, {"changes_only", true}, {"removed", {"P1", 7}}},
       "/full_read/removed/1"},
      {{{"id", "R1"}, {"last_page", true}, {"changes_only", true}, {"removed", {""}}},
       "/full_read/removed/0"},
      {{{"id", "R1"}, {"last_page", true}, {"removed", {"P1"}}}, "/full_read/removed"},
  };
  int round = 0;
  for (const auto& c : cases) {
    json answer = {{"records", json::array({person("P2", "Changed")})},
                   {"next_cursor", "bad" + std::to_string(++round)},
                   {"more", false},
                   {"full_read", c.full_read}};
    hr.answers["people"] = answer;
    json people_stream = stream(run("2026-12-02"), "people");
    EXPECT_EQ(people_stream["status"], "failed") << people_stream;
    EXPECT_NE(people_stream["error"].get<std::string>().find(c.pointer + ": found"),
              std::string::npos)
        << people_stream["error"];
    auto now = people();
    EXPECT_EQ(now["P2"].name, "Person P2") << "round " << round;
    EXPECT_TRUE(now["P1"].listed) << "round " << round;
  }
}

// A leave for a person the HR system has not sent yet is held; the next run's
// people export adds the person while the leave export is unchanged (nothing
// is sent again): the held leave is ingested again, stored and released.
TEST_F(ChangesOnlyReads, AHeldLeaveIsStoredOnceItsPersonArrivesWithoutBeingSentAgain) {
  hr.answers["leave"] = {{"records", json::array({leave("L1", "P11"), leave("L2", "P1")})},
                         {"next_cursor", "l1"},
                         {"more", false}};
  json first = stream(run(), "leave");
  EXPECT_EQ(first["stored"], 1) << first;
  EXPECT_EQ(first["quarantined"], 1) << first;
  ASSERT_EQ(held("leave").size(), 1u);

  // A run in which nothing changes: still held, seen today, not counted as seen again.
  json second = stream(run("2026-12-02"), "leave");
  EXPECT_EQ(second["status"], "unchanged") << second;
  EXPECT_EQ(second["released"], 0) << second;
  auto still = held("leave");
  ASSERT_EQ(still.size(), 1u);
  EXPECT_EQ(still[0].times_seen, 1);
  EXPECT_EQ(still[0].first_seen, "2026-12-01");
  EXPECT_EQ(still[0].last_seen, "2026-12-02");
  EXPECT_EQ(still[0].reason, "unknown_person");

  hr.answers["people"] = changes_only("c2", "R1", json::array({person("P11")}), {});
  json third_run = run("2026-12-03");
  json third = stream(third_run, "leave");
  EXPECT_EQ(third["status"], "unchanged") << third;  // the host sent no leave
  EXPECT_EQ(third["released"], 1) << third;
  EXPECT_EQ(third["stored"], 1) << third;
  EXPECT_TRUE(held("leave").empty());
  EXPECT_EQ(third_run["totals"]["leave"], 2) << third_run["totals"];
  // The retry used the leave's own text: no extra pull of the leave stream.
  int leave_pulls = 0;
  for (const auto& r : hr.requests)
    if (r["stream"] == "leave") ++leave_pulls;
  EXPECT_EQ(leave_pulls, 3);
}

// A record whose reason cannot pass later (its own content is wrong) keeps no
// raw text and is not retried: it waits for the host to send it again.
TEST_F(ChangesOnlyReads, ARecordWrongInItselfIsNotRetried) {
  json backwards = leave("L3", "P1");
  backwards["expected_end"] = "2027-01-01";
  hr.answers["leave"] = {
      {"records", json::array({backwards})}, {"next_cursor", "l1"}, {"more", false}};
  run();
  {
    mentoring::store::OrgStore store(host.storage_directory(), "acme");
    SQLite::Statement s(store.database(), "SELECT reason, raw IS NULL FROM sync_quarantine");
    ASSERT_TRUE(s.executeStep());
    EXPECT_EQ(s.getColumn(0).getString(), "ends_before_start");
    EXPECT_EQ(s.getColumn(1).getInt(), 1);
  }
  json second = stream(run("2026-12-02"), "leave");
  EXPECT_EQ(second["released"], 0);
  ASSERT_EQ(held("leave").size(), 1u);
  EXPECT_EQ(held("leave")[0].last_seen, "2026-12-01");
}
