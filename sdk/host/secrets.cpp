#include "secrets.hpp"

#include <mentoring/schema.hpp>

#include <cctype>
#include <cstdlib>

namespace mentoring::host {

namespace {
std::string env_name(const std::string& name) {
  std::string out = "MENTORING_SECRET_";
  for (char c : name) {
    out += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::toupper(c)) : '_';
  }
  return out;
}
}  // namespace

Secrets::Secrets(const std::optional<std::filesystem::path>& file) : file_(file) {
  if (file_) {
    // Known up front so a value is redacted even before a module asks for it.
    auto doc = schema::parse_file(file_->string());
    for (const auto& [name, value] : doc.items()) {
      if (value.is_string()) remember(value.get<std::string>());
    }
  }
}

std::optional<std::string> Secrets::get(const std::string& name) {
  std::optional<std::string> value;
  if (const char* env = std::getenv(env_name(name).c_str())) {
    value = env;
  } else if (file_) {
    auto doc = schema::parse_file(file_->string());
    if (doc.contains(name) && doc[name].is_string()) value = doc[name].get<std::string>();
  }
  if (value) remember(*value);
  return value;
}

void Secrets::remember(const std::string& value) {
  // Very short values would redact ordinary words; they are not credentials anyway.
  if (value.size() < 4) return;
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
  return text;
}

}  // namespace mentoring::host
