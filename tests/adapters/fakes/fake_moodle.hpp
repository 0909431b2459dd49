// A loopback fake of Moodle's web services, REST protocol, JSON format:
//   POST /webservice/rest/server.php  wstoken=..&wsfunction=..&moodlewsrestformat=json&<params>
// It answers like the real Moodle 4.5.5 recorded in ../shared/hosts/moodle/recorded/
// (moodle_recorded_contract_test holds it to those recordings): bodies built
// from templates taken from the recordings (fake_moodle_templates.cpp), and
// the real quirks: every error is HTTP 200 with {"exception","errorcode",
// "message"}; enrol_manual_enrol_users and core_group_add_group_members answer
// null; core_user_get_users_by_field answers [] both for "no such user" and
// when the token's user may not see the searched field; a user Moodle does not
// track in a course (a teacher, or not enrolled) gets "usernotenroled" from
// core_completion_get_course_completion_status; core_user_get_users with an
// unknown criteria key answers everyone plus a warning; events are owned by the
// token's user, and an event the user may not create is a warning, not an
// error; a function Moodle knows but the service lacks is "accessexception",
// an unknown one "invalidrecord" (table external_functions).
//
// The site: user 2 is the token's user (a site administrator); every demo
// person is a user from id 3 (idnumber = person id), enrolled as a student in
// every course but the supervision course (30), where only those enrolled
// through enrol_manual_enrol_users are; "Maria Mentor" teaches MENTOR-101;
// training.csv says who completed what. limited_token() opens the same site
// as a student of FIRE-SAFETY (20) without any capability, as the recordings'
// "nocap" answers were made.
#pragma once

#include "fault_plan.hpp"
#include "loopback_server.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace mentoring::fakes {

class FakeMoodle {
 public:
  // data_folder: examples/demo/data/<org> (people.csv, training.csv).
  FakeMoodle(const std::string& data_folder, std::string token, int port = 0);
  ~FakeMoodle();

  std::string base_url() const { return server_.base_url(); }
  int port() const { return server_.port(); }
  FaultPlan& faults() { return faults_; }

  // Moodle course ids of the demo's course codes, eg MENTOR-101 -> 12;
  // MENTOR-SUPERVISION (30) is the mentor supervision course, for groups.
  static const std::map<std::string, long long>& course_ids();
  // The answer templates derived from the recordings (fake_moodle_templates.cpp).
  static const nlohmann::json& templates();
  // Demo people (Moodle users with an idnumber from HR).
  std::size_t users() const { return people_; }
  // Completions (latest per person and course) the fake reports for a course code.
  std::size_t completions_of(const std::string& course_code) const;
  static constexpr long long kTokenUserId = 2;
  // A token of a web service user without capabilities (see above).
  std::string limited_token() const { return token_ + "-student"; }
  long long limited_user_id() const;
  // The teacher of MENTOR-101 (idnumber "T-MENTOR01"), whose completion Moodle does not track.
  long long teacher_id() const;

  // Functions not enabled for the token's service (answered "accessexception").
  void disable_function(const std::string& function);
  void enable_function(const std::string& function);
  // Makes one user's completion status malformed ("completed": "yes").
  void corrupt_completion(long long user_id);
  // Only the first `count` demo people are students of every course (the
  // others only once enrol_manual_enrol_users enrols them): a smaller site to
  // read, for the crash harness (mentoring-fake-hosts --moodle-students).
  void limit_implicit_students(std::size_t count);
  // Gives a user the editing teacher role in a course (their completion is not tracked).
  void make_teacher(long long user_id, long long course);
  // Enrolments received ({roleid, userid, courseid} as sent), for assertions.
  std::vector<nlohmann::json> enrolments() const;
  // Events as Moodle holds them now (deleted ones gone), in creation order;
  // and how many were ever created.
  std::vector<nlohmann::json> events() const;
  std::size_t events_created() const;
  // Groups as Moodle holds them: {id, courseid, name, description, idnumber,
  // members: [user ids]}; and how many core_group_create_groups calls created one.
  std::vector<nlohmann::json> groups() const;
  std::size_t groups_created() const;
  // A user's Moodle id by idnumber (the demo's person id); 0 when unknown.
  long long user_id_of(const std::string& idnumber) const;

  // What the fake received and applied, for "exactly once" assertions
  // (people by idnumber, "#<id>" without one):
  // {"write_backs_received": write calls, "write_calls": {"<wsfunction>": n},
  //  "enrolments": {"<person>/<course id>": enrolments received},
  //  "events_created", "events_created_by_marker": {"<uid>/<version>": n},
  //  "events_live_by_marker": {...}, "groups_created",
  //  "group_members": {"<group idnumber>": [people]}, "requests", "faults_applied"}.
  // Served as GET /__fake/counts; POST/DELETE /__fake/faults (fault_plan.hpp).
  nlohmann::json counts() const;
  // "<uid>/<version>" of the adapter's event marker in a description, or "".
  static std::string event_marker_of(const std::string& description);

 private:
  struct User {
    long long id;
    std::string username, firstname, lastname, email, idnumber;
    bool site_admin = false;
  };
  struct Group {
    long long id, courseid;
    std::string name, description, idnumber;
    std::set<long long> members;
  };
  struct Caller {
    const User* user;
    bool limited;
  };
  nlohmann::json call(const std::string& function, const httplib::Request& request,
                      const Caller& caller);
  nlohmann::json users_call(const std::string& function, const httplib::Request& request,
                            const Caller& caller);
  nlohmann::json course_call(const std::string& function, const httplib::Request& request,
                             const Caller& caller);
  nlohmann::json calendar_call(const std::string& function, const httplib::Request& request,
                               const Caller& caller);
  nlohmann::json group_call(const std::string& function, const httplib::Request& request,
                            const Caller& caller);

  const User* user(long long id) const;
  bool course_exists(long long id) const;
  // The role shortname of a user in a course, or nullopt when not enrolled.
  std::optional<std::string> role_in(long long user_id, long long course) const;
  std::vector<long long> courses_of(long long user_id) const;
  nlohmann::json full_user(const User& u) const;
  nlohmann::json reduced_user(const User& u) const;
  nlohmann::json enrolled_user(const User& u, long long course, const Caller& caller) const;
  nlohmann::json course_json(long long id) const;

  std::string token_;
  std::vector<User> users_;
  std::size_t people_ = 0, implicit_students_ = static_cast<std::size_t>(-1);
  std::map<std::pair<std::string, long long>, long long>
      completed_;  // (idnumber, course id) -> unix time
  mutable std::mutex mutex_;
  std::set<std::string> disabled_;
  std::set<long long> corrupt_;
  std::vector<nlohmann::json> enrolments_;
  // (user, course) -> role shortname, beyond the demo people's implicit student role.
  std::map<std::pair<long long, long long>, std::string> roles_;
  std::vector<nlohmann::json> events_;
  std::size_t events_created_ = 0;
  std::vector<Group> groups_;
  std::size_t groups_created_ = 0;
  std::map<std::string, int> write_calls_, events_created_by_marker_;
  void count_write(const httplib::Request& request);
  FaultPlan faults_;
  LoopbackServer server_;
};

}  // namespace mentoring::fakes
