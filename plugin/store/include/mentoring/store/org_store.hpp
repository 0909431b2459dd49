// mentoring/store/org_store.hpp — one organisation's state in its own SQLite file.
//
//   mentoring::store::OrgStore store(storage_dir, "northwind");   // opens + migrates
//   SQLite::Transaction txn(store.database());
//   store.upsert(person);
//   store.set_cursor("hr-export", "people", next_cursor);          // same transaction
//   txn.commit();
//
// The file is <directory>/<organisation>.sqlite, in WAL mode with foreign keys
// on; migrations (migrations.hpp) run on open, each in its own transaction.
// A failure to open or migrate throws StoreError. SQLite waits up to
// kBusyTimeoutMs for another connection's write to end before it answers busy.
// This is the only folder with SQL in it. Not thread-safe: one OrgStore per
// thread (SQLite allows several connections to one file).
//
// Issue 17 splits it into a repository per concept over one StoreSession (the
// connection and its statement cache, store_session.hpp): people, cursors, enrolments,
// leave and pairs are repositories already (people_repository.hpp, cursor_repository.hpp,
// enrolment_repository.hpp, leave_repository.hpp, pair_repository.hpp), which the members
// below delegate to; the rest follows (plugin/store/README.md, Repositories).
#pragma once

#include <mentoring/store/cursor_repository.hpp>
#include <mentoring/store/enrolment_repository.hpp>
#include <mentoring/store/leave_repository.hpp>
#include <mentoring/store/pair_repository.hpp>
#include <mentoring/store/people_repository.hpp>
#include <mentoring/store/store_revision.hpp>
#include <mentoring/store/store_session.hpp>

#include <functional>
#include <string_view>

#include <mentoring/domain/management_chain.hpp>
#include <mentoring/domain/person_reference.hpp>
#include <mentoring/domain/records.hpp>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace mentoring::store {

struct Counts {
  std::int64_t people = 0, absent_people = 0, leave = 0, course_completions = 0,
               open_invitations = 0, pending_actions = 0;
};

class OrgStore {
 public:
  static constexpr int kBusyTimeoutMs = StoreSession::kBusyTimeoutMs;

  OrgStore(const std::filesystem::path& directory, const std::string& organisation);
  OrgStore(const OrgStore&) = delete;
  OrgStore& operator=(const OrgStore&) = delete;

  SQLite::Database& database() noexcept { return db_; }
  const std::filesystem::path& path() const noexcept { return session_.path(); }
  // The connection and statement cache further repositories of this organisation borrow,
  // and the repositories extracted so far (the members below delegate to them).
  StoreSession& session() noexcept { return session_; }
  PeopleRepository& people_repository() noexcept { return people_; }
  CursorRepository& cursor_repository() noexcept { return cursors_; }
  LeaveRepository& leave_repository() noexcept { return leave_; }
  PairRepository& pair_repository() noexcept { return pairs_; }
  EnrolmentRepository& enrolment_repository() noexcept { return enrolments_; }
  int schema_version();

  // Records from the host. Upserts: the same record twice changes nothing.
  void upsert(const domain::Person& person);
  // A leave whose content differs from the stored one replaces it unless the
  // host changed it before the stored version (both have last_changed and
  // its is earlier); without last_changed the newest read wins.
  UpsertOutcome upsert(const domain::Leave& leave);
  UpsertOutcome upsert(const domain::CourseCompletion& completion);
  bool has_person(const std::string& id);
  // Everyone has_person answers true for, in one read, each id handed to `visit`
  // (valid during the call): a sync checks a person for each leave and completion,
  // and one scan is far cheaper than a lookup (two B-tree searches) per record. Not
  // sorted; no copy of every id is made here (the caller keeps them as it likes).
  void for_each_present_person(const std::function<void(std::string_view)>& visit);

