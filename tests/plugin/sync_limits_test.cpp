// The pull loop's limits (plugin/sync): an adapter that answers the same cursor
// twice stops its stream at once, as that adapter's failure naming the stream
// and the cursor, and nothing of the looping page is stored nor a full read
// finished; at most policy.sync.max_pages_per_stream pages per stream per run.
#include <mentoring/fake_host.hpp>
#include <mentoring/loader.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using json = nlohmann::json;
using namespace mentoring::host;

namespace {

json person(int i) {
  return {{"id", "P" + std::to_string(i)}, {"name", "Person " + std::to_string(i)}};
}

class SyncLimits : public ::testing::Test {
 protected:
  void SetUp() override {
    host.set_today("2026-12-01");
    host.set_organisation("acme");
    host.add_adapter("hr", {"read_people"},
                     [this](const std::string& command, const std::string& input) -> std::string {
                       if (command != "pull") return R"({"ok":true,"capabilities":[]})";
                       json in = json::parse(input);
                       if (in["stream"] != "people")
                         return R"({"records":[],"next_cursor":null,"more":false})";
                       // Today's loop would page a looping adapter 100,000 times: fail long before.
                       if (++pulls > 50) throw std::runtime_error("paged more than 50 times");
                       return page(in["cursor"]).dump();
                     });
  }

  json run(json policy = json::object()) {
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

  static const json& people_stream(const json& summary) {
    for (const auto& s : summary["sync"])
      if (s["stream"] == "people") return s;
    throw std::runtime_error("no people stream in " + summary.dump());
  }

  mentoring::testing::FakeHost host;
  std::function<json(const json& cursor)> page;
  int pulls = 0;
};

}  // namespace

TEST_F(SyncLimits, ACursorAnsweredTwiceStopsTheStreamAndStoresNothingOfThatPage) {
  // First a complete full read of five people.
  page = [](const json&) {
    json records = json::array();
    for (int i = 1; i <= 5; ++i) records.push_back(person(i));
    return json{{"records", records},
                {"next_cursor", "done-1"},
                {"more", false},
                {"full_read", {{"id", "read-1"}, {"last_page", true}}}};
  };
  ASSERT_EQ(run()["totals"]["people"], 5);

  // The next full read lists four of them, then answers its own cursor again.
  pulls = 0;
  page = [](const json& cursor) {
    json records = json::array();
    if (cursor == "done-1") {
      for (int i = 1; i <= 4; ++i) records.push_back(person(i));
    } else {
      records.push_back(person(6));
    }
    return json{{"records", records},
                {"next_cursor", "page-2"},
                {"more", true},
                {"full_read", {{"id", "read-2"}, {"last_page", cursor != "done-1"}}}};
  };
  json summary = run();
  const json& people = people_stream(summary);
  EXPECT_EQ(pulls, 2) << "the loop is noticed on the second page";
  EXPECT_EQ(people["status"], "failed") << people.dump();
  const std::string error = people.value("error", "");
  EXPECT_NE(error.find("hr pull people: page 2 answered the cursor \"page-2\" a second time"),
            std::string::npos)
      << error;
  EXPECT_EQ(summary["adapter_failures"], 1);
  EXPECT_EQ(summary["totals"]["people"], 5) << "nothing of the looping page is stored";
  EXPECT_FALSE(people.contains("absent")) << "a full read that did not finish marks nobody absent";

  // A cursor answered twice in a row (next_cursor == the cursor sent) too.
  pulls = 0;
  page = [](const json& cursor) {
    return json{{"records", json::array({person(7)})}, {"next_cursor", cursor}, {"more", true}};
  };
  json again = people_stream(run());
  EXPECT_EQ(pulls, 1);
  EXPECT_NE(again.value("error", "").find("answered the cursor \"page-2\""), std::string::npos)
      << again.dump();
}

TEST_F(SyncLimits, ANullCursorWithMoreToComeIsALoopToo) {
  page = [](const json&) {
    return json{{"records", json::array({person(1)})}, {"next_cursor", nullptr}, {"more", true}};
  };
  const json people = people_stream(run());
  EXPECT_EQ(pulls, 1);
  EXPECT_NE(people.value("error", "").find("answered the cursor null"), std::string::npos)
      << people.dump();
}

TEST_F(SyncLimits, AtMostMaxPagesPerStreamPagesAreReadPerRunAndTheNextRunGoesOn) {
  // A host that always has one more page, each with a new cursor.
  page = [](const json& cursor) {
    int n = cursor.is_string() ? std::stoi(cursor.get<std::string>().substr(1)) : 0;
    return json{{"records", json::array({person(n + 1)})},
                {"next_cursor", "c" + std::to_string(n + 1)},
                {"more", true}};
  };
  const json policy = {{"sync", {{"max_pages_per_stream", 3}}}};
  json summary = run(policy);
  const json& people = people_stream(summary);
  EXPECT_EQ(pulls, 3);
  EXPECT_EQ(people["status"], "failed");
  EXPECT_EQ(
      people.value("error", "")
          .rfind(
              "limit policy.sync.max_pages_per_stream = 3: found more pages of hr people after 3",
              0),
      0u)
      << people.dump();
  EXPECT_EQ(summary["adapter_failures"], 1);
  EXPECT_EQ(summary["totals"]["people"], 3) << "what was read is kept";
  pulls = 0;
  EXPECT_EQ(run(policy)["totals"]["people"], 6) << "the next run goes on from the stored cursor";
  EXPECT_EQ(pulls, 3);
}
