// schema::JsonPage reads what nlohmann::json reads, and refuses what it refuses:
// random documents, then random damage to them, decided by both.
#include <mentoring/json_page.hpp>

#include <gtest/gtest.h>

#include <random>
#include <string>

using mentoring::schema::JsonPage;
using mentoring::schema::JsonSyntaxError;
using mentoring::schema::JsonValue;
using nlohmann::json;

namespace {

// Text with the characters that make string scanning hard: quotes,
// backslashes, control characters, two-, three- and four-byte UTF-8.
std::string random_text(std::mt19937& random) {
  static const std::vector<std::string> pieces = {
      "a", "Z", " ", "\"", "\\", "/", "\n", "\t", std::string(1, '\0'), "\x01",      "\x1f", "é",
      "€", "𝄞", "ß", "0",  "}",  "[", ",",  ":",  "employeeId",         "2024-05-01"};
  std::string out;
  int length = std::uniform_int_distribution<int>(0, 8)(random);
  for (int i = 0; i < length; ++i) out += pieces[random() % pieces.size()];
  return out;
}

json random_value(std::mt19937& random, int depth) {
  int kind = std::uniform_int_distribution<int>(0, depth > 3 ? 5 : 7)(random);
  switch (kind) {
    case 0:
      return nullptr;
    case 1:
      return random() % 2 == 0;
    case 2:
      return static_cast<long long>(random()) - (1LL << 31);
    case 3:
      return std::uniform_real_distribution<double>(-1e6, 1e6)(random);
    case 4:
      return random_text(random);
    case 5:
      return std::uniform_int_distribution<std::uint64_t>()(random);
    case 6: {
      json array = json::array();
      int n = std::uniform_int_distribution<int>(0, 4)(random);
      for (int i = 0; i < n; ++i) array.push_back(random_value(random, depth + 1));
      return array;
    }
    default: {
      json object = json::object();
      int n = std::uniform_int_distribution<int>(0, 4)(random);
      for (int i = 0; i < n; ++i) object[random_text(random)] = random_value(random, depth + 1);
      return object;
    }
  }
}

// What each parser makes of the text: nullopt when it refuses it.
std::optional<json> by_nlohmann(const std::string& text) {
  json parsed = json::parse(text, nullptr, false);
  if (parsed.is_discarded()) return std::nullopt;
  return parsed;
}
std::optional<json> by_page(const std::string& text) {
  try {
    JsonPage page(text);
    return page.root().to_json();
  } catch (const JsonSyntaxError&) {
    return std::nullopt;
  }
}

}  // namespace

TEST(JsonPage, ReadsRandomDocumentsAsNlohmannDoes) {
  std::mt19937 random(20261124);
  for (int i = 0; i < 3000; ++i) {
    json value = random_value(random, 0);
    for (const std::string& text :
         {value.dump(), value.dump(2), value.dump(-1, ' ', /*ensure_ascii=*/true)}) {
      auto ours = by_page(text);
      ASSERT_TRUE(ours.has_value()) << text;
      EXPECT_EQ(*ours, json::parse(text)) << text;
    }
  }
}

TEST(JsonPage, RefusesWhatNlohmannRefusesAfterRandomDamage) {
  std::mt19937 random(7);
  static const std::string damage[] = {"\"",  "\\",      "{",       "}",    "[",     "]",
                                       ",",   ":",       "-",       "e",    "0",     ".",
                                       "u",   "t",       "\x01",    "\xC3", "\xFF",  "\xED\xA0\x80",
                                       "\\u", "\\uD800", "\\uDC00", " ",    "1e999", "nul"};
  int refused = 0, accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text = random_value(random, 0).dump(-1, ' ', random() % 2 == 0);
    int edits = std::uniform_int_distribution<int>(1, 3)(random);
    for (int e = 0; e < edits; ++e) {
      std::size_t at = text.empty() ? 0 : random() % (text.size() + 1);
      switch (random() % 3) {
        case 0:
          if (at < text.size()) text.erase(at, 1);
          break;
        case 1:
          text.insert(at, damage[random() % std::size(damage)]);
          break;
        default:
          if (at < text.size()) text.replace(at, 1, damage[random() % std::size(damage)]);
      }
    }
    auto theirs = by_nlohmann(text);
    auto ours = by_page(text);
    ASSERT_EQ(theirs.has_value(), ours.has_value())
        << "text: " << json(text).dump(-1, ' ', true, json::error_handler_t::replace);
    if (theirs) {
      EXPECT_EQ(*theirs, *ours) << text;
      ++accepted;
    } else {
      ++refused;
    }
  }
  // Both outcomes were exercised, many times.
  EXPECT_GT(refused, 1000);
  EXPECT_GT(accepted, 1000);
}

