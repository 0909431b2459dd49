// The leave repository (issue 17) on every backend: leave with its versions (stored,
// unchanged, older), the overlap check, the planning reads, course completions, and a
// rollback taking a page's leave and completions with it.
#include "backend.hpp"

#include <mentoring/store/leave_repository.hpp>
#include <mentoring/store/people_repository.hpp>
#include <mentoring/store/postgres/leave_repository.hpp>
#include <mentoring/store/postgres/people_repository.hpp>

#include <gtest/gtest.h>


#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

using namespace mentoring::store;
using namespace mentoring::domain;
using mentoring::store::testing::RepositoryTest;

namespace {

class LeaveRepositories : public RepositoryTest {
 protected:
  std::unique_ptr<LeaveRepository> leave =
      backend->make<LeaveRepository, SqliteLeaveRepository, postgres::PostgresLeaveRepository>();
  std::unique_ptr<PeopleRepository> people =
      backend->make<PeopleRepository, SqlitePeopleRepository, postgres::PostgresPeopleRepository>();

  void SetUp() override {
    for (const char* id : {"P1", "P2"}) add_person(id);
  }
  void add_person(const std::string& id) {
    Person p;
    p.id = id;
    p.name = "Person " + id;
    people->upsert(p);
  }
  // An enrolment pointing to a leave (the enrolment repository has its own tests).
  void add_enrolment(const std::string& programme, const std::string& leave_id,
                     const std::string& state) {
    backend->insert_row("enrolment", {{"person_id", "P1"},
                                      {"programme_id", programme},
                                      {"role", "mentee"},
                                      {"state", state},
                                      {"leave_id", leave_id},
                                      {"created_at", "2026-12-01T00:00:00Z"},
                                      {"updated_at", "2026-12-01T00:00:00Z"}});
  }
};

Date day(const char* text) {
  return *parse_date(text);
}

Leave leave_of(const std::string& person, const std::string& id, const char* start,
               const char* expected_end, LeaveStatus status = LeaveStatus::approved,
               std::optional<std::string> last_changed = std::nullopt) {
  Leave l;
  l.id = id;
  l.person_id = person;
  l.type = LeaveType::maternity;
  l.start = day(start);
  l.expected_end = day(expected_end);
  l.status = status;
  l.last_changed = std::move(last_changed);
  return l;
}

std::vector<std::string> ids(const std::vector<Leave>& leaves) {
  std::vector<std::string> out;
  for (const auto& l : leaves) out.push_back(l.id);
  return out;
}

std::vector<std::string> keys(const std::vector<CourseCompletion>& completions) {
  std::vector<std::string> out;
  for (const auto& c : completions)
    out.push_back(c.person_id + "/" + c.course_id + "/" + format_date(c.completed_at) + "/" +
                  (c.expires_at ? format_date(*c.expires_at) : "-"));
  return out;
}

using Ids = std::vector<std::string>;

}  // namespace

// --- leave ---------------------------------------------------------------------------------

TEST_P(LeaveRepositories, ALeaveReadsBackWithEveryField) {
  Leave l = leave_of("P1", "L1", "2027-03-15", "2027-09-14", LeaveStatus::requested,
                     "2026-11-03T10:00:00Z");
  l.type = LeaveType::adoption;
  l.actual_end = day("2027-08-31");
  EXPECT_EQ(leave->upsert(l), UpsertOutcome::stored);

  const auto back = leave->leave("L1");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->id, "L1");
  EXPECT_EQ(back->person_id, "P1");
  EXPECT_EQ(back->type, LeaveType::adoption);
  EXPECT_EQ(back->start, l.start);
  EXPECT_EQ(back->expected_end, l.expected_end);
  EXPECT_EQ(back->actual_end, l.actual_end);
  EXPECT_EQ(back->status, LeaveStatus::requested);
  EXPECT_EQ(back->last_changed, l.last_changed);
  EXPECT_FALSE(leave->leave("nothing"));
  EXPECT_EQ(leave->count_leave(), 1);
}

