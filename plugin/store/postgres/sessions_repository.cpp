#include <mentoring/store/postgres/sessions_repository.hpp>

#include "values.hpp"

#include <pqxx/pqxx>

namespace mentoring::store::postgres {

using namespace mentoring::domain;
using namespace values;

namespace {

// Columns: id, group_id, programme_id, group number, number, held_on.
SessionsRepository::SupervisionSession read_supervision_session(const pqxx::row& row) {
  return {row[0].as<std::int64_t>(), row[1].as<std::int64_t>(), row[2].as<std::string>(),
          row[3].as<int>(),          row[4].as<int>(),          required_date(row[5])};
}

// Columns: reminded_on, flagged_on; no row: neither yet.
SessionsRepository::Escalation read_escalation(const pqxx::result& result) {
  if (result.empty()) return {};
  return {optional_date(result[0][0]), optional_date(result[0][1])};
}

std::optional<int> read_cadence(const pqxx::result& result) {
  if (result.empty()) return std::nullopt;
  return result[0][0].as<int>();
}

}  // namespace

PostgresSessionsRepository::PostgresSessionsRepository(OrgSession& session) : session_(session) {
  // --- kick-off
  session_.prepare("sessions.kickoff",
                   "SELECT held_on, start_minutes, duration_minutes, location, cancelled "
                   "FROM kickoff WHERE org_id = $1 AND programme_id = $2");
  session_.prepare("sessions.save_kickoff",
                   "INSERT INTO kickoff(org_id, programme_id, held_on, start_minutes, "
                   "duration_minutes, location, cancelled, updated_at) "
                   "VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT (org_id, programme_id) "
                   "DO UPDATE SET held_on = excluded.held_on, "
                   "start_minutes = excluded.start_minutes, "
                   "duration_minutes = excluded.duration_minutes, location = excluded.location, "
                   "cancelled = excluded.cancelled, updated_at = excluded.updated_at");
  session_.prepare("sessions.set_kickoff_attendance",
                   "INSERT INTO kickoff_attendance(org_id, programme_id, person_id, status, "
                   "recorded_at) VALUES ($1,$2,$3,$4,$5) "
                   "ON CONFLICT (org_id, programme_id, person_id) DO UPDATE SET "
                   "status = excluded.status, recorded_at = excluded.recorded_at");
  session_.prepare("sessions.kickoff_attendance",
                   "SELECT person_id, status FROM kickoff_attendance "
                   "WHERE org_id = $1 AND programme_id = $2 ORDER BY person_id");
  session_.prepare("sessions.save_kickoff_note",
                   "INSERT INTO kickoff_note(org_id, programme_id, mentor_id, note, written_at) "
                   "VALUES ($1,$2,$3,$4,$5) ON CONFLICT (org_id, programme_id, mentor_id) "
                   "DO UPDATE SET note = excluded.note, written_at = excluded.written_at");
  session_.prepare("sessions.kickoff_notes",
                   "SELECT mentor_id, note FROM kickoff_note "
                   "WHERE org_id = $1 AND programme_id = $2 ORDER BY mentor_id");
  // --- group supervision
  session_.prepare("sessions.supervision_groups",
                   "SELECT id, number, starts_on FROM supervision_group "
                   "WHERE org_id = $1 AND programme_id = $2 ORDER BY number");
  session_.prepare("sessions.supervision_members",
                   "SELECT person_id, first_paired_on FROM supervision_member "
                   "WHERE org_id = $1 AND group_id = $2 ORDER BY first_paired_on, person_id");
  session_.prepare("sessions.add_supervision_group",
                   "INSERT INTO supervision_group(org_id, programme_id, number, starts_on) "
                   "VALUES ($1,$2,$3,$4) RETURNING id");
  session_.prepare("sessions.add_supervision_member",
                   "INSERT INTO supervision_member(org_id, group_id, programme_id, person_id, "
                   "first_paired_on) VALUES ($1,$2,$3,$4,$5)");
  session_.prepare("sessions.upsert_supervision_session",
                   "INSERT INTO supervision_session(org_id, group_id, number, held_on) "
                   "VALUES ($1,$2,$3,$4) ON CONFLICT (org_id, group_id, number) "
                   "DO UPDATE SET held_on = excluded.held_on RETURNING id");
  session_.prepare("sessions.supervision_sessions",
                   "SELECT s.id, s.group_id, g.programme_id, g.number, s.number, s.held_on "
                   "FROM supervision_session s "
                   "JOIN supervision_group g ON g.org_id = s.org_id AND g.id = s.group_id "
                   "WHERE g.org_id = $1 AND g.programme_id = $2 ORDER BY g.number, s.number");
  session_.prepare("sessions.supervision_session",
                   "SELECT s.id, s.group_id, g.programme_id, g.number, s.number, s.held_on "
                   "FROM supervision_session s "
                   "JOIN supervision_group g ON g.org_id = s.org_id AND g.id = s.group_id "
                   "WHERE s.org_id = $1 AND s.id = $2");
  session_.prepare("sessions.is_supervision_member",
                   "SELECT 1 FROM supervision_member "
                   "WHERE org_id = $1 AND group_id = $2 AND person_id = $3");
  session_.prepare("sessions.record_supervision_attendance",
                   "INSERT INTO supervision_attendance(org_id, session_id, person_id, attended, "
                   "recorded_at) VALUES ($1,$2,$3,$4,$5) "
                   "ON CONFLICT (org_id, session_id, person_id) DO UPDATE "
                   "SET attended = excluded.attended, recorded_at = excluded.recorded_at");
  session_.prepare("sessions.supervision_attendance",
                   "SELECT a.session_id, a.person_id, a.attended FROM supervision_attendance a "
                   "JOIN supervision_session s ON s.org_id = a.org_id AND s.id = a.session_id "
                   "JOIN supervision_group g ON g.org_id = s.org_id AND g.id = s.group_id "
                   "WHERE g.org_id = $1 AND g.programme_id = $2 "
                   "ORDER BY a.person_id, s.held_on");
  // --- the pairs' own sessions
  session_.prepare("sessions.pair_cadence",
                   "SELECT every_weeks FROM pair_cadence WHERE org_id = $1 AND pair_id = $2");
  session_.prepare("sessions.set_pair_cadence",
                   "INSERT INTO pair_cadence(org_id, pair_id, every_weeks, set_at) "
                   "VALUES ($1,$2,$3,$4) ON CONFLICT (org_id, pair_id) DO UPDATE SET "
                   "every_weeks = excluded.every_weeks, set_at = excluded.set_at");
  session_.prepare("sessions.record_pair_session",
                   "INSERT INTO pair_session(org_id, pair_id, held_on, notes, recorded_by_role, "
                   "recorded_at) VALUES ($1,$2,$3,$4,$5,$6) RETURNING id");
  session_.prepare("sessions.pair_sessions",
                   "SELECT id, held_on, notes, recorded_by_role, recorded_at FROM pair_session "
                   "WHERE org_id = $1 AND pair_id = $2 ORDER BY held_on, id");
  session_.prepare("sessions.pair_session_dates",
                   "SELECT held_on FROM pair_session WHERE org_id = $1 AND pair_id = $2 "
                   "ORDER BY held_on");
  session_.prepare("sessions.pair_next_meeting",
                   "SELECT number, on_date, start_minutes, moved_by_role FROM pair_next_meeting "
                   "WHERE org_id = $1 AND pair_id = $2");
  session_.prepare("sessions.set_pair_next_meeting",
                   "INSERT INTO pair_next_meeting(org_id, pair_id, number, on_date, "
                   "start_minutes, moved_by_role, moved_at) VALUES ($1,$2,$3,$4,$5,$6,$7) "
                   "ON CONFLICT (org_id, pair_id) DO UPDATE SET number = excluded.number, "
                   "on_date = excluded.on_date, start_minutes = excluded.start_minutes, "
                   "moved_by_role = excluded.moved_by_role, moved_at = excluded.moved_at");
  session_.prepare("sessions.pair_escalation",
                   "SELECT reminded_on, flagged_on FROM pair_session_escalation "
                   "WHERE org_id = $1 AND pair_id = $2 AND due_on = $3");
  session_.prepare("sessions.mark_pair_reminded",
                   "INSERT INTO pair_session_escalation AS e(org_id, pair_id, due_on, "
                   "reminded_on) VALUES ($1,$2,$3,$4) ON CONFLICT (org_id, pair_id, due_on) "
                   "DO UPDATE SET reminded_on = COALESCE(e.reminded_on, excluded.reminded_on)");
  session_.prepare("sessions.mark_pair_flagged",
                   "INSERT INTO pair_session_escalation AS e(org_id, pair_id, due_on, "
                   "flagged_on) VALUES ($1,$2,$3,$4) ON CONFLICT (org_id, pair_id, due_on) "
                   "DO UPDATE SET flagged_on = COALESCE(e.flagged_on, excluded.flagged_on)");
  // --- mentoring circles
  session_.prepare("sessions.record_circle_session",
                   "INSERT INTO circle_session(org_id, programme_id, mentor_id, held_on, notes, "
                   "recorded_by_role, recorded_at) VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id");
  session_.prepare("sessions.record_circle_attendance",
                   "INSERT INTO circle_attendance(org_id, session_id, mentee_id, attended) "
                   "VALUES ($1,$2,$3,$4)");
  session_.prepare("sessions.circle_sessions",
                   "SELECT id, held_on, notes, recorded_by_role FROM circle_session "
                   "WHERE org_id = $1 AND programme_id = $2 AND mentor_id = $3 "
                   "ORDER BY held_on, id");
  session_.prepare("sessions.circle_attendance",
                   "SELECT mentee_id, attended FROM circle_attendance "
                   "WHERE org_id = $1 AND session_id = $2 ORDER BY mentee_id");
  session_.prepare("sessions.circle_cadence",
                   "SELECT every_weeks FROM circle_cadence "
                   "WHERE org_id = $1 AND programme_id = $2 AND mentor_id = $3");
  session_.prepare("sessions.set_circle_cadence",
                   "INSERT INTO circle_cadence(org_id, programme_id, mentor_id, every_weeks, "
                   "set_at) VALUES ($1,$2,$3,$4,$5) "
                   "ON CONFLICT (org_id, programme_id, mentor_id) DO UPDATE SET "
                   "every_weeks = excluded.every_weeks, set_at = excluded.set_at");
  session_.prepare("sessions.circle_escalation",
                   "SELECT reminded_on, flagged_on FROM circle_escalation "
                   "WHERE org_id = $1 AND programme_id = $2 AND mentor_id = $3 AND due_on = $4");
  session_.prepare("sessions.mark_circle_reminded",
                   "INSERT INTO circle_escalation AS e(org_id, programme_id, mentor_id, due_on, "
                   "reminded_on) VALUES ($1,$2,$3,$4,$5) "
                   "ON CONFLICT (org_id, programme_id, mentor_id, due_on) "
                   "DO UPDATE SET reminded_on = COALESCE(e.reminded_on, excluded.reminded_on)");
  session_.prepare("sessions.mark_circle_flagged",
                   "INSERT INTO circle_escalation AS e(org_id, programme_id, mentor_id, due_on, "
                   "flagged_on) VALUES ($1,$2,$3,$4,$5) "
                   "ON CONFLICT (org_id, programme_id, mentor_id, due_on) "
                   "DO UPDATE SET flagged_on = COALESCE(e.flagged_on, excluded.flagged_on)");
}

// --- kick-off -----------------------------------------------------------------------

std::optional<SessionsRepository::Kickoff> PostgresSessionsRepository::kickoff(
    const std::string& programme_id) {
  return session_.run("reading a kick-off", [&](pqxx::work& txn) -> std::optional<Kickoff> {
    auto result = txn.exec_prepared("sessions.kickoff", session_.org_id(), programme_id);
    if (result.empty()) return std::nullopt;
    const auto& row = result[0];
    return Kickoff{programme_id,     required_date(row[0]), row[1].as<int>(),
                   row[2].as<int>(), optional_text(row[3]), row[4].as<std::int64_t>() != 0};
  });
}

void PostgresSessionsRepository::save_kickoff(const Kickoff& k, const std::string& at) {
  session_.run("saving a kick-off", [&](pqxx::work& txn) {
    txn.exec_prepared("sessions.save_kickoff", session_.org_id(), k.programme_id, format_date(k.on),
                      k.start_minutes, k.duration_minutes, nullable(k.location),
                      k.cancelled ? 1 : 0, at);
  });
}

void PostgresSessionsRepository::set_kickoff_attendance(const std::string& programme_id,
                                                        const std::string& person_id,
                                                        const std::string& status,
                                                        const std::string& at) {
  session_.run("recording kick-off attendance", [&](pqxx::work& txn) {
    txn.exec_prepared("sessions.set_kickoff_attendance", session_.org_id(), programme_id, person_id,
                      status, at);
  });
}

std::vector<std::pair<std::string, std::string>> PostgresSessionsRepository::kickoff_attendance(
    const std::string& programme_id) {
  return session_.run("reading kick-off attendance", [&](pqxx::work& txn) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& row :
         txn.exec_prepared("sessions.kickoff_attendance", session_.org_id(), programme_id))
      out.emplace_back(row[0].as<std::string>(), row[1].as<std::string>());
    return out;
  });
}

