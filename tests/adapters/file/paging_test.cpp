// Pull in pages: an export read from byte offsets a page at a time after a
// streaming survey, resumed from the cursor by a new adapter, restarted when
// the file changes, and answered `unchanged` from its stat or its hash.
#include "file_adapter/export_reader.hpp"
#include "file_adapter/file_adapter.hpp"

#include "test_support.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <algorithm>

#include <fstream>
#include <iostream>

#ifdef __SANITIZE_ADDRESS__
// The ASan runtime's count of live heap bytes (sanitizer/allocator_interface.h
// in LLVM; GCC ships the function in libasan without the header).
extern "C" std::size_t __sanitizer_get_current_allocated_bytes();
#endif

namespace mentoring::adapters::file {
namespace {

using nlohmann::json;
using testing::config_for;
using testing::write_file;

const char* const kHeader = "Employee ID,Full Name,Hire Date\n";

json people_settings() {
  return json::parse(R"({"path": "data/people.csv", "date_format": "DD/MM/YYYY",
    "fields": {"id": "Employee ID", "name": "Full Name", "start_date": "Hire Date"}})");
}

std::string people_csv(int rows, int first = 1) {
  std::string csv = kHeader;
  for (int i = first; i < first + rows; ++i) {
    csv += "E" + std::to_string(i) + ",Person " + std::to_string(i) + ",01/02/2020\n";
  }
  return csv;
}

class Paging : public ::testing::Test {
 protected:
  json settings(std::size_t page_rows) {
    return {{"page_rows", page_rows}, {"people", people_settings()}};
  }
  // One page, by a fresh adapter unless one is given (a read resumed in a later run).
  json pull(std::size_t page_rows, json cursor, FileAdapter* adapter = nullptr) {
    std::optional<FileAdapter> own;
    if (!adapter) adapter = &own.emplace(config_for(settings(page_rows), dir.path()));
    return json::parse(
        adapter->call("pull", json{{"stream", "people"}, {"cursor", cursor}}.dump()));
  }
  std::filesystem::path people_path() const { return dir / "data/people.csv"; }

