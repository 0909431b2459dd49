// BambooHR's Training module as course completions (stream
// "course_completions"), against the fake seeded from Northwind's training.csv.
#include "fixture.hpp"

#include <mentoring/schema.hpp>
#include <rest_common/mapping.hpp>

#include <map>
#include <tuple>

using namespace bamboohr_test;

namespace {

class TrainingTest : public BambooHrTest {
 protected:
  // Mentor training by type id, fire safety by type name: both forms are keys.
  json training_settings(json extra = json::object()) {
    json training = {{"types",
                      {{fake_.training_type_id("MENTOR-101"), "MENTOR-101"},
                       {fake_.training_type_name("FIRE-SAFETY"), "FIRE-SAFETY"}}},
                     {"page_size", 40}};
    training.update(extra);
    return {{"training", training}};
  }

  struct Pulled {
    std::vector<json> records;
    std::vector<json> cursors;  // the cursor each page was pulled with
    long long skipped = 0;
    json last;
  };
  Pulled pull_all(bamboohr::BambooHrAdapter& adapter, json cursor = nullptr) {
    Pulled out;
    for (int guard = 0; guard < 1000; ++guard) {
      json answer = pull(adapter, "course_completions", cursor);
      EXPECT_TRUE(answer["problems"].empty()) << answer["problems"].dump(1);
      out.cursors.push_back(cursor);
      for (const auto& r : answer["records"]) out.records.push_back(r);
      out.skipped += answer["skipped"].get<long long>();
      out.last = answer;
      cursor = answer["next_cursor"];
      if (!answer["more"].get<bool>()) break;
    }
    return out;
  }

  // The fake's records of current employees, split into those of the
  // configured courses and the rest.
  std::pair<std::vector<FakeBambooHr::TrainingRecord>, std::size_t> expected() const {
    auto active = active_people();
    std::vector<FakeBambooHr::TrainingRecord> mapped;
    std::size_t others = 0;
    for (const auto& r : fake_.training_records()) {
      if (!active.contains(r.employee_id)) continue;
      if (r.course_code == "MENTOR-101" || r.course_code == "FIRE-SAFETY") {
        mapped.push_back(r);
      } else {
        ++others;
      }
    }
    return {mapped, others};
  }

  // A record of a current employee for a course, skipping `skip` matches.
  FakeBambooHr::TrainingRecord record_of(const std::string& course, int skip = 0) const {
    auto active = active_people();
    for (const auto& r : fake_.training_records()) {
      if (r.course_code == course && active.contains(r.employee_id) && skip-- == 0) return r;
    }
    ADD_FAILURE() << "no record of " << course;
    return {};
  }
};

std::multiset<std::tuple<std::string, std::string, std::string>> keys_of(
    const std::vector<json>& records) {
  std::multiset<std::tuple<std::string, std::string, std::string>> out;
  for (const auto& r : records) {
    out.emplace(r["person_id"].get<std::string>(), r["course_id"].get<std::string>(),
                r["completed_at"].get<std::string>());
  }
  return out;
}

}  // namespace

TEST_F(TrainingTest, RecordsOfConfiguredTypesBecomeCompletionsAndOtherTypesAreSkipped) {
  auto adapter = make(training_settings());
  Pulled pulled = pull_all(*adapter);
  auto [mapped, others] = expected();
  ASSERT_GT(mapped.size(), 100u) << "the demo has mentor and fire-safety training";
  EXPECT_GT(pulled.cursors.size(), 2u) << "40 employees a page gives several pages";
  EXPECT_EQ(pulled.records.size(), mapped.size());
  EXPECT_EQ(static_cast<std::size_t>(pulled.skipped), others);
  std::multiset<std::tuple<std::string, std::string, std::string>> want;
  for (const auto& r : mapped) want.emplace(r.employee_id, r.course_code, r.completed);
  EXPECT_EQ(keys_of(pulled.records), want) << "each record once, none lost";
  for (const auto& r : pulled.records) {
    EXPECT_TRUE(mentoring::schema::validate("course-completion", r, "completion").empty())
        << r.dump();
  }
  // Expiry from the type's renewal frequency: mentor training every 36 months,
  // fire safety every 12 (the demo's Expires column).
  for (const auto& r : pulled.records) {
    std::string completed = r["completed_at"];
    int years = r["course_id"] == "MENTOR-101" ? 3 : 1;
    std::string want_expiry =
        std::to_string(std::stoi(completed.substr(0, 4)) + years) + completed.substr(4);
    if (completed.substr(5) == "02-29") continue;  // lands on the 28th
    EXPECT_EQ(r["expires_at"], want_expiry) << r.dump();
  }
}

