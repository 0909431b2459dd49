// Holds the Moodle fake to the answers recorded from a real Moodle 4.5.5
// (../shared/hosts/moodle/recorded/, INDEX.md lists each request): every
// recorded request is sent to the fake, with the recorded site's ids
// translated to the fake's (course 2 "Mentor training" -> 12, ...), and the
// fake's answer must have the recorded shape: the same keys, the same JSON
// types (null where Moodle says null), the same error and warning codes. So
// the fake the contract tests run against cannot drift from the real system.
#include "fake_moodle.hpp"

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <sstream>

using mentoring::fakes::FakeMoodle;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const fs::path kRecorded = fs::path(RECORDED_DIR);
using Params = std::vector<std::pair<std::string, std::string>>;

struct Recorded {
  std::string file, function;
  Params params;
};

// INDEX.md rows: | file | wsfunction | HTTP | ok? | `k=v k=v ...` | (values may hold spaces).
std::vector<Recorded> read_index() {
  std::ifstream in(kRecorded / "INDEX.md");
  std::vector<Recorded> out;
  static const std::regex row(R"(^\| ([^ |]+\.json) \| ([a-z_]+) \| \d+ \| [^|]+ \| `([^`]*)` \|)");
  static const std::regex key(R"((^| )([A-Za-z_]+(\[[^\]]*\])*)=)");
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (!std::regex_search(line, m, row)) continue;
    Recorded r{m[1], m[2], {}};
    std::string text = m[3];
    std::vector<std::tuple<std::size_t, std::size_t, std::string>> keys;  // start, value start, key
    for (auto it = std::sregex_iterator(text.begin(), text.end(), key);
         it != std::sregex_iterator(); ++it) {
      keys.emplace_back(it->position(0), it->position(0) + it->length(0), (*it)[2]);
    }
    for (std::size_t i = 0; i < keys.size(); ++i) {
      std::size_t end = i + 1 < keys.size() ? std::get<0>(keys[i + 1]) : text.size();
      r.params.emplace_back(std::get<2>(keys[i]),
                            text.substr(std::get<1>(keys[i]), end - std::get<1>(keys[i])));
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::string kind_of(const json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "boolean";
  if (v.is_number_integer()) return "integer";
  if (v.is_number_float()) return "number";
  if (v.is_string()) return "string";
  if (v.is_array()) return "array";
  return "object";
}

// Where the fake's answer differs in shape from the recorded one, or nullopt.
std::optional<std::string> shape_difference(const json& recorded, const json& fake,
                                            const std::string& path) {
  std::string where = path.empty() ? "/" : path;
  if (kind_of(recorded) != kind_of(fake)) {
    return where + ": recorded " + kind_of(recorded) + ", the fake answered " + kind_of(fake) +
           " (" + fake.dump().substr(0, 200) + ")";
  }
  if (recorded.is_object()) {
    for (const auto& [k, v] : recorded.items()) {
      if (!fake.contains(k)) return where + ": the fake leaves out \"" + k + "\"";
    }
    for (const auto& [k, v] : fake.items()) {
      if (!recorded.contains(k)) return where + ": the fake adds \"" + k + "\"";
    }
    for (const char* code : {"errorcode", "warningcode", "exception"}) {
      if (recorded.contains(code) && recorded[code] != fake[code]) {
        return where + code + ": recorded " + recorded[code].dump() + ", the fake answered " +
               fake[code].dump();
      }
    }
    for (const auto& [k, v] : recorded.items()) {
      if (auto d = shape_difference(v, fake[k], path + "/" + k)) return d;
    }
  }
  if (recorded.is_array()) {
    if (recorded.empty() != fake.empty()) {
      return where + ": recorded " + std::to_string(recorded.size()) +
             " items, the fake answered " + std::to_string(fake.size());
    }
    // Each item the fake answers has the shape of one of the recorded items.
    for (std::size_t i = 0; i < fake.size(); ++i) {
      std::optional<std::string> first;
      bool matched = false;
      for (const auto& candidate : recorded) {
        auto d = shape_difference(candidate, fake[i], path + "/" + std::to_string(i));
        if (!d) {
          matched = true;
          break;
        }
        if (!first) first = d;
      }
      if (!matched) return first;
    }
  }
  return std::nullopt;
}

class MoodleRecordedContract : public ::testing::Test {
 protected:
  json post(const Params& params, std::optional<std::string> token) {
    httplib::Params form;
    if (token) form.emplace("wstoken", *token);
    form.emplace("moodlewsrestformat", "json");
    for (const auto& [k, v] : params) form.emplace(k, v);
    httplib::Client client("127.0.0.1", fake_.port());
    auto res = client.Post("/webservice/rest/server.php", form);
    if (!res) throw std::runtime_error("no answer from the fake");
    EXPECT_EQ(res->status, 200) << "Moodle answers every error with HTTP 200";
    return json::parse(res->body);
  }
  json call(const std::string& function, Params params) {
    params.emplace_back("wsfunction", function);
    return post(params, "token-1");
  }

  FakeMoodle fake_{DEMO_DATA_DIR "/northwind", "token-1"};
};

}  // namespace

TEST_F(MoodleRecordedContract, TheFakeAnswersEveryRecordedRequestWithTheRecordedShape) {
  ASSERT_TRUE(fs::exists(kRecorded / "INDEX.md"))
      << "the recordings of the real Moodle are expected at " << kRecorded
      << " (../shared beside the source tree)";
  std::vector<Recorded> recorded = read_index();
  std::size_t json_files = 0;
  for (const auto& entry : fs::directory_iterator(kRecorded))
    json_files += entry.path().extension() == ".json";
  ASSERT_EQ(recorded.size(), json_files) << "every recorded JSON answer is listed in INDEX.md";

  // The fake's people standing in for the recorded site's: two students with
  // emails, one who completed "Mentor training" and one who did not.
  json first = call("core_user_get_users_by_field", {{"field", "id"}, {"values[0]", "3"}});
  json second = call("core_user_get_users_by_field", {{"field", "id"}, {"values[0]", "4"}});
  ASSERT_TRUE(first.is_array() && first.size() == 1 && second.size() == 1) << first.dump();
  std::string completed_user, incomplete_user;
  for (long long id = 3; id < 3 + static_cast<long long>(fake_.users()); ++id) {
    json status = call("core_completion_get_course_completion_status",
                       {{"courseid", "12"}, {"userid", std::to_string(id)}});
    bool done = status["completionstatus"]["completed"].get<bool>();
    (done ? completed_user : incomplete_user) = std::to_string(id);
    if (!completed_user.empty() && !incomplete_user.empty()) break;
  }
  ASSERT_FALSE(completed_user.empty() || incomplete_user.empty());

  // Recorded site -> fake site. Course 2 is "Mentor training" (12 here),
  // course 3 the course the capability-less student is enrolled in (20 here).
  std::map<std::string, std::map<std::string, std::string>> translate = {
      {"01_get_users_by_field_email.json",
       {{"values[0]", first[0]["email"]}, {"values[1]", second[0]["email"]}}},
      {"05_get_users_lastname.json", {{"criteria[0][value]", "Mentor"}}},
      {"07_get_courses_by_ids.json", {{"options[ids][0]", "12"}}},
      {"08_get_courses_by_field_shortname.json", {{"value", "MENTOR-101"}}},
      {"12_completion_status_complete.json", {{"userid", completed_user}}},
      {"13_completion_status_incomplete.json", {{"userid", incomplete_user}}},
      {"14_activities_completion_status.json", {{"userid", completed_user}}},
      {"18_group_add_members.json",
       {{"members[0][groupid]", "500"}, {"members[1][groupid]", "500"}}},
      {"19_group_get_members.json", {{"groupids[0]", "500"}}},
      {"E09_nocap_get_users_by_field.json", {{"values[0]", first[0]["email"]}}},
      {"E14_completion_user_not_enrolled.json",
       {{"userid", std::to_string(FakeMoodle::kTokenUserId)}}},
  };
  auto course_of = [](const std::string& recorded_course) {
    return recorded_course == "2" ? "12" : recorded_course == "3" ? "20" : recorded_course;
  };
  int compared = 0;
  for (const auto& r : recorded) {
    SCOPED_TRACE(r.file + " (" + r.function + ")");
    Params params = {{"wsfunction", r.function}};
    for (auto [k, v] : r.params) {
      if (k == "courseid" || k.ends_with("[courseid]")) v = course_of(v);
      auto t = translate.find(r.file);
      if (t != translate.end() && t->second.contains(k)) v = t->second.at(k);
      params.emplace_back(k, v);
    }
    std::optional<std::string> token = "token-1";
    if (r.file.starts_with("E01")) token = "not-a-token";
    if (r.file.starts_with("E02")) token = std::nullopt;
    if (r.file.find("nocap") != std::string::npos) token = fake_.limited_token();
    std::ifstream in(kRecorded / r.file);
    json expected = json::parse(in);
    json answer = post(params, token);
    if (auto d = shape_difference(expected, answer, "")) {
      ADD_FAILURE() << r.file << ": " << *d;
    }
    ++compared;
  }
  EXPECT_EQ(compared, static_cast<int>(json_files));
}

// The comparison itself: a fake that drifts is caught.
TEST(MoodleShapeComparison, CatchesAMissingKeyATypeChangeAndAnotherErrorCode) {
  json recorded = json::parse(
      R"({"completionstatus":{"completed":false,"completions":[{"timecompleted":null}]},"warnings":[]})");
  EXPECT_FALSE(shape_difference(recorded, recorded, ""));
  json typed = recorded;
  typed["completionstatus"]["completed"] = "no";
  EXPECT_TRUE(shape_difference(recorded, typed, ""));
  json nulled = recorded;
  nulled["completionstatus"]["completions"][0]["timecompleted"] = 0;
  EXPECT_TRUE(shape_difference(recorded, nulled, ""));
  json missing = recorded;
  missing.erase("warnings");
  EXPECT_TRUE(shape_difference(recorded, missing, ""));
  json error = {{"exception", "x"}, {"errorcode", "invalidrecord"}, {"message", "m"}};
  json other = error;
  other["errorcode"] = "invalidparameter";
  EXPECT_TRUE(shape_difference(error, other, ""));
  EXPECT_TRUE(shape_difference(json::array({1}), json::array(), ""));
}
