#include <mentoring/store/privacy_store.hpp>

#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

#include <initializer_list>

namespace mentoring::store {

using json = nlohmann::json;

namespace {

void bind_all(SQLite::Statement& s, std::initializer_list<std::string> values) {
  int i = 1;
  for (const auto& v : values) s.bind(i++, v);
}

std::int64_t exec(SQLite::Database& db, const char* sql,
                  std::initializer_list<std::string> values) {
  SQLite::Statement s(db, sql);
  bind_all(s, values);
  return s.exec();
}

// Every row of a query as an object of column name -> value.
json rows(SQLite::Database& db, const std::string& sql, std::initializer_list<std::string> values) {
  SQLite::Statement q(db, sql);
  bind_all(q, values);
  json out = json::array();
  while (q.executeStep()) {
    json row = json::object();
    for (int i = 0; i < q.getColumnCount(); ++i) {
      const auto column = q.getColumn(i);
      const std::string name = q.getColumnName(i);
      if (column.isNull()) {
        row[name] = nullptr;
      } else if (column.isInteger()) {
        row[name] = column.getInt64();
      } else if (column.isFloat()) {
        row[name] = column.getDouble();
      } else {
        row[name] = column.getString();
      }
    }
    out.push_back(std::move(row));
  }
  return out;
}

bool word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

// `text` with every whole-word `word` replaced (an id "P1" never touches "P10").
std::string replace_word(std::string text, const std::string& word, const std::string& by) {
  if (word.empty()) return text;
  std::size_t at = 0;
  while ((at = text.find(word, at)) != std::string::npos) {
    const bool starts = at == 0 || !word_char(text[at - 1]);
    const bool ends = at + word.size() == text.size() || !word_char(text[at + word.size()]);
    if (starts && ends) {
      text.replace(at, word.size(), by);
      at += by.size();
    } else {
      at += word.size();
    }
  }
  return text;
}

}  // namespace

PrivacyStore::PrivacyStore(SQLite::Database& db) : db_(db) {
  overwrite_deleted(db_);
}

void PrivacyStore::overwrite_deleted(SQLite::Database& db) {
  db.exec("PRAGMA secure_delete = ON");
}

void PrivacyStore::append_audit(const AuditEntry& e) {
  SQLite::Statement s(db_,
                      "INSERT INTO audit_log(at, caller_role, caller_name, command, input, "
                      "subject_count) VALUES (?,?,?,?,?,?)");
  bind_all(s, {e.at, e.caller_role, e.caller_name, e.command, e.input.dump()});
  s.bind(6, e.person_count);
  s.exec();
  const std::int64_t id = db_.getLastInsertRowid();
  SQLite::Statement subject(
      db_, "INSERT OR IGNORE INTO audit_subject(person_id, audit_id) VALUES (?, ?)");
  for (const auto& person : e.person_ids) {
    subject.bind(1, person);
    subject.bind(2, id);
    subject.exec();
    subject.reset();
  }
}

std::vector<PrivacyStore::AuditEntry> PrivacyStore::audit(const std::string& since,
                                                          const std::string& person_id, int limit) {
  std::string sql =
      "SELECT a.id, a.at, a.caller_role, a.caller_name, a.command, a.input, a.subject_count, "
      "(SELECT json_group_array(person_id) FROM audit_subject s WHERE s.audit_id = a.id) "
      "FROM audit_log a WHERE a.at >= ?1 ";
  if (!person_id.empty())
    sql +=
        "AND EXISTS (SELECT 1 FROM audit_subject s WHERE s.audit_id = a.id AND s.person_id = ?2) ";
  sql += "ORDER BY a.id DESC LIMIT ?3";
  SQLite::Statement q(db_, sql);
  q.bind(1, since);
  if (!person_id.empty()) q.bind(2, person_id);
  q.bind(3, limit);
  std::vector<AuditEntry> out;
  while (q.executeStep()) {
    AuditEntry e;
    e.id = q.getColumn(0).getInt64();
    e.at = q.getColumn(1).getString();
    e.caller_role = q.getColumn(2).getString();
    e.caller_name = q.getColumn(3).getString();
    e.command = q.getColumn(4).getString();
    e.input = json::parse(q.getColumn(5).getString());
    e.person_count = q.getColumn(6).getInt64();
    e.person_ids = json::parse(q.getColumn(7).getString()).get<std::vector<std::string>>();
    out.push_back(std::move(e));
  }
  return out;
}

json PrivacyStore::subject_rows(const std::string& p) {
  auto& db = db_;
  const std::string mine = "(SELECT id FROM enrolment WHERE person_id = ?1)";
  const std::string pairs = "(SELECT id FROM pair WHERE mentee_enrolment_id IN " + mine +
                            " OR mentor_enrolment_id IN " + mine + ")";
  json out = json::object();
  out["person"] = rows(db, "SELECT * FROM person WHERE id = ?1", {p});
  out["managers"] = rows(db, "SELECT manager_id FROM person_manager WHERE person_id = ?1", {p});
  out["leave"] = rows(db, "SELECT * FROM leave WHERE person_id = ?1 ORDER BY start_date", {p});
  out["course_completions"] =
      rows(db, "SELECT * FROM course_completion WHERE person_id = ?1 ORDER BY completed_at", {p});
  out["enrolments"] = rows(db, "SELECT * FROM enrolment WHERE person_id = ?1 ORDER BY id", {p});
  out["enrolment_history"] = rows(
      db, "SELECT * FROM enrolment_transition WHERE enrolment_id IN " + mine + " ORDER BY id", {p});
  out["touchpoints"] =
      rows(db, "SELECT * FROM touchpoint WHERE enrolment_id IN " + mine + " ORDER BY id", {p});
  // The pair with the other member's id (the person knows who they were paired with).
  out["pairs"] =
      rows(db,
           "SELECT pr.*, CASE WHEN me.person_id = ?1 THEN mo.person_id ELSE me.person_id "
           "END AS other_member_id, CASE WHEN me.person_id = ?1 THEN 'mentee' ELSE "
           "'mentor' END AS my_role FROM pair pr "
           "JOIN enrolment me ON me.id = pr.mentee_enrolment_id "
           "JOIN enrolment mo ON mo.id = pr.mentor_enrolment_id "
           "WHERE pr.id IN " +
               pairs + " ORDER BY pr.id",
           {p});
  // Sessions: every date and who recorded it; the notes only where the person wrote them.
  out["pair_sessions"] =
      rows(db,
           "SELECT s.id, s.pair_id, s.held_on, s.recorded_by_role, s.recorded_at, "
           "CASE WHEN s.recorded_by_role = (CASE WHEN me.person_id = ?1 THEN 'mentee' ELSE "
           "'mentor' END) THEN s.notes END AS notes_i_wrote FROM pair_session s "
           "JOIN pair pr ON pr.id = s.pair_id JOIN enrolment me ON me.id = pr.mentee_enrolment_id "
           "WHERE s.pair_id IN " +
               pairs + " ORDER BY s.held_on, s.id",
           {p});
  out["pair_requests"] =
      rows(db, "SELECT * FROM pair_request WHERE pair_id IN " + pairs + " ORDER BY pair_id", {p});
  out["pair_declined"] = rows(
      db, "SELECT * FROM pair_declined WHERE mentee_enrolment_id IN " + mine + " OR mentor_id = ?1",
      {p});
  out["pair_forbidden"] =
      rows(db, "SELECT * FROM pair_forbidden WHERE mentee_id = ?1 OR mentor_id = ?1", {p});
  out["pairing_unmatched"] =
      rows(db, "SELECT * FROM pairing_unmatched WHERE enrolment_id IN " + mine, {p});
  out["kickoff_attendance"] =
      rows(db, "SELECT * FROM kickoff_attendance WHERE person_id = ?1", {p});
  out["kickoff_notes"] = rows(db, "SELECT * FROM kickoff_note WHERE mentor_id = ?1", {p});
  out["supervision_groups"] =
      rows(db, "SELECT * FROM supervision_member WHERE person_id = ?1", {p});
  out["supervision_attendance"] =
      rows(db, "SELECT * FROM supervision_attendance WHERE person_id = ?1", {p});
  out["circle_sessions_led"] =
      rows(db, "SELECT * FROM circle_session WHERE mentor_id = ?1 ORDER BY held_on", {p});
  out["circle_attendance"] =
      rows(db,
           "SELECT s.programme_id, s.mentor_id, s.held_on, a.attended FROM circle_attendance a "
           "JOIN circle_session s ON s.id = a.session_id WHERE a.mentee_id = ?1 ORDER BY s.held_on",
           {p});
  out["kit_days"] = rows(db, "SELECT * FROM kit_day WHERE person_id = ?1 ORDER BY day", {p});
  out["kit_days_reported"] =
      rows(db, "SELECT * FROM kit_day_reported WHERE person_id = ?1 ORDER BY day", {p});
  out["return_steps"] = rows(
      db, "SELECT * FROM return_step WHERE person_id = ?1 OR line_manager_id = ?1 ORDER BY due_on",
      {p});
  // Which surveys they were asked to answer, never the token hash; answers are
  // anonymous and cannot be found again.
  out["survey_invitations"] =
      rows(db,
           "SELECT programme_id, survey_id, role, issued_on, used FROM evaluation_invitation "
           "WHERE enrolment_id IN " +
               mine + " ORDER BY issued_on",
           {p});
  // What the plugin sent about them, without any survey token still waiting.
  out["actions"] = rows(db,
                        "SELECT idempotency_key, type, created_at, delivered_at, dropped_at, "
                        "json_remove(payload, '$.payload.token') AS action FROM outbox "
                        "WHERE json_extract(payload, '$.person_id') = ?1 ORDER BY id",
                        {p});
  for (auto& row : out["actions"]) row["action"] = json::parse(row["action"].get<std::string>());
  out["quarantined_records"] =
      rows(db,
           "SELECT adapter, stream, reason, message, excerpt, first_seen, last_seen "
           "FROM sync_quarantine WHERE record_id = ?1",
           {p});
  out["reads_of_their_data"] =
      rows(db,
           "SELECT a.at, a.caller_role, a.caller_name, a.command FROM audit_log a "
           "JOIN audit_subject s ON s.audit_id = a.id WHERE s.person_id = ?1 ORDER BY a.id",
           {p});
  return out;
}

std::unordered_set<std::string> PrivacyStore::erased_hashes(SQLite::Database& db) {
  std::unordered_set<std::string> out;
  SQLite::Statement q(db, "SELECT id_hash FROM privacy_pseudonym WHERE why = 'erasure'");
  while (q.executeStep()) out.insert(q.getColumn(0).getString());
  return out;
}

std::optional<std::string> PrivacyStore::pseudonym_of(const std::string& id_hash) {
  SQLite::Statement q(db_, "SELECT pseudonym FROM privacy_pseudonym WHERE id_hash = ?");
  q.bind(1, id_hash);
  if (!q.executeStep()) return std::nullopt;
  return q.getColumn(0).getString();
}

std::int64_t PrivacyStore::pseudonymise(const std::string& p, const std::string& id_hash,
                                        const std::string& s, const std::string& why,
                                        const std::string& done_on) {
  std::string name, email, number;
  {
    SQLite::Statement q(db_,
                        "SELECT name, COALESCE(email, ''), COALESCE(employee_number, '') "
                        "FROM person WHERE id = ?");
    q.bind(1, p);
    if (q.executeStep()) {
      name = q.getColumn(0).getString();
      email = q.getColumn(1).getString();
      number = q.getColumn(2).getString();
    }
  }
  // Row ids change in place (person, leave): their children follow before the commit.
  db_.exec("PRAGMA defer_foreign_keys = ON");
  std::int64_t changed = 0;
  auto run = [&](const char* sql, std::initializer_list<std::string> values) {
    changed += exec(db_, sql, values);
  };

  // Leave: pseudonymous ids (the HR system's leave id leads back to the person).
  std::vector<std::string> leave_ids;
  {
    SQLite::Statement q(db_, "SELECT id FROM leave WHERE person_id = ? ORDER BY start_date, id");
    q.bind(1, p);
    while (q.executeStep()) leave_ids.push_back(q.getColumn(0).getString());
  }
  for (std::size_t i = 0; i < leave_ids.size(); ++i) {
    const std::string& old_id = leave_ids[i];
    const std::string new_id = s + "-leave-" + std::to_string(i + 1);
    run("UPDATE leave SET id = ?2, person_id = ?3, content_key = '' WHERE id = ?1",
        {old_id, new_id, s});
    run("UPDATE enrolment SET leave_id = ?2 WHERE leave_id = ?1", {old_id, new_id});
    run("UPDATE kit_day SET leave_id = ?2 WHERE leave_id = ?1", {old_id, new_id});
    run("UPDATE return_step SET leave_id = ?2 WHERE leave_id = ?1", {old_id, new_id});
    run("UPDATE kit_day_reported SET leave_id = ?2 WHERE leave_id = ?1", {old_id, new_id});
    run("UPDATE kit_day_reported SET judged_leave = ?2 WHERE judged_leave = ?1", {old_id, new_id});
    run("DELETE FROM outbox WHERE instr('/' || idempotency_key || '/', '/' || ?1 || '/') > 0",
        {old_id});
  }

  // Managers: others keep their chain, with the pseudonym in the person's place.
  run("DELETE FROM person_manager WHERE person_id = ?1", {p});
  run("UPDATE person_manager SET manager_id = ?2 WHERE manager_id = ?1", {p, s});
  run("UPDATE person SET manager_id = ?2 WHERE manager_id = ?1", {p, s});
  run("UPDATE person SET indirect_manager_ids = (SELECT json_group_array(CASE WHEN value = ?1 "
      "THEN ?2 ELSE value END) FROM json_each(person.indirect_manager_ids)) "
      "WHERE id <> ?1 AND EXISTS (SELECT 1 FROM json_each(person.indirect_manager_ids) "
      "WHERE value = ?1)",
      {p, s});

  // Every column that holds a person's id.
  static const char* const kIdColumns[][2] = {{"course_completion", "person_id"},
                                              {"enrolment", "person_id"},
                                              {"enrolment", "consent_recorded_by"},
                                              {"kickoff_attendance", "person_id"},
                                              {"supervision_member", "person_id"},
                                              {"supervision_attendance", "person_id"},
                                              {"pair_proposal", "mentee_accepted_by"},
                                              {"pair_proposal", "mentor_accepted_by"},
                                              {"pair_forbidden", "mentee_id"},
                                              {"pair_forbidden", "mentor_id"},
                                              {"pair_forbidden", "recorded_by"},
                                              {"pair_request", "requested_by"},
                                              {"pair_request", "answered_by"},
                                              {"pair_declined", "mentor_id"},
                                              {"pair_declined", "recorded_by"},
                                              {"circle_session", "mentor_id"},
                                              {"circle_attendance", "mentee_id"},
                                              {"circle_cadence", "mentor_id"},
                                              {"circle_escalation", "mentor_id"},
                                              {"kit_day", "person_id"},
                                              {"kit_day", "recorded_by"},
                                              {"return_step", "person_id"},
                                              {"return_step", "line_manager_id"},
                                              {"return_step", "done_by"},
                                              {"kit_day_reported", "person_id"},
                                              {"audit_subject", "person_id"}};
  for (const auto& [table, column] : kIdColumns) {
    const std::string sql =
        std::string("UPDATE ") + table + " SET " + column + " = ?2 WHERE " + column + " = ?1";
    changed += exec(db_, sql.c_str(), {p, s});
  }

  // What they wrote, and what was written about them.
  const std::string mine = "(SELECT id FROM enrolment WHERE person_id = ?1)";
  const std::string pairs = "(SELECT id FROM pair WHERE mentee_enrolment_id IN " + mine +
                            " OR mentor_enrolment_id IN " + mine + ")";
  changed += exec(db_,
                  "UPDATE enrolment SET goal = NULL, wishes = NULL, mentoring_question = NULL "
                  "WHERE person_id = ?1",
                  {s});
  changed +=
      exec(db_, ("UPDATE pair_session SET notes = NULL WHERE pair_id IN " + pairs).c_str(), {s});
  changed += exec(
      db_, ("UPDATE pair_request SET answer_reason = NULL WHERE pair_id IN " + pairs).c_str(), {s});
  changed += exec(db_,
                  ("UPDATE pair_declined SET reason = '' WHERE mentor_id = ?1 OR "
                   "mentee_enrolment_id IN " +
                   mine)
                      .c_str(),
                  {s});
  changed += exec(
      db_, ("UPDATE pairing_unmatched SET explanation = '' WHERE enrolment_id IN " + mine).c_str(),
      {s});
  run("UPDATE circle_session SET notes = NULL WHERE mentor_id = ?1", {s});
  run("DELETE FROM kickoff_note WHERE mentor_id = ?1", {p});
  run("UPDATE kit_day SET note = NULL WHERE person_id = ?1", {s});
  run("UPDATE kit_day_reported SET note = NULL WHERE person_id = ?1", {s});

  // Words (history causes, audit inputs, pair notes on leave changes, calendar
  // fingerprints) name people by id, name, email or leave id: they are replaced.
  std::vector<std::pair<std::string, std::string>> words = {{p, s}};
  if (!name.empty()) words.emplace_back(name, s);
  if (!email.empty()) words.emplace_back(email, s);
  if (!number.empty()) words.emplace_back(number, s);
  for (std::size_t i = 0; i < leave_ids.size(); ++i)
    words.emplace_back(leave_ids[i], s + "-leave-" + std::to_string(i + 1));
  static const char* const kWordColumns[][2] = {{"enrolment_transition", "cause"},
                                                {"audit_log", "input"},
                                                {"pair", "end_cause"},
                                                {"pair", "leave_dates_changed"},
                                                {"enrolment", "needs_decision"},
                                                {"calendar_event", "fingerprint"}};
  for (const auto& [table, column] : kWordColumns) {
    std::string where;
    for (std::size_t i = 0; i < words.size(); ++i)
      where += std::string(i ? " OR " : "") + "instr(" + column + ", ?" + std::to_string(i + 1) +
               ") > 0";
    SQLite::Statement q(db_, std::string("SELECT rowid, ") + column + " FROM " + table + " WHERE " +
                                 column + " IS NOT NULL AND (" + where + ")");
    for (std::size_t i = 0; i < words.size(); ++i) q.bind(static_cast<int>(i + 1), words[i].first);
    std::vector<std::pair<std::int64_t, std::string>> found;
    while (q.executeStep())
      found.emplace_back(q.getColumn(0).getInt64(), q.getColumn(1).getString());
    SQLite::Statement u(db_,
                        std::string("UPDATE ") + table + " SET " + column + " = ? WHERE rowid = ?");
    for (const auto& [rowid, text] : found) {
      std::string scrubbed = text;
      for (const auto& [word, by] : words) scrubbed = replace_word(scrubbed, word, by);
      if (scrubbed == text) continue;
      u.bind(1, scrubbed);
      u.bind(2, rowid);
      changed += u.exec();
      u.reset();
    }
  }

  // Actions that name them (to them, about them) and records held back by the sync.
  auto mentions = [&](const char* column) {
    return std::string("(instr(") + column + ", '\"' || ?1 || '\"') > 0 OR (?2 <> '' AND instr(" +
           column + ", ?2) > 0) OR (?3 <> '' AND instr(" + column +
           ", ?3) > 0) OR (?4 <> '' AND instr(" + column + ", '\"' || ?4 || '\"') > 0))";
  };
  changed += exec(db_,
                  ("DELETE FROM outbox WHERE " + mentions("payload") +
                   " OR instr('/' || idempotency_key || '/', '/' || ?1 || '/') > 0")
                      .c_str(),
                  {p, name, email, number});
  changed += exec(db_,
                  ("DELETE FROM sync_quarantine WHERE record_id = ?1 OR " + mentions("excerpt") +
                   " OR " + mentions("message") + " OR " + mentions("found"))
                      .c_str(),
                  {p, name, email, number});

  // The person row last: the pseudonym keeps only what figures need.
  run("UPDATE person SET id = ?2, name = ?2, email = NULL, manager_id = NULL, department = NULL, "
      "location = NULL, languages = '', employee_number = NULL, indirect_manager_ids = NULL, "
      "listed_by = NULL, full_read = NULL WHERE id = ?1",
      {p, s});
  // A person pseudonymised by retention whom the HR system sent again came
  // back as a new person: their next pseudonym (or erasure) replaces the row,
  // and nothing links the two pseudonyms.
  run("INSERT INTO privacy_pseudonym(id_hash, pseudonym, why, done_on) VALUES (?1, ?2, ?3, ?4) "
      "ON CONFLICT(id_hash) DO UPDATE SET pseudonym = excluded.pseudonym, why = excluded.why, "
      "done_on = excluded.done_on",
      {id_hash, s, why, done_on});
  return changed;
}

std::vector<PrivacyStore::Finished> PrivacyStore::finished_people() {
  SQLite::Statement q(
      db_,
      "SELECT e.person_id, substr(MAX(MAX(e.updated_at), COALESCE(MAX(t.at), '')), 1, 10) "
      "FROM enrolment e LEFT JOIN enrolment_transition t ON t.enrolment_id = e.id "
      "JOIN person p ON p.id = e.person_id "
      "WHERE NOT (p.id LIKE 'anon-%' AND p.name = p.id AND p.email IS NULL) "
      "GROUP BY e.person_id HAVING SUM(CASE WHEN e.state IN "
      "('declined', 'expired', 'completed', 'withdrawn') THEN 0 ELSE 1 END) = 0 "
      "ORDER BY e.person_id");
  std::vector<Finished> out;
  while (q.executeStep()) out.push_back({q.getColumn(0).getString(), q.getColumn(1).getString()});
  return out;
}

bool PrivacyStore::scrub_file() {
  // A cached statement of the OrgStore left mid-read keeps a read open on the
  // connection (VACUUM and the checkpoint need none); the store resets each
  // before its next use anyway.
  for (sqlite3_stmt* s = sqlite3_next_stmt(db_.getHandle(), nullptr); s != nullptr;
       s = sqlite3_next_stmt(db_.getHandle(), s)) {
    if (sqlite3_stmt_busy(s)) sqlite3_reset(s);
  }
  db_.exec("VACUUM");
  SQLite::Statement q(db_, "PRAGMA wal_checkpoint(TRUNCATE)");
  if (!q.executeStep()) return false;
  return q.getColumn(0).getInt() == 0;  // busy: a reader held it back
}

}  // namespace mentoring::store
