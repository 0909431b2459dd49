// Secrets for modules, and the redaction of their values from every log line
// and error message the host passes on.
#pragma once

#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

namespace mentoring::host {

class Secrets {
 public:
  // Values come from MENTORING_SECRET_<NAME> environment variables first, then
  // from the optional JSON file {"NAME": "value"}. The file is read once, here,
  // and refused (schema::ValidationError naming the file, and line and column or
  // the mode, never its content) when it is not JSON, not an object of strings,
  // or readable by anyone but its owner (mode & 077).
  explicit Secrets(const std::optional<std::filesystem::path>& file);

  std::optional<std::string> get(const std::string& name);
  // Replaces every known secret value in text with "***", and the start of one
  // that a cut excerpt left at a cut ("...", "…") or at the end of the text
  // (at least kMinimumPartial characters of it). [thread-safe]
  std::string redact(std::string text) const;
  // Adds a value to redact (eg a token obtained at run time). [thread-safe]
  void remember(const std::string& value);

  // A secret's start this long or longer, left at a cut, is redacted too.
  static constexpr std::size_t kMinimumPartial = 4;

 private:
  mutable std::mutex mutex_;
  std::set<std::string> known_values_;
  std::map<std::string, std::string> file_values_;
};

}  // namespace mentoring::host
