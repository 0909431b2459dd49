#include <mentoring/store/people_repository.hpp>

#include "columns.hpp"
#include "person_encoding.hpp"

#include <SQLiteCpp/VariadicBind.h>

#include <optional>

namespace mentoring::store {

using namespace mentoring::domain;
using namespace columns;
using namespace person_encoding;

namespace {

// The person's columns, in the order both upserts bind them (1-11). Bound without a
// copy where the record outlives exec(): the sync stores a million people this way.
void bind_person(SQLite::Statement& s, const Person& p) {
  s.bindNoCopy(1, p.id);
  s.bindNoCopy(2, p.name);
  bind_optional(s, 3, p.email);
  bind_optional(s, 4, p.manager_id);
  bind_optional(s, 5, p.department);
  bind_optional(s, 6, p.location);
  bind_optional(s, 7, p.start_date);
  bind_optional(s, 8, p.end_date);
  s.bind(9, join_lines(p.languages));
  bind_optional(s, 10, p.employee_number);
  bind_optional(s, 11, json_array(p.indirect_manager_ids));
}

std::vector<std::string> first_column(SQLite::Statement& s) {
  std::vector<std::string> out;
  while (s.executeStep()) out.push_back(s.getColumn(0).getString());
  return out;
}

std::int64_t count(SQLite::Statement& s) {
  s.executeStep();
  return s.getColumn(0).getInt64();
}

}  // namespace

void SqlitePeopleRepository::upsert(const Person& p) {
  SQLite::Statement& s = session_.prepared(
      "INSERT INTO person(id, name, email, manager_id, department, location, "
      "start_date, end_date, languages, employee_number, indirect_manager_ids) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?) "
      "ON CONFLICT(id) DO UPDATE SET name=excluded.name, email=excluded.email, "
      "manager_id=excluded.manager_id, department=excluded.department, "
      "location=excluded.location, start_date=excluded.start_date, "
      "end_date=excluded.end_date, languages=excluded.languages, "
      "employee_number=excluded.employee_number, "
      "indirect_manager_ids=excluded.indirect_manager_ids, absent_since=NULL");
  bind_person(s, p);
  s.exec();
}

void SqlitePeopleRepository::upsert_listed(const Person& p, const std::string& adapter,
                                           const std::string& read_id) {
  SQLite::Statement& s = session_.prepared(
      "INSERT INTO person(id, name, email, manager_id, department, location, "
      "start_date, end_date, languages, employee_number, indirect_manager_ids, listed_by, "
      "full_read) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) "
      "ON CONFLICT(id) DO UPDATE SET name=excluded.name, email=excluded.email, "
      "manager_id=excluded.manager_id, department=excluded.department, "
      "location=excluded.location, start_date=excluded.start_date, "
      "end_date=excluded.end_date, languages=excluded.languages, "
      "employee_number=excluded.employee_number, "
      "indirect_manager_ids=excluded.indirect_manager_ids, absent_since=NULL, "
      "listed_by=excluded.listed_by, full_read=excluded.full_read");
  bind_person(s, p);
  s.bindNoCopy(12, adapter);
  s.bindNoCopy(13, read_id);
  s.exec();
}

bool SqlitePeopleRepository::has_person(const std::string& id) {
  SQLite::Statement& s =
      session_.prepared("SELECT 1 FROM person WHERE id = ? AND absent_since IS NULL");
  SQLite::bind(s, id);
  return s.executeStep();
}

void SqlitePeopleRepository::for_each_present_person(
    const std::function<void(std::string_view)>& visit) {
  SQLite::Statement& s = session_.prepared("SELECT id FROM person WHERE absent_since IS NULL");
  while (s.executeStep()) visit(std::string_view(s.getColumn(0).getText(), s.getColumn(0).size()));
}

std::vector<std::string> SqlitePeopleRepository::unlisted_after(const std::string& adapter,
                                                                const std::string& read_id) {
  SQLite::Statement& s = session_.prepared(
      "SELECT id FROM person WHERE listed_by = ? AND full_read IS NOT ? "
      "AND absent_since IS NULL ORDER BY id");
  SQLite::bind(s, adapter, read_id);
  return first_column(s);
}

void SqlitePeopleRepository::mark_absent(const std::vector<std::string>& person_ids, Date since) {
  SQLite::Statement& s = session_.prepared("UPDATE person SET absent_since = ? WHERE id = ?");
  const std::string day = format_date(since);
  for (const auto& id : person_ids) {
    s.reset();
    SQLite::bind(s, day, id);
    s.exec();
  }
}

std::int64_t SqlitePeopleRepository::listed_count(const std::string& adapter) {
  SQLite::Statement& s =
      session_.prepared("SELECT COUNT(*) FROM person WHERE listed_by = ? AND absent_since IS NULL");
  SQLite::bind(s, adapter);
  return count(s);
}

bool SqlitePeopleRepository::unlist(const std::string& adapter, const std::string& person_id) {
  SQLite::Statement& s =
      session_.prepared("UPDATE person SET full_read = NULL WHERE id = ? AND listed_by = ?");
  SQLite::bind(s, person_id, adapter);
  return s.exec() > 0;
}

std::vector<ManagerLink> SqlitePeopleRepository::managers() {
  SQLite::Statement& s = session_.prepared(
      "SELECT id, manager_id FROM person WHERE manager_id IS NOT NULL AND absent_since IS NULL "
      "UNION ALL SELECT m.person_id, m.manager_id FROM person_manager m "
      "JOIN person p ON p.id = m.person_id WHERE p.absent_since IS NULL");
  std::vector<ManagerLink> out;
  while (s.executeStep()) out.push_back({s.getColumn(0).getString(), s.getColumn(1).getString()});
  return out;
}

std::vector<std::string> SqlitePeopleRepository::managers_of(const std::string& person_id) {
  SQLite::Statement& s = session_.prepared(kManagersOfSql);
  SQLite::bind(s, person_id);
  return first_column(s);
}

std::vector<std::string> SqlitePeopleRepository::manager_links_of(const std::string& person_id) {
  SQLite::Statement& s = session_.prepared(
      "SELECT p.manager_id FROM person p WHERE p.id = ?1 AND p.manager_id IS NOT NULL "
      "AND p.absent_since IS NULL "
      "UNION ALL SELECT m.manager_id FROM person_manager m JOIN person p ON p.id = m.person_id "
      "WHERE m.person_id = ?1 AND p.absent_since IS NULL");
  SQLite::bind(s, person_id);
  return first_column(s);
}

std::vector<PersonCandidate> SqlitePeopleRepository::people_known_as(
    const std::string& id_or_number) {
  SQLite::Statement& s = session_.prepared(
      "SELECT id, employee_number FROM person WHERE id = ?1 "
      "UNION SELECT id, employee_number FROM person WHERE employee_number = ?1 ORDER BY 1");
  SQLite::bind(s, id_or_number);
  std::vector<PersonCandidate> out;
  while (s.executeStep())
    out.push_back({s.getColumn(0).getString(), optional_text(s.getColumn(1))});
  return out;
}

std::map<std::string, Person> SqlitePeopleRepository::people(const std::set<std::string>& ids) {
  SQLite::Statement& s = session_.prepared(
      "SELECT id, name, email, manager_id, department, location, start_date, "
      "end_date, languages, employee_number, "
      "(SELECT group_concat(value, char(10)) FROM json_each(indirect_manager_ids)) "
      "FROM person WHERE id = ? AND absent_since IS NULL");
  std::map<std::string, Person> out;
  for (const auto& id : ids) {
    s.reset();
    SQLite::bind(s, id);
    if (!s.executeStep()) continue;
    Person p;
    p.id = s.getColumn(0).getString();
    p.name = s.getColumn(1).getString();
    p.email = optional_text(s.getColumn(2));
    p.manager_id = optional_text(s.getColumn(3));
    p.department = optional_text(s.getColumn(4));
    p.location = optional_text(s.getColumn(5));
    p.start_date = optional_date(s.getColumn(6));
    p.end_date = optional_date(s.getColumn(7));
    p.languages = split_lines(s.getColumn(8).getString());
    p.employee_number = optional_text(s.getColumn(9));
    if (!s.getColumn(10).isNull())
      p.indirect_manager_ids = split_lines(s.getColumn(10).getString());
    out.emplace(p.id, std::move(p));
  }
  return out;
}

// Whole-table COUNT(*), which SQLite answers from the b-tree pages, less the absent ones
// through their partial index (migration 20): never every row.
std::int64_t SqlitePeopleRepository::count_present() {
  return count(session_.prepared("SELECT COUNT(*) FROM person")) - count_absent();
}

std::int64_t SqlitePeopleRepository::count_absent() {
  return count(session_.prepared("SELECT COUNT(*) FROM person WHERE absent_since IS NOT NULL"));
}

}  // namespace mentoring::store
