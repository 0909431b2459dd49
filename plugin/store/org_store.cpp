#include <mentoring/store/org_store.hpp>

#include "columns.hpp"

#include <mentoring/store/migrations.hpp>
#include <mentoring/store/outbox_repository.hpp>
#include <mentoring/store/store_revision.hpp>

#include <SQLiteCpp/Statement.h>

#include <stdexcept>

namespace mentoring::store {

using namespace mentoring::domain;
using namespace columns;

OrgStore::OrgStore(const std::filesystem::path& directory, const std::string& organisation)
    : session_(directory, organisation),
      db_(session_.database()),
      people_(session_),
      cursors_(session_) {}

int OrgStore::schema_version() {
  return current_version(db_);
}

void OrgStore::upsert(const Person& p) {
  people_.upsert(p);
}

void OrgStore::upsert_listed(const Person& p, const std::string& adapter,
                             const std::string& read_id) {
  people_.upsert_listed(p, adapter, read_id);
}

// Records may arrive out of order and more than once. A leave row takes a
// version whose content differs from the stored one when the host changed it
// later (last_changed), or when either version has no last_changed (then the
// newest read wins: a host without change times sends the current record).
// Equal change times are broken by the content, so every order of the same
// updates ends the same way. The content's sort order says nothing else: a
// leave requested then approved is approved, whatever the words sort like.
namespace {

// What a leave version is compared by (its change time aside).
std::string content_key(const Leave& l) {
  return format_date(l.start) + "|" + format_date(l.expected_end) + "|" +
         (l.actual_end ? format_date(*l.actual_end) : "") + "|" + std::string(to_string(l.status)) +
         "|" + std::string(to_string(l.type)) + "|" + l.person_id;
}

// Binds a leave row's nine columns as parameters 1-9, in the order the inserts name
// them (the update numbers its parameters to match).
void bind_leave(SQLite::Statement& s, const Leave& l, const std::string& content) {
  s.bindNoCopy(1, l.id);
  s.bindNoCopy(2, l.person_id);
  s.bind(3, std::string(to_string(l.type)));
  s.bind(4, format_date(l.start));
  s.bind(5, format_date(l.expected_end));
  bind_optional(s, 6, l.actual_end);
  s.bind(7, std::string(to_string(l.status)));
  bind_optional(s, 8, l.last_changed);
  s.bindNoCopy(9, content);
}

}  // namespace

UpsertOutcome OrgStore::upsert(const Leave& l) {
  std::string content = content_key(l);
  SQLite::Statement& stored = prepared("SELECT last_changed, content_key FROM leave WHERE id = ?");
  stored.bindNoCopy(1, l.id);
  if (!stored.executeStep()) {
    SQLite::Statement& s = prepared(
        "INSERT INTO leave(id, person_id, type, start_date, expected_end, "
        "actual_end, status, last_changed, content_key) VALUES (?,?,?,?,?,?,?,?,?)");
    bind_leave(s, l, content);
    s.exec();
    return UpsertOutcome::stored;
  }
  std::optional<std::string> stored_changed = optional_text(stored.getColumn(0));
  std::string stored_content = stored.getColumn(1).getString();
  stored.reset();
  bool later = l.last_changed && stored_changed && *l.last_changed > *stored_changed;
  if (content == stored_content) {
    // The same leave; a later change time is still kept, so that an older
    // version arriving after this one is recognised as older.
    if (l.last_changed && (!stored_changed || later)) {
      SQLite::Statement& s = prepared("UPDATE leave SET last_changed = ? WHERE id = ?");
      bind_optional(s, 1, l.last_changed);
      s.bindNoCopy(2, l.id);
      s.exec();
    }
    return UpsertOutcome::unchanged;
  }
  bool newer = !l.last_changed || !stored_changed || later ||
               (*l.last_changed == *stored_changed && content > stored_content);
  if (!newer) return UpsertOutcome::older;
  SQLite::Statement& s = prepared(
      "UPDATE leave SET person_id = ?2, type = ?3, start_date = ?4, expected_end = ?5, "
      "actual_end = ?6, status = ?7, last_changed = ?8, content_key = ?9 WHERE id = ?1");
  bind_leave(s, l, content);
  s.exec();
  return UpsertOutcome::stored;
}

UpsertOutcome OrgStore::upsert(const CourseCompletion& c) {
  SQLite::Statement& s = prepared(
      "INSERT INTO course_completion(person_id, course_id, completed_at, "
      "expires_at) VALUES (?,?,?,?) ON CONFLICT(person_id, course_id, "
      "completed_at) DO UPDATE SET expires_at=excluded.expires_at "
      "WHERE expires_at IS NOT excluded.expires_at");
  s.bind(1, c.person_id);
  s.bind(2, c.course_id);
  s.bind(3, format_date(c.completed_at));
  bind_optional(s, 4, c.expires_at);
  return s.exec() > 0 ? UpsertOutcome::stored : UpsertOutcome::unchanged;
}

bool OrgStore::has_person(const std::string& id) {
  return people_.has_person(id);
}

void OrgStore::for_each_present_person(const std::function<void(std::string_view)>& visit) {
  people_.for_each_present_person(visit);
}

bool OrgStore::insert_new_leave(const Leave& l) {
  // VALUES, not a SELECT with the overlap check: an INSERT that reads its own
  // table goes through a temporary table (a B-tree opened per leave).
  SQLite::Statement& s = prepared(
      "INSERT INTO leave(id, person_id, type, start_date, expected_end, actual_end, status, "
      "last_changed, content_key) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO NOTHING");
  const std::string content = content_key(l);
  bind_leave(s, l, content);
  return s.exec() > 0;
}

std::vector<std::string> OrgStore::unlisted_after(const std::string& adapter,
                                                  const std::string& read_id) {
  return people_.unlisted_after(adapter, read_id);
}

void OrgStore::mark_absent(const std::vector<std::string>& person_ids, Date since) {
  people_.mark_absent(person_ids, since);
}

std::int64_t OrgStore::listed_count(const std::string& adapter) {
  return people_.listed_count(adapter);
}

bool OrgStore::unlist(const std::string& adapter, const std::string& person_id) {
  return people_.unlist(adapter, person_id);
}

std::optional<std::string> OrgStore::cursor(const std::string& adapter, const std::string& stream) {
  return cursors_.cursor(adapter, stream);
}

void OrgStore::set_cursor(const std::string& adapter, const std::string& stream,
                          const std::string& cursor) {
  cursors_.set_cursor(adapter, stream, cursor);
}

namespace {

constexpr const char* kLeaveColumns =
    "SELECT id, person_id, type, start_date, expected_end, actual_end, status, last_changed "
    "FROM leave ";

Leave read_leave(SQLite::Statement& s) {
  Leave l;
  l.id = s.getColumn(0).getString();
  l.person_id = s.getColumn(1).getString();
  auto type = parse_leave_type(s.getColumn(2).getString());
  auto status = parse_leave_status(s.getColumn(6).getString());
  if (!type || !status)
    throw std::runtime_error("store: leave " + l.id + " has a corrupt type or status");
  l.type = *type;
  l.start = required_date(s.getColumn(3));
  l.expected_end = required_date(s.getColumn(4));
  l.actual_end = optional_date(s.getColumn(5));
  l.status = *status;
  l.last_changed = optional_text(s.getColumn(7));
  return l;
}

constexpr const char* kEnrolmentColumns =
    "SELECT id, person_id, programme_id, role, state, leave_id, phase, created_at, respond_by, "
    "consent_at, started_at, ends_on, needs_decision, leave_fingerprint FROM enrolment ";

Enrolment read_enrolment(SQLite::Statement& s) {
  Enrolment e;
  e.id = s.getColumn(0).getInt64();
  e.person_id = s.getColumn(1).getString();
  e.programme_id = s.getColumn(2).getString();
  e.role = s.getColumn(3).getString() == "mentor" ? Role::mentor : Role::mentee;
  auto state = parse_enrolment_state(s.getColumn(4).getString());
  if (!state)
    throw std::runtime_error("store: enrolment " + std::to_string(e.id) + " has a corrupt state");
  e.state = *state;
  e.leave_id = optional_text(s.getColumn(5));
  if (auto phase = optional_text(s.getColumn(6))) {
    if (*phase == "before_leave") e.phase = Phase::before_leave;
    if (*phase == "on_leave") e.phase = Phase::on_leave;
    if (*phase == "returned") e.phase = Phase::returned;
  }
  if (auto created = optional_text(s.getColumn(7)))
    e.created_on = parse_date(created->substr(0, 10));
  e.respond_by = optional_date(s.getColumn(8));
  if (auto consent = optional_text(s.getColumn(9)))
    e.consent_on = parse_date(consent->substr(0, 10));
  e.started_on = optional_date(s.getColumn(10));
  e.ends_on = optional_date(s.getColumn(11));
  e.needs_decision = optional_text(s.getColumn(12));
  e.leave_fingerprint = optional_text(s.getColumn(13));
  return e;
}

// Every row of a bound statement, read by `read`.
template <class Row>
std::vector<Row> all_rows(SQLite::Statement& s, Row (*read)(SQLite::Statement&)) {
  std::vector<Row> out;
  while (s.executeStep()) out.push_back(read(s));
  return out;
}

}  // namespace

std::vector<Leave> OrgStore::leaves_for_planning(Date from) {
  static const std::string sql =
      std::string(kLeaveColumns) +
      "WHERE start_date >= ?1 OR id IN (SELECT leave_id FROM enrolment "
      "WHERE state NOT IN ('declined','expired','completed','withdrawn') "
      "AND leave_id IS NOT NULL) ORDER BY start_date, id";
  SQLite::Statement& s = prepared(sql.c_str());
  s.bind(1, format_date(from));
  return all_rows(s, &read_leave);
}

std::vector<Leave> OrgStore::leaves_for_planning(Date first, Date last,
                                                 const std::string& programme_id) {
  static const std::string sql =
      std::string(kLeaveColumns) +
      "WHERE start_date BETWEEN ?1 AND ?2 OR id IN (SELECT leave_id FROM enrolment "
      "WHERE programme_id = ?3 AND role IN ('mentee','mentor') "
      "AND state NOT IN ('declined','expired','completed','withdrawn') "
      "AND leave_id IS NOT NULL) ORDER BY start_date, id";
  SQLite::Statement& s = prepared(sql.c_str());
  s.bind(1, format_date(first));
  s.bind(2, format_date(last));
  s.bind(3, programme_id);
  return all_rows(s, &read_leave);
}

std::optional<Leave> OrgStore::leave(const std::string& id) {
  static const std::string sql = std::string(kLeaveColumns) + "WHERE id = ?";
  SQLite::Statement& s = prepared(sql.c_str());
  s.bind(1, id);
  if (!s.executeStep()) return std::nullopt;
  return read_leave(s);
}

std::vector<Leave> OrgStore::leaves_of(const std::string& person_id) {
  static const std::string sql =
      std::string(kLeaveColumns) + "WHERE person_id = ? ORDER BY start_date, id";
  SQLite::Statement& s = prepared(sql.c_str());
  s.bind(1, person_id);
  return all_rows(s, &read_leave);
}

std::optional<std::string> OrgStore::overlapping_leave(const Leave& l) {
  if (l.status == LeaveStatus::cancelled || l.status == LeaveStatus::denied) return std::nullopt;
  SQLite::Statement& s = prepared(
      "SELECT id FROM leave WHERE person_id = ?1 AND id <> ?2 AND "
      "status IN ('approved', 'requested') AND start_date <= ?4 AND "
      "COALESCE(actual_end, expected_end) >= ?3 ORDER BY start_date LIMIT 1");
  s.bind(1, l.person_id);
  s.bind(2, l.id);
  s.bind(3, format_date(l.start));
  s.bind(4, format_date(l.actual_end.value_or(l.expected_end)));
  if (!s.executeStep()) return std::nullopt;
  return s.getColumn(0).getString();
}

std::vector<CourseCompletion> OrgStore::completions_of(const std::string& person_id) {
  SQLite::Statement& s = prepared(
      "SELECT person_id, course_id, completed_at, expires_at FROM "
      "course_completion WHERE person_id = ? ORDER BY completed_at");
  s.bind(1, person_id);
  std::vector<CourseCompletion> out;
  while (s.executeStep()) {
    out.push_back({s.getColumn(0).getString(), s.getColumn(1).getString(),
                   required_date(s.getColumn(2)), optional_date(s.getColumn(3))});
  }
  return out;
}

std::vector<ManagerLink> OrgStore::managers() {
  return people_.managers();
}

std::vector<std::string> OrgStore::managers_of(const std::string& person_id) {
  return people_.managers_of(person_id);
}

std::vector<std::string> OrgStore::manager_links_of(const std::string& person_id) {
  return people_.manager_links_of(person_id);
}

std::vector<PersonCandidate> OrgStore::people_known_as(const std::string& id_or_number) {
  return people_.people_known_as(id_or_number);
}

std::map<std::string, Person> OrgStore::people(const std::set<std::string>& ids) {
  return people_.people(ids);
}

std::vector<Enrolment> OrgStore::enrolments(const std::string& programme_id) {
  static const std::string sql =
      std::string(kEnrolmentColumns) + "WHERE programme_id = ? ORDER BY id";
  SQLite::Statement& s = prepared(sql.c_str());
  s.bind(1, programme_id);
  return all_rows(s, &read_enrolment);
}

std::vector<Enrolment> OrgStore::enrolments_of(const std::string& person_id) {
  static const std::string sql = std::string(kEnrolmentColumns) + "WHERE person_id = ? ORDER BY id";
  SQLite::Statement& s = prepared(sql.c_str());
  s.bind(1, person_id);
  return all_rows(s, &read_enrolment);
}

std::optional<Enrolment> OrgStore::enrolment(std::int64_t id) {
  static const std::string sql = std::string(kEnrolmentColumns) + "WHERE id = ?";
  SQLite::Statement& s = prepared(sql.c_str());
  s.bind(1, id);
  if (!s.executeStep()) return std::nullopt;
  return read_enrolment(s);
}

std::vector<Enrolment> OrgStore::enrolments_in(const std::vector<EnrolmentState>& states) {
  std::string list;
  for (auto state : states)
    list += (list.empty() ? "'" : ",'") + std::string(to_string(state)) + "'";
  SQLite::Statement& s = prepared_dynamic(std::string(kEnrolmentColumns) + "WHERE state IN (" +
                                          list + ") ORDER BY id");
  return all_rows(s, &read_enrolment);
}

std::vector<Enrolment> OrgStore::enrolments_in_states(const std::string& programme_id,
                                                      const std::vector<EnrolmentState>& states,
                                                      std::optional<Role> role) {
  if (states.empty()) return {};
  std::string list;
  for (auto state : states)
    list += (list.empty() ? "'" : ",'") + std::string(to_string(state)) + "'";
  const std::string roles =
      role ? "'" + std::string(to_string(*role)) + "'" : std::string("'mentee','mentor'");
  SQLite::Statement& s =
      prepared_dynamic(std::string(kEnrolmentColumns) + "WHERE programme_id = ? AND role IN (" +
                       roles + ") AND state IN (" + list + ") ORDER BY id");
  s.bind(1, programme_id);
  return all_rows(s, &read_enrolment);
}

std::int64_t OrgStore::count_enrolments_in(EnrolmentState state) {
  SQLite::Statement& s = prepared("SELECT COUNT(*) FROM enrolment WHERE state = ?");
  s.bind(1, std::string(to_string(state)));
  s.executeStep();
  return s.getColumn(0).getInt64();
}

std::vector<OrgStore::StateCount> OrgStore::count_enrolment_states(
    const std::string& programme_id) {
  SQLite::Statement& s = prepared(
      "SELECT role, state, COUNT(*) FROM enrolment WHERE programme_id = ? "
      "GROUP BY role, state ORDER BY role, state");
  s.bind(1, programme_id);
  std::vector<StateCount> out;
  while (s.executeStep()) {
    auto state = parse_enrolment_state(s.getColumn(1).getString());
    if (!state)
      throw std::runtime_error("store: an enrolment of " + programme_id + " has a corrupt state");
    out.push_back({s.getColumn(0).getString() == "mentor" ? Role::mentor : Role::mentee, *state,
                   s.getColumn(2).getInt64()});
  }
  return out;
}

void OrgStore::update_details(const Enrolment& e, const std::string& at) {
  SQLite::Statement& s = prepared(
      "UPDATE enrolment SET phase = ?, respond_by = ?, consent_at = COALESCE(?, consent_at), "
      "started_at = ?, ends_on = ?, needs_decision = ?, leave_fingerprint = ?, "
      "updated_at = ? WHERE id = ?");
  if (e.phase) {
    s.bind(1, std::string(to_string(*e.phase)));
  } else {
    s.bind(1);
  }
  bind_optional(s, 2, e.respond_by);
  bind_optional(s, 3, e.consent_on);
  bind_optional(s, 4, e.started_on);
  bind_optional(s, 5, e.ends_on);
  bind_optional(s, 6, e.needs_decision);
  bind_optional(s, 7, e.leave_fingerprint);
  s.bind(8, at);
  s.bind(9, e.id);
  s.exec();
}

void OrgStore::set_goal(std::int64_t enrolment_id, const std::string& goal,
                        const std::string& wishes) {
  SQLite::Statement& s = prepared("UPDATE enrolment SET goal = ?, wishes = ? WHERE id = ?");
  s.bind(1, goal);
  s.bind(2, wishes);
  s.bind(3, enrolment_id);
  s.exec();
}

std::int64_t OrgStore::insert_enrolment(const Enrolment& e, const std::string& at,
                                        const std::string& cause) {
  SQLite::Statement& s = prepared(
      "INSERT INTO enrolment(person_id, programme_id, role, state, leave_id, "
      "created_at, updated_at, respond_by, consent_at, leave_fingerprint) "
      "VALUES (?,?,?,?,?,?,?,?,?,?)");
  s.bind(1, e.person_id);
  s.bind(2, e.programme_id);
  s.bind(3, std::string(to_string(e.role)));
  s.bind(4, std::string(to_string(e.state)));
  bind_optional(s, 5, e.leave_id);
  s.bind(6, at);
  s.bind(7, at);
  bind_optional(s, 8, e.respond_by);
  bind_optional(s, 9, e.consent_on);
  bind_optional(s, 10, e.leave_fingerprint);
  s.exec();
  std::int64_t id = db_.getLastInsertRowid();
  SQLite::Statement t(db_,
                      "INSERT INTO enrolment_transition(enrolment_id, from_state, to_state, at, "
                      "cause) VALUES (?, NULL, ?, ?, ?)");
  t.bind(1, id);
  t.bind(2, std::string(to_string(e.state)));
  t.bind(3, at);
  t.bind(4, cause);
  t.exec();
  return id;
}

void OrgStore::transition(std::int64_t enrolment_id, EnrolmentState to, const std::string& at,
                          const std::string& cause, std::optional<Phase> phase) {
  if (cause.empty()) throw std::invalid_argument("store: a transition needs a cause");
  SQLite::Statement t(db_,
                      "INSERT INTO enrolment_transition(enrolment_id, from_state, to_state, at, "
                      "cause, phase) SELECT id, state, ?, ?, ?, ? FROM enrolment WHERE id = ?");
  t.bind(1, std::string(to_string(to)));
  t.bind(2, at);
  t.bind(3, cause);
  if (phase) {
    t.bind(4, std::string(to_string(*phase)));
  } else {
    t.bind(4);
  }
  t.bind(5, enrolment_id);
  if (t.exec() != 1) {
    throw std::runtime_error("store: no enrolment " + std::to_string(enrolment_id));
  }
  SQLite::Statement u(db_,
                      "UPDATE enrolment SET state = ?, updated_at = ?, phase = ? WHERE id = ?");
  u.bind(1, std::string(to_string(to)));
  u.bind(2, at);
  if (phase) {
    u.bind(3, std::string(to_string(*phase)));
  } else {
    u.bind(3);
  }
  u.bind(4, enrolment_id);
  u.exec();
}

std::vector<Transition> OrgStore::history(const std::string& person_id) {
  SQLite::Statement& s = prepared(
      "SELECT e.programme_id, e.role, COALESCE(t.from_state, ''), t.to_state, "
      "t.at, t.cause, COALESCE(t.phase, '') FROM enrolment_transition t JOIN enrolment e ON "
      "e.id = t.enrolment_id WHERE e.person_id = ? ORDER BY t.id");
  s.bind(1, person_id);
  std::vector<Transition> out;
  while (s.executeStep()) {
    out.push_back({s.getColumn(0).getString(), s.getColumn(1).getString(),
                   s.getColumn(2).getString(), s.getColumn(3).getString(),
                   s.getColumn(4).getString(), s.getColumn(5).getString(),
                   s.getColumn(6).getString()});
  }
  return out;
}

std::int64_t OrgStore::insert_pair(const std::string& programme_id,
                                   std::int64_t mentee_enrolment_id,
                                   std::int64_t mentor_enrolment_id, PairState state,
                                   const std::string& at) {
  SQLite::Statement& s = prepared(
      "INSERT INTO pair(programme_id, mentee_enrolment_id, mentor_enrolment_id, "
      "state, created_at, accepted_at) VALUES (?,?,?,?,?,?)");
  s.bind(1, programme_id);
  s.bind(2, mentee_enrolment_id);
  s.bind(3, mentor_enrolment_id);
  s.bind(4, std::string(to_string(state)));
  s.bind(5, at);
  if (state == PairState::accepted) {
    s.bind(6, at.substr(0, 10));
  } else {
    s.bind(6);
  }
  s.exec();
  return db_.getLastInsertRowid();
}

void OrgStore::set_pair_state(std::int64_t pair_id, PairState state, const std::string& at,
                              const std::string& cause) {
  SQLite::Statement& s = prepared(
      "UPDATE pair SET state = ?1, "
      "accepted_at = CASE WHEN ?1 = 'accepted' THEN substr(?2, 1, 10) ELSE accepted_at END, "
      "ended_at = CASE WHEN ?1 = 'ended' THEN ?2 ELSE ended_at END, "
      "end_cause = CASE WHEN ?1 = 'ended' THEN ?3 ELSE end_cause END WHERE id = ?4");
  s.bind(1, std::string(to_string(state)));
  s.bind(2, at);
  s.bind(3, cause);
  s.bind(4, pair_id);
  if (s.exec() != 1) throw std::runtime_error("store: no pair " + std::to_string(pair_id));
}

std::vector<Pair> OrgStore::pairs(const std::string& programme_id) {
  SQLite::Statement& s = prepared(
      "SELECT p.id, p.programme_id, p.mentee_enrolment_id, p.mentor_enrolment_id, "
      "me.person_id, mo.person_id, p.state, p.accepted_at, substr(p.ended_at, 1, 10) FROM pair p "
      "JOIN enrolment me ON me.id = p.mentee_enrolment_id "
      "JOIN enrolment mo ON mo.id = p.mentor_enrolment_id "
      "WHERE ?1 = '' OR p.programme_id = ?1 ORDER BY p.id");
  s.bind(1, programme_id);
  std::vector<Pair> out;
  while (s.executeStep()) {
    Pair p;
    p.id = s.getColumn(0).getInt64();
    p.programme_id = s.getColumn(1).getString();
    p.mentee_enrolment_id = s.getColumn(2).getInt64();
    p.mentor_enrolment_id = s.getColumn(3).getInt64();
    p.mentee_id = s.getColumn(4).getString();
    p.mentor_id = s.getColumn(5).getString();
    std::string state = s.getColumn(6).getString();
    p.state = state == "accepted" ? PairState::accepted
              : state == "ended"  ? PairState::ended
                                  : PairState::proposed;
    p.accepted_on = optional_date(s.getColumn(7));
    p.ended_on = optional_date(s.getColumn(8));
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<OrgStore::Touchpoint> OrgStore::touchpoints(std::int64_t enrolment_id) {
  SQLite::Statement& s = prepared(
      "SELECT name, due_on, sequence, state FROM touchpoint WHERE enrolment_id = ? "
      "ORDER BY due_on, name");
  s.bind(1, enrolment_id);
  std::vector<Touchpoint> out;
  while (s.executeStep()) {
    out.push_back({s.getColumn(0).getString(), required_date(s.getColumn(1)),
                   s.getColumn(2).getInt(), s.getColumn(3).getString()});
  }
  return out;
}

std::pair<int, bool> OrgStore::schedule_touchpoint(std::int64_t enrolment_id,
                                                   const std::string& name, Date due) {
  SQLite::Statement find(db_,
                         "SELECT due_on, sequence, state FROM touchpoint WHERE enrolment_id = ? "
                         "AND name = ?");
  find.bind(1, enrolment_id);
  find.bind(2, name);
  if (!find.executeStep()) {
    SQLite::Statement insert(db_,
                             "INSERT INTO touchpoint(enrolment_id, name, due_on) VALUES (?,?,?)");
    insert.bind(1, enrolment_id);
    insert.bind(2, name);
    insert.bind(3, format_date(due));
    insert.exec();
    return {0, true};
  }
  int sequence = find.getColumn(1).getInt();
  bool same = find.getColumn(0).getString() == format_date(due) &&
              find.getColumn(2).getString() == "scheduled";
  find.reset();
  if (same) return {sequence, false};
  SQLite::Statement move(db_,
                         "UPDATE touchpoint SET due_on = ?, sequence = sequence + 1, "
                         "state = 'scheduled' WHERE enrolment_id = ? AND name = ?");
  move.bind(1, format_date(due));
  move.bind(2, enrolment_id);
  move.bind(3, name);
  move.exec();
  return {sequence + 1, true};
}

void OrgStore::cancel_touchpoint(std::int64_t enrolment_id, const std::string& name) {
  SQLite::Statement& s = prepared(
      "UPDATE touchpoint SET state = 'cancelled', sequence = sequence + 1 "
      "WHERE enrolment_id = ? AND name = ? AND state = 'scheduled'");
  s.bind(1, enrolment_id);
  s.bind(2, name);
  s.exec();
}

void OrgStore::mark_pair_leave_changed(std::int64_t pair_id, const std::string& what) {
  SQLite::Statement& s = prepared("UPDATE pair SET leave_dates_changed = ? WHERE id = ?");
  s.bind(1, what);
  s.bind(2, pair_id);
  s.exec();
}

void OrgStore::clear_pair_leave_changed(std::int64_t pair_id) {
  SQLite::Statement& s = prepared("UPDATE pair SET leave_dates_changed = NULL WHERE id = ?");
  s.bind(1, pair_id);
  s.exec();
}

std::vector<std::pair<Pair, std::string>> OrgStore::pairs_with_leave_changes() {
  SQLite::Statement& s = prepared(
      "SELECT id, leave_dates_changed FROM pair WHERE leave_dates_changed IS NOT NULL "
      "AND state <> 'ended' ORDER BY id");
  std::map<std::int64_t, std::string> changed;
  while (s.executeStep()) changed[s.getColumn(0).getInt64()] = s.getColumn(1).getString();
  std::vector<std::pair<Pair, std::string>> out;
  for (auto& p : pairs()) {
    auto it = changed.find(p.id);
    if (it != changed.end()) out.emplace_back(p, it->second);
  }
  return out;
}

Counts OrgStore::counts() {
  auto count = [&](const char* sql) {
    SQLite::Statement& s = prepared(sql);
    s.executeStep();
    return s.getColumn(0).getInt64();
  };
  Counts c;
  c.people = people_.count_present();
  c.absent_people = people_.count_absent();
  c.leave = count("SELECT COUNT(*) FROM leave");
  c.course_completions = count("SELECT COUNT(*) FROM course_completion");
  c.open_invitations = count("SELECT COUNT(*) FROM enrolment WHERE state = 'invited'");
  c.pending_actions = SqliteOutboxRepository(session_).count(OutboxState::pending);
  return c;
}

Counts OrgStore::totals() {
  auto count = [&](const char* sql) {
    SQLite::Statement& s = prepared(sql);
    s.executeStep();
    return s.getColumn(0).getInt64();
  };
  Counts c;
  c.people = people_.count_present();
  c.leave = count("SELECT COUNT(*) FROM leave");
  c.course_completions = count("SELECT COUNT(*) FROM course_completion");
  c.open_invitations = count_enrolments_in(EnrolmentState::invited);
  return c;
}

}  // namespace mentoring::store
