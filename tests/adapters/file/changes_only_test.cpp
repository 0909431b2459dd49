// Changes-only reads (row_snapshot.hpp, file/README.md "Row snapshots"): a
// changed CSV export read after a complete one sends only the rows that
// changed, and for people the ids that are gone, under the listing's read id,
// over as many pages as it takes, resumable by a new adapter.
#include "file_adapter/file_adapter.hpp"

#include "test_support.hpp"

#include <algorithm>
#include <set>

namespace mentoring::adapters::file {
namespace {

using nlohmann::json;
using testing::config_for;
using testing::write_file;

std::string people_csv(const std::set<int>& ids, int renamed = 0) {
  std::string csv = "Employee ID,Full Name,Hire Date\n";
  for (int i : ids)
    csv += "E" + std::to_string(i) + ",Person " + std::to_string(i) +
           (i == renamed ? " Renamed" : "") + ",01/02/2020\n";
  return csv;
}

std::set<int> range(int from, int to) {
  std::set<int> out;
  for (int i = from; i <= to; ++i) out.insert(i);
  return out;
}

struct Read {
  std::vector<std::string> records, removed;
  std::set<std::string> read_ids;
  std::vector<json> pages;
  json cursor;
};

class ChangesOnly : public ::testing::Test {
 protected:
  std::unique_ptr<FileAdapter> adapter(bool snapshots = true) {
    json settings = {{"page_rows", 5}, {"people", json::parse(R"({"path": "data/people.csv",
                       "date_format": "DD/MM/YYYY", "fields": {"id": "Employee ID",
                       "name": "Full Name", "start_date": "Hire Date"}})")}};
    auto out = std::make_unique<FileAdapter>(config_for(settings, dir.path()));
    if (snapshots) out->use_snapshots(dir.path() / "state" / "file-snapshots" / "hr");
    return out;
  }
  // Every page from `cursor`, by one adapter (one run), or a new one from page `switch_at` on.
  Read read(json cursor, bool snapshots = true, std::size_t switch_at = 0) {
    Read out;
    auto a = adapter(snapshots);
    for (std::size_t page = 1; page < 50; ++page) {
      if (page == switch_at) a = adapter(snapshots);
      json answer =
          json::parse(a->call("pull", json{{"stream", "people"}, {"cursor", cursor}}.dump()));
      EXPECT_TRUE(answer["problems"].empty()) << answer.dump();
      EXPECT_LE(answer["records"].size(), 5u);
      out.pages.push_back(answer);
      for (const auto& r : answer["records"]) out.records.push_back(r["id"]);
      if (answer.contains("full_read")) {
        out.read_ids.insert(answer["full_read"]["id"].get<std::string>());
        for (const auto& id : answer["full_read"].value("removed", json::array()))
          out.removed.push_back(id);
      }
      cursor = answer["next_cursor"];
      if (!answer["more"].get<bool>()) break;
    }
    out.cursor = cursor;
    std::sort(out.records.begin(), out.records.end());
    std::sort(out.removed.begin(), out.removed.end());
    return out;
  }
  std::size_t snapshot_files() {
    std::size_t n = 0;
    for (const auto& e :
         std::filesystem::directory_iterator(dir.path() / "state" / "file-snapshots" / "hr")) {
      (void)e;
      ++n;
    }
    return n;
  }
  std::filesystem::path csv() { return dir.path() / "data/people.csv"; }

  testing::TempDir dir;
};

TEST_F(ChangesOnly, OnlyChangedRowsAndGoneIdsAreSentOverPagesUnderTheListingsId) {
  write_file(csv(), people_csv(range(1, 23)));
  Read whole = read(nullptr);
  ASSERT_EQ(whole.records.size(), 23u);
  ASSERT_EQ(whole.read_ids.size(), 1u);
  EXPECT_FALSE(whole.pages[0]["full_read"].contains("changes_only"));

  // E3 renamed, seven gone (more than a page of removed ids), E30 new.
  std::set<int> now = range(1, 23);
  for (int gone : {10, 11, 12, 13, 14, 15, 20}) now.erase(gone);
  now.insert(30);
  write_file(csv(), people_csv(now, 3));
  Read changes = read(whole.cursor);
  EXPECT_EQ(changes.records, (std::vector<std::string>{"E3", "E30"}));
  EXPECT_EQ(changes.removed,
            (std::vector<std::string>{"E10", "E11", "E12", "E13", "E14", "E15", "E20"}));
  EXPECT_EQ(changes.read_ids, whole.read_ids);  // the listing's id, kept
  for (std::size_t i = 0; i < changes.pages.size(); ++i) {
    const json& f = changes.pages[i]["full_read"];
    EXPECT_EQ(f["changes_only"], true);
    EXPECT_LE(f["removed"].size(), 5u);
    EXPECT_EQ(f["last_page"].get<bool>(), i + 1 == changes.pages.size());
  }
  EXPECT_EQ(changes.cursor.get<std::string>().rfind("file2:done:", 0), 0u);

  // A second change in the chain: still the listing's id.
  write_file(csv(), people_csv(now, 4));
  Read again = read(changes.cursor);
  EXPECT_EQ(again.records, (std::vector<std::string>{"E3", "E4"}));  // E3 back to its old name
  EXPECT_TRUE(again.removed.empty());
  EXPECT_EQ(again.read_ids, whole.read_ids);

  // Older snapshots go once a complete cursor of the newest comes back.
  EXPECT_GE(snapshot_files(), 2u);
  Read unchanged = read(again.cursor);
  EXPECT_EQ(unchanged.pages.size(), 1u);
  EXPECT_EQ(unchanged.pages[0]["unchanged"], true);
  EXPECT_EQ(snapshot_files(), 1u);
}

TEST_F(ChangesOnly, AReadResumedByANewAdapterGoesOnWhereItStopped) {
  write_file(csv(), people_csv(range(1, 23)));
  Read whole = read(nullptr);
  std::set<int> now = range(1, 23);
  for (int gone : {2, 5, 8, 16, 17, 18, 19, 21}) now.erase(gone);
  write_file(csv(), people_csv(now, 22));
  Read changes = read(whole.cursor, true, 3);
  EXPECT_EQ(changes.records, std::vector<std::string>{"E22"});
  EXPECT_EQ(changes.removed,
            (std::vector<std::string>{"E16", "E17", "E18", "E19", "E2", "E21", "E5", "E8"}));
}

TEST_F(ChangesOnly, WithoutSnapshotsOrWithoutTheBasesEveryReadIsWhole) {
  write_file(csv(), people_csv(range(1, 8)));
  Read whole = read(nullptr, false);
  write_file(csv(), people_csv(range(1, 8), 2));
  Read no_storage = read(whole.cursor, false);
  EXPECT_EQ(no_storage.records.size(), 8u);
  EXPECT_NE(no_storage.read_ids, whole.read_ids);
  EXPECT_FALSE(no_storage.pages[0]["full_read"].contains("changes_only"));

  // With storage, but the base version never had a snapshot: whole, and its own snapshot kept.
  write_file(csv(), people_csv(range(1, 8), 3));
  Read first_with = read(no_storage.cursor);
  EXPECT_EQ(first_with.records.size(), 8u);
  write_file(csv(), people_csv(range(1, 8), 4));
  Read changes = read(first_with.cursor);
  EXPECT_EQ(changes.records, (std::vector<std::string>{"E3", "E4"}));
  EXPECT_EQ(changes.read_ids, first_with.read_ids);

  // A snapshot deleted (or damaged) under a complete cursor: whole again, a new read id.
  std::filesystem::remove_all(dir.path() / "state" / "file-snapshots" / "hr");
  write_file(csv(), people_csv(range(1, 8), 5));
  Read after_loss = read(changes.cursor);
  EXPECT_EQ(after_loss.records.size(), 8u);
  EXPECT_NE(after_loss.read_ids, first_with.read_ids);
}

}  // namespace
}  // namespace mentoring::adapters::file
