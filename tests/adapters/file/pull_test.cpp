#include "file_adapter/file_adapter.hpp"

#include <mentoring/schema.hpp>

#include "test_support.hpp"

namespace mentoring::adapters::file {
namespace {

using nlohmann::json;
using testing::config_for;
using testing::error_of;
using testing::write_file;

const char* const kPeopleHeader =
    "Employee ID,Full Name,Work Email,Supervisor ID,Department,Location,Hire Date,"
    "Termination Date,Languages,Job Title\n";

json people_settings() {
  return json::parse(R"({"path": "data/people.csv", "format": "csv", "date_format": "DD/MM/YYYY",
    "fields": {"id": "Employee ID", "name": "Full Name", "email": "Work Email",
               "manager_id": "Supervisor ID", "department": "Department", "location": "Location",
               "start_date": "Hire Date", "end_date": "Termination Date", "languages": "Languages"},
    "list_separator": ";"})");
}

json leave_settings() {
  return json::parse(R"({"path": "data/leave.csv", "date_format": "DD/MM/YYYY",
    "fields": {"id": "Request ID", "person_id": "Employee ID", "type": "Leave Type",
               "start": "Start Date", "expected_end": "End Date", "actual_end": "Actual Return",
               "status": "Status", "last_changed": "Last Changed"},
    "leave_types": {"Maternity Leave": "maternity", "Carer's Leave": "carers", "Annual Leave": null}})");
}

const char* const kLeaveHeader =
    "Request ID,Employee ID,Leave Type,Start Date,End Date,Actual Return,Status,Last Changed\n";

// The read id a complete cursor belongs to: "file2:<content hash>:<settings hash>"
// of "file2:done:<content hash>:<settings hash>:<stat...>".
std::string read_id_of(const json& cursor) {
  const std::string text = cursor.get<std::string>();
  EXPECT_EQ(text.rfind("file2:done:", 0), 0u) << text;
  const auto content = text.find(':', 11);
  const auto settings = text.find(':', content + 1);
  return "file2:" + text.substr(11, settings - 11);
}

class Pull : public ::testing::Test {
 protected:
  json pull(const json& settings, const std::string& stream, json cursor = nullptr) {
    FileAdapter adapter(config_for(settings, dir.path()));
    json answer =
        json::parse(adapter.call("pull", json{{"stream", stream}, {"cursor", cursor}}.dump()));
    for (const auto& record : answer["records"]) {
      const char* schema = stream == "people"  ? "person"
                           : stream == "leave" ? "leave"
                                               : "course-completion";
      EXPECT_TRUE(schema::validate(schema, record, "test").empty()) << record.dump();
    }
    return answer;
  }
  json pull_people(const std::string& csv, json cursor = nullptr) {
    write_file(dir / "data/people.csv", csv);
    return pull({{"people", people_settings()}}, "people", cursor);
  }
  json pull_leave(const std::string& csv, json settings = leave_settings()) {
    write_file(dir / "data/leave.csv", csv);
    return pull({{"leave", settings}}, "leave");
  }
  // The only problem of a failed pull, checking that nothing was ingested.
  json only_problem(const json& answer) {
    EXPECT_TRUE(answer["records"].empty()) << answer.dump(2);
    EXPECT_EQ(answer["problems"].size(), 1u) << answer.dump(2);
    return answer["problems"].empty() ? json::object() : answer["problems"][0];
  }
  // The only quarantined row of a pull that took the file: no page problem, the
  // cursor moves on, and `records` holds the other rows.
  json only_quarantined(const json& answer, std::size_t records = 0) {
    EXPECT_TRUE(answer["problems"].empty()) << answer.dump(2);
    EXPECT_TRUE(answer["next_cursor"].is_string()) << answer.dump(2);
    EXPECT_EQ(answer["records"].size(), records) << answer.dump(2);
    EXPECT_EQ(answer["quarantine"].size(), 1u) << answer.dump(2);
    return answer["quarantine"].empty() ? json::object() : answer["quarantine"][0];
  }

  testing::TempDir dir;
};

