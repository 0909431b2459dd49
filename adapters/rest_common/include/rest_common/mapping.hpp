// rest_common/mapping.hpp — host values to ours, as configured in settings:
// leave types, statuses, dates.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>

namespace mentoring::adapters::rest {

// Their leave type name -> ours; a type mapped to null is left out on purpose.
// Names compare case-insensitively and ignoring surrounding spaces.
class LeaveTypeMap {
 public:
  LeaveTypeMap() = default;
  explicit LeaveTypeMap(
      const nlohmann::json& settings_object);  // {"Maternity Leave": "maternity", "Annual": null}

  enum class Outcome { mapped, ignored, unknown };
  Outcome map(const std::string& theirs, std::string& ours) const;
  // "Maternity Leave, Annual, ..." for "expected" in problems.
  std::string known_names() const;

 private:
  std::map<std::string, std::optional<std::string>> types_;  // key: normalised name
  std::vector<std::string> display_names_;
};

std::string lower_trimmed(std::string text);

// True when text is YYYY-MM-DD and a real calendar day (no 2014-02-30).
bool is_date(const std::string& text);
// Seconds since 1970 to YYYY-MM-DD (UTC).
std::string date_from_unix(long long seconds);
// Milliseconds since 1970 to an ISO 8601 instant, eg "2026-01-01T00:00:00Z".
std::string iso_from_unix_ms(long long milliseconds);
// YYYY-MM-DD plus days.
std::string add_days(const std::string& date, int days);

}  // namespace mentoring::adapters::rest
