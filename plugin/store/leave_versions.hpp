// Which version of a leave the store keeps, the same on every backend (SQLite here,
// PostgreSQL in postgres/): the leave repositories read the stored version's change time and
// content key, ask judge, and write what it says. Private to plugin/store.
#pragma once

#include <mentoring/domain/date.hpp>
#include <mentoring/domain/records.hpp>

#include <optional>
#include <string>

namespace mentoring::store::leave_versions {

// What a leave version is compared by, its change time aside (stored beside it as
// content_key): dates, status, type and person.
inline std::string content_key(const domain::Leave& l) {
  return domain::format_date(l.start) + "|" + domain::format_date(l.expected_end) + "|" +
         (l.actual_end ? domain::format_date(*l.actual_end) : "") + "|" +
         std::string(to_string(l.status)) + "|" + std::string(to_string(l.type)) + "|" +
         l.person_id;
}

// The version stored for the leave's id.
struct Stored {
  std::optional<std::string> last_changed;
  std::string content_key;
};

enum class Verdict {
  unchanged,               // the same content: nothing to write
  unchanged_later_change,  // the same content, changed later: keep only its change time
  replace,                 // newer content: replaces the stored version
  older,                   // changed before the stored version: ignored
};

// Records may arrive out of order and more than once. A version whose content differs from
// the stored one replaces it when the host changed it later (last_changed), or when either
// has no last_changed (then the newest read wins: a host without change times sends the
// current record). Equal change times are broken by the content, so every order of the same
// updates ends the same way; what the content sorts like says nothing else (a leave
// requested then approved is approved). The same content changed later keeps the later
// change time, so that an older version arriving afterwards is recognised as older.
inline Verdict judge(const domain::Leave& arriving, const std::string& arriving_content,
                     const Stored& stored) {
  const auto& changed = arriving.last_changed;
  const bool later = changed && stored.last_changed && *changed > *stored.last_changed;
  if (arriving_content == stored.content_key)
    return changed && (!stored.last_changed || later) ? Verdict::unchanged_later_change
                                                      : Verdict::unchanged;
  const bool newer = !changed || !stored.last_changed || later ||
                     (*changed == *stored.last_changed && arriving_content > stored.content_key);
  return newer ? Verdict::replace : Verdict::older;
}

}  // namespace mentoring::store::leave_versions