  // Full reads: an adapter that reads everyone its HR system lists stores each
  // person as listed by this read (one statement with the upsert); once the
  // read is complete, people it listed before and not this time are absent
  // from that day on (as if no longer in the records: has_person, people and
  // managers leave them out) until a record of theirs arrives again.
  void upsert_listed(const domain::Person& person, const std::string& adapter,
                     const std::string& read_id);
  // How many people this adapter listed in reads before this one and not in it
  // (absent ones aside), and who they are.
  std::vector<std::string> unlisted_after(const std::string& adapter, const std::string& read_id);
  void mark_absent(const std::vector<std::string>& person_ids, domain::Date since);
  std::int64_t listed_count(const std::string& adapter);
  // A changes-only full read says this person is gone from the export: no
  // longer listed by any read (full_read NULL), so the read's reconciliation
  // counts them as unlisted. Answers whether the adapter listed them.
  bool unlist(const std::string& adapter, const std::string& person_id);

  // Sync cursors, per adapter and stream ("people", "leave", ...).
  std::optional<std::string> cursor(const std::string& adapter, const std::string& stream);
  void set_cursor(const std::string& adapter, const std::string& stream, const std::string& cursor);

  // Leaves starting on or after `from`, plus those any open enrolment points to.
  std::vector<domain::Leave> leaves_for_planning(domain::Date from);
  // Leaves starting from `first` to `last` (both included: enrolment::planning_window), plus
  // those the programme's open enrolments point to; by start, then id. Through the index on the
  // start date and the one on the programme's enrolments: never every row.
  std::vector<domain::Leave> leaves_for_planning(domain::Date first, domain::Date last,
                                                 const std::string& programme_id);
  std::map<std::string, domain::Person> people(const std::set<std::string>& ids);
  std::vector<domain::Enrolment> enrolments(const std::string& programme_id);

  std::vector<domain::Enrolment> enrolments_of(const std::string& person_id);
  std::optional<domain::Enrolment> enrolment(std::int64_t id);
  // The programme's enrolments in one of these states, by id (the index on programme, role and
  // state: a pass reads the enrolments it acts on, not the programme's history).
  std::vector<domain::Enrolment> enrolments_in_states(
      const std::string& programme_id, const std::vector<domain::EnrolmentState>& states,
      std::optional<domain::Role> role = std::nullopt);
  // How many enrolments, any programme, are in this state (the index on state: migration 20).
  std::int64_t count_enrolments_in(domain::EnrolmentState state);
  // How many enrolments of the programme are in each role and state (the same index, covering).
  using StateCount = EnrolmentStateCount;
  std::vector<StateCount> count_enrolment_states(const std::string& programme_id);
  // Every enrolment in one of these states, any programme.
  std::vector<domain::Enrolment> enrolments_in(const std::vector<domain::EnrolmentState>& states);

  // A new enrolment with its first transition; answers its id.
  std::int64_t insert_enrolment(const domain::Enrolment& enrolment, const std::string& at,
                                const std::string& cause);
  // Moves an enrolment to a new state (and phase) and records why; the cause
  // is required.
  void transition(std::int64_t enrolment_id, domain::EnrolmentState to, const std::string& at,
                  const std::string& cause, std::optional<domain::Phase> phase = std::nullopt);
  // Saves the enrolment's dates, phase, consent, question and leave fingerprint
  // (never its state: that only moves through transition()).
  void update_details(const domain::Enrolment& enrolment, const std::string& at);
  void set_goal(std::int64_t enrolment_id, const std::string& goal, const std::string& wishes);

