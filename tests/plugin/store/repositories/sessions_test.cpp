// The sessions repository (issue 17) on every backend: the kick-off with its attendance and
// notes, group supervision, the pairs' own sessions (cadence, the moved next meeting,
// reminders and flags set once) and the mentoring circles' meetings.
#include "backend.hpp"

#include <mentoring/store/pair_repository.hpp>
#include <mentoring/store/people_repository.hpp>
#include <mentoring/store/postgres/pair_repository.hpp>
#include <mentoring/store/postgres/people_repository.hpp>
#include <mentoring/store/postgres/sessions_repository.hpp>
#include <mentoring/store/sessions_repository.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

using namespace mentoring::store;
using namespace mentoring::domain;
using mentoring::store::testing::RepositoryTest;

namespace {

Date day(const char* text) {
  return *parse_date(text);
}

class SessionsRepositories : public RepositoryTest {
 protected:
  std::unique_ptr<SessionsRepository> sessions =
      backend->make<SessionsRepository, SqliteSessionsRepository,
                    postgres::PostgresSessionsRepository>();
  std::unique_ptr<PeopleRepository> people =
      backend->make<PeopleRepository, SqlitePeopleRepository, postgres::PostgresPeopleRepository>();
  std::unique_ptr<PairRepository> pairs =
      backend->make<PairRepository, SqlitePairRepository, postgres::PostgresPairRepository>();

  void add_people(const std::vector<std::string>& ids) {
    for (const auto& id : ids) {
      Person p;
      p.id = id;
      p.name = "Person " + id;
      people->upsert(p);
    }
  }
  // A pair and the two enrolments it joins (the enrolment repository has its own tests):
  // enrolments 2n and 2n+1 for the n-th pair.
  std::int64_t add_pair(const std::string& mentee, const std::string& mentor) {
    add_people({mentee, mentor});
    const std::int64_t mentee_enrolment = 2 * ++pairs_added;
    for (const auto& [enrolment, person, role] :
         std::vector<std::tuple<std::int64_t, std::string, std::string>>{
             {mentee_enrolment, mentee, "mentee"}, {mentee_enrolment + 1, mentor, "mentor"}}) {
      backend->insert_row("enrolment", {{"id", std::to_string(enrolment)},
                                        {"person_id", person},
                                        {"programme_id", "rtw"},
                                        {"role", role},
                                        {"state", "active"},
                                        {"created_at", "2027-01-01T09:00:00Z"},
                                        {"updated_at", "2027-01-01T09:00:00Z"}});
    }
    return pairs->insert_pair("rtw", mentee_enrolment, mentee_enrolment + 1, PairState::accepted,
                              "2027-01-04T09:00:00Z");
  }

 private:
  int pairs_added = 0;
};

using Members = std::vector<std::pair<std::string, Date>>;
using Attendances = std::vector<std::tuple<std::int64_t, std::string, bool>>;

Attendances flat(const std::vector<SessionsRepository::Attendance>& attendance) {
  Attendances out;
  for (const auto& a : attendance) out.emplace_back(a.session_id, a.person_id, a.attended);
  return out;
}

}  // namespace

TEST_P(SessionsRepositories, AKickoffIsSavedReplacedAndReadBack) {
  EXPECT_FALSE(sessions->kickoff("rtw"));
  sessions->save_kickoff({"rtw", day("2027-03-20"), 9 * 60, 90, "Room 4", false},
                         "2027-02-01T09:00:00Z");
  sessions->save_kickoff({"other", day("2027-05-01"), 10 * 60, 120, std::nullopt, false},
                         "2027-02-01T09:00:00Z");
  auto saved = sessions->kickoff("rtw");
  ASSERT_TRUE(saved);
  EXPECT_EQ(saved->programme_id, "rtw");
  EXPECT_EQ(saved->on, day("2027-03-20"));
  EXPECT_EQ(saved->start_minutes, 9 * 60);
  EXPECT_EQ(saved->duration_minutes, 90);
  EXPECT_EQ(saved->location, "Room 4");
  EXPECT_FALSE(saved->cancelled);

  sessions->save_kickoff({"rtw", day("2027-04-03"), 14 * 60, 60, std::nullopt, true},
                         "2027-02-02T09:00:00Z");
  auto moved = sessions->kickoff("rtw");
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->on, day("2027-04-03"));
  EXPECT_EQ(moved->start_minutes, 14 * 60);
  EXPECT_EQ(moved->duration_minutes, 60);
  EXPECT_EQ(moved->location, std::nullopt);
  EXPECT_TRUE(moved->cancelled);
  EXPECT_EQ(sessions->kickoff("other")->on, day("2027-05-01"));  // untouched
}

