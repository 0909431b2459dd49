// rest_common/crypto.hpp — what webhook verification and basic auth need.
#pragma once

#include <string>
#include <string_view>

namespace mentoring::adapters::rest {

std::string base64_encode(std::string_view bytes);
// Lower-case hex HMAC-SHA256 of message under key.
std::string hmac_sha256_hex(std::string_view key, std::string_view message);
// Compares without leaking, through timing, where the first difference is.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace mentoring::adapters::rest
