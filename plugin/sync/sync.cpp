#include <mentoring/sync/sync.hpp>

#include <mentoring/privacy/privacy.hpp>
#include <mentoring/schema.hpp>
#include <mentoring/store/outbox_repository.hpp>
#include <mentoring/store/privacy_store.hpp>
#include <mentoring/store/quarantine_repository.hpp>
#include <mentoring/store/return_store.hpp>
#include <mentoring/sync/codec.hpp>
#include <mentoring/sync/id_set.hpp>
#include <mentoring/training/training.hpp>

#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <unordered_set>

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
    // After leave, so the days' leave is stored when return_to_work judges them.
    {"keeping_in_touch_days", "read_keeping_in_touch_days", "keeping-in-touch-day"},
};

// Actions per push call: large enough to amortise the call, small enough for
// a host's request size limits.
constexpr int kDeliveryBatch = 500;

// Records (and quarantine entries) one pull answer may hold: more is the
// adapter's failure (an export of millions belongs in pages).
constexpr std::size_t kMaxRecordsPerAnswer = 1000000;

// Records per sync transaction: fewer commits on large syncs, bounded WAL growth.
constexpr std::size_t kRecordsPerTransaction = 50000;

// A page of at least this many records pauses the store revision's per-row triggers once
// it has stored one (OrgStore::pause_revision_counting): dropping and creating them again
// costs about as much as a few hundred rows' triggers.
constexpr std::size_t kPauseCountingFrom = 1000;

bool has_capability(const json& adapter, const char* capability) {
  for (const auto& c : adapter.value("capabilities", json::array())) {
    if (c == capability) return true;
  }
  return false;
}

using schema::JsonValue;

// Records the run report lists by message; the rest are counted (and listed
// by `check` and the quarantine command).
constexpr std::size_t kMaxProblemsListed = 100;

// The record's identity as the host sent it: its id, or a completion's
// person/course. An id that is not a non-empty string identifies nobody (a 7
// where "P7" belongs could be anyone): such a record is quarantined by its text,
// and a full read it belongs to marks nobody absent.
std::optional<std::string> record_id_of(const StreamKind& kind, const JsonValue& record) {
  const JsonValue id = record["id"];
  // An id beyond the id limits (10 MB, control characters) identifies nobody either.
  if (id.is_string() && schema::is_usable_id(id.string())) return std::string(id.string());
  if (std::string_view(kind.stream) == "course_completions" && record["person_id"].is_string() &&
      record["course_id"].is_string() && schema::is_usable_id(record["person_id"].string()) &&
      schema::is_usable_id(record["course_id"].string())) {
    return std::string(record["person_id"].string()) + "/" +
           std::string(record["course_id"].string());
  }
  return std::nullopt;
}

// Who has_person answers true for, read once when the first record after the
// people streams asks: every leave, completion and keeping-in-touch day names
// a person, and a look-up in memory costs a fraction of a query per record.
// Nothing in a sync changes who is present after the people streams (they all
// come first, and mark absent as their full reads end). Read on first use, so
// a sync whose other streams are unchanged never reads it (at 1,000,000
// people it is about 26 MB and a third of a second).
class PresentPeople {
 public:
  explicit PresentPeople(store::OrgStore& store) : store_(store) {}
  bool contains(std::string_view id) {
    if (!loaded_) load();
    return ids_.contains(id);
  }

 private:
  void load() {
    store_.for_each_present_person([this](std::string_view id) { ids_.insert(id); });
    ids_.shrink_to_fit();
    loaded_ = true;
  }
  // One buffer for every id (IdSet): at 1,000,000 people about 26 MB instead of 50.
  IdSet ids_;
  bool loaded_ = false;
  store::OrgStore& store_;
};

// What one stream's records share while they are stored.
struct IngestState {
  PresentPeople& present;
  // A leave is first tried as new (one statement: insert unless stored, what
  // a first sync meets for every leave); after one that was stored already,
  // leave goes the upsert's way (read, then write what changed) until one is
  // stored again.
  bool try_new_leave = true;
};

struct Ingested {
  store::UpsertOutcome outcome = store::UpsertOutcome::stored;
  // Set when the record failed a check: it is quarantined, not stored.
  std::optional<QuarantineReason> reason;
  std::string pointer, found, expected, message;
};

Ingested refused(QuarantineReason reason, std::string source, std::string pointer,
                 std::string found, std::string expected) {
  Ingested out;
  out.reason = reason;
  out.message = std::move(source) + ": " + pointer + ": found " + found + "; expected " + expected;
  out.pointer = std::move(pointer);
  out.found = std::move(found);
  out.expected = std::move(expected);
  return out;
}

QuarantineReason reason_of(training::CompletionProblem::Kind kind) {
  using Kind = training::CompletionProblem::Kind;
  switch (kind) {
    case Kind::unknown_person:
      return QuarantineReason::unknown_person;
    case Kind::unknown_course:
      return QuarantineReason::unknown_course;
    case Kind::completed_in_future:
      return QuarantineReason::completed_in_future;
    case Kind::expires_before_completion:
      return QuarantineReason::expires_before_completion;
  }
  return QuarantineReason::unreadable;
}

