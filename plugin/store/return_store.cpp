#include <mentoring/store/return_store.hpp>

#include "columns.hpp"

#include <SQLiteCpp/Statement.h>

namespace mentoring::store {

using namespace columns;
using domain::format_date;

namespace {

const char* kKitDayColumns =
    "SELECT leave_id, person_id, day, note, recorded_by, over_limit, recorded_at FROM kit_day ";

std::vector<ReturnStore::KitDay> read_kit_days(SQLite::Statement& q) {
  std::vector<ReturnStore::KitDay> out;
  while (q.executeStep()) {
    out.push_back({q.getColumn(0).getString(), q.getColumn(1).getString(),
                   required_date(q.getColumn(2)), optional_text(q.getColumn(3)),
                   q.getColumn(4).getString(), q.getColumn(5).getInt() != 0,
                   q.getColumn(6).getString()});
  }
  return out;
}

}  // namespace

bool ReturnStore::insert_kit_day(const KitDay& day) {
  SQLite::Statement s(db_,
                      "INSERT OR IGNORE INTO kit_day(leave_id, person_id, day, note, recorded_by, "
                      "over_limit, recorded_at) VALUES (?,?,?,?,?,?,?)");
  s.bind(1, day.leave_id);
  s.bind(2, day.person_id);
  s.bind(3, format_date(day.on));
  bind_optional(s, 4, day.note);
  s.bind(5, day.recorded_by);
  s.bind(6, day.over_limit ? 1 : 0);
  s.bind(7, day.recorded_at);
  return s.exec() > 0;
}

std::vector<ReturnStore::KitDay> ReturnStore::kit_days_of_leave(const std::string& leave_id) {
  SQLite::Statement q(db_, std::string(kKitDayColumns) + "WHERE leave_id = ? ORDER BY day");
  q.bind(1, leave_id);
  return read_kit_days(q);
}

std::vector<ReturnStore::KitDay> ReturnStore::kit_days_of_person(const std::string& person_id) {
  SQLite::Statement q(db_,
                      std::string(kKitDayColumns) + "WHERE person_id = ? ORDER BY leave_id, day");
  q.bind(1, person_id);
  return read_kit_days(q);
}

std::vector<std::pair<std::string, std::string>> ReturnStore::leaves_with_kit_days() {
  SQLite::Statement q(db_,
                      "SELECT DISTINCT leave_id, person_id FROM kit_day ORDER BY person_id, "
                      "leave_id");
  std::vector<std::pair<std::string, std::string>> out;
  while (q.executeStep()) out.emplace_back(q.getColumn(0).getString(), q.getColumn(1).getString());
  return out;
}

std::string ReturnStore::reported_by(const std::string& adapter, const std::string& record_id) {
  return "hr_system:" + adapter + ":" + record_id;
}

ReturnStore::ReportOutcome ReturnStore::report_kit_day(const ReportedKitDay& day,
                                                       const std::string& seen_at) {
  SQLite::Statement old(db_,
                        "SELECT person_id, leave_id, day, note, status, judged_leave FROM "
                        "kit_day_reported WHERE adapter = ? AND record_id = ?");
  old.bind(1, day.adapter);
  old.bind(2, day.record_id);
  if (old.executeStep()) {
    const bool same = old.getColumn(0).getString() == day.person_id &&
                      optional_text(old.getColumn(1)) == day.leave_id &&
                      old.getColumn(2).getString() == format_date(day.on) &&
                      optional_text(old.getColumn(3)) == day.note;
    if (same) {
      SQLite::Statement seen(
          db_, "UPDATE kit_day_reported SET seen_at = ? WHERE adapter = ? AND record_id = ?");
      seen.bind(1, seen_at);
      seen.bind(2, day.adapter);
      seen.bind(3, day.record_id);
      seen.exec();
      return ReportOutcome::unchanged;
    }
    // Corrected by the HR system: the day it had put into kit_day no longer happened.
    if (old.getColumn(4).getString() == "recorded" && !old.getColumn(5).isNull()) {
      SQLite::Statement drop(
          db_, "DELETE FROM kit_day WHERE leave_id = ? AND day = ? AND recorded_by = ?");
      drop.bind(1, old.getColumn(5).getString());
      drop.bind(2, old.getColumn(2).getString());
      drop.bind(3, reported_by(day.adapter, day.record_id));
      drop.exec();
    }
  }
  SQLite::Statement s(
      db_,
      "INSERT INTO kit_day_reported(adapter, record_id, person_id, leave_id, day, note, status, "
      "reason, judged_leave, seen_at, judged_at) VALUES (?,?,?,?,?,?,'new',NULL,NULL,?,NULL) "
      "ON CONFLICT(adapter, record_id) DO UPDATE SET person_id=excluded.person_id, "
      "leave_id=excluded.leave_id, day=excluded.day, note=excluded.note, status='new', "
      "reason=NULL, judged_leave=NULL, seen_at=excluded.seen_at, judged_at=NULL");
  s.bind(1, day.adapter);
  s.bind(2, day.record_id);
  s.bind(3, day.person_id);
  bind_optional(s, 4, day.leave_id);
  s.bind(5, format_date(day.on));
  bind_optional(s, 6, day.note);
  s.bind(7, seen_at);
  s.exec();
  return ReportOutcome::stored;
}

std::vector<ReturnStore::ReportedKitDay> ReturnStore::reported_kit_days_to_judge() {
  SQLite::Statement q(db_,
                      "SELECT adapter, record_id, person_id, leave_id, day, note, status, reason, "
                      "judged_leave FROM kit_day_reported WHERE status IN ('new', 'refused') "
                      "ORDER BY person_id, day, adapter, record_id");
  std::vector<ReportedKitDay> out;
  while (q.executeStep()) {
    ReportedKitDay d;
    d.adapter = q.getColumn(0).getString();
    d.record_id = q.getColumn(1).getString();
    d.person_id = q.getColumn(2).getString();
    d.leave_id = optional_text(q.getColumn(3));
    d.on = required_date(q.getColumn(4));
    d.note = optional_text(q.getColumn(5));
    d.status = q.getColumn(6).getString();
    d.reason = optional_text(q.getColumn(7));
    d.judged_leave = optional_text(q.getColumn(8));
    out.push_back(std::move(d));
  }
  return out;
}

void ReturnStore::set_report_outcome(const std::string& adapter, const std::string& record_id,
                                     const std::string& status,
                                     const std::optional<std::string>& reason,
                                     const std::optional<std::string>& judged_leave,
                                     const std::string& at) {
  // The same judgement again writes nothing (judged_at: when it was first judged so): a run
  // that changes nothing writes nothing, so the next may skip the passes (issue 16).
  SQLite::Statement s(db_,
                      "UPDATE kit_day_reported SET status = ?1, reason = ?2, judged_leave = ?3, "
                      "judged_at = ?4 WHERE adapter = ?5 AND record_id = ?6 AND (status IS NOT "
                      "?1 OR reason IS NOT ?2 OR judged_leave IS NOT ?3)");
  s.bind(1, status);
  bind_optional(s, 2, reason);
  bind_optional(s, 3, judged_leave);
  s.bind(4, at);
  s.bind(5, adapter);
  s.bind(6, record_id);
  s.exec();
}

}  // namespace mentoring::store
