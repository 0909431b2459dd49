// mentoring/store/postgres/people_repository.hpp — the organisation's people on the shared
// store: PeopleRepository (../../../../../include/mentoring/store/people_repository.hpp says
// what each member does) over the person table and the person_manager rows its trigger
// keeps (migration 5).
//
//   postgres::OrgSession session(connection, "northwind");
//   postgres::PostgresPeopleRepository people(session);
//   session.begin();
//   people.upsert_listed(person, "hr-export", read_id);
//   session.commit();
//
// Borrows the session, which must outlive it. Not thread-safe (the session is not).
#pragma once

#include <mentoring/store/people_repository.hpp>
#include <mentoring/store/postgres/org_session.hpp>

namespace mentoring::store::postgres {

class PostgresPeopleRepository final : public PeopleRepository {
 public:
  explicit PostgresPeopleRepository(OrgSession& session);

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
  OrgSession& session_;
};

}  // namespace mentoring::store::postgres
