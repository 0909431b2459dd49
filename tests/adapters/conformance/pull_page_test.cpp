// rest_common's pull answer (adapters/README.md, "pull"): a record that fails
// its checks is quarantined under its id, the rest of the page is taken; a
// page-level problem still refuses the page; the quarantine stays bounded.
#include <rest_common/pull_page.hpp>

#include <gtest/gtest.h>

using mentoring::adapters::rest::PullPage;
using mentoring::adapters::rest::RecordProblem;
using nlohmann::json;

namespace {

const std::string kSource = "Moodle (lms) core_enrol_get_enrolled_users course 12";

json completion(const std::string& person, const json& completed_at) {
  return {{"person_id", person},
          {"course_id", "MENTOR-101"},
          {"completed_at", completed_at},
          {"expires_at", nullptr}};
}

}  // namespace

TEST(PullPage, ARecordFailingItsSchemaIsQuarantinedUnderItsKeyAndTheOthersAreTaken) {
  PullPage page(json("cursor-in"));
  page.add_record(completion("E1", "2026-01-05"), "course-completion", kSource, 1, kSource);
  page.add_record(completion("E2", 20260105), "course-completion", kSource, 2, kSource);
  page.add_record(completion("E3", "2026-02-01"), "course-completion", kSource, 3, kSource);
  EXPECT_FALSE(page.has_problems()) << "a record's problem is not the page's";
  EXPECT_EQ(page.quarantined_count(), 1u);
  json answer = json::parse(page.answer("cursor-out", false).text);
  EXPECT_TRUE(answer["problems"].empty());
  EXPECT_EQ(answer["records"].size(), 2u);
  EXPECT_EQ(answer["next_cursor"], "cursor-out");
  ASSERT_EQ(answer["quarantine"].size(), 1u) << answer.dump(1);
  const json& held = answer["quarantine"][0];
  EXPECT_EQ(held["record_id"], "E2/MENTOR-101") << "the key plugin/sync gives a completion";
  EXPECT_EQ(held["row"], 2);
  EXPECT_EQ(held["pointer"], "/completed_at");
  EXPECT_EQ(held["source"], kSource);
  EXPECT_NE(held["excerpt"].get<std::string>().find("20260105"), std::string::npos);
}

TEST(PullPage, ProblemsOfOneRecordMakeOneEntryAndTheExcerptIsCappedValidUtf8) {
  PullPage page(nullptr);
  json item = {{"id", "7"}, {"note", std::string(5000, 'x') + "\xff"}};
  page.quarantine({kSource, 4, "firstName", "/name", "42", "a string or null"}, "7", item);
  page.quarantine({kSource, 4, "hireDate", "/start_date", "20050101", "a date"}, "7", item);
  page.quarantine({kSource, 5, "id", "/id", "(missing)", "the id"}, std::string(), item);
  EXPECT_EQ(page.quarantined_problem_count(), 3u);
  json answer = json::parse(page.answer("next", true).text);
  ASSERT_EQ(answer["quarantine"].size(), 2u) << answer.dump(1);
  const json& both = answer["quarantine"][0];
  EXPECT_EQ(both["field"], "firstName") << "the first problem names the place";
  std::string message = both["message"];
  EXPECT_NE(message.find("firstName"), std::string::npos) << message;
  EXPECT_NE(message.find("; "), std::string::npos) << message;
  EXPECT_NE(message.find("hireDate"), std::string::npos) << message;
  EXPECT_LE(both["excerpt"].get<std::string>().size(), 1000u);
  EXPECT_TRUE(answer["quarantine"][1]["record_id"].is_null()) << "an empty id names nobody";
}

TEST(PullPage, APageProblemStillRefusesThePageAndDropsItsQuarantine) {
  PullPage page(json("cursor-in"));
  page.add_record(completion("E1", 20260105), "course-completion", kSource, 1, kSource);
  page.add_problem({kSource, std::nullopt, "data", "", "null", "an array of users"});
  json answer = json::parse(page.answer("cursor-out", true).text);
  EXPECT_EQ(answer["problems"].size(), 1u);
  EXPECT_TRUE(answer["records"].empty());
  EXPECT_EQ(answer["next_cursor"], "cursor-in");
  EXPECT_FALSE(answer.contains("quarantine")) << "the page is read again as a whole";
}

TEST(PullPage, MoreThanAThousandQuarantinedRecordsRefuseThePage) {
  PullPage page(json("cursor-in"));
  for (int row = 1; row <= 1001; ++row) {
    page.quarantine({kSource, row, "type.name", "/type", "\"Sabbatical\"", "Maternity Leave"},
                    std::to_string(row), json{{"id", row}});
  }
  json answer = json::parse(page.answer("cursor-out", false).text);
  EXPECT_EQ(answer["next_cursor"], "cursor-in");
  EXPECT_TRUE(answer["records"].empty());
  EXPECT_FALSE(answer.contains("quarantine"));
  ASSERT_FALSE(answer["problems"].empty());
  EXPECT_NE(answer["problems"][0]["found"].get<std::string>().find("1001 records"),
            std::string::npos)
      << answer["problems"][0].dump();
  EXPECT_LE(answer["problems"].size(), 101u) << "at most 100 listed and one line for the rest";
}
