#include <mentoring/schema.hpp>

#include <gtest/gtest.h>

#include <filesystem>

using mentoring::schema::parse;
using mentoring::schema::Problem;
using mentoring::schema::validate;
using nlohmann::json;

namespace {
json valid_org() {
  return json::parse(R"({
    "id": "acme", "name": "Acme",
    "modules": {"enrolment": true},
    "adapters": [{"name": "hr", "module": "file", "settings": {}}],
    "programmes": ["p.json"]
  })");
}
}  // namespace

TEST(Schemas, EveryEmbeddedSchemaIsThere) {
  auto names = mentoring::schema::names();
  for (const char* expected : {"host-config", "org-config", "programme", "person", "leave",
                               "course-completion", "action"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
  }
}

TEST(Schemas, AValidOrganisationHasNoProblems) {
  EXPECT_TRUE(validate("org-config", valid_org(), "org.json").empty());
}

TEST(Schemas, AMisspeltFieldIsNamedByItsPointerWithASuggestion) {
  json org = valid_org();
  org["modules"]["enrollment"] = true;
  auto problems = validate("org-config", org, "org.json");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].pointer, "/modules/enrollment");
  EXPECT_EQ(problems[0].source, "org.json");
  EXPECT_NE(problems[0].expected.find("did you mean \"enrolment\"?"), std::string::npos)
      << problems[0].message();
}

TEST(Schemas, AMissingFieldIsNamedWithWhatWasExpected) {
  json org = valid_org();
  org.erase("name");
  auto problems = validate("org-config", org, "org.json");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].pointer, "/name");
  EXPECT_EQ(problems[0].found, "(missing)");
}

TEST(Schemas, AWrongTypeDeepInAnArrayNamesTheIndex) {
  json org = valid_org();
  org["adapters"][0]["module"] = 7;
  auto problems = validate("org-config", org, "org.json");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].pointer, "/adapters/0/module");
  EXPECT_EQ(problems[0].found, "7");
  EXPECT_NE(problems[0].expected.find("string"), std::string::npos);
}

TEST(Schemas, AnUnknownLeaveTypeListsTheKnownOnes) {
  json leave = {{"id", "L1"},
                {"person_id", "P1"},
                {"type", "sabbatical"},
                {"start", "2027-01-01"},
                {"expected_end", "2027-05-01"},
                {"status", "approved"}};
  auto problems = validate("leave", leave, "leave L1");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].pointer, "/type");
  EXPECT_EQ(problems[0].found, "\"sabbatical\"");
  EXPECT_NE(problems[0].expected.find("\"maternity\""), std::string::npos);
}

TEST(Schemas, ABadDateNamesItsField) {
  json leave = {{"id", "L1"},
                {"person_id", "P1"},
                {"type", "maternity"},
                {"start", "01/02/2027"},
                {"expected_end", "2027-05-01"},
                {"status", "approved"}};
  auto problems = validate("leave", leave, "leave L1");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].pointer, "/start");
  EXPECT_NE(problems[0].expected.find("YYYY-MM-DD"), std::string::npos);
}

TEST(Parse, InvalidUtf8IsRefusedWithItsOffset) {
  std::string text = "{\"name\": \"Zo\xFF\"}";
  try {
    parse(text, "bad.json");
    FAIL();
  } catch (const mentoring::schema::ValidationError& e) {
    EXPECT_NE(std::string(e.what()).find("invalid UTF-8 at byte 12"), std::string::npos)
        << e.what();
  }
}

TEST(Parse, ASyntaxErrorNamesLineAndColumn) {
  try {
    parse("{\n  \"a\": 1,\n  \"b\": }\n", "broken.json");
    FAIL();
  } catch (const mentoring::schema::ValidationError& e) {
    EXPECT_NE(std::string(e.what()).find("broken.json:3:"), std::string::npos) << e.what();
  }
}

TEST(Parse, AnEmptyFileIsAnError) {
  EXPECT_THROW(parse("  \n", "empty.json"), mentoring::schema::ValidationError);
}

TEST(Utf8, AcceptsMultibyteAndRejectsOverlongsAndSurrogates) {
  EXPECT_TRUE(mentoring::schema::is_valid_utf8("Zoë Łukasz Nguyễn 🙂"));
  EXPECT_FALSE(mentoring::schema::is_valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(mentoring::schema::is_valid_utf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(mentoring::schema::is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(mentoring::schema::is_valid_utf8("abc\xE2\x82"));       // truncated
}

TEST(Examples, EveryShippedProgrammeAndConfigIsValid) {
  namespace fs = std::filesystem;
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(EXAMPLES_DIR) / "programmes")) {
    auto problems = validate("programme", mentoring::schema::parse_file(entry.path().string()),
                             entry.path().string());
    EXPECT_TRUE(problems.empty()) << (problems.empty() ? "" : problems[0].message());
    ++checked;
  }
  EXPECT_EQ(checked, 4);  // A, B, C and A run as circles
  for (const auto& entry : fs::directory_iterator(fs::path(EXAMPLES_DIR) / "demo" / "orgs")) {
    auto problems = validate("org-config", mentoring::schema::parse_file(entry.path().string()),
                             entry.path().string());
    EXPECT_TRUE(problems.empty()) << (problems.empty() ? "" : problems[0].message());
  }
}
