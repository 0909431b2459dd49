// What every fuzz target shares: a check that stops the run with a message
// (libFuzzer then saves the input as a crash), and input splitting.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace mentoring::fuzz {

// A property the target asserts: on failure the input is a finding (abort, so
// libFuzzer and the replay test both see a crash).
inline void require(bool condition, std::string_view what, std::string_view detail = {}) {
  if (condition) return;
  std::fprintf(stderr, "fuzz property broken: %.*s\n%.*s\n", static_cast<int>(what.size()),
               what.data(), static_cast<int>(detail.size()), detail.data());
  std::abort();
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Splits "a<sep>b<sep>c" into its parts (at least one), for targets that take
// several texts from one input (a config and the files it names, a series of
// HTTP answers). The separator is a line of its own, easy to write in seeds.
inline constexpr std::string_view kPartSeparator = "\n----next----\n";
inline std::vector<std::string> split_parts(std::string_view text, std::size_t max_parts) {
  std::vector<std::string> parts;
  while (parts.size() + 1 < max_parts) {
    auto at = text.find(kPartSeparator);
    if (at == std::string_view::npos) break;
    parts.emplace_back(text.substr(0, at));
    text.remove_prefix(at + kPartSeparator.size());
  }
  parts.emplace_back(text);
  return parts;
}

}  // namespace mentoring::fuzz
