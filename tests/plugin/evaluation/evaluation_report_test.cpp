// HR's evaluation report: survey figures, retention with its baseline, time
// back to full productivity, and the group-size threshold in front of all of them.
#include "evaluation_fixture.hpp"

#include <mentoring/store/evaluation_repository.hpp>

#include <random>

using namespace evaluation_test;

namespace {

const json* survey_entry(const json& report, const std::string& survey, const std::string& role) {
  for (const auto& s : report["programmes"][0]["surveys"]) {
    if (s["survey"] == survey && s["role"] == role) return &s;
  }
  return nullptr;
}

const json* question(const json& entry, const std::string& id) {
  for (const auto& q : entry["questions"]) {
    if (q["question"] == id) return &q;
  }
  return nullptr;
}

}  // namespace

TEST_F(EvaluationPlugin, ReportFiguresOnAKnownDataSet) {
  for (int i = 1; i <= 6; ++i) {
    const std::string n = std::to_string(i);
    seed_person("MENTEE" + n);
    seed_leave("L" + n, "MENTEE" + n, "2027-02-01", "2027-07-31");  // back on 2027-08-01
    seed_pair("MENTEE" + n, "MENTOR" + n, "2027-01-04", "L" + n);
  }
  at("2027-09-26");  // mid (pairing + 90) and back (return + 56) are due
  run();
  ASSERT_EQ(invitations().size(), 18u);  // 6 mentees x 2 surveys, 6 mentors x 1

  const int useful[] = {5, 4, 4, 3, 5, 2};
  const bool enough[] = {true, true, false, true, true, false};
  const char* improve[] = {"b", "a", "c", "a", "z", "m"};
  const double weeks[] = {4, 8, 6, 10, 12, 2};
  const char* helped[] = {"planning", "contact", "contact", "planning", "contact", "contact"};
  for (int i = 0; i < 6; ++i) {
    const std::string mentee = "MENTEE" + std::to_string(i + 1);
    call("evaluation_answer",
         {{"token", token_of(mentee, "mid")},
          {"answers", {{"useful", useful[i]}, {"enough", enough[i]}, {"improve", improve[i]}}}});
    call("evaluation_answer", {{"token", token_of(mentee, "back")},
                               {"answers", {{"weeks", weeks[i]}, {"helped", helped[i]}}}});
  }
  for (int i = 1; i <= 3; ++i) {  // only three mentors answer
    call("evaluation_answer", {{"token", token_of("MENTOR" + std::to_string(i), "mid")},
                               {"answers", {{"useful", 5}, {"enough", true}, {"improve", "x"}}}});
  }

  json report = call("evaluation_report", {{"programme", "rtw"}});
  EXPECT_EQ(report["min_group_size"], 5);
  const json* mentees = survey_entry(report, "mid", "mentee");
  ASSERT_NE(mentees, nullptr);
  EXPECT_EQ((*mentees)["invited"], 6);
  EXPECT_EQ((*mentees)["answered"], 6);
  EXPECT_EQ(*question(*mentees, "useful"),
            json({{"question", "useful"},
                  {"text", "How useful?"},
                  {"kind", "scale_1_5"},
                  {"answers", 6},
                  {"mean", 3.83},
                  {"distribution", {{"1", 0}, {"2", 1}, {"3", 1}, {"4", 2}, {"5", 2}}}}));
  EXPECT_EQ((*question(*mentees, "enough"))["share_yes"], 0.67);
  EXPECT_EQ((*question(*mentees, "improve"))["texts"],
            json::array({"a", "a", "b", "c", "m", "z"}));  // sorted, never in arrival order

  const json* back = survey_entry(report, "back", "mentee");
  ASSERT_NE(back, nullptr);
  EXPECT_EQ((*question(*back, "weeks"))["median"], 7.0);
  EXPECT_EQ((*question(*back, "helped"))["counts"],
            json({{"contact", 4}, {"networks", 0}, {"planning", 2}}));
  EXPECT_EQ(survey_entry(report, "back", "mentor"), nullptr);  // mentees only

  // Three mentors answered: invited is shown, nothing else.
  const json* mentors = survey_entry(report, "mid", "mentor");
  ASSERT_NE(mentors, nullptr);
  EXPECT_EQ(*mentors, json({{"survey", "mid"},
                            {"name", "Mid-programme"},
                            {"role", "mentor"},
                            {"invited", 6},
                            {"not_shown", "fewer than 5 answers: not shown"}}));

  EXPECT_EQ(report["programmes"][0]["weeks_to_full_productivity"],
            json({{"answers", 6}, {"median", 7.0}}));
  // Nobody has been back six months yet.
  for (const auto& r : report["programmes"][0]["retention"]) {
    EXPECT_EQ(r["programme"], json({{"not_shown", "fewer than 5 returners: not shown"}}));
  }
}

