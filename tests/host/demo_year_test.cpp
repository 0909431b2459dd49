// The demo organisations walked through the year as an HR team would (issue 13's
// walk, repeated): mentoring-host on a copy of examples/demo, the clock moved
// through host.json's "today", HR's commands between runs, the outbox read
// afterwards. Each test is one promise the walk found broken or at risk.
#include "demo_copy.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

using mentoring::test::CommandResult;
using mentoring::test::read_file;
using mentoring::test::write_file;

class DemoYear : public mentoring::test::DemoCopy {
 protected:
  // Moves the host's clock (host.json "today"), as the walk does between runs.
  void set_today(const std::string& day) {
    json host = json::parse(read_file(config));
    host["today"] = day;
    write_file(config, host.dump(2));
  }

  CommandResult run_on(const std::string& day) {
    set_today(day);
    return host("run --org northwind");
  }

  CommandResult command(const std::string& name, const json& input) {
    return host("command --org northwind " + name + " --input '" + input.dump() + "'");
  }

  // Northwind's outbox, one action per line.
  std::vector<json> outbox() const {
    std::vector<json> actions;
    std::ifstream in(state / "northwind" / "outbox.jsonl");
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) actions.push_back(json::parse(line));
    }
    return actions;
  }

  void add_training_row(const std::string& row) {
    fs::path training = root / "examples" / "demo" / "data" / "northwind" / "training.csv";
    std::ofstream(training, std::ios::app) << row << "\n";
  }
};

// Isla Turner (E1372, maternity leave 2027-03-12 to 2027-10-13, back 2027-10-14)
// is paired on 2026-12-01 and the pair never meets before her leave: reminded,
// then the leave begins. Programme A's sessions come every 4 weeks, and issue 13
// promises that during the leave cadence, reminders and escalation pause and that
// everything resumes from the return date. Before the fix the pair's next session
// stayed due on the pre-leave date: after the return the programme manager was
// told that session was ~300 days overdue (the leave counted as overdue), or,
// once flagged before the leave, the pair heard nothing again until the end.
TEST_F(DemoYear, APairOverdueBeforeTheLeaveStartsAgainFromTheReturn) {
  add_training_row("E1372,RTW-PAIR-01,Return-to-work pairing induction,2026-11-20,");
  ASSERT_EQ(run_on("2026-12-01").exit_code, 0);
  ASSERT_EQ(command("accept", {{"programme", "return-to-work"}, {"person_id", "E1372"}}).exit_code,
            0);
  ASSERT_EQ(command("nominate",
                    {{"programme", "return-to-work"}, {"person_id", "E1142"}, {"role", "mentor"}})
                .exit_code,
            0);
  CommandResult paired = command(
      "pair", {{"programme", "return-to-work"}, {"mentee_id", "E1372"}, {"mentor_id", "E1142"}});
  ASSERT_EQ(paired.exit_code, 0) << paired.output;
  const auto pair_id = json::parse(paired.output)["pair_id"].get<std::int64_t>();

  ASSERT_EQ(run_on("2026-12-02").exit_code, 0);
  ASSERT_EQ(run_on("2027-01-05").exit_code, 0);  // the first session (due 2026-12-29) is late
  std::size_t before_return = outbox().size();
  bool reminded_before_leave = false;
  for (const auto& a : outbox()) {
    reminded_before_leave |=
        a["type"] == "reminder" && a["person_id"] == "E1372" &&
        a["payload"].value("subject", "") == "Time for your next mentoring session";
  }
  ASSERT_TRUE(reminded_before_leave)
      << "the walk's premise: the pair was reminded before the leave";

  // Back on 2027-10-14: the next session is due four weeks later, 2027-11-11.
  ASSERT_EQ(run_on("2027-11-20").exit_code, 0);
  const std::vector<json> all = outbox();
  const std::vector<json> after(all.begin() + static_cast<std::ptrdiff_t>(before_return),
                                all.end());
  bool reminded_after_return = false;
  for (const auto& a : after) {
    const json& about = a["payload"].value("about", json::object());
    if (about.value("reason", "") == "session_overdue") {
      EXPECT_GE(about.value("due_on", ""), "2027-10-14")
          << "the programme manager is told of a session due before the leave: "
          << a["payload"].value("text", "");
    }
    if (a["type"] == "reminder" && a["person_id"] == "E1372" &&
        a["payload"].value("text", "").find("2027-11-11") != std::string::npos) {
      reminded_after_return = true;
    }
  }
  EXPECT_TRUE(reminded_after_return) << "no reminder after the return for the session due "
                                        "2027-11-11; new actions: "
                                     << json(after).dump();

  CommandResult listed = command("session_list", {{"pair_id", pair_id}});
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  json sessions = json::parse(listed.output);
  EXPECT_EQ(sessions["next_due"], "2027-11-11") << sessions.dump();
  EXPECT_EQ(sessions["status"], "overdue") << sessions.dump();
}