TEST_P(LeaveRepositories, ANewerVersionReplacesTheSameIsUnchangedAnOlderIsIgnored) {
  const Leave requested = leave_of("P1", "L1", "2027-03-15", "2027-09-14", LeaveStatus::requested,
                                   "2026-11-03T10:00:00Z");
  Leave approved = requested;
  approved.status = LeaveStatus::approved;
  approved.last_changed = "2026-11-05T10:00:00Z";
  Leave moved = approved;
  moved.expected_end = day("2027-10-01");
  moved.last_changed = "2026-11-04T10:00:00Z";  // changed on the host before `approved`

  EXPECT_EQ(leave->upsert(requested), UpsertOutcome::stored);
  EXPECT_EQ(leave->upsert(requested), UpsertOutcome::unchanged);
  EXPECT_EQ(leave->upsert(approved), UpsertOutcome::stored);
  EXPECT_EQ(leave->upsert(moved), UpsertOutcome::older);
  EXPECT_EQ(leave->upsert(requested), UpsertOutcome::older);

  const auto back = leave->leave("L1");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->status, LeaveStatus::approved);
  EXPECT_EQ(back->expected_end, day("2027-09-14"));
  EXPECT_EQ(back->last_changed, "2026-11-05T10:00:00Z");
  EXPECT_EQ(leave->count_leave(), 1);
}

// The same content changed later keeps its later change time (so what the host changed in
// between is recognised as older), and a leave without change times takes the newest read.
TEST_P(LeaveRepositories, TheSameContentChangedLaterKeepsItsChangeTimeOnly) {
  const Leave first = leave_of("P1", "L1", "2027-03-15", "2027-09-14", LeaveStatus::approved,
                               "2026-11-03T10:00:00Z");
  Leave touched = first;
  touched.last_changed = "2026-11-07T10:00:00Z";
  Leave between = first;
  between.status = LeaveStatus::cancelled;
  between.last_changed = "2026-11-05T10:00:00Z";

  ASSERT_EQ(leave->upsert(first), UpsertOutcome::stored);
  EXPECT_EQ(leave->upsert(touched), UpsertOutcome::unchanged);
  EXPECT_EQ(leave->leave("L1")->last_changed, "2026-11-07T10:00:00Z");
  EXPECT_EQ(leave->upsert(between), UpsertOutcome::older);
  EXPECT_EQ(leave->upsert(first), UpsertOutcome::unchanged);  // an earlier time is not kept
  EXPECT_EQ(leave->leave("L1")->last_changed, "2026-11-07T10:00:00Z");

  const Leave timeless = leave_of("P2", "L2", "2027-01-01", "2027-02-01");
  Leave cancelled = timeless;
  cancelled.status = LeaveStatus::cancelled;
  ASSERT_EQ(leave->upsert(timeless), UpsertOutcome::stored);
  EXPECT_EQ(leave->upsert(cancelled), UpsertOutcome::stored);
  EXPECT_EQ(leave->upsert(timeless), UpsertOutcome::stored);  // the newest read wins
  EXPECT_EQ(leave->leave("L2")->status, LeaveStatus::approved);
}

// Equal change times are broken by the content, so every order of two versions ends alike.
TEST_P(LeaveRepositories, VersionsChangedAtTheSameTimeEndAlikeInEitherOrder) {
  const Leave a = leave_of("P1", "L1", "2027-03-15", "2027-09-14", LeaveStatus::approved,
                           "2026-11-03T10:00:00Z");
  Leave b = a;
  b.id = "L2";
  b.status = LeaveStatus::cancelled;
  Leave a2 = a;
  a2.id = "L2";
  Leave b1 = b;
  b1.id = "L1";

  leave->upsert(a);
  leave->upsert(b1);
  leave->upsert(b);
  leave->upsert(a2);
  EXPECT_EQ(leave->leave("L1")->status, leave->leave("L2")->status);
  EXPECT_EQ(leave->upsert(a), UpsertOutcome::older);  // L1 kept b's content, which sorts higher
}

TEST_P(LeaveRepositories, InsertNewLeaveStoresOnlyALeaveNotStoredYet) {
  const Leave first = leave_of("P1", "L1", "2027-03-15", "2027-09-14", LeaveStatus::requested,
                               "2026-11-03T10:00:00Z");
  EXPECT_TRUE(leave->insert_new_leave(first));
  Leave later = first;
  later.status = LeaveStatus::cancelled;
  later.last_changed = "2026-11-05T10:00:00Z";
  EXPECT_FALSE(leave->insert_new_leave(later));
  EXPECT_EQ(leave->leave("L1")->status, LeaveStatus::requested);
  // What it stored is a version the upsert judges like its own.
  EXPECT_EQ(leave->upsert(first), UpsertOutcome::unchanged);
  EXPECT_EQ(leave->upsert(later), UpsertOutcome::stored);
  EXPECT_EQ(leave->upsert(first), UpsertOutcome::older);
}

