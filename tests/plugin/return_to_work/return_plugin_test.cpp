// The return_to_work module through the loaded plugin, with an in-memory HR
// system and the fake host's clock: a mentee's leave walked over time —
// keeping-in-touch days recorded up to and past the limit (the mentor prompted
// each time, HR and the person warned), the line manager's return meeting sent
// before the return, moved when the leave moves, missed and shown to HR, and
// withdrawn when the leave is cancelled.
#include <mentoring/fake_host.hpp>
#include <mentoring/loader.hpp>
#include <mentoring/schema.hpp>
#include <mentoring/store/org_store.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <map>

#include "scripted_host_system.hpp"

namespace {

using json = nlohmann::json;
using namespace mentoring::domain;

class ReturnToWorkPlugin : public ::testing::Test {
 protected:
  void SetUp() override {
    host.set_today("2027-01-04");
    host.set_organisation("acme");
    hr.people = json::array({
        {{"id", "MENTEE1"},
         {"name", "Mia Mentee"},
         {"email", "mia@acme.example"},
         {"manager_id", "LM1"}},
        {{"id", "MENTOR1"}, {"name", "Max Mentor"}, {"email", "max@acme.example"}},
        {{"id", "LM1"}, {"name", "Lena Line"}, {"email", "lena@acme.example"}},
        {{"id", "MENTEE2"}, {"name", "Noor Nomanager"}, {"email", "noor@acme.example"}},
    });
    hr.leave = json::array({leave("L1", "MENTEE1", "maternity", "2027-03-01", "2027-11-30")});
    host.add_adapter(
        "hr", {"read_people", "read_leave", "read_keeping_in_touch_days", "write_actions"},
        [this](const std::string& c, const std::string& i) { return hr.handle(c, i); });
  }

  static json leave(const std::string& id, const std::string& person, const std::string& type,
                    const std::string& start, const std::string& end,
                    const std::string& status = "approved") {
    return {{"id", id},       {"person_id", person}, {"type", type},
            {"start", start}, {"expected_end", end}, {"status", status}};
  }

  json config() {
    json programme = {
        {"id", "rtw"},
        {"name", "Return to work"},
        {"mentee", {{"leave_types", json::array({"maternity", "shared_parental", "paternity"})}}},
        {"return_steps", json::array({{{"id", "return-meeting"},
                                       {"name", "Return meeting"},
                                       {"description", "Meet to plan the first weeks back."},
                                       {"anchor", "return"},
                                       {"offset_days", -14}}})}};
    return {{"id", "acme"},
            {"name", "Acme"},
            {"modules", {{"return_to_work", true}}},
            {"policy", {{"programme_manager_email", "pm@acme.example"}}},
            {"programmes", json::array({programme})},
            {"adapters", json::array()}};
  }

  // The enrolment lifecycle and pairing would have made these.
  void seed_pair(const std::string& mentee, const std::string& leave_id,
                 const std::string& mentor) {
    mentoring::store::OrgStore s(host.storage_directory(), "acme");
    auto e = Enrolment::make(mentee, "rtw", Role::mentee, EnrolmentState::paired, leave_id);
    auto mentee_enrolment = s.insert_enrolment(e, "2027-01-04T09:00:00Z", "test");
    auto m = Enrolment::make(mentor, "rtw", Role::mentor, EnrolmentState::paired);
    auto mentor_enrolment = s.insert_enrolment(m, "2027-01-04T09:00:00Z", "test");
    s.insert_pair("rtw", mentee_enrolment, mentor_enrolment, PairState::accepted,
                  "2027-01-04T09:00:00Z");
  }
  void seed_mentee_only(const std::string& mentee, const std::string& leave_id) {
    mentoring::store::OrgStore s(host.storage_directory(), "acme");
    auto e = Enrolment::make(mentee, "rtw", Role::mentee, EnrolmentState::paired, leave_id);
    s.insert_enrolment(e, "2027-01-04T09:00:00Z", "test");
  }