TEST_F(Pull, MapsPeopleFromCsv) {
  json answer =
      pull_people(std::string(kPeopleHeader) +
                  "E1,Ann Lee,ann@nw.example,,Sales,Leeds,07/03/2019,,English; Welsh ;,Rep\n"
                  "E2,\"Bo, Jr\",,E1,Sales,,1/2/2020,31/12/2024,,\n");
  ASSERT_TRUE(answer["problems"].empty()) << answer.dump(2);
  ASSERT_EQ(answer["records"].size(), 2u);
  EXPECT_EQ(answer["records"][0],
            json::parse(R"({"id":"E1","name":"Ann Lee","email":"ann@nw.example",
    "manager_id":null,"department":"Sales","location":"Leeds","start_date":"2019-03-07",
    "end_date":null,"languages":["English","Welsh"]})"));
  EXPECT_EQ(answer["records"][1]["name"], "Bo, Jr");
  EXPECT_EQ(answer["records"][1]["manager_id"], "E1");
  EXPECT_EQ(answer["records"][1]["start_date"], "2020-02-01");
  EXPECT_EQ(answer["records"][1]["end_date"], "2024-12-31");
  EXPECT_EQ(answer["records"][1]["languages"], json::array());
  EXPECT_TRUE(answer["next_cursor"].is_string());
  EXPECT_EQ(answer["unchanged"], false);
  EXPECT_EQ(answer["more"], false);
}

TEST_F(Pull, UnmappedOptionalFieldsAreLeftOutAndAttributesCopied) {
  json settings = people_settings();
  settings["fields"] = {{"id", "Employee ID"}, {"name", "Full Name"}};
  settings["attributes"] = {"Job Title"};
  write_file(dir / "data/people.csv",
             std::string(kPeopleHeader) + "E1,Ann,,,,,,,,Rep\nE2,Bo,,,,,,,,\n");
  json answer = pull({{"people", settings}}, "people");
  ASSERT_EQ(answer["records"].size(), 2u) << answer.dump(2);
  EXPECT_EQ(answer["records"][0],
            json::parse(R"({"id":"E1","name":"Ann","attributes":{"Job Title":"Rep"}})"));
  EXPECT_EQ(answer["records"][1]["attributes"]["Job Title"], nullptr);
}

// Issue 11: exports that carry the number HR staff know people by beside an internal id, and
// the other (indirect) managers, several in one cell.
TEST_F(Pull, MapsEmployeeNumberAndIndirectManagers) {
  json settings = people_settings();
  settings["fields"] = {{"id", "empNumber"},
                        {"name", "Full Name"},
                        {"manager_id", "Supervisor"},
                        {"employee_number", "Employee Id"},
                        {"indirect_manager_ids", "Indirect Supervisors"}};
  write_file(dir / "data/people.csv",
             "empNumber,Employee Id,Full Name,Supervisor,Indirect Supervisors\n"
             "42,E0042,Ann Lee,7,9; 12 ;\n"
             "7,,Bo,,\n");
  json answer = pull({{"people", settings}}, "people");
  ASSERT_TRUE(answer["problems"].empty()) << answer.dump(2);
  ASSERT_EQ(answer["records"].size(), 2u);
  EXPECT_EQ(answer["records"][0], json::parse(R"({"id":"42","name":"Ann Lee","manager_id":"7",
    "employee_number":"E0042","indirect_manager_ids":["9","12"]})"));
  EXPECT_EQ(answer["records"][1]["employee_number"], nullptr);
  EXPECT_EQ(answer["records"][1]["indirect_manager_ids"], json::array());
}

TEST_F(Pull, UnchangedFileGivesNoRecords) {
  const std::string csv = std::string(kPeopleHeader) + "E1,Ann,,,,,,,,\n";
  json first = pull_people(csv);
  json again = pull_people(csv, first["next_cursor"]);
  EXPECT_TRUE(again["records"].empty());
  EXPECT_EQ(again["unchanged"], true);
  EXPECT_EQ(again["next_cursor"], first["next_cursor"]);

  json changed = pull_people(csv + "E2,Bo,,,,,,,,\n", first["next_cursor"]);
  EXPECT_EQ(changed["unchanged"], false);
  EXPECT_EQ(changed["records"].size(), 2u);
  EXPECT_NE(changed["next_cursor"], first["next_cursor"]);
}

TEST_F(Pull, ChangedMappingReadsTheSameFileAgain) {
  write_file(dir / "data/people.csv", std::string(kPeopleHeader) + "E1,Ann,,,,,,,,\n");
  json first = pull({{"people", people_settings()}}, "people");
  json settings = people_settings();
  settings["fields"].erase("location");
  json second = pull({{"people", settings}}, "people", first["next_cursor"]);
  EXPECT_EQ(second["unchanged"], false);
  EXPECT_EQ(second["records"].size(), 1u);
}

TEST_F(Pull, StreamNotConfiguredIsEmptyNotAnError) {
  json answer = pull({{"people", people_settings()}}, "leave", "whatever");
  EXPECT_EQ(answer, json::parse(R"({"records":[],"next_cursor":null,"more":false,"unchanged":true,
                                    "skipped":0,"problems":[]})"));
}