void PostgresSessionsRepository::save_kickoff_note(const KickoffNote& note, const std::string& at) {
  session_.run("saving a kick-off note", [&](pqxx::work& txn) {
    txn.exec_prepared("sessions.save_kickoff_note", session_.org_id(), note.programme_id,
                      note.mentor_id, note.note, at);
  });
}

std::vector<SessionsRepository::KickoffNote> PostgresSessionsRepository::kickoff_notes(
    const std::string& programme_id) {
  return session_.run("reading kick-off notes", [&](pqxx::work& txn) {
    std::vector<KickoffNote> out;
    for (const auto& row :
         txn.exec_prepared("sessions.kickoff_notes", session_.org_id(), programme_id))
      out.push_back({programme_id, row[0].as<std::string>(), row[1].as<std::string>()});
    return out;
  });
}

// --- group supervision --------------------------------------------------------------

std::vector<SessionsRepository::Group> PostgresSessionsRepository::supervision_groups(
    const std::string& programme_id) {
  return session_.run("reading supervision groups", [&](pqxx::work& txn) {
    std::vector<Group> out;
    for (const auto& row :
         txn.exec_prepared("sessions.supervision_groups", session_.org_id(), programme_id))
      out.push_back({row[0].as<std::int64_t>(), row[1].as<int>(), required_date(row[2]), {}});
    for (auto& group : out) {
      for (const auto& row :
           txn.exec_prepared("sessions.supervision_members", session_.org_id(), group.id))
        group.members.emplace_back(row[0].as<std::string>(), required_date(row[1]));
    }
    return out;
  });
}

