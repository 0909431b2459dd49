// What the BambooHR adapter's parts (training.hpp, write_back.hpp) share with
// the adapter that owns them: the API client, the names for messages, the
// clock, how the adapter authenticates, and the endpoints it reads employees from.
#pragma once

#include <rest_common/pull_page.hpp>
#include <rest_common/rest_client.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mentoring::adapters::bamboohr {

// How requests authenticate (settings "auth"): an API key sent as HTTP Basic
// (key as user name), or an OAuth 2 access token sent as a bearer token.
// BambooHR's description lists per endpoint which of the two it accepts.
enum class AuthScheme { api_key, oauth };

struct Connection {
  rest::RestClient* api = nullptr;                 // owned by the adapter, outlives its parts
  std::string system;                              // "BambooHR (acme)", for messages
  std::string organisation;                        // the organisation the adapter serves
  std::string name;                                // the adapter's name in the organisation config
  std::optional<std::string> missing_key_message;  // set when the credential's secret is missing
  std::function<std::int64_t()> now_unix_ms;
  AuthScheme auth = AuthScheme::api_key;
  std::string credential_secret;  // the host secret holding the key or token

  // Throws RestError(unauthenticated) naming the secret when there is no credential.
  void require_key() const {
    if (missing_key_message)
      throw rest::RestError(rest::Failure::unauthenticated, *missing_key_message);
  }
  // "adapter "hr" of acme settings", the prefix of settings errors.
  std::string settings_source() const {
    return "adapter \"" + name + "\" of " + organisation + " settings";
  }
  // "an API key (HTTP Basic)" / "an OAuth 2 access token (Bearer)".
  std::string scheme_words() const;

  // Runs `request`, a call to `endpoint` (eg "GET /api/v1/time_off/requests",
  // as BambooHR's description names it); a 401 is rethrown saying whether the
  // endpoint accepts the configured scheme at all, and what to fix.
  template <class Request>
  auto call(const std::string& endpoint, Request&& request) const -> decltype(request()) {
    try {
      return request();
    } catch (const rest::RestError& e) {
      if (e.failure() == rest::Failure::unauthenticated) throw refused(e, endpoint);
      throw;
    }
  }
  // The RestError for a 401 from `endpoint` (see call()).
  rest::RestError refused(const rest::RestError& e, const std::string& endpoint) const;
  // Whether BambooHR's description lets `endpoint` take the configured scheme.
  bool endpoint_accepts_scheme(const std::string& endpoint) const;
};

// A scalar BambooHR value as text: ids arrive as strings or numbers.
inline std::optional<std::string> id_text(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer()) return std::to_string(value.get<long long>());
  return std::nullopt;
}

// Orders employee ids as BambooHR numbers them (shorter digit strings first),
// so a keyset cursor "after id" walks them once.
bool id_before(const std::string& a, const std::string& b);

// How a stream reads next: "full" on its first read, while a full pass is under
// way, and when the last one finished `full_sync_every_hours` (settings, default
// 24) ago or more; otherwise "since" (changes only).
std::string read_mode(const nlohmann::json& cursor, const nlohmann::json& settings,
                      long long now_ms);

// GET /api/v1/employees/changed?since=...: who was inserted or updated since
// then. nullopt, with a problem on the page, when the answer has the wrong shape.
struct ChangedEmployees {
  std::vector<std::string> ids;  // sorted, without repeats
  long long deleted = 0;         // listed as deleted: nothing left to read of them
  std::string latest;            // the system's "latest", the next "since"
};
std::optional<ChangedEmployees> read_changed_employees(const Connection& connection,
                                                       const std::string& since,
                                                       const std::string& what,
                                                       rest::PullPage& page);

// POST /api/v1/reports/custom?format=json (HTTP Basic or OAuth scope
// "report"): one row per employee, active and inactive, with the fields asked
// for (values the API user may not see are left out). The rows are kept in
// the page's own text (schema::JsonPage), ordered by id_before.
struct EmployeeReport {
  std::unique_ptr<rest::JsonPage> page;
  std::vector<rest::JsonValue> rows;          // each has "id"; sorted by id
  std::vector<std::string> ids;               // rows[i]'s id as text
  std::vector<rest::RecordProblem> problems;  // a body of the wrong shape
  // Rows without an id: one record each, quarantined (without an id) by
  // whoever stores the read; the row as BambooHR sent it beside its problem.
  std::vector<std::pair<rest::RecordProblem, nlohmann::json>> unidentified;
};
EmployeeReport request_report(const Connection& connection, const std::vector<std::string>& fields,
                              const nlohmann::json& filters, const std::string& what);

// The employees to read training of / to probe: their ids and BambooHR's
// "status" (Active / Inactive, free text), whichever endpoint the
// configured scheme may use (api key: the custom report; OAuth: GET
// /api/v1/employees). `limit` bounds the OAuth read (the report has no paging).
struct EmployeeStatus {
  std::string id;
  std::optional<std::string> status;  // null when the API user may not see it
};
std::vector<EmployeeStatus> list_employee_statuses(const Connection& connection,
                                                   const std::string& what,
                                                   std::optional<long long> limit = std::nullopt);

}  // namespace mentoring::adapters::bamboohr
