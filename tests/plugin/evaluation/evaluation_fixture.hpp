// The plugin loaded as the host loads it, with a write-only host system and a
// store seeded with people, leave, enrolments and pairs (what enrolment and
// pairing would have recorded).
#pragma once

#include <mentoring/fake_host.hpp>
#include <mentoring/loader.hpp>
#include <mentoring/schema.hpp>
#include <mentoring/store/org_store.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <memory>

#include "scripted_host_system.hpp"

namespace evaluation_test {

using json = nlohmann::json;
using namespace mentoring::domain;

// Surveys: "mid" for both roles 90 days after pairing, "back" for mentees 8
// weeks after return (weeks to full productivity), "end" for mentors at the end.
inline json test_programme() {
  return {
      {"id", "rtw"},
      {"name", "Return to work"},
      {"mentee", {{"leave_types", json::array({"maternity", "adoption"})}}},
      {"evaluation",
       {{"surveys",
         json::array(
             {{{"id", "mid"},
               {"name", "Mid-programme"},
               {"who", "both"},
               {"due", {{"anchor", "pairing"}, {"offset_days", 90}}},
               {"questions",
                json::array(
                    {{{"id", "useful"}, {"text", "How useful?"}, {"kind", "scale_1_5"}},
                     {{"id", "enough"}, {"text", "Often enough?"}, {"kind", "yes_no"}},
                     {{"id", "improve"}, {"text", "What to improve?"}, {"kind", "text"}}})}},
              {{"id", "back"},
               {"name", "Back at work"},
               {"who", "mentees"},
               {"due", {{"anchor", "return"}, {"offset_days", 56}}},
               {"questions",
                json::array({{{"id", "weeks"},
                              {"text", "Weeks to full productivity?"},
                              {"kind", "number"},
                              {"measures", "weeks_to_full_productivity"}},
                             {{"id", "helped"},
                              {"text", "What helped most?"},
                              {"kind", "choice"},
                              {"options", json::array({"planning", "contact", "networks"})}}})}},
              {{"id", "end"},
               {"name", "End of programme"},
               {"who", "mentors"},
               {"due", {{"anchor", "end"}, {"offset_days", 0}}},
               {"questions", json::array({{{"id", "again"},
                                           {"text", "Would you mentor again?"},
                                           {"kind", "yes_no"}}})}}})}}}};
}

class EvaluationPlugin : public ::testing::Test {
 protected:
  json programme = test_programme();  // a test may change it before its first run
  void SetUp() override {
    host.set_today("2027-01-04");
    host.set_organisation("acme");
    host.add_adapter(
        "hr", {"read_people", "write_actions"},
        [this](const std::string& c, const std::string& i) { return hr.handle(c, i); });
  }

  json config() {
    json policy = json::object();
    if (min_group_size) policy["evaluation_min_group_size"] = *min_group_size;
    policy.update(policy_extra);
    json modules = {{"enrolment", false}, {"evaluation", true}};
    modules.update(modules_extra);
    return {{"id", org},
            {"name", "Acme"},
            {"modules", modules},
            {"policy", policy},
            {"programmes", json::array({programme})},
            {"adapters", json::array()}};
  }

  void seed(const std::function<void(mentoring::store::OrgStore&)>& write) {
    mentoring::store::OrgStore store(host.storage_directory(), org);
    write(store);
  }

  void seed_person(const std::string& id, std::optional<std::string> end_date = std::nullopt) {
    seed([&](mentoring::store::OrgStore& s) {
      Person p;
      p.id = id, p.name = "Person " + id, p.email = id + "@acme.example";
      if (end_date) p.end_date = parse_date(*end_date);
      s.upsert(p);
    });
  }

