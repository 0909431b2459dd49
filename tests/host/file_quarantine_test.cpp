// The embedded file adapter's quarantine, walked through mentoring-host on a
// private copy of the demo as a user runs it: one bad row of an export holds
// back only itself, and leaves the quarantine once the export is fixed.
#include <mentoring/store/org_store.hpp>

#include "demo_copy.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

using mentoring::test::CommandResult;
using mentoring::test::read_file;
using mentoring::test::write_file;

// `text` with the line starting with `start` replaced by `line`.
std::string with_line(const std::string& text, const std::string& start, const std::string& line) {
  auto at = text.find("\n" + start);
  EXPECT_NE(at, std::string::npos) << start;
  if (at == std::string::npos) return text;
  auto end = text.find('\n', at + 1);
  return text.substr(0, at + 1) + line + text.substr(end);
}

std::string without_line(const std::string& text, const std::string& start) {
  auto at = text.find("\n" + start);
  EXPECT_NE(at, std::string::npos) << start;
  if (at == std::string::npos) return text;
  return text.substr(0, at) + text.substr(text.find('\n', at + 1));
}

bool invited(const json& organisation, const std::string& person_id) {
  for (const auto& invitation : organisation["modules"]["enrolment"]["invited"]) {
    if (invitation["person_id"] == person_id) return true;
  }
  return false;
}

const json* stream_report(const json& organisation, const std::string& stream) {
  for (const auto& s : organisation["sync"]) {
    if (s["stream"] == stream) return &s;
  }
  return nullptr;
}

// A private copy of examples/ (tests never write into the source tree or into
// each other), with Northwind's exports at hand.
class FileQuarantine : public mentoring::test::DemoCopy {
 protected:
  void SetUp() override {
    DemoCopy::SetUp();
    data = root / "examples" / "demo" / "data" / "northwind";
  }

  // The northwind part of `run --json`, checking the exit code.
  json run_northwind(int expected_exit) {
    auto result = host("run --org northwind --json");
    EXPECT_EQ(result.exit_code, expected_exit) << result.output;
    json summary = json::parse(result.output, nullptr, false);
    if (summary.is_discarded() || summary["organisations"].empty()) {
      ADD_FAILURE() << result.output;
      return json::object();
    }
    return summary["organisations"][0];
  }
  json quarantine() {
    auto listed = host("command --org northwind quarantine");
    EXPECT_EQ(listed.exit_code, 0) << listed.output;
    return json::parse(listed.output, nullptr, false);
  }

  fs::path data;
};

}  // namespace

// Isla Turner's maternity leave (NW-LR-00218) is exported with its end before
// its start. The rest of the leave export is stored and invited as before;
// her row is held with its file, row and column. Once HR fixes the export, the
// next run releases it and invites her.
TEST_F(FileQuarantine, OneBadLeaveRowHoldsBackOnlyItselfUntilTheExportIsFixed) {
  // Room for everyone eligible, so her place is not given to the next in line
  // while she is held (the demo's cohort of 10 is full).
  const fs::path programme = root / "examples" / "programmes" / "return-to-work.json";
  json doc = json::parse(read_file(programme));
  doc["cohort_capacity"] = 100;
  write_file(programme, doc.dump(2));
  const fs::path leave_csv = data / "leave.csv";
  const std::string good = read_file(leave_csv);
  write_file(leave_csv, with_line(good, "NW-LR-00218,",
                                  "NW-LR-00218,E1372,Maternity Leave,12/03/2027,13/10/2026,,"
                                  "Approved,2026-11-01T14:57:00Z"));

  json first = run_northwind(6);
  EXPECT_TRUE(invited(first, "E1246")) << first["modules"]["enrolment"].dump(1);
  EXPECT_FALSE(invited(first, "E1372"));
  const json* leave = stream_report(first, "leave");
  ASSERT_NE(leave, nullptr) << first.dump(1);
  EXPECT_EQ((*leave)["status"], "read") << leave->dump(1);
  EXPECT_EQ((*leave)["quarantined"], 1) << leave->dump(1);
  EXPECT_EQ((*leave)["stored"], 181) << leave->dump(1);
  EXPECT_EQ(first["rejected_pages"], 0);

  json held = quarantine();
  ASSERT_EQ(held["held"], 1) << held.dump(1);
  const json& record = held["records"][0];
  EXPECT_EQ(record["record_id"], "NW-LR-00218");
  EXPECT_EQ(record["reason"], "adapter_refused");
  EXPECT_EQ(record["pointer"], "/expected_end");
  EXPECT_NE(record["message"].get<std::string>().find(
                "leave.csv row 219, column \"End Date\": found expected_end 2026-10-13 before "
                "start 2027-03-12"),
            std::string::npos)
      << record.dump(1);
  auto check = host("check");
  EXPECT_EQ(check.exit_code, 6) << check.output;
  EXPECT_NE(check.output.find("NW-LR-00218"), std::string::npos) << check.output;

  write_file(leave_csv, good);  // HR fixes the export
  json fixed = run_northwind(0);
  EXPECT_TRUE(invited(fixed, "E1372")) << fixed["modules"]["enrolment"].dump(1);
  EXPECT_EQ(quarantine()["held"], 0);
  EXPECT_EQ(host("check").exit_code, 0);
}