TEST(JsonPage, FixedCasesBothParsersDecideAlike) {
  for (const std::string text : {"",
                                 " ",
                                 "{",
                                 "[1,]",
                                 "{\"a\":1,}",
                                 "01",
                                 "-",
                                 "1.",
                                 "1e",
                                 "+1",
                                 ".5",
                                 "1e400",
                                 "-1e400",
                                 "1e-400",
                                 "18446744073709551616",
                                 "-9223372036854775809",
                                 "\"\\u00e9\"",
                                 "\"\\ud834\\udd1e\"",
                                 "\"\\ud834\"",
                                 "\"\\udd1e\"",
                                 "\"a\tb\"",
                                 "tru",
                                 "nulll",
                                 "[] []",
                                 "\xEF\xBB\xBF[1]",
                                 "{\"a\":1,\"a\":2}",
                                 "\"\xC0\xAF\"",
                                 "\"\xF4\x90\x80\x80\"",
                                 " [ 1 , 2 ] ",
                                 "{\"\":\"\"}"}) {
    auto theirs = by_nlohmann(text);
    auto ours = by_page(text);
    ASSERT_EQ(theirs.has_value(), ours.has_value()) << text;
    if (theirs) {
      EXPECT_EQ(*theirs, *ours) << text;
    }
  }
}

TEST(JsonPage, ValuesByKeyIndexAndKind) {
  JsonPage page(
      R"({"data":[{"employeeId":42,"firstName":"Zo\u00eb \"Jo\"","hireDate":null,"n":-1.5e2,"ok":true},
                  {"employeeId":"E7","firstName":""}, 3],
          "meta":{"page":{"nextCursor":"abc"}}, "dup":1, "dup":2})");
  JsonValue root = page.root();
  ASSERT_TRUE(root.is_object());
  EXPECT_EQ(root.size(), 4u);
  EXPECT_EQ(root["meta"]["page"]["nextCursor"].string(), "abc");
  EXPECT_TRUE(root["meta"]["nothing"]["deeper"].is_missing());
  EXPECT_EQ(root["dup"].integer(), 2);  // the last one, as nlohmann keeps
  std::vector<JsonValue> items;
  for (JsonValue item : root["data"].elements()) items.push_back(item);
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0]["employeeId"].integer(), 42);
  EXPECT_EQ(items[0]["firstName"].string(), "Zoë \"Jo\"");
  EXPECT_TRUE(items[0]["hireDate"].is_null());
  EXPECT_FALSE(items[0]["hireDate"].is_missing());
  EXPECT_TRUE(items[0]["lastName"].is_missing());
  EXPECT_EQ(items[0]["n"].number_text(), "-1.5e2");
  EXPECT_FALSE(items[0]["n"].integer().has_value());
  EXPECT_TRUE(items[0]["ok"].boolean());
  EXPECT_EQ(items[1]["employeeId"].string(), "E7");
  EXPECT_TRUE(items[2].is_number());
  EXPECT_TRUE(items[2]["x"].is_missing());                            // not an object
  EXPECT_EQ(items[2].elements().begin(), items[2].elements().end());  // not an array
  EXPECT_EQ(JsonValue().to_json(), json("(missing)"));
}

TEST(JsonPage, ErrorsNameTheByte) {
  try {
    JsonPage page(R"({"data": [1, 2,, 3]})");
    FAIL() << "accepted a double comma";
  } catch (const JsonSyntaxError& e) {
    EXPECT_EQ(e.offset(), 15u);
    EXPECT_NE(std::string(e.what()).find("byte 15"), std::string::npos) << e.what();
  }
  EXPECT_THROW(JsonPage(std::string(600, '[') + std::string(600, ']')), JsonSyntaxError);
  EXPECT_NO_THROW(JsonPage(std::string(500, '[') + std::string(500, ']')));
}