// A keeping-in-touch day as the HR system reports it (schema and calendar
// checked already).
store::ReturnStore::ReportedKitDay reported_kit_day_from(const JsonValue& record) {
  store::ReturnStore::ReportedKitDay day;
  day.record_id = std::string(record["id"].string());
  day.person_id = std::string(record["person_id"].string());
  if (record["leave_id"].is_string()) day.leave_id = std::string(record["leave_id"].string());
  if (record["note"].is_string()) day.note = std::string(record["note"].string());
  auto on = domain::parse_date(record["date"].string());
  if (!on) throw std::invalid_argument("/date: not a calendar date");
  day.on = *on;
  return day;
}

// Stores one record, or answers why it cannot be stored.
// full_read: the id of the full read this record's page belongs to, or "".
// erased: hashes of the ids of people erased (privacy::id_hash);
// their records are passed over, never stored again nor quarantined.
Ingested ingest(store::OrgStore& store, const StreamKind& kind, const JsonValue& record,
                const std::string& adapter, domain::Date today, const std::string& full_read,
                const std::unordered_set<std::string>& erased, IngestState& state) {
  // Named only when something is wrong: building it for every record costs.
  auto source_of = [&] {
    auto id = record_id_of(kind, record);
    return adapter + " " + kind.stream + " record " + (id ? *id : std::string("(no id)"));
  };
  auto problems = schema::validate_page_record(kind.schema, record, "");
  if (!problems.empty()) {
    Ingested out;
    out.reason = QuarantineReason::not_valid;
    out.pointer = problems.front().pointer;
    out.found = problems.front().found;
    out.expected = problems.front().expected;
    const std::string source = source_of();
    for (auto& p : problems) {
      p.source = source;
      out.message += (out.message.empty() ? "" : "; ") + p.message();
    }
    return out;
  }
  if (!erased.empty()) {
    const JsonValue who =
        std::string_view(kind.stream) == "people" ? record["id"] : record["person_id"];
    if (who.is_string() && erased.count(privacy::id_hash(std::string(who.string()))) > 0) {
      Ingested out;
      out.outcome = store::UpsertOutcome::unchanged;
      return out;
    }
  }
  try {
    std::string_view stream = kind.stream;
    if (stream == "people") {
      if (full_read.empty()) {
        store.upsert(person_from(record));
      } else {
        store.upsert_listed(person_from(record), adapter, full_read);
      }
      return {};
    }
    if (stream == "leave") {
      auto leave = leave_from(record);
      if (leave.expected_end < leave.start) {
        return refused(QuarantineReason::ends_before_start, source_of(), "/expected_end",
                       "\"" + domain::format_date(leave.expected_end) + "\"",
                       "a date on or after start " + domain::format_date(leave.start));
      }
      if (!state.present.contains(leave.person_id)) {
        return refused(QuarantineReason::unknown_person, source_of(), "/person_id",
                       "\"" + leave.person_id + "\"", "the id of a known person");
      }
      if (auto other = store.overlapping_leave(leave)) {
        return refused(
            QuarantineReason::overlapping_leave, source_of(), "/start",
            domain::format_date(leave.start) + " to " + domain::format_date(leave.expected_end),
            "no overlap with the same person's leave " + *other);
      }
      if (state.try_new_leave) {
        if (store.insert_new_leave(leave)) return {};  // stored
        state.try_new_leave = false;
      }
      Ingested out;
      out.outcome = store.upsert(leave);
      state.try_new_leave = out.outcome == store::UpsertOutcome::stored;
      return out;
    }
    if (stream == "keeping_in_touch_days") {
      if (!domain::parse_date(record["date"].string())) {
        return refused(QuarantineReason::not_valid, source_of(), "/date",
                       "\"" + std::string(record["date"].string()) + "\"",
                       "a calendar date (YYYY-MM-DD)");
      }
      auto day = reported_kit_day_from(record);
      day.adapter = adapter;
      if (!state.present.contains(day.person_id)) {
        return refused(QuarantineReason::unknown_person, source_of(), "/person_id",
                       "\"" + day.person_id + "\"", "the id of a known person");
      }
      // Which leave the day belongs to, and whether it counts, is the
      // return_to_work pass's to judge (it reports what it refuses).
      Ingested out;
      out.outcome =
          store::ReturnStore(store.database()).report_kit_day(day, domain::format_date(today)) ==
                  store::ReturnStore::ReportOutcome::stored
              ? store::UpsertOutcome::stored
              : store::UpsertOutcome::unchanged;
      return out;
    }
    auto completion = completion_from(record);
    // Every course is kept (a programme may require it later); known_courses stays empty.
    if (auto problem = training::completion_problem(
            completion, state.present.contains(completion.person_id), {}, today)) {
      return refused(reason_of(problem->kind), source_of(), problem->pointer, problem->found,
                     problem->expected);
    }
    Ingested out;
    out.outcome = store.upsert(completion);
    return out;
  } catch (const SQLite::Exception&) {
    throw;  // the database failed, not the record: never quarantined (pull_all)
  } catch (const std::exception& e) {
    Ingested out;
    out.reason = QuarantineReason::unreadable;
    out.found = e.what();
    out.expected = "a record the plugin can convert";
    out.message = source_of() + ": " + e.what();
    return out;
  }
}