  mentoring::host::ModuleInstance plugin() {
    return mentoring::host::ModuleInstance(
        mentoring::host::ModuleLibrary::load(MENTORING_PLUGIN_PATH), host.host(), config().dump());
  }
  json run(bool expect_delivered = true) {
    ++hr.version;  // the HR system's records are read again
    json summary = json::parse(plugin().call("run", "{}"));
    if (expect_delivered) {
      EXPECT_EQ(summary["actions"].value("failed", 0), 0) << summary.dump();
    }
    return summary;
  }
  json call(const std::string& command, const json& input) { return call_as({}, command, input); }
  // The command for a caller the host authenticated (abi.h call_as); null: the admin.
  json call_as(const json& caller, const std::string& command, const json& input) {
    json out =
        json::parse(caller.is_null() ? plugin().call(command, input.dump())
                                     : plugin().call_as(caller.dump(), command, input.dump()));
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

  std::vector<json> pushed(const std::string& type, const std::string& key_prefix) const {
    std::vector<json> out;
    for (const auto& a : hr.pushed) {
      if (a["type"] == type && a["idempotency_key"].get<std::string>().rfind(key_prefix, 0) == 0)
        out.push_back(a);
    }
    return out;
  }
  json kit_day(const std::string& person, const std::string& date) {
    // Recorded by Jo of HR: the caller, never a field of the input.
    return call_as({{"organisation", "acme"}, {"role", "hr"}, {"name", "jo"}}, "kit_day_record",
                   {{"person_id", person}, {"date", date}});
  }

  mentoring::testing::FakeHost host;
  mentoring::testing::ScriptedHostSystem hr;
};

std::string add_days(const std::string& date, int days) {
  return format_date(parse_date(date).value() + std::chrono::days{days});
}

// A keeping-in-touch day as the HR system's export sends it.
json exported_day(const std::string& id, const std::string& person, const std::string& date) {
  return {{"id", id}, {"person_id", person}, {"date", date}};
}

}  // namespace

TEST_F(ReturnToWorkPlugin, KitDaysAreCountedPromptTheMentorAndWarnBeforeAndPastTheLimit) {
  run();
  seed_pair("MENTEE1", "L1", "MENTOR1");
  at("2027-04-01");
  for (int i = 0; i < 7; ++i) {
    json out = kit_day("MENTEE1", add_days("2027-04-05", i * 7));
    EXPECT_EQ(out["count"]["used"], i + 1);
    EXPECT_EQ(out["mentor_prompted"], "MENTOR1");
    EXPECT_TRUE(out["warnings"].empty()) << out.dump();
  }
  run();  // delivers what the commands enqueued
  EXPECT_EQ(pushed("notify", "kit-day/acme/L1/").size(), 7u);  // the mentor, once a day
  for (const auto& a : pushed("notify", "kit-day/acme/L1/")) {
    EXPECT_EQ(a["payload"]["to"]["person_id"], "MENTOR1");
  }
  EXPECT_TRUE(pushed("task", "kit-day/").empty());

  json eighth = kit_day("MENTEE1", "2027-05-24");  // 2 remain: warned
  EXPECT_EQ(eighth["count"]["remaining"], 2);
  ASSERT_EQ(eighth["warnings"].size(), 1u);
  EXPECT_EQ(eighth["warnings"][0]["reason"], "few_remaining");
  kit_day("MENTEE1", "2027-05-31");
  json tenth = kit_day("MENTEE1", "2027-06-07");
  EXPECT_EQ(tenth["warnings"][0]["reason"], "limit_reached");
  json eleventh = kit_day("MENTEE1", "2027-06-14");  // recorded, over the limit
  EXPECT_TRUE(eleventh["over_limit"]);
  EXPECT_EQ(eleventh["count"]["used"], 11);
  EXPECT_EQ(eleventh["count"]["over_limit"], 1);
  EXPECT_EQ(eleventh["warnings"][0]["reason"], "over_limit");
  EXPECT_EQ(eleventh["mentor_prompted"], "MENTOR1");
  run();
  auto hr_tasks = pushed("task", "kit-day/acme/L1/");
  ASSERT_EQ(hr_tasks.size(), 4u);  // days 8, 9, 10 and 11
  EXPECT_EQ(hr_tasks[0]["payload"]["to"]["role"], "programme_manager");
  EXPECT_EQ(hr_tasks[0]["payload"]["to"]["email"], "pm@acme.example");
  EXPECT_EQ(hr_tasks[3]["payload"]["subject"], "Keeping-in-touch days over the limit");
  auto to_person = pushed("notify", "kit-day/acme/L1/2027-06-14/person");
  ASSERT_EQ(to_person.size(), 1u);
  EXPECT_EQ(to_person[0]["payload"]["to"]["person_id"], "MENTEE1");
  EXPECT_EQ(pushed("notify", "kit-day/acme/L1/2027-06-14/mentor").size(), 1u);

  json listing = call("kit_days", {{"person_id", "MENTEE1"}});
  ASSERT_EQ(listing["leaves"].size(), 1u);
  EXPECT_EQ(listing["leaves"][0]["used"], 11);
  EXPECT_EQ(listing["leaves"][0]["limit"], 10);
  EXPECT_EQ(listing["leaves"][0]["remaining"], 0);
  EXPECT_EQ(listing["leaves"][0]["days"].size(), 11u);
  EXPECT_TRUE(listing["leaves"][0]["days"][10]["over_limit"]);
  EXPECT_EQ(call("kit_days", json::object())["leaves"].size(), 1u);
}

TEST_F(ReturnToWorkPlugin, AKitDayOutsideTheLeaveOrForALeaveWithoutKitDaysIsRefusedNamingTheField) {
  hr.leave.push_back(leave("L2", "MENTEE2", "paternity", "2027-03-01", "2027-03-14"));
  run();
  at("2027-04-01");
  std::string outside =
      error_of("kit_day_record", {{"person_id", "MENTEE1"}, {"date", "2027-12-01"}});
  EXPECT_NE(outside.find("/date: found \"2027-12-01\""), std::string::npos) << outside;
  EXPECT_NE(outside.find("no_leave_on_day"), std::string::npos) << outside;
  std::string wrong_type =
      error_of("kit_day_record", {{"person_id", "MENTEE2"}, {"date", "2027-03-05"}});
  EXPECT_NE(wrong_type.find("/leave_id"), std::string::npos) << wrong_type;
  EXPECT_NE(wrong_type.find("no_kit_days_for_type"), std::string::npos) << wrong_type;
  std::string someone_else = error_of(
      "kit_day_record", {{"person_id", "MENTEE1"}, {"date", "2027-03-05"}, {"leave_id", "L2"}});
  EXPECT_NE(someone_else.find("/leave_id: found \"L2\""), std::string::npos) << someone_else;
  std::string nobody =
      error_of("kit_day_record", {{"person_id", "NOBODY"}, {"date", "2027-03-05"}});
  EXPECT_NE(nobody.find("/person_id"), std::string::npos) << nobody;
  // The same day twice counts once.
  kit_day("MENTEE1", "2027-04-05");
  std::string twice =
      error_of("kit_day_record", {{"person_id", "MENTEE1"}, {"date", "2027-04-05"}});
  EXPECT_NE(twice.find("already_recorded"), std::string::npos) << twice;
  EXPECT_EQ(call("kit_days", {{"person_id", "MENTEE1"}})["leaves"][0]["used"], 1);
  // Nothing was recorded for the refused days, and no mentor was prompted (none is paired).
  run();
  EXPECT_TRUE(pushed("notify", "kit-day/acme/L2/").empty());
}

TEST_F(ReturnToWorkPlugin,
       TheReturnMeetingGoesToTheLineManagerMovesWithTheLeaveAndIsShownWhenMissed) {
  run();
  seed_pair("MENTEE1", "L1", "MENTOR1");
  at("2027-02-01");
  json summary = run();
  EXPECT_EQ(summary["modules"]["return_to_work"]["status"], "ran");
  EXPECT_EQ(summary["modules"]["return_to_work"]["programmes"]["rtw"]["tasks_sent"], 1)
      << summary.dump();
  auto tasks = pushed("task", "return-step/acme/rtw/L1/return-meeting/r1");
  ASSERT_EQ(tasks.size(), 1u);
  const json& to = tasks[0]["payload"]["to"];
  EXPECT_EQ(to["role"], "line_manager");
  EXPECT_EQ(to["person_id"], "LM1");
  EXPECT_EQ(to["name"], "Lena Line");
  EXPECT_EQ(to["email"], "lena@acme.example");
  EXPECT_EQ(tasks[0]["payload"]["about"]["due_on"], "2027-11-17");  // 14 days before 1 December
  EXPECT_EQ(tasks[0]["payload"]["about"]["return_on"], "2027-12-01");
  run();
  EXPECT_EQ(pushed("task", "return-step/").size(), 1u);  // sent once

  // The leave is extended by two months: the task moves.
  at("2027-06-01");
  hr.leave[0]["expected_end"] = "2028-01-31";
  summary = run();
  EXPECT_EQ(summary["modules"]["return_to_work"]["programmes"]["rtw"]["tasks_moved"], 1);
  auto moved = pushed("task", "return-step/acme/rtw/L1/return-meeting/r2");
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_EQ(moved[0]["payload"]["about"]["due_on"], "2028-01-18");
  EXPECT_EQ(moved[0]["payload"]["about"]["supersedes"],
            "return-step/acme/rtw/L1/return-meeting/r1");
  EXPECT_EQ(moved[0]["payload"]["to"]["person_id"], "LM1");

  json steps = call("return_steps", json::object());
  ASSERT_EQ(steps["steps"].size(), 1u);
  EXPECT_EQ(steps["steps"][0]["due_on"], "2028-01-18");
  EXPECT_EQ(steps["steps"][0]["status"], "sent");
  EXPECT_FALSE(steps["steps"][0]["overdue"]);
  EXPECT_TRUE(call("return_steps", {{"overdue_only", true}})["steps"].empty());

  // Nobody marks it done: HR sees it overdue and the programme manager gets one task.
  at("2028-01-21");
  summary = run();
  EXPECT_EQ(summary["modules"]["return_to_work"]["programmes"]["rtw"]["missed_flagged"], 1);
  auto missed = pushed("task", "return-step/acme/rtw/L1/return-meeting/r2/missed");
  ASSERT_EQ(missed.size(), 1u);
  EXPECT_EQ(missed[0]["payload"]["to"]["role"], "programme_manager");
  EXPECT_EQ(missed[0]["payload"]["about"]["days_overdue"], 3);
  json overdue = call("return_steps", {{"overdue_only", true}});
  ASSERT_EQ(overdue["steps"].size(), 1u);
  EXPECT_EQ(overdue["steps"][0]["days_overdue"], 3);
  EXPECT_EQ(overdue["steps"][0]["line_manager"]["person_id"], "LM1");
  at("2028-01-25");
  run();
  EXPECT_EQ(pushed("task", "return-step/acme/rtw/L1/return-meeting/r2/missed").size(), 1u);

  // The line manager held it late; HR marks it done: no longer overdue.
  json done = call("return_step_done", {{"person_id", "MENTEE1"}, {"step", "return-meeting"}});
  EXPECT_TRUE(done["was_overdue"]);
  EXPECT_TRUE(call("return_steps", {{"overdue_only", true}})["steps"].empty());
  std::string again =
      error_of("return_step_done", {{"person_id", "MENTEE1"}, {"step", "return-meeting"}});
  EXPECT_NE(again.find("already_done"), std::string::npos) << again;
  std::string unknown =
      error_of("return_step_done", {{"person_id", "MENTEE1"}, {"step", "phased-return"}});
  EXPECT_NE(unknown.find("/step: found \"phased-return\""), std::string::npos) << unknown;
}

TEST_F(ReturnToWorkPlugin, ACancelledLeaveWithdrawsTheLineManagersTask) {
  run();
  seed_pair("MENTEE1", "L1", "MENTOR1");
  at("2027-02-01");
  run();
  ASSERT_EQ(pushed("task", "return-step/acme/rtw/L1/return-meeting/r1").size(), 1u);
  at("2027-02-10");
  hr.leave[0]["status"] = "cancelled";
  json summary = run();
  EXPECT_EQ(summary["modules"]["return_to_work"]["programmes"]["rtw"]["tasks_withdrawn"], 1);
  auto withdrawn = pushed("notify", "return-step/acme/rtw/L1/return-meeting/r1/withdrawn");
  ASSERT_EQ(withdrawn.size(), 1u);
  EXPECT_EQ(withdrawn[0]["payload"]["to"]["person_id"], "LM1");
  EXPECT_EQ(call("return_steps", json::object())["steps"][0]["status"], "withdrawn");
  // Never flagged as missed, whatever the date.
  at("2027-12-20");
  run();
  EXPECT_TRUE(pushed("task", "return-step/acme/rtw/L1/return-meeting/r1/missed").empty());
}

TEST_F(ReturnToWorkPlugin, ALeaveCancelledBeforeTheTaskWentOutIsNeverSent) {
  run();
  seed_pair("MENTEE1", "L1", "MENTOR1");
  at("2027-02-01");
  hr.push_not_handled = true;  // the task waits in the outbox
  EXPECT_EQ(run(false)["actions"]["pending"], 1);
  EXPECT_TRUE(pushed("task", "return-step/").empty());
  hr.push_not_handled = false;
  hr.leave[0]["status"] = "cancelled";
  at("2027-02-02");
  run();
  EXPECT_TRUE(pushed("task", "return-step/").empty());
  EXPECT_TRUE(pushed("notify", "return-step/").empty());  // nothing to take back
}

TEST_F(ReturnToWorkPlugin, NoLineManagerKnownTellsTheProgrammeManager) {
  hr.leave.push_back(leave("L3", "MENTEE2", "maternity", "2027-04-01", "2027-12-31"));
  run();
  seed_mentee_only("MENTEE2", "L3");
  at("2027-02-01");
  json summary = run();
  EXPECT_EQ(summary["modules"]["return_to_work"]["programmes"]["rtw"]["no_line_manager"], 1);
  auto told = pushed("task", "return-step/acme/rtw/L3/return-meeting/no-line-manager/");
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0]["payload"]["to"]["role"], "programme_manager");
  EXPECT_EQ(call("return_steps", {{"person_id", "MENTEE2"}})["steps"][0]["status"],
            "no_line_manager");
  // The HR system names a manager: the task goes out.
  hr.people[3]["manager_id"] = "LM1";
  at("2027-03-01");
  run();
  auto tasks = pushed("task", "return-step/acme/rtw/L3/return-meeting/r1");
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0]["payload"]["to"]["person_id"], "LM1");
}

