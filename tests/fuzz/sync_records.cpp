// The plugin's reading of the records in a pull answer (plugin/sync): each
// record is checked by hand (schemas/validator/record_check.cpp, the sync's
// fast path) and then converted (plugin/sync/codec.cpp).
// Input: one byte choosing the record kind (person, leave, course-completion),
// then JSON: a pull answer {"records": [...]}, an array of records or one record.
// Properties: the hand-written check gives the published schema's verdict and
// pointers (valijson), read from a DOM or from the page alike; a record that
// passes converts, unless a date of the right shape is not on the calendar
// (the codec's check, by design).
#include "fuzz_support.hpp"

#include <mentoring/json_page.hpp>
#include <mentoring/schema.hpp>
#include <mentoring/sync/codec.hpp>

#include <set>
#include <stdexcept>

using mentoring::fuzz::require;
using mentoring::schema::JsonPage;
using mentoring::schema::JsonSyntaxError;
using mentoring::schema::JsonValue;
using mentoring::schema::Problem;
using nlohmann::json;

namespace {

std::set<std::string> pointers(const std::vector<Problem>& problems) {
  std::set<std::string> out;
  for (const auto& p : problems) out.insert(p.pointer);
  return out;
}

std::string listed(const std::vector<Problem>& problems) {
  std::string out;
  for (const auto& p : problems) out += "\n  " + p.message();
  return out;
}

bool has_repeated_key(const JsonValue& record) {
  std::set<std::string_view> keys;
  bool repeated = false;
  record.for_each_member(
      [&](std::string_view key, JsonValue) { repeated = repeated || !keys.insert(key).second; });
  return repeated;
}

void check_record(std::string_view kind, const JsonValue& record) {
  const json dom = record.to_json();
  const auto fast = mentoring::schema::validate_record(kind, dom, "r");
  const std::string shown = dom.dump(-1, ' ', true);
  // valijson measures a string's length up to its first NUL byte ("\u0000x"
  // fails minLength 1): with a NUL the published schema's verdict is not the
  // reference (tests/fuzz/file_export/regression-nul-in-course-id).
  const bool has_nul = shown.find("\\u0000") != std::string::npos;
  const auto reference = has_nul ? fast : mentoring::schema::validate(kind, dom, "r");
  require(reference.empty() == fast.empty(), "the record check gives the schema's verdict",
          std::string(kind) + " " + shown);
  // valijson names only the first of several unknown fields; the check names
  // each (tests/fuzz/sync_records/regression-two-unknown-fields).
  std::set<std::string> reference_pointers = pointers(reference);
  for (const auto& p : fast) {
    if (p.found.rfind("unknown field", 0) == 0) reference_pointers.insert(p.pointer);
  }
  require(reference_pointers == pointers(fast), "the record check names the schema's pointers",
          std::string(kind) + " " + shown + "\nschema:" + listed(reference) +
              "\ncheck:" + listed(fast));
  // A repeated key: the DOM keeps the last; the page is checked as sent.
  if (!has_repeated_key(record)) {
    const auto from_page = mentoring::schema::validate_page_record(kind, record, "r");
    // The same problems; their order follows the keys, sorted in a DOM and as
    // sent in a page (regression-unknown-fields-in-page-order).
    auto worded = [](const std::vector<Problem>& problems) {
      std::multiset<std::string> out;
      for (const auto& p : problems) out.insert(p.pointer + "|" + p.found + "|" + p.expected);
      return out;
    };
    require(worded(from_page) == worded(fast),
            "the page check finds and words the problems of the DOM check",
            shown + "\npage:" + listed(from_page) + "\nDOM:" + listed(fast));
    if (!from_page.empty()) return;
  } else if (!mentoring::schema::validate_page_record(kind, record, "r").empty()) {
    return;
  }
  try {
    if (kind == "person") {
      auto person = mentoring::sync::person_from(record);
      require(!person.id.empty(), "a person has an id");
    } else if (kind == "leave") {
      auto leave = mentoring::sync::leave_from(record);
      require(!leave.id.empty(), "a leave has an id");
    } else {
      mentoring::sync::completion_from(record);
    }
  } catch (const std::invalid_argument& e) {
    // By design the schemas check a date's shape, the codec its calendar
    // (2028-05-81): the sync quarantines such a record as unreadable.
    require(std::string_view(e.what()).find("not a calendar date") != std::string_view::npos,
            "a record that passed the check converts, or has a date not on the calendar",
            std::string(e.what()) + "\n" + shown);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  static constexpr std::string_view kKinds[] = {"person", "leave", "course-completion"};
  const std::string_view kind = kKinds[data[0] % 3];
  std::optional<JsonPage> page;
  try {
    page.emplace(std::string(mentoring::fuzz::as_text(data + 1, size - 1)));
  } catch (const JsonSyntaxError&) {
    return 0;
  }
  JsonValue root = page->root();
  JsonValue records = root.is_object() && root["records"].is_array() ? root["records"] : root;
  if (records.is_array()) {
    for (JsonValue record : records.elements()) check_record(kind, record);
  } else {
    check_record(kind, records);
  }
  return 0;
}