// Dafydd Evans (E1246, adoption leave 2027-03-03 to 2028-02-10) is paired on
// 2026-12-01. Programme A's touchpoints run to 120 days after his return, so his
// enrolment already ends on 2028-06-10, past the programme's maximum of 12
// months from the start. HR's `extend` is refused; before the fix the refusal
// said "expected at most enough to end by 2027-12-11", as if fewer months would
// do, while no number of months could.
TEST_F(DemoYear, AnExtensionThatCannotFitSaysSoAndNamesTheEnrolmentsEnd) {
  add_training_row("E1246,RTW-PAIR-01,Return-to-work pairing induction,2026-11-20,");
  ASSERT_EQ(run_on("2026-12-01").exit_code, 0);
  ASSERT_EQ(command("accept", {{"programme", "return-to-work"}, {"person_id", "E1246"}}).exit_code,
            0);
  ASSERT_EQ(command("nominate",
                    {{"programme", "return-to-work"}, {"person_id", "E1442"}, {"role", "mentor"}})
                .exit_code,
            0);
  CommandResult paired = command(
      "pair", {{"programme", "return-to-work"}, {"mentee_id", "E1246"}, {"mentor_id", "E1442"}});
  ASSERT_EQ(paired.exit_code, 0) << paired.output;
  ASSERT_EQ(run_on("2026-12-02").exit_code, 0);
  ASSERT_EQ(run_on("2027-11-15").exit_code, 0);

  CommandResult extended =
      command("extend", {{"programme", "return-to-work"}, {"person_id", "E1246"}, {"months", 1}});
  EXPECT_EQ(extended.exit_code, 2) << extended.output;
  EXPECT_NE(extended.output.find("/months"), std::string::npos) << extended.output;
  EXPECT_NE(extended.output.find("already ends on 2028-06-10"), std::string::npos)
      << extended.output;
  EXPECT_EQ(extended.output.find("expected at most enough"), std::string::npos) << extended.output;
}

}  // namespace

// Issue 16: a run that finds nothing changed since a run today that left nothing to do says
// so in one line instead of the modules' lines; an HR command that writes ends that.
TEST_F(DemoYear, ARunWithNothingChangedSaysThePassesWereSkipped) {
  const CommandResult first = run_on("2026-12-01");
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_EQ(first.output.find("passes skipped"), std::string::npos) << first.output;
  const CommandResult again = run_on("2026-12-01");
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(
      again.output.find(
          "  modules     nothing changed since the run at 12:00:00 UTC today: passes skipped"),
      std::string::npos)
      << again.output;
  EXPECT_EQ(again.output.find("  enrolment "), std::string::npos) << again.output;
  // HR records an answer: the next run runs the passes.
  const CommandResult accepted = command("accept", {{"person_id", "E1372"}});
  ASSERT_EQ(accepted.exit_code, 0) << accepted.output;
  const CommandResult after = run_on("2026-12-01");
  EXPECT_EQ(after.output.find("passes skipped"), std::string::npos) << after.output;
  EXPECT_NE(after.output.find("  enrolment "), std::string::npos) << after.output;
}
