// mentoring/supervision/groups.hpp — mentors' group supervision: who is in which
// group, when the group meets, and who keeps missing it. Pure functions.
//
//   SupervisionRules rules;                       // every 6 weeks, 12 months, groups of 8
//   assign_to_groups(groups, {{"E7", first_pairing}}, rules);   // existing groups never reshuffled
//   for (auto& session : group_schedule(groups[0], rules)) ...  // dates, numbered from 1
//   for (int n : missed_streaks(marks, rules.missed_in_a_row)) ... // flag to the programme manager
#pragma once

#include <mentoring/domain/date.hpp>
#include <mentoring/domain/records.hpp>
#include <mentoring/supervision/pair_sessions.hpp>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace mentoring::supervision {

using domain::Date;

// Defaults are the schema's (programme.schema.json "supervision").
struct SupervisionRules {
  int every_weeks = 6;
  int for_months = 12;          // from a mentor's first pairing
  int group_size = 8;           // at most this many mentors per group
  int missed_in_a_row = 2;      // flag a mentor who misses this many recorded sessions in a row
  int start_minutes = 10 * 60;  // local time of day sessions start
  int duration_minutes = 90;
};

struct GroupMember {
  std::string person_id;
  Date first_paired_on{};
};

struct SupervisionGroup {
  int number = 0;    // 1, 2, ... within a programme
  Date starts_on{};  // its first member's first pairing: sessions count from here
  std::vector<GroupMember> members;
};

// Places mentors who are in no group yet. A mentor joins the newest group that
// has room and started within one supervision interval of their first pairing,
// else opens a new group. Newcomers are taken in (first pairing, person id)
// order, so the same inputs always give the same groups. Answers the number of
// the group each newcomer joined, in the order they were placed.
std::vector<std::pair<int, std::string>> assign_to_groups(std::vector<SupervisionGroup>& groups,
                                                          std::vector<GroupMember> newcomers,
                                                          const SupervisionRules& rules);

struct SupervisionSessionDate {
  int number = 0;  // 1 for the first session after the group started
  Date on{};
};

// Every `every_weeks` after the group started, while any member is still
// within `for_months` of their first pairing.
std::vector<SupervisionSessionDate> group_schedule(const SupervisionGroup& group,
                                                   const SupervisionRules& rules);

// Whether a member is expected at a session on that day: after their first
// pairing and within for_months of it.
bool expected_at(const GroupMember& member, Date session_on, const SupervisionRules& rules);

struct AttendanceMark {
  int session_number = 0;
  Date on{};
  bool attended = false;
};

// The sessions that complete a run of `in_a_row` recorded misses (one per run:
// missing three in a row with in_a_row = 2 gives one flag, at the second miss).
// Marks may come in any order; sessions without a mark are skipped, not counted.
std::vector<int> missed_streaks(std::vector<AttendanceMark> marks, int in_a_row);

// --- the module's rules over a programme's records -------------------------------

// Each mentor's first accepted (or since ended) pairing in a programme; pairs
// and circles alike (a circle is the mentor's pairs with each of its mentees).
std::map<std::string, Date> first_pairings(const std::vector<domain::Pair>& pairs);

// Mentors who left the programme: every mentor enrolment of theirs withdrawn.
std::set<std::string> mentors_who_left(const std::vector<domain::Enrolment>& enrolments);

struct SupervisionMeeting {
  int group = 0;
  int number = 0;
  Date on{};
  std::vector<std::string> expected;  // the calendar event's attendees
  bool cancelled = false;             // nobody expected any more: cancel the invite
  bool to_send = false;               // today or later: the invite is (re)published
};

struct SupervisionPlan {
  std::vector<SupervisionGroup> groups;             // the stored groups with newcomers placed
  std::vector<std::pair<int, std::string>> placed;  // group number, mentor: the new members
  std::vector<SupervisionMeeting> meetings;         // every group's schedule
};

// Places the mentors with a first pairing who are in no group yet, and lays
// out every group's meetings with who is expected at each.
SupervisionPlan plan_supervision(std::vector<SupervisionGroup> groups,
                                 const std::map<std::string, Date>& first_pairings,
                                 const SupervisionRules& rules, Date today);

// A group's member on the host (eg a Moodle group): in once, out once when a
// mentor who was announced leaves (never announced: nothing to undo).
struct MembershipChange {
  int group = 0;
  std::string person_id;
  bool member = true;
};
std::vector<MembershipChange> membership_changes(
    const std::vector<SupervisionGroup>& groups, const std::set<std::string>& left,
    const std::set<std::pair<int, std::string>>& announced);

struct MissedSupervisionFlag {
  ManagerFlagReason reason = ManagerFlagReason::supervision_missed_in_a_row;
  std::string person_id;
  int session_number = 0;  // the session that completed the run
  int in_a_row = 0;
};
// One flag per run of missed_in_a_row recorded misses, per mentor.
std::vector<MissedSupervisionFlag> missed_supervision_flags(
    const std::map<std::string, std::vector<AttendanceMark>>& marks, const SupervisionRules& rules);

}  // namespace mentoring::supervision
