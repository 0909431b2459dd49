#include "file_adapter/csv.hpp"

#include <gtest/gtest.h>

namespace mentoring::adapters::file {
namespace {

using Fields = std::vector<std::string_view>;

TEST(Csv, ReadsHeaderAndRowsWithSpreadsheetRowNumbers) {
  CsvText csv = parse_csv("id,name\nE1,Ann\nE2,Bob\n");
  ASSERT_TRUE(csv.errors.empty());
  ASSERT_EQ(csv.records.size(), 3u);
  EXPECT_EQ(csv.records[0].fields, (Fields{"id", "name"}));
  EXPECT_EQ(csv.records[0].row, 1u);
  EXPECT_EQ(csv.records[2].fields, (Fields{"E2", "Bob"}));
  EXPECT_EQ(csv.records[2].row, 3u);
}

TEST(Csv, QuotedFieldsHoldDelimitersAndDoubledQuotes) {
  CsvText csv = parse_csv("a,b,c\n\"Smith, Ann\",\"say \"\"hi\"\"\",\"\"\n");
  ASSERT_TRUE(csv.errors.empty());
  ASSERT_EQ(csv.records.size(), 2u);
  EXPECT_EQ(csv.records[1].fields, (Fields{"Smith, Ann", "say \"hi\"", ""}));
}

TEST(Csv, AcceptsCrlfAndLoneCr) {
  CsvText crlf = parse_csv("a,b\r\n1,2\r\n3,4\r\n");
  ASSERT_EQ(crlf.records.size(), 3u);
  EXPECT_EQ(crlf.records[2].fields, (Fields{"3", "4"}));
  CsvText cr = parse_csv("a,b\r1,2\r");
  ASSERT_EQ(cr.records.size(), 2u);
  EXPECT_EQ(cr.records[1].fields, (Fields{"1", "2"}));
}

TEST(Csv, SkipsByteOrderMark) {
  CsvText csv = parse_csv("\xEF\xBB\xBFid,name\nE1,Ann");
  ASSERT_EQ(csv.records.size(), 2u);
  EXPECT_EQ(csv.records[0].fields[0], "id");
  EXPECT_EQ(csv.records[0].offset, 3u);
  EXPECT_EQ(csv.records[1].fields, (Fields{"E1", "Ann"}));  // no trailing newline needed
}

TEST(Csv, EmbeddedNewlineStaysInOneRow) {
  CsvText csv = parse_csv("id,note\nE1,\"line one\r\nline two\"\nE2,x\n");
  ASSERT_TRUE(csv.errors.empty());
  ASSERT_EQ(csv.records.size(), 3u);
  EXPECT_EQ(csv.records[1].fields[1], "line one\r\nline two");
  EXPECT_EQ(csv.records[2].row, 3u);  // the row a spreadsheet shows, not the text line (4)
}

TEST(Csv, BlankLinesAreEmptyRows) {
  CsvText csv = parse_csv("id\n\nE2\n");
  ASSERT_EQ(csv.records.size(), 3u);
  EXPECT_TRUE(csv.records[1].blank());
  EXPECT_EQ(csv.records[2].row, 3u);
}

TEST(Csv, TrailingDelimiterMakesAnEmptyLastField) {
  CsvText csv = parse_csv("a,b,c\n1,2,");
  ASSERT_EQ(csv.records.size(), 2u);
  EXPECT_EQ(csv.records[1].fields, (Fields{"1", "2", ""}));
}

TEST(Csv, OtherDelimiter) {
  CsvText csv = parse_csv("a;b\n\"x;y\";2\n", ';');
  ASSERT_EQ(csv.records.size(), 2u);
  EXPECT_EQ(csv.records[1].fields, (Fields{"x;y", "2"}));
}

TEST(Csv, FieldOffsetsPointIntoTheText) {
  CsvText csv = parse_csv("ab,cd\nx,\"y\"\n");
  EXPECT_EQ(csv.records[1].field_offsets, (std::vector<std::size_t>{6, 8}));
}

TEST(Csv, UnterminatedQuoteIsAnErrorInItsRow) {
  CsvText csv = parse_csv("a,b\n1,2\n3,\"open\n4,5\n");
  ASSERT_EQ(csv.errors.size(), 1u);
  EXPECT_EQ(csv.errors[0].row, 3u);
  EXPECT_NE(csv.errors[0].message.find("never closed"), std::string::npos);
}

TEST(Csv, TextAfterClosingQuoteIsAnError) {
  CsvText csv = parse_csv("a,b\n\"x\"y,2\n");
  ASSERT_EQ(csv.errors.size(), 1u);
  EXPECT_EQ(csv.errors[0].row, 2u);
  EXPECT_EQ(csv.records[1].fields[0], "xy");
}

TEST(Csv, StrayQuoteInsideUnquotedFieldIsKept) {
  CsvText csv = parse_csv("a\n5\" screen\n");
  EXPECT_TRUE(csv.errors.empty());
  EXPECT_EQ(csv.records[1].fields[0], "5\" screen");
}

TEST(Csv, EmptyTextHasNoRecords) {
  EXPECT_TRUE(parse_csv("").records.empty());
  EXPECT_TRUE(parse_csv("\xEF\xBB\xBF").records.empty());
}

// Fields are views of the text; those the parser must join (doubled quotes,
// text after a closing quote) live in their record, short or long, and stay
// right however often the records move while hundreds are read.
TEST(Csv, JoinedFieldsStayRightAsRecordsMove) {
  std::string text = "a,b,c\n";
  for (int i = 0; i < 300; ++i) {
    text += "\"x\"\"" + std::to_string(i) + "\",plain" + std::to_string(i) + ",\"q\"tail" +
            std::string(i % 40, 'z') + "\n";
  }
  CsvText csv = parse_csv(text);
  ASSERT_EQ(csv.records.size(), 301u);
  for (int i = 0; i < 300; ++i) {
    const auto& fields = csv.records[i + 1].fields;
    ASSERT_EQ(fields.size(), 3u);
    EXPECT_EQ(fields[0], "x\"" + std::to_string(i));
    EXPECT_EQ(fields[1], "plain" + std::to_string(i));
    EXPECT_EQ(fields[2], "qtail" + std::string(i % 40, 'z'));
    // A plain field is the text itself, not a copy.
    EXPECT_GE(fields[1].data(), text.data());
    EXPECT_LT(fields[1].data(), text.data() + text.size());
  }
  CsvText moved = std::move(csv);
  EXPECT_EQ(moved.records[5].fields[0], "x\"4");
}

}  // namespace
}  // namespace mentoring::adapters::file
