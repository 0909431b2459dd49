// orangehrm_adapter/orangehrm_adapter.hpp — OrangeHRM 5 (open source) as a host
// system, over its REST API v2 with OAuth 2 bearer tokens: employees with
// their supervisors (GET /api/v2/pim/employees?model=detailed, limit/offset),
// leave requests with status and type (GET /api/v2/leave/employees/leave-requests).
// Write-back is not offered (see README.md).
//
//   OrangeHrmAdapter adapter(config_json, services);
//   adapter.call("pull", R"({"stream":"people","cursor":null})");
#pragma once

#include <rest_common/services.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace mentoring::adapters::orangehrm {

// What the adapter needs from its host (rest_common/services.hpp).
using Services = rest::Services;

class OrangeHrmAdapter {
 public:
  // config_json: {"organisation", "name", "base_dir", "settings"} (adapters/README.md).
  // Throws mentoring::Error(MENTORING_ERR_INVALID_INPUT) listing every settings problem.
  OrangeHrmAdapter(std::string_view config_json, Services services);
  ~OrangeHrmAdapter();

  // check | pull | push
  std::string call(std::string_view command, std::string_view input);

  // Access tokens requested so far (tests: refresh on expiry and on 401).
  int tokens_requested() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The embedded settings.schema.json.
std::string_view settings_schema_text();

}  // namespace mentoring::adapters::orangehrm
