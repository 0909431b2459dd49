// The Moodle adapter's decoding of Moodle's web service answers
// (adapters/moodle/src/moodle_adapter.cpp: site info, users, courses,
// completion status, enrolments, calendar events, groups, and Moodle's
// exception bodies sent with HTTP 200), driven through the adapter's commands
// with every answer taken from the input.
// Input: one byte choosing the command (pull course_completions, check, push
// an enrolment, a calendar event or a group membership), then the answers
// (see rest_host.hpp).
// Properties: see rest_host.hpp.
#include "rest_host.hpp"

#include <moodle_adapter/moodle_adapter.hpp>

using nlohmann::json;
namespace moodle = mentoring::adapters::moodle;

namespace {

json action(const std::string& type, const std::string& key, json payload) {
  return {{"idempotency_key", key},           {"type", type},
          {"organisation", "northwind"},      {"person_id", "E1246"},
          {"programme_id", "return-to-work"}, {"created_at", "2026-12-15T12:00:00Z"},
          {"payload", std::move(payload)}};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  mentoring::fuzz::ScriptedAnswers answers(mentoring::fuzz::as_text(data + 1, size - 1));
  const json config = {{"organisation", "northwind"},
                       {"name", "lms"},
                       {"base_dir", "/tmp"},
                       {"settings",
                        {{"base_url", "https://lms.northwind.invalid"},
                         {"course_completions", {{"courses", {{"MENTOR-101", 12}}}}},
                         {"supervision_groups", {{"course", 30}}},
                         {"calendar", {{"course", 12}}}}}};
  std::optional<moodle::MoodleAdapter> adapter;
  try {
    adapter.emplace(config.dump(), answers.services({{"MOODLE_TOKEN", "token-1"}}));
  } catch (const std::exception& e) {
    mentoring::fuzz::require(false, "the fuzz settings are valid", e.what());
  }
  switch (data[0] % 5) {
    case 0:
      mentoring::fuzz::pull_twice(*adapter, "course_completions");
      break;
    case 1:
      mentoring::fuzz::run_command(*adapter, "check", json::object());
      break;
    case 2:
      mentoring::fuzz::run_command(
          *adapter, "push",
          {{"actions", json::array({action("enrol_in_course", "enrol/northwind/E1246/MENTOR-101",
                                           {{"course_id", "MENTOR-101"}})})}});
      break;
    case 3:
      mentoring::fuzz::run_command(
          *adapter, "push",
          {{"actions",
            json::array({action("calendar_event", "touchpoint/northwind/7/Introduction/0",
                                {{"summary", "Introductory meeting"}, {"date", "2027-01-05"}}),
                         action("calendar_event", "touchpoint/northwind/7/Review/0",
                                {{"summary", "Review"}, {"date", "2027-02-05"}})})}});
      break;
    default:
      mentoring::fuzz::run_command(
          *adapter, "push",
          {{"actions",
            json::array({action("group_membership", "group/northwind/return-to-work/1/E1246/in",
                                {{"programme_id", "return-to-work"},
                                 {"group",
                                  {{"key", "supervision/northwind/return-to-work/1"},
                                   {"name", "Return to work: mentor supervision, group 1"}}},
                                 {"person_id", "E1246"},
                                 {"member", true}})})}});
  }
  return 0;
}
