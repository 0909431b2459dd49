// file_adapter/json_stream.hpp — finds the array of records in a JSON export
// and each element's bytes without parsing the document whole: strings and
// escapes are respected, each element is then parsed alone.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mentoring::adapters::file {

// "/a/b~1c" -> {"a", "b/c"} (RFC 6901 escapes undone).
std::vector<std::string> pointer_tokens(std::string_view pointer);

struct ArrayLocation {
  enum class Found { array, not_array, need_more, absent };
  Found found = Found::need_more;
  std::size_t offset = 0;  // the '[' (array) or the value's first byte (not_array)
};

// Where the value at `tokens` starts in `text` (the document's beginning).
// need_more: the text ends first; absent: the document ends without it.
// Assumes well-formed JSON: the caller parses what lies outside the array.
ArrayLocation find_records_array(std::string_view text, const std::vector<std::string>& tokens);

struct ElementScan {
  enum class Stop { need_more, end_of_array, limit, syntax_error };
  Stop stop = Stop::need_more;
  std::vector<std::pair<std::size_t, std::size_t>> spans;  // [begin, end) of each element
  std::size_t consumed = 0;  // just past the last element, or past the ']' at end_of_array
  std::size_t error_at = 0;
  std::string error;  // syntax_error: what was found, eg "a ',' before ']'"
};

// The elements of an array from the start of `text`, which sits just after its
// '[' (after_element false) or just after one of its elements (true). Stops
// after max_elements, at the closing ']', or where the text ends inside an
// element (need_more). Elements are delimited, not validated.
ElementScan scan_elements(std::string_view text, bool after_element, std::size_t max_elements);

}  // namespace mentoring::adapters::file
