// mentoring/evaluation/surveys.hpp — a programme's surveys, when each is due
// for a participant, and whether an answer fits its question.
//
//   Survey end{"end", "End of programme", Audience::both, SurveyAnchor::end, 0, questions};
//   if (addresses(end, Role::mentee) && is_due(end, anchors, today)) { ...issue a token... }
//   std::string expected = answer_problem(question, value);   // "" when the answer fits
//
// Pure: no JSON, no SQL, no clock. The shell reads surveys from the programme
// definition (schemas/programme.schema.json, /evaluation/surveys).
#pragma once

#include <mentoring/domain/records.hpp>

#include <optional>
#include <string>
#include <vector>

namespace mentoring::evaluation {

using domain::Date;

enum class QuestionKind { scale_1_5, yes_no, number, choice, text };
enum class Audience { mentees, mentors, both };
// pairing: the pair was accepted; return: the mentee's first day back;
// end: the mentee's planned end of mentoring.
enum class SurveyAnchor { pairing, return_to_work, end };

// Longest text answer accepted (characters, counted as UTF-8 code points).
inline constexpr std::size_t kMaxTextAnswer = 2000;

struct Question {
  std::string id;
  std::string text;
  QuestionKind kind = QuestionKind::text;
  std::vector<std::string> options;  // choice only
  bool measures_weeks_to_full_productivity = false;
  bool optional = false;  // the participant may leave it out
};

struct Survey {
  std::string id;
  std::string name;
  Audience who = Audience::both;
  SurveyAnchor anchor = SurveyAnchor::end;
  int offset_days = 0;
  std::vector<Question> questions;
};

// The dates a survey may hang on, for one pair; unknown ones stay empty (a
// programme without leave has no return date).
struct Anchors {
  std::optional<Date> pairing;
  std::optional<Date> return_to_work;
  std::optional<Date> end;
};

bool addresses(const Survey& survey, domain::Role role);
// The day the survey falls due for these anchors; nullopt while its anchor is unknown.
std::optional<Date> due_on(const Survey& survey, const Anchors& anchors);

// An answer as it arrived, without its JSON: exactly one of the fields is set.
struct AnswerValue {
  std::optional<double> number;  // any JSON number
  bool is_integer = false;       // the number had no fraction
  std::optional<bool> boolean;
  std::optional<std::string> text;
};

// "" when the value answers the question; otherwise what was expected, in words
// ("an integer from 1 to 5").
std::string answer_problem(const Question& question, const AnswerValue& value);
// The value as stored: "4", "yes" / "no", "12.5", the option, the text.
std::string stored_form(const Question& question, const AnswerValue& value);

std::string_view to_string(QuestionKind kind);
std::string_view to_string(Audience who);

}  // namespace mentoring::evaluation
