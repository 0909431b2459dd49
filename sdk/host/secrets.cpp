#include "secrets.hpp"

#include <mentoring/schema.hpp>

#include <nlohmann/json.hpp>

#include <sys/stat.h>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace mentoring::host {

namespace {

using schema::ValidationError;

std::string env_name(const std::string& name) {
  std::string out = "MENTORING_SECRET_";
  for (char c : name) {
    out += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::toupper(c)) : '_';
  }
  return out;
}

std::string octal_mode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "0%03o", static_cast<unsigned>(mode & 07777));
  return text;
}

// The file's values, checked. Nothing of the file's text ever goes into a
// message: a syntax error is told by line and column only (nlohmann's own
// message quotes the "last read" text, which would be the secret).
std::map<std::string, std::string> read_secrets_file(const std::filesystem::path& file) {
  const std::string name = file.string();
  struct stat info {};
  if (::stat(name.c_str(), &info) != 0) {
    throw ValidationError(
        {{name, "", "a file that cannot be read (secrets_file in the host config)",
          "a readable JSON file of secret name -> value"}});
  }
  if ((info.st_mode & 077) != 0) {
    throw ValidationError(
        {{name, "", "mode " + octal_mode(info.st_mode) + " (group or others may read or write it)",
          "a secrets file readable by its owner only: mode 0600 or 0400 (chmod 600 " + name +
              ")"}});
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw ValidationError(
        {{name, "", "a file that cannot be read", "a readable JSON file of secret name -> value"}});
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  nlohmann::json doc;
  std::optional<std::size_t> error_at;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    error_at = e.byte;  // only the offset: e.what() quotes the text read last
  } catch (const nlohmann::json::exception&) {
    error_at = text.size();
  }
  if (error_at) {
    const std::size_t offset = *error_at;
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i + 1 < offset && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    throw ValidationError(
        {{name + ":" + std::to_string(line) + ":" + std::to_string(column), "",
          "a JSON syntax error at line " + std::to_string(line) + ", column " +
              std::to_string(column) + " (the text is not shown: it holds secrets)",
          "valid JSON: an object of secret name -> value"}});
  }
  if (!doc.is_object()) {
    throw ValidationError(
        {{name, "", std::string("a JSON ") + doc.type_name(),
          "an object of secret name -> value, eg {\"BAMBOOHR_API_KEY\": \"...\"}"}});
  }
  std::map<std::string, std::string> values;
  for (const auto& [key, value] : doc.items()) {
    if (!value.is_string()) {
      throw ValidationError({{name, "/" + key, std::string("a JSON ") + value.type_name(),
                              "a string: the secret's value"}});
    }
    values.emplace(key, value.get<std::string>());
  }
  return values;
}

bool at_cut(const std::string& text, std::size_t at) {
  if (at == text.size()) return true;
  return text.compare(at, 3, "...") == 0 || text.compare(at, 3, "\xE2\x80\xA6") == 0 ||
         text.compare(at, 3, "\xEF\xBF\xBD") == 0;
}

}  // namespace

Secrets::Secrets(const std::optional<std::filesystem::path>& file) {
  if (file) {
    file_values_ = read_secrets_file(*file);
    // Known up front so a value is redacted even before a module asks for it.
    for (const auto& [name, value] : file_values_) remember(value);
  }
}

std::optional<std::string> Secrets::get(const std::string& name) {
  std::optional<std::string> value;
  if (const char* env = std::getenv(env_name(name).c_str())) {
    value = env;
  } else if (auto it = file_values_.find(name); it != file_values_.end()) {
    value = it->second;
  }
  if (value) remember(*value);
  return value;
}

void Secrets::remember(const std::string& value) {
  // Very short values would redact ordinary words; they are not credentials anyway.
  if (value.size() < kMinimumPartial) return;
  std::lock_guard lock(mutex_);
  known_values_.insert(value);
}

std::string Secrets::redact(std::string text) const {
  std::lock_guard lock(mutex_);
  for (const auto& secret : known_values_) {
    for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3)) {
      text.replace(at, secret.size(), "***");
    }
  }
  // An excerpt cut in the middle of a secret: its start, ended by the cut.
  // Longest start first, so a secret's start is never half redacted.
  for (const auto& secret : known_values_) {
    for (std::size_t length = secret.size() - 1; length >= kMinimumPartial; --length) {
      const std::string_view start(secret.data(), length);
      for (auto at = text.find(start); at != std::string::npos; at = text.find(start, at + 3)) {
        if (at_cut(text, at + length)) text.replace(at, length, "***");
      }
    }
  }
  return text;
}

}  // namespace mentoring::host
