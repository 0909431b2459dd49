// HR records as an HR system's pull answer carries them (schemas/leave.schema.json),
// for tests that feed the plugin through a scripted HR system.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace mentoring::test_support {

// An approved (unless `status` says otherwise) maternity leave of `person`.
inline nlohmann::json leave(const std::string& id, const std::string& person,
                            const std::string& start, const std::string& end,
                            const std::string& status = "approved") {
  return {{"id", id},       {"person_id", person}, {"type", "maternity"},
          {"start", start}, {"expected_end", end}, {"status", status}};
}

}  // namespace mentoring::test_support
