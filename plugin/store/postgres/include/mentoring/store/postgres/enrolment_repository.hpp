// mentoring/store/postgres/enrolment_repository.hpp — one organisation's enrolments, their
// history and touchpoints in the shared PostgreSQL store (issue 17): the twin of
// store::SqliteEnrolmentRepository, with the same behaviour (the repository tests run both).
//
//   postgres::OrgSession session(connection, "northwind");
//   postgres::PostgresEnrolmentRepository enrolments(session);
//   session.begin();
//   auto id = enrolments.insert_enrolment(enrolment, at, "leave L1 approved");
//   enrolments.transition(id, EnrolmentState::consented, at, "consent link used", std::nullopt);
//   session.commit();  // the enrolment and both history rows, or none of them
//
// Ownership: borrows the session, which must outlive it. Every statement is prepared once
// per connection under a stable name ("enrolment.insert") and says `org_id = $1` itself.
// A call joins the session's open transaction, or runs in one of its own (each call then
// atomic: an enrolment with its first history row, a move with its history row). Enrolment
// ids come from the table's identity column: distinct across the organisations of the
// database, so an organisation's ids have gaps. Not thread-safe, like the session.
#pragma once

#include <mentoring/store/enrolment_repository.hpp>
#include <mentoring/store/postgres/org_session.hpp>

namespace mentoring::store::postgres {

class PostgresEnrolmentRepository final : public store::EnrolmentRepository {
 public:
  explicit PostgresEnrolmentRepository(OrgSession& session) : session_(session) {}

  std::vector<domain::Enrolment> enrolments(const std::string& programme_id) override;
  std::vector<domain::Enrolment> enrolments_of(const std::string& person_id) override;
  std::optional<domain::Enrolment> enrolment(std::int64_t id) override;
  std::vector<domain::Enrolment> enrolments_in(
      const std::vector<domain::EnrolmentState>& states) override;
  std::vector<domain::Enrolment> enrolments_in_states(
      const std::string& programme_id, const std::vector<domain::EnrolmentState>& states,
      std::optional<domain::Role> role) override;
  std::int64_t count_enrolments_in(domain::EnrolmentState state) override;
  std::vector<EnrolmentStateCount> count_enrolment_states(const std::string& programme_id) override;
  std::int64_t insert_enrolment(const domain::Enrolment& enrolment, const std::string& at,
                                const std::string& cause) override;
  void transition(std::int64_t enrolment_id, domain::EnrolmentState to, const std::string& at,
                  const std::string& cause, std::optional<domain::Phase> phase) override;
  void update_details(const domain::Enrolment& enrolment, const std::string& at) override;
  void set_goal(std::int64_t enrolment_id, const std::string& goal,
                const std::string& wishes) override;
  std::vector<Transition> history(const std::string& person_id) override;
  std::vector<Touchpoint> touchpoints(std::int64_t enrolment_id) override;
  std::pair<int, bool> schedule_touchpoint(std::int64_t enrolment_id, const std::string& name,
                                           domain::Date due) override;
  void cancel_touchpoint(std::int64_t enrolment_id, const std::string& name) override;

 private:
  OrgSession& session_;
};

}  // namespace mentoring::store::postgres
