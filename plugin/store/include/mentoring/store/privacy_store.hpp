// mentoring/store/privacy_store.hpp — the audit log, subject export and
// erasure / pseudonymisation in the organisation's database (migrations 16, 17).
//
//   mentoring::store::PrivacyStore privacy(org_store.database());
//   privacy.append_audit({now, "hr", "hr token alice", "history", input, {"P1"}, 1});
//   SQLite::Transaction txn(org_store.database());
//   privacy.pseudonymise("P1", hash, "anon-3f...", "erasure", "2027-05-01");
//   txn.commit();
//   privacy.scrub_file();   // after the commit: the freed bytes leave the file
//
// Shares the connection (and so the transactions) of the OrgStore it is built
// over; turns on secure_delete for it, so whatever it deletes is overwritten.
// Non-copyable.
#pragma once

#include <SQLiteCpp/Database.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

namespace mentoring::store {

class PrivacyStore {
 public:
  explicit PrivacyStore(SQLite::Database& db);
  // Turns on secure_delete for the connection: a deleted or rewritten row's
  // bytes are overwritten with zeros, not only unlinked. The plugin calls it
  // once when it opens the organisation's store.
  static void overwrite_deleted(SQLite::Database& db);
  // The hashed ids of everyone erased: the sync passes over their records (the
  // HR system may still send them). A person pseudonymised by retention whom
  // the HR system sends again comes back as a new person, without history.
  static std::unordered_set<std::string> erased_hashes(SQLite::Database& db);
  PrivacyStore(const PrivacyStore&) = delete;
  PrivacyStore& operator=(const PrivacyStore&) = delete;

  struct AuditEntry {
    std::int64_t id = 0;
    std::string at;  // ISO 8601 UTC
    std::string caller_role;
    std::string caller_name;
    std::string command;
    nlohmann::json input;
    std::vector<std::string> person_ids;  // at most privacy::kAuditedSubjectsLimit
    std::int64_t person_count = 0;        // all the people the read showed
  };
  // One row (and its subjects) in its own statement group; the caller wraps it
  // in a transaction when it must go with something else.
  void append_audit(const AuditEntry& entry);
  // Newest first; `since` compares with `at` (a date or a time), "" for all.
  std::vector<AuditEntry> audit(const std::string& since, const std::string& person_id, int limit);

  // Everything held about one person, by table ({"person": [...], ...}). The
  // notes of pair sessions are those the person wrote; survey tokens and token
  // hashes never leave.
  nlohmann::json subject_rows(const std::string& person_id);

  // The pseudonym a person was given, from the hash of their id (nullopt: never done).
  std::optional<std::string> pseudonym_of(const std::string& id_hash);
  // The person lives on as `pseudonym`: every row that names them names the
  // pseudonym, their leave gets pseudonymous ids, what they wrote and what was
  // written about them (goals, notes, reasons) is deleted, the outbox rows and
  // quarantined records that name them are deleted. Leave types and dates,
  // enrolment states and pair rows stay, so every figure adds up as before. In
  // the caller's transaction. Answers the number of rows changed.
  // `id_hash` (privacy::id_hash) is kept beside the pseudonym.
  std::int64_t pseudonymise(const std::string& person_id, const std::string& id_hash,
                            const std::string& pseudonym, const std::string& why,
                            const std::string& done_on);

  // People with enrolments none of which is open, not yet pseudonymised, with
  // the day of their last enrolment change (retention).
  struct Finished {
    std::string person_id;
    std::string last_change;  // YYYY-MM-DD
  };
  std::vector<Finished> finished_people();

  // After a commit that deleted personal data: rebuilds the file (VACUUM) and
  // checkpoints the write-ahead log into it, truncating the log. False when a
  // reader kept the checkpoint from completing (the bytes leave at the next one).
  bool scrub_file();

 private:
  SQLite::Database& db_;
};

}  // namespace mentoring::store