TEST_F(TrainingTest, ValidForDaysOverridesTheRenewalFrequency) {
  auto adapter = make(training_settings({{"valid_for_days", {{"MENTOR-101", 10}}}}));
  Pulled pulled = pull_all(*adapter);
  auto record = record_of("MENTOR-101");
  bool seen = false;
  for (const auto& r : pulled.records) {
    if (r["person_id"] == record.employee_id && r["course_id"] == "MENTOR-101" &&
        r["completed_at"] == record.completed) {
      seen = true;
      EXPECT_EQ(r["expires_at"], mentoring::adapters::rest::add_days(record.completed, 10));
    }
  }
  EXPECT_TRUE(seen);
}

TEST_F(TrainingTest, ValidForDaysOfACourseNoTypeMapsToIsASettingsError) {
  try {
    make(training_settings({{"valid_for_days", {{"MENTOR-102", 10}}}}));
    FAIL();
  } catch (const mentoring::Error& e) {
    EXPECT_EQ(e.status(), MENTORING_ERR_INVALID_INPUT);
    EXPECT_NE(std::string(e.what()).find("/training/valid_for_days/MENTOR-102"), std::string::npos)
        << e.what();
  }
}

// Records of an unmapped type are quarantined (no course: no id), the
// mapped ones are stored and the cursor moves on.
TEST_F(TrainingTest, UnmappedTypesAreQuarantinedWhenSettingsSaySo) {
  auto adapter = make(training_settings({{"page_size", 1000}, {"unmapped_types", "problem"}}));
  json answer = pull(*adapter, "course_completions", nullptr);
  EXPECT_TRUE(answer["problems"].empty()) << answer["problems"].dump(1);
  auto [mapped, others] = expected();
  ASSERT_GT(others, 0u);
  EXPECT_EQ(answer["quarantine"].size(), others);
  EXPECT_EQ(answer["records"].size(), mapped.size()) << "the mapped records are taken";
  EXPECT_NE(answer["next_cursor"], nullptr) << "the cursor moves on";
  const json& problem = answer["quarantine"][0];
  EXPECT_TRUE(problem["record_id"].is_null()) << problem.dump();
  EXPECT_EQ(problem["field"], "type") << problem.dump();
  EXPECT_EQ(problem["pointer"], "/course_id");
  EXPECT_NE(problem["expected"].get<std::string>().find("training.types"), std::string::npos)
      << problem.dump();
}

TEST_F(TrainingTest, TypesMappedToNullAreSkippedEvenWhenUnmappedTypesAreProblems) {
  json types = {{fake_.training_type_id("MENTOR-101"), "MENTOR-101"},
                {fake_.training_type_id("FIRE-SAFETY"), "FIRE-SAFETY"}};
  for (const char* code : {"GDPR-2026", "MANUAL-HANDLING", "RTW-PAIR-01"})
    types[fake_.training_type_name(code)] = nullptr;
  auto adapter =
      make({{"training", {{"types", types}, {"unmapped_types", "problem"}, {"page_size", 1000}}}});
  Pulled pulled = pull_all(*adapter);
  auto [mapped, others] = expected();
  EXPECT_EQ(pulled.records.size(), mapped.size());
  EXPECT_EQ(static_cast<std::size_t>(pulled.skipped), others);
}

