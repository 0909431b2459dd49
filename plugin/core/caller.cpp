#include <mentoring/domain/caller.hpp>

namespace mentoring::domain {

std::string_view to_string(CallerRole role) noexcept {
  switch (role) {
    case CallerRole::admin:
      return "admin";
    case CallerRole::hr:
      return "hr";
    case CallerRole::mentor:
      return "mentor";
    case CallerRole::mentee:
      return "mentee";
    case CallerRole::system:
      return "system";
  }
  return "system";
}

}  // namespace mentoring::domain
