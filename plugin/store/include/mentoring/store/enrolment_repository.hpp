// mentoring/store/enrolment_repository.hpp — who takes part in which programme, in which
// state, how they got there and their scheduled touchpoints (issue 17: a repository per
// concept).
//
//   SqliteEnrolmentRepository enrolments(session);
//   SQLite::Transaction txn(session.database());
//   auto id = enrolments.insert_enrolment(
//       Enrolment::make("P1", "rtw", Role::mentee, EnrolmentState::invited, "L1"),
//       "2026-12-01T12:00:00Z", "leave L1 approved");
//   enrolments.transition(id, EnrolmentState::consented, "2026-12-03T09:00:00Z",
//                         "consent link used", std::nullopt);
//   txn.commit();  // the enrolment and both history rows, or none of them
//
// An enrolment's state only moves through transition(), which writes a history row with
// its cause: history() is the record of why each person is where they are. A repository
// never begins a transaction: its writes join the caller's. insert_enrolment, transition
// and schedule_touchpoint are several statements on SQLite, so a caller runs them inside
// one (the cycle's) to keep an enrolment and its history together; on PostgreSQL a call
// outside one runs in a transaction of its own. Not thread-safe, like the session.
#pragma once

#include <mentoring/store/store_session.hpp>

#include <mentoring/domain/date.hpp>
#include <mentoring/domain/records.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mentoring::store {

// One row of an enrolment's history, with the enrolment it belongs to.
struct Transition {
  std::string programme_id;
  std::string role;
  std::string from_state;  // "" for the first state
  std::string to_state;
  std::string at;     // ISO 8601
  std::string cause;  // which record change or command
  std::string phase;  // "" or before_leave | on_leave | returned
};

// A touchpoint of an enrolment (a programme's check-in, by the rule's name).
struct Touchpoint {
  std::string name;
  domain::Date due{};
  int sequence = 0;   // 0 when first scheduled; one more at each move or cancellation
  std::string state;  // scheduled | cancelled | held
};

// How many enrolments of a programme are in one role and state.
struct EnrolmentStateCount {
  domain::Role role;
  domain::EnrolmentState state;
  std::int64_t count;
};

// What the enrolment module, the shell's commands and the run summary see; one
// implementation per backend (SQLite below, PostgreSQL in postgres/).
class EnrolmentRepository {
 public:
  virtual ~EnrolmentRepository() = default;

  // Reads, each by id.
  virtual std::vector<domain::Enrolment> enrolments(const std::string& programme_id) = 0;
  virtual std::vector<domain::Enrolment> enrolments_of(const std::string& person_id) = 0;
  virtual std::optional<domain::Enrolment> enrolment(std::int64_t id) = 0;
  // Every enrolment in one of these states, any programme (none for no states).
  virtual std::vector<domain::Enrolment> enrolments_in(
      const std::vector<domain::EnrolmentState>& states) = 0;
  // The programme's enrolments in one of these states, of this role or (nullopt) either,
  // through the index on programme, role and state: a pass reads the enrolments it acts on,
  // not the programme's history. None for no states.
  virtual std::vector<domain::Enrolment> enrolments_in_states(
      const std::string& programme_id, const std::vector<domain::EnrolmentState>& states,
      std::optional<domain::Role> role) = 0;
  // How many enrolments, any programme, are in this state (the index on state).
  virtual std::int64_t count_enrolments_in(domain::EnrolmentState state) = 0;
  // How many of the programme's enrolments are in each role and state, by role then state
  // (the index on programme, role and state, covering); a role and state without
  // enrolments is left out.
  virtual std::vector<EnrolmentStateCount> count_enrolment_states(
      const std::string& programme_id) = 0;

  // A new enrolment (its id is ignored) with its first history row (from no state to its
  // state, for `cause`); answers its id, distinct from every other enrolment's.
  virtual std::int64_t insert_enrolment(const domain::Enrolment& enrolment, const std::string& at,
                                        const std::string& cause) = 0;
  // Moves an enrolment to a state and phase (nullopt clears the phase) and records the move
  // in its history. The cause is required (std::invalid_argument when empty); an unknown
  // enrolment is a std::runtime_error naming it.
  virtual void transition(std::int64_t enrolment_id, domain::EnrolmentState to,
                          const std::string& at, const std::string& cause,
                          std::optional<domain::Phase> phase) = 0;
  // Saves the enrolment's phase, response date, consent (kept when the enrolment has none),
  // start, end, open question and leave fingerprint; never its state (transition() moves
  // that) nor its person, programme, role or leave.
  virtual void update_details(const domain::Enrolment& enrolment, const std::string& at) = 0;
  // The mentee's goal and wishes for a match, as they wrote them.
  virtual void set_goal(std::int64_t enrolment_id, const std::string& goal,
                        const std::string& wishes) = 0;
  // Every history row of every enrolment of this person, oldest first.
  virtual std::vector<Transition> history(const std::string& person_id) = 0;

  // The enrolment's touchpoints, by due date then name.
  virtual std::vector<Touchpoint> touchpoints(std::int64_t enrolment_id) = 0;
  // Schedules the named touchpoint on `due`, or moves it there (a cancelled one is
  // scheduled again); answers its sequence, one more at each move, and whether anything
  // changed (already scheduled on that day: nothing, the same sequence).
  virtual std::pair<int, bool> schedule_touchpoint(std::int64_t enrolment_id,
                                                   const std::string& name, domain::Date due) = 0;
  // Cancels the named touchpoint if scheduled (its sequence one more); otherwise nothing.
  virtual void cancel_touchpoint(std::int64_t enrolment_id, const std::string& name) = 0;
};

// The enrolment, enrolment_transition and touchpoint tables of the session's SQLite
// database, through the session's statement cache.
class SqliteEnrolmentRepository final : public EnrolmentRepository {
 public:
  explicit SqliteEnrolmentRepository(StoreSession& session) : session_(session) {}

  std::vector<domain::Enrolment> enrolments(const std::string& programme_id) override;
  std::vector<domain::Enrolment> enrolments_of(const std::string& person_id) override;
  std::optional<domain::Enrolment> enrolment(std::int64_t id) override;
  std::vector<domain::Enrolment> enrolments_in(
      const std::vector<domain::EnrolmentState>& states) override;
  std::vector<domain::Enrolment> enrolments_in_states(
      const std::string& programme_id, const std::vector<domain::EnrolmentState>& states,
      std::optional<domain::Role> role) override;
  std::int64_t count_enrolments_in(domain::EnrolmentState state) override;
  std::vector<EnrolmentStateCount> count_enrolment_states(const std::string& programme_id) override;
  std::int64_t insert_enrolment(const domain::Enrolment& enrolment, const std::string& at,
                                const std::string& cause) override;
  void transition(std::int64_t enrolment_id, domain::EnrolmentState to, const std::string& at,
                  const std::string& cause, std::optional<domain::Phase> phase) override;
  void update_details(const domain::Enrolment& enrolment, const std::string& at) override;
  void set_goal(std::int64_t enrolment_id, const std::string& goal,
                const std::string& wishes) override;
  std::vector<Transition> history(const std::string& person_id) override;
  std::vector<Touchpoint> touchpoints(std::int64_t enrolment_id) override;
  std::pair<int, bool> schedule_touchpoint(std::int64_t enrolment_id, const std::string& name,
                                           domain::Date due) override;
  void cancel_touchpoint(std::int64_t enrolment_id, const std::string& name) override;

 private:
  StoreSession& session_;
};

}  // namespace mentoring::store