  std::optional<domain::Leave> leave(const std::string& id);
  std::vector<domain::Leave> leaves_of(const std::string& person_id);
  // Another approved or requested leave of the same person overlapping this one.
  std::optional<std::string> overlapping_leave(const domain::Leave& leave);
  // Stores a leave in one statement when no leave of its id is stored (what a
  // first sync meets for every leave; overlapping_leave is the caller's);
  // otherwise changes nothing and answers false: then upsert decides.
  bool insert_new_leave(const domain::Leave& leave);
  std::vector<domain::CourseCompletion> completions_of(const std::string& person_id);
  // Every manager link, direct (manager_id) and indirect (indirect_manager_ids),
  // of everyone not absent: what domain::ManagementChains is built from.
  std::vector<domain::ManagerLink> managers();
  // Who are this person's managers: the direct one first, then the indirect
  // ones; one query through primary keys (kManagersOfSql).
  std::vector<std::string> managers_of(const std::string& person_id);
  static constexpr const char* kManagersOfSql = SqlitePeopleRepository::kManagersOfSql;
  // One person's links of managers(): none when the person is absent or unknown. What the
  // lazy domain::ManagementChains asks, one person at a time (primary keys only).
  std::vector<std::string> manager_links_of(const std::string& person_id);

  // Every person (absent ones too) whose id or employee number is exactly
  // this value, by id: what HR command inputs are resolved against.
  std::vector<domain::PersonCandidate> people_known_as(const std::string& id_or_number);

  // Scheduled touchpoints of an enrolment, by due date and name.
  using Touchpoint = store::Touchpoint;
  std::vector<Touchpoint> touchpoints(std::int64_t enrolment_id);
  // Inserts or moves a touchpoint; answers its sequence, incremented on a move,
  // and whether anything changed.
  std::pair<int, bool> schedule_touchpoint(std::int64_t enrolment_id, const std::string& name,
                                           domain::Date due);
  void cancel_touchpoint(std::int64_t enrolment_id, const std::string& name);

  std::vector<Transition> history(const std::string& person_id);

  // Pairs (pair_repository.hpp, where each member is described).
  std::int64_t insert_pair(const std::string& programme_id, std::int64_t mentee_enrolment_id,
                           std::int64_t mentor_enrolment_id, domain::PairState state,
                           const std::string& at) {
    return pairs_.insert_pair(programme_id, mentee_enrolment_id, mentor_enrolment_id, state, at);
  }
  void set_pair_state(std::int64_t pair_id, domain::PairState state, const std::string& at,
                      const std::string& cause) {
    pairs_.set_pair_state(pair_id, state, at, cause);
  }
  std::vector<domain::Pair> pairs(const std::string& programme_id = "") {
    return pairs_.pairs(programme_id);
  }
  void mark_pair_leave_changed(std::int64_t pair_id, const std::string& what) {
    pairs_.mark_pair_leave_changed(pair_id, what);
  }
  std::vector<std::pair<domain::Pair, std::string>> pairs_with_leave_changes() {
    return pairs_.pairs_with_leave_changes();
  }
  void clear_pair_leave_changed(std::int64_t pair_id) { pairs_.clear_pair_leave_changed(pair_id); }

  Counts counts();
  // The run summary's totals (people, leave, course_completions, open_invitations; the other
  // fields 0) without reading every row: SQLite counts a whole table from its b-tree pages
  // (COUNT(*) without WHERE), absent people through their partial index and invitations
  // through the index on state (migration 20).
  Counts totals();

  // Resets every cached statement. A statement left stepped part-way keeps a
  // read transaction open, and with it a snapshot of the database: a host that
  // keeps this store open between calls (mentoring-host serve) calls this after
  // each call, so the next one sees what other processes wrote meanwhile.
  void reset_statements() noexcept { session_.reset_statements(); }

  // A bulk write's transaction (a sync's pages): counted in the store's revision once,
  // now, and this connection's revision triggers dropped until resume_revision_counting,
  // which must come before the transaction commits (StoreRevision::pause_counting).
  void pause_revision_counting() { session_.pause_revision_counting(); }
  void resume_revision_counting() { session_.resume_revision_counting(); }

 private:
  StoreSession session_;
  SQLite::Database& db_;  // session_'s
  SqlitePeopleRepository people_;
  SqliteCursorRepository cursors_;
  SqliteLeaveRepository leave_;
  SqlitePairRepository pairs_;
  SqliteEnrolmentRepository enrolments_;
};

}  // namespace mentoring::store