std::int64_t PostgresSessionsRepository::add_supervision_group(const std::string& programme_id,
                                                               int number, Date starts_on) {
  return session_.run("adding a supervision group", [&](pqxx::work& txn) {
    return txn
        .exec_prepared("sessions.add_supervision_group", session_.org_id(), programme_id, number,
                       format_date(starts_on))[0][0]
        .as<std::int64_t>();
  });
}

void PostgresSessionsRepository::add_supervision_member(std::int64_t group_id,
                                                        const std::string& programme_id,
                                                        const std::string& person_id,
                                                        Date first_paired_on) {
  session_.run("adding a supervision group member", [&](pqxx::work& txn) {
    txn.exec_prepared("sessions.add_supervision_member", session_.org_id(), group_id, programme_id,
                      person_id, format_date(first_paired_on));
  });
}

std::int64_t PostgresSessionsRepository::upsert_supervision_session(std::int64_t group_id,
                                                                    int number, Date on) {
  return session_.run("scheduling a supervision session", [&](pqxx::work& txn) {
    return txn
        .exec_prepared("sessions.upsert_supervision_session", session_.org_id(), group_id, number,
                       format_date(on))[0][0]
        .as<std::int64_t>();
  });
}

std::vector<SessionsRepository::SupervisionSession>
PostgresSessionsRepository::supervision_sessions(const std::string& programme_id) {
  return session_.run("reading supervision sessions", [&](pqxx::work& txn) {
    std::vector<SupervisionSession> out;
    for (const auto& row :
         txn.exec_prepared("sessions.supervision_sessions", session_.org_id(), programme_id))
      out.push_back(read_supervision_session(row));
    return out;
  });
}

