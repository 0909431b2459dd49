#include <mentoring/store/postgres/calendar_repository.hpp>

#include <pqxx/pqxx>

namespace mentoring::store::postgres {

PostgresCalendarRepository::PostgresCalendarRepository(OrgSession& session) : session_(session) {
  session_.prepare("calendar.sent",
                   "SELECT sequence, fingerprint, cancelled FROM calendar_event "
                   "WHERE org_id = $1 AND uid = $2");
  session_.prepare("calendar.save_sent",
                   "INSERT INTO calendar_event(org_id, uid, sequence, fingerprint, cancelled, "
                   "updated_at) VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT (org_id, uid) DO UPDATE "
                   "SET sequence = excluded.sequence, fingerprint = excluded.fingerprint, "
                   "cancelled = excluded.cancelled, updated_at = excluded.updated_at");
}

std::optional<CalendarRepository::SentEvent> PostgresCalendarRepository::sent(
    const std::string& uid) {
  return session_.run(
      "reading a sent calendar event", [&](pqxx::work& txn) -> std::optional<SentEvent> {
        auto result = txn.exec_prepared("calendar.sent", session_.org_id(), uid);
        if (result.empty()) return std::nullopt;
        return SentEvent{uid, result[0][0].as<int>(), result[0][1].as<std::string>(),
                         result[0][2].as<std::int64_t>() != 0};
      });
}

void PostgresCalendarRepository::save_sent(const SentEvent& e, const std::string& at) {
  session_.run("saving a sent calendar event", [&](pqxx::work& txn) {
    txn.exec_prepared("calendar.save_sent", session_.org_id(), e.uid, e.sequence, e.fingerprint,
                      e.cancelled ? 1 : 0, at);
  });
}

}  // namespace mentoring::store::postgres