TEST_P(SessionsRepositories, KickoffAttendanceAndNotesAreOnePerPersonAndReplaced) {
  add_people({"MENTEE2", "MENTEE1", "MENTOR1", "MENTOR2"});
  sessions->save_kickoff({"rtw", day("2027-03-20"), 10 * 60, 120, std::nullopt, false},
                         "2027-02-01T09:00:00Z");
  sessions->set_kickoff_attendance("rtw", "MENTEE2", "attending", "2027-02-02T09:00:00Z");
  sessions->set_kickoff_attendance("rtw", "MENTEE1", "attending", "2027-02-02T09:00:00Z");
  sessions->set_kickoff_attendance("rtw", "MENTEE2", "not_attending", "2027-02-03T09:00:00Z");
  EXPECT_EQ(sessions->kickoff_attendance("rtw"),
            (std::vector<std::pair<std::string, std::string>>{{"MENTEE1", "attending"},
                                                              {"MENTEE2", "not_attending"}}));
  EXPECT_TRUE(sessions->kickoff_attendance("other").empty());
  // Attendance needs the programme's kick-off.
  EXPECT_ANY_THROW(
      sessions->set_kickoff_attendance("other", "MENTEE1", "attending", "2027-02-02T09:00:00Z"));

  sessions->save_kickoff_note({"rtw", "MENTOR2", "See you in week 2"}, "2027-02-02T09:00:00Z");
  sessions->save_kickoff_note({"rtw", "MENTOR1", "Sorry"}, "2027-02-02T09:00:00Z");
  sessions->save_kickoff_note({"rtw", "MENTOR1", "Sorry, away that week"}, "2027-02-03T09:00:00Z");
  auto notes = sessions->kickoff_notes("rtw");
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_EQ(notes[0].programme_id, "rtw");
  EXPECT_EQ(notes[0].mentor_id, "MENTOR1");
  EXPECT_EQ(notes[0].note, "Sorry, away that week");
  EXPECT_EQ(notes[1].mentor_id, "MENTOR2");
  EXPECT_TRUE(sessions->kickoff_notes("other").empty());
}

TEST_P(SessionsRepositories, SupervisionGroupsKeepTheirMembersInOrderOfFirstPairing) {
  add_people({"A", "B", "C", "D"});
  const auto second = sessions->add_supervision_group("rtw", 2, day("2027-03-01"));
  const auto first = sessions->add_supervision_group("rtw", 1, day("2027-01-04"));
  EXPECT_NE(first, second);
  sessions->add_supervision_member(first, "rtw", "C", day("2027-01-11"));
  sessions->add_supervision_member(first, "rtw", "B", day("2027-01-04"));
  sessions->add_supervision_member(first, "rtw", "A", day("2027-01-11"));
  sessions->add_supervision_member(second, "rtw", "D", day("2027-03-01"));
  EXPECT_ANY_THROW(sessions->add_supervision_group("rtw", 1, day("2027-05-01")));
  EXPECT_ANY_THROW(sessions->add_supervision_member(second, "rtw", "A", day("2027-03-01")))
      << "one group per person and programme";

  auto groups = sessions->supervision_groups("rtw");
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].id, first);
  EXPECT_EQ(groups[0].number, 1);
  EXPECT_EQ(groups[0].starts_on, day("2027-01-04"));
  EXPECT_EQ(
      groups[0].members,
      (Members{{"B", day("2027-01-04")}, {"A", day("2027-01-11")}, {"C", day("2027-01-11")}}));
  EXPECT_EQ(groups[1].id, second);
  EXPECT_EQ(groups[1].members, (Members{{"D", day("2027-03-01")}}));
  EXPECT_TRUE(sessions->supervision_groups("other").empty());
  EXPECT_TRUE(sessions->is_supervision_member(first, "A"));
  EXPECT_FALSE(sessions->is_supervision_member(second, "A"));
}

