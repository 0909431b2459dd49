// json_text.hpp — private to the validator: finding, eight bytes at a time,
// where a JSON string's plain text stops (the writer's escapes, the parser's
// closing quote or escape).
#pragma once

#include <cstdint>

namespace mentoring::schema::json_text {

// Whether any of the eight bytes in `word` is a control character (below
// 0x20), '"' or '\\': those end a run of plain string text. Exact for "any"
// (the bit tricks may misplace which byte, never miss one or invent one).
inline bool needs_escape(std::uint64_t word) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  auto has_zero = [&](std::uint64_t x) { return (x - kOnes) & ~x & kHigh; };
  const std::uint64_t below_space = (word - kOnes * 0x20) & ~word & kHigh;
  return (below_space | has_zero(word ^ (kOnes * '"')) | has_zero(word ^ (kOnes * '\\'))) != 0;
}

}  // namespace mentoring::schema::json_text
