// mentoring/domain/org_policy.hpp — an organisation's settings as the domain
// sees them: which modules are switched on and the organisation-wide policy.
//
//   OrgPolicy policy = sync::org_policy_from_json(config);   // once, when the plugin is created
//   if (!policy.modules.training) { /* training is not required */ }
//
// Read once from the validated organisation config (schemas/org-config.schema.json);
// every default here is the schema's documented default. Plain data: copy freely.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mentoring::domain {

// Each module switched on (true) or off. A command of a module switched off is
// refused; a rule that depends on a module switched off does not apply (eg
// training switched off: no training is required before pairing).
struct ModuleSwitches {
  bool enrolment = false;
  bool training = false;
  bool pairing = false;
  bool supervision = false;
  bool evaluation = false;
  bool return_to_work = false;

  // By the module's name in the config ("training"); false for an unknown name.
  bool on(std::string_view module) const;
};

struct OrgPolicy {
  ModuleSwitches modules;
  std::string timezone = "Europe/London";              // policy.timezone
  std::optional<std::string> programme_manager_email;  // policy.programme_manager_email
};

}  // namespace mentoring::domain