TEST_P(LeaveRepositories, LeavesOfAPersonByStartThenId) {
  leave->upsert(leave_of("P1", "L3", "2027-05-01", "2027-06-01"));
  leave->upsert(leave_of("P1", "L2", "2027-01-01", "2027-02-01"));
  leave->upsert(leave_of("P1", "L1", "2027-05-01", "2027-05-10"));
  leave->upsert(leave_of("P2", "L4", "2026-01-01", "2026-02-01"));
  EXPECT_EQ(ids(leave->leaves_of("P1")), (Ids{"L2", "L1", "L3"}));
  EXPECT_EQ(ids(leave->leaves_of("P2")), Ids{"L4"});
  EXPECT_TRUE(leave->leaves_of("nobody").empty());
}

TEST_P(LeaveRepositories, AnOverlapWithAnotherApprovedOrRequestedLeaveOfThePersonIsFound) {
  leave->upsert(leave_of("P1", "early", "2027-01-01", "2027-01-31"));
  leave->upsert(leave_of("P1", "spring", "2027-03-01", "2027-05-31", LeaveStatus::requested));
  leave->upsert(leave_of("P1", "cancelled", "2027-07-01", "2027-07-31", LeaveStatus::cancelled));
  Leave ended_early = leave_of("P1", "ended-early", "2027-09-01", "2027-12-31");
  ended_early.actual_end = day("2027-09-30");
  leave->upsert(ended_early);
  leave->upsert(leave_of("P2", "other-person", "2027-06-01", "2027-06-30"));

  auto overlap = [&](const char* start, const char* end) {
    return leave->overlapping_leave(leave_of("P1", "new", start, end));
  };
  EXPECT_EQ(overlap("2027-01-31", "2027-02-10"), "early");   // its last day
  EXPECT_EQ(overlap("2027-02-10", "2027-03-01"), "spring");  // its first day
  EXPECT_EQ(overlap("2026-12-01", "2027-12-31"), "early");   // the earliest starting
  EXPECT_FALSE(overlap("2027-02-01", "2027-02-28"));         // between two leaves
  EXPECT_FALSE(overlap("2027-06-01", "2027-06-30"));         // another person's
  EXPECT_FALSE(overlap("2027-07-10", "2027-07-20"));         // a cancelled one
  EXPECT_FALSE(overlap("2027-10-01", "2027-10-31"));         // after its actual end
  EXPECT_EQ(overlap("2027-09-30", "2027-10-31"), "ended-early");

  // A leave never overlaps itself, and a cancelled or denied one overlaps nothing.
  EXPECT_FALSE(leave->overlapping_leave(leave_of("P1", "spring", "2027-03-01", "2027-05-31")));
  EXPECT_FALSE(leave->overlapping_leave(
      leave_of("P1", "new", "2027-01-01", "2027-12-31", LeaveStatus::cancelled)));
  EXPECT_FALSE(leave->overlapping_leave(
      leave_of("P1", "new", "2027-01-01", "2027-12-31", LeaveStatus::denied)));
  // The new leave's actual end, not its expected one, bounds it.
  Leave short_one = leave_of("P1", "new", "2027-02-10", "2027-03-15");
  short_one.actual_end = day("2027-02-20");
  EXPECT_FALSE(leave->overlapping_leave(short_one));
}

TEST_P(LeaveRepositories, PlanningReadsLeaveStartingInsideTheWindowBothEndsIncluded) {
  for (const auto& [id, start] :
       std::vector<std::pair<const char*, const char*>>{{"before", "2027-02-28"},
                                                        {"first", "2027-03-01"},
                                                        {"inside", "2027-04-15"},
                                                        {"last", "2027-06-01"},
                                                        {"after", "2027-06-02"}})
    leave->upsert(leave_of("P1", id, start, "2027-12-31"));
  leave->upsert(leave_of("P2", "first-too", "2027-03-01", "2027-03-31"));

  EXPECT_EQ(ids(leave->leaves_for_planning(day("2027-03-01"), day("2027-06-01"), "rtw")),
            (Ids{"first", "first-too", "inside", "last"}));
  EXPECT_EQ(ids(leave->leaves_for_planning(day("2027-06-01"))), (Ids{"last", "after"}));
  EXPECT_TRUE(leave->leaves_for_planning(day("2027-06-03")).empty());
  EXPECT_TRUE(leave->leaves_for_planning(day("2027-06-03"), day("2027-12-31"), "rtw").empty());
}

