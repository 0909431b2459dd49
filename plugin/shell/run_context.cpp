// Helpers every module runner of the shell shares: command input checks, the
// programme a command is about, programme sections, write-back actions.
#include "run_context.hpp"

#include <mentoring/schema.hpp>
#include <mentoring/sync/action.hpp>

#include <sqlite3.h>

namespace mentoring::shell {

using json = nlohmann::json;
using domain::Programme;

Error invalid_input(std::string_view command, const std::string& pointer, const std::string& found,
                    const std::string& expected) {
  return Error(MENTORING_ERR_INVALID_INPUT, std::string(command) + ": " + pointer + ": found " +
                                                found + "; expected " + expected);
}

void throw_invalid_input(const std::string& message) {
  throw Error(MENTORING_ERR_INVALID_INPUT, message);
}

void require_valid_input(std::string_view command, std::string_view schema_name,
                         const json& input) {
  auto problems = schema::validate("commands/" + std::string(schema_name) + ".input", input,
                                   std::string(command));
  if (problems.empty()) return;
  std::string message;
  for (const auto& p : problems) message += (message.empty() ? "" : "\n") + p.message();
  throw Error(MENTORING_ERR_INVALID_INPUT, message);
}

json with_person_ids_resolved(RunContext& c, std::string_view command, const json& input) {
  static constexpr const char* kPersonFields[] = {"person_id", "mentee_id", "mentor_id"};
  if (!input.is_object()) return input;  // the command's own schema check names that
  json out = input;
  for (const char* field : kPersonFields) {
    auto it = out.find(field);
    if (it == out.end() || !it->is_string() || it->get_ref<const std::string&>().empty())
      continue;  // the schema check reports a missing or mistyped field
    const std::string value = it->get<std::string>();
    auto reference = domain::resolve_person_reference(value, c.store.people_known_as(value));
    if (reference.problem) {
      throw Error(MENTORING_ERR_INVALID_INPUT,
                  std::string(command) + ": /" + field + ": " + reference.explanation);
    }
    *it = *reference.person_id;
  }
  return out;
}

json employee_number_of(RunContext& c, const std::string& person_id) {
  auto found = c.store.people_known_as(person_id);
  for (const auto& candidate : found) {
    if (candidate.id == person_id && candidate.employee_number) return *candidate.employee_number;
  }
  return nullptr;
}

domain::ManagementChains management_chains(RunContext& c) {
  store::OrgStore* store = &c.store;
  return domain::ManagementChains(
      [store](const std::string& id) { return store->manager_links_of(id); });
}

const Programme& programme_for(RunContext& c, std::string_view command, const json& input) {
  const std::string prefix = command.empty() ? "" : std::string(command) + ": ";
  std::string known;
  for (const auto& p : c.programmes) known += (known.empty() ? "" : ", ") + p.id;
  if (!input.contains("programme")) {
    if (c.programmes.size() == 1) return c.programmes.front();
    throw Error(MENTORING_ERR_INVALID_INPUT,
                prefix + "/programme: found (missing); expected one of: " + known);
  }
  std::string id = input["programme"].get<std::string>();
  for (const auto& p : c.programmes) {
    if (p.id == id) return p;
  }
  throw Error(MENTORING_ERR_INVALID_INPUT,
              prefix + "/programme: found \"" + id + "\"; expected one of: " + known);
}

json programme_section(const RunContext& c, const std::string& programme_id,
                       const std::string& section) {
  for (const auto& d : c.programme_definitions) {
    if (d.value("id", "") == programme_id) return d.value(section, json::object());
  }
  return json::object();
}

bool enqueue_action(const RunContext& c, store::OutboxRepository& outbox,
                    const domain::ActionKey& key, const std::optional<std::string>& person_id,
                    const std::string& programme_id, json payload) {
  try {
    return sync::enqueue_checked(outbox, key, c.organisation, person_id, programme_id, c.now,
                                 std::move(payload));
  } catch (const sync::ActionContractError& e) {
    throw Error(MENTORING_ERR_INTERNAL, e.what());
  }
}

Transaction::Transaction(SQLite::Database& db)
    : db_(db), nested_(sqlite3_get_autocommit(db.getHandle()) == 0) {
  db_.exec(nested_ ? "SAVEPOINT command" : "BEGIN");
}

Transaction::~Transaction() {
  if (done_) return;
  try {
    if (nested_) {
      db_.exec("ROLLBACK TO command");
      db_.exec("RELEASE command");
    } else {
      db_.exec("ROLLBACK");
    }
  } catch (...) {  // a destructor never throws: the connection rolls back on its own
  }
}

void Transaction::commit() {
  db_.exec(nested_ ? "RELEASE command" : "COMMIT");
  done_ = true;
}

}  // namespace mentoring::shell
