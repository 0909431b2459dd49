// The quarantine of host records that failed their checks: one row per
// record, replaced when it comes again, released when it passes, bounded.
#include <mentoring/store/org_store.hpp>
#include <mentoring/store/quarantine_store.hpp>

#include <SQLiteCpp/Transaction.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

using namespace mentoring::store;
namespace fs = std::filesystem;

namespace {

struct Quarantine : ::testing::Test {
  fs::path dir = fs::temp_directory_path() /
                 ("mentoring-quarantine-" +
                  std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
  std::unique_ptr<OrgStore> store;
  std::unique_ptr<QuarantineStore> quarantine;
  void SetUp() override {
    fs::remove_all(dir);
    store = std::make_unique<OrgStore>(dir, "acme");
    quarantine = std::make_unique<QuarantineStore>(store->database());
  }
  void TearDown() override {
    quarantine.reset();
    store.reset();
    fs::remove_all(dir);
  }
};

QuarantinedRecord bad(std::optional<std::string> id, std::string reason, std::string day) {
  QuarantinedRecord r;
  r.adapter = "hr";
  r.stream = "leave";
  r.record_id = std::move(id);
  r.reason = std::move(reason);
  r.pointer = "/person_id";
  r.found = "\"GHOST\"";
  r.expected = "the id of a known person";
  r.message = "hr leave record L7: /person_id: found \"GHOST\"; expected the id of a known person";
  r.excerpt = R"({"id":"L7","person_id":"GHOST"})";
  r.last_seen = std::move(day);
  return r;
}

}  // namespace

TEST_F(Quarantine, TheSameRecordAgainReplacesItsRowAndKeepsWhenItWasFirstSeen) {
  quarantine->hold(bad("L7", "unknown_person", "2026-12-01"), "");
  auto again = bad("L7", "ends_before_start", "2026-12-08");
  again.pointer = "/expected_end";
  quarantine->hold(again, "");
  auto rows = quarantine->list();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].reason, "ends_before_start");
  EXPECT_EQ(rows[0].pointer, "/expected_end");
  EXPECT_EQ(rows[0].first_seen, "2026-12-01");
  EXPECT_EQ(rows[0].last_seen, "2026-12-08");
  EXPECT_EQ(rows[0].times_seen, 2);
  EXPECT_EQ(quarantine->count("hr", "leave"), 1);
  EXPECT_EQ(quarantine->count("hr", "people"), 0);
  EXPECT_TRUE(quarantine->release("hr", "leave", "L7"));
  EXPECT_FALSE(quarantine->release("hr", "leave", "L7"));
  EXPECT_EQ(quarantine->count(), 0);
}

TEST_F(Quarantine, ARecordWithoutAnIdIsKeyedByItsTextSoTheSameOneIsHeldOnce) {
  quarantine->hold(bad(std::nullopt, "not_valid", "2026-12-01"), R"({"name":"x"})");
  quarantine->hold(bad(std::nullopt, "not_valid", "2026-12-02"), R"({"name":"x"})");
  quarantine->hold(bad(std::nullopt, "not_valid", "2026-12-02"), R"({"name":"y"})");
  EXPECT_EQ(quarantine->count(), 2);
  EXPECT_EQ(QuarantineStore::key_of(std::nullopt, "a"), QuarantineStore::key_of(std::nullopt, "a"));
  EXPECT_NE(QuarantineStore::key_of(std::nullopt, "a"), QuarantineStore::key_of(std::nullopt, "b"));
  EXPECT_EQ(QuarantineStore::key_of(std::string("L7"), "anything"), "L7");
}

TEST_F(Quarantine, ReasonsAndExcerptsAreCappedAtACharacterBoundary) {
  auto r = bad("L7", "not_valid", "2026-12-01");
  std::string long_text;
  for (int i = 0; i < 3000; ++i) long_text += "\xc3\xa9";  // é, two bytes each
  r.message = long_text;
  r.excerpt = long_text;
  r.found = long_text;
  quarantine->hold(r, long_text);
  auto row = quarantine->list().at(0);
  EXPECT_LE(row.message.size(), QuarantineStore::kMaxMessage);
  EXPECT_LE(row.excerpt.size(), QuarantineStore::kMaxExcerpt);
  EXPECT_LE(row.found.size(), QuarantineStore::kMaxField);
  EXPECT_GT(row.excerpt.size(), QuarantineStore::kMaxExcerpt - 8);
  for (const std::string* text : {&row.message, &row.excerpt, &row.found}) {
    // Ends with the cut mark, and no character was split before it.
    ASSERT_GE(text->size(), 3u);
    EXPECT_EQ(text->substr(text->size() - 3), "\u2026");
    EXPECT_EQ((text->size() - 3) % 2, 0u);
  }
  EXPECT_EQ(capped("short", 10), "short");
}

