#include <mentoring/store/outbox.hpp>

#include <SQLiteCpp/Statement.h>

namespace mentoring::store {

bool Outbox::enqueue(const std::string& idempotency_key, const std::string& type,
                     const std::string& payload, const std::string& created_at) {
  SQLite::Statement insert(db_,
                           "INSERT INTO outbox(idempotency_key, type, payload, created_at) "
                           "VALUES (?, ?, ?, ?) ON CONFLICT(idempotency_key) DO NOTHING");
  insert.bind(1, idempotency_key);
  insert.bind(2, type);
  insert.bind(3, payload);
  insert.bind(4, created_at);
  return insert.exec() == 1;
}

bool Outbox::contains(const std::string& idempotency_key) {
  SQLite::Statement query(db_, "SELECT 1 FROM outbox WHERE idempotency_key = ?");
  query.bind(1, idempotency_key);
  return query.executeStep();
}

std::vector<OutboxEntry> Outbox::pending(int limit) {
  return pending_after(0, limit);
}

std::vector<OutboxEntry> Outbox::pending_after(std::int64_t after_id, int limit) {
  SQLite::Statement query(db_,
                          "SELECT id, idempotency_key, type, payload, attempts FROM outbox "
                          "WHERE delivered_at IS NULL AND id > ? ORDER BY id LIMIT ?");
  query.bind(1, after_id);
  query.bind(2, limit);
  std::vector<OutboxEntry> out;
  while (query.executeStep()) {
    out.push_back({query.getColumn(0).getInt64(), query.getColumn(1).getString(),
                   query.getColumn(2).getString(), query.getColumn(3).getString(),
                   query.getColumn(4).getInt()});
  }
  return out;
}

void Outbox::mark_delivered(const std::string& idempotency_key, const std::string& at) {
  SQLite::Statement update(db_,
                           "UPDATE outbox SET delivered_at = ?, attempts = attempts + 1, "
                           "last_error = NULL WHERE idempotency_key = ?");
  update.bind(1, at);
  update.bind(2, idempotency_key);
  update.exec();
}

void Outbox::mark_failed(const std::string& idempotency_key, const std::string& error) {
  SQLite::Statement update(db_,
                           "UPDATE outbox SET attempts = attempts + 1, last_error = ? "
                           "WHERE idempotency_key = ?");
  update.bind(1, error);
  update.bind(2, idempotency_key);
  update.exec();
}

std::int64_t Outbox::count_pending() {
  SQLite::Statement query(db_, "SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL");
  query.executeStep();
  return query.getColumn(0).getInt64();
}

}  // namespace mentoring::store
