// mentoring/evaluation/budget.hpp — what a programme costs: its fee per
// participant times the participants of each cohort.
//
//   if (programme.fee_per_participant) {
//     Budget b = budget(*programme.fee_per_participant, store.enrolments(programme.id));
//     for (const auto& cohort : b.cohorts) { /* cohort.year, cohort.participants, cohort.amount */
//     }
//   }
//
// A participant is a mentee whose mentoring began (the enrolment has a start
// date: it became active), including one who completed, extended or withdrew
// after that: the place was taken. Invited, consented or waiting mentees are
// not (yet) participants, and mentors are colleagues who volunteer, not paid
// places. Each enrolment is one place (a second leave is a second place). The
// cohort is the calendar year in which the mentee's enrolment started.
//
// Pure: no JSON, SQL or clock.
#pragma once

#include <mentoring/domain/programme.hpp>
#include <mentoring/domain/records.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace mentoring::evaluation {

struct CohortBudget {
  int year = 0;  // the year the cohort's enrolments started
  std::size_t participants = 0;
  double amount = 0;  // participants x fee, rounded to the cent
};

struct Budget {
  domain::Fee fee;                    // per participant
  std::vector<CohortBudget> cohorts;  // by year, oldest first; none without participants
  std::size_t participants = 0;       // every cohort's
  double total = 0;                   // every cohort's amount
};

// The cohort (year) an enrolment counts in, or nullopt when it is not a participant.
std::optional<int> cohort_of(const domain::Enrolment& enrolment);

// Participants x fee per cohort, for one programme's enrolments.
Budget budget(const domain::Fee& fee, const std::vector<domain::Enrolment>& enrolments);

}  // namespace mentoring::evaluation
