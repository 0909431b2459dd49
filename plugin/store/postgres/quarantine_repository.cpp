#include <mentoring/store/postgres/quarantine_repository.hpp>

#include "values.hpp"

#include <pqxx/pqxx>

namespace mentoring::store::postgres {

using values::nullable;
using values::optional_text;

// Texts sorted COLLATE "C": SQLite's byte order, whatever the database's collation, so rows
// seen on the same day are trimmed, retried and listed in the same order on both backends.
PostgresQuarantineRepository::PostgresQuarantineRepository(OrgSession& session)
    : session_(session) {
  session_.prepare(
      "quarantine.hold",
      "INSERT INTO sync_quarantine(org_id, adapter, stream, record_key, record_id, reason, "
      "pointer, found, expected, message, excerpt, full_read, first_seen, last_seen, raw) "
      "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15) "
      "ON CONFLICT (org_id, adapter, stream, record_key) DO UPDATE SET "
      "record_id = excluded.record_id, reason = excluded.reason, pointer = excluded.pointer, "
      "found = excluded.found, expected = excluded.expected, message = excluded.message, "
      "excerpt = excluded.excerpt, full_read = excluded.full_read, "
      "last_seen = excluded.last_seen, raw = excluded.raw, "
      "times_seen = sync_quarantine.times_seen + 1");
  session_.prepare("quarantine.still_held",
                   "UPDATE sync_quarantine SET reason = $2, pointer = $3, found = $4, "
                   "expected = $5, message = $6, last_seen = $7, raw = $8 "
                   "WHERE org_id = $1 AND adapter = $9 AND stream = $10 AND record_key = $11");
  session_.prepare("quarantine.retryable",
                   "SELECT record_key, raw FROM sync_quarantine WHERE org_id = $1 AND "
                   "adapter = $2 AND stream = $3 AND raw IS NOT NULL "
                   "ORDER BY last_seen, first_seen, record_key COLLATE \"C\" LIMIT $4");
  session_.prepare("quarantine.trim",
                   "DELETE FROM sync_quarantine WHERE org_id = $1 AND adapter = $2 AND "
                   "stream = $3 AND record_key IN (SELECT record_key FROM sync_quarantine "
                   "WHERE org_id = $1 AND adapter = $2 AND stream = $3 "
                   "ORDER BY last_seen, first_seen, record_key COLLATE \"C\" LIMIT $4)");
  session_.prepare("quarantine.release",
                   "DELETE FROM sync_quarantine WHERE org_id = $1 AND adapter = $2 AND "
                   "stream = $3 AND record_key = $4");
  session_.prepare("quarantine.keys",
                   "SELECT record_key FROM sync_quarantine WHERE org_id = $1 AND adapter = $2 "
                   "AND stream = $3");
  session_.prepare(
      "quarantine.list",
      "SELECT adapter, stream, record_id, reason, pointer, found, expected, message, excerpt, "
      "full_read, first_seen, last_seen, times_seen FROM sync_quarantine "
      "WHERE org_id = $1 AND ($2::text = '' OR adapter = $2) AND ($3::text = '' OR stream = $3) "
      "ORDER BY last_seen DESC, adapter COLLATE \"C\", stream COLLATE \"C\", "
      "record_key COLLATE \"C\" LIMIT $4");
  session_.prepare("quarantine.count",
                   "SELECT count(*) FROM sync_quarantine WHERE org_id = $1 AND "
                   "($2::text = '' OR adapter = $2) AND ($3::text = '' OR stream = $3)");
  session_.prepare("quarantine.held_in_read",
                   "SELECT record_id FROM sync_quarantine WHERE org_id = $1 AND adapter = $2 "
                   "AND stream = 'people' AND full_read = $3 ORDER BY record_key COLLATE \"C\"");
  session_.prepare("quarantine.release_unlisted",
                   "DELETE FROM sync_quarantine WHERE org_id = $1 AND adapter = $2 AND "
                   "stream = 'people' AND full_read IS NOT NULL AND full_read <> $3");
}

void PostgresQuarantineRepository::hold_kept(const std::string& key, const QuarantinedRecord& r) {
  session_.run("holding a record in the quarantine", [&](pqxx::work& txn) {
    txn.exec_prepared("quarantine.hold", session_.org_id(), r.adapter, r.stream, key,
                      nullable(r.record_id), r.reason, r.pointer, r.found, r.expected, r.message,
                      r.excerpt, nullable(r.full_read), r.first_seen, r.last_seen, nullable(r.raw));
  });
}

bool PostgresQuarantineRepository::update_kept(const std::string& key, const QuarantinedRecord& r) {
  return session_.run("updating a record held in the quarantine", [&](pqxx::work& txn) {
    return txn.exec_prepared("quarantine.still_held", session_.org_id(), r.reason, r.pointer,
                             r.found, r.expected, r.message, r.last_seen, nullable(r.raw),
                             r.adapter, r.stream, key)
               .affected_rows() > 0;
  });
}

std::vector<QuarantineRepository::Retry> PostgresQuarantineRepository::retryable(
    const std::string& adapter, const std::string& stream, std::int64_t limit) {
  return session_.run("reading the quarantine's records to retry", [&](pqxx::work& txn) {
    std::vector<Retry> out;
    for (const auto& row :
         txn.exec_prepared("quarantine.retryable", session_.org_id(), adapter, stream, limit))
      out.push_back({row[0].as<std::string>(), row[1].as<std::string>()});
    return out;
  });
}

std::int64_t PostgresQuarantineRepository::trim(const std::string& adapter,
                                                const std::string& stream) {
  const std::int64_t over = count(adapter, stream) - kMaxPerStream;
  if (over <= 0) return 0;
  return session_.run("trimming the quarantine", [&](pqxx::work& txn) {
    return static_cast<std::int64_t>(
        txn.exec_prepared("quarantine.trim", session_.org_id(), adapter, stream, over)
            .affected_rows());
  });
}

bool PostgresQuarantineRepository::release(const std::string& adapter, const std::string& stream,
                                           const std::string& key) {
  return session_.run("releasing a record from the quarantine", [&](pqxx::work& txn) {
    return txn.exec_prepared("quarantine.release", session_.org_id(), adapter, stream, key)
               .affected_rows() > 0;
  });
}

std::unordered_set<std::string> PostgresQuarantineRepository::keys(const std::string& adapter,
                                                                   const std::string& stream) {
  return session_.run("reading the quarantine's keys", [&](pqxx::work& txn) {
    std::unordered_set<std::string> out;
    for (const auto& row : txn.exec_prepared("quarantine.keys", session_.org_id(), adapter, stream))
      out.insert(row[0].as<std::string>());
    return out;
  });
}

std::vector<QuarantinedRecord> PostgresQuarantineRepository::list(const std::string& adapter,
                                                                  const std::string& stream,
                                                                  std::int64_t limit) {
  return session_.run("listing the quarantine", [&](pqxx::work& txn) {
    std::vector<QuarantinedRecord> out;
    for (const auto& row :
         txn.exec_prepared("quarantine.list", session_.org_id(), adapter, stream, limit)) {
      QuarantinedRecord r;
      r.adapter = row[0].as<std::string>();
      r.stream = row[1].as<std::string>();
      r.record_id = optional_text(row[2]);
      r.reason = row[3].as<std::string>();
      r.pointer = row[4].as<std::string>();
      r.found = row[5].as<std::string>();
      r.expected = row[6].as<std::string>();
      r.message = row[7].as<std::string>();
      r.excerpt = row[8].as<std::string>();
      r.full_read = optional_text(row[9]);
      r.first_seen = row[10].as<std::string>();
      r.last_seen = row[11].as<std::string>();
      r.times_seen = row[12].as<std::int64_t>();
      out.push_back(std::move(r));
    }
    return out;
  });
}

std::int64_t PostgresQuarantineRepository::count(const std::string& adapter,
                                                 const std::string& stream) {
  return session_.run("counting the quarantine", [&](pqxx::work& txn) {
    return txn.exec_prepared("quarantine.count", session_.org_id(), adapter, stream)[0][0]
        .as<std::int64_t>();
  });
}

QuarantineRepository::HeldInRead PostgresQuarantineRepository::held_in_read(
    const std::string& adapter, const std::string& read_id) {
  return session_.run("reading the people held from a full read", [&](pqxx::work& txn) {
    HeldInRead out;
    for (const auto& row :
         txn.exec_prepared("quarantine.held_in_read", session_.org_id(), adapter, read_id)) {
      if (row[0].is_null()) {
        ++out.without_id;
      } else {
        out.ids.push_back(row[0].as<std::string>());
      }
    }
    return out;
  });
}

std::int64_t PostgresQuarantineRepository::release_unlisted(const std::string& adapter,
                                                            const std::string& read_id) {
  return session_.run("releasing the people no full read lists", [&](pqxx::work& txn) {
    return static_cast<std::int64_t>(
        txn.exec_prepared("quarantine.release_unlisted", session_.org_id(), adapter, read_id)
            .affected_rows());
  });
}

}  // namespace mentoring::store::postgres