TEST_F(Pull, UnknownStreamIsInvalidInput) {
  FileAdapter adapter(config_for(json::object(), dir.path()));
  auto [status, message] = error_of([&] { adapter.call("pull", R"({"stream":"payroll"})"); });
  EXPECT_EQ(status, MENTORING_ERR_INVALID_INPUT);
  EXPECT_NE(message.find("payroll"), std::string::npos);
}

TEST_F(Pull, MapsLeave) {
  json answer =
      pull_leave(std::string(kLeaveHeader) +
                 "L1,E1,Maternity Leave,01/03/2025,01/12/2025,,APPROVED,2025-01-10T09:00:00Z\n"
                 "L2,E2,Annual Leave,01/08/2025,14/08/2025,,Approved,\n"
                 "L3,E3,carer's leave,01/04/2025,01/10/2025,15/09/2025,Rejected,2025-02-01\n");
  ASSERT_TRUE(answer["problems"].empty()) << answer.dump(2);
  ASSERT_EQ(answer["records"].size(), 2u);
  EXPECT_EQ(answer["skipped"], 1);
  EXPECT_EQ(answer["records"][0], json::parse(R"({"id":"L1","person_id":"E1","type":"maternity",
    "start":"2025-03-01","expected_end":"2025-12-01","actual_end":null,"status":"approved",
    "last_changed":"2025-01-10T09:00:00Z"})"));
  EXPECT_EQ(answer["records"][1]["type"], "carers");  // leave types match ignoring case
  EXPECT_EQ(answer["records"][1]["status"], "denied");
  EXPECT_EQ(answer["records"][1]["actual_end"], "2025-09-15");
}

TEST_F(Pull, ConfiguredStatusesReplaceTheDefaults) {
  json settings = leave_settings();
  settings["statuses"] = {{"OK", "approved"}};
  json answer = pull_leave(std::string(kLeaveHeader) +
                               "L1,E1,Maternity Leave,01/03/2025,01/12/2025,,ok,\n"
                               "L2,E1,Maternity Leave,01/03/2025,01/12/2025,,Approved,\n",
                           settings);
  json p = only_quarantined(answer, 1);
  EXPECT_EQ(p["record_id"], "L2");
  EXPECT_EQ(p["row"], 3);
  EXPECT_EQ(p["field"], "Status");
  EXPECT_EQ(p["pointer"], "/status");
  EXPECT_EQ(p["expected"], "a status listed in settings.leave.statuses: \"OK\"");
}

TEST_F(Pull, MapsCourseCompletions) {
  write_file(dir / "lms.csv",
             "Person,Course,Done,Expires\nE1,MENTOR-101,2024-05-01,2026-05-01\nE2,MENTOR-101,2024-"
             "06-01,\n");
  json settings = {{"path", "lms.csv"},
                   {"fields",
                    {{"person_id", "Person"},
                     {"course_id", "Course"},
                     {"completed_at", "Done"},
                     {"expires_at", "Expires"}}}};
  json answer = pull({{"course_completions", settings}}, "course_completions");
  ASSERT_TRUE(answer["problems"].empty()) << answer.dump(2);
  ASSERT_EQ(answer["records"].size(), 2u);
  EXPECT_EQ(answer["records"][0], json::parse(R"({"person_id":"E1","course_id":"MENTOR-101",
    "completed_at":"2024-05-01","expires_at":"2026-05-01"})"));
  EXPECT_EQ(answer["records"][1]["expires_at"], nullptr);
}

TEST_F(Pull, ReadsJsonWithRecordsPointer) {
  write_file(dir / "hr.json", R"({"meta":{"exported":"2025-01-01"},"employees":[
    {"empId": 1042, "displayName": " Ann Lee ", "manager": null, "langs": ["English", "Welsh"], "hired": "2019-03-07"},
    {"empId": "E7", "displayName": "Bo", "langs": []}]})");
  json settings = {{"path", "hr.json"},
                   {"format", "json"},
                   {"records_pointer", "/employees"},
                   {"fields",
                    {{"id", "empId"},
                     {"name", "displayName"},
                     {"manager_id", "manager"},
                     {"languages", "langs"},
                     {"start_date", "hired"}}}};
  json answer = pull({{"people", settings}}, "people");
  ASSERT_TRUE(answer["problems"].empty()) << answer.dump(2);
  ASSERT_EQ(answer["records"].size(), 2u);
  EXPECT_EQ(answer["records"][0], json::parse(R"({"id":"1042","name":"Ann Lee","manager_id":null,
    "languages":["English","Welsh"],"start_date":"2019-03-07"})"));
  EXPECT_EQ(answer["records"][1]["start_date"], nullptr);  // a key missing in a record is empty
}