TEST_F(ReturnToWorkPlugin, TheModuleSwitchedOffSendsNoSteps) {
  run();
  seed_pair("MENTEE1", "L1", "MENTOR1");
  at("2027-02-01");
  auto off = config();
  off["modules"]["return_to_work"] = false;
  mentoring::host::ModuleInstance instance(
      mentoring::host::ModuleLibrary::load(MENTORING_PLUGIN_PATH), host.host(), off.dump());
  ++hr.version;
  json summary = json::parse(instance.call("run", "{}"));
  EXPECT_FALSE(summary["modules"]["return_to_work"]["enabled"]);
  EXPECT_TRUE(pushed("task", "return-step/").empty());
}

TEST_F(ReturnToWorkPlugin, AMenteeWithdrawnFromTheProgrammeTakesTheTaskBack) {
  run();
  seed_pair("MENTEE1", "L1", "MENTOR1");
  at("2027-02-01");
  run();
  ASSERT_EQ(pushed("task", "return-step/acme/rtw/L1/return-meeting/r1").size(), 1u);
  {
    mentoring::store::OrgStore s(host.storage_directory(), "acme");
    for (const auto& e : s.enrolments_of("MENTEE1")) {
      s.transition(e.id, EnrolmentState::withdrawn, "2027-03-01T09:00:00Z", "test: withdrawn");
    }
  }
  at("2027-03-01");
  run();
  auto withdrawn = pushed("notify", "return-step/acme/rtw/L1/return-meeting/r1/withdrawn");
  ASSERT_EQ(withdrawn.size(), 1u);
  EXPECT_NE(withdrawn[0]["payload"]["text"].get<std::string>().find("no longer takes part"),
            std::string::npos);
}

