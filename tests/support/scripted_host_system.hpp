// An in-memory host system (HR + LMS) behind the adapter protocol, for tests of
// the loaded plugin with mentoring::testing::FakeHost: records per stream, a
// version that serves as the cursor (bump it after changing records), optional
// problems that make the leave page malformed, and every action pushed.
//
//   ScriptedHostSystem hr;
//   hr.people.push_back({{"id", "P1"}, {"name", "Ann"}});
//   host.add_adapter("hr", {"read_people", "read_leave", "write_actions"},
//                    [&](auto& c, auto& i) { return hr.handle(c, i); });
#pragma once

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>
#include <vector>

namespace mentoring::testing {

struct ScriptedHostSystem {
  using json = nlohmann::json;

  json people = json::array();
  json leave = json::array();
  json completions = json::array();
  json kit_days = json::array();  // the keeping_in_touch_days stream
  json leave_problems = json::array();
  int version = 1;
  // People pages say they are a full read (one read per version).
  bool people_full_read = false;
  // push answers "not_handled" for every action (an instance not set up to write).
  bool push_not_handled = false;
  std::vector<json> pushed;

  std::string handle(const std::string& command, const std::string& input) {
    json in = json::parse(input);
    if (command == "pull") {
      std::string stream = in["stream"];
      std::string cursor = "v" + std::to_string(version);
      if (in["cursor"] == cursor) {
        return json{{"records", json::array()}, {"next_cursor", cursor}, {"unchanged", true}}
            .dump();
      }
      if (stream == "leave" && !leave_problems.empty()) {
        return json{
            {"records", json::array()}, {"next_cursor", in["cursor"]}, {"problems", leave_problems}}
            .dump();
      }
      const json& records = stream == "people"                  ? people
                            : stream == "leave"                 ? leave
                            : stream == "keeping_in_touch_days" ? kit_days
                                                                : completions;
      json answer = {{"records", records}, {"next_cursor", cursor}, {"more", false}};
      if (stream == "people" && people_full_read)
        answer["full_read"] = {{"id", cursor}, {"last_page", true}};
      return answer.dump();
    }
    if (command == "push") {
      json results = json::array();
      for (const auto& action : in["actions"]) {
        if (push_not_handled) {
          results.push_back(
              {{"idempotency_key", action["idempotency_key"]}, {"status", "not_handled"}});
          continue;
        }
        pushed.push_back(action);
        results.push_back({{"idempotency_key", action["idempotency_key"]}, {"status", "done"}});
      }
      return json{{"results", results}}.dump();
    }
    throw std::runtime_error("scripted host system: unknown command " + command);
  }
};

}  // namespace mentoring::testing