TEST_F(Pull, JsonProblemsNameTheRecordAndKey) {
  write_file(dir / "hr.json", R"([{"id":"E1","name":"Ann"},{"id":"E2","name":{"first":"Bo"}},7])");
  json settings = {
      {"path", "hr.json"}, {"format", "json"}, {"fields", {{"id", "id"}, {"name", "name"}}}};
  json answer = pull({{"people", settings}}, "people");
  EXPECT_TRUE(answer["problems"].empty()) << answer.dump(2);
  ASSERT_EQ(answer["records"].size(), 1u) << answer.dump(2);
  EXPECT_EQ(answer["records"][0]["id"], "E1");
  ASSERT_EQ(answer["quarantine"].size(), 2u) << answer.dump(2);
  const json& name = answer["quarantine"][0];
  EXPECT_EQ(name["record_id"], "E2");
  EXPECT_EQ(name["row"], 2);
  EXPECT_EQ(name["field"], "name");
  EXPECT_EQ(name["message"],
            "hr.json record 2, key \"name\": found an object {...}; expected text or a number");
  EXPECT_EQ(json::parse(name["excerpt"].get<std::string>())["name"]["first"], "Bo");
  const json& seven = answer["quarantine"][1];
  EXPECT_EQ(seven["record_id"], nullptr);  // not a record: no id to name
  EXPECT_EQ(seven["row"], 3);
  EXPECT_EQ(seven["expected"], "an object (one record)");
  EXPECT_EQ(seven["excerpt"], "7");
}

TEST_F(Pull, JsonObjectWithoutRecordsPointerIsAProblem) {
  write_file(dir / "hr.json", R"({"employees":[]})");
  json settings = {
      {"path", "hr.json"}, {"format", "json"}, {"fields", {{"id", "id"}, {"name", "name"}}}};
  json p = only_problem(pull({{"people", settings}}, "people"));
  EXPECT_NE(p["expected"].get<std::string>().find("records_pointer"), std::string::npos);
}

TEST_F(Pull, JsonSyntaxErrorSaysWhere) {
  write_file(dir / "hr.json", "[\n  {\"id\": \"E1\",}\n]");
  json settings = {
      {"path", "hr.json"}, {"format", "json"}, {"fields", {{"id", "id"}, {"name", "name"}}}};
  json p = only_problem(pull({{"people", settings}}, "people"));
  EXPECT_NE(p["found"].get<std::string>().find("line:column 2:"), std::string::npos) << p.dump();
}

TEST_F(Pull, EmptyJsonArrayIsAnEmptyPage) {
  write_file(dir / "hr.json", "[]");
  json settings = {
      {"path", "hr.json"}, {"format", "json"}, {"fields", {{"id", "id"}, {"name", "name"}}}};
  json answer = pull({{"people", settings}}, "people");
  EXPECT_TRUE(answer["problems"].empty());
  EXPECT_TRUE(answer["next_cursor"].is_string());
}

TEST_F(Pull, JsonRecordsWithoutAnyKeysAreProblems) {
  write_file(dir / "hr.json", "[{}, {}]");
  json settings = {
      {"path", "hr.json"}, {"format", "json"}, {"fields", {{"id", "id"}, {"name", "name"}}}};
  json answer = pull({{"people", settings}}, "people");
  EXPECT_TRUE(answer["records"].empty());
  ASSERT_EQ(answer["problems"].size(), 2u) << answer.dump(2);
  EXPECT_EQ(answer["problems"][0]["found"], "no key \"id\" (the records have no keys)");
}

// ------------------------------------------------------------------ bad input

TEST_F(Pull, MissingColumnIsOneProblemListingTheHeader) {
  json answer = pull_people("Employee ID,Full Name\nE1,Ann\n", "cursor-before");
  json settings = people_settings();
  ASSERT_FALSE(answer["problems"].empty());
  EXPECT_TRUE(answer["records"].empty());
  EXPECT_EQ(answer["next_cursor"], "cursor-before");  // the plugin keeps its cursor
  json hire;
  for (const auto& p : answer["problems"]) {
    if (p["field"] == "Hire Date") hire = p;
  }
  ASSERT_FALSE(hire.is_null()) << answer.dump(2);
  EXPECT_EQ(hire["row"], 1);
  EXPECT_EQ(hire["pointer"], "/start_date");
  EXPECT_EQ(
      hire["message"],
      "people.csv row 1, column \"Hire Date\": found no column \"Hire Date\" (the header has: "
      "\"Employee ID\", \"Full Name\"); expected a column \"Hire Date\", as "
      "settings.people.fields.start_date says");
}

