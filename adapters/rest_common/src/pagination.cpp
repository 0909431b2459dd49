#include "rest_common/pagination.hpp"

#include <mentoring/module.hpp>

namespace mentoring::adapters::rest {

std::optional<std::string> next_link(const std::string& link_header) {
  std::size_t at = 0;
  while (at < link_header.size()) {
    auto open = link_header.find('<', at);
    if (open == std::string::npos) break;
    auto close = link_header.find('>', open);
    if (close == std::string::npos) break;
    auto end = link_header.find('<', close);  // parameters run to the next link
    std::string params = link_header.substr(
        close + 1, end == std::string::npos ? std::string::npos : end - close - 1);
    for (const char* rel : {"rel=\"next\"", "rel=next", "rel=\"next "}) {
      if (params.find(rel) != std::string::npos)
        return link_header.substr(open + 1, close - open - 1);
    }
    at = close + 1;
  }
  return std::nullopt;
}

bool offset_page_is_last(long long offset, long long received, long long limit,
                         std::optional<long long> total) {
  if (total) return offset + received >= *total || received == 0;
  return received < limit;
}

bool numbered_page_is_last(long long page, long long received, long long per_page,
                           std::optional<long long> total_pages) {
  if (total_pages) return page >= *total_pages || received == 0;
  return received < per_page;
}

std::string encode_cursor(const nlohmann::json& state) {
  return state.dump();
}

nlohmann::json decode_cursor(const nlohmann::json& cursor, const std::string& adapter) {
  if (cursor.is_null()) return nlohmann::json::object();
  if (cursor.is_string()) {
    auto state = nlohmann::json::parse(cursor.get<std::string>(), nullptr, false);
    if (state.is_object()) return state;
  }
  throw mentoring::Error(MENTORING_ERR_INVALID_INPUT,
                         adapter + " adapter: pull: /cursor: found " + cursor.dump().substr(0, 80) +
                             "; expected null or a cursor this adapter gave out");
}

}  // namespace mentoring::adapters::rest