TEST_F(EvaluationPlugin, RetentionOfReturnersBesideTheOrganisationsBaseline) {
  // Programme mentees, all back on 2028-01-01.
  for (int i = 1; i <= 6; ++i) {
    const std::string n = std::to_string(i);
    std::optional<std::string> left;
    if (i == 1) left = "2028-05-01";  // within 6 months
    if (i == 2) left = "2028-10-01";  // after 6, within 12
    seed_person("MENTEE" + n, left);
    seed_leave("L" + n, "MENTEE" + n, "2027-07-01", "2027-12-31");
    seed_pair("MENTEE" + n, "MENTOR" + n, "2027-05-01", "L" + n, "2028-09-30",
              EnrolmentState::completed, EnrolmentState::completed);
  }
  // Returners of the same leave types who were not in the programme, back on 2028-03-01.
  for (int i = 1; i <= 5; ++i) {
    const std::string id = "B" + std::to_string(i);
    seed_person(id, i <= 2 ? std::optional<std::string>("2028-06-01") : std::nullopt);
    seed_leave("LB" + std::to_string(i), id, "2027-09-01", "2028-02-29");
  }
  seed_person("A1");
  seed_leave("LA1", "A1", "2027-09-01", "2028-02-29", LeaveType::adoption);
  // Not counted: another leave type, and someone back only three months.
  seed_person("S1", "2028-04-01");
  seed_leave("LS1", "S1", "2027-09-01", "2028-02-29", LeaveType::secondment);
  seed_person("R1", "2029-05-01");
  seed_leave("LR1", "R1", "2028-09-01", "2029-02-28");

  at("2029-06-01");
  json report = call("evaluation_report", json::object());
  const json& retention = report["programmes"][0]["retention"];
  ASSERT_EQ(retention.size(), 2u);
  EXPECT_EQ(retention[0],
            json({{"months", 6},
                  {"programme", {{"returners", 6}, {"retained", 5}, {"share", 0.83}}},
                  {"baseline", {{"returners", 6}, {"retained", 4}, {"share", 0.67}}}}));
  EXPECT_EQ(retention[1],
            json({{"months", 12},
                  {"programme", {{"returners", 6}, {"retained", 4}, {"share", 0.67}}},
                  {"baseline", {{"returners", 6}, {"retained", 4}, {"share", 0.67}}}}));
}

// Property: whatever the threshold and however small groups fall under it,
// no figure about them appears anywhere in the report.
TEST_F(EvaluationPlugin, NoFigureForAGroupBelowTheThresholdEverAppears) {
  std::mt19937 random(20270104);
  for (int trial = 0; trial < 20; ++trial) {
    org = "trial" + std::to_string(trial);
    const int threshold = std::uniform_int_distribution<int>(2, 7)(random);
    min_group_size = threshold;
    auto below = [&] { return std::uniform_int_distribution<int>(0, threshold - 1)(random); };
    const std::string marker = "secret-" + std::to_string(trial);
    const int weeks_marker = 900000 + trial;
    seed([&](mentoring::store::OrgStore& s) {
      mentoring::store::SqliteEvaluationRepository evaluation(s.session());
      const std::vector<std::pair<std::string, std::string>> groups = {
          {"mid", "mentee"}, {"mid", "mentor"}, {"back", "mentee"}, {"end", "mentor"}};
      for (const auto& [survey, role] : groups) {
        const int size = below();
        for (int j = 0; j < size; ++j) {
          const std::string month = "2027-0" + std::to_string(1 + j % 9);
          evaluation.add_response("rtw", survey, role, month);
          auto add = [&](const std::string& q, const std::string& v) {
            evaluation.add_answer({"rtw", survey, role, q, month, v});
          };
          if (survey == "mid") {
            add("useful", std::to_string(1 + j % 5));
            add("enough", j % 2 ? "yes" : "no");
            add("improve", marker + "-" + std::to_string(j));
          } else if (survey == "back") {
            add("weeks", std::to_string(weeks_marker));
            add("helped", "networks");
          } else {
            add("again", "yes");
          }
        }
      }
    });
    // Small groups of returners too: in the programme, and the baseline.
    const int in_programme = below(), baseline = below();
    for (int j = 0; j < in_programme; ++j) {
      const std::string n = std::to_string(j);
      seed_person("M" + n);
      seed_leave("LM" + n, "M" + n, "2026-01-01", "2026-06-30");
      seed_pair("M" + n, "T" + n, "2025-11-01", "LM" + n, "2026-12-31", EnrolmentState::completed,
                EnrolmentState::completed);
    }
    for (int j = 0; j < baseline; ++j) {
      const std::string n = std::to_string(j);
      seed_person("B" + n);
      seed_leave("LB" + n, "B" + n, "2026-01-01", "2026-06-30");
    }
    at("2028-01-01");
    const json report = call("evaluation_report", json::object());
    const std::string reason = "fewer than " + std::to_string(threshold) + " answers: not shown";
    const std::string returners =
        "fewer than " + std::to_string(threshold) + " returners: not shown";
    SCOPED_TRACE("trial " + std::to_string(trial) + ", threshold " + std::to_string(threshold) +
                 ": " + report.dump());
    EXPECT_EQ(report["min_group_size"], threshold);
    const json& programme = report["programmes"][0];
    ASSERT_EQ(programme["surveys"].size(), 4u);
    for (const auto& entry : programme["surveys"]) {
      EXPECT_EQ(entry["not_shown"], reason);
      EXPECT_FALSE(entry.contains("answered"));
      EXPECT_FALSE(entry.contains("questions"));
    }
    for (const auto& r : programme["retention"]) {
      EXPECT_EQ(r["programme"], json({{"not_shown", returners}}));
      EXPECT_EQ(r["baseline"], json({{"not_shown", returners}}));
    }
    EXPECT_EQ(programme["weeks_to_full_productivity"], json({{"not_shown", reason}}));
    const std::string text = report.dump();
    EXPECT_EQ(text.find(marker), std::string::npos);
    EXPECT_EQ(text.find(std::to_string(weeks_marker)), std::string::npos);
  }
}