TEST_F(Pull, UnparseableDate) {
  json answer = pull_people(std::string(kPeopleHeader) + "E1,Ann,,,,,01/01/2020,,,\n" +
                            "E2,Bo,,,,,2024-13-40,,,\n");
  json p = only_quarantined(answer, 1);
  EXPECT_EQ(answer["records"][0]["id"], "E1");
  EXPECT_EQ(p["record_id"], "E2");
  EXPECT_EQ(p["source"], "people.csv");
  EXPECT_EQ(p["row"], 3);
  EXPECT_EQ(p["field"], "Hire Date");
  EXPECT_EQ(p["pointer"], "/start_date");
  EXPECT_EQ(p["found"], "\"2024-13-40\"");
  EXPECT_EQ(p["expected"], "a date DD/MM/YYYY");
  EXPECT_EQ(
      p["message"],
      "people.csv row 3, column \"Hire Date\": found \"2024-13-40\"; expected a date DD/MM/YYYY");
}

TEST_F(Pull, ImpossibleDate) {
  json p = only_quarantined(pull_people(std::string(kPeopleHeader) + "E1,Ann,,,,,30/02/2024,,,\n"));
  EXPECT_EQ(p["row"], 2);
  EXPECT_EQ(p["expected"], "a date DD/MM/YYYY (February 2024 has 29 days)");
}

TEST_F(Pull, UnknownLeaveTypeListsTheKnownOnes) {
  json p = only_quarantined(pull_leave(std::string(kLeaveHeader) +
                                       "L1,E1,Sabbatical,01/03/2025,01/12/2025,,Approved,\n"));
  EXPECT_EQ(p["record_id"], "L1");
  EXPECT_EQ(p["row"], 2);
  EXPECT_EQ(p["field"], "Leave Type");
  EXPECT_EQ(p["pointer"], "/type");
  EXPECT_EQ(p["found"], "\"Sabbatical\"");
  EXPECT_EQ(
      p["expected"],
      "a leave type listed in settings.leave.leave_types: \"Annual Leave\", \"Carer's Leave\", "
      "\"Maternity Leave\"");
}

TEST_F(Pull, UnknownStatus) {
  json p = only_quarantined(pull_leave(
      std::string(kLeaveHeader) + "L1,E1,Maternity Leave,01/03/2025,01/12/2025,,Pending HR,\n"));
  EXPECT_EQ(p["field"], "Status");
  EXPECT_EQ(p["pointer"], "/status");
  EXPECT_NE(p["expected"].get<std::string>().find("\"approved\""), std::string::npos) << p.dump();
}

// Which of two rows with one id is right cannot be known: both are held, and
// the others taken.
TEST_F(Pull, DuplicateIdQuarantinesBothRowsNamingTheOther) {
  json answer = pull_people(std::string(kPeopleHeader) + "E1,Ann,,,,,,,,\nE2,Bo,,,,,,,,\n" +
                            "E1,Cy,,,,,,,,\n");
  EXPECT_TRUE(answer["problems"].empty()) << answer.dump(2);
  ASSERT_EQ(answer["records"].size(), 1u) << answer.dump(2);
  EXPECT_EQ(answer["records"][0]["id"], "E2");
  ASSERT_EQ(answer["quarantine"].size(), 2u) << answer.dump(2);
  for (const auto& p : answer["quarantine"]) {
    EXPECT_EQ(p["record_id"], "E1");
    EXPECT_EQ(p["field"], "Employee ID");
    EXPECT_EQ(p["pointer"], "/id");
  }
  EXPECT_EQ(answer["quarantine"][0]["row"], 2);
  EXPECT_EQ(answer["quarantine"][0]["expected"], "a unique id (E1 is also used in row 4)");
  EXPECT_EQ(answer["quarantine"][1]["row"], 4);
  EXPECT_EQ(answer["quarantine"][1]["expected"], "a unique id (E1 is also used in row 2)");
}

