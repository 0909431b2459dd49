// mentoring/domain/person_reference.hpp — which person an HR command means.
//
//   auto known = store.people_known_as(value);        // id or employee number equal to value
//   PersonReference r = resolve_person_reference(value, candidates);
//   if (r.problem) reject(field, r.explanation); else use(*r.person_id);
//
// HR staff know people by the HR system's id or by their employee number (eg
// OrangeHRM's "E0042" beside its internal empNumber "42"). A command accepts
// either; the match is exact. A value that is one person's id and another's
// employee number is ambiguous and never guessed.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mentoring::domain {

// A stored person whose id or employee number equals the value looked up.
struct PersonCandidate {
  std::string id;
  std::optional<std::string> employee_number;
};

enum class PersonReferenceProblem { unknown, ambiguous };
std::string_view to_string(PersonReferenceProblem problem);

struct PersonReference {
  std::optional<std::string> person_id;           // set when exactly one person matches
  std::optional<PersonReferenceProblem> problem;  // set otherwise
  std::string explanation;                        // for HR, when there is a problem
};

// Resolves `value` against the candidates the store found for it (people whose
// id or employee number is exactly `value`; others are ignored).
PersonReference resolve_person_reference(std::string_view value,
                                         const std::vector<PersonCandidate>& candidates);

}  // namespace mentoring::domain