// A changes-only full read's fields (adapters/README.md, "pull"): changes_only
// true or false; removed only in a changes-only read, each a usable person id,
// at most kMaxRecordsPerAnswer of them. "" when they fit.
template <class Wrong>
std::string changes_problem(const JsonValue& full_read, const Wrong& wrong) {
  const JsonValue changes_only = full_read["changes_only"];
  if (!changes_only.is_missing() && changes_only.type() != JsonValue::Type::boolean)
    return wrong("/full_read/changes_only", changes_only, "true or false");
  const JsonValue removed = full_read["removed"];
  if (removed.is_missing()) return {};
  if (!removed.is_array()) return wrong("/full_read/removed", removed, "an array of person ids");
  if (!changes_only.boolean())
    return wrong("/full_read/removed", removed,
                 "no removed ids outside a changes-only read (/full_read/changes_only true): a "
                 "full read lists everyone");
  if (removed.size() > kMaxRecordsPerAnswer)
    return "limit records_per_answer = " + std::to_string(kMaxRecordsPerAnswer) + ": found " +
           std::to_string(removed.size()) + " ids in /full_read/removed";
  std::size_t i = 0;
  for (JsonValue id : removed.elements()) {
    const std::string at = "/full_read/removed/" + std::to_string(i++);
    if (!id.is_string() || !schema::is_usable_id(id.string()))
      return wrong(at.c_str(), id, "a person id (a non-empty string within the id limits)");
  }
  return {};
}

// Reasons that can pass without the host sending the record again: it is
// kept whole (bounded) and retried after each pull of its adapter's stream.
bool can_pass_later(QuarantineReason reason) {
  switch (reason) {
    case QuarantineReason::unknown_person:
    case QuarantineReason::overlapping_leave:
    case QuarantineReason::unknown_course:
    case QuarantineReason::completed_in_future:
      return true;
    default:
      return false;
  }
}

// Ingests again the records of adapter's stream held for a reason that can
// pass later (at most QuarantineRepository::kMaxPerStream, as many as it holds):
// one that passes now is stored and released; one that does not stays, its
// reason brought up to date and times_seen kept (the host did not send it).
void retry_held(store::OrgStore& store, store::QuarantineRepository& quarantine,
                const std::string& adapter, const StreamKind& kind, domain::Date today,
                const std::unordered_set<std::string>& erased, IngestState& state,
                StreamReport& r) {
  const std::string today_text = domain::format_date(today);
  for (auto& held :
       quarantine.retryable(adapter, kind.stream, store::QuarantineRepository::kMaxPerStream)) {
    std::optional<schema::JsonPage> page;
    try {
      page.emplace(std::move(held.raw));
    } catch (const std::exception&) {
      continue;  // kept by this plugin as valid JSON: never expected
    }
    const JsonValue record = page->root();
    Ingested in = ingest(store, kind, record, adapter, today, "", erased, state);
    if (!in.reason) {
      if (quarantine.release(adapter, kind.stream, held.key)) ++r.released;
      if (in.outcome == store::UpsertOutcome::stored) ++r.stored;
      continue;
    }
    store::QuarantinedRecord q;
    q.adapter = adapter;
    q.stream = kind.stream;
    q.reason = to_string(*in.reason);
    q.pointer = in.pointer;
    q.found = in.found;
    q.expected = in.expected;
    q.message = in.message;
    q.last_seen = today_text;
    if (can_pass_later(*in.reason)) q.raw = record.to_json().dump();
    quarantine.still_held(held.key, q);
  }
}

