#include "file_adapter/dates.hpp"

#include <gtest/gtest.h>

namespace mentoring::adapters::file {
namespace {

std::string iso(std::string_view text, DateFormat format) {
  return parse_date(text, format).iso.value_or("(refused)");
}
std::string why(std::string_view text, DateFormat format) {
  return parse_date(text, format).expected;
}

TEST(Dates, YearMonthDay) {
  EXPECT_EQ(iso("2024-03-07", DateFormat::year_month_day), "2024-03-07");
  EXPECT_EQ(iso("2024-3-7", DateFormat::year_month_day), "(refused)");
  EXPECT_EQ(iso("07/03/2024", DateFormat::year_month_day), "(refused)");
  EXPECT_EQ(iso("2024-03-07T10:00:00", DateFormat::year_month_day), "(refused)");
  EXPECT_EQ(why("2024/03/07", DateFormat::year_month_day), "a date YYYY-MM-DD");
}

TEST(Dates, DayMonthYear) {
  EXPECT_EQ(iso("07/03/2024", DateFormat::day_month_year), "2024-03-07");
  EXPECT_EQ(iso("7/3/2024", DateFormat::day_month_year), "2024-03-07");
  EXPECT_EQ(iso("2024-03-07", DateFormat::day_month_year), "(refused)");
  EXPECT_EQ(iso("07/03/24", DateFormat::day_month_year), "(refused)");
  EXPECT_EQ(why("2024-13-40", DateFormat::day_month_year), "a date DD/MM/YYYY");
}

TEST(Dates, MonthDayYear) {
  EXPECT_EQ(iso("03/07/2024", DateFormat::month_day_year), "2024-03-07");
  EXPECT_EQ(iso("12/31/2024", DateFormat::month_day_year), "2024-12-31");
  EXPECT_EQ(why("12/31/2024", DateFormat::day_month_year),
            "a date DD/MM/YYYY (there is no month 31)");
}

TEST(Dates, RefusesDaysThatDoNotExist) {
  EXPECT_EQ(why("2024-02-30", DateFormat::year_month_day),
            "a date YYYY-MM-DD (February 2024 has 29 days)");
  EXPECT_EQ(why("29/02/2023", DateFormat::day_month_year),
            "a date DD/MM/YYYY (February 2023 has 28 days)");
  EXPECT_EQ(why("04/31/2024", DateFormat::month_day_year),
            "a date MM/DD/YYYY (April 2024 has 30 days)");
  EXPECT_EQ(why("2024-13-01", DateFormat::year_month_day),
            "a date YYYY-MM-DD (there is no month 13)");
  EXPECT_EQ(iso("2024-00-10", DateFormat::year_month_day), "(refused)");
  EXPECT_EQ(iso("2024-01-00", DateFormat::year_month_day), "(refused)");
  EXPECT_EQ(iso("0000-01-01", DateFormat::year_month_day), "(refused)");
}

TEST(Dates, LeapYears) {
  EXPECT_EQ(iso("2024-02-29", DateFormat::year_month_day), "2024-02-29");
  EXPECT_EQ(iso("2000-02-29", DateFormat::year_month_day), "2000-02-29");
  EXPECT_EQ(iso("1900-02-29", DateFormat::year_month_day), "(refused)");
}

TEST(Dates, RefusesOtherText) {
  for (auto text : {"", " ", "soon", "2024-02-1x", "+1/02/2024", "1//2024", "01/02/2024/5"}) {
    EXPECT_FALSE(parse_date(text, DateFormat::day_month_year).iso) << text;
    EXPECT_FALSE(parse_date(text, DateFormat::year_month_day).iso) << text;
  }
}

TEST(Dates, FormatNames) {
  for (auto name : {"YYYY-MM-DD", "DD/MM/YYYY", "MM/DD/YYYY"}) {
    auto format = date_format_from_name(name);
    ASSERT_TRUE(format);
    EXPECT_EQ(name_of(*format), name);
  }
  EXPECT_FALSE(date_format_from_name("D/M/Y"));
}

}  // namespace
}  // namespace mentoring::adapters::file
