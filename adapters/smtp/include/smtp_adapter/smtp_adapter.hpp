// smtp_adapter/smtp_adapter.hpp — e-mail as a delivery route: the plugin's
// invite, reminder, notify, task, withdraw_invitation and calendar_event
// actions sent as RFC 5322 multipart messages over SMTP (libcurl; STARTTLS,
// AUTH from host secrets), rendered from mustache templates that an
// organisation may override per programme (see README.md).
//
//   SmtpAdapter adapter(config_json, services);
//   adapter.call("push", R"({"actions": [...]})");  // {"results": [...]}
#pragma once

#include <rest_common/services.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace mentoring::adapters::smtp {

// What the adapter needs from its host: secrets (SMTP user name and
// password), the clock (Date header), the storage folder (the ledger of sent
// mails) and warnings. Its http members are not used.
using Services = rest::Services;

class SmtpAdapter {
 public:
  // config_json: {"organisation", "name", "base_dir", "settings"} (adapters/README.md).
  // Throws mentoring::Error(MENTORING_ERR_INVALID_INPUT) for bad settings and
  // for templates that do not parse or name a variable their kind lacks.
  SmtpAdapter(std::string_view config_json, Services services);
  ~SmtpAdapter();

  // check | push
  std::string call(std::string_view command, std::string_view input);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The embedded settings.schema.json.
std::string_view settings_schema_text();

}  // namespace mentoring::adapters::smtp
