#include "openapi/openapi.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

namespace mentoring::serve::openapi {

namespace fs = std::filesystem;

namespace {

const std::vector<std::string> role_order = {"admin", "hr", "mentor", "mentee", "system"};

ordered_json read_json(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw GeneratorError(path.string() + ": cannot read the file");
  std::stringstream text;
  text << in.rdbuf();
  ordered_json document = ordered_json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded())
    throw GeneratorError(path.string() + ": not JSON; expected a JSON document");
  if (!document.is_object())
    throw GeneratorError(path.string() + ": found " + std::string(document.type_name()) +
                         "; expected an object");
  return document;
}

fs::path input_file(const fs::path& commands_dir, const std::string& name) {
  return commands_dir / (name + ".input.schema.json");
}
fs::path output_file(const fs::path& commands_dir, const std::string& name) {
  return commands_dir / (name + ".output.schema.json");
}

// The schema as a component: its own "$id" and "$schema" go (the document's
// dialect is 2020-12 already, and an "$id" would make tools that do not honour
// it resolve "#/..." against the document), and its local "$ref"s point into
// the component instead, so the schema means exactly what the file means.
void rebase_refs(ordered_json& node, const std::string& component_pointer,
                 const std::string& file) {
  if (node.is_object()) {
    for (auto& [key, value] : node.items()) {
      if (key == "$ref" && value.is_string()) {
        const std::string ref = value.get<std::string>();
        if (ref.empty() || ref[0] != '#') {
          throw GeneratorError(file + ": \"$ref\": \"" + ref +
                               "\" points outside the file; expected a local reference "
                               "(\"#/...\") that can be embedded");
        }
        value = component_pointer + ref.substr(1);
      } else {
        rebase_refs(value, component_pointer, file);
      }
    }
  } else if (node.is_array()) {
    for (auto& item : node) rebase_refs(item, component_pointer, file);
  }
}

ordered_json as_component(const fs::path& path, const std::string& component) {
  ordered_json schema = read_json(path);
  schema.erase("$schema");
  schema.erase("$id");
  rebase_refs(schema, "#/components/schemas/" + component, path.string());
  return schema;
}

std::string scope_words(const std::string& scope) {
  if (scope == "org") return "anything in their organisation";
  if (scope == "pair") return "only a pair they belong to (another pair: 404)";
  if (scope == "self") return "only about themselves (someone else: 404)";
  return scope;
}

ordered_json error_response(const std::string& description) {
  return {
      {"description", description},
      {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
}

ordered_json ref_to(const std::string& pointer) {
  return {{"$ref", pointer}};
}

ordered_json components_skeleton(const ordered_json& org_id_schema,
                                 const ordered_json& adapter_name_schema) {
  ordered_json components;
  components["securitySchemes"] = {
      {"bearer",
       {{"type", "http"},
        {"scheme", "bearer"},
        {"description",
         "A per-organisation API token (`mentoring-host token create`): it names one organisation "
         "and one role (admin, hr, mentor, mentee, system). The role comes from the token, never "
         "from the request body."}}}};
  components["parameters"] = {
      {"org",
       {{"name", "org"},
        {"in", "path"},
        {"required", true},
        {"description", "The organisation's id (org-config `id`); the token must be of it."},
        {"schema", org_id_schema}}},
      {"adapter",
       {{"name", "adapter"},
        {"in", "path"},
        {"required", true},
        {"description",
         "The name of the organisation's adapter connection (org-config "
         "`adapters[].name`) the webhook comes from."},
        {"schema", adapter_name_schema}}}};
  components["headers"] = {
      {"Retry-After",
       {{"description", "Seconds to wait before trying again."},
        {"schema", {{"type", "integer"}, {"minimum", 0}}}}},
      {"WWW-Authenticate", {{"description", "Bearer"}, {"schema", {{"type", "string"}}}}}};
  ordered_json bad_request = error_response(
      "Bad input: the body is not JSON or breaks the command's input schema; the message names "
      "the field, what was found and what was expected.");
  ordered_json unauthorized = error_response("No token, or an unknown or revoked one.");
  unauthorized["headers"] = {{"WWW-Authenticate", ref_to("#/components/headers/WWW-Authenticate")}};
  ordered_json busy = error_response(
      "The organisation is busy (a cycle or another writer holds it): try again after "
      "Retry-After.");
  busy["headers"] = {{"Retry-After", ref_to("#/components/headers/Retry-After")}};
  components["responses"] = {
      {"BadRequest", bad_request},
      {"Unauthorized", unauthorized},
      {"Forbidden", error_response("The token's role may not run this command.")},
      {"NotFound",
       error_response("Unknown organisation, a token of another organisation, or an object the "
                      "caller may not know of (never 403 across organisations).")},
      {"PayloadTooLarge", error_response("The body is larger than serve.max_body_bytes.")},
      {"Busy", busy},
      {"Internal", error_response("Internal error; the message never carries a secret.")}};
  components["schemas"] = {
      {"Error",
       {{"type", "object"},
        {"required", ordered_json::array({"error"})},
        {"properties",
         {{"error",
           {{"type", "string"},
            {"description", "What went wrong, in words; never a secret."}}}}}}}};
  return components;
}

ordered_json command_responses(const ordered_json& ok_response) {
  return {{"200", ok_response},
          {"400", ref_to("#/components/responses/BadRequest")},
          {"401", ref_to("#/components/responses/Unauthorized")},
          {"403", ref_to("#/components/responses/Forbidden")},
          {"404", ref_to("#/components/responses/NotFound")},
          {"413", ref_to("#/components/responses/PayloadTooLarge")},
          {"500", ref_to("#/components/responses/Internal")},
          {"503", ref_to("#/components/responses/Busy")}};
}

ordered_json probe_paths() {
  ordered_json status_schema = {{"type", "object"},
                                {"required", ordered_json::array({"status"})},
                                {"properties", {{"status", {{"type", "string"}}}}}};
  auto status_content = [&](const std::string& example) {
    return ordered_json{
        {"application/json", {{"schema", status_schema}, {"example", {{"status", example}}}}}};
  };
  ordered_json paths;
  paths["/healthz"]["get"] = {
      {"operationId", "healthz"},
      {"summary", "Liveness: 200 while the process runs"},
      {"tags", ordered_json::array({"probes"})},
      {"security", ordered_json::array()},
      {"responses",
       {{"200", {{"description", "The process runs."}, {"content", status_content("ok")}}}}}};
  paths["/readyz"]["get"] = {
      {"operationId", "readyz"},
      {"summary", "Readiness: 200 when config and modules are loaded and not shutting down"},
      {"tags", ordered_json::array({"probes"})},
      {"security", ordered_json::array()},
      {"responses",
       {{"200", {{"description", "Ready to serve."}, {"content", status_content("ready")}}},
        {"503",
         {{"description", "Starting, or shutting down."},
          {"content", status_content("shutting down")}}}}}};
  paths["/metrics"]["get"] = {
      {"operationId", "metrics"},
      {"summary",
       "Prometheus metrics (text format 0.0.4): cycles, records, actions delivered / "
       "failed / pending, latency; no personal data, no secrets"},
      {"tags", ordered_json::array({"probes"})},
      {"security", ordered_json::array()},
      {"responses",
       {{"200",
         {{"description", "The metrics."},
          {"content",
           {{"text/plain; version=0.0.4",
             {{"schema", {{"type", "string"}}},
              {"example",
               "# TYPE mentoring_cycles_total counter\n"
               "mentoring_cycles_total{organisation=\"northwind\"} 3\n"}}}}}}}}}};
  return paths;
}

ordered_json webhook_path() {
  ordered_json employee_event = {
      {"type", "object"},
      {"description",
       "BambooHR's event webhooks (its OpenAPI description: EmployeeCreated / Updated / "
       "DeletedWebhookPayload)."},
      {"required", ordered_json::array({"type"})},
      {"properties",
       {{"type",
         {{"type", "string"},
          {"examples", {"employee.created", "employee.updated", "employee.deleted"}}}},
        {"timestamp", {{"type", "string"}, {"format", "date-time"}}},
        {"data",
         {{"type", "object"},
          {"properties",
           {{"companyId", {{"type", "string"}}},
            {"employeeId", {{"type", ordered_json::array({"string", "integer"})}}},
            {"changedFields", {{"type", "array"}, {"items", {{"type", "string"}}}}}}}}}}}};
  ordered_json field_webhook = {
      {"type", "object"},
      {"description", "BambooHR's legacy field webhooks (employee_with_fields.*)."},
      {"required", ordered_json::array({"employees"})},
      {"properties",
       {{"employees",
         {{"type", "array"},
          {"items",
           {{"type", "object"},
            {"required", ordered_json::array({"id"})},
            {"properties", {{"id", {{"type", ordered_json::array({"string", "integer"})}}}}}}}}}}}};
  ordered_json accepted = {
      {"description",
       "Signature and timestamp valid, not seen before: a sync of the organisation is scheduled "
       "soon (for the employees the payload names)."}};
  return {
      {"post",
       {{"operationId", "webhook"},
        {"summary", "A host system's webhook (BambooHR), verified by its signature"},
        {"description",
         "Authenticated by the signature, not by a token: X-BambooHR-Signature must be "
         "hex(HMAC-SHA256(private key, raw body + X-BambooHR-Timestamp)), compared in constant "
         "time; the timestamp (Unix seconds, or ISO 8601 UTC) within the adapter's "
         "`webhook_tolerance_s` (300 s) of the host's clock; a delivery already accepted inside "
         "that window is refused. The key is the host secret named by the adapter's "
         "`webhook_key_secret` (default BAMBOOHR_WEBHOOK_KEY)."},
        {"tags", ordered_json::array({"webhooks"})},
        {"security", ordered_json::array()},
        {"parameters",
         {ref_to("#/components/parameters/org"),
          ref_to("#/components/parameters/adapter"),
          {{"name", "X-BambooHR-Signature"},
           {"in", "header"},
           {"required", true},
           {"schema", {{"type", "string"}, {"pattern", "^[0-9a-fA-F]{64}$"}}}},
          {{"name", "X-BambooHR-Timestamp"},
           {"in", "header"},
           {"required", true},
           {"schema", {{"type", "string"}}}}}},
        {"requestBody",
         {{"required", true},
          {"content",
           {{"application/json", {{"schema", {{"anyOf", {employee_event, field_webhook}}}}}}}}}},
        {"responses",
         {{"202", accepted},
          {"400", error_response("Signature valid but the payload is not one BambooHR sends; the "
                                 "message names the field.")},
          {"401",
           error_response("Refused: missing header, bad signature, stale, future or malformed "
                          "timestamp, or a replayed delivery.")},
          {"404", error_response("Unknown organisation or adapter.")},
          {"413", ref_to("#/components/responses/PayloadTooLarge")},
          {"503", ref_to("#/components/responses/Busy")}}}}}};
}

}  // namespace

std::vector<std::string> schema_name_candidates(const std::string& command,
                                                const std::string& module) {
  std::vector<std::string> names = {command};
  if (!module.empty()) {
    names.push_back(module + "-" + command);
    const std::string prefix = module + "_";
    if (command.rfind(prefix, 0) == 0 && command.size() > prefix.size()) {
      std::string rest = command.substr(prefix.size());
      names.push_back(module + "-" + rest);
      if (rest.find('_') != std::string::npos) {
        std::replace(rest.begin(), rest.end(), '_', '-');
        names.push_back(module + "-" + rest);
      }
    }
  }
  return names;
}

std::optional<std::string> schema_name(const fs::path& commands_dir, const std::string& command,
                                       const std::string& module) {
  std::optional<std::string> found;
  for (const auto& name : schema_name_candidates(command, module)) {
    if (!fs::exists(input_file(commands_dir, name))) continue;
    if (found) {
      throw GeneratorError(input_file(commands_dir, name).string() + " and " +
                           input_file(commands_dir, *found).string() + " both fit command " +
                           command + "; expected one");
    }
    if (!fs::exists(output_file(commands_dir, name))) {
      throw GeneratorError(output_file(commands_dir, name).string() +
                           ": missing; expected beside its input schema");
    }
    found = name;
  }
  return found;
}

ordered_json generate(const fs::path& schemas_dir, const std::string& version) {
  const fs::path permissions_path = schemas_dir / "permissions.json";
  const fs::path commands_dir = schemas_dir / "commands";
  const ordered_json permissions = read_json(permissions_path);
  if (!permissions.contains("commands") || !permissions["commands"].is_object())
    throw GeneratorError(permissions_path.string() + ": /commands: expected an object");
  const ordered_json org_config = read_json(schemas_dir / "org-config.schema.json");
  const ordered_json org_id = org_config.at("properties").at("id");
  const ordered_json adapter_name =
      org_config.at("properties").at("adapters").at("items").at("properties").at("name");

  ordered_json document;
  document["openapi"] = "3.1.0";
  document["jsonSchemaDialect"] = "https://json-schema.org/draft/2020-12/schema";
  document["info"] = {
      {"title", "mentoring-host serve"},
      {"version", version},
      {"summary", "The mentoring plugin's commands, webhooks, probes and metrics over HTTP"},
      {"description",
       "Generated by mentoring-openapi from schemas/permissions.json (who may run each command) "
       "and schemas/commands/*.schema.json (each command's input and answer); do not edit: "
       "regenerate with `cmake --build --preset dev --target openapi_json`. Every command is "
       "`POST /v1/orgs/{org}/commands/{command}` with the command's input as the JSON body and "
       "`Authorization: Bearer <token>`. Errors are `{\"error\": \"<message>\"}`."},
      {"license", {{"name", "Proprietary"}, {"identifier", "LicenseRef-Proprietary"}}}};
  document["servers"] =
      ordered_json::array({{{"url", "http://127.0.0.1:8640"},
                            {"description",
                             "The default listen address (host config serve.listen; loopback only "
                             "unless allow_remote; https when a certificate is configured)"}}});
  document["security"] = ordered_json::array({{{"bearer", ordered_json::array()}}});
  document["tags"] = ordered_json::array();
  document["paths"] = ordered_json::object();
  ordered_json components = components_skeleton(org_id, adapter_name);

  // Commands sorted by name, whatever the file's order.
  std::map<std::string, ordered_json> commands;
  for (const auto& [name, entry] : permissions["commands"].items()) commands[name] = entry;

  std::vector<std::string> tags;
  auto add_tag = [&tags](const std::string& tag) {
    if (std::find(tags.begin(), tags.end(), tag) == tags.end()) tags.push_back(tag);
  };
  for (const auto& [command, entry] : commands) {
    const std::string where = permissions_path.string() + ": /commands/" + command;
    if (!entry.is_object() || !entry.contains("roles") || !entry["roles"].is_object())
      throw GeneratorError(where + ": expected an object with \"roles\"");
    const std::string owner = entry.value("owner", "plugin");
    const std::string module = entry.contains("module") && entry["module"].is_string()
                                   ? entry["module"].get<std::string>()
                                   : "";
    const std::string tag = owner == "host" ? "host" : module.empty() ? "plugin" : module;
    add_tag(tag);

    ordered_json roles = ordered_json::object();
    std::string role_words;
    for (const auto& role : role_order) {
      if (!entry["roles"].contains(role)) continue;
      const std::string scope = entry["roles"][role].get<std::string>();
      roles[role] = scope;
      role_words += (role_words.empty() ? "" : "; ") + role + ": " + scope_words(scope);
    }
    for (const auto& [role, scope] : entry["roles"].items()) {
      if (!roles.contains(role))
        throw GeneratorError(where + "/roles: unknown role \"" + role +
                             "\"; expected admin, hr, mentor, mentee or system");
    }

    auto name = schema_name(commands_dir, command, module);
    ordered_json request_schema, ok_response;
    std::string summary = "Command " + command, description;
    if (name) {
      const std::string input = *name + ".input", output = *name + ".output";
      components["schemas"][input] = as_component(input_file(commands_dir, *name), input);
      components["schemas"][output] = as_component(output_file(commands_dir, *name), output);
      description = components["schemas"][input].value("description", "");
      request_schema = ref_to("#/components/schemas/" + input);
      ok_response = {
          {"description",
           components["schemas"][output].value("description", "The command's answer.")},
          {"content",
           {{"application/json", {{"schema", ref_to("#/components/schemas/" + output)}}}}}};
    } else {
      request_schema = {{"type", "object"},
                        {"description",
                         "No input schema in schemas/commands for this command; "
                         "any JSON object is passed to it."}};
      ok_response = {{"description", "The command's answer."},
                     {"content", {{"application/json", {{"schema", {{"type", "object"}}}}}}}};
    }
    if (!description.empty()) description += "\n\n";
    description += "May run it: " + role_words + ". Any other role: 403.";
    if (entry.value("personal_data", false))
      description += " Reads personal data: each read by hr or admin goes to the audit log.";

    ordered_json operation;
    operation["operationId"] = command;
    operation["summary"] = summary;
    operation["description"] = description;
    operation["tags"] = ordered_json::array({tag});
    operation["x-roles"] = roles;
    operation["x-owner"] = owner;
    operation["x-module"] = module.empty() ? ordered_json(nullptr) : ordered_json(module);
    operation["x-personal-data"] = entry.value("personal_data", false);
    operation["x-writes"] = entry.value("writes", false);
    operation["x-schema"] = name ? ordered_json(*name) : ordered_json(nullptr);
    operation["parameters"] = ordered_json::array({ref_to("#/components/parameters/org")});
    operation["requestBody"] = {{"required", true},
                                {"content", {{"application/json", {{"schema", request_schema}}}}}};
    operation["responses"] = command_responses(ok_response);
    document["paths"]["/v1/orgs/{org}/commands/" + command]["post"] = operation;
  }
  document["paths"]["/v1/orgs/{org}/webhooks/{adapter}"] = webhook_path();
  const ordered_json probes = probe_paths();
  for (const auto& [path, item] : probes.items()) document["paths"][path] = item;
  add_tag("webhooks");
  add_tag("probes");
  for (const auto& tag : tags) {
    std::string words = tag == "host"       ? "Answered by mentoring-host itself"
                        : tag == "webhooks" ? "Host systems' webhooks"
                        : tag == "probes"   ? "Health, readiness and metrics"
                                            : "The plugin's " + tag + " module";
    document["tags"].push_back({{"name", tag}, {"description", words}});
  }
  document["components"] = components;
  return document;
}

std::string render(const ordered_json& document) {
  return document.dump(2) + "\n";
}

namespace {
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}
}  // namespace

std::string difference(const std::string& checked_in, const std::string& generated) {
  if (checked_in == generated) return "";
  auto old_lines = lines_of(checked_in), new_lines = lines_of(generated);
  std::size_t head = 0;
  while (head < old_lines.size() && head < new_lines.size() && old_lines[head] == new_lines[head])
    ++head;
  std::size_t tail = 0;
  while (tail < old_lines.size() - head && tail < new_lines.size() - head &&
         old_lines[old_lines.size() - 1 - tail] == new_lines[new_lines.size() - 1 - tail])
    ++tail;
  const std::size_t shown = 30;
  std::ostringstream out;
  out << "@@ line " << head + 1 << ": " << old_lines.size() - head - tail << " line(s) checked in, "
      << new_lines.size() - head - tail << " generated @@\n";
  if (head > 0) out << "  " << old_lines[head - 1] << "\n";
  for (std::size_t i = head; i < old_lines.size() - tail && i < head + shown; ++i)
    out << "- " << old_lines[i] << "\n";
  if (old_lines.size() - tail > head + shown) out << "- ...\n";
  for (std::size_t i = head; i < new_lines.size() - tail && i < head + shown; ++i)
    out << "+ " << new_lines[i] << "\n";
  if (new_lines.size() - tail > head + shown) out << "+ ...\n";
  if (checked_in.empty() || checked_in.back() != '\n')
    out << "(checked-in file: no final newline)\n";
  return out.str();
}

}  // namespace mentoring::serve::openapi
