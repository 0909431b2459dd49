#include <mentoring/store/sessions_repository.hpp>

#include "columns.hpp"

#include <SQLiteCpp/VariadicBind.h>

namespace mentoring::store {

using namespace columns;
using namespace mentoring::domain;

namespace {

// Columns: id, group_id, programme_id, group number, number, held_on.
SessionsRepository::SupervisionSession read_supervision_session(SQLite::Statement& q) {
  return {q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getString(),
          q.getColumn(3).getInt(),   q.getColumn(4).getInt(),   required_date(q.getColumn(5))};
}

// Columns: reminded_on, flagged_on; no row: neither yet.
SessionsRepository::Escalation read_escalation(SQLite::Statement& q) {
  if (!q.executeStep()) return {};
  return {optional_date(q.getColumn(0)), optional_date(q.getColumn(1))};
}

std::optional<int> read_cadence(SQLite::Statement& q) {
  if (!q.executeStep()) return std::nullopt;
  return q.getColumn(0).getInt();
}

}  // namespace

// --- kick-off -----------------------------------------------------------------------

std::optional<SessionsRepository::Kickoff> SqliteSessionsRepository::kickoff(
    const std::string& programme_id) {
  SQLite::Statement& q = session_.prepared(
      "SELECT held_on, start_minutes, duration_minutes, location, cancelled "
      "FROM kickoff WHERE programme_id = ?");
  SQLite::bind(q, programme_id);
  if (!q.executeStep()) return std::nullopt;
  return Kickoff{programme_id,
                 required_date(q.getColumn(0)),
                 q.getColumn(1).getInt(),
                 q.getColumn(2).getInt(),
                 optional_text(q.getColumn(3)),
                 q.getColumn(4).getInt() != 0};
}

void SqliteSessionsRepository::save_kickoff(const Kickoff& k, const std::string& at) {
  SQLite::Statement& s = session_.prepared(
      "INSERT INTO kickoff(programme_id, held_on, start_minutes, duration_minutes, "
      "location, cancelled, updated_at) VALUES (?,?,?,?,?,?,?) "
      "ON CONFLICT(programme_id) DO UPDATE SET held_on=excluded.held_on, "
      "start_minutes=excluded.start_minutes, duration_minutes=excluded.duration_minutes, "
      "location=excluded.location, cancelled=excluded.cancelled, "
      "updated_at=excluded.updated_at");
  SQLite::bind(s, k.programme_id, format_date(k.on), k.start_minutes, k.duration_minutes);
  bind_optional(s, 5, k.location);
  s.bind(6, k.cancelled ? 1 : 0);
  s.bind(7, at);
  s.exec();
}

void SqliteSessionsRepository::set_kickoff_attendance(const std::string& programme_id,
                                                      const std::string& person_id,
                                                      const std::string& status,
                                                      const std::string& at) {
  SQLite::Statement& s = session_.prepared(
      "INSERT INTO kickoff_attendance(programme_id, person_id, status, recorded_at) "
      "VALUES (?,?,?,?) ON CONFLICT(programme_id, person_id) DO UPDATE SET "
      "status=excluded.status, recorded_at=excluded.recorded_at");
  SQLite::bind(s, programme_id, person_id, status, at);
  s.exec();
}

std::vector<std::pair<std::string, std::string>> SqliteSessionsRepository::kickoff_attendance(
    const std::string& programme_id) {
  SQLite::Statement& q = session_.prepared(
      "SELECT person_id, status FROM kickoff_attendance WHERE programme_id = ? "
      "ORDER BY person_id");
  SQLite::bind(q, programme_id);
  std::vector<std::pair<std::string, std::string>> out;
  while (q.executeStep()) out.emplace_back(q.getColumn(0).getString(), q.getColumn(1).getString());
  return out;
}

void SqliteSessionsRepository::save_kickoff_note(const KickoffNote& note, const std::string& at) {
  SQLite::Statement& s = session_.prepared(
      "INSERT INTO kickoff_note(programme_id, mentor_id, note, written_at) "
      "VALUES (?,?,?,?) ON CONFLICT(programme_id, mentor_id) DO UPDATE SET "
      "note=excluded.note, written_at=excluded.written_at");
  SQLite::bind(s, note.programme_id, note.mentor_id, note.note, at);
  s.exec();
}

std::vector<SessionsRepository::KickoffNote> SqliteSessionsRepository::kickoff_notes(
    const std::string& programme_id) {
  SQLite::Statement& q = session_.prepared(
      "SELECT mentor_id, note FROM kickoff_note WHERE programme_id = ? ORDER BY mentor_id");
  SQLite::bind(q, programme_id);
  std::vector<KickoffNote> out;
  while (q.executeStep())
    out.push_back({programme_id, q.getColumn(0).getString(), q.getColumn(1).getString()});
  return out;
}

// --- group supervision --------------------------------------------------------------

std::vector<SessionsRepository::Group> SqliteSessionsRepository::supervision_groups(
    const std::string& programme_id) {
  SQLite::Statement& q = session_.prepared(
      "SELECT id, number, starts_on FROM supervision_group WHERE programme_id = ? "
      "ORDER BY number");
  SQLite::bind(q, programme_id);
  std::vector<Group> out;
  while (q.executeStep())
    out.push_back(
        {q.getColumn(0).getInt64(), q.getColumn(1).getInt(), required_date(q.getColumn(2)), {}});
  // After the groups' rows are read: a cached statement is not nested inside another's.
  for (auto& group : out) {
    SQLite::Statement& members = session_.prepared(
        "SELECT person_id, first_paired_on FROM supervision_member "
        "WHERE group_id = ? ORDER BY first_paired_on, person_id");
    SQLite::bind(members, group.id);
    while (members.executeStep())
      group.members.emplace_back(members.getColumn(0).getString(),
                                 required_date(members.getColumn(1)));
  }
  return out;
}

std::int64_t SqliteSessionsRepository::add_supervision_group(const std::string& programme_id,
                                                             int number, Date starts_on) {
  SQLite::Statement& s = session_.prepared(
      "INSERT INTO supervision_group(programme_id, number, starts_on) VALUES (?,?,?)");
  SQLite::bind(s, programme_id, number, format_date(starts_on));
  s.exec();
  return session_.database().getLastInsertRowid();
}

void SqliteSessionsRepository::add_supervision_member(std::int64_t group_id,
                                                      const std::string& programme_id,
                                                      const std::string& person_id,
                                                      Date first_paired_on) {
  SQLite::Statement& s = session_.prepared(
      "INSERT INTO supervision_member(group_id, programme_id, person_id, first_paired_on) "
      "VALUES (?,?,?,?)");
  SQLite::bind(s, group_id, programme_id, person_id, format_date(first_paired_on));
  s.exec();
}

std::int64_t SqliteSessionsRepository::upsert_supervision_session(std::int64_t group_id, int number,
                                                                  Date on) {
  SQLite::Statement& s = session_.prepared(
      "INSERT INTO supervision_session(group_id, number, held_on) VALUES (?,?,?) "
      "ON CONFLICT(group_id, number) DO UPDATE SET held_on=excluded.held_on");
  SQLite::bind(s, group_id, number, format_date(on));
  s.exec();
  // A moved session keeps its row, so last_insert_rowid() would not name it.
  SQLite::Statement& q =
      session_.prepared("SELECT id FROM supervision_session WHERE group_id = ? AND number = ?");
  SQLite::bind(q, group_id, number);
  q.executeStep();
  return q.getColumn(0).getInt64();
}

std::vector<SessionsRepository::SupervisionSession> SqliteSessionsRepository::supervision_sessions(
    const std::string& programme_id) {
  SQLite::Statement& q = session_.prepared(
      "SELECT s.id, s.group_id, g.programme_id, g.number, s.number, s.held_on "
      "FROM supervision_session s JOIN supervision_group g ON g.id = s.group_id "
      "WHERE g.programme_id = ? ORDER BY g.number, s.number");
  SQLite::bind(q, programme_id);
  std::vector<SupervisionSession> out;
  while (q.executeStep()) out.push_back(read_supervision_session(q));
  return out;
}

std::optional<SessionsRepository::SupervisionSession> SqliteSessionsRepository::supervision_session(
    std::int64_t id) {
  SQLite::Statement& q = session_.prepared(
      "SELECT s.id, s.group_id, g.programme_id, g.number, s.number, s.held_on "
      "FROM supervision_session s JOIN supervision_group g ON g.id = s.group_id "
      "WHERE s.id = ?");
  SQLite::bind(q, id);
  if (!q.executeStep()) return std::nullopt;
  return read_supervision_session(q);
}

bool SqliteSessionsRepository::is_supervision_member(std::int64_t group_id,
                                                     const std::string& person_id) {
  SQLite::Statement& q =
      session_.prepared("SELECT 1 FROM supervision_member WHERE group_id = ? AND person_id = ?");
  SQLite::bind(q, group_id, person_id);
  return q.executeStep();
}

void SqliteSessionsRepository::record_supervision_attendance(std::int64_t session_id,
                                                             const std::string& person_id,
                                                             bool attended, const std::string& at) {
  SQLite::Statement& s = session_.prepared(
      "INSERT INTO supervision_attendance(session_id, person_id, attended, recorded_at) "
      "VALUES (?,?,?,?) ON CONFLICT(session_id, person_id) DO UPDATE "
      "SET attended=excluded.attended, recorded_at=excluded.recorded_at");
  SQLite::bind(s, session_id, person_id, attended ? 1 : 0, at);
  s.exec();
}

std::vector<SessionsRepository::Attendance> SqliteSessionsRepository::supervision_attendance(
    const std::string& programme_id) {
  SQLite::Statement& q = session_.prepared(
      "SELECT a.session_id, a.person_id, a.attended FROM supervision_attendance a "
      "JOIN supervision_session s ON s.id = a.session_id "
      "JOIN supervision_group g ON g.id = s.group_id WHERE g.programme_id = ? "
      "ORDER BY a.person_id, s.held_on");
  SQLite::bind(q, programme_id);
  std::vector<Attendance> out;
  while (q.executeStep())
    out.push_back(
        {q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getInt() != 0});
  return out;
}

// --- the pairs' own sessions --------------------------------------------------------

std::optional<int> SqliteSessionsRepository::pair_cadence(std::int64_t pair_id) {
  SQLite::Statement& q =
      session_.prepared("SELECT every_weeks FROM pair_cadence WHERE pair_id = ?");
  SQLite::bind(q, pair_id);
  return read_cadence(q);
}

void SqliteSessionsRepository::set_pair_cadence(std::int64_t pair_id, int every_weeks,
                                                const std::string& at) {
  SQLite::Statement& s = session_.prepared(
      "INSERT INTO pair_cadence(pair_id, every_weeks, set_at) VALUES (?,?,?) "
      "ON CONFLICT(pair_id) DO UPDATE SET every_weeks=excluded.every_weeks, "
      "set_at=excluded.set_at");
  SQLite::bind(s, pair_id, every_weeks, at);
  s.exec();
}

std::int64_t SqliteSessionsRepository::record_pair_session(std::int64_t pair_id, Date held_on,
                                                           const std::optional<std::string>& notes,
                                                           const std::string& recorded_by_role,
                                                           const std::string& at) {
  SQLite::Statement& s = session_.prepared(
      "INSERT INTO pair_session(pair_id, held_on, notes, recorded_by_role, recorded_at) "
      "VALUES (?,?,?,?,?)");
  SQLite::bind(s, pair_id, format_date(held_on));
  bind_optional(s, 3, notes);
  s.bind(4, recorded_by_role);
  s.bind(5, at);
  s.exec();
  return session_.database().getLastInsertRowid();
}

std::vector<SessionsRepository::PairSession> SqliteSessionsRepository::pair_sessions(
    std::int64_t pair_id) {
  SQLite::Statement& q = session_.prepared(
      "SELECT id, held_on, notes, recorded_by_role, recorded_at FROM pair_session "
      "WHERE pair_id = ? ORDER BY held_on, id");
  SQLite::bind(q, pair_id);
  std::vector<PairSession> out;
  while (q.executeStep())
    out.push_back({q.getColumn(0).getInt64(), pair_id, required_date(q.getColumn(1)),
                   optional_text(q.getColumn(2)), q.getColumn(3).getString(),
                   q.getColumn(4).getString()});
  return out;
}

std::vector<Date> SqliteSessionsRepository::pair_session_dates(std::int64_t pair_id) {
  SQLite::Statement& q =
      session_.prepared("SELECT held_on FROM pair_session WHERE pair_id = ? ORDER BY held_on");
  SQLite::bind(q, pair_id);
  std::vector<Date> out;
  while (q.executeStep()) out.push_back(required_date(q.getColumn(0)));
  return out;
}

std::optional<SessionsRepository::NextMeeting> SqliteSessionsRepository::pair_next_meeting(
    std::int64_t pair_id) {
  SQLite::Statement& q = session_.prepared(
      "SELECT number, on_date, start_minutes, moved_by_role FROM pair_next_meeting "
      "WHERE pair_id = ?");
  SQLite::bind(q, pair_id);
  if (!q.executeStep()) return std::nullopt;
  NextMeeting meeting;
  meeting.number = q.getColumn(0).getInt();
  meeting.on = required_date(q.getColumn(1));
  if (!q.getColumn(2).isNull()) meeting.start_minutes = q.getColumn(2).getInt();
  meeting.moved_by_role = q.getColumn(3).getString();
  return meeting;
}

void SqliteSessionsRepository::set_pair_next_meeting(std::int64_t pair_id,
                                                     const NextMeeting& meeting,
                                                     const std::string& at) {
  SQLite::Statement& s = session_.prepared(
      "INSERT INTO pair_next_meeting(pair_id, number, on_date, start_minutes, "
      "moved_by_role, moved_at) VALUES (?,?,?,?,?,?) ON CONFLICT(pair_id) DO "
      "UPDATE SET number=excluded.number, on_date=excluded.on_date, "
      "start_minutes=excluded.start_minutes, moved_by_role=excluded.moved_by_role, "
      "moved_at=excluded.moved_at");
  SQLite::bind(s, pair_id, meeting.number, format_date(meeting.on));
  if (meeting.start_minutes) s.bind(4, *meeting.start_minutes);  // unbound: NULL
  s.bind(5, meeting.moved_by_role);
  s.bind(6, at);
  s.exec();
}

SessionsRepository::Escalation SqliteSessionsRepository::pair_escalation(std::int64_t pair_id,
                                                                         Date due_on) {
  SQLite::Statement& q = session_.prepared(
      "SELECT reminded_on, flagged_on FROM pair_session_escalation "
      "WHERE pair_id = ? AND due_on = ?");
  SQLite::bind(q, pair_id, format_date(due_on));
  return read_escalation(q);
}

void SqliteSessionsRepository::mark_pair_reminded(std::int64_t pair_id, Date due_on, Date on) {
  SQLite::Statement& s = session_.prepared(
      "INSERT INTO pair_session_escalation(pair_id, due_on, reminded_on) "
      "VALUES (?,?,?) ON CONFLICT(pair_id, due_on) DO UPDATE SET "
      "reminded_on=COALESCE(reminded_on, excluded.reminded_on)");
  SQLite::bind(s, pair_id, format_date(due_on), format_date(on));
  s.exec();
}

void SqliteSessionsRepository::mark_pair_flagged(std::int64_t pair_id, Date due_on, Date on) {
  SQLite::Statement& s = session_.prepared(
      "INSERT INTO pair_session_escalation(pair_id, due_on, flagged_on) "
      "VALUES (?,?,?) ON CONFLICT(pair_id, due_on) DO UPDATE SET "
      "flagged_on=COALESCE(flagged_on, excluded.flagged_on)");
  SQLite::bind(s, pair_id, format_date(due_on), format_date(on));
  s.exec();
}

// --- mentoring circles ----------------------------------------------------------------

std::int64_t SqliteSessionsRepository::record_circle_session(
    const std::string& programme_id, const std::string& mentor_id, Date held_on,
    const std::optional<std::string>& notes, const std::string& recorded_by_role,
    const std::vector<std::pair<std::string, bool>>& attendance, const std::string& at) {
  SQLite::Statement& s = session_.prepared(
      "INSERT INTO circle_session(programme_id, mentor_id, held_on, notes, "
      "recorded_by_role, recorded_at) VALUES (?,?,?,?,?,?)");
  SQLite::bind(s, programme_id, mentor_id, format_date(held_on));
  bind_optional(s, 4, notes);
  s.bind(5, recorded_by_role);
  s.bind(6, at);
  s.exec();
  const std::int64_t id = session_.database().getLastInsertRowid();
  for (const auto& [mentee, attended] : attendance) {
    SQLite::Statement& a = session_.prepared(
        "INSERT INTO circle_attendance(session_id, mentee_id, attended) VALUES (?,?,?)");
    SQLite::bind(a, id, mentee, attended ? 1 : 0);
    a.exec();
  }
  return id;
}

std::vector<SessionsRepository::CircleSession> SqliteSessionsRepository::circle_sessions(
    const std::string& programme_id, const std::string& mentor_id) {
  SQLite::Statement& q = session_.prepared(
      "SELECT id, held_on, notes, recorded_by_role FROM circle_session "
      "WHERE programme_id = ? AND mentor_id = ? ORDER BY held_on, id");
  SQLite::bind(q, programme_id, mentor_id);
  std::vector<CircleSession> out;
  while (q.executeStep())
    out.push_back({q.getColumn(0).getInt64(),
                   required_date(q.getColumn(1)),
                   optional_text(q.getColumn(2)),
                   q.getColumn(3).getString(),
                   {}});
  // After the sessions' rows are read: a cached statement is not nested inside another's.
  for (auto& session : out) {
    SQLite::Statement& a = session_.prepared(
        "SELECT mentee_id, attended FROM circle_attendance WHERE session_id = ? "
        "ORDER BY mentee_id");
    SQLite::bind(a, session.id);
    while (a.executeStep())
      session.attendance.emplace_back(a.getColumn(0).getString(), a.getColumn(1).getInt() != 0);
  }
  return out;
}

std::optional<int> SqliteSessionsRepository::circle_cadence(const std::string& programme_id,
                                                            const std::string& mentor_id) {
  SQLite::Statement& q = session_.prepared(
      "SELECT every_weeks FROM circle_cadence WHERE programme_id = ? AND mentor_id = ?");
  SQLite::bind(q, programme_id, mentor_id);
  return read_cadence(q);
}

void SqliteSessionsRepository::set_circle_cadence(const std::string& programme_id,
                                                  const std::string& mentor_id, int every_weeks,
                                                  const std::string& at) {
  SQLite::Statement& s = session_.prepared(
      "INSERT INTO circle_cadence(programme_id, mentor_id, every_weeks, set_at) "
      "VALUES (?,?,?,?) ON CONFLICT(programme_id, mentor_id) DO UPDATE SET "
      "every_weeks=excluded.every_weeks, set_at=excluded.set_at");
  SQLite::bind(s, programme_id, mentor_id, every_weeks, at);
  s.exec();
}

SessionsRepository::Escalation SqliteSessionsRepository::circle_escalation(
    const std::string& programme_id, const std::string& mentor_id, Date due_on) {
  SQLite::Statement& q = session_.prepared(
      "SELECT reminded_on, flagged_on FROM circle_escalation "
      "WHERE programme_id = ? AND mentor_id = ? AND due_on = ?");
  SQLite::bind(q, programme_id, mentor_id, format_date(due_on));
  return read_escalation(q);
}

void SqliteSessionsRepository::mark_circle_reminded(const std::string& programme_id,
                                                    const std::string& mentor_id, Date due_on,
                                                    Date on) {
  SQLite::Statement& s = session_.prepared(
      "INSERT INTO circle_escalation(programme_id, mentor_id, due_on, reminded_on) "
      "VALUES (?,?,?,?) ON CONFLICT(programme_id, mentor_id, due_on) DO UPDATE "
      "SET reminded_on=COALESCE(reminded_on, excluded.reminded_on)");
  SQLite::bind(s, programme_id, mentor_id, format_date(due_on), format_date(on));
  s.exec();
}

void SqliteSessionsRepository::mark_circle_flagged(const std::string& programme_id,
                                                   const std::string& mentor_id, Date due_on,
                                                   Date on) {
  SQLite::Statement& s = session_.prepared(
      "INSERT INTO circle_escalation(programme_id, mentor_id, due_on, flagged_on) "
      "VALUES (?,?,?,?) ON CONFLICT(programme_id, mentor_id, due_on) DO UPDATE "
      "SET flagged_on=COALESCE(flagged_on, excluded.flagged_on)");
  SQLite::bind(s, programme_id, mentor_id, format_date(due_on), format_date(on));
  s.exec();
}

}  // namespace mentoring::store
