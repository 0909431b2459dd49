#include "smtp_adapter/smtp_adapter.hpp"

#include "ledger.hpp"
#include "mime.hpp"
#include "templates.hpp"
#include "transport.hpp"
#include "view.hpp"

#include <mentoring/module.hpp>
#include <mentoring/schema.hpp>
#include <rest_common/adapter_config.hpp>
#include <rest_common/check.hpp>

#include <openssl/sha.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <variant>

namespace mentoring::adapters::smtp {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr std::size_t kMaxActionsPerPush = 10000;
constexpr std::size_t kMaxLogoBytes = 512 * 1024;
constexpr std::size_t kMaxSubjectBytes = 500;
constexpr std::size_t kMaxTokenLength = 400;

std::string hex_sha256(std::string_view text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char byte : digest) {
    out += kHex[byte >> 4];
    out += kHex[byte & 15];
  }
  return out;
}

bool is_token(const std::string& token) {
  if (token.empty() || token.size() > kMaxTokenLength) return false;
  return std::all_of(token.begin(), token.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
  });
}

std::string resolved(const std::string& base_dir, const std::string& path) {
  if (path.empty() || fs::path(path).is_absolute() || base_dir.empty()) return path;
  return (fs::path(base_dir) / path).string();
}

// One mail of an action: to whom, and under which ledger key.
struct Mail {
  std::string ledger_key;
  Recipient to;
};

// The mails of an action, and the attendees of a calendar event who cannot
// be mailed (no address): the others are still mailed, the action fails.
struct MailPlan {
  std::vector<Mail> mails;
  std::vector<std::string> unaddressed;  // why, per attendee
};

}  // namespace

struct SmtpAdapter::State {
  Services services;
  std::string organisation, name, base_dir;
  json settings;
  ViewContext view_context;
  std::unique_ptr<TemplateLibrary> templates;
  std::unique_ptr<Ledger> ledger;
  TransportSettings transport_settings;
  std::unique_ptr<SmtpTransport> transport;
  std::optional<std::string> missing_secret;  // why AUTH cannot happen, when configured
  std::string logo_bytes, logo_type, logo_cid;
  std::set<std::string> types;
  std::size_t max_message_bytes = 10485760;
  std::size_t max_attendees = 200;

  std::string from_address() const { return settings["from"]["address"]; }
  std::string from_domain() const {
    std::string address = from_address();
    return address.substr(address.rfind('@') + 1);
  }

  // ------------------------------------------------------------------ message
  std::string build(const json& action, const Mail& mail, std::string& message_id) const {
    const std::string kind = action["type"];
    const json& payload = action["payload"];
    json view = view_of(action, mail.to, view_context);
    std::string programme_id;
    if (payload.contains("programme") && payload["programme"].is_object())
      programme_id = payload["programme"].value("id", "");
    else if (action.value("programme_id", json()).is_string())
      programme_id = action["programme_id"];
    Rendered rendered = templates->render(kind, programme_id, view);
    std::string subject = mime::one_line(rendered.subject);
    if (subject.empty()) throw std::runtime_error("the subject template rendered nothing");
    if (subject.size() > kMaxSubjectBytes) {
      std::size_t cut = kMaxSubjectBytes;
      while (cut > 0 && (static_cast<unsigned char>(subject[cut]) & 0xC0) == 0x80) --cut;
      subject.resize(cut);
    }
    std::string hash = hex_sha256(mail.ledger_key);
    message_id = "<" + hash.substr(0, 40) + "@" + from_domain() + ">";
    std::string boundary = "=_mentoring_" + hash.substr(40, 16);

    mime::Part body =
        mime::Part::multipart("alternative",
                              {mime::Part::leaf("text/plain; charset=utf-8", rendered.text),
                               mime::Part::leaf("text/html; charset=utf-8", rendered.html)},
                              boundary + "_alt");
    if (!logo_bytes.empty()) {
      mime::Part logo = mime::Part::leaf(logo_type, logo_bytes);
      logo.headers.emplace_back("Content-ID", "<" + logo_cid + ">");
      logo.headers.emplace_back("Content-Disposition", "inline; filename=\"logo\"");
      body =
          mime::Part::multipart("related", {std::move(body), std::move(logo)}, boundary + "_rel");
      body.headers.front().second += "; type=\"multipart/alternative\"";
    }
    if (kind == "calendar_event" && payload.contains("ics")) {
      std::string method = payload["method"];  // REQUEST or CANCEL (schema enum)
      mime::Part ics = mime::Part::leaf(
          "text/calendar; charset=utf-8; method=" + method + "; name=\"invite.ics\"",
          payload["ics"].get<std::string>());
      ics.headers.emplace_back("Content-Disposition", "attachment; filename=\"invite.ics\"");
      body = mime::Part::multipart("mixed", {std::move(body), std::move(ics)}, boundary + "_mix");
    }
    std::string headers;
    headers +=
        mime::header("From", mime::mailbox(settings["from"].value("name", ""), from_address()));
    headers += mime::header("To", mime::mailbox(mail.to.name, mail.to.address));
    headers += mime::header("Subject", mime::encoded_words(subject));
    headers += mime::header("Date", mime::rfc5322_date(services.now_unix_ms()));
    headers += mime::header("Message-ID", message_id);
    if (kind == "withdraw_invitation") {
      if (const LedgerEntry* invite = ledger->find(payload["invitation_key"]);
          invite != nullptr && !invite->message_id.empty()) {
        headers += mime::header("In-Reply-To", invite->message_id);
        headers += mime::header("References", invite->message_id);
      }
    }
    headers += mime::header("Auto-Submitted", "auto-generated");
    headers += mime::header("MIME-Version", "1.0");
    return headers + body.serialise();
  }

