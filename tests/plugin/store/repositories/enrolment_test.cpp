// The enrolment repository (issue 17) on every backend: enrolments with every field, their
// history (each move with its cause), the counts the passes and the run summary read, the
// touchpoints, and a rollback taking an enrolment with its history.
#include "backend.hpp"

#include <mentoring/store/enrolment_repository.hpp>
#include <mentoring/store/people_repository.hpp>
#include <mentoring/store/postgres/enrolment_repository.hpp>
#include <mentoring/store/postgres/people_repository.hpp>

#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <algorithm>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

using namespace mentoring::store;
using namespace mentoring::domain;
using mentoring::store::testing::RepositoryTest;

namespace {

constexpr const char* kAt = "2027-01-04T09:00:00Z";

class EnrolmentRepositories : public RepositoryTest {
 protected:
  std::unique_ptr<EnrolmentRepository> enrolments =
      backend->make<EnrolmentRepository, SqliteEnrolmentRepository,
                    postgres::PostgresEnrolmentRepository>();
  std::unique_ptr<PeopleRepository> people =
      backend->make<PeopleRepository, SqlitePeopleRepository, postgres::PostgresPeopleRepository>();

  void add_person(const std::string& id) {
    Person p;
    p.id = id;
    p.name = "Person " + id;
    people->upsert(p);
  }
  // The leave an enrolment refers to (the leave repository has its own tests).
  void add_leave(const std::string& id, const std::string& person) {
    backend->insert_row("leave", {{"id", id},
                                  {"person_id", person},
                                  {"type", "maternity"},
                                  {"start_date", "2027-02-01"},
                                  {"expected_end", "2027-10-31"},
                                  {"status", "approved"}});
  }
  std::int64_t enrol(const std::string& person, EnrolmentState state,
                     const std::string& programme = "rtw", Role role = Role::mentee) {
    return enrolments->insert_enrolment(Enrolment::make(person, programme, role, state), kAt,
                                        "test");
  }
  // The goal and wishes as stored: the repository writes them, the pairing notes read them.
  using Goal = std::pair<std::optional<std::string>, std::optional<std::string>>;
  Goal goal_of(std::int64_t id) {
    if (StoreSession* sqlite = backend->sqlite()) {
      SQLite::Statement s(sqlite->database(), "SELECT goal, wishes FROM enrolment WHERE id = ?");
      s.bind(1, id);
      if (!s.executeStep()) return {};
      auto text = [&](int i) -> std::optional<std::string> {
        if (s.getColumn(i).isNull()) return std::nullopt;
        return s.getColumn(i).getString();
      };
      return {text(0), text(1)};
    }
    postgres::OrgSession& session = *backend->postgres();
    return session.run("reading a goal", [&](pqxx::work& txn) -> Goal {
      auto rows = txn.exec_params(
          "SELECT goal, wishes FROM enrolment WHERE org_id = $1 AND id = $2", session.org_id(), id);
      if (rows.empty()) return {};
      auto text = [&](int i) -> std::optional<std::string> {
        if (rows[0][i].is_null()) return std::nullopt;
        return rows[0][i].as<std::string>();
      };
      return {text(0), text(1)};
    });
  }
};

std::vector<std::int64_t> ids(const std::vector<Enrolment>& enrolments) {
  std::vector<std::int64_t> out;
  for (const auto& e : enrolments) out.push_back(e.id);
  return out;
}

using StateCounts = std::vector<std::tuple<Role, EnrolmentState, std::int64_t>>;

StateCounts flat(const std::vector<EnrolmentStateCount>& counts) {
  StateCounts out;
  for (const auto& c : counts) out.emplace_back(c.role, c.state, c.count);
  return out;
}

using Touchpoints = std::vector<std::tuple<std::string, std::string, int, std::string>>;

Touchpoints flat(const std::vector<Touchpoint>& touchpoints) {
  Touchpoints out;
  for (const auto& t : touchpoints)
    out.emplace_back(t.name, format_date(t.due), t.sequence, t.state);
  return out;
}

}  // namespace

