// Delivery over time (the plugin loaded as the host loads it): an adapter that
// refuses, then comes back. Each action goes to its route only, is retried
// with backoff on the host's clock, never marked delivered while failing, dead
// after max_attempts, listed, retried or dropped by HR, and delivered once.
#include <mentoring/fake_host.hpp>
#include <mentoring/loader.hpp>
#include <mentoring/schema.hpp>

#include "hr_records.hpp"
#include "scripted_host_system.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <map>

using json = nlohmann::json;
using namespace mentoring::host;
using namespace std::chrono;

namespace {

json person(const std::string& id) {
  return {{"id", id}, {"name", "Person " + id}};
}
using mentoring::test_support::leave;

// A task system: answers each action as `mode` says and counts what it applied.
struct TaskSystem {
  enum class Mode { refuse, not_handled, unreachable, accept } mode = Mode::refuse;
  std::map<std::string, int> applied;  // idempotency key -> times carried out
  int pushes = 0;
  std::string handle(const std::string& command, const std::string& input) {
    if (command != "push") throw std::runtime_error("tasks: unknown command " + command);
    ++pushes;
    if (mode == Mode::unreachable)
      throw std::runtime_error("POST http://127.0.0.1:1/tasks: Couldn't connect to server");
    json results = json::array();
    const json in = json::parse(input);
    for (const auto& action : in["actions"]) {
      const std::string key = action["idempotency_key"];
      if (mode == Mode::refuse) {
        results.push_back({{"idempotency_key", key},
                           {"status", "failed"},
                           {"message", "tasks: 403 Forbidden: token lacks scope tasks:write"}});
      } else if (mode == Mode::not_handled) {
        results.push_back({{"idempotency_key", key}, {"status", "not_handled"}});
      } else {
        const bool again = applied[key]++ > 0;
        results.push_back({{"idempotency_key", key}, {"status", again ? "duplicate" : "done"}});
      }
    }
    return json{{"results", results}}.dump();
  }
};

class DeliveryOverTime : public ::testing::Test {
 protected:
  void SetUp() override {
    at(minutes{0});
    host.set_organisation("acme");
    hr.people = json::array({person("P1"), person("P4")});
    hr.leave = json::array({leave("L1", "P1", "2027-03-15", "2027-09-14")});
    host.add_adapter(
        "hr", {"read_people", "read_leave"},
        [this](const std::string& c, const std::string& i) { return hr.handle(c, i); });
    host.add_adapter(
        "tasks", {"write_actions", "create_task"},
        [this](const std::string& c, const std::string& i) { return tasks.handle(c, i); });
  }
  // The host's calendar clock, from noon UTC on 2026-12-01.
  void at(minutes since_noon) {
    const sys_seconds noon = sys_days{year{2026} / 12 / 1} + hours{12};
    host.set_now_unix_ms(
        duration_cast<milliseconds>((noon + since_noon).time_since_epoch()).count());
  }
  json config() {
    return {{"id", "acme"},
            {"name", "Acme"},
            {"modules", {{"enrolment", true}}},
            {"policy", policy},
            {"routing", routing},
            {"programmes", json::array({mentoring::schema::parse_file(std::string(PROGRAMMES_DIR) +
                                                                      "/return-to-work.json")})},
            {"adapters", json::array()}};
  }
  json command(const std::string& name, const json& input = json::object()) {
    ModuleInstance plugin(ModuleLibrary::load(MENTORING_PLUGIN_PATH), host.host(), config().dump());
    json answer = json::parse(plugin.call(name, input.dump()));
    if (name != "run" && name != "check") {
      auto problems = mentoring::schema::validate("commands/" + name + ".output", answer, name);
      EXPECT_TRUE(problems.empty()) << name << ": " << problems.front().message();
    }
    return answer;
  }
  json run() { return command("run")["actions"]; }

