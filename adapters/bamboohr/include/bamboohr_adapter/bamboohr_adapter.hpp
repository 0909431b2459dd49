// bamboohr_adapter/bamboohr_adapter.hpp — BambooHR as a host system: people
// with their supervisor and leavers with their end date (the custom report
// with an API key, GET /api/v1/employees with OAuth: src/people.hpp),
// time-off requests as leave records
// (GET /api/v1/time_off/requests, read in date windows), the Training
// module's records as course completions (src/training.hpp), actions recorded
// as rows of an employee table (src/write_back.hpp), and the HMAC check of
// BambooHR webhooks (see README.md).
//
//   BambooHrAdapter adapter(config_json, services);
//   adapter.call("pull", R"({"stream":"people","cursor":null})");
#pragma once

#include <rest_common/services.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace mentoring::adapters::bamboohr {

// What the adapter needs from its host (rest_common/services.hpp).
using Services = rest::Services;

class BambooHrAdapter {
 public:
  // config_json: {"organisation", "name", "base_dir", "settings"} (adapters/README.md).
  // Throws mentoring::Error(MENTORING_ERR_INVALID_INPUT) listing every settings problem.
  BambooHrAdapter(std::string_view config_json, Services services);
  ~BambooHrAdapter();

  // check | pull | push | verify_webhook
  std::string call(std::string_view command, std::string_view input);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The embedded settings.schema.json.
std::string_view settings_schema_text();

}  // namespace mentoring::adapters::bamboohr
