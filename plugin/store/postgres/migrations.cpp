#include <mentoring/store/postgres/migrations.hpp>

#include <pqxx/pqxx>

#include <set>

namespace mentoring::store::postgres {

// Versions: 1 organisation leases; 2 the cycle log; 3 the hosts alive; 4 the organisations' data
// (the SQLite store's tables with org_id); 5 person_manager's triggers; 6 the store revision's
// counting; 7 row-level security and the application role (issue 17). Add new ones at the end, in
// ascending order.
const std::vector<Migration>& migrations() {
  static const std::vector<Migration> kMigrations = {
      {1,
       "organisation leases: which host runs which organisation, until when, under which fencing "
       "token",
       R"sql(
CREATE TABLE org_lease (
  org_id       text PRIMARY KEY CHECK (org_id <> '' AND length(org_id) <= 128),
  holder       text CHECK (holder IS NULL OR (holder <> '' AND length(holder) <= 200)),
  token        bigint NOT NULL CHECK (token > 0),
  acquired_at  timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL
);
CREATE INDEX org_lease_by_holder ON org_lease(holder) WHERE holder IS NOT NULL;
)sql"},
      {2, "the cycle log: each committed cycle with its organisation, holder and fencing token",
       R"sql(
CREATE TABLE cycle_log (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id       text NOT NULL REFERENCES org_lease(org_id),
  holder       text NOT NULL,
  token        bigint NOT NULL,
  started_at   timestamptz NOT NULL,
  finished_at  timestamptz NOT NULL,
  CHECK (finished_at >= started_at)
);
CREATE INDEX cycle_log_by_org ON cycle_log(org_id, started_at);
)sql"},
      {3, "the hosts alive, so that organisations spread over them", R"sql(
CREATE TABLE lease_host (
  holder      text PRIMARY KEY CHECK (holder <> '' AND length(holder) <= 200),
  seen_until  timestamptz NOT NULL
);
)sql"},
      // The organisations' data (issue 17): every table of the SQLite store at its latest
      // migration (../migrations.cpp), each with org_id (the domain org_ref) leading its
      // primary key, uniqueness, foreign keys and indexes, so one organisation's rows are one
      // range of each index and a row can only refer to its own organisation's rows. Same
      // columns in the same order; types: TEXT text (dates stay ISO text, JSON stays text so
      // export and import are byte for byte), INTEGER bigint (SQLite's are 64-bit), REAL
      // double precision, BLOB bytea. A rowid id is an identity column BY DEFAULT (an import
      // gives its ids and must then move the sequence past them). Foreign keys are DEFERRABLE
      // (initially immediate), for what PRAGMA defer_foreign_keys does in the SQLite store.
      // tests/postgres/schema_test.cpp compares both schemas.
      {4, "the organisations' data: the SQLite store's tables, each with org_id", R"sql(
CREATE DOMAIN org_ref AS text CHECK (VALUE <> '' AND length(VALUE) <= 128);
CREATE TABLE person (
  org_id                org_ref NOT NULL,
  id                    text NOT NULL,
  name                  text NOT NULL,
  email                 text,
  manager_id            text,
  department            text,
  location              text,
  start_date            text,
  end_date              text,
  languages             text NOT NULL DEFAULT '',
  listed_by             text,
  full_read             text,
  absent_since          text,
  employee_number       text,
  indirect_manager_ids  text CHECK (indirect_manager_ids IS NULL OR
                                    json_typeof(indirect_manager_ids::json) = 'array'),
  PRIMARY KEY (org_id, id)
);
CREATE INDEX person_by_employee_number ON person(org_id, employee_number)
  WHERE employee_number IS NOT NULL;
CREATE INDEX person_absent ON person(org_id, absent_since) WHERE absent_since IS NOT NULL;
CREATE TABLE leave (
  org_id        org_ref NOT NULL,
  id            text NOT NULL,
  person_id     text NOT NULL,
  type          text NOT NULL,
  start_date    text NOT NULL,
  expected_end  text NOT NULL,
  actual_end    text,
  status        text NOT NULL,
  last_changed  text,
  content_key   text NOT NULL DEFAULT '',
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, person_id) REFERENCES person(org_id, id) DEFERRABLE
);
CREATE INDEX leave_by_start ON leave(org_id, start_date);
CREATE INDEX leave_by_person ON leave(org_id, person_id);
CREATE TABLE course_completion (
  org_id        org_ref NOT NULL,
  person_id     text NOT NULL,
  course_id     text NOT NULL,
  completed_at  text NOT NULL,
  expires_at    text,
  PRIMARY KEY (org_id, person_id, course_id, completed_at),
  FOREIGN KEY (org_id, person_id) REFERENCES person(org_id, id) DEFERRABLE
);
CREATE INDEX course_completion_by_completed_at ON course_completion(org_id, completed_at);
CREATE TABLE sync_cursor (
  org_id   org_ref NOT NULL,
  adapter  text NOT NULL,
  stream   text NOT NULL,
  cursor   text NOT NULL,
  PRIMARY KEY (org_id, adapter, stream)
);
CREATE TABLE enrolment (
  org_id               org_ref NOT NULL,
  id                   bigint GENERATED BY DEFAULT AS IDENTITY,
  person_id            text NOT NULL,
  programme_id         text NOT NULL,
  role                 text NOT NULL CHECK (role IN ('mentee', 'mentor')),
  state                text NOT NULL,
  leave_id             text,
  created_at           text NOT NULL,
  updated_at           text NOT NULL,
  phase                text,
  respond_by           text,
  consent_at           text,
  consent_recorded_by  text,
  goal                 text,
  wishes               text,
  started_at           text,
  ends_on              text,
  needs_decision       text,
  leave_fingerprint    text,
  mentoring_question   text,
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, person_id) REFERENCES person(org_id, id) DEFERRABLE,
  FOREIGN KEY (org_id, leave_id) REFERENCES leave(org_id, id) DEFERRABLE
);
CREATE INDEX enrolment_by_programme ON enrolment(org_id, programme_id, role, state);
CREATE INDEX enrolment_by_person ON enrolment(org_id, person_id);
CREATE INDEX enrolment_by_state ON enrolment(org_id, state);
CREATE TABLE enrolment_transition (
  org_id        org_ref NOT NULL,
  id            bigint GENERATED BY DEFAULT AS IDENTITY,
  enrolment_id  bigint NOT NULL,
  from_state    text,
  to_state      text NOT NULL,
  at            text NOT NULL,
  cause         text NOT NULL CHECK (cause <> ''),
  phase         text,
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, enrolment_id) REFERENCES enrolment(org_id, id) DEFERRABLE
);
CREATE TABLE outbox (
  org_id           org_ref NOT NULL,
  id               bigint GENERATED BY DEFAULT AS IDENTITY,
  idempotency_key  text NOT NULL,
  type             text NOT NULL,
  payload          text NOT NULL,
  created_at       text NOT NULL,
  delivered_at     text,
  attempts         bigint NOT NULL DEFAULT 0,
  last_error       text,
  target           text,
  last_attempt_at  text,
  next_attempt_at  text,
  dead_at          text,
  dropped_at       text,
  dropped_reason   text,
  PRIMARY KEY (org_id, id),
  UNIQUE (org_id, idempotency_key)
);
CREATE INDEX outbox_pending ON outbox(org_id, delivered_at);
CREATE INDEX outbox_waiting ON outbox(org_id, id)
  WHERE delivered_at IS NULL AND dead_at IS NULL AND dropped_at IS NULL;
CREATE INDEX outbox_dead ON outbox(org_id, id) WHERE dead_at IS NOT NULL AND dropped_at IS NULL;
CREATE TABLE pair (
  org_id               org_ref NOT NULL,
  id                   bigint GENERATED BY DEFAULT AS IDENTITY,
  programme_id         text NOT NULL,
  mentee_enrolment_id  bigint NOT NULL,
  mentor_enrolment_id  bigint NOT NULL,
  state                text NOT NULL CHECK (state IN ('proposed', 'accepted', 'ended')),
  created_at           text NOT NULL,
  accepted_at          text,
  ended_at             text,
  end_cause            text,
  leave_dates_changed  text,
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, mentee_enrolment_id) REFERENCES enrolment(org_id, id) DEFERRABLE,
  FOREIGN KEY (org_id, mentor_enrolment_id) REFERENCES enrolment(org_id, id) DEFERRABLE
);
CREATE UNIQUE INDEX one_open_pair_per_mentee ON pair(org_id, mentee_enrolment_id)
  WHERE state <> 'ended';