TEST_P(SessionsRepositories, ASupervisionSessionMovedKeepsItsIdAndAttendanceIsReplaced) {
  add_people({"A", "B"});
  const auto group = sessions->add_supervision_group("rtw", 1, day("2027-01-04"));
  sessions->add_supervision_member(group, "rtw", "A", day("2027-01-04"));
  sessions->add_supervision_member(group, "rtw", "B", day("2027-01-04"));
  const auto two = sessions->upsert_supervision_session(group, 2, day("2027-03-29"));
  const auto one = sessions->upsert_supervision_session(group, 1, day("2027-02-15"));
  EXPECT_NE(one, two);
  EXPECT_EQ(sessions->upsert_supervision_session(group, 1, day("2027-02-22")), one);

  auto all = sessions->supervision_sessions("rtw");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, one);
  EXPECT_EQ(all[0].group_id, group);
  EXPECT_EQ(all[0].programme_id, "rtw");
  EXPECT_EQ(all[0].group_number, 1);
  EXPECT_EQ(all[0].number, 1);
  EXPECT_EQ(all[0].on, day("2027-02-22"));  // moved
  EXPECT_EQ(all[1].id, two);
  auto found = sessions->supervision_session(two);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->number, 2);
  EXPECT_EQ(found->on, day("2027-03-29"));
  EXPECT_FALSE(sessions->supervision_session(two + one + 1000));
  EXPECT_TRUE(sessions->supervision_sessions("other").empty());

  sessions->record_supervision_attendance(two, "A", false, "2027-03-29T12:00:00Z");
  sessions->record_supervision_attendance(one, "B", true, "2027-02-22T12:00:00Z");
  sessions->record_supervision_attendance(one, "A", false, "2027-02-22T12:00:00Z");
  sessions->record_supervision_attendance(one, "A", true, "2027-02-23T12:00:00Z");  // corrected
  EXPECT_EQ(flat(sessions->supervision_attendance("rtw")),
            (Attendances{{one, "A", true}, {two, "A", false}, {one, "B", true}}));
  EXPECT_TRUE(sessions->supervision_attendance("other").empty());
}

TEST_P(SessionsRepositories, APairsSessionsAreRecordedWithNotesAndReadInOrder) {
  const auto pair = add_pair("MENTEE1", "MENTOR1");
  const auto other = add_pair("MENTEE2", "MENTOR2");
  EXPECT_TRUE(sessions->pair_sessions(pair).empty());
  const auto later = sessions->record_pair_session(pair, day("2027-02-01"), "Went well", "mentee",
                                                   "2027-02-01T18:00:00Z");
  const auto earlier = sessions->record_pair_session(pair, day("2027-01-04"), std::nullopt,
                                                     "mentor", "2027-01-05T08:00:00Z");
  sessions->record_pair_session(other, day("2027-01-10"), std::nullopt, "mentee",
                                "2027-01-10T18:00:00Z");
  EXPECT_NE(later, earlier);

  auto held = sessions->pair_sessions(pair);
  ASSERT_EQ(held.size(), 2u);
  EXPECT_EQ(held[0].id, earlier);
  EXPECT_EQ(held[0].pair_id, pair);
  EXPECT_EQ(held[0].held_on, day("2027-01-04"));
  EXPECT_EQ(held[0].notes, std::nullopt);
  EXPECT_EQ(held[0].recorded_by_role, "mentor");
  EXPECT_EQ(held[0].recorded_at, "2027-01-05T08:00:00Z");
  EXPECT_EQ(held[1].id, later);
  EXPECT_EQ(held[1].notes, "Went well");
  EXPECT_EQ(held[1].recorded_by_role, "mentee");
  EXPECT_EQ(sessions->pair_session_dates(pair),
            (std::vector<Date>{day("2027-01-04"), day("2027-02-01")}));
  EXPECT_EQ(sessions->pair_session_dates(other), (std::vector<Date>{day("2027-01-10")}));
  EXPECT_ANY_THROW(sessions->record_pair_session(pair, day("2027-03-01"), std::nullopt, "hr",
                                                 "2027-03-01T09:00:00Z"))
      << "only the mentee or the mentor records";
  // The refused statement leaves the cached one usable.
  sessions->record_pair_session(pair, day("2027-03-01"), std::nullopt, "mentee",
                                "2027-03-01T09:00:00Z");
  EXPECT_EQ(sessions->pair_sessions(pair).size(), 3u);
}

TEST_P(SessionsRepositories, APairsCadenceAndMovedMeetingAreReplaced) {
  const auto pair = add_pair("MENTEE1", "MENTOR1");
  const auto other = add_pair("MENTEE2", "MENTOR2");
  EXPECT_EQ(sessions->pair_cadence(pair), std::nullopt);
  sessions->set_pair_cadence(pair, 4, "2027-01-04T09:00:00Z");
  sessions->set_pair_cadence(pair, 2, "2027-01-05T09:00:00Z");
  EXPECT_EQ(sessions->pair_cadence(pair), 2);
  EXPECT_EQ(sessions->pair_cadence(other), std::nullopt);

  EXPECT_FALSE(sessions->pair_next_meeting(pair));
  sessions->set_pair_next_meeting(pair, {3, day("2027-02-10"), 14 * 60, "mentor"},
                                  "2027-02-01T09:00:00Z");
  auto moved = sessions->pair_next_meeting(pair);
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->number, 3);
  EXPECT_EQ(moved->on, day("2027-02-10"));
  EXPECT_EQ(moved->start_minutes, 14 * 60);
  EXPECT_EQ(moved->moved_by_role, "mentor");
  sessions->set_pair_next_meeting(pair, {3, day("2027-02-12"), std::nullopt, "mentee"},
                                  "2027-02-02T09:00:00Z");
  moved = sessions->pair_next_meeting(pair);
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->on, day("2027-02-12"));
  EXPECT_EQ(moved->start_minutes, std::nullopt);  // the programme's time
  EXPECT_EQ(moved->moved_by_role, "mentee");
  EXPECT_FALSE(sessions->pair_next_meeting(other));
}

