// schemas/openapi.json: exactly what the generator writes from the permission
// matrix and the command schemas (so they cannot drift), OpenAPI 3.1-shaped,
// and complete: every command a path with its roles, its own input and answer
// schemas, bearer security and the error responses; the probes and the webhook.
#include "openapi/openapi.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#ifndef MENTORING_SCHEMAS_DIR
#error "MENTORING_SCHEMAS_DIR: the source tree's schemas/"
#endif
#ifndef MENTORING_PLUGIN_SHELL_DIR
#error "MENTORING_PLUGIN_SHELL_DIR: the source tree's plugin/shell/"
#endif
#ifndef MENTORING_VERSION
#error "MENTORING_VERSION: the project version"
#endif

namespace {

namespace fs = std::filesystem;
namespace openapi = mentoring::serve::openapi;
using json = nlohmann::json;

const fs::path schemas_dir = MENTORING_SCHEMAS_DIR;

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

json read_json(const fs::path& path) {
  return json::parse(read_text(path));
}

const json& document() {
  static const json parsed = read_json(schemas_dir / "openapi.json");
  return parsed;
}

const json& permissions() {
  static const json parsed = read_json(schemas_dir / "permissions.json");
  return parsed;
}

// What "#/..." points at in the document; null when nothing.
const json* resolve(const std::string& ref) {
  if (ref.rfind("#/", 0) != 0) return nullptr;
  json::json_pointer pointer(ref.substr(1));
  if (!document().contains(pointer)) return nullptr;
  return &document().at(pointer);
}

// A response, following one $ref to components/responses.
const json& response(const json& operation, const std::string& status) {
  const json& answer = operation.at("responses").at(status);
  if (answer.contains("$ref")) {
    const json* target = resolve(answer["$ref"]);
    if (target) return *target;
  }
  return answer;
}

// The embedded component turned back into the file it came from: its local
// references pointed at the file again. (The generator drops "$id" and
// "$schema", so they are dropped from the file too.)
json unembed(json node, const std::string& component) {
  const std::string prefix = "#/components/schemas/" + component;
  if (node.is_object()) {
    for (auto& [key, value] : node.items()) {
      if (key == "$ref" && value.is_string() && value.get<std::string>().rfind(prefix, 0) == 0)
        value = "#" + value.get<std::string>().substr(prefix.size());
      else
        value = unembed(value, component);
    }
  } else if (node.is_array()) {
    for (auto& item : node) item = unembed(item, component);
  }
  return node;
}

json file_schema(const std::string& file) {
  json schema = read_json(schemas_dir / "commands" / file);
  schema.erase("$id");
  schema.erase("$schema");
  return schema;
}

std::string command_path(const std::string& command) {
  return "/v1/orgs/{org}/commands/" + command;
}

TEST(OpenApiDocument, CheckedInFileIsWhatTheGeneratorWrites) {
  const std::string generated = openapi::render(openapi::generate(schemas_dir, MENTORING_VERSION));
  const std::string checked_in = read_text(schemas_dir / "openapi.json");
  const std::string diff = openapi::difference(checked_in, generated);
  EXPECT_TRUE(diff.empty())
      << "schemas/openapi.json differs from what schemas/permissions.json and "
         "schemas/commands/ give; regenerate it with `cmake --build --preset dev --target "
         "openapi_json` and commit it:\n"
      << diff;
}

TEST(OpenApiDocument, DifferenceNamesTheLineAndBothSides) {
  EXPECT_EQ(openapi::difference("a\nb\nc\n", "a\nb\nc\n"), "");
  const std::string diff = openapi::difference("a\nb\nc\n", "a\nB\nc\n");
  EXPECT_NE(diff.find("line 2"), std::string::npos) << diff;
  EXPECT_NE(diff.find("- b\n"), std::string::npos) << diff;
  EXPECT_NE(diff.find("+ B\n"), std::string::npos) << diff;
  EXPECT_EQ(diff.find("- a"), std::string::npos) << "common lines are not listed as changed";
  const std::string added = openapi::difference("a\nc\n", "a\nb\nc\n");
  EXPECT_NE(added.find("0 line(s) checked in, 1 generated"), std::string::npos) << added;
  EXPECT_NE(openapi::difference("", "a\n"), "");
}

TEST(OpenApiDocument, IsOpenApi31Shaped) {
  const json& doc = document();
  EXPECT_EQ(doc.at("openapi"), "3.1.0");
  EXPECT_EQ(doc.at("jsonSchemaDialect"), "https://json-schema.org/draft/2020-12/schema");
  ASSERT_TRUE(doc.at("info").is_object());
  EXPECT_TRUE(doc["info"].at("title").is_string());
  EXPECT_EQ(doc["info"].at("version"), MENTORING_VERSION);
  ASSERT_TRUE(doc.at("paths").is_object());
  for (const auto& [path, item] : doc["paths"].items()) {
    EXPECT_EQ(path.front(), '/') << path;
    for (const auto& [method, operation] : item.items()) {
      EXPECT_TRUE(method == "get" || method == "post") << path << " " << method;
      EXPECT_TRUE(operation.at("responses").is_object()) << path;
      EXPECT_TRUE(operation.at("operationId").is_string()) << path;
    }
  }
  // Every component name as OpenAPI allows it.
  for (const auto& [name, schema] : doc.at("components").at("schemas").items())
    EXPECT_EQ(
        name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-"),
        std::string::npos)
        << name;
}

TEST(OpenApiDocument, SecurityIsBearer) {
  const json& doc = document();
  const json& bearer = doc.at("components").at("securitySchemes").at("bearer");
  EXPECT_EQ(bearer.at("type"), "http");
  EXPECT_EQ(bearer.at("scheme"), "bearer");
  EXPECT_EQ(doc.at("security"), json::array({json{{"bearer", json::array()}}}));
}

TEST(OpenApiDocument, EveryLocalReferenceResolves) {
  std::vector<std::string> broken;
  std::function<void(const json&)> walk = [&](const json& node) {
    if (node.is_object()) {
      for (const auto& [key, value] : node.items()) {
        if (key == "$ref" && value.is_string() && !resolve(value)) broken.push_back(value);
        walk(value);
      }
    } else if (node.is_array()) {
      for (const auto& item : node) walk(item);
    }
  };
  walk(document());
  EXPECT_TRUE(broken.empty()) << broken.size() << " unresolved, first: " << broken.front();
}

TEST(OpenApiDocument, EveryCommandOfThePermissionMatrixHasAPathWithItsRoles) {
  const json& commands = permissions().at("commands");
  ASSERT_GE(commands.size(), 50u);
  for (const auto& [command, entry] : commands.items()) {
    SCOPED_TRACE(command);
    const std::string path = command_path(command);
    ASSERT_TRUE(document()["paths"].contains(path)) << "no path " << path;
    const json& operation = document()["paths"][path].at("post");
    EXPECT_EQ(operation.at("operationId"), command);
    EXPECT_EQ(operation.at("x-roles"), entry.at("roles"));
    EXPECT_EQ(operation.at("x-personal-data"), entry.at("personal_data"));
    EXPECT_EQ(operation.at("x-writes"), entry.at("writes"));
    EXPECT_EQ(operation.at("x-owner"), entry.at("owner"));
    for (const auto& [role, scope] : entry["roles"].items()) {
      EXPECT_NE(operation.at("description").get<std::string>().find(role + ": "), std::string::npos)
          << role;
    }
    EXPECT_FALSE(operation.contains("security")) << "commands use the document's bearer security";
    const json& parameters = operation.at("parameters");
    ASSERT_EQ(parameters.size(), 1u);
    const json* org = resolve(parameters[0].at("$ref"));
    ASSERT_NE(org, nullptr);
    EXPECT_EQ(org->at("in"), "path");
    EXPECT_EQ(org->at("name"), "org");
  }
  // Nothing else: the commands, the webhook and three probes.
  EXPECT_EQ(document()["paths"].size(), commands.size() + 4);
}

TEST(OpenApiDocument, EveryCommandAnswersTheAgreedErrorsWithTheErrorSchema) {
  for (const auto& [command, entry] : permissions().at("commands").items()) {
    SCOPED_TRACE(command);
    const json& operation = document()["paths"][command_path(command)]["post"];
    for (const std::string status : {"400", "401", "403", "404", "413", "500", "503"}) {
      const json& answer = response(operation, status);
      ASSERT_TRUE(answer.contains("content")) << status;
      EXPECT_EQ(answer["content"]["application/json"]["schema"],
                json({{"$ref", "#/components/schemas/Error"}}))
          << status;
    }
    EXPECT_TRUE(response(operation, "401").at("headers").contains("WWW-Authenticate"));
    EXPECT_TRUE(response(operation, "503").at("headers").contains("Retry-After"));
  }
  const json& error = document()["components"]["schemas"]["Error"];
  EXPECT_EQ(error.at("required"), json::array({"error"}));
  EXPECT_EQ(error.at("properties").at("error").at("type"), "string");
}

TEST(OpenApiDocument, RequestAndAnswerAreTheCommandsOwnSchemas) {
  std::size_t with_schema = 0;
  for (const auto& [command, entry] : permissions().at("commands").items()) {
    SCOPED_TRACE(command);
    const json& operation = document()["paths"][command_path(command)]["post"];
    const json& request = operation.at("requestBody");
    EXPECT_EQ(request.at("required"), true);
    const json& request_schema = request.at("content").at("application/json").at("schema");
    const json& answer_schema =
        response(operation, "200").at("content").at("application/json").at("schema");
    if (operation.at("x-schema").is_null()) {
      // No schema file names this command in its title: none was missed.
      for (const auto& file : fs::directory_iterator(schemas_dir / "commands")) {
        const json schema = read_json(file.path());
        EXPECT_NE(schema.value("title", ""), "Command " + command + ": input") << file.path();
      }
      EXPECT_EQ(request_schema.at("type"), "object");
      continue;
    }
    ++with_schema;
    const std::string name = operation["x-schema"];
    for (const auto& [kind, schema] :
         {std::pair<std::string, const json&>{"input", request_schema},
          std::pair<std::string, const json&>{"output", answer_schema}}) {
      const std::string component = name + "." + kind;
      ASSERT_EQ(schema, json({{"$ref", "#/components/schemas/" + component}})) << kind;
      const json file = file_schema(component + ".schema.json");
      EXPECT_EQ(file.value("title", ""), "Command " + command + ": " + kind)
          << "the schema file the path uses is another command's";
      EXPECT_EQ(unembed(document()["components"]["schemas"][component], component), file)
          << component << " is not the file's schema";
    }
  }
  EXPECT_GE(with_schema, 45u);
}

TEST(OpenApiDocument, EveryCommandSchemaFileIsUsedByExactlyOnePath) {
  std::map<std::string, int> uses;
  for (const auto& [path, item] : document()["paths"].items())
    if (item.contains("post") && item["post"].contains("x-schema") &&
        item["post"]["x-schema"].is_string())
      ++uses[item["post"]["x-schema"].get<std::string>()];
  for (const auto& file : fs::directory_iterator(schemas_dir / "commands")) {
    const std::string filename = file.path().filename().string();
    const std::string suffix = ".input.schema.json";
    if (filename.size() <= suffix.size() ||
        filename.compare(filename.size() - suffix.size(), suffix.size(), suffix) != 0)
      continue;
    const std::string name = filename.substr(0, filename.size() - suffix.size());
    EXPECT_EQ(uses[name], 1) << "schemas/commands/" << filename
                             << ": no command of permissions.json (or more than one) uses it";
  }
}

TEST(OpenApiDocument, PrefixedSchemaNamesAreTheOnesThePluginValidatesWith) {
  // A schema whose name is not the command's is passed by name to
  // require_valid_input in a runner of plugin/shell: the document uses the
  // schema the plugin checks the input with.
  std::string runners;
  for (const auto& file : fs::directory_iterator(MENTORING_PLUGIN_SHELL_DIR))
    if (file.path().extension() == ".cpp") runners += read_text(file.path());
  std::size_t prefixed = 0;
  for (const auto& [command, entry] : permissions().at("commands").items()) {
    const json& name = document()["paths"][command_path(command)]["post"]["x-schema"];
    if (!name.is_string() || name == command) continue;
    ++prefixed;
    EXPECT_NE(runners.find("\"" + name.get<std::string>() + "\""), std::string::npos)
        << command << ": no runner in plugin/shell names schema " << name;
  }
  EXPECT_GE(prefixed, 20u);
}

TEST(OpenApiDocument, ProbesAndMetricsNeedNoToken) {
  const json& paths = document()["paths"];
  for (const std::string path : {"/healthz", "/readyz", "/metrics"}) {
    SCOPED_TRACE(path);
    ASSERT_TRUE(paths.contains(path));
    const json& operation = paths[path].at("get");
    EXPECT_EQ(operation.at("security"), json::array());
    EXPECT_TRUE(operation.at("responses").contains("200"));
  }
  EXPECT_TRUE(paths["/readyz"]["get"]["responses"].contains("503"));
  EXPECT_TRUE(paths["/metrics"]["get"]["responses"]["200"]["content"].contains(
      "text/plain; version=0.0.4"));
  EXPECT_EQ(paths["/healthz"]["get"]["responses"]["200"]["content"]["application/json"]["example"],
            json({{"status", "ok"}}));
}

TEST(OpenApiDocument, WebhookIsSignedNotTokenAuthenticated) {
  const json& operation = document()["paths"].at("/v1/orgs/{org}/webhooks/{adapter}").at("post");
  EXPECT_EQ(operation.at("security"), json::array());
  std::set<std::string> headers, path_parameters;
  for (const auto& parameter : operation.at("parameters")) {
    const json& resolved = parameter.contains("$ref") ? *resolve(parameter["$ref"]) : parameter;
    if (resolved.at("in") == "header") {
      headers.insert(resolved.at("name").get<std::string>());
      EXPECT_EQ(resolved.at("required"), true);
    }
    if (resolved.at("in") == "path") path_parameters.insert(resolved.at("name").get<std::string>());
  }
  EXPECT_EQ(headers, (std::set<std::string>{"X-BambooHR-Signature", "X-BambooHR-Timestamp"}));
  EXPECT_EQ(path_parameters, (std::set<std::string>{"org", "adapter"}));
  for (const std::string status : {"202", "400", "401", "404", "413"})
    EXPECT_TRUE(operation.at("responses").contains(status)) << status;
  EXPECT_NE(operation.at("description").get<std::string>().find("HMAC-SHA256"), std::string::npos);
}

TEST(OpenApiDocument, OrganisationIdIsTheOrgConfigsId) {
  const json org_config = read_json(schemas_dir / "org-config.schema.json");
  EXPECT_EQ(document()["components"]["parameters"]["org"]["schema"],
            org_config["properties"]["id"]);
}

// ------------------------------------------------------------ generator

class GeneratorInputs : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() /
          ("mentoring-openapi-test-" +
           std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir / "commands");
    fs::copy_file(schemas_dir / "org-config.schema.json", dir / "org-config.schema.json");
  }
  void TearDown() override { fs::remove_all(dir); }
  void write(const std::string& file, const json& content) {
    std::ofstream(dir / file) << content.dump();
  }
  void permissions_with(const std::string& command, const std::string& module) {
    json entry = {{"owner", "plugin"},
                  {"module", module},
                  {"roles", {{"admin", "org"}}},
                  {"personal_data", false},
                  {"writes", false}};
    json file;
    file["commands"][command] = entry;
    write("permissions.json", file);
  }
  std::string error_of() {
    try {
      openapi::generate(dir, "0");
    } catch (const openapi::GeneratorError& error) {
      return error.what();
    }
    return "";
  }
  fs::path dir;
};