// A people export is a full read. Dafydd Evans's row has a date that does not
// exist: he is held, not marked absent (his row names his id), while someone
// deleted from the same export is; the rest of the export is stored.
TEST_F(FileQuarantine, APersonHeldFromAFullReadIsNotAbsentWhileSomeoneDeletedIs) {
  ASSERT_EQ(run_northwind(0)["organisation"], "northwind");
  const fs::path people_csv = data / "people.csv";
  const std::string good = read_file(people_csv);
  std::string text = with_line(
      good, "E1246,",
      "E1246,Dafydd Evans,dafydd.evans@northwind-health.example,E1231,Emergency Medicine,"
      "\"Northwind General Hospital, Main Site\",31/02/1996,,English;Welsh,Emergency Physician");
  text = without_line(text, "E1372,");  // deleted from the HR system
  write_file(people_csv, text + "E9999,New Person,new@example.org,,IT,Leeds,01/01/2020,,,Porter\n");

  json second = run_northwind(6);
  const json* people = stream_report(second, "people");
  ASSERT_NE(people, nullptr) << second.dump(1);
  EXPECT_EQ((*people)["quarantined"], 1) << people->dump(1);
  EXPECT_EQ(people->value("absent", json()), json::array({"E1372"})) << people->dump(1);
  {
    mentoring::store::OrgStore store(state / "northwind", "northwind");
    EXPECT_EQ(store.counts().absent_people, 1);
    EXPECT_TRUE(store.has_person("E9999"));  // the rest of the export is stored
  }
  json held = quarantine();
  ASSERT_EQ(held["held"], 1) << held.dump(1);
  EXPECT_EQ(held["records"][0]["record_id"], "E1246");
  EXPECT_NE(held["records"][0]["message"].get<std::string>().find(
                "people.csv row 123, column \"Hire Date\": found \"31/02/1996\""),
            std::string::npos)
      << held.dump(1);

  write_file(people_csv, without_line(good, "E1372,") +
                             "E9999,New Person,new@example.org,,IT,Leeds,01/01/2020,,,Porter\n");
  json fixed = run_northwind(0);
  people = stream_report(fixed, "people");
  ASSERT_NE(people, nullptr) << fixed.dump(1);
  EXPECT_EQ(people->value("released", 0), 1) << people->dump(1);
  EXPECT_EQ(quarantine()["held"], 0);
}

// Text from outside (here an export's file name; names and host errors alike)
// reaches the terminal with its control characters shown, never sent: an
// escape sequence in it cannot clear the screen or retitle the window.
TEST_F(FileQuarantine, ControlCharactersInHostTextAreEscapedInTerminalOutput) {
  const fs::path org = root / "examples" / "demo" / "orgs" / "northwind.json";
  json doc = json::parse(read_file(org));
  doc["adapters"][0]["settings"]["people"]["path"] =
      "../data/northwind/people\x1b[2J\x1b]0;owned\x07\xC2\x9B"
      "31m.csv";
  write_file(org, doc.dump(2));
  auto result = host("run --org northwind");
  EXPECT_NE(result.output.find("people\\u001b[2J\\u001b]0;owned\\u0007\\u009b31m.csv"),
            std::string::npos)
      << result.output;
  EXPECT_EQ(result.output.find('\x1b'), std::string::npos) << "a raw ESC reached the terminal";
  EXPECT_EQ(result.output.find('\x07'), std::string::npos);
  EXPECT_EQ(result.output.find("\xC2\x9B"), std::string::npos) << "a raw C1 CSI reached it";
  // The same run as JSON stays valid JSON carrying the same text.
  auto as_json = host("run --org northwind --json");
  json summary = json::parse(as_json.output, nullptr, false);
  ASSERT_FALSE(summary.is_discarded()) << as_json.output;
  EXPECT_NE(summary.dump().find("owned"), std::string::npos);
  EXPECT_EQ(as_json.output.find('\x1b'), std::string::npos);
}