TEST_F(Pull, InvalidUtf8GivesByteOffsetAndRow) {
  std::string csv = std::string(kPeopleHeader) + "E1,Ann,,,,,,,,\nE2,Ren\xE9,,,,,,,,\n";
  json p = only_quarantined(pull_people(csv), 1);
  EXPECT_EQ(p["record_id"], "E2");
  EXPECT_EQ(p["row"], 3);
  EXPECT_EQ(p["field"], "Full Name");
  std::size_t offset = csv.find('\xE9');
  EXPECT_EQ(p["found"], "invalid UTF-8 (byte 0xE9 at byte offset " + std::to_string(offset) + ")");
  EXPECT_EQ(p["excerpt"], "E2,Ren\xEF\xBF\xBD,,,,,,,,");  // the bad byte shown as U+FFFD
}

TEST_F(Pull, InvalidUtf8InTheHeaderRefusesTheFile) {
  json p = only_problem(pull_people("Employee ID,Full Nam\xE9\nE1,Ann\n"));
  EXPECT_EQ(p["row"], 1);
  EXPECT_NE(p["found"].get<std::string>().find("invalid UTF-8 (byte 0xE9"), std::string::npos);
}

TEST_F(Pull, EmptyFile) {
  json p = only_problem(pull_people(""));
  EXPECT_EQ(p["row"], nullptr);
  EXPECT_EQ(p["found"], "an empty file");
  EXPECT_EQ(p["expected"].get<std::string>().rfind("a header row with columns \"", 0), 0u)
      << p.dump();
  EXPECT_NE(p["expected"].get<std::string>().find("\"Hire Date\""), std::string::npos);
}

TEST_F(Pull, MissingFileIsAProblemNotACrash) {
  json answer = pull({{"people", people_settings()}}, "people", "old");
  json p = only_problem(answer);
  EXPECT_EQ(p["found"], "no such file");
  EXPECT_NE(p["expected"].get<std::string>().find((dir / "data/people.csv").string()),
            std::string::npos);
  EXPECT_EQ(answer["next_cursor"], "old");
}

TEST_F(Pull, LeaveEndingBeforeItStarts) {
  json p = only_quarantined(pull_leave(std::string(kLeaveHeader) +
                                       "L1,E1,Maternity Leave,01/03/2025,01/02/2025,,Approved,\n"));
  EXPECT_EQ(p["record_id"], "L1");
  EXPECT_EQ(p["row"], 2);
  EXPECT_EQ(p["field"], "End Date");
  EXPECT_EQ(p["pointer"], "/expected_end");
  EXPECT_EQ(p["found"], "expected_end 2025-02-01 before start 2025-03-01");
}

TEST_F(Pull, RowWithWrongNumberOfFields) {
  json p = only_quarantined(
      pull_people(std::string(kPeopleHeader) + "E1,Ann,,,,,,,,\nE2,Smith, Bo,,,,,,,,\n"), 1);
  EXPECT_EQ(p["record_id"], "E2");  // the first field is the first column's, whatever follows
  EXPECT_EQ(p["row"], 3);
  EXPECT_EQ(p["found"], "11 fields");
  EXPECT_NE(p["expected"].get<std::string>().find("10 fields"), std::string::npos);
}

TEST_F(Pull, RequiredValueMissing) {
  json p = only_quarantined(pull_people(std::string(kPeopleHeader) + "E1,  ,,,,,,,,\n"));
  EXPECT_EQ(p["record_id"], "E1");
  EXPECT_EQ(p["field"], "Full Name");
  EXPECT_EQ(p["pointer"], "/name");
  EXPECT_EQ(p["found"], "an empty cell");
}

TEST_F(Pull, UnclosedQuoteIsAProblem) {
  json answer = pull_people(std::string(kPeopleHeader) + "E1,\"Ann,,,,,,,,\n");
  EXPECT_TRUE(answer["records"].empty());
  ASSERT_FALSE(answer["problems"].empty());
  EXPECT_EQ(answer["problems"][0]["row"], 2);
  EXPECT_EQ(answer["problems"][0]["found"].get<std::string>().rfind(
                "a quoted field that is never closed", 0),
            0u)
      << answer.dump(2);
}

TEST_F(Pull, ManyBadRowsAreEachQuarantined) {
  std::string csv = kPeopleHeader;
  for (int i = 0; i < 150; ++i) csv += "E" + std::to_string(i) + ",Ann,,,,,99/99/2020,,,\n";
  csv += "E999,Bo,,,,,,,,\n";
  json answer = pull_people(csv);
  EXPECT_TRUE(answer["problems"].empty());
  ASSERT_EQ(answer["records"].size(), 1u);
  ASSERT_EQ(answer["quarantine"].size(), 150u);
  EXPECT_EQ(answer["quarantine"][149]["record_id"], "E149");
}

