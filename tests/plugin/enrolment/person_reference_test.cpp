// Which person an HR command means: the id or the employee number, exactly.
#include <mentoring/domain/person_reference.hpp>

#include <gtest/gtest.h>

using namespace mentoring::domain;

TEST(PersonReference, TheIdOrTheEmployeeNumberNamesThePerson) {
  std::vector<PersonCandidate> by_id = {{"42", "E0042"}};
  EXPECT_EQ(resolve_person_reference("42", by_id).person_id, std::optional<std::string>("42"));
  EXPECT_EQ(resolve_person_reference("E0042", by_id).person_id, std::optional<std::string>("42"));
  // One person whose id and employee number are the same value is one match.
  EXPECT_EQ(resolve_person_reference("7", {{"7", "7"}}).person_id, std::optional<std::string>("7"));
}

TEST(PersonReference, UnknownAndAmbiguousAreNamedNeverGuessed) {
  auto unknown = resolve_person_reference("E9", {});
  EXPECT_FALSE(unknown.person_id);
  EXPECT_EQ(unknown.problem, PersonReferenceProblem::unknown);
  EXPECT_NE(unknown.explanation.find("\"E9\""), std::string::npos) << unknown.explanation;

  // "17" is one person's id and another's employee number.
  auto ambiguous = resolve_person_reference("17", {{"17", "E0017"}, {"3", "17"}});
  EXPECT_FALSE(ambiguous.person_id);
  EXPECT_EQ(ambiguous.problem, PersonReferenceProblem::ambiguous);
  EXPECT_NE(ambiguous.explanation.find("the id of person 17"), std::string::npos);
  EXPECT_NE(ambiguous.explanation.find("the employee number of person 3"), std::string::npos);

  // Candidates that do not carry the value exactly do not count.
  EXPECT_EQ(resolve_person_reference("e0042", {{"42", "E0042"}}).problem,
            PersonReferenceProblem::unknown);
}
