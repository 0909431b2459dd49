#include "connection.hpp"

#include <mentoring/schema.hpp>
#include <rest_common/mapping.hpp>

#include <algorithm>

namespace mentoring::adapters::bamboohr {

using nlohmann::json;

std::optional<ChangedEmployees> read_changed_employees(rest::RestClient& api,
                                                       const std::string& system,
                                                       const std::string& since,
                                                       const std::string& what,
                                                       rest::PullPage& page) {
  json changed = api.get_json("/api/v1/employees/changed?since=" + rest::url_encode(since), what);
  if (!changed.is_object() || !changed.contains("employees") ||
      !(changed["employees"].is_object() || changed["employees"].is_array())) {
    page.add_problem({system + " GET /api/v1/employees/changed", std::nullopt, "employees", "",
                      schema::describe(changed),
                      "an object with an \"employees\" object keyed by id"});
    return std::nullopt;
  }
  ChangedEmployees out;
  for (const auto& [key, entry] : changed["employees"].items()) {
    std::string action =
        entry.is_object() ? rest::lower_trimmed(entry.value("action", std::string())) : "";
    if (action == "deleted") {
      ++out.deleted;
      continue;
    }
    auto id = entry.is_object() ? id_text(entry.value("id", json(key))) : std::optional(key);
    if (id) out.ids.push_back(*id);
  }
  std::sort(out.ids.begin(), out.ids.end());
  out.ids.erase(std::unique(out.ids.begin(), out.ids.end()), out.ids.end());
  out.latest = changed.value("latest", since);
  return out;
}

}  // namespace mentoring::adapters::bamboohr