// What is wrong with a pull answer's envelope (adapters/README.md, "pull"), or
// "". An answer that breaks it is the adapter's failure: nothing of it is
// stored, rather than a missing "records" read as "nobody is left".
std::string answer_problem(const JsonValue& answer) {
  using Type = JsonValue::Type;
  auto wrong = [](const char* pointer, const JsonValue& found, const char* expected) {
    return std::string(pointer) + ": found " +
           (found.is_missing() ? std::string("(missing)") : schema::describe(found.to_json())) +
           "; expected " + expected;
  };
  if (!answer.is_object()) return wrong("", answer, "a pull answer object");
  if (!answer["records"].is_array()) return wrong("/records", answer["records"], "an array");
  const JsonValue next = answer["next_cursor"];
  if (!next.is_missing() && !next.is_string() && !next.is_null())
    return wrong("/next_cursor", next, "a string or null");
  for (const char* flag : {"more", "unchanged"}) {
    const JsonValue value = answer[flag];
    if (!value.is_missing() && value.type() != Type::boolean)
      return wrong(flag == std::string("more") ? "/more" : "/unchanged", value, "true or false");
  }
  const JsonValue skipped = answer["skipped"];
  if (!skipped.is_missing() && !(skipped.integer() && *skipped.integer() >= 0))
    return wrong("/skipped", skipped, "a count (an integer >= 0)");
  const JsonValue problems = answer["problems"];
  if (!problems.is_missing() && !problems.is_array())
    return wrong("/problems", problems, "an array");
  const JsonValue refused = answer["quarantine"];
  if (!refused.is_missing()) {
    if (!refused.is_array()) return wrong("/quarantine", refused, "an array");
    std::size_t i = 0;
    for (JsonValue entry : refused.elements()) {
      const std::string at = "/quarantine/" + std::to_string(i++);
      if (!entry.is_object()) return wrong(at.c_str(), entry, "an object");
      const JsonValue id = entry["record_id"];
      if (!id.is_missing() && !id.is_null() && !(id.is_string() && !id.string().empty()))
        return wrong((at + "/record_id").c_str(), id, "a non-empty string or null");
      if (!entry["message"].is_string() || entry["message"].string().empty())
        return wrong((at + "/message").c_str(), entry["message"], "a non-empty string");
      for (const char* field : {"pointer", "found", "expected", "excerpt"}) {
        const JsonValue value = entry[field];
        if (!value.is_missing() && !value.is_string())
          return wrong((at + "/" + field).c_str(), value, "a string");
      }
    }
  }
  const JsonValue full_read = answer["full_read"];
  if (!full_read.is_missing()) {
    if (!full_read.is_object()) return wrong("/full_read", full_read, "an object");
    if (!full_read["id"].is_string() || full_read["id"].string().empty())
      return wrong("/full_read/id", full_read["id"], "a non-empty string");
    if (full_read["last_page"].type() != Type::boolean)
      return wrong("/full_read/last_page", full_read["last_page"], "true or false");
    if (std::string problem = changes_problem(full_read, wrong); !problem.empty()) return problem;
  }
  return {};
}

std::string shown_share(const SyncPolicy& policy) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", policy.absent_share_limit);
  return text;
}

// After a complete full read: who the adapter listed before and not this time
// is no longer in the host's records (deleted rather than given an end date).
void reconcile(store::OrgStore& store, store::QuarantineRepository& quarantine,
               const std::string& adapter, const std::string& read_id, domain::Date today,
               const SyncPolicy& policy, StreamReport& r) {
  // Someone whose record this read quarantined is listed, only not readable:
  // never absent for it. One quarantined without an id could be anyone.
  auto held = quarantine.held_in_read(adapter, read_id);
  if (held.without_id > 0) {
    r.problems.push_back(
        {{"message", adapter + " people: this full read quarantined " +
                         std::to_string(held.without_id) +
                         " record(s) without an id; nobody was marked absent, since any of "
                         "them could be someone the read would otherwise miss"}});
    return;
  }
  std::vector<std::string> unlisted = store.unlisted_after(adapter, read_id);
  std::erase_if(unlisted, [&](const std::string& id) {
    return std::find(held.ids.begin(), held.ids.end(), id) != held.ids.end();
  });
  // Held from earlier reads and not listed by this one: gone from the host.
  r.released += static_cast<int>(quarantine.release_unlisted(adapter, read_id));
  if (unlisted.empty()) return;
  auto before = static_cast<double>(store.listed_count(adapter));  // absent ones aside
  auto gone = static_cast<double>(unlisted.size());
  bool nobody_listed = gone >= before;
  double allowed = std::max(1.0, std::floor(policy.absent_share_limit * before));
  if ((nobody_listed && policy.absent_share_limit < 1.0) || gone > allowed) {
    r.problems.push_back(
        {{"message", adapter + " people: a full read no longer lists " +
                         std::to_string(unlisted.size()) + " of the " +
                         std::to_string(static_cast<long long>(before)) +
                         " people it listed before; expected at most " +
                         std::to_string(static_cast<long long>(allowed)) +
                         " (policy.absent_share_limit " + shown_share(policy) +
                         ") gone at once. Nobody was marked absent: check the adapter's "
                         "filters and the export; if the records really were deleted, raise "
                         "policy.absent_share_limit for one sync"}});
    return;
  }
  store.mark_absent(unlisted, today);
  r.absent = unlisted;
}

// A changes-only read's removed ids (adapters/README.md, "pull"): people its
// adapter's listing no longer holds. They leave the listing in the page's
// transaction, so the read's last page reconciles them as unlisted (share guard
// included), and stay unlisted until a record of theirs arrives again. One held
// in the quarantine from the people stream is gone from the host too.
void take_off_listing(store::OrgStore& store, store::QuarantineRepository& quarantine,
                      const std::string& adapter, const JsonValue& removed,
                      std::unordered_set<std::string>& held, StreamReport& r) {
  for (JsonValue id : removed.elements()) {
    const std::string person(id.string());
    store.unlist(adapter, person);
    const std::string key = store::QuarantineRepository::key_of(person, {});
    if (held.erase(key) > 0 && quarantine.release(adapter, "people", key)) ++r.released;
  }
}

// A cursor for messages: quoted, cut when long (it is the adapter's own text).
std::string shown_cursor(const std::optional<std::string>& cursor) {
  if (!cursor) return "null";
  constexpr std::size_t kShown = 200;
  json text = cursor->size() > kShown ? cursor->substr(0, kShown) + "..." : *cursor;
  return text.dump(-1, ' ', false, json::error_handler_t::replace);
}

