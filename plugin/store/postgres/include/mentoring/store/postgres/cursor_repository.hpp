// mentoring/store/postgres/cursor_repository.hpp — where each adapter's read of each stream
// got to, on the shared store: CursorRepository over sync_cursor. The cursor is written in
// the session's transaction, with the page it follows.
//
// Borrows the session, which must outlive it. Not thread-safe (the session is not).
#pragma once

#include <mentoring/store/cursor_repository.hpp>
#include <mentoring/store/postgres/org_session.hpp>

namespace mentoring::store::postgres {

class PostgresCursorRepository final : public CursorRepository {
 public:
  explicit PostgresCursorRepository(OrgSession& session);

  std::optional<std::string> cursor(const std::string& adapter, const std::string& stream) override;
  void set_cursor(const std::string& adapter, const std::string& stream,
                  const std::string& cursor) override;

 private:
  OrgSession& session_;
};

}  // namespace mentoring::store::postgres
