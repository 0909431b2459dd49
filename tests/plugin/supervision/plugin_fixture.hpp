// The plugin loaded as the host loads it, with an in-memory LMS/HR adapter and
// a store seeded with enrolments and pairs (the enrolment lifecycle's job).
#pragma once

#include <mentoring/fake_host.hpp>
#include <mentoring/loader.hpp>
#include <mentoring/store/org_store.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <functional>

#include "scripted_host_system.hpp"

namespace sessions_test {

using json = nlohmann::json;

using ScriptedLms = mentoring::testing::ScriptedHostSystem;

class SessionsPlugin : public ::testing::Test {
 protected:
  void SetUp() override {
    host.set_today("2027-01-04");
    host.set_organisation("acme");
    for (const char* id : {"MENTOR1", "MENTEE1", "MENTOR2", "MENTEE2"}) {
      lms.people.push_back({{"id", id},
                            {"name", std::string("Person ") + id},
                            {"email", std::string(id) + "@acme.example"}});
    }
    host.add_adapter(
        "lms", {"read_people", "read_course_completions", "write_actions"},
        [this](const std::string& c, const std::string& i) { return lms.handle(c, i); });
  }

  json programme() {
    return {{"id", "rtw"},
            {"name", "Return to work"},
            {"mentee", {{"leave_types", json::array({"maternity"})}}},
            {"training",
             {{"mentor_courses", json::array({"MT-1"})},
              {"valid_for_months", 12},
              {"deadline_days", 30}}},
            {"supervision", {{"every_weeks", 6}, {"for_months", 12}, {"group_size", 8}}},
            {"pair_sessions",
             {{"every_weeks", 4},
              {"first_contact_within_days", 14},
              {"remind_after_days", 1},
              {"escalate_after_days", 7}}}};
  }
  json merged_programme() {
    json p = programme();
    p.update(programme_changes, true);
    return p;
  }
  json config() {
    return {{"id", "acme"},
            {"name", "Acme"},
            {"modules", {{"training", true}, {"supervision", true}}},
            {"policy", {{"timezone", timezone}, {"programme_manager_email", "pm@acme.example"}}},
            {"programmes", json::array({merged_programme()})},
            {"adapters", json::array()}};
  }

  // Writes straight into the organisation's database, as the enrolment
  // lifecycle and pairing would have.
  void seed(const std::function<void(mentoring::store::OrgStore&)>& write) {
    mentoring::store::OrgStore store(host.storage_directory(), "acme");
    write(store);
  }
  std::int64_t seed_pair(
      const std::string& mentee, const std::string& mentor, const std::string& at,
      mentoring::domain::EnrolmentState mentor_state = mentoring::domain::EnrolmentState::paired) {
    using namespace mentoring::domain;
    std::int64_t pair = 0;
    seed([&](mentoring::store::OrgStore& s) {
      for (const auto& id : {mentee, mentor}) {
        Person p;
        p.id = id, p.name = "Person " + id, p.email = id + "@acme.example";
        s.upsert(p);
      }
      Enrolment e;
      e.person_id = mentee, e.programme_id = "rtw", e.role = Role::mentee;
      e.state = EnrolmentState::paired;
      auto mentee_id = s.insert_enrolment(e, at, "test");
      e.person_id = mentor, e.role = Role::mentor, e.state = mentor_state;
      auto mentor_id = s.insert_enrolment(e, at, "test");
      pair = s.insert_pair("rtw", mentee_id, mentor_id, PairState::accepted, at);
    });
    return pair;
  }

  mentoring::host::ModuleInstance plugin() {
    return mentoring::host::ModuleInstance(
        mentoring::host::ModuleLibrary::load(MENTORING_PLUGIN_PATH), host.host(), config().dump());
  }
  json run() { return json::parse(plugin().call("run", "{}")); }
  json call(const std::string& command, const json& input) {
    return json::parse(plugin().call(command, input.dump()));
  }
  // The command as the member of the pair (input's pair_id) or circle (input's
  // mentor_id) with that role, the caller the host authenticated (abi.h call_as).
  json call_as_member(const std::string& role, const std::string& command, const json& input) {
    std::string person = "nobody";
    seed([&](mentoring::store::OrgStore& s) {
      for (const auto& p : s.pairs()) {
        const bool ours = input.contains("pair_id") ? p.id == input["pair_id"].get<std::int64_t>()
                                                    : p.mentor_id == input.value("mentor_id", "");
        if (ours) {
          person = role == "mentor" ? p.mentor_id : p.mentee_id;
          break;
        }
      }
    });
    const json caller = {
        {"organisation", "acme"}, {"role", role}, {"person_id", person}, {"name", person}};
    return json::parse(plugin().call_as(caller.dump(), command, input.dump()));
  }
  void at(const char* day) { host.set_today(day); }

  std::vector<json> pushed(const std::string& type, const std::string& key_prefix = "") const {
    std::vector<json> out;
    for (const auto& a : lms.pushed) {
      if (a["type"] == type && a["idempotency_key"].get<std::string>().rfind(key_prefix, 0) == 0) {
        out.push_back(a);
      }
    }
    return out;
  }

  mentoring::testing::FakeHost host;
  ScriptedLms lms;
  json programme_changes = json::object();  // merged into programme() (eg shape circles)
  std::string timezone = "Europe/London";
};

// What `action` threw (its message), or "(no error)".
inline std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace sessions_test
