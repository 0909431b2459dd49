// The people repository (issue 17) on every backend, and one transaction over the people
// and cursor repositories of one organisation.
#include "backend.hpp"

#include <mentoring/store/cursor_repository.hpp>
#include <mentoring/store/people_repository.hpp>
#include <mentoring/store/postgres/cursor_repository.hpp>
#include <mentoring/store/postgres/people_repository.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

using namespace mentoring::store;
using namespace mentoring::domain;
using mentoring::store::testing::RepositoryTest;

namespace {

class PeopleRepositories : public RepositoryTest {
 protected:
  std::unique_ptr<PeopleRepository> people_owned =
      backend->make<PeopleRepository, SqlitePeopleRepository, postgres::PostgresPeopleRepository>();
  std::unique_ptr<CursorRepository> cursors_owned =
      backend->make<CursorRepository, SqliteCursorRepository, postgres::PostgresCursorRepository>();
  PeopleRepository& people = *people_owned;
  CursorRepository& cursors = *cursors_owned;
};

Person person(const std::string& id) {
  Person p;
  p.id = id;
  p.name = "Person " + id;
  return p;
}

std::vector<std::string> present(PeopleRepository& people) {
  std::vector<std::string> ids;
  people.for_each_present_person([&](std::string_view id) { ids.emplace_back(id); });
  std::sort(ids.begin(), ids.end());
  return ids;
}

using Ids = std::vector<std::string>;

}  // namespace

// --- people -------------------------------------------------------------------------------

TEST_P(PeopleRepositories, APersonReadsBackWithEveryField) {
  Person p = person("P1");
  p.email = "p1@example.org";
  p.manager_id = "M1";
  p.department = "Radiology";
  p.location = "Cardiff";
  p.start_date = parse_date("2020-01-06");
  p.end_date = parse_date("2030-12-31");
  p.languages = {"English", "Welsh"};
  p.employee_number = "E-0042";
  p.indirect_manager_ids = {"M2", "M \"3\"\\"};  // the JSON array escapes both
  people.upsert(p);

  auto read = people.people({"P1", "nobody"});
  ASSERT_EQ(read.size(), 1u);
  const Person& back = read.at("P1");
  EXPECT_EQ(back.name, "Person P1");
  EXPECT_EQ(back.email, p.email);
  EXPECT_EQ(back.manager_id, p.manager_id);
  EXPECT_EQ(back.department, p.department);
  EXPECT_EQ(back.location, p.location);
  EXPECT_EQ(back.start_date, p.start_date);
  EXPECT_EQ(back.end_date, p.end_date);
  EXPECT_EQ(back.languages, p.languages);
  EXPECT_EQ(back.employee_number, p.employee_number);
  EXPECT_EQ(back.indirect_manager_ids, p.indirect_manager_ids);
  EXPECT_TRUE(people.has_person("P1"));
  EXPECT_FALSE(people.has_person("nobody"));
}

TEST_P(PeopleRepositories, AnUpsertReplacesEveryFieldAndKeepsOneRow) {
  Person p = person("P1");
  p.email = "old@example.org";
  p.indirect_manager_ids = {"M2"};
  people.upsert(p);
  Person changed = person("P1");
  changed.name = "Renamed";
  people.upsert(changed);
  people.upsert(changed);

  const Person back = people.people({"P1"}).at("P1");
  EXPECT_EQ(back.name, "Renamed");
  EXPECT_FALSE(back.email);
  EXPECT_TRUE(back.indirect_manager_ids.empty());
  EXPECT_TRUE(people.manager_links_of("P1").empty());
  EXPECT_EQ(people.count_present(), 1);
}

TEST_P(PeopleRepositories, AFullReadMakesWhomItNoLongerListsAbsentUntilListedAgain) {
  for (const char* id : {"A", "B", "C"}) people.upsert_listed(person(id), "hr", "read-1");
  people.upsert_listed(person("X"), "other-hr", "read-9");  // another adapter's read
  EXPECT_TRUE(people.unlisted_after("hr", "read-1").empty());
  for (const char* id : {"A", "B"}) people.upsert_listed(person(id), "hr", "read-2");

  EXPECT_EQ(people.unlisted_after("hr", "read-2"), Ids{"C"});
  EXPECT_EQ(people.listed_count("hr"), 3);
  people.mark_absent({"C"}, *parse_date("2027-02-01"));

  EXPECT_FALSE(people.has_person("C"));
  EXPECT_EQ(people.people({"A", "C"}).size(), 1u);
  EXPECT_EQ(present(people), (Ids{"A", "B", "X"}));
  EXPECT_EQ(people.listed_count("hr"), 2);
  EXPECT_TRUE(people.unlisted_after("hr", "read-2").empty());  // absent ones aside
  EXPECT_EQ(people.count_present(), 3);
  EXPECT_EQ(people.count_absent(), 1);
  EXPECT_EQ(people.people_known_as("C").size(), 1u);  // HR commands still find them

  people.upsert_listed(person("C"), "hr", "read-3");  // a record of theirs again
  EXPECT_TRUE(people.has_person("C"));
  EXPECT_EQ(people.count_absent(), 0);
  EXPECT_EQ(people.unlisted_after("hr", "read-3"), (Ids{"A", "B"}));
}

