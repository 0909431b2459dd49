// Records built field by field (the adapters' fast path) get the verdicts
// validate_record() gives the same records as JSON, and are written as the
// JSON text of the same record.
#include <mentoring/json_page.hpp>
#include <mentoring/record_writer.hpp>

#include <gtest/gtest.h>

#include <algorithm>
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

// The writer skips plain text eight bytes at a time: every byte that needs an
// escape, at every place in and around an eight-byte word, and UTF-8 of every
// length, is written exactly as nlohmann::json::dump writes it, and reads back
// as the same text through both parsers.
TEST(RecordWriter, EveryAwkwardByteAtEveryPlaceIsWrittenAsNlohmannWritesIt) {
  std::vector<std::string> awkward = {
      "\"",   "\\", "\n", "\r", "\t", "\b",           "\f",
      "\x7f", "/",  "é",  "€",  "𝄞",  "\xEF\xBB\xBF", std::string(1, '\0')};
  for (int c = 1; c < 0x20; ++c) awkward.push_back(std::string(1, static_cast<char>(c)));
  int checked = 0;
  for (const auto& special : awkward) {
    for (std::size_t before = 0; before <= 17; ++before) {
      for (std::size_t after : {0u, 1u, 7u, 8u, 9u}) {
        const std::string text = std::string(before, 'a') + special + std::string(after, 'z') +
                                 (before % 3 == 0 ? special : "");
        std::string out;
        schema::append_json_string(out, text);
        ASSERT_EQ(out, json(text).dump()) << "before " << before << " after " << after;
        ASSERT_EQ(json::parse(out).get<std::string>(), text);
        schema::JsonPage page(out);
        ASSERT_EQ(page.root().string(), text);
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 2000);
}

// Records built as flat members (the file adapter's path): the same verdicts,
// pointers and words as validate_record() on the same record as JSON, and the
// text nlohmann::json::dump writes for it, byte for byte (members sorted).
TEST(RecordWriter, FlatMembersAgreeWithValidateRecordAndDumpAlike) {
  std::mt19937 random(13);
  const std::vector<std::pair<std::string, std::vector<std::string>>> kinds = {
      {"person",
       {"id", "name", "email", "manager_id", "department", "location", "start_date", "end_date",
        "employee_number", "indirect_manager_ids", "languages", "attributes"}},
      {"leave",
       {"id", "person_id", "type", "start", "expected_end", "actual_end", "status",
        "last_changed"}},
      {"course-completion", {"person_id", "course_id", "completed_at", "expires_at"}},
      {"keeping-in-touch-day", {"id", "person_id", "date", "leave_id", "note"}}};
  int valid = 0;
  for (int i = 0; i < 6000; ++i) {
    const auto& [schema_name, fields] = kinds[random() % kinds.size()];
    std::vector<std::string> texts;  // what the members point at
    texts.reserve(64);
    std::vector<std::vector<std::string>> lists;
    lists.reserve(16);
    std::vector<json> doms;
    doms.reserve(16);
    std::vector<schema::RecordMember> members;
    for (const auto& field : fields) {
      const auto roll = random() % 10;
      if (roll == 0) continue;  // absent
      schema::FieldValue value;
      if (roll == 1) {
        value = schema::FieldValue::null_value();
      } else if (field == "indirect_manager_ids" || field == "languages" || roll == 2) {
        lists.push_back({});
        for (std::size_t k = random() % 3; k > 0; --k) lists.back().push_back(pick(random));
        value = schema::FieldValue::of(lists.back());
      } else if (field == "attributes" || roll == 3) {
        doms.push_back(random() % 2 ? json{{"grade", pick(random)}} : json(42));
        value = schema::FieldValue::of(doms.back());
      } else {
        // Mostly a value the field accepts, so that both verdicts come up often.
        const char* fits = field.find("date") != std::string::npos || field == "start" ||
                                   field.find("_end") != std::string::npos ||
                                   field.find("_at") != std::string::npos
                               ? "2024-05-01"
                           : field == "type"   ? "maternity"
                           : field == "status" ? "approved"
                                               : "E1";
        texts.push_back(random() % 3 ? std::string(fits) : pick(random));
        value = schema::FieldValue::of(texts.back());
      }
      members.push_back({field, value});
    }
    std::sort(members.begin(), members.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });
    const json as_json = schema::to_json(members);
    const auto problems = schema::validate_members(schema_name, members, "r");
    const auto reference = schema::validate_record(schema_name, as_json, "r");
    ASSERT_EQ(problems.size(), reference.size()) << schema_name << " " << as_json.dump();
    for (std::size_t k = 0; k < problems.size(); ++k) {
      EXPECT_EQ(problems[k].pointer, reference[k].pointer);
      EXPECT_EQ(problems[k].found, reference[k].found);
      EXPECT_EQ(problems[k].expected, reference[k].expected);
    }
    EXPECT_EQ(schema::record_key(members), schema::record_key(as_json)) << as_json.dump();
    if (problems.empty()) ++valid;
    std::string text;
    schema::append_json(text, members);
    EXPECT_EQ(text, as_json.dump());
  }
  EXPECT_GT(valid, 150);  // the valid path was exercised too
}