void pull_stream(const Host& host, store::OrgStore& store, const std::string& adapter,
                 const StreamKind& kind, domain::Date today, const SyncPolicy& policy,
                 SyncReport& report, const std::unordered_set<std::string>& erased,
                 PresentPeople& present) {
  StreamReport r;
  r.adapter = adapter;
  r.stream = kind.stream;
  r.status = "unchanged";
  store::SqliteQuarantineRepository quarantine(store.session());
  // Checked for every stored record, in memory: usually empty.
  std::unordered_set<std::string> held = quarantine.keys(adapter, kind.stream);
  IngestState state{present};
  const std::string today_text = domain::format_date(today);
  int problems_omitted = 0;
  std::int64_t dropped = 0;
  std::optional<std::string> cursor = store.cursor(adapter, kind.stream);
  // Consecutive pages share a transaction (up to kRecordsPerTransaction
  // records): each page's cursor is written with its records and quarantine
  // rows, so a crash loses whole pages only, read again from the stored cursor.
  std::optional<SQLite::Transaction> txn;
  std::size_t in_transaction = 0;
  auto commit = [&] {
    if (txn) {
      // Brings back the revision's triggers if a large page paused them (else nothing):
      // a paused transaction may not commit.
      store.resume_revision_counting();
      txn->commit();
    }
    txn.reset();
    in_transaction = 0;
  };
  // Every cursor sent in this pull (null for the start): an adapter that
  // answers one of them again would page in a loop.
  std::set<std::optional<std::string>> cursors_sent;
  auto stop = [&](std::string error) {
    r.status = "failed";
    r.error = std::move(error);
    ++report.adapter_failures;
  };
  for (int page = 1;; ++page) {
    cursors_sent.insert(cursor);
    json request = {{"stream", kind.stream}, {"cursor", cursor ? json(*cursor) : json(nullptr)}};
    // Read without a DOM: a large sync's pages hold millions of records.
    std::optional<schema::JsonPage> text;
    try {
      text.emplace(host.call_adapter(adapter, "pull", request.dump()));
      if (std::string problem = answer_problem(text->root()); !problem.empty())
        throw std::runtime_error(problem);
    } catch (const std::exception& e) {
      stop(adapter + " pull " + kind.stream + ": " + e.what());
      break;
    }
    const JsonValue answer = text->root();
    const JsonValue next = answer["next_cursor"];
    const std::optional<std::string> next_cursor =
        next.is_string() ? std::optional(std::string(next.string())) : std::nullopt;
    if (answer["problems"].size() > 0) {
      // The adapter itself says the page is malformed: store nothing from it.
      r.status = "rejected";
      for (JsonValue p : answer["problems"].elements()) {
        r.problems.push_back(
            {{"message",
              p["message"].is_string() ? std::string(p["message"].string()) : p.to_json().dump()}});
      }
      ++report.rejected_pages;
      break;
    }
    if (answer["more"].boolean() && cursors_sent.count(next_cursor) > 0) {
      // Nothing of this page is stored: the pages after it were never read,
      // so a full read it belongs to is not complete.
      stop(adapter + " pull " + kind.stream + ": page " + std::to_string(page) +
           " answered the cursor " + shown_cursor(next_cursor) +
           " a second time in this pull, with more to come; expected a new cursor for each page "
           "(the adapter or its host pages in a loop). The stream stops here; nothing of this "
           "page is stored");
      break;
    }
    if (const std::size_t count = answer["records"].size() + answer["quarantine"].size() +
                                  answer["full_read"]["removed"].size();
        count > kMaxRecordsPerAnswer) {
      stop("limit records_per_answer = " + std::to_string(kMaxRecordsPerAnswer) + ": found " +
           std::to_string(count) + " records in page " + std::to_string(page) + " of " + adapter +
           " " + kind.stream + "; nothing of it is stored");
      break;
    }
    // {"id", "last_page"}: this page belongs to a full read of everyone the
    // host lists (adapters/README.md); only people are reconciled this way.
    std::string full_read;
    bool full_read_ends = false;
    if (std::string_view(kind.stream) == "people" && answer["full_read"]["id"].is_string()) {
      full_read = std::string(answer["full_read"]["id"].string());
      full_read_ends = answer["full_read"]["last_page"].boolean();
    }
    const JsonValue records = answer["records"];
    // A count, not trusted to fit an int: at most one per record an answer may hold.
    r.skipped += static_cast<int>(
        std::min<long long>(answer["skipped"].integer().value_or(0), kMaxRecordsPerAnswer));
    if (!txn) txn.emplace(store.database());
    if (!full_read.empty())
      take_off_listing(store, quarantine, adapter, answer["full_read"]["removed"], held, r);
    const int quarantined_before = r.quarantined;
    for (JsonValue record : records.elements()) {
      ++r.read;
      Ingested in = ingest(store, kind, record, adapter, today, full_read, erased, state);
      if (!in.reason) {
        switch (in.outcome) {
          case store::UpsertOutcome::stored:
            ++r.stored;
            // The transaction wrote, so it counts: the rest of a large page's rows
            // need not run the counting triggers (pausing again is nothing).
            if (records.size() >= kPauseCountingFrom) store.pause_revision_counting();
            break;
          case store::UpsertOutcome::unchanged:
            ++r.unchanged;
            break;
          case store::UpsertOutcome::older:
            ++r.older;
            break;
        }
        if (!held.empty()) {
          auto id = record_id_of(kind, record);
          std::string key = store::QuarantineRepository::key_of(id, {});
          if (id && held.erase(key) > 0 && quarantine.release(adapter, kind.stream, key))
            ++r.released;
        }
        continue;
      }
      store::QuarantinedRecord q;
      q.adapter = adapter;
      q.stream = kind.stream;
      q.record_id = record_id_of(kind, record);
      q.reason = to_string(*in.reason);
      q.pointer = in.pointer;
      q.found = in.found;
      q.expected = in.expected;
      q.message = in.message;
      const std::string raw = record.to_json().dump();
      q.excerpt = raw;  // capped by the store
      if (can_pass_later(*in.reason)) q.raw = raw;
      if (!full_read.empty()) q.full_read = full_read;
      q.last_seen = today_text;
      quarantine.hold(q, raw);
      held.insert(store::QuarantineRepository::key_of(q.record_id, raw));
      ++r.quarantined;
      ++report.quarantined;
      if (r.problems.size() < kMaxProblemsListed) {
        r.problems.push_back({{"message", in.message},
                              {"reason", q.reason},
                              {"record_id", q.record_id ? json(*q.record_id) : json(nullptr)}});
      } else {
        ++problems_omitted;
      }
    }
    if (r.quarantined > quarantined_before) dropped += quarantine.trim(adapter, kind.stream);
    // Records the adapter itself could not map (adapters/README.md, "pull"):
    // held like the plugin's own, while the rest of the page is stored.
    for (JsonValue entry : answer["quarantine"].elements()) {
      store::QuarantinedRecord q;
      q.adapter = adapter;
      q.stream = kind.stream;
      if (entry["record_id"].is_string()) q.record_id = std::string(entry["record_id"].string());
      q.reason = to_string(QuarantineReason::adapter_refused);
      q.pointer = std::string(entry["pointer"].string());
      q.found = std::string(entry["found"].string());
      q.expected = std::string(entry["expected"].string());
      q.message = std::string(entry["message"].string());
      q.excerpt = std::string(entry["excerpt"].string());
      if (!full_read.empty()) q.full_read = full_read;
      q.last_seen = today_text;
      // Without an id, the adapter's words and excerpt are what identifies it.
      const std::string text = q.message + "\n" + q.excerpt;
      quarantine.hold(q, text);
      held.insert(store::QuarantineRepository::key_of(q.record_id, text));
      ++r.quarantined;
      ++report.quarantined;
      if (r.problems.size() < kMaxProblemsListed) {
        r.problems.push_back({{"message", q.message},
                              {"reason", q.reason},
                              {"record_id", q.record_id ? json(*q.record_id) : json(nullptr)}});
      } else {
        ++problems_omitted;
      }
    }
    // The page is stored: its sound records, its quarantined ones held.
    if (next.is_string()) {
      store.set_cursor(adapter, kind.stream, std::string(next.string()));
      // The last page of a full read: every earlier page of the read was
      // stored (the cursor only moves past stored pages).
      if (full_read_ends) reconcile(store, quarantine, adapter, full_read, today, policy, r);
    }
    in_transaction += records.size();
    if (!answer["unchanged"].boolean() || records.size() > 0) r.status = "read";
    if (!answer["more"].boolean()) break;
    if (page >= policy.max_pages_per_stream) {
      stop("limit policy.sync.max_pages_per_stream = " +
           std::to_string(policy.max_pages_per_stream) + ": found more pages of " + adapter + " " +
           kind.stream + " after " + std::to_string(page) +
           " in this run. What was read is kept and the next run goes on from it; raise the "
           "limit if the host really holds that many pages");
      break;
    }
    if (in_transaction >= kRecordsPerTransaction) commit();
    cursor = next_cursor;
  }
  commit();
  // Held records that may pass now (the person arrived, the overlap went):
  // an unchanged row is never sent again, so waiting for the host is not enough.
  {
    SQLite::Transaction retry(store.database());
    retry_held(store, quarantine, adapter, kind, today, erased, state, r);
    retry.commit();
  }
  if (problems_omitted > 0) {
    r.problems.push_back({{"message", std::to_string(problems_omitted) +
                                          " more record(s) quarantined; `mentoring-host check` "
                                          "and the quarantine command list them"}});
  }
  if (dropped > 0) {
    r.problems.push_back(
        {{"message", adapter + " " + kind.stream + ": the quarantine keeps at most " +
                         std::to_string(store::QuarantineRepository::kMaxPerStream) +
                         " records per stream; " + std::to_string(dropped) +
                         " seen longest ago were dropped from it (the host still holds them)"}});
  }
  if (r.status == "unchanged" && !store.cursor(adapter, kind.stream)) r.status = "nothing to read";
  report.streams.push_back(std::move(r));
}

}  // namespace

