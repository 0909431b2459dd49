// The plugin shell's training and supervision runners (training_runner.cpp,
// supervision_runner.cpp): they read the organisation's state, call the pure
// domain (mentoring/training, mentoring/supervision), write state and the
// actions it causes in one transaction, and answer HR's commands.
#pragma once

#include "run_context.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mentoring::shell {

// Training gaps -> enrol_in_course and reminder actions, for every programme;
// answers the module's part of the run summary.
nlohmann::json run_training(RunContext& context);
// training_blocked, training_rates; nullopt when the command is not one of them.
std::optional<nlohmann::json> training_command(RunContext& context, std::string_view command,
                                               const nlohmann::json& input);

// Supervision groups and their schedule (with calendar invites), missed-twice
// flags, kick-off notes handed to mentees, the pairs' own sessions (first
// contact, overdue reminders then flags).
nlohmann::json run_supervision(RunContext& context);
// kickoff_schedule, kickoff_attendance, kickoff_note, supervision_attendance,
// session_cadence, session_record, session_list.
std::optional<nlohmann::json> supervision_command(RunContext& context, std::string_view command,
                                                  const nlohmann::json& input);

// The names of those commands, for "unknown command" messages.
std::vector<std::string> training_command_names();
std::vector<std::string> supervision_command_names();

}  // namespace mentoring::shell