TEST_F(ReturnToWorkPlugin, AMenteeWhoLeftTheOrganisationTakesTheTaskBack) {
  run();
  seed_pair("MENTEE1", "L1", "MENTOR1");
  at("2027-02-01");
  run();
  hr.people[0]["end_date"] = "2027-02-28";
  at("2027-03-01");
  run();
  EXPECT_EQ(pushed("notify", "return-step/acme/rtw/L1/return-meeting/r1/withdrawn").size(), 1u);
}

// --- keeping-in-touch days from the HR system (the sync's keeping_in_touch_days) ---

TEST_F(ReturnToWorkPlugin, KitDaysFromTheHrSystemAreCountedWarnedAndPromptTheMentor) {
  run();
  seed_pair("MENTEE1", "L1", "MENTOR1");
  at("2027-04-01");
  for (int i = 0; i < 9; ++i) {
    hr.kit_days.push_back(
        exported_day("KIT-" + std::to_string(i + 1), "MENTEE1", add_days("2027-04-05", i * 7)));
  }
  json summary = run();
  const json& kit = summary["modules"]["return_to_work"]["keeping_in_touch_days"];
  EXPECT_EQ(kit["recorded"], 9) << summary.dump();
  EXPECT_EQ(kit["mentors_prompted"], 9);
  EXPECT_EQ(kit["warned"], 2);  // the 8th and 9th: two, then one remain of 10
  EXPECT_EQ(kit["refused"], 0);
  bool streamed = false;
  for (const auto& s : summary["sync"]) {
    if (s["stream"] != "keeping_in_touch_days") continue;
    streamed = true;
    EXPECT_EQ(s["stored"], 9) << s.dump();
  }
  EXPECT_TRUE(streamed) << summary.dump();

  auto prompts = pushed("notify", "kit-day/acme/L1/");
  std::size_t to_mentor = 0;
  for (const auto& a : prompts) to_mentor += a["payload"]["to"]["person_id"] == "MENTOR1";
  EXPECT_EQ(to_mentor, 9u);  // delivered in the same run
  auto hr_tasks = pushed("task", "kit-day/acme/L1/");
  ASSERT_EQ(hr_tasks.size(), 2u);
  EXPECT_EQ(hr_tasks[1]["payload"]["about"]["used"], 9);
  EXPECT_EQ(hr_tasks[1]["payload"]["about"]["warnings"][0]["reason"], "few_remaining");

  json listing = call("kit_days", {{"person_id", "MENTEE1"}});
  ASSERT_EQ(listing["leaves"].size(), 1u);
  EXPECT_EQ(listing["leaves"][0]["used"], 9);
  EXPECT_EQ(listing["leaves"][0]["remaining"], 1);
  EXPECT_EQ(listing["leaves"][0]["days"][0]["recorded_by"], "hr_system:hr:KIT-1");

  // Read again: nothing counted twice, nobody told twice.
  summary = run();
  EXPECT_EQ(summary["modules"]["return_to_work"]["keeping_in_touch_days"]["recorded"], 0);
  EXPECT_EQ(call("kit_days", {{"person_id", "MENTEE1"}})["leaves"][0]["used"], 9);
  EXPECT_EQ(pushed("notify", "kit-day/acme/L1/").size(), prompts.size());

  // Two more from the HR system: the limit reached, then passed (recorded, marked over).
  hr.kit_days.push_back(exported_day("KIT-10", "MENTEE1", "2027-06-07"));
  hr.kit_days.push_back(exported_day("KIT-11", "MENTEE1", "2027-06-14"));
  summary = run();
  EXPECT_EQ(summary["modules"]["return_to_work"]["keeping_in_touch_days"]["recorded"], 2);
  listing = call("kit_days", {{"person_id", "MENTEE1"}});
  EXPECT_EQ(listing["leaves"][0]["used"], 11);
  EXPECT_EQ(listing["leaves"][0]["over_limit"], 1);
  EXPECT_TRUE(listing["leaves"][0]["days"][10]["over_limit"]);
  auto over = pushed("task", "kit-day/acme/L1/2027-06-14/hr");
  ASSERT_EQ(over.size(), 1u);
  EXPECT_EQ(over[0]["payload"]["subject"], "Keeping-in-touch days over the limit");
}

