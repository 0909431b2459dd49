#include "rest_common/adapter_config.hpp"

#include <mentoring/module.hpp>
#include <mentoring/schema.hpp>

namespace mentoring::adapters::rest {

AdapterConfig parse_adapter_config(std::string_view config_json, const std::string& kind,
                                   const nlohmann::json& settings_schema) {
  nlohmann::json config = schema::parse(config_json, kind + " adapter config");
  AdapterConfig out{config.value("organisation", std::string()), config.value("name", kind),
                    config.value("base_dir", std::string()),
                    config.value("settings", nlohmann::json::object())};
  std::string where = "adapter \"" + out.name + "\" of " + out.organisation + " settings";
  auto problems = schema::validate_against(settings_schema, out.settings, where);
  if (!problems.empty()) {
    std::string message;
    for (const auto& p : problems) message += (message.empty() ? "" : "\n") + p.message();
    throw Error(MENTORING_ERR_INVALID_INPUT, message);
  }
  return out;
}

}  // namespace mentoring::adapters::rest
