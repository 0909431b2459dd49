// The BambooHR adapter's decoding of BambooHR's answers (adapters/bamboohr:
// the custom report and the employee list (people.cpp), time-off requests
// (bamboohr_adapter.cpp), training types and records (training.cpp), changed
// employees and write-back rows (connection.cpp, write_back.cpp)), driven
// through the adapter's commands with every answer taken from the input.
// Input: one byte choosing the command (pull people / leave /
// course_completions, check, push) and the scheme (API key or OAuth), then
// the answers (see rest_host.hpp).
// Properties: see rest_host.hpp: a JSON answer or a named failure, never
// another exception, never a crash, every request JSON.
#include "rest_host.hpp"

#include <bamboohr_adapter/bamboohr_adapter.hpp>

using nlohmann::json;
namespace bamboohr = mentoring::adapters::bamboohr;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const int choice = data[0] & 0x0f;
  const bool oauth = (data[0] & 0x10) != 0;
  mentoring::fuzz::ScriptedAnswers answers(mentoring::fuzz::as_text(data + 1, size - 1));

  json settings = {
      {"company_domain", "northwind"},
      {"base_url", "https://northwind.bamboohr.invalid"},
      {"people", {{"page_size", 50}}},
      {"leave",
       {{"from", "2018-01-01"},
        {"window_days", 365},
        {"leave_types", {{"Maternity Leave", "maternity"}, {"Annual Leave", nullptr}}}}},
      {"training", {{"types", {{"7", "MENTOR-101"}}}}},
      {"write_back",
       {{"table", "customMentoring"},
        {"key_column", "customMentoringKey"},
        {"columns", {{"customMentoringDate", {{"from", "/created_at"}, {"as", "date"}}}}}}}};
  if (oauth) settings["auth"] = {{"scheme", "oauth"}};
  const json config = {
      {"organisation", "northwind"}, {"name", "hr"}, {"base_dir", "/tmp"}, {"settings", settings}};

  std::optional<bamboohr::BambooHrAdapter> adapter;
  try {
    adapter.emplace(config.dump(), answers.services({{"BAMBOOHR_API_KEY", "key-1234"},
                                                     {"BAMBOOHR_ACCESS_TOKEN", "token-1234"}}));
  } catch (const std::exception& e) {
    mentoring::fuzz::require(false, "the fuzz settings are valid", e.what());
  }
  switch (choice % 5) {
    case 0:
      mentoring::fuzz::pull_twice(*adapter, "people");
      break;
    case 1:
      mentoring::fuzz::pull_twice(*adapter, "leave");
      break;
    case 2:
      mentoring::fuzz::pull_twice(*adapter, "course_completions");
      break;
    case 3:
      mentoring::fuzz::run_command(*adapter, "check", json::object());
      break;
    default: {
      const json action = {{"idempotency_key", "invite/northwind/rtw/E1201/L1"},
                           {"type", "invite"},
                           {"organisation", "northwind"},
                           {"person_id", "E1201"},
                           {"programme_id", "rtw"},
                           {"created_at", "2026-12-01T09:30:00Z"},
                           {"payload", {{"subject", "An invitation"}}}};
      mentoring::fuzz::run_command(*adapter, "push", {{"actions", json::array({action})}});
    }
  }
  return 0;
}
