// The SMTP adapter against the loopback capture server (aiosmtpd): what a
// real relay sees — STARTTLS, AUTH, the MIME tree parsed back by Python's
// email package, the ledger across restarts, 4xx and 5xx answers, header
// injection, templates overridden per programme and checked at load, the logo.
#include "capture_server.hpp"

#include <mentoring/abi.h>
#include <mentoring/module.hpp>
#include <smtp_adapter/smtp_adapter.hpp>

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <map>
#include <memory>
#include <optional>

namespace smtp_test {
namespace {

namespace smtp = mentoring::adapters::smtp;

constexpr std::int64_t kNowMs = 1796083200000;  // 2026-12-01T00:00:00Z

json person(const std::string& id, const std::string& name, json email) {
  return {{"person_id", id}, {"name", name}, {"email", email}};
}

json action(const std::string& type, const std::string& key, json payload,
            const std::string& programme = "return-to-work") {
  return {{"idempotency_key", key},       {"type", type},
          {"organisation", "northwind"},  {"person_id", "E1"},
          {"programme_id", programme},    {"created_at", "2026-12-01T09:00:00Z"},
          {"payload", std::move(payload)}};
}

json invite(const std::string& key, json to, const std::string& programme = "return-to-work") {
  return action("invite", key,
                {{"to", std::move(to)},
                 {"role", "mentee"},
                 {"subject", "You are invited to Return to work"},
                 {"text", "Dear colleague,\n\nwe would like to invite you.\nA second line."},
                 {"programme", {{"id", programme}, {"name", "Return to work"}}},
                 {"respond_by", "2026-12-15"},
                 {"link",
                  {{"purpose", "invitation"},
                   {"token", "eyJvIjoibiJ9.c2ln-_x"},
                   {"expires_on", "2027-01-05"}}}},
                programme);
}

json calendar_event(const std::string& key, const std::string& method, json attendees) {
  std::string ics =
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//mentoring//EN\r\nMETHOD:" + method +
      "\r\nBEGIN:VEVENT\r\nUID:pair-7@northwind\r\nSEQUENCE:0\r\nDTSTART;TZID=Europe/London:"
      "20261203T140000\r\nSUMMARY:Mentoring session\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
  return action("calendar_event", key,
                {{"uid", "pair-7@northwind"},
                 {"sequence", 0},
                 {"method", method},
                 {"kind", "pair_session"},
                 {"summary", "Mentoring session"},
                 {"description", "Your first session."},
                 {"date", "2026-12-03"},
                 {"start_time", "14:00"},
                 {"duration_minutes", 60},
                 {"timezone", "Europe/London"},
                 {"location", "Room 2"},
                 {"attendees", std::move(attendees)},
                 {"ics", ics}});
}

class SmtpContract : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    certs_folder_ = new fs::path(temp_folder("smtp-certs"));
    certificate_ = new Certificate(Certificate::make(*certs_folder_));
  }
  static void TearDownTestSuite() {
    fs::remove_all(*certs_folder_);
    delete certificate_;
    delete certs_folder_;
  }

  SmtpContract() : storage_(temp_folder("smtp-storage")), base_(temp_folder("smtp-base")) {}
  ~SmtpContract() override {
    fs::remove_all(storage_);
    fs::remove_all(base_);
  }

  std::vector<std::string> tls_options() const {
    return {"--starttls", certificate_->cert.string(), certificate_->key.string()};
  }

  json settings_for(const CaptureServer& server, json extra = json::object()) const {
    json settings = {
        {"server", server.url()},
        {"ca_bundle", certificate_->cert.string()},
        {"from", {{"address", "mentoring@northwind.example"}, {"name", "Northwind Mentoring"}}},
        {"links_base_url", "http://127.0.0.1:8640"},
        {"timeout_seconds", 10}};
    settings.update(extra);
    return settings;
  }

