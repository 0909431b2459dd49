// mentoring/store/postgres/sessions_repository.hpp — the sessions people meet in, on the
// shared store: SessionsRepository (mentoring/store/sessions_repository.hpp) over the
// kick-off, supervision, pair session and circle tables.
//
// Ids (supervision groups and sessions, pair and circle sessions) come from each table's
// identity sequence, shared by every organisation: unique within one, not consecutive.
// Borrows the session, which must outlive it. Not thread-safe (the session is not).
#pragma once

#include <mentoring/store/postgres/org_session.hpp>
#include <mentoring/store/sessions_repository.hpp>

namespace mentoring::store::postgres {

class PostgresSessionsRepository final : public SessionsRepository {
 public:
  explicit PostgresSessionsRepository(OrgSession& session);

  std::optional<Kickoff> kickoff(const std::string& programme_id) override;
  void save_kickoff(const Kickoff& kickoff, const std::string& at) override;
  void set_kickoff_attendance(const std::string& programme_id, const std::string& person_id,
                              const std::string& status, const std::string& at) override;
  std::vector<std::pair<std::string, std::string>> kickoff_attendance(
      const std::string& programme_id) override;
  void save_kickoff_note(const KickoffNote& note, const std::string& at) override;
  std::vector<KickoffNote> kickoff_notes(const std::string& programme_id) override;

  std::vector<Group> supervision_groups(const std::string& programme_id) override;
  std::int64_t add_supervision_group(const std::string& programme_id, int number,
                                     domain::Date starts_on) override;
  void add_supervision_member(std::int64_t group_id, const std::string& programme_id,
                              const std::string& person_id, domain::Date first_paired_on) override;
  std::int64_t upsert_supervision_session(std::int64_t group_id, int number,
                                          domain::Date on) override;
  std::vector<SupervisionSession> supervision_sessions(const std::string& programme_id) override;
  std::optional<SupervisionSession> supervision_session(std::int64_t id) override;
  bool is_supervision_member(std::int64_t group_id, const std::string& person_id) override;
  void record_supervision_attendance(std::int64_t session_id, const std::string& person_id,
                                     bool attended, const std::string& at) override;
  std::vector<Attendance> supervision_attendance(const std::string& programme_id) override;

  std::optional<int> pair_cadence(std::int64_t pair_id) override;
  void set_pair_cadence(std::int64_t pair_id, int every_weeks, const std::string& at) override;
  std::int64_t record_pair_session(std::int64_t pair_id, domain::Date held_on,
                                   const std::optional<std::string>& notes,
                                   const std::string& recorded_by_role,
                                   const std::string& at) override;
  std::vector<PairSession> pair_sessions(std::int64_t pair_id) override;
  std::vector<domain::Date> pair_session_dates(std::int64_t pair_id) override;
  std::optional<NextMeeting> pair_next_meeting(std::int64_t pair_id) override;
  void set_pair_next_meeting(std::int64_t pair_id, const NextMeeting& meeting,
                             const std::string& at) override;
  Escalation pair_escalation(std::int64_t pair_id, domain::Date due_on) override;
  void mark_pair_reminded(std::int64_t pair_id, domain::Date due_on, domain::Date on) override;
  void mark_pair_flagged(std::int64_t pair_id, domain::Date due_on, domain::Date on) override;

  std::int64_t record_circle_session(const std::string& programme_id, const std::string& mentor_id,
                                     domain::Date held_on, const std::optional<std::string>& notes,
                                     const std::string& recorded_by_role,
                                     const std::vector<std::pair<std::string, bool>>& attendance,
                                     const std::string& at) override;
  std::vector<CircleSession> circle_sessions(const std::string& programme_id,
                                             const std::string& mentor_id) override;
  std::optional<int> circle_cadence(const std::string& programme_id,
                                    const std::string& mentor_id) override;
  void set_circle_cadence(const std::string& programme_id, const std::string& mentor_id,
                          int every_weeks, const std::string& at) override;
  Escalation circle_escalation(const std::string& programme_id, const std::string& mentor_id,
                               domain::Date due_on) override;
  void mark_circle_reminded(const std::string& programme_id, const std::string& mentor_id,
                            domain::Date due_on, domain::Date on) override;
  void mark_circle_flagged(const std::string& programme_id, const std::string& mentor_id,
                           domain::Date due_on, domain::Date on) override;

 private:
  OrgSession& session_;
};

}  // namespace mentoring::store::postgres
