#include "file_adapter/settings.hpp"

#include "test_support.hpp"

namespace mentoring::adapters::file {
namespace {

using nlohmann::json;
using testing::config_for;
using testing::error_of;

// The settings block the demo data uses (keep in step with adapters/file/README.md).
json demo_settings() {
  return json::parse(R"({
    "people": {"path": "data/northwind/people.csv", "format": "csv", "date_format": "DD/MM/YYYY",
               "fields": {"id": "Employee ID", "name": "Full Name", "email": "Work Email",
                          "manager_id": "Supervisor ID", "department": "Department",
                          "location": "Location", "start_date": "Hire Date",
                          "end_date": "Termination Date", "languages": "Languages"},
               "list_separator": ";"},
    "leave": {"path": "data/northwind/leave.csv", "format": "csv", "date_format": "DD/MM/YYYY",
              "fields": {"id": "Request ID", "person_id": "Employee ID", "type": "Leave Type",
                         "start": "Start Date", "expected_end": "End Date",
                         "actual_end": "Actual Return", "status": "Status",
                         "last_changed": "Last Changed"},
              "leave_types": {"Maternity Leave": "maternity", "Paternity Leave": "paternity",
                              "Annual Leave": null},
              "statuses": {"Approved": "approved", "Requested": "requested",
                           "Cancelled": "cancelled", "Denied": "denied"}},
    "course_completions": {"path": "data/northwind/training.json", "format": "json",
              "records_pointer": "/completions",
              "fields": {"person_id": "employee", "course_id": "course", "completed_at": "done"}},
    "outbox": {"path": "../state/northwind/outbox.jsonl"}
  })");
}

TEST(Settings, DemoSettingsAreValidAndPathsResolveAgainstBaseDir) {
  Settings s = parse_settings(demo_settings(), "/srv/demo/orgs", "settings");
  ASSERT_TRUE(s.people && s.leave && s.course_completions && s.outbox);
  EXPECT_EQ(s.people->path, "/srv/demo/orgs/data/northwind/people.csv");
  EXPECT_EQ(s.people->source_name(), "people.csv");
  EXPECT_EQ(s.people->date_format, DateFormat::day_month_year);
  EXPECT_EQ(s.people->fields.at("start_date"), "Hire Date");
  EXPECT_EQ(*s.outbox, "/srv/demo/state/northwind/outbox.jsonl");
  EXPECT_EQ(s.leave->leave_types.at("Maternity Leave"), "maternity");
  EXPECT_FALSE(s.leave->leave_types.at("Annual Leave").has_value());
  EXPECT_EQ(s.course_completions->format, Format::json);
  EXPECT_EQ(s.course_completions->records_pointer, "/completions");
  EXPECT_EQ(s.course_completions->date_format, DateFormat::year_month_day);  // the default
}

TEST(Settings, EverySectionIsOptional) {
  Settings s = parse_settings(json::object(), "/srv", "settings");
  EXPECT_FALSE(s.people || s.leave || s.course_completions || s.outbox);
}

TEST(Settings, AbsolutePathsStayAsTheyAre) {
  Settings s = parse_settings(json{{"outbox", {{"path", "/var/out/o.jsonl"}}}}, "/srv", "settings");
  EXPECT_EQ(*s.outbox, "/var/out/o.jsonl");
}

std::string settings_error(const json& settings) {
  auto [status, message] = error_of([&] { parse_settings(settings, "/srv", "settings"); });
  EXPECT_EQ(status, MENTORING_ERR_INVALID_INPUT);
  return message;
}

TEST(Settings, MisspeltKeyNamesItsPointer) {
  json s = demo_settings();
  s["people"]["feilds"] = s["people"]["fields"];
  s["people"].erase("fields");
  std::string message = settings_error(s);
  EXPECT_NE(message.find("/people/feilds"), std::string::npos) << message;
  EXPECT_NE(message.find("did you mean \"fields\""), std::string::npos) << message;
  EXPECT_NE(message.find("/people/fields"), std::string::npos) << message;  // and it is missing
}

TEST(Settings, EachProblemIsListed) {
  json s = demo_settings();
  s["people"]["fields"].erase("id");
  s["people"]["date_format"] = "DD.MM.YYYY";
  s["leave"]["leave_types"]["Maternity Leave"] = "motherhood";
  s["leave"].erase("path");
  std::string message = settings_error(s);
  for (auto pointer : {"/people/fields/id", "/people/date_format",
                       "/leave/leave_types/Maternity Leave", "/leave/path"}) {
    EXPECT_NE(message.find(pointer), std::string::npos) << pointer << " in " << message;
  }
}

TEST(Settings, LeaveNeedsLeaveTypes) {
  json s = demo_settings();
  s["leave"].erase("leave_types");
  EXPECT_NE(settings_error(s).find("/leave/leave_types"), std::string::npos);
}

TEST(Settings, UnknownOurFieldIsRefused) {
  json s = demo_settings();
  s["people"]["fields"]["shoe_size"] = "Shoe Size";
  EXPECT_NE(settings_error(s).find("/people/fields/shoe_size"), std::string::npos);
}

TEST(Settings, DelimiterIsOneByte) {
  json s = demo_settings();
  s["people"]["delimiter"] = "\xC2\xA7";  // one character, two bytes
  EXPECT_NE(settings_error(s).find("/people/delimiter"), std::string::npos);
}

TEST(Settings, AdapterConstructorRefusesBadConfig) {
  testing::TempDir dir;
  auto [status, message] = error_of([&] { FileAdapter adapter("{not json"); });
  EXPECT_EQ(status, MENTORING_ERR_INVALID_INPUT);
  EXPECT_NE(message.find("file adapter config"), std::string::npos) << message;

  json s = demo_settings();
  s["people"]["feilds"] = s["people"]["fields"];
  auto [status2, message2] = error_of([&] { FileAdapter adapter(config_for(s, dir.path())); });
  EXPECT_EQ(status2, MENTORING_ERR_INVALID_INPUT);
  EXPECT_NE(message2.find("adapter \"hr-export\" of northwind settings"), std::string::npos)
      << message2;
  EXPECT_NE(message2.find("/people/feilds"), std::string::npos) << message2;
}

TEST(Settings, EmbeddedSchemaIsTheSourceFile) {
  json schema = json::parse(settings_schema_text());
  EXPECT_EQ(schema["title"], "file adapter settings");
}

}  // namespace
}  // namespace mentoring::adapters::file