  // --------------------------------------------------------------- recipients
  // The mails of an action, or the reason it has none to send.
  std::variant<MailPlan, std::string> mails_of(const json& action) const {
    const std::string kind = action["type"];
    const std::string key = action["idempotency_key"];
    const json& payload = action["payload"];
    auto person = [&](const json& who, const std::string& fallback_name,
                      const std::string& ledger_key) -> std::variant<Mail, std::string> {
      std::string id = who.value("person_id", "");
      std::string name = who.value("name", "");
      std::string named = id.empty() ? fallback_name : "person " + id;
      if (!who.contains("email") || who["email"].is_null()) {
        return "no e-mail address for " + named + (name.empty() ? "" : " (" + name + ")") +
               ": the HR system has none; add it there (or deliver " + kind +
               " through another adapter)";
      }
      std::string address = who["email"];
      if (!mime::valid_address(address)) {
        return "the e-mail address of " + named + ": found " + schema::describe(json(address)) +
               "; expected one address local@domain";
      }
      return Mail{ledger_key,
                  {id, name.empty() ? (id.empty() ? fallback_name : id) : name, address}};
    };
    MailPlan plan;
    std::vector<Mail>& mails = plan.mails;
    auto add = [&](std::variant<Mail, std::string> one) -> std::optional<std::string> {
      if (auto* problem = std::get_if<std::string>(&one)) return *problem;
      mails.push_back(std::get<Mail>(one));
      return std::nullopt;
    };
    if (kind == "invite" || kind == "reminder" || kind == "notify") {
      if (auto problem = add(person(payload["to"], "", key))) return *problem;
    } else if (kind == "task") {
      const json& to = payload["to"];
      std::string role =
          to["role"] == "line_manager" ? "the line manager" : "the programme manager";
      if (to.contains("person_id")) role += " (person " + to["person_id"].get<std::string>() + ")";
      json who = to;
      who.erase("person_id");  // a task names its reader by role
      auto one = person(who, role, key);
      if (auto* problem = std::get_if<std::string>(&one)) {
        if (to["role"] == "programme_manager" && (to["email"].is_null()))
          return "no e-mail address for the programme manager: set "
                 "policy.programme_manager_email in the organisation config";
        return *problem;
      }
      Mail mail = std::get<Mail>(one);
      mail.to.person_id = to.value("person_id", "");
      if (!to.contains("name"))  // greeted by role, never by an id
        mail.to.name = to["role"] == "line_manager" ? "Line manager" : "Programme manager";
      mails.push_back(mail);
    } else if (kind == "withdraw_invitation") {
      const LedgerEntry* invite = ledger->find(payload["invitation_key"]);
      std::string person_id = action.value("person_id", json()).is_string()
                                  ? action["person_id"].get<std::string>()
                                  : std::string("?");
      if (invite == nullptr) {
        return "no e-mail address for person " + person_id + ": the invitation " +
               payload["invitation_key"].get<std::string>() + " was not mailed by this adapter (" +
               name + "), so it does not know whom to tell of its withdrawal";
      }
      mails.push_back({key, {invite->person_id, invite->name, invite->address}});
    } else if (kind == "calendar_event") {
      const json& attendees = payload["attendees"];
      if (attendees.size() > max_attendees) {
        return "limit max_attendees = " + std::to_string(max_attendees) + ": found " +
               std::to_string(attendees.size()) + " attendees";
      }
      for (const auto& attendee : attendees) {
        auto one = person(attendee, "", key + " " + attendee.value("person_id", ""));
        if (auto* problem = std::get_if<std::string>(&one)) {
          plan.unaddressed.push_back(*problem);
        } else {
          mails.push_back(std::get<Mail>(one));
        }
      }
    }
    return plan;
  }

