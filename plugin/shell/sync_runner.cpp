#include "sync_runner.hpp"

#include <mentoring/store/quarantine_repository.hpp>
#include <mentoring/sync/sync.hpp>

namespace mentoring::shell {

using json = nlohmann::json;

json quarantined_records(store::OrgStore& store, const std::string& adapter,
                         const std::string& stream, int limit) {
  json out = json::array();
  for (const auto& q :
       store::SqliteQuarantineRepository(store.session()).list(adapter, stream, limit)) {
    out.push_back({{"adapter", q.adapter},
                   {"stream", q.stream},
                   {"record_id", q.record_id ? json(*q.record_id) : json(nullptr)},
                   {"reason", q.reason},
                   {"reason_words", sync::describe_reason(q.reason)},
                   {"pointer", q.pointer},
                   {"found", q.found},
                   {"expected", q.expected},
                   {"message", q.message},
                   {"excerpt", q.excerpt},
                   {"first_seen", q.first_seen},
                   {"last_seen", q.last_seen},
                   {"times_seen", q.times_seen}});
  }
  return out;
}

namespace {

// Which host records wait in the quarantine, and why; they leave it when the
// host sends them again and they pass.
json quarantine(RunContext& c, const json& input) {
  require_valid_input("quarantine", "quarantine", input);
  std::string adapter = input.value("adapter", "");
  std::string stream = input.value("stream", "");
  json records = quarantined_records(c.store, adapter, stream, input.value("limit", 100));
  std::int64_t held = store::SqliteQuarantineRepository(c.store.session()).count(adapter, stream);
  return {{"held", held}, {"records", records}};
}

}  // namespace

std::optional<json> sync_command(RunContext& c, std::string_view command, const json& input) {
  if (command == "quarantine") return quarantine(c, input);
  return std::nullopt;
}

std::vector<std::string> sync_command_names() {
  return {"quarantine"};
}

}  // namespace mentoring::shell
