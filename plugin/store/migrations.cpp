#include <mentoring/store/migrations.hpp>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <set>
#include <stdexcept>
#include <string>

namespace mentoring::store {

// Versions: 1 foundation; 2 enrolment lifecycle (issue 4); 3 training, kick-off,
// supervision and pair sessions (issue 5); 4 pairing; 5 full reads; 6 evaluation;
// 7 sync quarantine and the leave content key (issue 11); 8 employee numbers and
// indirect managers (issue 11); 9 outbox delivery (issue 12); 16 audit log, 17 pseudonyms (issue
// 14); 18 signed links (issue 15); 20 indexes for the module passes, 21 held records' text, 22 the
// store's revision, 23 course completions WITHOUT ROWID, 24 a person's leave by start (issue 16).
// Add new ones at the end, in ascending order; a number may be missing here while its branch is
// unmerged (migrate() applies each missing version, not only those above the highest).
const std::vector<Migration>& migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "records from the host, sync cursors, enrolments with their history, outbox", R"sql(
CREATE TABLE person (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  email       TEXT,
  manager_id  TEXT,
  department  TEXT,
  location    TEXT,
  start_date  TEXT,
  end_date    TEXT,
  languages   TEXT NOT NULL DEFAULT ''
);
CREATE TABLE leave (
  id            TEXT PRIMARY KEY,
  person_id     TEXT NOT NULL REFERENCES person(id),
  type          TEXT NOT NULL,
  start_date    TEXT NOT NULL,
  expected_end  TEXT NOT NULL,
  actual_end    TEXT,
  status        TEXT NOT NULL,
  last_changed  TEXT
);
CREATE INDEX leave_by_start ON leave(start_date);
CREATE INDEX leave_by_person ON leave(person_id);
CREATE TABLE course_completion (
  person_id     TEXT NOT NULL REFERENCES person(id),
  course_id     TEXT NOT NULL,
  completed_at  TEXT NOT NULL,
  expires_at    TEXT,
  PRIMARY KEY (person_id, course_id, completed_at)
);
CREATE TABLE sync_cursor (
  adapter     TEXT NOT NULL,
  stream      TEXT NOT NULL,
  cursor      TEXT NOT NULL,
  PRIMARY KEY (adapter, stream)
);
CREATE TABLE enrolment (
  id            INTEGER PRIMARY KEY,
  person_id     TEXT NOT NULL REFERENCES person(id),
  programme_id  TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('mentee', 'mentor')),
  state         TEXT NOT NULL,
  leave_id      TEXT REFERENCES leave(id),
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
);
CREATE INDEX enrolment_by_programme ON enrolment(programme_id, role, state);
CREATE TABLE enrolment_transition (
  id            INTEGER PRIMARY KEY,
  enrolment_id  INTEGER NOT NULL REFERENCES enrolment(id),
  from_state    TEXT,
  to_state      TEXT NOT NULL,
  at            TEXT NOT NULL,
  cause         TEXT NOT NULL CHECK (cause <> '')
);
CREATE TABLE outbox (
  id               INTEGER PRIMARY KEY,
  idempotency_key  TEXT NOT NULL UNIQUE,
  type             TEXT NOT NULL,
  payload          TEXT NOT NULL,
  created_at       TEXT NOT NULL,
  delivered_at     TEXT,
  attempts         INTEGER NOT NULL DEFAULT 0,
  last_error       TEXT
);
CREATE INDEX outbox_pending ON outbox(delivered_at);
)sql"},
      {2, "enrolment lifecycle: consent, goal, phases, schedule, pairs, decisions", R"sql(
ALTER TABLE enrolment ADD COLUMN phase TEXT;
ALTER TABLE enrolment ADD COLUMN respond_by TEXT;
ALTER TABLE enrolment ADD COLUMN consent_at TEXT;
ALTER TABLE enrolment ADD COLUMN consent_recorded_by TEXT;
ALTER TABLE enrolment ADD COLUMN goal TEXT;
ALTER TABLE enrolment ADD COLUMN wishes TEXT;
ALTER TABLE enrolment ADD COLUMN started_at TEXT;
ALTER TABLE enrolment ADD COLUMN ends_on TEXT;
ALTER TABLE enrolment ADD COLUMN needs_decision TEXT;
ALTER TABLE enrolment ADD COLUMN leave_fingerprint TEXT;
ALTER TABLE enrolment_transition ADD COLUMN phase TEXT;
ALTER TABLE leave ADD COLUMN version_key TEXT NOT NULL DEFAULT '';
CREATE INDEX enrolment_by_person ON enrolment(person_id);
CREATE TABLE pair (
  id                   INTEGER PRIMARY KEY,
  programme_id         TEXT NOT NULL,
  mentee_enrolment_id  INTEGER NOT NULL REFERENCES enrolment(id),
  mentor_enrolment_id  INTEGER NOT NULL REFERENCES enrolment(id),
  state                TEXT NOT NULL CHECK (state IN ('proposed', 'accepted', 'ended')),
  created_at           TEXT NOT NULL,
  accepted_at          TEXT,
  ended_at             TEXT,
  end_cause            TEXT,
  leave_dates_changed  TEXT
);
CREATE UNIQUE INDEX one_open_pair_per_mentee ON pair(mentee_enrolment_id) WHERE state <> 'ended';
CREATE TABLE touchpoint (
  id             INTEGER PRIMARY KEY,
  enrolment_id   INTEGER NOT NULL REFERENCES enrolment(id),
  name           TEXT NOT NULL,
  due_on         TEXT NOT NULL,
  sequence       INTEGER NOT NULL DEFAULT 0,
  state          TEXT NOT NULL DEFAULT 'scheduled' CHECK (state IN ('scheduled', 'cancelled', 'held')),
  UNIQUE (enrolment_id, name)
);
)sql"},
      {3, "training, kick-off, supervision and pair sessions", R"sql(
CREATE TABLE kickoff (
  programme_id      TEXT PRIMARY KEY,
  held_on           TEXT NOT NULL,
  start_minutes     INTEGER NOT NULL CHECK (start_minutes BETWEEN 0 AND 1439),
  duration_minutes  INTEGER NOT NULL CHECK (duration_minutes > 0),
  location          TEXT,
  cancelled         INTEGER NOT NULL DEFAULT 0 CHECK (cancelled IN (0, 1)),
  updated_at        TEXT NOT NULL
);
CREATE TABLE kickoff_attendance (
  programme_id  TEXT NOT NULL REFERENCES kickoff(programme_id),
  person_id     TEXT NOT NULL REFERENCES person(id),
  status        TEXT NOT NULL CHECK (status IN ('attending', 'not_attending', 'attended', 'missed')),
  recorded_at   TEXT NOT NULL,
  PRIMARY KEY (programme_id, person_id)
);
CREATE TABLE kickoff_note (
  programme_id  TEXT NOT NULL,
  mentor_id     TEXT NOT NULL REFERENCES person(id),
  note          TEXT NOT NULL,
  written_at    TEXT NOT NULL,
  PRIMARY KEY (programme_id, mentor_id)
);
CREATE TABLE supervision_group (
  id            INTEGER PRIMARY KEY,
  programme_id  TEXT NOT NULL,
  number        INTEGER NOT NULL,
  starts_on     TEXT NOT NULL,
  UNIQUE (programme_id, number)
);
CREATE TABLE supervision_member (
  group_id         INTEGER NOT NULL REFERENCES supervision_group(id),
  programme_id     TEXT NOT NULL,
  person_id        TEXT NOT NULL REFERENCES person(id),
  first_paired_on  TEXT NOT NULL,
  PRIMARY KEY (group_id, person_id),
  UNIQUE (programme_id, person_id)
);
CREATE TABLE supervision_session (
  id        INTEGER PRIMARY KEY,
  group_id  INTEGER NOT NULL REFERENCES supervision_group(id),
  number    INTEGER NOT NULL,
  held_on   TEXT NOT NULL,
  UNIQUE (group_id, number)
);
CREATE TABLE supervision_attendance (
  session_id   INTEGER NOT NULL REFERENCES supervision_session(id),
  person_id    TEXT NOT NULL REFERENCES person(id),
  attended     INTEGER NOT NULL CHECK (attended IN (0, 1)),
  recorded_at  TEXT NOT NULL,
  PRIMARY KEY (session_id, person_id)
);
CREATE TABLE pair_cadence (
  pair_id      INTEGER PRIMARY KEY REFERENCES pair(id),
  every_weeks  INTEGER NOT NULL CHECK (every_weeks >= 1),
  set_at       TEXT NOT NULL
);
CREATE TABLE pair_session (
  id                INTEGER PRIMARY KEY,
  pair_id           INTEGER NOT NULL REFERENCES pair(id),
  held_on           TEXT NOT NULL,
  notes             TEXT,
  recorded_by_role  TEXT NOT NULL CHECK (recorded_by_role IN ('mentee', 'mentor')),
  recorded_at       TEXT NOT NULL
);
CREATE INDEX pair_session_by_pair ON pair_session(pair_id, held_on);
CREATE TABLE pair_session_escalation (
  pair_id      INTEGER NOT NULL REFERENCES pair(id),
  due_on       TEXT NOT NULL,
  reminded_on  TEXT,
  flagged_on   TEXT,
  PRIMARY KEY (pair_id, due_on)
);
CREATE TABLE calendar_event (
  uid          TEXT PRIMARY KEY,
  sequence     INTEGER NOT NULL DEFAULT 0,
  fingerprint  TEXT NOT NULL,
  cancelled    INTEGER NOT NULL DEFAULT 0 CHECK (cancelled IN (0, 1)),
  updated_at   TEXT NOT NULL
);
)sql"},
      {4, "pairing proposals: scores and explanations", R"sql(
CREATE TABLE pair_proposal (
  pair_id             INTEGER PRIMARY KEY REFERENCES pair(id),
  score               REAL NOT NULL,
  locked              INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
  proposed_at         TEXT NOT NULL,
  mentee_accepted_by  TEXT,
  mentor_accepted_by  TEXT
);
CREATE TABLE pair_score (
  pair_id       INTEGER NOT NULL REFERENCES pair(id),
  position      INTEGER NOT NULL,
  criterion     TEXT NOT NULL,
  contribution  REAL NOT NULL,
  PRIMARY KEY (pair_id, position)
);
CREATE TABLE pair_forbidden (
  programme_id  TEXT NOT NULL,
  mentee_id     TEXT NOT NULL,
  mentor_id     TEXT NOT NULL,
  recorded_by   TEXT NOT NULL,
  recorded_at   TEXT NOT NULL,
  PRIMARY KEY (programme_id, mentee_id, mentor_id)
);
CREATE TABLE pairing_unmatched (
  programme_id  TEXT NOT NULL,
  enrolment_id  INTEGER NOT NULL REFERENCES enrolment(id),
  reason        TEXT NOT NULL,
  explanation   TEXT NOT NULL,
  noted_at      TEXT NOT NULL,
  PRIMARY KEY (programme_id, enrolment_id)
);
)sql"},
      {5, "people a full read of their HR system no longer lists", R"sql(
ALTER TABLE person ADD COLUMN listed_by TEXT;
ALTER TABLE person ADD COLUMN full_read TEXT;
ALTER TABLE person ADD COLUMN absent_since TEXT;
)sql"},
      // Invitations know the person (through the enrolment) but never the
      // answers; answers know nothing about a person, a token or a time finer
      // than the month. They are counts per distinct value in tables without
      // rowid, so not even the order of arrival is kept.
      {6, "evaluation: survey invitations (token hashes) and anonymous answers", R"sql(
CREATE TABLE evaluation_invitation (
  token_hash    TEXT PRIMARY KEY,
  programme_id  TEXT NOT NULL,
  survey_id     TEXT NOT NULL,
  enrolment_id  INTEGER NOT NULL REFERENCES enrolment(id),
  role          TEXT NOT NULL CHECK (role IN ('mentee', 'mentor')),
  issued_on     TEXT NOT NULL,
  used          INTEGER NOT NULL DEFAULT 0 CHECK (used IN (0, 1)),
  UNIQUE (programme_id, survey_id, enrolment_id)
);
CREATE TABLE evaluation_response (
  programme_id  TEXT NOT NULL,
  survey_id     TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('mentee', 'mentor')),
  month         TEXT NOT NULL CHECK (length(month) = 7),
  count         INTEGER NOT NULL CHECK (count > 0),
  PRIMARY KEY (programme_id, survey_id, role, month)
) WITHOUT ROWID;
CREATE TABLE evaluation_answer (
  programme_id  TEXT NOT NULL,
  survey_id     TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('mentee', 'mentor')),
  question_id   TEXT NOT NULL,
  month         TEXT NOT NULL CHECK (length(month) = 7),
  value         TEXT NOT NULL,
  count         INTEGER NOT NULL CHECK (count > 0),
  PRIMARY KEY (programme_id, survey_id, role, question_id, month, value)
) WITHOUT ROWID;
)sql"},
      // A record that fails its checks waits here, one row per adapter, stream
      // and record, instead of holding back its page; it leaves when the host
      // sends it again and it passes. Rows without a record id are keyed by a
      // hash of their text. The leave's version key no longer starts with
      // last_changed (compared as its own column now): only the content.
      {7, "sync quarantine; leave content key", R"sql(
CREATE TABLE sync_quarantine (
  adapter     TEXT NOT NULL,
  stream      TEXT NOT NULL,
  record_key  TEXT NOT NULL,
  record_id   TEXT,
  reason      TEXT NOT NULL,
  pointer     TEXT NOT NULL,
  found       TEXT NOT NULL,
  expected    TEXT NOT NULL,
  message     TEXT NOT NULL,
  excerpt     TEXT NOT NULL,
  full_read   TEXT,
  first_seen  TEXT NOT NULL,
  last_seen   TEXT NOT NULL,
  times_seen  INTEGER NOT NULL DEFAULT 1 CHECK (times_seen >= 1),
  PRIMARY KEY (adapter, stream, record_key)
);
CREATE INDEX sync_quarantine_by_age ON sync_quarantine(adapter, stream, last_seen);
ALTER TABLE leave RENAME COLUMN version_key TO content_key;
UPDATE leave SET content_key = substr(content_key, length(COALESCE(last_changed, '')) + 2)
  WHERE content_key <> '';
)sql"},
      // Indirect managers are few: a person row keeps them as a JSON array (NULL
      // when none) and triggers copy them into person_manager, which the
      // management chain and "who are this person's managers" read through
      // its primary key. A person whose list did not change costs nothing more
      // on sync, and neither does one without indirect managers.
      {8, "employee numbers (the id HR staff know) and indirect managers", R"sql(
ALTER TABLE person ADD COLUMN employee_number TEXT;
ALTER TABLE person ADD COLUMN indirect_manager_ids TEXT
  CHECK (indirect_manager_ids IS NULL OR json_valid(indirect_manager_ids));
CREATE INDEX person_by_employee_number ON person(employee_number)
  WHERE employee_number IS NOT NULL;
CREATE TABLE person_manager (
  person_id   TEXT NOT NULL REFERENCES person(id),
  manager_id  TEXT NOT NULL,
  PRIMARY KEY (person_id, manager_id)
) WITHOUT ROWID;
CREATE INDEX person_manager_by_manager ON person_manager(manager_id);
CREATE TRIGGER person_indirect_managers_inserted AFTER INSERT ON person
WHEN new.indirect_manager_ids IS NOT NULL BEGIN
  INSERT OR IGNORE INTO person_manager(person_id, manager_id)
    SELECT new.id, value FROM json_each(new.indirect_manager_ids);
END;
CREATE TRIGGER person_indirect_managers_changed AFTER UPDATE OF indirect_manager_ids ON person
WHEN old.indirect_manager_ids IS NOT new.indirect_manager_ids BEGIN
  DELETE FROM person_manager WHERE person_id = new.id;
  INSERT OR IGNORE INTO person_manager(person_id, manager_id)
    SELECT new.id, value FROM json_each(new.indirect_manager_ids);
END;
)sql"},
      // Delivery that can be trusted (issue 12): an action waits until its
      // target acknowledges it; a refused one is retried after a backoff and
      // becomes a dead letter after policy.delivery.max_attempts; HR may drop
      // one (kept, with the reason, never delivered).
      {9, "outbox delivery: target, next attempt, dead letters, dropped actions", R"sql(
ALTER TABLE outbox ADD COLUMN target TEXT;
ALTER TABLE outbox ADD COLUMN last_attempt_at TEXT;
ALTER TABLE outbox ADD COLUMN next_attempt_at TEXT;
ALTER TABLE outbox ADD COLUMN dead_at TEXT;
ALTER TABLE outbox ADD COLUMN dropped_at TEXT;
ALTER TABLE outbox ADD COLUMN dropped_reason TEXT;
CREATE INDEX outbox_waiting ON outbox(id)
  WHERE delivered_at IS NULL AND dead_at IS NULL AND dropped_at IS NULL;
CREATE INDEX outbox_dead ON outbox(id) WHERE dead_at IS NOT NULL AND dropped_at IS NULL;
)sql"},
      // Participant choice (issue 13): the mentee's mentoring question beside the goal and
      // wishes (read by the pair only), a mentee's request for one mentor with the mentor's
      // answer, and the mentors who declined a mentee (never proposed to them again).
      {11, "pairing: mentoring question, mentee requests, mentors' declines", R"sql(
ALTER TABLE enrolment ADD COLUMN mentoring_question TEXT;
CREATE TABLE pair_request (
  pair_id        INTEGER PRIMARY KEY REFERENCES pair(id),
  requested_by   TEXT NOT NULL,
  requested_at   TEXT NOT NULL,
  answer         TEXT CHECK (answer IN ('accept', 'decline')),
  answer_reason  TEXT,
  answered_by    TEXT,
  answered_at    TEXT
);
CREATE TABLE pair_declined (
  programme_id         TEXT NOT NULL,
  mentee_enrolment_id  INTEGER NOT NULL REFERENCES enrolment(id),
  mentor_id            TEXT NOT NULL,
  reason               TEXT NOT NULL,
  recorded_by          TEXT NOT NULL,
  recorded_at          TEXT NOT NULL,
  PRIMARY KEY (mentee_enrolment_id, mentor_id)
);
)sql"},
      // Group mentoring circles (issue 13): one series of meetings per mentor in
      // a circle programme, attendance per mentee, the series' escalation.
      {12, "mentoring circles: meetings, attendance per mentee, cadence, escalation", R"sql(
CREATE TABLE circle_session (
  id                INTEGER PRIMARY KEY,
  programme_id      TEXT NOT NULL,
  mentor_id         TEXT NOT NULL REFERENCES person(id),
  held_on           TEXT NOT NULL,
  notes             TEXT,
  recorded_by_role  TEXT NOT NULL CHECK (recorded_by_role IN ('mentee', 'mentor')),
  recorded_at       TEXT NOT NULL
);
CREATE INDEX circle_session_by_mentor ON circle_session(programme_id, mentor_id, held_on);
CREATE TABLE circle_attendance (
  session_id  INTEGER NOT NULL REFERENCES circle_session(id),
  mentee_id   TEXT NOT NULL REFERENCES person(id),
  attended    INTEGER NOT NULL CHECK (attended IN (0, 1)),
  PRIMARY KEY (session_id, mentee_id)
);
CREATE TABLE circle_cadence (
  programme_id  TEXT NOT NULL,
  mentor_id     TEXT NOT NULL,
  every_weeks   INTEGER NOT NULL CHECK (every_weeks >= 1),
  set_at        TEXT NOT NULL,
  PRIMARY KEY (programme_id, mentor_id)
);
CREATE TABLE circle_escalation (
  programme_id  TEXT NOT NULL,
  mentor_id     TEXT NOT NULL,
  due_on        TEXT NOT NULL,
  reminded_on   TEXT,
  flagged_on    TEXT,
  PRIMARY KEY (programme_id, mentor_id, due_on)
);
)sql"},
      // Keeping-in-touch days and the line manager's return-to-work steps
      // (issue 13, plugin/return_to_work). A day is kept per leave (the limit
      // is counted per leave); a step per programme, leave and step id, with
      // the round of the task last sent (each round a new idempotency key).
      {13, "keeping-in-touch days, the line manager's return-to-work steps", R"sql(
CREATE TABLE kit_day (
  leave_id     TEXT NOT NULL,
  person_id    TEXT NOT NULL,
  day          TEXT NOT NULL,
  note         TEXT,
  recorded_by  TEXT NOT NULL,
  over_limit   INTEGER NOT NULL DEFAULT 0,
  recorded_at  TEXT NOT NULL,
  PRIMARY KEY (leave_id, day)
);
CREATE INDEX kit_day_by_person ON kit_day(person_id);
CREATE TABLE return_step (
  programme_id        TEXT NOT NULL,
  leave_id            TEXT NOT NULL,
  step_id             TEXT NOT NULL,
  person_id           TEXT NOT NULL,
  line_manager_id     TEXT,
  due_on              TEXT NOT NULL,
  status              TEXT NOT NULL,
  round               INTEGER NOT NULL DEFAULT 0,
  missed_flagged_for  TEXT,
  done_on             TEXT,
  done_by             TEXT,
  updated_at          TEXT NOT NULL,
  PRIMARY KEY (programme_id, leave_id, step_id)
);
CREATE INDEX return_step_by_person ON return_step(person_id);
)sql"},
      // Keeping-in-touch days as the HR system reports them (the sync's
      // keeping_in_touch_days stream), one row per adapter and record, with
      // what the return_to_work pass made of it: recorded into kit_day (or
      // already there, recorded by HR) or refused with the domain's reason.
      // Additive: kit_day (13) is unchanged; a day taken from here is in it
      // with recorded_by "hr_system:<adapter>:<record id>".
      {15, "keeping-in-touch days reported by the HR system", R"sql(
CREATE TABLE kit_day_reported (
  adapter      TEXT NOT NULL,
  record_id    TEXT NOT NULL,
  person_id    TEXT NOT NULL,
  leave_id     TEXT,
  day          TEXT NOT NULL,
  note         TEXT,
  status       TEXT NOT NULL DEFAULT 'new',
  reason       TEXT,
  judged_leave TEXT,
  seen_at      TEXT NOT NULL,
  judged_at    TEXT,
  PRIMARY KEY (adapter, record_id)
);
CREATE INDEX kit_day_reported_by_status ON kit_day_reported(status);
)sql"},
      // Privacy (issue 14). Every read of people's data by HR or an admin leaves
      // a row: when, who (role and name), which command, with which input, and
      // the people it showed (audit_subject, one row per person, so the log is
      // searchable by person and an erasure can rewrite the id).
      {16, "audit log of HR's and admins' reads of personal data", R"sql(
CREATE TABLE audit_log (
  id             INTEGER PRIMARY KEY,
  at             TEXT NOT NULL,
  caller_role    TEXT NOT NULL,
  caller_name    TEXT NOT NULL,
  command        TEXT NOT NULL,
  input          TEXT NOT NULL CHECK (json_valid(input)),
  subject_count  INTEGER NOT NULL CHECK (subject_count >= 0)
);
CREATE INDEX audit_log_by_time ON audit_log(at);
CREATE TABLE audit_subject (
  person_id  TEXT NOT NULL,
  audit_id   INTEGER NOT NULL REFERENCES audit_log(id),
  PRIMARY KEY (person_id, audit_id)
) WITHOUT ROWID;
)sql"},
      // Erasure and retention (issue 14): a person erased or pseudonymised
      // lives on only as a pseudonym (the figures still add up); the HR
      // system's id is kept as a SHA-256 hash, so a second request finds it
      // and nothing in the file names the person.
      {17, "erased and pseudonymised people", R"sql(
CREATE TABLE privacy_pseudonym (
  id_hash    TEXT PRIMARY KEY,
  pseudonym  TEXT NOT NULL UNIQUE,
  why        TEXT NOT NULL CHECK (why IN ('erasure', 'retention')),
  done_on    TEXT NOT NULL
);
)sql"},
      // Signed links (issue 15): the organisation's random signing key (one
      // row, never shown), and every single-use link spent, by its nonce, with
      // what it did and when (no day for a survey: its answer stays anonymous).
      {18, "signed links: the signing key, the spent single-use links",
       R"sql(
CREATE TABLE link_key (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  secret      BLOB NOT NULL CHECK (length(secret) >= 32),
  created_at  TEXT NOT NULL
);
CREATE TABLE link_spent (
  nonce     TEXT PRIMARY KEY,
  purpose   TEXT NOT NULL CHECK (purpose IN ('invitation', 'mentor_proposal', 'survey')),
  outcome   TEXT NOT NULL,
  spent_on  TEXT
) WITHOUT ROWID;
)sql"},
      // The pair's next meeting moved to an agreed day (issue 15, session_move,
      // also from the pair's link): one row per pair, the latest agreement; it
      // applies while session `number` is the next one (a session held since
      // makes it stale). Who moved it is a role, never a person.
      {19, "the pairs' next meeting moved to an agreed day", R"sql(
CREATE TABLE pair_next_meeting (
  pair_id        INTEGER PRIMARY KEY REFERENCES pair(id),
  number         INTEGER NOT NULL,
  on_date        TEXT NOT NULL,
  start_minutes  INTEGER,
  moved_by_role  TEXT NOT NULL,
  moved_at       TEXT NOT NULL
);
)sql"},
      // The module passes of an unchanged re-run read what they act on, not every row
      // (issue 16): future-dated completions (training's problems) by date, the absent
      // people (the run's totals count the rest from the table's pages) through a partial
      // index that costs a person without absent_since nothing, enrolments by state.
      {20, "indexes for the module passes: completions by date, absent people, enrolment states",
       R"sql(
CREATE INDEX course_completion_by_completed_at ON course_completion(completed_at);
CREATE INDEX person_absent ON person(absent_since) WHERE absent_since IS NOT NULL;
CREATE INDEX enrolment_by_state ON enrolment(state);
)sql"},
      // Issue 16: a record held for a reason that can pass without the host
      // sending it again (an unknown person, an overlap) keeps its JSON text,
      // bounded (QuarantineRepository::kMaxRaw), so the sync can ingest it again
      // after each pull; NULL for the rest. A changes-only read never sends an
      // unchanged row again.
      {21, "quarantined records kept for a retry", R"sql(
ALTER TABLE sync_quarantine ADD COLUMN raw TEXT;
)sql"},
      // The store's revision (issue 16): `n` counts the write transactions that changed a
      // table the module passes may read (temporary triggers every connection of the
      // store creates, store_revision.cpp); `txn` is the transaction that counted last.
      // The passes_* columns: the last run whose passes completed without writing
      // anything (a fixpoint), at revision passes_revision, on passes_today, with the
      // configuration passes_fingerprint; a run that finds all of them equal skips the
      // passes (plugin/shell/plugin.cpp).
      {22, "the store's revision: the module passes skipped when nothing they read changed",
       R"sql(
CREATE TABLE store_revision (
  id                  INTEGER PRIMARY KEY CHECK (id = 1),
  n                   INTEGER NOT NULL,
  txn                 INTEGER,
  passes_today        TEXT,
  passes_fingerprint  TEXT,
  passes_revision     INTEGER,
  passes_finished_at  TEXT
);
INSERT INTO store_revision(id, n) VALUES (1, 0);
)sql"},
      // Issue 16, a first sync's store: course completions are only ever found by their
      // key (person, course, date) or by date, never by rowid, so the table is its primary
      // key's b-tree (WITHOUT ROWID): one b-tree written per completion instead of the
      // rowid table and its key's index. The rows are copied as they are.
      {23, "course completions stored in their primary key's b-tree (WITHOUT ROWID)", R"sql(
CREATE TABLE course_completion_by_key (
  person_id     TEXT NOT NULL REFERENCES person(id),
  course_id     TEXT NOT NULL,
  completed_at  TEXT NOT NULL,
  expires_at    TEXT,
  PRIMARY KEY (person_id, course_id, completed_at)
) WITHOUT ROWID;
INSERT INTO course_completion_by_key(person_id, course_id, completed_at, expires_at)
  SELECT person_id, course_id, completed_at, expires_at FROM course_completion
  ORDER BY person_id, course_id, completed_at;
DROP TABLE course_completion;
ALTER TABLE course_completion_by_key RENAME TO course_completion;
CREATE INDEX course_completion_by_completed_at ON course_completion(completed_at);
)sql"},
      // Issue 16: the overlap check a sync makes for every leave (OrgStore::overlapping_leave:
      // the person's first overlapping leave by start date) sorted the person's leave in a
      // temporary b-tree each time; the person's leave in start order is this index's order
      // (ties by rowid, as the sort kept them), and it finds a person's leave as before.
      {24, "a person's leave indexed in start order (the sync's overlap check reads it so)",
       R"sql(
DROP INDEX leave_by_person;
CREATE INDEX leave_by_person ON leave(person_id, start_date);
)sql"},
  };
  return kMigrations;
}

