// The sync path's hand-written record checks give the same verdicts and
// pointers as the published schemas, mutation by mutation.
#include <mentoring/json_page.hpp>
#include <mentoring/schema.hpp>

#include <gtest/gtest.h>

#include <set>

using json = nlohmann::json;

namespace {

std::set<std::string> pointers(const std::vector<mentoring::schema::Problem>& problems) {
  std::set<std::string> out;
  for (const auto& p : problems) out.insert(p.pointer);
  return out;
}

void expect_same_verdicts(const std::string& schema, const json& valid) {
  std::string e_acute_256, e_acute_257;
  for (int i = 0; i < 256; ++i) e_acute_256 += "\xC3\xA9";  // 256 characters, 512 bytes
  e_acute_257 = e_acute_256 + "\xC3\xA9";
  json many = json::array(), wide = json::object();
  for (int i = 0; i < 101; ++i) {
    many.push_back("x");
    wide["k" + std::to_string(i)] = i;
  }
  const std::vector<json> wrong_values = {
      json(nullptr), json(7), json(""), json("01/02/2027"), json("2027-13-01x"), json::array({1}),
      json::object(), json("maternity"), json("approved"), json(true),
      // limits: lengths in characters, control characters, items, members
      json(std::string(256, 'x')), json(std::string(257, 'x')), json(std::string(1000, 'n')),
      json(std::string(1001, 'n')), json(e_acute_256), json(e_acute_257), json("E1\x1b[2J"),
      json(std::string("E\0"
                       "1",
                       3)),
      json("tab\there"), json("del\x7f"), json("caf\xC3\xA9 \xE2\x82\xAC"), many, wide,
      json::array({std::string(101, 'l')}), json::array({"E\x01"}),
      json{{"grade", std::string(2001, 'g')}}, json{{"grade", std::string(2000, 'g')}},
      json{{"grade", "\x1b]0;title\x07"}}};
  std::vector<json> cases = {valid};
  for (const auto& [key, value] : valid.items()) {
    json without = valid;
    without.erase(key);
    cases.push_back(without);
    for (const auto& wrong : wrong_values) {
      json changed = valid;
      changed[key] = wrong;
      cases.push_back(changed);
    }
  }
  json extra = valid;
  extra["unexpected"] = 1;
  cases.push_back(extra);
  cases.push_back(json::array());
  for (const auto& record : cases) {
    auto reference = mentoring::schema::validate(schema, record, "r");
    auto fast = mentoring::schema::validate_record(schema, record, "r");
    EXPECT_EQ(reference.empty(), fast.empty()) << schema << " " << record.dump();
    EXPECT_EQ(pointers(reference), pointers(fast)) << schema << " " << record.dump();
    // The same record read from text without a DOM (the plugin's sync path).
    mentoring::schema::JsonPage page(record.dump());
    auto from_page = mentoring::schema::validate_page_record(schema, page.root(), "r");
    ASSERT_EQ(fast.size(), from_page.size()) << schema << " " << record.dump();
    for (std::size_t i = 0; i < fast.size(); ++i) {
      EXPECT_EQ(fast[i].pointer, from_page[i].pointer);
      EXPECT_EQ(fast[i].found, from_page[i].found);
      EXPECT_EQ(fast[i].expected, from_page[i].expected);
    }
  }
}

}  // namespace

TEST(RecordCheck, PersonAgreesWithTheSchema) {
  expect_same_verdicts("person", {{"id", "E1"},
                                  {"name", "Ann"},
                                  {"email", "a@x.org"},
                                  {"manager_id", "E0"},
                                  {"department", "IT"},
                                  {"location", "Leeds"},
                                  {"start_date", "2020-01-01"},
                                  {"end_date", nullptr},
                                  {"languages", {"English"}},
                                  {"attributes", json::object()}});
}

TEST(RecordCheck, LeaveAgreesWithTheSchema) {
  expect_same_verdicts("leave", {{"id", "L1"},
                                 {"person_id", "E1"},
                                 {"type", "maternity"},
                                 {"start", "2027-03-01"},
                                 {"expected_end", "2027-09-01"},
                                 {"actual_end", nullptr},
                                 {"status", "approved"},
                                 {"last_changed", "2026-11-01T10:00:00Z"}});
}

TEST(RecordCheck, CourseCompletionAgreesWithTheSchema) {
  expect_same_verdicts("course-completion", {{"person_id", "E1"},
                                             {"course_id", "MENTOR-101"},
                                             {"completed_at", "2026-01-01"},
                                             {"expires_at", "2029-01-01"}});
}

TEST(RecordCheck, ATenMegabyteNameIsRefusedWithTheLimitNamedAndNotEchoedWhole) {
  const json person = {{"id", "E1"}, {"name", std::string(10 << 20, 'n')}};
  auto problems = mentoring::schema::validate_record("person", person, "hr people record E1");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].pointer, "/name");
  EXPECT_EQ(problems[0].message(),
            "hr people record E1: /name: found a text of 10485760 characters; expected at most "
            "1000 characters (limit person.name.maxLength = 1000)");
}

TEST(RecordCheck, ControlCharactersInIdsAndNamesAreRefusedWithTheFieldNamed) {
  auto problems = mentoring::schema::validate_record("leave",
                                                     {{"id", std::string("L1\0", 3)},
                                                      {"person_id", "E\x1b[31m1"},
                                                      {"type", "maternity"},
                                                      {"start", "2027-03-01"},
                                                      {"expected_end", "2027-09-01"},
                                                      {"status", "approved"}},
                                                     "r");
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].message(),
            "r: /id: found text with the control character U+0000 at character 3; expected text "
            "without control characters (U+0000 to U+001F, U+007F)");
  EXPECT_EQ(problems[1].pointer, "/person_id");
  EXPECT_NE(problems[1].found.find("U+001B at character 2"), std::string::npos);
}
