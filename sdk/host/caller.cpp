#include <mentoring/host/caller.hpp>

#include <pwd.h>
#include <unistd.h>

namespace mentoring::host {

std::string_view to_string(Role role) noexcept {
  switch (role) {
    case Role::admin:
      return "admin";
    case Role::hr:
      return "hr";
    case Role::mentor:
      return "mentor";
    case Role::mentee:
      return "mentee";
    case Role::system:
      return "system";
  }
  return "system";
}

std::optional<Role> role_from_string(std::string_view text) noexcept {
  for (Role r : {Role::admin, Role::hr, Role::mentor, Role::mentee, Role::system}) {
    if (to_string(r) == text) return r;
  }
  return std::nullopt;
}

nlohmann::json Caller::to_json() const {
  nlohmann::json j{{"organisation", organisation}, {"role", to_string(role)}, {"name", name}};
  if (!person_id.empty()) j["person_id"] = person_id;
  return j;
}

Caller Caller::command_line(const std::string& organisation) {
  // The operator's account name, for the audit log; never a secret.
  std::string user = "uid " + std::to_string(::geteuid());
  if (const passwd* pw = ::getpwuid(::geteuid()); pw != nullptr && pw->pw_name != nullptr)
    user = pw->pw_name;
  return Caller{organisation, Role::admin, "", "command line (" + user + ")"};
}

}  // namespace mentoring::host