TEST_P(SessionsRepositories, AnOverduePairSessionIsRemindedAndFlaggedOncePerDueDate) {
  const auto pair = add_pair("MENTEE1", "MENTOR1");
  const Date due = day("2027-02-01");
  auto none = sessions->pair_escalation(pair, due);
  EXPECT_EQ(none.reminded_on, std::nullopt);
  EXPECT_EQ(none.flagged_on, std::nullopt);

  sessions->mark_pair_reminded(pair, due, day("2027-02-02"));
  sessions->mark_pair_reminded(pair, due, day("2027-02-03"));  // the first day stays
  auto reminded = sessions->pair_escalation(pair, due);
  EXPECT_EQ(reminded.reminded_on, day("2027-02-02"));
  EXPECT_EQ(reminded.flagged_on, std::nullopt);

  sessions->mark_pair_flagged(pair, due, day("2027-02-09"));
  sessions->mark_pair_flagged(pair, due, day("2027-02-10"));
  auto flagged = sessions->pair_escalation(pair, due);
  EXPECT_EQ(flagged.reminded_on, day("2027-02-02"));
  EXPECT_EQ(flagged.flagged_on, day("2027-02-09"));

  // The next due date starts again; a flag without a reminder is kept as such.
  sessions->mark_pair_flagged(pair, day("2027-03-01"), day("2027-03-09"));
  auto next = sessions->pair_escalation(pair, day("2027-03-01"));
  EXPECT_EQ(next.reminded_on, std::nullopt);
  EXPECT_EQ(next.flagged_on, day("2027-03-09"));
}

TEST_P(SessionsRepositories, ACirclesMeetingsCarryTheirAttendancePerMentee) {
  add_people({"MENTOR1", "MENTOR2", "M1", "M2", "M3"});
  EXPECT_TRUE(sessions->circle_sessions("circles", "MENTOR1").empty());
  const auto second = sessions->record_circle_session(
      "circles", "MENTOR1", day("2027-02-01"), "Private words", "mentor",
      {{"M3", true}, {"M1", false}, {"M2", true}}, "2027-02-01T18:00:00Z");
  const auto first =
      sessions->record_circle_session("circles", "MENTOR1", day("2027-01-18"), std::nullopt,
                                      "mentee", {{"M1", true}}, "2027-01-18T18:00:00Z");
  sessions->record_circle_session("circles", "MENTOR2", day("2027-01-20"), std::nullopt, "mentor",
                                  {}, "2027-01-20T18:00:00Z");

  auto held = sessions->circle_sessions("circles", "MENTOR1");
  ASSERT_EQ(held.size(), 2u);
  EXPECT_EQ(held[0].id, first);
  EXPECT_EQ(held[0].held_on, day("2027-01-18"));
  EXPECT_EQ(held[0].notes, std::nullopt);
  EXPECT_EQ(held[0].recorded_by_role, "mentee");
  EXPECT_EQ(held[0].attendance, (std::vector<std::pair<std::string, bool>>{{"M1", true}}));
  EXPECT_EQ(held[1].id, second);
  EXPECT_EQ(held[1].notes, "Private words");
  EXPECT_EQ(held[1].attendance,
            (std::vector<std::pair<std::string, bool>>{{"M1", false}, {"M2", true}, {"M3", true}}));
  auto other = sessions->circle_sessions("circles", "MENTOR2");
  ASSERT_EQ(other.size(), 1u);
  EXPECT_TRUE(other[0].attendance.empty());
  EXPECT_TRUE(sessions->circle_sessions("other", "MENTOR1").empty());
}

TEST_P(SessionsRepositories, ACircleMeetingWithAnUnknownMenteeIsNotRecordedAtAll) {
  add_people({"MENTOR1", "M1"});
  backend->begin();
  EXPECT_ANY_THROW(sessions->record_circle_session(
      "circles", "MENTOR1", day("2027-02-01"), std::nullopt, "mentor",
      {{"M1", true}, {"NOBODY", true}}, "2027-02-01T18:00:00Z"));
  backend->rollback();
  EXPECT_TRUE(sessions->circle_sessions("circles", "MENTOR1").empty());
}

