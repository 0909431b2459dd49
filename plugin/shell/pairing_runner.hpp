// The pairing module of the plugin shell (pairing_runner.cpp): builds each programme's cohort
// from the store (mentees awaiting a pair, trained mentors with free capacity, manager chains,
// lived leave, languages, departments, wishes), asks the pairing engine (plugin/pairing) for
// an optimal, explained set of pairs and stores them as proposals. Proposals stay proposals
// until HR (or, per programme, both members of the pair) accept them.
#pragma once

#include "run_context.hpp"

#include <mentoring/pairing/manual.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mentoring::shell {

// Incremental run for every programme: accepted pairs and standing proposals are kept, mentees
// still waiting get the best mentor with free capacity. Answers the module's run summary.
nlohmann::json run_pairing(RunContext& context);

// pairing_proposals, pairing_accept, pairing_lock, pairing_forbid, pairing_unforbid,
// pairing_rerun, pairing_wishes, pairing_request, pairing_mentor_answer; nullopt when the command
// is not one of them.
std::optional<nlohmann::json> pairing_command(RunContext& context, std::string_view command,
                                              const nlohmann::json& input);

// The names of those commands, for "unknown command" messages.
std::vector<std::string> pairing_command_names();

// What pairing::check_manual_pair judges for this mentee and mentor, loaded from the store
// (pair_recording.cpp); `standing` receives the mentee's proposal, if any.
pairing::ManualPairFacts manual_pair_facts(RunContext& context, const domain::Programme& programme,
                                           const domain::Enrolment& mentee,
                                           const domain::Enrolment& mentor,
                                           std::optional<domain::Pair>& standing);

}  // namespace mentoring::shell
