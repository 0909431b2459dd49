// What a mail template of each kind can name: the view of one action for one
// recipient. Every kind guarantees the same common variables; optional ones
// are false when the action does not have them, so a template names them
// only inside their own section ({{#link}}{{url}}{{/link}}), which the load
// check enforces (templates.hpp).
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace mentoring::adapters::smtp {

// The action types this adapter sends.
extern const std::vector<std::string> kMailKinds;

struct Recipient {
  std::string person_id;  // "" for a programme manager
  std::string name;       // as the action names them, else a fallback
  std::string address;
};

struct ViewContext {
  std::string organisation;
  std::string from_name, from_address;
  std::string links_base_url;  // "" leaves links out
  std::string logo_src;        // "cid:..." or ""
};

// The template variables of `action` (a valid action of one of kMailKinds)
// sent to `to`.
nlohmann::json view_of(const nlohmann::json& action, const Recipient& to, const ViewContext& c);

// Example actions of a kind: with every optional field, and with none; the
// load check renders each template against both.
nlohmann::json example_action(const std::string& kind, bool with_optional_fields);

}  // namespace mentoring::adapters::smtp
