// Properties of leave-linked enrolment, checked on random histories through the
// loaded plugin: with change times, order and repeats of leave updates do not
// matter; without them, the last version read wins whatever its content; a
// cancelled leave never leaves an open invitation, every state has a stored cause.
#include <mentoring/fake_host.hpp>
#include <mentoring/loader.hpp>
#include <mentoring/schema.hpp>
#include <mentoring/store/org_store.hpp>

#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <random>

using json = nlohmann::json;
using namespace mentoring::host;

namespace {

// Serves people once and the leave versions as pages, in the order given.
struct PagedHr {
  json people;
  std::vector<json> leave_pages;  // one record per page
  int version = 1;

  std::string handle(const std::string& command, const std::string& input) {
    json in = json::parse(input);
    if (command == "push") {
      json results = json::array();
      for (const auto& a : in["actions"]) {
        results.push_back({{"idempotency_key", a["idempotency_key"]}, {"status", "done"}});
      }
      return json{{"results", results}}.dump();
    }
    std::string stream = in["stream"];
    std::string prefix = "v" + std::to_string(version) + ":";
    std::string cursor = in["cursor"].is_string() ? in["cursor"].get<std::string>() : "";
    if (stream == "people") {
      if (cursor == prefix + "done")
        return json{{"records", json::array()}, {"next_cursor", cursor}, {"unchanged", true}}
            .dump();
      return json{{"records", people}, {"next_cursor", prefix + "done"}, {"more", false}}.dump();
    }
    if (stream != "leave") return json{{"records", json::array()}, {"next_cursor", nullptr}}.dump();
    std::size_t page = 0;
    if (cursor.rfind(prefix, 0) == 0) page = std::stoul(cursor.substr(prefix.size()));
    if (page >= leave_pages.size()) {
      return json{{"records", json::array()}, {"next_cursor", cursor}, {"unchanged", true}}.dump();
    }
    return json{{"records", json::array({leave_pages[page]})},
                {"next_cursor", prefix + std::to_string(page + 1)},
                {"more", page + 1 < leave_pages.size()}}
        .dump();
  }
};

json programme() {
  return mentoring::schema::parse_file(std::string(PROGRAMMES_DIR) + "/return-to-work.json");
}

json plugin_config() {
  return {{"id", "acme"},
          {"name", "Acme"},
          {"modules", {{"enrolment", true}}},
          {"policy", json::object()},
          {"programmes", json::array({programme()})},
          {"adapters", json::array()}};
}

const char* kDates[] = {"2027-01-10", "2027-03-01", "2027-03-15", "2027-04-20",
                        "2027-06-01", "2027-06-02", "2027-08-01"};
const char* kStatuses[] = {"approved", "approved", "approved", "requested", "cancelled", "denied"};

json random_version(std::mt19937& rng, int sequence) {
  std::string start = kDates[rng() % std::size(kDates)];
  const std::string& start_date = start;
  int length = std::vector<int>{60, 89, 90, 120, 200}[rng() % 5];
  // expected_end = start + length - 1, computed with a tiny date helper via std::chrono
  using namespace std::chrono;
  int y, m, d;
  std::sscanf(start_date.c_str(), "%d-%d-%d", &y, &m, &d);
  sys_days s = year{y} / month{static_cast<unsigned>(m)} / day{static_cast<unsigned>(d)};
  year_month_day end{s + days{length - 1}};
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", int(end.year()), unsigned(end.month()),
                unsigned(end.day()));
  char changed[32];
  std::snprintf(changed, sizeof changed, "2026-11-%02dT10:00:00Z", 1 + sequence);
  return {{"id", "L1"},
          {"person_id", "P1"},
          {"type", "maternity"},
          {"start", start},
          {"expected_end", buffer},
          {"status", kStatuses[rng() % std::size(kStatuses)]},
          {"last_changed", changed}};
}

struct Outcome {
  json leave_row;
  std::vector<std::pair<std::string, std::string>> enrolments;  // state, leave id
  bool operator==(const Outcome&) const = default;
};

