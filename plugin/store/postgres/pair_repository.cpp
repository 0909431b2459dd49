#include <mentoring/store/postgres/pair_repository.hpp>

#include "../pair_rows.hpp"
#include "values.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <stdexcept>
#include <tuple>

namespace mentoring::store::postgres {

using namespace mentoring::domain;
using namespace pair_rows;
using namespace values;

namespace {

ProposalDetails details_from(const pqxx::row& row) {
  ProposalDetails d;
  d.pair_id = row[0].as<std::int64_t>();
  d.score = row[1].as<double>();
  d.locked = row[2].as<std::int64_t>() != 0;
  d.proposed_at = row[3].as<std::string>();
  d.mentee_accepted_by = optional_text(row[4]);
  d.mentor_accepted_by = optional_text(row[5]);
  return d;
}

// An update of one row by its key that found none: the caller named something unknown.
void must_change_one(const pqxx::result& result, const std::string& what) {
  if (result.affected_rows() != 1) throw std::runtime_error("store: no " + what);
}

}  // namespace

PostgresPairRepository::PostgresPairRepository(OrgSession& session) : session_(session) {
  session_.prepare("pairs.insert",
                   "INSERT INTO pair(org_id, programme_id, mentee_enrolment_id, "
                   "mentor_enrolment_id, state, created_at, accepted_at) "
                   "VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id");
  session_.prepare(
      "pairs.set_state",
      "UPDATE pair SET state = $2, "
      "accepted_at = CASE WHEN $2 = 'accepted' THEN substr($3, 1, 10) ELSE accepted_at END, "
      "ended_at = CASE WHEN $2 = 'ended' THEN $3 ELSE ended_at END, "
      "end_cause = CASE WHEN $2 = 'ended' THEN $4 ELSE end_cause END "
      "WHERE org_id = $1 AND id = $5");
  session_.prepare("pairs.list",
                   "SELECT p.id, p.programme_id, p.mentee_enrolment_id, p.mentor_enrolment_id, "
                   "me.person_id, mo.person_id, p.state, p.accepted_at, substr(p.ended_at, 1, 10) "
                   "FROM pair p "
                   "JOIN enrolment me ON me.org_id = p.org_id AND me.id = p.mentee_enrolment_id "
                   "JOIN enrolment mo ON mo.org_id = p.org_id AND mo.id = p.mentor_enrolment_id "
                   "WHERE p.org_id = $1 AND ($2 = '' OR p.programme_id = $2) ORDER BY p.id");
  session_.prepare("pairs.mark_leave_changed",
                   "UPDATE pair SET leave_dates_changed = $3 WHERE org_id = $1 AND id = $2");
  session_.prepare("pairs.clear_leave_changed",
                   "UPDATE pair SET leave_dates_changed = NULL WHERE org_id = $1 AND id = $2");
  session_.prepare("pairs.leave_changes",
                   "SELECT id, leave_dates_changed FROM pair WHERE org_id = $1 "
                   "AND leave_dates_changed IS NOT NULL AND state <> 'ended' ORDER BY id");
  session_.prepare("pairs.save_score",
                   "INSERT INTO pair_score(org_id, pair_id, position, criterion, contribution) "
                   "VALUES ($1,$2,$3,$4,$5)");
  session_.prepare("pairs.save_proposal",
                   "INSERT INTO pair_proposal(org_id, pair_id, score, proposed_at) "
                   "VALUES ($1,$2,$3,$4)");
  session_.prepare("pairs.proposal",
                   "SELECT pair_id, score, locked, proposed_at, mentee_accepted_by, "
                   "mentor_accepted_by FROM pair_proposal WHERE org_id = $1 AND pair_id = $2");
  session_.prepare("pairs.scores",
                   "SELECT criterion, contribution FROM pair_score WHERE org_id = $1 "
                   "AND pair_id = $2 ORDER BY position");
  session_.prepare("pairs.proposals",
                   "SELECT pp.pair_id, pp.score, pp.locked, pp.proposed_at, "
                   "pp.mentee_accepted_by, pp.mentor_accepted_by FROM pair_proposal pp "
                   "JOIN pair p ON p.org_id = pp.org_id AND p.id = pp.pair_id "
                   "WHERE pp.org_id = $1 AND p.programme_id = $2");
  session_.prepare("pairs.programme_scores",
                   "SELECT ps.pair_id, ps.criterion, ps.contribution FROM pair_score ps "
                   "JOIN pair p ON p.org_id = ps.org_id AND p.id = ps.pair_id "
                   "WHERE ps.org_id = $1 AND p.programme_id = $2 ORDER BY ps.pair_id, ps.position");
  session_.prepare("pairs.set_locked",
                   "UPDATE pair_proposal SET locked = $3 WHERE org_id = $1 AND pair_id = $2");
  session_.prepare("pairs.mentee_accepted",
                   "UPDATE pair_proposal SET mentee_accepted_by = $3 "
                   "WHERE org_id = $1 AND pair_id = $2");
  session_.prepare("pairs.mentor_accepted",
                   "UPDATE pair_proposal SET mentor_accepted_by = $3 "
                   "WHERE org_id = $1 AND pair_id = $2");
  session_.prepare("pairs.state_of", "SELECT state FROM pair WHERE org_id = $1 AND id = $2");
  // One statement, so the pair and its details go together; the CTEs see the same snapshot.
  session_.prepare("pairs.discard",
                   "WITH scores AS (DELETE FROM pair_score WHERE org_id = $1 AND pair_id = $2), "
                   "proposal AS (DELETE FROM pair_proposal WHERE org_id = $1 AND pair_id = $2), "
                   "request AS (DELETE FROM pair_request WHERE org_id = $1 AND pair_id = $2) "
                   "DELETE FROM pair WHERE org_id = $1 AND id = $2");
  session_.prepare("pairs.forbid",
                   "INSERT INTO pair_forbidden(org_id, programme_id, mentee_id, mentor_id, "
                   "recorded_by, recorded_at) VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT DO NOTHING");
  session_.prepare("pairs.unforbid",
                   "DELETE FROM pair_forbidden WHERE org_id = $1 AND programme_id = $2 "
                   "AND mentee_id = $3 AND mentor_id = $4");
  session_.prepare("pairs.forbidden",
                   "SELECT mentee_id, mentor_id, recorded_by, recorded_at FROM pair_forbidden "
                   "WHERE org_id = $1 AND programme_id = $2 ORDER BY mentee_id, mentor_id");
  session_.prepare("pairs.stored_unmatched",
                   "SELECT enrolment_id, reason, explanation FROM pairing_unmatched "
                   "WHERE org_id = $1 AND programme_id = $2");
  session_.prepare("pairs.clear_unmatched",
                   "DELETE FROM pairing_unmatched WHERE org_id = $1 AND programme_id = $2");
  session_.prepare("pairs.add_unmatched",
                   "INSERT INTO pairing_unmatched(org_id, programme_id, enrolment_id, reason, "
                   "explanation, noted_at) VALUES ($1,$2,$3,$4,$5,$6)");
  session_.prepare("pairs.unmatched",
                   "SELECT u.enrolment_id, e.person_id, u.reason, u.explanation "
                   "FROM pairing_unmatched u JOIN enrolment e "
                   "ON e.org_id = u.org_id AND e.id = u.enrolment_id "
                   "WHERE u.org_id = $1 AND u.programme_id = $2 ORDER BY u.enrolment_id");
  session_.prepare("pairs.wishes",
                   "SELECT COALESCE(wishes, '') FROM enrolment WHERE org_id = $1 AND id = $2");
  session_.prepare("pairs.set_private_notes",
                   "UPDATE enrolment SET goal = CASE WHEN $3 THEN $4 ELSE goal END, "
                   "wishes = CASE WHEN $5 THEN $6 ELSE wishes END, "
                   "mentoring_question = CASE WHEN $7 THEN $8 ELSE mentoring_question END "
                   "WHERE org_id = $1 AND id = $2");
  session_.prepare("pairs.private_notes",
                   "SELECT COALESCE(goal, ''), COALESCE(wishes, ''), "
                   "COALESCE(mentoring_question, '') FROM enrolment WHERE org_id = $1 AND id = $2");
  session_.prepare("pairs.save_request",
                   "INSERT INTO pair_request(org_id, pair_id, requested_by, requested_at) "
                   "VALUES ($1,$2,$3,$4)");
  session_.prepare("pairs.request",
                   "SELECT pair_id, requested_by, requested_at, answer, answer_reason, "
                   "answered_by FROM pair_request WHERE org_id = $1 AND pair_id = $2");
  session_.prepare("pairs.open_requests",
                   "SELECT r.pair_id FROM pair_request r "
                   "JOIN pair p ON p.org_id = r.org_id AND p.id = r.pair_id "
                   "WHERE r.org_id = $1 AND p.programme_id = $2 AND p.state = 'proposed' "
                   "AND r.answer IS NULL ORDER BY r.pair_id");
  session_.prepare("pairs.record_answer",
                   "UPDATE pair_request SET answer = $3, answer_reason = $4, answered_by = $5, "
                   "answered_at = $6 WHERE org_id = $1 AND pair_id = $2");
  session_.prepare("pairs.record_decline",
                   "INSERT INTO pair_declined(org_id, programme_id, mentee_enrolment_id, "
                   "mentor_id, reason, recorded_by, recorded_at) VALUES ($1,$2,$3,$4,$5,$6,$7) "
                   "ON CONFLICT (org_id, mentee_enrolment_id, mentor_id) DO UPDATE SET "
                   "programme_id = excluded.programme_id, reason = excluded.reason, "
                   "recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at");
  session_.prepare("pairs.declined_by",
                   "SELECT mentor_id FROM pair_declined WHERE org_id = $1 "
                   "AND mentee_enrolment_id = $2 ORDER BY mentor_id");
}

std::int64_t PostgresPairRepository::insert_pair(const std::string& programme_id,
                                                 std::int64_t mentee_enrolment_id,
                                                 std::int64_t mentor_enrolment_id, PairState state,
                                                 const std::string& at) {
  const std::optional<std::string> accepted_on =
      state == PairState::accepted ? std::optional(at.substr(0, 10)) : std::nullopt;
  return session_.run("storing a pair", [&](pqxx::work& txn) {
    return txn
        .exec_prepared1("pairs.insert", session_.org_id(), programme_id, mentee_enrolment_id,
                        mentor_enrolment_id, std::string(to_string(state)), at,
                        nullable(accepted_on))[0]
        .as<std::int64_t>();
  });
}

void PostgresPairRepository::set_pair_state(std::int64_t pair_id, PairState state,
                                            const std::string& at, const std::string& cause) {
  session_.run("changing a pair's state", [&](pqxx::work& txn) {
    must_change_one(txn.exec_prepared("pairs.set_state", session_.org_id(),
                                      std::string(to_string(state)), at, cause, pair_id),
                    "pair " + std::to_string(pair_id));
  });
}

std::vector<Pair> PostgresPairRepository::pairs(const std::string& programme_id) {
  return session_.run("reading pairs", [&](pqxx::work& txn) {
    std::vector<Pair> out;
    for (const auto& row : txn.exec_prepared("pairs.list", session_.org_id(), programme_id)) {
      Pair p;
      p.id = row[0].as<std::int64_t>();
      p.programme_id = row[1].as<std::string>();
      p.mentee_enrolment_id = row[2].as<std::int64_t>();
      p.mentor_enrolment_id = row[3].as<std::int64_t>();
      p.mentee_id = row[4].as<std::string>();
      p.mentor_id = row[5].as<std::string>();
      p.state = pair_state(row[6].as<std::string>());
      p.accepted_on = optional_date(row[7]);
      p.ended_on = optional_date(row[8]);
      out.push_back(std::move(p));
    }
    return out;
  });
}

void PostgresPairRepository::mark_pair_leave_changed(std::int64_t pair_id,
                                                     const std::string& what) {
  session_.run("noting a pair's leave change", [&](pqxx::work& txn) {
    txn.exec_prepared("pairs.mark_leave_changed", session_.org_id(), pair_id, what);
  });
}

void PostgresPairRepository::clear_pair_leave_changed(std::int64_t pair_id) {
  session_.run("clearing a pair's leave change", [&](pqxx::work& txn) {
    txn.exec_prepared("pairs.clear_leave_changed", session_.org_id(), pair_id);
  });
}

std::vector<std::pair<Pair, std::string>> PostgresPairRepository::pairs_with_leave_changes() {
  auto changed = session_.run("reading pairs' leave changes", [&](pqxx::work& txn) {
    std::map<std::int64_t, std::string> out;
    for (const auto& row : txn.exec_prepared("pairs.leave_changes", session_.org_id()))
      out[row[0].as<std::int64_t>()] = row[1].as<std::string>();
    return out;
  });
  return with_changes(pairs(), changed);
}

void PostgresPairRepository::save_proposal(std::int64_t pair_id,
                                           const std::vector<CriterionScore>& breakdown,
                                           const std::string& at) {
  session_.run("storing a proposal", [&](pqxx::work& txn) {
    double total = 0;
    for (std::size_t i = 0; i < breakdown.size(); ++i) {
      total += breakdown[i].contribution;
      txn.exec_prepared("pairs.save_score", session_.org_id(), pair_id,
                        static_cast<std::int64_t>(i), breakdown[i].criterion,
                        breakdown[i].contribution);
    }
    txn.exec_prepared("pairs.save_proposal", session_.org_id(), pair_id, total, at);
  });
}

std::optional<ProposalDetails> PostgresPairRepository::proposal(std::int64_t pair_id) {
  return session_.run("reading a proposal", [&](pqxx::work& txn) -> std::optional<ProposalDetails> {
    auto result = txn.exec_prepared("pairs.proposal", session_.org_id(), pair_id);
    if (result.empty()) return std::nullopt;
    ProposalDetails d = details_from(result[0]);
    for (const auto& row : txn.exec_prepared("pairs.scores", session_.org_id(), pair_id))
      d.breakdown.push_back({row[0].as<std::string>(), row[1].as<double>()});
    return d;
  });
}

std::map<std::int64_t, ProposalDetails> PostgresPairRepository::proposals(
    const std::string& programme_id) {
  return session_.run("reading a programme's proposals", [&](pqxx::work& txn) {
    std::map<std::int64_t, ProposalDetails> out;
    for (const auto& row : txn.exec_prepared("pairs.proposals", session_.org_id(), programme_id)) {
      ProposalDetails d = details_from(row);
      out.emplace(d.pair_id, std::move(d));
    }
    for (const auto& row :
         txn.exec_prepared("pairs.programme_scores", session_.org_id(), programme_id)) {
      auto it = out.find(row[0].as<std::int64_t>());
      if (it == out.end()) continue;
      it->second.breakdown.push_back({row[1].as<std::string>(), row[2].as<double>()});
    }
    return out;
  });
}

void PostgresPairRepository::set_locked(std::int64_t pair_id, bool locked) {
  session_.run("locking a proposal", [&](pqxx::work& txn) {
    must_change_one(
        txn.exec_prepared("pairs.set_locked", session_.org_id(), pair_id, locked ? 1 : 0),
        "proposal " + std::to_string(pair_id));
  });
}

void PostgresPairRepository::record_acceptance(std::int64_t pair_id, Role side,
                                               const std::string& by) {
  session_.run("recording an acceptance", [&](pqxx::work& txn) {
    must_change_one(
        txn.exec_prepared(side == Role::mentee ? "pairs.mentee_accepted" : "pairs.mentor_accepted",
                          session_.org_id(), pair_id, by),
        "proposal " + std::to_string(pair_id));
  });
}

void PostgresPairRepository::discard(std::int64_t pair_id) {
  session_.run("discarding a proposal", [&](pqxx::work& txn) {
    auto state = txn.exec_prepared("pairs.state_of", session_.org_id(), pair_id);
    if (state.empty() || state[0][0].as<std::string>() != "proposed")
      throw std::runtime_error("store: pair " + std::to_string(pair_id) + " is not a proposal");
    txn.exec_prepared("pairs.discard", session_.org_id(), pair_id);
  });
}

void PostgresPairRepository::forbid(const std::string& programme_id, const ForbiddenPair& pair) {
  session_.run("forbidding a pair", [&](pqxx::work& txn) {
    txn.exec_prepared("pairs.forbid", session_.org_id(), programme_id, pair.mentee_id,
                      pair.mentor_id, pair.recorded_by, pair.at);
  });
}

bool PostgresPairRepository::unforbid(const std::string& programme_id, const std::string& mentee_id,
                                      const std::string& mentor_id) {
  return session_.run("lifting a forbid", [&](pqxx::work& txn) {
    return txn.exec_prepared("pairs.unforbid", session_.org_id(), programme_id, mentee_id,
                             mentor_id)
               .affected_rows() == 1;
  });
}

std::vector<ForbiddenPair> PostgresPairRepository::forbidden(const std::string& programme_id) {
  return session_.run("reading forbidden pairs", [&](pqxx::work& txn) {
    std::vector<ForbiddenPair> out;
    for (const auto& row : txn.exec_prepared("pairs.forbidden", session_.org_id(), programme_id))
      out.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
                     row[3].as<std::string>()});
    return out;
  });
}

