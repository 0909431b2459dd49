// One valid payload of each action kind (schemas/actions/<kind>.schema.json),
// shaped as the plugin's runners build them, for adapter tests that push
// actions without running the plugin.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>

namespace mentoring::test {

// `to`: the person addressed ({"person_id", "name", ...}); `programme`:
// {"id", "name"}. Throws std::out_of_range for a kind the schemas do not know.
inline nlohmann::json sample_payload(const std::string& kind, const nlohmann::json& to,
                                     const nlohmann::json& programme) {
  using json = nlohmann::json;
  const json manager = {{"role", "programme_manager"}, {"email", nullptr}};
  const std::string programme_id = programme.at("id");
  const std::map<std::string, json> payloads = {
      {"invite",
       {{"to", to},
        {"role", "mentee"},
        {"subject", "An invitation to " + programme.at("name").get<std::string>() + " mentoring"},
        {"text", "You have leave coming up."},
        {"programme", programme},
        {"respond_by", "2026-12-15"}}},
      {"withdraw_invitation",
       {{"reason", "leave cancelled"},
        {"programme", programme},
        {"invitation_key", "invite/northwind/" + programme_id + "/E1201/L9"}}},
      {"reminder", {{"to", to}, {"subject", "Reminder"}, {"text", "Please answer."}}},
      {"task", {{"to", manager}, {"subject", "Decide"}, {"text", "A decision is needed."}}},
      {"notify", {{"to", to}, {"subject", "Paired"}, {"text", "You have been paired."}}},
      {"enrol_in_course",
       {{"to", to},
        {"course_id", "MENTOR-101"},
        {"programme", programme},
        {"role", "mentor"},
        {"subject", "Training"},
        {"text", "Please complete MENTOR-101."}}},
      {"calendar_event",
       {{"uid", "kickoff-" + programme_id + "." + programme_id + ".northwind@mentoring.invalid"},
        {"sequence", 0},
        {"method", "REQUEST"},
        {"kind", "kickoff"},
        {"summary", "Kick-off"},
        {"description", ""},
        {"date", "2027-01-12"},
        {"start_time", "10:00"},
        {"duration_minutes", 120},
        {"timezone", "Europe/London"},
        {"location", nullptr},
        {"attendees", json::array({to})}}},
      {"group_membership",
       {{"programme_id", programme_id},
        {"group", {{"key", "supervision/northwind/" + programme_id + "/1"}, {"name", "Group 1"}}},
        {"person_id", to.value("person_id", json())},
        {"member", true}}}};
  return payloads.at(kind);
}

}  // namespace mentoring::test
