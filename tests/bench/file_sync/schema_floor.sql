-- The "schema floor" of tests/bench/file_sync.sh: what SQLite alone costs to parse the same three
-- CSV files (the floor's `.import`, into staging tables) AND store them in the plugin's own tables
-- (the schema the first run created: its keys, indexes and person triggers; read from the first
-- run's store into schema.sql beside this script's copy), with the mapping done in SQL: dates
-- from DD/MM/YYYY to ISO, languages one a line, leave types and statuses to the plugin's words,
-- annual leave skipped, rows in the exports' order, one transaction per table, the store's own
-- pragmas. The rows stored equal the first run's (people, leave and completions, column for
-- column, but `full_read`). Any first run that keeps this schema does at least this work, with
-- no checks, no cursor, no planning. Run from the organisation's folder (relative CSV paths):
--   sqlite3 <fresh db> ".read schema_floor.sql"
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
PRAGMA cache_size = -65536;
PRAGMA foreign_keys = ON;
.read schema.sql
.mode csv
.import people.csv staging_people
.import leave.csv staging_leave
.import training.csv staging_training
BEGIN;
INSERT INTO person(id, name, email, manager_id, department, location, start_date, end_date,
                   languages, listed_by, full_read)
SELECT "Employee ID", "Full Name", nullif("Work Email", ''), nullif("Supervisor ID", ''),
       nullif(Department, ''), nullif(Location, ''),
       CASE WHEN "Hire Date" = '' THEN NULL ELSE
         substr("Hire Date", 7, 4) || '-' || substr("Hire Date", 4, 2) || '-' || substr("Hire Date", 1, 2) END,
       CASE WHEN "Termination Date" = '' THEN NULL ELSE
         substr("Termination Date", 7, 4) || '-' || substr("Termination Date", 4, 2) || '-' ||
         substr("Termination Date", 1, 2) END,
       replace(Languages, ';', char(10)), 'hr-export', 'file2:schema-floor'
FROM staging_people;
COMMIT;
BEGIN;
INSERT INTO leave(id, person_id, type, start_date, expected_end, actual_end, status, last_changed,
                  content_key)
SELECT "Request ID", "Employee ID",
       CASE "Leave Type" WHEN 'Maternity Leave' THEN 'maternity' WHEN 'Paternity Leave' THEN 'paternity'
         WHEN 'Adoption Leave' THEN 'adoption' WHEN 'Shared Parental Leave' THEN 'shared_parental'
         WHEN 'Carer''s Leave' THEN 'carers' WHEN 'Fostering Leave' THEN 'fostering'
         WHEN 'Secondment' THEN 'secondment' WHEN 'Overseas Assignment' THEN 'overseas_assignment'
         WHEN 'Long-term Sickness' THEN 'long_term_sickness' ELSE 'other' END,
       substr("Start Date", 7, 4) || '-' || substr("Start Date", 4, 2) || '-' || substr("Start Date", 1, 2),
       substr("End Date", 7, 4) || '-' || substr("End Date", 4, 2) || '-' || substr("End Date", 1, 2),
       CASE WHEN "Actual Return" = '' THEN NULL ELSE
         substr("Actual Return", 7, 4) || '-' || substr("Actual Return", 4, 2) || '-' ||
         substr("Actual Return", 1, 2) END,
       lower(Status), nullif("Last Changed", ''),
       "Start Date" || '|' || "End Date" || '|' || "Actual Return" || '|' || Status || '|' ||
         "Leave Type" || '|' || "Employee ID"
FROM staging_leave WHERE "Leave Type" <> 'Annual Leave';
COMMIT;
BEGIN;
INSERT OR IGNORE INTO course_completion(person_id, course_id, completed_at, expires_at)
SELECT "Employee ID", "Course Code", Completed, nullif(Expires, '') FROM staging_training;
COMMIT;
