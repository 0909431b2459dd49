// When a survey falls due, whom it addresses, and which answers fit a question.
#include <mentoring/evaluation/surveys.hpp>

#include <gtest/gtest.h>

using namespace mentoring::evaluation;
using mentoring::domain::parse_date;
using mentoring::domain::Role;

namespace {

Survey survey(Audience who, SurveyAnchor anchor, int offset) {
  return {"s", "Survey", who, anchor, offset, {{"q", "Q?", QuestionKind::text, {}, false}}};
}

AnswerValue number(double n, bool integer) {
  AnswerValue v;
  v.number = n;
  v.is_integer = integer;
  return v;
}
AnswerValue text(std::string t) {
  AnswerValue v;
  v.text = std::move(t);
  return v;
}
AnswerValue boolean(bool b) {
  AnswerValue v;
  v.boolean = b;
  return v;
}

}  // namespace

TEST(Surveys, DueIsTheAnchorPlusTheOffset) {
  Anchors anchors{parse_date("2027-01-04"), parse_date("2027-06-01"), parse_date("2027-12-31")};
  EXPECT_EQ(due_on(survey(Audience::both, SurveyAnchor::pairing, 90), anchors),
            parse_date("2027-04-04"));
  EXPECT_EQ(due_on(survey(Audience::both, SurveyAnchor::return_to_work, -1), anchors),
            parse_date("2027-05-31"));
  EXPECT_EQ(due_on(survey(Audience::both, SurveyAnchor::end, 0), anchors),
            parse_date("2027-12-31"));
}

TEST(Surveys, AnUnknownAnchorMeansNotDue) {
  Anchors no_return{parse_date("2027-01-04"), std::nullopt, std::nullopt};
  EXPECT_FALSE(due_on(survey(Audience::both, SurveyAnchor::return_to_work, 0), no_return));
  EXPECT_FALSE(due_on(survey(Audience::both, SurveyAnchor::end, 0), no_return));
}

TEST(Surveys, AudienceDecidesTheRoles) {
  EXPECT_TRUE(addresses(survey(Audience::mentees, SurveyAnchor::end, 0), Role::mentee));
  EXPECT_FALSE(addresses(survey(Audience::mentees, SurveyAnchor::end, 0), Role::mentor));
  EXPECT_FALSE(addresses(survey(Audience::mentors, SurveyAnchor::end, 0), Role::mentee));
  EXPECT_TRUE(addresses(survey(Audience::mentors, SurveyAnchor::end, 0), Role::mentor));
  EXPECT_TRUE(addresses(survey(Audience::both, SurveyAnchor::end, 0), Role::mentee));
  EXPECT_TRUE(addresses(survey(Audience::both, SurveyAnchor::end, 0), Role::mentor));
}

TEST(Surveys, ScaleTakesIntegersFromOneToFive) {
  Question q{"q", "?", QuestionKind::scale_1_5, {}, false};
  EXPECT_EQ(answer_problem(q, number(1, true)), "");
  EXPECT_EQ(answer_problem(q, number(5, true)), "");
  EXPECT_EQ(answer_problem(q, number(0, true)), "an integer from 1 to 5");
  EXPECT_EQ(answer_problem(q, number(6, true)), "an integer from 1 to 5");
  EXPECT_EQ(answer_problem(q, number(3.5, false)), "an integer from 1 to 5");
  EXPECT_EQ(answer_problem(q, text("3")), "an integer from 1 to 5");
  EXPECT_EQ(stored_form(q, number(4, true)), "4");
}

TEST(Surveys, YesNoNumberChoiceAndText) {
  Question yes_no{"q", "?", QuestionKind::yes_no, {}, false};
  EXPECT_EQ(answer_problem(yes_no, boolean(false)), "");
  EXPECT_EQ(answer_problem(yes_no, text("yes")), "true or false");
  EXPECT_EQ(stored_form(yes_no, boolean(true)), "yes");

  Question weeks{"q", "?", QuestionKind::number, {}, true};
  EXPECT_EQ(answer_problem(weeks, number(0, true)), "");
  EXPECT_EQ(answer_problem(weeks, number(6.5, false)), "");
  EXPECT_EQ(answer_problem(weeks, number(-1, true)), "a number of at least 0");
  EXPECT_EQ(stored_form(weeks, number(6.5, false)), "6.5");

  Question choice{"q", "?", QuestionKind::choice, {"a", "b"}, false};
  EXPECT_EQ(answer_problem(choice, text("b")), "");
  EXPECT_EQ(answer_problem(choice, text("c")), "one of: \"a\", \"b\"");

  Question free{"q", "?", QuestionKind::text, {}, false};
  EXPECT_EQ(answer_problem(free, text(std::string(2000, 'x'))), "");
  EXPECT_EQ(answer_problem(free, text(std::string(2001, 'x'))),
            "a text of at most 2000 characters");
  // 2000 letters of two bytes each are 2000 characters.
  std::string accented;
  for (int i = 0; i < 2000; ++i) accented += "\xC3\xA9";
  EXPECT_EQ(answer_problem(free, text(accented)), "");
}