void PostgresPairRepository::replace_unmatched(const std::string& programme_id,
                                               const std::vector<UnmatchedNote>& notes,
                                               const std::string& at) {
  session_.run("noting unmatched mentees", [&](pqxx::work& txn) {
    // The same list as stored is left as it is (noted_at: when first noted).
    using Row = std::tuple<std::int64_t, std::string, std::string>;
    std::vector<Row> stored, given;
    for (const auto& row :
         txn.exec_prepared("pairs.stored_unmatched", session_.org_id(), programme_id))
      stored.emplace_back(row[0].as<std::int64_t>(), row[1].as<std::string>(),
                          row[2].as<std::string>());
    for (const auto& note : notes)
      given.emplace_back(note.enrolment_id, note.reason, note.explanation);
    std::sort(stored.begin(), stored.end());
    std::sort(given.begin(), given.end());
    if (stored == given) return;
    txn.exec_prepared("pairs.clear_unmatched", session_.org_id(), programme_id);
    for (const auto& note : notes)
      txn.exec_prepared("pairs.add_unmatched", session_.org_id(), programme_id, note.enrolment_id,
                        note.reason, note.explanation, at);
  });
}

std::vector<UnmatchedNote> PostgresPairRepository::unmatched(const std::string& programme_id) {
  return session_.run("reading unmatched mentees", [&](pqxx::work& txn) {
    std::vector<UnmatchedNote> out;
    for (const auto& row : txn.exec_prepared("pairs.unmatched", session_.org_id(), programme_id))
      out.push_back({row[0].as<std::int64_t>(), row[1].as<std::string>(), row[2].as<std::string>(),
                     row[3].as<std::string>()});
    return out;
  });
}

