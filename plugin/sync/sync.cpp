#include <mentoring/sync/sync.hpp>

#include <mentoring/schema.hpp>
#include <mentoring/store/outbox.hpp>
#include <mentoring/sync/codec.hpp>
#include <mentoring/training/training.hpp>

#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <optional>
#include <set>

namespace mentoring::sync {

using json = nlohmann::json;

namespace {

struct StreamKind {
  const char* stream;      // the adapter's stream name
  const char* capability;  // what the adapter must declare
  const char* schema;      // the record schema
};
constexpr StreamKind kStreams[] = {
    {"people", "read_people", "person"},
    {"leave", "read_leave", "leave"},
    {"course_completions", "read_course_completions", "course-completion"},
};

// Guards against an adapter that always answers "more": a host with more pages
// than this in one run is synced over several runs.
constexpr int kMaxPagesPerRun = 100000;

// Actions per push call: large enough to amortise the call, small enough for
// a host's request size limits.
constexpr int kDeliveryBatch = 500;

// Records per sync transaction: fewer commits on large syncs, bounded WAL growth.
constexpr std::size_t kRecordsPerTransaction = 50000;

bool has_capability(const json& adapter, const char* capability) {
  for (const auto& c : adapter.value("capabilities", json::array())) {
    if (c == capability) return true;
  }
  return false;
}

std::string record_label(const json& record) {
  if (record.is_object() && record.contains("id") && record["id"].is_string()) {
    return record["id"].get<std::string>();
  }
  if (record.is_object() && record.contains("person_id") && record.contains("course_id")) {
    return record["person_id"].dump() + "/" + record["course_id"].dump();
  }
  return "?";
}

// Stores one record; answers a problem message, or "" when stored.
std::string ingest(store::OrgStore& store, const StreamKind& kind, const json& record,
                   const std::string& adapter, domain::Date today) {
  // Named only when something is wrong: building it for every record costs.
  auto source_of = [&] { return adapter + " " + kind.stream + " record " + record_label(record); };
  auto problems = schema::validate_record(kind.schema, record, "");
  if (!problems.empty()) {
    const std::string source = source_of();
    for (auto& p : problems) p.source = source;
    std::string message;
    for (const auto& p : problems) message += (message.empty() ? "" : "; ") + p.message();
    return message;
  }
  try {
    std::string stream = kind.stream;
    if (stream == "people") {
      store.upsert(person_from_json(record));
    } else if (stream == "leave") {
      auto leave = leave_from_json(record);
      if (leave.expected_end < leave.start) {
        return source_of() + ": /expected_end: found \"" + domain::format_date(leave.expected_end) +
               "\"; expected a date on or after start " + domain::format_date(leave.start);
      }
      if (!store.has_person(leave.person_id)) {
        return source_of() + ": /person_id: found \"" + leave.person_id +
               "\"; expected the id of a known person";
      }
      if (auto other = store.overlapping_leave(leave)) {
        return source_of() + ": /start: found " + domain::format_date(leave.start) + " to " +
               domain::format_date(leave.expected_end) +
               "; expected no overlap with the same person's leave " + *other;
      }
      store.upsert(leave);
    } else {
      auto completion = completion_from_json(record);
      // Every course is kept (a programme may require it later); known_courses stays empty.
      if (auto problem = training::check_completion(
              completion, store.has_person(completion.person_id), {}, today)) {
        return source_of() + ": " + *problem;
      }
      store.upsert(completion);
    }
  } catch (const std::exception& e) {
    return source_of() + ": " + e.what();
  }
  return {};
}

void pull_stream(const Host& host, store::OrgStore& store, const std::string& adapter,
                 const StreamKind& kind, domain::Date today, SyncReport& report) {
  StreamReport r;
  r.adapter = adapter;
  r.stream = kind.stream;
  r.status = "unchanged";
  std::optional<std::string> cursor = store.cursor(adapter, kind.stream);
  // Consecutive pages share a transaction (up to kRecordsPerTransaction
  // records): each page's cursor is written with its records, so a crash loses
  // whole pages only, and they are read again from the stored cursor.
  std::optional<SQLite::Transaction> txn;
  std::size_t in_transaction = 0;
  auto commit = [&] {
    if (txn) txn->commit();
    txn.reset();
    in_transaction = 0;
  };
  for (int page = 0; page < kMaxPagesPerRun; ++page) {
    json request = {{"stream", kind.stream}, {"cursor", cursor ? json(*cursor) : json(nullptr)}};
    json answer;
    try {
      answer = schema::parse(host.call_adapter(adapter, "pull", request.dump()),
                             adapter + " pull " + kind.stream);
    } catch (const std::exception& e) {
      r.status = "failed";
      r.error = e.what();
      ++report.adapter_failures;
      break;
    }
    const json problems = answer.value("problems", json::array());
    if (!problems.empty()) {
      // The adapter itself says the page is malformed: store nothing from it.
      r.status = "rejected";
      for (const auto& p : problems) {
        r.problems.push_back({{"message", p.value("message", p.dump())}});
      }
      ++report.rejected_pages;
      break;
    }
    static const json kNoRecords = json::array();
    auto found = answer.find("records");
    const json& records = found != answer.end() && found->is_array() ? *found : kNoRecords;
    r.skipped += answer.value("skipped", 0);
    bool page_clean = true;
    if (!txn) txn.emplace(store.database());
    for (const auto& record : records) {
      ++r.read;
      std::string problem = ingest(store, kind, record, adapter, today);
      if (problem.empty()) {
        ++r.stored;
      } else {
        page_clean = false;
        ++r.rejected_records;
        ++report.rejected_records;
        r.problems.push_back({{"message", problem}});
      }
    }
    // The cursor moves only past a page that was stored whole.
    auto next = answer.find("next_cursor");
    if (page_clean && next != answer.end() && next->is_string()) {
      store.set_cursor(adapter, kind.stream, next->get<std::string>());
    }
    in_transaction += records.size();
    if (!answer.value("unchanged", false) || !records.empty()) r.status = "stored";
    if (!page_clean || !answer.value("more", false)) break;
    if (in_transaction >= kRecordsPerTransaction) commit();
    cursor = next != answer.end() && next->is_string() ? std::optional(next->get<std::string>())
                                                       : std::nullopt;
  }
  commit();
  if (r.status == "unchanged" && !store.cursor(adapter, kind.stream)) r.status = "nothing to read";
  report.streams.push_back(std::move(r));
}

}  // namespace

SyncReport pull_all(const Host& host, store::OrgStore& store, domain::Date today) {
  SyncReport report;
  json adapters = schema::parse(host.list_adapters(), "adapters list");
  // All people first, from every adapter, so leave can refer to them.
  for (const auto& kind : kStreams) {
    for (const auto& adapter : adapters) {
      if (!has_capability(adapter, kind.capability)) continue;
      pull_stream(host, store, adapter["name"].get<std::string>(), kind, today, report);
    }
  }
  return report;
}

namespace {

// What a writing adapter can carry out. One that declares only write_actions
// takes every action (an outbox file, a message queue); one that also declares
// specific capabilities takes only the action types those name.
struct Writer {
  std::string name;
  std::set<std::string> types;  // empty: every type
  bool takes(const std::string& type) const { return types.empty() || types.count(type) > 0; }
};

std::vector<Writer> writers_of(const json& adapters) {
  static const std::pair<const char*, std::vector<std::string>> kTypesByCapability[] = {
      {"enrol_in_course", {"enrol_in_course"}},
      {"create_calendar_event", {"calendar_event"}},
      {"create_task", {"task", "invite", "withdraw_invitation", "reminder", "notify"}},
  };
  std::vector<Writer> out;
  for (const auto& adapter : adapters) {
    if (!has_capability(adapter, "write_actions")) continue;
    Writer w{adapter["name"].get<std::string>(), {}};
    for (const auto& [capability, types] : kTypesByCapability) {
      if (has_capability(adapter, capability)) w.types.insert(types.begin(), types.end());
    }
    out.push_back(std::move(w));
  }
  return out;
}

}  // namespace

DeliveryReport deliver(const Host& host, store::OrgStore& store, const std::string& now_iso) {
  DeliveryReport report;
  store::Outbox outbox(store.database());
  const std::vector<Writer> writers =
      writers_of(schema::parse(host.list_adapters(), "adapters list"));
  // In batches, oldest first; a batch that delivers nothing ends the run (the
  // rest waits for the next run rather than being retried in a loop).
  std::set<std::string> no_writer_for;
  std::int64_t last_id = 0;
  while (true) {
    auto pending = outbox.pending_after(last_id, kDeliveryBatch);
    if (pending.empty()) break;
    last_id = pending.back().id;
    int delivered_before = report.delivered + report.duplicates;
    std::set<std::string> done;  // delivered by some writer: marked once
    for (const auto& writer : writers) {
      json batch = json::array();
      for (const auto& entry : pending) {
        if (writer.takes(entry.type) && !done.count(entry.idempotency_key)) {
          batch.push_back(json::parse(entry.payload));
        }
      }
      if (batch.empty()) continue;
      json answer;
      try {
        answer =
            schema::parse(host.call_adapter(writer.name, "push", json{{"actions", batch}}.dump()),
                          writer.name + " push");
      } catch (const std::exception& e) {
        report.errors.push_back({{"message", writer.name + ": " + e.what()}});
        continue;
      }
      SQLite::Transaction txn(store.database());
      for (const auto& result : answer.value("results", json::array())) {
        std::string key = result.value("idempotency_key", "");
        std::string status = result.value("status", "");
        if (status == "done" || status == "duplicate") {
          outbox.mark_delivered(key, now_iso);
          done.insert(key);
          ++(status == "done" ? report.delivered : report.duplicates);
        } else {
          outbox.mark_failed(key, result.value("message", status));
          ++report.failed;
          report.errors.push_back({{"message", writer.name + ": action " + key + ": " +
                                                   result.value("message", status)}});
        }
      }
      txn.commit();
    }
    for (const auto& entry : pending) {
      bool someone = std::any_of(writers.begin(), writers.end(),
                                 [&](const Writer& w) { return w.takes(entry.type); });
      if (!someone) no_writer_for.insert(entry.type);
    }
    if (report.delivered + report.duplicates == delivered_before) break;
  }
  for (const auto& type : no_writer_for) {
    report.errors.push_back(
        {{"message", "no adapter of this organisation can carry out \"" + type +
                         "\" actions (declare write_actions, with " +
                         "enrol_in_course, create_calendar_event or create_task); " +
                         "they wait in the outbox"}});
  }
  report.pending = outbox.count_pending();
  return report;
}

json to_json(const StreamReport& r) {
  json out = {{"adapter", r.adapter}, {"stream", r.stream},
              {"status", r.status},   {"read", r.read},
              {"stored", r.stored},   {"rejected_records", r.rejected_records},
              {"skipped", r.skipped}, {"problems", r.problems}};
  if (!r.error.empty()) out["error"] = r.error;
  return out;
}

}  // namespace mentoring::sync
