// schemas/action.schema.json with the payload schema of each kind
// (schemas/actions/<kind>.schema.json): an action is validated as a whole.
#include <mentoring/schema.hpp>

#include <gtest/gtest.h>

#include <algorithm>

using mentoring::schema::validate;
using nlohmann::json;

namespace {

const std::vector<std::string> kKinds = {"invite",          "withdraw_invitation", "reminder",
                                         "enrol_in_course", "calendar_event",      "task",
                                         "notify",          "group_membership"};

json action(const std::string& type, json payload) {
  return {{"idempotency_key", type + "/northwind/x/E1"},
          {"type", type},
          {"organisation", "northwind"},
          {"person_id", "E1"},
          {"programme_id", "return-to-work"},
          {"created_at", "2026-12-15T12:00:00Z"},
          {"payload", std::move(payload)}};
}

json session(json start_time, json duration) {
  return {{"uid", "supervision-g1-s1.return-to-work.northwind@mentoring.invalid"},
          {"sequence", 0},
          {"method", "REQUEST"},
          {"kind", "supervision"},
          {"summary", "Supervision"},
          {"description", "Group supervision."},
          {"date", "2027-01-05"},
          {"start_time", std::move(start_time)},
          {"duration_minutes", std::move(duration)},
          {"timezone", "Europe/London"},
          {"location", nullptr},
          {"attendees", json::array({{{"person_id", "E1"}, {"name", "Ann"}, {"email", nullptr}}})}};
}

}  // namespace

TEST(ActionSchemas, EveryKindOfTheEnvelopeHasItsPayloadSchemaEmbedded) {
  auto names = mentoring::schema::names();
  json envelope = json::parse(mentoring::schema::text("action"));
  EXPECT_EQ(envelope["properties"]["type"]["enum"].get<std::vector<std::string>>(), kKinds);
  for (const auto& kind : kKinds) {
    EXPECT_NE(std::find(names.begin(), names.end(), "actions/" + kind), names.end()) << kind;
  }
  for (const char* command : {"check", "pull", "push"}) {
    for (const char* side : {".input", ".output"}) {
      std::string name = std::string("adapter/") + command + side;
      EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
    }
  }
}

TEST(ActionSchemas, APayloadOffItsKindsSchemaIsNamedByPointerFoundAndExpected) {
  json notify = action("notify", {{"to", {{"person_id", "E1"}}}, {"subject", "Hello"}});
  auto problems = validate("action", notify, "action notify/northwind/x/E1");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].pointer, "/payload/text");
  EXPECT_EQ(problems[0].found, "(missing)");
  EXPECT_NE(problems[0].expected.find("required field \"text\""), std::string::npos)
      << problems[0].message();

  json typo = action("notify", {{"to", {{"person_id", "E1"}}}, {"subject", "Hi"}, {"text", "t"}});
  typo["payload"]["subjcet"] = "x";
  problems = validate("action", typo, "a");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].pointer, "/payload/subjcet");
  EXPECT_NE(problems[0].expected.find("did you mean \"subject\""), std::string::npos)
      << problems[0].message();
}

TEST(ActionSchemas, ThePayloadIsCheckedByTheSchemaOfItsOwnKind) {
  json membership = {{"programme_id", "return-to-work"},
                     {"group", {{"key", "supervision/northwind/return-to-work/1"}, {"name", "G1"}}},
                     {"person_id", "E1"},
                     {"member", true}};
  EXPECT_TRUE(validate("action", action("group_membership", membership), "a").empty());
  EXPECT_FALSE(validate("action", action("notify", membership), "a").empty())
      << "a group membership's payload is no notification";
}

TEST(ActionSchemas, ACalendarEventIsTimedWithADurationOrAllDayWithout) {
  EXPECT_TRUE(validate("action", action("calendar_event", session("10:00", 90)), "a").empty());
  EXPECT_TRUE(validate("action", action("calendar_event", session(nullptr, nullptr)), "a").empty());
  EXPECT_FALSE(
      validate("action", action("calendar_event", session("10:00", nullptr)), "a").empty());
  EXPECT_FALSE(validate("action", action("calendar_event", session(nullptr, 60)), "a").empty());
  auto problems = validate("action", action("calendar_event", session("25:00", 60)), "a");
  ASSERT_FALSE(problems.empty());
  EXPECT_EQ(problems[0].pointer, "/payload/start_time");
  json old_shape = action("calendar_event", {{"summary", "Intro"}, {"date", "2027-01-05"}});
  EXPECT_FALSE(validate("action", old_shape, "a").empty())
      << "the date-only shape of before is no longer an action";
}
