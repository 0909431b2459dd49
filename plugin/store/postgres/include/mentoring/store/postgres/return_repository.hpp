// mentoring/store/postgres/return_repository.hpp — the line manager's return-to-work steps on
// the shared store: ReturnRepository (mentoring/store/return_repository.hpp) over return_step.
//
// Borrows the session, which must outlive it. Not thread-safe (the session is not).
#pragma once

#include <mentoring/store/postgres/org_session.hpp>
#include <mentoring/store/return_repository.hpp>

namespace mentoring::store::postgres {

class PostgresReturnRepository final : public ReturnRepository {
 public:
  explicit PostgresReturnRepository(OrgSession& session);

  void save_step(const Step& step, const std::string& at) override;
  std::vector<Step> steps_of_leave(const std::string& programme_id,
                                   const std::string& leave_id) override;
  std::vector<Step> steps_of_person(const std::string& person_id) override;
  std::vector<Step> steps(const std::string& programme_id) override;
  std::vector<std::string> leaves_with_steps(const std::string& programme_id) override;

 private:
  OrgSession& session_;
};

}  // namespace mentoring::store::postgres
