#include <mentoring/domain/date.hpp>

#include <gtest/gtest.h>

using namespace mentoring::domain;

TEST(Dates, ParseIsStrict) {
  EXPECT_TRUE(parse_date("2028-02-29"));
  EXPECT_FALSE(parse_date("2027-02-29"));
  EXPECT_FALSE(parse_date("2027-13-01"));
  EXPECT_FALSE(parse_date("01/02/2027"));
  EXPECT_FALSE(parse_date("2027-1-01"));
  EXPECT_FALSE(parse_date(""));
  EXPECT_EQ(format_date(*parse_date("2027-03-01")), "2027-03-01");
}

TEST(Dates, AddMonthsClampsToTheEndOfTheMonth) {
  EXPECT_EQ(format_date(add_months(*parse_date("2026-08-31"), 6)), "2027-02-28");
  EXPECT_EQ(format_date(add_months(*parse_date("2026-12-01"), 3)), "2027-03-01");
  EXPECT_EQ(format_date(add_months(*parse_date("2027-03-31"), -1)), "2027-02-28");
}

TEST(Dates, FromUnixMilliseconds) {
  EXPECT_EQ(format_date(date_from_unix_ms(1796083200000)), "2026-12-01");
  EXPECT_EQ(format_date(date_from_unix_ms(1796083200000 - 1)), "2026-11-30");
}