std::optional<SessionsRepository::SupervisionSession>
PostgresSessionsRepository::supervision_session(std::int64_t id) {
  return session_.run(
      "reading a supervision session", [&](pqxx::work& txn) -> std::optional<SupervisionSession> {
        auto result = txn.exec_prepared("sessions.supervision_session", session_.org_id(), id);
        if (result.empty()) return std::nullopt;
        return read_supervision_session(result[0]);
      });
}

bool PostgresSessionsRepository::is_supervision_member(std::int64_t group_id,
                                                       const std::string& person_id) {
  return session_.run("looking a supervision group member up", [&](pqxx::work& txn) {
    return !txn.exec_prepared("sessions.is_supervision_member", session_.org_id(), group_id,
                              person_id)
                .empty();
  });
}

void PostgresSessionsRepository::record_supervision_attendance(std::int64_t session_id,
                                                               const std::string& person_id,
                                                               bool attended,
                                                               const std::string& at) {
  session_.run("recording supervision attendance", [&](pqxx::work& txn) {
    txn.exec_prepared("sessions.record_supervision_attendance", session_.org_id(), session_id,
                      person_id, attended ? 1 : 0, at);
  });
}

std::vector<SessionsRepository::Attendance> PostgresSessionsRepository::supervision_attendance(
    const std::string& programme_id) {
  return session_.run("reading supervision attendance", [&](pqxx::work& txn) {
    std::vector<Attendance> out;
    for (const auto& row :
         txn.exec_prepared("sessions.supervision_attendance", session_.org_id(), programme_id))
      out.push_back(
          {row[0].as<std::int64_t>(), row[1].as<std::string>(), row[2].as<std::int64_t>() != 0});
    return out;
  });
}

