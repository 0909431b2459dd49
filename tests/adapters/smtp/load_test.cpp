// The smtp module as the host loads it: through mentoring::loader, with the
// fake host's services (secrets, clock, storage folder), against the capture
// server; and a template error crossing the ABI as a refused config.
#include "capture_server.hpp"

#include <mentoring/abi.h>
#include <mentoring/fake_host.hpp>
#include <mentoring/loader.hpp>

#include <gtest/gtest.h>

namespace smtp_test {
namespace {

using mentoring::host::CallError;
using mentoring::host::ModuleInstance;
using mentoring::host::ModuleLibrary;

json config(const json& settings) {
  return {{"organisation", "northwind"},
          {"name", "mail"},
          {"base_dir", "/tmp"},
          {"settings", settings}};
}

TEST(SmtpModule, LoadsDeclaresItsKindsAndMailsThroughTheHostsServices) {
  auto library = ModuleLibrary::load(SMTP_MODULE);
  EXPECT_EQ(library->name(), "smtp");
  EXPECT_EQ(library->kind(), MENTORING_KIND_ADAPTER);
  EXPECT_EQ(library->capabilities(),
            (std::vector<std::string>{"write_actions", "create_task", "create_calendar_event"}));

  CaptureServer server({"--auth", "mailer:pw-1"});
  mentoring::testing::FakeHost host;
  host.set_today("2026-12-01");
  host.set_secret("SMTP_USER", "mailer");
  host.set_secret("SMTP_PASSWORD", "pw-1");
  json settings = {{"server", server.url()},
                   {"starttls", "none"},
                   {"username_secret", "SMTP_USER"},
                   {"password_secret", "SMTP_PASSWORD"},
                   {"from", {{"address", "mentoring@northwind.example"}}}};
  json notify = {
      {"idempotency_key", "notify/northwind/rtw/E1/welcome"},
      {"type", "notify"},
      {"organisation", "northwind"},
      {"person_id", "E1"},
      {"created_at", "2026-12-01T09:00:00Z"},
      {"payload",
       {{"to", {{"person_id", "E1"}, {"name", "Ada"}, {"email", "ada@northwind.example"}}},
        {"subject", "Welcome"},
        {"text", "Welcome to the programme."}}}};
  {
    ModuleInstance module(library, host.host(), config(settings).dump());
    json answer = json::parse(module.call("push", json{{"actions", json::array({notify})}}.dump()));
    EXPECT_EQ(answer["results"][0]["status"], "done") << answer.dump(2);
    EXPECT_EQ(json::parse(module.call("check", "{}"))["ok"], true);
  }
  EXPECT_EQ(server.count(), 1);
  EXPECT_EQ(server.envelope(1)["auth"], "mailer");
  EXPECT_TRUE(fs::exists(fs::path(host.storage_directory()) / "smtp-mail.sent.jsonl"));
  ModuleInstance again(library, host.host(), config(settings).dump());
  json answer = json::parse(again.call("push", json{{"actions", json::array({notify})}}.dump()));
  EXPECT_EQ(answer["results"][0]["status"], "duplicate");

  settings["templates"] = "/nonexistent-smtp-templates";
  try {
    ModuleInstance refused(library, host.host(), config(settings).dump());
    ADD_FAILURE() << "created with a missing templates folder";
  } catch (const CallError& e) {
    EXPECT_EQ(e.status(), MENTORING_ERR_INVALID_INPUT);
    EXPECT_NE(std::string(e.what()).find("/templates"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace smtp_test
