#include <mentoring/store/postgres/people_repository.hpp>

#include "../person_encoding.hpp"
#include "values.hpp"

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

namespace mentoring::store::postgres {

using namespace mentoring::domain;
using namespace person_encoding;
using namespace values;

namespace {

// The person's columns after org_id ($2-$12), in the order both upserts take them.
constexpr const char* kPersonColumns =
    "org_id, id, name, email, manager_id, department, location, start_date, end_date, "
    "languages, employee_number, indirect_manager_ids";
constexpr const char* kUpdatePerson =
    "name = excluded.name, email = excluded.email, manager_id = excluded.manager_id, "
    "department = excluded.department, location = excluded.location, "
    "start_date = excluded.start_date, end_date = excluded.end_date, "
    "languages = excluded.languages, employee_number = excluded.employee_number, "
    "indirect_manager_ids = excluded.indirect_manager_ids, absent_since = NULL";

// A person's optional columns as text that lives as long as the call.
struct PersonParameters {
  explicit PersonParameters(const Person& p)
      : start_date(optional_date_text(p.start_date)),
        end_date(optional_date_text(p.end_date)),
        languages(join_lines(p.languages)),
        indirect(json_array(p.indirect_manager_ids)) {}
  std::optional<std::string> start_date, end_date;
  std::string languages;
  std::optional<std::string> indirect;
};

std::vector<std::string> first_column(const pqxx::result& result) {
  std::vector<std::string> out;
  out.reserve(result.size());
  for (const auto& row : result) out.push_back(row[0].as<std::string>());
  return out;
}

}  // namespace

PostgresPeopleRepository::PostgresPeopleRepository(OrgSession& session) : session_(session) {
  static const std::string upsert = std::string("INSERT INTO person(") + kPersonColumns +
                                    ") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) "
                                    "ON CONFLICT (org_id, id) DO UPDATE SET " +
                                    kUpdatePerson;
  static const std::string upsert_listed =
      std::string("INSERT INTO person(") + kPersonColumns +
      ", listed_by, full_read) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14) "
      "ON CONFLICT (org_id, id) DO UPDATE SET " +
      kUpdatePerson + ", listed_by = excluded.listed_by, full_read = excluded.full_read";
  session_.prepare("people.upsert", upsert.c_str());
  session_.prepare("people.upsert_listed", upsert_listed.c_str());
  session_.prepare("people.has",
                   "SELECT 1 FROM person WHERE org_id = $1 AND id = $2 AND absent_since IS NULL");
  session_.prepare("people.present",
                   "SELECT id FROM person WHERE org_id = $1 AND absent_since IS NULL");
  session_.prepare("people.get",
                   "SELECT id, name, email, manager_id, department, location, start_date, "
                   "end_date, languages, employee_number, indirect_manager_ids FROM person "
                   "WHERE org_id = $1 AND id = $2 AND absent_since IS NULL");
  session_.prepare("people.known_as",
                   "SELECT id, employee_number FROM person WHERE org_id = $1 AND id = $2 "
                   "UNION SELECT id, employee_number FROM person "
                   "WHERE org_id = $1 AND employee_number = $2 ORDER BY 1");
  session_.prepare("people.unlisted_after",
                   "SELECT id FROM person WHERE org_id = $1 AND listed_by = $2 "
                   "AND full_read IS DISTINCT FROM $3 AND absent_since IS NULL ORDER BY id");
  session_.prepare("people.mark_absent",
                   "UPDATE person SET absent_since = $2 WHERE org_id = $1 AND id = $3");
  session_.prepare("people.listed_count",
                   "SELECT count(*) FROM person WHERE org_id = $1 AND listed_by = $2 "
                   "AND absent_since IS NULL");
  session_.prepare("people.unlist",
                   "UPDATE person SET full_read = NULL WHERE org_id = $1 AND id = $2 "
                   "AND listed_by = $3");
  session_.prepare("people.managers",
                   "SELECT id, manager_id FROM person WHERE org_id = $1 "
                   "AND manager_id IS NOT NULL AND absent_since IS NULL "
                   "UNION ALL SELECT m.person_id, m.manager_id FROM person_manager m "
                   "JOIN person p ON p.org_id = m.org_id AND p.id = m.person_id "
                   "WHERE m.org_id = $1 AND p.absent_since IS NULL");
  session_.prepare("people.managers_of",
                   "SELECT manager_id FROM (SELECT manager_id, 0 AS indirect FROM person "
                   "WHERE org_id = $1 AND id = $2 AND manager_id IS NOT NULL "
                   "UNION ALL SELECT manager_id, 1 FROM person_manager "
                   "WHERE org_id = $1 AND person_id = $2) AS links "
                   "ORDER BY indirect, manager_id");
  session_.prepare("people.manager_links_of",
                   "SELECT p.manager_id FROM person p WHERE p.org_id = $1 AND p.id = $2 "
                   "AND p.manager_id IS NOT NULL AND p.absent_since IS NULL "
                   "UNION ALL SELECT m.manager_id FROM person_manager m JOIN person p "
                   "ON p.org_id = m.org_id AND p.id = m.person_id "
                   "WHERE m.org_id = $1 AND m.person_id = $2 AND p.absent_since IS NULL");
  session_.prepare("people.count_present",
                   "SELECT count(*) FROM person WHERE org_id = $1 AND absent_since IS NULL");
  session_.prepare("people.count_absent",
                   "SELECT count(*) FROM person WHERE org_id = $1 AND absent_since IS NOT NULL");
}

void PostgresPeopleRepository::upsert(const Person& p) {
  const PersonParameters v(p);
  session_.run("storing a person", [&](pqxx::work& txn) {
    txn.exec_prepared("people.upsert", session_.org_id(), p.id, p.name, nullable(p.email),
                      nullable(p.manager_id), nullable(p.department), nullable(p.location),
                      nullable(v.start_date), nullable(v.end_date), v.languages,
                      nullable(p.employee_number), nullable(v.indirect));
  });
}

void PostgresPeopleRepository::upsert_listed(const Person& p, const std::string& adapter,
                                             const std::string& read_id) {
  const PersonParameters v(p);
  session_.run("storing a listed person", [&](pqxx::work& txn) {
    txn.exec_prepared("people.upsert_listed", session_.org_id(), p.id, p.name, nullable(p.email),
                      nullable(p.manager_id), nullable(p.department), nullable(p.location),
                      nullable(v.start_date), nullable(v.end_date), v.languages,
                      nullable(p.employee_number), nullable(v.indirect), adapter, read_id);
  });
}

bool PostgresPeopleRepository::has_person(const std::string& id) {
  return session_.run("looking a person up", [&](pqxx::work& txn) {
    return !txn.exec_prepared("people.has", session_.org_id(), id).empty();
  });
}

void PostgresPeopleRepository::for_each_present_person(
    const std::function<void(std::string_view)>& visit) {
  // One result in memory (about 30 bytes an id); the visit runs after the query, so it may
  // not call back into the transaction while rows stream, as on SQLite.
  auto result = session_.run("listing present people", [&](pqxx::work& txn) {
    return txn.exec_prepared("people.present", session_.org_id());
  });
  for (const auto& row : result) visit(std::string_view(row[0].c_str(), row[0].size()));
}

std::map<std::string, Person> PostgresPeopleRepository::people(const std::set<std::string>& ids) {
  return session_.run("reading people", [&](pqxx::work& txn) {
    std::map<std::string, Person> out;
    for (const auto& id : ids) {
      auto result = txn.exec_prepared("people.get", session_.org_id(), id);
      if (result.empty()) continue;
      const auto& row = result[0];
      Person p;
      p.id = row[0].as<std::string>();
      p.name = row[1].as<std::string>();
      p.email = optional_text(row[2]);
      p.manager_id = optional_text(row[3]);
      p.department = optional_text(row[4]);
      p.location = optional_text(row[5]);
      p.start_date = optional_date(row[6]);
      p.end_date = optional_date(row[7]);
      p.languages = split_lines(row[8].as<std::string>());
      p.employee_number = optional_text(row[9]);
      if (!row[10].is_null())
        p.indirect_manager_ids =
            nlohmann::json::parse(row[10].as<std::string>()).get<std::vector<std::string>>();
      out.emplace(p.id, std::move(p));
    }
    return out;
  });
}

std::vector<PersonCandidate> PostgresPeopleRepository::people_known_as(
    const std::string& id_or_number) {
  return session_.run("finding a person by id or employee number", [&](pqxx::work& txn) {
    std::vector<PersonCandidate> out;
    for (const auto& row : txn.exec_prepared("people.known_as", session_.org_id(), id_or_number))
      out.push_back({row[0].as<std::string>(), optional_text(row[1])});
    return out;
  });
}

std::vector<std::string> PostgresPeopleRepository::unlisted_after(const std::string& adapter,
                                                                  const std::string& read_id) {
  return session_.run("finding people a full read no longer lists", [&](pqxx::work& txn) {
    return first_column(
        txn.exec_prepared("people.unlisted_after", session_.org_id(), adapter, read_id));
  });
}

void PostgresPeopleRepository::mark_absent(const std::vector<std::string>& person_ids, Date since) {
  const std::string day = format_date(since);
  session_.run("marking people absent", [&](pqxx::work& txn) {
    for (const auto& id : person_ids)
      txn.exec_prepared("people.mark_absent", session_.org_id(), day, id);
  });
}

std::int64_t PostgresPeopleRepository::listed_count(const std::string& adapter) {
  return session_.run("counting listed people", [&](pqxx::work& txn) {
    return txn.exec_prepared1("people.listed_count", session_.org_id(), adapter)[0]
        .as<std::int64_t>();
  });
}

bool PostgresPeopleRepository::unlist(const std::string& adapter, const std::string& person_id) {
  return session_.run("unlisting a person", [&](pqxx::work& txn) {
    return txn.exec_prepared("people.unlist", session_.org_id(), person_id, adapter)
               .affected_rows() > 0;
  });
}

std::vector<ManagerLink> PostgresPeopleRepository::managers() {
  return session_.run("reading the management chains", [&](pqxx::work& txn) {
    std::vector<ManagerLink> out;
    for (const auto& row : txn.exec_prepared("people.managers", session_.org_id()))
      out.push_back({row[0].as<std::string>(), row[1].as<std::string>()});
    return out;
  });
}

std::vector<std::string> PostgresPeopleRepository::managers_of(const std::string& person_id) {
  return session_.run("reading a person's managers", [&](pqxx::work& txn) {
    return first_column(txn.exec_prepared("people.managers_of", session_.org_id(), person_id));
  });
}

std::vector<std::string> PostgresPeopleRepository::manager_links_of(const std::string& person_id) {
  return session_.run("reading a person's manager links", [&](pqxx::work& txn) {
    return first_column(txn.exec_prepared("people.manager_links_of", session_.org_id(), person_id));
  });
}

std::int64_t PostgresPeopleRepository::count_present() {
  return session_.run("counting people", [&](pqxx::work& txn) {
    return txn.exec_prepared1("people.count_present", session_.org_id())[0].as<std::int64_t>();
  });
}

std::int64_t PostgresPeopleRepository::count_absent() {
  return session_.run("counting absent people", [&](pqxx::work& txn) {
    return txn.exec_prepared1("people.count_absent", session_.org_id())[0].as<std::int64_t>();
  });
}

}  // namespace mentoring::store::postgres