  std::unique_ptr<smtp::SmtpAdapter> make(const json& settings) {
    json config = {{"organisation", "northwind"},
                   {"name", "mail"},
                   {"base_dir", base_.string()},
                   {"settings", settings}};
    return std::make_unique<smtp::SmtpAdapter>(
        config.dump(),
        smtp::Services{{},
                       [this](const std::string& name) -> std::optional<std::string> {
                         auto it = secrets_.find(name);
                         if (it == secrets_.end()) return std::nullopt;
                         return it->second;
                       },
                       [] { return kNowMs; },
                       [this](std::string_view m) { warnings_.emplace_back(m); },
                       [this] { return storage_.string(); },
                       {}});
  }

  static json push(smtp::SmtpAdapter& adapter, const std::vector<json>& actions) {
    return json::parse(adapter.call("push", json{{"actions", actions}}.dump()))["results"];
  }

  static Certificate* certificate_;
  static fs::path* certs_folder_;
  fs::path storage_, base_;
  std::map<std::string, std::string> secrets_;
  std::vector<std::string> warnings_;
};

Certificate* SmtpContract::certificate_ = nullptr;
fs::path* SmtpContract::certs_folder_ = nullptr;

TEST_F(SmtpContract, StarttlsRequiredIsUsedAndAuthAccepted) {
  CaptureServer server([&] {
    auto o = tls_options();
    o.insert(o.end(), {"--auth", "mailer:s3cret-pass"});
    return o;
  }());
  secrets_ = {{"SMTP_USER", "mailer"}, {"SMTP_PASSWORD", "s3cret-pass"}};
  auto adapter = make(settings_for(
      server, {{"username_secret", "SMTP_USER"}, {"password_secret", "SMTP_PASSWORD"}}));
  json check = json::parse(adapter->call("check", "{}"));
  EXPECT_TRUE(check["ok"]) << check.dump(2);
  auto results = push(*adapter, {invite("invite/northwind/rtw/E1/L1",
                                        person("E1", "Ada Lovelace", "ada@northwind.example"))});
  ASSERT_EQ(results[0]["status"], "done") << results.dump(2);
  ASSERT_EQ(server.count(), 1);
  json envelope = server.envelope(1);
  EXPECT_TRUE(envelope["tls"]) << "the mail went before STARTTLS";
  EXPECT_EQ(envelope["auth"], "mailer");
  EXPECT_EQ(envelope["mail_from"], "mentoring@northwind.example");
  EXPECT_EQ(envelope["rcpt_tos"], json::array({"ada@northwind.example"}));
}

TEST_F(SmtpContract, WrongPasswordFailsWithoutShowingIt) {
  auto options = tls_options();
  options.insert(options.end(), {"--auth", "mailer:right-pass"});
  CaptureServer server(options);
  secrets_ = {{"SMTP_USER", "mailer"}, {"SMTP_PASSWORD", "wrong-pass-123"}};
  auto adapter = make(settings_for(
      server, {{"username_secret", "SMTP_USER"}, {"password_secret", "SMTP_PASSWORD"}}));
  auto results =
      push(*adapter,
           {invite("invite/northwind/rtw/E1/L1", person("E1", "Ada", "ada@northwind.example")),
            invite("invite/northwind/rtw/E2/L2", person("E2", "Bob", "bob@northwind.example"))});
  EXPECT_EQ(results[0]["status"], "failed");
  std::string message = results[0]["message"];
  EXPECT_NE(message.find("refused the user name and password"), std::string::npos) << message;
  EXPECT_EQ(message.find("wrong-pass-123"), std::string::npos) << message;
  // After an outage the rest of the push is not tried.
  EXPECT_EQ(results[1]["status"], "failed");
  EXPECT_NE(results[1]["message"].get<std::string>().find("not tried"), std::string::npos);
  EXPECT_EQ(server.count(), 0);
  json check = json::parse(adapter->call("check", "{}"));
  EXPECT_FALSE(check["ok"]);
  EXPECT_FALSE(check["capabilities"][0]["authenticated"]) << check.dump(2);
}

