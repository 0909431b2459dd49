// mentoring/store/people_repository.hpp — the organisation's people as its HR systems list
// them, their managers and who is absent from the full reads (issue 17: a repository per
// concept).
//
//   SqlitePeopleRepository people(session);
//   people.upsert_listed(person, "hr-export", read_id);           // each person of a full read
//   auto gone = people.unlisted_after("hr-export", read_id);     // once the read is complete
//   people.mark_absent(gone, today);
//
// People keep their employee number (people_known_as finds a person by either) and their
// indirect managers (person_manager, kept by the database from the person row).
#pragma once

#include <mentoring/store/store_session.hpp>

#include <functional>
#include <string_view>

#include <mentoring/domain/management_chain.hpp>
#include <mentoring/domain/person_reference.hpp>
#include <mentoring/domain/records.hpp>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace mentoring::store {

// What the sync and the module passes see; a PostgreSQL implementation follows (issue 17).
class PeopleRepository {
 public:
  virtual ~PeopleRepository() = default;

  // A person from the host; the same record twice changes nothing. A person absent
  // before is present again.
  virtual void upsert(const domain::Person& person) = 0;
  virtual bool has_person(const std::string& id) = 0;
  // Everyone has_person answers true for, in one read, each id handed to `visit` (valid
  // during the call): a sync checks a person for each leave and completion, and one scan
  // is far cheaper than a lookup per record. Not sorted; `visit` must not call back into
  // the repository.
  virtual void for_each_present_person(const std::function<void(std::string_view)>& visit) = 0;
  // The present people of these ids, by id (absent and unknown ids left out).
  virtual std::map<std::string, domain::Person> people(const std::set<std::string>& ids) = 0;
  // Every person (absent ones too) whose id or employee number is exactly this value, by
  // id: what HR command inputs are resolved against.
  virtual std::vector<domain::PersonCandidate> people_known_as(const std::string& id_or_number) = 0;

  // Full reads: an adapter that reads everyone its HR system lists stores each person as
  // listed by this read; once the read is complete, people it listed before and not this
  // time are absent from that day on (has_person, people and managers leave them out)
  // until a record of theirs arrives again.
  virtual void upsert_listed(const domain::Person& person, const std::string& adapter,
                             const std::string& read_id) = 0;
  // Who this adapter listed in reads before this one and not in it (absent ones aside), by id.
  virtual std::vector<std::string> unlisted_after(const std::string& adapter,
                                                  const std::string& read_id) = 0;
  virtual void mark_absent(const std::vector<std::string>& person_ids, domain::Date since) = 0;
  // How many present people this adapter lists.
  virtual std::int64_t listed_count(const std::string& adapter) = 0;
  // A changes-only full read says this person is gone from the export: no longer listed by
  // any read, so the read's reconciliation counts them as unlisted. Answers whether the
  // adapter listed them.
  virtual bool unlist(const std::string& adapter, const std::string& person_id) = 0;

  // Every manager link, direct and indirect, of everyone present: what
  // domain::ManagementChains is built from.
  virtual std::vector<domain::ManagerLink> managers() = 0;
  // This person's managers: the direct one first, then the indirect ones by id (absent or
  // not: the person's own record says so).
  virtual std::vector<std::string> managers_of(const std::string& person_id) = 0;
  // One person's links of managers(): none when the person is absent or unknown.
  virtual std::vector<std::string> manager_links_of(const std::string& person_id) = 0;

  // The run summary's counts, without reading every row.
  virtual std::int64_t count_present() = 0;
  virtual std::int64_t count_absent() = 0;
};

// The person table (and person_manager, which its triggers keep) of the session's SQLite
// database.
class SqlitePeopleRepository final : public PeopleRepository {
 public:
  explicit SqlitePeopleRepository(StoreSession& session) : session_(session) {}

  // managers_of's query, through primary keys only (its query plan is tested).
  static constexpr const char* kManagersOfSql =
      "SELECT manager_id FROM (SELECT manager_id, 0 AS indirect FROM person "
      "WHERE id = ?1 AND manager_id IS NOT NULL "
      "UNION ALL SELECT manager_id, 1 FROM person_manager WHERE person_id = ?1) "
      "ORDER BY indirect, manager_id";

  void upsert(const domain::Person& person) override;
  bool has_person(const std::string& id) override;
  void for_each_present_person(const std::function<void(std::string_view)>& visit) override;
  std::map<std::string, domain::Person> people(const std::set<std::string>& ids) override;
  std::vector<domain::PersonCandidate> people_known_as(const std::string& id_or_number) override;
  void upsert_listed(const domain::Person& person, const std::string& adapter,
                     const std::string& read_id) override;
  std::vector<std::string> unlisted_after(const std::string& adapter,
                                          const std::string& read_id) override;
  void mark_absent(const std::vector<std::string>& person_ids, domain::Date since) override;
  std::int64_t listed_count(const std::string& adapter) override;
  bool unlist(const std::string& adapter, const std::string& person_id) override;
  std::vector<domain::ManagerLink> managers() override;
  std::vector<std::string> managers_of(const std::string& person_id) override;
  std::vector<std::string> manager_links_of(const std::string& person_id) override;
  std::int64_t count_present() override;
  std::int64_t count_absent() override;

 private:
  StoreSession& session_;
};

}  // namespace mentoring::store
