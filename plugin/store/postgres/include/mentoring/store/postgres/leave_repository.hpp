// mentoring/store/postgres/leave_repository.hpp — one organisation's leave and course
// completions on the shared store: store::LeaveRepository over an OrgSession (issue 17).
//
//   postgres::OrgSession session(connection, "northwind");
//   postgres::PostgresLeaveRepository leave(session);
//   session.begin();                         // the page's transaction, every repository's
//   if (!leave.overlapping_leave(l) && !leave.insert_new_leave(l))
//     outcome = leave.upsert(l);             // stored, unchanged or older
//   session.commit();
//
// The same behaviour as store::SqliteLeaveRepository (the repository tests run both): which
// version of a leave is kept is store::leave_versions::judge on either backend. Every
// statement names the organisation (org_id = $1) and is prepared once per connection
// ("leave.upsert"...). A call joins the session's open transaction, or runs in one of its
// own; errors are PostgresError naming the server, the organisation and what was being done.
// Borrows the session, which must outlive it; not thread-safe (one per session's thread).
#pragma once

#include <mentoring/store/leave_repository.hpp>
#include <mentoring/store/postgres/org_session.hpp>

namespace mentoring::store::postgres {

class PostgresLeaveRepository final : public store::LeaveRepository {
 public:
  // Prepares its statements on the session's connection (once per connection).
  explicit PostgresLeaveRepository(OrgSession& session);

  UpsertOutcome upsert(const domain::Leave& leave) override;
  bool insert_new_leave(const domain::Leave& leave) override;
  std::optional<domain::Leave> leave(const std::string& id) override;
  std::vector<domain::Leave> leaves_of(const std::string& person_id) override;
  std::vector<domain::Leave> leaves_for_planning(domain::Date from) override;
  std::vector<domain::Leave> leaves_for_planning(domain::Date first, domain::Date last,
                                                 const std::string& programme_id) override;
  std::optional<std::string> overlapping_leave(const domain::Leave& leave) override;
  UpsertOutcome upsert(const domain::CourseCompletion& completion) override;
  std::vector<domain::CourseCompletion> completions_of(const std::string& person_id) override;
  std::vector<domain::CourseCompletion> all_completions() override;
  std::vector<domain::CourseCompletion> completions_after(domain::Date today) override;
  std::int64_t count_leave() override;
  std::int64_t count_completions() override;

 private:
  OrgSession& session_;
};

}  // namespace mentoring::store::postgres
