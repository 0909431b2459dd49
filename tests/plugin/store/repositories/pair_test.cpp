// The pair repository (issue 17) on every backend: pairs and their states, proposals with
// their score breakdown, forbids, unmatched mentees, the mentee's private notes, participant
// choice's requests and declines, and the pairs whose mentee's leave changed.
#include "backend.hpp"

#include <mentoring/store/pair_repository.hpp>
#include <mentoring/store/people_repository.hpp>
#include <mentoring/store/postgres/pair_repository.hpp>
#include <mentoring/store/postgres/people_repository.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

using namespace mentoring::store;
using namespace mentoring::domain;
using mentoring::store::testing::RepositoryTest;

namespace {

class PairRepositories : public RepositoryTest {
 protected:
  std::unique_ptr<PairRepository> pairs =
      backend->make<PairRepository, SqlitePairRepository, postgres::PostgresPairRepository>();
  std::unique_ptr<PeopleRepository> people =
      backend->make<PeopleRepository, SqlitePeopleRepository, postgres::PostgresPeopleRepository>();

  // The enrolments pairs refer to (the enrolment repository has its own tests): 1 and 2 are
  // mentees P1 and P2, 11 and 12 mentors M1 and M2, all in programme rtw.
  void SetUp() override {
    for (const auto& [id, person, role] :
         std::vector<std::tuple<int, std::string, std::string>>{{1, "P1", "mentee"},
                                                                {2, "P2", "mentee"},
                                                                {11, "M1", "mentor"},
                                                                {12, "M2", "mentor"}}) {
      Person p;
      p.id = person;
      p.name = "Person " + person;
      people->upsert(p);
      backend->insert_row("enrolment", {{"id", std::to_string(id)},
                                        {"person_id", person},
                                        {"programme_id", "rtw"},
                                        {"role", role},
                                        {"state", "active"},
                                        {"created_at", "2027-01-01T09:00:00Z"},
                                        {"updated_at", "2027-01-01T09:00:00Z"}});
    }
  }
};

}  // namespace

TEST_P(PairRepositories, APairIsProposedAcceptedAndEndedWithItsCause) {
  const auto id = pairs->insert_pair("rtw", 1, 11, PairState::proposed, "2027-02-01T09:00:00Z");
  const auto other = pairs->insert_pair("rtw", 2, 12, PairState::accepted, "2027-02-02T10:00:00Z");
  EXPECT_NE(id, other);

  auto all = pairs->pairs();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, id);
  EXPECT_EQ(all[0].mentee_id, "P1");
  EXPECT_EQ(all[0].mentor_id, "M1");
  EXPECT_EQ(all[0].mentee_enrolment_id, 1);
  EXPECT_EQ(all[0].mentor_enrolment_id, 11);
  EXPECT_EQ(all[0].state, PairState::proposed);
  EXPECT_FALSE(all[0].accepted_on);
  EXPECT_EQ(all[1].state, PairState::accepted);
  EXPECT_EQ(all[1].accepted_on, parse_date("2027-02-02"));

  pairs->set_pair_state(id, PairState::accepted, "2027-02-03T08:00:00Z", "");
  pairs->set_pair_state(id, PairState::ended, "2027-06-30T17:00:00Z", "mentee_left");
  auto ended = pairs->pairs("rtw")[0];
  EXPECT_EQ(ended.state, PairState::ended);
  EXPECT_EQ(ended.accepted_on, parse_date("2027-02-03"));
  EXPECT_EQ(ended.ended_on, parse_date("2027-06-30"));
  EXPECT_TRUE(pairs->pairs("other").empty());
  EXPECT_THROW(pairs->set_pair_state(999, PairState::ended, "2027-06-30T17:00:00Z", "x"),
               std::runtime_error);
}