TEST_F(ReturnToWorkPlugin, TheSameDayRecordedByHrAndByTheHrSystemCountsOnce) {
  run();
  seed_pair("MENTEE1", "L1", "MENTOR1");
  at("2027-04-01");
  kit_day("MENTEE1", "2027-04-05");  // HR first
  hr.kit_days = json::array({exported_day("KIT-1", "MENTEE1", "2027-04-05"),
                             exported_day("KIT-2", "MENTEE1", "2027-04-12")});
  json summary = run();
  const json& kit = summary["modules"]["return_to_work"]["keeping_in_touch_days"];
  EXPECT_EQ(kit["recorded"], 1) << summary.dump();
  EXPECT_EQ(kit["duplicates"], 1);
  EXPECT_EQ(kit["refused"], 0);
  json listing = call("kit_days", {{"person_id", "MENTEE1"}});
  EXPECT_EQ(listing["leaves"][0]["used"], 2);
  EXPECT_EQ(listing["leaves"][0]["days"][0]["recorded_by"], "hr: jo");
  EXPECT_EQ(listing["leaves"][0]["days"][1]["recorded_by"], "hr_system:hr:KIT-2");
  EXPECT_EQ(pushed("notify", "kit-day/acme/L1/2027-04-05/mentor").size(), 1u);  // prompted once

  // HR records a day the HR system sent: refused as already recorded, still counted once.
  std::string twice =
      error_of("kit_day_record", {{"person_id", "MENTEE1"}, {"date", "2027-04-12"}});
  EXPECT_NE(twice.find("already_recorded"), std::string::npos) << twice;
  // The HR system sends the same day twice under two records: counted once.
  hr.kit_days.push_back(exported_day("KIT-2-copy", "MENTEE1", "2027-04-12"));
  summary = run();
  EXPECT_EQ(summary["modules"]["return_to_work"]["keeping_in_touch_days"]["duplicates"], 1);
  EXPECT_EQ(call("kit_days", {{"person_id", "MENTEE1"}})["leaves"][0]["used"], 2);
  EXPECT_EQ(pushed("notify", "kit-day/acme/L1/2027-04-12/mentor").size(), 1u);

  // The HR system corrects KIT-2 to another day: the old day no longer counts.
  hr.kit_days[1]["date"] = "2027-04-19";
  hr.kit_days.erase(2);
  run();
  listing = call("kit_days", {{"person_id", "MENTEE1"}});
  EXPECT_EQ(listing["leaves"][0]["used"], 2);
  EXPECT_EQ(listing["leaves"][0]["days"][1]["date"], "2027-04-19");
}

