#include "json_text.hpp"

#include <mentoring/json_page.hpp>
#include <mentoring/schema.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <mutex>

namespace mentoring::schema {

using Type = JsonValue::Type;

JsonSyntaxError::JsonSyntaxError(std::size_t offset, const std::string& message)
    : std::runtime_error("invalid JSON at byte " + std::to_string(offset) + ": " + message),
      offset_(offset) {}

// Recursive descent over the page's own buffer; see json_page.hpp.
class PageParser {
 public:
  PageParser(std::string& text, std::vector<JsonPage::Node>& nodes)
      : s_(text.data()), n_(text.size()), nodes_(nodes) {}

  void parse_document() {
    if (n_ > std::numeric_limits<std::uint32_t>::max() - 1) fail(0, "a page over 4 GB");
    std::size_t bad = 0;
    if (!is_valid_utf8(std::string_view(s_, n_), &bad)) fail(bad, "invalid UTF-8");
    if (n_ >= 3 && std::memcmp(s_, "\xEF\xBB\xBF", 3) == 0) pos_ = 3;  // a byte order mark
    nodes_.reserve(n_ / 16 + 8);
    skip_whitespace();
    parse_value(0);
    skip_whitespace();
    if (pos_ != n_) fail(pos_, "unexpected " + shown(pos_) + " after the JSON value");
  }

 private:
  static constexpr int kMaxDepth = 512;

  [[noreturn]] void fail(std::size_t at, const std::string& what) const {
    throw JsonSyntaxError(at, what);
  }
  std::string shown(std::size_t at) const {
    if (at >= n_) return "end of text";
    unsigned char c = static_cast<unsigned char>(s_[at]);
    if (c >= 0x20 && c < 0x7f) return std::string("'") + static_cast<char>(c) + "'";
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", c);
    return std::string("byte ") + hex;
  }
  char peek() const { return pos_ < n_ ? s_[pos_] : '\0'; }
  bool digit_at(std::size_t at) const { return at < n_ && s_[at] >= '0' && s_[at] <= '9'; }