int current_version(SQLite::Database& db) {
  if (!db.tableExists("schema_version")) return 0;
  SQLite::Statement query(db, "SELECT COALESCE(MAX(version), 0) FROM schema_version");
  query.executeStep();
  return query.getColumn(0).getInt();
}

int migrate(SQLite::Database& db) {
  return migrate(db, migrations());
}

// Each version not yet recorded is applied, in ascending order, even below the
// highest recorded one: branches add migrations in parallel (7 and 8 of issue
// 11), so a database may have met 8 before 7 existed. Migrations numbered in
// parallel must therefore not depend on each other.
//
// Two processes may open one database at the same moment (the host holds an
// organisation's lock, but `serve` or another host may not): each migration
// runs in a write transaction taken before anything is read (BEGIN IMMEDIATE,
// which waits out the other writer for the busy timeout) and first re-reads
// whether it is applied, so it runs once, and the one that comes second finds
// it done instead of meeting "table ... already exists".
int migrate(SQLite::Database& db, const std::vector<Migration>& list) {
  for (std::size_t i = 1; i < list.size(); ++i) {
    if (list[i].version <= list[i - 1].version)
      throw std::logic_error("store: migrations out of order at version " +
                             std::to_string(list[i].version));
  }
  if (!db.tableExists("schema_version")) {
    SQLite::Transaction txn(db, SQLite::TransactionBehavior::IMMEDIATE);
    db.exec(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY, description TEXT NOT NULL,"
        " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')))");
    txn.commit();
  }
  int newest = list.empty() ? 0 : list.back().version;
  auto refuse_newer = [&](int version) {
    if (version > newest) {
      throw std::runtime_error(db.getFilename() + ": database schema version " +
                               std::to_string(version) + " is newer than this plugin knows (" +
                               std::to_string(newest) + "); upgrade the plugin");
    }
  };
  refuse_newer(current_version(db));
  std::set<int> applied;
  {
    SQLite::Statement query(db, "SELECT version FROM schema_version");
    while (query.executeStep()) applied.insert(query.getColumn(0).getInt());
  }
  for (const auto& m : list) {
    if (applied.count(m.version)) continue;
    SQLite::Transaction txn(db, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement done(db, "SELECT 1 FROM schema_version WHERE version = ?");
    done.bind(1, m.version);
    if (done.executeStep()) continue;  // another process applied it meanwhile (rolls back)
    refuse_newer(current_version(db));
    db.exec(std::string(m.sql));
    SQLite::Statement record(db, "INSERT INTO schema_version(version, description) VALUES (?, ?)");
    record.bind(1, m.version);
    record.bind(2, std::string(m.description));
    record.exec();
    txn.commit();
  }
  return current_version(db);
}

}  // namespace mentoring::store
