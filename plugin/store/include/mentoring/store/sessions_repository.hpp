// mentoring/store/sessions_repository.hpp — the sessions people meet in (issue 17: a
// repository per concept): the programme's kick-off with its attendance and the mentors'
// notes, group supervision (groups, members, sessions, attendance), the pairs' own sessions
// (cadence, sessions held, the next one as moved, reminders and flags when one is overdue)
// and the mentoring circles' meetings (attendance per mentee, cadence, escalation).
//
//   SqliteSessionsRepository sessions(org_store.session());
//   SQLite::Transaction txn(org_store.database());
//   sessions.record_pair_session(pair_id, held_on, notes, "mentee", now);
//   outbox.enqueue(...);                                   // same transaction
//   txn.commit();
//
// Session notes (a pair's, a circle's) are read only by pair_sessions() and
// circle_sessions(); callers decide who may see them, and pair_session_dates() serves
// reports that must never carry them. Reminders and flags are kept per due date and set
// once: marking again keeps the first day. A repository never begins a transaction: its
// calls join the session's. Borrows the session; not thread-safe (the session is not).
#pragma once

#include <mentoring/domain/date.hpp>
#include <mentoring/store/store_session.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mentoring::store {

class SessionsRepository {
 public:
  virtual ~SessionsRepository() = default;

  // --- kick-off (one per programme cohort) ---------------------------------------
  struct Kickoff {
    std::string programme_id;
    domain::Date on{};
    int start_minutes = 10 * 60;  // local time of day
    int duration_minutes = 120;
    std::optional<std::string> location;
    bool cancelled = false;
  };
  virtual std::optional<Kickoff> kickoff(const std::string& programme_id) = 0;
  // Replaces the programme's kick-off; `at` is when (ISO 8601), as in every write below.
  virtual void save_kickoff(const Kickoff& kickoff, const std::string& at) = 0;
  // status: attending | not_attending | attended | missed. The kick-off must be saved first.
  virtual void set_kickoff_attendance(const std::string& programme_id, const std::string& person_id,
                                      const std::string& status, const std::string& at) = 0;
  // (person, status) by person.
  virtual std::vector<std::pair<std::string, std::string>> kickoff_attendance(
      const std::string& programme_id) = 0;
  struct KickoffNote {
    std::string programme_id;
    std::string mentor_id;
    std::string note;  // a mentor's words for their mentee, who could not come
  };
  // Replaces the mentor's note for the programme.
  virtual void save_kickoff_note(const KickoffNote& note, const std::string& at) = 0;
  // By mentor.
  virtual std::vector<KickoffNote> kickoff_notes(const std::string& programme_id) = 0;

  // --- group supervision --------------------------------------------------------
  struct Group {
    std::int64_t id = 0;
    int number = 0;
    domain::Date starts_on{};
    std::vector<std::pair<std::string, domain::Date>> members;  // person, first pairing
  };
  // By number; each group's members by first pairing, then person.
  virtual std::vector<Group> supervision_groups(const std::string& programme_id) = 0;
  // Answers the new group's id; a number the programme has already is refused (throws).
  virtual std::int64_t add_supervision_group(const std::string& programme_id, int number,
                                             domain::Date starts_on) = 0;
  // A person is in one group per programme: a second is refused (throws).
  virtual void add_supervision_member(std::int64_t group_id, const std::string& programme_id,
                                      const std::string& person_id,
                                      domain::Date first_paired_on) = 0;

  struct SupervisionSession {
    std::int64_t id = 0;
    std::int64_t group_id = 0;
    std::string programme_id;
    int group_number = 0;
    int number = 0;
    domain::Date on{};
  };
  // Inserts the group's session `number` or moves it to `on`; answers its id, which a move
  // keeps.
  virtual std::int64_t upsert_supervision_session(std::int64_t group_id, int number,
                                                  domain::Date on) = 0;
  // By group number, then session number.
  virtual std::vector<SupervisionSession> supervision_sessions(const std::string& programme_id) = 0;
  virtual std::optional<SupervisionSession> supervision_session(std::int64_t id) = 0;
  virtual bool is_supervision_member(std::int64_t group_id, const std::string& person_id) = 0;
  // Replaces what was recorded for this person at this session.
  virtual void record_supervision_attendance(std::int64_t session_id, const std::string& person_id,
                                             bool attended, const std::string& at) = 0;
  struct Attendance {
    std::int64_t session_id = 0;
    std::string person_id;
    bool attended = false;
  };
  // Every recorded attendance at the programme's sessions, by person, then session day.
  virtual std::vector<Attendance> supervision_attendance(const std::string& programme_id) = 0;