TEST_F(SmtpContract, ServerWithoutStarttlsGetsNothingWhenRequired) {
  CaptureServer server({});
  auto adapter = make(settings_for(server));
  auto results =
      push(*adapter,
           {invite("invite/northwind/rtw/E1/L1", person("E1", "Ada", "ada@northwind.example"))});
  EXPECT_EQ(results[0]["status"], "failed");
  EXPECT_NE(results[0]["message"].get<std::string>().find("STARTTLS"), std::string::npos)
      << results[0]["message"];
  EXPECT_EQ(server.count(), 0);
  // Told so, plain SMTP to a loopback relay is allowed.
  auto plain = make(settings_for(server, {{"starttls", "none"}}));
  EXPECT_EQ(push(*plain, {invite("invite/northwind/rtw/E1/L1",
                                 person("E1", "Ada", "ada@northwind.example"))})[0]["status"],
            "done");
  EXPECT_FALSE(server.envelope(1)["tls"]);
}

TEST_F(SmtpContract, InviteIsMultipartAlternativeWithTheLink) {
  CaptureServer server(tls_options());
  auto adapter = make(settings_for(server));
  const std::string key = "invite/northwind/rtw/E1/L1";
  auto results =
      push(*adapter, {invite(key, person("E1", "Ada Lovelace", "ada@northwind.example"))});
  ASSERT_EQ(results[0]["status"], "done") << results.dump(2);
  json mail = server.parsed(1);
  EXPECT_EQ(mail["defects"], json::array()) << mail.dump(2);
  EXPECT_EQ(mail["structure"], "multipart/alternative(text/plain,text/html)");
  EXPECT_EQ(header_of(mail, "subject"), "You are invited to Return to work");
  EXPECT_EQ(header_of(mail, "from"), "Northwind Mentoring <mentoring@northwind.example>");
  EXPECT_EQ(header_of(mail, "to"), "Ada Lovelace <ada@northwind.example>");
  EXPECT_EQ(header_of(mail, "mime-version"), "1.0");
  EXPECT_EQ(header_of(mail, "date"), "Tue, 01 Dec 2026 00:00:00 +0000");
  std::string message_id = header_of(mail, "message-id");
  EXPECT_NE(message_id.find("@northwind.example>"), std::string::npos) << message_id;
  EXPECT_NE(results[0]["message"].get<std::string>().find(message_id), std::string::npos);
  const std::string url = "http://127.0.0.1:8640/l/northwind/eyJvIjoibiJ9.c2ln-_x";
  std::string text = part_of(mail, "text/plain")["text"];
  std::string html = part_of(mail, "text/html")["text"];
  for (const auto& body : {text, html}) {
    EXPECT_NE(body.find(url), std::string::npos) << body;
    EXPECT_NE(body.find("2027-01-05"), std::string::npos) << body;
    EXPECT_NE(body.find("2026-12-15"), std::string::npos) << body;
    EXPECT_NE(body.find("Ada Lovelace"), std::string::npos) << body;
  }
  EXPECT_NE(text.find("we would like to invite you.\nA second line."), std::string::npos) << text;
  EXPECT_NE(html.find("href=\"" + url + "\""), std::string::npos) << html;
  EXPECT_LE(mail["max_line"].get<int>(), 78);
}

TEST_F(SmtpContract, CalendarEventGoesToEachAttendeeWithTheIcsAttached) {
  CaptureServer server(tls_options());
  auto adapter = make(settings_for(server));
  json attendees = {person("E1", "Ada", "ada@northwind.example"),
                    person("E9", "Grace", "grace@northwind.example")};
  json request = calendar_event("calendar/northwind/pair-7/0", "REQUEST", attendees);
  auto results = push(*adapter, {request});
  ASSERT_EQ(results[0]["status"], "done") << results.dump(2);
  ASSERT_EQ(server.count(), 2);
  std::set<std::string> recipients;
  std::set<std::string> message_ids;
  for (int n = 1; n <= 2; ++n) {
    json mail = server.parsed(n);
    EXPECT_EQ(mail["defects"], json::array());
    EXPECT_EQ(mail["structure"],
              "multipart/mixed(multipart/alternative(text/plain,text/html),text/calendar)");
    json ics = part_of(mail, "text/calendar");
    EXPECT_EQ(ics["params"]["method"], "REQUEST");
    EXPECT_EQ(ics["disposition"], "attachment");
    EXPECT_EQ(ics["filename"], "invite.ics");
    EXPECT_EQ(ics["text"], request["payload"]["ics"]);
    EXPECT_EQ(header_of(mail, "subject"), "Mentoring session (2026-12-03)");
    EXPECT_NE(part_of(mail, "text/plain")["text"].get<std::string>().find(
                  "2026-12-03 14:00 (Europe/London), 60 minutes"),
              std::string::npos);
    recipients.insert(server.envelope(n)["rcpt_tos"][0]);
    message_ids.insert(header_of(mail, "message-id"));
  }
  EXPECT_EQ(recipients,
            (std::set<std::string>{"ada@northwind.example", "grace@northwind.example"}));
  EXPECT_EQ(message_ids.size(), 2u);
  auto cancel =
      push(*adapter, {calendar_event("calendar/northwind/pair-7/1", "CANCEL", attendees)});
  ASSERT_EQ(cancel[0]["status"], "done");
  json mail = server.parsed(3);
  EXPECT_EQ(part_of(mail, "text/calendar")["params"]["method"], "CANCEL");
  EXPECT_EQ(header_of(mail, "subject"), "Cancelled: Mentoring session (2026-12-03)");
}

