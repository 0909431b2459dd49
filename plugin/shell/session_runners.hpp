// The plugin shell's training, supervision and evaluation runners
// (training_runner.cpp, supervision_runner.cpp, evaluation_runner.cpp): they read the
// organisation's state, call the pure domain (mentoring/training, mentoring/supervision), write
// state and the actions it causes in one transaction, and answer HR's commands.
#pragma once

#include "run_context.hpp"

#include <mentoring/overview/overview.hpp>

#include <nlohmann/json.hpp>

#include <map>
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
// flags, kick-off notes handed to mentees, the pairs' own sessions and the
// circles' (first contact, overdue reminders then flags, paused during the
// mentee's leave), as plugin/supervision decides.
nlohmann::json run_supervision(RunContext& context);
// kickoff_schedule, kickoff_attendance, kickoff_note, supervision_sessions,
// supervision_attendance, session_cadence, session_record, session_list,
// circle_record, circle_list, circle_cadence.
std::optional<nlohmann::json> supervision_command(RunContext& context, std::string_view command,
                                                  const nlohmann::json& input);


// Survey invitations due today (a one-time token each, only its hash kept,
// and one notify action per person and survey); answers the module's part of
// the run summary: surveys issued per programme.
nlohmann::json run_evaluation(RunContext& context);
// evaluation_answer (anonymous, once per token), evaluation_report (HR; every
// figure under the organisation's minimum group size replaced by a reason).
std::optional<nlohmann::json> evaluation_command(RunContext& context, std::string_view command,
                                                 const nlohmann::json& input);
// After delivery: drop the tokens from delivered invitations kept in the
// outbox, so the database holds none. Answers how many were dropped.
int forget_delivered_survey_tokens(RunContext& context);
// What the programme schema cannot say about /evaluation (options only on
// choice questions, measures only on numbers, unique ids); throws
// Error(MENTORING_ERR_INVALID_INPUT) naming each JSON pointer, prefixed by source.
void check_evaluation_section(const nlohmann::json& definition, const std::string& source);

// For the programme overview: the supervision module's report of each accepted
// or ended pair of the programme, by pair id (a circle's members: the circle's
// series with each member's own missed meetings).
std::map<std::int64_t, overview::PairSessions> pair_sessions_of(RunContext& context,
                                                                const domain::Programme& programme);
// For the programme overview: everyone of the programme who needs training,
// with the rules and their status today (empty while training is switched off).
std::vector<overview::TraineeFacts> trainee_facts(RunContext& context,
                                                  const domain::Programme& programme);

// HR's programme at a glance (overview_runner.cpp): programme_overview.
std::optional<nlohmann::json> overview_command(RunContext& context, std::string_view command,
                                               const nlohmann::json& input);
std::vector<std::string> overview_command_names();

// The names of those commands, for "unknown command" messages.
std::vector<std::string> training_command_names();
std::vector<std::string> supervision_command_names();
std::vector<std::string> evaluation_command_names();

}  // namespace mentoring::shell