// --- the pairs' own sessions --------------------------------------------------------

std::optional<int> PostgresSessionsRepository::pair_cadence(std::int64_t pair_id) {
  return session_.run("reading a pair's cadence", [&](pqxx::work& txn) {
    return read_cadence(txn.exec_prepared("sessions.pair_cadence", session_.org_id(), pair_id));
  });
}

void PostgresSessionsRepository::set_pair_cadence(std::int64_t pair_id, int every_weeks,
                                                  const std::string& at) {
  session_.run("setting a pair's cadence", [&](pqxx::work& txn) {
    txn.exec_prepared("sessions.set_pair_cadence", session_.org_id(), pair_id, every_weeks, at);
  });
}

std::int64_t PostgresSessionsRepository::record_pair_session(
    std::int64_t pair_id, Date held_on, const std::optional<std::string>& notes,
    const std::string& recorded_by_role, const std::string& at) {
  return session_.run("recording a pair session", [&](pqxx::work& txn) {
    return txn
        .exec_prepared("sessions.record_pair_session", session_.org_id(), pair_id,
                       format_date(held_on), nullable(notes), recorded_by_role, at)[0][0]
        .as<std::int64_t>();
  });
}

std::vector<SessionsRepository::PairSession> PostgresSessionsRepository::pair_sessions(
    std::int64_t pair_id) {
  return session_.run("reading a pair's sessions", [&](pqxx::work& txn) {
    std::vector<PairSession> out;
    for (const auto& row : txn.exec_prepared("sessions.pair_sessions", session_.org_id(), pair_id))
      out.push_back({row[0].as<std::int64_t>(), pair_id, required_date(row[1]),
                     optional_text(row[2]), row[3].as<std::string>(), row[4].as<std::string>()});
    return out;
  });
}

std::vector<Date> PostgresSessionsRepository::pair_session_dates(std::int64_t pair_id) {
  return session_.run("reading a pair's session dates", [&](pqxx::work& txn) {
    std::vector<Date> out;
    for (const auto& row :
         txn.exec_prepared("sessions.pair_session_dates", session_.org_id(), pair_id))
      out.push_back(required_date(row[0]));
    return out;
  });
}

std::optional<SessionsRepository::NextMeeting> PostgresSessionsRepository::pair_next_meeting(
    std::int64_t pair_id) {
  return session_.run(
      "reading a pair's moved meeting", [&](pqxx::work& txn) -> std::optional<NextMeeting> {
        auto result = txn.exec_prepared("sessions.pair_next_meeting", session_.org_id(), pair_id);
        if (result.empty()) return std::nullopt;
        const auto& row = result[0];
        NextMeeting meeting;
        meeting.number = row[0].as<int>();
        meeting.on = required_date(row[1]);
        if (!row[2].is_null()) meeting.start_minutes = row[2].as<int>();
        meeting.moved_by_role = row[3].as<std::string>();
        return meeting;
      });
}

void PostgresSessionsRepository::set_pair_next_meeting(std::int64_t pair_id,
                                                       const NextMeeting& meeting,
                                                       const std::string& at) {
  const std::optional<std::string> start_minutes =
      meeting.start_minutes ? std::optional(std::to_string(*meeting.start_minutes)) : std::nullopt;
  session_.run("moving a pair's next meeting", [&](pqxx::work& txn) {
    txn.exec_prepared("sessions.set_pair_next_meeting", session_.org_id(), pair_id, meeting.number,
                      format_date(meeting.on), nullable(start_minutes), meeting.moved_by_role, at);
  });
}

SessionsRepository::Escalation PostgresSessionsRepository::pair_escalation(std::int64_t pair_id,
                                                                           Date due_on) {
  return session_.run("reading a pair's escalation", [&](pqxx::work& txn) {
    return read_escalation(txn.exec_prepared("sessions.pair_escalation", session_.org_id(), pair_id,
                                             format_date(due_on)));
  });
}

