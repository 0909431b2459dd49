// The evaluation repository (issue 17) on every backend: survey invitations by token hash,
// answers and responses as counts without a person, and the approved leave the returners'
// outcome figures are made of.
#include "backend.hpp"

#include <mentoring/store/evaluation_repository.hpp>
#include <mentoring/store/people_repository.hpp>
#include <mentoring/store/postgres/evaluation_repository.hpp>
#include <mentoring/store/postgres/people_repository.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

using namespace mentoring::store;
using namespace mentoring::domain;
using mentoring::store::testing::RepositoryTest;

namespace {

class EvaluationRepositories : public RepositoryTest {
 protected:
  std::unique_ptr<EvaluationRepository> evaluation =
      backend->make<EvaluationRepository, SqliteEvaluationRepository,
                    postgres::PostgresEvaluationRepository>();
  std::unique_ptr<PeopleRepository> people =
      backend->make<PeopleRepository, SqlitePeopleRepository, postgres::PostgresPeopleRepository>();

  void add_person(const std::string& id, std::optional<std::string> end_date = std::nullopt) {
    Person p;
    p.id = id;
    p.name = "Person " + id;
    if (end_date) p.end_date = parse_date(*end_date);
    people->upsert(p);
  }
  // The enrolment an invitation refers to (the enrolment repository has its own tests).
  void add_enrolment(std::int64_t id, const std::string& person) {
    add_person(person);
    backend->insert_row("enrolment", {{"id", std::to_string(id)},
                                      {"person_id", person},
                                      {"programme_id", "rtw"},
                                      {"role", "mentee"},
                                      {"state", "active"},
                                      {"created_at", "2027-01-01T09:00:00Z"},
                                      {"updated_at", "2027-01-01T09:00:00Z"}});
  }
  void add_leave(const std::string& id, const std::string& person, const std::string& start,
                 const std::string& status, const std::string& type = "maternity",
                 std::optional<std::string> actual_end = std::nullopt) {
    backend->insert_row("leave", {{"id", id},
                                  {"person_id", person},
                                  {"type", type},
                                  {"start_date", start},
                                  {"expected_end", "2027-12-31"},
                                  {"actual_end", actual_end},
                                  {"status", status}});
  }
  EvaluationRepository::Invitation invitation(const std::string& hash, std::int64_t enrolment,
                                              const std::string& survey = "mid") {
    return {hash, "rtw", survey, enrolment, "mentee", *parse_date("2027-05-03"), false};
  }
};

using Counts = std::vector<std::tuple<std::string, std::string, std::int64_t>>;

Counts flat(const std::vector<EvaluationRepository::Count>& counts) {
  Counts out;
  for (const auto& c : counts) out.emplace_back(c.survey_id, c.role, c.count);
  return out;
}

}  // namespace

TEST_P(EvaluationRepositories, AnInvitationIsFoundByItsTokenHashAndUsedOnce) {
  add_enrolment(7, "P1");
  EXPECT_FALSE(evaluation->invited("rtw", "mid", 7));
  evaluation->add_invitation(invitation("hash-1", 7));
  EXPECT_TRUE(evaluation->invited("rtw", "mid", 7));
  EXPECT_FALSE(evaluation->invited("rtw", "end", 7));
  EXPECT_FALSE(evaluation->invited("other", "mid", 7));

  auto back = evaluation->invitation("hash-1");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->programme_id, "rtw");
  EXPECT_EQ(back->survey_id, "mid");
  EXPECT_EQ(back->enrolment_id, 7);
  EXPECT_EQ(back->role, "mentee");
  EXPECT_EQ(back->issued_on, *parse_date("2027-05-03"));
  EXPECT_FALSE(back->used);
  EXPECT_FALSE(evaluation->invitation("hash-2"));

  EXPECT_TRUE(evaluation->mark_used("hash-1"));
  EXPECT_FALSE(evaluation->mark_used("hash-1"));  // a second answer with the token: nothing
  EXPECT_FALSE(evaluation->mark_used("unknown"));
  EXPECT_TRUE(evaluation->invitation("hash-1")->used);
}

TEST_P(EvaluationRepositories, AnEnrolmentIsInvitedToASurveyOnce) {
  add_enrolment(7, "P1");
  evaluation->add_invitation(invitation("hash-1", 7));
  EXPECT_ANY_THROW(evaluation->add_invitation(invitation("hash-2", 7)));
}