  // --------------------------------------------------------------------- push
  json push_one(const json& action, std::size_t index, std::optional<std::string>& outage) {
    std::string key = action.is_object() && action.value("idempotency_key", json()).is_string()
                          ? action["idempotency_key"].get<std::string>()
                          : "";
    auto result = [&](const std::string& status, const std::string& message) {
      return json{{"idempotency_key", key}, {"status", status}, {"message", message}};
    };
    auto problems = schema::validate("action", action, "actions/" + std::to_string(index));
    if (!problems.empty()) return result("failed", problems.front().message());
    if (action["organisation"] != organisation) {
      return result("failed", "actions/" + std::to_string(index) + "/organisation: found \"" +
                                  action["organisation"].get<std::string>() + "\"; expected \"" +
                                  organisation + "\" (this adapter's)");
    }
    const std::string kind = action["type"];
    if (!types.contains(kind)) {
      return result(
          "not_handled", name + " mails only " + [&] {
            std::string all;
            for (const auto& t : types) all += (all.empty() ? "" : ", ") + t;
            return all;
          }() + " (settings action_types)");
    }
    const json& payload = action["payload"];
    if (payload.contains("link")) {
      const json& link = payload["link"];
      if (!link.is_object() || !link.value("token", json()).is_string() ||
          !is_token(link["token"])) {
        return result("failed",
                      kind + " " + key + ": /payload/link/token: found " +
                          schema::describe(link.is_object() ? link.value("token", json()) : link) +
                          "; expected 1 to 400 characters of A-Z a-z 0-9 _ . -");
      }
    }
    auto planned = mails_of(action);
    if (auto* problem = std::get_if<std::string>(&planned)) {
      return result("failed", *problem);
    }
    const MailPlan& plan = std::get<MailPlan>(planned);
    std::vector<std::string> failures = plan.unaddressed, sent;
    std::size_t duplicates = 0;
    for (const Mail& mail : plan.mails) {
      std::string who = mail.to.person_id.empty() ? mail.to.name : "person " + mail.to.person_id;
      if (ledger->find(mail.ledger_key) != nullptr) {
        ++duplicates;
        continue;
      }
      if (outage) {
        failures.push_back("to " + who + ": not tried: " + *outage);
        continue;
      }
      std::string message_id, message;
      try {
        message = build(action, mail, message_id);
      } catch (const std::exception& e) {
        failures.push_back("to " + who + ": the mail could not be made: " + e.what());
        continue;
      }
      if (message.size() > max_message_bytes) {
        failures.push_back("to " + who +
                           ": limit max_message_bytes = " + std::to_string(max_message_bytes) +
                           ": found a message of " + std::to_string(message.size()) + " bytes");
        continue;
      }
      SendOutcome outcome = transport->send(from_address(), mail.to.address, message);
      if (outcome.kind != SendOutcome::Kind::accepted) {
        failures.push_back("to " + who + ": " + outcome.words);
        if (outcome.is_outage()) outage = outcome.words;
        continue;
      }
      try {
        // Only an invitation's recipient is kept (a withdrawal is mailed to
        // them); other lines hold no personal data beyond the key.
        bool keep_recipient = kind == "invite";
        ledger->record({mail.ledger_key, keep_recipient ? mail.to.person_id : "",
                        keep_recipient ? mail.to.address : "", keep_recipient ? mail.to.name : "",
                        mime::rfc5322_date(services.now_unix_ms()), message_id});
      } catch (const std::exception& e) {
        // Sent, but a restart would send it again: say so rather than "done".
        failures.push_back("to " + who + ": sent (" + message_id +
                           "), but not recorded, so it may be sent again: " + e.what());
        continue;
      }
      sent.push_back(who + " " + message_id);
    }
    if (!failures.empty()) {
      std::string all;
      for (const auto& f : failures) all += (all.empty() ? "" : "; ") + f;
      if (!sent.empty()) all += " (sent to the others: " + std::to_string(sent.size()) + ")";
      return result("failed", all);
    }
    if (sent.empty()) return result("duplicate", "already mailed (ledger " + ledger->path() + ")");
    std::string list;
    for (const auto& s : sent) list += (list.empty() ? "" : ", ") + s;
    std::string note = payload.contains("link") && view_context.links_base_url.empty()
                           ? " (its link left out: no links_base_url in settings)"
                           : "";
    std::string before =
        duplicates > 0 ? " (" + std::to_string(duplicates) + " other(s) mailed before)" : "";
    return result("done", "mailed to " + list + before + note);
  }