// A link acts as the person it names: a pair's event mails each member their
// own link (attendees[].link), never the event's first attendee's.
TEST_F(SmtpContract, EachAttendeeOfAnEventGetsTheirOwnLinkOnly) {
  CaptureServer server(tls_options());
  auto adapter = make(settings_for(server));
  auto link = [](const std::string& token) {
    return json{{"purpose", "pair"}, {"token", token}, {"expires_on", "2027-06-30"}};
  };
  json ada = person("E1", "Ada", "ada@northwind.example");
  json grace = person("E9", "Grace", "grace@northwind.example");
  ada["link"] = link("ada.token");
  grace["link"] = link("grace.token");
  json request =
      calendar_event("calendar/northwind/pair-8/0", "REQUEST", json::array({ada, grace}));
  request["payload"]["link"] = link("ada.token");  // the event's own: its first attendee's
  auto results = push(*adapter, {request});
  ASSERT_EQ(results[0]["status"], "done") << results.dump(2);
  ASSERT_EQ(server.count(), 2);
  for (int n = 1; n <= 2; ++n) {
    json mail = server.parsed(n);
    const std::string to = server.envelope(n)["rcpt_tos"][0];
    const std::string mine = to == "ada@northwind.example" ? "ada.token" : "grace.token";
    const std::string theirs = to == "ada@northwind.example" ? "grace.token" : "ada.token";
    for (const char* type : {"text/plain", "text/html"}) {
      const std::string body = part_of(mail, type)["text"];
      EXPECT_NE(body.find("/l/northwind/" + mine), std::string::npos) << to << "\n" << body;
      EXPECT_EQ(body.find("/l/northwind/" + theirs), std::string::npos) << to << "\n" << body;
    }
  }
}

TEST_F(SmtpContract, AttendeeWithoutAddressFailsNamingThemAndTheOthersGetTheirMailOnce) {
  CaptureServer server(tls_options());
  auto adapter = make(settings_for(server));
  json event = calendar_event(
      "calendar/northwind/pair-7/0", "REQUEST",
      {person("E1", "Ada", "ada@northwind.example"), person("E9", "Grace", nullptr)});
  auto first = push(*adapter, {event});
  EXPECT_EQ(first[0]["status"], "failed");
  EXPECT_NE(first[0]["message"].get<std::string>().find("person E9"), std::string::npos);
  EXPECT_EQ(server.count(), 1);
  push(*adapter, {event});  // the plugin's retry
  EXPECT_EQ(server.count(), 1) << "Ada got her invitation twice";
}