// --- enrolments ---------------------------------------------------------------------------

TEST_P(EnrolmentRepositories, AnEnrolmentReadsBackWithEveryField) {
  add_person("P1");
  add_leave("L1", "P1");
  Enrolment e = Enrolment::make("P1", "rtw", Role::mentee, EnrolmentState::invited, "L1");
  e.respond_by = parse_date("2027-01-18");
  e.consent_on = parse_date("2027-01-05");
  e.leave_fingerprint = "2027-02-01|2027-10-31";
  e.id = 999'999;  // ignored: the store gives the id
  const auto id = enrolments->insert_enrolment(e, kAt, "leave L1 approved");
  EXPECT_NE(id, 999'999);

  auto back = enrolments->enrolment(id);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->id, id);
  EXPECT_EQ(back->person_id, "P1");
  EXPECT_EQ(back->programme_id, "rtw");
  EXPECT_EQ(back->role, Role::mentee);
  EXPECT_EQ(back->state, EnrolmentState::invited);
  EXPECT_EQ(back->leave_id, "L1");
  EXPECT_EQ(back->phase, std::nullopt);
  EXPECT_EQ(back->created_on, parse_date("2027-01-04"));  // the day of `at`
  EXPECT_EQ(back->respond_by, e.respond_by);
  EXPECT_EQ(back->consent_on, e.consent_on);
  EXPECT_EQ(back->started_on, std::nullopt);
  EXPECT_EQ(back->ends_on, std::nullopt);
  EXPECT_EQ(back->needs_decision, std::nullopt);
  EXPECT_EQ(back->leave_fingerprint, e.leave_fingerprint);
  EXPECT_FALSE(enrolments->enrolment(id + 1000));
}

TEST_P(EnrolmentRepositories, AMentorWithoutLeaveOrDatesReadsBackWithout) {
  add_person("M1");
  const auto id = enrol("M1", EnrolmentState::awaiting_pair, "rtw", Role::mentor);
  auto back = enrolments->enrolment(id);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->role, Role::mentor);
  EXPECT_EQ(back->state, EnrolmentState::awaiting_pair);
  EXPECT_EQ(back->leave_id, std::nullopt);
  EXPECT_EQ(back->respond_by, std::nullopt);
  EXPECT_EQ(back->consent_on, std::nullopt);
  EXPECT_EQ(back->leave_fingerprint, std::nullopt);
}

TEST_P(EnrolmentRepositories, IdsAreDistinctAndListsAreByProgrammeAndPersonInIdOrder) {
  add_person("P1");
  add_person("P2");
  const auto a = enrol("P1", EnrolmentState::invited, "rtw");
  const auto b = enrol("P2", EnrolmentState::invited, "rtw");
  const auto c = enrol("P1", EnrolmentState::active, "network");
  const auto d = enrol("P2", EnrolmentState::awaiting_pair, "rtw", Role::mentor);
  EXPECT_EQ(std::set<std::int64_t>({a, b, c, d}).size(), 4u);
  EXPECT_TRUE(a < b && b < c && c < d);  // in the order inserted

  EXPECT_EQ(ids(enrolments->enrolments("rtw")), (std::vector<std::int64_t>{a, b, d}));
  EXPECT_EQ(ids(enrolments->enrolments("network")), (std::vector<std::int64_t>{c}));
  EXPECT_TRUE(enrolments->enrolments("none").empty());
  EXPECT_EQ(ids(enrolments->enrolments_of("P1")), (std::vector<std::int64_t>{a, c}));
  EXPECT_EQ(ids(enrolments->enrolments_of("P2")), (std::vector<std::int64_t>{b, d}));
  EXPECT_TRUE(enrolments->enrolments_of("nobody").empty());
}

