// rest_common/check.hpp — one capability's line in the "check" answer.
#pragma once

#include "rest_common/rest_client.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace mentoring::adapters::rest {

struct CapabilityCheck {
  std::string name;  // eg "read_people"
  bool configured = true;
  bool reachable = false;
  bool authenticated = false;
  bool permitted = false;
  std::string message;

  bool ok() const { return !configured || (reachable && authenticated && permitted); }
  nlohmann::json to_json() const;

  static CapabilityCheck passed(std::string name, std::string message);
  static CapabilityCheck not_configured(std::string name, std::string message);
  // What a failed probe request tells about the capability, with what to fix.
  static CapabilityCheck failed(std::string name, const RestError& error);
};

// {"ok": ..., "capabilities": [...]}
nlohmann::json check_answer(const std::vector<CapabilityCheck>& checks);

}  // namespace mentoring::adapters::rest
