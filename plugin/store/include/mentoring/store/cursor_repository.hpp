// mentoring/store/cursor_repository.hpp — where each adapter's read of each stream got to
// (issue 17: a repository per concept).
//
//   SqliteCursorRepository cursors(session);
//   SQLite::Transaction txn(session.database());
//   ...the page's records, through the other repositories of the session...
//   cursors.set_cursor("hr-export", "leave", next_cursor);  // committed with the records
//   txn.commit();
//
// A cursor is opaque text, the adapter's own; the store only keeps it. It is written in
// the transaction of the page it follows, so a crash never keeps a cursor past records
// that were not stored (nor records without their cursor).
#pragma once

#include <mentoring/store/store_session.hpp>

#include <optional>
#include <string>

namespace mentoring::store {

// What the sync sees; a PostgreSQL implementation follows (issue 17, item 2).
class CursorRepository {
 public:
  virtual ~CursorRepository() = default;
  // Where this adapter's read of this stream ("people", "leave", ...) got to; none before
  // its first page.
  virtual std::optional<std::string> cursor(const std::string& adapter,
                                            const std::string& stream) = 0;
  virtual void set_cursor(const std::string& adapter, const std::string& stream,
                          const std::string& cursor) = 0;
};

// The sync_cursor table of the session's SQLite database.
class SqliteCursorRepository final : public CursorRepository {
 public:
  explicit SqliteCursorRepository(StoreSession& session) : session_(session) {}

  std::optional<std::string> cursor(const std::string& adapter, const std::string& stream) override;
  void set_cursor(const std::string& adapter, const std::string& stream,
                  const std::string& cursor) override;

 private:
  StoreSession& session_;
};

}  // namespace mentoring::store
