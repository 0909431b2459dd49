// mentoring/store/sessions_store.hpp — training, kick-off, supervision and the
// pairs' and circles' own sessions, in the organisation's database (migrations 3
// and 12).
//
//   mentoring::store::SessionsStore sessions(org_store.database());
//   SQLite::Transaction txn(org_store.database());
//   sessions.record_pair_session(pair_id, held_on, notes, "mentee", now);
//   outbox.enqueue(...);                                   // same transaction
//   txn.commit();
//
// Shares the connection (and so the transactions) of the OrgStore it is built
// over. Session notes are read only by pair_sessions(); callers decide who may
// see them.
#pragma once

#include <mentoring/domain/records.hpp>

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mentoring::store {

class SessionsStore {
 public:
  explicit SessionsStore(SQLite::Database& db) : db_(db) {}

  // --- training ---------------------------------------------------------------
  // Every stored completion, for planning everyone at once.
  std::vector<domain::CourseCompletion> all_completions();
  // Course completions stored in the future of `today` (synced before the check existed).
  std::vector<domain::CourseCompletion> completions_after(domain::Date today);

  // --- kick-off (one per programme cohort) ---------------------------------------
  struct Kickoff {
    std::string programme_id;
    domain::Date on{};
    int start_minutes = 10 * 60;
    int duration_minutes = 120;
    std::optional<std::string> location;
    bool cancelled = false;
  };
  std::optional<Kickoff> kickoff(const std::string& programme_id);
  void save_kickoff(const Kickoff& kickoff, const std::string& at);
  // status: attending | not_attending | attended | missed
  void set_kickoff_attendance(const std::string& programme_id, const std::string& person_id,
                              const std::string& status, const std::string& at);
  std::vector<std::pair<std::string, std::string>> kickoff_attendance(
      const std::string& programme_id);
  struct KickoffNote {
    std::string programme_id;
    std::string mentor_id;
    std::string note;
  };
  void save_kickoff_note(const KickoffNote& note, const std::string& at);
  std::vector<KickoffNote> kickoff_notes(const std::string& programme_id);

  // --- group supervision --------------------------------------------------------
  struct Group {
    std::int64_t id = 0;
    int number = 0;
    domain::Date starts_on{};
    std::vector<std::pair<std::string, domain::Date>> members;  // person, first pairing
  };
  std::vector<Group> supervision_groups(const std::string& programme_id);
  std::int64_t add_supervision_group(const std::string& programme_id, int number,
                                     domain::Date starts_on);
  void add_supervision_member(std::int64_t group_id, const std::string& programme_id,
                              const std::string& person_id, domain::Date first_paired_on);

  struct SupervisionSession {
    std::int64_t id = 0;
    std::int64_t group_id = 0;
    std::string programme_id;
    int group_number = 0;
    int number = 0;
    domain::Date on{};
  };
  // Inserts the group's session `number` or moves it to `on`; answers its id.
  std::int64_t upsert_supervision_session(std::int64_t group_id, int number, domain::Date on);
  std::vector<SupervisionSession> supervision_sessions(const std::string& programme_id);
  std::optional<SupervisionSession> supervision_session(std::int64_t id);
  bool is_supervision_member(std::int64_t group_id, const std::string& person_id);
  void record_supervision_attendance(std::int64_t session_id, const std::string& person_id,
                                     bool attended, const std::string& at);
  struct Attendance {
    std::int64_t session_id = 0;
    std::string person_id;
    bool attended = false;
  };
  std::vector<Attendance> supervision_attendance(const std::string& programme_id);

  // --- the pairs' own sessions ---------------------------------------------------
  std::optional<int> pair_cadence(std::int64_t pair_id);
  void set_pair_cadence(std::int64_t pair_id, int every_weeks, const std::string& at);
  struct PairSession {
    std::int64_t id = 0;
    std::int64_t pair_id = 0;
    domain::Date held_on{};
    std::optional<std::string> notes;  // private to the pair
    std::string recorded_by_role;      // mentee | mentor
    std::string recorded_at;
  };
  std::int64_t record_pair_session(std::int64_t pair_id, domain::Date held_on,
                                   const std::optional<std::string>& notes,
                                   const std::string& recorded_by_role, const std::string& at);
  std::vector<PairSession> pair_sessions(std::int64_t pair_id);
  // Dates only: for reports that must never carry notes.
  std::vector<domain::Date> pair_session_dates(std::int64_t pair_id);

  // The pair's next meeting as moved (session_move): which session, its day and time.
  struct NextMeeting {
    int number = 0;
    domain::Date on{};
    std::optional<int> start_minutes;
    std::string moved_by_role;
  };
  std::optional<NextMeeting> pair_next_meeting(std::int64_t pair_id);
  void set_pair_next_meeting(std::int64_t pair_id, const NextMeeting& meeting,
                             const std::string& at);

  struct Escalation {
    std::optional<domain::Date> reminded_on;
    std::optional<domain::Date> flagged_on;
  };
  Escalation pair_escalation(std::int64_t pair_id, domain::Date due_on);
  void mark_pair_reminded(std::int64_t pair_id, domain::Date due_on, domain::Date on);
  void mark_pair_flagged(std::int64_t pair_id, domain::Date due_on, domain::Date on);

  // --- mentoring circles: one series per mentor in a circle programme (migration 12) ---
  struct CircleSession {
    std::int64_t id = 0;
    domain::Date held_on{};
    std::optional<std::string> notes;                      // private to the circle
    std::string recorded_by_role;                          // mentee | mentor
    std::vector<std::pair<std::string, bool>> attendance;  // mentee, attended
  };
  std::int64_t record_circle_session(const std::string& programme_id, const std::string& mentor_id,
                                     domain::Date held_on, const std::optional<std::string>& notes,
                                     const std::string& recorded_by_role,
                                     const std::vector<std::pair<std::string, bool>>& attendance,
                                     const std::string& at);
  std::vector<CircleSession> circle_sessions(const std::string& programme_id,
                                             const std::string& mentor_id);
  std::optional<int> circle_cadence(const std::string& programme_id, const std::string& mentor_id);
  void set_circle_cadence(const std::string& programme_id, const std::string& mentor_id,
                          int every_weeks, const std::string& at);
  Escalation circle_escalation(const std::string& programme_id, const std::string& mentor_id,
                               domain::Date due_on);
  void mark_circle_reminded(const std::string& programme_id, const std::string& mentor_id,
                            domain::Date due_on, domain::Date on);
  void mark_circle_flagged(const std::string& programme_id, const std::string& mentor_id,
                           domain::Date due_on, domain::Date on);

 private:
  SQLite::Database& db_;
};

}  // namespace mentoring::store
