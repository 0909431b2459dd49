#include <mentoring/evaluation/budget.hpp>

#include <chrono>
#include <cmath>
#include <map>

namespace mentoring::evaluation {

namespace {

double to_cents(double amount) {
  return std::round(amount * 100.0) / 100.0;
}

}  // namespace

std::optional<int> cohort_of(const domain::Enrolment& enrolment) {
  if (enrolment.role != domain::Role::mentee || !enrolment.started_on) return std::nullopt;
  return static_cast<int>(std::chrono::year_month_day{*enrolment.started_on}.year());
}

Budget budget(const domain::Fee& fee, const std::vector<domain::Enrolment>& enrolments) {
  std::map<int, std::size_t> participants_by_year;
  for (const auto& e : enrolments) {
    if (auto year = cohort_of(e)) ++participants_by_year[*year];
  }
  Budget out;
  out.fee = fee;
  for (const auto& [year, participants] : participants_by_year) {
    const double amount = to_cents(static_cast<double>(participants) * fee.amount);
    out.cohorts.push_back({year, participants, amount});
    out.participants += participants;
    out.total += amount;
  }
  out.total = to_cents(out.total);
  return out;
}

}  // namespace mentoring::evaluation