Outcome run_with(const std::vector<json>& pages) {
  mentoring::testing::FakeHost host;
  host.set_today("2026-12-01");
  host.set_organisation("acme");
  PagedHr hr;
  hr.people = json::array({{{"id", "P1"}, {"name", "Person One"}}});
  hr.leave_pages = pages;
  host.add_adapter("hr", {"read_people", "read_leave", "write_actions"},
                   [&](const std::string& c, const std::string& i) { return hr.handle(c, i); });
  ModuleInstance plugin(ModuleLibrary::load(MENTORING_PLUGIN_PATH), host.host(),
                        plugin_config().dump());
  plugin.call("run", "{}");

  Outcome out;
  mentoring::store::OrgStore store(host.storage_directory(), "acme");
  auto leave = store.leave("L1");
  if (leave) {
    out.leave_row = {{"start", mentoring::domain::format_date(leave->start)},
                     {"end", mentoring::domain::format_date(leave->expected_end)},
                     {"status", mentoring::domain::to_string(leave->status)}};
  }
  for (const auto& e : store.enrolments_of("P1")) {
    out.enrolments.emplace_back(std::string(mentoring::domain::to_string(e.state)),
                                e.leave_id.value_or(""));
  }
  // Every enrolment's state is the target of its last stored transition, and every cause is there.
  SQLite::Statement check(
      store.database(),
      "SELECT COUNT(*) FROM enrolment e WHERE e.state <> (SELECT to_state FROM "
      "enrolment_transition t WHERE t.enrolment_id = e.id ORDER BY t.id DESC LIMIT 1)");
  check.executeStep();
  EXPECT_EQ(check.getColumn(0).getInt(), 0);
  SQLite::Statement causes(store.database(),
                           "SELECT COUNT(*) FROM enrolment_transition WHERE cause = ''");
  causes.executeStep();
  EXPECT_EQ(causes.getColumn(0).getInt(), 0);
  return out;
}

}  // namespace

TEST(EnrolmentProperty, AnyOrderAndRepeatsOfLeaveUpdatesEndAsTheFinalRecordAlone) {
  std::mt19937 rng(20261124);
  for (int trial = 0; trial < 25; ++trial) {
    int versions = 1 + static_cast<int>(rng() % 5);
    std::vector<json> history;
    for (int v = 0; v < versions; ++v) history.push_back(random_version(rng, v));
    const json final_record = history.back();

    std::vector<json> shuffled = history;
    for (int repeats = static_cast<int>(rng() % 3); repeats > 0; --repeats) {
      shuffled.push_back(history[rng() % history.size()]);
    }
    std::shuffle(shuffled.begin(), shuffled.end(), rng);

    Outcome from_sequence = run_with(shuffled);
    Outcome from_final = run_with({final_record});
    EXPECT_EQ(from_sequence.leave_row, from_final.leave_row) << "trial " << trial;
    EXPECT_EQ(from_sequence.enrolments, from_final.enrolments)
        << "trial " << trial << " final " << final_record.dump();
    if (final_record["status"] != "approved") {
      for (const auto& [state, leave] : from_sequence.enrolments) EXPECT_NE(state, "invited");
    }
  }
}

// A host without change times sends the current record: read in the order the
// host changed it (each version perhaps read twice), the leave ends as the last
// version alone, whatever its status or dates sort like.
TEST(EnrolmentProperty, WithoutChangeTimesTheLastVersionReadWinsWhateverItsContent) {
  std::mt19937 rng(20261206);
  int sorted_lower = 0;  // trials whose last version sorts below an earlier one
  for (int trial = 0; trial < 25; ++trial) {
    int versions = 2 + static_cast<int>(rng() % 4);
    std::vector<json> history;
    for (int v = 0; v < versions; ++v) {
      json version = random_version(rng, v);
      version.erase("last_changed");
      history.push_back(version);
    }
    std::vector<json> reads;
    for (const auto& version : history) {
      reads.push_back(version);
      if (rng() % 3 == 0) reads.push_back(version);  // read again before it changed
    }
    const json final_record = history.back();
    for (const auto& earlier : history) sorted_lower += earlier.dump() > final_record.dump();

    Outcome from_reads = run_with(reads);
    Outcome from_final = run_with({final_record});
    EXPECT_EQ(from_reads.leave_row, from_final.leave_row) << "trial " << trial;
    EXPECT_EQ(from_reads.enrolments, from_final.enrolments)
        << "trial " << trial << " final " << final_record.dump();
  }
  EXPECT_GT(sorted_lower, 0);  // the histories do test content sorting lower
}