TEST_F(GeneratorInputs, ModulePrefixedSchemaNamesAreFound) {
  EXPECT_EQ(
      openapi::schema_name_candidates("pairing_accept", "pairing"),
      (std::vector<std::string>{"pairing_accept", "pairing-pairing_accept", "pairing-accept"}));
  EXPECT_EQ(openapi::schema_name_candidates("pairing_mentor_answer", "pairing"),
            (std::vector<std::string>{"pairing_mentor_answer", "pairing-pairing_mentor_answer",
                                      "pairing-mentor_answer", "pairing-mentor-answer"}));
  permissions_with("session_list", "supervision");
  write("commands/supervision-session_list.input.schema.json", {{"type", "object"}});
  write("commands/supervision-session_list.output.schema.json", {{"type", "object"}});
  auto doc = openapi::generate(dir, "0");
  EXPECT_EQ(doc["paths"]["/v1/orgs/{org}/commands/session_list"]["post"]["x-schema"],
            "supervision-session_list");
}

TEST_F(GeneratorInputs, TwoSchemasForOneCommandAreRefused) {
  permissions_with("accept", "enrolment");
  for (const std::string name : {"accept", "enrolment-accept"}) {
    write("commands/" + name + ".input.schema.json", {{"type", "object"}});
    write("commands/" + name + ".output.schema.json", {{"type", "object"}});
  }
  EXPECT_NE(error_of().find("both fit command accept"), std::string::npos) << error_of();
}

