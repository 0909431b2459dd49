#include <mentoring/evaluation/surveys.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>

namespace mentoring::evaluation {

bool addresses(const Survey& survey, domain::Role role) {
  switch (survey.who) {
    case Audience::mentees:
      return role == domain::Role::mentee;
    case Audience::mentors:
      return role == domain::Role::mentor;
    case Audience::both:
      return true;
  }
  return false;
}

std::optional<Date> due_on(const Survey& survey, const Anchors& anchors) {
  std::optional<Date> anchor;
  switch (survey.anchor) {
    case SurveyAnchor::pairing:
      anchor = anchors.pairing;
      break;
    case SurveyAnchor::return_to_work:
      anchor = anchors.return_to_work;
      break;
    case SurveyAnchor::end:
      anchor = anchors.end;
      break;
  }
  if (!anchor) return std::nullopt;
  return *anchor + std::chrono::days{survey.offset_days};
}

namespace {

// Code points, so that 2000 accented letters are as welcome as 2000 plain ones.
std::size_t code_points(const std::string& text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::string number_text(double value) {
  std::ostringstream out;
  out.precision(15);
  out << value;
  return out.str();
}

}  // namespace

std::string answer_problem(const Question& q, const AnswerValue& v) {
  switch (q.kind) {
    case QuestionKind::scale_1_5:
      if (v.number && v.is_integer && *v.number >= 1 && *v.number <= 5) return "";
      return "an integer from 1 to 5";
    case QuestionKind::yes_no:
      if (v.boolean) return "";
      return "true or false";
    case QuestionKind::number:
      if (v.number && std::isfinite(*v.number) && *v.number >= 0) return "";
      return "a number of at least 0";
    case QuestionKind::choice: {
      if (v.text && std::find(q.options.begin(), q.options.end(), *v.text) != q.options.end())
        return "";
      std::string options;
      for (const auto& o : q.options) options += (options.empty() ? "\"" : ", \"") + o + "\"";
      return "one of: " + options;
    }
    case QuestionKind::text:
      if (v.text && code_points(*v.text) <= kMaxTextAnswer) return "";
      return "a text of at most " + std::to_string(kMaxTextAnswer) + " characters";
  }
  return "an answer";
}

std::string stored_form(const Question& q, const AnswerValue& v) {
  switch (q.kind) {
    case QuestionKind::scale_1_5:
    case QuestionKind::number:
      return number_text(v.number.value_or(0));
    case QuestionKind::yes_no:
      return v.boolean.value_or(false) ? "yes" : "no";
    case QuestionKind::choice:
    case QuestionKind::text:
      return v.text.value_or("");
  }
  return "";
}

std::string_view to_string(QuestionKind kind) {
  switch (kind) {
    case QuestionKind::scale_1_5:
      return "scale_1_5";
    case QuestionKind::yes_no:
      return "yes_no";
    case QuestionKind::number:
      return "number";
    case QuestionKind::choice:
      return "choice";
    case QuestionKind::text:
      return "text";
  }
  return "text";
}

std::string_view to_string(Audience who) {
  switch (who) {
    case Audience::mentees:
      return "mentees";
    case Audience::mentors:
      return "mentors";
    case Audience::both:
      return "both";
  }
  return "both";
}

}  // namespace mentoring::evaluation
