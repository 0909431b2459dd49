#include <mentoring/store/outbox_repository.hpp>
#include <mentoring/sync/action.hpp>

namespace mentoring::sync {

namespace {

std::string describe_problems(const std::string& kind, const std::string& key,
                              const std::vector<schema::Problem>& problems) {
  std::string out = "a " + kind + " action off its schema (schemas/actions/" + kind +
                    ".schema.json), key \"" + key + "\" — a bug in the plugin, not stored:";
  for (const auto& p : problems) {
    out += "\n  " + (p.pointer.empty() ? std::string("(document)") : p.pointer) + ": found " +
           p.found + "; expected " + p.expected;
  }
  return out;
}

}  // namespace

ActionContractError::ActionContractError(std::string kind, std::string key,
                                         std::vector<schema::Problem> problems)
    : std::logic_error(describe_problems(kind, key, problems)),
      kind_(std::move(kind)),
      key_(std::move(key)),
      problems_(std::move(problems)) {}

nlohmann::json checked_action(const domain::ActionKey& key, const std::string& organisation,
                              const std::optional<std::string>& person_id,
                              const std::optional<std::string>& programme_id,
                              const std::string& created_at, nlohmann::json payload) {
  using json = nlohmann::json;
  const std::string kind(domain::to_string(key.kind));
  json action = {{"idempotency_key", key.text},
                 {"type", kind},
                 {"organisation", organisation},
                 {"person_id", person_id ? json(*person_id) : json(nullptr)},
                 {"programme_id", programme_id ? json(*programme_id) : json(nullptr)},
                 {"created_at", created_at},
                 {"payload", std::move(payload)}};
  auto problems = schema::validate("action", action, "action " + key.text);
  if (!problems.empty()) throw ActionContractError(kind, key.text, std::move(problems));
  return action;
}

bool enqueue_checked(store::OutboxRepository& outbox, const domain::ActionKey& key,
                     const std::string& organisation, const std::optional<std::string>& person_id,
                     const std::optional<std::string>& programme_id, const std::string& created_at,
                     nlohmann::json payload) {
  auto action =
      checked_action(key, organisation, person_id, programme_id, created_at, std::move(payload));
  return outbox.enqueue(key.text, std::string(domain::to_string(key.kind)), action.dump(),
                        created_at);
}

}  // namespace mentoring::sync
