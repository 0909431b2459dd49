// moodle_adapter/moodle_adapter.hpp — Moodle as the LMS, through its web
// services (REST protocol, moodlewsrestformat=json, token auth):
//   course completions  core_enrol_get_enrolled_users (paged with limitfrom /
//                       limitnumber) + core_completion_get_course_completion_status
//   enrol_in_course     core_user_get_users_by_field + enrol_manual_enrol_users
//   calendar_event      a group event of the calendar course for the group of
//                       exactly its attendees (found or made: core_group_*,
//                       enrol_manual_enrol_users), core_calendar_create_calendar_events;
//                       a new sequence replaces, CANCEL deletes
//                       (core_calendar_delete_calendar_events), keyed by payload.uid
//   group_membership    core_user_get_users_by_field + enrol_manual_enrol_users +
//                       core_group_get_course_groups / core_group_create_groups +
//                       core_group_add_group_members / core_group_delete_group_members
// Moodle answers errors as HTTP 200 with {"exception","errorcode","message"};
// they become named adapter errors naming what to fix (the token's secret,
// the service's functions, the capability, the course id's setting).
#pragma once

#include <rest_common/services.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace mentoring::adapters::moodle {

// What the adapter needs from its host (rest_common/services.hpp).
using Services = rest::Services;

class MoodleAdapter {
 public:
  MoodleAdapter(std::string_view config_json, Services services);
  ~MoodleAdapter();
  // check | pull | push
  std::string call(std::string_view command, std::string_view input);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

std::string_view settings_schema_text();

}  // namespace mentoring::adapters::moodle