  void skip_whitespace() {
    while (pos_ < n_ &&
           (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\r' || s_[pos_] == '\t'))
      ++pos_;
  }

  std::uint32_t add(Type type, std::size_t begin, std::size_t length) {
    auto index = static_cast<std::uint32_t>(nodes_.size());
    nodes_.push_back(
        {static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(length), index + 1, type});
    return index;
  }

  void parse_value(int depth) {
    if (pos_ >= n_) fail(pos_, "unexpected end of text; expected a value");
    switch (s_[pos_]) {
      case '{':
        return parse_container(depth, Type::object, '}');
      case '[':
        return parse_container(depth, Type::array, ']');
      case '"':
        return parse_string();
      case 't':
        return parse_literal("true", Type::boolean, 1);
      case 'f':
        return parse_literal("false", Type::boolean, 0);
      case 'n':
        return parse_literal("null", Type::null, 0);
      default:
        if (s_[pos_] == '-' || digit_at(pos_)) return parse_number();
        fail(pos_, "unexpected " + shown(pos_) + "; expected a value");
    }
  }

  void parse_literal(std::string_view word, Type type, std::size_t value) {
    if (n_ - pos_ < word.size() || std::memcmp(s_ + pos_, word.data(), word.size()) != 0)
      fail(pos_, "unexpected " + shown(pos_) + "; expected a value");
    add(type, pos_, value);
    pos_ += word.size();
  }

  void parse_container(int depth, Type type, char close) {
    if (depth >= kMaxDepth) fail(pos_, "nesting deeper than 512");
    std::uint32_t self = add(type, pos_, 0);
    ++pos_;
    skip_whitespace();
    std::uint32_t count = 0;
    if (peek() == close) {
      ++pos_;
    } else {
      for (;;) {
        skip_whitespace();
        if (type == Type::object) {
          if (peek() != '"') fail(pos_, "unexpected " + shown(pos_) + "; expected a member name");
          parse_string();
          skip_whitespace();
          if (peek() != ':') fail(pos_, "unexpected " + shown(pos_) + "; expected ':'");
          ++pos_;
          skip_whitespace();
        }
        parse_value(depth + 1);
        ++count;
        skip_whitespace();
        if (peek() == ',') {
          ++pos_;
          continue;
        }
        if (peek() == close) {
          ++pos_;
          break;
        }
        fail(pos_, "unexpected " + shown(pos_) + "; expected ',' or '" + close + "'");
      }
    }
    nodes_[self].text_length = count;
    nodes_[self].subtree_end = static_cast<std::uint32_t>(nodes_.size());
  }

  unsigned hex4(std::size_t at) const {
    if (n_ - at < 4) fail(at, "a \\u escape needs four hex digits");
    unsigned value = 0;
    for (std::size_t i = at; i < at + 4; ++i) {
      char c = s_[i];
      unsigned digit = c >= '0' && c <= '9'   ? static_cast<unsigned>(c - '0')
                       : c >= 'a' && c <= 'f' ? static_cast<unsigned>(c - 'a' + 10)
                       : c >= 'A' && c <= 'F' ? static_cast<unsigned>(c - 'A' + 10)
                                              : 16u;
      if (digit == 16) fail(i, "a \\u escape needs four hex digits");
      value = value * 16 + digit;
    }
    return value;
  }

  // Decodes in place: what an escape stands for is never longer than the escape.
  void parse_string() {
    std::size_t quote = pos_++;
    std::size_t begin = pos_, out = pos_;
    for (;;) {
      std::size_t run = pos_;
      // Eight plain bytes at a time (most strings have no escape).
      while (n_ - run >= 8) {
        std::uint64_t word;
        std::memcpy(&word, s_ + run, 8);
        if (json_text::needs_escape(word)) break;
        run += 8;
      }
      while (run < n_) {
        auto c = static_cast<unsigned char>(s_[run]);
        if (c == '"' || c == '\\' || c < 0x20) break;
        ++run;
      }
      if (out != pos_) std::memmove(s_ + out, s_ + pos_, run - pos_);
      out += run - pos_;
      pos_ = run;
      if (pos_ >= n_) fail(quote, "a string without its closing quote");
      char c = s_[pos_];
      if (c == '"') {
        ++pos_;
        break;
      }
      if (c != '\\') fail(pos_, "a control character in a string (it must be escaped)");
      char escape = pos_ + 1 < n_ ? s_[pos_ + 1] : '\0';
      char simple = escape == '"'    ? '"'
                    : escape == '\\' ? '\\'
                    : escape == '/'  ? '/'
                    : escape == 'b'  ? '\b'
                    : escape == 'f'  ? '\f'
                    : escape == 'n'  ? '\n'
                    : escape == 'r'  ? '\r'
                    : escape == 't'  ? '\t'
                                     : '\0';
      if (simple != '\0') {
        s_[out++] = simple;
        pos_ += 2;
        continue;
      }
      if (escape != 'u') fail(pos_, "an invalid escape in a string");
      unsigned code = hex4(pos_ + 2);
      std::size_t escape_at = pos_;
      pos_ += 6;
      if (code >= 0xDC00 && code <= 0xDFFF) fail(escape_at, "a lone low surrogate in a \\u escape");
      if (code >= 0xD800 && code <= 0xDBFF) {
        if (n_ - pos_ < 2 || s_[pos_] != '\\' || s_[pos_ + 1] != 'u')
          fail(escape_at, "a high surrogate \\u escape without its low surrogate");
        unsigned low = hex4(pos_ + 2);
        if (low < 0xDC00 || low > 0xDFFF)
          fail(escape_at, "a high surrogate \\u escape without its low surrogate");
        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
        pos_ += 6;
      }
      out += encode_utf8(code, s_ + out);
    }
    add(Type::string, begin, out - begin);
  }

  static std::size_t encode_utf8(unsigned code, char* to) {
    if (code < 0x80) {
      to[0] = static_cast<char>(code);
      return 1;
    }
    if (code < 0x800) {
      to[0] = static_cast<char>(0xC0 | (code >> 6));
      to[1] = static_cast<char>(0x80 | (code & 0x3F));
      return 2;
    }
    if (code < 0x10000) {
      to[0] = static_cast<char>(0xE0 | (code >> 12));
      to[1] = static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      to[2] = static_cast<char>(0x80 | (code & 0x3F));
      return 3;
    }
    to[0] = static_cast<char>(0xF0 | (code >> 18));
    to[1] = static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    to[2] = static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    to[3] = static_cast<char>(0x80 | (code & 0x3F));
    return 4;
  }

  void parse_number() {
    std::size_t begin = pos_;
    if (s_[pos_] == '-') ++pos_;
    if (!digit_at(pos_)) fail(pos_, "unexpected " + shown(pos_) + "; expected a digit");
    if (s_[pos_] == '0') {
      ++pos_;
    } else {
      while (digit_at(pos_)) ++pos_;
    }
    bool integral = true;
    if (peek() == '.') {
      integral = false;
      ++pos_;
      if (!digit_at(pos_)) fail(pos_, "unexpected " + shown(pos_) + "; expected a digit");
      while (digit_at(pos_)) ++pos_;
    }
    if (peek() == 'e' || peek() == 'E') {
      integral = false;
      ++pos_;
      if (peek() == '+' || peek() == '-') ++pos_;
      if (!digit_at(pos_)) fail(pos_, "unexpected " + shown(pos_) + "; expected a digit");
      while (digit_at(pos_)) ++pos_;
    }
    // nlohmann refuses a number a double cannot hold; so do we. (Integers too
    // large for 64 bits become doubles there, and are accepted unless a double
    // overflows too: 310 digits and more, found by tests/fuzz/sync_records.)
    if (!integral || pos_ - begin > 19) {
      std::string literal(s_ + begin, pos_ - begin);
      if (!std::isfinite(std::strtod(literal.c_str(), nullptr)))
        fail(begin, "a number out of range (" + literal + ")");
    }
    add(Type::number, begin, pos_ - begin);
  }

  char* s_;
  std::size_t n_;
  std::size_t pos_ = 0;
  std::vector<JsonPage::Node>& nodes_;
};

namespace {
constexpr std::size_t kMaxSpareBytes = 8 * 1024 * 1024;
std::mutex spare_mutex;
}  // namespace

std::vector<JsonPage::Node>& JsonPage::spare_nodes() {
  static std::vector<Node> spare;  // guarded by spare_mutex
  return spare;
}

std::vector<JsonPage::Node> JsonPage::take_spare_nodes() {
  std::lock_guard lock(spare_mutex);
  std::vector<Node> nodes;
  nodes.swap(spare_nodes());
  return nodes;
}

void JsonPage::keep_spare_nodes(std::vector<Node>&& nodes) {
  if (nodes.capacity() * sizeof(Node) > kMaxSpareBytes) return;
  nodes.clear();
  std::lock_guard lock(spare_mutex);
  if (nodes.capacity() > spare_nodes().capacity()) spare_nodes() = std::move(nodes);
}

JsonPage::JsonPage(std::string text) : text_(std::move(text)), nodes_(take_spare_nodes()) {
  nodes_.clear();
  PageParser(text_, nodes_).parse_document();
}

JsonPage::~JsonPage() {
  keep_spare_nodes(std::move(nodes_));
}

// ------------------------------------------------------------------- values

Type JsonValue::type() const noexcept {
  return page_ ? page_->nodes_[index_].type : Type::missing;
}

std::string_view JsonValue::string() const noexcept {
  if (!is_string()) return {};
  const auto& node = page_->nodes_[index_];
  return std::string_view(page_->text_.data() + node.text_begin, node.text_length);
}

std::string_view JsonValue::number_text() const noexcept {
  if (!is_number()) return {};
  const auto& node = page_->nodes_[index_];
  return std::string_view(page_->text_.data() + node.text_begin, node.text_length);
}

std::optional<long long> JsonValue::integer() const noexcept {
  std::string_view text = number_text();
  if (text.empty() || text.find_first_of(".eE") != std::string_view::npos) return std::nullopt;
  long long value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

bool JsonValue::boolean() const noexcept {
  return is_boolean() && page_->nodes_[index_].text_length != 0;
}

JsonValue JsonValue::operator[](std::string_view key) const noexcept {
  if (!is_object()) return {};
  const auto& nodes = page_->nodes_;
  const char* text = page_->text_.data();
  JsonValue found;
  for (std::uint32_t i = index_ + 1; i < nodes[index_].subtree_end; i = nodes[i + 1].subtree_end) {
    const auto& name = nodes[i];
    if (name.text_length == key.size() &&
        std::memcmp(text + name.text_begin, key.data(), key.size()) == 0)
      found = JsonValue(page_, i + 1);
  }
  return found;
}

std::size_t JsonValue::size() const noexcept {
  return is_array() || is_object() ? page_->nodes_[index_].text_length : 0;
}

JsonValue::Range JsonValue::elements() const noexcept {
  if (!is_array()) return {nullptr, 0, 0};
  return {page_, index_ + 1, page_->nodes_[index_].subtree_end};
}

JsonValue::Iterator JsonValue::Range::begin() const noexcept {
  return Iterator(page, first);
}
JsonValue::Iterator JsonValue::Range::end() const noexcept {
  return Iterator(page, last);
}

JsonValue::Iterator& JsonValue::Iterator::operator++() noexcept {
  index_ = page_->nodes_[index_].subtree_end;
  return *this;
}

nlohmann::json JsonValue::to_json() const {
  switch (type()) {
    case Type::missing:
      return "(missing)";
    case Type::null:
      return nullptr;
    case Type::boolean:
      return boolean();
    case Type::number:
      return nlohmann::json::parse(number_text());
    case Type::string:
      return std::string(string());
    case Type::array: {
      nlohmann::json out = nlohmann::json::array();
      for (JsonValue element : elements()) out.push_back(element.to_json());
      return out;
    }
    case Type::object: {
      nlohmann::json out = nlohmann::json::object();
      const auto& nodes = page_->nodes_;
      for (std::uint32_t i = index_ + 1; i < nodes[index_].subtree_end;
           i = nodes[i + 1].subtree_end)
        out[std::string(JsonValue(page_, i).string())] = JsonValue(page_, i + 1).to_json();
      return out;
    }
  }
  return nullptr;
}

}  // namespace mentoring::schema
