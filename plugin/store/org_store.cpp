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
      cursors_(session_),
      pairs_(session_),
      enrolments_(session_) {}

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
  return enrolments_.enrolments(programme_id);
}

std::vector<Enrolment> OrgStore::enrolments_of(const std::string& person_id) {
  return enrolments_.enrolments_of(person_id);
}

std::optional<Enrolment> OrgStore::enrolment(std::int64_t id) {
  return enrolments_.enrolment(id);
}

std::vector<Enrolment> OrgStore::enrolments_in(const std::vector<EnrolmentState>& states) {
  return enrolments_.enrolments_in(states);
}

std::vector<Enrolment> OrgStore::enrolments_in_states(const std::string& programme_id,
                                                      const std::vector<EnrolmentState>& states,
                                                      std::optional<Role> role) {
  return enrolments_.enrolments_in_states(programme_id, states, role);
}

std::int64_t OrgStore::count_enrolments_in(EnrolmentState state) {
  return enrolments_.count_enrolments_in(state);
}

std::vector<OrgStore::StateCount> OrgStore::count_enrolment_states(
    const std::string& programme_id) {
  return enrolments_.count_enrolment_states(programme_id);
}

void OrgStore::update_details(const Enrolment& e, const std::string& at) {
  enrolments_.update_details(e, at);
}

void OrgStore::set_goal(std::int64_t enrolment_id, const std::string& goal,
                        const std::string& wishes) {
  enrolments_.set_goal(enrolment_id, goal, wishes);
}

std::int64_t OrgStore::insert_enrolment(const Enrolment& e, const std::string& at,
                                        const std::string& cause) {
  return enrolments_.insert_enrolment(e, at, cause);
}

void OrgStore::transition(std::int64_t enrolment_id, EnrolmentState to, const std::string& at,
                          const std::string& cause, std::optional<Phase> phase) {
  enrolments_.transition(enrolment_id, to, at, cause, phase);
}

std::vector<Transition> OrgStore::history(const std::string& person_id) {
  return enrolments_.history(person_id);
}

std::vector<OrgStore::Touchpoint> OrgStore::touchpoints(std::int64_t enrolment_id) {
  return enrolments_.touchpoints(enrolment_id);
}

std::pair<int, bool> OrgStore::schedule_touchpoint(std::int64_t enrolment_id,
                                                   const std::string& name, Date due) {
  return enrolments_.schedule_touchpoint(enrolment_id, name, due);
}

void OrgStore::cancel_touchpoint(std::int64_t enrolment_id, const std::string& name) {
  enrolments_.cancel_touchpoint(enrolment_id, name);
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
  c.open_invitations = enrolments_.count_enrolments_in(EnrolmentState::invited);
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
  c.open_invitations = enrolments_.count_enrolments_in(EnrolmentState::invited);
  return c;
}

}  // namespace mentoring::store