  mentoring::testing::FakeHost host;
  mentoring::testing::ScriptedHostSystem hr;
  TaskSystem tasks;
  json policy = json::object();
  json routing = json::object();
};

const std::string kInvite = "invite/acme/return-to-work/P1/L1";

}  // namespace

TEST_F(DeliveryOverTime, ARefusedActionIsRetriedWithBackoffThenDeadThenRetriedByHrOnce) {
  // Attempts at 0, 15, 45, 105, 225 and 465 minutes (15 doubling); the sixth is the last.
  const int attempt_at[] = {0, 15, 45, 105, 225, 465};
  for (int n = 0; n < 6; ++n) {
    if (n > 0) {
      at(minutes{attempt_at[n] - 1});  // a minute early: not tried
      const int pushes = tasks.pushes;
      json early = run();
      EXPECT_EQ(tasks.pushes, pushes) << "tried before its backoff ran out, attempt " << n + 1;
      EXPECT_EQ(early["failed"], 0);
      EXPECT_EQ(early["retrying"], 1);
      EXPECT_EQ(early["pending"], 1);
    }
    at(minutes{attempt_at[n]});
    json actions = run();
    EXPECT_EQ(tasks.pushes, n + 1);
    EXPECT_EQ(actions["delivered"], 0);
    EXPECT_EQ(actions["failed"], 1) << actions.dump(2);
    const std::string errors = actions["errors"].dump();
    EXPECT_NE(errors.find("403 Forbidden: token lacks scope tasks:write"), std::string::npos)
        << errors;
    if (n < 5) {
      EXPECT_EQ(actions["pending"], 1);
      EXPECT_EQ(actions["retrying"], 1);
      EXPECT_EQ(actions["dead_letters"], 0);
      json pending = command("actions", {{"state", "pending"}});
      ASSERT_EQ(pending["actions"].size(), 1u);
      EXPECT_EQ(pending["actions"][0]["attempts"], n + 1);
      EXPECT_EQ(pending["actions"][0]["target"], "tasks");
      EXPECT_EQ(pending["actions"][0]["last_error"],
                "tasks: 403 Forbidden: token lacks scope tasks:write");
    } else {
      EXPECT_EQ(actions["pending"], 0);
      EXPECT_EQ(actions["dead_letters"], 1);
      ASSERT_EQ(actions["dead"].size(), 1u);
      EXPECT_EQ(actions["dead"][0],
                (json{{"idempotency_key", kInvite},
                      {"kind", "invite"},
                      {"target", "tasks"},
                      {"attempts", 6},
                      {"last_error", "tasks: 403 Forbidden: token lacks scope tasks:write"}}));
    }
    EXPECT_EQ(command("actions", {{"state", "delivered"}})["total"], 0)
        << "marked delivered while failing";
  }
  // Dead: not tried again, not even days later, though the adapter is back.
  tasks.mode = TaskSystem::Mode::accept;
  at(hours{72});
  json later = run();
  EXPECT_EQ(tasks.pushes, 6);
  EXPECT_EQ(later["dead_letters"], 1);
  EXPECT_EQ(later["failed"], 0);
  json dead = command("actions", {{"state", "dead"}});
  EXPECT_EQ(dead["total"], 1);
  ASSERT_EQ(dead["actions"].size(), 1u);
  EXPECT_EQ(dead["actions"][0]["idempotency_key"], kInvite);
  EXPECT_FALSE(dead["actions"][0]["dead_at"].is_null());

  // HR retries it: back to pending, delivered on the next run, exactly once.
  json retried = command("action_retry", {{"idempotency_key", kInvite}});
  EXPECT_EQ(retried["was"], "dead");
  EXPECT_EQ(command("actions", {{"state", "pending"}})["actions"][0]["attempts"], 0);
  json delivered = run();
  EXPECT_EQ(delivered["delivered"], 1);
  EXPECT_EQ(delivered["dead_letters"], 0);
  EXPECT_EQ(delivered["pending"], 0);
  at(hours{96});
  run();
  EXPECT_EQ(tasks.applied[kInvite], 1);
  EXPECT_EQ(tasks.pushes, 7);
  EXPECT_EQ(command("actions", {{"state", "delivered"}})["actions"][0]["idempotency_key"], kInvite);
  // Delivered: neither retried nor dropped any more.
  EXPECT_THROW(command("action_retry", {{"idempotency_key", kInvite}}), CallError);
  EXPECT_THROW(command("action_drop", {{"idempotency_key", kInvite}, {"reason", "late"}}),
               CallError);
}

