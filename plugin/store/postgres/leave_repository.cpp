#include <mentoring/store/postgres/leave_repository.hpp>

#include "../leave_rows.hpp"
#include "../leave_versions.hpp"
#include "values.hpp"

#include <pqxx/pqxx>

namespace mentoring::store::postgres {

using namespace mentoring::domain;
using namespace values;
using store::leave_rows::kCompletionColumns;
using store::leave_rows::kLeaveColumns;

namespace {

std::vector<Leave> read_leaves(const pqxx::result& rows) {
  return all_rows(rows, [](const PostgresRow& row) { return leave_rows::leave(row); });
}

std::vector<CourseCompletion> read_completions(const pqxx::result& rows) {
  return all_rows(rows, [](const PostgresRow& row) { return leave_rows::completion(row); });
}

// A leave row's columns after org_id, as parameters $2-$10 in the order the inserts name them
// (the update numbers its parameters to match).
pqxx::result exec_with_leave(pqxx::work& txn, const char* statement, const std::string& org_id,
                             const Leave& l, const std::string& content) {
  return txn.exec_prepared(statement, org_id, l.id, l.person_id, std::string(to_string(l.type)),
                           format_date(l.start), format_date(l.expected_end),
                           nullable(optional_date_text(l.actual_end)),
                           std::string(to_string(l.status)), nullable(l.last_changed), content);
}

constexpr const char* kInsertLeave =
    "INSERT INTO leave(org_id, id, person_id, type, start_date, expected_end, actual_end, "
    "status, last_changed, content_key) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)";

}  // namespace

PostgresLeaveRepository::PostgresLeaveRepository(OrgSession& session) : session_(session) {
  // Ids sort as SQLite compares them, byte by byte (COLLATE "C"), whatever the database's
  // collation; ISO dates sort alike in any.
  static const std::string insert_new =
      std::string(kInsertLeave) + " ON CONFLICT (org_id, id) DO NOTHING";
  static const std::string by_id = std::string(kLeaveColumns) + "WHERE org_id = $1 AND id = $2";
  static const std::string of_person =
      std::string(kLeaveColumns) +
      "WHERE org_id = $1 AND person_id = $2 ORDER BY start_date, id COLLATE \"C\"";
  static const std::string for_planning_from =
      std::string(kLeaveColumns) +
      "WHERE org_id = $1 AND (start_date >= $2 OR id IN (SELECT leave_id FROM enrolment "
      "WHERE org_id = $1 AND state NOT IN ('declined','expired','completed','withdrawn') "
      "AND leave_id IS NOT NULL)) ORDER BY start_date, id COLLATE \"C\"";
  static const std::string for_planning_window =
      std::string(kLeaveColumns) +
      "WHERE org_id = $1 AND (start_date BETWEEN $2 AND $3 OR id IN (SELECT leave_id "
      "FROM enrolment WHERE org_id = $1 AND programme_id = $4 AND role IN ('mentee','mentor') "
      "AND state NOT IN ('declined','expired','completed','withdrawn') "
      "AND leave_id IS NOT NULL)) ORDER BY start_date, id COLLATE \"C\"";
  static const std::string completions_of =
      std::string(kCompletionColumns) +
      "WHERE org_id = $1 AND person_id = $2 ORDER BY completed_at, course_id COLLATE \"C\"";
  static const std::string all_completions =
      std::string(kCompletionColumns) +
      "WHERE org_id = $1 ORDER BY person_id COLLATE \"C\", course_id COLLATE \"C\", "
      "completed_at";
  static const std::string completions_after =
      std::string(kCompletionColumns) +
      "WHERE org_id = $1 AND completed_at > $2 ORDER BY person_id COLLATE \"C\", "
      "course_id COLLATE \"C\", completed_at";

  // The stored version is locked until the transaction ends, so two writers of one leave
  // judge one after the other.
  session_.prepare("leave.stored",
                   "SELECT last_changed, content_key FROM leave WHERE org_id = $1 AND id = $2 "
                   "FOR UPDATE");
  session_.prepare("leave.insert", kInsertLeave);
  session_.prepare("leave.insert_new", insert_new.c_str());
  session_.prepare("leave.keep_change_time",
                   "UPDATE leave SET last_changed = $3 WHERE org_id = $1 AND id = $2");
  session_.prepare("leave.replace",
                   "UPDATE leave SET person_id = $3, type = $4, start_date = $5, "
                   "expected_end = $6, actual_end = $7, status = $8, last_changed = $9, "
                   "content_key = $10 WHERE org_id = $1 AND id = $2");
  session_.prepare("leave.by_id", by_id.c_str());
  session_.prepare("leave.of_person", of_person.c_str());
  session_.prepare("leave.for_planning_from", for_planning_from.c_str());
  session_.prepare("leave.for_planning_window", for_planning_window.c_str());
  // In start order from the index on organisation, person and start (migration 8).
  session_.prepare("leave.overlapping",
                   "SELECT id FROM leave WHERE org_id = $1 AND person_id = $2 AND id <> $3 AND "
                   "status IN ('approved', 'requested') AND start_date <= $5 AND "
                   "COALESCE(actual_end, expected_end) >= $4 ORDER BY start_date LIMIT 1");
  session_.prepare("leave.count", "SELECT count(*) FROM leave WHERE org_id = $1");

  session_.prepare("completion.upsert",
                   "INSERT INTO course_completion(org_id, person_id, course_id, completed_at, "
                   "expires_at) VALUES ($1,$2,$3,$4,$5) ON CONFLICT (org_id, person_id, "
                   "course_id, completed_at) DO UPDATE SET expires_at = excluded.expires_at "
                   "WHERE course_completion.expires_at IS DISTINCT FROM excluded.expires_at");
  session_.prepare("completion.of_person", completions_of.c_str());
  session_.prepare("completion.all", all_completions.c_str());
  session_.prepare("completion.after", completions_after.c_str());
  session_.prepare("completion.count", "SELECT count(*) FROM course_completion WHERE org_id = $1");
}

UpsertOutcome PostgresLeaveRepository::upsert(const Leave& l) {
  const std::string content = leave_versions::content_key(l);
  return session_.run("storing leave", [&](pqxx::work& txn) {
    const auto& org = session_.org_id();
    const auto stored = txn.exec_prepared("leave.stored", org, l.id);
    if (stored.empty()) {
      exec_with_leave(txn, "leave.insert", org, l, content);
      return UpsertOutcome::stored;
    }
    const leave_versions::Stored version{optional_text(stored[0][0]),
                                         stored[0][1].as<std::string>()};
    switch (leave_versions::judge(l, content, version)) {
      case leave_versions::Verdict::unchanged:
        return UpsertOutcome::unchanged;
      case leave_versions::Verdict::unchanged_later_change:
        txn.exec_prepared("leave.keep_change_time", org, l.id, nullable(l.last_changed));
        return UpsertOutcome::unchanged;
      case leave_versions::Verdict::older:
        return UpsertOutcome::older;
      case leave_versions::Verdict::replace:
        break;
    }
    exec_with_leave(txn, "leave.replace", org, l, content);
    return UpsertOutcome::stored;
  });
}

bool PostgresLeaveRepository::insert_new_leave(const Leave& l) {
  const std::string content = leave_versions::content_key(l);
  return session_.run("storing new leave", [&](pqxx::work& txn) {
    return exec_with_leave(txn, "leave.insert_new", session_.org_id(), l, content).affected_rows() >
           0;
  });
}

std::optional<Leave> PostgresLeaveRepository::leave(const std::string& id) {
  return session_.run("reading leave", [&](pqxx::work& txn) -> std::optional<Leave> {
    const auto rows = txn.exec_prepared("leave.by_id", session_.org_id(), id);
    if (rows.empty()) return std::nullopt;
    return leave_rows::leave(PostgresRow{rows[0]});
  });
}

std::vector<Leave> PostgresLeaveRepository::leaves_of(const std::string& person_id) {
  return session_.run("reading a person's leave", [&](pqxx::work& txn) {
    return read_leaves(txn.exec_prepared("leave.of_person", session_.org_id(), person_id));
  });
}

std::vector<Leave> PostgresLeaveRepository::leaves_for_planning(Date from) {
  return session_.run("reading leave for planning", [&](pqxx::work& txn) {
    return read_leaves(
        txn.exec_prepared("leave.for_planning_from", session_.org_id(), format_date(from)));
  });
}

std::vector<Leave> PostgresLeaveRepository::leaves_for_planning(Date first, Date last,
                                                                const std::string& programme_id) {
  return session_.run("reading leave for planning", [&](pqxx::work& txn) {
    return read_leaves(txn.exec_prepared("leave.for_planning_window", session_.org_id(),
                                         format_date(first), format_date(last), programme_id));
  });
}

std::optional<std::string> PostgresLeaveRepository::overlapping_leave(const Leave& l) {
  if (l.status == LeaveStatus::cancelled || l.status == LeaveStatus::denied) return std::nullopt;
  return session_.run("checking leave for overlaps", [&](pqxx::work& txn) {
    const auto rows =
        txn.exec_prepared("leave.overlapping", session_.org_id(), l.person_id, l.id,
                          format_date(l.start), format_date(l.actual_end.value_or(l.expected_end)));
    return rows.empty() ? std::nullopt : std::optional<std::string>(rows[0][0].as<std::string>());
  });
}

UpsertOutcome PostgresLeaveRepository::upsert(const CourseCompletion& c) {
  return session_.run("storing a course completion", [&](pqxx::work& txn) {
    const auto result =
        txn.exec_prepared("completion.upsert", session_.org_id(), c.person_id, c.course_id,
                          format_date(c.completed_at), nullable(optional_date_text(c.expires_at)));
    return result.affected_rows() > 0 ? UpsertOutcome::stored : UpsertOutcome::unchanged;
  });
}

std::vector<CourseCompletion> PostgresLeaveRepository::completions_of(
    const std::string& person_id) {
  return session_.run("reading a person's course completions", [&](pqxx::work& txn) {
    return read_completions(
        txn.exec_prepared("completion.of_person", session_.org_id(), person_id));
  });
}

std::vector<CourseCompletion> PostgresLeaveRepository::all_completions() {
  return session_.run("reading course completions", [&](pqxx::work& txn) {
    return read_completions(txn.exec_prepared("completion.all", session_.org_id()));
  });
}

std::vector<CourseCompletion> PostgresLeaveRepository::completions_after(Date today) {
  return session_.run("reading future course completions", [&](pqxx::work& txn) {
    return read_completions(
        txn.exec_prepared("completion.after", session_.org_id(), format_date(today)));
  });
}

std::int64_t PostgresLeaveRepository::count_leave() {
  return session_.run("counting leave", [&](pqxx::work& txn) {
    return txn.exec_prepared("leave.count", session_.org_id())[0][0].as<std::int64_t>();
  });
}

std::int64_t PostgresLeaveRepository::count_completions() {
  return session_.run("counting course completions", [&](pqxx::work& txn) {
    return txn.exec_prepared("completion.count", session_.org_id())[0][0].as<std::int64_t>();
  });
}

}  // namespace mentoring::store::postgres
