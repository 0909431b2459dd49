#include <mentoring/domain/delivery.hpp>

#include <mentoring/domain/date.hpp>

#include <algorithm>
#include <cstdio>

namespace mentoring::domain {

const std::vector<CapabilityKinds>& kinds_by_capability() {
  static const std::vector<CapabilityKinds> kTable = {
      {"enrol_in_course", {"enrol_in_course"}},
      {"create_calendar_event", {"calendar_event"}},
      {"create_task", {"task", "invite", "withdraw_invitation", "reminder", "notify"}},
      {"manage_groups", {"group_membership"}},
  };
  return kTable;
}

namespace {

bool has(const AdapterDescription& adapter, std::string_view capability) {
  return std::find(adapter.capabilities.begin(), adapter.capabilities.end(), capability) !=
         adapter.capabilities.end();
}

bool is_action_kind(std::string_view kind) {
  return std::find(kActionKinds.begin(), kActionKinds.end(), kind) != kActionKinds.end();
}

std::string list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

bool is_writer(const AdapterDescription& adapter) {
  return has(adapter, "write_actions");
}

std::set<std::string> declared_kinds(const AdapterDescription& adapter) {
  std::set<std::string> out;
  if (!is_writer(adapter)) return out;
  for (const auto& [capability, kinds] : kinds_by_capability()) {
    if (has(adapter, capability)) out.insert(kinds.begin(), kinds.end());
  }
  return out;
}

const char* to_string(RouteReason reason) {
  switch (reason) {
    case RouteReason::configured:
      return "configured";
    case RouteReason::declared:
      return "declared";
    case RouteReason::default_route:
      return "default";
    case RouteReason::only_writer:
      return "only_writer";
  }
  return "configured";
}

const char* describe(RouteReason reason) {
  switch (reason) {
    case RouteReason::configured:
      return "named for this kind by the organisation's routing";
    case RouteReason::declared:
      return "the only adapter that declares this kind";
    case RouteReason::default_route:
      return "named by the organisation's routing \"*\"";
    case RouteReason::only_writer:
      return "the organisation's only writing adapter";
  }
  return "";
}

const char* to_string(RoutingProblemKind kind) {
  switch (kind) {
    case RoutingProblemKind::unknown_kind:
      return "unknown_kind";
    case RoutingProblemKind::unknown_adapter:
      return "unknown_adapter";
    case RoutingProblemKind::not_a_writer:
      return "not_a_writer";
    case RoutingProblemKind::does_not_carry:
      return "does_not_carry";
    case RoutingProblemKind::several_declare:
      return "several_declare";
    case RoutingProblemKind::unrouted:
      return "unrouted";
  }
  return "unrouted";
}

std::string describe(const RoutingProblem& p, std::string_view organisation) {
  const std::string org = "organisation " + std::string(organisation) + ": ";
  const std::string key = "/routing/" + p.action_kind;
  const std::string adapters = list(p.adapters);
  std::string kinds;
  for (auto k : kActionKinds) kinds += (kinds.empty() ? "" : ", ") + std::string(k);
  switch (p.kind) {
    case RoutingProblemKind::unknown_kind:
      return org + key + ": found routing for \"" + p.action_kind + "\" (to " + adapters +
             "); expected an action kind (" + kinds + ") or \"*\"";
    case RoutingProblemKind::unknown_adapter:
      return org + key + ": found adapter \"" + adapters +
             "\", which the organisation does not have; expected the name of one of its adapters";
    case RoutingProblemKind::not_a_writer:
      return org + key + ": found adapter \"" + adapters +
             "\", which writes nothing (it does not declare write_actions); expected a writing "
             "adapter";
    case RoutingProblemKind::does_not_carry:
      return org + "\"" + p.action_kind + "\" actions: routing (" + key + ") names adapter \"" +
             adapters +
             "\", whose capabilities do not include this kind; expected an adapter "
             "that declares it or a general writer (write_actions only, eg the file outbox)";
    case RoutingProblemKind::several_declare:
      return org + "\"" + p.action_kind + "\" actions: adapters " + adapters +
             " all declare this kind; name the one to use in routing (\"routing\": {\"" +
             p.action_kind + "\": \"<adapter>\"})";
    case RoutingProblemKind::unrouted:
      return org + "\"" + p.action_kind +
             "\" actions: no adapter carries them (none declares the kind, routing names none "
             "and the organisation does not have exactly one writer); they wait in the outbox "
             "until routing names one";
  }
  return org + p.action_kind;
}

RoutingTable route_actions(const std::vector<AdapterDescription>& adapters,
                           const std::map<std::string, std::string>& routing) {
  RoutingTable table;
  auto find = [&](const std::string& name) -> const AdapterDescription* {
    for (const auto& a : adapters) {
      if (a.name == name) return &a;
    }
    return nullptr;
  };
  // Every routing entry names a writing adapter the organisation has, used or not.
  std::set<std::string> unusable;  // routing keys whose adapter cannot be used at all
  for (const auto& [key, name] : routing) {
    if (key != "*" && !is_action_kind(key)) {
      table.problems.push_back({RoutingProblemKind::unknown_kind, key, {name}});
      continue;
    }
    const AdapterDescription* adapter = find(name);
    if (!adapter) {
      table.problems.push_back({RoutingProblemKind::unknown_adapter, key, {name}});
      unusable.insert(key);
    } else if (!is_writer(*adapter)) {
      table.problems.push_back({RoutingProblemKind::not_a_writer, key, {name}});
      unusable.insert(key);
    }
  }
  std::vector<const AdapterDescription*> writers;
  for (const auto& a : adapters) {
    if (is_writer(a)) writers.push_back(&a);
  }
  // A named writer may carry the kind: it declares it, or it is a general writer.
  auto carries = [](const AdapterDescription& adapter, const std::string& kind) {
    auto declared = declared_kinds(adapter);
    return declared.empty() || declared.count(kind) > 0;
  };
  for (auto kind_view : kActionKinds) {
    const std::string kind(kind_view);
    if (auto it = routing.find(kind); it != routing.end()) {
      if (unusable.count(kind)) continue;
      const AdapterDescription& adapter = *find(it->second);
      if (!carries(adapter, kind)) {
        table.problems.push_back({RoutingProblemKind::does_not_carry, kind, {adapter.name}});
        continue;
      }
      table.routes[kind] = {kind, adapter.name, RouteReason::configured};
      continue;
    }
    std::vector<std::string> declaring;
    for (const auto* w : writers) {
      if (declared_kinds(*w).count(kind)) declaring.push_back(w->name);
    }
    if (declaring.size() == 1) {
      table.routes[kind] = {kind, declaring.front(), RouteReason::declared};
      continue;
    }
    if (declaring.size() > 1) {
      table.problems.push_back({RoutingProblemKind::several_declare, kind, declaring});
      continue;
    }
    if (auto it = routing.find("*"); it != routing.end()) {
      if (unusable.count("*")) continue;  // reported once, for "*"
      const AdapterDescription& adapter = *find(it->second);
      if (!carries(adapter, kind)) {
        table.problems.push_back({RoutingProblemKind::does_not_carry, kind, {adapter.name}});
        continue;
      }
      table.routes[kind] = {kind, adapter.name, RouteReason::default_route};
      continue;
    }
    if (writers.size() == 1 && declared_kinds(*writers.front()).empty()) {
      table.routes[kind] = {kind, writers.front()->name, RouteReason::only_writer};
      continue;
    }
    std::vector<std::string> names;
    for (const auto* w : writers) names.push_back(w->name);
    table.problems.push_back({RoutingProblemKind::unrouted, kind, names});
  }
  return table;
}

std::chrono::minutes wait_after(int failed_attempts, const RetryPolicy& policy) {
  using std::chrono::minutes;
  minutes wait = std::max(policy.retry_after, minutes{1});
  for (int i = 1; i < failed_attempts && wait < RetryPolicy::kLongestWait; ++i) wait *= 2;
  return std::min(wait, RetryPolicy::kLongestWait);
}

AfterFailure after_failure(int attempts_before, const RetryPolicy& policy,
                           std::chrono::sys_seconds now) {
  AfterFailure out;
  out.attempts = std::max(attempts_before, 0) + 1;
  if (out.attempts >= std::max(policy.max_attempts, 1)) {
    out.dead = true;
    return out;
  }
  out.next_attempt_at = now + wait_after(out.attempts, policy);
  return out;
}

std::string format_time(std::chrono::sys_seconds time) {
  using namespace std::chrono;
  auto day = floor<days>(time);
  hh_mm_ss clock{time - day};
  char text[32];
  std::snprintf(text, sizeof text, "%sT%02d:%02d:%02dZ", format_date(day).c_str(),
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()));
  return text;
}

}  // namespace mentoring::domain
