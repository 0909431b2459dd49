#include <mentoring/store/calendar_repository.hpp>

#include <SQLiteCpp/VariadicBind.h>

namespace mentoring::store {

std::optional<CalendarRepository::SentEvent> SqliteCalendarRepository::sent(
    const std::string& uid) {
  SQLite::Statement& q = session_.prepared(
      "SELECT sequence, fingerprint, cancelled FROM calendar_event WHERE uid = ?");
  SQLite::bind(q, uid);
  if (!q.executeStep()) return std::nullopt;
  return SentEvent{uid, q.getColumn(0).getInt(), q.getColumn(1).getString(),
                   q.getColumn(2).getInt() != 0};
}

void SqliteCalendarRepository::save_sent(const SentEvent& e, const std::string& at) {
  SQLite::Statement& s = session_.prepared(
      "INSERT INTO calendar_event(uid, sequence, fingerprint, cancelled, updated_at) "
      "VALUES (?,?,?,?,?) ON CONFLICT(uid) DO UPDATE SET sequence=excluded.sequence, "
      "fingerprint=excluded.fingerprint, cancelled=excluded.cancelled, "
      "updated_at=excluded.updated_at");
  SQLite::bind(s, e.uid, e.sequence, e.fingerprint, e.cancelled ? 1 : 0, at);
  s.exec();
}

}  // namespace mentoring::store
