// The file adapter's limits on what it reads: regular files only (a FIFO, a
// device or a folder at an export path is refused at once, never waited on),
// max_file_bytes, numbers that are no id, field limits and control
// characters, and a JSON export with a key of its own in every record read in
// linear time and bounded memory.
#include "file_adapter/file_adapter.hpp"

#include "test_support.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <thread>

namespace mentoring::adapters::file {
namespace {

using nlohmann::json;
using testing::config_for;
using testing::write_file;
using namespace std::chrono_literals;

json people_json_settings(const std::string& path) {
  return {{"path", path}, {"format", "json"}, {"fields", {{"id", "id"}, {"name", "name"}}}};
}

class FileLimits : public ::testing::Test {
 protected:
  json pull(const json& settings, const std::string& stream = "people") {
    FileAdapter adapter(config_for(settings, dir.path()));
    return json::parse(adapter.call("pull", json{{"stream", stream}, {"cursor", nullptr}}.dump()));
  }
  std::string only_problem_found(const json& answer) {
    EXPECT_TRUE(answer["records"].empty()) << answer.dump(2);
    EXPECT_EQ(answer["problems"].size(), 1u) << answer.dump(2);
    return answer["problems"].empty() ? "" : answer["problems"][0]["found"].get<std::string>();
  }
  testing::TempDir dir;
};

TEST_F(FileLimits, AFifoAtAnExportPathIsRefusedAtOnceNotWaitedOn) {
  const auto fifo = dir / "people.json";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto answer = std::async(std::launch::async, [&] {
    return pull({{"people", people_json_settings("people.json")}});
  });
  if (answer.wait_for(5s) != std::future_status::ready) {
    // Today's reader waits for a writer: give it one, so the test ends.
    int fd = ::open(fifo.c_str(), O_WRONLY);
    if (fd >= 0) ::close(fd);
    answer.wait();
    FAIL() << "the pull waited on the FIFO";
  }
  EXPECT_EQ(only_problem_found(answer.get()), "a FIFO (named pipe), not a regular file");

  // check says so too, and does not wait either.
  FileAdapter adapter(config_for({{"people", people_json_settings("people.json")}}, dir.path()));
  auto check =
      std::async(std::launch::async, [&] { return json::parse(adapter.call("check", "")); });
  if (check.wait_for(5s) != std::future_status::ready) {
    int fd = ::open(fifo.c_str(), O_WRONLY);
    if (fd >= 0) ::close(fd);
    check.wait();
    FAIL() << "check waited on the FIFO";
  }
  const json people = check.get()["capabilities"][0];
  EXPECT_EQ(people["permitted"], false) << people.dump();
  EXPECT_NE(people["message"].get<std::string>().find("a FIFO (named pipe)"), std::string::npos)
      << people.dump();
}

TEST_F(FileLimits, ADeviceOrAFolderAtAnExportPathIsRefusedWithWhatItIs) {
  EXPECT_EQ(only_problem_found(pull({{"people", people_json_settings("/dev/zero")}})),
            "a device, not a regular file");
  std::filesystem::create_directories(dir / "exports.json");
  EXPECT_EQ(only_problem_found(pull({{"people", people_json_settings("exports.json")}})),
            "a folder, not a file");
}

TEST_F(FileLimits, AFileOverMaxFileBytesIsRefusedWithTheLimitNamed) {
  const std::string text = R"([{"id": "E1", "name": "Ann"}, {"id": "E2", "name": "Bo"}])";
  write_file(dir / "people.json", text);
  json settings = {{"max_file_bytes", 20}, {"people", people_json_settings("people.json")}};
  EXPECT_EQ(only_problem_found(pull(settings)),
            "limit max_file_bytes = 20: found a file of " + std::to_string(text.size()) +
                " bytes (raise max_file_bytes in the adapter's settings if the export is really so "
                "large)");
  settings["max_file_bytes"] = text.size();
  EXPECT_EQ(pull(settings)["records"].size(), 2u) << "a file of exactly the limit is read";
}

// The export of the report: 3.4 MB whose records each carry one key of their
// own took over 4 GB and a minute (every record got a cell for every key).
TEST_F(FileLimits, AJsonExportWithAKeyOfItsOwnInEveryRecordIsReadInBoundedTimeAndMemory) {
  std::string text = "[";
  constexpr int kRecords = 20000;
  for (int i = 0; i < kRecords; ++i) {
    if (i) text += ",\n";
    const std::string n = std::to_string(i);
    text += R"({"id": "E)" + n + R"(", "name": "Person )" + n + R"(", "email": "p)" + n +
            R"(@example.org", "department": "Sales", "note_)" + n +
            R"(": "a key no other record has, which the settings do not map"})";
  }
  text += "]";
  write_file(dir / "people.json", text);
  const json settings = {{"people", people_json_settings("people.json")}};

  // In a child, so that today's quadratic memory (gigabytes) hits a limit of
  // its own instead of the machine, and its peak resident memory is measured.
  const auto started = std::chrono::steady_clock::now();
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
#if !defined(__SANITIZE_ADDRESS__)
    rlimit limit{std::size_t{2} << 30, std::size_t{2} << 30};
    ::setrlimit(RLIMIT_AS, &limit);
