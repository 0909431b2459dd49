// mentoring/store/calendar_repository.hpp — what was last sent under each calendar UID
// (issue 17: a repository per concept): the sequence attendees last saw, a fingerprint of
// what they saw (time, place, attendees) and whether it was a cancellation, so an update
// goes out only when something they would see changed, with SEQUENCE + 1.
//
//   SqliteCalendarRepository calendar(org_store.session());
//   auto previous = calendar.sent("kickoff-rtw-2027-03-01@northwind");
//   calendar.save_sent({uid, previous ? previous->sequence + 1 : 0, fingerprint, false}, now);
//
// A repository never begins a transaction: its calls join the session's (the event is saved
// with the action that sends it). Borrows the session; not thread-safe.
#pragma once

#include <mentoring/store/store_session.hpp>

#include <optional>
#include <string>

namespace mentoring::store {

class CalendarRepository {
 public:
  virtual ~CalendarRepository() = default;

  struct SentEvent {
    std::string uid;
    int sequence = 0;
    std::string fingerprint;  // what the attendees saw: time, place, attendees
    bool cancelled = false;
  };
  // What was last sent under this UID; none before the first invite.
  virtual std::optional<SentEvent> sent(const std::string& uid) = 0;
  // Replaces what was sent under the event's UID; `at` is when (ISO 8601).
  virtual void save_sent(const SentEvent& event, const std::string& at) = 0;
};

// The calendar_event table of the session's SQLite database.
class SqliteCalendarRepository final : public CalendarRepository {
 public:
  explicit SqliteCalendarRepository(StoreSession& session) : session_(session) {}

  std::optional<SentEvent> sent(const std::string& uid) override;
  void save_sent(const SentEvent& event, const std::string& at) override;

 private:
  StoreSession& session_;
};

}  // namespace mentoring::store
