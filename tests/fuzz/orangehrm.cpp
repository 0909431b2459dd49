// The OrangeHRM adapter's decoding of OrangeHRM 5's answers
// (adapters/orangehrm/src: OAuth token answers (token_source.cpp), employees
// with supervisors, leave requests, leave types, error envelopes
// (orangehrm_adapter.cpp)), driven through the adapter's commands with every
// answer taken from the input.
// Input: one byte choosing the command (pull people / leave, check) and the
// grant (client_credentials or password), then the answers, the first usually
// the token (see rest_host.hpp).
// Properties: see rest_host.hpp.
#include "rest_host.hpp"

#include <orangehrm_adapter/orangehrm_adapter.hpp>

using nlohmann::json;
namespace orangehrm = mentoring::adapters::orangehrm;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  mentoring::fuzz::ScriptedAnswers answers(mentoring::fuzz::as_text(data + 1, size - 1));
  json settings = {
      {"base_url", "https://hr.northwind.invalid"},
      {"client_id", "mentoring"},
      {"grant", "client_credentials"},
      {"people", {{"page_size", 50}}},
      {"leave",
       {{"from", "2018-01-01"},
        {"page_size", 50},
        {"leave_types", {{"Maternity Leave", "maternity"}, {"Annual Leave", nullptr}}}}}};
  if (data[0] & 0x10) {
    settings["grant"] = "password";
    settings["username"] = "api";
  }
  const json config = {
      {"organisation", "northwind"}, {"name", "hr"}, {"base_dir", "/tmp"}, {"settings", settings}};
  std::optional<orangehrm::OrangeHrmAdapter> adapter;
  try {
    adapter.emplace(config.dump(), answers.services({{"ORANGEHRM_CLIENT_SECRET", "secret-789"},
                                                     {"ORANGEHRM_PASSWORD", "password-1"}}));
  } catch (const std::exception& e) {
    mentoring::fuzz::require(false, "the fuzz settings are valid", e.what());
  }
  switch ((data[0] & 0x0f) % 3) {
    case 0:
      mentoring::fuzz::pull_twice(*adapter, "people");
      break;
    case 1:
      mentoring::fuzz::pull_twice(*adapter, "leave");
      break;
    default:
      mentoring::fuzz::run_command(*adapter, "check", json::object());
  }
  return 0;
}