CREATE TABLE touchpoint (
  org_id        org_ref NOT NULL,
  id            bigint GENERATED BY DEFAULT AS IDENTITY,
  enrolment_id  bigint NOT NULL,
  name          text NOT NULL,
  due_on        text NOT NULL,
  sequence      bigint NOT NULL DEFAULT 0,
  state         text NOT NULL DEFAULT 'scheduled' CHECK (state IN ('scheduled', 'cancelled', 'held')),
  PRIMARY KEY (org_id, id),
  UNIQUE (org_id, enrolment_id, name),
  FOREIGN KEY (org_id, enrolment_id) REFERENCES enrolment(org_id, id) DEFERRABLE
);
CREATE TABLE kickoff (
  org_id            org_ref NOT NULL,
  programme_id      text NOT NULL,
  held_on           text NOT NULL,
  start_minutes     bigint NOT NULL CHECK (start_minutes BETWEEN 0 AND 1439),
  duration_minutes  bigint NOT NULL CHECK (duration_minutes > 0),
  location          text,
  cancelled         bigint NOT NULL DEFAULT 0 CHECK (cancelled IN (0, 1)),
  updated_at        text NOT NULL,
  PRIMARY KEY (org_id, programme_id)
);
CREATE TABLE kickoff_attendance (
  org_id        org_ref NOT NULL,
  programme_id  text NOT NULL,
  person_id     text NOT NULL,
  status        text NOT NULL CHECK (status IN ('attending', 'not_attending', 'attended', 'missed')),
  recorded_at   text NOT NULL,
  PRIMARY KEY (org_id, programme_id, person_id),
  FOREIGN KEY (org_id, programme_id) REFERENCES kickoff(org_id, programme_id) DEFERRABLE,
  FOREIGN KEY (org_id, person_id) REFERENCES person(org_id, id) DEFERRABLE
);
CREATE TABLE kickoff_note (
  org_id        org_ref NOT NULL,
  programme_id  text NOT NULL,
  mentor_id     text NOT NULL,
  note          text NOT NULL,
  written_at    text NOT NULL,
  PRIMARY KEY (org_id, programme_id, mentor_id),
  FOREIGN KEY (org_id, mentor_id) REFERENCES person(org_id, id) DEFERRABLE
);
CREATE TABLE supervision_group (
  org_id        org_ref NOT NULL,
  id            bigint GENERATED BY DEFAULT AS IDENTITY,
  programme_id  text NOT NULL,
  number        bigint NOT NULL,
  starts_on     text NOT NULL,
  PRIMARY KEY (org_id, id),
  UNIQUE (org_id, programme_id, number)
);
CREATE TABLE supervision_member (
  org_id           org_ref NOT NULL,
  group_id         bigint NOT NULL,
  programme_id     text NOT NULL,
  person_id        text NOT NULL,
  first_paired_on  text NOT NULL,
  PRIMARY KEY (org_id, group_id, person_id),
  UNIQUE (org_id, programme_id, person_id),
  FOREIGN KEY (org_id, group_id) REFERENCES supervision_group(org_id, id) DEFERRABLE,
  FOREIGN KEY (org_id, person_id) REFERENCES person(org_id, id) DEFERRABLE
);
CREATE TABLE supervision_session (
  org_id    org_ref NOT NULL,
  id        bigint GENERATED BY DEFAULT AS IDENTITY,
  group_id  bigint NOT NULL,
  number    bigint NOT NULL,
  held_on   text NOT NULL,
  PRIMARY KEY (org_id, id),
  UNIQUE (org_id, group_id, number),
  FOREIGN KEY (org_id, group_id) REFERENCES supervision_group(org_id, id) DEFERRABLE
);
CREATE TABLE supervision_attendance (
  org_id       org_ref NOT NULL,
  session_id   bigint NOT NULL,
  person_id    text NOT NULL,
  attended     bigint NOT NULL CHECK (attended IN (0, 1)),
  recorded_at  text NOT NULL,
  PRIMARY KEY (org_id, session_id, person_id),
  FOREIGN KEY (org_id, session_id) REFERENCES supervision_session(org_id, id) DEFERRABLE,
  FOREIGN KEY (org_id, person_id) REFERENCES person(org_id, id) DEFERRABLE
);
CREATE TABLE pair_cadence (
  org_id       org_ref NOT NULL,
  pair_id      bigint NOT NULL,
  every_weeks  bigint NOT NULL CHECK (every_weeks >= 1),
  set_at       text NOT NULL,
  PRIMARY KEY (org_id, pair_id),
  FOREIGN KEY (org_id, pair_id) REFERENCES pair(org_id, id) DEFERRABLE
);
CREATE TABLE pair_session (
  org_id            org_ref NOT NULL,
  id                bigint GENERATED BY DEFAULT AS IDENTITY,
  pair_id           bigint NOT NULL,
  held_on           text NOT NULL,
  notes             text,
  recorded_by_role  text NOT NULL CHECK (recorded_by_role IN ('mentee', 'mentor')),
  recorded_at       text NOT NULL,
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, pair_id) REFERENCES pair(org_id, id) DEFERRABLE
);
CREATE INDEX pair_session_by_pair ON pair_session(org_id, pair_id, held_on);
CREATE TABLE pair_session_escalation (
  org_id       org_ref NOT NULL,
  pair_id      bigint NOT NULL,
  due_on       text NOT NULL,
  reminded_on  text,
  flagged_on   text,
  PRIMARY KEY (org_id, pair_id, due_on),
  FOREIGN KEY (org_id, pair_id) REFERENCES pair(org_id, id) DEFERRABLE
);
CREATE TABLE calendar_event (
  org_id       org_ref NOT NULL,
  uid          text NOT NULL,
  sequence     bigint NOT NULL DEFAULT 0,
  fingerprint  text NOT NULL,
  cancelled    bigint NOT NULL DEFAULT 0 CHECK (cancelled IN (0, 1)),
  updated_at   text NOT NULL,
  PRIMARY KEY (org_id, uid)
);
CREATE TABLE pair_proposal (
  org_id              org_ref NOT NULL,
  pair_id             bigint NOT NULL,
  score               double precision NOT NULL,
  locked              bigint NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
  proposed_at         text NOT NULL,
  mentee_accepted_by  text,
  mentor_accepted_by  text,
  PRIMARY KEY (org_id, pair_id),
  FOREIGN KEY (org_id, pair_id) REFERENCES pair(org_id, id) DEFERRABLE
);
CREATE TABLE pair_score (
  org_id        org_ref NOT NULL,
  pair_id       bigint NOT NULL,
  position      bigint NOT NULL,
  criterion     text NOT NULL,
  contribution  double precision NOT NULL,
  PRIMARY KEY (org_id, pair_id, position),
  FOREIGN KEY (org_id, pair_id) REFERENCES pair(org_id, id) DEFERRABLE
);
CREATE TABLE pair_forbidden (
  org_id        org_ref NOT NULL,
  programme_id  text NOT NULL,
  mentee_id     text NOT NULL,
  mentor_id     text NOT NULL,
  recorded_by   text NOT NULL,
  recorded_at   text NOT NULL,
  PRIMARY KEY (org_id, programme_id, mentee_id, mentor_id)
);
CREATE TABLE pairing_unmatched (
  org_id        org_ref NOT NULL,
  programme_id  text NOT NULL,
  enrolment_id  bigint NOT NULL,
  reason        text NOT NULL,
  explanation   text NOT NULL,
  noted_at      text NOT NULL,
  PRIMARY KEY (org_id, programme_id, enrolment_id),
  FOREIGN KEY (org_id, enrolment_id) REFERENCES enrolment(org_id, id) DEFERRABLE
);
CREATE TABLE evaluation_invitation (
  org_id        org_ref NOT NULL,
  token_hash    text NOT NULL,
  programme_id  text NOT NULL,
  survey_id     text NOT NULL,
  enrolment_id  bigint NOT NULL,
  role          text NOT NULL CHECK (role IN ('mentee', 'mentor')),
  issued_on     text NOT NULL,
  used          bigint NOT NULL DEFAULT 0 CHECK (used IN (0, 1)),
  PRIMARY KEY (org_id, token_hash),
  UNIQUE (org_id, programme_id, survey_id, enrolment_id),
  FOREIGN KEY (org_id, enrolment_id) REFERENCES enrolment(org_id, id) DEFERRABLE
);
CREATE TABLE evaluation_response (
  org_id        org_ref NOT NULL,
  programme_id  text NOT NULL,
  survey_id     text NOT NULL,
  role          text NOT NULL CHECK (role IN ('mentee', 'mentor')),
  month         text NOT NULL CHECK (length(month) = 7),
  count         bigint NOT NULL CHECK (count > 0),
  PRIMARY KEY (org_id, programme_id, survey_id, role, month)
);
CREATE TABLE evaluation_answer (
  org_id        org_ref NOT NULL,
  programme_id  text NOT NULL,
  survey_id     text NOT NULL,
  role          text NOT NULL CHECK (role IN ('mentee', 'mentor')),
  question_id   text NOT NULL,
  month         text NOT NULL CHECK (length(month) = 7),
  value         text NOT NULL,
  count         bigint NOT NULL CHECK (count > 0),
  PRIMARY KEY (org_id, programme_id, survey_id, role, question_id, month, value)
);
CREATE TABLE sync_quarantine (
  org_id      org_ref NOT NULL,
  adapter     text NOT NULL,
  stream      text NOT NULL,
  record_key  text NOT NULL,
  record_id   text,
  reason      text NOT NULL,
  pointer     text NOT NULL,
  found       text NOT NULL,
  expected    text NOT NULL,
  message     text NOT NULL,
  excerpt     text NOT NULL,
  full_read   text,
  first_seen  text NOT NULL,
  last_seen   text NOT NULL,
  times_seen  bigint NOT NULL DEFAULT 1 CHECK (times_seen >= 1),
  raw         text,
  PRIMARY KEY (org_id, adapter, stream, record_key)
);
CREATE INDEX sync_quarantine_by_age ON sync_quarantine(org_id, adapter, stream, last_seen);
CREATE TABLE person_manager (
  org_id      org_ref NOT NULL,
  person_id   text NOT NULL,
  manager_id  text NOT NULL,
  PRIMARY KEY (org_id, person_id, manager_id),
  FOREIGN KEY (org_id, person_id) REFERENCES person(org_id, id) DEFERRABLE
);
CREATE INDEX person_manager_by_manager ON person_manager(org_id, manager_id);
CREATE TABLE pair_request (
  org_id         org_ref NOT NULL,
  pair_id        bigint NOT NULL,
  requested_by   text NOT NULL,
  requested_at   text NOT NULL,
  answer         text CHECK (answer IN ('accept', 'decline')),
  answer_reason  text,
  answered_by    text,
  answered_at    text,
  PRIMARY KEY (org_id, pair_id),
  FOREIGN KEY (org_id, pair_id) REFERENCES pair(org_id, id) DEFERRABLE
);
CREATE TABLE pair_declined (
  org_id               org_ref NOT NULL,
  programme_id         text NOT NULL,
  mentee_enrolment_id  bigint NOT NULL,
  mentor_id            text NOT NULL,
  reason               text NOT NULL,
  recorded_by          text NOT NULL,
  recorded_at          text NOT NULL,
  PRIMARY KEY (org_id, mentee_enrolment_id, mentor_id),
  FOREIGN KEY (org_id, mentee_enrolment_id) REFERENCES enrolment(org_id, id) DEFERRABLE
);
CREATE TABLE circle_session (
  org_id            org_ref NOT NULL,
  id                bigint GENERATED BY DEFAULT AS IDENTITY,
  programme_id      text NOT NULL,
  mentor_id         text NOT NULL,
  held_on           text NOT NULL,
  notes             text,
  recorded_by_role  text NOT NULL CHECK (recorded_by_role IN ('mentee', 'mentor')),
  recorded_at       text NOT NULL,
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, mentor_id) REFERENCES person(org_id, id) DEFERRABLE
);
CREATE INDEX circle_session_by_mentor ON circle_session(org_id, programme_id, mentor_id, held_on);
CREATE TABLE circle_attendance (
  org_id      org_ref NOT NULL,
  session_id  bigint NOT NULL,
  mentee_id   text NOT NULL,
  attended    bigint NOT NULL CHECK (attended IN (0, 1)),
  PRIMARY KEY (org_id, session_id, mentee_id),
  FOREIGN KEY (org_id, session_id) REFERENCES circle_session(org_id, id) DEFERRABLE,
  FOREIGN KEY (org_id, mentee_id) REFERENCES person(org_id, id) DEFERRABLE
);
CREATE TABLE circle_cadence (
  org_id        org_ref NOT NULL,
  programme_id  text NOT NULL,
  mentor_id     text NOT NULL,
  every_weeks   bigint NOT NULL CHECK (every_weeks >= 1),
  set_at        text NOT NULL,
  PRIMARY KEY (org_id, programme_id, mentor_id)
);
CREATE TABLE circle_escalation (
  org_id        org_ref NOT NULL,
  programme_id  text NOT NULL,
  mentor_id     text NOT NULL,
  due_on        text NOT NULL,
  reminded_on   text,
  flagged_on    text,
  PRIMARY KEY (org_id, programme_id, mentor_id, due_on)
);
CREATE TABLE kit_day (
  org_id       org_ref NOT NULL,
  leave_id     text NOT NULL,
  person_id    text NOT NULL,
  day          text NOT NULL,
  note         text,
  recorded_by  text NOT NULL,
  over_limit   bigint NOT NULL DEFAULT 0,
  recorded_at  text NOT NULL,
  PRIMARY KEY (org_id, leave_id, day)
);
CREATE INDEX kit_day_by_person ON kit_day(org_id, person_id);
CREATE TABLE return_step (
  org_id              org_ref NOT NULL,
  programme_id        text NOT NULL,
  leave_id            text NOT NULL,
  step_id             text NOT NULL,
  person_id           text NOT NULL,
  line_manager_id     text,
  due_on              text NOT NULL,
  status              text NOT NULL,
  round               bigint NOT NULL DEFAULT 0,
  missed_flagged_for  text,
  done_on             text,
  done_by             text,
  updated_at          text NOT NULL,
  PRIMARY KEY (org_id, programme_id, leave_id, step_id)
);
CREATE INDEX return_step_by_person ON return_step(org_id, person_id);
CREATE TABLE kit_day_reported (
  org_id        org_ref NOT NULL,
  adapter       text NOT NULL,
  record_id     text NOT NULL,
  person_id     text NOT NULL,
  leave_id      text,
  day           text NOT NULL,
  note          text,
  status        text NOT NULL DEFAULT 'new',
  reason        text,
  judged_leave  text,
  seen_at       text NOT NULL,
  judged_at     text,
  PRIMARY KEY (org_id, adapter, record_id)
);
CREATE INDEX kit_day_reported_by_status ON kit_day_reported(org_id, status);
CREATE TABLE audit_log (
  org_id         org_ref NOT NULL,
  id             bigint GENERATED BY DEFAULT AS IDENTITY,
  at             text NOT NULL,
  caller_role    text NOT NULL,
  caller_name    text NOT NULL,
  command        text NOT NULL,
  input          text NOT NULL CHECK (json_typeof(input::json) IS NOT NULL),
  subject_count  bigint NOT NULL CHECK (subject_count >= 0),
  PRIMARY KEY (org_id, id)
);
CREATE INDEX audit_log_by_time ON audit_log(org_id, at);
CREATE TABLE audit_subject (
  org_id     org_ref NOT NULL,
  person_id  text NOT NULL,
  audit_id   bigint NOT NULL,
  PRIMARY KEY (org_id, person_id, audit_id),
  FOREIGN KEY (org_id, audit_id) REFERENCES audit_log(org_id, id) DEFERRABLE
);
CREATE TABLE privacy_pseudonym (
  org_id     org_ref NOT NULL,
  id_hash    text NOT NULL,
  pseudonym  text NOT NULL,
  why        text NOT NULL CHECK (why IN ('erasure', 'retention')),
  done_on    text NOT NULL,
  PRIMARY KEY (org_id, id_hash),
  UNIQUE (org_id, pseudonym)
);
CREATE TABLE link_key (
  org_id      org_ref NOT NULL,
  id          bigint NOT NULL CHECK (id = 1),
  secret      bytea NOT NULL CHECK (length(secret) >= 32),
  created_at  text NOT NULL,
  PRIMARY KEY (org_id, id)
);
CREATE TABLE link_spent (
  org_id    org_ref NOT NULL,
  nonce     text NOT NULL,
  purpose   text NOT NULL CHECK (purpose IN ('invitation', 'mentor_proposal', 'survey')),
  outcome   text NOT NULL,
  spent_on  text,
  PRIMARY KEY (org_id, nonce)
);
CREATE TABLE pair_next_meeting (
  org_id         org_ref NOT NULL,
  pair_id        bigint NOT NULL,
  number         bigint NOT NULL,
  on_date        text NOT NULL,
  start_minutes  bigint,
  moved_by_role  text NOT NULL,
  moved_at       text NOT NULL,
  PRIMARY KEY (org_id, pair_id),
  FOREIGN KEY (org_id, pair_id) REFERENCES pair(org_id, id) DEFERRABLE
);
CREATE TABLE store_revision (
  org_id              org_ref NOT NULL,
  id                  bigint NOT NULL CHECK (id = 1),
  n                   bigint NOT NULL,
  txn                 bigint,
  passes_today        text,
  passes_fingerprint  text,
  passes_revision     bigint,
  passes_finished_at  text,
  PRIMARY KEY (org_id, id)
);
)sql"},
      // SQLite's json_each triggers (its migration 8), as a PL/pgSQL trigger function. The
      // CHECK is stricter than SQLite's json_valid: the store only ever writes an array.
      {5, "indirect managers copied into person_manager by triggers", R"sql(
CREATE FUNCTION person_manager_copy() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $fn$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    DELETE FROM person_manager WHERE org_id = NEW.org_id AND person_id = NEW.id;
  END IF;
  IF NEW.indirect_manager_ids IS NOT NULL THEN
    INSERT INTO person_manager (org_id, person_id, manager_id)
      SELECT NEW.org_id, NEW.id, m.value
      FROM json_array_elements_text(NEW.indirect_manager_ids::json) AS m(value)
      WHERE m.value IS NOT NULL
      ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER person_indirect_managers_inserted AFTER INSERT ON person
  FOR EACH ROW WHEN (NEW.indirect_manager_ids IS NOT NULL) EXECUTE FUNCTION person_manager_copy();
CREATE TRIGGER person_indirect_managers_changed AFTER UPDATE OF indirect_manager_ids ON person
  FOR EACH ROW WHEN (OLD.indirect_manager_ids IS DISTINCT FROM NEW.indirect_manager_ids)
  EXECUTE FUNCTION person_manager_copy();
)sql"},
      // The store's revision (SQLite's migration 22 and store_revision.cpp): there, TEMPORARY
      // triggers of the connections OrgStore opens; here, a trigger on every counted table
      // (version 7), so every writer counts, psql included. Once per transaction and
      // organisation: a transaction-local setting remembers the organisation counted (a
      // savepoint rolled back takes the count and the setting with it). The organisation's
      // row is created by its first count.
      {6, "the store's revision counted once per write transaction", R"sql(
CREATE FUNCTION store_revision_count() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $fn$
DECLARE
  org text := CASE WHEN TG_OP = 'DELETE' THEN OLD.org_id ELSE NEW.org_id END;
BEGIN
  IF current_setting('mentoring.revision_counted', true) IS DISTINCT FROM org THEN
    INSERT INTO store_revision AS r (org_id, id, n, txn) VALUES (org, 1, 1, txid_current())
      ON CONFLICT (org_id, id) DO UPDATE SET n = r.n + 1, txn = excluded.txn;
    PERFORM set_config('mentoring.revision_counted', org, true);
  END IF;
  RETURN NULL;
END
$fn$;
)sql"},
      // Row-level security (README: one schema, org_id, RLS): the application role
      // mentoring_app (cluster-wide, NOLOGIN, created here unless it exists; the host logs in
      // as a role granted it) owns nothing; every table with an org_ref column gets ENABLE and
      // FORCE ROW LEVEL SECURITY and the policy org_isolation (org_id =
      // current_setting('mentoring.org_id'), which OrgTransaction sets per transaction), the
      // role's privileges and the store-revision trigger. A later migration that adds such a
      // table ends with CALL secure_org_tables().
      {7, "row-level security per organisation, the application role and its privileges",
       R"sql(
DO $do$
BEGIN
  CREATE ROLE mentoring_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL;
END
$do$;
CREATE PROCEDURE secure_org_tables() LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
DECLARE
  t text;
BEGIN
  FOR t IN SELECT c.table_name FROM information_schema.columns c
           WHERE c.table_schema = current_schema() AND c.column_name = 'org_id'
             AND c.domain_name = 'org_ref' ORDER BY 1 LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY', t);
    IF NOT EXISTS (SELECT 1 FROM pg_policies p WHERE p.schemaname = current_schema()
                   AND p.tablename = t AND p.policyname = 'org_isolation') THEN
      EXECUTE format('CREATE POLICY org_isolation ON %I '
                     'USING (org_id = current_setting(''mentoring.org_id'', true)) '
                     'WITH CHECK (org_id = current_setting(''mentoring.org_id'', true))', t);
    END IF;
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO mentoring_app', t);
    IF t NOT IN ('store_revision', 'sync_cursor') THEN
      EXECUTE format('CREATE OR REPLACE TRIGGER store_revision_count AFTER INSERT OR UPDATE OR DELETE '
                     'ON %I FOR EACH ROW EXECUTE FUNCTION store_revision_count()', t);
    END IF;
  END LOOP;
  EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA %I TO mentoring_app', current_schema());
END
$fn$;
REVOKE EXECUTE ON PROCEDURE secure_org_tables() FROM PUBLIC;
CALL secure_org_tables();
GRANT SELECT ON schema_version TO mentoring_app;
GRANT SELECT, INSERT, UPDATE ON org_lease TO mentoring_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON lease_host TO mentoring_app;
GRANT SELECT, INSERT ON cycle_log TO mentoring_app;
)sql"},
      // The twin of SQLite's migration 24: the sync's overlap check reads a person's leave in
      // start order from the index. (SQLite's 23, course completions WITHOUT ROWID, has no
      // twin: a PostgreSQL table is a heap beside its primary key's index either way.)
      {8, "a person's leave indexed by start (SQLite migration 24)",
       R"sql(
DROP INDEX leave_by_person;
CREATE INDEX leave_by_person ON leave(org_id, person_id, start_date);
)sql"},
  };
  return kMigrations;
}

