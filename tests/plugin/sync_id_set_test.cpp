// The sync's set of present people (mentoring/sync/id_set.hpp): exact answers for ids that
// share prefixes, differ in one byte or are long, across its growth, in about half the
// memory a std::string per id took.
#include <mentoring/sync/id_set.hpp>

#include <gtest/gtest.h>

#include <string>

using mentoring::sync::IdSet;

TEST(IdSet, AnswersExactlyWhoWasAdded) {
  IdSet set;
  EXPECT_FALSE(set.contains("E1"));
  EXPECT_FALSE(set.contains(""));
  const std::string long_id(300, 'x');
  for (const char* id : {"E1", "E10", "E1-0", "e1", "E1 ", "P7"}) set.insert(id);
  set.insert(long_id);
  set.insert("E1");  // again: kept once
  EXPECT_EQ(set.size(), 7u);
  for (const char* id : {"E1", "E10", "E1-0", "e1", "E1 ", "P7"})
    EXPECT_TRUE(set.contains(id)) << id;
  EXPECT_TRUE(set.contains(long_id));
  for (const char* id : {"E", "E100", "E1-", "P", "P77", "E1  ", ""})
    EXPECT_FALSE(set.contains(id)) << id;
  EXPECT_FALSE(set.contains(long_id.substr(1)));
  EXPECT_FALSE(set.contains(long_id + "x"));
}

TEST(IdSet, StaysExactThroughItsGrowthAndKeepsItsMemorySmall) {
  IdSet set;
  constexpr int kIds = 200000;
  for (int i = 0; i < kIds; ++i) set.insert("E" + std::to_string(i) + "-7");
  set.shrink_to_fit();
  EXPECT_EQ(set.size(), static_cast<std::size_t>(kIds));
  for (int i = 0; i < kIds; ++i) ASSERT_TRUE(set.contains("E" + std::to_string(i) + "-7")) << i;
  for (int i = kIds; i < 2 * kIds; ++i)
    ASSERT_FALSE(set.contains("E" + std::to_string(i) + "-7")) << i;
  for (int i = 0; i < 1000; ++i) ASSERT_FALSE(set.contains("E" + std::to_string(i) + "-8")) << i;
  // Ids of about 8 bytes: their bytes, an 8-byte start and 2-4 slots of 4 bytes each. A
  // std::string (32 bytes) and 2-4 slots of 8 bytes each took 48-64 bytes an id.
  EXPECT_LT(set.bytes(), static_cast<std::size_t>(kIds) * 34);
}
