// Changes-only reads of the embedded file adapter, through mentoring-host on a
// private copy of the demo: a changed export costs what changed (one row of a
// thousand changed, one person deleted: one stored, one absent), from the row
// snapshots the adapter keeps in the organisation's storage folder.
#include "demo_copy.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

using mentoring::test::read_file;
using mentoring::test::write_file;

const json* stream_report(const json& organisation, const std::string& stream) {
  for (const auto& s : organisation["sync"])
    if (s["stream"] == stream) return &s;
  return nullptr;
}

class FileChangesOnly : public mentoring::test::DemoCopy {
 protected:
  void SetUp() override {
    DemoCopy::SetUp();
    people_csv = root / "examples" / "demo" / "data" / "northwind" / "people.csv";
    // The demo's 320 people and 680 more, reporting to its chief executive.
    std::string text = read_file(people_csv);
    for (int i = 1; i <= 680; ++i) {
      const std::string id = "X" + std::to_string(5000 + i);
      text += id + ",Extra Person " + std::to_string(i) + ",extra" + std::to_string(i) +
              "@northwind-health.example,E1001,Estates,Main Site,01/02/2020,,English,Porter\n";
    }
    write_file(people_csv, text);
  }
  json run_northwind() {
    auto result = host("run --org northwind --json");
    EXPECT_TRUE(result.exit_code == 0 || result.exit_code == 6) << result.output;
    json summary = json::parse(result.output, nullptr, false);
    if (summary.is_discarded() || summary["organisations"].empty()) {
      ADD_FAILURE() << result.output;
      return json::object();
    }
    return summary["organisations"][0];
  }
  std::vector<fs::path> snapshots(const std::string& stream) {
    std::vector<fs::path> out;
    const fs::path dir = state / "northwind" / "file-snapshots" / "hr-export";
    if (!fs::exists(dir)) return out;
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().filename().string().rfind(stream + ".", 0) == 0) out.push_back(e.path());
    return out;
  }

  fs::path people_csv;
};

}  // namespace

TEST_F(FileChangesOnly, OneChangedRowOfAThousandAndOneDeletedPersonCostOneStoredAndOneAbsent) {
  json first = run_northwind();
  const json* people = stream_report(first, "people");
  ASSERT_NE(people, nullptr) << first.dump(1);
  EXPECT_EQ((*people)["read"], 1000) << people->dump(1);
  ASSERT_EQ(snapshots("people").size(), 1u);
  struct stat st {};
  ASSERT_EQ(::stat(snapshots("people")[0].c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  std::string text = read_file(people_csv);
  const auto renamed = text.find("X5007,Extra Person 7,");
  ASSERT_NE(renamed, std::string::npos);
  text.replace(renamed, std::string("X5007,Extra Person 7,").size(), "X5007,Extra Person Seven,");
  const auto deleted = text.find("X5013,");
  ASSERT_NE(deleted, std::string::npos);
  text.erase(deleted, text.find('\n', deleted) + 1 - deleted);
  write_file(people_csv, text);

  json second = run_northwind();
  people = stream_report(second, "people");
  ASSERT_NE(people, nullptr) << second.dump(1);
  EXPECT_EQ((*people)["read"], 1) << people->dump(1);
  EXPECT_EQ((*people)["stored"], 1) << people->dump(1);
  EXPECT_EQ((*people)["absent"], json::array({"X5013"})) << people->dump(1);
  EXPECT_EQ(second["totals"]["people"], 999);
  for (const char* other : {"leave", "course_completions", "keeping_in_touch_days"}) {
    const json* s = stream_report(second, other);
    ASSERT_NE(s, nullptr) << other;
    EXPECT_EQ((*s)["status"], "unchanged") << s->dump(1);
  }
  // Both versions' snapshots until a cursor naming the new one comes back complete.
  EXPECT_EQ(snapshots("people").size(), 2u);
  json third = run_northwind();
  EXPECT_EQ((*stream_report(third, "people"))["status"], "unchanged");
  EXPECT_EQ(snapshots("people").size(), 1u);
  EXPECT_EQ(third["totals"]["people"], 999);
}
