#include <mentoring/domain/person_reference.hpp>

#include <algorithm>

namespace mentoring::domain {

std::string_view to_string(PersonReferenceProblem problem) {
  switch (problem) {
    case PersonReferenceProblem::unknown:
      return "unknown";
    case PersonReferenceProblem::ambiguous:
      return "ambiguous";
  }
  return "unknown";
}

PersonReference resolve_person_reference(std::string_view value,
                                         const std::vector<PersonCandidate>& candidates) {
  std::vector<const PersonCandidate*> matches;
  for (const auto& c : candidates) {
    bool by_id = c.id == value;
    bool by_number = c.employee_number && *c.employee_number == value;
    bool seen = std::any_of(matches.begin(), matches.end(),
                            [&](const PersonCandidate* m) { return m->id == c.id; });
    if ((by_id || by_number) && !seen) matches.push_back(&c);
  }
  PersonReference out;
  if (matches.size() == 1) {
    out.person_id = matches.front()->id;
    return out;
  }
  std::string quoted = "\"" + std::string(value) + "\"";
  if (matches.empty()) {
    out.problem = PersonReferenceProblem::unknown;
    out.explanation = "found " + quoted + "; expected the id or employee number of a person " +
                      "the HR system lists (no person has it)";
    return out;
  }
  out.problem = PersonReferenceProblem::ambiguous;
  std::string who;
  for (const auto* m : matches) {
    if (!who.empty()) who += " and ";
    who += (m->id == value ? "the id of person " : "the employee number of person ") + m->id;
    if (m->id == value)
      who += m->employee_number ? " (employee number " + *m->employee_number + ")"
                                : " (no employee number)";
  }
  out.explanation = "found " + quoted + ", which is " + who +
                    "; expected a value that names one person (send that person's other "
                    "identifier, or correct the employee number in the HR system)";
  return out;
}

}  // namespace mentoring::domain
