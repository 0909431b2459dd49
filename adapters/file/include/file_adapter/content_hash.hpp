// file_adapter/content_hash.hpp — the cursor of a file stream: a hash of what
// was read, so an unchanged export is recognised without re-ingesting it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mentoring::adapters::file {

// 64-bit FNV-1a; continue a hash by passing the previous value as `seed`.
std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t seed = 0xcbf29ce484222325ULL);

// 16 lowercase hex digits.
std::string to_hex(std::uint64_t value);

}  // namespace mentoring::adapters::file
