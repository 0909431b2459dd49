// mentoring/domain/delivery.hpp — where each write-back action goes, and what
// happens to one its target refused.
//
//   auto table = route_actions(adapters, {{"*", "hr-export"}});
//   if (const Route* r = table.route_for("enrol_in_course")) push to r->adapter;
//   auto next = after_failure(entry.attempts, policy, now);  // retry later, or a dead letter
//
// Routing is by configuration, never by the order adapters are listed: an
// action kind goes to the adapter the organisation names for it, else to the
// one adapter that declares it, else to routing "*", else to the
// organisation's only writer when it has exactly one (and that one carries
// any kind). Several declaring it without routing is a configuration error;
// none leaves those actions waiting (reported). Each action goes to exactly one
// adapter.
#pragma once

#include <array>
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace mentoring::domain {

// The kinds of write-back actions ("type" of schemas/action.schema.json).
inline constexpr std::array<std::string_view, 8> kActionKinds = {
    "invite", "withdraw_invitation", "reminder", "enrol_in_course", "calendar_event", "task",
    "notify", "group_membership"};

// The one table of what an adapter's capabilities let it carry. An adapter
// with write_actions and none of these is a general writer (an outbox file):
// it carries any kind, but only what routing gives it.
struct CapabilityKinds {
  std::string_view capability;
  std::vector<std::string_view> kinds;
};
const std::vector<CapabilityKinds>& kinds_by_capability();

// An adapter as the host lists it (name and declared capabilities).
struct AdapterDescription {
  std::string name;
  std::vector<std::string> capabilities;
};

bool is_writer(const AdapterDescription& adapter);  // declares write_actions
// The kinds a writer declares through kinds_by_capability(); empty for a
// general writer (and for an adapter that writes nothing).
std::set<std::string> declared_kinds(const AdapterDescription& adapter);

enum class RouteReason {
  configured,     // routing["<kind>"] names it
  declared,       // the only adapter that declares the kind
  default_route,  // routing["*"] names it ("default")
  only_writer,    // the organisation's only writer, a general one
};
const char* to_string(RouteReason reason);  // "configured", "declared", "default", "only_writer"
const char* describe(RouteReason reason);

struct Route {
  std::string kind;
  std::string adapter;
  RouteReason why = RouteReason::configured;
};

enum class RoutingProblemKind {
  unknown_kind,     // a routing key that is no action kind (nor "*")
  unknown_adapter,  // routing names an adapter the organisation does not have
  not_a_writer,     // routing names an adapter without write_actions
  does_not_carry,   // routing names a writer whose declared kinds exclude the kind
  several_declare,  // more than one adapter declares the kind and routing names none
  unrouted,         // no adapter for the kind: its actions wait (not a config error)
};
const char* to_string(RoutingProblemKind kind);

struct RoutingProblem {
  RoutingProblemKind kind;
  std::string action_kind;            // the kind, or "*" / the routing key concerned
  std::vector<std::string> adapters;  // the adapters concerned
  // A configuration error (the organisation's plugin is not created); only
  // unrouted is not.
  bool is_config_error() const { return kind != RoutingProblemKind::unrouted; }
};
// The problem in words, naming the organisation, the kind and the adapters.
std::string describe(const RoutingProblem& problem, std::string_view organisation);

struct RoutingTable {
  std::map<std::string, Route> routes;  // kind -> route (routed kinds only)
  std::vector<RoutingProblem> problems;
  const Route* route_for(const std::string& kind) const {
    auto it = routes.find(kind);
    return it == routes.end() ? nullptr : &it->second;
  }
};

// routing: the organisation's "routing" (kind or "*" -> adapter name).
RoutingTable route_actions(const std::vector<AdapterDescription>& adapters,
                           const std::map<std::string, std::string>& routing);

// --- retries -------------------------------------------------------------------

struct RetryPolicy {
  std::chrono::minutes retry_after{15};  // policy.delivery.retry_after_minutes
  int max_attempts = 6;                  // policy.delivery.max_attempts
  static constexpr std::chrono::minutes kLongestWait{24 * 60};
};

// The wait after the n-th failed attempt (n >= 1): retry_after, doubling with
// each failure, at most 24 hours.
std::chrono::minutes wait_after(int failed_attempts, const RetryPolicy& policy);

struct AfterFailure {
  int attempts = 0;   // counting this one
  bool dead = false;  // a dead letter: no more attempts until HR retries it
  std::chrono::sys_seconds next_attempt_at{};  // when not dead
};
// What becomes of an action its target refused (or could not be reached for)
// at `now`, after `attempts_before` earlier failed attempts.
AfterFailure after_failure(int attempts_before, const RetryPolicy& policy,
                           std::chrono::sys_seconds now);

// ISO 8601 UTC with seconds ("2026-12-01T12:00:00Z"); ordered as text.
std::string format_time(std::chrono::sys_seconds time);

}  // namespace mentoring::domain