TEST_P(SessionsRepositories, ACirclesCadenceAndEscalationArePerMentorAndSetOnce) {
  EXPECT_EQ(sessions->circle_cadence("circles", "MENTOR1"), std::nullopt);
  sessions->set_circle_cadence("circles", "MENTOR1", 3, "2027-01-04T09:00:00Z");
  sessions->set_circle_cadence("circles", "MENTOR1", 4, "2027-01-05T09:00:00Z");
  EXPECT_EQ(sessions->circle_cadence("circles", "MENTOR1"), 4);
  EXPECT_EQ(sessions->circle_cadence("circles", "MENTOR2"), std::nullopt);
  EXPECT_EQ(sessions->circle_cadence("other", "MENTOR1"), std::nullopt);

  const Date due = day("2027-02-01");
  sessions->mark_circle_reminded("circles", "MENTOR1", due, day("2027-02-02"));
  sessions->mark_circle_reminded("circles", "MENTOR1", due, day("2027-02-05"));
  sessions->mark_circle_flagged("circles", "MENTOR1", due, day("2027-02-09"));
  sessions->mark_circle_flagged("circles", "MENTOR1", due, day("2027-02-12"));
  auto state = sessions->circle_escalation("circles", "MENTOR1", due);
  EXPECT_EQ(state.reminded_on, day("2027-02-02"));
  EXPECT_EQ(state.flagged_on, day("2027-02-09"));
  EXPECT_EQ(sessions->circle_escalation("circles", "MENTOR2", due).reminded_on, std::nullopt);
  EXPECT_EQ(sessions->circle_escalation("circles", "MENTOR1", day("2027-03-01")).flagged_on,
            std::nullopt);
}

TEST_P(SessionsRepositories, ARollbackTakesTheSessionsWritesWithIt) {
  const auto pair = add_pair("MENTEE1", "MENTOR1");
  add_people({"M1"});
  sessions->set_pair_cadence(pair, 4, "2027-01-04T09:00:00Z");
  backend->begin();
  sessions->record_pair_session(pair, day("2027-02-01"), "notes", "mentee", "2027-02-01T18:00:00Z");
  sessions->set_pair_cadence(pair, 2, "2027-02-01T18:00:00Z");
  sessions->mark_pair_reminded(pair, day("2027-02-01"), day("2027-02-02"));
  sessions->save_kickoff({"rtw", day("2027-03-20"), 10 * 60, 120, std::nullopt, false},
                         "2027-02-01T09:00:00Z");
  const auto group = sessions->add_supervision_group("rtw", 1, day("2027-01-04"));
  sessions->upsert_supervision_session(group, 1, day("2027-02-15"));
  sessions->record_circle_session("circles", "MENTEE1", day("2027-02-01"), std::nullopt, "mentor",
                                  {{"M1", true}}, "2027-02-01T18:00:00Z");
  EXPECT_EQ(sessions->pair_session_dates(pair).size(), 1u);  // seen inside the transaction
  backend->rollback();

  EXPECT_TRUE(sessions->pair_sessions(pair).empty());
  EXPECT_EQ(sessions->pair_cadence(pair), 4);
  EXPECT_EQ(sessions->pair_escalation(pair, day("2027-02-01")).reminded_on, std::nullopt);
  EXPECT_FALSE(sessions->kickoff("rtw"));
  EXPECT_TRUE(sessions->supervision_groups("rtw").empty());
  EXPECT_TRUE(sessions->supervision_sessions("rtw").empty());
  EXPECT_TRUE(sessions->circle_sessions("circles", "MENTEE1").empty());
}

TEST_P(SessionsRepositories, ACommitKeepsTheSessionsWrites) {
  const auto pair = add_pair("MENTEE1", "MENTOR1");
  backend->begin();
  sessions->record_pair_session(pair, day("2027-02-01"), std::nullopt, "mentee",
                                "2027-02-01T18:00:00Z");
  sessions->mark_pair_flagged(pair, day("2027-01-01"), day("2027-01-15"));
  backend->commit();
  EXPECT_EQ(sessions->pair_session_dates(pair), (std::vector<Date>{day("2027-02-01")}));
  EXPECT_EQ(sessions->pair_escalation(pair, day("2027-01-01")).flagged_on, day("2027-01-15"));
}

INSTANTIATE_FOR_EVERY_BACKEND(SessionsRepositories);
