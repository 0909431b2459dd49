#include <mentoring/store/pair_repository.hpp>

#include <algorithm>
#include <tuple>

#include "columns.hpp"
#include "pair_rows.hpp"

#include <SQLiteCpp/VariadicBind.h>

#include <SQLiteCpp/Statement.h>

#include <stdexcept>

namespace mentoring::store {

using namespace columns;
using namespace pair_rows;
using namespace mentoring::domain;

namespace {

ProposalDetails details_from(SQLite::Statement& row) {
  ProposalDetails d;
  d.pair_id = row.getColumn(0).getInt64();
  d.score = row.getColumn(1).getDouble();
  d.locked = row.getColumn(2).getInt() != 0;
  d.proposed_at = row.getColumn(3).getString();
  d.mentee_accepted_by = optional_text(row.getColumn(4));
  d.mentor_accepted_by = optional_text(row.getColumn(5));
  return d;
}

constexpr const char* kDetailsColumns =
    "SELECT pp.pair_id, pp.score, pp.locked, pp.proposed_at, pp.mentee_accepted_by, "
    "pp.mentor_accepted_by FROM pair_proposal pp ";

}  // namespace

void SqlitePairRepository::save_proposal(std::int64_t pair_id,
                                         const std::vector<CriterionScore>& breakdown,
                                         const std::string& at) {
  double total = 0;
  SQLite::Statement& score = session_.prepared(
      "INSERT INTO pair_score(pair_id, position, criterion, contribution) "
      "VALUES (?, ?, ?, ?)");
  for (std::size_t i = 0; i < breakdown.size(); ++i) {
    total += breakdown[i].contribution;
    score.bind(1, pair_id);
    score.bind(2, static_cast<std::int64_t>(i));
    score.bind(3, breakdown[i].criterion);
    score.bind(4, breakdown[i].contribution);
    score.exec();
    score.reset();
  }
  SQLite::Statement& s =
      session_.prepared("INSERT INTO pair_proposal(pair_id, score, proposed_at) VALUES (?, ?, ?)");
  s.bind(1, pair_id);
  s.bind(2, total);
  s.bind(3, at);
  s.exec();
}

std::optional<ProposalDetails> SqlitePairRepository::proposal(std::int64_t pair_id) {
  SQLite::Statement& s =
      session_.prepared_dynamic(std::string(kDetailsColumns) + "WHERE pp.pair_id = ?");
  s.bind(1, pair_id);
  if (!s.executeStep()) return std::nullopt;
  ProposalDetails d = details_from(s);
  SQLite::Statement& scores = session_.prepared(
      "SELECT criterion, contribution FROM pair_score WHERE pair_id = ? "
      "ORDER BY position");
  scores.bind(1, pair_id);
  while (scores.executeStep()) {
    d.breakdown.push_back({scores.getColumn(0).getString(), scores.getColumn(1).getDouble()});
  }
  return d;
}

std::map<std::int64_t, ProposalDetails> SqlitePairRepository::proposals(
    const std::string& programme_id) {
  std::map<std::int64_t, ProposalDetails> out;
  SQLite::Statement& s = session_.prepared_dynamic(
      std::string(kDetailsColumns) + "JOIN pair p ON p.id = pp.pair_id WHERE p.programme_id = ?");
  s.bind(1, programme_id);
  while (s.executeStep()) {
    ProposalDetails d = details_from(s);
    out.emplace(d.pair_id, std::move(d));
  }
  SQLite::Statement& scores = session_.prepared(
      "SELECT ps.pair_id, ps.criterion, ps.contribution FROM pair_score ps "
      "JOIN pair p ON p.id = ps.pair_id WHERE p.programme_id = ? "
      "ORDER BY ps.pair_id, ps.position");
  scores.bind(1, programme_id);
  while (scores.executeStep()) {
    auto it = out.find(scores.getColumn(0).getInt64());
    if (it == out.end()) continue;
    it->second.breakdown.push_back(
        {scores.getColumn(1).getString(), scores.getColumn(2).getDouble()});
  }
  return out;
}

void SqlitePairRepository::set_locked(std::int64_t pair_id, bool locked) {
  SQLite::Statement& s = session_.prepared("UPDATE pair_proposal SET locked = ? WHERE pair_id = ?");
  s.bind(1, locked ? 1 : 0);
  s.bind(2, pair_id);
  if (s.exec() != 1) throw std::runtime_error("store: no proposal " + std::to_string(pair_id));
}

void SqlitePairRepository::record_acceptance(std::int64_t pair_id, domain::Role side,
                                             const std::string& by) {
  SQLite::Statement& s =
      session_.prepared(side == domain::Role::mentee
                            ? "UPDATE pair_proposal SET mentee_accepted_by = ? WHERE pair_id = ?"
                            : "UPDATE pair_proposal SET mentor_accepted_by = ? WHERE pair_id = ?");
  s.bind(1, by);
  s.bind(2, pair_id);
  if (s.exec() != 1) throw std::runtime_error("store: no proposal " + std::to_string(pair_id));
}

void SqlitePairRepository::discard(std::int64_t pair_id) {
  SQLite::Statement& state = session_.prepared("SELECT state FROM pair WHERE id = ?");
  state.bind(1, pair_id);
  const bool proposed = state.executeStep() && state.getColumn(0).getString() == "proposed";
  state.reset();  // no read left open under the deletes (their autocommit would wait for it)
  if (!proposed)
    throw std::runtime_error("store: pair " + std::to_string(pair_id) + " is not a proposal");
  for (const char* sql :
       {"DELETE FROM pair_score WHERE pair_id = ?", "DELETE FROM pair_proposal WHERE pair_id = ?",
        "DELETE FROM pair_request WHERE pair_id = ?", "DELETE FROM pair WHERE id = ?"}) {
    SQLite::Statement& s = session_.prepared(sql);
    s.bind(1, pair_id);
    s.exec();
  }
}

void SqlitePairRepository::forbid(const std::string& programme_id, const ForbiddenPair& pair) {
  SQLite::Statement& s = session_.prepared(
      "INSERT OR IGNORE INTO pair_forbidden(programme_id, mentee_id, mentor_id, "
      "recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?)");
  s.bind(1, programme_id);
  s.bind(2, pair.mentee_id);
  s.bind(3, pair.mentor_id);
  s.bind(4, pair.recorded_by);
  s.bind(5, pair.at);
  s.exec();
}

std::vector<ForbiddenPair> SqlitePairRepository::forbidden(const std::string& programme_id) {
  SQLite::Statement& s = session_.prepared(
      "SELECT mentee_id, mentor_id, recorded_by, recorded_at FROM pair_forbidden "
      "WHERE programme_id = ? ORDER BY mentee_id, mentor_id");
  s.bind(1, programme_id);
  std::vector<ForbiddenPair> out;
  while (s.executeStep()) {
    out.push_back({s.getColumn(0).getString(), s.getColumn(1).getString(),
                   s.getColumn(2).getString(), s.getColumn(3).getString()});
  }
  return out;
}

void SqlitePairRepository::replace_unmatched(const std::string& programme_id,
                                             const std::vector<UnmatchedNote>& notes,
                                             const std::string& at) {
  // The same list as stored is left as it is (noted_at: when first noted): a pairing run
  // that changes nothing writes nothing, so the next run may skip the passes (issue 16).
  using Row = std::tuple<std::int64_t, std::string, std::string>;
  std::vector<Row> stored, given;
  {
    SQLite::Statement& q = session_.prepared(
        "SELECT enrolment_id, reason, explanation FROM pairing_unmatched "
        "WHERE programme_id = ?");
    q.bind(1, programme_id);
    while (q.executeStep())
      stored.emplace_back(q.getColumn(0).getInt64(), q.getColumn(1).getString(),
                          q.getColumn(2).getString());
  }
  for (const auto& note : notes)
    given.emplace_back(note.enrolment_id, note.reason, note.explanation);
  std::sort(stored.begin(), stored.end());
  std::sort(given.begin(), given.end());
  if (stored == given) return;
  SQLite::Statement& clear =
      session_.prepared("DELETE FROM pairing_unmatched WHERE programme_id = ?");
  clear.bind(1, programme_id);
  clear.exec();
  SQLite::Statement& s = session_.prepared(
      "INSERT INTO pairing_unmatched(programme_id, enrolment_id, reason, explanation, "
      "noted_at) VALUES (?, ?, ?, ?, ?)");
  for (const auto& note : notes) {
    s.bind(1, programme_id);
    s.bind(2, note.enrolment_id);
    s.bind(3, note.reason);
    s.bind(4, note.explanation);
    s.bind(5, at);
    s.exec();
    s.reset();
  }
}

std::vector<UnmatchedNote> SqlitePairRepository::unmatched(const std::string& programme_id) {
  SQLite::Statement& s = session_.prepared(
      "SELECT u.enrolment_id, e.person_id, u.reason, u.explanation FROM pairing_unmatched u "
      "JOIN enrolment e ON e.id = u.enrolment_id WHERE u.programme_id = ? "
      "ORDER BY u.enrolment_id");
  s.bind(1, programme_id);
  std::vector<UnmatchedNote> out;
  while (s.executeStep()) {
    out.push_back({s.getColumn(0).getInt64(), s.getColumn(1).getString(),
                   s.getColumn(2).getString(), s.getColumn(3).getString()});
  }
  return out;
}

std::string SqlitePairRepository::wishes(std::int64_t enrolment_id) {
  SQLite::Statement& s =
      session_.prepared("SELECT COALESCE(wishes, '') FROM enrolment WHERE id = ?");
  s.bind(1, enrolment_id);
  return s.executeStep() ? s.getColumn(0).getString() : std::string();
}

bool SqlitePairRepository::unforbid(const std::string& programme_id, const std::string& mentee_id,
                                    const std::string& mentor_id) {
  SQLite::Statement& s = session_.prepared(
      "DELETE FROM pair_forbidden WHERE programme_id = ? AND mentee_id = ? AND "
      "mentor_id = ?");
  s.bind(1, programme_id);
  s.bind(2, mentee_id);
  s.bind(3, mentor_id);
  return s.exec() == 1;
}

void SqlitePairRepository::set_private_notes(std::int64_t enrolment_id,
                                             const std::optional<std::string>& goal,
                                             const std::optional<std::string>& wishes,
                                             const std::optional<std::string>& mentoring_question) {
  SQLite::Statement& s = session_.prepared(
      "UPDATE enrolment SET goal = CASE WHEN ?1 THEN ?2 ELSE goal END, "
      "wishes = CASE WHEN ?3 THEN ?4 ELSE wishes END, "
      "mentoring_question = CASE WHEN ?5 THEN ?6 ELSE mentoring_question END "
      "WHERE id = ?7");
  s.bind(1, goal.has_value() ? 1 : 0);
  s.bind(2, goal.value_or(""));
  s.bind(3, wishes.has_value() ? 1 : 0);
  s.bind(4, wishes.value_or(""));
  s.bind(5, mentoring_question.has_value() ? 1 : 0);
  s.bind(6, mentoring_question.value_or(""));
  s.bind(7, enrolment_id);
  if (s.exec() != 1)
    throw std::runtime_error("store: no enrolment " + std::to_string(enrolment_id));
}

PrivateNotes SqlitePairRepository::private_notes(std::int64_t enrolment_id) {
  SQLite::Statement& s = session_.prepared(
      "SELECT COALESCE(goal, ''), COALESCE(wishes, ''), "
      "COALESCE(mentoring_question, '') FROM enrolment WHERE id = ?");
  s.bind(1, enrolment_id);
  if (!s.executeStep()) return {};
  return {s.getColumn(0).getString(), s.getColumn(1).getString(), s.getColumn(2).getString()};
}

void SqlitePairRepository::save_request(std::int64_t pair_id, const std::string& requested_by,
                                        const std::string& at) {
  SQLite::Statement& s = session_.prepared(
      "INSERT INTO pair_request(pair_id, requested_by, requested_at) VALUES (?, ?, ?)");
  s.bind(1, pair_id);
  s.bind(2, requested_by);
  s.bind(3, at);
  s.exec();
}

std::optional<MentorRequest> SqlitePairRepository::request(std::int64_t pair_id) {
  SQLite::Statement& s = session_.prepared(
      "SELECT pair_id, requested_by, requested_at, answer, answer_reason, "
      "answered_by FROM pair_request WHERE pair_id = ?");
  s.bind(1, pair_id);
  if (!s.executeStep()) return std::nullopt;
  return MentorRequest{s.getColumn(0).getInt64(),     s.getColumn(1).getString(),
                       s.getColumn(2).getString(),    optional_text(s.getColumn(3)),
                       optional_text(s.getColumn(4)), optional_text(s.getColumn(5))};
}

std::vector<std::int64_t> SqlitePairRepository::open_requests(const std::string& programme_id) {
  SQLite::Statement& s = session_.prepared(
      "SELECT r.pair_id FROM pair_request r JOIN pair p ON p.id = r.pair_id "
      "WHERE p.programme_id = ? AND p.state = 'proposed' AND r.answer IS NULL "
      "ORDER BY r.pair_id");
  s.bind(1, programme_id);
  std::vector<std::int64_t> out;
  while (s.executeStep()) out.push_back(s.getColumn(0).getInt64());
  return out;
}

void SqlitePairRepository::record_answer(std::int64_t pair_id, const std::string& answer,
                                         const std::string& reason, const std::string& by,
                                         const std::string& at) {
  SQLite::Statement& s = session_.prepared(
      "UPDATE pair_request SET answer = ?, answer_reason = ?, answered_by = ?, "
      "answered_at = ? WHERE pair_id = ?");
  s.bind(1, answer);
  s.bind(2, reason);
  s.bind(3, by);
  s.bind(4, at);
  s.bind(5, pair_id);
  if (s.exec() != 1) throw std::runtime_error("store: no request " + std::to_string(pair_id));
}

void SqlitePairRepository::record_decline(const std::string& programme_id,
                                          std::int64_t mentee_enrolment_id,
                                          const std::string& mentor_id, const std::string& reason,
                                          const std::string& by, const std::string& at) {
  SQLite::Statement& s = session_.prepared(
      "INSERT OR REPLACE INTO pair_declined(programme_id, mentee_enrolment_id, "
      "mentor_id, reason, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?)");
  s.bind(1, programme_id);
  s.bind(2, mentee_enrolment_id);
  s.bind(3, mentor_id);
  s.bind(4, reason);
  s.bind(5, by);
  s.bind(6, at);
  s.exec();
}

std::vector<std::string> SqlitePairRepository::declined_by(std::int64_t mentee_enrolment_id) {
  SQLite::Statement& s = session_.prepared(
      "SELECT mentor_id FROM pair_declined WHERE mentee_enrolment_id = ? "
      "ORDER BY mentor_id");
  s.bind(1, mentee_enrolment_id);
  std::vector<std::string> out;
  while (s.executeStep()) out.push_back(s.getColumn(0).getString());
  return out;
}

std::int64_t SqlitePairRepository::insert_pair(const std::string& programme_id,
                                               std::int64_t mentee_enrolment_id,
                                               std::int64_t mentor_enrolment_id, PairState state,
                                               const std::string& at) {
  SQLite::Statement& s = session_.prepared(
      "INSERT INTO pair(programme_id, mentee_enrolment_id, mentor_enrolment_id, "
      "state, created_at, accepted_at) VALUES (?,?,?,?,?,?)");
  SQLite::bind(s, programme_id, mentee_enrolment_id, mentor_enrolment_id,
               std::string(to_string(state)), at);
  bind_optional(s, 6,
                state == PairState::accepted ? std::optional(at.substr(0, 10)) : std::nullopt);
  s.exec();
  return session_.database().getLastInsertRowid();
}

void SqlitePairRepository::set_pair_state(std::int64_t pair_id, PairState state,
                                          const std::string& at, const std::string& cause) {
  SQLite::Statement& s = session_.prepared(
      "UPDATE pair SET state = ?1, "
      "accepted_at = CASE WHEN ?1 = 'accepted' THEN substr(?2, 1, 10) ELSE accepted_at END, "
      "ended_at = CASE WHEN ?1 = 'ended' THEN ?2 ELSE ended_at END, "
      "end_cause = CASE WHEN ?1 = 'ended' THEN ?3 ELSE end_cause END WHERE id = ?4");
  SQLite::bind(s, std::string(to_string(state)), at, cause, pair_id);
  if (s.exec() != 1) throw std::runtime_error("store: no pair " + std::to_string(pair_id));
}

std::vector<Pair> SqlitePairRepository::pairs(const std::string& programme_id) {
  SQLite::Statement& s = session_.prepared(
      "SELECT p.id, p.programme_id, p.mentee_enrolment_id, p.mentor_enrolment_id, "
      "me.person_id, mo.person_id, p.state, p.accepted_at, substr(p.ended_at, 1, 10) FROM pair p "
      "JOIN enrolment me ON me.id = p.mentee_enrolment_id "
      "JOIN enrolment mo ON mo.id = p.mentor_enrolment_id "
      "WHERE ?1 = '' OR p.programme_id = ?1 ORDER BY p.id");
  SQLite::bind(s, programme_id);
  std::vector<Pair> out;
  while (s.executeStep()) {
    Pair p;
    p.id = s.getColumn(0).getInt64();
    p.programme_id = s.getColumn(1).getString();
    p.mentee_enrolment_id = s.getColumn(2).getInt64();
    p.mentor_enrolment_id = s.getColumn(3).getInt64();
    p.mentee_id = s.getColumn(4).getString();
    p.mentor_id = s.getColumn(5).getString();
    p.state = pair_state(s.getColumn(6).getString());
    p.accepted_on = optional_date(s.getColumn(7));
    p.ended_on = optional_date(s.getColumn(8));
    out.push_back(std::move(p));
  }
  return out;
}

void SqlitePairRepository::mark_pair_leave_changed(std::int64_t pair_id, const std::string& what) {
  SQLite::Statement& s = session_.prepared("UPDATE pair SET leave_dates_changed = ? WHERE id = ?");
  SQLite::bind(s, what, pair_id);
  s.exec();
}

void SqlitePairRepository::clear_pair_leave_changed(std::int64_t pair_id) {
  SQLite::Statement& s =
      session_.prepared("UPDATE pair SET leave_dates_changed = NULL WHERE id = ?");
  SQLite::bind(s, pair_id);
  s.exec();
}

std::vector<std::pair<Pair, std::string>> SqlitePairRepository::pairs_with_leave_changes() {
  SQLite::Statement& s = session_.prepared(
      "SELECT id, leave_dates_changed FROM pair WHERE leave_dates_changed IS NOT NULL "
      "AND state <> 'ended' ORDER BY id");
  std::map<std::int64_t, std::string> changed;
  while (s.executeStep()) changed[s.getColumn(0).getInt64()] = s.getColumn(1).getString();
  return with_changes(pairs(), changed);
}

}  // namespace mentoring::store