TEST_P(EnrolmentRepositories, AnEnrolmentOfAnUnknownPersonIsRefused) {
  EXPECT_ANY_THROW(enrol("nobody", EnrolmentState::invited));
  EXPECT_TRUE(enrolments->enrolments("rtw").empty());
  EXPECT_TRUE(enrolments->history("nobody").empty());
}

// --- history ------------------------------------------------------------------------------

TEST_P(EnrolmentRepositories, ATransitionMovesTheStateAndWritesHistoryWithItsReason) {
  add_person("P1");
  const auto id = enrol("P1", EnrolmentState::invited);
  enrolments->transition(id, EnrolmentState::active, "2027-01-10T08:00:00Z", "consent given",
                         Phase::on_leave);
  auto moved = enrolments->enrolment(id);
  EXPECT_EQ(moved->state, EnrolmentState::active);
  EXPECT_EQ(moved->phase, Phase::on_leave);
  enrolments->transition(id, EnrolmentState::completed, "2027-09-01T08:00:00Z", "programme ended",
                         std::nullopt);
  moved = enrolments->enrolment(id);
  EXPECT_EQ(moved->state, EnrolmentState::completed);
  EXPECT_EQ(moved->phase, std::nullopt);  // the move says the phase, none here

  const auto history = enrolments->history("P1");
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[0].programme_id, "rtw");
  EXPECT_EQ(history[0].role, "mentee");
  EXPECT_EQ(history[0].from_state, "");
  EXPECT_EQ(history[0].to_state, "invited");
  EXPECT_EQ(history[0].at, kAt);
  EXPECT_EQ(history[0].cause, "test");
  EXPECT_EQ(history[0].phase, "");
  EXPECT_EQ(history[1].from_state, "invited");
  EXPECT_EQ(history[1].to_state, "active");
  EXPECT_EQ(history[1].at, "2027-01-10T08:00:00Z");
  EXPECT_EQ(history[1].cause, "consent given");
  EXPECT_EQ(history[1].phase, "on_leave");
  EXPECT_EQ(history[2].from_state, "active");
  EXPECT_EQ(history[2].to_state, "completed");
  EXPECT_EQ(history[2].cause, "programme ended");
  EXPECT_EQ(history[2].phase, "");
}

TEST_P(EnrolmentRepositories, HistoryIsAPersonsAcrossTheirEnrolmentsOnly) {
  add_person("P1");
  add_person("P2");
  const auto first = enrol("P1", EnrolmentState::invited, "rtw");
  enrol("P2", EnrolmentState::invited, "rtw");
  enrol("P1", EnrolmentState::awaiting_pair, "network", Role::mentor);
  enrolments->transition(first, EnrolmentState::declined, kAt, "declined by P1", std::nullopt);

  const auto history = enrolments->history("P1");
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(std::make_pair(history[0].programme_id, history[0].to_state),
            std::make_pair(std::string("rtw"), std::string("invited")));
  EXPECT_EQ(std::make_pair(history[1].programme_id, history[1].role),
            std::make_pair(std::string("network"), std::string("mentor")));
  EXPECT_EQ(history[2].cause, "declined by P1");
  EXPECT_EQ(enrolments->history("P2").size(), 1u);
  EXPECT_TRUE(enrolments->history("nobody").empty());
}

TEST_P(EnrolmentRepositories, ATransitionNeedsACauseAndAnEnrolment) {
  add_person("P1");
  const auto id = enrol("P1", EnrolmentState::invited);
  EXPECT_THROW(enrolments->transition(id, EnrolmentState::active, kAt, "", std::nullopt),
               std::invalid_argument);
  EXPECT_THROW(enrolments->transition(id + 1000, EnrolmentState::active, kAt, "why", std::nullopt),
               std::runtime_error);
  EXPECT_EQ(enrolments->enrolment(id)->state, EnrolmentState::invited);
  EXPECT_EQ(enrolments->history("P1").size(), 1u);
}

