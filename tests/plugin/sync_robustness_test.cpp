// A host system that answers garbage: every damaged or mistyped pull answer is
// reported as that adapter's failure or problem, the run goes on, and nothing
// already stored changes (the plugin loaded as the host loads it).
#include <mentoring/fake_host.hpp>
#include <mentoring/loader.hpp>

#include "scripted_host_system.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <random>

using json = nlohmann::json;
using namespace mentoring::host;

namespace {

class GarbleAnswers : public ::testing::Test {
 protected:
  void SetUp() override {
    host.set_today("2026-12-01");
    host.set_organisation("acme");
    hr.people = json::array();
    for (int i = 1; i <= 5; ++i) {
      hr.people.push_back(
          {{"id", "P" + std::to_string(i)}, {"name", "Person " + std::to_string(i)}});
    }
    hr.people_full_read = true;
    host.add_adapter("hr", {"read_people", "read_leave", "write_actions"},
                     [this](const std::string& c, const std::string& i) {
                       std::string answer = hr.handle(c, i);
                       if (c == "pull" && json::parse(i)["stream"] == "people" && garble)
                         return garble(answer);
                       return answer;
                     });
  }
  json run() {
    ModuleInstance plugin(ModuleLibrary::load(MENTORING_PLUGIN_PATH), host.host(),
                          json{{"id", "acme"},
                               {"name", "Acme"},
                               {"modules", {{"enrolment", true}}},
                               {"policy", json::object()},
                               {"programmes", json::array()},
                               {"adapters", json::array()}}
                              .dump());
    return json::parse(plugin.call("run", "{}"));
  }

  mentoring::testing::FakeHost host;
  mentoring::testing::ScriptedHostSystem hr;
  std::function<std::string(const std::string&)> garble;
};

}  // namespace

TEST_F(GarbleAnswers, DamagedAnswersNeverCrashNorChangeWhatIsStored) {
  ASSERT_EQ(run()["totals"]["people"], 5);
  std::mt19937 random(99);
  static const std::string damage[] = {"\"", "{",    "}",    "[",    "]", ",",     ":",
                                       "\\", "\x01", "\xFF", "null", "-", "1e999", "true"};
  int failed = 0, stored = 0;
  long long before = 5;
  for (int round = 0; round < 300; ++round) {
    hr.version = round + 2;  // new content each time, so the people page is read
    hr.people[0]["name"] = "Renamed " + std::to_string(round);
    garble = [&](const std::string& answer) {
      std::string text = answer;
      for (int e = 0; e < 3; ++e) {
        std::size_t at = random() % (text.size() + 1);
        if (random() % 2)
          text.insert(at, damage[random() % std::size(damage)]);
        else if (at < text.size())
          text.erase(at, 1);
      }
      return text;
    };
    json summary = run();
    const json& people = summary["sync"][0];
    ASSERT_EQ(people["stream"], "people");
    long long now = summary["totals"]["people"].get<long long>();
    if (people["status"] == "failed") {
      ++failed;
      EXPECT_NE(people["error"].get<std::string>().find("hr pull people"), std::string::npos)
          << people.dump();
      EXPECT_EQ(now, before) << "a failed page changed the store: " << people.dump();
    } else {
      // A damaged page can still be valid JSON saying something else (an id
      // "P" instead of "P1"): that is stored as said, but a full read may take
      // away at most one of five people at once (policy.absent_share_limit).
      ++stored;
      EXPECT_GE(now, before - 1) << people.dump();
    }
    before = now;
  }
  EXPECT_GT(failed, 100);  // most damage breaks the JSON
}

TEST_F(GarbleAnswers, MistypedFieldsAreReadAsAbsentOrReportedNeverTrusted) {
  run();
  const std::vector<std::function<void(json&)>> mistakes = {
      [](json& a) { a["records"] = json::object(); },
      [](json& a) { a["records"] = "P1"; },
      [](json& a) { a["records"][0] = 7; },
      [](json& a) { a["records"][0]["id"] = 7; },
      [](json& a) { a["next_cursor"] = 12; },
      [](json& a) { a["more"] = "yes"; },
      [](json& a) { a["skipped"] = "many"; },
      [](json& a) { a["full_read"] = "all"; },
      [](json& a) {
        a["full_read"] = {{"id", 3}, {"last_page", true}};
      },
      [](json& a) { a["problems"] = json::object(); },
      [](json& a) { a = json::array(); },
  };
  int round = 0;
  for (const auto& mistake : mistakes) {
    hr.version = 100 + ++round;
    garble = [&](const std::string& answer) {
      json a = json::parse(answer);
      mistake(a);
      return a.dump();
    };
    json summary;
    ASSERT_NO_THROW(summary = run()) << "mistake " << round;
    EXPECT_EQ(summary["totals"]["people"], 5) << "mistake " << round << ": " << summary["sync"][0];
  }
}
