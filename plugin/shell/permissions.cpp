// Asks the permission matrix and the domain's scope rules for every command
// (plugin.cpp's call_for): the role first (403), then the object (404).
#include "permissions.hpp"

#include <mentoring/permission_matrix.hpp>
#include <mentoring/schema.hpp>

#include <algorithm>
#include <map>

namespace mentoring::shell {
namespace {

using json = nlohmann::json;
using domain::AccessObject;
using domain::AccessScope;

// command -> role -> scope, read once from the built-in matrix.
using Matrix = std::map<std::string, std::map<std::string, AccessScope>, std::less<>>;

const json& matrix_document() {
  static const json document =
      schema::parse(schema::permission_matrix_text(), "schemas/permissions.json");
  return document;
}

const Matrix& matrix() {
  static const Matrix parsed = [] {
    Matrix m;
    for (const auto& [command, entry] : matrix_document().at("commands").items()) {
      auto& roles = m[command];
      for (const auto& [role, scope] : entry.at("roles").items()) {
        auto parsed_scope = domain::access_scope_from_string(scope.get<std::string>());
        if (!parsed_scope)
          throw Error(MENTORING_ERR_INTERNAL, "schemas/permissions.json: /commands/" + command +
                                                  "/roles/" + role + ": found " + scope.dump() +
                                                  "; expected org, pair or self");
        roles[role] = *parsed_scope;
      }
    }
    return m;
  }();
  return parsed;
}

// The person a self-scoped command is about, by the input field naming them.
const char* person_field(std::string_view command) {
  if (command == "pairing_request") return "mentee_id";
  return "person_id";
}

std::vector<std::string> pair_members(RunContext& c, std::int64_t pair_id) {
  for (const auto& p : c.store.pairs()) {
    if (p.id == pair_id) return {p.mentee_id, p.mentor_id};
  }
  return {};
}

// A circle is its mentor and every mentee ever accepted with them in the programme.
std::vector<std::string> circle_members(RunContext& c, const json& input) {
  const std::string mentor = input.value("mentor_id", "");
  std::vector<std::string> members;
  std::string programme;
  if (input.contains("programme") && input["programme"].is_string())
    programme = input["programme"].get<std::string>();
  else if (c.programmes.size() == 1)
    programme = c.programmes.front().id;
  else
    return members;  // the runner names the missing /programme
  for (const auto& p : c.store.pairs(programme)) {
    if (p.mentor_id == mentor && p.accepted_on) members.push_back(p.mentee_id);
  }
  if (!members.empty()) members.push_back(mentor);
  return members;
}

std::int64_t pair_id_of(const json& input) {
  const auto it = input.find("pair_id");
  return it != input.end() && it->is_number_integer() ? it->get<std::int64_t>() : -1;
}

// What the command is about, for the scope rules (only asked for pair and self scopes).
AccessObject object_of(RunContext& c, std::string_view command, const json& input) {
  if (command == "evaluation_answer") return AccessObject::survey_token();
  if (command == "session_list" || command == "session_record" || command == "session_cadence" ||
      command == "session_move" || command == "pairing_accept")
    return AccessObject::pair(pair_members(c, pair_id_of(input)));
  if (command == "circle_list" || command == "circle_record")
    return AccessObject::pair(circle_members(c, input));
  if (command == "pairing_mentor_answer") {
    // The mentor a proposal or request asks: a mentor answers only for themself.
    const auto members = pair_members(c, pair_id_of(input));
    return AccessObject::person(members.empty() ? std::string() : members.back());
  }
  return AccessObject::person(input.value(person_field(command), std::string()));
}

}  // namespace

std::optional<AccessScope> permitted_scope(std::string_view command, domain::CallerRole role) {
  const auto entry = matrix().find(command);
  if (entry == matrix().end()) return std::nullopt;
  const auto scope = entry->second.find(std::string(domain::to_string(role)));
  if (scope == entry->second.end()) return std::nullopt;
  return scope->second;
}

std::vector<std::string> matrix_commands() {
  std::vector<std::string> names;
  for (const auto& [name, roles] : matrix()) names.push_back(name);
  return names;
}

bool reads_personal_data(std::string_view command) {
  const json& commands = matrix_document().at("commands");
  auto row = commands.find(std::string(command));
  return row != commands.end() && row->value("personal_data", false);
}

AccessScope require_role(std::string_view command, const domain::Caller& caller) {
  if (auto scope = permitted_scope(command, caller.role)) return *scope;
  throw Error(MENTORING_ERR_FORBIDDEN, "command \"" + std::string(command) + "\": role " +
                                           std::string(domain::to_string(caller.role)) +
                                           " may not run it (schemas/permissions.json)");
}

json require_scope(RunContext& c, std::string_view command, AccessScope scope, const json& input) {
  if (scope == AccessScope::org) return input;
  json in = input.is_object() ? input : json::object();
  const domain::Caller& caller = c.caller;
  // A participant's page may leave out who they are: they act for themselves.
  if (scope == AccessScope::self && caller.is_participant() && command != "evaluation_answer" &&
      command != "pairing_mentor_answer") {
    const char* field = person_field(command);
    if (!in.contains(field)) in[field] = caller.person_id;
    const bool answers_as = command == "accept" || command == "decline" || command == "withdraw";
    if (answers_as && !in.contains("role"))
      in["role"] = std::string(domain::to_string(caller.role));
  }
  const auto verdict = domain::judge_access(caller, scope, object_of(c, command, in));
  if (!verdict.allowed) {
    // Not found, never forbidden: whether that person or pair exists stays unsaid.
    throw Error(MENTORING_ERR_NOT_FOUND, "command \"" + std::string(command) +
                                             "\": not found for this caller (" +
                                             std::string(domain::describe(verdict.reason)) + ")");
  }
  return in;
}

}  // namespace mentoring::shell