  testing::TempDir dir;
};

TEST_F(Paging, AnExportOfNRowsIsCeilNOverPageRowsPagesEachRecordOnceInOrder) {
  write_file(people_path(), people_csv(23));
  FileAdapter adapter(config_for(settings(5), dir.path()));
  json cursor = nullptr;
  std::vector<std::string> ids;
  std::vector<json> pages;
  for (int guard = 0; guard < 20; ++guard) {
    json page = pull(5, cursor, &adapter);
    ASSERT_TRUE(page["problems"].empty()) << page.dump(2);
    EXPECT_LE(page["records"].size(), 5u);
    for (const auto& record : page["records"]) ids.push_back(record["id"]);
    pages.push_back(page);
    ASSERT_NE(page["next_cursor"], cursor) << "the cursor must move on";
    cursor = page["next_cursor"];
    if (!page["more"].get<bool>()) break;
  }
  ASSERT_EQ(pages.size(), 5u);  // ceil(23 / 5)
  ASSERT_EQ(ids.size(), 23u);
  for (int i = 0; i < 23; ++i) EXPECT_EQ(ids[i], "E" + std::to_string(i + 1));
  for (std::size_t i = 0; i < pages.size(); ++i) {
    ASSERT_TRUE(pages[i].contains("full_read"));
    EXPECT_EQ(pages[i]["full_read"]["id"], pages[0]["full_read"]["id"]);
    EXPECT_EQ(pages[i]["full_read"]["last_page"].get<bool>(), i + 1 == pages.size());
    EXPECT_EQ(pages[i]["more"].get<bool>(), i + 1 != pages.size());
  }
  EXPECT_EQ(cursor.get<std::string>().rfind("file2:done:", 0), 0u) << cursor;
  // Read to the end: the same export again is unchanged.
  json again = pull(5, cursor, &adapter);
  EXPECT_TRUE(again["unchanged"].get<bool>());
  EXPECT_EQ(again["next_cursor"], cursor);
}

TEST_F(Paging, AReadResumesFromItsCursorInANewAdapter) {
  write_file(people_path(), people_csv(10));
  json first = pull(4, nullptr);
  ASSERT_TRUE(first["more"].get<bool>()) << first.dump(2);
  ASSERT_EQ(first["records"].size(), 4u);
  // A later run: another adapter instance surveys the file again and goes on.
  json second = pull(4, first["next_cursor"]);
  ASSERT_EQ(second["records"].size(), 4u) << second.dump(2);
  EXPECT_EQ(second["records"][0]["id"], "E5");
  EXPECT_EQ(second["full_read"]["id"], first["full_read"]["id"]);
  json third = pull(4, second["next_cursor"]);
  ASSERT_EQ(third["records"].size(), 2u);
  EXPECT_EQ(third["records"][1]["id"], "E10");
  EXPECT_FALSE(third["more"].get<bool>());
  EXPECT_TRUE(third["full_read"]["last_page"].get<bool>());
}

TEST_F(Paging, AFileChangedBetweenPagesStartsTheReadAgainWithANewId) {
  write_file(people_path(), people_csv(10));
  FileAdapter adapter(config_for(settings(4), dir.path()));
  json first = pull(4, nullptr, &adapter);
  ASSERT_TRUE(first["more"].get<bool>());
  // The export is replaced mid-read: rows E101.. instead.
  write_file(people_path(), people_csv(9, 101));
  json next = pull(4, first["next_cursor"], &adapter);
  ASSERT_TRUE(next["problems"].empty()) << next.dump(2);
  ASSERT_EQ(next["records"].size(), 4u);
  EXPECT_EQ(next["records"][0]["id"], "E101");  // from the start of the new version
  EXPECT_NE(next["full_read"]["id"], first["full_read"]["id"]);
  EXPECT_FALSE(next["full_read"]["last_page"].get<bool>());
}

TEST_F(Paging, RowsSharingAnIdOnDifferentPagesAreBothHeldNamingEachOther) {
  std::string csv = people_csv(8);
  csv += "E2,Someone Else,01/01/2021\n";  // row 10, on the last page; E2 is row 3, on page 1
  write_file(people_path(), csv);
  FileAdapter adapter(config_for(settings(3), dir.path()));
  json cursor = nullptr;
  std::vector<json> held;
  std::vector<std::string> ids;
  for (int guard = 0; guard < 10; ++guard) {
    json page = pull(3, cursor, &adapter);
    ASSERT_TRUE(page["problems"].empty()) << page.dump(2);
    for (const auto& row : page.value("quarantine", json::array())) held.push_back(row);
    for (const auto& record : page["records"]) ids.push_back(record["id"]);
    cursor = page["next_cursor"];
    if (!page["more"].get<bool>()) break;
  }
  ASSERT_EQ(held.size(), 2u);
  EXPECT_EQ(held[0]["record_id"], "E2");
  EXPECT_EQ(held[0]["row"], 3);
  EXPECT_EQ(held[0]["expected"], "a unique id (E2 is also used in row 10)");
  EXPECT_EQ(held[1]["row"], 10);
  EXPECT_EQ(held[1]["expected"], "a unique id (E2 is also used in row 3)");
  EXPECT_EQ(ids.size(), 7u);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "E2"), 0);
}

TEST_F(Paging, AnUnchangedExportIsAnsweredFromItsStatWithoutReadingIt) {
  write_file(people_path(), people_csv(3));
  json first = pull(10, nullptr);
  ASSERT_FALSE(first["more"].get<bool>());
  const std::size_t reads = ExportFile::reads_so_far();
  json again = pull(10, first["next_cursor"]);
  EXPECT_TRUE(again["unchanged"].get<bool>());
  EXPECT_EQ(again["next_cursor"], first["next_cursor"]);
  EXPECT_EQ(ExportFile::reads_so_far(), reads) << "a stat must be enough";
}