TEST_P(EnrolmentRepositories, DetailsAreSavedWithoutMovingTheState) {
  add_person("P1");
  Enrolment e = Enrolment::make("P1", "rtw", Role::mentee, EnrolmentState::invited);
  e.consent_on = parse_date("2027-01-05");
  e.id = enrolments->insert_enrolment(e, kAt, "test");

  Enrolment changed = e;
  changed.state = EnrolmentState::completed;  // not saved: only transition() moves it
  changed.phase = Phase::returned;
  changed.respond_by = parse_date("2027-01-20");
  changed.consent_on = std::nullopt;  // none given: the stored consent stays
  changed.started_on = parse_date("2027-02-01");
  changed.ends_on = parse_date("2027-08-01");
  changed.needs_decision = "extend past the end?";
  changed.leave_fingerprint = "changed";
  enrolments->update_details(changed, "2027-01-11T10:00:00Z");

  auto back = enrolments->enrolment(e.id);
  EXPECT_EQ(back->state, EnrolmentState::invited);
  EXPECT_EQ(back->phase, Phase::returned);
  EXPECT_EQ(back->respond_by, changed.respond_by);
  EXPECT_EQ(back->consent_on, parse_date("2027-01-05"));
  EXPECT_EQ(back->started_on, changed.started_on);
  EXPECT_EQ(back->ends_on, changed.ends_on);
  EXPECT_EQ(back->needs_decision, changed.needs_decision);
  EXPECT_EQ(back->leave_fingerprint, "changed");
  EXPECT_EQ(enrolments->history("P1").size(), 1u);

  changed.consent_on = parse_date("2027-01-09");
  changed.phase = std::nullopt;
  changed.needs_decision = std::nullopt;
  enrolments->update_details(changed, "2027-01-12T10:00:00Z");
  back = enrolments->enrolment(e.id);
  EXPECT_EQ(back->consent_on, parse_date("2027-01-09"));
  EXPECT_EQ(back->phase, std::nullopt);
  EXPECT_EQ(back->needs_decision, std::nullopt);
}

TEST_P(EnrolmentRepositories, AGoalAndWishesAreSavedOnTheirEnrolmentOnly) {
  add_person("P1");
  const auto id = enrol("P1", EnrolmentState::awaiting_pair);
  const auto other = enrol("P1", EnrolmentState::awaiting_pair, "network");
  EXPECT_EQ(goal_of(id), Goal());
  enrolments->set_goal(id, "back to theatre work", "someone who returned part-time");
  EXPECT_EQ(goal_of(id), Goal("back to theatre work", "someone who returned part-time"));
  EXPECT_EQ(goal_of(other).first, std::nullopt);
  enrolments->set_goal(id, "lead a team", "");
  EXPECT_EQ(goal_of(id).first, "lead a team");
  EXPECT_EQ(goal_of(id).second, "");
  EXPECT_EQ(enrolments->enrolment(id)->state, EnrolmentState::awaiting_pair);
}

// --- states and counts --------------------------------------------------------------------