// More bad rows than one export may quarantine is a fault of the export or
// the settings as a whole: the file is refused, its problems capped at 100.
TEST_F(Pull, MoreThanAThousandBadRowsRefuseTheFileWithProblemsCappedAtOneHundred) {
  std::string csv = kPeopleHeader;
  for (int i = 0; i < 1001; ++i) csv += "E" + std::to_string(i) + ",Ann,,,,,99/99/2020,,,\n";
  json answer = pull_people(csv, "old");
  EXPECT_TRUE(answer["records"].empty());
  EXPECT_FALSE(answer.contains("quarantine"));
  EXPECT_EQ(answer["next_cursor"], "old");
  ASSERT_EQ(answer["problems"].size(), 101u);
  EXPECT_EQ(answer["problems"][0]["found"], "1001 rows that cannot be taken");
  EXPECT_EQ(answer["problems"][1]["row"], 2);
  EXPECT_EQ(answer["problems_omitted"], 902);
  EXPECT_EQ(answer["problems"][100]["message"],
            "people.csv: 902 more problems not listed (only the first 100 are)");
}

// ------------------------------------------------------------- the quarantine

TEST_F(Pull, AnIdOnManyRowsNamesAFewOfTheOthers) {
  std::string csv = kPeopleHeader;
  for (int i = 0; i < 8; ++i) csv += "E1,Ann,,,,,,,,\n";
  json answer = pull_people(csv);
  ASSERT_EQ(answer["quarantine"].size(), 8u) << answer.dump(2);
  EXPECT_EQ(answer["quarantine"][0]["expected"],
            "a unique id (E1 is also used in rows 3, 4, 5, 6, 7 and 2 more)");
}

// One bad row holds back only itself: the others are records, the page is a
// full read still, and the row is named by file, row, column, id and value.
TEST_F(Pull, ABadRowIsQuarantinedWithItsPlaceAndTheOtherRowsAreRecords) {
  json answer = pull_people(std::string(kPeopleHeader) + "E1,Ann,,,,,01/01/2020,,,\n" +
                                "E2,Bo,,,,,31/04/2021,,,Nurse\n" + "E3,Cy,,E1,,,,,,\n",
                            "cursor-before");
  json p = only_quarantined(answer, 2);
  EXPECT_EQ(answer["records"][0]["id"], "E1");
  EXPECT_EQ(answer["records"][1]["id"], "E3");
  EXPECT_NE(answer["next_cursor"], "cursor-before");
  EXPECT_EQ(answer["full_read"]["id"], read_id_of(answer["next_cursor"]));
  EXPECT_EQ(p, json::parse(R"j({"record_id": "E2", "source": "people.csv", "row": 3,
    "field": "Hire Date", "pointer": "/start_date", "found": "\"31/04/2021\"",
    "expected": "a date DD/MM/YYYY (April 2021 has 30 days)",
    "message": "people.csv row 3, column \"Hire Date\": found \"31/04/2021\"; expected a date DD/MM/YYYY (April 2021 has 30 days)",
    "excerpt": "{\"Department\":null,\"Employee ID\":\"E2\",\"Full Name\":\"Bo\",\"Hire Date\":\"31/04/2021\",\"Job Title\":\"Nurse\",\"Languages\":null,\"Location\":null,\"Supervisor ID\":null,\"Termination Date\":null,\"Work Email\":null}"})j"));
}

TEST_F(Pull, EveryProblemOfARowIsInItsOneEntry) {
  json p = only_quarantined(pull_leave(std::string(kLeaveHeader) +
                                       "L1,,Maternity Leave,01/03/2025,99/99/2025,,Approved,\n"));
  EXPECT_EQ(p["record_id"], "L1");
  EXPECT_EQ(p["field"], "Employee ID");
  EXPECT_EQ(p["message"],
            "leave.csv row 2, column \"Employee ID\": found an empty cell; expected a value "
            "(person_id is required); also column \"End Date\": found \"99/99/2025\"; expected a "
            "date DD/MM/YYYY (there is no month 99)");
}

TEST_F(Pull, ARowWithoutItsIdIsQuarantinedWithoutOne) {
  json p = only_quarantined(pull_people(std::string(kPeopleHeader) + ",Ann,,,,,,,,\n"));
  EXPECT_EQ(p["record_id"], nullptr);
  EXPECT_EQ(p["field"], "Employee ID");
  EXPECT_EQ(p["found"], "an empty cell");
}