  json push(const json& input) {
    if (!input.is_object() || !input.contains("actions") || !input["actions"].is_array()) {
      throw Error(MENTORING_ERR_INVALID_INPUT,
                  name + " push: /actions: expected an array of actions");
    }
    if (input["actions"].size() > kMaxActionsPerPush) {
      throw Error(MENTORING_ERR_INVALID_INPUT,
                  name + " push: /actions: limit " + std::to_string(kMaxActionsPerPush) +
                      " actions per push: found " + std::to_string(input["actions"].size()));
    }
    std::optional<std::string> outage = missing_secret;
    json results = json::array();
    std::size_t index = 0;
    for (const auto& action : input["actions"])
      results.push_back(push_one(action, index++, outage));
    return {{"results", results}};
  }

  json check() {
    // One probe (connect, STARTTLS, AUTH, NOOP) answers for every capability.
    rest::CapabilityCheck line{"", true, false, false, false, ""};
    if (missing_secret) {
      line.reachable = true;
      line.message = *missing_secret;
    } else {
      SendOutcome probe = transport->probe();
      line.reachable =
          probe.kind != SendOutcome::Kind::unreachable && probe.kind != SendOutcome::Kind::tls;
      line.authenticated = line.reachable && probe.kind != SendOutcome::Kind::refused_auth;
      line.permitted = probe.kind == SendOutcome::Kind::accepted;
      line.message =
          transport_settings.server + ": " +
          (line.permitted ? std::string(transport_settings.starttls_required ? "STARTTLS, " : "") +
                                (transport_settings.username ? "AUTH accepted, " : "") +
                                "NOOP answered " + std::to_string(probe.code)
                          : probe.words);
    }
    std::vector<rest::CapabilityCheck> checks;
    for (const char* capability : {"write_actions", "create_task", "create_calendar_event"}) {
      line.name = capability;
      checks.push_back(line);
    }
    return rest::check_answer(checks);
  }
};

