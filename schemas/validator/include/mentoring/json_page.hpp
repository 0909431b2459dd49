// mentoring/json_page.hpp — a JSON page (a host's page, a pull answer), read once into a flat table
// of values that point into the page's own text: no allocation per value.
//
//   schema::JsonPage page(std::move(response.body));      // throws JsonSyntaxError
//   for (schema::JsonValue employee : page.root()["data"].elements()) {
//     std::string_view first = employee["firstName"].string();
//     if (employee["hireDate"].is_missing()) ...
//   }
//
// Why not nlohmann::json here: a full sync reads millions of records, and a
// DOM per page (a map node and a string per field, all freed again) cost more
// than everything else an adapter or the plugin's sync does with them. What is
// not a page of records (a cursor, a config, an error body) still goes through
// nlohmann::json, and to_json() converts any value for messages. The grammar is RFC 8259 and the
// text must be UTF-8: whatever nlohmann::json::parse refuses is refused here
// too (tests/schemas/json_page_test.cpp holds the two together).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mentoring::schema {

class JsonPage;

class JsonSyntaxError : public std::runtime_error {
 public:
  JsonSyntaxError(std::size_t offset, const std::string& message);
  std::size_t offset() const noexcept { return offset_; }  // byte offset in the text

 private:
  std::size_t offset_;
};

// One value of a page, or "missing" (a member the object does not have, an
// element past the end). A small handle: copy it freely while the page lives.
class JsonValue {
 public:
  enum class Type : std::uint8_t { missing, null, boolean, number, string, array, object };

  JsonValue() = default;  // missing
  Type type() const noexcept;
  bool is_missing() const noexcept { return type() == Type::missing; }
  bool is_null() const noexcept { return type() == Type::null; }
  bool is_boolean() const noexcept { return type() == Type::boolean; }
  bool is_number() const noexcept { return type() == Type::number; }
  bool is_string() const noexcept { return type() == Type::string; }
  bool is_array() const noexcept { return type() == Type::array; }
  bool is_object() const noexcept { return type() == Type::object; }

  // A string's text (escapes decoded); "" for anything else.
  std::string_view string() const noexcept;
  // A number as written, eg "-12.5e3"; "" for anything else.
  std::string_view number_text() const noexcept;
  // A number written without fraction or exponent that fits a long long.
  std::optional<long long> integer() const noexcept;
  bool boolean() const noexcept;

  // An object's member (the last one when a key repeats, as nlohmann keeps);
  // missing when absent or when this is not an object.
  JsonValue operator[](std::string_view key) const noexcept;
  // Elements of an array, members of an object.
  std::size_t size() const noexcept;
  // An object's members in order: visit(std::string_view key, JsonValue value).
  template <class Visit>
  void for_each_member(Visit&& visit) const;

  class Iterator;
  struct Range {
    Iterator begin() const noexcept;
    Iterator end() const noexcept;
    const JsonPage* page;
    std::uint32_t first, last;
  };
  // An array's elements in order (empty for anything else).
  Range elements() const noexcept;

  // The same value as nlohmann::json, eg for messages; missing -> "(missing)".
  nlohmann::json to_json() const;

 private:
  friend class JsonPage;
  JsonValue(const JsonPage* page, std::uint32_t index) : page_(page), index_(index) {}
  const JsonPage* page_ = nullptr;
  std::uint32_t index_ = 0;
};

class JsonValue::Iterator {
 public:
  JsonValue operator*() const noexcept { return JsonValue(page_, index_); }
  Iterator& operator++() noexcept;
  bool operator==(const Iterator& other) const noexcept { return index_ == other.index_; }

 private:
  friend struct JsonValue::Range;
  Iterator(const JsonPage* page, std::uint32_t index) : page_(page), index_(index) {}
  const JsonPage* page_;
  std::uint32_t index_;
};

class JsonPage {
 public:
  // Parses the whole text; throws JsonSyntaxError on invalid UTF-8, a syntax
  // error, trailing content or nesting deeper than 512.
  explicit JsonPage(std::string text);
  ~JsonPage();
  JsonPage(const JsonPage&) = delete;  // values point into this object
  JsonPage& operator=(const JsonPage&) = delete;

  JsonValue root() const noexcept { return JsonValue(this, 0); }

 private:
  friend class JsonValue;
  friend class JsonValue::Iterator;
  friend class PageParser;
  // Document order. Containers hold [begin, end) of their subtree's nodes;
  // an object's children alternate key, value. Strings and numbers hold a
  // span of text_ (strings decoded in place: never longer than written).
  struct Node {
    std::uint32_t text_begin;
    std::uint32_t text_length;  // containers: number of elements / members
    std::uint32_t subtree_end;  // index one past this value's last node
    JsonValue::Type type;
  };
  std::string text_;
  std::vector<Node> nodes_;
  // The node table of the last page destroyed, for the next page: a sync reads
  // page after page of the same size, and fresh memory for each is a page
  // fault per 4 KiB (kept only up to kMaxSpareBytes).
  static std::vector<Node>& spare_nodes();
  static std::vector<Node> take_spare_nodes();
  static void keep_spare_nodes(std::vector<Node>&& nodes);
};

template <class Visit>
void JsonValue::for_each_member(Visit&& visit) const {
  if (!is_object()) return;
  const auto& nodes = page_->nodes_;
  for (std::uint32_t i = index_ + 1; i < nodes[index_].subtree_end; i = nodes[i + 1].subtree_end)
    visit(JsonValue(page_, i).string(), JsonValue(page_, i + 1));
}

}  // namespace mentoring::schema