TEST_F(Paging, ATouchedExportWithTheSameBytesIsUnchangedByItsHash) {
  write_file(people_path(), people_csv(3));
  json first = pull(10, nullptr);
  // Written again with the same bytes, a second later: another mtime and ctime.
  struct timespec times[2] = {{0, UTIME_OMIT}, {}};
  ::clock_gettime(CLOCK_REALTIME, &times[1]);
  times[1].tv_sec += 5;
  write_file(people_path(), people_csv(3));
  ASSERT_EQ(::utimensat(AT_FDCWD, people_path().c_str(), times, 0), 0);
  const std::size_t reads = ExportFile::reads_so_far();
  json again = pull(10, first["next_cursor"]);
  EXPECT_GT(ExportFile::reads_so_far(), reads) << "another stat: the bytes are hashed";
  EXPECT_TRUE(again["unchanged"].get<bool>()) << again.dump(2);
  EXPECT_TRUE(again["records"].empty());
  // One byte more is a change.
  write_file(people_path(), people_csv(4));
  json changed = pull(10, first["next_cursor"]);
  EXPECT_FALSE(changed["unchanged"].get<bool>());
  EXPECT_EQ(changed["records"].size(), 4u);
}

TEST_F(Paging, AnOldFnvCursorReadsTheExportAgain) {
  write_file(people_path(), people_csv(3));
  json answer = pull(10, "fnv1a64:0123456789abcdef");
  EXPECT_FALSE(answer["unchanged"].get<bool>());
  EXPECT_EQ(answer["records"].size(), 3u);
  EXPECT_EQ(answer["next_cursor"].get<std::string>().rfind("file2:done:", 0), 0u);
}

// The 1000-row rule over pages: rows held are counted through the read in the
// cursor; the page that takes the count past 1000 is refused and the read
// goes no further (pages before it were taken).
TEST_F(Paging, ThePageThatTakesTheReadPastAThousandHeldRowsIsRefused) {
  std::string csv = kHeader;
  for (int i = 1; i <= 1200; ++i) csv += "E" + std::to_string(i) + ",Ann,99/99/2020\n";
  write_file(people_path(), csv);
  FileAdapter adapter(config_for(settings(500), dir.path()));
  json first = pull(500, nullptr, &adapter);
  ASSERT_TRUE(first["problems"].empty());
  EXPECT_EQ(first["quarantine"].size(), 500u);
  json second = pull(500, first["next_cursor"], &adapter);
  ASSERT_TRUE(second["problems"].empty());
  EXPECT_EQ(second["quarantine"].size(), 500u);
  json third = pull(500, second["next_cursor"], &adapter);
  EXPECT_TRUE(third["records"].empty());
  EXPECT_FALSE(third.contains("quarantine"));
  EXPECT_EQ(third["next_cursor"], second["next_cursor"]);  // the read stops here
  ASSERT_FALSE(third["problems"].empty());
  EXPECT_EQ(third["problems"][0]["found"], "1200 rows that cannot be taken");
  EXPECT_EQ(third["problems"][1]["row"], 1002);
}

TEST_F(Paging, AFileWithAQuoteNeverClosedOnALaterPageIsRefusedBeforeAnythingIsTaken) {
  std::string csv = people_csv(20) + "E21,\"Never closed,01/01/2020\nE22,Bo,01/01/2020\n";
  write_file(people_path(), csv);
  json first = pull(5, "before");
  EXPECT_TRUE(first["records"].empty());
  EXPECT_EQ(first["next_cursor"], "before");
  ASSERT_FALSE(first["problems"].empty());
  EXPECT_EQ(first["problems"][0]["row"], 22);
}

TEST_F(Paging, PageRowsIsBounded) {
  write_file(people_path(), people_csv(1));
  EXPECT_THROW(FileAdapter(config_for(settings(100001), dir.path())), mentoring::Error);
  EXPECT_THROW(FileAdapter(config_for(settings(0), dir.path())), mentoring::Error);
}

// ------------------------------------------------------------- JSON exports

