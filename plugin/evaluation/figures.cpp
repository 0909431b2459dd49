#include <mentoring/evaluation/figures.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>

namespace mentoring::evaluation {

bool shown(std::size_t group_size, int threshold) {
  // A threshold below 2 would let one person's answer through; never go under it.
  const auto floor = static_cast<std::size_t>(std::max(threshold, 2));
  return group_size >= floor;
}

std::string not_shown_reason(int threshold, const std::string& what) {
  return "fewer than " + std::to_string(std::max(threshold, 2)) + " " + what + ": not shown";
}

namespace {

double two_decimals(double value) {
  return std::round(value * 100.0) / 100.0;
}

std::optional<double> number_of(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

}  // namespace

std::optional<double> median(std::vector<double> values) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  if (values.size() % 2 == 1) return values[mid];
  return (values[mid - 1] + values[mid]) / 2.0;
}

QuestionFigures summarise(const Question& q, const std::vector<std::string>& values) {
  QuestionFigures f;
  switch (q.kind) {
    case QuestionKind::scale_1_5: {
      for (int i = 1; i <= 5; ++i) f.counts[std::to_string(i)] = 0;
      double sum = 0;
      for (const auto& v : values) {
        auto it = f.counts.find(v);
        if (it == f.counts.end()) continue;
        ++it->second;
        sum += std::stoi(v);
        ++f.answers;
      }
      if (f.answers > 0) f.mean = two_decimals(sum / static_cast<double>(f.answers));
      break;
    }
    case QuestionKind::yes_no: {
      std::size_t yes = 0;
      for (const auto& v : values) {
        if (v != "yes" && v != "no") continue;
        yes += v == "yes";
        ++f.answers;
      }
      if (f.answers > 0) f.share_yes = two_decimals(static_cast<double>(yes) / f.answers);
      break;
    }
    case QuestionKind::number: {
      std::vector<double> numbers;
      for (const auto& v : values) {
        if (auto n = number_of(v); n && *n >= 0) numbers.push_back(*n);
      }
      f.answers = numbers.size();
      f.median = median(std::move(numbers));
      break;
    }
    case QuestionKind::choice:
      for (const auto& o : q.options) f.counts[o] = 0;
      for (const auto& v : values) {
        auto it = f.counts.find(v);
        if (it == f.counts.end()) continue;
        ++it->second;
        ++f.answers;
      }
      break;
    case QuestionKind::text:
      f.texts = values;
      std::sort(f.texts.begin(), f.texts.end());
      f.answers = f.texts.size();
      break;
  }
  return f;
}

Retention retention(const std::vector<Returner>& returners, int months, Date today) {
  Retention r;
  for (const auto& person : returners) {
    const Date mark = domain::add_months(person.returned_on, months);
    if (mark > today) continue;  // not back long enough to tell
    ++r.returners;
    if (!person.left_on || *person.left_on > mark) ++r.retained;
  }
  return r;
}

std::vector<Returner> latest_returns(const std::map<std::string, std::vector<Returner>>& by_person,
                                     int months, Date today) {
  std::vector<Returner> out;
  for (const auto& [person, returns] : by_person) {
    std::optional<Returner> latest;
    for (const auto& r : returns) {
      if (domain::add_months(r.returned_on, months) > today) continue;
      if (!latest || r.returned_on > latest->returned_on) latest = r;
    }
    if (latest) out.push_back(*latest);
  }
  return out;
}

ReturnerGroups returner_groups(const domain::Programme& programme,
                               const std::vector<domain::Enrolment>& enrolments,
                               const std::vector<ReturnFromLeave>& returns, Date today) {
  std::set<std::string> leave_ids, mentees;
  for (const auto& e : enrolments) {
    if (e.role != domain::Role::mentee || !takes_part(e.state)) continue;
    mentees.insert(e.person_id);
    if (e.leave_id) leave_ids.insert(*e.leave_id);
  }
  ReturnerGroups groups;
  for (const auto& r : returns) {
    if (r.returner.returned_on > today) continue;
    if (leave_ids.count(r.leave_id) && mentees.count(r.person_id)) {
      groups.programme[r.person_id].push_back(r.returner);
    } else if (!mentees.count(r.person_id) && programme.mentee.leave_types.count(r.type)) {
      groups.baseline[r.person_id].push_back(r.returner);
    }
  }
  return groups;
}

bool takes_part(domain::EnrolmentState state) {
  using domain::EnrolmentState;
  return state == EnrolmentState::paired || state == EnrolmentState::active ||
         state == EnrolmentState::extended || state == EnrolmentState::completed;
}

}  // namespace mentoring::evaluation
