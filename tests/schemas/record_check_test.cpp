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
  const std::vector<json> wrong_values = {
      json(nullptr),    json(7),        json(""),          json("01/02/2027"), json("2027-13-01x"),
      json::array({1}), json::object(), json("maternity"), json("approved"),   json(true)};
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