TEST_P(EvaluationRepositories, AnswersAndResponsesAreCountsSummedOverMonths) {
  for (const auto& [month, value] : std::vector<std::pair<std::string, std::string>>{
           {"2027-05", "4"}, {"2027-05", "4"}, {"2027-06", "4"}, {"2027-06", "2"}}) {
    evaluation->add_answer({"rtw", "mid", "mentee", "q1", month, value});
  }
  evaluation->add_answer({"rtw", "mid", "mentor", "q1", "2027-05", "5"});
  evaluation->add_answer({"other", "mid", "mentee", "q1", "2027-05", "1"});
  evaluation->add_response("rtw", "mid", "mentee", "2027-05");
  evaluation->add_response("rtw", "mid", "mentee", "2027-06");
  evaluation->add_response("rtw", "end", "mentor", "2027-06");

  auto answers = evaluation->answers("rtw");
  ASSERT_EQ(answers.size(), 3u);
  EXPECT_EQ(answers[0].role, "mentee");
  EXPECT_EQ(answers[0].value, "2");
  EXPECT_EQ(answers[0].count, 1);
  EXPECT_EQ(answers[1].value, "4");
  EXPECT_EQ(answers[1].count, 3);   // two in May, one in June
  EXPECT_EQ(answers[1].month, "");  // summed over months
  EXPECT_EQ(answers[2].role, "mentor");
  EXPECT_EQ(answers[2].count, 1);
  EXPECT_EQ(flat(evaluation->response_counts("rtw")),
            (Counts{{"end", "mentor", 1}, {"mid", "mentee", 2}}));
  EXPECT_TRUE(evaluation->response_counts("none").empty());
}

TEST_P(EvaluationRepositories, InvitationsAreCountedPerSurveyAndRole) {
  add_enrolment(1, "P1");
  add_enrolment(2, "P2");
  evaluation->add_invitation(invitation("a", 1, "mid"));
  evaluation->add_invitation(invitation("b", 2, "mid"));
  evaluation->add_invitation(invitation("c", 1, "end"));
  EXPECT_EQ(flat(evaluation->invitation_counts("rtw")),
            (Counts{{"end", "mentee", 1}, {"mid", "mentee", 2}}));
}

TEST_P(EvaluationRepositories, ApprovedLeaveOfListedPeopleWithTheirEndDates) {
  add_person("P1", "2028-03-31");
  add_person("P2");
  add_person("P3");
  add_leave("L2", "P1", "2027-06-01", "approved", "adoption", "2027-11-30");
  add_leave("L1", "P1", "2027-01-01", "approved");
  add_leave("L3", "P2", "2027-02-01", "requested");
  add_leave("L4", "P3", "2027-03-01", "approved");
  add_leave("L5", "P2", "2027-04-01", "approved", "no-such-type");
  Person listed;
  listed.id = "P3";
  listed.name = "Person P3";
  people->upsert_listed(listed, "hr", "read-1");
  people->mark_absent({"P3"}, *parse_date("2027-04-01"));

  auto leave = evaluation->approved_leave();
  ASSERT_EQ(leave.size(), 2u);  // requested, absent and unknown types left out
  EXPECT_EQ(leave[0].leave.id, "L1");
  EXPECT_EQ(leave[0].leave.type, LeaveType::maternity);
  EXPECT_EQ(leave[0].person_end, *parse_date("2028-03-31"));
  EXPECT_EQ(leave[1].leave.id, "L2");
  EXPECT_EQ(leave[1].leave.type, LeaveType::adoption);
  EXPECT_EQ(leave[1].leave.actual_end, *parse_date("2027-11-30"));
  EXPECT_EQ(leave[1].leave.start, *parse_date("2027-06-01"));
  EXPECT_EQ(leave[1].leave.status, LeaveStatus::approved);
}

TEST_P(EvaluationRepositories, AnAnswerRolledBackTakesTheTokensUseWithIt) {
  add_enrolment(7, "P1");
  evaluation->add_invitation(invitation("hash-1", 7));
  backend->begin();
  ASSERT_TRUE(evaluation->mark_used("hash-1"));
  evaluation->add_answer({"rtw", "mid", "mentee", "q1", "2027-05", "4"});
  evaluation->add_response("rtw", "mid", "mentee", "2027-05");
  backend->rollback();
  EXPECT_FALSE(evaluation->invitation("hash-1")->used);
  EXPECT_TRUE(evaluation->answers("rtw").empty());
  EXPECT_TRUE(evaluation->response_counts("rtw").empty());
}

INSTANTIATE_FOR_EVERY_BACKEND(EvaluationRepositories);