std::string PostgresPairRepository::wishes(std::int64_t enrolment_id) {
  return session_.run("reading an enrolment's wishes", [&](pqxx::work& txn) {
    auto result = txn.exec_prepared("pairs.wishes", session_.org_id(), enrolment_id);
    return result.empty() ? std::string() : result[0][0].as<std::string>();
  });
}

void PostgresPairRepository::set_private_notes(
    std::int64_t enrolment_id, const std::optional<std::string>& goal,
    const std::optional<std::string>& wishes,
    const std::optional<std::string>& mentoring_question) {
  session_.run("storing a mentee's notes", [&](pqxx::work& txn) {
    must_change_one(txn.exec_prepared("pairs.set_private_notes", session_.org_id(), enrolment_id,
                                      goal.has_value(), goal.value_or(""), wishes.has_value(),
                                      wishes.value_or(""), mentoring_question.has_value(),
                                      mentoring_question.value_or("")),
                    "enrolment " + std::to_string(enrolment_id));
  });
}

PrivateNotes PostgresPairRepository::private_notes(std::int64_t enrolment_id) {
  return session_.run("reading a mentee's notes", [&](pqxx::work& txn) -> PrivateNotes {
    auto result = txn.exec_prepared("pairs.private_notes", session_.org_id(), enrolment_id);
    if (result.empty()) return {};
    return {result[0][0].as<std::string>(), result[0][1].as<std::string>(),
            result[0][2].as<std::string>()};
  });
}

