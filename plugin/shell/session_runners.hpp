// The plugin shell's training, supervision and evaluation runners
// (training_runner.cpp, supervision_runner.cpp, evaluation_runner.cpp): they read the
// organisation's state, call the pure domain (mentoring/training, mentoring/supervision), write
// state and the actions it causes in one transaction, and answer HR's commands.
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
// flags, kick-off notes handed to mentees, the pairs' own sessions and the
// circles' (first contact, overdue reminders then flags, paused during the
// mentee's leave), as plugin/supervision decides.
nlohmann::json run_supervision(RunContext& context);
// kickoff_schedule, kickoff_attendance, kickoff_note, supervision_sessions,
// supervision_attendance, session_cadence, session_record, session_list,
// circle_record, circle_list, circle_cadence.
std::optional<nlohmann::json> supervision_command(RunContext& context, std::string_view command,
                                                  const nlohmann::json& input);

// The pair's next meeting as the pair moved it (through its link), while the
// move stands (links: link_act's move_next); nullopt when none stands.
struct MovedMeeting {
  domain::Date on{};
  std::optional<std::string> start_time;  // HH:MM; none: the programme's time
};
std::optional<MovedMeeting> moved_next_meeting(RunContext& context, const domain::Pair& pair);
// Moves the pair's next meeting to `on` (supervision::check_move), as the
// context's caller (a member of the pair); the calendar placeholder follows at
// the next run (same UID, SEQUENCE + 1). A refusal names `field`.
void move_next_meeting(RunContext& context, const domain::Pair& pair, domain::Date on,
                       const std::optional<std::string>& start_time, const std::string& field);

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

// The names of those commands, for "unknown command" messages.
std::vector<std::string> training_command_names();
std::vector<std::string> supervision_command_names();
std::vector<std::string> evaluation_command_names();

}  // namespace mentoring::shell