SyncReport pull_all(const Host& host, store::OrgStore& store, domain::Date today,
                    const SyncPolicy& policy) {
  SyncReport report;
  json adapters = schema::parse(host.list_adapters(), "adapters list");
  const auto erased = store::PrivacyStore::erased_hashes(store.database());
  // All people first, from every adapter, so leave can refer to them.
  PresentPeople present(store);
  for (const auto& kind : kStreams) {
    for (const auto& adapter : adapters) {
      if (!has_capability(adapter, kind.capability)) continue;
      const std::string name = adapter["name"].get<std::string>();
      // A failing database (busy, locked, I/O, full, read-only, corrupt) says
      // nothing about the host's records: the page being stored rolls back and
      // the run stops here, so nothing is quarantined or planned from partial data.
      try {
        pull_stream(host, store, name, kind, today, policy, report, erased, present);
      } catch (const SQLite::Exception& e) {
        throw store::StoreError(store.path(), "syncing " + name + " " + kind.stream, e);
      }
    }
  }
  return report;
}

std::vector<domain::AdapterDescription> adapters_of(const Host& host) {
  std::vector<domain::AdapterDescription> out;
  for (const auto& adapter : schema::parse(host.list_adapters(), "adapters list")) {
    domain::AdapterDescription d;
    d.name = adapter.value("name", "");
    for (const auto& c : adapter.value("capabilities", json::array())) {
      if (c.is_string()) d.capabilities.push_back(c.get<std::string>());
    }
    out.push_back(std::move(d));
  }
  return out;
}

