// What the BambooHR adapter's parts (training.hpp, write_back.hpp) share with
// the adapter that owns them: the API client, the names for messages, the
// clock, and whether the API key is missing.
#pragma once

#include <rest_common/pull_page.hpp>
#include <rest_common/rest_client.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mentoring::adapters::bamboohr {

struct Connection {
  rest::RestClient* api = nullptr;                 // owned by the adapter, outlives its parts
  std::string system;                              // "BambooHR (acme)", for messages
  std::string organisation;                        // the organisation the adapter serves
  std::string name;                                // the adapter's name in the organisation config
  std::optional<std::string> missing_key_message;  // set when the API key secret is missing
  std::function<std::int64_t()> now_unix_ms;

  // Throws RestError(unauthenticated) naming the secret when there is no API key.
  void require_key() const {
    if (missing_key_message)
      throw rest::RestError(rest::Failure::unauthenticated, *missing_key_message);
  }
  // "adapter "hr" of acme settings", the prefix of settings errors.
  std::string settings_source() const {
    return "adapter \"" + name + "\" of " + organisation + " settings";
  }
};

// A scalar BambooHR value as text: ids arrive as strings or numbers.
inline std::optional<std::string> id_text(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer()) return std::to_string(value.get<long long>());
  return std::nullopt;
}

// GET /api/v1/employees/changed?since=...: who was inserted or updated since
// then. nullopt, with a problem on the page, when the answer has the wrong shape.
struct ChangedEmployees {
  std::vector<std::string> ids;  // sorted, without repeats
  long long deleted = 0;         // listed as deleted: nothing left to read of them
  std::string latest;            // the system's "latest", the next "since"
};
std::optional<ChangedEmployees> read_changed_employees(rest::RestClient& api,
                                                       const std::string& system,
                                                       const std::string& since,
                                                       const std::string& what,
                                                       rest::PullPage& page);

}  // namespace mentoring::adapters::bamboohr