// Outside the window, planning still reads the leave an open enrolment points to: of the
// programme for the window, of any programme from a day.
TEST_P(LeaveRepositories, PlanningAlsoReadsTheLeaveOfOpenEnrolments) {
  for (const auto& [id, start] :
       std::vector<std::pair<const char*, const char*>>{{"inside", "2027-04-15"},
                                                        {"open-early", "2026-01-10"},
                                                        {"open-late", "2028-01-10"},
                                                        {"closed", "2026-02-10"},
                                                        {"other-programme", "2026-03-10"},
                                                        {"not-enrolled", "2026-04-10"}})
    leave->upsert(leave_of("P1", id, start, "2028-12-31"));
  add_enrolment("rtw", "open-early", "eligible");
  add_enrolment("rtw", "open-late", "active");
  add_enrolment("rtw", "closed", "expired");
  add_enrolment("other", "other-programme", "invited");

  EXPECT_EQ(ids(leave->leaves_for_planning(day("2027-03-01"), day("2027-06-01"), "rtw")),
            (Ids{"open-early", "inside", "open-late"}));
  EXPECT_EQ(ids(leave->leaves_for_planning(day("2027-03-01"), day("2027-06-01"), "other")),
            (Ids{"other-programme", "inside"}));
  EXPECT_EQ(ids(leave->leaves_for_planning(day("2027-03-01"))),
            (Ids{"open-early", "other-programme", "inside", "open-late"}));
}