TEST_P(EnrolmentRepositories, EnrolmentsAreFoundAndCountedByState) {
  add_person("P1");
  add_person("P2");
  add_person("M1");
  const auto invited = enrol("P1", EnrolmentState::invited);
  const auto active = enrol("P2", EnrolmentState::active);
  const auto mentor = enrol("M1", EnrolmentState::active, "rtw", Role::mentor);
  const auto elsewhere = enrol("P1", EnrolmentState::invited, "network");
  const auto declined = enrol("P2", EnrolmentState::declined, "network");

  using Ids = std::vector<std::int64_t>;
  EXPECT_EQ(ids(enrolments->enrolments_in({EnrolmentState::invited})), (Ids{invited, elsewhere}));
  EXPECT_EQ(ids(enrolments->enrolments_in({EnrolmentState::active, EnrolmentState::declined})),
            (Ids{active, mentor, declined}));
  EXPECT_TRUE(enrolments->enrolments_in({EnrolmentState::completed}).empty());
  EXPECT_TRUE(enrolments->enrolments_in({}).empty());

  EXPECT_EQ(ids(enrolments->enrolments_in_states("rtw", {EnrolmentState::active}, std::nullopt)),
            (Ids{active, mentor}));
  EXPECT_EQ(ids(enrolments->enrolments_in_states("rtw", {EnrolmentState::active}, Role::mentor)),
            (Ids{mentor}));
  EXPECT_EQ(ids(enrolments->enrolments_in_states(
                "rtw", {EnrolmentState::invited, EnrolmentState::active}, Role::mentee)),
            (Ids{invited, active}));
  EXPECT_TRUE(enrolments->enrolments_in_states("rtw", {}, std::nullopt).empty());
  EXPECT_TRUE(
      enrolments->enrolments_in_states("none", {EnrolmentState::active}, std::nullopt).empty());

  EXPECT_EQ(enrolments->count_enrolments_in(EnrolmentState::invited), 2);
  EXPECT_EQ(enrolments->count_enrolments_in(EnrolmentState::active), 2);
  EXPECT_EQ(enrolments->count_enrolments_in(EnrolmentState::completed), 0);
  EXPECT_EQ(flat(enrolments->count_enrolment_states("rtw")),
            (StateCounts{{Role::mentee, EnrolmentState::active, 1},
                         {Role::mentee, EnrolmentState::invited, 1},
                         {Role::mentor, EnrolmentState::active, 1}}));
  EXPECT_TRUE(enrolments->count_enrolment_states("none").empty());

  // A move is counted where it went.
  enrolments->transition(invited, EnrolmentState::active, kAt, "consent given", std::nullopt);
  EXPECT_EQ(enrolments->count_enrolments_in(EnrolmentState::invited), 1);
  EXPECT_EQ(enrolments->count_enrolments_in(EnrolmentState::active), 3);
  EXPECT_EQ(flat(enrolments->count_enrolment_states("rtw")),
            (StateCounts{{Role::mentee, EnrolmentState::active, 2},
                         {Role::mentor, EnrolmentState::active, 1}}));
}

// --- touchpoints --------------------------------------------------------------------------

TEST_P(EnrolmentRepositories, ATouchpointIsScheduledOnceMovedAndCancelled) {
  add_person("P1");
  const auto id = enrol("P1", EnrolmentState::active);
  const Date march = *parse_date("2027-03-01");
  const Date april = *parse_date("2027-04-01");

  EXPECT_EQ(enrolments->schedule_touchpoint(id, "check-in", march), std::make_pair(0, true));
  EXPECT_EQ(enrolments->schedule_touchpoint(id, "check-in", march), std::make_pair(0, false));
  EXPECT_EQ(flat(enrolments->touchpoints(id)),
            (Touchpoints{{"check-in", "2027-03-01", 0, "scheduled"}}));

  EXPECT_EQ(enrolments->schedule_touchpoint(id, "check-in", april), std::make_pair(1, true));
  EXPECT_EQ(enrolments->schedule_touchpoint(id, "check-in", april), std::make_pair(1, false));
  EXPECT_EQ(flat(enrolments->touchpoints(id)),
            (Touchpoints{{"check-in", "2027-04-01", 1, "scheduled"}}));

  enrolments->cancel_touchpoint(id, "check-in");
  EXPECT_EQ(flat(enrolments->touchpoints(id)),
            (Touchpoints{{"check-in", "2027-04-01", 2, "cancelled"}}));
  enrolments->cancel_touchpoint(id, "check-in");  // cancelled already: nothing
  enrolments->cancel_touchpoint(id, "unknown");
  EXPECT_EQ(flat(enrolments->touchpoints(id)),
            (Touchpoints{{"check-in", "2027-04-01", 2, "cancelled"}}));

  // Scheduled again on its day: a change, since it was cancelled.
  EXPECT_EQ(enrolments->schedule_touchpoint(id, "check-in", april), std::make_pair(3, true));
  EXPECT_EQ(flat(enrolments->touchpoints(id)),
            (Touchpoints{{"check-in", "2027-04-01", 3, "scheduled"}}));
}

