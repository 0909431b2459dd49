// mentoring/sync/action.hpp — a write-back action built and checked against
// its schema before it is stored.
//
//   auto key = domain::action_key(ActionKind::notify, ActionTopic::paired, org, {"42", "E1"});
//   json action = checked_action(key, org, "E1", "return-to-work", now, payload);
//   outbox.enqueue(key.text, "notify", action.dump(), now);
//
// schemas/action.schema.json (with schemas/actions/<kind>.schema.json for the
// payload) is the contract every adapter reads; an action off it is a bug in
// the plugin, so it never reaches the outbox.
#pragma once

#include <mentoring/domain/action_key.hpp>
#include <mentoring/schema.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <stdexcept>
#include <string>

namespace mentoring::store {
class OutboxRepository;
}

namespace mentoring::sync {

// Thrown for an action off its schema: what() names the kind, the key and
// each problem (JSON pointer, found, expected).
class ActionContractError : public std::logic_error {
 public:
  ActionContractError(std::string kind, std::string key, std::vector<schema::Problem> problems);
  const std::string& kind() const noexcept { return kind_; }
  const std::string& key() const noexcept { return key_; }
  const std::vector<schema::Problem>& problems() const noexcept { return problems_; }

 private:
  std::string kind_, key_;
  std::vector<schema::Problem> problems_;
};

// The action as schemas/action.schema.json describes it; throws
// ActionContractError when it does not match (the payload by its kind's schema).
nlohmann::json checked_action(const domain::ActionKey& key, const std::string& organisation,
                              const std::optional<std::string>& person_id,
                              const std::optional<std::string>& programme_id,
                              const std::string& created_at, nlohmann::json payload);

// checked_action, then OutboxRepository::enqueue in the caller's transaction. False when
// an action with this key was enqueued before (nothing changes).
bool enqueue_checked(store::OutboxRepository& outbox, const domain::ActionKey& key,
                     const std::string& organisation, const std::optional<std::string>& person_id,
                     const std::optional<std::string>& programme_id, const std::string& created_at,
                     nlohmann::json payload);

}  // namespace mentoring::sync