SmtpAdapter::SmtpAdapter(std::string_view config_json, Services services)
    : state_(std::make_unique<State>()) {
  State& s = *state_;
  s.services = std::move(services);
  static const json schema_doc = json::parse(settings_schema_text());
  rest::AdapterConfig config = rest::parse_adapter_config(config_json, "smtp", schema_doc);
  s.organisation = config.organisation;
  s.name = config.name;
  s.base_dir = config.base_dir;
  s.settings = std::move(config.settings);
  const json& settings = s.settings;
  std::string where = "adapter \"" + s.name + "\" of " + s.organisation + " settings";
  auto bad = [&](const std::string& pointer, const std::string& found,
                 const std::string& expected) {
    throw Error(MENTORING_ERR_INVALID_INPUT,
                where + ": " + pointer + ": found " + found + "; expected " + expected);
  };
  if (!mime::valid_address(settings["from"]["address"].get<std::string>()))
    bad("/from/address", schema::describe(settings["from"]["address"]), "one address local@domain");
  for (const auto& t : settings.value("action_types", json(kMailKinds)))
    s.types.insert(t.get<std::string>());
  if (s.types.empty()) bad("/action_types", "[]", "at least one action type");
  s.max_message_bytes = settings.value("max_message_bytes", s.max_message_bytes);
  s.max_attendees = settings.value("max_attendees", s.max_attendees);

  // Transport: STARTTLS unless told otherwise; credentials from the host's secrets.
  TransportSettings& t = s.transport_settings;
  t.server = settings["server"];
  t.starttls_required = settings.value("starttls", std::string("required")) == "required";
  t.timeout_seconds = settings.value("timeout_seconds", 30L);
  if (settings.contains("ca_bundle")) t.ca_bundle = resolved(s.base_dir, settings["ca_bundle"]);
  if (settings.contains("username_secret") != settings.contains("password_secret")) {
    bad(settings.contains("username_secret") ? "/username_secret" : "/password_secret",
        "one of username_secret and password_secret",
        "both (AUTH needs a user name and a password)");
  }
  if (settings.contains("username_secret")) {
    for (const char* field : {"username_secret", "password_secret"}) {
      std::string secret = settings[field];
      auto value = s.services.secret(secret);
      if (!value) {
        s.missing_secret =
            "no SMTP " +
            std::string(field == std::string("username_secret") ? "user name" : "password") +
            ": the host has no secret named " + secret + " (set MENTORING_SECRET_" + secret +
            " or add it to the secrets file)";
        break;
      }
      (field == std::string("username_secret") ? t.username : t.password) = *value;
    }
  }
  if (!t.starttls_required && t.username && t.server.rfind("smtps://", 0) != 0) {
    s.services.warn(where +
                    ": starttls \"none\" with AUTH sends the password in clear text; use "
                    "it only with a relay on this machine");
  }
  s.transport = std::make_unique<SmtpTransport>(t);

  // What templates see; the logo is read once and embedded in every mail.
  s.view_context.organisation = s.organisation;
  s.view_context.from_address = settings["from"]["address"];
  s.view_context.from_name = settings["from"].value("name", "");
  s.view_context.links_base_url = settings.value("links_base_url", "");
  if (settings.contains("logo")) {
    fs::path logo = resolved(s.base_dir, settings["logo"]);
    std::string extension = logo.extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(), ::tolower);
    if (extension == ".png")
      s.logo_type = "image/png";
    else if (extension == ".jpg" || extension == ".jpeg")
      s.logo_type = "image/jpeg";
    else if (extension == ".gif")
      s.logo_type = "image/gif";
    else
      bad("/logo", "\"" + logo.string() + "\"", "a .png, .jpg or .gif file");
    std::error_code ec;
    auto size = fs::file_size(logo, ec);
    if (ec)
      bad("/logo", "\"" + logo.string() + "\" (" + ec.message() + ")", "a readable image file");
    if (size > kMaxLogoBytes)
      bad("/logo", std::to_string(size) + " bytes", "at most " + std::to_string(kMaxLogoBytes));
    std::ifstream in(logo, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    s.logo_bytes = bytes.str();
    s.logo_cid = "logo." + hex_sha256(s.logo_bytes).substr(0, 16) + "@" + s.from_domain();
    s.view_context.logo_src = "cid:" + s.logo_cid;
  }
  std::string folder =
      settings.contains("templates") ? resolved(s.base_dir, settings["templates"]) : "";
  try {
    s.templates = std::make_unique<TemplateLibrary>(folder, s.view_context);
  } catch (const Error& e) {
    throw Error(e.status(), where + ": " + e.what());
  }

  // The ledger of sent mails lives in the organisation's storage folder.
  std::string storage = s.services.storage_directory ? s.services.storage_directory() : "";
  std::string ledger_path;
  if (!storage.empty()) {
    std::string file = s.name;
    for (char& c : file)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') c = '_';
    ledger_path = (fs::path(storage) / ("smtp-" + file + ".sent.jsonl")).string();
  } else {
    s.services.warn(where +
                    ": the host offers no storage folder: mails sent are remembered "
                    "only until the adapter stops, so a restart may send one again");
  }
  try {
    s.ledger = std::make_unique<Ledger>(ledger_path);
  } catch (const std::exception& e) {
    throw Error(MENTORING_ERR_UNAVAILABLE, where + ": " + e.what());
  }
}

SmtpAdapter::~SmtpAdapter() = default;

std::string SmtpAdapter::call(std::string_view command, std::string_view input_text) {
  State& s = *state_;
  json input = input_text.empty() ? json::object()
                                  : schema::parse(input_text, s.name + " " + std::string(command));
  if (command == "check") return s.check().dump();
  if (command == "push") return s.push(input).dump();
  throw Error(MENTORING_ERR_UNKNOWN_COMMAND, "smtp adapter: unknown command \"" +
                                                 std::string(command) +
                                                 "\"; expected one of: check, push");
}

}  // namespace mentoring::adapters::smtp