void PostgresPairRepository::save_request(std::int64_t pair_id, const std::string& requested_by,
                                          const std::string& at) {
  session_.run("storing a mentor request", [&](pqxx::work& txn) {
    txn.exec_prepared("pairs.save_request", session_.org_id(), pair_id, requested_by, at);
  });
}

std::optional<MentorRequest> PostgresPairRepository::request(std::int64_t pair_id) {
  return session_.run(
      "reading a mentor request", [&](pqxx::work& txn) -> std::optional<MentorRequest> {
        auto result = txn.exec_prepared("pairs.request", session_.org_id(), pair_id);
        if (result.empty()) return std::nullopt;
        const auto& row = result[0];
        return MentorRequest{row[0].as<std::int64_t>(), row[1].as<std::string>(),
                             row[2].as<std::string>(),  optional_text(row[3]),
                             optional_text(row[4]),     optional_text(row[5])};
      });
}

std::vector<std::int64_t> PostgresPairRepository::open_requests(const std::string& programme_id) {
  return session_.run("reading open mentor requests", [&](pqxx::work& txn) {
    std::vector<std::int64_t> out;
    for (const auto& row :
         txn.exec_prepared("pairs.open_requests", session_.org_id(), programme_id))
      out.push_back(row[0].as<std::int64_t>());
    return out;
  });
}