namespace {

// A report lists at most this many errors (then one saying how many more).
constexpr std::size_t kMaxErrorsListed = 50;

struct Errors {
  json& list;
  std::size_t omitted = 0;
  void add(std::string message) {
    if (list.size() < kMaxErrorsListed) {
      list.push_back({{"message", std::move(message)}});
    } else {
      ++omitted;
    }
  }
};

}  // namespace

DeliveryReport deliver(const Host& host, store::OrgStore& store,
                       const domain::RoutingTable& routing, const domain::RetryPolicy& policy,
                       std::chrono::sys_seconds now) {
  DeliveryReport report;
  Errors errors{report.errors};
  store::SqliteOutboxRepository outbox(store.session());
  const std::string now_text = domain::format_time(now);
  std::set<std::string> unrouted_kinds;
  // A writer whose push failed as a whole is not called again in this run:
  // its other actions wait, untried, for the next one.
  std::map<std::string, std::int64_t> down;  // adapter -> actions left untried
  std::int64_t last_id = 0;
  while (true) {
    auto due = outbox.due_after(last_id, now_text, kDeliveryBatch);
    if (due.empty()) break;
    last_id = due.back().id;
    // Each action to its route only, in batches per adapter.
    std::map<std::string, std::vector<const store::OutboxEntry*>> by_adapter;
    for (const auto& entry : due) {
      const domain::Route* route = routing.route_for(entry.type);
      if (!route) {
        unrouted_kinds.insert(entry.type);
        continue;
      }
      if (auto it = down.find(route->adapter); it != down.end()) {
        ++it->second;
        continue;
      }
      by_adapter[route->adapter].push_back(&entry);
    }
    for (const auto& [adapter, entries] : by_adapter) {
      json batch = json::array();
      for (const auto* entry : entries) batch.push_back(json::parse(entry->payload));
      // key -> (status, message); an action without a result was not carried out.
      std::map<std::string, std::pair<std::string, std::string>> results;
      std::string push_error;
      try {
        json answer = schema::parse(
            host.call_adapter(adapter, "push", json{{"actions", batch}}.dump()), adapter + " push");
        if (!answer.is_object() || !answer.contains("results") || !answer["results"].is_array())
          throw std::runtime_error(adapter +
                                   " push: /results: found (missing or not an array); expected "
                                   "an array of results");
        for (const auto& result : answer["results"]) {
          if (!result.is_object() || !result.contains("idempotency_key") ||
              !result["idempotency_key"].is_string())
            continue;
          std::string status =
              result.contains("status") && result["status"].is_string() ? result["status"] : "";
          std::string message = result.contains("message") && result["message"].is_string()
                                    ? result["message"].get<std::string>()
                                    : std::string();
          results[result["idempotency_key"].get<std::string>()] = {status, message};
        }
      } catch (const std::exception& e) {
        push_error = e.what();
        down[adapter] = 0;
        errors.add(adapter +
                   ": push failed as a whole (every action of its batch counts as a "
                   "failed attempt): " +
                   push_error);
      }
      SQLite::Transaction txn(store.database());
      for (const auto* entry : entries) {
        const std::string& key = entry->idempotency_key;
        std::string error;
        if (!push_error.empty()) {
          error = push_error;
        } else if (auto it = results.find(key); it == results.end()) {
          error = adapter + " answered no result for this action";
        } else {
          const auto& [status, message] = it->second;
          if (status == "done" || status == "duplicate") {
            outbox.mark_delivered(key, now_text, adapter);
            ++(status == "done" ? report.delivered : report.duplicates);
            continue;
          }
          if (status == "not_handled") {
            // The route's adapter is not set up for this kind: a failure, never
            // handed to another adapter.
            error = adapter + " is not set up to carry out \"" + entry->type +
                    "\" actions (not_handled" + (message.empty() ? "" : ": " + message) +
                    "); see its settings, or route the kind elsewhere";
          } else {
            error = message.empty() ? adapter + " answered status \"" + status + "\"" : message;
          }
        }
        auto outcome = domain::after_failure(entry->attempts, policy, now);
        store::FailedAttempt attempt;
        attempt.idempotency_key = key;
        attempt.target = adapter;
        attempt.error = error;
        attempt.attempts = outcome.attempts;
        attempt.at = now_text;
        attempt.dead = outcome.dead;
        if (!outcome.dead) attempt.next_attempt_at = domain::format_time(outcome.next_attempt_at);
        outbox.record_failure(attempt);
        ++report.failed;
        if (outcome.dead) ++report.dead_now;
        if (push_error.empty()) {
          errors.add(adapter + ": " + entry->type + " " + key + ": " + error +
                     (outcome.dead
                          ? " (attempt " + std::to_string(outcome.attempts) + ": now a dead letter)"
                          : " (attempt " + std::to_string(outcome.attempts) + "; next after " +
                                attempt.next_attempt_at + ")"));
        }
      }
      txn.commit();
    }
  }
  for (const auto& [adapter, untried] : down) {
    if (untried > 0)
      errors.add(adapter + ": " + std::to_string(untried) +
                 " more action(s) not tried in this run after its push failed; they wait");
  }
  for (const auto& kind : unrouted_kinds) {
    errors.add("\"" + kind +
               "\" actions wait in the outbox: no adapter carries them (none declares the kind, "
               "routing names none and the organisation does not have exactly one writer); "
               "name one in the organisation's routing");
  }
  if (errors.omitted > 0)
    report.errors.push_back(
        {{"message", std::to_string(errors.omitted) +
                         " more delivery error(s); the actions command lists pending and dead "
                         "actions with their last error"}});
  auto counts = outbox.counts();
  report.pending = counts.pending;
  report.retrying = counts.retrying;
  report.dead_letters = counts.dead;
  for (const auto& e : outbox.list(store::OutboxState::dead, 0, kMaxDeadListed)) {
    report.dead.push_back({e.idempotency_key, e.type, e.target, e.attempts, e.last_error});
  }
  return report;
}