TEST_F(DeliveryOverTime, ADroppedActionIsNeverDelivered) {
  policy["delivery"] = {{"max_attempts", 2}, {"retry_after_minutes", 60}};
  run();  // refused once: pending, next attempt in an hour
  json dropped =
      command("action_drop", {{"idempotency_key", kInvite}, {"reason", "person asked us not to"}});
  EXPECT_EQ(dropped["was"], "pending");
  tasks.mode = TaskSystem::Mode::accept;
  for (int day = 1; day <= 3; ++day) {
    at(hours{24 * day});
    json actions = run();
    EXPECT_EQ(actions["pending"], 0);
    EXPECT_EQ(actions["dead_letters"], 0);
  }
  EXPECT_EQ(tasks.pushes, 1);
  EXPECT_EQ(tasks.applied.count(kInvite), 0u);
  json listed = command("actions", {{"state", "dropped"}});
  ASSERT_EQ(listed["actions"].size(), 1u);
  EXPECT_EQ(listed["actions"][0]["dropped_reason"], "person asked us not to");
  try {
    command("action_retry", {{"idempotency_key", kInvite}});
    ADD_FAILURE() << "a dropped action was retried";
  } catch (const CallError& e) {
    EXPECT_NE(std::string(e.what()).find("is dropped"), std::string::npos) << e.what();
  }
  try {
    command("action_retry", {{"idempotency_key", "invite/acme/nobody"}});
    ADD_FAILURE() << "an unknown key was accepted";
  } catch (const CallError& e) {
    EXPECT_NE(std::string(e.what()).find("invite/acme/nobody"), std::string::npos) << e.what();
  }
}

TEST_F(DeliveryOverTime, APushThatFailsAsAWholeIsAFailedAttemptForEveryActionOfItsBatch) {
  hr.leave.push_back(leave("L4", "P4", "2027-04-01", "2027-10-01"));
  tasks.mode = TaskSystem::Mode::unreachable;
  json actions = run();
  EXPECT_EQ(actions["failed"], 2) << actions.dump(2);
  EXPECT_EQ(actions["pending"], 2);
  EXPECT_EQ(actions["retrying"], 2);
  EXPECT_NE(actions["errors"].dump().find("Couldn't connect to server"), std::string::npos);
  json pending = command("actions");
  ASSERT_EQ(pending["actions"].size(), 2u);
  for (const auto& a : pending["actions"]) {
    EXPECT_EQ(a["attempts"], 1);
    EXPECT_NE(a["last_error"].get<std::string>().find("Couldn't connect"), std::string::npos);
    EXPECT_EQ(a["next_attempt_at"], "2026-12-01T12:15:00Z");
  }
  // Paged.
  json first = command("actions", {{"limit", 1}});
  ASSERT_EQ(first["actions"].size(), 1u);
  EXPECT_EQ(first["total"], 2);
  json second = command("actions", {{"limit", 1}, {"after", first["next"]}});
  ASSERT_EQ(second["actions"].size(), 1u);
  EXPECT_NE(second["actions"][0]["id"], first["actions"][0]["id"]);
  EXPECT_TRUE(second["next"].is_null());
}

