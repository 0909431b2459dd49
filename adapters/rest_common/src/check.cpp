#include "rest_common/check.hpp"

namespace mentoring::adapters::rest {

nlohmann::json CapabilityCheck::to_json() const {
  return {{"name", name},           {"configured", configured},
          {"reachable", reachable}, {"authenticated", authenticated},
          {"permitted", permitted}, {"message", message}};
}

CapabilityCheck CapabilityCheck::passed(std::string name, std::string message) {
  return {std::move(name), true, true, true, true, std::move(message)};
}

CapabilityCheck CapabilityCheck::not_configured(std::string name, std::string message) {
  return {std::move(name), false, false, false, false, std::move(message)};
}

CapabilityCheck CapabilityCheck::failed(std::string name, const RestError& error) {
  CapabilityCheck check{std::move(name), true, false, false, false, error.what()};
  switch (error.failure()) {
    case Failure::unreachable:
    case Failure::tls:
      break;
    case Failure::unauthenticated:
      check.reachable = true;
      break;
    case Failure::forbidden:
      check.reachable = check.authenticated = true;
      break;
    default:  // it answered, but not as this capability needs
      check.reachable = true;
      check.authenticated = true;
      break;
  }
  return check;
}

nlohmann::json check_answer(const std::vector<CapabilityCheck>& checks) {
  bool ok = true;
  nlohmann::json list = nlohmann::json::array();
  for (const auto& c : checks) {
    ok = ok && c.ok();
    list.push_back(c.to_json());
  }
  return {{"ok", ok}, {"capabilities", list}};
}

}  // namespace mentoring::adapters::rest