const char* to_string(QuarantineReason reason) {
  switch (reason) {
    case QuarantineReason::not_valid:
      return "not_valid";
    case QuarantineReason::ends_before_start:
      return "ends_before_start";
    case QuarantineReason::unknown_person:
      return "unknown_person";
    case QuarantineReason::overlapping_leave:
      return "overlapping_leave";
    case QuarantineReason::unknown_course:
      return "unknown_course";
    case QuarantineReason::completed_in_future:
      return "completed_in_future";
    case QuarantineReason::expires_before_completion:
      return "expires_before_completion";
    case QuarantineReason::unreadable:
      return "unreadable";
    case QuarantineReason::adapter_refused:
      return "adapter_refused";
  }
  return "unreadable";
}

const char* describe(QuarantineReason reason) {
  switch (reason) {
    case QuarantineReason::not_valid:
      return "does not match its schema";
    case QuarantineReason::ends_before_start:
      return "leave ends before it starts";
    case QuarantineReason::unknown_person:
      return "refers to a person the HR system has not sent";
    case QuarantineReason::overlapping_leave:
      return "overlaps another approved or requested leave of the same person";
    case QuarantineReason::unknown_course:
      return "a course no programme requires";
    case QuarantineReason::completed_in_future:
      return "completed after today";
    case QuarantineReason::expires_before_completion:
      return "expires before it was completed";
    case QuarantineReason::unreadable:
      return "could not be converted";
    case QuarantineReason::adapter_refused:
      return "the adapter could not map it to a normalised record";
  }
  return "could not be converted";
}

std::string describe_reason(std::string_view value) {
  for (auto reason : {QuarantineReason::not_valid, QuarantineReason::ends_before_start,
                      QuarantineReason::unknown_person, QuarantineReason::overlapping_leave,
                      QuarantineReason::unknown_course, QuarantineReason::completed_in_future,
                      QuarantineReason::expires_before_completion, QuarantineReason::unreadable,
                      QuarantineReason::adapter_refused}) {
    if (value == to_string(reason)) return describe(reason);
  }
  return std::string(value);
}

json to_json(const StreamReport& r) {
  json out = {{"adapter", r.adapter}, {"stream", r.stream},           {"status", r.status},
              {"read", r.read},       {"stored", r.stored},           {"unchanged", r.unchanged},
              {"older", r.older},     {"quarantined", r.quarantined}, {"released", r.released},
              {"skipped", r.skipped}, {"problems", r.problems}};
  if (!r.error.empty()) out["error"] = r.error;
  if (!r.absent.empty()) out["absent"] = r.absent;
  return out;
}

}  // namespace mentoring::sync