TEST_F(TrainingTest, BadRecordsAreQuarantinedNamingRequestRecordAndFieldAndAllAreListed) {
  auto missing_date = record_of("MENTOR-101", 0);
  auto future_date = record_of("FIRE-SAFETY", 0);
  auto no_type = record_of("FIRE-SAFETY", 5);
  fake_.corrupt_training(missing_date.id, "completed", "0000-00-00");
  fake_.corrupt_training(future_date.id, "completed", "2027-03-01");
  fake_.corrupt_training(no_type.id, "type", nullptr);
  auto adapter = make(training_settings({{"page_size", 1000}}));
  json answer = pull(*adapter, "course_completions", nullptr);
  EXPECT_TRUE(answer["problems"].empty()) << answer["problems"].dump(1);
  auto [mapped, others] = expected();
  EXPECT_EQ(answer["records"].size(), mapped.size() - 3) << "the sound records are taken";
  EXPECT_NE(answer["next_cursor"], nullptr) << "the cursor moves on";
  ASSERT_EQ(answer["quarantine"].size(), 3u) << answer["quarantine"].dump(1);
  auto find = [&](const FakeBambooHr::TrainingRecord& r) {
    for (const auto& p : answer["quarantine"]) {
      std::string source = p["source"];
      if (source.find("/api/v1/training/record/employee/" + r.employee_id) != std::string::npos &&
          source.find("training record " + r.id) != std::string::npos)
        return p;
    }
    return json();
  };
  json p1 = find(missing_date), p2 = find(future_date), p3 = find(no_type);
  ASSERT_TRUE(p1.is_object() && p2.is_object() && p3.is_object()) << answer["quarantine"].dump(1);
  // Held under the key the plugin gives completions; one without a type has none.
  EXPECT_EQ(p1["record_id"], missing_date.employee_id + "/MENTOR-101");
  EXPECT_EQ(p2["record_id"], future_date.employee_id + "/FIRE-SAFETY");
  EXPECT_TRUE(p3["record_id"].is_null());
  EXPECT_EQ(p1["field"], "completed");
  EXPECT_EQ(p1["pointer"], "/completed_at");
  EXPECT_EQ(p1["found"], "\"0000-00-00\"");
  EXPECT_EQ(p2["field"], "completed");
  EXPECT_NE(p2["expected"].get<std::string>().find("on or before today (2026-12-01)"),
            std::string::npos)
      << p2.dump();
  EXPECT_EQ(p3["field"], "type");
  EXPECT_EQ(p3["pointer"], "/course_id");
  for (const auto& p : {p1, p2, p3}) {
    EXPECT_TRUE(p["row"].is_number()) << p.dump();
    EXPECT_NE(p["message"].get<std::string>().find(p["field"].get<std::string>()),
              std::string::npos);
  }
}

TEST_F(TrainingTest, UnknownTypeInSettingsIsAProblemListingBambooHrsTypes) {
  auto adapter = make({{"training", {{"types", {{"Underwater basket weaving", "UBW-1"}}}}}});
  json answer = pull(*adapter, "course_completions", nullptr);
  ASSERT_EQ(answer["problems"].size(), 1u) << answer.dump(1);
  const json& problem = answer["problems"][0];
  EXPECT_NE(problem["source"].get<std::string>().find("GET /api/v1/training/type"),
            std::string::npos);
  EXPECT_NE(problem["found"].get<std::string>().find("Underwater basket weaving"),
            std::string::npos);
  EXPECT_NE(problem["expected"].get<std::string>().find(fake_.training_type_name("MENTOR-101")),
            std::string::npos)
      << problem.dump();

  json check = json::parse(adapter->call("check", "{}"));
  json line = capability(check, "read_course_completions");
  EXPECT_FALSE(check["ok"].get<bool>());
  EXPECT_TRUE(line["reachable"].get<bool>() && line["authenticated"].get<bool>());
  EXPECT_FALSE(line["permitted"].get<bool>()) << line.dump();
  EXPECT_NE(line["message"].get<std::string>().find("Underwater basket weaving"),
            std::string::npos);
}

TEST_F(TrainingTest, ACursorRepeatsAtMostOnePageAfterARestart) {
  auto adapter = make(training_settings());
  json first = pull(*adapter, "course_completions", nullptr);
  ASSERT_TRUE(first["more"].get<bool>());
  json second = pull(*adapter, "course_completions", first["next_cursor"]);
  ASSERT_TRUE(second["more"].get<bool>());
  // A crash after the second page was fetched but before it was stored: the
  // plugin still holds the first page's cursor, and a new adapter repeats
  // exactly that page.
  auto restarted = make(training_settings());
  json again = pull(*restarted, "course_completions", first["next_cursor"]);
  EXPECT_EQ(again["records"], second["records"]);
  EXPECT_EQ(again["next_cursor"], second["next_cursor"]);
  // And from there the rest is read, nothing lost.
  Pulled rest = pull_all(*restarted, again["next_cursor"]);
  std::vector<json> all;
  for (const auto& page : {first, again})
    for (const auto& r : page["records"]) all.push_back(r);
  all.insert(all.end(), rest.records.begin(), rest.records.end());
  EXPECT_EQ(all.size(), expected().first.size());
}

