// The JSON page reader (schemas/validator/json_page.cpp), which reads every
// page of records a host or an adapter sends, held against nlohmann::json
// (which reads everything else): what one accepts the other accepts, with
// equal values; what one refuses the other refuses. The one difference by
// design: a page nests at most 512 deep; and nlohmann reads a NUL byte as the
// end of the text, where the page reader refuses it (as RFC 8259 does).
// Input: the JSON text.
// Also: every accessor of an accepted page (member lookup, integer(), string(),
// elements) answers as the nlohmann value does.
#include "fuzz_support.hpp"

#include <mentoring/json_page.hpp>

#include <limits>

using mentoring::fuzz::require;
using mentoring::schema::JsonPage;
using mentoring::schema::JsonSyntaxError;
using mentoring::schema::JsonValue;
using nlohmann::json;

namespace {

// Deepest nesting of brackets outside strings (the text need not be valid).
int nesting_of(std::string_view text) {
  int depth = 0, deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

void compare(const JsonValue& ours, const json& theirs) {
  switch (theirs.type()) {
    case json::value_t::null:
      require(ours.is_null(), "null is null");
      break;
    case json::value_t::boolean:
      require(ours.is_boolean() && ours.boolean() == theirs.get<bool>(), "booleans agree");
      break;
    case json::value_t::string:
      require(ours.is_string() && ours.string() == theirs.get_ref<const std::string&>(),
              "strings agree", theirs.dump(-1, ' ', true));
      break;
    case json::value_t::number_integer: {
      require(ours.is_number(), "integers are numbers");
      require(ours.integer() == theirs.get<long long>(), "integers agree", ours.number_text());
      break;
    }
    case json::value_t::number_unsigned: {
      require(ours.is_number(), "integers are numbers");
      const auto value = theirs.get<unsigned long long>();
      const bool fits =
          value <= static_cast<unsigned long long>(std::numeric_limits<long long>::max());
      require(ours.integer().has_value() == fits, "an integer fits a long long or is nullopt",
              ours.number_text());
      if (fits)
        require(*ours.integer() == static_cast<long long>(value), "integers agree",
                ours.number_text());
      break;
    }
    case json::value_t::number_float:
      require(ours.is_number() && !ours.integer().has_value(),
              "a number with fraction or exponent is no integer", ours.number_text());
      break;
    case json::value_t::array: {
      require(ours.is_array() && ours.size() == theirs.size(), "arrays have the same length");
      std::size_t i = 0;
      for (JsonValue element : ours.elements()) compare(element, theirs[i++]);
      require(i == theirs.size(), "elements() walks every element");
      break;
    }
    case json::value_t::object: {
      require(ours.is_object(), "objects are objects");
      std::size_t members = 0;
      ours.for_each_member([&](std::string_view key, JsonValue) {
        ++members;
        auto it = theirs.find(std::string(key));
        require(it != theirs.end(), "every member's key is known to nlohmann");
        // operator[] answers the last member of a repeated key, as nlohmann keeps.
        compare(ours[key], *it);
      });
      require(members >= theirs.size(), "for_each_member visits every key");
      require(ours["\x01no such key"].is_missing(), "an absent key is missing");
      break;
    }
    default:
      require(false, "nlohmann type outside JSON");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(mentoring::fuzz::as_text(data, size));
  // Deep nesting: nlohmann's own comparison and dump recurse; beyond what a
  // page may hold only the decisions are compared.
  const bool deep = nesting_of(text) > 400;

  const json theirs = json::parse(text, nullptr, /*allow_exceptions=*/false);
  std::optional<JsonPage> page;
  std::string refusal;
  try {
    page.emplace(text);
  } catch (const JsonSyntaxError& e) {
    require(e.offset() <= text.size(), "a syntax error's offset is inside the text");
    refusal = e.what();
  }

  // nlohmann takes a NUL byte outside a string for the end of the text
  // ("56\0x" reads as 56); JSON has no such rule, and the page reader refuses
  // any raw NUL (tests/fuzz/json_page/regression-nul-ends-nlohmann).
  if (text.find('\0') != std::string::npos) {
    require(!page.has_value(), "the page reader refuses a raw NUL byte", text);
    return 0;
  }
  if (theirs.is_discarded()) {
    require(!page.has_value(), "the page reader accepts what nlohmann refuses", text);
    return 0;
  }
  if (!page) {
    require(refusal.find("nesting deeper than 512") != std::string::npos && nesting_of(text) > 512,
            "the page reader refuses what nlohmann accepts", refusal + "\n" + text);
    return 0;
  }
  if (deep) return 0;
  require(page->root().to_json() == theirs, "the page reader and nlohmann read the same values",
          text);
  compare(page->root(), theirs);
  return 0;
}
