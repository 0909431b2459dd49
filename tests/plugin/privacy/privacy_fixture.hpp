// The evaluation fixture (plugin loaded as the host loads it, store seeded
// with people, leave, enrolments and pairs) with what privacy tests add:
// callers other than the command line, the database file's raw bytes, and a
// known survey data set whose report must not change.
#pragma once

#include "evaluation_fixture.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace privacy_test {

using json = nlohmann::json;
using namespace evaluation_test;

class PrivacyPlugin : public EvaluationPlugin {
 protected:
  json call_as(const std::string& role, const std::string& name, const std::string& command,
               const json& input) {
    json caller = {{"organisation", org}, {"role", role}, {"name", name}};
    if (role == "mentee" || role == "mentor") caller["person_id"] = name;  // tests name them by id
    json out = json::parse(plugin().call_as(caller.dump(), command, input.dump()));
    auto problems = mentoring::schema::validate("commands/" + command + ".output", out, command);
    EXPECT_TRUE(problems.empty()) << command << ": "
                                  << (problems.empty() ? "" : problems[0].message());
    return out;
  }

  std::filesystem::path database_file() const {
    return std::filesystem::path(host.storage_directory()) / (org + ".sqlite");
  }
  static std::string bytes_of(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  // Which of the database's files (the file and its write-ahead log) hold `needle`.
  std::string files_holding(const std::string& needle) const {
    std::string out;
    for (const auto& suffix : {"", "-wal", "-journal"}) {
      auto path = database_file();
      path += suffix;
      if (std::filesystem::exists(path) && bytes_of(path).find(needle) != std::string::npos)
        out += (out.empty() ? "" : ", ") + path.filename().string();
    }
    return out;
  }

  void sql(const std::string& statement) {
    seed([&](mentoring::store::OrgStore& s) { s.database().exec(statement); });
  }

  // Six mentees (leave L1..L6, back on 2027-08-01) paired with six mentors on
  // 2027-01-04; on 2027-09-26 every mentee answers both surveys and three
  // mentors answer theirs (min group size 2, so figures are shown).
  void seed_answered_surveys() {
    min_group_size = 2;
    for (int i = 1; i <= 6; ++i) {
      const std::string n = std::to_string(i);
      seed_person("MENTEE" + n);
      seed_leave("L" + n, "MENTEE" + n, "2027-02-01", "2027-07-31");
      seed_pair("MENTEE" + n, "MENTOR" + n, "2027-01-04", "L" + n);
    }
    at("2027-09-26");
    run();
    const int useful[] = {5, 4, 4, 3, 5, 2};
    const double weeks[] = {4, 8, 6, 10, 12, 2};
    for (int i = 0; i < 6; ++i) {
      const std::string mentee = "MENTEE" + std::to_string(i + 1);
      call("evaluation_answer",
           {{"token", token_of(mentee, "mid")},
            {"answers", {{"useful", useful[i]}, {"enough", i % 2 == 0}, {"improve", "more"}}}});
      call("evaluation_answer", {{"token", token_of(mentee, "back")},
                                 {"answers", {{"weeks", weeks[i]}, {"helped", "contact"}}}});
    }
    for (int i = 1; i <= 3; ++i) {
      call("evaluation_answer", {{"token", token_of("MENTOR" + std::to_string(i), "mid")},
                                 {"answers", {{"useful", 5}, {"enough", true}, {"improve", "x"}}}});
    }
  }

  // The report without its day (the figures only).
  json figures() {
    json report = call("evaluation_report", {{"programme", "rtw"}});
    report.erase("today");
    return report;
  }
};

}  // namespace privacy_test