TEST_F(GeneratorInputs, InputWithoutOutputIsRefused) {
  permissions_with("accept", "enrolment");
  write("commands/accept.input.schema.json", {{"type", "object"}});
  EXPECT_NE(error_of().find("accept.output.schema.json: missing"), std::string::npos) << error_of();
}

TEST_F(GeneratorInputs, ReferenceOutsideTheFileIsRefused) {
  permissions_with("accept", "enrolment");
  write("commands/accept.input.schema.json", {{"$ref", "../person.schema.json"}});
  write("commands/accept.output.schema.json", {{"type", "object"}});
  EXPECT_NE(error_of().find("points outside the file"), std::string::npos) << error_of();
}

TEST_F(GeneratorInputs, UnknownRoleIsRefused) {
  write("permissions.json",
        {{"commands",
          {{"accept",
            {{"owner", "plugin"}, {"module", "enrolment"}, {"roles", {{"boss", "org"}}}}}}}});
  EXPECT_NE(error_of().find("unknown role \"boss\""), std::string::npos) << error_of();
}

TEST_F(GeneratorInputs, BrokenPermissionsFileIsNamed) {
  std::ofstream(dir / "permissions.json") << "{\"commands\": ";
  EXPECT_NE(error_of().find("permissions.json: not JSON"), std::string::npos) << error_of();
}

}  // namespace
