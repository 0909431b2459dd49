// The crash harness: the fakes run as a separate process (mentoring-fake-hosts
// on free loopback ports); `mentoring-host run` on a private copy of
// examples/demo-rest is killed with SIGKILL at random moments of its sync and
// write-back, restarted, killed again, while leave changes in the fake BambooHR
// and HR accepts invitations between runs; then one clean run. Checked at the
// end: every leave change is in the organisation's database, every delivered
// action reached a fake exactly once (the fakes' counts against the outbox),
// nothing the fakes hold is unknown to the outbox, PRAGMA integrity_check = ok.
//
// MENTORING_CRASH_KILLS (default 20) sets the number of kills,
// MENTORING_CRASH_SEED the random seed (printed, so a failure can be replayed).
#include "demo_rest_copy.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

#include <cstdio>
#include <iostream>
#include <map>
#include <random>
#include <set>

namespace mentoring::test {
namespace {

using nlohmann::json;

int env_int(const char* name, int fallback) {
  const char* value = std::getenv(name);
  return value && *value ? std::atoi(value) : fallback;
}

// GET / POST on a fake's admin endpoint.
json admin(int port, const std::string& method, const std::string& path,
           const json& body = nullptr) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(10, 0);
  auto answer = method == "GET" ? client.Get(path.c_str())
                                : client.Post(path.c_str(), body.dump(), "application/json");
  if (!answer) throw std::runtime_error("fake on port " + std::to_string(port) + ": no answer");
  if (answer->status != 200)
    throw std::runtime_error(path + ": HTTP " + std::to_string(answer->status) + " " +
                             answer->body);
  return json::parse(answer->body);
}

struct LeaveState {
  std::string start, end, status;  // as the fake holds them (status: BambooHR's word)
  std::string first_end;           // as the demo has it
};

// YYYY-MM-DD plus `days`.
std::string add_days(const std::string& iso_date, int days) {
  using namespace std::chrono;
  year_month_day day{year{std::stoi(iso_date.substr(0, 4))},
                     month{static_cast<unsigned>(std::stoi(iso_date.substr(5, 2)))},
                     std::chrono::day{static_cast<unsigned>(std::stoi(iso_date.substr(8, 2)))}};
  year_month_day later{sys_days{day} + std::chrono::days{days}};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(later.year()),
                static_cast<unsigned>(later.month()), static_cast<unsigned>(later.day()));
  return text;
}

// BambooHR's status word -> the one the plugin stores.
std::string stored_status(const std::string& bamboohr) {
  if (bamboohr == "canceled") return "cancelled";
  return bamboohr;
}

std::string iso(const std::string& dmy) {
  return dmy.substr(6, 4) + "-" + dmy.substr(3, 2) + "-" + dmy.substr(0, 2);
}

// Leave requests of the demo that start after the adapter's look-back (so a
// change is read again) and before its horizon: id -> state.
std::map<std::string, LeaveState> changeable_leave() {
  std::map<std::string, LeaveState> out;
  std::ifstream csv(std::string(EXAMPLES_DIR) + "/demo/data/northwind/leave.csv");
  std::string line;
  std::getline(csv, line);
  while (std::getline(csv, line)) {
    std::vector<std::string> cells;
    std::stringstream row(line);
    for (std::string cell; std::getline(row, cell, ',');) cells.push_back(cell);
    if (cells.size() < 7 || cells[3].size() != 10 || cells[4].size() != 10) continue;
    std::string start = iso(cells[3]), end = iso(cells[4]);
    if (start < "2026-09-01" || start > "2027-10-01") continue;
    // Leave types the demo maps to null are never stored; short leave cannot be shortened.
    if (cells[2] == "Annual Leave" || add_days(start, 14) >= end) continue;
    std::string status = cells[6];
    for (auto& c : status) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (status == "cancelled") status = "canceled";
    out[cells[0]] = {start, end, status, end};
  }
  return out;
}

