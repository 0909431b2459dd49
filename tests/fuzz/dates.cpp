// Dates from outside: the plugin's strict YYYY-MM-DD (plugin/core/date.cpp)
// and the file adapter's export formats (adapters/file/src/dates.cpp), held
// against each other, and days from unix milliseconds (the host's clock).
// Input: the date text (the first 8 bytes also serve as a unix time in ms).
// Properties: a date read is written back as the same text; the two readers
// agree on YYYY-MM-DD (year 0000 aside: the adapter refuses it, as exports
// never hold it); a date the adapter accepts in any format is one the plugin
// accepts; a refusal says what was expected.
#include "fuzz_support.hpp"

#include <file_adapter/dates.hpp>
#include <mentoring/domain/date.hpp>

#include <cstring>

namespace domain = mentoring::domain;
namespace file = mentoring::adapters::file;
using mentoring::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = mentoring::fuzz::as_text(data, size);

  const auto plugin_date = domain::parse_date(text);
  if (plugin_date) {
    require(domain::format_date(*plugin_date) == text, "a date read is written back as read", text);
    // A month later and back stays a valid date (the schedules do this).
    const auto later = domain::add_months(*plugin_date, 1);
    require(later > *plugin_date, "a month later is later");
  }

  for (auto format : {file::DateFormat::year_month_day, file::DateFormat::day_month_year,
                      file::DateFormat::month_day_year}) {
    const file::ParsedDate parsed = file::parse_date(text, format);
    if (!parsed.iso) {
      require(!parsed.expected.empty(), "a refused date says what was expected");
      continue;
    }
    const auto as_plugin = domain::parse_date(*parsed.iso);
    require(as_plugin.has_value(), "the adapter's date is one the plugin reads", *parsed.iso);
    if (format == file::DateFormat::year_month_day)
      require(*parsed.iso == text, "YYYY-MM-DD is passed on unchanged", text);
  }
  const bool year_zero = text.size() >= 4 && text.substr(0, 4) == "0000";
  if (!year_zero) {
    const bool adapter_reads =
        file::parse_date(text, file::DateFormat::year_month_day).iso.has_value();
    require(adapter_reads == plugin_date.has_value(),
            "the adapter and the plugin agree on YYYY-MM-DD", text);
  }

  if (size >= 8) {
    std::int64_t unix_ms = 0;
    std::memcpy(&unix_ms, data, sizeof unix_ms);
    // The host's clock (plugin/shell): any time from year 1 to 9999 maps to its day.
    constexpr std::int64_t kYear1 = -62135596800000, kYear10000 = 253402300800000;
    if (unix_ms >= kYear1 && unix_ms < kYear10000) {
      const auto day = domain::date_from_unix_ms(unix_ms);
      const std::string written = domain::format_date(day);
      const auto back = domain::parse_date(written);
      require(back.has_value() && *back == day, "a day written and read back is the same day",
              written);
    }
  }
  return 0;
}
