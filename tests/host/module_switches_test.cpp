// Module switches decide which commands answer: every command the plugin knows,
// with each module switched off in turn, loaded as the host loads it.
#include <mentoring/fake_host.hpp>
#include <mentoring/loader.hpp>
#include <mentoring/schema.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

using json = nlohmann::json;
using mentoring::host::CallError;
using mentoring::host::ModuleInstance;
using mentoring::host::ModuleLibrary;

namespace {

const std::vector<std::string> kSwitchable = {"enrolment",   "training",   "pairing",
                                              "supervision", "evaluation", "return_to_work"};

std::string switched_off(const std::string& command, const std::string& module) {
  return "organisation acme: command \"" + command + "\" belongs to the " + module +
         " module, which is switched off (modules." + module + " in the organisation config)";
}

class ModuleSwitches : public ::testing::Test {
 protected:
  void SetUp() override {
    host.set_today("2026-12-01");
    host.set_organisation("acme");
  }

  json config(const std::set<std::string>& off) const {
    json modules = json::object();
    for (const auto& m : kSwitchable) modules[m] = off.count(m) == 0;
    return {{"id", "acme"},
            {"name", "Acme"},
            {"modules", modules},
            {"programmes", json::array({mentoring::schema::parse_file(std::string(PROGRAMMES_DIR) +
                                                                      "/return-to-work.json")})},
            {"adapters", json::array()}};
  }

  // The command's refusal for a module switched off, or nullopt when it was
  // not refused for that (it answered, or failed for another reason).
  std::optional<CallError> call(const std::set<std::string>& off, const std::string& command,
                                const std::string& input = "{}") {
    ModuleInstance plugin(library, host.host(), config(off).dump());
    try {
      plugin.call(command, input);
    } catch (const CallError& e) {
      return e;
    }
    return std::nullopt;
  }

  // Every command the plugin knows, as its unknown-command message lists them.
  std::vector<std::string> every_command() {
    auto refused = call({}, "no_such_command");
    EXPECT_TRUE(refused && refused->status() == MENTORING_ERR_UNKNOWN_COMMAND);
    if (!refused) return {};
    std::string list = refused->what();
    const std::string marker = "expected one of: ";
    list = list.substr(list.find(marker) + marker.size());
    std::vector<std::string> names;
    for (std::size_t at = 0; at <= list.size();) {
      std::size_t comma = list.find(", ", at);
      std::string name =
          list.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
      if (name != "check" && name != "run") names.push_back(name);
      if (comma == std::string::npos) break;
      at = comma + 2;
    }
    return names;
  }

  mentoring::testing::FakeHost host;
  std::shared_ptr<ModuleLibrary> library = ModuleLibrary::load(MENTORING_PLUGIN_PATH);
};

bool refused_as_switched_off(const std::optional<CallError>& e) {
  return e && std::string(e->what()).find("which is switched off") != std::string::npos;
}

}  // namespace

// Each command × each module off: a command is refused exactly when its own
// module is off, with the exact words and exit 2's status; sync, delivery and
// privacy commands always answer.
TEST_F(ModuleSwitches, EveryCommandIsRefusedExactlyWhenItsModuleIsOff) {
  const auto commands = every_command();
  ASSERT_GT(commands.size(), 20u);
  std::map<std::string, std::string> owner;  // command -> the module whose switch refused it
  for (const auto& module : kSwitchable) {
    for (const auto& command : commands) {
      auto e = call({module}, command);
      if (!refused_as_switched_off(e)) continue;
      EXPECT_EQ(e->status(), MENTORING_ERR_INVALID_INPUT) << command;
      EXPECT_EQ(std::string(e->what()), switched_off(command, module));
      EXPECT_EQ(owner.count(command), 0u) << command << " refused by two switches";
      owner[command] = module;
    }
  }
  // All on: nothing refused as switched off.
  for (const auto& command : commands)
    EXPECT_FALSE(refused_as_switched_off(call({}, command))) << command;
  // All off: exactly the commands with a module are refused, each naming its own.
  const std::set<std::string> all(kSwitchable.begin(), kSwitchable.end());
  std::set<std::string> always_on;
  for (const auto& command : commands) {
    auto e = call(all, command);
    if (owner.count(command)) {
      ASSERT_TRUE(refused_as_switched_off(e)) << command;
      EXPECT_EQ(std::string(e->what()), switched_off(command, owner[command]));
    } else {
      EXPECT_FALSE(refused_as_switched_off(e)) << command;
      always_on.insert(command);
    }
  }
  EXPECT_EQ(always_on,
            (std::set<std::string>{"quarantine", "actions", "action_retry", "action_drop",
                                   "audit_log", "subject_export", "subject_erase", "link_open",
                                   "link_act"}));
  // Some owners as the runners have them.
  EXPECT_EQ(owner["kickoff_schedule"], "supervision");
  EXPECT_EQ(owner["session_record"], "supervision");
  EXPECT_EQ(owner["evaluation_report"], "evaluation");
  EXPECT_EQ(owner["evaluation_answer"], "evaluation");
  EXPECT_EQ(owner["training_rates"], "training");
  EXPECT_EQ(owner["pairing_proposals"], "pairing");
  EXPECT_EQ(owner["withdraw"], "enrolment");
  EXPECT_EQ(owner["history"], "enrolment");
}

// The refusal comes before anything else: even an input the command would
// refuse, or a person nobody has, is answered with the switch.
TEST_F(ModuleSwitches, TheSwitchIsCheckedBeforeTheInput) {
  auto e = call({"supervision"}, "kickoff_schedule", R"({"date":"not a date","x":1})");
  ASSERT_TRUE(e);
  EXPECT_EQ(std::string(e->what()), switched_off("kickoff_schedule", "supervision"));
  e = call({"enrolment"}, "history", R"({"person_id":"NOBODY"})");
  ASSERT_TRUE(e);
  EXPECT_EQ(std::string(e->what()), switched_off("history", "enrolment"));
}

TEST_F(ModuleSwitches, AnUnknownCommandIsUnknownWhateverIsSwitchedOff) {
  auto e = call({"enrolment", "evaluation"}, "frobnicate");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->status(), MENTORING_ERR_UNKNOWN_COMMAND);
  EXPECT_NE(std::string(e->what()).find("unknown command \"frobnicate\""), std::string::npos);
}

// Input that is not JSON is the caller's bad input (INVALID_INPUT: exit 2),
// never a failure of the plugin, and its message names the position.
TEST_F(ModuleSwitches, InputThatIsNotJsonIsBadInputNamingThePosition) {
  auto e = call({}, "history", "{bad");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->status(), MENTORING_ERR_INVALID_INPUT);
  const std::string message = e->what();
  EXPECT_NE(message.find("bad input: history input:1:2"), std::string::npos) << message;
  EXPECT_EQ(message.find("configuration"), std::string::npos) << message;
}

// A run reports every module switched off as such, and runs none of them.
TEST_F(ModuleSwitches, ARunWithAModuleOffSaysSoAndRunsTheOthers) {
  ModuleInstance plugin(library, host.host(), config({"supervision", "return_to_work"}).dump());
  json summary = json::parse(plugin.call("run", "{}"));
  EXPECT_EQ(summary["modules"]["supervision"], json({{"enabled", false}}));
  for (const char* on : {"enrolment", "training", "pairing", "evaluation"})
    EXPECT_EQ(summary["modules"][on]["status"], "ran") << on;
}