TEST_P(EnrolmentRepositories, TouchpointsAreAnEnrolmentsByDueDateThenName) {
  add_person("P1");
  const auto id = enrol("P1", EnrolmentState::active);
  const auto other = enrol("P1", EnrolmentState::active, "network");
  enrolments->schedule_touchpoint(id, "week_12", *parse_date("2027-03-01"));
  enrolments->schedule_touchpoint(id, "week-4", *parse_date("2027-03-01"));
  enrolments->schedule_touchpoint(id, "Week 4", *parse_date("2027-03-01"));
  enrolments->schedule_touchpoint(id, "zz final", *parse_date("2027-02-15"));
  enrolments->schedule_touchpoint(other, "week-4", *parse_date("2027-02-01"));

  // Names on one day in byte order (capitals first, '-' before '_'), as SQLite sorts text.
  // PostgreSQL sorts them so whatever the database's collation (COLLATE "C"); the test
  // cluster's is C already, so there this checks the order, not the collation.
  EXPECT_EQ(flat(enrolments->touchpoints(id)),
            (Touchpoints{{"zz final", "2027-02-15", 0, "scheduled"},
                         {"Week 4", "2027-03-01", 0, "scheduled"},
                         {"week-4", "2027-03-01", 0, "scheduled"},
                         {"week_12", "2027-03-01", 0, "scheduled"}}));
  EXPECT_EQ(flat(enrolments->touchpoints(other)),
            (Touchpoints{{"week-4", "2027-02-01", 0, "scheduled"}}));
  EXPECT_TRUE(enrolments->touchpoints(other + 1000).empty());
}

// --- transactions -------------------------------------------------------------------------

TEST_P(EnrolmentRepositories, ARollbackTakesTheEnrolmentAndItsHistory) {
  add_person("P1");
  const auto kept = enrol("P1", EnrolmentState::invited);
  backend->begin();
  const auto dropped = enrol("P1", EnrolmentState::invited, "network");
  enrolments->transition(dropped, EnrolmentState::active, kAt, "consent given", std::nullopt);
  enrolments->transition(kept, EnrolmentState::declined, kAt, "declined", std::nullopt);
  enrolments->schedule_touchpoint(dropped, "check-in", *parse_date("2027-03-01"));
  EXPECT_EQ(enrolments->history("P1").size(), 4u);  // the transaction sees its own writes
  backend->rollback();

  EXPECT_EQ(ids(enrolments->enrolments_of("P1")), (std::vector<std::int64_t>{kept}));
  EXPECT_FALSE(enrolments->enrolment(dropped));
  EXPECT_EQ(enrolments->enrolment(kept)->state, EnrolmentState::invited);
  const auto history = enrolments->history("P1");
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].to_state, "invited");
  EXPECT_TRUE(enrolments->touchpoints(dropped).empty());
  EXPECT_EQ(enrolments->count_enrolments_in(EnrolmentState::active), 0);

  // What a committed transaction wrote stays, with an id of its own.
  backend->begin();
  const auto committed = enrol("P1", EnrolmentState::invited, "network");
  backend->commit();
  EXPECT_NE(committed, kept);
  EXPECT_EQ(ids(enrolments->enrolments_of("P1")), (std::vector<std::int64_t>{kept, committed}));
  EXPECT_EQ(enrolments->history("P1").size(), 2u);
}

INSTANTIATE_FOR_EVERY_BACKEND(EnrolmentRepositories);
