// Secrets for modules, and the redaction of their values from every log line
// and error message the host passes on.
#pragma once

#include <filesystem>
#include <mutex>
#include <optional>
#include <set>
#include <string>

namespace mentoring::host {

class Secrets {
 public:
  // Values come from MENTORING_SECRET_<NAME> environment variables first, then
  // from the optional JSON file {"NAME": "value"}.
  explicit Secrets(const std::optional<std::filesystem::path>& file);

  std::optional<std::string> get(const std::string& name);
  // Replaces every known secret value in text with "***". [thread-safe]
  std::string redact(std::string text) const;
  // Adds a value to redact (eg a token obtained at run time). [thread-safe]
  void remember(const std::string& value);

 private:
  mutable std::mutex mutex_;
  std::set<std::string> known_values_;
  std::optional<std::filesystem::path> file_;
};

}  // namespace mentoring::host
