#include <mentoring/host/permissions.hpp>
#include <mentoring/permission_matrix.hpp>
#include <mentoring/schema.hpp>

namespace mentoring::host {

const nlohmann::json& permission_matrix() {
  static const nlohmann::json matrix =
      schema::parse(schema::permission_matrix_text(), "schemas/permissions.json");
  return matrix;
}

std::optional<std::string> permitted_scope(Role role, std::string_view command) {
  const nlohmann::json& commands = permission_matrix().at("commands");
  const auto entry = commands.find(std::string(command));
  if (entry == commands.end()) return std::nullopt;
  const nlohmann::json& roles = entry->at("roles");
  const auto scope = roles.find(std::string(to_string(role)));
  if (scope == roles.end()) return std::nullopt;
  return scope->get<std::string>();
}

bool permitted(Role role, std::string_view command) {
  return permitted_scope(role, command).has_value();
}

bool is_host_command(std::string_view command) {
  const nlohmann::json& commands = permission_matrix().at("commands");
  const auto entry = commands.find(std::string(command));
  return entry != commands.end() && entry->value("owner", "") == "host";
}

std::vector<std::string> matrix_commands() {
  std::vector<std::string> names;
  for (const auto& [name, entry] : permission_matrix().at("commands").items())
    names.push_back(name);
  return names;  // nlohmann::json objects iterate in key order
}

}  // namespace mentoring::host