  void seed_leave(const std::string& id, const std::string& person, const std::string& start,
                  const std::string& end, LeaveType type = LeaveType::maternity) {
    seed([&](mentoring::store::OrgStore& s) {
      Leave l;
      l.id = id, l.person_id = person, l.type = type, l.status = LeaveStatus::approved;
      l.start = *parse_date(start), l.expected_end = *parse_date(end);
      s.upsert(l);
    });
  }

  struct Seeded {
    std::int64_t mentee_enrolment = 0, mentor_enrolment = 0, pair = 0;
  };
  // A mentee (with leave, when given) and a mentor paired on `paired_at`.
  Seeded seed_pair(const std::string& mentee, const std::string& mentor,
                   const std::string& paired_at, std::optional<std::string> leave_id = std::nullopt,
                   std::optional<std::string> ends_on = std::nullopt,
                   EnrolmentState mentee_state = EnrolmentState::active,
                   EnrolmentState mentor_state = EnrolmentState::paired) {
    for (const auto& id : {mentee, mentor}) {
      seed([&](mentoring::store::OrgStore& s) {
        if (!s.has_person(id)) {
          Person p;
          p.id = id, p.name = "Person " + id, p.email = id + "@acme.example";
          s.upsert(p);
        }
      });
    }
    Seeded out;
    seed([&](mentoring::store::OrgStore& s) {
      const std::string at = paired_at + "T09:00:00Z";
      auto e = Enrolment::make(mentee, "rtw", Role::mentee, mentee_state, leave_id);
      out.mentee_enrolment = s.insert_enrolment(e, at, "test");
      if (ends_on) {
        e.id = out.mentee_enrolment;
        e.ends_on = parse_date(*ends_on);
        s.update_details(e, at);
      }
      out.mentor_enrolment = s.insert_enrolment(
          Enrolment::make(mentor, "rtw", Role::mentor, mentor_state), at, "test");
      out.pair =
          s.insert_pair("rtw", out.mentee_enrolment, out.mentor_enrolment, PairState::accepted, at);
    });
    return out;
  }

  mentoring::host::ModuleInstance plugin() {
    return mentoring::host::ModuleInstance(
        mentoring::host::ModuleLibrary::load(MENTORING_PLUGIN_PATH), host.host(), config().dump());
  }
  json run() { return json::parse(plugin().call("run", "{}")); }
  json call(const std::string& command, const json& input) {
    json out = json::parse(plugin().call(command, input.dump()));
    auto problems = mentoring::schema::validate("commands/" + command + ".output", out, command);
    EXPECT_TRUE(problems.empty()) << command << ": "
                                  << (problems.empty() ? "" : problems[0].message());
    return out;
  }
  std::string error_of(const std::string& command, const json& input) {
    try {
      plugin().call(command, input.dump());
    } catch (const std::exception& e) {
      return e.what();
    }
    return "(no error)";
  }
  void at(const char* day) { host.set_today(day); }

  // Survey invitations written back, in order.
  std::vector<json> invitations() const {
    std::vector<json> out;
    for (const auto& a : hr.pushed) {
      if (a["idempotency_key"].get<std::string>().rfind("evaluation-survey/", 0) == 0)
        out.push_back(a);
    }
    return out;
  }
  std::vector<json> invitations_to(const std::string& person, const std::string& survey) const {
    std::vector<json> out;
    for (const auto& a : invitations()) {
      if (a["person_id"] == person && a["payload"]["survey"]["id"] == survey) out.push_back(a);
    }
    return out;
  }
  std::string token_of(const std::string& person, const std::string& survey) const {
    auto found = invitations_to(person, survey);
    return found.empty() ? "" : found.front()["payload"]["token"].get<std::string>();
  }

  mentoring::testing::FakeHost host;
  mentoring::testing::ScriptedHostSystem hr;
  std::optional<int> min_group_size;
  json policy_extra = json::object();   // more of policy (eg retention_months)
  json modules_extra = json::object();  // more modules switched (eg enrolment on)
  std::string org = "acme";             // a new id is a new, empty organisation database
};

}  // namespace evaluation_test
