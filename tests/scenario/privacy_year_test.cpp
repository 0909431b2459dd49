// Privacy through a year of reference programme A (issue 14) at Brightwell,
// with policy.retention_months 3: Erin and Zed are paired, both answer the
// mid-programme survey; Zed asks to be erased mid-programme (his mentor hears
// the pairing ended, not why; the HR system keeps sending him; his name, id,
// goal and notes leave the database file); Erin finishes and, three months
// later, a run pseudonymises her. The evaluation report reads the same before
// and after each. One replay (SetUpTestSuite, one run per day).
#include "scenario_people.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>

namespace {

using namespace scenario;

constexpr const char* kA = "return-to-work";
constexpr const char* kOrg = "brightwell";
constexpr const char* kZed = "zed-4711";
constexpr const char* kZedName = "Zed Quimby";
constexpr const char* kZedGoal = "get back to leading the night shift";
constexpr const char* kErinName = "Erin Oakhampton";
constexpr const char* kErinGoal = "keep my research group going";

struct YearP : ReplayedYear {
  std::int64_t erin_pair = 0, zed_pair = 0;
  std::string zed_mentor;
  json report_before_erase, report_after_erase, erased;
  std::size_t mark_before_erase = 0;
  std::string zed_traces_after_erase, zed_traces_at_end, erin_traces_at_end;
  std::string erin_completed_on, erin_pseudonymised_on;
  json report_before_retention, report_after_retention;
};

std::string traces(Scenario& s, const std::vector<std::string>& needles) {
  std::string out;
  const auto base =
      std::filesystem::path(s.host.storage_directory()) / (std::string(kOrg) + ".sqlite");
  for (const auto& suffix : {"", "-wal"}) {
    auto path = base;
    path += suffix;
    if (!std::filesystem::exists(path)) continue;
    std::ifstream in(path, std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    for (const auto& n : needles)
      if (bytes.find(n) != std::string::npos) out += n + " in " + path.filename().string() + "; ";
  }
  return out;
}

json report(Scenario& s) {
  json r = s.command("evaluation_report", {{"programme", kA}});
  r.erase("today");
  return r;
}

std::string token_for(const Scenario& s, const std::string& person, const std::string& survey) {
  for (const auto& r : surveys(s.received(person), survey))
    return r.action["payload"]["token"].get<std::string>();
  return "";
}

void replay(YearP& y) {
  Scenario& s = y.s;
  s.policy_extra = {{"retention_months", 3}};
  s.hr.add_person(person("hana", "Hana Head", kOrg, std::nullopt));
  s.hr.add_person(person("mona", "Mona Mentor", kOrg, "hana"));
  s.hr.add_person(person("malik", "Malik Mentor", kOrg, "hana"));
  json erin = person("erin", kErinName, kOrg, "hana");
  s.hr.add_person(erin);
  json zed = person(kZed, kZedName, kOrg, "hana");
  s.hr.add_person(zed);
  s.hr.add_leave(leave("LMO", "mona", "maternity", "2023-03-01", "2023-11-30"));
  s.hr.add_leave(leave("LMA", "malik", "paternity", "2024-05-01", "2024-07-31"));
  s.hr.add_completion(completion("mona", "MENTOR-101", "2026-10-01", "2029-10-01"));
  s.hr.add_completion(completion("malik", "MENTOR-101", "2026-10-01", "2029-10-01"));
  s.hr.add_leave(leave("LER", "erin", "maternity", "2027-06-07", "2027-12-05"));
  s.hr.add_leave(leave("LZE", kZed, "paternity", "2027-06-14", "2027-10-31"));

  s.start(kOrg,
          {{"enrolment", true},
           {"training", true},
           {"pairing", true},
           {"supervision", true},
           {"evaluation", true}},
          {kA}, "2027-01-04");
  for (const char* mentor : {"mona", "malik"}) {
    y.answers[std::string("nominate ") + mentor] = s.try_command(
        "nominate",
        {{"programme", kA}, {"person_id", mentor}, {"role", "mentor"}});
  }
  s.advance_to("2027-01-07");
  y.answers["erin accepts"] = s.try_command(
      "accept", {{"person_id", "erin"}, {"goal", kErinGoal}});
  y.answers["zed accepts"] =
      s.try_command("accept", {{"person_id", kZed}, {"goal", kZedGoal}});
  y.answers["pair erin"] = s.try_command(
      "pair",
      {{"programme", kA}, {"mentee_id", "erin"}, {"mentor_id", "mona"}});
  y.answers["pair zed"] = s.try_command(
      "pair",
      {{"programme", kA}, {"mentee_id", kZed}, {"mentor_id", "malik"}});
  y.erin_pair = pair_of(s, kA, "erin", "accepted");
  y.zed_pair = pair_of(s, kA, kZed, "accepted", &y.zed_mentor);
  s.advance_to("2027-01-10");
  s.hr.add_completion(completion("erin", "RTW-PAIR-01", "2027-01-10"));
  s.hr.add_completion(completion(kZed, "RTW-PAIR-01", "2027-01-10"));
  y.record_session(y.erin_pair, "2027-02-01", "mentee", "erin's private notes");
  y.record_session(y.zed_pair, "2027-02-02", "mentee", "zed worries about the night rota");

  // The mid-programme survey (90 days after pairing): both mentees answer.
  s.advance_to("2027-04-08");
  for (const std::string who : {"erin", kZed}) {
    y.answers["answer " + who] = s.try_command(
        "evaluation_answer", {{"token", token_for(s, who, "mid-mentee")},
                              {"answers", {{"useful", 4}, {"meeting_enough", true}}}});
  }

  // Zed asks to be erased, mid-programme.
  s.advance_to("2027-09-01");
  y.report_before_erase = report(s);
  y.mark_before_erase = s.mark();
  y.erased = s.command("subject_erase", {{"person_id", kZed}});
  y.report_after_erase = report(s);
  y.zed_traces_after_erase = traces(s, {kZed, kZedName, kZedGoal, "night rota", "LZE"});

  s.hr.changed();  // the HR system sends everyone again, Zed too

  // Erin returns on 2027-12-06 and finishes; three months later she is pseudonymised.
  std::string day = "2027-09-02";
  std::string previous_report_day;
  json previous_report;
  while (day <= "2029-06-30" && y.erin_pseudonymised_on.empty()) {
    s.advance_to(day);
    if (y.erin_completed_on.empty() && s.state_of("erin", kA).rfind("completed", 0) == 0)
      y.erin_completed_on = day;
    const json summary = s.run_of(day);
    if (!y.erin_completed_on.empty() && summary["privacy"].value("pseudonymised", 0) > 0) {
      y.erin_pseudonymised_on = day;
      y.report_before_retention = previous_report;
      y.report_after_retention = report(s);
    } else if (!y.erin_completed_on.empty()) {
      previous_report = report(s);
    }
    day = plus_days(day, 1);
  }
  y.zed_traces_at_end = traces(s, {kZed, kZedName, kZedGoal, "night rota"});
  y.erin_traces_at_end = traces(s, {kErinName, kErinGoal, "erin's private notes", "erin@"});
}

class PrivacyYear : public YearSuite<YearP, replay> {};

TEST_F(PrivacyYear, TheYearRanAndBothMenteesAnswered) {
  expect_replayed_to_its_end();
  ASSERT_NE(y.erin_pair, 0);
  ASSERT_NE(y.zed_pair, 0);
  EXPECT_TRUE(y.answers.at("answer erin").ok) << y.answers.at("answer erin").message;
  EXPECT_TRUE(y.answers.at("answer " + std::string(kZed)).ok);
}

TEST_F(PrivacyYear, ZedsErasureLeavesNoTraceAndTheFiguresStay) {
  EXPECT_EQ(y.erased.value("pairs_ended", 0), 1) << y.erased.dump();
  EXPECT_TRUE(y.erased.value("file_scrubbed", false));
  EXPECT_EQ(y.zed_traces_after_erase, "");
  EXPECT_EQ(y.zed_traces_at_end, "");  // though the HR system kept sending him
  EXPECT_EQ(y.report_after_erase, y.report_before_erase);
  EXPECT_NE(y.report_before_erase.dump().find("\"answered\":2"), std::string::npos)
      << y.report_before_erase.dump();
}

TEST_F(PrivacyYear, ZedsMentorHearsThePairingEndedButNotWhy) {
  auto told = keyed(s.received(y.zed_mentor, y.mark_before_erase), "pair-ended/");
  ASSERT_EQ(told.size(), 1u) << describe(s.received(y.zed_mentor, y.mark_before_erase));
  EXPECT_EQ(told[0].words().find("eras"), std::string::npos) << told[0].words();
  EXPECT_EQ(told[0].words().find(kZedName), std::string::npos);
  // Nothing goes to Zed after the erasure.
  EXPECT_TRUE(s.received(kZed, y.mark_before_erase).empty())
      << describe(s.received(kZed, y.mark_before_erase));
}

TEST_F(PrivacyYear, ErinFinishesAndIsPseudonymisedAfterTheRetentionPeriod) {
  ASSERT_FALSE(y.erin_completed_on.empty()) << "Erin never completed: " << s.state_of("erin", kA);
  ASSERT_FALSE(y.erin_pseudonymised_on.empty());
  EXPECT_GE(y.erin_pseudonymised_on, plus_days(y.erin_completed_on, 28 * 3));
  EXPECT_EQ(y.erin_traces_at_end, "");
  EXPECT_EQ(y.report_after_retention, y.report_before_retention);
}

}  // namespace