TEST_F(TrainingTest, AfterAFullPassOnlyChangedEmployeesAreReadAgain) {
  auto adapter = make(training_settings({{"page_size", 1000}}));
  Pulled full = pull_all(*adapter);
  ASSERT_FALSE(full.records.empty());
  json cursor = full.last["next_cursor"];
  json quiet = pull(*adapter, "course_completions", cursor);
  EXPECT_TRUE(quiet["unchanged"].get<bool>()) << quiet.dump();
  EXPECT_EQ(quiet["next_cursor"], cursor);

  auto mentor = record_of("MENTOR-101");
  fake_.touch(mentor.employee_id, "2026-12-01T00:00:05Z");
  json changed = pull(*make(training_settings()), "course_completions", cursor);
  ASSERT_TRUE(changed["problems"].empty()) << changed["problems"].dump();
  ASSERT_FALSE(changed["records"].empty());
  std::size_t theirs = 0;
  for (const auto& r : fake_.training_records()) {
    theirs += r.employee_id == mentor.employee_id &&
              (r.course_code == "MENTOR-101" || r.course_code == "FIRE-SAFETY");
  }
  EXPECT_EQ(changed["records"].size(), theirs);
  for (const auto& r : changed["records"]) EXPECT_EQ(r["person_id"], mentor.employee_id);
  EXPECT_NE(changed["next_cursor"], cursor) << "the cursor moves on to BambooHR's latest change";
}

TEST_F(TrainingTest, AnEmployeeTheApiUserMayNotSeeIsQuarantinedNamingTheRequest) {
  auto mentor = record_of("MENTOR-101");
  fake_.forbid("/api/v1/training/record/employee/" + mentor.employee_id);
  auto adapter = make(training_settings({{"page_size", 1000}}));
  json answer = pull(*adapter, "course_completions", nullptr);
  EXPECT_TRUE(answer["problems"].empty()) << answer["problems"].dump(1);
  ASSERT_EQ(answer["quarantine"].size(), 1u) << answer.dump(1);
  EXPECT_FALSE(answer["records"].empty()) << "the other employees' records are taken";
  for (const auto& r : answer["records"]) EXPECT_NE(r["person_id"], mentor.employee_id);
  EXPECT_NE(answer["next_cursor"], nullptr) << "the cursor moves on";
  const json& problem = answer["quarantine"][0];
  EXPECT_NE(problem["excerpt"].get<std::string>().find(mentor.employee_id), std::string::npos);
  EXPECT_NE(problem["source"].get<std::string>().find("/api/v1/training/record/employee/" +
                                                      mentor.employee_id),
            std::string::npos);
  EXPECT_NE(problem["found"].get<std::string>().find("HTTP 403"), std::string::npos)
      << problem.dump();
  EXPECT_EQ(problem["found"].get<std::string>().find("key-1234"), std::string::npos);
}

TEST_F(TrainingTest, CheckProbesTheTrainingTypes) {
  auto adapter = make(training_settings());
  json line = capability(json::parse(adapter->call("check", "{}")), "read_course_completions");
  EXPECT_TRUE(line["configured"].get<bool>() && line["permitted"].get<bool>()) << line.dump();

  fake_.forbid("/api/v1/training/type");
  json check = json::parse(adapter->call("check", "{}"));
  line = capability(check, "read_course_completions");
  EXPECT_FALSE(check["ok"].get<bool>());
  EXPECT_TRUE(line["reachable"].get<bool>() && line["authenticated"].get<bool>()) << line.dump();
  EXPECT_FALSE(line["permitted"].get<bool>());

  json unconfigured =
      capability(json::parse(make()->call("check", "{}")), "read_course_completions");
  EXPECT_FALSE(unconfigured["configured"].get<bool>());
}

TEST_F(TrainingTest, TrainingModuleForbiddenFailsThePullNamingTheRequest) {
  fake_.forbid("/api/v1/training/type");
  auto adapter = make(training_settings());
  try {
    pull(*adapter, "course_completions", nullptr);
    FAIL();
  } catch (const mentoring::Error& e) {
    EXPECT_EQ(e.status(), MENTORING_ERR_FAILED);
    EXPECT_NE(std::string(e.what()).find("training types"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("403"), std::string::npos) << e.what();
  }
}