namespace {

const char* const kCreateVersionTable = R"sql(
CREATE TABLE IF NOT EXISTS schema_version (
  version      integer PRIMARY KEY,
  description  text NOT NULL,
  applied_at   timestamptz NOT NULL DEFAULT clock_timestamp()
))sql";

}  // namespace

std::vector<int> migrate(Connection& connection) {
  std::vector<int> applied;
  int current = 0;
  try {
    pqxx::work txn(connection.pq());
    txn.exec("SET LOCAL lock_timeout = '" + std::to_string(kMigrationLockWaitSeconds) + "s'");
    txn.exec_params("SELECT pg_advisory_xact_lock($1)", kMigrationLock);
    txn.exec(kCreateVersionTable);
    std::set<int> recorded;
    for (const auto& row : txn.exec("SELECT version FROM schema_version"))
      recorded.insert(row[0].as<int>());
    for (const auto& migration : migrations()) {
      if (recorded.contains(migration.version)) continue;
      current = migration.version;
      txn.exec(migration.sql);
      txn.exec_params("INSERT INTO schema_version (version, description) VALUES ($1, $2)",
                      migration.version, migration.description);
      applied.push_back(migration.version);
    }
    current = 0;
    txn.commit();
  } catch (const PostgresError&) {
    throw;
  } catch (const std::exception& e) {
    throw connection.error(
        current == 0 ? "migrating (waiting at most " + std::to_string(kMigrationLockWaitSeconds) +
                           " s for another host's migration, then reading schema_version)"
                     : "migration " + std::to_string(current) + " (nothing of this run applied)",
        e);
  }
  return applied;
}

std::vector<int> applied_versions(Connection& connection) {
  std::vector<int> versions;
  try {
    pqxx::read_transaction txn(connection.pq());
    if (txn.exec1("SELECT to_regclass('schema_version') IS NOT NULL")[0].as<bool>()) {
      for (const auto& row : txn.exec("SELECT version FROM schema_version ORDER BY version"))
        versions.push_back(row[0].as<int>());
    }
  } catch (const std::exception& e) {
    throw connection.error("reading schema_version", e);
  }
  return versions;
}

}  // namespace mentoring::store::postgres
