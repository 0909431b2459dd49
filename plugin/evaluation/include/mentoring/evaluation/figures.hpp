// mentoring/evaluation/figures.hpp — what a report may say about a group, and
// only when the group is large enough.
//
//   if (!shown(answers.size(), threshold)) return not_shown_reason(answers.size(), threshold,
//   "answers"); QuestionFigures f = summarise(question, answers);     // mean, share, median,
//   counts, texts Retention r = retention(returners, 6, today);         // returners back >= 6
//   months, still employed
//
// Pure. The threshold rule lives here so that every figure of the report goes
// through the same test; the shell never compares counts to the threshold itself.
#pragma once

#include <mentoring/domain/programme.hpp>
#include <mentoring/evaluation/surveys.hpp>

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mentoring::evaluation {

inline constexpr int kDefaultMinGroupSize = 5;

// A figure about `group_size` people or answers may be shown.
bool shown(std::size_t group_size, int threshold);
// "fewer than 5 answers: not shown"
std::string not_shown_reason(int threshold, const std::string& what);

struct QuestionFigures {
  std::size_t answers = 0;
  std::optional<double> mean;                 // scale_1_5, 2 decimals
  std::map<std::string, std::size_t> counts;  // scale_1_5: "1".."5"; choice: every option
  std::optional<double> share_yes;            // yes_no, 0..1, 2 decimals
  std::optional<double> median;               // number
  std::vector<std::string> texts;             // text, sorted (never in arrival order)
};

// Figures over stored answers (stored_form values); values that no longer fit
// the question (the programme changed) are left out.
QuestionFigures summarise(const Question& question, const std::vector<std::string>& values);

// The middle value (mean of the two middle ones for an even count); nullopt when empty.
std::optional<double> median(std::vector<double> values);

struct Returner {
  Date returned_on{};           // first day back
  std::optional<Date> left_on;  // the person's end date, if they left
};

struct Retention {
  std::size_t returners = 0;  // back at least `months` months before today
  std::size_t retained = 0;   // ... of whom still employed `months` after return
};

// One returner per person: their latest return at least `months` months
// before today (the one a leader would ask about); a person with none is left out.
std::vector<Returner> latest_returns(const std::map<std::string, std::vector<Returner>>& by_person,
                                     int months, Date today);

// One approved leave of anyone in the organisation and its return.
struct ReturnFromLeave {
  std::string leave_id;
  std::string person_id;
  domain::LeaveType type{};
  Returner returner;  // returned_on: enrolment::return_date of the leave
};

// Returners by person id, for retention_figures' two groups.
struct ReturnerGroups {
  std::map<std::string, std::vector<Returner>> programme;  // mentees who took part (takes_part),
                                                           // by their enrolment's leave
  std::map<std::string, std::vector<Returner>> baseline;   // everyone else back from a leave
                                                           // type the programme covers
};

// The programme's returners and the comparison group, among the returns on
// or before today (`enrolments`: the programme's, any role or state).
ReturnerGroups returner_groups(const domain::Programme& programme,
                               const std::vector<domain::Enrolment>& enrolments,
                               const std::vector<ReturnFromLeave>& returns, Date today);

// Whether an enrolment in this state took part in the programme (paired,
// active, extended or completed): surveyed, and counted among its returners.
bool takes_part(domain::EnrolmentState state);

// Among returners back for at least `months` months, those still employed
// `months` months after their return (no end date, or a later one).
Retention retention(const std::vector<Returner>& returners, int months, Date today);

}  // namespace mentoring::evaluation
