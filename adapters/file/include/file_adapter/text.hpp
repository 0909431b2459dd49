// Small text helpers shared by the file adapter's readers and mappers.
#pragma once

#include <algorithm>
#include <cctype>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace mentoring::adapters::file {

// Without leading and trailing whitespace.
inline std::string_view trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n\v\f";
  auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  auto last = text.find_last_not_of(kSpace);
  return text.substr(first, last - first + 1);
}

// At most max_bytes of text for a message or excerpt: bytes that are not UTF-8
// become U+FFFD, and a cut (at a character boundary) ends with "...".
std::string excerpt_of(std::string_view text, std::size_t max_bytes);

// Lower case (ASCII), for matching host values ignoring case.
inline std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Looks a host value up exactly, then ignoring case (exports are not consistent about case).
template <class Value>
const Value* find_host_value(const std::map<std::string, Value>& table, const std::string& key) {
  if (auto it = table.find(key); it != table.end()) return &it->second;
  const std::string wanted = lowercase(key);
  for (const auto& [name, value] : table) {
    if (lowercase(name) == wanted) return &value;
  }
  return nullptr;
}

// "a", "b", "c" — for messages that list what was expected.
inline std::string join_quoted(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) out += ", ";
    out += "\"" + names[i] + "\"";
  }
  return out;
}

}  // namespace mentoring::adapters::file
