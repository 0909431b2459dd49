// How a person's list fields are held in a column, the same on every backend (SQLite here,
// PostgreSQL in postgres/), so a store export copies them byte for byte. Private to
// plugin/store.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace mentoring::store::person_encoding {

// Languages are few and short: stored as one '\n'-separated text.
inline std::string join_lines(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += '\n';
    out += item;
  }
  return out;
}

inline std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// Indirect manager ids as the JSON array the person_manager triggers read (SQLite's
// migration 8, PostgreSQL's 5); NULL when there are none, so most people cost nothing more.
inline std::optional<std::string> json_array(const std::vector<std::string>& items) {
  if (items.empty()) return std::nullopt;
  std::string out = "[";
  for (const auto& item : items) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (unsigned char ch : item) {
      if (ch == '"' || ch == '\\') {
        out += '\\';
        out += static_cast<char>(ch);
      } else if (ch < 0x20) {
        static constexpr char kHex[] = "0123456789abcdef";
        out += "\\u00";
        out += kHex[ch >> 4];
        out += kHex[ch & 0xF];
      } else {
        out += static_cast<char>(ch);
      }
    }
    out += '"';
  }
  out += ']';
  return out;
}

}  // namespace mentoring::store::person_encoding