void PostgresSessionsRepository::mark_pair_reminded(std::int64_t pair_id, Date due_on, Date on) {
  session_.run("marking a pair reminded", [&](pqxx::work& txn) {
    txn.exec_prepared("sessions.mark_pair_reminded", session_.org_id(), pair_id,
                      format_date(due_on), format_date(on));
  });
}

void PostgresSessionsRepository::mark_pair_flagged(std::int64_t pair_id, Date due_on, Date on) {
  session_.run("marking a pair flagged", [&](pqxx::work& txn) {
    txn.exec_prepared("sessions.mark_pair_flagged", session_.org_id(), pair_id, format_date(due_on),
                      format_date(on));
  });
}

// --- mentoring circles ----------------------------------------------------------------

std::int64_t PostgresSessionsRepository::record_circle_session(
    const std::string& programme_id, const std::string& mentor_id, Date held_on,
    const std::optional<std::string>& notes, const std::string& recorded_by_role,
    const std::vector<std::pair<std::string, bool>>& attendance, const std::string& at) {
  return session_.run("recording a circle session", [&](pqxx::work& txn) {
    const auto id = txn.exec_prepared("sessions.record_circle_session", session_.org_id(),
                                      programme_id, mentor_id, format_date(held_on),
                                      nullable(notes), recorded_by_role, at)[0][0]
                        .as<std::int64_t>();
    for (const auto& [mentee, attended] : attendance)
      txn.exec_prepared("sessions.record_circle_attendance", session_.org_id(), id, mentee,
                        attended ? 1 : 0);
    return id;
  });
}

std::vector<SessionsRepository::CircleSession> PostgresSessionsRepository::circle_sessions(
    const std::string& programme_id, const std::string& mentor_id) {
  return session_.run("reading circle sessions", [&](pqxx::work& txn) {
    std::vector<CircleSession> out;
    for (const auto& row :
         txn.exec_prepared("sessions.circle_sessions", session_.org_id(), programme_id, mentor_id))
      out.push_back({row[0].as<std::int64_t>(),
                     required_date(row[1]),
                     optional_text(row[2]),
                     row[3].as<std::string>(),
                     {}});
    for (auto& session : out) {
      for (const auto& row :
           txn.exec_prepared("sessions.circle_attendance", session_.org_id(), session.id))
        session.attendance.emplace_back(row[0].as<std::string>(), row[1].as<std::int64_t>() != 0);
    }
    return out;
  });
}

std::optional<int> PostgresSessionsRepository::circle_cadence(const std::string& programme_id,
                                                              const std::string& mentor_id) {
  return session_.run("reading a circle's cadence", [&](pqxx::work& txn) {
    return read_cadence(
        txn.exec_prepared("sessions.circle_cadence", session_.org_id(), programme_id, mentor_id));
  });
}

void PostgresSessionsRepository::set_circle_cadence(const std::string& programme_id,
                                                    const std::string& mentor_id, int every_weeks,
                                                    const std::string& at) {
  session_.run("setting a circle's cadence", [&](pqxx::work& txn) {
    txn.exec_prepared("sessions.set_circle_cadence", session_.org_id(), programme_id, mentor_id,
                      every_weeks, at);
  });
}

SessionsRepository::Escalation PostgresSessionsRepository::circle_escalation(
    const std::string& programme_id, const std::string& mentor_id, Date due_on) {
  return session_.run("reading a circle's escalation", [&](pqxx::work& txn) {
    return read_escalation(txn.exec_prepared("sessions.circle_escalation", session_.org_id(),
                                             programme_id, mentor_id, format_date(due_on)));
  });
}

void PostgresSessionsRepository::mark_circle_reminded(const std::string& programme_id,
                                                      const std::string& mentor_id, Date due_on,
                                                      Date on) {
  session_.run("marking a circle reminded", [&](pqxx::work& txn) {
    txn.exec_prepared("sessions.mark_circle_reminded", session_.org_id(), programme_id, mentor_id,
                      format_date(due_on), format_date(on));
  });
}

void PostgresSessionsRepository::mark_circle_flagged(const std::string& programme_id,
                                                     const std::string& mentor_id, Date due_on,
                                                     Date on) {
  session_.run("marking a circle flagged", [&](pqxx::work& txn) {
    txn.exec_prepared("sessions.mark_circle_flagged", session_.org_id(), programme_id, mentor_id,
                      format_date(due_on), format_date(on));
  });
}

}  // namespace mentoring::store::postgres
