// The signed links of the plugin shell (link_runner.cpp): the link an action
// carries (made by the runners that enqueue it), the two commands serve calls
// when a person opens one (link_open) and answers through it (link_act), and
// the cleaning of delivered links out of the outbox. The rules are
// plugin/links' (what a link claims, how it is signed and checked, which
// action carries which link and for how long).
#pragma once

#include "run_context.hpp"

#include <mentoring/domain/date.hpp>
#include <mentoring/links/links.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mentoring::shell {

// {"purpose", "token", "expires_on"}: the `link` of an action's payload, signed
// under the organisation's key (made at random the first time).
nlohmann::json make_link(const RunContext& context, links::Purpose purpose,
                         const std::string& subject, const std::optional<std::string>& person,
                         domain::Date expires_on);

// The pair link of a pair's member, until the mentorship's planned end (links::pair_link_expiry).
nlohmann::json pair_link(const RunContext& context, const domain::Pair& pair,
                         const std::string& member);

// link_open, link_act; nullopt when the command is not one of them.
std::optional<nlohmann::json> link_command(RunContext& context, std::string_view command,
                                           const nlohmann::json& input);
std::vector<std::string> link_command_names();

// After delivery: the links' tokens leave the outbox once the host has them
// (as survey tokens do): the action's and its first kMaxAttendeeLinks
// attendees'. Answers how many were cleaned.
inline constexpr int kMaxAttendeeLinks = 16;
int forget_delivered_links(RunContext& context);

}  // namespace mentoring::shell
