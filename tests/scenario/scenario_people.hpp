// Records of the scenarios' small organisations, as an HR system sends them.
#pragma once

#include "scenario_harness.hpp"

namespace scenario {

inline json person(const std::string& id, const std::string& name, const std::string& org,
                   const std::optional<std::string>& manager,
                   const std::string& start_date = "2012-01-01") {
  return {{"id", id},
          {"name", name},
          {"email", id + "@" + org + ".example"},
          {"manager_id", manager ? json(*manager) : json(nullptr)},
          {"start_date", start_date}};
}

inline json leave(const std::string& id, const std::string& person_id, const std::string& type,
                  const std::string& start, const std::string& end,
                  const std::string& status = "approved") {
  return {{"id", id},
          {"person_id", person_id},
          {"type", type},
          {"start", start},
          {"expected_end", end},
          {"status", status},
          {"last_changed", "2026-11-01T09:00:00Z"}};
}

inline json completion(const std::string& person_id, const std::string& course,
                       const std::string& on, const std::optional<std::string>& expires = {}) {
  json c = {{"person_id", person_id}, {"course_id", course}, {"completed_at", on}};
  if (expires) c["expires_at"] = *expires;
  return c;
}

// Edits a leave record as HR would (stamped today), for the next run to see.
inline void edit_leave(Scenario& s, const std::string& id, const json& changes) {
  json& l = s.hr.leave(id);
  for (const auto& [k, v] : changes.items()) l[k] = v;
  l["last_changed"] = s.today() + "T09:00:00Z";
  s.hr.changed();
}

// The pairs of a programme as HR's pairing_proposals lists them.
inline json pairs_listed(Scenario& s, const std::string& programme) {
  json out = s.command("pairing_proposals", {{"programme", programme}});
  return out["programmes"][0]["proposals"];
}

// The id of the pair (state "proposed" or "accepted") of a mentee; 0 when none.
inline std::int64_t pair_of(Scenario& s, const std::string& programme, const std::string& mentee,
                            const std::string& state, std::string* mentor = nullptr) {
  for (const auto& p : pairs_listed(s, programme)) {
    if (p["mentee_id"] == mentee && p["state"] == state) {
      if (mentor) *mentor = p["mentor_id"].get<std::string>();
      return p["pair_id"].get<std::int64_t>();
    }
  }
  return 0;
}

// HR (`by`) accepts the mentee's standing proposal, when there is one (its
// answer in `answer`); the id of the mentee's accepted pair afterwards (0 when
// none), its mentor in `mentor`.
inline std::int64_t accept_standing_proposal(Scenario& s, const std::string& programme,
                                             const std::string& mentee, const std::string& by,
                                             std::string* mentor = nullptr,
                                             Answer* answer = nullptr) {
  if (auto proposal = pair_of(s, programme, mentee, "proposed")) {
    Answer a = s.try_command("pairing_accept", {{"pair_id", proposal}});
    if (answer) *answer = std::move(a);
  }
  return pair_of(s, programme, mentee, "accepted", mentor);
}

// Finds `key` anywhere in a JSON document (the first match, depth first).
inline const json* find_key(const json& doc, const std::string& key) {
  if (doc.is_object()) {
    if (doc.contains(key)) return &doc[key];
    for (const auto& [k, v] : doc.items()) {
      if (const json* found = find_key(v, key)) return found;
    }
  } else if (doc.is_array()) {
    for (const auto& v : doc) {
      if (const json* found = find_key(v, key)) return found;
    }
  }
  return nullptr;
}

}  // namespace scenario
