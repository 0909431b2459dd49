// One writer per organisation (issue 12): two `mentoring-host run`s and a
// writing command started together on one fresh copy of the demo, 20 times.
// Every invitation a single run writes is in the outbox exactly once, no
// process meets "database is locked" or a migration race, and the one that
// waited or gave way says so.
#include <mentoring/host/org_lock.hpp>

#include "demo_copy.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <thread>

namespace fs = std::filesystem;
using json = nlohmann::json;
using mentoring::host::OrganisationLock;
using mentoring::test::CommandResult;

namespace {

constexpr int kTrials = 20;
const char* const kOrganisations[] = {"northwind", "riverside"};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// idempotency key -> how many lines of the outbox file carry it
std::map<std::string, int> lines_per_key(const fs::path& outbox) {
  std::map<std::string, int> out;
  std::ifstream in(outbox);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    ++out[json::parse(line).at("idempotency_key").get<std::string>()];
  }
  return out;
}

// What none of the processes may ever say.
void expect_no_store_race(const CommandResult& r, const std::string& who) {
  for (const char* words :
       {"database is locked", "already exists", "duplicate column", "store error", "SQLite code"}) {
    EXPECT_FALSE(contains(r.output, words)) << who << " said \"" << words << "\":\n" << r.output;
  }
}

class OneWriter : public mentoring::test::DemoCopy {};

}  // namespace

TEST_F(OneWriter, TwoRunsAndACommandAtOnceWriteEveryActionExactlyOnce) {
  // What a single run writes, on its own.
  auto single = host("run --json");
  ASSERT_EQ(single.exit_code, 0) << single.output;
  std::map<std::string, std::set<std::string>> expected;
  for (const char* org : kOrganisations) {
    for (const auto& [key, n] : lines_per_key(state / org / "outbox.jsonl")) {
      ASSERT_EQ(n, 1) << key;
      expected[org].insert(key);
    }
    ASSERT_FALSE(expected[org].empty()) << org;
  }
  // The command withdraws one of northwind's invitations: it writes to the
  // store, and refuses when it comes before any run has synced the person.
  json invitation;
  {
    std::ifstream in(state / "northwind" / "outbox.jsonl");
    for (std::string line; std::getline(in, line);) {
      json action = json::parse(line);
      if (action["type"] == "invite") {
        invitation = action;
        break;
      }
    }
  }
  ASSERT_TRUE(invitation.is_object()) << "no invite in northwind's outbox";
  const std::string withdraw = "command --org northwind withdraw --input '" +
                               json{{"person_id", invitation["person_id"]},
                                    {"programme", invitation["programme_id"]},
                                    {"reason", "concurrency test"}}
                                   .dump() +
                               "'";

  int waited = 0, gave_way = 0, withdrawn = 0;
  for (int trial = 0; trial < kTrials; ++trial) {
    SCOPED_TRACE("trial " + std::to_string(trial));
    fs::remove_all(state);
    // Odd trials: this test holds northwind's lock while all three start, so
    // each must wait for it; the second run, told to wait no time, gives way.
    const bool held = trial % 2 == 1;
    std::optional<OrganisationLock> lock;
    if (held) {
      lock = OrganisationLock::acquire("northwind", state / "northwind", std::chrono::seconds(0),
                                       "concurrency test");
    }
    const std::string tag = "trial-" + std::to_string(trial);
    auto first = start("run", tag + "-first.out");
    auto second = start(held ? "run --lock-wait 0" : "run", tag + "-second.out");
    auto command = start(withdraw, tag + "-command.out");
    std::optional<CommandResult> gave_way_result;
    if (held) {
      // The second run gives way at once; released once it has and the first
      // run and the command are seen waiting for it.
      gave_way_result = second.wait();
      const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
      auto waiting = [](const mentoring::test::StartedHost& h) {
        return contains(mentoring::test::read_file(h.output), "holds this organisation's lock");
      };
      while (!(waiting(first) && waiting(command)) && std::chrono::steady_clock::now() < give_up) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      lock.reset();
    }
    CommandResult results[] = {first.wait(), held ? *gave_way_result : second.wait(),
                               command.wait()};
    const char* names[] = {"first run", "second run", "withdraw command"};
    for (int i = 0; i < 3; ++i) expect_no_store_race(results[i], names[i]);

    EXPECT_EQ(results[0].exit_code, 0) << results[0].output;
    if (held) {
      // Gave way: busy, naming the organisation and who held it.
      EXPECT_EQ(results[1].exit_code, 8) << results[1].output;
      EXPECT_TRUE(contains(results[1].output, "BUSY: organisation northwind is busy"))
          << results[1].output;
      EXPECT_TRUE(contains(results[1].output, "pid " + std::to_string(::getpid())))
          << results[1].output;
      ++gave_way;
    } else {
      EXPECT_EQ(results[1].exit_code, 0) << results[1].output;
    }
    for (int i = 0; i < 3; ++i) {
      // Whoever found the lock taken waited and says for whom; whoever waited went on.
      bool found_taken = contains(results[i].output, "holds this organisation's lock");
      bool went_on = contains(results[i].output, "for the organisation's lock, held by");
      if (results[i].exit_code == 8) continue;
      EXPECT_EQ(found_taken, went_on) << names[i] << ":\n" << results[i].output;
      if (held) {
        EXPECT_TRUE(went_on) << names[i] << " did not wait:\n" << results[i].output;
      }
      waited += went_on;
    }
    // The command either withdrew the invitation or, run before any sync,
    // refused for want of the person; nothing else.
    const CommandResult& c = results[2];
    if (c.exit_code == 0) {
      ++withdrawn;
    } else {
      EXPECT_TRUE(contains(c.output, invitation["person_id"].get<std::string>())) << c.output;
    }

    for (const char* org : kOrganisations) {
      auto written = lines_per_key(state / org / "outbox.jsonl");
      for (const auto& [key, n] : written) {
        EXPECT_EQ(n, 1) << org << ": " << key << " written " << n << " times";
        if (!expected[org].count(key)) {
          // Only what the withdrawal causes (its own action, the next person
          // in line invited) comes on top of what a single run writes.
          EXPECT_TRUE(c.exit_code == 0 && std::string(org) == "northwind")
              << org << ": " << key << "\nwithdraw command:\n"
              << c.output;
        }
      }
      for (const auto& key : expected[org]) {
        EXPECT_EQ(written.count(key), 1u) << org << ": lost " << key;
      }
    }
  }
  EXPECT_EQ(gave_way, kTrials / 2);
  EXPECT_GE(waited, kTrials / 2 * 2) << "in held trials, the first run and the command wait";
  std::printf("one-writer trials=%d waited=%d gave_way=%d withdrawn=%d\n", kTrials, waited,
              gave_way, withdrawn);
}
