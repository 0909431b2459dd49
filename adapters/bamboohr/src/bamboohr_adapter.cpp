#include "bamboohr_adapter/bamboohr_adapter.hpp"

#include "people.hpp"
#include "training.hpp"
#include "write_back.hpp"

#include <mentoring/schema.hpp>
#include <rest_common/adapter_config.hpp>
#include <rest_common/check.hpp>
#include <rest_common/crypto.hpp>
#include <rest_common/mapping.hpp>
#include <rest_common/pagination.hpp>
#include <rest_common/pull_page.hpp>
#include <webhooks/webhooks.hpp>

#include <algorithm>
#include <chrono>
#include <optional>

namespace mentoring::adapters::bamboohr {

using nlohmann::json;
using rest::PullPage;
using rest::RecordProblem;
namespace webhooks = mentoring::serve::webhooks;

namespace {

constexpr const char* kAdapter = "bamboohr";

// BambooHR's time-off statuses -> ours. "superceded" is how part of the API
// spells it; a superseded request was replaced by an edited one, which
// carries on, so this one no longer stands.
std::optional<std::string> leave_status(const std::string& theirs) {
  std::string s = rest::lower_trimmed(theirs);
  if (s == "approved") return "approved";
  if (s == "requested") return "requested";
  if (s == "denied" || s == "declined") return "denied";
  if (s == "canceled" || s == "cancelled" || s == "superseded" || s == "superceded")
    return "cancelled";
  return std::nullopt;
}

// An id from a number only when whole, not negative and within 64 bits (a
// fraction, -3 or 1e30 is no id: never a rounded or wrapped one).
std::optional<std::string> as_text(rest::JsonValue value) {
  if (value.is_string()) return std::string(value.string());
  if (auto number = value.integer(); number && *number >= 0) return std::to_string(*number);
  return std::nullopt;
}

}  // namespace

struct BambooHrAdapter::State {
  Services services;
  std::string organisation, name, system;
  json settings;
  std::unique_ptr<rest::RestClient> api;
  std::string api_key_secret = "BAMBOOHR_API_KEY";
  std::string webhook_key_secret = "BAMBOOHR_WEBHOOK_KEY";
  webhooks::ReplayCache seen_webhooks{10'000};     // deliveries accepted by this instance
  std::optional<std::string> missing_key_message;  // set when the credential's secret is missing
  rest::LeaveTypeMap leave_types;
  std::unique_ptr<Connection> connection;
  std::unique_ptr<PeopleStream> people;        // set when settings have "people"
  std::unique_ptr<TrainingStream> training;    // set when settings have "training"
  std::unique_ptr<TableWriteBack> write_back;  // set when settings have "write_back"

  std::string today() const { return rest::date_from_unix(services.now_unix_ms() / 1000); }

  void require_key() const {
    if (missing_key_message)
      throw rest::RestError(rest::Failure::unauthenticated, *missing_key_message);
  }

  // ------------------------------------------------------------------- leave
  void map_leave(rest::JsonValue item, long long row, const std::string& source,
                 const std::string& window_start, bool first_window, PullPage& page) const {
    // A problem of this request quarantines it (under its id when it has
    // one); the rest of the window is taken.
    // The record as sent, for a quarantine entry: built only then (a DOM per
    // record would cost the large sync its speed).
    auto raw = [&item] { return item.to_json(); };
    auto id = item.is_object() ? as_text(item["id"]) : std::nullopt;
    auto problem = [&](const std::string& field, const std::string& pointer, rest::JsonValue found,
                       const std::string& expected) {
      page.quarantine({source, row, field, pointer, schema::describe(found.to_json()), expected},
                      id, raw());
    };
    if (!item.is_object()) {
      page.quarantine(
          {source, row, std::nullopt, "", schema::describe(raw()), "a time-off request object"},
          std::nullopt, raw());
      return;
    }
    auto person = as_text(item["employeeId"]);
    bool bad = false;
    if (!id) {
      problem("id", "/id", item["id"], "the request id");
      bad = true;
    }
    if (!person) {
      problem("employeeId", "/person_id", item["employeeId"], "the employee id");
      bad = true;
    }
    rest::JsonValue start = item["start"], end = item["end"];
    if (!start.is_string() || !rest::is_date(std::string(start.string()))) {
      problem("start", "/start", start, "a date YYYY-MM-DD");
      bad = true;
    }
    if (!end.is_string() || !rest::is_date(std::string(end.string()))) {
      problem("end", "/expected_end", end, "a date YYYY-MM-DD");
      bad = true;
    }
    if (bad) return;
    // A request spanning several windows is listed in each; it belongs to the
    // window it starts in (the first window also takes those starting before it).
    if (start.string() < window_start && !first_window) return;
    rest::JsonValue type_name = item["type"]["name"];
    if (!type_name.is_string()) {
      problem("type.name", "/type", item["type"], "an object with the time-off type's \"name\"");
      return;
    }
    schema::LeaveRecord leave;
    switch (leave_types.map(std::string(type_name.string()), leave.type)) {
      case rest::LeaveTypeMap::Outcome::ignored:
        page.skip();
        return;
      case rest::LeaveTypeMap::Outcome::unknown:
        problem("type.name", "/type", type_name, leave_types.known_names());
        return;
      case rest::LeaveTypeMap::Outcome::mapped:
        break;
    }
    rest::JsonValue status = item["status"];
    rest::JsonValue status_name = status["status"];
    std::optional<std::string> ours_status =
        status_name.is_string() ? leave_status(std::string(status_name.string())) : std::nullopt;
    if (!ours_status) {
      problem("status.status", "/status",
              status_name.is_missing() || status_name.is_null() ? status : status_name,
              "one of approved, requested, denied, canceled, superseded");
      return;
    }
    rest::JsonValue last_changed = status["lastChanged"];
    leave.id = std::move(*id);
    leave.person_id = std::move(*person);
    leave.start = std::string(start.string());
    leave.expected_end = std::string(end.string());
    leave.status = std::move(*ours_status);
    if (last_changed.is_string()) leave.last_changed = std::string(last_changed.string());
    page.add_record(leave, source, row);
  }

  rest::PullAnswer pull_leave(const json& cursor_in) {
    if (!settings.contains("leave")) return PullPage::unconfigured();
    require_key();
    const json& leave = settings["leave"];
    json cursor = rest::decode_cursor(cursor_in, kAdapter);
    int window_days = leave.value("window_days", 90);
    std::string today = this->today();
    std::string horizon = rest::add_days(today, leave.value("horizon_days", 365));
    std::string first = leave.value("from", rest::add_days(today, -730));
    // After a full pass, later syncs re-read from lookback_days ago: BambooHR
    // has no changed-since for time off, and requests change until they end.
    std::string window = cursor.value("window", first);
    bool first_window = !cursor.contains("window") || cursor.value("first", false);
    std::string window_end = rest::add_days(window, window_days - 1);
    std::string source =
        system + " GET /api/v1/time_off/requests (" + window + " to " + window_end + ")";
    PullPage page(cursor_in);
    rest::JsonPage body = connection->call("GET /api/v1/time_off/requests", [&] {
      return api->get_page("/api/v1/time_off/requests?start=" + window + "&end=" + window_end,
                           "time-off requests " + window + " to " + window_end);
    });
    if (!body.root().is_array()) {
      page.add_problem({source, std::nullopt, std::nullopt, "",
                        schema::describe(body.root().to_json()), "an array of time-off requests"});
      return page.answer("", false);
    }
    long long row = 0;
    for (rest::JsonValue item : body.root().elements())
      map_leave(item, ++row, source, window, first_window, page);
    std::string next_window = rest::add_days(window, window_days);
    if (next_window <= horizon) {
      return page.answer(rest::encode_cursor({{"window", next_window}}), true);
    }
    std::string again = std::max(first, rest::add_days(today, -leave.value("lookback_days", 120)));
    return page.answer(rest::encode_cursor({{"window", again}, {"first", again == first}}), false);
  }

  // --------------------------------------------------------------- commands
  json check() {
    std::vector<rest::CapabilityCheck> checks;
    auto probe = [&](const std::string& capability, bool configured, const std::string& path,
                     const std::string& ok_message) {
      if (!configured) {
        checks.push_back(rest::CapabilityCheck::not_configured(
            capability, "not configured (no \"" + std::string("leave") + "\" in settings)"));
        return;
      }
      if (missing_key_message) {
        checks.push_back({capability, true, false, false, false, *missing_key_message});
        return;
      }
      try {
        connection->call("GET /api/v1/time_off/requests",
                         [&] { return api->get_json(path, "check " + capability); });
        checks.push_back(rest::CapabilityCheck::passed(capability, ok_message));
      } catch (const rest::RestError& e) {
        checks.push_back(rest::CapabilityCheck::failed(capability, e));
      }
    };
    std::string today = this->today();
    checks.push_back(people ? people->check()
                            : rest::CapabilityCheck::not_configured(
                                  "read_people", "not configured (no \"people\" in settings)"));
    probe("read_leave", settings.contains("leave"),
          "/api/v1/time_off/requests?start=" + today + "&end=" + today,
          system + ": time-off requests readable");
    checks.push_back(
        training ? training->check()
                 : rest::CapabilityCheck::not_configured(
                       "read_course_completions", "not configured (no \"training\" in settings)"));
    checks.push_back(write_back ? write_back->check()
                                : rest::CapabilityCheck::not_configured(
                                      "create_task",
                                      "not configured (no \"write_back\" in "
                                      "settings): nothing is written to BambooHR"));
    if (services.secret(webhook_key_secret)) {
      checks.push_back(rest::CapabilityCheck::passed(
          "verify_webhook", "webhook key found in secret " + webhook_key_secret));
    } else {
      checks.push_back(rest::CapabilityCheck::not_configured(
          "verify_webhook", "not configured (no host secret " + webhook_key_secret + ")"));
    }
    return rest::check_answer(checks);
  }

  // BambooHR signs each webhook: X-BambooHR-Signature = hex HMAC-SHA256 of
  // (raw body + X-BambooHR-Timestamp) under the webhook's private key.
  json verify_webhook(const json& input) {
    auto key = services.secret(webhook_key_secret);
    if (!key) {
      throw Error(MENTORING_ERR_UNAVAILABLE,
                  name + ": verify_webhook: no host secret " + webhook_key_secret +
                      " (the privateKey BambooHR returned when the webhook was created)");
    }
    if (!input.is_object() || !input.contains("body") || !input["body"].is_string()) {
      throw Error(
          MENTORING_ERR_INVALID_INPUT,
          name + ": verify_webhook: expected {\"headers\": {...}, \"body\": \"<raw body>\"}");
    }
    std::map<std::string, std::string> headers;
    const json given = input.value("headers", json::object());  // named: items() refers to it
    for (const auto& [header, value] : given.items()) {
      if (value.is_string()) headers[rest::lower_trimmed(header)] = value.get<std::string>();
    }
    auto header = [&](const char* lower_name) -> std::optional<std::string_view> {
      auto it = headers.find(lower_name);
      if (it == headers.end()) return std::nullopt;
      return std::string_view(it->second);
    };
    const std::string body = input["body"];
    // The one BambooHR verification (mentoring/serve webhooks): window, signature, replay.
    const auto now = webhooks::Clock::time_point(std::chrono::milliseconds(services.now_unix_ms()));
    const auto verification = webhooks::verify_bamboohr(
        body, header("x-bamboohr-signature"), header("x-bamboohr-timestamp"), *key, now,
        seen_webhooks, std::chrono::seconds(settings.value("webhook_tolerance_s", 300)));
    if (!verification) {
      return json{
          {"valid", false},
          {"verdict", webhooks::verdict_name(verification.verdict)},
          {"message", verification.words() + " (key: host secret " + webhook_key_secret + ")"},
          {"event", nullptr}};
    }
    json event = json::parse(body, nullptr, false);
    return {{"valid", true},
            {"verdict", "ok"},
            {"message", "signature valid"},
            {"event", event.is_discarded() ? json(nullptr) : event}};
  }
};

BambooHrAdapter::BambooHrAdapter(std::string_view config_json, Services services)
    : state_(std::make_unique<State>()) {
  State& s = *state_;
  s.services = std::move(services);
  static const json schema_doc = json::parse(settings_schema_text());
  rest::AdapterConfig config = rest::parse_adapter_config(config_json, "bamboohr", schema_doc);
  s.organisation = config.organisation;
  s.name = config.name;
  s.settings = std::move(config.settings);
  std::string domain = s.settings["company_domain"];
  s.system = "BambooHR (" + domain + ")";
  s.api_key_secret = s.settings.value("api_key_secret", s.api_key_secret);
  s.webhook_key_secret = s.settings.value("webhook_key_secret", s.webhook_key_secret);
  if (s.settings.contains("leave"))
    s.leave_types = rest::LeaveTypeMap(s.settings["leave"]["leave_types"]);

  rest::Endpoint endpoint;
  endpoint.system = s.system;
  endpoint.base_url = s.settings.value("base_url", "https://" + domain + ".bamboohr.com");
  endpoint.headers["Accept"] = "application/json";
  endpoint.timeout_ms = s.settings.value("timeout_ms", 30000L);
  rest::apply_http_settings(endpoint, s.settings);
  if (s.settings.contains("ca_bundle"))
    endpoint.ca_bundle = s.settings["ca_bundle"].get<std::string>();
  // BambooHR does not publish its limits; it throttles with 503 + Retry-After.
  json rate = s.settings.value("rate_limit", json{{"per_second", 10}, {"burst", 20}});
  endpoint.rate_limit = {{"key", s.organisation + "/" + s.name},
                         {"per_second", rate["per_second"]},
                         {"burst", rate.value("burst", 1.0)}};
  const json auth = s.settings.value("auth", json::object());
  AuthScheme scheme = auth.value("scheme", std::string("api_key")) == "oauth" ? AuthScheme::oauth
                                                                              : AuthScheme::api_key;
  std::string secret = scheme == AuthScheme::oauth
                           ? auth.value("token_secret", std::string("BAMBOOHR_ACCESS_TOKEN"))
                           : s.api_key_secret;
  auto credential = s.services.secret(secret);
  if (!credential) {
    s.missing_key_message =
        s.system + (scheme == AuthScheme::oauth ? ": no OAuth access token" : ": no API key") +
        ": the host has no secret named " + secret + " (set MENTORING_SECRET_" + secret +
        " or add it to the secrets file)";
  } else if (scheme == AuthScheme::oauth) {
    endpoint.headers["Authorization"] = "Bearer " + *credential;
  } else {
    // HTTP Basic: the API key as user name, any password.
    endpoint.headers["Authorization"] = "Basic " + rest::base64_encode(*credential + ":x");
  }
  s.api = std::make_unique<rest::RestClient>(s.services.http, endpoint, s.services.http_split);
  Connection connection{
      s.api.get(), s.system, s.organisation, s.name, s.missing_key_message, s.services.now_unix_ms,
      scheme,      secret};
  s.connection = std::make_unique<Connection>(connection);
  if (s.settings.contains("people"))
    s.people = std::make_unique<PeopleStream>(connection, s.settings["people"]);
  if (s.settings.contains("training"))
    s.training = std::make_unique<TrainingStream>(connection, s.settings["training"]);
  if (s.settings.contains("write_back"))
    s.write_back = std::make_unique<TableWriteBack>(connection, s.settings["write_back"]);
}

BambooHrAdapter::~BambooHrAdapter() = default;

std::string BambooHrAdapter::call(std::string_view command, std::string_view input_text) {
  State& s = *state_;
  json input = input_text.empty() ? json::object()
                                  : schema::parse(input_text, s.name + " " + std::string(command));
  if (command == "check") return s.check().dump();
  if (command == "pull") {
    return rest::pull_stream(
               s.name, input,
               {[&](const json& c) {
                  return s.people ? s.people->pull(c) : rest::PullPage::unconfigured();
                },
                [&](const json& c) { return s.pull_leave(c); },
                [&](const json& c) {
                  return s.training ? s.training->pull(c) : rest::PullPage::unconfigured();
                }})
        .text;
  }
  if (command == "verify_webhook") return s.verify_webhook(input).dump();
  if (command == "push") {
    if (s.write_back) return s.write_back->push(input).dump();
    // Capabilities are per module, settings per instance: without a table to
    // write to, every action is someone else's (adapters/README.md, push).
    if (!input.contains("actions") || !input["actions"].is_array()) {
      throw Error(MENTORING_ERR_INVALID_INPUT,
                  s.name + " push: /actions: expected an array of actions");
    }
    json results = json::array();
    for (const auto& action : input["actions"]) {
      results.push_back(
          {{"idempotency_key",
            action.is_object() ? action.value("idempotency_key", json("")) : json("")},
           {"status", "not_handled"},
           {"message",
            "nothing is written back to BambooHR: no \"write_back\" "
            "in settings (see adapters/bamboohr/README.md)"}});
    }
    return json{{"results", results}}.dump();
  }
  throw Error(MENTORING_ERR_UNKNOWN_COMMAND,
              std::string(kAdapter) + " adapter: unknown command \"" + std::string(command) +
                  "\"; expected one of: check, pull, push, verify_webhook");
}

}  // namespace mentoring::adapters::bamboohr
