// mentoring/store/postgres/calendar_repository.hpp — what was last sent under each calendar
// UID, on the shared store: CalendarRepository (mentoring/store/calendar_repository.hpp)
// over calendar_event.
//
// Borrows the session, which must outlive it. Not thread-safe (the session is not).
#pragma once

#include <mentoring/store/calendar_repository.hpp>
#include <mentoring/store/postgres/org_session.hpp>

namespace mentoring::store::postgres {

class PostgresCalendarRepository final : public CalendarRepository {
 public:
  explicit PostgresCalendarRepository(OrgSession& session);

  std::optional<SentEvent> sent(const std::string& uid) override;
  void save_sent(const SentEvent& event, const std::string& at) override;

 private:
  OrgSession& session_;
};

}  // namespace mentoring::store::postgres
