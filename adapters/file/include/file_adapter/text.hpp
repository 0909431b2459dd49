// Small text helpers shared by the file adapter's readers and mappers.
#pragma once

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