TEST_F(Pull, AQuarantinedCompletionIsNamedByPersonAndCourse) {
  write_file(dir / "lms.csv",
             "Person,Course,Done\nE1,MENTOR-101,2024-02-30\nE2,MENTOR-101,2024-06-01\n");
  json settings = {
      {"path", "lms.csv"},
      {"fields", {{"person_id", "Person"}, {"course_id", "Course"}, {"completed_at", "Done"}}}};
  json p = only_quarantined(pull({{"course_completions", settings}}, "course_completions"), 1);
  EXPECT_EQ(p["record_id"], "E1/MENTOR-101");
  EXPECT_EQ(p["field"], "Done");
}

TEST_F(Pull, TextAfterAClosingQuoteSpoilsOnlyItsRow) {
  json p = only_quarantined(
      pull_people(std::string(kPeopleHeader) + "E1,\"Ann\"x,,,,,,,,\nE2,Bo,,,,,,,,\n"), 1);
  EXPECT_EQ(p["record_id"], "E1");
  EXPECT_EQ(p["row"], 2);
  EXPECT_EQ(p["found"].get<std::string>().rfind("text after the closing quote", 0), 0u) << p;
}

TEST_F(Pull, CheckCountsRowsThatCannotBeRead) {
  write_file(dir / "data/people.csv",
             std::string(kPeopleHeader) + "E1,Ann,,,,,,,,\nE2,B\xF6,,,,,,,,\n");
  FileAdapter adapter(config_for({{"people", people_settings()}}, dir.path()));
  json answer = json::parse(adapter.call("check", "{}"));
  EXPECT_EQ(answer["capabilities"][0]["message"],
            "people.csv readable, 2 rows; 1 row cannot be read (pull quarantines it)");
}

// ---------------------------------------------------------------------- check

TEST_F(Pull, CheckReportsEachCapability) {
  write_file(dir / "data/people.csv",
             std::string(kPeopleHeader) + "E1,Ann,,,,,,,,\nE2,Bo,,,,,,,,\n");
  json settings = {{"people", people_settings()},
                   {"leave", leave_settings()},
                   {"outbox", {{"path", "state/new/outbox.jsonl"}}}};
  FileAdapter adapter(config_for(settings, dir.path()));
  json answer = json::parse(adapter.call("check", "{}"));
  EXPECT_EQ(answer["ok"], false);  // leave.csv is missing
  const json& caps = answer["capabilities"];
  ASSERT_EQ(caps.size(), 5u);
  EXPECT_EQ(caps[0]["name"], "read_people");
  EXPECT_EQ(caps[0]["reachable"], true);
  EXPECT_EQ(caps[0]["permitted"], true);
  EXPECT_EQ(caps[0]["message"], "people.csv readable, 2 rows");
  EXPECT_EQ(caps[1]["name"], "read_leave");
  EXPECT_EQ(caps[1]["reachable"], false);
  EXPECT_EQ(caps[2]["name"], "read_course_completions");
  EXPECT_EQ(caps[2]["configured"], false);
  EXPECT_EQ(caps[3]["name"], "read_keeping_in_touch_days");
  EXPECT_EQ(caps[3]["configured"], false);
  EXPECT_EQ(caps[4]["name"], "write_actions");
  EXPECT_EQ(caps[4]["reachable"], true);
  EXPECT_EQ(caps[4]["permitted"], true);
  EXPECT_FALSE(std::filesystem::exists(dir / "state"));  // a check creates nothing

  write_file(dir / "data/leave.csv", kLeaveHeader);
  EXPECT_EQ(json::parse(adapter.call("check", ""))["ok"], true);
}

// A people export lists everyone: each new export is a full read named by its
// content, so the plugin can notice people deleted from the HR system.
TEST_F(Pull, APeopleExportIsAFullReadUnlessSaidOtherwise) {
  std::string csv = std::string(kPeopleHeader) + "E1,Ann Lee,,,,,,,,\n";
  json answer = pull_people(csv);
  ASSERT_TRUE(answer.contains("full_read")) << answer.dump(2);
  EXPECT_EQ(answer["full_read"]["id"], read_id_of(answer["next_cursor"]));
  EXPECT_TRUE(answer["full_read"]["last_page"].get<bool>());

  json partial = people_settings();
  partial["complete"] = false;  // an export of changes only
  write_file(dir / "data/people.csv", csv);
  EXPECT_FALSE(pull({{"people", partial}}, "people").contains("full_read"));
  write_file(dir / "data/leave.csv", std::string(kLeaveHeader));
  EXPECT_FALSE(pull({{"leave", leave_settings()}}, "leave").contains("full_read"));
}

}  // namespace
}  // namespace mentoring::adapters::file
