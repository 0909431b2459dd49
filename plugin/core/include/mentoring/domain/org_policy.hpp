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

// What one run reads from the adapters (policy.sync and policy.absent_share_limit).
struct SyncLimits {
  // A full read of an HR system may mark at most this share of the people it
  // listed before as absent (policy.absent_share_limit).
  double absent_share_limit = 0.2;
  int max_pages_per_stream = 100000;  // policy.sync.max_pages_per_stream
};

// Write-back delivery (policy.delivery): the wait after the first failed
// attempt (doubling each time) and the attempts before a dead letter.
struct DeliveryRetry {
  int retry_after_minutes = 15;  // policy.delivery.retry_after_minutes
  int max_attempts = 6;          // policy.delivery.max_attempts
};

struct OrgPolicy {
  ModuleSwitches modules;
  // No evaluation figure for a group smaller than this: the larger of
  // policy.evaluation_min_group_size and its older name policy.anonymity_threshold
  // (the more protective wins), 5 when neither is given.
  int evaluation_min_group_size = 5;
  SyncLimits sync;
  DeliveryRetry delivery;
  std::string timezone = "Europe/London";              // policy.timezone
  std::optional<std::string> programme_manager_email;  // policy.programme_manager_email
  // policy.retention_months: finished participants are pseudonymised this many
  // months after their last enrolment changed; absent: kept.
  std::optional<int> retention_months;
};

}  // namespace mentoring::domain
