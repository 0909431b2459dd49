// The configuration the host hands to an adapter (adapters/README.md):
//   {"organisation": "northwind", "name": "hr", "base_dir": "/...", "settings": {...}}
// with the settings checked against the adapter's own JSON Schema.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace mentoring::adapters::rest {

struct AdapterConfig {
  std::string organisation;
  std::string name;
  std::string base_dir;
  nlohmann::json settings;
};

// Throws mentoring::Error(MENTORING_ERR_INVALID_INPUT) listing every settings
// problem with its JSON pointer. `kind` names the adapter in messages ("moodle").
AdapterConfig parse_adapter_config(std::string_view config_json, const std::string& kind,
                                   const nlohmann::json& settings_schema);

}  // namespace mentoring::adapters::rest