class JsonPaging : public ::testing::Test {
 protected:
  json settings(std::size_t page_rows) {
    return {{"page_rows", page_rows},
            {"people",
             {{"path", "hr.json"},
              {"format", "json"},
              {"records_pointer", "/data/employees"},
              {"fields", {{"id", "empId"}, {"name", "name"}}}}}};
  }
  json pull(std::size_t page_rows, json cursor, FileAdapter* adapter = nullptr) {
    std::optional<FileAdapter> own;
    if (!adapter) adapter = &own.emplace(config_for(settings(page_rows), dir.path()));
    return json::parse(
        adapter->call("pull", json{{"stream", "people"}, {"cursor", cursor}}.dump()));
  }
  // Every page of one read: the records' ids, the quarantine, the pages.
  struct Read {
    std::vector<std::string> ids;
    std::vector<json> held;
    std::vector<json> pages;
  };
  Read read_all(std::size_t page_rows) {
    Read read;
    json cursor = nullptr;
    for (int guard = 0; guard < 50; ++guard) {
      json page = pull(page_rows, cursor);  // a new adapter each page: resumed from the cursor
      EXPECT_TRUE(page["problems"].empty()) << page.dump(2);
      for (const auto& record : page["records"]) read.ids.push_back(record["id"]);
      for (const auto& row : page.value("quarantine", json::array())) read.held.push_back(row);
      read.pages.push_back(page);
      cursor = page["next_cursor"];
      if (!page["more"].get<bool>() || !page["problems"].empty()) break;
    }
    return read;
  }
  testing::TempDir dir;
};

// Brackets, braces, commas and escaped quotes inside strings are text, not structure.
const char* const kAwkwardJson = R"({"meta": {"note": "a ] and a } and \"quotes\", [1, 2]"},
  "data": {"other": [{"empId": "X"}], "employees": [
    {"empId": 1, "name": "Ann \"Nan\" Lee", "tags": ["]", "}"]},
    {"empId": "E2", "name": "Bo, [the] {second}"},
    7,
    {"empId": "E4", "name": "Cy\\"},
    {"empId": 1, "name": "Di"},
    {"empId": "E6", "name": "Ed", "extra": {"deep": [[[]]]}}
  ]}, "after": "the array"})";

TEST_F(JsonPaging, AnArrayInsideTheDocumentIsReadInPagesEachRecordOnce) {
  write_file(dir / "hr.json", kAwkwardJson);
  Read read = read_all(2);
  ASSERT_EQ(read.pages.size(), 3u);  // 6 elements, 2 a page
  EXPECT_EQ(read.ids, (std::vector<std::string>{"E2", "E4", "E6"}));
  ASSERT_EQ(read.held.size(), 3u);  // record 1 and 5 share id 1; record 3 is no object
  EXPECT_EQ(read.held[0]["row"], 1);
  EXPECT_EQ(read.held[0]["expected"], "a unique id (1 is also used in record 5)");
  EXPECT_EQ(read.held[1]["row"], 3);
  EXPECT_EQ(read.held[1]["expected"], "an object (one record)");
  EXPECT_EQ(read.held[2]["row"], 5);
  EXPECT_EQ(read.held[2]["expected"], "a unique id (1 is also used in record 1)");
  for (const auto& page : read.pages) {
    EXPECT_EQ(page["full_read"]["id"], read.pages[0]["full_read"]["id"]);
  }
  EXPECT_TRUE(read.pages.back()["full_read"]["last_page"].get<bool>());
  EXPECT_FALSE(read.pages[1]["full_read"]["last_page"].get<bool>());
  // And in one page, the same.
  Read whole = read_all(100);
  EXPECT_EQ(whole.pages.size(), 1u);
  EXPECT_EQ(whole.ids, read.ids);
}