TEST_F(DeliveryOverTime, NotHandledByTheRouteIsAFailureAndNeverFallsThroughToAnotherAdapter) {
  mentoring::testing::ScriptedHostSystem outbox;  // a general writer, listed too
  host.add_adapter("outbox", {"write_actions"},
                   [&](const std::string& c, const std::string& i) { return outbox.handle(c, i); });
  routing = {{"*", "outbox"}};
  tasks.mode = TaskSystem::Mode::not_handled;
  json actions = run();
  EXPECT_EQ(actions["failed"], 1) << actions.dump(2);
  EXPECT_EQ(actions["delivered"], 0);
  EXPECT_TRUE(outbox.pushed.empty()) << "the outbox got an action routed to tasks";
  EXPECT_NE(actions["errors"].dump().find("not set up to carry out \\\"invite\\\""),
            std::string::npos)
      << actions["errors"].dump();
  EXPECT_NE(command("actions")["actions"][0]["last_error"].get<std::string>().find("not_handled"),
            std::string::npos);
}

TEST_F(DeliveryOverTime, CheckShowsTheRoutingTable) {
  json check = command("check");
  std::map<std::string, json> by_kind;
  for (const auto& row : check["routing"]) by_kind[row["kind"]] = row;
  EXPECT_EQ(by_kind.size(), 8u) << check["routing"].dump(2);
  EXPECT_EQ(by_kind["invite"]["adapter"], "tasks");
  EXPECT_EQ(by_kind["invite"]["why"], "declared");
  EXPECT_TRUE(by_kind["enrol_in_course"]["adapter"].is_null());
  EXPECT_EQ(by_kind["enrol_in_course"]["why"], "unrouted");
}

TEST_F(DeliveryOverTime, ARoutingProblemIsAConfigErrorNamingOrganisationKindAndAdapters) {
  host.add_adapter(
      "tasks2", {"write_actions", "create_task"},
      [this](const std::string& c, const std::string& i) { return tasks.handle(c, i); });
  try {
    run();
    ADD_FAILURE() << "two adapters declare invite and routing names neither";
  } catch (const CallError& e) {
    EXPECT_EQ(e.status(), MENTORING_ERR_INVALID_INPUT);
    const std::string message = e.what();
    EXPECT_NE(message.find("organisation acme"), std::string::npos) << message;
    EXPECT_NE(message.find("\"invite\""), std::string::npos) << message;
    EXPECT_NE(message.find("tasks, tasks2"), std::string::npos) << message;
  }
  routing = {{"invite", "tasks2"},
             {"withdraw_invitation", "tasks2"},
             {"reminder", "tasks2"},
             {"notify", "tasks2"},
             {"task", "tasks2"}};
  EXPECT_EQ(run()["failed"], 1);
  routing = {{"invite", "lms"}};
  EXPECT_THROW(run(), CallError);
}

TEST_F(DeliveryOverTime, AKindNoAdapterCarriesWaitsUntriedAndIsReported) {
  // tasks no longer declares invitations; two general writers, no routing: unrouted.
  host.add_adapter("tasks", {"write_actions"}, [this](const std::string& c, const std::string& i) {
    return tasks.handle(c, i);
  });
  mentoring::testing::ScriptedHostSystem outbox;
  host.add_adapter("outbox", {"write_actions"},
                   [&](const std::string& c, const std::string& i) { return outbox.handle(c, i); });
  json actions = run();
  EXPECT_EQ(actions["pending"], 1);
  EXPECT_EQ(actions["failed"], 0);
  EXPECT_EQ(actions["retrying"], 0);
  EXPECT_EQ(tasks.pushes, 0);
  EXPECT_TRUE(outbox.pushed.empty());
  EXPECT_NE(actions["errors"].dump().find("\\\"invite\\\" actions wait in the outbox: no adapter "
                                          "carries them"),
            std::string::npos)
      << actions["errors"].dump();
  // Routing names one: delivered on the next run.
  routing = {{"*", "outbox"}};
  EXPECT_EQ(run()["delivered"], 1);
  ASSERT_EQ(outbox.pushed.size(), 1u);
  EXPECT_EQ(tasks.pushes, 0);
}
