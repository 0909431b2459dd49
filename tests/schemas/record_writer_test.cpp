// Records built field by field (the adapters' fast path) get the verdicts
// validate_record() gives the same records as JSON, and are written as the
// JSON text of the same record.
#include <mentoring/record_writer.hpp>

#include <gtest/gtest.h>

#include <random>
#include <set>

using json = nlohmann::json;
namespace schema = mentoring::schema;

namespace {

std::set<std::string> pointers(const std::vector<schema::Problem>& problems) {
  std::set<std::string> out;
  for (const auto& p : problems) out.insert(p.pointer);
  return out;
}

// Values valid for some fields and wrong for others.
const std::vector<std::string> kTexts = {
    "", "E1", "2024-05-01", "2024-5-1", "maternity", "approved", "cancelled", "bogus", "Zoë \"Jo\"",
    "a\\b\n\t\x01", "𝄞 €", "0000-00-00",
    // limits: the longest id, one more, a long name, DEL
    std::string(256, 'i'), std::string(257, 'i'), std::string(1001, 'n'), "E\x7f"};

std::string pick(std::mt19937& random) {
  return kTexts[random() % kTexts.size()];
}
std::optional<std::string> pick_or_null(std::mt19937& random) {
  if (random() % 4 == 0) return std::nullopt;
  return pick(random);
}

}  // namespace

TEST(RecordWriter, PersonRecordsAgreeWithValidateRecord) {
  std::mt19937 random(11);
  for (int i = 0; i < 4000; ++i) {
    schema::PersonRecord person{pick(random),
                                pick(random),
                                pick_or_null(random),
                                pick_or_null(random),
                                pick_or_null(random),
                                pick_or_null(random),
                                pick_or_null(random),
                                pick_or_null(random),
                                pick_or_null(random),
                                {},
                                {},
                                nullptr};
    if (random() % 3 == 0) person.indirect_manager_ids = {pick(random)};
    if (random() % 3 == 0) person.languages = {pick(random), pick(random)};
    if (random() % 3 == 0) person.attributes = {{"grade", pick(random)}};
    if (random() % 10 == 0) person.attributes = json::array();  // not an object
    std::string text;
    auto problems = schema::check(person, "r");
    if (problems.empty()) schema::append_json(text, person);
    json as_json = schema::to_json(person);
    auto reference = schema::validate_record("person", as_json, "r");
    ASSERT_EQ(reference.empty(), problems.empty()) << as_json.dump();
    EXPECT_EQ(pointers(reference), pointers(problems)) << as_json.dump();
    if (problems.empty()) {
      EXPECT_EQ(json::parse(text), as_json) << text;
    }
  }
}

TEST(RecordWriter, LeaveRecordsAgreeWithValidateRecord) {
  std::mt19937 random(12);
  int valid = 0;
  // Mostly a value the field accepts, so that both verdicts come up often.
  auto or_else = [&](const std::string& fits) { return random() % 4 ? fits : pick(random); };
  for (int i = 0; i < 5000; ++i) {
    schema::LeaveRecord leave{or_else("L1"),         or_else("E1"),         or_else("maternity"),
                              or_else("2024-05-01"), or_else("2024-09-01"), pick_or_null(random),
                              or_else("approved"),   pick_or_null(random)};
    std::string text;
    auto problems = schema::check(leave, "r");
    if (problems.empty()) {
      schema::append_json(text, leave);
      ++valid;
    }
    json as_json = schema::to_json(leave);
    auto reference = schema::validate_record("leave", as_json, "r");
    ASSERT_EQ(reference.empty(), problems.empty()) << as_json.dump();
    EXPECT_EQ(pointers(reference), pointers(problems)) << as_json.dump();
    for (std::size_t k = 0; k < reference.size() && k < problems.size(); ++k) {
      EXPECT_EQ(reference[k].found, problems[k].found);
      EXPECT_EQ(reference[k].expected, problems[k].expected);
    }
    if (problems.empty()) {
      EXPECT_EQ(json::parse(text), as_json) << text;
    }
  }
  EXPECT_GT(valid, 100);  // the valid path was exercised too
}

TEST(RecordWriter, TextThatIsNotUtf8IsAProblemNotBrokenJson) {
  schema::PersonRecord person;
  person.id = "E1";
  person.name = "Ann \xC3";
  person.employee_number = "E\xFE";
  person.indirect_manager_ids = {"M1", "M\xC3"};
  person.languages = {"\xFF"};
  auto problems = schema::check(person, "people.csv row 3");
  EXPECT_EQ(pointers(problems), (std::set<std::string>{"/name", "/employee_number",
                                                       "/indirect_manager_ids/1", "/languages/0"}));
  EXPECT_EQ(problems[0].source, "people.csv row 3");
}

TEST(RecordWriter, StringsAreEscapedAsJsonRequires) {
  std::string out;
  schema::append_json_string(out, std::string("a\"b\\c\n\x01\x1f/é\0z", 13));
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\u0001\\u001f/é\\u0000z\"");
  EXPECT_EQ(json::parse(out).get<std::string>(), std::string("a\"b\\c\n\x01\x1f/é\0z", 13));
}