void PostgresPairRepository::record_answer(std::int64_t pair_id, const std::string& answer,
                                           const std::string& reason, const std::string& by,
                                           const std::string& at) {
  session_.run("recording a mentor's answer", [&](pqxx::work& txn) {
    must_change_one(txn.exec_prepared("pairs.record_answer", session_.org_id(), pair_id, answer,
                                      reason, by, at),
                    "request " + std::to_string(pair_id));
  });
}

void PostgresPairRepository::record_decline(const std::string& programme_id,
                                            std::int64_t mentee_enrolment_id,
                                            const std::string& mentor_id, const std::string& reason,
                                            const std::string& by, const std::string& at) {
  session_.run("recording a mentor's decline", [&](pqxx::work& txn) {
    txn.exec_prepared("pairs.record_decline", session_.org_id(), programme_id, mentee_enrolment_id,
                      mentor_id, reason, by, at);
  });
}

std::vector<std::string> PostgresPairRepository::declined_by(std::int64_t mentee_enrolment_id) {
  return session_.run("reading who declined a mentee", [&](pqxx::work& txn) {
    std::vector<std::string> out;
    for (const auto& row :
         txn.exec_prepared("pairs.declined_by", session_.org_id(), mentee_enrolment_id))
      out.push_back(row[0].as<std::string>());
    return out;
  });
}

}  // namespace mentoring::store::postgres
