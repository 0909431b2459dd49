// rest_common/pagination.hpp — the paging schemes REST APIs use, and the
// cursor string adapters hand to the plugin (opaque to it, JSON to us).
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace mentoring::adapters::rest {

// The URL of rel="next" in an RFC 8288 Link header, eg
// `<https://x/api?page=3>; rel="next", <...>; rel="last"`.
std::optional<std::string> next_link(const std::string& link_header);

// Offset/limit paging (OrangeHRM, Moodle limitfrom/limitnumber): whether the
// page that started at offset and held `received` items was the last one.
bool offset_page_is_last(long long offset, long long received, long long limit,
                         std::optional<long long> total);

// Page-number paging: the same question for page numbers from 1.
bool numbered_page_is_last(long long page, long long received, long long per_page,
                           std::optional<long long> total_pages);

// A cursor is a compact JSON object in a string. decode_cursor(null) is {};
// a string that is not one of ours is Error(MENTORING_ERR_INVALID_INPUT)
// naming the adapter, so a cursor from another adapter is not misread.
std::string encode_cursor(const nlohmann::json& state);
nlohmann::json decode_cursor(const nlohmann::json& cursor, const std::string& adapter);

}  // namespace mentoring::adapters::rest
