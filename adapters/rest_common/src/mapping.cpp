#include "rest_common/mapping.hpp"

#include <cctype>
#include <chrono>
#include <cstdio>

namespace mentoring::adapters::rest {

std::string lower_trimmed(std::string text) {
  text.erase(0, text.find_first_not_of(" \t\r\n"));
  text.erase(text.find_last_not_of(" \t\r\n") + 1);
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

LeaveTypeMap::LeaveTypeMap(const nlohmann::json& settings_object) {
  if (!settings_object.is_object()) return;
  for (const auto& [theirs, ours] : settings_object.items()) {
    types_[lower_trimmed(theirs)] =
        ours.is_string() ? std::optional(ours.get<std::string>()) : std::nullopt;
    display_names_.push_back(theirs);
  }
}

LeaveTypeMap::Outcome LeaveTypeMap::map(const std::string& theirs, std::string& ours) const {
  auto it = types_.find(lower_trimmed(theirs));
  if (it == types_.end()) return Outcome::unknown;
  if (!it->second) return Outcome::ignored;
  ours = *it->second;
  return Outcome::mapped;
}

std::string LeaveTypeMap::known_names() const {
  std::string out;
  for (const auto& name : display_names_) out += (out.empty() ? "" : ", ") + ("\"" + name + "\"");
  return out.empty() ? "a leave type listed in settings (\"leave_types\")"
                     : "one of the leave types in settings: " + out;
}

bool is_date(const std::string& text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  using namespace std::chrono;
  year_month_day date{year{std::stoi(text.substr(0, 4))},
                      month{static_cast<unsigned>(std::stoi(text.substr(5, 2)))},
                      day{static_cast<unsigned>(std::stoi(text.substr(8, 2)))}};
  return date.ok();  // a real calendar day: no 2014-02-30
}

std::string date_from_unix(long long seconds) {
  using namespace std::chrono;
  year_month_day ymd{floor<days>(sys_seconds{std::chrono::seconds{seconds}})};
  char out[16];
  std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return out;
}

std::string iso_from_unix_ms(long long milliseconds) {
  using namespace std::chrono;
  sys_seconds at{std::chrono::seconds{milliseconds / 1000}};
  auto day = floor<days>(at);
  year_month_day ymd{day};
  hh_mm_ss time{at - day};
  char out[32];
  std::snprintf(out, sizeof out, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()));
  return out;
}

std::string add_days(const std::string& date, int days_to_add) {
  using namespace std::chrono;
  year_month_day ymd{year{std::stoi(date.substr(0, 4))},
                     month{static_cast<unsigned>(std::stoi(date.substr(5, 2)))},
                     day{static_cast<unsigned>(std::stoi(date.substr(8, 2)))}};
  sys_days shifted = sys_days{ymd} + days{days_to_add};
  return date_from_unix(duration_cast<seconds>(shifted.time_since_epoch()).count());
}

}  // namespace mentoring::adapters::rest
