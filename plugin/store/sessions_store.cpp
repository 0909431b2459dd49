#include <mentoring/store/sessions_store.hpp>

#include "columns.hpp"

#include <SQLiteCpp/Statement.h>

#include <stdexcept>

namespace mentoring::store {

using namespace columns;

using namespace mentoring::domain;

namespace {

std::vector<CourseCompletion> read_completions(SQLite::Statement& query) {
  std::vector<CourseCompletion> out;
  while (query.executeStep()) {
    out.push_back({query.getColumn(0).getString(), query.getColumn(1).getString(),
                   required_date(query.getColumn(2)), optional_date(query.getColumn(3))});
  }
  return out;
}

const char* kSessionColumns =
    "SELECT s.id, s.group_id, g.programme_id, g.number, s.number, s.held_on "
    "FROM supervision_session s JOIN supervision_group g ON g.id = s.group_id ";

SessionsStore::SupervisionSession read_session(SQLite::Statement& q) {
  return {q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getString(),
          q.getColumn(3).getInt(),   q.getColumn(4).getInt(),   required_date(q.getColumn(5))};
}

}  // namespace

std::vector<CourseCompletion> SessionsStore::all_completions() {
  SQLite::Statement q(
      db_,
      "SELECT person_id, course_id, completed_at, expires_at FROM course_completion "
      "ORDER BY person_id, course_id, completed_at");
  return read_completions(q);
}

std::vector<CourseCompletion> SessionsStore::completions_after(Date today) {
  SQLite::Statement q(
      db_,
      // By date (migration 20): without INDEXED BY the planner reads every row in key
      // order to save sorting the few it finds.
      "SELECT person_id, course_id, completed_at, expires_at FROM course_completion "
      "INDEXED BY course_completion_by_completed_at "
      "WHERE completed_at > ? ORDER BY person_id, course_id");
  q.bind(1, format_date(today));
  return read_completions(q);
}

std::optional<SessionsStore::Kickoff> SessionsStore::kickoff(const std::string& programme_id) {
  SQLite::Statement q(db_,
                      "SELECT held_on, start_minutes, duration_minutes, location, cancelled "
                      "FROM kickoff WHERE programme_id = ?");
  q.bind(1, programme_id);
  if (!q.executeStep()) return std::nullopt;
  return Kickoff{programme_id,
                 required_date(q.getColumn(0)),
                 q.getColumn(1).getInt(),
                 q.getColumn(2).getInt(),
                 optional_text(q.getColumn(3)),
                 q.getColumn(4).getInt() != 0};
}

void SessionsStore::save_kickoff(const Kickoff& k, const std::string& at) {
  SQLite::Statement s(db_,
                      "INSERT INTO kickoff(programme_id, held_on, start_minutes, duration_minutes, "
                      "location, cancelled, updated_at) VALUES (?,?,?,?,?,?,?) "
                      "ON CONFLICT(programme_id) DO UPDATE SET held_on=excluded.held_on, "
                      "start_minutes=excluded.start_minutes, "
                      "duration_minutes=excluded.duration_minutes, location=excluded.location, "
                      "cancelled=excluded.cancelled, updated_at=excluded.updated_at");
  s.bind(1, k.programme_id);
  s.bind(2, format_date(k.on));
  s.bind(3, k.start_minutes);
  s.bind(4, k.duration_minutes);
  bind_optional(s, 5, k.location);
  s.bind(6, k.cancelled ? 1 : 0);
  s.bind(7, at);
  s.exec();
}

void SessionsStore::set_kickoff_attendance(const std::string& programme_id,
                                           const std::string& person_id, const std::string& status,
                                           const std::string& at) {
  SQLite::Statement s(
      db_,
      "INSERT INTO kickoff_attendance(programme_id, person_id, status, recorded_at) "
      "VALUES (?,?,?,?) ON CONFLICT(programme_id, person_id) DO UPDATE SET "
      "status=excluded.status, recorded_at=excluded.recorded_at");
  s.bind(1, programme_id);
  s.bind(2, person_id);
  s.bind(3, status);
  s.bind(4, at);
  s.exec();
}

std::vector<std::pair<std::string, std::string>> SessionsStore::kickoff_attendance(
    const std::string& programme_id) {
  SQLite::Statement q(db_,
                      "SELECT person_id, status FROM kickoff_attendance WHERE programme_id = ? "
                      "ORDER BY person_id");
  q.bind(1, programme_id);
  std::vector<std::pair<std::string, std::string>> out;
  while (q.executeStep()) out.emplace_back(q.getColumn(0).getString(), q.getColumn(1).getString());
  return out;
}

void SessionsStore::save_kickoff_note(const KickoffNote& note, const std::string& at) {
  SQLite::Statement s(db_,
                      "INSERT INTO kickoff_note(programme_id, mentor_id, note, written_at) "
                      "VALUES (?,?,?,?) ON CONFLICT(programme_id, mentor_id) DO UPDATE SET "
                      "note=excluded.note, written_at=excluded.written_at");
  s.bind(1, note.programme_id);
  s.bind(2, note.mentor_id);
  s.bind(3, note.note);
  s.bind(4, at);
  s.exec();
}

std::vector<SessionsStore::KickoffNote> SessionsStore::kickoff_notes(
    const std::string& programme_id) {
  SQLite::Statement q(db_,
                      "SELECT mentor_id, note FROM kickoff_note WHERE programme_id = ? "
                      "ORDER BY mentor_id");
  q.bind(1, programme_id);
  std::vector<KickoffNote> out;
  while (q.executeStep()) {
    out.push_back({programme_id, q.getColumn(0).getString(), q.getColumn(1).getString()});
  }
  return out;
}

std::vector<SessionsStore::Group> SessionsStore::supervision_groups(
    const std::string& programme_id) {
  SQLite::Statement q(db_,
                      "SELECT id, number, starts_on FROM supervision_group WHERE programme_id = ? "
                      "ORDER BY number");
  q.bind(1, programme_id);
  std::vector<Group> out;
  while (q.executeStep()) {
    out.push_back(
        {q.getColumn(0).getInt64(), q.getColumn(1).getInt(), required_date(q.getColumn(2)), {}});
  }
  SQLite::Statement members(db_,
                            "SELECT person_id, first_paired_on FROM supervision_member "
                            "WHERE group_id = ? ORDER BY first_paired_on, person_id");
  for (auto& g : out) {
    members.reset();
    members.bind(1, g.id);
    while (members.executeStep()) {
      g.members.emplace_back(members.getColumn(0).getString(), required_date(members.getColumn(1)));
    }
  }
  return out;
}

std::int64_t SessionsStore::add_supervision_group(const std::string& programme_id, int number,
                                                  Date starts_on) {
  SQLite::Statement s(
      db_, "INSERT INTO supervision_group(programme_id, number, starts_on) VALUES (?,?,?)");
  s.bind(1, programme_id);
  s.bind(2, number);
  s.bind(3, format_date(starts_on));
  s.exec();
  return db_.getLastInsertRowid();
}

void SessionsStore::add_supervision_member(std::int64_t group_id, const std::string& programme_id,
                                           const std::string& person_id, Date first_paired_on) {
  SQLite::Statement s(db_,
                      "INSERT INTO supervision_member(group_id, programme_id, person_id, "
                      "first_paired_on) VALUES (?,?,?,?)");
  s.bind(1, group_id);
  s.bind(2, programme_id);
  s.bind(3, person_id);
  s.bind(4, format_date(first_paired_on));
  s.exec();
}

std::int64_t SessionsStore::upsert_supervision_session(std::int64_t group_id, int number, Date on) {
  SQLite::Statement s(db_,
                      "INSERT INTO supervision_session(group_id, number, held_on) VALUES (?,?,?) "
                      "ON CONFLICT(group_id, number) DO UPDATE SET held_on=excluded.held_on");
  s.bind(1, group_id);
  s.bind(2, number);
  s.bind(3, format_date(on));
  s.exec();
  SQLite::Statement q(db_, "SELECT id FROM supervision_session WHERE group_id = ? AND number = ?");
  q.bind(1, group_id);
  q.bind(2, number);
  q.executeStep();
  return q.getColumn(0).getInt64();
}

std::vector<SessionsStore::SupervisionSession> SessionsStore::supervision_sessions(
    const std::string& programme_id) {
  SQLite::Statement q(
      db_, std::string(kSessionColumns) + "WHERE g.programme_id = ? ORDER BY g.number, s.number");
  q.bind(1, programme_id);
  std::vector<SupervisionSession> out;
  while (q.executeStep()) out.push_back(read_session(q));
  return out;
}

std::optional<SessionsStore::SupervisionSession> SessionsStore::supervision_session(
    std::int64_t id) {
  SQLite::Statement q(db_, std::string(kSessionColumns) + "WHERE s.id = ?");
  q.bind(1, id);
  if (!q.executeStep()) return std::nullopt;
  return read_session(q);
}

bool SessionsStore::is_supervision_member(std::int64_t group_id, const std::string& person_id) {
  SQLite::Statement q(db_, "SELECT 1 FROM supervision_member WHERE group_id = ? AND person_id = ?");
  q.bind(1, group_id);
  q.bind(2, person_id);
  return q.executeStep();
}

void SessionsStore::record_supervision_attendance(std::int64_t session_id,
                                                  const std::string& person_id, bool attended,
                                                  const std::string& at) {
  SQLite::Statement s(db_,
                      "INSERT INTO supervision_attendance(session_id, person_id, attended, "
                      "recorded_at) VALUES (?,?,?,?) ON CONFLICT(session_id, person_id) DO UPDATE "
                      "SET attended=excluded.attended, recorded_at=excluded.recorded_at");
  s.bind(1, session_id);
  s.bind(2, person_id);
  s.bind(3, attended ? 1 : 0);
  s.bind(4, at);
  s.exec();
}

std::vector<SessionsStore::Attendance> SessionsStore::supervision_attendance(
    const std::string& programme_id) {
  SQLite::Statement q(db_,
                      "SELECT a.session_id, a.person_id, a.attended FROM supervision_attendance a "
                      "JOIN supervision_session s ON s.id = a.session_id "
                      "JOIN supervision_group g ON g.id = s.group_id WHERE g.programme_id = ? "
                      "ORDER BY a.person_id, s.held_on");
  q.bind(1, programme_id);
  std::vector<Attendance> out;
  while (q.executeStep()) {
    out.push_back(
        {q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getInt() != 0});
  }
  return out;
}

std::optional<int> SessionsStore::pair_cadence(std::int64_t pair_id) {
  SQLite::Statement q(db_, "SELECT every_weeks FROM pair_cadence WHERE pair_id = ?");
  q.bind(1, pair_id);
  if (!q.executeStep()) return std::nullopt;
  return q.getColumn(0).getInt();
}

void SessionsStore::set_pair_cadence(std::int64_t pair_id, int every_weeks, const std::string& at) {
  SQLite::Statement s(db_,
                      "INSERT INTO pair_cadence(pair_id, every_weeks, set_at) VALUES (?,?,?) "
                      "ON CONFLICT(pair_id) DO UPDATE SET every_weeks=excluded.every_weeks, "
                      "set_at=excluded.set_at");
  s.bind(1, pair_id);
  s.bind(2, every_weeks);
  s.bind(3, at);
  s.exec();
}

std::int64_t SessionsStore::record_pair_session(std::int64_t pair_id, Date held_on,
                                                const std::optional<std::string>& notes,
                                                const std::string& recorded_by_role,
                                                const std::string& at) {
  SQLite::Statement s(db_,
                      "INSERT INTO pair_session(pair_id, held_on, notes, recorded_by_role, "
                      "recorded_at) VALUES (?,?,?,?,?)");
  s.bind(1, pair_id);
  s.bind(2, format_date(held_on));
  bind_optional(s, 3, notes);
  s.bind(4, recorded_by_role);
  s.bind(5, at);
  s.exec();
  return db_.getLastInsertRowid();
}

std::vector<SessionsStore::PairSession> SessionsStore::pair_sessions(std::int64_t pair_id) {
  SQLite::Statement q(db_,
                      "SELECT id, held_on, notes, recorded_by_role, recorded_at FROM pair_session "
                      "WHERE pair_id = ? ORDER BY held_on, id");
  q.bind(1, pair_id);
  std::vector<PairSession> out;
  while (q.executeStep()) {
    out.push_back({q.getColumn(0).getInt64(), pair_id, required_date(q.getColumn(1)),
                   optional_text(q.getColumn(2)), q.getColumn(3).getString(),
                   q.getColumn(4).getString()});
  }
  return out;
}

std::vector<Date> SessionsStore::pair_session_dates(std::int64_t pair_id) {
  SQLite::Statement q(db_, "SELECT held_on FROM pair_session WHERE pair_id = ? ORDER BY held_on");
  q.bind(1, pair_id);
  std::vector<Date> out;
  while (q.executeStep()) out.push_back(required_date(q.getColumn(0)));
  return out;
}

std::optional<SessionsStore::NextMeeting> SessionsStore::pair_next_meeting(std::int64_t pair_id) {
  SQLite::Statement q(db_,
                      "SELECT number, on_date, start_minutes, moved_by_role FROM pair_next_meeting "
                      "WHERE pair_id = ?");
  q.bind(1, pair_id);
  if (!q.executeStep()) return std::nullopt;
  NextMeeting meeting;
  meeting.number = q.getColumn(0).getInt();
  meeting.on = required_date(q.getColumn(1));
  if (!q.getColumn(2).isNull()) meeting.start_minutes = q.getColumn(2).getInt();
  meeting.moved_by_role = q.getColumn(3).getString();
  return meeting;
}

void SessionsStore::set_pair_next_meeting(std::int64_t pair_id, const NextMeeting& meeting,
                                          const std::string& at) {
  SQLite::Statement s(db_,
                      "INSERT INTO pair_next_meeting(pair_id, number, on_date, start_minutes, "
                      "moved_by_role, moved_at) VALUES (?,?,?,?,?,?) ON CONFLICT(pair_id) DO "
                      "UPDATE SET number=excluded.number, on_date=excluded.on_date, "
                      "start_minutes=excluded.start_minutes, moved_by_role=excluded.moved_by_role, "
                      "moved_at=excluded.moved_at");
  s.bind(1, pair_id);
  s.bind(2, meeting.number);
  s.bind(3, format_date(meeting.on));
  if (meeting.start_minutes) {
    s.bind(4, *meeting.start_minutes);
  } else {
    s.bind(4);
  }
  s.bind(5, meeting.moved_by_role);
  s.bind(6, at);
  s.exec();
}

SessionsStore::Escalation SessionsStore::pair_escalation(std::int64_t pair_id, Date due_on) {
  SQLite::Statement q(db_,
                      "SELECT reminded_on, flagged_on FROM pair_session_escalation "
                      "WHERE pair_id = ? AND due_on = ?");
  q.bind(1, pair_id);
  q.bind(2, format_date(due_on));
  if (!q.executeStep()) return {};
  return {optional_date(q.getColumn(0)), optional_date(q.getColumn(1))};
}

void SessionsStore::mark_pair_reminded(std::int64_t pair_id, Date due_on, Date on) {
  SQLite::Statement s(db_,
                      "INSERT INTO pair_session_escalation(pair_id, due_on, reminded_on) "
                      "VALUES (?,?,?) ON CONFLICT(pair_id, due_on) DO UPDATE SET "
                      "reminded_on=COALESCE(reminded_on, excluded.reminded_on)");
  s.bind(1, pair_id);
  s.bind(2, format_date(due_on));
  s.bind(3, format_date(on));
  s.exec();
}

void SessionsStore::mark_pair_flagged(std::int64_t pair_id, Date due_on, Date on) {
  SQLite::Statement s(db_,
                      "INSERT INTO pair_session_escalation(pair_id, due_on, flagged_on) "
                      "VALUES (?,?,?) ON CONFLICT(pair_id, due_on) DO UPDATE SET "
                      "flagged_on=COALESCE(flagged_on, excluded.flagged_on)");
  s.bind(1, pair_id);
  s.bind(2, format_date(due_on));
  s.bind(3, format_date(on));
  s.exec();
}

std::int64_t SessionsStore::record_circle_session(
    const std::string& programme_id, const std::string& mentor_id, Date held_on,
    const std::optional<std::string>& notes, const std::string& recorded_by_role,
    const std::vector<std::pair<std::string, bool>>& attendance, const std::string& at) {
  SQLite::Statement s(db_,
                      "INSERT INTO circle_session(programme_id, mentor_id, held_on, notes, "
                      "recorded_by_role, recorded_at) VALUES (?,?,?,?,?,?)");
  s.bind(1, programme_id);
  s.bind(2, mentor_id);
  s.bind(3, format_date(held_on));
  bind_optional(s, 4, notes);
  s.bind(5, recorded_by_role);
  s.bind(6, at);
  s.exec();
  const std::int64_t id = db_.getLastInsertRowid();
  SQLite::Statement a(db_,
                      "INSERT INTO circle_attendance(session_id, mentee_id, attended) "
                      "VALUES (?,?,?)");
  for (const auto& [mentee, attended] : attendance) {
    a.reset();
    a.bind(1, id);
    a.bind(2, mentee);
    a.bind(3, attended ? 1 : 0);
    a.exec();
  }
  return id;
}

std::vector<SessionsStore::CircleSession> SessionsStore::circle_sessions(
    const std::string& programme_id, const std::string& mentor_id) {
  SQLite::Statement q(db_,
                      "SELECT id, held_on, notes, recorded_by_role FROM circle_session "
                      "WHERE programme_id = ? AND mentor_id = ? ORDER BY held_on, id");
  q.bind(1, programme_id);
  q.bind(2, mentor_id);
  std::vector<CircleSession> out;
  while (q.executeStep()) {
    out.push_back({q.getColumn(0).getInt64(),
                   required_date(q.getColumn(1)),
                   optional_text(q.getColumn(2)),
                   q.getColumn(3).getString(),
                   {}});
  }
  SQLite::Statement a(db_,
                      "SELECT mentee_id, attended FROM circle_attendance WHERE session_id = ? "
                      "ORDER BY mentee_id");
  for (auto& session : out) {
    a.reset();
    a.bind(1, session.id);
    while (a.executeStep()) {
      session.attendance.emplace_back(a.getColumn(0).getString(), a.getColumn(1).getInt() != 0);
    }
  }
  return out;
}

std::optional<int> SessionsStore::circle_cadence(const std::string& programme_id,
                                                 const std::string& mentor_id) {
  SQLite::Statement q(db_,
                      "SELECT every_weeks FROM circle_cadence WHERE programme_id = ? AND "
                      "mentor_id = ?");
  q.bind(1, programme_id);
  q.bind(2, mentor_id);
  if (!q.executeStep()) return std::nullopt;
  return q.getColumn(0).getInt();
}

void SessionsStore::set_circle_cadence(const std::string& programme_id,
                                       const std::string& mentor_id, int every_weeks,
                                       const std::string& at) {
  SQLite::Statement s(db_,
                      "INSERT INTO circle_cadence(programme_id, mentor_id, every_weeks, set_at) "
                      "VALUES (?,?,?,?) ON CONFLICT(programme_id, mentor_id) DO UPDATE SET "
                      "every_weeks=excluded.every_weeks, set_at=excluded.set_at");
  s.bind(1, programme_id);
  s.bind(2, mentor_id);
  s.bind(3, every_weeks);
  s.bind(4, at);
  s.exec();
}

SessionsStore::Escalation SessionsStore::circle_escalation(const std::string& programme_id,
                                                           const std::string& mentor_id,
                                                           Date due_on) {
  SQLite::Statement q(db_,
                      "SELECT reminded_on, flagged_on FROM circle_escalation "
                      "WHERE programme_id = ? AND mentor_id = ? AND due_on = ?");
  q.bind(1, programme_id);
  q.bind(2, mentor_id);
  q.bind(3, format_date(due_on));
  if (!q.executeStep()) return {};
  return {optional_date(q.getColumn(0)), optional_date(q.getColumn(1))};
}

void SessionsStore::mark_circle_reminded(const std::string& programme_id,
                                         const std::string& mentor_id, Date due_on, Date on) {
  SQLite::Statement s(db_,
                      "INSERT INTO circle_escalation(programme_id, mentor_id, due_on, reminded_on) "
                      "VALUES (?,?,?,?) ON CONFLICT(programme_id, mentor_id, due_on) DO UPDATE "
                      "SET reminded_on=COALESCE(reminded_on, excluded.reminded_on)");
  s.bind(1, programme_id);
  s.bind(2, mentor_id);
  s.bind(3, format_date(due_on));
  s.bind(4, format_date(on));
  s.exec();
}

void SessionsStore::mark_circle_flagged(const std::string& programme_id,
                                        const std::string& mentor_id, Date due_on, Date on) {
  SQLite::Statement s(db_,
                      "INSERT INTO circle_escalation(programme_id, mentor_id, due_on, flagged_on) "
                      "VALUES (?,?,?,?) ON CONFLICT(programme_id, mentor_id, due_on) DO UPDATE "
                      "SET flagged_on=COALESCE(flagged_on, excluded.flagged_on)");
  s.bind(1, programme_id);
  s.bind(2, mentor_id);
  s.bind(3, format_date(due_on));
  s.bind(4, format_date(on));
  s.exec();
}

}  // namespace mentoring::store