TEST_F(ReturnToWorkPlugin, ADayTheDomainRefusesIsReportedWithItsReasonInEveryRunUntilCorrected) {
  hr.leave.push_back(leave("L2", "MENTEE2", "paternity", "2027-03-01", "2027-03-14"));
  run();
  at("2027-04-01");
  hr.kit_days = json::array({exported_day("KIT-OUT", "MENTEE1", "2027-12-15"),
                             exported_day("KIT-PAT", "MENTEE2", "2027-03-05"),
                             exported_day("KIT-OK", "MENTEE1", "2027-04-05")});
  json summary = run();
  const json& kit = summary["modules"]["return_to_work"]["keeping_in_touch_days"];
  EXPECT_EQ(kit["recorded"], 1) << summary.dump();
  EXPECT_EQ(kit["refused"], 2);
  ASSERT_EQ(kit["refused_days"].size(), 2u);
  json out, pat;
  for (const auto& d : kit["refused_days"]) (d["record_id"] == "KIT-OUT" ? out : pat) = d;
  EXPECT_EQ(out["reason"], "no_leave_on_day");
  EXPECT_EQ(out["field"], "/date");
  EXPECT_EQ(out["adapter"], "hr");
  EXPECT_NE(out["message"].get<std::string>().find("/date: found \"2027-12-15\" for MENTEE1"),
            std::string::npos)
      << out.dump();
  EXPECT_EQ(pat["reason"], "no_kit_days_for_type");
  EXPECT_EQ(pat["field"], "/leave_id");
  EXPECT_NE(pat["words"].get<std::string>().find("leave L2: paternity"), std::string::npos)
      << pat.dump();
  EXPECT_TRUE(call("kit_days", {{"person_id", "MENTEE2"}})["leaves"].empty());

  // Not dropped: the next run reports them again.
  summary = run();
  EXPECT_EQ(summary["modules"]["return_to_work"]["keeping_in_touch_days"]["refused"], 2);

  // The HR system corrects the date into the leave: counted.
  hr.kit_days[0]["date"] = "2027-04-12";
  summary = run();
  EXPECT_EQ(summary["modules"]["return_to_work"]["keeping_in_touch_days"]["recorded"], 1);
  EXPECT_EQ(summary["modules"]["return_to_work"]["keeping_in_touch_days"]["refused"], 1);
  EXPECT_EQ(call("kit_days", {{"person_id", "MENTEE1"}})["leaves"][0]["used"], 2);
}

