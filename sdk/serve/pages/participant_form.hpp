// participant_form.hpp (private to sdk/serve/pages) — what a participant page
// reads from a request, before anything reaches the plugin: the link's path
// parts, a bounded form body, the same-origin rule, and the mapping of a form
// to link_act's answer (issue15-contract.md, "link_act") with the checks the
// page can make itself, each error keyed by the id of the element it belongs
// to (so the page shows it beside that field).
#pragma once

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mentoring::serve::pages::participant {

// A form is small: a few text fields, or one field per survey question (each
// character of text may arrive as three bytes, each of those as "%XX").
inline constexpr std::size_t kMaxFormBytes = 256 * 1024;
inline constexpr std::size_t kMaxFormFields = 100;
// The plugin's own bounds, checked here too so the error shows beside its field:
// a goal, wishes, reason or meeting notes in bytes (link_act), a survey's text
// answer in characters (evaluation_answer).
inline constexpr std::size_t kMaxNoteBytes = 20000;
inline constexpr std::size_t kMaxTextCharacters = 2000;
// A link token: base64url pieces joined by '.', as link_open's input allows.
inline constexpr std::size_t kMaxTokenBytes = 400;

// [a-z0-9][a-z0-9-]{0,62}, as the API's organisation ids.
bool valid_organisation(std::string_view organisation);
// [A-Za-z0-9_.-]{1,400}.
bool valid_token(std::string_view token);

// Fields of an application/x-www-form-urlencoded body; the first value of a repeated name wins.
using Form = std::map<std::string, std::string>;

enum class FormProblem { too_large, too_many_fields, not_utf8 };
// Words for a refused body, naming the limit.
std::string describe(FormProblem problem);
// Parses a body of at most kMaxFormBytes (the caller stops reading there).
std::optional<FormProblem> parse_form(std::string_view body, Form& form);

// The answer for link_act and what the page found wrong before sending it.
struct MappedAnswer {
  nlohmann::json answer = nlohmann::json::object();
  std::map<std::string, std::string> errors;  // element id ("" = the form as a whole) -> words
  std::string form_id;                        // which form was sent: answer, log-meeting, ...
  // The element ids of the form's fields in page order (for the error summary).
  std::vector<std::string> field_order;
  // The JSON pointers of the answer's fields (eg "/answer/consent") -> their element ids.
  std::map<std::string, std::string> element_of_pointer;
};

// purpose and view as link_open answered them.
MappedAnswer map_answer(const std::string& purpose, const nlohmann::json& view, const Form& form);

// The element id an error of link_act belongs to, from the JSON pointer its
// message names (eg "/answer/consent" -> "consent"); "" when none matches.
std::string element_for_error(const MappedAnswer& mapped, std::string_view message);

// YYYY-MM-DD naming a real day; HH:MM of a real time.
bool valid_date(std::string_view text);
bool valid_time(std::string_view text);
// Characters of UTF-8 text (continuation bytes not counted).
std::size_t characters(std::string_view text);

}  // namespace mentoring::serve::pages::participant