TEST_P(PairRepositories, AProposalKeepsItsBreakdownInOrderAndOnlyAProposalIsDiscarded) {
  const auto id = pairs->insert_pair("rtw", 1, 11, PairState::proposed, "2027-02-01T09:00:00Z");
  pairs->save_proposal(id, {{"same_leave_kind", 3.0}, {"same_location", 1.5}, {"load", -0.5}},
                       "2027-02-01T09:00:00Z");
  auto details = pairs->proposal(id);
  ASSERT_TRUE(details);
  EXPECT_DOUBLE_EQ(details->score, 4.0);
  ASSERT_EQ(details->breakdown.size(), 3u);
  EXPECT_EQ(details->breakdown[0].criterion, "same_leave_kind");
  EXPECT_EQ(details->breakdown[2].criterion, "load");
  EXPECT_DOUBLE_EQ(details->breakdown[2].contribution, -0.5);
  EXPECT_FALSE(details->locked);
  EXPECT_EQ(details->proposed_at, "2027-02-01T09:00:00Z");

  pairs->set_locked(id, true);
  pairs->record_acceptance(id, Role::mentor, "M1");
  auto by_programme = pairs->proposals("rtw");
  ASSERT_EQ(by_programme.size(), 1u);
  EXPECT_TRUE(by_programme.at(id).locked);
  EXPECT_EQ(by_programme.at(id).mentor_accepted_by, "M1");
  EXPECT_FALSE(by_programme.at(id).mentee_accepted_by);
  EXPECT_EQ(by_programme.at(id).breakdown.size(), 3u);
  EXPECT_THROW(pairs->set_locked(999, true), std::runtime_error);

  pairs->save_request(id, "P1", "2027-02-01T10:00:00Z");
  pairs->discard(id);
  EXPECT_FALSE(pairs->proposal(id));
  EXPECT_FALSE(pairs->request(id));
  EXPECT_TRUE(pairs->pairs().empty());

  const auto accepted =
      pairs->insert_pair("rtw", 2, 12, PairState::accepted, "2027-02-01T09:00:00Z");
  EXPECT_THROW(pairs->discard(accepted), std::runtime_error);
  EXPECT_EQ(pairs->pairs().size(), 1u);
}

TEST_P(PairRepositories, AForbidIsKeptOnceAndLifted) {
  pairs->forbid("rtw", {"P1", "M1", "hr-anna", "2027-02-01T09:00:00Z"});
  pairs->forbid("rtw", {"P1", "M1", "hr-bob", "2027-02-02T09:00:00Z"});  // the first stays
  pairs->forbid("rtw", {"P1", "M0", "hr-anna", "2027-02-01T09:00:00Z"});
  auto forbidden = pairs->forbidden("rtw");
  ASSERT_EQ(forbidden.size(), 2u);
  EXPECT_EQ(forbidden[0].mentor_id, "M0");
  EXPECT_EQ(forbidden[1].recorded_by, "hr-anna");
  EXPECT_TRUE(pairs->unforbid("rtw", "P1", "M1"));
  EXPECT_FALSE(pairs->unforbid("rtw", "P1", "M1"));
  EXPECT_EQ(pairs->forbidden("rtw").size(), 1u);
  EXPECT_TRUE(pairs->forbidden("other").empty());
}

TEST_P(PairRepositories, TheUnmatchedListIsReplacedOnlyWhenItChanges) {
  pairs->replace_unmatched("rtw", {{2, "", "no_eligible_mentor", "No mentor in Cardiff"}},
                           "2027-02-01T09:00:00Z");
  pairs->replace_unmatched("rtw", {{2, "", "no_eligible_mentor", "No mentor in Cardiff"}},
                           "2027-02-08T09:00:00Z");  // the same list: nothing written
  auto unmatched = pairs->unmatched("rtw");
  ASSERT_EQ(unmatched.size(), 1u);
  EXPECT_EQ(unmatched[0].enrolment_id, 2);
  EXPECT_EQ(unmatched[0].person_id, "P2");  // from the enrolment
  EXPECT_EQ(unmatched[0].reason, "no_eligible_mentor");

  pairs->replace_unmatched(
      "rtw", {{1, "", "eligible_mentors_full", "Full"}, {2, "", "no_eligible_mentor", "x"}},
      "2027-02-15T09:00:00Z");
  EXPECT_EQ(pairs->unmatched("rtw").size(), 2u);
  pairs->replace_unmatched("rtw", {}, "2027-02-22T09:00:00Z");
  EXPECT_TRUE(pairs->unmatched("rtw").empty());
}