TEST_F(Quarantine, EachStreamHoldsAtMostItsLimitDroppingThoseSeenLongestAgo) {
  const std::int64_t total = QuarantineStore::kMaxPerStream + 3;
  SQLite::Transaction txn(store->database());
  for (std::int64_t i = total - 1; i >= 0; --i) {  // the oldest seen are not the first rows
    std::string day = i < 3 ? "2026-11-01" : "2026-12-01";
    quarantine->hold(bad("L" + std::to_string(i), "unknown_person", day), "");
  }
  EXPECT_EQ(quarantine->trim("hr", "leave"), 3);
  EXPECT_EQ(quarantine->trim("hr", "leave"), 0);
  EXPECT_EQ(quarantine->count("hr", "leave"), QuarantineStore::kMaxPerStream);
  auto keys = quarantine->keys("hr", "leave");
  EXPECT_EQ(keys.count("L0") + keys.count("L1") + keys.count("L2"), 0u);
  EXPECT_EQ(keys.count("L3"), 1u);
  // Another stream has its own limit.
  auto person = bad("P1", "not_valid", "2026-12-01");
  person.stream = "people";
  quarantine->hold(person, "");
  EXPECT_EQ(quarantine->trim("hr", "people"), 0);
  txn.commit();
}

TEST_F(Quarantine, PeopleHeldFromAFullReadAreKnownAndThoseOfEarlierReadsLeave) {
  auto person = [](std::optional<std::string> id, std::string read) {
    auto r = bad(std::move(id), "not_valid", "2026-12-01");
    r.stream = "people";
    r.full_read = std::move(read);
    return r;
  };
  quarantine->hold(person("P1", "read-1"), "");
  quarantine->hold(person("P2", "read-2"), "");
  quarantine->hold(person(std::nullopt, "read-2"), "{}");
  auto held = quarantine->held_in_read("hr", "read-2");
  EXPECT_EQ(held.ids, std::vector<std::string>{"P2"});
  EXPECT_EQ(held.without_id, 1);
  EXPECT_EQ(quarantine->release_unlisted("hr", "read-2"), 1);  // P1: not listed by read-2
  EXPECT_EQ(quarantine->count("hr", "people"), 2);
}

// Issue 16: a record held for a reason that can pass later keeps its text for
// a retry, within kMaxRaw; a retry that fails again moves last_seen only.
TEST_F(Quarantine, ARawRecordIsKeptForARetryWithinItsBoundAndARetryCountsNoNewSighting) {
  auto l7 = bad("L7", "unknown_person", "2026-12-01");
  l7.raw = R"({"id":"L7","person_id":"GHOST"})";
  quarantine->hold(l7, "");
  auto big = bad("L8", "unknown_person", "2026-12-01");
  big.raw = "\"" + std::string(QuarantineStore::kMaxRaw, 'x') + "\"";  // over the bound
  quarantine->hold(big, "");
  quarantine->hold(bad("L9", "ends_before_start", "2026-12-01"), "");  // no raw: never retried
  auto retry = quarantine->retryable("hr", "leave");
  ASSERT_EQ(retry.size(), 1u);
  EXPECT_EQ(retry[0].key, "L7");
  EXPECT_EQ(retry[0].raw, *l7.raw);
  EXPECT_TRUE(quarantine->retryable("hr", "people").empty());

  auto again = bad("L7", "overlapping_leave", "2026-12-05");
  again.raw = l7.raw;
  EXPECT_TRUE(quarantine->still_held("L7", again));
  auto rows = quarantine->list("hr", "leave");
  auto row = std::find_if(rows.begin(), rows.end(), [](auto& r) { return r.record_id == "L7"; });
  ASSERT_NE(row, rows.end());
  EXPECT_EQ(row->reason, "overlapping_leave");
  EXPECT_EQ(row->first_seen, "2026-12-01");
  EXPECT_EQ(row->last_seen, "2026-12-05");
  EXPECT_EQ(row->times_seen, 1);
  // Failing now for a reason that cannot pass later drops the text.
  auto wrong = bad("L7", "ends_before_start", "2026-12-06");
  EXPECT_TRUE(quarantine->still_held("L7", wrong));
  EXPECT_TRUE(quarantine->retryable("hr", "leave").empty());
  EXPECT_FALSE(quarantine->still_held("L1", wrong));  // not held: nothing to update
  // The host sending a held record again for a lasting reason drops the text too.
  quarantine->hold(l7, "");
  quarantine->hold(bad("L7", "ends_before_start", "2026-12-07"), "");
  EXPECT_TRUE(quarantine->retryable("hr", "leave").empty());
}