TEST_P(PeopleRepositories, AnyRecordOfAnAbsentPersonMakesThemPresent) {
  people.upsert_listed(person("A"), "hr", "read-1");
  people.mark_absent({"A"}, *parse_date("2027-02-01"));
  ASSERT_FALSE(people.has_person("A"));
  people.upsert(person("A"));
  EXPECT_TRUE(people.has_person("A"));
}

TEST_P(PeopleRepositories, UnlistingCountsAPersonAsUnlistedOnlyForTheAdapterThatListedThem) {
  people.upsert_listed(person("A"), "hr", "read-1");
  people.upsert_listed(person("B"), "hr", "read-1");
  EXPECT_FALSE(people.unlist("other-hr", "A"));
  EXPECT_FALSE(people.unlist("hr", "nobody"));
  EXPECT_TRUE(people.unlisted_after("hr", "read-1").empty());
  EXPECT_TRUE(people.unlist("hr", "A"));
  EXPECT_EQ(people.unlisted_after("hr", "read-1"), Ids{"A"});
  EXPECT_TRUE(people.has_person("A"));  // absent only once the read's reconciliation says so
}

TEST_P(PeopleRepositories, ManagersDirectFirstThenIndirectAndAbsentPeopleLeftOutOfTheChains) {
  Person p = person("P1");
  p.manager_id = "M1";
  p.indirect_manager_ids = {"M3", "M2"};
  people.upsert(p);
  Person q = person("P2");
  q.manager_id = "M1";
  people.upsert(q);

  EXPECT_EQ(people.managers_of("P1"), (Ids{"M1", "M2", "M3"}));
  auto links = people.manager_links_of("P1");
  std::sort(links.begin(), links.end());
  EXPECT_EQ(links, (Ids{"M1", "M2", "M3"}));
  auto all = people.managers();
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& link : all) pairs.emplace_back(link.person_id, link.manager_id);
  std::sort(pairs.begin(), pairs.end());
  EXPECT_EQ(pairs, (std::vector<std::pair<std::string, std::string>>{
                       {"P1", "M1"}, {"P1", "M2"}, {"P1", "M3"}, {"P2", "M1"}}));

  people.mark_absent({"P1"}, *parse_date("2027-02-01"));
  EXPECT_TRUE(people.manager_links_of("P1").empty());
  EXPECT_EQ(people.managers().size(), 1u);
  EXPECT_EQ(people.managers_of("P1"), (Ids{"M1", "M2", "M3"}));  // the record says so
  EXPECT_TRUE(people.managers_of("nobody").empty());
}

TEST_P(PeopleRepositories, PeopleAreKnownByIdOrEmployeeNumber) {
  Person a = person("1001");
  a.employee_number = "E7";
  people.upsert(a);
  Person b = person("E7");  // another person whose id is the first one's number
  people.upsert(b);
  auto found = people.people_known_as("E7");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].id, "1001");
  EXPECT_EQ(found[0].employee_number, "E7");
  EXPECT_EQ(found[1].id, "E7");
  EXPECT_FALSE(found[1].employee_number);
  EXPECT_TRUE(people.people_known_as("E8").empty());
}

// --- one transaction over repositories ----------------------------------------------------

TEST_P(PeopleRepositories, APagesPeopleAndItsCursorCommitOrRollBackTogether) {
  cursors.set_cursor("hr", "people", "page-1");
  backend->begin();
  people.upsert(person("P1"));
  cursors.set_cursor("hr", "people", "page-2");
  backend->rollback();
  EXPECT_FALSE(people.has_person("P1"));
  EXPECT_EQ(cursors.cursor("hr", "people"), "page-1");

  backend->begin();
  people.upsert(person("P1"));
  cursors.set_cursor("hr", "people", "page-2");
  backend->commit();
  EXPECT_TRUE(people.has_person("P1"));
  EXPECT_EQ(cursors.cursor("hr", "people"), "page-2");
}

INSTANTIATE_FOR_EVERY_BACKEND(PeopleRepositories);
