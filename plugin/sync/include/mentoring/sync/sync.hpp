// mentoring/sync/sync.hpp — pull records through the organisation's adapters into
// its store, and deliver the outbox back through them.
//
//   auto report = mentoring::sync::pull_all(host, store);
//   ... plan and enqueue actions ...
//   auto delivery = mentoring::sync::deliver(host, store, now_iso);
//
// Each page an adapter returns is stored in one transaction together with the
// adapter's next cursor. A page the adapter reports problems with, or with any
// record that fails validation, moves no cursor: its valid records are stored
// (upserts, so re-reading is harmless), its invalid ones reported, and the same
// page is read again next time. An adapter that fails does not stop the others.
#pragma once

#include <mentoring/module.hpp>
#include <mentoring/store/org_store.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace mentoring::sync {

struct StreamReport {
  std::string adapter;
  std::string stream;  // "people", "leave", "course_completions"
  std::string status;  // stored | unchanged | rejected | failed
  int read = 0, stored = 0, rejected_records = 0, skipped = 0;
  nlohmann::json problems = nlohmann::json::array();  // [{"message": ...}, ...]
  std::string error;                                  // when failed
  // People a complete full read no longer lists: absent from today.
  std::vector<std::string> absent;
};

struct SyncReport {
  std::vector<StreamReport> streams;
  int adapter_failures = 0;
  int rejected_pages = 0;
  int rejected_records = 0;
};

struct DeliveryReport {
  int delivered = 0, duplicates = 0, failed = 0;
  std::int64_t pending = 0;
  nlohmann::json errors = nlohmann::json::array();
};

struct SyncPolicy {
  // A complete full read may mark at most this share of the people it listed
  // before as absent (at least one always may; one that lists nobody, none).
  // More looks like a broken filter or a partial export: nobody is marked and
  // the report says why. The organisation's policy.absent_share_limit.
  double absent_share_limit = 0.2;
};

// today: completions dated after it are refused (an LMS cannot know the future).
SyncReport pull_all(const Host& host, store::OrgStore& store, domain::Date today,
                    const SyncPolicy& policy = {});
DeliveryReport deliver(const Host& host, store::OrgStore& store, const std::string& now_iso);

nlohmann::json to_json(const StreamReport& report);

}  // namespace mentoring::sync
