#include "file_adapter/json_stream.hpp"

#include <nlohmann/json.hpp>

namespace mentoring::adapters::file {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Past the string that starts at text[pos] == '"'; npos when the text ends inside it.
std::size_t string_end(std::string_view text, std::size_t pos) {
  for (++pos; pos < text.size(); ++pos) {
    const char c = text[pos];
    if (c == '\\') {
      ++pos;  // the escaped character, whatever it is
    } else if (c == '"') {
      return pos + 1;
    }
  }
  return std::string_view::npos;
}

// Past a number or literal; npos when the text ends inside it.
std::size_t scalar_end(std::string_view text, std::size_t pos) {
  for (; pos < text.size(); ++pos) {
    const char c = text[pos];
    if (is_space(c) || c == ',' || c == ']' || c == '}' || c == ':' || c == '"' || c == '[' ||
        c == '{')
      return pos;
  }
  return std::string_view::npos;
}

// Past the value that starts at text[pos]; npos when the text ends inside it.
std::size_t value_end(std::string_view text, std::size_t pos) {
  const char first = text[pos];
  if (first == '"') return string_end(text, pos);
  if (first != '{' && first != '[') return scalar_end(text, pos);
  std::size_t depth = 0;
  while (pos < text.size()) {
    const char c = text[pos];
    if (c == '"') {
      pos = string_end(text, pos);
      if (pos == std::string_view::npos) return pos;
      continue;
    }
    if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return pos + 1;
    }
    ++pos;
  }
  return std::string_view::npos;
}

}  // namespace

std::vector<std::string> pointer_tokens(std::string_view pointer) {
  std::vector<std::string> tokens;
  if (pointer.empty()) return tokens;
  pointer.remove_prefix(1);  // the schema requires the leading '/'
  for (;;) {
    auto cut = pointer.find('/');
    std::string token;
    for (std::size_t i = 0; i < pointer.substr(0, cut).size(); ++i) {
      if (pointer[i] == '~' && i + 1 < pointer.size() &&
          (pointer[i + 1] == '0' || pointer[i + 1] == '1')) {
        token += pointer[i + 1] == '0' ? '~' : '/';
        ++i;
      } else {
        token += pointer[i];
      }
    }
    tokens.push_back(std::move(token));
    if (cut == std::string_view::npos) break;
    pointer.remove_prefix(cut + 1);
  }
  return tokens;
}

ArrayLocation find_records_array(std::string_view text, const std::vector<std::string>& tokens) {
  struct Frame {
    bool object;
    std::string key;
    std::size_t index = 0;
    bool expect_key = false;
  };
  std::vector<Frame> stack;
  auto at_pointer = [&] {
    if (stack.size() != tokens.size()) return false;
    for (std::size_t i = 0; i < stack.size(); ++i) {
      const Frame& f = stack[i];
      if (f.object ? f.key != tokens[i] : std::to_string(f.index) != tokens[i]) return false;
    }
    return true;
  };
  bool root_seen = false;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const char c = text[pos];
    if (is_space(c)) {
      ++pos;
      continue;
    }
    const bool key_position = !stack.empty() && stack.back().object && stack.back().expect_key;
    if (c == ',' || c == ':' || c == '}' || c == ']') {
      if (c == ',') {
        if (!stack.empty() && stack.back().object) stack.back().expect_key = true;
        if (!stack.empty() && !stack.back().object) ++stack.back().index;
      } else if (c == ':') {
        if (!stack.empty()) stack.back().expect_key = false;
      } else if (!stack.empty()) {
        stack.pop_back();
      }
      ++pos;
      continue;
    }
    if (!key_position) {
      if (stack.empty() && root_seen) return {ArrayLocation::Found::absent, pos};
      if (stack.empty()) root_seen = true;
      if (at_pointer()) {
        return {c == '[' ? ArrayLocation::Found::array : ArrayLocation::Found::not_array, pos};
      }
    }
    if (c == '{') {
      stack.push_back({true, {}, 0, true});
      ++pos;
    } else if (c == '[') {
      stack.push_back({false, {}, 0, false});
      ++pos;
    } else if (c == '"') {
      const std::size_t end = string_end(text, pos);
      if (end == std::string_view::npos) return {ArrayLocation::Found::need_more, 0};
      if (key_position) {
        std::string_view raw = text.substr(pos, end - pos);
        std::string key(raw.substr(1, raw.size() - 2));
        if (raw.find('\\') != std::string_view::npos) {
          try {
            key = nlohmann::json::parse(raw).get<std::string>();
          } catch (const nlohmann::json::exception&) {
            // Malformed: the caller's parse of the document says where.
          }
        }
        stack.back().key = std::move(key);
      }
      pos = end;
    } else {
      const std::size_t end = scalar_end(text, pos);
      if (end == std::string_view::npos) return {ArrayLocation::Found::need_more, 0};
      pos = end == pos ? pos + 1 : end;
    }
  }
  return {
      root_seen && stack.empty() ? ArrayLocation::Found::absent : ArrayLocation::Found::need_more,
      pos};
}

ElementScan scan_elements(std::string_view text, bool after_element, std::size_t max_elements) {
  enum class State { after_open, after_comma, after_element };
  State state = after_element ? State::after_element : State::after_open;
  ElementScan scan;
  std::size_t pos = 0;
  auto fail = [&](std::size_t at, std::string what) {
    scan.stop = ElementScan::Stop::syntax_error;
    scan.error_at = at;
    scan.error = std::move(what);
    return scan;
  };
  for (;;) {
    while (pos < text.size() && is_space(text[pos])) ++pos;
    if (pos >= text.size()) {
      scan.stop = ElementScan::Stop::need_more;
      return scan;
    }
    const char c = text[pos];
    if (state == State::after_element) {
      if (c == ',') {
        state = State::after_comma;
        ++pos;
        continue;
      }
      if (c == ']') {
        scan.stop = ElementScan::Stop::end_of_array;
        scan.consumed = pos + 1;
        return scan;
      }
      return fail(pos, std::string("'") + c + "' after a record (expected ',' or ']')");
    }
    if (c == ']') {
      if (state == State::after_comma) return fail(pos, "']' after a ',' (expected a record)");
      scan.stop = ElementScan::Stop::end_of_array;
      scan.consumed = pos + 1;
      return scan;
    }
    if (c == ',' || c == '}' || c == ':') {
      return fail(pos, std::string("'") + c + "' where a record was expected");
    }
    const std::size_t end = value_end(text, pos);
    if (end == std::string_view::npos) {
      scan.stop = ElementScan::Stop::need_more;
      return scan;
    }
    scan.spans.emplace_back(pos, end);
    scan.consumed = end;
    pos = end;
    state = State::after_element;
    if (scan.spans.size() >= max_elements) {
      scan.stop = ElementScan::Stop::limit;
      return scan;
    }
  }
}

}  // namespace mentoring::adapters::file
