#include <mentoring/store/sessions_store.hpp>

#include <mentoring/store/leave_repository.hpp>

#include <SQLiteCpp/Statement.h>

#include <stdexcept>

namespace mentoring::store {

using namespace mentoring::domain;

namespace {

SqliteLeaveRepository completions_in(StoreSession* session) {
  if (session == nullptr)
    throw std::logic_error(
        "store: SessionsStore over a bare database has no training completions: they are the "
        "LeaveRepository's, so build the SessionsStore over the StoreSession");
  return SqliteLeaveRepository(*session);
}

}  // namespace

std::vector<CourseCompletion> SessionsStore::all_completions() {
  return completions_in(session_).all_completions();
}

std::vector<CourseCompletion> SessionsStore::completions_after(Date today) {
  return completions_in(session_).completions_after(today);
}

}  // namespace mentoring::store