  // --- the pairs' own sessions ---------------------------------------------------
  // Every how many weeks the pair meets, when the pair chose; none: the programme's.
  virtual std::optional<int> pair_cadence(std::int64_t pair_id) = 0;
  virtual void set_pair_cadence(std::int64_t pair_id, int every_weeks, const std::string& at) = 0;
  struct PairSession {
    std::int64_t id = 0;
    std::int64_t pair_id = 0;
    domain::Date held_on{};
    std::optional<std::string> notes;  // private to the pair
    std::string recorded_by_role;      // mentee | mentor
    std::string recorded_at;
  };
  // Answers the new session's id.
  virtual std::int64_t record_pair_session(std::int64_t pair_id, domain::Date held_on,
                                           const std::optional<std::string>& notes,
                                           const std::string& recorded_by_role,
                                           const std::string& at) = 0;
  // By day held, then as recorded.
  virtual std::vector<PairSession> pair_sessions(std::int64_t pair_id) = 0;
  // Dates only, in order: for reports that must never carry notes.
  virtual std::vector<domain::Date> pair_session_dates(std::int64_t pair_id) = 0;

  // The pair's next meeting as moved (session_move): which session, its day and time.
  struct NextMeeting {
    int number = 0;
    domain::Date on{};
    std::optional<int> start_minutes;  // none: the programme's time
    std::string moved_by_role;
  };
  virtual std::optional<NextMeeting> pair_next_meeting(std::int64_t pair_id) = 0;
  // Replaces the pair's moved meeting.
  virtual void set_pair_next_meeting(std::int64_t pair_id, const NextMeeting& meeting,
                                     const std::string& at) = 0;

  // What was done about one overdue session (by its due date): the day the reminder went
  // and the day the manager was told, each once.
  struct Escalation {
    std::optional<domain::Date> reminded_on;
    std::optional<domain::Date> flagged_on;
  };
  virtual Escalation pair_escalation(std::int64_t pair_id, domain::Date due_on) = 0;
  // Keep the first day when marked again.
  virtual void mark_pair_reminded(std::int64_t pair_id, domain::Date due_on, domain::Date on) = 0;
  virtual void mark_pair_flagged(std::int64_t pair_id, domain::Date due_on, domain::Date on) = 0;

  // --- mentoring circles: one series per mentor in a circle programme -------------
  struct CircleSession {
    std::int64_t id = 0;
    domain::Date held_on{};
    std::optional<std::string> notes;                      // private to the circle
    std::string recorded_by_role;                          // mentee | mentor
    std::vector<std::pair<std::string, bool>> attendance;  // mentee, attended; by mentee
  };
  // The meeting and its attendance together; answers the meeting's id.
  virtual std::int64_t record_circle_session(
      const std::string& programme_id, const std::string& mentor_id, domain::Date held_on,
      const std::optional<std::string>& notes, const std::string& recorded_by_role,
      const std::vector<std::pair<std::string, bool>>& attendance, const std::string& at) = 0;
  // By day held, then as recorded.
  virtual std::vector<CircleSession> circle_sessions(const std::string& programme_id,
                                                     const std::string& mentor_id) = 0;
  virtual std::optional<int> circle_cadence(const std::string& programme_id,
                                            const std::string& mentor_id) = 0;
  virtual void set_circle_cadence(const std::string& programme_id, const std::string& mentor_id,
                                  int every_weeks, const std::string& at) = 0;
  virtual Escalation circle_escalation(const std::string& programme_id,
                                       const std::string& mentor_id, domain::Date due_on) = 0;
  // Keep the first day when marked again.
  virtual void mark_circle_reminded(const std::string& programme_id, const std::string& mentor_id,
                                    domain::Date due_on, domain::Date on) = 0;
  virtual void mark_circle_flagged(const std::string& programme_id, const std::string& mentor_id,
                                   domain::Date due_on, domain::Date on) = 0;
};

// The kick-off, supervision, pair and circle tables of the session's SQLite database
// (migrations 3, 12 and 18).
class SqliteSessionsRepository final : public SessionsRepository {
 public:
  explicit SqliteSessionsRepository(StoreSession& session) : session_(session) {}

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
  StoreSession& session_;
};

}  // namespace mentoring::store