TEST_P(PairRepositories, AMenteesNotesReplaceOnlyTheFieldsGiven) {
  EXPECT_EQ(pairs->wishes(1), "");
  pairs->set_private_notes(1, "Back to theatre", "Someone in surgery", std::nullopt);
  pairs->set_private_notes(1, std::nullopt, std::nullopt, "How do I say no?");
  auto notes = pairs->private_notes(1);
  EXPECT_EQ(notes.goal, "Back to theatre");
  EXPECT_EQ(notes.wishes, "Someone in surgery");
  EXPECT_EQ(notes.mentoring_question, "How do I say no?");
  EXPECT_EQ(pairs->wishes(1), "Someone in surgery");
  pairs->set_private_notes(1, "", std::nullopt, std::nullopt);  // given empty: cleared
  EXPECT_EQ(pairs->private_notes(1).goal, "");
  EXPECT_EQ(pairs->private_notes(999).goal, "");
  EXPECT_THROW(pairs->set_private_notes(999, "x", std::nullopt, std::nullopt), std::runtime_error);
}

TEST_P(PairRepositories, ARequestIsOpenUntilTheMentorAnswersAndDeclinesAreKeptPerMentor) {
  const auto first = pairs->insert_pair("rtw", 1, 11, PairState::proposed, "2027-02-01T09:00:00Z");
  const auto second = pairs->insert_pair("rtw", 2, 12, PairState::proposed, "2027-02-01T09:00:00Z");
  pairs->save_request(first, "P1", "2027-02-01T09:00:00Z");
  pairs->save_request(second, "P2", "2027-02-01T09:30:00Z");
  EXPECT_EQ(pairs->open_requests("rtw"), (std::vector<std::int64_t>{first, second}));

  pairs->record_answer(first, "decline", "too busy", "M1", "2027-02-02T09:00:00Z");
  auto answered = pairs->request(first);
  ASSERT_TRUE(answered);
  EXPECT_EQ(answered->requested_by, "P1");
  EXPECT_EQ(answered->answer, "decline");
  EXPECT_EQ(answered->answer_reason, "too busy");
  EXPECT_EQ(answered->answered_by, "M1");
  EXPECT_FALSE(pairs->request(second)->answer);
  EXPECT_EQ(pairs->open_requests("rtw"), (std::vector<std::int64_t>{second}));
  EXPECT_THROW(pairs->record_answer(999, "accept", "", "M1", "2027-02-02T09:00:00Z"),
               std::runtime_error);

  pairs->record_decline("rtw", 1, "M1", "too busy", "M1", "2027-02-02T09:00:00Z");
  pairs->record_decline("rtw", 1, "M1", "on leave", "M1", "2027-02-03T09:00:00Z");
  pairs->record_decline("rtw", 1, "M0", "no", "M0", "2027-02-03T09:00:00Z");
  EXPECT_EQ(pairs->declined_by(1), (std::vector<std::string>{"M0", "M1"}));
  EXPECT_TRUE(pairs->declined_by(2).empty());
}

TEST_P(PairRepositories, ALeaveChangeIsNotedUntilClearedAndEndedPairsAreLeftOut) {
  const auto open = pairs->insert_pair("rtw", 1, 11, PairState::accepted, "2027-02-01T09:00:00Z");
  const auto ending = pairs->insert_pair("rtw", 2, 12, PairState::accepted, "2027-02-01T09:00:00Z");
  pairs->mark_pair_leave_changed(open, "expected_end");
  pairs->mark_pair_leave_changed(ending, "start");
  pairs->set_pair_state(ending, PairState::ended, "2027-03-01T09:00:00Z", "leave_cancelled");
  auto changed = pairs->pairs_with_leave_changes();
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0].first.id, open);
  EXPECT_EQ(changed[0].first.mentee_id, "P1");
  EXPECT_EQ(changed[0].second, "expected_end");
  pairs->clear_pair_leave_changed(open);
  EXPECT_TRUE(pairs->pairs_with_leave_changes().empty());
}

TEST_P(PairRepositories, APairAndItsProposalRolledBackLeaveNothing) {
  backend->begin();
  const auto id = pairs->insert_pair("rtw", 1, 11, PairState::proposed, "2027-02-01T09:00:00Z");
  pairs->save_proposal(id, {{"same_leave_kind", 3.0}}, "2027-02-01T09:00:00Z");
  backend->rollback();
  EXPECT_TRUE(pairs->pairs().empty());
  EXPECT_FALSE(pairs->proposal(id));
  EXPECT_TRUE(pairs->proposals("rtw").empty());
}

INSTANTIATE_FOR_EVERY_BACKEND(PairRepositories);
