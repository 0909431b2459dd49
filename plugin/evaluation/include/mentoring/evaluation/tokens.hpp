// mentoring/evaluation/tokens.hpp — survey tokens: what lets a participant
// answer once, and what the store keeps of it (a SHA-256, never the token).
//
//   std::string token = evaluation::new_survey_token();    // sent to the participant
//   std::string kept = evaluation::sha256_hex(token);      // stored
#pragma once

#include <string>
#include <string_view>

namespace mentoring::evaluation {

// 192 random bits from the kernel's generator (getrandom), as 48 hex digits.
// Throws std::runtime_error when the kernel gives none.
std::string new_survey_token();

// SHA-256 (FIPS 180-4) of the bytes, as 64 lower-case hex digits.
std::string sha256_hex(std::string_view bytes);

}  // namespace mentoring::evaluation
