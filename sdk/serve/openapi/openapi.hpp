// The OpenAPI 3.1 description of `mentoring-host serve`, generated from the
// files that define the API so the two cannot drift: the permission matrix
// (schemas/permissions.json: every command, who may run it, in what scope)
// and the command schemas (schemas/commands/<name>.input/.output.schema.json),
// embedded as components. schemas/openapi.json is this document, checked in;
// `mentoring-openapi --check` (a ctest test) fails when it differs.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace mentoring::serve::openapi {

using ordered_json = nlohmann::ordered_json;

// A file of schemas/ missing, unreadable, not JSON, or not what the generator
// expects; the message names the file and what was found.
class GeneratorError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The schema file names (without ".input.schema.json") the plugin validates a
// command's input against, in the order tried: "<command>" (accept), then
// "<module>-<command>" (supervision-session_list), then "<module>-<command
// less its "<module>_" prefix>" (pairing_accept -> pairing-accept,
// training_blocked -> training-blocked), and that with "_" as "-"
// (pairing_mentor_answer -> pairing-mentor-answer): the names the plugin's
// runners pass to require_valid_input (plugin/shell/*_runner.cpp).
std::vector<std::string> schema_name_candidates(const std::string& command,
                                                const std::string& module);

// The one candidate whose input schema exists in `commands_dir`; nullopt when
// none does (a host command, or one whose schema is not written yet). Throws
// GeneratorError when two exist (ambiguous) or an input has no output.
std::optional<std::string> schema_name(const std::filesystem::path& commands_dir,
                                       const std::string& command, const std::string& module);

// The document. `schemas_dir` holds permissions.json and commands/;
// `version` becomes info.version.
ordered_json generate(const std::filesystem::path& schemas_dir, const std::string& version);

// The document as written to schemas/openapi.json (2-space indent, final newline).
std::string render(const ordered_json& document);

// "" when equal; else a diff-like excerpt: the first differing lines of each
// with their line numbers, "-" for `checked_in`, "+" for `generated`.
std::string difference(const std::string& checked_in, const std::string& generated);

}  // namespace mentoring::serve::openapi