#endif
    ::alarm(30);
    try {
      // In pages (page_rows, default 10000): every record once over the read.
      FileAdapter adapter(config_for(settings, dir.path()));
      std::size_t records = 0;
      json cursor = nullptr;
      for (int page = 0; page < 10; ++page) {
        json answer = json::parse(
            adapter.call("pull", json{{"stream", "people"}, {"cursor", cursor}}.dump()));
        if (!answer["problems"].empty()) ::_exit(2);
        records += answer["records"].size();
        cursor = answer["next_cursor"];
        if (!answer["more"].get<bool>()) break;
      }
      ::_exit(records == kRecords ? 0 : 2);
    } catch (...) {
      ::_exit(3);
    }
  }
  int status = 0;
  rusage usage{};
  ASSERT_EQ(::wait4(child, &status, 0, &usage), child);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  ASSERT_TRUE(WIFEXITED(status)) << "the child was killed by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0) << "2: wrong answer, 3: an exception (out of memory?)";
  EXPECT_LT(elapsed, 10s);
  // The export, its DOM and the answer: tens of megabytes, not gigabytes.
  EXPECT_LT(usage.ru_maxrss, 400 * 1024) << "peak resident memory " << usage.ru_maxrss << " kB";
}

TEST_F(FileLimits, AMissingMappedKeyListsAFewOfTheKeysNotAllOfThem) {
  std::string text = "[";
  for (int i = 0; i < 500; ++i) {
    if (i) text += ",";
    text += R"({"ID": "E)" + std::to_string(i) + R"(", "name": "N", "k)" + std::to_string(i) +
            R"(": 1})";
  }
  write_file(dir / "people.json", text + "]");
  json answer = pull({{"people", people_json_settings("people.json")}});
  ASSERT_FALSE(answer["problems"].empty()) << answer.dump(2);
  const std::string found = answer["problems"][0]["found"];
  EXPECT_NE(found.find("no key \"id\""), std::string::npos) << found;
  EXPECT_NE(found.find("and 452 more"), std::string::npos) << found;
  EXPECT_LT(found.size(), 2000u);
}

TEST_F(FileLimits, NumbersThatAreNoIdAreRefusedWithTheFieldNamedNeverRoundedOrCut) {
  write_file(dir / "people.json", R"([
    {"id": 18446744073709551615, "name": "Fits 64 bits"},
    {"id": 18446744073709551616, "name": "One past 64 bits"},
    {"id": 12.5, "name": "A fraction"},
    {"id": -3, "name": "Negative"},
    {"id": 1e30, "name": "Huge"},
    {"id": "E7", "name": "Ann"}])");
  json answer = pull({{"people", people_json_settings("people.json")}});
  ASSERT_TRUE(answer["problems"].empty()) << answer.dump(2);
  ASSERT_EQ(answer["records"].size(), 2u) << answer.dump(2);
  EXPECT_EQ(answer["records"][0]["id"], "18446744073709551615");
  EXPECT_EQ(answer["records"][1]["id"], "E7");
  ASSERT_EQ(answer["quarantine"].size(), 4u) << answer.dump(2);
  for (const auto& held : answer["quarantine"]) {
    EXPECT_EQ(held["pointer"], "/id") << held.dump();
    EXPECT_EQ(held["field"], "id") << held.dump();
    EXPECT_EQ(held["record_id"], nullptr) << "no rounded id names it: " << held.dump();
    EXPECT_NE(held["expected"].get<std::string>().find("a whole number from 0 to"),
              std::string::npos)
        << held.dump();
  }
  // A number no double holds makes the export unreadable as JSON: refused, named.
  write_file(dir / "people.json", R"([{"id": 1e400, "name": "Too big"}])");
  const std::string found =
      only_problem_found(pull({{"people", people_json_settings("people.json")}}));
  EXPECT_NE(found.find("1e400"), std::string::npos) << found;
}

TEST_F(FileLimits, ATenMegabyteNameAndControlCharactersAreQuarantinedWithTheLimitNamed) {
  json records = json::array({{{"id", "E1"}, {"name", std::string(10 << 20, 'n')}},
                              {{"id", std::string("E2\0", 3)}, {"name", "Bo"}},
                              {{"id", "E3"}, {"name", "Cy\x1b[2J"}},
                              {{"id", "E4"}, {"name", "Di"}}});
  write_file(dir / "people.json", records.dump());
  json answer = pull({{"people", people_json_settings("people.json")}});
  ASSERT_TRUE(answer["problems"].empty()) << answer.dump(2).substr(0, 2000);
  ASSERT_EQ(answer["records"].size(), 1u);
  EXPECT_EQ(answer["records"][0]["id"], "E4");
  ASSERT_EQ(answer["quarantine"].size(), 3u);
  const json& long_name = answer["quarantine"][0];
  EXPECT_EQ(long_name["record_id"], "E1");
  EXPECT_EQ(long_name["pointer"], "/name");
  EXPECT_NE(long_name["message"].get<std::string>().find(
                "found a text of 10485760 characters; expected at most 1000 characters (limit "
                "person.name.maxLength = 1000)"),
            std::string::npos)
      << long_name["message"];
  EXPECT_LT(answer.dump().size(), 20000u) << "the 10 MB name is not echoed";
  EXPECT_EQ(answer["quarantine"][1]["pointer"], "/id");
  EXPECT_EQ(answer["quarantine"][1]["record_id"], nullptr) << "an id with NUL names nobody";
  EXPECT_NE(answer["quarantine"][1]["found"].get<std::string>().find("U+0000"), std::string::npos);
  EXPECT_EQ(answer["quarantine"][2]["pointer"], "/name");
  EXPECT_NE(answer["quarantine"][2]["found"].get<std::string>().find("U+001B"), std::string::npos);
}

}  // namespace
}  // namespace mentoring::adapters::file
