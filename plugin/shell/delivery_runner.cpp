#include "delivery_runner.hpp"

#include <mentoring/store/outbox_repository.hpp>

#include <SQLiteCpp/Transaction.h>

namespace mentoring::shell {

using json = nlohmann::json;

json delivery_summary(const sync::DeliveryReport& r) {
  json dead = json::array();
  for (const auto& d : r.dead) {
    dead.push_back({{"idempotency_key", d.idempotency_key},
                    {"kind", d.kind},
                    {"target", d.target},
                    {"attempts", d.attempts},
                    {"last_error", d.last_error}});
  }
  return {{"delivered", r.delivered}, {"duplicates", r.duplicates},
          {"failed", r.failed},       {"retrying", r.retrying},
          {"pending", r.pending},     {"dead_letters", r.dead_letters},
          {"dead", std::move(dead)},  {"errors", r.errors}};
}

namespace {

json or_null(const std::string& text) {
  return text.empty() ? json(nullptr) : json(text);
}

json action_row(const store::OutboxEntry& e) {
  json person = nullptr;
  try {
    json payload = json::parse(e.payload);
    if (payload.contains("person_id") && payload["person_id"].is_string())
      person = payload["person_id"];
  } catch (const std::exception&) {
    // Stored by the plugin itself; an unreadable one simply names nobody.
  }
  return {{"id", e.id},
          {"idempotency_key", e.idempotency_key},
          {"kind", e.type},
          {"person_id", person},
          {"target", or_null(e.target)},
          {"attempts", e.attempts},
          {"last_error", or_null(e.last_error)},
          {"created_at", e.created_at},
          {"last_attempt_at", or_null(e.last_attempt_at)},
          {"next_attempt_at", or_null(e.next_attempt_at)},
          {"delivered_at", or_null(e.delivered_at)},
          {"dead_at", or_null(e.dead_at)},
          {"dropped_at", or_null(e.dropped_at)},
          {"dropped_reason", or_null(e.dropped_reason)}};
}

store::OutboxState state_named(const std::string& name) {
  for (auto s : {store::OutboxState::pending, store::OutboxState::dead,
                 store::OutboxState::delivered, store::OutboxState::dropped}) {
    if (name == store::to_string(s)) return s;
  }
  return store::OutboxState::pending;  // the schema allows no other
}

json list_actions(RunContext& c, const json& input) {
  require_valid_input("actions", "actions", input);
  store::SqliteOutboxRepository outbox(c.store.session());
  const auto state = state_named(input.value("state", "pending"));
  const int limit = input.value("limit", 100);
  // One more than asked tells whether another page follows.
  auto entries = outbox.list(state, input.value("after", std::int64_t{0}), limit + 1);
  json next = nullptr;
  if (static_cast<int>(entries.size()) > limit) {
    entries.pop_back();
    next = entries.back().id;
  }
  json rows = json::array();
  for (const auto& e : entries) rows.push_back(action_row(e));
  return {{"state", store::to_string(state)},
          {"total", outbox.count(state)},
          {"actions", std::move(rows)},
          {"next", next}};
}

// The action HR names, when retrying or dropping it is allowed; otherwise
// Error(MENTORING_ERR_INVALID_INPUT) naming the key, its state and what is allowed.
store::OutboxEntry changeable(store::OutboxRepository& outbox, std::string_view command,
                              const std::string& key) {
  auto entry = outbox.find(key);
  if (!entry) {
    throw Error(MENTORING_ERR_INVALID_INPUT,
                std::string(command) + ": /idempotency_key: found \"" + key +
                    "\", which no action has; expected the key of a "
                    "pending or dead action (see the actions command)");
  }
  const auto state = store::state_of(*entry);
  if (state == store::OutboxState::delivered || state == store::OutboxState::dropped) {
    throw Error(
        MENTORING_ERR_INVALID_INPUT,
        std::string(command) + ": /idempotency_key: action \"" + key + "\" is " +
            store::to_string(state) + " (" +
            (state == store::OutboxState::delivered ? entry->delivered_at : entry->dropped_at) +
            "); expected a pending or dead action");
  }
  return *entry;
}

json retry_action(RunContext& c, const json& input) {
  require_valid_input("action_retry", "action_retry", input);
  const std::string key = input.at("idempotency_key");
  store::SqliteOutboxRepository outbox(c.store.session());
  Transaction txn(c.store.database());
  auto entry = changeable(outbox, "action_retry", key);
  outbox.reset_attempts(key);
  txn.commit();
  return {{"idempotency_key", key},
          {"state", "pending"},
          {"was", store::to_string(store::state_of(entry))}};
}

json drop_action(RunContext& c, const json& input) {
  require_valid_input("action_drop", "action_drop", input);
  const std::string key = input.at("idempotency_key");
  const std::string reason = input.at("reason");
  store::SqliteOutboxRepository outbox(c.store.session());
  Transaction txn(c.store.database());
  auto entry = changeable(outbox, "action_drop", key);
  outbox.mark_dropped(key, reason, c.now);
  txn.commit();
  return {{"idempotency_key", key},
          {"state", "dropped"},
          {"was", store::to_string(store::state_of(entry))},
          {"reason", reason},
          {"dropped_at", c.now}};
}

}  // namespace

std::optional<json> delivery_command(RunContext& c, std::string_view command, const json& input) {
  if (command == "actions") return list_actions(c, input);
  if (command == "action_retry") return retry_action(c, input);
  if (command == "action_drop") return drop_action(c, input);
  return std::nullopt;
}

std::vector<std::string> delivery_command_names() {
  return {"actions", "action_retry", "action_drop"};
}

}  // namespace mentoring::shell
