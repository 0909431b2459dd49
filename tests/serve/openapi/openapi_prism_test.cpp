// Prism (tests/tools/prism) loads schemas/openapi.json and judges requests by
// it: a tool that reads OpenAPI 3.1 understands the document, including the
// embedded command schemas and the bearer security. Prism runs on 127.0.0.1,
// started and stopped by this binary (one ctest test).
#include "prism_server.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

#ifndef MENTORING_OPENAPI_JSON
#error "MENTORING_OPENAPI_JSON: schemas/openapi.json"
#endif

namespace {

using mentoring::fakes::PrismServer;
using mentoring::fakes::PrismVerdict;

PrismServer& prism() {
  static PrismServer server(MENTORING_OPENAPI_JSON);
  return server;
}

using json = nlohmann::json;

// A body the command's input schema (as the document embeds it) accepts: each
// required property given the first value of its enum or a value of its type.
// Built from the document, so it follows the schemas as they change.
json minimal_input(const std::string& command) {
  static const json document = json::parse(std::ifstream(MENTORING_OPENAPI_JSON));
  const json& operation = document["paths"]["/v1/orgs/{org}/commands/" + command]["post"];
  std::string ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"];
  const json& schema = document.at(json::json_pointer(ref.substr(1)));
  json body = json::object();
  for (const auto& name : schema.value("required", json::array())) {
    const json& property = schema["properties"][name.get<std::string>()];
    if (property.contains("enum"))
      body[name] = property["enum"][0];
    else if (property.value("type", "") == "integer")
      body[name] = 1;
    else if (property.value("type", "") == "boolean")
      body[name] = true;
    else
      body[name] = "p-1";
  }
  return body;
}

// dynamic: Prism answers with a body generated from the answer's schema
// (its static mock writes "string" even where a pattern wants a date).
PrismVerdict send(const std::string& method, const std::string& target, const std::string& body,
                  bool with_token = true, bool dynamic = false) {
  httplib::Request request;
  request.method = method;
  request.target = target;
  request.body = body;
  if (!body.empty()) request.set_header("Content-Type", "application/json");
  if (with_token) request.set_header("Authorization", "Bearer mtk_northwind_test");
  return prism().judge(request, dynamic);
}

TEST(OpenApiPrism, ProbesAnswerAsDescribed) {
  auto health = send("GET", "/healthz", "", false);
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.violation, "");
  EXPECT_EQ(health.body, R"({"status":"ok"})");
  EXPECT_EQ(send("GET", "/metrics", "", false).status, 200);
}

TEST(OpenApiPrism, ValidCommandInputIsAccepted) {
  for (const std::string command : {"accept", "session_list", "pairing_mentor_answer"}) {
    auto verdict = send("POST", "/v1/orgs/northwind/commands/" + command,
                        minimal_input(command).dump(), true, true);
    EXPECT_EQ(verdict.violation, "") << command;
    EXPECT_EQ(verdict.status, 200) << command;
  }
}

TEST(OpenApiPrism, InputBreakingTheCommandsSchemaIsAViolation) {
  json body = minimal_input("accept");
  ASSERT_TRUE(body.contains("person_id"));
  body.erase("person_id");
  auto missing = send("POST", "/v1/orgs/northwind/commands/accept", body.dump());
  EXPECT_NE(missing.violation.find("person_id"), std::string::npos) << missing.violation;
  json unknown = minimal_input("accept");
  unknown["colour"] = "red";
  EXPECT_NE(send("POST", "/v1/orgs/northwind/commands/accept", unknown.dump()).violation, "")
      << "additionalProperties: false is enforced";
}

TEST(OpenApiPrism, CommandWithoutTokenIsRefused) {
  auto verdict =
      send("POST", "/v1/orgs/northwind/commands/accept", minimal_input("accept").dump(), false);
  EXPECT_EQ(verdict.status, 401);
}

TEST(OpenApiPrism, OrganisationIdOutsideThePatternIsAViolation) {
  auto verdict =
      send("POST", "/v1/orgs/North%20Wind/commands/accept", minimal_input("accept").dump());
  EXPECT_NE(verdict.violation, "");
}

TEST(OpenApiPrism, WebhookNeedsBothSignatureHeaders) {
  httplib::Request request;
  request.method = "POST";
  request.target = "/v1/orgs/northwind/webhooks/bamboohr";
  request.body = R"({"type":"employee.updated","data":{"employeeId":"100"}})";
  request.set_header("Content-Type", "application/json");
  // PrismServer::judge forwards only Authorization and Accept: without the
  // signature headers the webhook is a violation.
  auto verdict = prism().judge(request);
  EXPECT_NE(verdict.violation.find("x-bamboohr-signature"), std::string::npos) << verdict.violation;
}

}  // namespace