TEST_F(JsonPaging, ADocumentThatDoesNotParseAnywhereIsRefusedBeforeAnythingIsTaken) {
  auto refused = [&](const std::string& text) {
    write_file(dir / "hr.json", text);
    json answer = pull(1, "before");
    EXPECT_TRUE(answer["records"].empty()) << text;
    EXPECT_EQ(answer["next_cursor"], "before") << text;
    EXPECT_FALSE(answer["problems"].empty()) << text;
    return answer["problems"].empty() ? std::string()
                                      : answer["problems"][0]["found"].get<std::string>();
  };
  const std::string head = R"({"data": {"employees": [{"empId": "E1", "name": "Ann"}, )";
  // A bad record far after the first page, a missing comma, a trailing comma,
  // an array never closed, a bad value after the array, a number no double holds.
  EXPECT_NE(refused(head + "{\"empId\": \"E2\",}]}}").find("line:column 1:"), std::string::npos);
  EXPECT_NE(refused(head + R"({"empId": "E2"} {"empId": "E3"}]}})").find("after a record"),
            std::string::npos);
  EXPECT_NE(refused(head + R"({"empId": "E2"},]}})").find("']' after a ','"), std::string::npos);
  EXPECT_NE(refused(head + R"({"empId": "E2"})").find("a ']' is missing"), std::string::npos);
  EXPECT_FALSE(refused(head + R"({"empId": "E2"}]}, "x": tru})").empty());
  EXPECT_FALSE(refused(head + R"({"empId": "E2", "name": 1e400}]}})").empty());
  EXPECT_NE(refused(R"({"data": {"staff": []}})").find("records_pointer"), std::string::npos);
}

TEST_F(JsonPaging, AnUnchangedJsonExportIsUnchangedWithoutReading) {
  write_file(dir / "hr.json", kAwkwardJson);
  Read read = read_all(4);
  const json cursor = read.pages.back()["next_cursor"];
  const std::size_t reads = ExportFile::reads_so_far();
  json again = pull(4, cursor);
  EXPECT_TRUE(again["unchanged"].get<bool>());
  EXPECT_EQ(ExportFile::reads_so_far(), reads);
}

long peak_rss_kib() {
  struct rusage usage {};
  ::getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

// Memory stays flat with the export's size: a 200 MB export is read in pages
// with the process's peak growing by far less than the file.
TEST_F(Paging, A200MegabyteExportIsReadInPagesWithFlatMemory) {
  {
    std::filesystem::create_directories(people_path().parent_path());
    std::ofstream out(people_path(), std::ios::binary);
    out << "Employee ID,Full Name,Hire Date,Notes\n";
    // Wide rows (an unmapped column) keep the row count, and so the time, down.
    const std::string notes(2000, 'x');
    std::string row;
    for (int i = 1; out.tellp() < 200LL * 1000 * 1000; ++i) {
      row =
          "E" + std::to_string(i) + ",Person " + std::to_string(i) + ",01/02/2020," + notes + "\n";
      out << row;
    }
  }
  [[maybe_unused]] const long before = peak_rss_kib();
#ifdef __SANITIZE_ADDRESS__
  // Under ASan, RSS also holds the freed memory ASan keeps in quarantine (up
  // to 256 MiB), so the live heap it reports after each page is measured.
  const std::size_t live_before = __sanitizer_get_current_allocated_bytes();
  std::size_t live_most = live_before;
#endif
  json settings = {{"page_rows", 2000}, {"people", people_settings()}};
  FileAdapter adapter(config_for(settings, dir.path()));
  json cursor = nullptr;
  std::size_t records = 0;
  std::size_t pages = 0;
  for (int guard = 0; guard < 1000; ++guard) {
    json page =
        json::parse(adapter.call("pull", json{{"stream", "people"}, {"cursor", cursor}}.dump()));
    ASSERT_TRUE(page["problems"].empty()) << page["problems"].dump(2);
    records += page["records"].size();
    ++pages;
    cursor = page["next_cursor"];
#ifdef __SANITIZE_ADDRESS__
    live_most = std::max(live_most, __sanitizer_get_current_allocated_bytes());
#endif
    if (!page["more"].get<bool>()) break;
  }
#ifdef __SANITIZE_ADDRESS__
  const long growth_mib = static_cast<long>((live_most - live_before) / (1024 * 1024));
#else
  const long growth_mib = (peak_rss_kib() - before) / 1024;
#endif
  std::cout << records << " records in " << pages << " pages; memory grew by " << growth_mib
            << " MiB\n";
  EXPECT_GT(records, 90000u);
  EXPECT_GT(pages, 40u);
  EXPECT_LT(growth_mib, 100) << "memory grew by " << growth_mib << " MiB";
}

}  // namespace
}  // namespace mentoring::adapters::file