TEST_F(ReturnToWorkPlugin, ABadKitDayRecordIsQuarantinedNamingTheFieldAndTheOthersAreStored) {
  run();
  at("2027-04-01");
  hr.kit_days = json::array({exported_day("KIT-1", "MENTEE1", "2027-04-05"),
                             exported_day("KIT-2", "MENTEE1", "2027-02-30"),
                             exported_day("KIT-3", "NOBODY", "2027-04-12"),
                             exported_day("KIT-4", "MENTEE1", "2027-04-19")});
  hr.kit_days[3]["note"] = std::string(2001, 'x');
  json summary = run(false);
  json stream;
  for (const auto& s : summary["sync"])
    if (s["stream"] == "keeping_in_touch_days") stream = s;
  EXPECT_EQ(stream["stored"], 1) << stream.dump();
  EXPECT_EQ(stream["quarantined"], 3);
  EXPECT_EQ(summary["modules"]["return_to_work"]["keeping_in_touch_days"]["recorded"], 1);

  json held = call("quarantine", {{"stream", "keeping_in_touch_days"}});
  std::map<std::string, json> by_id;
  for (const auto& r : held["records"]) by_id[r["record_id"]] = r;
  ASSERT_EQ(by_id.size(), 3u) << held.dump();
  EXPECT_EQ(by_id["KIT-2"]["pointer"], "/date");
  EXPECT_EQ(by_id["KIT-2"]["found"], "\"2027-02-30\"");
  EXPECT_EQ(by_id["KIT-3"]["reason"], "unknown_person");
  EXPECT_EQ(by_id["KIT-3"]["pointer"], "/person_id");
  EXPECT_EQ(by_id["KIT-4"]["reason"], "not_valid");
  EXPECT_EQ(by_id["KIT-4"]["pointer"], "/note");

  // Sent again, corrected: released and counted.
  hr.kit_days[1]["date"] = "2027-04-26";
  summary = run(false);
  for (const auto& s : summary["sync"])
    if (s["stream"] == "keeping_in_touch_days") stream = s;
  EXPECT_EQ(stream["released"], 1) << stream.dump();
  EXPECT_EQ(call("kit_days", {{"person_id", "MENTEE1"}})["leaves"][0]["used"], 2);
}