// A row the store never writes (another tool's, or a damaged file) is an error naming the
// leave, the column and what was found, never a leave made up.
TEST_P(LeaveRepositories, ADamagedRowIsAnErrorNamingTheLeaveAndWhatWasFound) {
  auto damaged = [&](const std::string& id, const std::string& status, const std::string& start) {
    backend->insert_row("leave", {{"id", id},
                                  {"person_id", "P1"},
                                  {"type", "maternity"},
                                  {"start_date", start},
                                  {"expected_end", "2027-12-31"},
                                  {"status", status}});
  };
  damaged("L-status", "paused", "2027-01-01");
  damaged("L-date", "approved", "01/03/2027");
  auto error_of = [&](const std::string& id) {
    try {
      leave->leave(id);
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string status = error_of("L-status");
  EXPECT_NE(status.find("leave L-status"), std::string::npos) << status;
  EXPECT_NE(status.find("\"paused\""), std::string::npos) << status;
  const std::string date = error_of("L-date");
  EXPECT_NE(date.find("leave L-date has start_date \"01/03/2027\""), std::string::npos) << date;
  EXPECT_THROW(leave->leaves_of("P1"), std::runtime_error);
}

// --- course completions --------------------------------------------------------------------

TEST_P(LeaveRepositories, ACompletionIsStoredOnceAndANewExpiryReplacesItsOwn) {
  const CourseCompletion c{"P1", "C1", day("2026-03-03"), day("2028-03-03")};
  EXPECT_EQ(leave->upsert(c), UpsertOutcome::stored);
  EXPECT_EQ(leave->upsert(c), UpsertOutcome::unchanged);
  CourseCompletion renewed = c;
  renewed.expires_at = day("2029-03-03");
  EXPECT_EQ(leave->upsert(renewed), UpsertOutcome::stored);
  CourseCompletion without = c;
  without.expires_at.reset();
  EXPECT_EQ(leave->upsert(without), UpsertOutcome::stored);
  EXPECT_EQ(leave->upsert(without), UpsertOutcome::unchanged);
  EXPECT_EQ(keys(leave->completions_of("P1")), Ids{"P1/C1/2026-03-03/-"});
  EXPECT_EQ(leave->count_completions(), 1);
}

TEST_P(LeaveRepositories, CompletionsByPersonAllAndAfterADay) {
  leave->upsert(CourseCompletion{"P2", "C1", day("2026-01-02"), {}});
  leave->upsert(CourseCompletion{"P1", "C2", day("2025-05-01"), day("2027-05-01")});
  leave->upsert(CourseCompletion{"P1", "C1", day("2025-05-01"), {}});
  leave->upsert(CourseCompletion{"P1", "C1", day("2024-03-03"), day("2026-03-03")});
  leave->upsert(CourseCompletion{"P1", "C3", day("2027-01-10"), {}});

  EXPECT_EQ(keys(leave->completions_of("P1")),
            (Ids{"P1/C1/2024-03-03/2026-03-03", "P1/C1/2025-05-01/-", "P1/C2/2025-05-01/2027-05-01",
                 "P1/C3/2027-01-10/-"}));
  EXPECT_TRUE(leave->completions_of("nobody").empty());
  EXPECT_EQ(keys(leave->all_completions()),
            (Ids{"P1/C1/2024-03-03/2026-03-03", "P1/C1/2025-05-01/-", "P1/C2/2025-05-01/2027-05-01",
                 "P1/C3/2027-01-10/-", "P2/C1/2026-01-02/-"}));
  EXPECT_EQ(keys(leave->completions_after(day("2026-01-01"))),
            (Ids{"P1/C3/2027-01-10/-", "P2/C1/2026-01-02/-"}));
  EXPECT_EQ(keys(leave->completions_after(day("2026-01-02"))), Ids{"P1/C3/2027-01-10/-"});
  EXPECT_TRUE(leave->completions_after(day("2027-01-10")).empty());
  EXPECT_EQ(leave->count_completions(), 5);
}

// --- one transaction over repositories ----------------------------------------------------

TEST_P(LeaveRepositories, ARollbackTakesThePagesLeaveAndCompletionsWithIt) {
  leave->upsert(leave_of("P1", "L1", "2027-01-01", "2027-02-01", LeaveStatus::requested));
  backend->begin();
  Person p3;
  p3.id = "P3";
  p3.name = "Person P3";
  people->upsert(p3);
  leave->upsert(leave_of("P3", "L3", "2027-03-01", "2027-04-01"));
  leave->upsert(leave_of("P1", "L1", "2027-01-01", "2027-02-01", LeaveStatus::approved));
  leave->upsert(CourseCompletion{"P3", "C1", day("2026-05-01"), {}});
  EXPECT_EQ(leave->count_leave(), 2);  // seen inside the transaction
  backend->rollback();

  EXPECT_FALSE(leave->leave("L3"));
  EXPECT_EQ(leave->leave("L1")->status, LeaveStatus::requested);
  EXPECT_TRUE(leave->completions_of("P3").empty());
  EXPECT_EQ(leave->count_leave(), 1);
  EXPECT_EQ(leave->count_completions(), 0);

  backend->begin();
  add_person("P3");
  leave->upsert(leave_of("P3", "L3", "2027-03-01", "2027-04-01"));
  leave->upsert(CourseCompletion{"P3", "C1", day("2026-05-01"), {}});
  backend->commit();
  EXPECT_TRUE(leave->leave("L3"));
  EXPECT_EQ(leave->completions_of("P3").size(), 1u);
}

INSTANTIATE_FOR_EVERY_BACKEND(LeaveRepositories);

// --- PostgreSQL: organisations sharing the tables -----------------------------------------

namespace {

class PostgresLeave : public RepositoryTest {};

}  // namespace

TEST_P(PostgresLeave, AnotherOrganisationsLeaveAndCompletionsOfTheSameIdsAreItsOwn) {
  postgres::OrgSession& mine = *backend->postgres();
  postgres::OrgSession theirs(mine.connection(), backend->organisation() + "-other");
  for (postgres::OrgSession* session : {&mine, &theirs}) {
    Person p;
    p.id = "P1";
    p.name = "Person P1";
    postgres::PostgresPeopleRepository(*session).upsert(p);
  }
  postgres::PostgresLeaveRepository my_leave(mine);
  postgres::PostgresLeaveRepository their_leave(theirs);
  Leave l = leave_of("P1", "L1", "2027-03-01", "2027-05-31");
  EXPECT_TRUE(my_leave.insert_new_leave(l));
  EXPECT_FALSE(their_leave.leave("L1"));
  EXPECT_FALSE(their_leave.overlapping_leave(leave_of("P1", "L2", "2027-03-01", "2027-05-31")));
  l.status = LeaveStatus::requested;
  EXPECT_TRUE(their_leave.insert_new_leave(l));
  EXPECT_EQ(my_leave.leave("L1")->status, LeaveStatus::approved);
  EXPECT_EQ(their_leave.leave("L1")->status, LeaveStatus::requested);

  const CourseCompletion c{"P1", "C1", day("2026-03-03"), {}};
  EXPECT_EQ(my_leave.upsert(c), UpsertOutcome::stored);
  EXPECT_EQ(their_leave.upsert(c), UpsertOutcome::stored);
  EXPECT_EQ(their_leave.count_completions(), 1);
  EXPECT_EQ(my_leave.count_leave(), 1);
}

INSTANTIATE_FOR_POSTGRES(PostgresLeave);