class FakeHostsProcess {
 public:
  explicit FakeHostsProcess(const std::filesystem::path& folder) {
    ports_file_ = folder / "ports.json";
    child_ = std::make_unique<Child>(std::vector<std::string>{
        FAKE_HOSTS_BINARY, "--data", std::string(EXAMPLES_DIR) + "/demo/data/northwind", "--ports",
        "any", "--ports-file", ports_file_.string(), "--bamboohr-table",
        "customMentoring=customMentoringKey,customMentoringDate,customMentoringEvent",
        // A Moodle with no students keeps a run short, so kills reach its
        // write-back; and every enrolment is a write the fake counts (one Moodle
        // already has is acknowledged as a duplicate without a write).
        "--moodle-students", "0"});
    for (int i = 0; i < 600 && !std::filesystem::exists(ports_file_); ++i) {
      if (!child_->running()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (!std::filesystem::exists(ports_file_))
      throw std::runtime_error("mentoring-fake-hosts did not start");
    ports = json::parse(read_text(ports_file_));
  }
  ~FakeHostsProcess() { child_->kill(); }
  int port(const std::string& host) const { return ports.at(host).get<int>(); }
  std::string url(const std::string& host) const {
    return "http://127.0.0.1:" + std::to_string(port(host));
  }
  json ports;

 private:
  std::filesystem::path ports_file_;
  std::unique_ptr<Child> child_;
};

TEST(CrashTest, SigkillDuringSyncAndWriteBackLosesNothingAndDuplicatesNothing) {
  const int wanted_kills = std::max(1, env_int("MENTORING_CRASH_KILLS", 20));
  const unsigned seed = static_cast<unsigned>(
      env_int("MENTORING_CRASH_SEED", static_cast<int>(std::random_device{}() & 0x7fffffff)));
  std::cout << "crash harness: seed=" << seed << " kills=" << wanted_kills
            << " (MENTORING_CRASH_SEED / MENTORING_CRASH_KILLS)" << std::endl;
  std::mt19937 random(seed);

  std::string pattern =
      (std::filesystem::temp_directory_path() / "mentoring-crash-XXXXXX").string();
  ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
  std::filesystem::path folder = pattern;
  struct Cleanup {
    std::filesystem::path path;
    ~Cleanup() {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
  } cleanup{folder};

  FakeHostsProcess fakes(folder);
  DemoRestCopy copy(fakes.url("bamboohr"), fakes.url("moodle"));
  // Invitations and withdrawals become rows of a BambooHR table (keyed by the
  // idempotency key); enrolments go to Moodle; anything else to the outbox file.
  copy.edit_adapter("hr", [](json& s) {
    s["write_back"] = {{"table", "customMentoring"},
                       {"key_column", "customMentoringKey"},
                       {"action_types", {"invite", "withdraw_invitation"}},
                       {"columns",
                        {{"customMentoringDate", {{"from", "/created_at"}, {"as", "date"}}},
                         {"customMentoringEvent", {{"from", "/type"}}}}}};
  });
  // Routing sends them there (the example routes them to the outbox file).
  copy.edit_org([](json& org) {
    org["routing"]["invite"] = "hr";
    org["routing"]["withdraw_invitation"] = "hr";
  });

  // Each write-back request takes 100 ms at the fakes (before they apply it),
  // so the write-back is long enough for kills to land in it.
  admin(fakes.port("bamboohr"), "POST", "/__fake/faults",
        {{"kind", "delay"}, {"delay_ms", 100}, {"count", -1}, {"match", "/tables/"}});
  admin(
      fakes.port("moodle"), "POST", "/__fake/faults",
      {{"kind", "delay"}, {"delay_ms", 100}, {"count", -1}, {"match", "enrol_manual_enrol_users"}});

  auto leave = changeable_leave();
  ASSERT_GE(leave.size(), 5u);
  std::vector<std::string> leave_ids;
  for (const auto& [id, state] : leave) leave_ids.push_back(id);
  std::set<std::string> changed;

  // Between runs: a leave request changes in BambooHR (cancelled, approved
  // again, or ends later), and now and then HR records a consent (an enrolment
  // for Moodle follows).
  auto invited_leave = [&] {
    std::vector<std::string> ids;
    if (!std::filesystem::exists(copy.database)) return ids;
    SQLite::Database db(copy.database.string(), SQLite::OPEN_READONLY);
    db.setBusyTimeout(5000);
    SQLite::Statement invited(db, "SELECT idempotency_key FROM outbox WHERE type = 'invite'");
    while (invited.executeStep()) {
      std::string key = invited.getColumn(0).getString();
      std::string id = key.substr(key.rfind('/') + 1);
      if (leave.contains(id)) ids.push_back(id);
    }
    return ids;
  };
  auto change_the_world = [&] {
    // Half the time the leave of someone invited: a withdrawal may follow.
    std::vector<std::string> invited = invited_leave();
    const std::string& id = !invited.empty() && random() % 2 == 0
                                ? invited[random() % invited.size()]
                                : leave_ids[random() % leave_ids.size()];
    LeaveState& state = leave[id];
    json change = {{"id", id}};
    switch (random() % 3) {
      case 0:
        state.status = state.status == "canceled" ? "approved" : "canceled";
        change["status"] = state.status;
        break;
      case 1:
        state.status = "approved";
        change["status"] = state.status;
        break;
      default:
        // Ends a week earlier, or as first planned again (never overlapping another).
        state.end = state.end == state.first_end ? add_days(state.first_end, -7) : state.first_end;
        change["end"] = state.end;
    }
    admin(fakes.port("bamboohr"), "POST", "/__fake/leave", change);
    changed.insert(id);
    if (random() % 2 == 0 && std::filesystem::exists(copy.database)) {
      SQLite::Database db(copy.database.string(), SQLite::OPEN_READONLY);
      db.setBusyTimeout(5000);
      SQLite::Statement invited(db,
                                "SELECT json_extract(payload, '$.person_id') FROM outbox "
                                "WHERE type = 'invite' ORDER BY id");
      std::vector<std::string> people;
      while (invited.executeStep()) people.push_back(invited.getColumn(0).getString());
      if (!people.empty()) {
        std::string person = people[random() % people.size()];
        Child accept(
            copy.host_args({"command", "--org", "northwind", "accept", "--input",
                            json{{"person_id", person}, {"programme", "return-to-work"}}.dump()}));
        accept.wait_for(std::chrono::seconds(60));  // refused when withdrawn: fine
      }
    }
  };

  // Kill moments: uniform over the length a run takes (the last one that
  // completed; a run killed at t lasts longer than t), so they fall in its
  // sync and in its write-back alike.
  double run_seconds = 1.0;
  int kills = 0, completed = 0, attempts = 0, kills_in_write_back = 0;
  auto write_backs = [&] {
    return admin(fakes.port("bamboohr"), "GET", "/__fake/counts").value("write_backs_received", 0) +
           admin(fakes.port("moodle"), "GET", "/__fake/counts").value("write_backs_received", 0);
  };
  while (kills < wanted_kills && attempts < wanted_kills * 6) {
    ++attempts;
    // Odd runs (the first included, with its burst of invitations) are killed
    // a random moment after their first write-back reaches a fake (a run with
    // nothing to write completes); even runs at a random moment of the run.
    bool aim_at_write_back = attempts % 2 == 1;
    std::uniform_real_distribution<double> moment(0.05, run_seconds * 1.1), after_write(0.0, 0.4);
    double kill_after = aim_at_write_back ? 1e9 : moment(random);
    int writes_before = write_backs();
    Child run(copy.host_args({"run", "--json"}));
    auto started = std::chrono::steady_clock::now();
    auto elapsed = [&] {
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    };
    bool killed = false;
    while (run.running()) {
      if (aim_at_write_back && kill_after > 1e8 && write_backs() > writes_before)
        kill_after = elapsed() + after_write(random);
      if (elapsed() >= kill_after) {
        run.kill();
        killed = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(aim_at_write_back ? 20 : 5));
    }
    ChildResult result = run.wait_for(std::chrono::seconds(120));
    if (killed && result.signal == SIGKILL) {
      ++kills;
      if (!aim_at_write_back) run_seconds = std::max(run_seconds, kill_after * 1.2);
      // Write-backs reached a fake before the kill: it fell in the write-back.
      bool in_write_back = write_backs() > writes_before;
      kills_in_write_back += in_write_back;
      std::cout << "  run " << attempts << ": SIGKILL after " << kill_after << " s"
                << (in_write_back ? " (during write-back)" : "") << std::endl;
    } else {
      ++completed;
      run_seconds = std::max(0.3, result.seconds * 1.1);
      std::cout << "  run " << attempts << ": completed in " << result.seconds << " s, exit "
                << result.exit_code << std::endl;
      ASSERT_NE(result.exit_code, 1) << result.all();
    }
    change_the_world();
  }
  ASSERT_EQ(kills, wanted_kills) << "runs kept ending before their kill";

  ChildResult final_run = copy.run();
  ASSERT_FALSE(final_run.timed_out);
  EXPECT_EQ(final_run.exit_code, 0) << final_run.all();

  // The database.
  EXPECT_EQ(copy.integrity_check(), "ok");

  // Every leave change reflected.
  int stale = 0;
  for (const auto& id : changed) {
    const LeaveState& want = leave[id];
    SQLite::Database db(copy.database.string(), SQLite::OPEN_READONLY);
    SQLite::Statement row(db, "SELECT start_date, expected_end, status FROM leave WHERE id = ?");
    row.bind(1, id);
    if (!row.executeStep()) {
      ADD_FAILURE() << "leave " << id << " was never stored";
      ++stale;
      continue;
    }
    std::string start = row.getColumn(0).getString(), end = row.getColumn(1).getString(),
                status = row.getColumn(2).getString();
    if (start != want.start || end != want.end || status != stored_status(want.status)) {
      ADD_FAILURE() << "leave " << id << ": stored " << start << ".." << end << " " << status
                    << "; BambooHR holds " << want.start << ".." << want.end << " " << want.status;
      ++stale;
    }
  }

  // Every action delivered exactly once: what the fakes hold against the outbox.
  json bamboohr = admin(fakes.port("bamboohr"), "GET", "/__fake/counts");
  json moodle = admin(fakes.port("moodle"), "GET", "/__fake/counts");
  json rows_by_key = bamboohr["tables"]["customMentoring"].value("by_key", json::object());
  std::map<std::string, int> outbox_lines;
  {
    std::ifstream lines(copy.outbox_file);
    for (std::string line; std::getline(lines, line);) {
      json action = json::parse(line, nullptr, false);
      if (action.is_object()) ++outbox_lines[action.value("idempotency_key", std::string())];
    }
  }
  const std::map<std::string, std::string> moodle_course = {{"MENTOR-101", "12"},
                                                            {"RTW-PAIR-01", "13"}};
  int actions = 0, duplicates = 0, lost = 0, pending = 0;
  std::set<std::string> known_keys;
  std::map<std::string, int> enrolments_wanted;  // person/course -> delivered actions
  {
    SQLite::Database db(copy.database.string(), SQLite::OPEN_READONLY);
    SQLite::Statement all(db, "SELECT idempotency_key, type, payload, delivered_at FROM outbox");
    while (all.executeStep()) {
      std::string key = all.getColumn(0).getString(), type = all.getColumn(1).getString();
      json action = json::parse(all.getColumn(2).getString());
      bool delivered = !all.getColumn(3).isNull();
      known_keys.insert(key);
      if (!delivered) {
        ++pending;
        std::cout << "  pending: " << key << std::endl;
        continue;
      }
      ++actions;
      int found = rows_by_key.value(key, 0) + (outbox_lines.contains(key) ? outbox_lines[key] : 0);
      if (type == "enrol_in_course") {
        // Moodle keeps no key: the effect is the person's enrolment in the course.
        std::string course = action["payload"].value("course_id", std::string());
        if (course.empty()) course = action["payload"].value("course", std::string());
        std::string effect = action.value("person_id", std::string()) + "/" +
                             (moodle_course.contains(course) ? moodle_course.at(course) : course);
        ++enrolments_wanted[effect];
        continue;
      }
      if (type == "calendar_event") {
        json p = action["payload"];
        std::string marker =
            p.value("uid", std::string()) + "/" + std::to_string(p.value("sequence", 0));
        found += moodle["events_created_by_marker"].value(marker, 0);
      }
      if (found == 0) {
        ++lost;
        ADD_FAILURE() << "delivered but in no fake: " << key;
      } else if (found > 1) {
        duplicates += found - 1;
        ADD_FAILURE() << key << " reached the fakes " << found << " times";
      }
    }
  }
  for (const auto& [effect, wanted] : enrolments_wanted) {
    int got = moodle["enrolments"].value(effect, 0);
    if (got == 0) {
      lost += wanted;
      ADD_FAILURE() << "enrolment " << effect << " delivered but not in Moodle";
    } else if (got > wanted) {
      duplicates += got - wanted;
      ADD_FAILURE() << "enrolment " << effect << " sent to Moodle " << got << " times for "
                    << wanted << " action(s)";
    }
  }
  // Effects the outbox does not know: an action the database lost after delivering it.
  int orphans = 0;
  for (const auto& [key, n] : rows_by_key.items()) {
    if (!known_keys.contains(key)) {
      ++orphans;
      ADD_FAILURE() << "BambooHR holds a row for " << key << ", which the outbox does not know";
    }
  }
  for (const auto& [key, n] : outbox_lines) {
    if (!known_keys.contains(key)) {
      ++orphans;
      ADD_FAILURE() << "the outbox file holds " << key << ", which the outbox does not know";
    }
  }

  std::printf("kills=%d actions=%d duplicates=%d lost=%d\n", kills, actions, duplicates, lost);
  std::printf(
      "(seed=%u runs completed=%d kills during write-back=%d pending=%d orphans=%d leave "
      "changes=%zu stale=%d)\n",
      seed, completed, kills_in_write_back, pending, orphans, changed.size(), stale);
  std::fflush(stdout);
  EXPECT_GE(kills, 20 > wanted_kills ? wanted_kills : 20);
  EXPECT_GT(actions, 0) << "the harness delivered nothing: it proves nothing";
  EXPECT_EQ(duplicates, 0);
  EXPECT_EQ(lost, 0);
  EXPECT_EQ(orphans, 0);
  EXPECT_EQ(pending, 0) << "the clean run left actions undelivered";
  EXPECT_EQ(stale, 0);
  EXPECT_GT(bamboohr.value("rows_added", 0), 0) << "no write-back reached BambooHR";
}

}  // namespace
}  // namespace mentoring::test
