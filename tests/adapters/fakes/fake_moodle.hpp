// A loopback fake of Moodle's web services, REST protocol, JSON format:
//   POST /webservice/rest/server.php  wstoken=..&wsfunction=..&moodlewsrestformat=json&<params>
// Functions: core_webservice_get_site_info, core_enrol_get_enrolled_users
// (options limitfrom/limitnumber), core_completion_get_course_completion_status,
// core_user_get_users_by_field, enrol_manual_enrol_users,
// core_calendar_create_calendar_events, core_group_get_course_groups,
// core_group_create_groups, core_group_add_group_members,
// core_group_delete_group_members. Errors as Moodle gives them: HTTP 200
// with {"exception","errorcode","message"}. Every demo person is a user
// (idnumber = person id) enrolled in every course; training.csv says who completed.
#pragma once

#include "fault_plan.hpp"
#include "loopback_server.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace mentoring::fakes {

class FakeMoodle {
 public:
  // data_folder: examples/demo/data/<org> (people.csv, training.csv).
  FakeMoodle(const std::string& data_folder, std::string token, int port = 0);

  std::string base_url() const { return server_.base_url(); }
  int port() const { return server_.port(); }
  FaultPlan& faults() { return faults_; }

  // Moodle course ids of the demo's course codes, eg MENTOR-101 -> 12;
  // MENTOR-SUPERVISION (30) is the mentor supervision course, for groups.
  static const std::map<std::string, long long>& course_ids();
  std::size_t users() const { return users_.size(); }
  // Completions (latest per person and course) the fake reports for a course code.
  std::size_t completions_of(const std::string& course_code) const;

  // Functions not enabled for the token's service (answered "accessexception").
  void disable_function(const std::string& function);
  // Makes one user's completion status malformed ("completed": "yes").
  void corrupt_completion(long long user_id);
  // Enrolments and events received, for assertions.
  std::vector<nlohmann::json> enrolments() const;
  std::vector<nlohmann::json> events() const;
  // Groups as Moodle holds them: {id, courseid, name, description, idnumber,
  // members: [user ids]}; and how many core_group_create_groups calls created one.
  std::vector<nlohmann::json> groups() const;
  std::size_t groups_created() const;
  // A user's Moodle id by idnumber (the demo's person id); 0 when unknown.
  long long user_id_of(const std::string& idnumber) const;

 private:
  nlohmann::json call(const std::string& function, const httplib::Request& request);
  nlohmann::json group_call(const std::string& function, const httplib::Request& request);

  struct User {
    long long id;
    std::string idnumber, username, email, firstname, lastname;
  };
  std::string token_;
  std::vector<User> users_;
  std::map<std::pair<std::string, long long>, long long>
      completed_;  // (idnumber, course id) -> unix time
  mutable std::mutex mutex_;
  std::set<std::string> disabled_;
  std::set<long long> corrupt_;
  std::vector<nlohmann::json> enrolments_, events_;
  struct Group {
    long long id, courseid;
    std::string name, description, idnumber;
    std::set<long long> members;
  };
  std::vector<Group> groups_;
  std::size_t groups_created_ = 0;
  FaultPlan faults_;
  LoopbackServer server_;
};

}  // namespace mentoring::fakes
