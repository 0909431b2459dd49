// The optional keeping_in_touch_days export: KIT / SPLIT days the HR system
// records, mapped like leave.csv (fields, date_format), a bad row quarantined
// naming its column while the others are sent, and no stream without the section.
#include "file_adapter/file_adapter.hpp"

#include <mentoring/schema.hpp>

#include "test_support.hpp"

namespace mentoring::adapters::file {
namespace {

using nlohmann::json;
using testing::config_for;
using testing::write_file;

json kit_settings() {
  return json::parse(R"({"path": "data/kit_days.csv", "date_format": "DD/MM/YYYY",
    "fields": {"id": "KIT ID", "person_id": "Employee ID", "date": "Date",
               "leave_id": "Request ID", "note": "Notes"}})");
}

class KitDaysExport : public ::testing::Test {
 protected:
  json pull(const json& settings, json cursor = nullptr) {
    FileAdapter adapter(config_for(settings, dir.path()));
    json answer = json::parse(
        adapter.call("pull", json{{"stream", "keeping_in_touch_days"}, {"cursor", cursor}}.dump()));
    for (const auto& record : answer["records"]) {
      auto problems = schema::validate("keeping-in-touch-day", record, "test");
      EXPECT_TRUE(problems.empty())
          << record.dump() << ": " << (problems.empty() ? "" : problems[0].message());
    }
    return answer;
  }
  testing::TempDir dir;
};

TEST_F(KitDaysExport, RowsBecomeKeepingInTouchDayRecords) {
  write_file(dir / "data/kit_days.csv",
             "KIT ID,Employee ID,Date,Request ID,Notes\n"
             "KIT-1,E1,05/04/2027,LR-1,Team planning day\n"
             "KIT-2,E1,12/04/2027,,\n");
  json answer = pull({{"keeping_in_touch_days", kit_settings()}});
  ASSERT_TRUE(answer["problems"].empty()) << answer.dump(2);
  ASSERT_EQ(answer["records"].size(), 2u) << answer.dump(2);
  EXPECT_EQ(answer["records"][0], json({{"id", "KIT-1"},
                                        {"person_id", "E1"},
                                        {"date", "2027-04-05"},
                                        {"leave_id", "LR-1"},
                                        {"note", "Team planning day"}}));
  // An empty cell of an optional column is null: the plugin finds the leave covering the day.
  EXPECT_TRUE(answer["records"][1]["leave_id"].is_null());
  EXPECT_TRUE(answer["records"][1]["note"].is_null());
  EXPECT_FALSE(answer.contains("full_read"));  // only people exports are full reads
  // Unchanged file, same cursor: nothing new.
  json again = pull({{"keeping_in_touch_days", kit_settings()}}, answer["next_cursor"]);
  EXPECT_EQ(again["unchanged"], true);
  EXPECT_TRUE(again["records"].empty());
}

TEST_F(KitDaysExport, ABadRowIsQuarantinedNamingItsColumnAndTheOthersAreSent) {
  write_file(dir / "data/kit_days.csv",
             "KIT ID,Employee ID,Date,Request ID,Notes\n"
             "KIT-1,E1,05/04/2027,LR-1,\n"
             "KIT-2,E1,31/02/2027,LR-1,\n"
             "KIT-3,,19/04/2027,LR-1,\n"
             "KIT-4,E2,26/04/2027,,\n");
  json answer = pull({{"keeping_in_touch_days", kit_settings()}});
  ASSERT_TRUE(answer["problems"].empty()) << answer.dump(2);
  ASSERT_EQ(answer["records"].size(), 2u) << answer.dump(2);
  EXPECT_EQ(answer["records"][0]["id"], "KIT-1");
  EXPECT_EQ(answer["records"][1]["id"], "KIT-4");
  ASSERT_EQ(answer["quarantine"].size(), 2u) << answer.dump(2);
  const json& bad_date = answer["quarantine"][0];
  EXPECT_EQ(bad_date["record_id"], "KIT-2");
  EXPECT_EQ(bad_date["row"], 3);
  EXPECT_EQ(bad_date["field"], "Date");
  EXPECT_EQ(bad_date["pointer"], "/date");
  EXPECT_NE(bad_date["message"].get<std::string>().find("February 2027 has 28 days"),
            std::string::npos)
      << bad_date.dump();
  const json& no_person = answer["quarantine"][1];
  EXPECT_EQ(no_person["record_id"], "KIT-3");
  EXPECT_EQ(no_person["field"], "Employee ID");
  EXPECT_EQ(no_person["pointer"], "/person_id");
  EXPECT_NE(answer["next_cursor"], nullptr);  // the rest is taken: the cursor moves on
}

TEST_F(KitDaysExport, ANoteWithAControlCharacterIsHeldNamingTheLimit) {
  write_file(dir / "data/kit_days.csv",
             "KIT ID,Employee ID,Date,Request ID,Notes\n"
             "KIT-1,E1,05/04/2027,LR-1,\"bell\x07\"\n");
  json answer = pull({{"keeping_in_touch_days", kit_settings()}});
  ASSERT_EQ(answer["quarantine"].size(), 1u) << answer.dump(2);
  EXPECT_EQ(answer["quarantine"][0]["pointer"], "/note");
  EXPECT_EQ(answer["quarantine"][0]["field"], "Notes");
  EXPECT_TRUE(answer["records"].empty());
}

TEST_F(KitDaysExport, WithoutTheSectionTheStreamIsNotOfferedAndAMissingFileIsRefused) {
  json nothing = pull(json::object());
  EXPECT_TRUE(nothing["records"].empty());
  EXPECT_TRUE(nothing["next_cursor"].is_null());
  EXPECT_EQ(nothing["unchanged"], true);

  // Configured but the file is missing: the file is refused as a whole (as for every export).
  json missing = pull({{"keeping_in_touch_days", kit_settings()}});
  ASSERT_EQ(missing["problems"].size(), 1u) << missing.dump(2);
  EXPECT_NE(missing["problems"][0]["message"].get<std::string>().find("no such file"),
            std::string::npos);
  EXPECT_TRUE(missing["next_cursor"].is_null());

  FileAdapter adapter(config_for({{"keeping_in_touch_days", kit_settings()}}, dir.path()));
  write_file(dir / "data/kit_days.csv",
             "KIT ID,Employee ID,Date,Request ID,Notes\nK,E1,05/04/2027,,\n");
  json check = json::parse(adapter.call("check", "{}"));
  json kit;
  for (const auto& c : check["capabilities"])
    if (c["name"] == "read_keeping_in_touch_days") kit = c;
  EXPECT_EQ(kit["configured"], true);
  EXPECT_EQ(kit["message"], "kit_days.csv readable, 1 rows") << check.dump(2);
}

TEST_F(KitDaysExport, SettingsNeedTheIdPersonAndDateColumns) {
  json settings = kit_settings();
  settings["fields"].erase("date");
  auto [status, message] = testing::error_of([&] {
    FileAdapter adapter(config_for({{"keeping_in_touch_days", settings}}, dir.path()));
  });
  EXPECT_EQ(status, MENTORING_ERR_INVALID_INPUT);
  EXPECT_NE(message.find("/keeping_in_touch_days/fields"), std::string::npos) << message;
  EXPECT_NE(message.find("date"), std::string::npos) << message;
}

}  // namespace
}  // namespace mentoring::adapters::file