TEST_F(SmtpContract, RepeatIsDuplicateAlsoAfterARestart) {
  CaptureServer server(tls_options());
  json mail = invite("invite/northwind/rtw/E1/L1", person("E1", "Ada", "ada@northwind.example"));
  {
    auto adapter = make(settings_for(server));
    EXPECT_EQ(push(*adapter, {mail})[0]["status"], "done");
    EXPECT_EQ(push(*adapter, {mail})[0]["status"], "duplicate");
  }
  auto restarted = make(settings_for(server));
  auto again = push(*restarted, {mail});
  EXPECT_EQ(again[0]["status"], "duplicate") << again.dump(2);
  EXPECT_EQ(server.count(), 1);
  fs::path ledger = storage_ / "smtp-mail.sent.jsonl";
  ASSERT_TRUE(fs::exists(ledger));
  struct stat info {};
  ASSERT_EQ(::stat(ledger.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  // Only an invitation's line keeps the address (its withdrawal is mailed there).
  EXPECT_NE(slurp(ledger).find("ada@northwind.example"), std::string::npos);
  auto reminded = make(settings_for(server));
  json reminder = action("reminder", "reminder/northwind/rtw/E2/1",
                         {{"to", person("E2", "Bob", "bob@northwind.example")},
                          {"subject", "Please answer"},
                          {"text", "Your invitation waits."}});
  ASSERT_EQ(push(*reminded, {reminder})[0]["status"], "done");
  EXPECT_EQ(slurp(ledger).find("bob@northwind.example"), std::string::npos) << slurp(ledger);
}

TEST_F(SmtpContract, TemporaryFailureThenSuccessOnRetry) {
  auto options = tls_options();
  options.insert(options.end(), {"--fail-rcpt", "ada@northwind.example:451:1"});
  CaptureServer server(options);
  auto adapter = make(settings_for(server));
  json mail = invite("invite/northwind/rtw/E1/L1", person("E1", "Ada", "ada@northwind.example"));
  auto first = push(*adapter, {mail});
  EXPECT_EQ(first[0]["status"], "failed");
  std::string message = first[0]["message"];
  EXPECT_NE(message.find("451"), std::string::npos) << message;
  EXPECT_NE(message.find("injected failure"), std::string::npos) << message;
  EXPECT_EQ(server.count(), 0);
  auto retry = push(*adapter, {mail});
  EXPECT_EQ(retry[0]["status"], "done") << retry.dump(2);
  EXPECT_EQ(server.count(), 1);
}

TEST_F(SmtpContract, PermanentFailureCarriesTheServersWords) {
  auto options = tls_options();
  options.insert(options.end(), {"--fail-rcpt", "gone@northwind.example:550"});
  CaptureServer server(options);
  auto adapter = make(settings_for(server));
  auto results =
      push(*adapter,
           {invite("invite/northwind/rtw/E1/L1", person("E1", "Ada", "gone@northwind.example")),
            invite("invite/northwind/rtw/E2/L2", person("E2", "Bob", "bob@northwind.example"))});
  EXPECT_EQ(results[0]["status"], "failed");
  std::string message = results[0]["message"];
  EXPECT_NE(message.find("550"), std::string::npos) << message;
  EXPECT_NE(message.find("injected failure"), std::string::npos) << message;
  EXPECT_NE(message.find("person E1"), std::string::npos) << message;
  // One refused recipient is no outage: the next mail goes.
  EXPECT_EQ(results[1]["status"], "done");
  EXPECT_EQ(server.count(), 1);
}

TEST_F(SmtpContract, UnreachableServerFails) {
  int port = 0;
  {
    CaptureServer gone({});
    port = std::stoi(gone.url().substr(gone.url().rfind(':') + 1));
  }
  json settings = {{"server", "smtp://127.0.0.1:" + std::to_string(port)},
                   {"from", {{"address", "mentoring@northwind.example"}}},
                   {"timeout_seconds", 5}};
  auto adapter = make(settings);
  auto results =
      push(*adapter,
           {invite("invite/northwind/rtw/E1/L1", person("E1", "Ada", "ada@northwind.example"))});
  EXPECT_EQ(results[0]["status"], "failed");
  EXPECT_NE(results[0]["message"].get<std::string>().find("cannot reach"), std::string::npos)
      << results[0]["message"];
  json check = json::parse(adapter->call("check", "{}"));
  EXPECT_FALSE(check["ok"]);
  EXPECT_FALSE(check["capabilities"][0]["reachable"]);
}

TEST_F(SmtpContract, NoEmailAddressFailsNamingThePerson) {
  CaptureServer server(tls_options());
  auto adapter = make(settings_for(server));
  auto results =
      push(*adapter, {invite("invite/northwind/rtw/E7/L1", person("E7", "Ida", nullptr))});
  EXPECT_EQ(results[0]["status"], "failed");
  std::string message = results[0]["message"];
  EXPECT_NE(message.find("no e-mail address for person E7"), std::string::npos) << message;
  EXPECT_EQ(server.count(), 0);
  json task = action("task", "task/northwind/rtw/decide/1",
                     {{"to", {{"role", "programme_manager"}, {"email", nullptr}}},
                      {"subject", "Decide"},
                      {"text", "Please decide."}});
  auto task_result = push(*adapter, {task});
  EXPECT_EQ(task_result[0]["status"], "failed");
  EXPECT_NE(task_result[0]["message"].get<std::string>().find("policy.programme_manager_email"),
            std::string::npos);
}

TEST_F(SmtpContract, TaskGoesToTheProgrammeManagerByRole) {
  CaptureServer server(tls_options());
  auto adapter = make(settings_for(server));
  json task = action("task", "task/northwind/rtw/decide/1",
                     {{"to", {{"role", "programme_manager"}, {"email", "pm@northwind.example"}}},
                      {"subject", "Decide on Ada's pairing"},
                      {"text", "Two mentors fit <equally>; please decide & tell them."}});
  ASSERT_EQ(push(*adapter, {task})[0]["status"], "done");
  json mail = server.parsed(1);
  EXPECT_EQ(header_of(mail, "to"), "Programme manager <pm@northwind.example>");
  EXPECT_EQ(header_of(mail, "subject"), "Decide on Ada's pairing");
  std::string html = part_of(mail, "text/html")["text"];
  EXPECT_NE(html.find("Two mentors fit &lt;equally&gt;; please decide &amp; tell them."),
            std::string::npos)
      << html;
  EXPECT_NE(part_of(mail, "text/plain")["text"].get<std::string>().find(
                "Two mentors fit <equally>; please decide & tell them."),
            std::string::npos);
}

TEST_F(SmtpContract, NamesAndSubjectsCannotAddHeaders) {
  CaptureServer server(tls_options());
  auto adapter = make(settings_for(server));
  json mail = invite("invite/northwind/rtw/E1/L1",
                     person("E1", "Eve\r\nBcc: victim@evil.example", "eve@northwind.example"));
  mail["payload"]["subject"] =
      "Hello\r\nX-Injected: yes\n\nbody? Ünïcødé – ✓ " + std::string(80, 'x');
  auto results = push(*adapter, {mail});
  ASSERT_EQ(results[0]["status"], "done") << results.dump(2);
  json parsed = server.parsed(1);
  EXPECT_EQ(parsed["defects"], json::array()) << parsed.dump(2);
  EXPECT_FALSE(parsed["headers"].contains("bcc")) << parsed["raw_headers"];
  EXPECT_FALSE(parsed["headers"].contains("x-injected")) << parsed["raw_headers"];
  EXPECT_EQ(parsed["headers"]["to"].size(), 1u);
  EXPECT_EQ(server.envelope(1)["rcpt_tos"], json::array({"eve@northwind.example"}));
  EXPECT_EQ(header_of(parsed, "subject"),
            "Hello X-Injected: yes body? Ünïcødé – ✓ " + std::string(80, 'x'));
  EXPECT_LE(parsed["max_line"].get<int>(), 78) << parsed["raw_headers"];
  // An address with a line break is refused, not sent.
  json bad = invite("invite/northwind/rtw/E2/L2",
                    person("E2", "Bob", "bob@northwind.example\r\nRCPT TO:<x@evil.example>"));
  auto refused = push(*adapter, {bad});
  EXPECT_EQ(refused[0]["status"], "failed");
  EXPECT_EQ(server.count(), 1);
}

TEST_F(SmtpContract, WithdrawalReachesWhoeverWasInvited) {
  CaptureServer server(tls_options());
  auto adapter = make(settings_for(server));
  const std::string key = "invite/northwind/rtw/E1/L1";
  ASSERT_EQ(
      push(*adapter, {invite(key, person("E1", "Ada", "ada@northwind.example"))})[0]["status"],
      "done");
  json withdraw = action("withdraw_invitation", "withdraw/northwind/rtw/E1/L1",
                         {{"reason", "the leave was cancelled"},
                          {"programme", {{"id", "return-to-work"}, {"name", "Return to work"}}},
                          {"invitation_key", key}});
  auto results = push(*adapter, {withdraw});
  ASSERT_EQ(results[0]["status"], "done") << results.dump(2);
  json mail = server.parsed(2);
  EXPECT_EQ(server.envelope(2)["rcpt_tos"], json::array({"ada@northwind.example"}));
  EXPECT_EQ(header_of(mail, "in-reply-to"), header_of(server.parsed(1), "message-id"));
  EXPECT_EQ(header_of(mail, "subject"), "Invitation withdrawn: Return to work");
  EXPECT_NE(part_of(mail, "text/plain")["text"].get<std::string>().find("the leave was cancelled"),
            std::string::npos);
  json unknown = withdraw;
  unknown["idempotency_key"] = "withdraw/northwind/rtw/E5/L5";
  unknown["person_id"] = "E5";
  unknown["payload"]["invitation_key"] = "invite/northwind/rtw/E5/L5";
  auto missing = push(*adapter, {unknown});
  EXPECT_EQ(missing[0]["status"], "failed");
  EXPECT_NE(missing[0]["message"].get<std::string>().find("person E5"), std::string::npos);
}

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

TEST_F(SmtpContract, TemplatesAreOverriddenPerProgramme) {
  CaptureServer server(tls_options());
  write(base_ / "mail" / "return-to-work" / "invite.subject.mustache",
        "Welcome back, {{to.name}}: {{programme.name}}");
  write(base_ / "mail" / "default" / "invite.subject.mustache", "Invitation ({{programme.id}})");
  write(base_ / "mail" / "default" / "invite.txt.mustache",
        "Hello {{to.name}}, answer by {{respond_by}}.{{#link}} {{url}}{{/link}}");
  auto adapter = make(settings_for(server, {{"templates", "mail"}}));
  auto results =
      push(*adapter, {invite("invite/northwind/rtw/E1/L1",
                             person("E1", "Ada", "ada@northwind.example"), "return-to-work"),
                      invite("invite/northwind/circles/E2/L2",
                             person("E2", "Bob", "bob@northwind.example"), "circles")});
  ASSERT_EQ(results[0]["status"], "done") << results.dump(2);
  ASSERT_EQ(results[1]["status"], "done") << results.dump(2);
  EXPECT_EQ(header_of(server.parsed(1), "subject"), "Welcome back, Ada: Return to work");
  EXPECT_EQ(header_of(server.parsed(2), "subject"), "Invitation (circles)");
  EXPECT_EQ(
      part_of(server.parsed(2), "text/plain")["text"],
      "Hello Bob, answer by 2026-12-15. http://127.0.0.1:8640/l/northwind/eyJvIjoibiJ9.c2ln-_x");
  // The HTML part was not overridden: the embedded one.
  EXPECT_NE(
      part_of(server.parsed(2), "text/html")["text"].get<std::string>().find("<!DOCTYPE html>"),
      std::string::npos);
}

std::string create_error(const std::function<void()>& create) {
  try {
    create();
  } catch (const mentoring::Error& e) {
    EXPECT_EQ(e.status(), MENTORING_ERR_INVALID_INPUT);
    return e.what();
  }
  ADD_FAILURE() << "created without an error";
  return "";
}

TEST_F(SmtpContract, ATagNamingAVariableItsKindLacksIsAConfigErrorAtCreate) {
  CaptureServer server(tls_options());
  fs::path file = base_ / "mail" / "default" / "reminder.txt.mustache";
  write(file, "Dear {{to.name}}, please answer by {{respond_by}}.");
  std::string message = create_error([&] { make(settings_for(server, {{"templates", "mail"}})); });
  EXPECT_NE(message.find(file.string()), std::string::npos) << message;
  EXPECT_NE(message.find("tag {{respond_by}}"), std::string::npos) << message;
  EXPECT_NE(message.find("reminder mails have: "), std::string::npos) << message;
  EXPECT_NE(message.find("to.name"), std::string::npos) << message;
  EXPECT_NE(message.find("due_by (optional)"), std::string::npos) << message;

  // An optional variable outside its section would be blank when absent.
  write(file, "Dear {{to.name}}: {{link.url}}");
  message = create_error([&] { make(settings_for(server, {{"templates", "mail"}})); });
  EXPECT_NE(message.find("tag {{link.url}}"), std::string::npos) << message;
  EXPECT_NE(message.find("{{#link}}"), std::string::npos) << message;

  // A bare section name prints nothing.
  write(file, "Dear {{to.name}}: {{due_by}}");
  message = create_error([&] { make(settings_for(server, {{"templates", "mail"}})); });
  EXPECT_NE(message.find("tag {{due_by}}"), std::string::npos) << message;

  // Broken syntax and unknown files are named too.
  write(file, "Dear {{#to}}{{name}}");
  message = create_error([&] { make(settings_for(server, {{"templates", "mail"}})); });
  EXPECT_NE(message.find("not a valid mustache template"), std::string::npos) << message;
  fs::remove(file);
  write(base_ / "mail" / "default" / "invitation.txt.mustache", "Hi");
  message = create_error([&] { make(settings_for(server, {{"templates", "mail"}})); });
  EXPECT_NE(message.find("invitation.txt.mustache: found a file no mail uses"), std::string::npos)
      << message;
  fs::remove(base_ / "mail" / "default" / "invitation.txt.mustache");

  // Optional variables inside their sections are fine.
  write(file, "Dear {{to.name}}{{#due_by}}, due {{due_by}}{{/due_by}}{{#link}} {{url}}{{/link}}");
  EXPECT_NO_THROW(make(settings_for(server, {{"templates", "mail"}})));
}

TEST_F(SmtpContract, LogoIsEmbeddedInlineAndReferencedByCid) {
  CaptureServer server(tls_options());
  // A 1x1 PNG.
  const unsigned char png[] = {
      0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48,
      0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00,
      0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78,
      0x9C, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00,
      0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82};
  std::ofstream(base_ / "logo.png", std::ios::binary)
      .write(reinterpret_cast<const char*>(png), sizeof png);
  auto adapter = make(settings_for(server, {{"logo", "logo.png"}}));
  ASSERT_EQ(push(*adapter, {invite("invite/northwind/rtw/E1/L1",
                                   person("E1", "Ada", "ada@northwind.example"))})[0]["status"],
            "done");
  json mail = server.parsed(1);
  EXPECT_EQ(mail["structure"],
            "multipart/related(multipart/alternative(text/plain,text/html),image/png)");
  json logo = part_of(mail, "image/png");
  EXPECT_EQ(logo["bytes"], sizeof png);
  EXPECT_EQ(logo["disposition"], "inline");
  std::string cid = logo["content_id"];
  ASSERT_GT(cid.size(), 2u);
  std::string html = part_of(mail, "text/html")["text"];
  EXPECT_NE(html.find("src=\"cid:" + cid.substr(1, cid.size() - 2) + "\""), std::string::npos)
      << html;
}

TEST_F(SmtpContract, TheModuleLoadsAndRefusesUnknownCommands) {
  CaptureServer server(tls_options());
  auto adapter = make(settings_for(server));
  try {
    adapter->call("pull", R"({"stream":"people","cursor":null})");
    ADD_FAILURE() << "pull answered";
  } catch (const mentoring::Error& e) {
    EXPECT_EQ(e.status(), MENTORING_ERR_UNKNOWN_COMMAND);
  }
  json other = invite("invite/riverside/rtw/E1/L1", person("E1", "Ada", "ada@northwind.example"));
  other["organisation"] = "riverside";
  EXPECT_EQ(push(*adapter, {other})[0]["status"], "failed");
  auto only_invites = make(settings_for(server, {{"action_types", {"invite"}}}));
  json task = action("task", "task/northwind/rtw/decide/1",
                     {{"to", {{"role", "programme_manager"}, {"email", "pm@northwind.example"}}},
                      {"subject", "Decide"},
                      {"text", "Please decide."}});
  EXPECT_EQ(push(*only_invites, {task})[0]["status"], "not_handled");
  EXPECT_EQ(server.count(), 0);
}

}  // namespace
}  // namespace smtp_test