TEST_F(EvaluationPlugin, AGroupAtTheThresholdIsShown) {
  min_group_size = 3;
  seed([&](mentoring::store::OrgStore& s) {
    mentoring::store::SqliteEvaluationRepository evaluation(s.session());
    for (int j = 0; j < 3; ++j) {
      evaluation.add_response("rtw", "end", "mentor", "2027-05");
      evaluation.add_answer({"rtw", "end", "mentor", "again", "2027-05", j == 0 ? "no" : "yes"});
    }
  });
  json report = call("evaluation_report", json::object());
  const json* end = survey_entry(report, "end", "mentor");
  ASSERT_NE(end, nullptr);
  EXPECT_EQ((*end)["answered"], 3);
  EXPECT_EQ((*question(*end, "again"))["share_yes"], 0.67);
}

// The budget: the programme's fee times its participants per cohort (the
// year the mentee's mentoring began); mentors and mentees not yet begun are
// no paid places.
TEST_F(EvaluationPlugin, TheReportShowsTheBudgetPerCohort) {
  programme["fee_per_participant"] = {{"amount", 1200}, {"currency", "GBP"}};
  const std::pair<const char*, const char*> began[] = {
      {"A", "2027-03-01"}, {"B", "2027-11-30"}, {"C", "2028-01-15"}};
  for (const auto& [mentee, on] : began) {
    auto seeded =
        seed_pair(std::string("MENTEE") + mentee, std::string("MENTOR") + mentee, "2027-01-04");
    seed([&, on = on](mentoring::store::OrgStore& s) {
      for (auto e : s.enrolments("rtw")) {
        if (e.id != seeded.mentee_enrolment && e.id != seeded.mentor_enrolment) continue;
        e.started_on = parse_date(on);  // the mentor's start never counts
        s.update_details(e, "2027-01-04T09:00:00Z");
      }
    });
  }
  seed_pair("MENTEED", "MENTORD", "2028-02-01", std::nullopt, std::nullopt,
            EnrolmentState::paired);  // paired, mentoring not yet begun
  at("2028-03-01");

  const json budget = call("evaluation_report", {{"programme", "rtw"}})["programmes"][0]["budget"];
  EXPECT_EQ(budget["fee_per_participant"], json({{"amount", 1200}, {"currency", "GBP"}}));
  EXPECT_EQ(budget["currency"], "GBP");
  EXPECT_EQ(budget["cohorts"],
            json::array({{{"cohort", 2027}, {"participants", 2}, {"amount", 2400}},
                         {{"cohort", 2028}, {"participants", 1}, {"amount", 1200}}}))
      << budget.dump();
  EXPECT_EQ(budget["participants"], 3);
  EXPECT_EQ(budget["total"], 3600);
}

TEST_F(EvaluationPlugin, AProgrammeWithoutAFeeSaysSoInsteadOfABudget) {
  const json budget = call("evaluation_report", {{"programme", "rtw"}})["programmes"][0]["budget"];
  EXPECT_TRUE(budget["fee_per_participant"].is_null()) << budget.dump();
  EXPECT_EQ(budget["why"], "the programme's definition sets no fee_per_participant");
  EXPECT_FALSE(budget.contains("total"));
}
